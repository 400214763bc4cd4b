//! One access event and its canonical bytes.
//!
//! # Canonical encoding, version 1
//!
//! The bytes that are sealed into a ledger row and hashed into the chain. They
//! are a fixed binary layout, not JSON, so the same entry always gives the same
//! bytes on every platform and in every release:
//!
//! | bytes       | field                                                          |
//! |-------------|----------------------------------------------------------------|
//! | 1           | format version, `0x01`                                         |
//! | 2 + n       | accessor, `sdk:<id>` or `capability:<name>`                    |
//! | 2 + n       | data category ([`DataCategory::as_str`])                       |
//! | 2 + n       | purpose id                                                     |
//! | 2 + n       | policy version                                                 |
//! | 8           | `at_ms`, two's complement big-endian                           |
//! | 1           | outcome: `0x01` allowed, `0x02` refused                        |
//! | 1 [+ 2 + n] | detail: `0x00` absent, or `0x01` then the text                 |
//!
//! Every text is its UTF-8 byte length as a big-endian `u16`, then the bytes.
//! Nothing follows the last field. A decoder accepts exactly this: a byte more
//! or less, an unknown version, tag or name, or invalid UTF-8 is refused.

use std::fmt;

use serde::{Serialize, Serializer};

use super::registry::{Accessor, InvalidInput, is_accessor};
use crate::store::DataCategory;

/// The canonical format this build writes and reads.
pub const ENTRY_FORMAT_V1: u8 = 1;
/// The longest purpose id (as the policy allows).
pub const MAX_PURPOSE_LEN: usize = 64;
/// The longest policy version.
pub const MAX_POLICY_VERSION_LEN: usize = 64;
/// The longest detail: a few words, never personal data.
pub const MAX_DETAIL_LEN: usize = 120;

/// Whether the access happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The gate allowed it and the accessor received the data.
    Allowed,
    /// The gate refused it (no consent, consent withdrawn, ...).
    Refused,
}

impl Outcome {
    pub const fn as_str(self) -> &'static str {
        match self {
            Outcome::Allowed => "allowed",
            Outcome::Refused => "refused",
        }
    }

    const fn tag(self) -> u8 {
        match self {
            Outcome::Allowed => 1,
            Outcome::Refused => 2,
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One access to personal data by an SDK or a platform capability.
///
/// Built only through [`LedgerEntry::new`], which checks every field, so any
/// entry can be encoded. None of its fields may carry personal data: the detail
/// says what kind of access it was ("single fix"), never what was read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LedgerEntry {
    accessor: Accessor,
    #[serde(serialize_with = "category_name")]
    category: DataCategory,
    purpose: String,
    policy_version: String,
    at_ms: i64,
    outcome: Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
}

fn category_name<S: Serializer>(c: &DataCategory, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(c.as_str())
}

impl LedgerEntry {
    /// An access event. `purpose` is a policy purpose id (`attendance`: 1 to 64
    /// of a-z, 0-9 and '_', starting with a letter); `policy_version` is the
    /// version of the policy in force (1 to 64 bytes of printable text);
    /// `at_ms` is when it happened, in milliseconds since the Unix epoch.
    pub fn new(
        accessor: Accessor,
        category: DataCategory,
        purpose: &str,
        policy_version: &str,
        at_ms: i64,
        outcome: Outcome,
    ) -> Result<Self, InvalidInput> {
        check_purpose(purpose)?;
        check_text("policy_version", policy_version, MAX_POLICY_VERSION_LEN)?;
        Ok(Self {
            accessor,
            category,
            purpose: purpose.to_string(),
            policy_version: policy_version.to_string(),
            at_ms,
            outcome,
            detail: None,
        })
    }

    /// Adds a short detail (1 to 120 bytes of printable text, no personal data).
    pub fn with_detail(mut self, detail: &str) -> Result<Self, InvalidInput> {
        check_text("detail", detail, MAX_DETAIL_LEN)?;
        self.detail = Some(detail.to_string());
        Ok(self)
    }

    pub fn accessor(&self) -> &Accessor {
        &self.accessor
    }

    pub fn category(&self) -> DataCategory {
        self.category
    }

    pub fn purpose(&self) -> &str {
        &self.purpose
    }

    pub fn policy_version(&self) -> &str {
        &self.policy_version
    }

    pub fn at_ms(&self) -> i64 {
        self.at_ms
    }

    pub fn outcome(&self) -> Outcome {
        self.outcome
    }

    pub fn detail(&self) -> Option<&str> {
        self.detail.as_deref()
    }

    /// The canonical bytes (see the module documentation).
    pub fn canonical_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(
            1 + 2 * 4
                + self.accessor.as_str().len()
                + self.category.as_str().len()
                + self.purpose.len()
                + self.policy_version.len()
                + 8
                + 1
                + 3
                + self.detail.as_ref().map_or(0, String::len),
        );
        out.push(ENTRY_FORMAT_V1);
        put_text(&mut out, self.accessor.as_str());
        put_text(&mut out, self.category.as_str());
        put_text(&mut out, &self.purpose);
        put_text(&mut out, &self.policy_version);
        out.extend_from_slice(&self.at_ms.to_be_bytes());
        out.push(self.outcome.tag());
        match &self.detail {
            None => out.push(0),
            Some(d) => {
                out.push(1);
                put_text(&mut out, d);
            }
        }
        out
    }

    /// Decodes canonical bytes, checking every field as [`LedgerEntry::new`] does.
    pub fn from_canonical_bytes(bytes: &[u8]) -> Result<Self, MalformedEntry> {
        let p = Parsed::read(bytes)?;
        Ok(Self {
            accessor: Accessor::parse(p.accessor).map_err(|_| MalformedEntry)?,
            category: p.category,
            purpose: p.purpose.to_string(),
            policy_version: p.policy_version.to_string(),
            at_ms: p.at_ms,
            outcome: p.outcome,
            detail: p.detail.map(str::to_string),
        })
    }

    /// Whether `bytes` are a canonical entry, without building it.
    pub fn check_canonical_bytes(bytes: &[u8]) -> Result<(), MalformedEntry> {
        Parsed::read(bytes).map(|_| ())
    }
}

/// The fields of canonical bytes, borrowed, each checked.
struct Parsed<'a> {
    accessor: &'a str,
    category: DataCategory,
    purpose: &'a str,
    policy_version: &'a str,
    at_ms: i64,
    outcome: Outcome,
    detail: Option<&'a str>,
}

impl<'a> Parsed<'a> {
    fn read(bytes: &'a [u8]) -> Result<Self, MalformedEntry> {
        let mut r = Reader(bytes);
        if r.byte()? != ENTRY_FORMAT_V1 {
            return Err(MalformedEntry);
        }
        let accessor = r.text()?;
        let category: DataCategory = r.text()?.parse().map_err(|_| MalformedEntry)?;
        let purpose = r.text()?;
        let policy_version = r.text()?;
        let at_ms = i64::from_be_bytes(r.take(8)?.try_into().map_err(|_| MalformedEntry)?);
        let outcome = match r.byte()? {
            1 => Outcome::Allowed,
            2 => Outcome::Refused,
            _ => return Err(MalformedEntry),
        };
        let detail = match r.byte()? {
            0 => None,
            1 => Some(r.text()?),
            _ => return Err(MalformedEntry),
        };
        let valid = r.0.is_empty()
            && is_accessor(accessor)
            && is_purpose(purpose)
            && is_text(policy_version, MAX_POLICY_VERSION_LEN)
            && detail.is_none_or(|d| is_text(d, MAX_DETAIL_LEN));
        if !valid {
            return Err(MalformedEntry);
        }
        Ok(Self {
            accessor,
            category,
            purpose,
            policy_version,
            at_ms,
            outcome,
            detail,
        })
    }
}

/// Bytes that are not a canonical entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a canonical ledger entry")]
pub struct MalformedEntry;

fn put_text(out: &mut Vec<u8>, s: &str) {
    // Every text is checked to at most 120 bytes, or is a fixed name.
    let len = u16::try_from(s.len()).expect("ledger texts are short");
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(s.as_bytes());
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], MalformedEntry> {
        if self.0.len() < n {
            return Err(MalformedEntry);
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn byte(&mut self) -> Result<u8, MalformedEntry> {
        Ok(self.take(1)?[0])
    }

    fn text(&mut self) -> Result<&'a str, MalformedEntry> {
        let len = u16::from_be_bytes([self.byte()?, self.byte()?]);
        std::str::from_utf8(self.take(usize::from(len))?).map_err(|_| MalformedEntry)
    }
}

fn is_purpose(purpose: &str) -> bool {
    purpose.len() <= MAX_PURPOSE_LEN
        && purpose
            .as_bytes()
            .first()
            .is_some_and(u8::is_ascii_lowercase)
        && purpose
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// 1 to `max` bytes, not blank, no control character (C0, DEL or C1).
fn is_text(value: &str, max: usize) -> bool {
    let b = value.as_bytes();
    // Checked on bytes: C0 and DEL are single bytes, C1 (U+0080 to U+009F)
    // is 0xC2 followed by 0x80 to 0x9F.
    let control = b.iter().enumerate().any(|(i, &c)| {
        c < 0x20 || c == 0x7f || (c == 0xc2 && b.get(i + 1).is_some_and(|n| *n <= 0x9f))
    });
    b.len() <= max && !control && !value.trim().is_empty()
}

fn check_purpose(purpose: &str) -> Result<(), InvalidInput> {
    if is_purpose(purpose) {
        Ok(())
    } else {
        Err(InvalidInput::new(
            "purpose",
            format!("must be 1 to {MAX_PURPOSE_LEN} of a-z, 0-9 and '_', starting with a letter"),
        ))
    }
}

fn check_text(field: &'static str, value: &str, max: usize) -> Result<(), InvalidInput> {
    if is_text(value, max) {
        Ok(())
    } else {
        Err(InvalidInput::new(
            field,
            format!("must be 1 to {max} bytes of printable text"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::Capability;

    pub(crate) fn amap_fix() -> LedgerEntry {
        LedgerEntry::new(
            Accessor::sdk("amap-location").unwrap(),
            DataCategory::Location,
            "attendance",
            "2024-06-01",
            1_717_200_000_123,
            Outcome::Allowed,
        )
        .unwrap()
        .with_detail("single fix")
        .unwrap()
    }

    /// The encoding is a contract with every stored row and with the server:
    /// this vector must never change.
    #[test]
    fn canonical_bytes_match_the_fixed_vector() {
        let bytes = amap_fix().canonical_bytes();
        let expected = [
            "01",
            "0011", // 17
            hex::encode("sdk:amap-location").as_str(),
            "0008",
            hex::encode("location").as_str(),
            "000a",
            hex::encode("attendance").as_str(),
            "000a",
            hex::encode("2024-06-01").as_str(),
            "0000018fd118947b", // 1_717_200_000_123
            "01",
            "01",
            "000a",
            hex::encode("single fix").as_str(),
        ]
        .concat();
        assert_eq!(hex::encode(&bytes), expected);
        assert_eq!(
            hex::encode(&bytes),
            "01001173646b3a616d61702d6c6f636174696f6e00086c6f636174696f6e000a617474656e64616e6365\
             000a323032342d30362d30310000018fd118947b0101000a73696e676c6520666978"
        );
        assert_eq!(
            LedgerEntry::from_canonical_bytes(&bytes).unwrap(),
            amap_fix()
        );

        let refused = LedgerEntry::new(
            Capability::WifiScan.into(),
            DataCategory::Location,
            "attendance",
            "v1",
            -1,
            Outcome::Refused,
        )
        .unwrap();
        assert_eq!(
            hex::encode(refused.canonical_bytes()),
            [
                "01",
                "0014",
                hex::encode("capability:wifi_scan").as_str(),
                "0008",
                hex::encode("location").as_str(),
                "000a",
                hex::encode("attendance").as_str(),
                "0002",
                hex::encode("v1").as_str(),
                "ffffffffffffffff",
                "02",
                "00",
            ]
            .concat()
        );
    }

    #[test]
    fn decoding_refuses_anything_but_the_exact_bytes() {
        let good = amap_fix().canonical_bytes();
        for cut in 0..good.len() {
            assert_eq!(
                LedgerEntry::from_canonical_bytes(&good[..cut]),
                Err(MalformedEntry)
            );
        }
        let mut longer = good.clone();
        longer.push(0);
        assert_eq!(
            LedgerEntry::from_canonical_bytes(&longer),
            Err(MalformedEntry)
        );
        for (at, byte) in [(0, 2u8), (good.len() - 14, 3), (good.len() - 13, 7)] {
            let mut bad = good.clone();
            bad[at] = byte;
            assert_eq!(LedgerEntry::from_canonical_bytes(&bad), Err(MalformedEntry));
        }
    }

    #[test]
    fn fields_are_checked_and_named() {
        let a = || Accessor::sdk("baidu").unwrap();
        let new = |purpose: &str, version: &str| {
            LedgerEntry::new(
                a(),
                DataCategory::Face,
                purpose,
                version,
                0,
                Outcome::Allowed,
            )
        };
        assert_eq!(new("", "v1").unwrap_err().field, "purpose");
        assert_eq!(new("Attendance", "v1").unwrap_err().field, "purpose");
        assert_eq!(new("face-check", "v1").unwrap_err().field, "purpose");
        assert_eq!(new(&"a".repeat(65), "v1").unwrap_err().field, "purpose");
        assert_eq!(new("face_check", " ").unwrap_err().field, "policy_version");
        assert_eq!(
            new("face_check", "v1\n").unwrap_err().field,
            "policy_version"
        );
        assert_eq!(
            new("face_check", &"1".repeat(65)).unwrap_err().field,
            "policy_version"
        );
        let ok = new("face_check", "2024-06-01 版").unwrap();
        assert_eq!(ok.clone().with_detail("").unwrap_err().field, "detail");
        assert_eq!(
            ok.clone().with_detail(&"x".repeat(121)).unwrap_err().field,
            "detail"
        );
        for control in ["a\u{7}", "a\u{7f}", "a\u{85}b"] {
            assert_eq!(ok.clone().with_detail(control).unwrap_err().field, "detail");
        }
        assert!(ok.clone().with_detail("a\u{a0}b\u{100}").is_ok());
        assert_eq!(
            ok.with_detail("活体检测一次").unwrap().detail(),
            Some("活体检测一次")
        );
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
                let decoded = LedgerEntry::from_canonical_bytes(&bytes);
                prop_assert_eq!(LedgerEntry::check_canonical_bytes(&bytes).is_ok(), decoded.is_ok());
            }

            #[test]
            fn the_byte_check_agrees_with_char_is_control(
                text in "\\PC{0,3}[\u{0}-\u{a0}]{1,3}\\PC{0,3}"
            ) {
                let expected = !text.trim().is_empty() && !text.chars().any(char::is_control);
                prop_assert_eq!(is_text(&text, 120), expected);
            }

            #[test]
            fn entries_round_trip(
                purpose in "[a-z][a-z0-9_]{0,63}",
                version in "[!-~]{1,64}",
                at_ms in any::<i64>(),
                refused in any::<bool>(),
                detail in proptest::option::of("[a-z 单次定位]{0,40}[a-z]"),
                cat in 0usize..DataCategory::ALL.len(),
            ) {
                let outcome = if refused { Outcome::Refused } else { Outcome::Allowed };
                let mut e = LedgerEntry::new(
                    Accessor::sdk("tencent-bugly").unwrap(),
                    DataCategory::ALL[cat],
                    &purpose,
                    &version,
                    at_ms,
                    outcome,
                ).unwrap();
                if let Some(d) = &detail {
                    e = e.with_detail(d).unwrap();
                }
                let bytes = e.canonical_bytes();
                prop_assert_eq!(LedgerEntry::from_canonical_bytes(&bytes).unwrap(), e);
            }
        }
    }
}
