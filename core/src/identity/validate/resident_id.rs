//! Resident ID numbers: GB 11643-1999 (18 characters, ISO 7064 MOD 11-2
//! check character), and the first-generation 15-digit numbers of
//! GB 11643-1989, which are upgraded to 18.

use std::fmt;

use jiff::civil::{Date, date};

use super::IdentityError;
use super::mask::mask_id;
use super::normalise::{normalise, strip_separators};
use super::region::is_province;

const FIELD: &str = "id_number";

/// The ISO 7064 MOD 11-2 weights of the 17 body digits, 2^(17-i) mod 11.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// The check character for each remainder of the weighted sum mod 11.
const CHECK: &[u8; 11] = b"10X98765432";
/// No one alive was born earlier; a date before this is a mistyped year.
const EARLIEST_BIRTH: Date = date(1900, 1, 1);

/// A checked resident ID number and what it says.
#[derive(Clone, PartialEq, Eq)]
pub struct ResidentId {
    /// 18 characters, the check character `X` upper-case.
    pub number: String,
    pub birth_date: Date,
    /// The 6-digit region code (GB/T 2260) the number was issued under.
    pub region: String,
    /// The 17th digit is odd for men, even for women.
    pub male: bool,
    /// Entered as a first-generation 15-digit number.
    pub upgraded_from_15: bool,
}

/// Masked: this value ends up in logs and panic messages.
impl fmt::Debug for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResidentId")
            .field("number", &mask_id(&self.number))
            .field("birth_date", &format_args!("<hidden>"))
            .field("region", &format_args!("<hidden>"))
            .field("male", &self.male)
            .field("upgraded_from_15", &self.upgraded_from_15)
            .finish()
    }
}

/// Checks a resident ID number against `today` (a birth date after it is
/// refused). A 15-digit first-generation number comes back upgraded to 18
/// characters, so that one person has one number.
pub fn resident_id(input: &str, today: Date) -> Result<ResidentId, IdentityError> {
    let text = strip_separators(&normalise(FIELD, input)?).to_ascii_uppercase();
    let (number, upgraded_from_15) = match text.chars().count() {
        18 => (checked_18(text)?, false),
        15 => (upgraded_15(&text)?, true),
        _ => {
            return Err(invalid(
                "must have 18 characters (or 15 digits for a first-generation card)",
            ));
        }
    };
    let digits = number.as_bytes();
    let birth_date = birth_date(&digits[6..14])?;
    if birth_date > today {
        return Err(invalid("the birth date is in the future"));
    }
    if birth_date < EARLIEST_BIRTH {
        return Err(invalid("the birth date is before 1900: check the year"));
    }
    if !is_province(digits) {
        return Err(invalid("the region code is not a Chinese province"));
    }
    Ok(ResidentId {
        region: number[..6].to_string(),
        male: (digits[16] - b'0') % 2 == 1,
        number,
        birth_date,
        upgraded_from_15,
    })
}

/// 17 digits and a check character that matches them.
fn checked_18(text: String) -> Result<String, IdentityError> {
    let bytes = text.as_bytes();
    let body_ok = bytes[..17].iter().all(u8::is_ascii_digit);
    if !body_ok || !(bytes[17].is_ascii_digit() || bytes[17] == b'X') {
        return Err(invalid("must be 17 digits followed by a digit or X"));
    }
    if check_char(&bytes[..17]) != bytes[17] {
        return Err(invalid(
            "the check character does not match: check for a mistyped digit",
        ));
    }
    Ok(text)
}

/// A first-generation number (6-digit region, YYMMDD of a 19YY birth, 3-digit
/// sequence, no check character) as the 18-character number it became.
fn upgraded_15(text: &str) -> Result<String, IdentityError> {
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(
            "a first-generation (15-digit) number has only digits",
        ));
    }
    let mut number = format!("{}19{}", &text[..6], &text[6..]);
    number.push(char::from(check_char(number.as_bytes())));
    Ok(number)
}

/// The ISO 7064 MOD 11-2 check character of 17 ASCII digits.
fn check_char(body: &[u8]) -> u8 {
    let sum: u32 = body
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    CHECK[(sum % 11) as usize]
}

/// YYYYMMDD (ASCII digits) as a calendar date.
fn birth_date(digits: &[u8]) -> Result<Date, IdentityError> {
    let number = |range: std::ops::Range<usize>| {
        digits[range]
            .iter()
            .fold(0i16, |n, d| n * 10 + i16::from(d - b'0'))
    };
    let (year, month, day) = (number(0..4), number(4..6), number(6..8));
    // Month and day are at most 99, so the casts cannot truncate.
    Date::new(year, month as i8, day as i8)
        .map_err(|_| invalid("the birth date in the number is not a real date"))
}

fn invalid(reason: &'static str) -> IdentityError {
    IdentityError::invalid(FIELD, reason)
}

#[cfg(test)]
mod tests {
    use super::super::region::PROVINCES;
    use super::super::testkit::{assert_no_leak, full_width};
    use super::*;
    use proptest::prelude::*;

    const TODAY: Date = date(2026, 11, 23);

    fn ok(input: &str) -> ResidentId {
        resident_id(input, TODAY).unwrap_or_else(|e| panic!("{e}"))
    }

    fn reason(input: &str) -> String {
        let err = resident_id(input, TODAY).unwrap_err();
        assert_eq!(err.field(), "id_number");
        assert_no_leak(input, &err);
        err.reason().to_string()
    }

    /// An 18-character number with a correct check character.
    fn with_check(body: &str) -> String {
        format!("{body}{}", char::from(check_char(body.as_bytes())))
    }

    fn yyyymmdd(d: Date) -> String {
        format!("{:04}{:02}{:02}", d.year(), d.month(), d.day())
    }

    #[test]
    fn the_standards_example() {
        // GB 11643-1999's worked example: Chaoyang district of Beijing, born
        // 31 December 1949, sequence 002 (a woman).
        let id = ok("11010519491231002X");
        assert_eq!(id.number, "11010519491231002X");
        assert_eq!(id.birth_date, date(1949, 12, 31));
        assert_eq!(id.region, "110105");
        assert!(!id.male);
        assert!(!id.upgraded_from_15);
        assert_eq!(ok("11010519491231002x").number, "11010519491231002X");
        assert_eq!(ok("110105 19491231 002X").number, "11010519491231002X");
        // Its second example (Chaoyang county, Shantou, born 1 January 1880)
        // has a correct check character but a birth before 1900.
        assert_eq!(
            reason("440524188001010014"),
            "the birth date is before 1900: check the year"
        );
    }

    #[test]
    fn published_examples() {
        // dromara/hutool, hutool-core/src/test/java/cn/hutool/core/util/IdcardUtilTest.java
        let id = ok("321083197812162119");
        assert_eq!((id.birth_date, id.male), (date(1978, 12, 16), true));
        assert_eq!(ok("33010219200403064x").number, "33010219200403064X");
        for permit in [
            "81000019980902013X",
            "820000200009100032",
            "830000200209060065",
        ] {
            // Residence permits of Hong Kong, Macao and Taiwan residents.
            assert_eq!(ok(permit).number, permit);
        }
        for (first_generation, upgraded) in [
            ("150102880730303", "150102198807303035"),
            ("330102200403064", "33010219200403064X"),
            ("111111111111111", "111111191111111113"),
        ] {
            let id = ok(first_generation);
            assert_eq!(id.number, upgraded);
            assert!(id.upgraded_from_15);
        }
        assert_eq!(
            reason("3301022011022000D6"),
            "must be 17 digits followed by a digit or X"
        );
        let not_a_date = "the birth date in the number is not a real date";
        assert_eq!(reason("360198910283844"), not_a_date);
        assert_eq!(reason("815727834224151"), not_a_date);
        // The 2023 foreigner's permanent residence card: a GB 11643 number
        // whose first digit 9 is no province; not a resident ID.
        assert_eq!(
            reason("932682198501010017"),
            "the region code is not a Chinese province"
        );
    }

    #[test]
    fn a_first_generation_number_is_upgraded() {
        let id = ok("110105491231002");
        assert_eq!(id.number, "11010519491231002X");
        assert_eq!(id.birth_date, date(1949, 12, 31));
        assert!(id.upgraded_from_15 && !id.male);
        assert_eq!(ok("110105-491231-002").number, "11010519491231002X");
        assert_eq!(
            reason("11010549123100X"),
            "a first-generation (15-digit) number has only digits"
        );
        assert_eq!(
            reason("110105490231002"),
            "the birth date in the number is not a real date"
        );
    }

    #[test]
    fn refuses_with_a_reason() {
        let length = "must have 18 characters (or 15 digits for a first-generation card)";
        assert_eq!(reason(""), "is required");
        assert_eq!(reason(" \u{3000} "), "is required");
        assert_eq!(reason(&"1".repeat(65)), "must be at most 64 characters");
        assert!(reason("110105194912\u{0}31002X").contains("control characters"));
        for wrong_length in [
            "1101051949123100",
            "11010519491231002",
            "11010519491231002X1",
        ] {
            assert_eq!(reason(wrong_length), length);
        }
        let shape = "must be 17 digits followed by a digit or X";
        assert_eq!(reason("1101051949123100X2"), shape);
        assert_eq!(reason("11010519491231002Y"), shape);
        assert_eq!(reason("11010519491231002张"), shape);
        let check = "the check character does not match: check for a mistyped digit";
        assert_eq!(reason("110105194912310021"), check);
        assert_eq!(reason("11010519491231003X"), check);

        let tomorrow = TODAY.tomorrow().unwrap();
        let born_tomorrow = with_check(&format!("110105{}002", yyyymmdd(tomorrow)));
        assert_eq!(reason(&born_tomorrow), "the birth date is in the future");
        let born_today = with_check(&format!("110105{}002", yyyymmdd(TODAY)));
        assert_eq!(ok(&born_today).birth_date, TODAY);
        assert_eq!(
            reason(&with_check("11010520230229002")),
            "the birth date in the number is not a real date"
        );
        assert_eq!(
            ok(&with_check("11010520240229002")).birth_date,
            date(2024, 2, 29)
        );
        assert_eq!(
            ok(&with_check("11010519000101001")).birth_date,
            EARLIEST_BIRTH
        );
        assert_eq!(
            reason(&with_check("11010518991231001")),
            "the birth date is before 1900: check the year"
        );
        for no_province in [
            "00010519491231002",
            "10010519491231002",
            "72010519491231002",
        ] {
            assert_eq!(
                reason(&with_check(no_province)),
                "the region code is not a Chinese province"
            );
        }
    }

    #[test]
    fn debug_is_masked() {
        let id = ok("11010519491231002X");
        let shown = format!("{id:?}");
        assert!(shown.contains("110105********002X"), "{shown}");
        assert!(
            !shown.contains("1949") && !shown.contains("19491231"),
            "{shown}"
        );
        assert!(!shown.contains("\"110105\""), "{shown}");
    }

    fn valid_id() -> impl Strategy<Value = String> {
        let province = prop::sample::select(PROVINCES.to_vec());
        let birth = (1900i16..=2026, 1i8..=12, 1i8..=31)
            .prop_filter_map("a real date until today", |(y, m, d)| {
                Date::new(y, m, d).ok().filter(|d| *d <= TODAY)
            });
        (province, 0u32..10_000, birth, 0u32..1000).prop_map(|(p, county, birth, seq)| {
            with_check(&format!("{p:02}{county:04}{}{seq:03}", yyyymmdd(birth)))
        })
    }

    proptest! {
        #[test]
        fn any_single_character_change_is_caught(number in valid_id()) {
            prop_assert_eq!(resident_id(&number, TODAY).map(|id| id.number), Ok(number.clone()));
            for (i, original) in number.char_indices() {
                let allowed = if i == 17 { "0123456789X" } else { "0123456789" };
                for c in allowed.chars().filter(|&c| c != original) {
                    let mut changed = number.clone();
                    changed.replace_range(i..=i, c.encode_utf8(&mut [0; 4]));
                    let err = resident_id(&changed, TODAY);
                    prop_assert!(err.is_err(), "{} accepted", changed);
                    assert_no_leak(&changed, &err.unwrap_err());
                }
            }
        }

        #[test]
        fn written_forms_give_the_same_number(number in valid_id()) {
            let canonical = Ok(number.clone());
            let get = |s: &str| resident_id(s, TODAY).map(|id| id.number);
            prop_assert_eq!(get(&full_width(&number)), canonical.clone());
            prop_assert_eq!(get(&number.to_lowercase()), canonical.clone());
            let spaced = format!(" {} {} {} ", &number[..6], &number[6..14], &number[14..]);
            prop_assert_eq!(get(&spaced), canonical.clone());
            prop_assert_eq!(get(&full_width(&spaced)), canonical);
        }

        #[test]
        fn a_first_generation_number_upgrades_to_a_valid_one(
            body in "(11|32|44|65)[0-9]{4}[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])[0-9]{3}",
        ) {
            let id = resident_id(&body, TODAY).unwrap();
            prop_assert!(id.upgraded_from_15);
            prop_assert_eq!(&id.number[..6], &body[..6]);
            prop_assert_eq!(&id.number[6..8], "19");
            let again = resident_id(&id.number, TODAY).unwrap();
            prop_assert!(!again.upgraded_from_15);
            prop_assert_eq!(again.number, id.number);
        }

        #[test]
        fn errors_never_repeat_the_digits(input in "[0-9Xx -]{6,40}") {
            if let Err(err) = resident_id(&input, TODAY) {
                assert_no_leak(&input, &err);
            }
        }
    }
}
