//! The HTTP edge: the error type every handler returns, the extractors that
//! turn any malformed request into an `ErrorBody`, and the layers around
//! every route.

mod auth;
mod client_ip;
mod error;
mod json;
mod layers;

pub use auth::Authenticated;
pub use client_ip::ClientIp;
pub use error::ApiError;
pub use json::Json;
pub use layers::harden;
