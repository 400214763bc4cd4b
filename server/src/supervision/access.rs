//! Who may review what.

use laowu_protocol::Role;

use crate::app::AppState;
use crate::http::ApiError;

/// The caller's role, or 401 when the account is gone.
pub async fn role(state: &AppState, account_id: &str) -> Result<Role, ApiError> {
    let account = state
        .store
        .account(account_id.to_string())
        .await?
        .ok_or_else(|| ApiError::unauthorised("the account no longer exists"))?;
    Ok(account.role)
}

/// Passes an admin, or a supervisor bound to `site_id`; 403 otherwise. An
/// unknown site is 404 for an admin, and 403 for anyone else, who learns
/// nothing about which sites exist.
pub async fn may_review(state: &AppState, account_id: &str, site_id: &str) -> Result<(), ApiError> {
    match role(state, account_id).await? {
        Role::Worker => Err(ApiError::forbidden(
            "only a supervisor may review attendance",
        )),
        Role::Supervisor => {
            if state
                .store
                .supervises(account_id.to_string(), site_id.to_string())
                .await?
            {
                Ok(())
            } else {
                Err(ApiError::forbidden("this site is not one you supervise"))
            }
        }
        Role::Admin => {
            if site_time_zone(state, site_id).await?.is_some() {
                Ok(())
            } else {
                Err(ApiError::not_found("no site has this id"))
            }
        }
    }
}

/// The site's time zone, or `None` for an unknown site.
pub async fn site_time_zone(state: &AppState, site_id: &str) -> Result<Option<String>, ApiError> {
    Ok(state
        .store
        .site_time_zones(vec![site_id.to_string()])
        .await?
        .into_iter()
        .next()
        .map(|(_, zone)| zone))
}
