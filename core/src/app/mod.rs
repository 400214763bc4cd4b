//! The facade the shells hold: the sealed store and the consent gate together.
//! Shells (the FFI objects and the CLI) call this and decide nothing.

mod access;
mod account;
mod attendance;
mod attendance_history;
mod attendance_view;
mod device_key;
mod error;
mod export;
mod identity;
mod quick_login;
mod sensors;
mod server_account;
mod server_link;
mod supervisor;
mod sync;

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::{Arc, RwLock, RwLockReadGuard};

pub use access::StartDecision;
pub use account::{DELETION_REQUEST_FILE, DeletionRequest, deletion_deadline};
pub use attendance::{CheckIn, CheckInRequest};
pub use attendance_history::{DaySummary, HistoryItem, Review};
pub use attendance_view::{CheckInView, DayRow, HistoryRow, SiteRow};
pub use error::AppError;
pub use identity::{BankPathInput, FaceInput, IdPathInput, local_date as china_date};
pub use quick_login::{BiometricResult, BiometricUnlock};
pub use sensors::{LocationSensor, RawObservation, WifiSensor};
pub use server_account::{SignedIn, deletion_status, submit_deletion};
pub use supervisor::Decided;
pub use sync::{Refusal, SyncReport};

use ring::rand::{SecureRandom, SystemRandom};

use crate::consent::{ConsentEvent, ConsentStatus, Decision, Gate, Policy, Receipt, ReceiptBody};
use crate::store::{DataCategory, KeyVault, OpenMode, RecordId, Store};
use device_key::DeviceKey;

/// The kind under which the standing consent decision is stored (sealed,
/// Consent category); the newest one is in force.
const DECISION_KIND: &str = "consent.decision";
/// Signed consent receipts, queued for the server (sync state pending).
const RECEIPT_KIND: &str = "consent.receipt";

/// What a withdrawal did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Withdrawal {
    pub purpose: String,
    /// Each category shredded (no other granted purpose used it) and the rows it held.
    pub shredded: Vec<(DataCategory, u64)>,
    /// Rows collected for the purpose in categories other purposes still use.
    pub purpose_rows_removed: u64,
}

/// A phone: its sealed store and the consent gate over it.
pub struct Phone {
    store: Store,
    gate: RwLock<Gate>,
    /// How consent is collected through this shell (`app`, `cli`), for receipts.
    channel: &'static str,
}

impl Phone {
    /// Opens the phone's store under `policy` (the bundled one in the apps).
    pub fn open(
        dir: &Path,
        vault: Arc<dyn KeyVault>,
        mode: OpenMode,
        policy: Policy,
    ) -> Result<Self, AppError> {
        let store = Store::open(dir, vault, mode)?;
        let decision = load_decision(&store)?;
        Ok(Self {
            store,
            gate: RwLock::new(Gate::new(policy, decision)),
            channel: "app",
        })
    }

    /// Names the shell collecting consent, for the receipts (`app` by default).
    pub fn with_channel(mut self, channel: &'static str) -> Self {
        self.channel = channel;
        self
    }

    /// The store, for reads (the user's own data is always theirs to see).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The gate, read-locked: permits minted from it live as long as the guard.
    pub fn gate(&self) -> RwLockReadGuard<'_, Gate> {
        self.gate.read().unwrap_or_else(|p| p.into_inner())
    }

    pub fn consent_status(&self) -> ConsentStatus {
        self.gate().status()
    }

    /// Records the user's choice among the pending purposes (plus any optional
    /// purpose they opt into): exactly `granted`, nothing pre-ticked.
    pub fn decide(
        &self,
        granted: &BTreeSet<String>,
        at_ms: i64,
    ) -> Result<ConsentStatus, AppError> {
        let mut gate = self.gate.write().unwrap_or_else(|p| p.into_inner());
        let decision = gate.decide(granted, at_ms)?;
        self.save(gate.policy(), &decision, ConsentEvent::Decide, at_ms)?;
        *gate = Gate::new(gate.policy().clone(), Some(decision));
        Ok(gate.status())
    }

    /// Accepts every purpose of the current policy.
    pub fn accept_all(&self, at_ms: i64) -> Result<ConsentStatus, AppError> {
        let all = self
            .gate()
            .policy()
            .purposes
            .iter()
            .map(|p| p.id.to_string())
            .collect();
        self.decide(&all, at_ms)
    }

    /// Withdraws an optional purpose: collection stops at once (the gate is
    /// replaced before this returns), the categories only it used are shredded,
    /// and its rows in categories other granted purposes share are deleted.
    pub fn withdraw(&self, purpose: &str, at_ms: i64) -> Result<Withdrawal, AppError> {
        let mut gate = self.gate.write().unwrap_or_else(|p| p.into_inner());
        let (decision, categories) = gate.withdraw(purpose, at_ms)?;
        self.save(gate.policy(), &decision, ConsentEvent::Withdraw, at_ms)?;
        *gate = Gate::new(gate.policy().clone(), Some(decision));
        drop(gate);
        let mut shredded = Vec::with_capacity(categories.len());
        for category in categories {
            shredded.push((category, self.store.shred(category)?));
        }
        let purpose_rows_removed = self.store.delete_purpose_records(purpose)?;
        Ok(Withdrawal {
            purpose: purpose.to_string(),
            shredded,
            purpose_rows_removed,
        })
    }

    /// Seals and stores personal data collected for `purpose`. Refused with
    /// `ConsentRequired` unless the user granted it under the current policy.
    pub fn put(
        &self,
        purpose: &str,
        category: DataCategory,
        kind: &str,
        value: &[u8],
        at_ms: i64,
        lookup: bool,
    ) -> Result<RecordId, AppError> {
        let gate = self.gate();
        let permit = gate.permit(purpose)?;
        Ok(self
            .store
            .put_record(&permit, category, kind, value, at_ms, lookup)?)
    }

    /// Every consent receipt on the phone, oldest first, each with whether
    /// its signature verifies.
    pub fn receipts(&self) -> Result<Vec<(Receipt, bool)>, AppError> {
        self.store
            .internal_records(DataCategory::Consent, RECEIPT_KIND)?
            .into_iter()
            .map(|r| {
                let receipt: Receipt =
                    serde_json::from_slice(&r.value).map_err(|_| AppError::CorruptDecision)?;
                let valid = receipt.verify();
                Ok((receipt, valid))
            })
            .collect()
    }

    /// Stores the new standing decision and its signed receipt in one transaction.
    fn save(
        &self,
        policy: &Policy,
        decision: &Decision,
        event: ConsentEvent,
        at_ms: i64,
    ) -> Result<(), AppError> {
        let key = DeviceKey::load_or_create(&self.store)?;
        let body = ReceiptBody::new(
            random_id()?,
            event,
            self.channel,
            key.public_hex(),
            policy,
            decision,
        );
        let signature = key.sign_hex(&body.signed_bytes());
        let receipt =
            serde_json::to_vec(&Receipt { body, signature }).expect("a receipt always serialises");
        let decision = zeroize::Zeroizing::new(
            serde_json::to_vec(decision).expect("a decision always serialises"),
        );
        self.store.put_internal_records(
            &[
                (DataCategory::Consent, DECISION_KIND, &decision),
                (DataCategory::Consent, RECEIPT_KIND, &receipt),
            ],
            at_ms,
        )?;
        Ok(())
    }
}

/// A random 128-bit id, hex: receipts, events (their sync idempotency keys).
pub(crate) fn random_id() -> Result<String, AppError> {
    let mut id = [0u8; 16];
    SystemRandom::new().fill(&mut id).map_err(|_| {
        AppError::Store(crate::store::StoreError::Io {
            reason: "the random source failed".into(),
        })
    })?;
    Ok(hex::encode(id))
}

/// An id for a site made on the phone (sites from sync bring their own).
pub fn new_site_id() -> Result<String, AppError> {
    Ok(format!("site-{}", &random_id()?[..12]))
}

fn load_decision(store: &Store) -> Result<Option<Decision>, AppError> {
    let Some(record) = store.latest_internal_record(DataCategory::Consent, DECISION_KIND)? else {
        return Ok(None);
    };
    serde_json::from_slice(&record.value)
        .map(Some)
        .map_err(|_| AppError::CorruptDecision)
}
