//! Carrying out queued deletions: run by the server's housekeeping and by
//! `laowu-server admin deletions --process`.

use laowu_protocol::DeletionCertificate;

use crate::app::AppState;
use crate::store::StoreError;

/// What one sweep did.
#[derive(Debug, Default)]
pub struct SweepReport {
    /// The signed certificate of each request completed, oldest first.
    pub certificates: Vec<DeletionCertificate>,
}

/// Completes every queued request: each in its own transaction, then signs
/// and saves its certificate. A request another process completed meanwhile
/// is skipped.
pub async fn sweep(state: &AppState) -> Result<SweepReport, StoreError> {
    let mut report = SweepReport::default();
    for record in state.store.deletion_queue().await?.queued {
        let Some(done) = state
            .store
            .complete_deletion(record.id, state.now_ms())
            .await?
        else {
            continue;
        };
        let certificate = super::signed(state, done.certificate);
        let text = serde_json::to_string(&certificate)
            .map_err(|_| StoreError::Corrupt("a certificate does not serialise"))?;
        state
            .store
            .save_certificate(certificate.request_id.clone(), text)
            .await?;
        tracing::info!(
            request = %certificate.request_id,
            anonymised_attendance = done.counts.anonymised_attendance,
            anonymised_decisions = done.counts.anonymised_decisions,
            deleted = done.counts.deleted,
            "account deleted"
        );
        report.certificates.push(certificate);
    }
    Ok(report)
}
