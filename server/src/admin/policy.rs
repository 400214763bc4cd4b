//! `laowu-server admin policy publish`: the policy phones are offered at
//! their next sync, signed by the server key when pulled.

use clap::Subcommand;
use laowu_core::consent::Policy;
use serde_json::{Value, json};

use super::AdminError;
use crate::AppState;
use crate::store::Inserted;

#[derive(Subcommand, Debug)]
pub enum PolicyCommand {
    /// Publishes a policy file (TOML) as the version in force.
    Publish {
        #[arg(long, value_name = "FILE")]
        file: std::path::PathBuf,
    },
}

pub async fn run(state: &AppState, command: PolicyCommand) -> Result<Value, AdminError> {
    let PolicyCommand::Publish { file } = command;
    let text = std::fs::read_to_string(&file).map_err(|e| {
        AdminError::invalid(format!("file: cannot read the policy file ({})", e.kind()))
    })?;
    // Checked with the phone's own parser: a policy the phones would refuse
    // is never offered to them.
    let policy = Policy::from_toml(&text)
        .map_err(|e| AdminError::invalid(format!("file: not a valid policy: {e}")))?;
    match state
        .store
        .publish_policy(policy.version.clone(), text, state.now_ms())
        .await?
    {
        Inserted::Created => Ok(json!({"version": policy.version, "hash": policy.hash()})),
        Inserted::Duplicate => Err(AdminError::invalid(
            "file: this version was published before with different text; give the new text a new version",
        )),
    }
}
