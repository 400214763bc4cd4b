use std::time::Duration;

use laowu_protocol::{CodePurpose, Role};

use super::*;
use crate::store::{
    AccountStore, Admission, CodeStore, Inserted, NewAccount, NewCode, NewRefreshToken, RateCheck,
    RateRule, RateStore, Rotation, SessionStore,
};

fn open(dir: &tempfile::TempDir) -> SqliteStore {
    SqliteStore::open(&dir.path().join("server.db")).unwrap()
}

fn account(id: &str, phone_key: &[u8]) -> NewAccount {
    NewAccount {
        id: id.into(),
        phone_key: phone_key.to_vec(),
        phone_sealed: vec![1, 2, 3],
        name_sealed: None,
        password_hash: "$argon2id$test".into(),
        role: Role::Worker,
        created_ms: 0,
    }
}

fn token(hash: u8, family: &str, expires_ms: i64) -> NewRefreshToken {
    NewRefreshToken {
        token_hash: vec![hash],
        family_id: family.into(),
        account_id: "a1".into(),
        device_id: None,
        issued_ms: 0,
        expires_ms,
    }
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
async fn duplicates_are_reported_not_errors() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    store.insert_account(account("a1", b"k1")).await.unwrap();
    let again = store.insert_account(account("a2", b"k1")).await.unwrap();
    assert_eq!(again, Inserted::Duplicate);
}

#[tokio::test]
async fn a_code_takes_a_bounded_number_of_attempts_and_one_use() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let code = |id: &str| NewCode {
        id: id.into(),
        phone_key: b"k1".to_vec(),
        purpose: CodePurpose::Register,
        mac: vec![9],
        expires_ms: 1000,
    };
    store.replace_code(code("c1")).await.unwrap();
    let claim = || store.claim_code_attempt(b"k1".to_vec(), CodePurpose::Register, 10, 3);
    for _ in 0..3 {
        assert_eq!(claim().await.unwrap().unwrap().id, "c1");
    }
    assert!(claim().await.unwrap().is_none(), "out of attempts");

    store.replace_code(code("c2")).await.unwrap();
    let reset = store
        .claim_code_attempt(b"k1".to_vec(), CodePurpose::Reset, 10, 3)
        .await
        .unwrap();
    assert!(reset.is_none(), "purposes are separate");
    assert_eq!(claim().await.unwrap().unwrap().id, "c2");
    assert!(store.consume_code("c2".into()).await.unwrap());
    assert!(
        !store.consume_code("c2".into()).await.unwrap(),
        "single use"
    );
    assert!(claim().await.unwrap().is_none());

    store.replace_code(code("c3")).await.unwrap();
    let late = store
        .claim_code_attempt(b"k1".to_vec(), CodePurpose::Register, 1000, 3)
        .await
        .unwrap();
    assert!(late.is_none(), "expired");
}

#[tokio::test]
async fn rotation_revokes_and_reuse_revokes_the_family() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    store.insert_account(account("a1", b"k1")).await.unwrap();
    store
        .insert_refresh_token(token(1, "f1", 1000))
        .await
        .unwrap();
    store
        .insert_refresh_token(token(7, "f2", 1000))
        .await
        .unwrap();

    let rotated = store
        .rotate_refresh_token(vec![1], vec![2], 10, 1000)
        .await
        .unwrap();
    assert_eq!(
        rotated,
        Rotation::Rotated {
            account_id: "a1".into(),
            role: Role::Worker,
            device_id: None
        }
    );
    let replayed = store
        .rotate_refresh_token(vec![1], vec![3], 20, 1000)
        .await
        .unwrap();
    assert_eq!(replayed, Rotation::Reused);
    // The replacement went with its family; the other family did not.
    let after = store
        .rotate_refresh_token(vec![2], vec![4], 30, 1000)
        .await
        .unwrap();
    assert_eq!(after, Rotation::Reused);
    let other = store
        .rotate_refresh_token(vec![7], vec![8], 30, 1000)
        .await
        .unwrap();
    assert!(matches!(other, Rotation::Rotated { .. }));

    let unknown = store
        .rotate_refresh_token(vec![99], vec![5], 30, 1000)
        .await
        .unwrap();
    assert_eq!(unknown, Rotation::Invalid);
    let expired = store
        .rotate_refresh_token(vec![8], vec![6], 1000, 2000)
        .await
        .unwrap();
    assert_eq!(expired, Rotation::Invalid);
}

#[tokio::test]
async fn rate_checks_admit_count_and_say_how_long_to_wait() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let rules = vec![
        RateRule::new(1, Duration::from_secs(60)),
        RateRule::new(3, Duration::from_secs(3600)),
    ];
    let check = |now: i64| {
        store.admit(
            vec![RateCheck {
                key: "k".into(),
                rules: rules.clone(),
            }],
            now,
        )
    };
    assert_eq!(check(0).await.unwrap(), Admission::Admitted);
    assert_eq!(
        check(20_000).await.unwrap(),
        Admission::Refused {
            retry_after_ms: 40_000
        }
    );
    assert_eq!(check(60_000).await.unwrap(), Admission::Admitted);
    assert_eq!(check(120_000).await.unwrap(), Admission::Admitted);
    // Three in the hour: room again when the first leaves it.
    assert_eq!(
        check(180_000).await.unwrap(),
        Admission::Refused {
            retry_after_ms: 3_420_000
        }
    );
    assert_eq!(check(3_600_000).await.unwrap(), Admission::Admitted);

    // A refused request is not counted; forgetting takes one event back.
    let p = |now: i64| {
        store.admit(
            vec![RateCheck {
                key: "p".into(),
                rules: vec![RateRule::new(2, Duration::from_secs(60))],
            }],
            now,
        )
    };
    assert_eq!(p(0).await.unwrap(), Admission::Admitted);
    assert_eq!(p(1).await.unwrap(), Admission::Admitted);
    for _ in 0..3 {
        assert!(matches!(p(2).await.unwrap(), Admission::Refused { .. }));
    }
    store.forget_rate_event(vec!["p".into()], 1).await.unwrap();
    assert_eq!(p(2).await.unwrap(), Admission::Admitted);
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
