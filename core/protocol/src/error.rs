//! The one shape of every error response.

use serde::{Deserialize, Serialize};

/// Every error response body: a stable code, the field at fault if one is,
/// and a message without personal data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// One of [`error_code`]'s constants; clients branch on this, never on
    /// the message.
    pub code: String,
    /// The request field at fault (`invalid_input`), as named on the wire.
    pub field: Option<String>,
    /// For people reading logs and debugging; not for display to end users.
    pub message: String,
    /// With `rate_limited`: seconds until the request may succeed (also sent
    /// as the `Retry-After` header).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_s: Option<u64>,
}

impl ErrorBody {
    pub fn new(code: &str, field: Option<&str>, message: impl Into<String>) -> Self {
        ErrorBody {
            code: code.to_string(),
            field: field.map(str::to_string),
            message: message.into(),
            retry_after_s: None,
        }
    }
}

/// The stable values of [`ErrorBody::code`].
pub mod error_code {
    /// 400: the body is not the JSON the route takes, or a field's value is
    /// refused; `field` names it when one field is at fault.
    pub const INVALID_INPUT: &str = "invalid_input";
    /// 401: no credentials, or wrong, expired or revoked ones.
    pub const UNAUTHORISED: &str = "unauthorised";
    /// 403: authenticated, but the account's role does not allow this.
    pub const FORBIDDEN: &str = "forbidden";
    /// 404: no such route or resource.
    pub const NOT_FOUND: &str = "not_found";
    /// 405: the route exists but not with this method.
    pub const METHOD_NOT_ALLOWED: &str = "method_not_allowed";
    /// 409: the resource already exists (an account for this number, a device key).
    pub const CONFLICT: &str = "conflict";
    /// 413: the body is larger than the server takes.
    pub const PAYLOAD_TOO_LARGE: &str = "payload_too_large";
    /// 415: the body is not `application/json`.
    pub const UNSUPPORTED_MEDIA_TYPE: &str = "unsupported_media_type";
    /// 429: too many requests; see `retry_after_s`.
    pub const RATE_LIMITED: &str = "rate_limited";
    /// 500: the server failed; the request may be retried.
    pub const INTERNAL: &str = "internal";
    /// 503: the server is starting or shutting down, or a dependency (SMS) failed.
    pub const UNAVAILABLE: &str = "unavailable";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_shape_omits_an_absent_retry_after() {
        let body = ErrorBody::new(error_code::INVALID_INPUT, Some("phone"), "bad");
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            serde_json::json!({"code": "invalid_input", "field": "phone", "message": "bad"})
        );
        let limited = ErrorBody {
            retry_after_s: Some(30),
            ..ErrorBody::new(error_code::RATE_LIMITED, None, "slow down")
        };
        let json = serde_json::to_value(&limited).unwrap();
        assert_eq!(json["retry_after_s"], 30);
        assert_eq!(serde_json::from_value::<ErrorBody>(json).unwrap(), limited);
    }
}
