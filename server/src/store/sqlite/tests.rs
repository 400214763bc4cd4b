use std::time::Duration;

use super::*;
use crate::store::contract_tests::{account, token};
use crate::store::{AccountStore, Inserted, RateCheck, RateRule, RateStore, SessionStore};

fn open(dir: &tempfile::TempDir) -> SqliteStore {
    SqliteStore::open(&dir.path().join("server.db")).unwrap()
}

#[tokio::test]
async fn migrates_once_and_reopens() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    assert_eq!(
        store.insert_account(account("a1", b"k1")).await.unwrap(),
        Inserted::Created
    );
    drop(store);
    let store = open(&dir);
    assert!(store.account("a1".into()).await.unwrap().is_some());
    drop(store);
    let conn = Connection::open(dir.path().join("server.db")).unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, crate::store::migrations::MIGRATIONS.len() as i64);
    let journal: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(journal, "wal");
}

#[test]
fn a_newer_schema_is_refused_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    drop(open(&dir));
    let conn = Connection::open(dir.path().join("server.db")).unwrap();
    conn.pragma_update(None, "user_version", 999).unwrap();
    drop(conn);
    let err = SqliteStore::open(&dir.path().join("server.db"))
        .err()
        .unwrap();
    assert!(
        matches!(err, StoreError::NewerSchema { found: 999, .. }),
        "{err}"
    );
    assert!(
        err.to_string().contains("newer than this server knows"),
        "{err}"
    );
}

#[test]
fn a_foreign_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("server.db");
    Connection::open(&path)
        .unwrap()
        .execute_batch("CREATE TABLE other (x INTEGER)")
        .unwrap();
    assert!(matches!(
        SqliteStore::open(&path),
        Err(StoreError::ForeignDatabase(0))
    ));
}

#[tokio::test]
async fn housekeeping_drops_what_no_request_can_use() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    store.insert_account(account("a1", b"k1")).await.unwrap();
    store
        .insert_refresh_token(token(1, "f1", 100))
        .await
        .unwrap();
    store
        .insert_refresh_token(token(2, "f1", 10_000))
        .await
        .unwrap();
    let one = RateCheck {
        key: "k".into(),
        rules: vec![RateRule::new(9, Duration::from_secs(1))],
    };
    store.admit(vec![one], 0).await.unwrap();
    store.housekeeping(5_000, 1_000).await.unwrap();
    let counts = store
        .call(|conn| {
            let n = |table: &str| -> rusqlite::Result<i64> {
                conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            };
            Ok((n("refresh_tokens")?, n("rate_events")?))
        })
        .await
        .unwrap();
    assert_eq!(counts, (1, 0));
}

#[tokio::test]
async fn a_panicking_job_fails_alone() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let failed = store.call::<(), _>(|_| panic!("inside the store")).await;
    assert!(matches!(failed, Err(StoreError::Panicked)));
    assert!(store.account("a1".into()).await.unwrap().is_none());
}
