//! Mainland China mobile numbers.

use super::IdentityError;
use super::normalise::{normalise, strip_separators};

const FIELD: &str = "mobile";

/// A mainland mobile number as its 11 digits. Accepts the country code in
/// any of its written forms (`+86`, `86`, `0086`), spaces and hyphens between
/// groups, and full-width digits.
pub fn mobile(input: &str) -> Result<String, IdentityError> {
    let text = strip_separators(&normalise(FIELD, input)?);
    let national = match text.strip_prefix('+') {
        Some(rest) => rest.strip_prefix("86").ok_or_else(|| {
            IdentityError::invalid(FIELD, "must be a mainland China number (country code +86)")
        })?,
        None => &text,
    };
    if !national.bytes().all(|b| b.is_ascii_digit()) {
        return Err(IdentityError::invalid(
            FIELD,
            "must contain only digits (and an optional +86)",
        ));
    }
    // Without a "+", the country code is recognised by the length it adds:
    // a national number never starts with 0 or 86.
    let national = match national.len() {
        15 => national.strip_prefix("0086").unwrap_or(national),
        13 => national.strip_prefix("86").unwrap_or(national),
        _ => national,
    };
    if national.len() != 11 {
        return Err(IdentityError::invalid(FIELD, "must have 11 digits"));
    }
    if !is_mobile_prefix(national.as_bytes()) {
        return Err(IdentityError::invalid(
            FIELD,
            "is not a mainland mobile number prefix: check the first three digits",
        ));
    }
    Ok(national.to_string())
}

/// The three-digit network prefixes of 11-digit numbers that carry SMS, which
/// registration needs. From the allocation tables of
/// VincentSit/ChinaMobilePhoneNumberRegex (README.md and rules.json, release
/// of 3 May 2020, after MIIT's 162/190/192/193/195/196/197 allocations):
/// carriers 13x, 15[0-35-9], 17[235-8], 174 (satellite and emergency
/// sub-ranges), 18x, 19[0-35-9], 166; MVNOs 162, 165, 167, 170, 171;
/// data plans with SMS 145, 147, 149. 140–144, 146 and 148 are 13-digit IoT
/// numbers and never 11 digits; 154, 161, 164, 194 are unallocated.
fn is_mobile_prefix(digits: &[u8]) -> bool {
    match digits {
        [b'1', second, third, ..] => match second {
            b'3' | b'8' => true,
            b'4' => matches!(third, b'5' | b'7' | b'9'),
            b'5' | b'9' => *third != b'4',
            b'6' => matches!(third, b'2' | b'5' | b'6' | b'7'),
            b'7' => *third != b'9',
            _ => false,
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{assert_no_leak, full_width};
    use super::*;
    use proptest::prelude::*;

    fn reason(input: &str) -> String {
        let err = mobile(input).unwrap_err();
        assert_eq!(err.field(), "mobile");
        assert_no_leak(input, &err);
        err.reason().to_string()
    }

    #[test]
    fn accepts_the_written_forms() {
        for input in [
            "13812341234",
            "138 1234 1234",
            "138-1234-1234",
            "+8613812341234",
            "+86 138 1234 1234",
            "+86-13812341234",
            "8613812341234",
            "86 13812341234",
            "008613812341234",
            "0086-138-1234-1234",
            " １３８１２３４１２３４ ",
            "＋８６\u{3000}１３８１２３４１２３４",
        ] {
            assert_eq!(mobile(input).as_deref(), Ok("13812341234"), "{input:?}");
        }
    }

    #[test]
    fn accepts_every_allocated_prefix() {
        // One number per allocated prefix, from the table cited above.
        for prefix in [
            "130", "134", "139", "145", "147", "149", "150", "153", "159", "162", "165", "166",
            "167", "170", "171", "172", "173", "174", "177", "178", "180", "189", "190", "191",
            "192", "193", "195", "196", "197", "198", "199",
        ] {
            let number = format!("{prefix}00001111");
            assert_eq!(mobile(&number), Ok(number.clone()));
        }
    }

    #[test]
    fn refuses_with_a_reason() {
        let prefix = "is not a mainland mobile number prefix: check the first three digits";
        for unallocated in [
            "12345678901",
            "10012345678",
            "14012345678",
            "14612345678",
            "14812345678",
            "15412345678",
            "16112345678",
            "16412345678",
            "17912345678",
            "19412345678",
            "23812341234",
        ] {
            assert_eq!(reason(unallocated), prefix, "{unallocated}");
        }
        assert_eq!(reason(""), "is required");
        assert_eq!(reason("   "), "is required");
        assert_eq!(reason(&"1".repeat(65)), "must be at most 64 characters");
        assert!(reason("138\u{7}12341234").contains("control characters"));
        assert_eq!(reason("1381234123"), "must have 11 digits");
        assert_eq!(reason("138123412345"), "must have 11 digits");
        assert_eq!(reason("861381234123"), "must have 11 digits");
        assert_eq!(reason("+86138123412"), "must have 11 digits");
        let digits_only = "must contain only digits (and an optional +86)";
        assert_eq!(reason("138I2341234"), digits_only);
        assert_eq!(reason("138o2341234"), digits_only);
        assert_eq!(reason("138.1234.1234"), digits_only);
        assert_eq!(reason("(+86)13812341234"), digits_only);
        assert_eq!(
            reason("+85261234567"),
            "must be a mainland China number (country code +86)"
        );
    }

    fn valid_mobile() -> impl Strategy<Value = String> {
        (
            "1(3[0-9]|4[579]|5[0-35-9]|6[2567]|7[0-8]|8[0-9]|9[0-35-9])",
            "[0-9]{8}",
        )
            .prop_map(|(prefix, rest)| format!("{prefix}{rest}"))
    }

    proptest! {
        #[test]
        fn the_canonical_form_is_a_fixed_point(number in valid_mobile()) {
            prop_assert_eq!(mobile(&number), Ok(number.clone()));
            let spaced = format!("+86 {} {} {}", &number[..3], &number[3..7], &number[7..]);
            prop_assert_eq!(mobile(&spaced), Ok(number.clone()));
        }

        #[test]
        fn full_width_gives_the_same_number(number in valid_mobile()) {
            prop_assert_eq!(mobile(&full_width(&number)), Ok(number.clone()));
            prop_assert_eq!(mobile(&full_width(&format!("86 {number}"))), Ok(number));
        }

        #[test]
        fn errors_never_repeat_the_digits(input in "[+]?[0-9 -]{6,30}") {
            if let Err(err) = mobile(&input) {
                assert_no_leak(&input, &err);
            }
        }
    }
}
