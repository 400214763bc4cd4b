//! The server's routes, separate from `main` so tests can serve them on loopback.

use axum::{Json, Router, routing::get};
use laowu_protocol::{Health, PROTOCOL_VERSION};

pub fn router() -> Router {
    Router::new().route("/v1/health", get(health))
}

async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        protocol: PROTOCOL_VERSION,
    })
}
