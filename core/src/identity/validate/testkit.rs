//! Helpers shared by the validators' tests.

use super::IdentityError;

/// The full-width form a Chinese keyboard produces: ASCII digits and letters
/// to U+FF10.., U+FF21.., U+FF41..; spaces to the ideographic space.
pub fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' | 'A'..='Z' | 'a'..='z' => char::from_u32(c as u32 + 0xFEE0).unwrap(),
            ' ' => '\u{3000}',
            c => c,
        })
        .collect()
}

/// Fails when the error's `Display` or `Debug` text contains any run of six
/// consecutive digits or letters of the input (separators removed, either
/// case): an error must name the rule, never the value.
pub fn assert_no_leak(input: &str, err: &IdentityError) {
    let shown = format!("{err} {err:?}").to_ascii_uppercase();
    let chars: Vec<char> = input
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    for window in chars.windows(6) {
        let window: String = window.iter().collect();
        assert!(!shown.contains(&window), "{shown:?} repeats {window:?}");
    }
    // Plain English, the name separator `·` aside: no character of a name.
    assert!(
        err.reason().chars().all(|c| c.is_ascii() || c == '·'),
        "{:?}",
        err.reason()
    );
}
