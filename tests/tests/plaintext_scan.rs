//! Proof that no personal value and no event timestamp reaches a file of the
//! store in clear: not the database, not its WAL, not its shared-memory index,
//! not any journal or temporary file, before a checkpoint, after it and after a
//! reopen; and that shredding a category removes even its sealed bytes.

mod common;

use std::fs;
use std::path::Path;

use common::{Marker, count_in_dir, scan, snapshot, vault};
use laowu_core::store::{DB_FILE, DataCategory, OpenMode, RecordId, Store};
use rusqlite::{Connection, OpenFlags};

const NAME: &str = "欧阳娜娜·买买提";
/// Only searched as UTF-8: in UTF-16 it is 4 bytes, short enough to occur by
/// chance in a megabyte of ciphertext.
const NAME_SHORT: &str = "张伟";
const ID_NUMBER: &str = "11010519491231002X";
const COORDS: &str = "39.908722,116.397499";
const LAT: &str = "39.908722";
const LON: &str = "116.397499";
const MOBILE: &str = "13912345678";
const BANK_CARD: &str = "6222020200112233445";
const ADDRESS: &str = "北京市东城区东华门街道";
/// The time of every recorded event (2026-11-24T…Z).
const AT_MS: i64 = 1_795_456_789_123;
const ROWS: usize = 500;

fn markers() -> Vec<Marker> {
    let mut m = Marker::text_forms("name", NAME);
    m.push(Marker::new("short name (UTF-8)", NAME_SHORT));
    m.extend(Marker::text_forms("address", ADDRESS));
    for (label, text) in [
        ("ID number", ID_NUMBER),
        ("coordinates", COORDS),
        ("latitude", LAT),
        ("longitude", LON),
        ("mobile", MOBILE),
        ("bank card", BANK_CARD),
        ("timestamp ms (decimal)", &AT_MS.to_string()),
        ("timestamp s (decimal)", &(AT_MS / 1000).to_string()),
    ] {
        m.extend(Marker::text_forms(label, text));
    }
    m.push(Marker::new("timestamp ms (BE i64)", AT_MS.to_be_bytes()));
    m.push(Marker::new("timestamp ms (LE i64)", AT_MS.to_le_bytes()));
    m
}

/// Only the identity markers (the category that is shredded).
fn identity_markers() -> Vec<Marker> {
    let mut m = Marker::text_forms("name", NAME);
    m.push(Marker::new("short name (UTF-8)", NAME_SHORT));
    m.extend(Marker::text_forms("ID number", ID_NUMBER));
    m.extend(Marker::text_forms("mobile", MOBILE));
    m.extend(Marker::text_forms("address", ADDRESS));
    m
}

fn assert_no_hits(dir: &Path, markers: &[Marker], when: &str) {
    let hits = scan(dir, markers);
    assert!(
        hits.is_empty(),
        "{when}: personal data found in clear in the store's files: {hits:?}"
    );
}

fn file_len(path: &Path) -> Option<u64> {
    fs::metadata(path).ok().map(|m| m.len())
}

/// Ids of what was written, per kind.
#[derive(Default)]
struct Written {
    names: Vec<RecordId>,
    mobiles: Vec<RecordId>,
    photos: Vec<RecordId>,
    fixes: Vec<RecordId>,
    cards: Vec<RecordId>,
}

fn write_everything(store: &Store) -> Written {
    let mut w = Written::default();
    for i in 0..ROWS {
        let name = format!("{NAME}（{NAME_SHORT}的同事）#{i:04} 住址:{ADDRESS}{i}号");
        w.names.push(
            store
                .put_record(
                    &common::permit(DataCategory::Identity),
                    DataCategory::Identity,
                    "name",
                    name.as_bytes(),
                    AT_MS,
                    false,
                )
                .unwrap(),
        );
        store
            .put_record(
                &common::permit(DataCategory::Identity),
                DataCategory::Identity,
                "id_number",
                ID_NUMBER.as_bytes(),
                AT_MS,
                false,
            )
            .unwrap();
        w.mobiles.push(
            store
                .put_record(
                    &common::permit(DataCategory::Identity),
                    DataCategory::Identity,
                    "mobile",
                    MOBILE.as_bytes(),
                    AT_MS,
                    true,
                )
                .unwrap(),
        );
        let fix = format!("{COORDS};lat={LAT};lon={LON};acc=5;#{i}");
        w.fixes.push(
            store
                .put_record(
                    &common::permit(DataCategory::Location),
                    DataCategory::Location,
                    "fix",
                    fix.as_bytes(),
                    AT_MS,
                    false,
                )
                .unwrap(),
        );
        let card = format!("{BANK_CARD} 户名:{NAME}");
        w.cards.push(
            store
                .put_record(
                    &common::permit(DataCategory::Financial),
                    DataCategory::Financial,
                    "bank_card",
                    card.as_bytes(),
                    AT_MS,
                    true,
                )
                .unwrap(),
        );
        store
            .put_record(
                &common::permit(DataCategory::Face),
                DataCategory::Face,
                "liveness",
                format!("{NAME} {ID_NUMBER} pass 0.97").as_bytes(),
                AT_MS,
                false,
            )
            .unwrap();
        if i % 25 == 0 {
            // Larger than a page: spills into overflow pages.
            let photo = format!("{NAME}|{ID_NUMBER}|{MOBILE}|{ADDRESS}|").repeat(120);
            assert!(photo.len() > 8 * 1024);
            w.photos.push(
                store
                    .put_record(
                        &common::permit(DataCategory::Identity),
                        DataCategory::Identity,
                        "id_photo",
                        photo.as_bytes(),
                        AT_MS,
                        false,
                    )
                    .unwrap(),
            );
        }
    }
    w
}

fn raw_conn(dir: &Path) -> Connection {
    Connection::open_with_flags(dir.join(DB_FILE), OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap()
}

fn raw_blob(conn: &Connection, sql: &str, key: &str) -> Vec<u8> {
    conn.query_row(sql, [key], |r| r.get(0)).unwrap()
}

/// 32-byte slices of a blob every 200 bytes: a blob spread over overflow pages
/// is not contiguous in the file, but most of its slices are.
fn slices(blob: &[u8]) -> Vec<Vec<u8>> {
    (0..blob.len().saturating_sub(32))
        .step_by(200)
        .map(|o| blob[o..o + 32].to_vec())
        .collect()
}

#[test]
fn no_personal_value_or_timestamp_reaches_any_file_in_clear() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("store");
    let markers = markers();

    let store = Store::open(&dir, vault(home.path()), OpenMode::Create).unwrap();
    let written = write_everything(&store);

    // The scanner itself works: markers written in clear to a file of the same
    // directory are found in every encoding, and the clear columns (kinds and
    // category names) are found in the store's own files.
    let control = dir.join("control-plaintext.txt");
    let mut clear = Vec::new();
    for m in &markers {
        clear.extend_from_slice(&m.bytes);
        clear.push(b'\n');
    }
    fs::write(&control, &clear).unwrap();
    let hits = scan(&dir, &markers);
    for m in &markers {
        assert!(
            hits.iter()
                .any(|(f, l, _)| f == Path::new("control-plaintext.txt") && *l == m.label),
            "the scanner missed the control marker {}",
            m.label
        );
    }
    fs::remove_file(&control).unwrap();
    assert!(count_in_dir(&dir, b"id_number") > 0, "clear kind not found");
    assert!(
        count_in_dir(&dir, b"financial") > 0,
        "clear category not found"
    );

    // (a) Before any checkpoint: the WAL holds the recent pages.
    let wal = dir.join(format!("{DB_FILE}-wal"));
    let wal_len = file_len(&wal).expect("the WAL exists while the store is open");
    assert!(wal_len > 64 * 1024, "WAL unexpectedly small: {wal_len}");
    let wal_bytes = fs::read(&wal).unwrap();
    assert!(
        memchr::memmem::find(&wal_bytes, b"location").is_some(),
        "the WAL should hold recent rows (clear category names)"
    );
    let files = snapshot(&dir);
    assert!(files.keys().any(|f| f.to_string_lossy().ends_with("-shm")));
    assert_no_hits(&dir, &markers, "before checkpoint");

    // (b) After a checkpoint the WAL is truncated and everything is in the database.
    store.checkpoint().unwrap();
    assert_eq!(
        file_len(&wal),
        Some(0),
        "checkpoint(TRUNCATE) empties the WAL"
    );
    let db_len = file_len(&dir.join(DB_FILE)).unwrap();
    assert!(db_len > 512 * 1024, "database unexpectedly small: {db_len}");
    assert!(count_in_dir(&dir, b"id_photo") > 0);
    assert_no_hits(&dir, &markers, "after checkpoint");

    // (c) After closing and reopening.
    drop(store);
    assert_no_hits(&dir, &markers, "after close");
    let store = Store::open(&dir, vault(home.path()), OpenMode::Existing).unwrap();
    assert_no_hits(&dir, &markers, "after reopen");
    // The data is all there, only sealed.
    let name = store.get_record(&written.names[123]).unwrap().unwrap();
    assert!(
        String::from_utf8(name.value.to_vec())
            .unwrap()
            .contains(&format!("{NAME}（{NAME_SHORT}的同事）#0123"))
    );
    assert_eq!(name.at_ms, AT_MS);
    assert_eq!(
        store
            .find_records(DataCategory::Identity, "mobile", MOBILE.as_bytes())
            .unwrap()
            .len(),
        ROWS
    );
    assert_eq!(store.list_records(DataCategory::Face).unwrap().len(), ROWS);

    // Sealed bytes of identity rows, keys and lookups, read raw before shredding,
    // and of a location row as the control that stays.
    let conn = raw_conn(&dir);
    let by_id = "SELECT value FROM record WHERE id = ?1";
    let at_by_id = "SELECT at FROM record WHERE id = ?1";
    let mut doomed: Vec<(String, Vec<u8>)> = Vec::new();
    for (label, id) in [
        ("first name", &written.names[0]),
        ("middle name", &written.names[ROWS / 2]),
        ("last name", &written.names[ROWS - 1]),
        ("first mobile", &written.mobiles[0]),
        ("last mobile", &written.mobiles[ROWS - 1]),
    ] {
        doomed.push((
            format!("{label} value"),
            raw_blob(&conn, by_id, id.as_str()),
        ));
        doomed.push((
            format!("{label} at"),
            raw_blob(&conn, at_by_id, id.as_str()),
        ));
    }
    doomed.push((
        "mobile lookup hash".into(),
        raw_blob(
            &conn,
            "SELECT lookup FROM record WHERE id = ?1",
            written.mobiles[7].as_str(),
        ),
    ));
    doomed.push((
        "wrapped identity key".into(),
        raw_blob(
            &conn,
            "SELECT wrapped FROM data_key WHERE category = ?1",
            "identity",
        ),
    ));
    doomed.push((
        "identity canary".into(),
        raw_blob(
            &conn,
            "SELECT canary FROM data_key WHERE category = ?1",
            "identity",
        ),
    ));
    let photo_blobs: Vec<Vec<u8>> = written
        .photos
        .iter()
        .map(|id| raw_blob(&conn, by_id, id.as_str()))
        .collect();
    let kept: Vec<(String, Vec<u8>)> = vec![
        (
            "location value".into(),
            raw_blob(&conn, by_id, written.fixes[ROWS / 2].as_str()),
        ),
        (
            "location at".into(),
            raw_blob(&conn, at_by_id, written.fixes[ROWS - 1].as_str()),
        ),
        (
            "wrapped location key".into(),
            raw_blob(
                &conn,
                "SELECT wrapped FROM data_key WHERE category = ?1",
                "location",
            ),
        ),
    ];
    drop(conn);

    // Control: before shredding, every one of those blobs is found.
    for (label, blob) in doomed.iter().chain(kept.iter()) {
        assert!(blob.len() >= 32, "{label}: {} bytes", blob.len());
        assert!(
            count_in_dir(&dir, blob) >= 1,
            "control: the sealed {label} should be in a file before shredding"
        );
    }
    let photo_slices: Vec<Vec<u8>> = photo_blobs.iter().flat_map(|b| slices(b)).collect();
    let found_before = photo_slices
        .iter()
        .filter(|s| count_in_dir(&dir, s) > 0)
        .count();
    assert!(
        found_before * 10 >= photo_slices.len() * 9,
        "control: only {found_before} of {} photo slices found before shredding",
        photo_slices.len()
    );

    // Shred the identity category.
    let identity_rows = ROWS * 3 + written.photos.len();
    assert_eq!(
        store.shred(DataCategory::Identity).unwrap(),
        identity_rows as u64
    );
    assert!(
        store
            .list_records(DataCategory::Identity)
            .unwrap()
            .is_empty()
    );

    let check_after_shred = |when: &str| {
        assert_no_hits(&dir, &markers, when);
        assert_no_hits(&dir, &identity_markers(), when);
        for (label, blob) in &doomed {
            assert_eq!(
                count_in_dir(&dir, blob),
                0,
                "{when}: the sealed {label} of the shredded category is still in a file"
            );
        }
        let left = photo_slices
            .iter()
            .filter(|s| count_in_dir(&dir, s) > 0)
            .count();
        assert_eq!(
            left, 0,
            "{when}: {left} slices of shredded overflow blobs are still in a file"
        );
        // Kinds used only by the shredded category are gone too.
        assert_eq!(
            count_in_dir(&dir, b"id_photo"),
            0,
            "{when}: clear kind left"
        );
        assert_eq!(
            count_in_dir(&dir, b"id_number"),
            0,
            "{when}: clear kind left"
        );
        // The control category is untouched, byte for byte.
        for (label, blob) in &kept {
            assert!(
                count_in_dir(&dir, blob) >= 1,
                "{when}: the kept {label} should still be in a file"
            );
        }
    };
    check_after_shred("after shred");
    assert_eq!(
        file_len(&wal),
        Some(0),
        "shred truncates the WAL it wrote its deletions to"
    );
    assert_eq!(
        store.list_records(DataCategory::Location).unwrap().len(),
        ROWS
    );
    assert_eq!(store.integrity_check().unwrap(), "ok");

    drop(store);
    check_after_shred("after shred and close");
    let store = Store::open(&dir, vault(home.path()), OpenMode::Existing).unwrap();
    check_after_shred("after shred and reopen");
    assert!(store.get_record(&written.names[0]).unwrap().is_none());
    let fix = store.get_record(&written.fixes[9]).unwrap().unwrap();
    assert!(fix.value.starts_with(COORDS.as_bytes()));
    assert_eq!(
        store
            .find_records(DataCategory::Financial, "bank_card", fix.value.as_slice())
            .unwrap()
            .len(),
        0
    );
    let card = store.get_record(&written.cards[0]).unwrap().unwrap();
    assert_eq!(
        store
            .find_records(DataCategory::Financial, "bank_card", card.value.as_slice())
            .unwrap()
            .len(),
        ROWS
    );
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

/// The scan reaches the WAL and the database: a marker the store keeps in clear
/// (as part of a record's kind, which is not sealed) is found in both.
#[test]
fn scan_finds_what_the_store_keeps_in_clear() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("store");
    let store = Store::open(&dir, vault(home.path()), OpenMode::Create).unwrap();
    let leaky_kind = format!("m{MOBILE}");
    for _ in 0..50 {
        store
            .put_record(
                &common::permit(DataCategory::Identity),
                DataCategory::Identity,
                &leaky_kind,
                b"x",
                AT_MS,
                false,
            )
            .unwrap();
    }
    let marker = [Marker::new("mobile in a kind", MOBILE)];
    let hits = scan(&dir, &marker);
    assert!(
        hits.iter()
            .any(|(f, _, _)| f.to_string_lossy().ends_with("-wal")),
        "before checkpoint the kind is in the WAL: {hits:?}"
    );
    store.checkpoint().unwrap();
    let hits = scan(&dir, &marker);
    assert!(
        hits.iter()
            .any(|(f, _, n)| f == Path::new(DB_FILE) && *n >= 50),
        "after checkpoint the kind is in the database: {hits:?}"
    );
    drop(store);
    assert!(
        !scan(&dir, &marker).is_empty(),
        "and stays there after close"
    );
}
