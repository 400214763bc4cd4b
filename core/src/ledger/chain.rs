//! The hash chain: each entry's hash, the walk that checks a run of rows in
//! order, the sealed head, and what verification reports.

use std::fmt;

use ring::digest;
use serde::{Serialize, Serializer};

use crate::store::StoreError;

/// Separates ledger hashes from every other SHA-256 in the app.
const HASH_DOMAIN: &[u8] = b"laowu.ledger.v1\0";
const HEAD_FORMAT_V1: u8 = 1;
const HEAD_LEN: usize = 1 + 8 + 32;

/// An entry's position in the ledger: 1, 2, 3, ... with no gaps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct LedgerSeq(pub(crate) u64);

impl LedgerSeq {
    pub fn get(self) -> u64 {
        self.0
    }
}

impl fmt::Display for LedgerSeq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A SHA-256 link of the chain. Prints and serialises as lowercase hex.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct LedgerHash([u8; 32]);

/// The link before the first entry, and the head of an empty ledger.
pub const GENESIS: LedgerHash = LedgerHash([0; 32]);

impl LedgerHash {
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    pub(crate) fn from_slice(bytes: &[u8]) -> Option<Self> {
        bytes.try_into().ok().map(Self)
    }
}

impl fmt::Display for LedgerHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for LedgerHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LedgerHash({})", self.to_hex())
    }
}

impl Serialize for LedgerHash {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

/// The hash of the entry at `seq`, whose row holds `prev` (the hash of the
/// entry before it, [`GENESIS`] for seq 1) and the entry's `canonical` bytes:
///
/// `SHA-256("laowu.ledger.v1\0" || seq as u64 big-endian || prev || canonical)`
pub fn entry_hash(seq: u64, prev: &LedgerHash, canonical: &[u8]) -> LedgerHash {
    let mut ctx = digest::Context::new(&digest::SHA256);
    ctx.update(HASH_DOMAIN);
    ctx.update(&seq.to_be_bytes());
    ctx.update(&prev.0);
    ctx.update(canonical);
    let mut out = [0u8; 32];
    out.copy_from_slice(ctx.finish().as_ref());
    LedgerHash(out)
}

/// What a successful verification found: the number of entries and the hash of
/// the last one (what the server will anchor).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LedgerReport {
    pub count: u64,
    pub head_hash: LedgerHash,
}

/// What was wrong with the ledger, and where. No variant carries an entry's
/// content; seqs are positions, not personal data.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// A sealed value of the row at `seq` failed authentication: a byte was
    /// edited, or the row's values were moved or copied from another seq, id
    /// or column (swapped rows, reordered seqs, replayed rows).
    #[error("ledger entry {seq} failed authentication (edited, moved or copied)")]
    SealBroken { seq: u64 },
    /// The row at `seq` opens but does not link to the entry before it: an
    /// entry was removed, reordered or replaced by someone holding the key.
    #[error("ledger entry {seq} does not link to the entry before it")]
    ChainBroken { seq: u64 },
    /// The row at `expected_seq` is missing (a row was deleted).
    #[error("ledger entry {expected_seq} is missing")]
    Gap { expected_seq: u64 },
    /// A row whose seq is not after the one before it: a seq seen twice, or a
    /// seq below 1 (reported as 0).
    #[error("ledger entry {seq} is out of sequence (repeated or before the first)")]
    Duplicate { seq: u64 },
    /// Fewer rows than the head records: rows were dropped from the end.
    #[error("the ledger head records {head_count} entries but only {found} were found")]
    Truncated { head_count: u64, found: u64 },
    /// The chain does not end where the head says: more rows than it records
    /// (an older head was put back), or the last entry is not the one it
    /// records (`found == head_count`).
    #[error("the ledger head records {head_count} entries but the chain of {found} ends elsewhere")]
    HeadMismatch { head_count: u64, found: u64 },
    /// There are entries but no head: it was deleted.
    #[error("the ledger has entries but its head is missing")]
    HeadMissing,
    /// The head failed authentication or is not a head.
    #[error("the ledger head failed authentication")]
    HeadBroken,
    /// The row at `seq` opens but its contents are not a canonical entry and
    /// link (written with the key, not by this code).
    #[error("ledger entry {seq} is malformed")]
    Malformed { seq: u64 },
    /// There are ledger rows but the store holds no ledger key to open them.
    #[error("the ledger has rows but no key to open them")]
    KeyMissing,
    /// The store itself failed (I/O, corruption, full disk).
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl LedgerError {
    /// Whether this is a finding about the ledger's contents (as opposed to the
    /// store failing to read them).
    pub fn is_tampering(&self) -> bool {
        !matches!(self, LedgerError::Store(_))
    }
}

impl From<rusqlite::Error> for LedgerError {
    fn from(e: rusqlite::Error) -> Self {
        LedgerError::Store(e.into())
    }
}

/// The sealed head: how many entries there are and the hash of the last.
/// Plaintext: `0x01 || count as u64 big-endian || last hash (32 bytes)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Head {
    pub count: u64,
    pub last: LedgerHash,
}

impl Head {
    pub fn encode(&self) -> [u8; HEAD_LEN] {
        let mut out = [0u8; HEAD_LEN];
        out[0] = HEAD_FORMAT_V1;
        out[1..9].copy_from_slice(&self.count.to_be_bytes());
        out[9..].copy_from_slice(&self.last.0);
        out
    }

    pub fn decode(bytes: &[u8]) -> Option<Self> {
        let bytes: &[u8; HEAD_LEN] = bytes.try_into().ok()?;
        if bytes[0] != HEAD_FORMAT_V1 {
            return None;
        }
        let count = u64::from_be_bytes(bytes[1..9].try_into().ok()?);
        let last = LedgerHash::from_slice(&bytes[9..])?;
        // An empty ledger has no head; a head of nothing is not one we wrote.
        (count > 0).then_some(Self { count, last })
    }
}

/// Checks rows fed to it in seq order: consecutive seqs, each linking to the
/// one before. Holds one hash, never the rows.
#[derive(Debug)]
pub(crate) struct ChainWalk {
    expected: u64,
    /// The hash the next row must link to; `None` when the walk starts in the
    /// middle of the chain and the first row's link is taken as given.
    prev: Option<LedgerHash>,
}

impl ChainWalk {
    /// A walk of the whole chain, from seq 1.
    pub fn from_genesis() -> Self {
        Self {
            expected: 1,
            prev: Some(GENESIS),
        }
    }

    /// A walk of the rows from `seq` on (a range view).
    pub fn from_seq(seq: u64) -> Self {
        if seq <= 1 {
            return Self::from_genesis();
        }
        Self {
            expected: seq,
            prev: None,
        }
    }

    /// Checks that the next row has the expected seq, and returns it.
    pub fn position(&self, raw_seq: i64) -> Result<u64, LedgerError> {
        match u64::try_from(raw_seq) {
            Ok(seq) if seq == self.expected => Ok(seq),
            Ok(seq) if seq > self.expected => Err(LedgerError::Gap {
                expected_seq: self.expected,
            }),
            Ok(seq) => Err(LedgerError::Duplicate { seq }),
            Err(_) => Err(LedgerError::Duplicate { seq: 0 }),
        }
    }

    /// Links the opened row at `seq` (which [`ChainWalk::position`] accepted)
    /// and returns its hash.
    pub fn link(
        &mut self,
        seq: u64,
        prev: &[u8],
        canonical: &[u8],
    ) -> Result<LedgerHash, LedgerError> {
        let prev = LedgerHash::from_slice(prev).ok_or(LedgerError::Malformed { seq })?;
        if self.prev.is_some_and(|expected| expected != prev) {
            return Err(LedgerError::ChainBroken { seq });
        }
        let hash = entry_hash(seq, &prev, canonical);
        self.prev = Some(hash);
        self.expected = seq + 1;
        Ok(hash)
    }

    /// Compares the end of a whole-chain walk with the head.
    pub fn finish(self, head: Option<Head>) -> Result<LedgerReport, LedgerError> {
        let found = self.expected - 1;
        let last = self.prev.unwrap_or(GENESIS);
        match head {
            None if found == 0 => Ok(LedgerReport {
                count: 0,
                head_hash: GENESIS,
            }),
            None => Err(LedgerError::HeadMissing),
            Some(h) if found < h.count => Err(LedgerError::Truncated {
                head_count: h.count,
                found,
            }),
            Some(h) if found > h.count || h.last != last => Err(LedgerError::HeadMismatch {
                head_count: h.count,
                found,
            }),
            Some(h) => Ok(LedgerReport {
                count: h.count,
                head_hash: h.last,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{Accessor, LedgerEntry, Outcome};
    use crate::store::DataCategory;

    fn fix(at_ms: i64) -> Vec<u8> {
        LedgerEntry::new(
            Accessor::sdk("amap-location").unwrap(),
            DataCategory::Location,
            "attendance",
            "2024-06-01",
            at_ms,
            Outcome::Allowed,
        )
        .unwrap()
        .with_detail("single fix")
        .unwrap()
        .canonical_bytes()
    }

    /// Like the canonical bytes, the hash is a contract with the server.
    #[test]
    fn entry_hash_matches_the_fixed_vector() {
        let h1 = entry_hash(1, &GENESIS, &fix(1_717_200_000_123));
        assert_eq!(
            h1.to_hex(),
            "3d03a4c8cb6259a0f7b3d03c72edfdb19e295494723feac4c4e92a4a237f8cf3"
        );
        let h2 = entry_hash(2, &h1, &fix(1_717_200_000_123));
        assert_ne!(h1, h2, "the seq and the link are hashed");
        assert_ne!(entry_hash(1, &GENESIS, &fix(1)), h1);
        assert_eq!(
            serde_json::to_string(&GENESIS).unwrap(),
            format!("\"{}\"", "0".repeat(64))
        );
    }

    #[test]
    fn walk_checks_order_links_and_head() {
        let e = fix(5);
        let h1 = entry_hash(1, &GENESIS, &e);
        let h2 = entry_hash(2, &h1, &e);

        let mut w = ChainWalk::from_genesis();
        assert_eq!(w.position(1).unwrap(), 1);
        assert_eq!(w.link(1, GENESIS.as_bytes(), &e).unwrap(), h1);
        assert!(matches!(
            w.position(1),
            Err(LedgerError::Duplicate { seq: 1 })
        ));
        assert!(matches!(
            w.position(3),
            Err(LedgerError::Gap { expected_seq: 2 })
        ));
        assert!(matches!(
            w.link(2, GENESIS.as_bytes(), &e),
            Err(LedgerError::ChainBroken { seq: 2 })
        ));
        assert!(matches!(
            w.link(2, &[0; 31], &e),
            Err(LedgerError::Malformed { seq: 2 })
        ));
        assert_eq!(w.link(2, h1.as_bytes(), &e).unwrap(), h2);

        let head = |count, last| Some(Head { count, last });
        let done = |head| {
            let mut w = ChainWalk::from_genesis();
            w.link(1, GENESIS.as_bytes(), &e).unwrap();
            w.link(2, h1.as_bytes(), &e).unwrap();
            w.finish(head)
        };
        assert_eq!(
            done(head(2, h2)).unwrap(),
            LedgerReport {
                count: 2,
                head_hash: h2
            }
        );
        assert!(matches!(done(None), Err(LedgerError::HeadMissing)));
        assert!(matches!(
            done(head(3, h2)),
            Err(LedgerError::Truncated {
                head_count: 3,
                found: 2
            })
        ));
        assert!(matches!(
            done(head(1, h1)),
            Err(LedgerError::HeadMismatch {
                head_count: 1,
                found: 2
            })
        ));
        assert!(matches!(
            done(head(2, h1)),
            Err(LedgerError::HeadMismatch {
                head_count: 2,
                found: 2
            })
        ));
        assert_eq!(
            ChainWalk::from_genesis().finish(None).unwrap(),
            LedgerReport {
                count: 0,
                head_hash: GENESIS
            }
        );
        assert!(matches!(
            ChainWalk::from_genesis().position(0),
            Err(LedgerError::Duplicate { seq: 0 })
        ));
        assert!(matches!(
            ChainWalk::from_genesis().position(-7),
            Err(LedgerError::Duplicate { seq: 0 })
        ));

        // A range walk takes its first link as given, then checks the rest.
        let mut w = ChainWalk::from_seq(2);
        assert_eq!(w.position(2).unwrap(), 2);
        assert_eq!(w.link(2, h1.as_bytes(), &e).unwrap(), h2);
    }

    #[test]
    fn head_round_trips_and_refuses_other_bytes() {
        let head = Head {
            count: 10_000,
            last: entry_hash(1, &GENESIS, b"x"),
        };
        let bytes = head.encode();
        assert_eq!(Head::decode(&bytes), Some(head));
        assert_eq!(Head::decode(&bytes[..40]), None);
        let mut v2 = bytes;
        v2[0] = 2;
        assert_eq!(Head::decode(&v2), None);
        let zero = Head {
            count: 0,
            last: GENESIS,
        };
        assert_eq!(Head::decode(&zero.encode()), None);
    }
}
