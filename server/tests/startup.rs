//! Start-up and shutdown: what the first start creates, what a later start
//! refuses, and the binary's own behaviour under SIGTERM.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;

use common::test_config;
use laowu_server::AppState;
use laowu_server::clock::ManualClock;

#[tokio::test]
async fn the_first_start_creates_the_data_directory_key_and_database() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("nested").join("data");
    let state = AppState::open(test_config(&data, Arc::new(ManualClock::starting_now())))
        .await
        .unwrap();
    drop(state);
    assert!(data.join("server.db").is_file());
    let key = std::fs::metadata(data.join("server.key")).unwrap();
    assert_eq!(key.len(), 32);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(key.permissions().mode() & 0o777, 0o600);
    }
}

#[tokio::test]
async fn a_database_from_a_newer_server_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let config = || test_config(dir.path(), Arc::new(ManualClock::starting_now()));
    drop(AppState::open(config()).await.unwrap());
    let db = rusqlite::Connection::open(dir.path().join("server.db")).unwrap();
    db.pragma_update(None, "user_version", 99).unwrap();
    drop(db);

    let err = AppState::open(config()).await.err().expect("refused");
    let message = err.to_string();
    assert!(message.contains("schema version 99 is newer"), "{message}");
    assert!(message.contains("run a newer laowu-server"), "{message}");
}

#[test]
fn the_binary_serves_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut command = Command::new(env!("CARGO_BIN_EXE_laowu-server"));
    command
        .args(["--listen", "127.0.0.1:0", "--data"])
        .arg(&data);
    let (mut child, addr, _stderr) = spawn_listening(command);
    let health = std::net::TcpStream::connect(&addr).map(|mut s| {
        use std::io::{Read, Write};
        s.write_all(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut reply = String::new();
        s.read_to_string(&mut reply).unwrap();
        reply
    });
    assert!(health.unwrap().starts_with("HTTP/1.1 200"));

    let killed = Command::new("kill")
        .args(["-TERM", &child.0.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.0.wait().unwrap();
    assert!(status.success(), "{status}");
    assert!(data.join("server.db").is_file());
}

#[test]
fn the_binary_serves_metrics_only_on_the_metrics_listener() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Reaped(
        Command::new(env!("CARGO_BIN_EXE_laowu-server"))
            .args(["--listen", "127.0.0.1:0", "--data"])
            .arg(dir.path().join("data"))
            .env("LAOWU_METRICS_LISTEN", "127.0.0.1:0")
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut stderr = BufReader::new(child.0.stderr.take().unwrap());
    let (mut public, mut metrics) = (None, None);
    let mut line = String::new();
    while public.is_none() || metrics.is_none() {
        line.clear();
        assert_ne!(stderr.read_line(&mut line).unwrap(), 0, "exited early");
        let line = line.trim();
        if let Some(addr) = line.strip_prefix("laowu-server: listening on ") {
            public = Some(addr.to_string());
        } else if let Some(addr) = line.strip_prefix("laowu-server: metrics on ") {
            metrics = Some(addr.to_string());
        }
    }
    let get = |addr: &str| {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        s.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut reply = String::new();
        s.read_to_string(&mut reply).unwrap();
        reply
    };
    assert!(get(&public.unwrap()).starts_with("HTTP/1.1 404"));
    let reply = get(&metrics.unwrap());
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert!(reply.contains("laowu_http_requests_total"), "{reply}");

    let killed = Command::new("kill")
        .args(["-TERM", &child.0.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.0.wait().unwrap();
    assert!(status.success(), "{status}");
}

#[test]
fn the_binary_limits_codes_per_address_as_configured() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_laowu-server"));
    command
        .args([
            "--listen",
            "127.0.0.1:0",
            "--codes-per-ip-per-hour",
            "2",
            "--data",
        ])
        .arg(dir.path().join("data"));
    let (_child, addr, _stderr) = spawn_listening(command);
    let statuses: Vec<String> = (1..=3)
        .map(|n| {
            let body = format!(r#"{{"phone":"1380000000{n}","purpose":"register"}}"#);
            let reply = post(&addr, "/v1/accounts/code", &[], &body);
            reply.lines().next().unwrap_or_default().to_string()
        })
        .collect();
    assert_eq!(
        statuses,
        [
            "HTTP/1.1 202 Accepted",
            "HTTP/1.1 202 Accepted",
            "HTTP/1.1 429 Too Many Requests"
        ],
        "two codes an hour from one address, then refused"
    );
}

#[test]
fn the_binary_takes_trusted_proxies_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_laowu-server"));
    command
        .args([
            "--listen",
            "127.0.0.1:0",
            "--codes-per-ip-per-hour",
            "1",
            "--data",
        ])
        .arg(dir.path().join("data"))
        .env("LAOWU_TRUSTED_PROXIES", "10.9.8.7,127.0.0.1");
    let (_child, addr, _stderr) = spawn_listening(command);
    let statuses: Vec<String> = [(1, "203.0.113.1"), (2, "203.0.113.2"), (3, "203.0.113.1")]
        .iter()
        .map(|(n, client)| {
            let body = format!(r#"{{"phone":"1380000001{n}","purpose":"register"}}"#);
            let forwarded = format!("X-Forwarded-For: {client}");
            let reply = post(&addr, "/v1/accounts/code", &[&forwarded], &body);
            reply.lines().next().unwrap_or_default().to_string()
        })
        .collect();
    assert_eq!(
        statuses,
        [
            "HTTP/1.1 202 Accepted",
            "HTTP/1.1 202 Accepted",
            "HTTP/1.1 429 Too Many Requests"
        ],
        "one code an hour per forwarded client, not per proxy"
    );
}

/// Starts the binary and waits for its "listening on" line: the child, the
/// address, and the rest of its stderr.
fn spawn_listening(mut command: Command) -> (Reaped, String, BufReader<std::process::ChildStderr>) {
    let mut child = Reaped(command.stderr(Stdio::piped()).spawn().unwrap());
    let mut stderr = BufReader::new(child.0.stderr.take().unwrap());
    let mut line = String::new();
    loop {
        line.clear();
        assert_ne!(
            stderr.read_line(&mut line).unwrap(),
            0,
            "exited before listening"
        );
        if let Some(addr) = line.trim().strip_prefix("laowu-server: listening on ") {
            return (child, addr.to_string(), stderr);
        }
    }
}

/// One HTTP/1.1 POST of a JSON body with `headers` (each `Name: value`);
/// the whole reply as text.
fn post(addr: &str, path: &str, headers: &[&str], body: &str) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    let extra: String = headers.iter().map(|h| format!("{h}\r\n")).collect();
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n{extra}\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut reply = String::new();
    s.read_to_string(&mut reply).unwrap();
    reply
}

/// Kills the server if the test fails before stopping it.
struct Reaped(std::process::Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

#[test]
fn the_binary_explains_a_refused_database_and_exits_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let db = rusqlite::Connection::open(dir.path().join("server.db")).unwrap();
    db.pragma_update(None, "user_version", 7).unwrap();
    db.pragma_update(None, "application_id", 0x4C57_5356)
        .unwrap();
    drop(db);
    let out = Command::new(env!("CARGO_BIN_EXE_laowu-server"))
        .args(["--listen", "127.0.0.1:0", "--data"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("schema version 7 is newer"), "{stderr}");
}

#[test]
fn the_binary_takes_its_configuration_from_the_environment_and_logs_json() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("env-data");
    let mut command = Command::new(env!("CARGO_BIN_EXE_laowu-server"));
    command
        .env("LAOWU_LISTEN", "127.0.0.1:0")
        .env("LAOWU_DATA", &data)
        .env("LAOWU_LOG_FORMAT", "json");
    let (_child, addr, mut stderr) = spawn_listening(command);
    let mut line = String::new();
    let ready = {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(&addr).unwrap();
        s.write_all(b"GET /v1/ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut reply = String::new();
        s.read_to_string(&mut reply).unwrap();
        reply
    };
    assert!(ready.starts_with("HTTP/1.1 200"), "{ready}");
    assert!(ready.contains(r#""status":"ready""#), "{ready}");
    assert!(
        data.join("server.db").is_file(),
        "LAOWU_DATA chose the data directory"
    );
    // The request is logged as one JSON object on a line.
    let logged = loop {
        line.clear();
        assert_ne!(
            stderr.read_line(&mut line).unwrap(),
            0,
            "no request log line"
        );
        let Ok(value) = serde_json::from_str::<serde_json::Value>(line.trim()) else {
            continue;
        };
        if value["fields"]["message"] == "request" {
            break value;
        }
    };
    assert_eq!(logged["fields"]["route"], "/v1/ready");
    assert_eq!(logged["fields"]["status"], 200);
    assert_eq!(logged["level"], "INFO");
}
