//! `GET /v1/health`: up, and which protocol it speaks (liveness).
//! `GET /v1/ready`: the database answers too (readiness): a load balancer
//! sends requests only to a process whose store works.

use axum::extract::State;
use laowu_protocol::{Health, PROTOCOL_VERSION};

use crate::app::AppState;
use crate::http::{ApiError, Json};

pub async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        protocol: PROTOCOL_VERSION,
    })
}

pub async fn ready(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    match state.store.ping().await {
        Ok(()) => Ok(Json(Health {
            status: "ready".into(),
            protocol: PROTOCOL_VERSION,
        })),
        Err(e) => {
            tracing::error!(error = %e, "readiness: the store does not answer");
            Err(ApiError::unavailable("the database does not answer"))
        }
    }
}
