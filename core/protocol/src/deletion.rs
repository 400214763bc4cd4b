//! Account deletion on the server.
//!
//! `POST /v1/deletions` takes the phone's signed deletion request (as JSON
//! text: the bytes the device key signed) and answers 202 [`DeletionReceipt`];
//! no bearer token is needed, since the phone's store is gone by then and the
//! signature by a registered device key proves who asks.
//! `GET /v1/deletions/{id}` → 200 [`DeletionStatus`], with the signed
//! certificate once the deletion is done.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeletionSubmission {
    /// The phone's `DeletionRequest` as JSON.
    pub request: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletionReceipt {
    /// Random, unguessable: the handle to ask for the certificate with.
    pub request_id: String,
    /// YYYY-MM-DD: the last day the server may take, 15 working days on.
    pub deadline: String,
}

/// What the server signs when the deletion is done.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletionCertificate {
    pub request_id: String,
    pub requested_at_ms: i64,
    pub deadline: String,
    pub completed_at_ms: i64,
    /// Attendance records kept for wage records, with the worker's identity removed.
    pub anonymised_records: u64,
    /// Everything else about the account that was deleted (rows).
    pub deleted_records: u64,
    /// Ed25519 by the server key over [`DeletionCertificate::signed_bytes`], hex.
    pub signature: String,
}

impl DeletionCertificate {
    pub fn signed_bytes(&self) -> Vec<u8> {
        format!(
            "laowu-deletion-v1\n{}\n{}\n{}\n{}\n{}\n{}",
            self.request_id,
            self.requested_at_ms,
            self.deadline,
            self.completed_at_ms,
            self.anonymised_records,
            self.deleted_records
        )
        .into_bytes()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletionStatus {
    pub request_id: String,
    /// `queued` or `done`.
    pub state: String,
    pub deadline: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<DeletionCertificate>,
}
