//! The one error the shells see. Each variant is something a shell can act on;
//! no message carries personal data.

use laowu_core::app::AppError;
use laowu_core::consent::ConsentError;
use laowu_core::ledger::LedgerError;
use laowu_core::store::StoreError;
use laowu_core::sync::SyncError;

#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum LaowuError {
    /// An argument was refused; `field` names it and `reason` says why.
    #[error("invalid {field}: {reason}")]
    InvalidInput { field: String, reason: String },
    /// The consent gate refused: the user has not agreed to `purpose`.
    #[error("consent required for {purpose}")]
    ConsentRequired { purpose: String },
    /// The key store returned a key that does not open this store.
    #[error("wrong key for {category}")]
    WrongKey { category: String },
    /// The key store could not produce the key.
    #[error("key unavailable for {category}: {reason}")]
    KeyUnavailable { category: String, reason: String },
    /// The store file is damaged, or a stored value failed authentication.
    #[error("store corrupt: {reason}")]
    StoreCorrupt { reason: String },
    /// The file is not a laowu store, or was written by a newer app.
    #[error("not a usable laowu store: {reason}")]
    ForeignStore { reason: String },
    /// The disk, or the store's size limit, is full.
    #[error("storage full")]
    StorageFull,
    /// The store's directory or file cannot be created, opened or written.
    #[error("store unavailable: {reason}")]
    StoreIo { reason: String },
    /// The thing asked for does not exist.
    #[error("not found: {what}")]
    NotFound { what: String },
    /// No network, or the server could not be reached.
    #[error("offline: {reason}")]
    Offline { reason: String },
    /// The server answered with an error. Sync and account calls use it when
    /// the server failed (5xx): retry later.
    #[error("server error {status}: {reason}")]
    Server { status: u16, reason: String },
    /// No server account on this phone yet, or the session ended (expired,
    /// revoked, the password was reset): register or log in, then retry.
    #[error("not signed in to a server")]
    NotSignedIn,
    /// The server refused this request (4xx): `code` is the protocol's error
    /// code (`invalid_input`, `unauthorised`, `forbidden`, `not_found`,
    /// `conflict`, `rate_limited`, ...), `field` the input it names, if any.
    /// After `rate_limited`, wait `retry_after_s` seconds.
    #[error("the server refused the request ({code})")]
    ServerRefused {
        status: u16,
        code: String,
        field: Option<String>,
        reason: String,
        retry_after_s: Option<u64>,
    },
    /// The server's key is not the one this phone pinned, or something it
    /// signed does not verify: do not retry blindly; tell the user.
    #[error("the server is not trusted: {reason}")]
    ServerUntrusted { reason: String },
    /// The server's answer is not what the protocol says (a captive portal,
    /// a proxy, a server of another version): retry later.
    #[error("the server's answer is not understood: {reason}")]
    BadServerAnswer { reason: String },
    /// A bug: something that should not happen did.
    #[error("internal error: {reason}")]
    Internal { reason: String },
}

impl From<StoreError> for LaowuError {
    fn from(e: StoreError) -> Self {
        let reason = e.to_string();
        match e {
            StoreError::WrongKey { category } => LaowuError::WrongKey {
                category: category.to_string(),
            },
            StoreError::KeyUnavailable { category, reason } => LaowuError::KeyUnavailable {
                category: category.to_string(),
                reason,
            },
            StoreError::Corrupt { .. } | StoreError::Tampered { .. } => {
                LaowuError::StoreCorrupt { reason }
            }
            StoreError::Foreign | StoreError::TooNew { .. } => LaowuError::ForeignStore { reason },
            StoreError::NotInitialised => LaowuError::NotFound {
                what: "store".into(),
            },
            StoreError::Full => LaowuError::StorageFull,
            StoreError::Io { .. } => LaowuError::StoreIo { reason },
            StoreError::InvalidInput { field, reason } => LaowuError::InvalidInput {
                field: field.into(),
                reason,
            },
            StoreError::Sqlite(_) => LaowuError::Internal { reason },
        }
    }
}

impl From<ConsentError> for LaowuError {
    fn from(e: ConsentError) -> Self {
        let reason = e.to_string();
        match e {
            ConsentError::ConsentRequired { purpose } => LaowuError::ConsentRequired { purpose },
            ConsentError::UnknownPurpose { .. }
            | ConsentError::EssentialWithdrawal { .. }
            | ConsentError::PartialEssentials { .. } => LaowuError::InvalidInput {
                field: "purpose".into(),
                reason,
            },
        }
    }
}

impl From<AppError> for LaowuError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Store(e) => e.into(),
            AppError::Consent(e) => e.into(),
            AppError::InvalidInput { field, reason } => LaowuError::InvalidInput {
                field: field.into(),
                reason,
            },
            AppError::Ledger(LedgerError::Store(e)) => e.into(),
            AppError::Ledger(e) => LaowuError::StoreCorrupt {
                reason: e.to_string(),
            },
            AppError::CorruptDecision => LaowuError::StoreCorrupt {
                reason: e.to_string(),
            },
            AppError::Attendance(e) => LaowuError::InvalidInput {
                field: e.field().into(),
                reason: e.reason().into(),
            },
            AppError::Identity(e) => LaowuError::InvalidInput {
                field: e.field().into(),
                reason: e.reason().into(),
            },
            AppError::NotFound { what, field } => LaowuError::InvalidInput {
                field: field.into(),
                reason: format!("no {what} with this {field}"),
            },
            AppError::Sync(e) => e.into(),
        }
    }
}

/// The longest server-written reason passed on: a server is only as trusted
/// as the address the user typed, so what it says is bounded.
const MAX_SERVER_REASON_CHARS: usize = 200;

impl From<SyncError> for LaowuError {
    fn from(e: SyncError) -> Self {
        let reason = e.to_string();
        match e {
            SyncError::Offline { reason } => LaowuError::Offline { reason },
            SyncError::Server {
                status, message, ..
            } if status >= 500 => LaowuError::Server {
                status,
                reason: bounded(&message),
            },
            SyncError::Server {
                status,
                code,
                field,
                message,
                retry_after_s,
            } => LaowuError::ServerRefused {
                status,
                code: bounded(&code),
                field: field.map(|f| bounded(&f)),
                reason: bounded(&message),
                retry_after_s,
            },
            SyncError::NoSession => LaowuError::NotSignedIn,
            SyncError::ServerKeyChanged | SyncError::BadServerSignature(_) => {
                LaowuError::ServerUntrusted { reason }
            }
            SyncError::BadAnswer(_) => LaowuError::BadServerAnswer { reason },
        }
    }
}

/// At most [`MAX_SERVER_REASON_CHARS`] characters, without control characters.
fn bounded(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .take(MAX_SERVER_REASON_CHARS)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(status: u16, code: &str, field: Option<&str>) -> SyncError {
        SyncError::Server {
            status,
            code: code.into(),
            field: field.map(Into::into),
            message: "is wrong, expired or used up: request a new code".into(),
            retry_after_s: None,
        }
    }

    #[test]
    fn sync_errors_become_variants_a_shell_acts_on() {
        let offline = SyncError::Offline {
            reason: "timed out".into(),
        };
        assert!(matches!(
            LaowuError::from(AppError::Sync(offline)),
            LaowuError::Offline { reason } if reason == "timed out"
        ));
        assert!(matches!(
            LaowuError::from(AppError::Sync(SyncError::NoSession)),
            LaowuError::NotSignedIn
        ));
        match LaowuError::from(server(400, "invalid_input", Some("code"))) {
            LaowuError::ServerRefused {
                status,
                code,
                field,
                ..
            } => {
                assert_eq!(status, 400);
                assert_eq!(code, "invalid_input");
                assert_eq!(field.as_deref(), Some("code"));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            LaowuError::from(server(503, "unavailable", None)),
            LaowuError::Server { status: 503, .. }
        ));
        for untrusted in [
            SyncError::ServerKeyChanged,
            SyncError::BadServerSignature("decision"),
        ] {
            assert!(matches!(
                LaowuError::from(untrusted),
                LaowuError::ServerUntrusted { .. }
            ));
        }
        assert!(matches!(
            LaowuError::from(SyncError::BadAnswer("the JSON is not the expected shape")),
            LaowuError::BadServerAnswer { .. }
        ));
    }

    #[test]
    fn a_servers_words_are_bounded() {
        let long = SyncError::Server {
            status: 409,
            code: "conflict".into(),
            field: None,
            message: format!("line\n{}", "x".repeat(1000)),
            retry_after_s: Some(3),
        };
        match LaowuError::from(long) {
            LaowuError::ServerRefused {
                reason,
                retry_after_s,
                ..
            } => {
                assert_eq!(reason.chars().count(), MAX_SERVER_REASON_CHARS);
                assert!(!reason.contains('\n'));
                assert_eq!(retry_after_s, Some(3));
            }
            other => panic!("{other:?}"),
        }
    }
}
