//! laowu-server: the reference server the phones sync with.
//!
//! - [`routes`]: the route table and the router built from it.
//! - [`accounts`]: SMS codes, registration, login, sessions, devices.
//! - [`store`]: the repository traits, the embedded SQLite backend and the
//!   PostgreSQL one; the only code that speaks SQL.
//! - `http`: errors, extractors and layers shared by every route.
//! - `crypto`: the master secret and the keys derived from it.
//! - [`serve_metrics`]: the Prometheus metrics, on a listener of their own.
//!
//! Logs and error messages never carry a phone number, code, password,
//! name or token; a number shows in logs only as a keyed 8-hex-digit tag.

pub mod accounts;
pub mod admin;
mod app;
pub mod clock;
pub mod config;
mod crypto;
mod deletion;
mod health;
mod http;
mod metrics_serve;
mod routes;
mod serve;
pub mod store;
mod supervision;
mod sync;

pub use app::{AppState, StartError};
pub use config::{Config, Database, Limits, PasswordHashParams};
pub use metrics_serve::serve_metrics;
pub use routes::{Route, router, routes};
pub use serve::serve;
