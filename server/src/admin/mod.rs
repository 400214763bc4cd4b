//! `laowu-server admin ...`: the operator's commands. Each opens the data
//! directory and database directly (SQLite's WAL, or PostgreSQL, lets it run
//! beside serving servers), does one thing, prints JSON on stdout and says
//! what went wrong on stderr.

mod deletions;
mod policy;
mod site;
mod supervisor;

pub use deletions::DeletionsArgs;
pub use policy::PolicyCommand;
pub use site::SiteCommand;
pub use supervisor::SupervisorCommand;

use std::process::ExitCode;

use clap::Subcommand;
use serde_json::Value;

use crate::{AppState, Config};

#[derive(Subcommand, Debug)]
pub enum AdminCommand {
    /// Work sites: the fences and access points phones check in against.
    #[command(subcommand)]
    Site(site::SiteCommand),
    /// Supervisors and the sites they review.
    #[command(subcommand)]
    Supervisor(supervisor::SupervisorCommand),
    /// Account deletion requests: queued, done, and overdue.
    Deletions(deletions::DeletionsArgs),
    /// The privacy policy phones are offered at their next sync.
    #[command(subcommand)]
    Policy(policy::PolicyCommand),
}

/// What an admin command prints on failure, and its exit code.
#[derive(Debug)]
pub struct AdminError {
    pub code: u8,
    pub message: String,
}

impl std::fmt::Display for AdminError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl AdminError {
    pub fn invalid(message: impl Into<String>) -> Self {
        AdminError {
            code: 2,
            message: message.into(),
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        AdminError {
            code: 3,
            message: message.into(),
        }
    }

    pub fn failed(message: impl Into<String>) -> Self {
        AdminError {
            code: 4,
            message: message.into(),
        }
    }
}

impl From<crate::store::StoreError> for AdminError {
    fn from(e: crate::store::StoreError) -> Self {
        AdminError::failed(format!("the database failed: {e}"))
    }
}

/// Runs one admin command on an open server (the demo's in-process one, or
/// [`run`]'s) and returns what it would print.
pub async fn execute(state: &AppState, command: AdminCommand) -> Result<Value, AdminError> {
    match command {
        AdminCommand::Site(c) => site::run(state, c).await,
        AdminCommand::Supervisor(c) => supervisor::run(state, c).await,
        AdminCommand::Deletions(a) => deletions::run(state, a).await,
        AdminCommand::Policy(c) => policy::run(state, c).await,
    }
}

/// Runs one admin command against the data directory and database of `config`.
pub async fn run(config: Config, command: AdminCommand) -> ExitCode {
    let state = match AppState::open(config).await {
        Ok(state) => state,
        Err(e) => {
            eprintln!("laowu-server: {e}");
            return ExitCode::from(4);
        }
    };
    match execute(&state, command).await {
        Ok(value) => {
            println!(
                "{}",
                serde_json::to_string_pretty(&value).expect("JSON values always serialise")
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("laowu-server: {}", e.message);
            ExitCode::from(e.code)
        }
    }
}
