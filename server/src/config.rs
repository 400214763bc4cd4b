//! Everything the server can be tuned by. [`Config::new`] gives the
//! production values; tests lower the password-hash cost and inject a clock.

use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::accounts::SmsSender;
use crate::clock::{Clock, SystemClock};
use crate::store::RateRule;

/// The database file inside the data directory.
pub const DB_FILE: &str = "server.db";
/// The server's master secret inside the data directory (mode 0600).
pub const SECRET_FILE: &str = "server.key";
/// Where the embedded SMS sender appends `"<phone> <code>"` lines.
pub const SMS_LOG_FILE: &str = "sms.log";

#[derive(Clone)]
pub struct Config {
    /// Holds the master secret, the SMS log and (with SQLite) the database;
    /// created if missing.
    pub data_dir: PathBuf,
    pub database: Database,
    pub password_hash: PasswordHashParams,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    pub code_ttl: Duration,
    /// Wrong guesses a code survives; the next try finds it spent.
    pub code_max_attempts: u32,
    pub limits: Limits,
    /// Larger request bodies are refused with 413 before they are parsed.
    pub body_limit_bytes: usize,
    pub clock: Arc<dyn Clock>,
    /// `None`: append to `<data_dir>/sms.log`.
    pub sms: Option<Arc<dyn SmsSender>>,
    /// Proxies whose `X-Forwarded-For` names the client (see `http::client_ip`).
    pub trusted_proxies: Vec<IpAddr>,
}

impl Config {
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Config {
            data_dir: data_dir.into(),
            database: Database::Sqlite,
            password_hash: PasswordHashParams::default(),
            access_token_ttl: Duration::from_secs(15 * 60),
            refresh_token_ttl: Duration::from_secs(30 * 24 * 3600),
            code_ttl: Duration::from_secs(5 * 60),
            code_max_attempts: 5,
            limits: Limits::default(),
            body_limit_bytes: 1024 * 1024,
            clock: Arc::new(SystemClock),
            sms: None,
            trusted_proxies: Vec::new(),
        }
    }
}

/// Where the server keeps its records.
#[derive(Clone, PartialEq, Eq)]
pub enum Database {
    /// `server.db` in the data directory: one process, no other service.
    Sqlite,
    /// A PostgreSQL URL (`postgres://user:password@host:port/database`):
    /// any number of processes may share it.
    Postgres(String),
}

impl Database {
    /// Reads `--db`: `sqlite`, or a `postgres://` / `postgresql://` URL.
    pub fn parse(value: &str) -> Result<Database, String> {
        if value == "sqlite" {
            Ok(Database::Sqlite)
        } else if value.starts_with("postgres://") || value.starts_with("postgresql://") {
            Ok(Database::Postgres(value.to_string()))
        } else {
            Err("expected `sqlite` or a postgres:// URL".to_string())
        }
    }
}

/// Never prints a URL: it may hold the database password.
impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Database::Sqlite => f.write_str("Sqlite"),
            Database::Postgres(_) => f.write_str("Postgres(..)"),
        }
    }
}

/// Argon2id cost. The default is OWASP's recommendation for argon2id
/// (19 MiB, 2 passes, 1 lane): about 20–40 ms of one core per hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PasswordHashParams {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl Default for PasswordHashParams {
    fn default() -> Self {
        PasswordHashParams {
            memory_kib: 19 * 1024,
            iterations: 2,
            parallelism: 1,
        }
    }
}

impl PasswordHashParams {
    /// The cheapest parameters argon2 takes: for tests only, never a server.
    pub const INSECURE_FAST: PasswordHashParams = PasswordHashParams {
        memory_kib: 8,
        iterations: 1,
        parallelism: 1,
    };
}

/// Request budgets, counted in the database so several server processes
/// share them. A request is refused while any rule of its key is full.
#[derive(Clone, Debug)]
pub struct Limits {
    /// SMS codes sent to one number: each one costs money and disturbs its owner.
    pub code_per_phone: Vec<RateRule>,
    /// SMS codes asked for by one client address (a site office may be one NAT).
    pub code_per_ip: Vec<RateRule>,
    /// Wrong passwords for one number before login is refused for a while.
    pub login_failures_per_phone: Vec<RateRule>,
    /// Wrong passwords from one address, across numbers (credential stuffing).
    pub login_failures_per_ip: Vec<RateRule>,
}

impl Default for Limits {
    fn default() -> Self {
        const MINUTE: Duration = Duration::from_secs(60);
        const HOUR: Duration = Duration::from_secs(3600);
        Limits {
            code_per_phone: vec![RateRule::new(1, MINUTE), RateRule::new(10, 24 * HOUR)],
            code_per_ip: vec![RateRule::new(60, HOUR)],
            login_failures_per_phone: vec![RateRule::new(5, 15 * MINUTE)],
            login_failures_per_ip: vec![RateRule::new(100, HOUR)],
        }
    }
}

impl Limits {
    /// The longest window of any rule: rate events older than this are kept for nothing.
    pub fn longest_window(&self) -> Duration {
        [
            &self.code_per_phone,
            &self.code_per_ip,
            &self.login_failures_per_phone,
            &self.login_failures_per_ip,
        ]
        .into_iter()
        .flatten()
        .map(|r| r.window)
        .max()
        .unwrap_or_default()
    }
}
