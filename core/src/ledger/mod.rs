//! The SDK-permission ledger: every access to personal data by a third-party
//! SDK or a platform capability, recorded as an append-only, hash-chained,
//! sealed entry.
//!
//! - [`Accessor`]: who can access data, an SDK by its policy id or a platform
//!   [`Capability`].
//! - [`LedgerEntry`]: one access (accessor, data category, purpose, policy
//!   version, time, outcome, an optional short detail) and its canonical bytes.
//! - The chain ([`entry_hash`], [`LedgerError`]) and the views
//!   ([`LedgerQuery`], [`LedgerRecord`], [`LedgerExport`]).
//! - The store's side (all SQL) is `Store::append_ledger`,
//!   `Store::append_ledger_batch`, `Store::ledger_entries`,
//!   `Store::verify_ledger` and `Store::export_ledger`.
//!
//! # How it is stored
//!
//! Table `ledger`: `seq` (1, 2, 3, ... with no gaps), a random `id`, the
//! constant `category = 'ledger'` (so shredding finds the rows), and two sealed
//! columns under the ledger's data key: `entry` (the canonical bytes) and
//! `prev_hash` (the hash of the entry before). Each is sealed for the slot
//! (table, column, `"<seq>:<id>"`), so a value edited, copied to another row or
//! column, or a row moved to another seq, fails to open. Table `ledger_head`
//! holds one sealed row: the number of entries and the hash of the last, written
//! in the same transaction as every append. Nothing about an entry is in clear.
//!
//! The hash of the entry at `seq` is
//! `SHA-256("laowu.ledger.v1\0" || seq (u64, big-endian) || prev_hash || canonical bytes)`,
//! with `prev_hash` of the first entry 32 zero bytes ([`GENESIS`]).
//!
//! # What verification detects
//!
//! [`crate::store::Store::verify_ledger`] reads the rows in seq order, one at a
//! time, and reports the first problem and where it is:
//!
//! - an edited byte or id, rows or columns swapped, seqs exchanged, a row
//!   copied (replayed) under a new seq or over another row:
//!   [`LedgerError::SealBroken`], because the seal binds every value to its
//!   seq, id and column;
//! - a row deleted in the middle, or moved away from its seq:
//!   [`LedgerError::Gap`]; a row before seq 1 or a repeated seq:
//!   [`LedgerError::Duplicate`];
//! - rows dropped from the end: [`LedgerError::Truncated`] (the head remembers
//!   the count); the head deleted: [`LedgerError::HeadMissing`]; edited:
//!   [`LedgerError::HeadBroken`]; an older head put back:
//!   [`LedgerError::HeadMismatch`];
//! - rows that open but do not link (written by someone holding the key who
//!   removed, reordered or replaced entries without rewriting every later
//!   link): [`LedgerError::ChainBroken`], or [`LedgerError::HeadMismatch`] if
//!   only the last entry was replaced; contents that are not an entry:
//!   [`LedgerError::Malformed`];
//! - rows whose key is gone from the store: [`LedgerError::KeyMissing`].
//!
//! Without the key every edit is caught by the seals first; the chain is what
//! holds against a writer with the key that does not rewrite the whole ledger,
//! and its head is the short value the server will anchor.
//!
//! # What it cannot detect on its own
//!
//! - Someone holding the ledger key (the platform key store and the database
//!   together) can rewrite the whole chain and its head consistently: the chain
//!   uses an unkeyed hash, so the key is the only secret.
//! - Rolling the whole database file back to an earlier copy, or the ledger's
//!   rows and head together to an earlier state of the same chain, leaves a
//!   shorter chain that is consistent in itself.
//! - Deleting every row and the head together looks like a ledger that was
//!   shredded or never used.
//! - An access that was never recorded: the ledger proves what it holds, not
//!   that every access went through the gate.
//!
//! The sync work will send the head (count and last hash) to the server, which
//! keeps the latest one it saw: a rollback, a rewrite or a silent deletion then
//! shows up as a head that does not extend the anchored one.
//!
//! # Shredding
//!
//! The ledger is the [`crate::store::DataCategory::Ledger`] category: the
//! worker may ask for their access history to be deleted, and
//! `Store::shred(DataCategory::Ledger)` then removes every row, the head and
//! the key. The next append starts a new chain from [`GENESIS`] under a new key,
//! and the empty ledger verifies. (Until the head is anchored, such a reset is
//! indistinguishable from the deletion described above.)

mod chain;
mod entry;
mod registry;
mod view;

pub use chain::{GENESIS, LedgerError, LedgerHash, LedgerReport, LedgerSeq, entry_hash};
pub use entry::{
    ENTRY_FORMAT_V1, LedgerEntry, MAX_DETAIL_LEN, MAX_POLICY_VERSION_LEN, MAX_PURPOSE_LEN,
    MalformedEntry, Outcome,
};
pub use registry::{Accessor, Capability, InvalidInput, SdkId};
pub use view::{EXPORT_FORMAT, LedgerExport, LedgerQuery, LedgerRecord};

pub(crate) use chain::{ChainWalk, Head};
