//! `GET /v1/health`: up, and which protocol it speaks.

use laowu_protocol::{Health, PROTOCOL_VERSION};

use crate::http::Json;

pub async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        protocol: PROTOCOL_VERSION,
    })
}
