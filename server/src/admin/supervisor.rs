//! `laowu-server admin supervisor add`: binds a registered account to a site
//! as its supervisor. The account signs in again to get a supervisor token;
//! the server reads the role from the store on every review anyway.

use clap::Subcommand;
use serde_json::{Value, json};

use super::AdminError;
use crate::AppState;
use crate::accounts::Phone;
use crate::store::Binding;

#[derive(Subcommand, Debug)]
pub enum SupervisorCommand {
    /// Makes the registered account with this mobile number a supervisor of the site.
    Add {
        #[arg(long, value_name = "P")]
        phone: String,
        #[arg(long, value_name = "S")]
        site: String,
    },
}

pub async fn run(state: &AppState, command: SupervisorCommand) -> Result<Value, AdminError> {
    let SupervisorCommand::Add { phone, site } = command;
    let phone = Phone::parse(&phone)
        .map_err(|_| AdminError::invalid("phone: must be a mainland mobile number"))?;
    match state
        .store
        .bind_supervisor(phone.lookup_key(&state.keys), site.clone())
        .await?
    {
        Binding::Bound { account_id } => Ok(json!({
            "account_id": account_id,
            "site": site,
            "role": "supervisor",
        })),
        Binding::NoAccount => Err(AdminError::not_found(
            "phone: no account is registered with this number",
        )),
        Binding::NoSite => Err(AdminError::not_found("site: no site has this id")),
    }
}
