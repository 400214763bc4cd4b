//! Ledger rows: the SQL side of the SDK-permission ledger (see
//! [`crate::ledger`] for the layout, the chain and what it detects).
//!
//! Appends read the chain's tip and the head and refuse to extend a ledger
//! whose last row does not match its head; verification streams every row in
//! seq order, holding one at a time, inside one read transaction.

use rusqlite::{Connection, OptionalExtension, Row, params};
use zeroize::Zeroizing;

use super::aead::{DataKey, Slot, random_id};
use super::{DataCategory, Store};
use crate::ledger::{
    ChainWalk, EXPORT_FORMAT, GENESIS, Head, LedgerEntry, LedgerError, LedgerExport, LedgerHash,
    LedgerQuery, LedgerRecord, LedgerReport, LedgerSeq, entry_hash,
};

const TABLE: &str = "ledger";
const HEAD_TABLE: &str = "ledger_head";
const CATEGORY: DataCategory = DataCategory::Ledger;

/// The slot row of a ledger value: its seq and its id, so a value moved to
/// another seq or another row fails to open.
fn row_name(seq: u64, id: &str) -> String {
    format!("{seq}:{id}")
}

fn slot<'a>(column: &'static str, row: &'a str) -> Slot<'a> {
    Slot {
        table: TABLE,
        column,
        row,
    }
}

fn head_slot() -> Slot<'static> {
    Slot {
        table: HEAD_TABLE,
        column: "head",
        row: CATEGORY.as_str(),
    }
}

fn sql_seq(seq: u64) -> i64 {
    i64::try_from(seq).unwrap_or(i64::MAX)
}

impl Store {
    /// Appends one access event; returns its seq.
    pub fn append_ledger(&self, entry: &LedgerEntry) -> Result<LedgerSeq, LedgerError> {
        let seqs = self.append_ledger_batch(std::slice::from_ref(entry))?;
        Ok(seqs[0])
    }

    /// Appends events in order, in one transaction: all or none. Refuses (and
    /// writes nothing) if the ledger's last row does not match its head.
    pub fn append_ledger_batch(
        &self,
        entries: &[LedgerEntry],
    ) -> Result<Vec<LedgerSeq>, LedgerError> {
        if entries.is_empty() {
            return Ok(Vec::new());
        }
        self.write(|tx, keys, store| {
            let existing = keys.ring.get(CATEGORY);
            let tip = match read_tip(tx, existing.as_deref()) {
                Ok(tip) => tip,
                Err(LedgerError::Store(e)) => return Err(e),
                // Found before anything was written: the empty transaction commits.
                Err(e) => return Ok(Err(e)),
            };
            // From here on any failure is a StoreError and rolls back.
            let key = store.key_for(tx, keys, CATEGORY)?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO ledger (seq, id, category, entry, prev_hash) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            let Head {
                mut count,
                mut last,
            } = tip;
            let mut seqs = Vec::with_capacity(entries.len());
            for entry in entries {
                let seq = count + 1;
                let id = random_id::<16>(&store.rng);
                let row = row_name(seq, &id);
                let canonical = Zeroizing::new(entry.canonical_bytes());
                insert.execute(params![
                    sql_seq(seq),
                    id,
                    CATEGORY.as_str(),
                    key.seal(&store.rng, slot("entry", &row), &canonical),
                    key.seal(&store.rng, slot("prev_hash", &row), last.as_bytes()),
                ])?;
                last = entry_hash(seq, &last, &canonical);
                count = seq;
                seqs.push(LedgerSeq(seq));
            }
            let head = key.seal(&store.rng, head_slot(), &Head { count, last }.encode());
            tx.prepare_cached(
                "INSERT INTO ledger_head (category, head) VALUES (?1, ?2)
                 ON CONFLICT (category) DO UPDATE SET head = excluded.head",
            )?
            .execute(params![CATEGORY.as_str(), head])?;
            Ok(Ok(seqs))
        })?
    }

    /// The entries `query` selects, in seq order, each with its hash. The rows
    /// read are checked as they go (seals, order, links within the range); the
    /// head is checked only by [`Store::verify_ledger`].
    pub fn ledger_entries(&self, query: &LedgerQuery) -> Result<Vec<LedgerRecord>, LedgerError> {
        if query.is_empty_range() {
            return Ok(Vec::new());
        }
        self.read_ledger(|conn, key| {
            let mut walk = ChainWalk::from_seq(query.first());
            let mut out = Vec::new();
            stream(
                conn,
                key,
                &mut walk,
                sql_seq(query.first()),
                sql_seq(query.last()),
                |seq, hash, canonical| {
                    let entry = decode(seq, canonical)?;
                    if query.matches(&entry) {
                        out.push(LedgerRecord { seq, hash, entry });
                    }
                    Ok(())
                },
            )?;
            Ok(out)
        })
    }

    /// Checks the whole ledger: every row opens for its seq, seqs run 1, 2, 3,
    /// ... without gaps, each row links to the one before, and the head records
    /// the last. Returns the first problem found, and where.
    pub fn verify_ledger(&self) -> Result<LedgerReport, LedgerError> {
        self.read_ledger(|conn, key| {
            let mut walk = ChainWalk::from_genesis();
            stream(conn, key, &mut walk, i64::MIN, i64::MAX, |_, _, _| Ok(()))?;
            walk.finish(read_head(conn, key)?)
        })
    }

    /// Every entry of the verified ledger, for the worker or a regulator
    /// ([`LedgerExport::to_json`]). Fails like [`Store::verify_ledger`].
    pub fn export_ledger(&self) -> Result<LedgerExport, LedgerError> {
        self.read_ledger(|conn, key| {
            let mut walk = ChainWalk::from_genesis();
            let mut entries = Vec::new();
            stream(
                conn,
                key,
                &mut walk,
                i64::MIN,
                i64::MAX,
                |seq, hash, canonical| {
                    let entry = decode(seq, canonical)?;
                    entries.push(LedgerRecord { seq, hash, entry });
                    Ok(())
                },
            )?;
            let report = walk.finish(read_head(conn, key)?)?;
            Ok(LedgerExport {
                format: EXPORT_FORMAT,
                count: report.count,
                head_hash: report.head_hash,
                entries,
            })
        })
    }

    /// Runs `f` with the ledger key (if any) in one read transaction, so rows
    /// and head are read from the same snapshot.
    fn read_ledger<T>(
        &self,
        f: impl FnOnce(&Connection, Option<&DataKey>) -> Result<T, LedgerError>,
    ) -> Result<T, LedgerError> {
        self.read(|conn, keys| {
            let tx = conn.unchecked_transaction()?;
            let key = keys.get(CATEGORY);
            Ok(f(&tx, key.as_deref()))
        })?
    }
}

/// The ledger's tip as it must be to append: no rows and no head, or a head
/// whose count and hash match the last row. Reads the head and one row.
fn read_tip(conn: &Connection, key: Option<&DataKey>) -> Result<Head, LedgerError> {
    let last_row = conn
        .prepare_cached("SELECT seq, id, entry, prev_hash FROM ledger ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Vec<u8>>(2)?,
                r.get::<_, Vec<u8>>(3)?,
            ))
        })
        .optional()?;
    let head = read_head(conn, key)?;
    let (head, (raw_seq, id, entry, prev)) = match (head, last_row) {
        (None, None) => {
            return Ok(Head {
                count: 0,
                last: GENESIS,
            });
        }
        (None, Some(_)) => return Err(LedgerError::HeadMissing),
        (Some(head), None) => {
            return Err(LedgerError::Truncated {
                head_count: head.count,
                found: 0,
            });
        }
        (Some(head), Some(row)) => (head, row),
    };
    let found = u64::try_from(raw_seq).unwrap_or(0);
    if found < head.count {
        return Err(LedgerError::Truncated {
            head_count: head.count,
            found,
        });
    }
    let mismatch = LedgerError::HeadMismatch {
        head_count: head.count,
        found,
    };
    if found > head.count {
        return Err(mismatch);
    }
    // A head was opened, so the key is there.
    let key = key.ok_or(LedgerError::KeyMissing)?;
    let (canonical, prev) = open_row(key, found, &id, &entry, &prev)?;
    let prev = LedgerHash::from_slice(&prev).ok_or(LedgerError::Malformed { seq: found })?;
    if entry_hash(found, &prev, &canonical) != head.last {
        return Err(mismatch);
    }
    Ok(head)
}

/// The head, if there is one.
fn read_head(conn: &Connection, key: Option<&DataKey>) -> Result<Option<Head>, LedgerError> {
    let sealed: Option<Vec<u8>> = conn
        .prepare_cached("SELECT head FROM ledger_head WHERE category = ?1")?
        .query_row([CATEGORY.as_str()], |r| r.get(0))
        .optional()?;
    let Some(sealed) = sealed else {
        return Ok(None);
    };
    let key = key.ok_or(LedgerError::KeyMissing)?;
    let plain = key
        .open(head_slot(), &sealed)
        .map_err(|_| LedgerError::HeadBroken)?;
    Head::decode(&plain)
        .map(Some)
        .ok_or(LedgerError::HeadBroken)
}

/// An opened value, zeroized on drop.
type Plain = Zeroizing<Vec<u8>>;

/// Opens a row's two sealed values: the canonical entry and the previous hash.
fn open_row(
    key: &DataKey,
    seq: u64,
    id: &str,
    entry: &[u8],
    prev: &[u8],
) -> Result<(Plain, Plain), LedgerError> {
    let row = row_name(seq, id);
    let broken = |_| LedgerError::SealBroken { seq };
    Ok((
        key.open(slot("entry", &row), entry).map_err(broken)?,
        key.open(slot("prev_hash", &row), prev).map_err(broken)?,
    ))
}

fn decode(seq: LedgerSeq, canonical: &[u8]) -> Result<LedgerEntry, LedgerError> {
    LedgerEntry::from_canonical_bytes(canonical)
        .map_err(|_| LedgerError::Malformed { seq: seq.get() })
}

/// A row's id and sealed values, borrowed; `None` if a column has the wrong type.
fn sealed_columns<'r>(row: &'r Row<'_>) -> Option<(&'r str, &'r [u8], &'r [u8])> {
    Some((
        row.get_ref(1).ok()?.as_str().ok()?,
        row.get_ref(2).ok()?.as_blob().ok()?,
        row.get_ref(3).ok()?.as_blob().ok()?,
    ))
}

/// Feeds the rows with seq in `first..=last` through `walk` in seq order, and
/// hands each opened, checked and linked entry's canonical bytes to `visit`.
/// One row at a time.
fn stream(
    conn: &Connection,
    key: Option<&DataKey>,
    walk: &mut ChainWalk,
    first: i64,
    last: i64,
    mut visit: impl FnMut(LedgerSeq, LedgerHash, &[u8]) -> Result<(), LedgerError>,
) -> Result<(), LedgerError> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, id, entry, prev_hash FROM ledger WHERE seq BETWEEN ?1 AND ?2 ORDER BY seq",
    )?;
    let mut rows = stmt.query(params![first, last])?;
    while let Some(row) = rows.next()? {
        let seq = walk.position(row.get(0)?)?;
        let key = key.ok_or(LedgerError::KeyMissing)?;
        let (id, entry, prev) = sealed_columns(row).ok_or(LedgerError::SealBroken { seq })?;
        let (canonical, prev) = open_row(key, seq, id, entry, prev)?;
        LedgerEntry::check_canonical_bytes(&canonical)
            .map_err(|_| LedgerError::Malformed { seq })?;
        let hash = walk.link(seq, &prev, &canonical)?;
        visit(LedgerSeq(seq), hash, &canonical)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use rusqlite::{Connection, params};

    use super::*;
    use crate::ledger::{Accessor, Capability, Outcome};
    use crate::store::tests::{new_store, vault};
    use crate::store::{DB_FILE, OpenMode, StoreError, schema};

    fn reopen(home: &tempfile::TempDir, store: Store) -> Store {
        let dir = store.dir().to_path_buf();
        drop(store);
        Store::open(&dir, vault(home.path()), OpenMode::Existing).unwrap()
    }

    fn raw(store: &Store) -> Connection {
        Connection::open(store.dir().join(DB_FILE)).unwrap()
    }

    fn count(conn: &Connection, sql: &str) -> i64 {
        conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    fn entry(i: u64) -> LedgerEntry {
        let (accessor, category, purpose) = match i % 4 {
            0 => (
                Accessor::sdk("amap-location").unwrap(),
                DataCategory::Location,
                "attendance",
            ),
            1 => (
                Capability::WifiScan.into(),
                DataCategory::Location,
                "attendance",
            ),
            2 => (
                Accessor::sdk("baidu-face-offline").unwrap(),
                DataCategory::Face,
                "identity_verification",
            ),
            _ => (
                Accessor::sdk("tencent-bugly").unwrap(),
                DataCategory::Device,
                "crash_reporting",
            ),
        };
        let outcome = if i % 5 == 4 {
            Outcome::Refused
        } else {
            Outcome::Allowed
        };
        let e = LedgerEntry::new(
            accessor,
            category,
            purpose,
            "2024-06-01",
            1_717_200_000_000 + i as i64,
            outcome,
        )
        .unwrap();
        if i.is_multiple_of(3) {
            e.with_detail("single fix").unwrap()
        } else {
            e
        }
    }

    fn entries(range: std::ops::Range<u64>) -> Vec<LedgerEntry> {
        range.map(entry).collect()
    }

    fn key(store: &Store) -> Arc<DataKey> {
        store
            .read(|_, keys| Ok(keys.get(CATEGORY).unwrap()))
            .unwrap()
    }

    /// Rewrites the row at `seq` with properly sealed values, as someone who
    /// holds the key could.
    fn forge_row(store: &Store, conn: &Connection, seq: u64, canonical: &[u8], prev: &LedgerHash) {
        let key = key(store);
        let id: String = conn
            .query_row("SELECT id FROM ledger WHERE seq = ?1", [seq as i64], |r| {
                r.get(0)
            })
            .unwrap();
        let row = row_name(seq, &id);
        conn.execute(
            "UPDATE ledger SET entry = ?2, prev_hash = ?3 WHERE seq = ?1",
            params![
                seq as i64,
                key.seal(&store.rng, slot("entry", &row), canonical),
                key.seal(&store.rng, slot("prev_hash", &row), prev.as_bytes()),
            ],
        )
        .unwrap();
    }

    fn forge_head(store: &Store, conn: &Connection, count: u64, last: LedgerHash) {
        let sealed = key(store).seal(&store.rng, head_slot(), &Head { count, last }.encode());
        conn.execute("UPDATE ledger_head SET head = ?1", [sealed])
            .unwrap();
    }

    fn all(store: &Store) -> Vec<LedgerRecord> {
        store.ledger_entries(&LedgerQuery::all()).unwrap()
    }

    #[test]
    fn append_list_verify_and_export() {
        let (_home, store) = new_store();
        assert_eq!(
            store.verify_ledger().unwrap(),
            LedgerReport {
                count: 0,
                head_hash: GENESIS
            }
        );
        assert_eq!(store.append_ledger(&entry(0)).unwrap(), LedgerSeq(1));
        let seqs = store.append_ledger_batch(&entries(1..5)).unwrap();
        assert_eq!(
            seqs.iter().map(|s| s.get()).collect::<Vec<_>>(),
            [2, 3, 4, 5]
        );
        assert!(store.append_ledger_batch(&[]).unwrap().is_empty());

        let records = all(&store);
        assert_eq!(records.len(), 5);
        let mut prev = GENESIS;
        for (i, r) in records.iter().enumerate() {
            assert_eq!(r.seq.get(), i as u64 + 1);
            assert_eq!(r.entry, entry(i as u64));
            assert_eq!(
                r.hash,
                entry_hash(r.seq.get(), &prev, &r.entry.canonical_bytes())
            );
            prev = r.hash;
        }
        let report = store.verify_ledger().unwrap();
        assert_eq!(
            report,
            LedgerReport {
                count: 5,
                head_hash: prev
            }
        );

        let export = store.export_ledger().unwrap();
        assert_eq!((export.count, export.head_hash), (5, prev));
        assert_eq!(export.entries, records);
        let json: serde_json::Value = serde_json::from_str(&export.to_json()).unwrap();
        assert_eq!(json["format"], "laowu.ledger.export.v1");
        assert_eq!(json["count"], 5);
        assert_eq!(json["head_hash"], prev.to_hex());
        let first = &json["entries"][0];
        assert_eq!(first["seq"], 1);
        assert_eq!(first["hash"], records[0].hash.to_hex());
        assert_eq!(first["accessor"], "sdk:amap-location");
        assert_eq!(first["category"], "location");
        assert_eq!(first["purpose"], "attendance");
        assert_eq!(first["policy_version"], "2024-06-01");
        assert_eq!(first["at_ms"], 1_717_200_000_000i64);
        assert_eq!(first["outcome"], "allowed");
        assert_eq!(first["detail"], "single fix");
        let second = &json["entries"][1];
        assert_eq!(second["accessor"], "capability:wifi_scan");
        assert!(second.get("detail").is_none());
        assert_eq!(json["entries"][4]["outcome"], "refused");
    }

    #[test]
    fn views_filter_by_range_accessor_and_category() {
        let (_home, store) = new_store();
        store.append_ledger_batch(&entries(0..40)).unwrap();
        let seqs = |q: LedgerQuery| -> Vec<u64> {
            store
                .ledger_entries(&q)
                .unwrap()
                .iter()
                .map(|r| r.seq.get())
                .collect()
        };
        assert_eq!(seqs(LedgerQuery::seqs(3..=6)), [3, 4, 5, 6]);
        assert_eq!(seqs(LedgerQuery::seqs(38..)), [38, 39, 40]);
        assert_eq!(seqs(LedgerQuery::seqs(..3)), [1, 2]);
        assert_eq!(seqs(LedgerQuery::seqs(0..=1)), [1]);
        assert!(seqs(LedgerQuery::seqs(41..)).is_empty());
        assert!(seqs(LedgerQuery::seqs(..1)).is_empty());
        assert!(seqs(LedgerQuery::seqs(7..7)).is_empty());
        assert!(seqs(LedgerQuery::seqs(u64::MAX..)).is_empty());

        let amap = Accessor::parse("sdk:amap-location").unwrap();
        let got = seqs(LedgerQuery::all().accessor(amap.clone()));
        assert_eq!(got.len(), 10);
        assert!(got.iter().all(|s| (s - 1) % 4 == 0));
        let location = seqs(LedgerQuery::all().category(DataCategory::Location));
        assert_eq!(location.len(), 20);
        let both = seqs(
            LedgerQuery::seqs(10..=20)
                .accessor(Capability::WifiScan.into())
                .category(DataCategory::Location),
        );
        assert_eq!(both, [10, 14, 18]);
        assert!(
            seqs(
                LedgerQuery::all()
                    .accessor(amap)
                    .category(DataCategory::Face)
            )
            .is_empty()
        );
        // A range's records carry the same hashes as the whole chain's.
        assert_eq!(
            store.ledger_entries(&LedgerQuery::seqs(5..=5)).unwrap()[0],
            all(&store)[4]
        );
    }

    #[test]
    fn the_head_moves_with_every_append_and_survives_reopening() {
        let (home, store) = new_store();
        let mut last = GENESIS;
        for i in 0..10 {
            store.append_ledger(&entry(i)).unwrap();
            let report = store.verify_ledger().unwrap();
            assert_eq!(report.count, i + 1);
            assert_ne!(report.head_hash, last);
            last = report.head_hash;
        }
        let store = reopen(&home, store);
        assert_eq!(
            store.verify_ledger().unwrap(),
            LedgerReport {
                count: 10,
                head_hash: last
            }
        );
        assert_eq!(store.append_ledger(&entry(10)).unwrap(), LedgerSeq(11));
        assert_eq!(store.verify_ledger().unwrap().count, 11);
    }

    #[test]
    fn shredding_the_ledger_deletes_it_and_restarts_from_genesis() {
        let (home, store) = new_store();
        store.append_ledger_batch(&entries(0..20)).unwrap();
        let old_head = store.verify_ledger().unwrap().head_hash;
        let old_key = key(&store).raw().to_vec();

        // 20 rows and the head.
        assert_eq!(store.shred(DataCategory::Ledger).unwrap(), 21);
        let conn = raw(&store);
        assert_eq!(count(&conn, "SELECT count(*) FROM ledger"), 0);
        assert_eq!(count(&conn, "SELECT count(*) FROM ledger_head"), 0);
        assert_eq!(
            count(
                &conn,
                "SELECT count(*) FROM data_key WHERE category = 'ledger'"
            ),
            0
        );
        let empty = LedgerReport {
            count: 0,
            head_hash: GENESIS,
        };
        assert_eq!(store.verify_ledger().unwrap(), empty);
        assert!(all(&store).is_empty());
        assert_eq!(store.export_ledger().unwrap().entries, []);

        // The next entry starts a new chain under a new key.
        assert_eq!(store.append_ledger(&entry(7)).unwrap(), LedgerSeq(1));
        assert_ne!(key(&store).raw(), old_key.as_slice());
        let records = all(&store);
        assert_eq!(
            records[0].hash,
            entry_hash(1, &GENESIS, &entry(7).canonical_bytes())
        );
        let report = store.verify_ledger().unwrap();
        assert_eq!(report.count, 1);
        assert_ne!(report.head_hash, old_head);
        let store = reopen(&home, store);
        assert_eq!(store.verify_ledger().unwrap(), report);

        // Shredding again, then reopening (which recreates the key) before any
        // append, also leaves a valid empty ledger.
        store.shred(DataCategory::Ledger).unwrap();
        let dir = store.dir().to_path_buf();
        drop(store);
        let store = Store::open(&dir, vault(home.path()), OpenMode::Create).unwrap();
        assert_eq!(store.verify_ledger().unwrap(), empty);
        store.append_ledger_batch(&entries(0..3)).unwrap();
        assert_eq!(store.verify_ledger().unwrap().count, 3);
    }

    #[test]
    fn shredding_another_category_keeps_the_ledger() {
        let (_home, store) = new_store();
        store
            .put_internal_records(&[(DataCategory::Location, "fix", b"39.9087,116.3975")], 1)
            .unwrap();
        store.append_ledger_batch(&entries(0..8)).unwrap();
        let before = store.verify_ledger().unwrap();
        assert_eq!(store.shred(DataCategory::Location).unwrap(), 1);
        assert_eq!(store.verify_ledger().unwrap(), before);
        assert_eq!(all(&store).len(), 8);
    }

    #[test]
    fn nothing_about_an_entry_is_in_clear() {
        let (_home, store) = new_store();
        store.append_ledger_batch(&entries(0..8)).unwrap();
        store.checkpoint().unwrap();
        let bytes = std::fs::read(store.dir().join(DB_FILE)).unwrap();
        for needle in [
            "amap-location",
            "wifi_scan",
            "attendance",
            "2024-06-01",
            "single fix",
            "refused",
        ] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "{needle} is in clear"
            );
        }
        let at = 1_717_200_000_000i64.to_be_bytes();
        assert!(!bytes.windows(8).any(|w| w == at));
    }

    #[test]
    fn tampering_without_the_key_is_found_where_it_is() {
        let (_home, store) = new_store();
        store.append_ledger_batch(&entries(0..10)).unwrap();
        let conn = raw(&store);
        let good = || store.verify_ledger().unwrap();
        let report = good();

        // A flipped byte.
        let blob: Vec<u8> = conn
            .query_row("SELECT entry FROM ledger WHERE seq = 4", [], |r| r.get(0))
            .unwrap();
        let mut bad = blob.clone();
        bad[20] ^= 0x40;
        conn.execute("UPDATE ledger SET entry = ?1 WHERE seq = 4", [&bad])
            .unwrap();
        assert!(matches!(
            store.verify_ledger(),
            Err(LedgerError::SealBroken { seq: 4 })
        ));
        assert!(matches!(
            store.ledger_entries(&LedgerQuery::seqs(3..)),
            Err(LedgerError::SealBroken { seq: 4 })
        ));
        // A view that does not reach the row still works.
        assert_eq!(
            store
                .ledger_entries(&LedgerQuery::seqs(..=3))
                .unwrap()
                .len(),
            3
        );
        conn.execute("UPDATE ledger SET entry = ?1 WHERE seq = 4", [&blob])
            .unwrap();
        assert_eq!(good(), report);

        // A row moved to a free seq.
        conn.execute("UPDATE ledger SET seq = 11 WHERE seq = 10", [])
            .unwrap();
        assert!(matches!(
            store.verify_ledger(),
            Err(LedgerError::Gap { expected_seq: 10 })
        ));
        conn.execute("DELETE FROM ledger WHERE seq < 10", [])
            .unwrap();
        assert!(matches!(
            store.verify_ledger(),
            Err(LedgerError::Gap { expected_seq: 1 })
        ));
    }

    #[test]
    fn a_forger_with_the_key_who_skips_reorders_or_replaces_breaks_the_chain() {
        let forged = |tamper: &dyn Fn(&Store, &Connection, &[LedgerRecord])| {
            let (_home, store) = new_store();
            store.append_ledger_batch(&entries(0..10)).unwrap();
            let records = all(&store);
            tamper(&store, &raw(&store), &records);
            store.verify_ledger()
        };
        let canonical = |r: &LedgerRecord| r.entry.canonical_bytes();
        let prev_of = |records: &[LedgerRecord], seq: u64| {
            if seq == 1 {
                GENESIS
            } else {
                records[seq as usize - 2].hash
            }
        };

        // Entries 4 and 5 exchanged, each re-sealed for its new seq.
        let swapped = forged(&|store, conn, records| {
            forge_row(
                store,
                conn,
                4,
                &canonical(&records[4]),
                &prev_of(records, 5),
            );
            forge_row(
                store,
                conn,
                5,
                &canonical(&records[3]),
                &prev_of(records, 4),
            );
        });
        assert!(
            matches!(swapped, Err(LedgerError::ChainBroken { seq: 4 })),
            "{swapped:?}"
        );

        // Entry 6 removed: 7..10 moved down a seq, re-sealed with their links
        // as they were, and the head fixed.
        let skipped = forged(&|store, conn, records| {
            for seq in 6..10u64 {
                let next = &records[seq as usize];
                forge_row(
                    store,
                    conn,
                    seq,
                    &canonical(next),
                    &prev_of(records, seq + 1),
                );
            }
            conn.execute("DELETE FROM ledger WHERE seq = 10", [])
                .unwrap();
            forge_head(store, conn, 9, records[9].hash);
        });
        assert!(
            matches!(skipped, Err(LedgerError::ChainBroken { seq: 6 })),
            "{skipped:?}"
        );

        // The last entry replaced by another that links correctly.
        let replaced = forged(&|store, conn, records| {
            forge_row(
                store,
                conn,
                10,
                &entry(99).canonical_bytes(),
                &prev_of(records, 10),
            );
        });
        assert!(
            matches!(
                replaced,
                Err(LedgerError::HeadMismatch {
                    head_count: 10,
                    found: 10
                })
            ),
            "{replaced:?}"
        );

        // Bytes that are not an entry, sealed properly.
        let garbage = forged(&|store, conn, records| {
            forge_row(store, conn, 3, b"\x01not an entry", &prev_of(records, 3));
        });
        assert!(
            matches!(garbage, Err(LedgerError::Malformed { seq: 3 })),
            "{garbage:?}"
        );

        // A head that is not a head, sealed properly.
        let bad_head = forged(&|store, conn, _| {
            let sealed = key(store).seal(&store.rng, head_slot(), b"head");
            conn.execute("UPDATE ledger_head SET head = ?1", [sealed])
                .unwrap();
        });
        assert!(matches!(bad_head, Err(LedgerError::HeadBroken)));
    }

    #[test]
    fn appends_refuse_a_ledger_whose_tip_disagrees_with_its_head() {
        let (_home, store) = new_store();
        store.append_ledger_batch(&entries(0..5)).unwrap();
        let conn = raw(&store);
        let rows = || count(&conn, "SELECT count(*) FROM ledger");
        let head: Vec<u8> = conn
            .query_row("SELECT head FROM ledger_head", [], |r| r.get(0))
            .unwrap();

        conn.execute("DELETE FROM ledger_head", []).unwrap();
        assert!(matches!(
            store.append_ledger(&entry(5)),
            Err(LedgerError::HeadMissing)
        ));
        assert_eq!(rows(), 5);

        conn.execute(
            "INSERT INTO ledger_head (category, head) VALUES ('ledger', ?1)",
            [&head],
        )
        .unwrap();
        let last: (i64, String, Vec<u8>, Vec<u8>) = conn
            .query_row(
                "SELECT seq, id, entry, prev_hash FROM ledger WHERE seq = 5",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        conn.execute("DELETE FROM ledger WHERE seq = 5", [])
            .unwrap();
        assert!(matches!(
            store.append_ledger_batch(&entries(5..9)),
            Err(LedgerError::Truncated {
                head_count: 5,
                found: 4
            })
        ));
        assert_eq!(rows(), 4);

        conn.execute(
            "INSERT INTO ledger (seq, id, category, entry, prev_hash) VALUES (?1, ?2, 'ledger', ?4, ?3)",
            params![last.0, last.1, last.2, last.3],
        )
        .unwrap();
        assert!(matches!(
            store.append_ledger(&entry(5)),
            Err(LedgerError::SealBroken { seq: 5 })
        ));
        conn.execute(
            "UPDATE ledger SET entry = ?1, prev_hash = ?2 WHERE seq = 5",
            params![last.2, last.3],
        )
        .unwrap();

        let mut bad = head.clone();
        bad[5] ^= 1;
        conn.execute("UPDATE ledger_head SET head = ?1", [&bad])
            .unwrap();
        assert!(matches!(
            store.append_ledger(&entry(5)),
            Err(LedgerError::HeadBroken)
        ));
        conn.execute("UPDATE ledger_head SET head = ?1", [&head])
            .unwrap();
        assert_eq!(store.append_ledger(&entry(5)).unwrap(), LedgerSeq(6));
        assert_eq!(store.verify_ledger().unwrap().count, 6);
    }

    #[test]
    fn rows_without_a_key_are_reported_as_such() {
        let (home, store) = new_store();
        store.append_ledger_batch(&entries(0..3)).unwrap();
        raw(&store)
            .execute("DELETE FROM data_key WHERE category = 'ledger'", [])
            .unwrap();
        let store = reopen(&home, store);
        assert!(matches!(
            store.verify_ledger(),
            Err(LedgerError::KeyMissing)
        ));
        assert!(matches!(
            store.append_ledger(&entry(3)),
            Err(LedgerError::KeyMissing)
        ));
        // No key was created for the broken ledger.
        assert!(store.status().unwrap().keys.contains(&(CATEGORY, false)));
    }

    /// The documented limit: rows and head rolled back together to an earlier
    /// state of the same chain are consistent; only the server's anchor of the
    /// head can tell.
    #[test]
    fn a_rollback_of_rows_and_head_together_is_not_detected_locally() {
        let (_home, store) = new_store();
        store.append_ledger_batch(&entries(0..5)).unwrap();
        let conn = raw(&store);
        let old_head: Vec<u8> = conn
            .query_row("SELECT head FROM ledger_head", [], |r| r.get(0))
            .unwrap();
        let at_five = store.verify_ledger().unwrap();
        store.append_ledger_batch(&entries(5..9)).unwrap();
        conn.execute("DELETE FROM ledger WHERE seq > 5", [])
            .unwrap();
        conn.execute("UPDATE ledger_head SET head = ?1", [&old_head])
            .unwrap();
        assert_eq!(store.verify_ledger().unwrap(), at_five);
    }

    #[test]
    fn a_store_upgraded_from_version_2_keeps_a_ledger() {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("store");
        std::fs::create_dir_all(&dir).unwrap();
        {
            let mut conn = Connection::open(dir.join(DB_FILE)).unwrap();
            conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
                .unwrap();
            schema::migrate_to(&mut conn, 2).unwrap();
        }
        let store = Store::open(&dir, vault(home.path()), OpenMode::Create).unwrap();
        assert!(store.status().unwrap().schema_version >= 3);
        store.append_ledger_batch(&entries(0..3)).unwrap();
        assert_eq!(store.verify_ledger().unwrap().count, 3);
        assert_eq!(store.integrity_check().unwrap(), "ok");
    }

    #[test]
    fn errors_carry_no_entry_content() {
        let e = LedgerError::Truncated {
            head_count: 10,
            found: 7,
        };
        assert_eq!(
            e.to_string(),
            "the ledger head records 10 entries but only 7 were found"
        );
        assert!(e.is_tampering());
        assert!(!LedgerError::Store(StoreError::Full).is_tampering());
    }
}
