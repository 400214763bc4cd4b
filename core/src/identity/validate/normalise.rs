//! The first step of every validator: the checks and rewrites every field
//! shares, so that a value typed on a Chinese keyboard (full-width digits, an
//! ideographic space) or pasted with stray spaces means the same as its ASCII
//! form.

use super::IdentityError;

/// The longest input looked at, in characters, before anything is removed:
/// no field is near this long, and a bound keeps hostile input cheap.
pub const MAX_INPUT_CHARS: usize = 64;

/// Length limit, trim, "is required", control characters, then full-width
/// forms to ASCII and every other space character to U+0020.
///
/// Idempotent: its output, passed again, comes back unchanged.
pub(super) fn normalise(field: &'static str, input: &str) -> Result<String, IdentityError> {
    if input.chars().count() > MAX_INPUT_CHARS {
        return Err(IdentityError::invalid(
            field,
            format!("must be at most {MAX_INPUT_CHARS} characters"),
        ));
    }
    // `trim` also removes a trailing newline or tab from a paste, which are
    // harmless there and refused anywhere else.
    let text = input.trim();
    if text.is_empty() {
        return Err(IdentityError::invalid(field, "is required"));
    }
    if text.chars().any(is_control_or_invisible) {
        return Err(IdentityError::invalid(
            field,
            "must not contain control characters or invisible formatting marks",
        ));
    }
    Ok(text.chars().map(to_ascii_form).collect())
}

/// Removes the spaces and hyphens people type to group the digits of a
/// number (`138 1234 1234`, `6222-0202-...`).
pub(super) fn strip_separators(text: &str) -> String {
    text.chars()
        .filter(|&c| c != ' ' && !is_hyphen(c))
        .collect()
}

/// Control characters (Cc) and the invisible format characters (Cf) that
/// could hide or reorder what a person sees: zero-width spaces and joiners,
/// bidirectional overrides, the byte-order mark.
fn is_control_or_invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{061C}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{206F}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
        )
}

/// Full-width digits and Latin letters (U+FF10–FF19, FF21–FF3A, FF41–FF5A),
/// the full-width plus and hyphen, to ASCII; any space character (the
/// ideographic space U+3000, no-break spaces) to U+0020.
fn to_ascii_form(c: char) -> char {
    match c {
        '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
            char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
        }
        '\u{FF0B}' => '+',
        '\u{FF0D}' => '-',
        c if c.is_whitespace() => ' ',
        c => c,
    }
}

/// ASCII hyphen-minus and the Unicode dashes a phone keyboard may produce.
fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}'..='\u{2015}' | '\u{2212}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn reason(input: &str) -> String {
        normalise("f", input).unwrap_err().reason().to_string()
    }

    #[test]
    fn refuses_empty_long_and_control() {
        assert_eq!(reason(""), "is required");
        assert_eq!(reason(" \t\u{3000}\n"), "is required");
        assert_eq!(reason(&"1".repeat(65)), "must be at most 64 characters");
        assert!(normalise("f", &"1".repeat(64)).is_ok());
        // Counted in characters, not bytes: 64 ideographs are 192 bytes.
        assert!(normalise("f", &"张".repeat(64)).is_ok());
        for bad in [
            "1\u{0}2",
            "1\u{7}2",
            "a\tb",
            "a\nb",
            "\u{202E}abc",
            "ab\u{200B}c",
        ] {
            assert!(reason(bad).contains("control characters"), "{bad:?}");
        }
        assert_eq!(normalise("f", "\u{FEFF}1").unwrap_err().field(), "f");
    }

    #[test]
    fn rewrites_full_width_and_spaces() {
        assert_eq!(
            normalise("f", " １３８ＡＢｃｄ\u{3000}＋－ ").unwrap(),
            "138ABcd +-"
        );
        assert_eq!(normalise("f", "a\u{A0}b").unwrap(), "a b");
        assert_eq!(strip_separators("138 1234-5678\u{2013}9"), "138123456789");
    }

    proptest! {
        #[test]
        fn normalising_twice_changes_nothing(s in "(?s).{0,70}") {
            if let Ok(once) = normalise("f", &s) {
                prop_assert_eq!(normalise("f", &once), Ok(once.clone()));
            }
        }
    }
}
