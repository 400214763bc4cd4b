//! laowu-core: every rule and every piece of state of the laowu app.
//!
//! The shells (Android, iPhone, the `laowu` CLI) reach this crate through thin
//! facades; nothing here knows about FFI. Rooms, each with its own error type:
//!
//! - [`store`]: the sealed SQLite store, the only code that speaks SQL.

pub mod store;
