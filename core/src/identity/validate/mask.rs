//! Masked forms for screens, exports and logs: enough for a person to
//! recognise their own data, not enough to use someone else's.
//!
//! Total functions: any string, even one that never passed a validator,
//! gives a mask, and a string too short to show its ends is masked whole.

/// `138****1234`.
pub fn mask_mobile(s: &str) -> String {
    keep_ends(s, 3, 4)
}

/// `110105********002X`: the region code and the last four characters.
pub fn mask_id(s: &str) -> String {
    keep_ends(s, 6, 4)
}

/// `****1234`: the last four digits only, as banks show them; the number of
/// stars does not reveal the card's length.
pub fn mask_card(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let shown: String = match chars.len() {
        0..=4 => String::new(),
        n => chars[n - 4..].iter().collect(),
    };
    format!("****{shown}")
}

/// `张*`, `欧****`: the first character, one star for each of the others. A
/// one-character name is masked whole.
pub fn mask_name(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        None => String::new(),
        Some(first) => match chars.count() {
            0 => "*".into(),
            rest => format!("{first}{}", "*".repeat(rest)),
        },
    }
}

/// `91************0Y43`: the registration authority and category, and the
/// last four characters.
pub fn mask_credit_code(s: &str) -> String {
    keep_ends(s, 2, 4)
}

/// The first `head` and last `tail` characters, a star for each between.
fn keep_ends(s: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    if n <= head + tail {
        return "*".repeat(n);
    }
    let mut out: String = chars[..head].iter().collect();
    out.push_str(&"*".repeat(n - head - tail));
    out.extend(&chars[n - tail..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_as_documented() {
        assert_eq!(mask_mobile("13812341234"), "138****1234");
        assert_eq!(mask_id("11010519491231002X"), "110105********002X");
        assert_eq!(mask_card("6222020200112233446"), "****3446");
        assert_eq!(mask_card("4111111111111111"), "****1111");
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("欧阳娜娜娜"), "欧****");
        assert_eq!(mask_name("买买提·艾力"), "买*****");
        assert_eq!(mask_name("John Smith"), "J*********");
        assert_eq!(mask_credit_code("91350100M000100Y43"), "91************0Y43");
    }

    #[test]
    fn short_or_empty_input_is_masked_whole() {
        assert_eq!(mask_mobile("1234567"), "*******");
        assert_eq!(mask_id("110105"), "******");
        assert_eq!(mask_card("1234"), "****");
        assert_eq!(mask_card(""), "****");
        assert_eq!(mask_name("张"), "*");
        assert_eq!(mask_name(""), "");
        assert_eq!(mask_credit_code("913501"), "******");
        assert_eq!(mask_mobile(""), "");
    }
}
