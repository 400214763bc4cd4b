//! Sync over real HTTP: pushes verified item by item, exactly once, chained;
//! pulls signed; raw fixes purged after the retention period.

mod common;
mod sim;

use common::db::Param;
use common::{TestServer, phone};
use laowu_protocol::{PullResponse, SignedPolicy, Stream, TimeToken};
use laowu_server::clock::Clock;
use ring::signature::{ED25519, UnparsedPublicKey};
use serde_json::{Value, json};
use sim::{SimPhone, add_site, admin, all};

const DAY_MS: i64 = 86_400_000;

fn refused(code: &str) -> (String, String) {
    ("refused".into(), code.into())
}

fn verifies(key_hex: &str, message: &[u8], signature_hex: &str) -> bool {
    UnparsedPublicKey::new(&ED25519, hex::decode(key_hex).unwrap())
        .verify(message, &hex::decode(signature_hex).unwrap())
        .is_ok()
}

async fn pull(server: &TestServer, phone: &SimPhone, since: u64) -> PullResponse {
    server
        .post_authed(
            "/v1/sync/pull",
            json!({"since": since, "nonce": "00112233445566778899aabbccddeeff"}),
            phone.token(),
        )
        .await
        .expect(200)
        .json()
}

#[tokio::test]
async fn a_resent_batch_is_recognised_item_by_item_and_stored_once() {
    let server = TestServer::start().await;
    let mut worker = SimPhone::register(&server, &phone(1)).await;
    let now = server.clock.now_ms();
    let items = vec![
        worker.check_in("site-a", now, false),
        worker.makeup("site-a", "2026-03-02", "忘记打卡", now),
        worker.item(
            "c1",
            Stream::Consent,
            r#"{"policy":"v1","accepted":true}"#,
            None,
        ),
        worker.item("l1", Stream::Ledger, r#"{"seq":1,"sdk":"amap"}"#, None),
    ];
    assert_eq!(worker.push_ok(&server, &items).await, all("accepted", 4));
    // The answer was lost: the phone sends the same batch again.
    assert_eq!(worker.push_ok(&server, &items).await, all("duplicate", 4));
    let db = server.db().await;
    assert_eq!(db.int("SELECT count(*) FROM attendance", &[]).await, 2);
    assert_eq!(db.int("SELECT count(*) FROM items", &[]).await, 2);
    assert_eq!(db.int("SELECT seq FROM chain_heads", &[]).await, 2);
    // The next event follows on from there.
    let next = worker.makeup("site-a", "2026-03-03", "手机没电", now);
    assert_eq!(worker.push_ok(&server, &[next]).await, all("accepted", 1));
}

#[tokio::test]
async fn tampered_forged_and_out_of_chain_events_are_refused_with_a_reason() {
    let server = TestServer::start().await;
    let mut worker = SimPhone::register(&server, &phone(2)).await;
    let now = server.clock.now_ms();
    let first = worker.makeup("s", "2026-03-02", "忘记打卡", now);
    // The reason is changed after the event was signed; the envelope is
    // re-signed, so only the event's own hash and signature can tell.
    let mut event: Value =
        serde_json::from_str(&worker.makeup("s", "2026-03-03", "原因", now).payload).unwrap();
    event["body"]["reason"] = json!("改过的原因");
    let tampered_payload = event.to_string();
    let tampered = worker.item(
        event["id"].as_str().unwrap(),
        Stream::Attendance,
        &tampered_payload,
        None,
    );
    let after = worker.makeup("s", "2026-03-04", "原因", now);
    let results = worker
        .push_ok(&server, &[first, tampered, after.clone()])
        .await;
    assert_eq!(
        results,
        vec![
            ("accepted".into(), String::new()),
            refused("bad_signature"),
            refused("after_refusal"),
        ]
    );
    // On its own, in a later batch, the event after the gap is out of chain.
    assert_eq!(
        worker.push_ok(&server, &[after]).await,
        vec![refused("out_of_chain")]
    );
    let later = worker.makeup("s", "2026-03-05", "x", now);
    let reply = worker.push(&server, &[later]).await;
    let answer: Value = reply.expect(200).json();
    let reason = answer["results"][0]["reason"].as_str().unwrap();
    assert!(reason.contains("missing"), "{reason}");

    // An envelope signed by another key, and an event signed by another device.
    let mut other = SimPhone::register(&server, &phone(3)).await;
    let mut forged = worker.makeup("s", "2026-03-06", "x", now);
    forged.signature = other
        .item(&forged.key, forged.stream, &forged.payload, None)
        .signature;
    let foreign = other.makeup("s", "2026-03-06", "x", now);
    let foreign = worker.item(&foreign.key, Stream::Attendance, &foreign.payload, None);
    assert_eq!(
        worker.push_ok(&server, &[forged, foreign]).await,
        vec![refused("bad_signature"), refused("bad_signature")]
    );
    let stored = server
        .db()
        .await
        .int("SELECT count(*) FROM attendance", &[])
        .await;
    assert_eq!(stored, 1, "nothing refused was stored");
}

#[tokio::test]
async fn a_key_reused_for_other_content_and_a_detail_that_is_not_the_fix_are_refused() {
    let server = TestServer::start().await;
    let mut worker = SimPhone::register(&server, &phone(4)).await;
    let first = worker.item("k1", Stream::Ledger, r#"{"seq":1}"#, None);
    let reused = worker.item("k1", Stream::Ledger, r#"{"seq":2}"#, None);
    let not_object = worker.item("k2", Stream::Consent, "[1,2]", None);
    let bad_key = worker.item("../k3", Stream::Consent, "{}", None);
    assert_eq!(
        worker
            .push_ok(&server, &[first, reused, not_object, bad_key])
            .await,
        vec![
            ("accepted".into(), String::new()),
            refused("key_reused"),
            refused("malformed"),
            refused("malformed"),
        ]
    );
    let now = server.clock.now_ms();
    let mut check_in = worker.check_in("s", now, false);
    let honest_detail = check_in.detail.replace(r#"{"lat":0.0}"#.into()).unwrap();
    assert_eq!(
        worker.push_ok(&server, &[check_in.clone()]).await,
        vec![refused("malformed")]
    );
    check_in.detail = Some(honest_detail);
    assert_eq!(
        worker.push_ok(&server, &[check_in]).await,
        all("accepted", 1)
    );
    // Coordinates never reach the database in clear.
    let stored = server.db().await.raw_bytes(&server.data_dir()).await;
    assert!(!stored.windows(7).any(|w| w == b"31.2306"));
    assert!(!stored.windows("钢筋".len()).any(|w| w == "钢筋".as_bytes()));
}

#[tokio::test]
async fn pushes_are_refused_whole_for_the_wrong_device_token_or_shape() {
    let server = TestServer::start().await;
    let mut worker = SimPhone::register(&server, &phone(5)).await;
    let other = SimPhone::register(&server, &phone(6)).await;
    let item = worker.makeup("s", "2026-03-02", "x", 0);
    // The other account's device.
    let reply = server
        .post_authed(
            "/v1/sync/push",
            json!({"device_id": other.device_id, "items": [item]}),
            worker.token(),
        )
        .await;
    reply.error(403, "forbidden");
    let reply = server
        .post(
            "/v1/sync/push",
            json!({"device_id": worker.device_id, "items": [item]}),
        )
        .await;
    reply.error(401, "unauthorised");
    let empty = worker.push(&server, &[]).await.error(400, "invalid_input");
    assert_eq!(empty.field.as_deref(), Some("items"));
    let many = vec![item.clone(); 501];
    let too_many = worker.push(&server, &many).await;
    assert!(too_many.status.is_client_error(), "{}", too_many.status);
    let wrong_type = server
        .post_authed(
            "/v1/sync/push",
            json!({"device_id": worker.device_id, "items": [{"key": 1}]}),
            worker.token(),
        )
        .await
        .error(400, "invalid_input");
    assert!(wrong_type.field.unwrap().starts_with("items"));
    let bad_stream = server
        .post_authed(
            "/v1/sync/push",
            json!({"device_id": worker.device_id, "items": [{"key": "a", "stream": "salary", "payload": "{}", "signature": ""}]}),
            worker.token(),
        )
        .await;
    bad_stream.error(400, "invalid_input");
    assert_eq!(
        server
            .db()
            .await
            .int("SELECT count(*) FROM attendance", &[])
            .await,
        0
    );
}

#[tokio::test]
async fn pull_brings_sites_a_signed_policy_and_a_signed_time_token() {
    let server = TestServer::start().await;
    let worker = SimPhone::register(&server, &phone(7)).await;
    let bad = server
        .post_authed("/v1/sync/pull", json!({"nonce": "xyz"}), worker.token())
        .await
        .error(400, "invalid_input");
    assert_eq!(bad.field.as_deref(), Some("nonce"));

    let empty = pull(&server, &worker, 0).await;
    assert!(empty.sites.is_empty() && empty.policy.is_none() && empty.decisions.is_empty());
    let time = &empty.time;
    assert_eq!(time.nonce, "00112233445566778899aabbccddeeff");
    assert_eq!(time.server_ms, server.clock.now_ms());
    assert!(verifies(
        &empty.server_key,
        &TimeToken::signed_bytes(time.server_ms, &time.nonce),
        &time.signature
    ));

    add_site(&server, "site-a").await;
    let policy_file = server.data_dir().join("policy.toml");
    let policy_text = include_str!("../../core/policies/v1.toml");
    std::fs::write(&policy_file, policy_text).unwrap();
    let published = admin(
        &server,
        &["policy", "publish", "--file", policy_file.to_str().unwrap()],
    )
    .await
    .unwrap();
    std::fs::write(&policy_file, "version = 1").unwrap();
    let refused = admin(
        &server,
        &["policy", "publish", "--file", policy_file.to_str().unwrap()],
    )
    .await
    .unwrap_err();
    assert_eq!(refused.code, 2);

    let full = pull(&server, &worker, 0).await;
    assert_eq!(full.server_key, empty.server_key, "one key across pulls");
    assert_eq!(full.sites.len(), 1);
    let site: Value = serde_json::from_str(&full.sites[0]).unwrap();
    assert_eq!(site["id"], "site-a");
    let policy = full.policy.unwrap();
    assert_eq!(policy.version, published["version"].as_str().unwrap());
    assert_eq!(policy.text, policy_text);
    assert!(verifies(
        &full.server_key,
        &SignedPolicy::signed_bytes(&policy.version, &policy.text),
        &policy.signature
    ));
}

#[tokio::test]
async fn raw_fixes_are_purged_after_the_retention_period_but_not_while_under_review() {
    let server = TestServer::start().await;
    let mut worker = SimPhone::register(&server, &phone(8)).await;
    let now = server.clock.now_ms();
    let old = now - 800 * DAY_MS;
    let items = vec![
        worker.check_in("s", old, false),
        worker.check_in("s", old, true),
        worker.check_in("s", now, false),
    ];
    assert_eq!(worker.push_ok(&server, &items).await, all("accepted", 3));
    // Housekeeping runs as the server starts.
    let dir = server.stop().await;
    let server = TestServer::start_in(dir, |_| {}).await;
    let db = server.db().await;
    let mut fixes = Vec::new();
    for _ in 0..50 {
        fixes = Vec::new();
        for seq in 1..=3 {
            fixes.push(
                db.int(
                    "SELECT count(*) FROM attendance WHERE seq = $1 AND fix_sealed IS NOT NULL",
                    &[Param::Int(seq)],
                )
                .await
                    == 1,
            );
        }
        if fixes == [false, true, true] {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(
        fixes,
        [false, true, true],
        "old fix purged, the one under review and the new one kept"
    );
    let kept = db.int("SELECT count(*) FROM attendance", &[]).await;
    assert_eq!(kept, 3, "the events stay for wage records");
}
