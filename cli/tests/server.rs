//! The server commands through the CLI contract, against a real server
//! started in this process on a free loopback port.

mod common;

use std::path::{Path, PathBuf};

use common::{error, laowu, ok, phone};
use laowu_server::{AppState, Config, PasswordHashParams};
use serde_json::Value;
use tokio::runtime::Runtime;
use tokio::sync::oneshot;

struct Server {
    url: String,
    data: PathBuf,
    runtime: Runtime,
    state: AppState,
    stop: Option<oneshot::Sender<()>>,
    _dir: tempfile::TempDir,
}

impl Server {
    fn start() -> Server {
        let runtime = Runtime::new().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("server");
        let mut config = Config::new(&data);
        config.password_hash = PasswordHashParams::INSECURE_FAST;
        let state = runtime.block_on(AppState::open(config)).unwrap();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        runtime.spawn(laowu_server::serve(listener, state.clone(), async {
            let _ = stopped.await;
        }));
        Server {
            url,
            data,
            runtime,
            state,
            stop: Some(stop),
            _dir: dir,
        }
    }

    fn code(&self, mobile: &str) -> String {
        std::fs::read_to_string(self.data.join("sms.log"))
            .unwrap()
            .lines()
            .rev()
            .find_map(|l| {
                let (to, code) = l.split_once(' ')?;
                to.ends_with(mobile).then(|| code.trim().to_string())
            })
            .expect("a code was texted")
    }

    /// Runs `laowu-server admin ...` on this server.
    fn admin(&self, args: &[&str]) -> Value {
        #[derive(clap::Parser)]
        struct Admin {
            #[command(subcommand)]
            command: laowu_server::admin::AdminCommand,
        }
        let mut argv = vec!["admin"];
        argv.extend_from_slice(args);
        let command = <Admin as clap::Parser>::try_parse_from(argv)
            .unwrap()
            .command;
        self.runtime
            .block_on(laowu_server::admin::execute(&self.state, command))
            .unwrap_or_else(|e| panic!("admin {args:?}: {e}"))
    }

    /// A phone signed in as a new account with `mobile`.
    fn account(&self, mobile: &str) -> tempfile::TempDir {
        let home = phone(true);
        let h = home.path();
        let sent = ok(
            h,
            &[
                "--server", &self.url, "account", "register", "--phone", mobile,
            ],
        );
        assert_eq!(sent["sent"], true);
        let code = self.code(mobile);
        let me = ok(
            h,
            &[
                "account",
                "verify",
                "--phone",
                mobile,
                "--code",
                &code,
                "--password",
                "a-good-password",
            ],
        );
        assert_eq!(me["role"], "worker");
        assert!(me["device_id"].as_str().is_some_and(|d| !d.is_empty()));
        home
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn site_file(dir: &Path) -> String {
    let path = dir.join("site.json");
    std::fs::write(
        &path,
        r#"{"id":"site-1","name":"一号工地","fences":[{"type":"circle","lat":31.2304,"lon":121.4737,"radius_m":300.0}],"wifi":[{"bssid":"a4:56:02:11:22:33","ssid":"LAOWU"}]}"#,
    )
    .unwrap();
    path.display().to_string()
}

#[test]
fn registration_needs_consent_and_a_reachable_server() {
    let server = Server::start();
    let no_consent = phone(false);
    let run = laowu(
        no_consent.path(),
        &[
            "--server",
            &server.url,
            "account",
            "register",
            "--phone",
            "13800138001",
        ],
    );
    error(&run, 3, "consent_required", Some("registration"));

    let home = phone(true);
    let run = laowu(
        home.path(),
        &[
            "--server",
            "http://127.0.0.1:9",
            "account",
            "register",
            "--phone",
            "13800138001",
        ],
    );
    error(&run, 5, "offline", Some("server"));
    let run = laowu(home.path(), &["sync"]);
    error(&run, 5, "not_signed_in", Some("server"));
    let run = laowu(
        home.path(),
        &[
            "--server",
            &server.url,
            "account",
            "register",
            "--phone",
            "12345",
        ],
    );
    assert_eq!(run.code, 2, "{}", run.json);
}

#[test]
fn a_wrong_code_is_refused_naming_the_field_and_login_works_after_verify() {
    let server = Server::start();
    let home = phone(true);
    let h = home.path();
    ok(
        h,
        &[
            "--server",
            &server.url,
            "account",
            "register",
            "--phone",
            "13800138002",
        ],
    );
    let run = laowu(
        h,
        &[
            "account",
            "verify",
            "--phone",
            "13800138002",
            "--code",
            "000000",
            "--password",
            "a-good-password",
        ],
    );
    // 000000 could be the real code one time in a million; the test accepts only the refusal.
    if server.code("13800138002") != "000000" {
        error(&run, 2, "invalid_input", Some("code"));
    }
    let code = server.code("13800138002");
    ok(
        h,
        &[
            "account",
            "verify",
            "--phone",
            "13800138002",
            "--code",
            &code,
            "--password",
            "a-good-password",
        ],
    );
    let run = laowu(
        h,
        &[
            "account",
            "login",
            "--phone",
            "13800138002",
            "--password",
            "wrong-password",
        ],
    );
    assert_eq!(run.code, 5, "{}", run.json);
    assert_eq!(run.json["error"]["code"], "unauthorised");
    let me = ok(
        h,
        &[
            "account",
            "login",
            "--phone",
            "13800138002",
            "--password",
            "a-good-password",
        ],
    );
    assert_eq!(me["role"], "worker");
}

#[test]
fn check_ins_sync_once_and_a_supervisor_decision_comes_back() {
    let server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    server.admin(&["site", "add", "--file", &site_file(dir.path())]);
    let worker = server.account("13800138003");
    let w = worker.path();

    let first = ok(w, &["sync"]);
    assert_eq!(first["sites"], 1, "{first}");
    assert_eq!(first["time_anchored"], true);
    let sites = ok(w, &["site", "list"]);
    assert_eq!(sites["count"], 1);

    ok(
        w,
        &[
            "checkin",
            "--lat",
            "31.2305",
            "--lon",
            "121.4738",
            "--accuracy",
            "10",
            "--wifi",
            "a4:56:02:11:22:33,LAOWU,-50",
        ],
    );
    let field = ok(
        w,
        &[
            "checkin",
            "--lat",
            "31.2500",
            "--lon",
            "121.4900",
            "--accuracy",
            "10",
            "--reason",
            "采购钢筋",
        ],
    );
    assert_eq!(field["verdict"], "field");
    let status = ok(w, &["sync", "--status"]);
    assert!(status["outbox"].as_u64().unwrap() >= 2, "{status}");

    let pushed = ok(w, &["sync"]);
    assert!(pushed["accepted"].as_u64().unwrap() >= 2, "{pushed}");
    assert_eq!(pushed["refused"], 0);
    assert_eq!(pushed["outbox"], 0);
    let again = ok(w, &["sync"]);
    assert_eq!(again["accepted"], 0, "nothing is sent twice: {again}");
    assert_eq!(again["duplicates"], 0);

    // A worker is not a supervisor.
    let date = laowu_core::app::china_date(now_ms()).unwrap().to_string();
    let run = laowu(
        w,
        &["supervisor", "day", "--site", "site-1", "--date", &date],
    );
    assert_eq!(run.code, 5, "{}", run.json);
    assert_eq!(run.json["error"]["code"], "forbidden");

    let boss = server.account("13900139003");
    let b = boss.path();
    server.admin(&[
        "supervisor",
        "add",
        "--phone",
        "13900139003",
        "--site",
        "site-1",
    ]);
    ok(
        b,
        &[
            "account",
            "login",
            "--phone",
            "13900139003",
            "--password",
            "a-good-password",
        ],
    );
    let day = ok(
        b,
        &["supervisor", "day", "--site", "site-1", "--date", &date],
    );
    assert_eq!(day["workers"], 1, "{day}");
    assert_eq!(day["pending"], 1, "{day}");
    let pending = day["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["review"] == "pending")
        .unwrap();
    assert_eq!(pending["reason"], "采购钢筋");
    let id = pending["event_id"].as_str().unwrap().to_string();
    let run = laowu(
        b,
        &[
            "supervisor",
            "day",
            "--site",
            "site-1",
            "--date",
            "2026-13-01",
        ],
    );
    error(&run, 2, "invalid_input", Some("date"));
    let decided = ok(b, &["supervisor", "approve", &id, "--note", "已核实"]);
    assert_eq!(decided["review"], "approved");

    let back = ok(w, &["sync"]);
    assert_eq!(back["decisions"], 1, "{back}");
    let history = ok(w, &["history"]);
    let record = history["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["verdict"] == "field")
        .unwrap();
    assert_eq!(record["review"], "approved");
    assert_eq!(record["note"], "已核实");

    let month = &date[..7];
    let csv = ok(
        b,
        &["supervisor", "export", "--site", "site-1", "--month", month],
    );
    assert_eq!(csv["rows"], 2, "{csv}");
    assert!(csv["csv"].as_str().unwrap().starts_with("date,"));
}

#[test]
fn account_deletion_is_handed_to_the_server() {
    let server = Server::start();
    let worker = server.account("13800138004");
    let w = worker.path();
    let deleted = ok(w, &["account", "delete"]);
    assert_eq!(deleted["server"]["submitted"], true, "{deleted}");
    let status = ok(w, &["account", "deletion-status"]);
    assert_eq!(status["request_id"], deleted["server"]["request_id"]);
    assert!(
        ["queued", "done"].contains(&status["state"].as_str().unwrap()),
        "{status}"
    );
    server.admin(&["deletions", "--process"]);
    let status = ok(w, &["account", "deletion-status"]);
    assert_eq!(status["state"], "done", "{status}");
    assert!(status["certificate"]["signature"].as_str().is_some());
    let run = laowu(
        tempfile::tempdir().unwrap().path(),
        &["account", "deletion-status"],
    );
    assert_eq!(run.code, 2);
}

#[test]
fn the_demo_walks_the_whole_product() {
    let run = laowu(tempfile::tempdir().unwrap().path(), &["demo"]);
    assert_eq!(run.code, 0, "{} {}", run.json, run.stderr);
    assert_eq!(run.json["ok"], true);
    let steps = run.json["steps"].as_array().unwrap();
    let last_history = steps
        .iter()
        .rev()
        .find(|s| s["command"] == "laowu history")
        .expect("the demo shows the history");
    let approved = last_history["result"]["records"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["verdict"] == "field" && r["review"] == "approved");
    assert!(approved, "the supervisor's approval reached the worker");
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}
