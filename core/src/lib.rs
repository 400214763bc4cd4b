//! laowu-core: every rule and every piece of state of the laowu app.
//!
//! The shells (Android, iPhone, the `laowu` CLI) reach this crate through thin
//! facades; nothing here knows about FFI. Rooms, each with its own error type:
//!
//! - [`store`]: the sealed SQLite store, the only code that speaks SQL.
//! - [`consent`]: the privacy policy as data and the gate that mints permits.
//! - [`ledger`]: the SDK-permission ledger.
//! - [`attendance`]: geofences and map datums for check-ins (more arrives with the attendance work).
//! - [`app`]: the facade the shells hold: store and gate together.

pub mod app;
pub mod attendance;
pub mod calendar;
pub mod consent;
pub mod disclosure;
pub mod identity;
pub mod ledger;
pub mod store;
pub mod sync;
