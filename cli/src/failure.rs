//! Failures, their exit codes and their stable JSON codes.

use std::process::ExitCode;

use laowu_core::app::AppError;
use laowu_core::consent::ConsentError;
use laowu_core::ledger::LedgerError;
use laowu_core::store::StoreError;
use laowu_core::sync::SyncError;

/// What the CLI's caller can act on. `code` is stable; `message` never holds
/// personal data.
#[derive(Debug)]
pub struct Failure {
    pub exit: u8,
    pub code: &'static str,
    pub field: Option<String>,
    pub message: String,
}

pub const EXIT_UNEXPECTED: u8 = 1;
pub const EXIT_INVALID: u8 = 2;
pub const EXIT_CONSENT: u8 = 3;
pub const EXIT_KEY_OR_STORE: u8 = 4;
pub const EXIT_NETWORK: u8 = 5;

impl Failure {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self {
            exit: EXIT_INVALID,
            code: "invalid_input",
            field: Some(field.to_string()),
            message: message.into(),
        }
    }

    fn store(code: &'static str, field: Option<&str>, e: &StoreError) -> Self {
        Self {
            exit: EXIT_KEY_OR_STORE,
            code,
            field: field.map(str::to_string),
            message: e.to_string(),
        }
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        match &e {
            StoreError::InvalidInput { field, reason } => Failure::invalid(field, reason.clone()),
            StoreError::WrongKey { .. } => Failure::store("wrong_key", Some("vault.key"), &e),
            StoreError::KeyUnavailable { .. } => {
                Failure::store("key_unavailable", Some("vault.key"), &e)
            }
            StoreError::Corrupt { .. } | StoreError::Tampered { .. } => {
                Failure::store("store_corrupt", None, &e)
            }
            StoreError::Foreign | StoreError::TooNew { .. } => {
                Failure::store("foreign_store", None, &e)
            }
            StoreError::NotInitialised => Failure {
                message: "no store here yet: run `laowu init` first".into(),
                ..Failure::store("not_initialised", Some("home"), &e)
            },
            StoreError::Full => Failure::store("storage_full", None, &e),
            StoreError::Io { .. } => Failure::store("store_io", Some("home"), &e),
            StoreError::Sqlite(_) => Failure {
                exit: EXIT_UNEXPECTED,
                code: "internal",
                field: None,
                message: e.to_string(),
            },
        }
    }
}

impl From<ConsentError> for Failure {
    fn from(e: ConsentError) -> Self {
        let message = e.to_string();
        match e {
            ConsentError::ConsentRequired { purpose } => Failure {
                exit: EXIT_CONSENT,
                code: "consent_required",
                field: Some(purpose),
                message,
            },
            ConsentError::EssentialWithdrawal { .. } => Failure {
                exit: EXIT_INVALID,
                code: "essential_purpose",
                field: Some("purpose".into()),
                message,
            },
            ConsentError::UnknownPurpose { .. } | ConsentError::PartialEssentials { .. } => {
                Failure::invalid("purpose", message)
            }
        }
    }
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Store(e) => e.into(),
            AppError::Consent(e) => e.into(),
            AppError::InvalidInput { field, reason } => Failure::invalid(field, reason),
            AppError::Ledger(LedgerError::Store(e)) => e.into(),
            AppError::Ledger(e) => Failure {
                exit: EXIT_KEY_OR_STORE,
                code: "ledger_tampered",
                field: None,
                message: e.to_string(),
            },
            AppError::CorruptDecision => Failure {
                exit: EXIT_KEY_OR_STORE,
                code: "store_corrupt",
                field: None,
                message: e.to_string(),
            },
            AppError::Attendance(e) => Failure::invalid(e.field(), e.reason()),
            AppError::Sync(e) => e.into(),
            AppError::Identity(e) => Failure::invalid(e.field(), e.reason()),
            AppError::NotFound { field, .. } => Failure {
                exit: EXIT_INVALID,
                code: "not_found",
                field: Some(field.to_string()),
                message: e.to_string(),
            },
        }
    }
}

/// Usage errors from clap: help and version are successes, the rest exit 2.
pub fn usage(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    let json = std::env::args().any(|a| a == "--json");
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                ExitCode::from(EXIT_INVALID)
            } else {
                ExitCode::SUCCESS
            }
        }
        _ => {
            let field = e
                .get(clap::error::ContextKind::InvalidArg)
                .map(|a| a.to_string())
                .unwrap_or_else(|| "arguments".into());
            let message = e.kind().to_string();
            crate::output::Output::new(json).failure(&Failure::invalid(&field, message));
            if !json {
                let _ = e.print();
            }
            ExitCode::from(EXIT_INVALID)
        }
    }
}

/// The server's own codes pass through (`forbidden`, `not_found`,
/// `conflict`, `rate_limited`, `unauthorised`, ...); a field error is exit 2
/// like any invalid input, the rest exit 5.
impl From<SyncError> for Failure {
    fn from(e: SyncError) -> Self {
        let message = e.to_string();
        match e {
            SyncError::Server {
                code,
                field: Some(field),
                ..
            } if code == "invalid_input" => Failure::invalid(&field, message),
            SyncError::Server { code, .. } => Failure {
                exit: EXIT_NETWORK,
                code: server_code(&code),
                field: None,
                message,
            },
            SyncError::Offline { .. } => Failure {
                exit: EXIT_NETWORK,
                code: "offline",
                field: Some("server".into()),
                message,
            },
            SyncError::NoSession => Failure {
                exit: EXIT_NETWORK,
                code: "not_signed_in",
                field: Some("server".into()),
                message,
            },
            SyncError::BadAnswer(_)
            | SyncError::ServerKeyChanged
            | SyncError::BadServerSignature(_) => Failure {
                exit: EXIT_NETWORK,
                code: "server_untrusted",
                field: Some("server".into()),
                message,
            },
        }
    }
}

/// The server's code as a `'static` string: the known ones by name, anything
/// newer as `server_error`.
fn server_code(code: &str) -> &'static str {
    use laowu_protocol::error_code::*;
    [
        INVALID_INPUT,
        UNAUTHORISED,
        FORBIDDEN,
        NOT_FOUND,
        METHOD_NOT_ALLOWED,
        CONFLICT,
        PAYLOAD_TOO_LARGE,
        UNSUPPORTED_MEDIA_TYPE,
        RATE_LIMITED,
        INTERNAL,
        UNAVAILABLE,
    ]
    .into_iter()
    .find(|c| *c == code)
    .unwrap_or("server_error")
}
