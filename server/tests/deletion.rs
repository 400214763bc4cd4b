//! Account deletion over real HTTP on loopback: a signed request is queued
//! with the server's deadline, reported overdue by the admin command, and
//! carried out — attendance anonymised, the rest deleted, a signed
//! certificate handed back — while another account is left alone.

mod common;

use std::time::Duration;

use common::db::Param::{Bytes, Int, Text};
use common::db::TestDb;
use common::{PASSWORD, TestServer, captured_logs, phone, test_config};
use laowu_core::app::{DeletionRequest, china_date, deletion_deadline};
use laowu_core::calendar::WorkCalendar;
use laowu_protocol::{DeletionReceipt, DeletionStatus, PullResponse, TokenPair};
use laowu_server::AppState;
use laowu_server::admin::{AdminCommand, DeletionsArgs, execute};
use laowu_server::clock::Clock;
use reqwest::Method;
use ring::rand::SystemRandom;
use ring::signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey};
use serde_json::{Value, json};

const DAY: Duration = Duration::from_secs(24 * 3600);

struct Worker {
    session: TokenPair,
    device_id: String,
    key: Ed25519KeyPair,
}

fn new_key() -> Ed25519KeyPair {
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).unwrap();
    Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap()
}

/// A registered account with one registered device key.
async fn worker(server: &TestServer, phone: &str) -> Worker {
    let session = server.account(phone).await;
    let key = new_key();
    let device: Value = server
        .post_authed(
            "/v1/devices",
            json!({"public_key": hex::encode(key.public_key().as_ref()), "platform": "android"}),
            &session.access_token,
        )
        .await
        .expect(201)
        .json();
    Worker {
        session,
        device_id: device["device_id"].as_str().unwrap().to_string(),
        key,
    }
}

/// The phone's request as it would leave it, made at `at_ms` by its clock
/// and adjusted by `edit` before signing.
fn request_with(
    key: &Ed25519KeyPair,
    at_ms: i64,
    edit: impl FnOnce(&mut DeletionRequest),
) -> DeletionRequest {
    let calendar = WorkCalendar::bundled();
    let on = china_date(at_ms).unwrap();
    let (deadline, basis) = deletion_deadline(&calendar, on).unwrap();
    let mut request = DeletionRequest {
        v: 1,
        account_id: "the phone's own id".into(),
        device_key: hex::encode(key.public_key().as_ref()),
        requested_at_ms: at_ms,
        requested_on: on,
        deadline,
        deadline_basis: basis.into(),
        calendar_version: calendar.version().into(),
        signature: String::new(),
    };
    edit(&mut request);
    request.signed(|bytes| hex::encode(key.sign(bytes).as_ref()))
}

fn submission(request: &DeletionRequest) -> Value {
    // Pretty, as the phone leaves it on disk and hands it over.
    json!({"request": serde_json::to_string_pretty(request).unwrap()})
}

/// The server's deadline for a request received now.
fn expected_deadline(server: &TestServer) -> String {
    let today = china_date(server.clock.now_ms()).unwrap();
    deletion_deadline(&WorkCalendar::bundled(), today)
        .unwrap()
        .0
        .to_string()
}

/// A second handle on the server's data directory, as `laowu-server admin`
/// opens it, on the test server's clock.
async fn admin_state(server: &TestServer) -> AppState {
    AppState::open(test_config(&server.data_dir(), server.clock.clone()))
        .await
        .unwrap()
}

async fn admin_deletions(state: &AppState, process: bool) -> Value {
    execute(state, AdminCommand::Deletions(DeletionsArgs { process }))
        .await
        .unwrap()
}

/// What sync would have stored for the worker: two check-ins with raw fixes
/// (one decided on by a supervisor) and two other items.
async fn store_synced_rows(db: &TestDb, account_id: &str, device_id: &str, tag: &str, now_ms: i64) {
    let (account, device) = (Text(account_id.into()), Text(device_id.into()));
    for seq in 1..=2 {
        db.execute(
            "INSERT INTO attendance (event_id, device_id, account_id, seq, event_hash, site_id,
                 day, kind, at_ms, needs_review, event_sealed, fix_sealed, received_ms)
             VALUES ($1, $2, $3, $4, 'h', 'site-1', '2026-03-02', 'check_in', $5, 0, $6, $7, $5)",
            &[
                Text(format!("{tag}-event-{seq}")),
                device.clone(),
                account.clone(),
                Int(seq),
                Int(now_ms),
                Bytes(vec![1]),
                Bytes(vec![2]),
            ],
        )
        .await;
        db.execute(
            "INSERT INTO items (device_id, key, account_id, stream, content_hash,
                 payload_sealed, received_ms)
             VALUES ($1, $2, $3, 'consent', $4, $5, $6)",
            &[
                device.clone(),
                Text(format!("{tag}-item-{seq}")),
                account.clone(),
                Bytes(vec![0]),
                Bytes(vec![3]),
                Int(now_ms),
            ],
        )
        .await;
    }
    db.execute(
        "INSERT INTO decisions (event_id, account_id, approved, supervisor_id, decided_ms,
             signature)
         VALUES ($1, $2, 1, 'some-supervisor', $3, 'sig')",
        &[Text(format!("{tag}-event-1")), account, Int(now_ms)],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deletion_is_queued_reported_overdue_and_carried_out() {
    let server = TestServer::start().await;
    let (phone_a, phone_b) = (phone(701), phone(702));
    let a = worker(&server, &phone_a).await;
    let b = worker(&server, &phone_b).await;
    let now_ms = server.clock.now_ms();
    let db = server.db().await;
    store_synced_rows(&db, &a.session.account_id, &a.device_id, "a", now_ms).await;
    store_synced_rows(&db, &b.session.account_id, &b.device_id, "b", now_ms).await;
    db.execute(
        "INSERT INTO sites (id, spec, time_zone, created_ms, updated_ms)
         VALUES ('site-1', '{}', 'Asia/Shanghai', $1, $1)",
        &[Int(now_ms)],
    )
    .await;
    db.execute(
        "INSERT INTO site_supervisors (site_id, account_id) VALUES ('site-1', $1)",
        &[Text(a.session.account_id.clone())],
    )
    .await;

    // Made offline ten days ago: the deadline still counts from the day
    // the server receives it.
    let request = request_with(&a.key, now_ms - 10 * 86_400_000, |_| {});
    let receipt: DeletionReceipt = server
        .post("/v1/deletions", submission(&request))
        .await
        .expect(202)
        .json();
    assert_eq!(receipt.deadline, expected_deadline(&server));
    assert_ne!(receipt.deadline, request.deadline.to_string());
    assert_eq!(receipt.request_id.len(), 32);

    // A replay, and a fresh request from the same account: the same one.
    let replayed: DeletionReceipt = server
        .post("/v1/deletions", submission(&request))
        .await
        .expect(202)
        .json();
    assert_eq!(replayed, receipt);
    let again = request_with(&a.key, now_ms, |_| {});
    let again: DeletionReceipt = server
        .post("/v1/deletions", submission(&again))
        .await
        .expect(202)
        .json();
    assert_eq!(again, receipt);
    assert_eq!(db.int("SELECT count(*) FROM deletions", &[]).await, 1);

    let path = format!("/v1/deletions/{}", receipt.request_id);
    let status: DeletionStatus = server
        .send(Method::GET, &path, None, None)
        .await
        .expect(200)
        .json();
    assert_eq!(status.state, "queued");
    assert_eq!(status.deadline, receipt.deadline);
    assert_eq!(status.certificate, None);

    // The admin command lists it, not yet overdue.
    let admin = admin_state(&server).await;
    let report = admin_deletions(&admin, false).await;
    assert_eq!(
        report["queued"],
        json!([{
            "request_id": receipt.request_id,
            "requested_at_ms": now_ms,
            "deadline": receipt.deadline,
            "overdue": false,
        }]),
        "{report}"
    );
    assert_eq!(report["overdue"], 0);
    assert_eq!(report["done"], 0);
    assert!(report.get("processed").is_none());

    // On the deadline it is still on time; the day after, overdue.
    let deadline: jiff::civil::Date = receipt.deadline.parse().unwrap();
    let today = china_date(server.clock.now_ms()).unwrap();
    let days_left = (deadline - today).get_days();
    server.clock.advance(DAY * days_left as u32);
    assert_eq!(admin_deletions(&admin, false).await["overdue"], 0);
    server.clock.advance(DAY);
    let report = admin_deletions(&admin, false).await;
    assert_eq!(report["overdue"], 1, "{report}");
    assert_eq!(report["queued"][0]["overdue"], true);
    server
        .send(Method::GET, &path, None, None)
        .await
        .expect(200);

    // Processing completes it.
    let report = admin_deletions(&admin, true).await;
    assert_eq!(report["processed"], 1, "{report}");
    assert_eq!(report["queued"], json!([]));
    assert_eq!(report["overdue"], 0);
    assert_eq!(report["done"], 1);
    assert_eq!(admin_deletions(&admin, true).await["processed"], 0);

    let status: DeletionStatus = server
        .send(Method::GET, &path, None, None)
        .await
        .expect(200)
        .json();
    assert_eq!(status.state, "done");
    let certificate = status
        .certificate
        .expect("a done request has a certificate");
    assert_eq!(certificate.request_id, receipt.request_id);
    assert_eq!(certificate.requested_at_ms, now_ms);
    assert_eq!(certificate.deadline, receipt.deadline);
    assert_eq!(certificate.completed_at_ms, server.clock.now_ms());
    // Two check-ins and the decision on one.
    assert_eq!(certificate.anonymised_records, 3);
    // At least two items, the device, the site binding and the account.
    assert!(certificate.deleted_records >= 5, "{certificate:?}");

    // The signature verifies under the key the server hands phones.
    let b_session: TokenPair = server.login(&phone_b, PASSWORD).await.expect(200).json();
    let pull: PullResponse = server
        .post_authed(
            "/v1/sync/pull",
            json!({"since": 0, "nonce": "0123456789abcdef0123456789abcdef"}),
            &b_session.access_token,
        )
        .await
        .expect(200)
        .json();
    let server_key = hex::decode(&pull.server_key).unwrap();
    let signature = hex::decode(&certificate.signature).unwrap();
    UnparsedPublicKey::new(&ED25519, &server_key)
        .verify(&certificate.signed_bytes(), &signature)
        .expect("the certificate verifies under the server key");

    // In the database: A's attendance kept without identity or fix, the
    // decision unlinked, everything else of A gone; B untouched.
    let (a_id, b_id) = (&a.session.account_id, &b.session.account_id);
    let kept = db
        .int(
            "SELECT count(*) FROM attendance
             WHERE event_id LIKE 'a-%' AND account_id IS NULL AND fix_sealed IS NULL",
            &[],
        )
        .await;
    assert_eq!(kept, 2);
    let decision = db
        .int(
            "SELECT count(*) FROM decisions WHERE event_id = 'a-event-1'
             AND account_id IS NULL AND supervisor_id = 'some-supervisor'",
            &[],
        )
        .await;
    assert_eq!(decision, 1);
    for (sql, a_left, b_left) in [
        ("SELECT count(*) FROM accounts WHERE id = $1", 0, 1),
        ("SELECT count(*) FROM devices WHERE account_id = $1", 0, 1),
        ("SELECT count(*) FROM items WHERE account_id = $1", 0, 2),
        (
            "SELECT count(*) FROM refresh_tokens WHERE account_id = $1",
            0,
            2,
        ),
        (
            "SELECT count(*) FROM site_supervisors WHERE account_id = $1",
            0,
            0,
        ),
        ("SELECT count(*) FROM deletions WHERE account_id = $1", 0, 0),
        (
            "SELECT count(*) FROM attendance WHERE account_id = $1 AND fix_sealed IS NOT NULL",
            0,
            2,
        ),
        ("SELECT count(*) FROM decisions WHERE account_id = $1", 0, 1),
    ] {
        let a_count = db.int(sql, &[Text(a_id.clone())]).await;
        let b_count = db.int(sql, &[Text(b_id.clone())]).await;
        assert_eq!(a_count, a_left, "{sql} (deleted account)");
        assert_eq!(b_count, b_left, "{sql} (other account)");
    }
    // B's code and code-request count remain; A's are gone.
    assert_eq!(db.int("SELECT count(*) FROM sms_codes", &[]).await, 1);
    assert_eq!(
        db.int(
            "SELECT count(*) FROM rate_events WHERE key LIKE 'code.phone:%'",
            &[]
        )
        .await,
        1
    );

    // A can no longer log in or refresh; its request cannot be queued again.
    server
        .login(&phone_a, PASSWORD)
        .await
        .error(401, "unauthorised");
    server
        .post(
            "/v1/tokens/refresh",
            json!({"refresh_token": a.session.refresh_token}),
        )
        .await
        .error(401, "unauthorised");
    server
        .post("/v1/deletions", submission(&request))
        .await
        .error(404, "not_found");
    // B still can, and keeps its device.
    server
        .post(
            "/v1/tokens/refresh",
            json!({"refresh_token": b_session.refresh_token}),
        )
        .await
        .expect(200);
    let me: Value = server
        .get_authed("/v1/me", &b_session.access_token)
        .await
        .expect(200)
        .json();
    assert_eq!(me["devices"][0]["device_id"], b.device_id.as_str());

    let logs = captured_logs();
    assert!(logs.contains("account deleted"), "logs were captured");
    for secret in [phone_a.as_str(), phone_b.as_str()] {
        assert!(!logs.contains(secret), "a phone number in logs");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_are_refused_with_4xx() {
    let server = TestServer::start().await;
    let a = worker(&server, &phone(711)).await;
    let now_ms = server.clock.now_ms();

    // Signed, then altered: the signature no longer covers it.
    let mut tampered = request_with(&a.key, now_ms, |_| {});
    tampered.deadline = tampered.requested_on;
    let err = server
        .post("/v1/deletions", submission(&tampered))
        .await
        .error(400, "invalid_input");
    assert_eq!(err.field.as_deref(), Some("request.signature"));

    // Signed by someone else's key in its name.
    let forged = request_with(&new_key(), now_ms, |r| {
        r.device_key = hex::encode(a.key.public_key().as_ref());
    });
    let err = server
        .post("/v1/deletions", submission(&forged))
        .await
        .error(400, "invalid_input");
    assert_eq!(err.field.as_deref(), Some("request.signature"));

    // Properly signed by a key no account registered.
    let stranger = request_with(&new_key(), now_ms, |_| {});
    server
        .post("/v1/deletions", submission(&stranger))
        .await
        .error(404, "not_found");

    let unknown_version = request_with(&a.key, now_ms, |r| r.v = 2);
    let err = server
        .post("/v1/deletions", submission(&unknown_version))
        .await
        .error(400, "invalid_input");
    assert_eq!(err.field.as_deref(), Some("request.v"));

    // Bodies and requests of the wrong shape.
    let valid = serde_json::to_value(request_with(&a.key, now_ms, |_| {})).unwrap();
    let mut wrong_type = valid.clone();
    wrong_type["requested_at_ms"] = json!("yesterday");
    let mut bad_date = valid.clone();
    bad_date["deadline"] = json!("2026-02-30");
    let mut missing = valid.clone();
    missing.as_object_mut().unwrap().remove("signature");
    for (body, field) in [
        (json!({"request": "not JSON"}), Some("request")),
        (json!({"request": ""}), Some("request")),
        (json!({"request": "[]"}), Some("request")),
        (json!({"request": wrong_type.to_string()}), Some("request")),
        (json!({"request": bad_date.to_string()}), Some("request")),
        (json!({"request": missing.to_string()}), Some("request")),
        (json!({"request": valid}), Some("request")),
        (json!({"request": 5}), Some("request")),
        (json!({"request": null}), Some("request")),
        (json!({}), Some("request")),
        (
            json!({"request": valid.to_string(), "extra": 1}),
            Some("extra"),
        ),
        (json!("request"), None),
    ] {
        let err = server
            .post("/v1/deletions", body.clone())
            .await
            .error(400, "invalid_input");
        assert_eq!(err.field.as_deref(), field, "{body}");
    }
    for (content_type, body, status) in [
        ("application/json", "{\"request\":", 400),
        ("application/json", "", 400),
        ("text/plain", "{\"request\":\"{}\"}", 415),
    ] {
        let reply = common::Reply::from(
            server
                .client
                .post(server.url("/v1/deletions"))
                .header("content-type", content_type)
                .body(body)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(reply.status.as_u16(), status, "{body}: {}", reply.body);
    }

    // Status of ids that were never given.
    for id in [
        "0123456789abcdef0123456789abcdef",
        "%FF",
        "x".repeat(300).as_str(),
    ] {
        server
            .send(Method::GET, &format!("/v1/deletions/{id}"), None, None)
            .await
            .error(404, "not_found");
    }

    // Nothing of this was queued; the well-formed request still is.
    assert_eq!(
        admin_deletions(&admin_state(&server).await, false).await["queued"],
        json!([])
    );
    let valid = request_with(&a.key, now_ms, |_| {});
    server
        .post("/v1/deletions", submission(&valid))
        .await
        .expect(202);
}
