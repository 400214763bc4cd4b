//! The PostgreSQL backend: what a wrong database URL, an unreachable or
//! foreign database and a newer schema give; several server processes (here,
//! several servers with pools of their own) sharing one database; a
//! database that drops its connections mid-run, and one that restarts.
//!
//! Tests that need PostgreSQL run when `LAOWU_TEST_POSTGRES` names a server
//! (`scripts/test-all.sh` starts one); without it they say so and pass.

mod common;
mod sim;

use std::process::Command;
use std::sync::Arc;

use common::db::{connect, create_database, postgres_admin_url};
use common::{TestServer, phone};
use laowu_server::clock::{Clock, ManualClock};
use laowu_server::{AppState, Config, Database};
use serde_json::json;
use sim::{SimPhone, all};

fn postgres_or_skip(test: &str) -> Option<String> {
    let url = postgres_admin_url();
    if url.is_none() {
        eprintln!("{test}: skipped, LAOWU_TEST_POSTGRES is not set");
    }
    url
}

fn config_on(dir: &tempfile::TempDir, url: &str) -> Config {
    let mut config = common::test_config(dir.path(), Arc::new(ManualClock::starting_now()));
    config.database = Database::Postgres(url.to_string());
    config
}

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn a_database_that_is_neither_sqlite_nor_postgres_is_refused_by_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_laowu-server"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--db",
            "mysql://root@db/laowu",
            "--data",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--db"), "{stderr}");
    assert!(stderr.contains("postgres:// URL"), "{stderr}");
}

#[test]
fn an_unreachable_database_is_named_without_its_password_and_exits_4() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "postgres://laowu:s3cret-pw@127.0.0.1:{}/laowu",
        closed_port()
    );
    let out = Command::new(env!("CARGO_BIN_EXE_laowu-server"))
        .args(["--listen", "127.0.0.1:0", "--data"])
        .arg(dir.path())
        .env("LAOWU_DB", &url)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot be reached"), "{stderr}");
    assert!(!stderr.contains("s3cret-pw"), "{stderr}");
}

#[tokio::test]
async fn a_url_postgres_cannot_parse_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let err = AppState::open(config_on(&dir, "postgres://127.0.0.1:notaport/x"))
        .await
        .err()
        .expect("refused");
    assert!(
        err.to_string().contains("not one PostgreSQL takes"),
        "{err}"
    );
}

#[tokio::test]
async fn a_newer_schema_and_a_foreign_database_are_refused_at_start() {
    let Some(admin) = postgres_or_skip("newer and foreign schemas") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let url = create_database(&admin).await;
    drop(AppState::open(config_on(&dir, &url)).await.unwrap());
    // A second start finds the schema current and changes nothing.
    drop(AppState::open(config_on(&dir, &url)).await.unwrap());
    let db = connect(&url).await;
    db.batch_execute("UPDATE laowu_schema SET version = 99")
        .await
        .unwrap();
    let err = AppState::open(config_on(&dir, &url))
        .await
        .err()
        .expect("refused");
    assert!(
        err.to_string().contains("schema version 99 is newer"),
        "{err}"
    );

    let foreign = create_database(&admin).await;
    connect(&foreign)
        .await
        .batch_execute("CREATE TABLE invoices (id BIGINT PRIMARY KEY)")
        .await
        .unwrap();
    let err = AppState::open(config_on(&dir, &foreign))
        .await
        .err()
        .expect("refused");
    assert!(
        err.to_string().contains("tables laowu-server did not make"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn servers_sharing_one_database_share_codes_limits_and_sessions() {
    if postgres_or_skip("shared state").is_none() {
        return;
    }
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let a = TestServer::start_in(dir.clone(), |_| {}).await;
    let b = TestServer::start_in(dir.clone(), |_| {}).await;
    assert_ne!(a.addr, b.addr);
    let number = phone(901);

    // A code sent by one process is good at the other, and the per-number
    // limit (one a minute) counts requests made to either.
    a.request_code(&number, "register").await.expect(202);
    b.request_code(&number, "register")
        .await
        .error(429, "rate_limited");
    let code = a.last_code(&number);
    b.post(
        "/v1/accounts/register",
        json!({"phone": number, "code": code, "password": common::PASSWORD}),
    )
    .await
    .expect(201);

    // A refresh token rotated at one process is spent at the other.
    let tokens: laowu_protocol::TokenPair =
        a.login(&number, common::PASSWORD).await.expect(200).json();
    let refresh = json!({"refresh_token": tokens.refresh_token});
    b.post("/v1/tokens/refresh", refresh.clone())
        .await
        .expect(200);
    a.post("/v1/tokens/refresh", refresh)
        .await
        .error(401, "unauthorised");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_batch_pushed_to_two_servers_at_once_is_stored_once() {
    if postgres_or_skip("concurrent pushes").is_none() {
        return;
    }
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let a = TestServer::start_in(dir.clone(), |_| {}).await;
    let b = TestServer::start_in(dir.clone(), |_| {}).await;
    let mut worker = SimPhone::register(&a, &phone(902)).await;
    let now = a.clock.now_ms();
    for round in 0..10 {
        let items: Vec<_> = (0..20)
            .map(|i| worker.check_in("site", now + round * 1000 + i, false))
            .collect();
        // The same batch reaches both processes at once, as a phone's
        // retry after a lost answer could.
        let (at_a, at_b) = tokio::join!(worker.push_ok(&a, &items), worker.push_ok(&b, &items));
        let mut outcomes = [at_a, at_b];
        outcomes.sort();
        assert_eq!(
            outcomes,
            [all("accepted", 20), all("duplicate", 20)],
            "round {round}: one process stores the batch, the other finds it stored"
        );
    }
    let db = a.db().await;
    assert_eq!(db.int("SELECT count(*) FROM attendance", &[]).await, 200);
    assert_eq!(
        db.int("SELECT count(DISTINCT seq) FROM attendance", &[])
            .await,
        200
    );
    assert_eq!(db.int("SELECT max(seq) FROM chain_heads", &[]).await, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_dropped_by_the_database_are_replaced_and_nothing_is_half_written() {
    let Some(admin) = postgres_or_skip("dropped connections") else {
        return;
    };
    let server = TestServer::start().await;
    let mut worker = SimPhone::register(&server, &phone(903)).await;
    let now = server.clock.now_ms();
    let database = match common::db::database_of(&server.data_dir()) {
        Database::Postgres(url) => url.rsplit('/').next().unwrap().to_string(),
        Database::Sqlite => unreachable!("the suite runs on PostgreSQL here"),
    };
    let admin = connect(&admin).await;
    let mut stored = 0;
    for round in 0..5 {
        // What an operator's restart or a failover does to open connections.
        let killed = admin
            .execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                 WHERE datname = $1 AND pid <> pg_backend_pid()",
                &[&database],
            )
            .await
            .unwrap();
        assert!(killed > 0 || round > 0, "the server held connections");
        let items: Vec<_> = (0..10)
            .map(|i| worker.check_in("site", now + round * 1000 + i, false))
            .collect();
        let mut tries = 0;
        loop {
            tries += 1;
            let reply = worker.push(&server, &items).await;
            match reply.status.as_u16() {
                200 => break,
                503 => assert!(reply.headers.contains_key("retry-after"), "{reply:?}"),
                other => panic!("push answered {other}: {}", reply.body),
            }
            assert!(tries < 20, "the server never recovered");
        }
        stored += 10;
        let db = server.db().await;
        assert_eq!(db.int("SELECT count(*) FROM attendance", &[]).await, stored);
    }
}

/// A PostgreSQL cluster of the test's own (`scripts/postgres.sh` on a free
/// port), so it can be stopped and started without disturbing other tests.
struct OwnCluster {
    port: u16,
}

impl OwnCluster {
    fn start() -> OwnCluster {
        let cluster = OwnCluster {
            port: closed_port(),
        };
        cluster.script("start");
        cluster
    }

    fn script(&self, action: &str) {
        let status = Command::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../scripts/postgres.sh"
        ))
        .arg(action)
        .env("LAOWU_PG_PORT", self.port.to_string())
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
        assert!(status.success(), "postgres.sh {action}");
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for OwnCluster {
    fn drop(&mut self) {
        self.script("stop");
        let _ = std::fs::remove_dir_all(format!("/tmp/laowu-pg-{}", self.port));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_restarting_mid_run_is_503_then_resumes_with_nothing_lost_or_doubled() {
    if postgres_or_skip("a restarting PostgreSQL").is_none() {
        return;
    }
    let cluster = OwnCluster::start();
    let url = cluster.url();
    let server = TestServer::start_with(|c| c.database = Database::Postgres(url.clone())).await;
    let mut worker = SimPhone::register(&server, &phone(904)).await;
    let now = server.clock.now_ms();
    let first: Vec<_> = (0..10)
        .map(|i| worker.check_in("site", now + i, false))
        .collect();
    assert_eq!(worker.push_ok(&server, &first).await, all("accepted", 10));

    cluster.script("stop");
    let second: Vec<_> = (10..20)
        .map(|i| worker.check_in("site", now + i, false))
        .collect();
    let down = worker.push(&server, &second).await;
    down.error(503, "unavailable");
    assert!(down.headers.contains_key("retry-after"), "{down:?}");
    server
        .send(reqwest::Method::GET, "/v1/ready", None, None)
        .await
        .error(503, "unavailable");

    cluster.script("start");
    // The phone resends both batches, as its outbox would.
    let mut again = first.clone();
    again.extend(second);
    let mut results = all("duplicate", 10);
    results.extend(all("accepted", 10));
    assert_eq!(worker.push_ok(&server, &again).await, results);
    server
        .send(reqwest::Method::GET, "/v1/ready", None, None)
        .await
        .expect(200);
    let db = connect(&url).await;
    let count = |sql: &'static str| {
        let db = &db;
        async move { db.query_one(sql, &[]).await.unwrap().get::<_, i64>(0) }
    };
    assert_eq!(count("SELECT count(*) FROM attendance").await, 20);
    assert_eq!(
        count("SELECT count(DISTINCT seq) FROM attendance").await,
        20
    );
    assert_eq!(count("SELECT seq FROM chain_heads").await, 20);
}

#[tokio::test]
async fn the_day_view_and_the_pull_are_served_by_indexes() {
    if postgres_or_skip("index plans").is_none() {
        return;
    }
    let server = TestServer::start().await;
    let Database::Postgres(url) = common::db::database_of(&server.data_dir()) else {
        unreachable!("the suite runs on PostgreSQL here");
    };
    let db = connect(&url).await;
    // With sequential scans priced out, the plan shows whether an index
    // can answer each hot query at all (tables this small would be scanned).
    db.batch_execute("SET enable_seqscan = off").await.unwrap();
    for (query, index) in [
        (
            "SELECT event_id FROM attendance
             WHERE site_id = 'a' AND day BETWEEN '2026-03' AND '2026-03-99'",
            "attendance_by_site_day",
        ),
        (
            "SELECT cursor FROM decisions WHERE account_id = 'a' AND cursor > 5
             ORDER BY cursor LIMIT 100",
            "decisions_by_account",
        ),
        (
            "SELECT content_hash FROM items WHERE device_id = 'd' AND key = 'k'",
            "items_pkey",
        ),
        (
            "SELECT seq, hash FROM chain_heads WHERE device_id = 'd'",
            "chain_heads_pkey",
        ),
    ] {
        let plan: Vec<String> = db
            .query(&format!("EXPLAIN {query}"), &[])
            .await
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        let plan = plan.join("\n");
        assert!(plan.contains(index), "{query}\n{plan}");
    }
}
