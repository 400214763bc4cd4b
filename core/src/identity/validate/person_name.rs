//! Personal names as written on an ID card or passport: Chinese characters
//! (with `·` between the parts of many ethnic-minority names, 买买提·艾力),
//! or Latin letters for foreign workers.

use super::IdentityError;
use super::normalise::normalise;

const FIELD: &str = "name";
/// The longest name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 32;
/// The separator of minority names, U+00B7 MIDDLE DOT, as on ID cards.
const DOT: char = '·';

/// A name, normalised: the dot-like characters keyboards produce for `·`
/// become U+00B7, curly apostrophes become `'`, runs of spaces one space.
pub fn person_name(input: &str) -> Result<String, IdentityError> {
    let text = normalise(FIELD, input)?;
    let mut name = String::with_capacity(text.len());
    for c in text.chars().map(unify_punctuation) {
        if !(c == ' ' && name.ends_with(' ')) {
            name.push(c);
        }
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(IdentityError::invalid(
            FIELD,
            format!("must be at most {MAX_NAME_CHARS} characters"),
        ));
    }
    let mut han = false;
    let mut latin = false;
    let mut previous: Option<char> = None;
    for c in name.chars() {
        if is_han(c) {
            han = true;
        } else if is_latin_letter(c) {
            latin = true;
        } else if is_combining_mark(c) && previous.is_some_and(is_latin_letter_or_mark) {
            // An accent typed as a separate mark (e + U+0301).
        } else if c.is_numeric() {
            return Err(invalid("must not contain digits"));
        } else if !matches!(c, DOT | ' ' | '\'' | '-' | '.') {
            return Err(invalid(
                "may contain only Chinese characters or Latin letters, with · ' - . or spaces between the parts",
            ));
        }
        previous = Some(c);
    }
    match (han, latin) {
        (true, true) => Err(invalid(
            "must be written either in Chinese characters or in Latin letters, not both",
        )),
        (true, false) => check_chinese(&name).map(|()| name),
        (false, true) => check_latin(&name).map(|()| name),
        (false, false) => Err(invalid("must contain Chinese characters or Latin letters")),
    }
}

/// Only `·`, and only between two parts: `买买提·艾力`.
fn check_chinese(name: &str) -> Result<(), IdentityError> {
    if name.contains(' ') {
        return Err(invalid(
            "a name in Chinese characters has no spaces: use · between the parts of a minority name",
        ));
    }
    if name.contains(['\'', '-', '.']) {
        return Err(invalid(
            "a name in Chinese characters may contain only · between its parts",
        ));
    }
    if name.starts_with(DOT) || name.ends_with(DOT) {
        return Err(invalid("the · must stand between two parts of the name"));
    }
    if name.contains("··") {
        return Err(invalid("must not contain two · in a row"));
    }
    Ok(())
}

/// Letters, with single spaces, apostrophes, hyphens and periods between
/// them: `Nguyễn Văn An`, `O'Brien`, `Mary-Jane`, `J. R. Smith`.
fn check_latin(name: &str) -> Result<(), IdentityError> {
    if name.contains(DOT) {
        return Err(invalid(
            "a name in Latin letters uses spaces, ' - or . between its parts, not ·",
        ));
    }
    if !name.starts_with(is_latin_letter) {
        return Err(invalid("must start with a letter"));
    }
    if !name.ends_with(|c: char| is_latin_letter_or_mark(c) || c == '.') {
        return Err(invalid("must end with a letter or a period"));
    }
    let marks: Vec<bool> = name
        .chars()
        .map(|c| matches!(c, '\'' | '-' | '.'))
        .collect();
    if marks.windows(2).any(|w| w[0] && w[1]) {
        return Err(invalid("must not contain two of ' - . in a row"));
    }
    Ok(())
}

/// The characters keyboards and fonts produce for the middle dot, and for
/// the apostrophe, as the one form each that ID cards print.
fn unify_punctuation(c: char) -> char {
    match c {
        // Middle dot, Greek ano teleia, bullet, hyphenation point, katakana
        // middle dot, full-width full stop, half-width katakana middle dot.
        '\u{00B7}' | '\u{0387}' | '\u{2022}' | '\u{2027}' | '\u{30FB}' | '\u{FF0E}'
        | '\u{FF65}' => DOT,
        '\u{2019}' | '\u{02BC}' | '\u{FF07}' => '\'',
        '\u{2010}' | '\u{2011}' => '-',
        c => c,
    }
}

/// CJK unified and compatibility ideographs, extension blocks A to I
/// included (rare characters in names are often in extension B and later),
/// and 〇, which names use as a character.
fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3007}'
        | '\u{3400}'..='\u{4DBF}'     // Extension A
        | '\u{4E00}'..='\u{9FFF}'     // Unified Ideographs
        | '\u{F900}'..='\u{FAFF}'     // Compatibility Ideographs
        | '\u{20000}'..='\u{2A6DF}'   // Extension B
        | '\u{2A700}'..='\u{2EE5F}'   // Extensions C, D, E, F, I
        | '\u{2F800}'..='\u{2FA1F}'   // Compatibility Ideographs Supplement
        | '\u{30000}'..='\u{323AF}'   // Extensions G, H
    )
}

/// Latin letters, accented ones included (Vietnamese, French, Spanish...).
fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic()
        || matches!(c,
            '\u{00C0}'..='\u{00D6}'
            | '\u{00D8}'..='\u{00F6}'
            | '\u{00F8}'..='\u{024F}'   // Latin-1 letters, Extended-A and -B
            | '\u{1E00}'..='\u{1EFF}'   // Extended Additional
        )
}

fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}')
}

fn is_latin_letter_or_mark(c: char) -> bool {
    is_latin_letter(c) || is_combining_mark(c)
}

fn invalid(reason: &'static str) -> IdentityError {
    IdentityError::invalid(FIELD, reason)
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{assert_no_leak, full_width};
    use super::*;
    use proptest::prelude::*;

    fn ok(input: &str) -> String {
        person_name(input).unwrap_or_else(|e| panic!("{input:?}: {e}"))
    }

    fn reason(input: &str) -> String {
        let err = person_name(input).unwrap_err();
        assert_eq!(err.field(), "name");
        assert_no_leak(input, &err);
        err.reason().to_string()
    }

    #[test]
    fn accepts_names_as_written() {
        for name in [
            "张",
            "张伟",
            "欧阳娜娜",
            "买买提·艾力",
            "阿卜杜热西提·阿卜杜拉",
            "𠈌𪚥", // Extension B ideographs
            "王〇",
            "John Smith",
            "O'Brien",
            "Mary-Jane Watson",
            "J. R. R. Tolkien",
            "Nguyễn Văn An",
            "José Álvarez",
            "Zoë",
        ] {
            assert_eq!(ok(name), name);
        }
        // A decomposed accent (e + U+0301) is kept as typed.
        assert_eq!(ok("Rene\u{301}"), "Rene\u{301}");
    }

    #[test]
    fn normalises_dots_apostrophes_spaces_and_full_width() {
        for dot in [
            '\u{00B7}', '\u{30FB}', '\u{2022}', '\u{FF0E}', '\u{2027}', '\u{FF65}',
        ] {
            assert_eq!(ok(&format!("买买提{dot}艾力")), "买买提·艾力");
        }
        assert_eq!(ok("O\u{2019}Brien"), "O'Brien");
        assert_eq!(ok("  John   Smith "), "John Smith");
        assert_eq!(ok("John\u{3000}Smith"), "John Smith");
        assert_eq!(ok("Ｊｏｈｎ Ｓｍｉｔｈ"), "John Smith");
        assert_eq!(ok(&"长".repeat(32)), "长".repeat(32));
    }

    #[test]
    fn refuses_with_a_reason() {
        assert_eq!(reason(""), "is required");
        assert_eq!(reason(" \u{3000} "), "is required");
        assert_eq!(reason(&"张".repeat(65)), "must be at most 64 characters");
        assert_eq!(reason(&"张".repeat(33)), "must be at most 32 characters");
        assert!(reason("张\u{7}伟").contains("control characters"));
        assert!(reason("张\u{200B}伟").contains("control characters"));
        let digits = "must not contain digits";
        assert_eq!(reason("张伟2"), digits);
        assert_eq!(reason("张伟２"), digits);
        assert_eq!(reason("John Smith III 3"), digits);
        let only = "may contain only Chinese characters or Latin letters, with · ' - . or spaces between the parts";
        for bad in ["张伟😀", "张、伟", "John_Smith", "Иван", "李@", "Ⅲ世"] {
            assert!(reason(bad) == only || reason(bad) == digits, "{bad}");
        }
        assert_eq!(reason("张伟😀"), only);
        assert_eq!(
            reason("张Wei"),
            "must be written either in Chinese characters or in Latin letters, not both"
        );
        assert_eq!(
            reason("·-."),
            "must contain Chinese characters or Latin letters"
        );
        assert!(reason("张 伟").starts_with("a name in Chinese characters has no spaces"));
        assert_eq!(
            reason("张-伟"),
            "a name in Chinese characters may contain only · between its parts"
        );
        let placed = "the · must stand between two parts of the name";
        assert_eq!(reason("·买买提"), placed);
        assert_eq!(reason("买买提·"), placed);
        assert_eq!(reason("买买提··艾力"), "must not contain two · in a row");
        assert_eq!(reason("买买提・・艾力"), "must not contain two · in a row");
        assert!(reason("John·Smith").ends_with("not ·"));
        assert_eq!(reason("'John"), "must start with a letter");
        assert_eq!(reason("John-"), "must end with a letter or a period");
        assert_eq!(
            reason("Mary--Jane"),
            "must not contain two of ' - . in a row"
        );
        assert_eq!(reason("\u{301}John"), only);
    }

    fn han() -> impl Strategy<Value = char> {
        prop_oneof![
            4 => prop::char::range('\u{4E00}', '\u{9FFF}'),
            1 => prop::char::range('\u{3400}', '\u{4DBF}'),
            1 => prop::char::range('\u{20000}', '\u{2A6DF}'),
        ]
    }

    fn chinese_name() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::collection::vec(han(), 1..5), 1..4).prop_map(|parts| {
            parts
                .iter()
                .map(|p| p.iter().collect::<String>())
                .collect::<Vec<_>>()
                .join("·")
        })
    }

    proptest! {
        #[test]
        fn chinese_names_are_accepted_as_they_are(name in chinese_name()) {
            prop_assert_eq!(person_name(&name), Ok(name.clone()));
            let bullets = name.replace(DOT, "\u{30FB}");
            prop_assert_eq!(person_name(&format!(" {bullets}\u{3000}")), Ok(name));
        }

        #[test]
        fn full_width_latin_names_give_the_same_name(name in "[A-Z][a-z]{1,8}( [A-Z][a-z]{1,8}){0,2}") {
            prop_assert_eq!(person_name(&full_width(&name)), Ok(name.clone()));
        }

        #[test]
        fn normalising_a_name_twice_changes_nothing(
            input in prop_oneof!["(?s).{0,40}", "[a-zA-Zé '’.·・\u{3000}\u{A0}张伟-]{1,40}"],
        ) {
            if let Ok(name) = person_name(&input) {
                prop_assert_eq!(person_name(&name), Ok(name.clone()));
            }
        }

        #[test]
        fn errors_never_repeat_the_name(input in "[a-zA-Z0-9 '.·张伟-]{1,40}") {
            if let Err(err) = person_name(&input) {
                assert_no_leak(&input, &err);
            }
        }
    }
}
