//! [`ApiError`]: a status and an `ErrorBody` with a stable code. Messages are
//! fixed text chosen here or by handlers, never a value from the request.

use std::borrow::Cow;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use laowu_protocol::{ErrorBody, error_code};

use crate::store::StoreError;

#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    field: Option<Cow<'static, str>>,
    message: Cow<'static, str>,
    retry_after_s: Option<u64>,
    /// Set when a store error became this 500, so the metrics can count it.
    store_failed: bool,
}

/// Marks a response that a store error caused; the access-log layer, which
/// holds the metrics, counts it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct StoreFailed;

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        ApiError {
            status,
            code,
            field: None,
            message: message.into(),
            retry_after_s: None,
            store_failed: false,
        }
    }

    /// 400 with the wire name of the field at fault.
    pub fn invalid_field(
        field: impl Into<Cow<'static, str>>,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        ApiError {
            field: Some(field.into()),
            ..Self::new(StatusCode::BAD_REQUEST, error_code::INVALID_INPUT, message)
        }
    }

    /// 400 about the body as a whole.
    pub fn invalid_body(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, error_code::INVALID_INPUT, message)
    }

    pub fn unauthorised(message: &'static str) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, error_code::UNAUTHORISED, message)
    }

    pub fn forbidden(message: &'static str) -> Self {
        Self::new(StatusCode::FORBIDDEN, error_code::FORBIDDEN, message)
    }

    pub fn not_found(message: &'static str) -> Self {
        Self::new(StatusCode::NOT_FOUND, error_code::NOT_FOUND, message)
    }

    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            error_code::METHOD_NOT_ALLOWED,
            "this route does not take this method",
        )
    }

    pub fn conflict(message: &'static str) -> Self {
        Self::new(StatusCode::CONFLICT, error_code::CONFLICT, message)
    }

    pub fn payload_too_large() -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            error_code::PAYLOAD_TOO_LARGE,
            "the body is larger than this server accepts",
        )
    }

    pub fn unsupported_media_type() -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            error_code::UNSUPPORTED_MEDIA_TYPE,
            "the body must be JSON, sent as Content-Type: application/json",
        )
    }

    /// 429; the wait is rounded up to whole seconds.
    pub fn rate_limited(retry_after_ms: i64) -> Self {
        let secs = u64::try_from(retry_after_ms.max(1))
            .unwrap_or(1)
            .div_ceil(1000);
        ApiError {
            retry_after_s: Some(secs),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                error_code::RATE_LIMITED,
                "too many requests: try again after retry_after_s seconds",
            )
        }
    }

    pub fn unavailable(message: &'static str) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            error_code::UNAVAILABLE,
            message,
        )
    }

    /// 500: the cause goes to the log (callers log it), and the client
    /// learns only that it may retry.
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            error_code::INTERNAL,
            "the server failed; try again later",
        )
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            code: self.code.to_string(),
            field: self.field.as_deref().map(str::to_string),
            message: self.message.to_string(),
            retry_after_s: self.retry_after_s,
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        // Store errors name what failed, never a stored value.
        tracing::error!(error = %e, "store operation failed");
        let answer = match e {
            // PostgreSQL restarting or out of connections: nothing was
            // written (each step is one transaction), and a retry will do.
            StoreError::Unreachable(_) => {
                let mut answer = ApiError::unavailable("the database is unavailable; try again");
                answer.retry_after_s = Some(2);
                answer
            }
            _ => ApiError::internal(),
        };
        ApiError {
            store_failed: true,
            ..answer
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(self.body())).into_response();
        let headers = response.headers_mut();
        if let Some(secs) = self.retry_after_s {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if self.store_failed {
            response.extensions_mut().insert(StoreFailed);
        }
        response
    }
}
