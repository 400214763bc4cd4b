//! `GET /v1/deletions/{id}`: queued, or done with the signed certificate.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use laowu_protocol::{DeletionCertificate, DeletionStatus};

use crate::app::AppState;
use crate::http::{ApiError, Json};
use crate::store::StoreError;

pub async fn status(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Json<DeletionStatus>, ApiError> {
    let unknown = || ApiError::not_found("no deletion request has this id");
    // An id that is not even text (bad percent-encoding) names no request.
    let Path(id) = id.map_err(|_| unknown())?;
    let record = state.store.deletion(id).await?.ok_or_else(unknown)?;
    let certificate = match record.certificate {
        Some(text) => {
            let certificate: DeletionCertificate = serde_json::from_str(&text)
                .map_err(|_| StoreError::Corrupt("a deletion certificate is not JSON"))?;
            // Unsigned only if the server stopped between deleting and
            // saving the signature; Ed25519 signs to the same bytes now.
            Some(if certificate.signature.is_empty() {
                super::signed(&state, certificate)
            } else {
                certificate
            })
        }
        None => None,
    };
    Ok(Json(DeletionStatus {
        request_id: record.id,
        state: if record.completed_ms.is_some() {
            "done"
        } else {
            "queued"
        }
        .to_string(),
        deadline: record.deadline,
        certificate,
    }))
}
