//! The uniffi facade over laowu-core: thin objects the Android and iPhone
//! shells hold, one public error, and the foreign traits the shells implement.
//! No rule lives here; every call forwards to the core.

uniffi::setup_scaffolding!("laowu");

mod attendance;
mod category;
mod consent;
mod error;
mod identity;
mod ledger;
mod store;
mod sync;
mod vault;

pub use attendance::{
    AttendanceCheck, AttendanceDay, AttendanceRow, CheckInReason, CheckInResult, FixProvider,
    LocationFix, LocationProvider, MapDatum, SiteSummary, WifiAccessPoint, WifiScanner,
};
pub use category::DataCategory;
pub use consent::{
    ConsentReceipt, ConsentState, ConsentView, PolicyView, PurposeGrant, PurposeTerms,
    SdkDisclosure, ShreddedCategory, WithdrawalResult,
};
pub use error::LaowuError;
pub use identity::{
    AccountDeletion, BankPathInfo, BiometricOutcome, BiometricPrompt, CompanyInfo, FaceCheck,
    IdPathInfo, IdentityInfo, RegistrationInfo,
};
pub use ledger::{LedgerCheck, LedgerRow, SdkStart};
pub use store::{CategoryStatus, LaowuStore, SealedRecord, StoreStatus};
pub use sync::{
    CodePurpose, ServerAccount, SupervisorDay, SupervisorDecision, SupervisorEntry, SyncOptions,
    SyncRefusal, SyncReport, SyncStatus,
};
pub use vault::{KeyVault, VaultError};
