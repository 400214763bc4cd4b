//! `POST /v1/sync/pull`: what the server decides, signed so the phone can
//! hold it offline and still tell it came from here.

use axum::extract::State;
use laowu_protocol::{Decision, PullRequest, PullResponse, SignedPolicy, TimeToken};

use crate::app::AppState;
use crate::http::{ApiError, Authenticated, Json};
use crate::supervision::note_context;

/// Most decisions one pull brings; the phone pulls again after the cursor.
const MAX_DECISIONS: u32 = 500;

pub async fn pull(
    State(state): State<AppState>,
    Authenticated(claims): Authenticated,
    Json(request): Json<PullRequest>,
) -> Result<Json<PullResponse>, ApiError> {
    if request.nonce.len() != 32 || !request.nonce.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ApiError::invalid_field("nonce", "must be 32 hex digits"));
    }
    let sites = state
        .store
        .sites()
        .await?
        .into_iter()
        .map(|s| s.spec)
        .collect();
    let policy = state
        .store
        .latest_policy()
        .await?
        .map(|(version, text)| SignedPolicy {
            signature: state
                .keys
                .sign_hex(&SignedPolicy::signed_bytes(&version, &text)),
            version,
            text,
        });
    let mut decisions = Vec::new();
    for d in state
        .store
        .decisions_after(claims.account_id, request.since, MAX_DECISIONS)
        .await?
    {
        let note = match &d.note_sealed {
            Some(sealed) => Some(
                state
                    .keys
                    .open(&note_context(&d.event_id), sealed)
                    .and_then(|bytes| String::from_utf8(bytes).ok())
                    .ok_or_else(|| {
                        tracing::error!("a decision note does not open");
                        ApiError::internal()
                    })?,
            ),
            None => None,
        };
        decisions.push(Decision {
            cursor: d.cursor,
            event_id: d.event_id,
            approved: d.approved,
            note,
            decided_at_ms: d.decided_ms,
            signature: d.signature,
        });
    }
    let cursor = decisions.last().map_or(request.since, |d| d.cursor);
    let server_ms = state.now_ms();
    Ok(Json(PullResponse {
        sites,
        policy,
        decisions,
        cursor,
        time: TimeToken {
            server_ms,
            signature: state
                .keys
                .sign_hex(&TimeToken::signed_bytes(server_ms, &request.nonce)),
            nonce: request.nonce,
        },
        server_key: state.keys.public_key_hex(),
    }))
}
