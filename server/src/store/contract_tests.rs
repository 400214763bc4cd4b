//! The repository contract, run against every backend the test can reach:
//! SQLite always, PostgreSQL when `LAOWU_TEST_POSTGRES` names a server
//! (`scripts/postgres.sh` starts one), each on a fresh database.

use std::time::Duration;

use laowu_protocol::{CodePurpose, Role};
use tokio_postgres::NoTls;

use super::{
    Admission, Inserted, NewAccount, NewCode, NewRefreshToken, PostgresStore, RateCheck, RateRule,
    Rotation, SqliteStore, Storage,
};

/// (name, store) for each backend, and SQLite's directory, to keep while they run.
async fn backends() -> (tempfile::TempDir, Vec<(&'static str, Box<dyn Storage>)>) {
    let dir = tempfile::tempdir().unwrap();
    let mut stores: Vec<(&'static str, Box<dyn Storage>)> = vec![(
        "sqlite",
        Box::new(SqliteStore::open(&dir.path().join("server.db")).unwrap()),
    )];
    if let Some(admin) = std::env::var("LAOWU_TEST_POSTGRES")
        .ok()
        .filter(|u| !u.is_empty())
    {
        let (client, connection) = tokio_postgres::connect(&admin, NoTls).await.unwrap();
        tokio::spawn(connection);
        let mut bytes = [0u8; 8];
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes).unwrap();
        let name = format!("laowu_unit_{}", hex::encode(bytes));
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        let (base, _) = admin.rsplit_once('/').unwrap();
        let store = PostgresStore::open(&format!("{base}/{name}"))
            .await
            .unwrap();
        stores.push(("postgres", Box::new(store)));
    }
    (dir, stores)
}

pub(super) fn account(id: &str, phone_key: &[u8]) -> NewAccount {
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

pub(super) fn token(hash: u8, family: &str, expires_ms: i64) -> NewRefreshToken {
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
async fn duplicates_are_reported_not_errors() {
    let (_dir, stores) = backends().await;
    for (backend, store) in stores {
        store.insert_account(account("a1", b"k1")).await.unwrap();
        let again = store.insert_account(account("a2", b"k1")).await.unwrap();
        assert_eq!(again, Inserted::Duplicate);
        eprintln!("{backend}: ok");
    }
}

#[tokio::test]
async fn a_code_takes_a_bounded_number_of_attempts_and_one_use() {
    let (_dir, stores) = backends().await;
    for (backend, store) in stores {
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
        eprintln!("{backend}: ok");
    }
}

#[tokio::test]
async fn rotation_revokes_and_reuse_revokes_the_family() {
    let (_dir, stores) = backends().await;
    for (backend, store) in stores {
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
        eprintln!("{backend}: ok");
    }
}

#[tokio::test]
async fn rate_checks_admit_count_and_say_how_long_to_wait() {
    let (_dir, stores) = backends().await;
    for (backend, store) in stores {
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
        eprintln!("{backend}: ok");
    }
}
