//! The command line, and the checked plan it turns into.

use std::path::PathBuf;

use clap::Parser;

use super::LoadError;

/// Most phones one run drives: their numbers are built from a 4-digit index.
pub const MAX_PHONES: usize = 10_000;
/// The server takes at most this many items per push.
const MAX_BATCH: usize = 500;

#[derive(Parser, Debug)]
#[command(
    name = "laowu-load",
    about = "N simulated phones pushing check-ins to laowu servers concurrently: \
             throughput and latency of sync calls"
)]
pub struct Args {
    /// A server's base URL (repeatable); phone i uses server i % n.
    #[arg(long = "server", value_name = "URL")]
    pub servers: Vec<String>,
    /// The server's sms.log, for registration codes: one per --server in
    /// the same order, or one file all servers share.
    #[arg(long = "sms-log", value_name = "PATH")]
    pub sms_logs: Vec<PathBuf>,
    /// Start one server in-process (SQLite in a temporary directory); the
    /// default when no --server is given.
    #[arg(long)]
    pub in_process: bool,
    /// Simulated phones.
    #[arg(long, default_value_t = 50)]
    pub phones: usize,
    /// Rounds of record-then-sync.
    #[arg(long, default_value_t = 4)]
    pub rounds: usize,
    /// Check-ins each phone records before each sync.
    #[arg(long, default_value_t = 25)]
    pub per_round: usize,
    /// Phones syncing at once (default: all of them).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Each phone switches to the next server on every sync (needs servers
    /// that share one database: shows they keep no state of their own).
    #[arg(long)]
    pub alternate: bool,
    /// Items per push request.
    #[arg(long, default_value_t = 100)]
    pub batch: usize,
    /// Print one JSON object instead of the table and FIGURE lines.
    #[arg(long)]
    pub json: bool,
}

/// Where the phones sync to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Targets {
    InProcess,
    /// `sms_logs` has one entry per server, or one shared by all.
    External {
        servers: Vec<String>,
        sms_logs: Vec<PathBuf>,
    },
}

/// A checked run.
#[derive(Clone, Debug)]
pub struct Plan {
    pub targets: Targets,
    pub phones: usize,
    pub rounds: usize,
    pub per_round: usize,
    pub threads: usize,
    pub alternate: bool,
    pub batch: usize,
    pub json: bool,
}

impl Args {
    pub fn plan(self) -> Result<Plan, LoadError> {
        if !(1..=MAX_PHONES).contains(&self.phones) {
            return Err(LoadError::usage(
                "--phones",
                format!("must be 1 to {MAX_PHONES}, not {}", self.phones),
            ));
        }
        if self.rounds == 0 {
            return Err(LoadError::usage("--rounds", "must be at least 1"));
        }
        if self.per_round == 0 {
            return Err(LoadError::usage("--per-round", "must be at least 1"));
        }
        let threads = self.threads.unwrap_or(self.phones);
        if !(1..=self.phones).contains(&threads) {
            return Err(LoadError::usage(
                "--threads",
                format!("must be 1 to --phones ({}), not {threads}", self.phones),
            ));
        }
        if !(1..=MAX_BATCH).contains(&self.batch) {
            return Err(LoadError::usage(
                "--batch",
                format!("must be 1 to {MAX_BATCH}, not {}", self.batch),
            ));
        }
        let targets = self.targets()?;
        Ok(Plan {
            targets,
            phones: self.phones,
            rounds: self.rounds,
            per_round: self.per_round,
            threads,
            alternate: self.alternate,
            batch: self.batch,
            json: self.json,
        })
    }

    fn targets(&self) -> Result<Targets, LoadError> {
        if self.servers.is_empty() {
            if !self.sms_logs.is_empty() {
                return Err(LoadError::usage("--sms-log", "needs --server"));
            }
            if self.alternate {
                return Err(LoadError::usage(
                    "--alternate",
                    "needs two or more --server (the in-process server is one)",
                ));
            }
            return Ok(Targets::InProcess);
        }
        if self.in_process {
            return Err(LoadError::usage(
                "--in-process",
                "cannot be combined with --server",
            ));
        }
        let mut servers = Vec::with_capacity(self.servers.len());
        for url in &self.servers {
            let url = url.trim().trim_end_matches('/');
            let host = url
                .strip_prefix("http://")
                .or_else(|| url.strip_prefix("https://"));
            if host.is_none_or(|h| h.is_empty() || h.contains('/')) {
                return Err(LoadError::usage(
                    "--server",
                    format!("{url:?} is not http(s)://host[:port]"),
                ));
            }
            if self.alternate && !url.starts_with("http://") {
                // The switch forwards TCP; TLS would see the wrong host name.
                return Err(LoadError::usage(
                    "--server",
                    "--alternate works with http:// servers only",
                ));
            }
            servers.push(url.to_string());
        }
        if self.alternate && servers.len() < 2 {
            return Err(LoadError::usage(
                "--alternate",
                "needs two or more --server",
            ));
        }
        let logs = self.sms_logs.len();
        if logs != 1 && logs != servers.len() {
            return Err(LoadError::usage(
                "--sms-log",
                format!(
                    "give one per --server ({}) or one shared file, not {logs}",
                    servers.len()
                ),
            ));
        }
        Ok(Targets::External {
            servers,
            sms_logs: self.sms_logs.clone(),
        })
    }
}
