//! Bank card numbers (ISO/IEC 7812 PANs): the wages are paid to this card,
//! so a mistyped digit must be caught before it is stored.

use super::IdentityError;
use super::normalise::{normalise, strip_separators};

const FIELD: &str = "bank_card";

/// A card number as its digits: 12 to 19 of them, passing the Luhn check.
pub fn bank_card(input: &str) -> Result<String, IdentityError> {
    let digits = strip_separators(&normalise(FIELD, input)?);
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid("must contain only digits"));
    }
    if !(12..=19).contains(&digits.len()) {
        return Err(invalid("must have 12 to 19 digits"));
    }
    if !luhn_ok(digits.as_bytes()) {
        return Err(invalid(
            "the card number does not pass its check digit: check for a mistyped digit",
        ));
    }
    Ok(digits)
}

/// The Luhn (mod 10) check over ASCII digits, the last one being the check
/// digit: every second digit from the right is doubled.
fn luhn_ok(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            let d = u32::from(d - b'0');
            match (i % 2 == 1, d * 2) {
                (false, _) => d,
                (true, doubled) if doubled > 9 => doubled - 9,
                (true, doubled) => doubled,
            }
        })
        .sum();
    sum.is_multiple_of(10)
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
        let err = bank_card(input).unwrap_err();
        assert_eq!(err.field(), "bank_card");
        assert_no_leak(input, &err);
        err.reason().to_string()
    }

    #[test]
    fn published_test_numbers() {
        for valid in [
            // paylike/luhn, test.js: the ISO/IEC 7812 example and the card
            // networks' published test numbers (13 to 16 digits).
            "6123451234567893",
            "4111111111111111",
            "4012888888881881",
            "4222222222222",
            "5555555555554444",
            "5105105105105100",
            "378282246310005",
            "371449635398431",
            "30569309025904",
            "38520000023237",
            "6011111111111117",
            "3530111333300000",
            "6331101999990016",
            // UnionPay (BIN 62) test cards of 14 to 19 digits, Braintree's
            // sandbox list (developer.paypal.com/braintree/docs/guides/unionpay/testing).
            "6212345678901265",
            "6212345678901232",
            "62123456789002",
            "621234567890003",
            "62123456789000003",
            "621234567890000002",
            "6212345678900000003",
            // Stripe's UnionPay test card.
            "6200000000000005",
            // ICBC's 622202 BIN (debit), 19 digits.
            "6222020200112233446",
        ] {
            assert_eq!(bank_card(valid), Ok(valid.to_string()), "{valid}");
        }
        assert_eq!(
            bank_card("4111 1111 1111 1111").unwrap(),
            "4111111111111111"
        );
        assert_eq!(
            bank_card("6222-0202-0011-2233-446").unwrap(),
            "6222020200112233446"
        );
        let check = "the card number does not pass its check digit: check for a mistyped digit";
        // paylike/luhn's invalid number, and a one-digit slip of the ICBC card.
        assert_eq!(reason("4571736004738485"), check);
        assert_eq!(reason("6222020200112233445"), check);
        // paylike/luhn's other invalid number is too short for a bank card.
        assert_eq!(reason("76009244561"), "must have 12 to 19 digits");
    }

    #[test]
    fn refuses_with_a_reason() {
        assert_eq!(reason(""), "is required");
        assert_eq!(reason("\t "), "is required");
        assert_eq!(reason(&"4".repeat(65)), "must be at most 64 characters");
        assert!(reason("4111\u{0}111111111111").contains("control characters"));
        assert_eq!(reason("41111111111111I1"), "must contain only digits");
        assert_eq!(reason("4111.1111.1111.1111"), "must contain only digits");
        assert_eq!(
            reason("411111111111"),
            "the card number does not pass its check digit: check for a mistyped digit"
        );
        assert_eq!(reason("41111111111"), "must have 12 to 19 digits");
        assert_eq!(reason("41111111111111111111"), "must have 12 to 19 digits");
    }

    fn valid_card() -> impl Strategy<Value = String> {
        ("(62|4|5)[0-9]{10,16}").prop_map(|body| {
            (b'0'..=b'9')
                .map(|c| format!("{body}{}", char::from(c)))
                .find(|card| luhn_ok(card.as_bytes()))
                .unwrap()
        })
    }

    proptest! {
        #[test]
        fn any_single_digit_change_is_caught(card in valid_card()) {
            prop_assert_eq!(bank_card(&card), Ok(card.clone()));
            for i in 0..card.len() {
                for c in (b'0'..=b'9').filter(|&c| c != card.as_bytes()[i]) {
                    let mut changed = card.clone().into_bytes();
                    changed[i] = c;
                    let changed = String::from_utf8(changed).unwrap();
                    let err = bank_card(&changed);
                    prop_assert!(err.is_err(), "{} accepted", changed);
                    assert_no_leak(&changed, &err.unwrap_err());
                }
            }
        }

        #[test]
        fn written_forms_give_the_same_digits(card in valid_card()) {
            let canonical = Ok(card.clone());
            prop_assert_eq!(bank_card(&full_width(&card)), canonical.clone());
            let grouped: Vec<&str> = card.as_bytes().chunks(4)
                .map(|g| std::str::from_utf8(g).unwrap())
                .collect();
            prop_assert_eq!(bank_card(&grouped.join(" ")), canonical.clone());
            prop_assert_eq!(bank_card(&full_width(&grouped.join(" "))), canonical.clone());
            prop_assert_eq!(bank_card(&grouped.join("-")), canonical);
        }

        #[test]
        fn errors_never_repeat_the_digits(input in "[0-9 -]{6,40}") {
            if let Err(err) = bank_card(&input) {
                assert_no_leak(&input, &err);
            }
        }
    }
}
