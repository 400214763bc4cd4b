//! Typed personal values: validated on construction, masked in `Debug` and
//! `Display`, zeroized on drop. The whole value comes out only through
//! `reveal`, which needs a permit, so no log line, error or crash report can
//! print one by accident.

use std::fmt;

use zeroize::Zeroizing;

use super::IdentityError;
use super::validate;
use crate::consent::Permit;

macro_rules! personal_value {
    ($(#[$doc:meta])* $name:ident, $mask:path) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(Zeroizing<String>);

        impl $name {
            /// The masked form, for screens and exports that show data masked.
            pub fn masked(&self) -> String {
                $mask(&self.0)
            }

            /// The whole value: only under a permit.
            pub fn reveal(&self, _permit: &Permit<'_>) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.masked())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.masked())
            }
        }
    };
}

personal_value!(
    /// A mainland mobile number, 11 digits; shown `138****1234`.
    Mobile,
    validate::mask_mobile
);
personal_value!(
    /// A resident ID number, 18 characters; shown `110105********002X`.
    IdNumber,
    validate::mask_id
);
personal_value!(
    /// A bank card number; shown `****1234`.
    BankCard,
    validate::mask_card
);
personal_value!(
    /// A person's name; shown with all but the first character masked.
    PersonName,
    validate::mask_name
);
personal_value!(
    /// A free-text personal value (address, occupation); shown by its first
    /// characters only.
    Text,
    mask_text
);

impl Mobile {
    pub fn parse(input: &str) -> Result<Self, IdentityError> {
        Ok(Mobile(Zeroizing::new(validate::mobile(input)?)))
    }
}

impl IdNumber {
    /// Parses and checks a resident ID number against today's date (a birth
    /// date in the future is refused).
    pub fn parse(input: &str, today: jiff::civil::Date) -> Result<Self, IdentityError> {
        let id = validate::resident_id(input, today)?;
        Ok(IdNumber(Zeroizing::new(id.number.clone())))
    }
}

impl BankCard {
    pub fn parse(input: &str) -> Result<Self, IdentityError> {
        Ok(BankCard(Zeroizing::new(validate::bank_card(input)?)))
    }
}

impl PersonName {
    pub fn parse(input: &str) -> Result<Self, IdentityError> {
        Ok(PersonName(Zeroizing::new(validate::person_name(input)?)))
    }
}

impl Text {
    /// Free text for `field`: 1 to `max` characters, no control characters.
    pub fn parse(field: &'static str, input: &str, max: usize) -> Result<Self, IdentityError> {
        let text = input.trim();
        let chars = text.chars().count();
        if chars == 0 {
            return Err(IdentityError::invalid(field, "is required"));
        }
        if chars > max {
            return Err(IdentityError::invalid(
                field,
                format!("must be at most {max} characters"),
            ));
        }
        if text.chars().any(char::is_control) {
            return Err(IdentityError::invalid(
                field,
                "must not contain control characters",
            ));
        }
        Ok(Text(Zeroizing::new(text.to_string())))
    }
}

/// The first four characters, then `***`.
pub fn mask_text(s: &str) -> String {
    let shown: String = s.chars().take(4).collect();
    if shown.chars().count() < s.chars().count() {
        format!("{shown}***")
    } else {
        "***".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_are_masked() {
        let mobile = Mobile::parse("13812341234").unwrap();
        let id = IdNumber::parse("11010519491231002X", jiff::civil::date(2026, 11, 23)).unwrap();
        let card = BankCard::parse("6222020200112233446").unwrap();
        let name = PersonName::parse("欧阳娜娜").unwrap();
        let address = Text::parse("address", "贵州省贵阳市花溪区溪北路 88 号", 100).unwrap();
        let text = format!(
            "{mobile} {mobile:?} {id} {id:?} {card} {card:?} {name} {name:?} {address} {address:?}"
        );
        for secret in [
            "13812341234",
            "11010519491231002X",
            "6222020200112233446",
            "欧阳娜娜",
            "溪北路",
        ] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        assert_eq!(mobile.to_string(), "138****1234");
        assert_eq!(id.to_string(), "110105********002X");
        assert_eq!(card.to_string(), "****3446");
        assert_eq!(address.to_string(), "贵州省贵***");
    }

    #[test]
    fn text_is_checked() {
        assert_eq!(Text::parse("bank", " ", 10).unwrap_err().field(), "bank");
        assert_eq!(
            Text::parse("bank", &"长".repeat(11), 10)
                .unwrap_err()
                .field(),
            "bank"
        );
        assert_eq!(
            Text::parse("bank", "a\u{7}", 10).unwrap_err().field(),
            "bank"
        );
        assert_eq!(mask_text("短"), "***");
    }
}
