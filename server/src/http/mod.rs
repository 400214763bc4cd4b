//! The HTTP edge: the error type every handler returns, the extractors that
//! turn any malformed request into an `ErrorBody`, and the layers around
//! every route, and the metrics they count into.

mod auth;
mod client_ip;
mod error;
mod json;
mod layers;
mod metrics;

pub use auth::Authenticated;
pub use client_ip::ClientIp;
pub use error::ApiError;
pub use json::Json;
pub use layers::harden;
pub use metrics::{CONTENT_TYPE as METRICS_CONTENT_TYPE, Metrics};
