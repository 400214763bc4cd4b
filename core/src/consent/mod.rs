//! Consent: the privacy policy as data, and the gate that alone mints the
//! permits every collection of personal data needs.

mod data_kind;
mod decision;
mod diff;
mod gate;
mod policy;
mod policy_file;
mod receipt;

pub use data_kind::{DataKind, UnknownDataKind};
pub use decision::{Decision, PurposeDecision, PurposeTerms};
pub use diff::{Change, PolicyDiff, PurposeChange};
pub use gate::{ConsentError, ConsentStatus, Gate, GateState, Permit, PurposeStatus};
pub use policy::{Policy, PolicyError, Purpose, PurposeId, Sdk};
pub use receipt::{
    CollectionMethod, ConsentEvent, RECEIPT_VERSION, Receipt, ReceiptBody, ReceiptPurpose,
};

#[cfg(test)]
mod gate_tests;
