//! Unit tests of the store through its public API, plus raw-SQL tampering.

use std::sync::{Arc, LazyLock};

use crate::consent::{Gate, Permit, Policy};

use ring::rand::SystemRandom;
use rusqlite::{Connection, params};

use super::aead::{Slot, random_id};
use super::keyring::Keyring;
use super::*;

/// A gate with every purpose of the bundled policy granted.
static GATE: LazyLock<Gate> = LazyLock::new(|| {
    let policy = Policy::bundled();
    let all = policy.purposes.iter().map(|p| p.id.to_string()).collect();
    let decision = Gate::new(policy.clone(), None).decide(&all, 0).unwrap();
    Gate::new(policy, Some(decision))
});

/// A permit for a purpose that covers `category`.
fn permit(category: DataCategory) -> Permit<'static> {
    let purpose = GATE
        .policy()
        .purposes
        .iter()
        .find(|p| p.categories.contains(&category))
        .unwrap();
    GATE.permit(purpose.id.as_str()).unwrap()
}

pub(super) fn vault(home: &Path) -> Arc<dyn KeyVault> {
    Arc::new(SoftwareVault::open_or_create(home).unwrap())
}

pub(super) fn new_store() -> (tempfile::TempDir, Store) {
    let home = tempfile::tempdir().unwrap();
    let store = Store::open(
        &home.path().join("store"),
        vault(home.path()),
        OpenMode::Create,
    )
    .unwrap();
    (home, store)
}

fn raw(store: &Store) -> Connection {
    Connection::open(store.dir().join(DB_FILE)).unwrap()
}

fn file_bytes(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn put_get_list_find() {
    let (_home, store) = new_store();
    let a = store
        .put_record(
            &permit(DataCategory::Identity),
            DataCategory::Identity,
            "name",
            "张三".as_bytes(),
            1_700_000_000_000,
            false,
        )
        .unwrap();
    let b = store
        .put_record(
            &permit(DataCategory::Identity),
            DataCategory::Identity,
            "mobile",
            b"13800138000",
            1_700_000_000_001,
            true,
        )
        .unwrap();
    store
        .put_record(
            &permit(DataCategory::Location),
            DataCategory::Location,
            "fix",
            b"39.9087,116.3975",
            -5,
            false,
        )
        .unwrap();

    let got = store.get_record(&a).unwrap().unwrap();
    assert_eq!(got.value.as_slice(), "张三".as_bytes());
    assert_eq!(
        (got.kind.as_str(), got.at_ms, got.category),
        ("name", 1_700_000_000_000, DataCategory::Identity)
    );
    let listed: Vec<_> = store
        .list_records(DataCategory::Identity)
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(listed, vec![a.clone(), b.clone()]);
    assert_eq!(
        store.list_records(DataCategory::Location).unwrap()[0].at_ms,
        -5
    );

    let found = store
        .find_records(DataCategory::Identity, "mobile", b"13800138000")
        .unwrap();
    assert_eq!(found.iter().map(|r| &r.id).collect::<Vec<_>>(), vec![&b]);
    assert!(
        store
            .find_records(DataCategory::Identity, "mobile", b"13800138001")
            .unwrap()
            .is_empty()
    );
    // Not stored with a lookup: not findable by value.
    assert!(
        store
            .find_records(DataCategory::Identity, "name", "张三".as_bytes())
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .get_record(&RecordId::parse(&"0".repeat(32)).unwrap())
            .unwrap()
            .is_none()
    );
    // Debug never prints the value.
    assert!(!format!("{got:?}").contains("张三"));
}

#[test]
fn bad_input_is_refused_with_its_field() {
    let (_home, store) = new_store();
    for kind in ["", "Name", "名字", &"k".repeat(65), "a b"] {
        match store.put_record(
            &permit(DataCategory::Identity),
            DataCategory::Identity,
            kind,
            b"x",
            0,
            false,
        ) {
            Err(StoreError::InvalidInput { field: "kind", .. }) => {}
            other => panic!("kind {kind:?}: {other:?}"),
        }
    }
    let huge = vec![0u8; records::MAX_VALUE_LEN + 1];
    assert!(matches!(
        store.put_record(
            &permit(DataCategory::Identity),
            DataCategory::Identity,
            "photo",
            &huge,
            0,
            false
        ),
        Err(StoreError::InvalidInput { field: "value", .. })
    ));
    assert!(matches!(
        RecordId::parse("xyz"),
        Err(StoreError::InvalidInput { field: "id", .. })
    ));
    assert!(
        store
            .list_records(DataCategory::Identity)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn sealed_values_moved_between_rows_or_columns_fail_to_open() {
    let (_home, store) = new_store();
    let a = store
        .put_record(
            &permit(DataCategory::Identity),
            DataCategory::Identity,
            "name",
            "张三".as_bytes(),
            1,
            false,
        )
        .unwrap();
    let b = store
        .put_record(
            &permit(DataCategory::Identity),
            DataCategory::Identity,
            "name",
            "李四".as_bytes(),
            2,
            false,
        )
        .unwrap();
    let conn = raw(&store);
    let value_a: Vec<u8> = conn
        .query_row(
            "SELECT value FROM record WHERE id = ?1",
            [a.as_str()],
            |r| r.get(0),
        )
        .unwrap();
    conn.execute(
        "UPDATE record SET value = ?1 WHERE id = ?2",
        params![value_a, b.as_str()],
    )
    .unwrap();
    assert!(matches!(
        store.get_record(&b),
        Err(StoreError::Tampered {
            table: "record",
            column: "value"
        })
    ));
    // The timestamp column moved into the value column of its own row.
    conn.execute("UPDATE record SET value = at WHERE id = ?1", [a.as_str()])
        .unwrap();
    assert!(matches!(
        store.get_record(&a),
        Err(StoreError::Tampered { .. })
    ));
}

#[test]
fn wrong_or_missing_key_is_typed_and_touches_nothing() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("store");
    let store = Store::open(&dir, vault(home.path()), OpenMode::Create).unwrap();
    let id = store
        .put_record(
            &permit(DataCategory::Identity),
            DataCategory::Identity,
            "name",
            "张三".as_bytes(),
            7,
            false,
        )
        .unwrap();
    store.checkpoint().unwrap();
    drop(store);
    let before = file_bytes(&dir);

    let other_home = tempfile::tempdir().unwrap();
    match Store::open(&dir, vault(other_home.path()), OpenMode::Existing) {
        Err(StoreError::WrongKey { .. }) => {}
        other => panic!("expected WrongKey, got {:?}", other.err()),
    }
    let missing: Arc<dyn KeyVault> = Arc::new(SoftwareVault::open(
        other_home.path().join("none").as_path(),
    ));
    assert!(matches!(
        Store::open(&dir, missing, OpenMode::Existing),
        Err(StoreError::KeyUnavailable { .. })
    ));
    assert_eq!(
        file_bytes(&dir),
        before,
        "a refused open must not change any file"
    );

    let store = Store::open(&dir, vault(home.path()), OpenMode::Existing).unwrap();
    assert_eq!(
        store.get_record(&id).unwrap().unwrap().value.as_slice(),
        "张三".as_bytes()
    );
}

#[test]
fn a_key_that_unwraps_but_fails_the_canary_is_wrong_key() {
    struct Liar;
    impl KeyVault for Liar {
        fn wrap(&self, _: DataCategory, key: &[u8]) -> Result<Vec<u8>, VaultError> {
            Ok(key.to_vec())
        }
        fn unwrap(
            &self,
            _: DataCategory,
            _: &[u8],
        ) -> Result<zeroize::Zeroizing<Vec<u8>>, VaultError> {
            Ok(zeroize::Zeroizing::new(vec![9u8; 32]))
        }
        fn destroy(&self, _: DataCategory) -> Result<(), VaultError> {
            Ok(())
        }
    }
    let home = tempfile::tempdir().unwrap();
    drop(Store::open(home.path(), Arc::new(Liar), OpenMode::Create).unwrap());
    assert!(matches!(
        Store::open(home.path(), Arc::new(Liar), OpenMode::Existing),
        Err(StoreError::WrongKey { .. })
    ));
}

#[test]
fn shred_destroys_one_category_only() {
    let (_home, store) = new_store();
    let kept = store
        .put_record(
            &permit(DataCategory::Location),
            DataCategory::Location,
            "fix",
            b"39.9087,116.3975",
            1,
            false,
        )
        .unwrap();
    let gone = store
        .put_record(
            &permit(DataCategory::Identity),
            DataCategory::Identity,
            "mobile",
            b"13800138000",
            2,
            true,
        )
        .unwrap();
    store
        .put_record(
            &permit(DataCategory::Identity),
            DataCategory::Identity,
            "name",
            "张三".as_bytes(),
            3,
            false,
        )
        .unwrap();

    assert_eq!(store.shred(DataCategory::Identity).unwrap(), 2);
    assert!(store.get_record(&gone).unwrap().is_none());
    assert!(
        store
            .list_records(DataCategory::Identity)
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .find_records(DataCategory::Identity, "mobile", b"13800138000")
            .unwrap()
            .is_empty()
    );
    let status = store.status().unwrap();
    assert!(status.keys.contains(&(DataCategory::Identity, false)));
    assert!(status.keys.contains(&(DataCategory::Location, true)));
    assert!(store.get_record(&kept).unwrap().is_some());
    let conn = raw(&store);
    let keys: i64 = conn
        .query_row(
            "SELECT count(*) FROM data_key WHERE category = 'identity'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(keys, 0);

    // Writing again makes a new key; the new record is readable.
    let again = store
        .put_record(
            &permit(DataCategory::Identity),
            DataCategory::Identity,
            "name",
            "王五".as_bytes(),
            4,
            false,
        )
        .unwrap();
    assert_eq!(
        store.get_record(&again).unwrap().unwrap().value.as_slice(),
        "王五".as_bytes()
    );
}

#[test]
fn size_limit_gives_full_and_keeps_earlier_writes() {
    let (_home, store) = new_store();
    let first = store
        .put_record(
            &permit(DataCategory::Identity),
            DataCategory::Identity,
            "name",
            "张三".as_bytes(),
            1,
            false,
        )
        .unwrap();
    store.set_size_limit(64 * 1024).unwrap();
    let blob = vec![7u8; 16 * 1024];
    let mut written = 0;
    let err = loop {
        match store.put_record(
            &permit(DataCategory::Face),
            DataCategory::Face,
            "template",
            &blob,
            0,
            false,
        ) {
            Ok(_) => written += 1,
            Err(e) => break e,
        }
        assert!(written < 100, "the size limit was not enforced");
    };
    assert!(matches!(err, StoreError::Full), "{err:?}");
    assert_eq!(
        store.get_record(&first).unwrap().unwrap().value.as_slice(),
        "张三".as_bytes()
    );
    assert_eq!(
        store.list_records(DataCategory::Face).unwrap().len(),
        written
    );
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

#[test]
fn newer_schema_is_refused() {
    let (home, store) = new_store();
    raw(&store).pragma_update(None, "user_version", 99).unwrap();
    let dir = store.dir().to_path_buf();
    drop(store);
    assert!(matches!(
        Store::open(&dir, vault(home.path()), OpenMode::Existing),
        Err(StoreError::TooNew { found: 99, .. })
    ));
}

#[test]
fn existing_mode_does_not_create() {
    let home = tempfile::tempdir().unwrap();
    assert!(matches!(
        Store::open(
            &home.path().join("nope"),
            vault(home.path()),
            OpenMode::Existing
        ),
        Err(StoreError::NotInitialised)
    ));
    assert!(!home.path().join("nope").exists());
}

/// Builds a store at schema `version` the way that version wrote it, with one
/// identity record, and returns the record's id.
fn build_at_version(dir: &Path, vault: &dyn KeyVault, version: u32) -> Option<String> {
    fs::create_dir_all(dir).unwrap();
    let mut conn = Connection::open(dir.join(DB_FILE)).unwrap();
    conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
        .unwrap();
    schema::migrate_to(&mut conn, version).unwrap();
    assert_eq!(schema::user_version(&conn).unwrap(), version);
    if version == 0 {
        return None;
    }
    let rng = SystemRandom::new();
    let (key, _) = Keyring::default()
        .get_or_create(&conn, vault, &rng, DataCategory::Identity)
        .unwrap();
    let id = random_id::<16>(&rng);
    let slot = |column| Slot {
        table: "record",
        column,
        row: &id,
    };
    conn.execute(
        "INSERT INTO record (id, category, kind, value, at) VALUES (?1, 'identity', 'name', ?2, ?3)",
        params![
            id,
            key.seal(&rng, slot("value"), "张三".as_bytes()),
            key.seal(&rng, slot("at"), &42i64.to_be_bytes())
        ],
    )
    .unwrap();
    Some(id)
}

#[test]
fn upgrades_from_every_earlier_version() {
    for version in 0..SCHEMA_VERSION {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("store");
        let v = vault(home.path());
        let old_id = build_at_version(&dir, v.as_ref(), version);
        // A version-0 file is an empty database: creating over it is allowed.
        let store = Store::open(&dir, v, OpenMode::Create).unwrap();
        assert_eq!(
            store.status().unwrap().schema_version,
            SCHEMA_VERSION,
            "from v{version}"
        );
        if let Some(id) = old_id {
            let rec = store
                .get_record(&RecordId::parse(&id).unwrap())
                .unwrap()
                .unwrap();
            assert_eq!(
                (rec.value.as_slice(), rec.at_ms),
                ("张三".as_bytes(), 42),
                "from v{version}"
            );
        }
        // The newest features work on the upgraded store.
        store
            .put_record(
                &permit(DataCategory::Identity),
                DataCategory::Identity,
                "mobile",
                b"13800138000",
                1,
                true,
            )
            .unwrap();
        assert_eq!(
            store
                .find_records(DataCategory::Identity, "mobile", b"13800138000")
                .unwrap()
                .len(),
            1
        );
        assert_eq!(store.integrity_check().unwrap(), "ok");
    }
}
