//! What can go wrong talking to the server. Messages carry no personal data:
//! the server's own messages are written without any, and transport errors
//! are reduced to their kind.

use laowu_protocol::{ErrorBody, error_code};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyncError {
    /// No answer: no network, a dropped connection, a timeout.
    #[error("the server cannot be reached ({reason})")]
    Offline { reason: String },
    /// The server answered with an error.
    #[error("the server refused the request ({code}): {message}")]
    Server {
        status: u16,
        code: String,
        field: Option<String>,
        message: String,
        retry_after_s: Option<u64>,
    },
    /// The answer is not what the protocol says.
    #[error("the server's answer is not understood ({0})")]
    BadAnswer(&'static str),
    /// No server account on this phone yet.
    #[error("not signed in to a server: register or log in first")]
    NoSession,
    /// The server's signing key differs from the one pinned at first sync.
    #[error("the server's key is not the one this phone trusts")]
    ServerKeyChanged,
    /// A signature by the server does not verify.
    #[error("a {0} from the server does not verify under its key")]
    BadServerSignature(&'static str),
}

impl SyncError {
    pub(crate) fn from_body(status: u16, body: ErrorBody) -> Self {
        SyncError::Server {
            status,
            code: body.code,
            field: body.field,
            message: body.message,
            retry_after_s: body.retry_after_s,
        }
    }

    /// Whether trying the same request again later may succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            SyncError::Offline { .. } => true,
            SyncError::Server { status, code, .. } => {
                *status >= 500 || code == error_code::RATE_LIMITED
            }
            _ => false,
        }
    }

    /// The access token was refused (expired or revoked).
    pub fn is_unauthorised(&self) -> bool {
        matches!(self, SyncError::Server { status: 401, .. })
    }

    /// Seconds the server asked to wait, if it did.
    pub fn retry_after_s(&self) -> Option<u64> {
        match self {
            SyncError::Server { retry_after_s, .. } => *retry_after_s,
            _ => None,
        }
    }
}
