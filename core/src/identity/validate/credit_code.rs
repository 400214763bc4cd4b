//! Unified social credit codes of companies and other organisations
//! (GB 32100-2015).

use super::IdentityError;
use super::normalise::{normalise, strip_separators};
use super::region::is_province;

const FIELD: &str = "credit_code";

/// The 31 characters of the code, in the order of their values 0–30: digits
/// and capitals without I, O, Z, S, V, which are mistaken for 1, 0, 2, 5, U.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// MOD 31 weights of the first 17 characters, 3^i mod 31.
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];
/// Registration-authority codes (the first character). GB 32100-2015 Annex A
/// and the assignments since: 1 organisation establishment, 2 foreign
/// affairs, 3 judicial administration, 4 culture, 5 civil affairs, 6 tourism,
/// 7 religion, 8 trade unions, 9 market regulation (companies), A the
/// military's establishment office, G public security, J housing, N
/// agriculture (rural collectives), Q overseas Chinese federation, Y other.
/// Sources: howardli/CredentialKit,
/// `src/main/java/com/xiahaimoyu/credentialkit/enums/RegistrationDepartment.java`,
/// and the published breakdowns of the code (1–9, A, N, Y).
const AUTHORITIES: &[u8] = b"123456789AGJNQY";

/// An 18-character unified social credit code, upper-case.
pub fn credit_code(input: &str) -> Result<String, IdentityError> {
    let code = strip_separators(&normalise(FIELD, input)?).to_ascii_uppercase();
    if code.chars().count() != 18 {
        return Err(invalid("must have 18 characters"));
    }
    let values: Vec<u32> = code
        .bytes()
        .map(value)
        .collect::<Option<_>>()
        .ok_or_else(|| {
            if code.bytes().any(|b| b"IOZSV".contains(&b)) {
                invalid("never contains the letters I, O, Z, S or V: check for 1, 0, 2, 5 or U")
            } else {
                invalid("must contain only digits and capital letters")
            }
        })?;
    let bytes = code.as_bytes();
    if !AUTHORITIES.contains(&bytes[0]) {
        return Err(invalid(
            "the first character is not a registration authority code",
        ));
    }
    if !bytes[2..8].iter().all(u8::is_ascii_digit) {
        return Err(invalid(
            "characters 3 to 8 must be digits (the region code)",
        ));
    }
    // 10 is the national level (100000), used by authorities in Beijing
    // that register for the whole country.
    if !(is_province(&bytes[2..8]) || bytes[2..4] == *b"10") {
        return Err(invalid("characters 3 to 8 are not a Chinese region code"));
    }
    if values[17] != check_value(&values[..17]) {
        return Err(invalid(
            "the check character does not match: check for a mistyped character",
        ));
    }
    Ok(code)
}

/// The value 0–30 of a code character.
fn value(b: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == b).map(|v| v as u32)
}

/// The value of the check character: 31 − (Σ value × weight mod 31), mod 31.
fn check_value(values: &[u32]) -> u32 {
    let sum: u32 = values.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    (31 - sum % 31) % 31
}

fn invalid(reason: &'static str) -> IdentityError {
    IdentityError::invalid(FIELD, reason)
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{assert_no_leak, full_width};
    use super::*;
    use proptest::prelude::*;

    fn reason(input: &str) -> String {
        let err = credit_code(input).unwrap_err();
        assert_eq!(err.field(), "credit_code");
        assert_no_leak(input, &err);
        err.reason().to_string()
    }

    fn with_check(body: &str) -> String {
        let values: Vec<u32> = body.bytes().map(|b| value(b).unwrap()).collect();
        let check = ALPHABET[check_value(&values) as usize];
        format!("{body}{}", char::from(check))
    }

    #[test]
    fn published_examples() {
        for valid in [
            // The widely used example (a Fuzhou company, authority 9).
            "91350100M000100Y43",
            // dromara/hutool, hutool-core/src/test/java/cn/hutool/core/util/CreditCodeUtilTest.java
            "91310115591693856A",
            "91310110666007217T",
            // winjs-dev/cloud-utils, src/isUnifiedSocialCreditCode.ts
            "91230184MA1BUFLT44",
            "92371000MA3MXH0E3W",
            // pandaoh/js-xxx, docs/functions/isCreditCode.md
            "9144030071526726XG",
        ] {
            assert_eq!(credit_code(valid), Ok(valid.to_string()), "{valid}");
        }
        assert_eq!(
            credit_code("91350100m000100y43").unwrap(),
            "91350100M000100Y43"
        );
        assert_eq!(
            credit_code("9135 0100 M000 100Y 43").unwrap(),
            "91350100M000100Y43"
        );
        // hutool again: an early pilot code that breaks the standard's check.
        let check = "the check character does not match: check for a mistyped character";
        assert_eq!(reason("91350211M00013FA1N"), check);
        assert_eq!(reason("91350100M000100Y44"), check);
    }

    #[test]
    fn refuses_with_a_reason() {
        assert_eq!(reason(""), "is required");
        assert_eq!(reason("\u{3000}"), "is required");
        assert_eq!(reason(&"9".repeat(65)), "must be at most 64 characters");
        assert!(reason("91350100\u{1B}M000100Y43").contains("control characters"));
        assert_eq!(reason("91350100M000100Y4"), "must have 18 characters");
        assert_eq!(reason("91350100M000100Y433"), "must have 18 characters");
        assert_eq!(
            reason("91350100M0001O0Y43"),
            "never contains the letters I, O, Z, S or V: check for 1, 0, 2, 5 or U"
        );
        assert_eq!(
            reason("91350100M000100Y4*"),
            "must contain only digits and capital letters"
        );
        assert_eq!(
            reason(&with_check("01350100M000100Y4")),
            "the first character is not a registration authority code"
        );
        assert_eq!(
            reason(&with_check("913501A0M000100Y4")),
            "characters 3 to 8 must be digits (the region code)"
        );
        assert_eq!(
            reason(&with_check("91990100M000100Y4")),
            "characters 3 to 8 are not a Chinese region code"
        );
        assert_eq!(
            credit_code(&with_check("11100000000013127")).map(|_| ()),
            Ok(())
        );
    }

    fn valid_code() -> impl Strategy<Value = String> {
        let authority = prop::sample::select(AUTHORITIES.to_vec());
        let province = prop::sample::select(vec![10u8, 11, 31, 35, 44, 50, 65, 81]);
        let alphabet = prop::collection::vec(prop::sample::select(ALPHABET.to_vec()), 10);
        (authority, province, 0u32..10_000, alphabet).prop_map(|(a, p, county, rest)| {
            let rest = String::from_utf8(rest).unwrap();
            with_check(&format!(
                "{}{}{p:02}{county:04}{}",
                char::from(a),
                &rest[..1],
                &rest[1..]
            ))
        })
    }

    proptest! {
        #[test]
        fn any_single_character_change_is_caught(code in valid_code()) {
            prop_assert_eq!(credit_code(&code), Ok(code.clone()));
            for i in 0..18 {
                for &c in ALPHABET.iter().filter(|&&c| c != code.as_bytes()[i]) {
                    let mut changed = code.clone().into_bytes();
                    changed[i] = c;
                    let changed = String::from_utf8(changed).unwrap();
                    let err = credit_code(&changed);
                    prop_assert!(err.is_err(), "{} accepted", changed);
                    assert_no_leak(&changed, &err.unwrap_err());
                }
            }
        }

        #[test]
        fn written_forms_give_the_same_code(code in valid_code()) {
            let canonical = Ok(code.clone());
            prop_assert_eq!(credit_code(&code.to_lowercase()), canonical.clone());
            prop_assert_eq!(credit_code(&full_width(&code)), canonical.clone());
            prop_assert_eq!(credit_code(&full_width(&code.to_lowercase())), canonical.clone());
            let spaced = format!("{}-{} {}", &code[..2], &code[2..8], &code[8..]);
            prop_assert_eq!(credit_code(&spaced), canonical);
        }

        #[test]
        fn errors_never_repeat_the_input(input in "[0-9A-Za-z -]{6,40}") {
            if let Err(err) = credit_code(&input) {
                assert_no_leak(&input, &err);
            }
        }
    }
}
