//! Mainland China mobile numbers, as the server accepts them.
//!
//! The same rules as the phone's validator (laowu-core's
//! `identity::validate::mobile`), so a number the app accepts is never
//! refused here: 11 digits after an optional country code (`+86`, `86`,
//! `0086`), spaces and hyphens between groups allowed, and a first three
//! digits allocated to SMS-capable mobile networks.

use std::fmt;

use crate::crypto::ServerKeys;
use crate::http::ApiError;

/// A valid number as its 11 digits. Never printed: `Debug` redacts it and
/// there is no `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    pub fn parse(input: &str) -> Result<Phone, ApiError> {
        const FIELD: &str = "phone";
        let text: String = input
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .collect();
        let national = match text.strip_prefix('+') {
            Some(rest) => rest.strip_prefix("86").ok_or_else(|| {
                ApiError::invalid_field(FIELD, "must be a mainland China number (+86)")
            })?,
            None => &text,
        };
        if !national.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ApiError::invalid_field(
                FIELD,
                "must contain only digits (and an optional +86)",
            ));
        }
        // Without a "+", a country code shows in the length it adds: a
        // national mobile number never starts with 0 or 86.
        let national = match national.len() {
            15 => national.strip_prefix("0086").unwrap_or(national),
            13 => national.strip_prefix("86").unwrap_or(national),
            _ => national,
        };
        if national.len() != 11 {
            return Err(ApiError::invalid_field(FIELD, "must have 11 digits"));
        }
        if !is_mobile_prefix(national.as_bytes()) {
            return Err(ApiError::invalid_field(
                FIELD,
                "is not a mainland mobile number: check the first three digits",
            ));
        }
        Ok(Phone(national.to_string()))
    }

    pub fn digits(&self) -> &str {
        &self.0
    }

    /// The keyed hash accounts are found by.
    pub fn lookup_key(&self, keys: &ServerKeys) -> Vec<u8> {
        keys.lookup_key("phone", &self.0)
    }

    /// What logs say instead of the number.
    pub fn log_tag(&self, keys: &ServerKeys) -> String {
        keys.log_tag(&self.0)
    }
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Phone(<redacted>)")
    }
}

/// Network prefixes of 11-digit numbers that receive SMS (the table and its
/// sources are in laowu-core's validator): 13x, 145/147/149, 15x but 154,
/// 162/165/166/167, 17x but 179, 18x, 19x but 194.
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
    use super::*;

    #[test]
    fn accepts_the_written_forms() {
        for input in [
            "13812341234",
            "+8613812341234",
            "+86 138 1234 1234",
            "8613812341234",
            "008613812341234",
            "138-1234-1234",
            " 13812341234 ",
        ] {
            assert_eq!(
                Phone::parse(input).unwrap().digits(),
                "13812341234",
                "{input}"
            );
        }
        for prefix in ["145", "166", "170", "191", "199"] {
            assert!(
                Phone::parse(&format!("{prefix}12341234")).is_ok(),
                "{prefix}"
            );
        }
    }

    #[test]
    fn refuses_others_without_repeating_them() {
        for input in [
            "",
            "1381234123",
            "138123412345",
            "+1 415 555 0100",
            "23812341234",
            "12012341234",
            "15412341234",
            "1381234123x",
            "+8523812341234",
        ] {
            let err = Phone::parse(input).unwrap_err().body();
            assert_eq!(err.code, "invalid_input", "{input}");
            assert_eq!(err.field.as_deref(), Some("phone"), "{input}");
            if !input.is_empty() {
                assert!(!err.message.contains(input), "{input}");
            }
        }
    }

    #[test]
    fn debug_redacts() {
        let phone = Phone::parse("13812341234").unwrap();
        assert!(!format!("{phone:?}").contains("1381234"));
    }
}
