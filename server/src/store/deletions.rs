//! Account deletion: the queue, anonymisation, certificates.
//!
//! Only [`DeletionStore`] is re-exported; the records are reached through
//! its methods.

use laowu_protocol::DeletionCertificate;

use super::StoreFuture;

/// A request, queued or done. Nothing in it links back to the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeletionRecord {
    pub id: String,
    pub requested_ms: i64,
    pub deadline: String,
    /// `None` while queued.
    pub completed_ms: Option<i64>,
    /// The certificate as JSON, once done.
    pub certificate: Option<String>,
}

/// What the admin command reports: the open requests in full, the done
/// ones only counted (they grow without bound).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeletionQueue {
    /// Oldest first.
    pub queued: Vec<DeletionRecord>,
    pub done: u64,
}

/// Rows a completed deletion touched.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeletionCounts {
    /// Attendance rows kept for wage records, unlinked from the account and
    /// stripped of the raw location fix.
    pub anonymised_attendance: u64,
    /// Supervisor decisions unlinked from the account: on its attendance,
    /// or made by it as a supervisor.
    pub anonymised_decisions: u64,
    /// Every other row of the account, deleted.
    pub deleted: u64,
}

/// A deletion just carried out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub counts: DeletionCounts,
    /// Stored on the request's row with an empty signature: the store holds
    /// no key. The caller signs it and saves it with
    /// [`DeletionStore::save_certificate`]; Ed25519 is deterministic, so a
    /// certificate left unsigned by a crash can be signed later to the same
    /// bytes.
    pub certificate: DeletionCertificate,
}

impl Completion {
    /// The unsigned certificate for request `id` whose erasure counted
    /// `counts`, and the JSON text the backends store with the request.
    pub(super) fn new(
        id: &str,
        requested_ms: i64,
        deadline: String,
        now_ms: i64,
        counts: DeletionCounts,
    ) -> Result<(Completion, String), super::StoreError> {
        let certificate = DeletionCertificate {
            request_id: id.to_string(),
            requested_at_ms: requested_ms,
            deadline,
            completed_at_ms: now_ms,
            anonymised_records: counts.anonymised_attendance + counts.anonymised_decisions,
            deleted_records: counts.deleted,
            signature: String::new(),
        };
        let text = serde_json::to_string(&certificate)
            .map_err(|_| super::StoreError::Corrupt("a certificate does not serialise"))?;
        Ok((
            Completion {
                counts,
                certificate,
            },
            text,
        ))
    }
}

pub trait DeletionStore {
    /// The account that registered this device public key (32 bytes), if any.
    fn account_by_device_key(&self, public_key: Vec<u8>) -> StoreFuture<'_, Option<String>>;

    /// Queues a request under `id` (random: the handle the phone asks for
    /// the certificate with), received at `requested_ms` and due by
    /// `deadline` (YYYY-MM-DD, inclusive), unless the account already has an
    /// open one: then nothing is written and that one is returned, so a
    /// replayed or repeated request yields the same id and deadline.
    fn queue_deletion(
        &self,
        id: String,
        account_id: String,
        requested_ms: i64,
        deadline: String,
    ) -> StoreFuture<'_, DeletionRecord>;

    fn deletion(&self, id: String) -> StoreFuture<'_, Option<DeletionRecord>>;

    fn deletion_queue(&self) -> StoreFuture<'_, DeletionQueue>;

    /// Carries out a queued request in one transaction: the account's
    /// attendance loses its account and raw fix, its decisions their account;
    /// everything else of it is deleted (items, sync chain heads, refresh
    /// tokens, devices, supervisor bindings, SMS codes and rate events under
    /// its phone key, the account itself). The request is marked done at
    /// `now_ms` with its unsigned certificate, and its account link cleared
    /// so nothing points back. `None` when the id is unknown or already done.
    fn complete_deletion(&self, id: String, now_ms: i64) -> StoreFuture<'_, Option<Completion>>;

    /// Replaces a done request's certificate with the signed one. False when
    /// no done request has this id.
    fn save_certificate(&self, id: String, certificate: String) -> StoreFuture<'_, bool>;
}
