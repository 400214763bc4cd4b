//! Supervisors over real HTTP: the day view, decisions flowing back to the
//! worker's phone, the CSV export, and every route tried with the wrong role
//! and the wrong site.

mod common;
mod sim;

use common::{PASSWORD, TestServer, phone};
use laowu_protocol::{DayView, Decision, DecisionResponse, PullResponse, ReviewState};
use laowu_server::clock::Clock;
use reqwest::Method;
use ring::signature::{ED25519, UnparsedPublicKey};
use serde_json::{Value, json};
use sim::{SimPhone, add_site, admin, all};

const DAY: &str = "2026-03-02";

/// A worker registered with a name, with a device.
async fn named_worker(server: &TestServer, n: u32, name: &str) -> SimPhone {
    let number = phone(n);
    server.request_code(&number, "register").await.expect(202);
    let code = server.last_code(&number);
    server
        .post(
            "/v1/accounts/register",
            json!({"phone": number, "code": code, "password": PASSWORD, "name": name}),
        )
        .await
        .expect(201);
    let tokens = server.login(&number, PASSWORD).await.expect(200).json();
    SimPhone::with_tokens(server, tokens).await
}

/// A registered account made supervisor of `site` by the operator.
async fn supervisor(server: &TestServer, n: u32, site: &str) -> SimPhone {
    let sup = SimPhone::register(server, &phone(n)).await;
    admin(
        server,
        &["supervisor", "add", "--phone", &phone(n), "--site", site],
    )
    .await
    .unwrap();
    sup
}

struct World {
    server: TestServer,
    worker: SimPhone,
    boss: SimPhone,
    other_boss: SimPhone,
    /// A make-up request and a normal check-in at site-a.
    makeup: String,
    normal: String,
}

async fn world() -> World {
    let server = TestServer::start().await;
    add_site(&server, "site-a").await;
    add_site(&server, "site-b").await;
    let mut worker = named_worker(&server, 10, "张三").await;
    let boss = supervisor(&server, 11, "site-a").await;
    let other_boss = supervisor(&server, 12, "site-b").await;
    let now = server.clock.now_ms();
    let makeup = worker.makeup("site-a", DAY, "=HYPERLINK(\"http://x\")", now);
    // 2026-03-02 09:00 in Shanghai.
    let normal = worker.check_in("site-a", 1_772_413_200_000, false);
    let keys = (makeup.key.clone(), normal.key.clone());
    assert_eq!(
        worker.push_ok(&server, &[makeup, normal]).await,
        all("accepted", 2)
    );
    World {
        server,
        worker,
        boss,
        other_boss,
        makeup: keys.0,
        normal: keys.1,
    }
}

fn day_path(site: &str) -> String {
    format!("/v1/supervisor/sites/{site}/days/{DAY}")
}

fn export_path(site: &str) -> String {
    format!("/v1/supervisor/sites/{site}/export?month=2026-03")
}

#[tokio::test]
async fn the_day_view_shows_the_sites_events_with_masked_names_and_pending_reviews() {
    let w = world().await;
    let view: DayView = w
        .server
        .get_authed(&day_path("site-a"), w.boss.token())
        .await
        .expect(200)
        .json();
    assert_eq!(view.site, "site-a");
    assert_eq!(view.date, DAY);
    assert_eq!(view.entries.len(), 2);
    assert_eq!(view.pending, 1);
    assert_eq!(view.workers, 1);
    let makeup = view
        .entries
        .iter()
        .find(|e| e.event_id == w.makeup)
        .unwrap();
    assert_eq!(makeup.kind, "makeup");
    assert_eq!(makeup.review, ReviewState::Pending);
    assert_eq!(makeup.worker_name.as_deref(), Some("张*"));
    assert_eq!(makeup.punch.as_deref(), Some("clock_in"));
    let normal = view
        .entries
        .iter()
        .find(|e| e.event_id == w.normal)
        .unwrap();
    assert_eq!(normal.review, ReviewState::None);
    assert_eq!(normal.verdict.as_deref(), Some("normal"));
    assert_eq!(normal.distance_m, Some(20));
    assert!(normal.wifi_matched);
    // Another day is empty; a bad date names the field.
    let other: DayView = w
        .server
        .get_authed(
            "/v1/supervisor/sites/site-a/days/2026-03-03",
            w.boss.token(),
        )
        .await
        .expect(200)
        .json();
    assert!(other.entries.is_empty());
    let bad = w
        .server
        .get_authed(
            "/v1/supervisor/sites/site-a/days/2026-02-30",
            w.boss.token(),
        )
        .await
        .error(400, "invalid_input");
    assert_eq!(bad.field.as_deref(), Some("date"));
}

#[tokio::test]
async fn a_decision_is_signed_and_reaches_the_workers_phone_at_its_next_pull() {
    let w = world().await;
    let decided: DecisionResponse = w
        .server
        .post_authed(
            "/v1/supervisor/decisions",
            json!({"event_id": w.makeup, "approved": true, "note": "已核实"}),
            w.boss.token(),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(decided.review, ReviewState::Approved);
    // The same decision again changes nothing; the other way is a conflict.
    let again: DecisionResponse = w
        .server
        .post_authed(
            "/v1/supervisor/decisions",
            json!({"event_id": w.makeup, "approved": true}),
            w.boss.token(),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(again.cursor, decided.cursor);
    w.server
        .post_authed(
            "/v1/supervisor/decisions",
            json!({"event_id": w.makeup, "approved": false}),
            w.boss.token(),
        )
        .await
        .error(409, "conflict");
    // A normal check-in needs no decision; an unknown event is not found.
    w.server
        .post_authed(
            "/v1/supervisor/decisions",
            json!({"event_id": w.normal, "approved": true}),
            w.boss.token(),
        )
        .await
        .error(409, "conflict");
    w.server
        .post_authed(
            "/v1/supervisor/decisions",
            json!({"event_id": "00000000000000000000000000000000", "approved": true}),
            w.boss.token(),
        )
        .await
        .error(404, "not_found");
    let long = w
        .server
        .post_authed(
            "/v1/supervisor/decisions",
            json!({"event_id": w.makeup, "approved": true, "note": "长".repeat(201)}),
            w.boss.token(),
        )
        .await
        .error(400, "invalid_input");
    assert_eq!(long.field.as_deref(), Some("note"));

    let pulled: PullResponse = w
        .server
        .post_authed(
            "/v1/sync/pull",
            json!({"since": 0, "nonce": "0123456789abcdef0123456789abcdef"}),
            w.worker.token(),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(pulled.decisions.len(), 1);
    let d = &pulled.decisions[0];
    assert_eq!(
        (d.event_id.as_str(), d.approved, d.note.as_deref()),
        (w.makeup.as_str(), true, Some("已核实"))
    );
    assert_eq!(pulled.cursor, decided.cursor);
    let key = hex::decode(&pulled.server_key).unwrap();
    UnparsedPublicKey::new(&ED25519, key)
        .verify(
            &Decision::signed_bytes(&d.event_id, d.approved, d.note.as_deref(), d.decided_at_ms),
            &hex::decode(&d.signature).unwrap(),
        )
        .expect("the decision is signed by the server key");
    // After the cursor, nothing more; another worker never sees it.
    let after: PullResponse = w
        .server
        .post_authed(
            "/v1/sync/pull",
            json!({"since": pulled.cursor, "nonce": "0123456789abcdef0123456789abcdef"}),
            w.worker.token(),
        )
        .await
        .expect(200)
        .json();
    assert!(after.decisions.is_empty());
    assert_eq!(after.cursor, pulled.cursor);
    let stranger: PullResponse = w
        .server
        .post_authed(
            "/v1/sync/pull",
            json!({"nonce": "0123456789abcdef0123456789abcdef"}),
            w.boss.token(),
        )
        .await
        .expect(200)
        .json();
    assert!(stranger.decisions.is_empty());
    let view: DayView = w
        .server
        .get_authed(&day_path("site-a"), w.boss.token())
        .await
        .expect(200)
        .json();
    let entry = view
        .entries
        .iter()
        .find(|e| e.event_id == w.makeup)
        .unwrap();
    assert_eq!(entry.review, ReviewState::Approved);
    assert_eq!(entry.note.as_deref(), Some("已核实"));
    assert_eq!(view.pending, 0);
}

#[tokio::test]
async fn the_monthly_export_is_csv_with_formulas_defused() {
    let w = world().await;
    let reply = w
        .server
        .get_authed(&export_path("site-a"), w.boss.token())
        .await
        .expect(200);
    assert!(
        reply.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let mut csv = csv::Reader::from_reader(reply.body.as_bytes());
    let header: Vec<String> = csv.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(header[..4], ["date", "worker", "worker_name", "event_id"]);
    let rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    let makeup = rows.iter().find(|r| r[3] == w.makeup).unwrap();
    assert_eq!(&makeup[0], DAY);
    assert_eq!(&makeup[2], "张*");
    assert_eq!(&makeup[10], "pending");
    let normal = rows.iter().find(|r| r[3] == w.normal).unwrap();
    assert_eq!(
        &normal[6], "2026-03-02 09:00",
        "local time in the site's zone"
    );
    assert!(!reply.body.contains("\n=") && !reply.body.contains(",="));
    let bad = w
        .server
        .get_authed(
            "/v1/supervisor/sites/site-a/export?month=2026-13",
            w.boss.token(),
        )
        .await
        .error(400, "invalid_input");
    assert_eq!(bad.field.as_deref(), Some("month"));
}

#[tokio::test]
async fn every_supervisor_route_refuses_a_worker_another_sites_supervisor_and_no_token() {
    let w = world().await;
    let decide = json!({"event_id": w.makeup, "approved": true});
    type Call<'a> = (Method, String, Option<&'a Value>);
    let calls: Vec<Call> = vec![
        (Method::GET, day_path("site-a"), None),
        (Method::GET, export_path("site-a"), None),
        (
            Method::POST,
            "/v1/supervisor/decisions".into(),
            Some(&decide),
        ),
    ];
    for (method, path, body) in &calls {
        for (who, token) in [
            ("worker", w.worker.token()),
            ("site-b's supervisor", w.other_boss.token()),
        ] {
            let reply = w
                .server
                .send(method.clone(), path, *body, Some(token))
                .await;
            assert_eq!(
                reply.status, 403,
                "{who} on {method} {path}: {}",
                reply.body
            );
            reply.error(403, "forbidden");
        }
        w.server
            .send(method.clone(), path, *body, None)
            .await
            .error(401, "unauthorised");
    }
    // A site nobody supervises is refused the same way, revealing nothing.
    w.server
        .get_authed(
            "/v1/supervisor/sites/no-such-site/days/2026-03-02",
            w.boss.token(),
        )
        .await
        .error(403, "forbidden");
    // Nothing was decided by the refused calls.
    let view: DayView = w
        .server
        .get_authed(&day_path("site-a"), w.boss.token())
        .await
        .expect(200)
        .json();
    assert_eq!(view.pending, 1);
    // The operator's binding errors name what is missing.
    let missing = admin(
        &w.server,
        &[
            "supervisor",
            "add",
            "--phone",
            &phone(99),
            "--site",
            "site-a",
        ],
    )
    .await
    .unwrap_err();
    assert_eq!(missing.code, 3);
    let no_site = admin(
        &w.server,
        &[
            "supervisor",
            "add",
            "--phone",
            &phone(10),
            "--site",
            "nowhere",
        ],
    )
    .await
    .unwrap_err();
    assert!(no_site.message.starts_with("site"));
}
