//! Retention: raw coordinates are deleted after the attendance purpose's
//! period, as the phone deletes its own; the events keep the verdict and the
//! distance, which wages need.

use laowu_core::consent::Policy;

use crate::app::AppState;
use crate::store::StoreError;

const DAY_MS: i64 = 86_400_000;
/// The purpose whose retention period covers check-in fixes.
const ATTENDANCE_PURPOSE: &str = "attendance";

/// The period promised by the policy in force: the latest published one,
/// else the one phones ship with.
pub async fn fix_retention_days(state: &AppState) -> Result<u32, StoreError> {
    let published = state
        .store
        .latest_policy()
        .await?
        .and_then(|(_, text)| Policy::from_toml(&text).ok());
    let policy = published.unwrap_or_else(Policy::bundled);
    Ok(policy
        .purpose(ATTENDANCE_PURPOSE)
        .map_or(730, |p| p.retention_days))
}

/// Deletes the fixes older than the retention period; returns how many.
pub async fn purge_expired_fixes(state: &AppState) -> Result<u64, StoreError> {
    let days = i64::from(fix_retention_days(state).await?);
    let cutoff = state.now_ms().saturating_sub(days.saturating_mul(DAY_MS));
    state.store.purge_fixes(cutoff).await
}
