//! Sync: `POST /v1/sync/push` (outbox batches, verified item by item) and
//! `POST /v1/sync/pull` (sites, policy, decisions, a signed time token).

mod day;
mod pull;
mod push;
mod retention;
mod verify;

pub use day::DEFAULT_TIME_ZONE;
pub use pull::pull;
pub use push::push;
pub use retention::purge_expired_fixes;
pub use verify::event_context;
