//! Region codes (GB/T 2260), checked only as far as is certain.
//!
//! County codes change every year (districts merge, counties become cities),
//! and an ID number keeps the code it was issued under for life, so a table
//! of today's counties would refuse real people. Only the province, the first
//! two digits, is stable enough to check.

/// The province-level codes of GB/T 2260 (as listed in hitxtx/GB,
/// `src/main/java/com/example/gb/util/DivisionCodeUtils.java`, after
/// GB/T 2260-2007): the 31 mainland provinces, autonomous regions and
/// municipalities, Taiwan (71), Hong Kong (81) and Macao (82). 83 is not in
/// GB/T 2260 but is the code the residence permits of Taiwan residents use
/// in their GB 11643 numbers (`830000…`), as 81 and 82 are for Hong Kong and
/// Macao residents.
pub(super) const PROVINCES: [u8; 35] = [
    11, 12, 13, 14, 15, // North
    21, 22, 23, // North-east
    31, 32, 33, 34, 35, 36, 37, // East
    41, 42, 43, 44, 45, 46, // South-central
    50, 51, 52, 53, 54, // South-west
    61, 62, 63, 64, 65, // North-west
    71, 81, 82, 83, // Taiwan, Hong Kong, Macao, Taiwan residents' permits
];

/// Whether the first two digits of `code` (ASCII digits) name a province.
pub(super) fn is_province(code: &[u8]) -> bool {
    match code {
        [a @ b'0'..=b'9', b @ b'0'..=b'9', ..] => {
            PROVINCES.contains(&((a - b'0') * 10 + (b - b'0')))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_the_provinces_and_nothing_else() {
        let known: Vec<u8> = (0..100u8)
            .filter(|n| is_province(format!("{n:02}0000").as_bytes()))
            .collect();
        assert_eq!(known, PROVINCES);
        assert!(!is_province(b"1"));
        assert!(!is_province(b"A1"));
    }
}
