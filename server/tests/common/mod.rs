//! A real server on 127.0.0.1:0 over a temporary data directory, with a
//! manual clock and cheap password hashing, and a client for it. Its
//! metrics are served on a second loopback listener, as `--metrics-listen`
//! would.

#![allow(dead_code)] // each test binary uses part of this

pub mod db;

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use laowu_protocol::{ErrorBody, TokenPair};
use laowu_server::clock::ManualClock;
use laowu_server::{AppState, Config, PasswordHashParams};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const PASSWORD: &str = "correct horse battery";

pub struct TestServer {
    pub addr: SocketAddr,
    pub clock: Arc<ManualClock>,
    pub client: reqwest::Client,
    pub metrics_addr: SocketAddr,
    dir: Arc<tempfile::TempDir>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
    metrics_shutdown: Option<oneshot::Sender<()>>,
    metrics_task: Option<JoinHandle<std::io::Result<()>>>,
}

/// The test configuration: production values but for the password-hash
/// cost and the clock, on the database chosen for `data_dir` (see [`db`]).
pub fn test_config(data_dir: &Path, clock: Arc<ManualClock>) -> Config {
    let mut config = Config::new(data_dir);
    config.database = db::database_of(data_dir);
    config.password_hash = PasswordHashParams::INSECURE_FAST;
    config.clock = clock;
    config
}

impl TestServer {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(adjust: impl FnOnce(&mut Config)) -> Self {
        let dir = Arc::new(tempfile::tempdir().unwrap());
        Self::start_in(dir, adjust).await
    }

    /// Starts on `dir`, which may hold a previous server's data.
    pub async fn start_in(dir: Arc<tempfile::TempDir>, adjust: impl FnOnce(&mut Config)) -> Self {
        capture_logs();
        // reqwest's rustls feature comes in through laowu-core, without a provider.
        laowu_core::sync::install_tls_provider();
        let clock = Arc::new(ManualClock::starting_now());
        db::database_for(&dir.path().join("data")).await;
        let mut config = test_config(&dir.path().join("data"), clock.clone());
        adjust(&mut config);
        let state = AppState::open(config).await.expect("server starts");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let metrics_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let metrics_addr = metrics_listener.local_addr().unwrap();
        let (metrics_shutdown, metrics_stop) = oneshot::channel::<()>();
        let metrics_task = tokio::spawn(laowu_server::serve_metrics(
            metrics_listener,
            state.clone(),
            async {
                let _ = metrics_stop.await;
            },
        ));
        let (shutdown, stop) = oneshot::channel::<()>();
        let task = tokio::spawn(laowu_server::serve(listener, state, async {
            let _ = stop.await;
        }));
        TestServer {
            addr,
            clock,
            client: reqwest::Client::new(),
            metrics_addr,
            dir,
            shutdown: Some(shutdown),
            task: Some(task),
            metrics_shutdown: Some(metrics_shutdown),
            metrics_task: Some(metrics_task),
        }
    }

    /// Shuts down gracefully and hands back the directory for a restart.
    pub async fn stop(mut self) -> Arc<tempfile::TempDir> {
        self.metrics_shutdown.take().unwrap().send(()).unwrap();
        self.metrics_task.take().unwrap().await.unwrap().unwrap();
        self.shutdown.take().unwrap().send(()).unwrap();
        self.task.take().unwrap().await.unwrap().unwrap();
        self.dir.clone()
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// A direct connection to what this server stored.
    pub async fn db(&self) -> db::TestDb {
        db::TestDb::open(&self.data_dir()).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        token: Option<&str>,
    ) -> Reply {
        let mut request = self.client.request(method, self.url(path));
        if let Some(body) = body {
            request = request.json(body);
        }
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        Reply::from(request.send().await.unwrap()).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.send(Method::POST, path, Some(&body), None).await
    }

    pub async fn post_authed(&self, path: &str, body: Value, token: &str) -> Reply {
        self.send(Method::POST, path, Some(&body), Some(token))
            .await
    }

    pub async fn get_authed(&self, path: &str, token: &str) -> Reply {
        self.send(Method::GET, path, None, Some(token)).await
    }

    /// Every line of `sms.log`.
    pub fn sms_lines(&self) -> Vec<String> {
        std::fs::read_to_string(self.data_dir().join("sms.log"))
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// The last code sent to `phone` (11 digits).
    pub fn last_code(&self, phone: &str) -> String {
        self.sms_lines()
            .iter()
            .rev()
            .find_map(|line| {
                let (to, code) = line.split_once(' ')?;
                (to == phone).then(|| code.to_string())
            })
            .expect("a code was sent")
    }

    pub async fn request_code(&self, phone: &str, purpose: &str) -> Reply {
        self.post(
            "/v1/accounts/code",
            json!({"phone": phone, "purpose": purpose}),
        )
        .await
    }

    /// Code, register, login: a fresh account's tokens.
    pub async fn account(&self, phone: &str) -> TokenPair {
        self.request_code(phone, "register").await.expect(202);
        let code = self.last_code(phone);
        self.post(
            "/v1/accounts/register",
            json!({"phone": phone, "code": code, "password": PASSWORD}),
        )
        .await
        .expect(201);
        self.login(phone, PASSWORD).await.expect(200).json()
    }

    pub async fn login(&self, phone: &str, password: &str) -> Reply {
        self.post(
            "/v1/accounts/login",
            json!({"phone": phone, "password": password}),
        )
        .await
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Reply {
    pub async fn from(response: reqwest::Response) -> Self {
        Reply {
            status: response.status(),
            headers: response.headers().clone(),
            body: response.text().await.unwrap(),
        }
    }

    /// Asserts the status, showing the body if it differs.
    #[track_caller]
    pub fn expect(self, status: u16) -> Self {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.body);
        self
    }

    #[track_caller]
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    /// Asserts an `ErrorBody` with this status and code.
    #[track_caller]
    pub fn error(&self, status: u16, code: &str) -> ErrorBody {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.body);
        let is_json = self
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        assert!(is_json, "not JSON: {:?}", self.headers);
        let body: ErrorBody = self.json();
        assert_eq!(body.code, code, "body: {}", self.body);
        body
    }
}

/// Distinct valid numbers for distinct tests (13 8xxx xxxx).
pub fn phone(n: u32) -> String {
    format!("138{n:08}")
}

static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();

/// Everything logged in this test binary so far, at every level.
pub fn captured_logs() -> String {
    capture_logs();
    String::from_utf8_lossy(&LOGS.get().unwrap().lock().unwrap()).into_owned()
}

/// Installs, once per test binary, a subscriber that records every event of
/// every crate at TRACE level into memory.
fn capture_logs() {
    LOGS.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let writer = buffer.clone();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || Capture(writer.clone()))
            .init();
        buffer
    });
}

struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
