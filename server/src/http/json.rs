//! [`Json`]: axum's `Json`, but every way a body can be wrong is an
//! [`ApiError`] naming the field at fault, and no message repeats a value
//! from the body (serde's messages quote values, which may be a phone number
//! or a password, so they are classified and replaced).

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::error::Category;

use super::ApiError;

/// Longest unknown field name echoed back in `ErrorBody::field`.
const MAX_ECHOED_NAME: usize = 64;

#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<S, T> FromRequest<S> for Json<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        if !is_json(req.headers().get(header::CONTENT_TYPE)) {
            return Err(ApiError::unsupported_media_type());
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::payload_too_large()
            } else {
                ApiError::invalid_body("the body could not be read")
            }
        })?;
        parse(&bytes).map(Json)
    }
}

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

fn is_json(content_type: Option<&header::HeaderValue>) -> bool {
    let Some(value) = content_type.and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("application/json")
        || essence.rsplit_once('+').is_some_and(|(kind, suffix)| {
            kind.to_ascii_lowercase().starts_with("application/")
                && suffix.eq_ignore_ascii_case("json")
        })
}

pub(crate) fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(classify)?;
    // Trailing bytes after the document are as malformed as a bad document.
    de.end()
        .map_err(|_| ApiError::invalid_body("the body is not well-formed JSON"))?;
    Ok(value)
}

fn classify(err: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let mut path = segments(err.path());
    let inner = err.inner();
    match inner.classify() {
        Category::Data => {}
        // A syntax error inside a field's value, and (as serde_json reports
        // it) a number where an enum's variant name belongs: the field is
        // at fault, so name it.
        Category::Syntax if !path.is_empty() => {
            return at(&path, "is malformed or of the wrong type", "");
        }
        _ => return ApiError::invalid_body("the body is not well-formed JSON"),
    }
    // serde's data errors start with fixed words and quote the names they
    // are about in backticks; values appear only after "invalid type/value".
    let text = inner.to_string();
    let named = |prefix: &str| -> Option<&str> {
        let rest = text.strip_prefix(prefix)?.strip_prefix('`')?;
        Some(&rest[..rest.find('`')?])
    };
    let about = [
        (
            "missing field ",
            "is required",
            "a required field is missing",
        ),
        (
            "unknown field ",
            "is not a field of this request",
            "the body has a field this request does not take",
        ),
        (
            "duplicate field ",
            "appears more than once",
            "a field appears more than once",
        ),
    ];
    for (prefix, about_field, about_body) in about {
        if let Some(name) = named(prefix) {
            // The path ends at the object, or (for a key that was read) at
            // the key itself.
            if path.last().map(String::as_str) == Some(name) {
                path.pop();
            }
            // A name that is not a plain identifier is not echoed: it is
            // input, and could be anything.
            let plain = !name.is_empty()
                && name.len() <= MAX_ECHOED_NAME
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
            if plain {
                path.push(name.to_string());
            }
            return at(&path, about_field, about_body);
        }
    }
    at(
        &path,
        "has the wrong type or an unknown value",
        "the body must be a JSON object",
    )
}

fn at(path: &[String], about_field: &'static str, about_body: &'static str) -> ApiError {
    if path.is_empty() {
        ApiError::invalid_body(about_body)
    } else {
        ApiError::invalid_field(path.join("."), about_field)
    }
}

/// The path to the value at fault, empty at the document's root.
fn segments(path: &serde_path_to_error::Path) -> Vec<String> {
    path.iter()
        .filter_map(|segment| match segment {
            serde_path_to_error::Segment::Map { key } => Some(key.clone()),
            serde_path_to_error::Segment::Seq { index } => Some(index.to_string()),
            serde_path_to_error::Segment::Enum { variant } => Some(variant.clone()),
            serde_path_to_error::Segment::Unknown => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use laowu_protocol::{CodeRequest, ErrorBody, RegisterRequest};

    use super::*;

    fn error_of<T: DeserializeOwned + std::fmt::Debug>(body: &str) -> ErrorBody {
        parse::<T>(body.as_bytes()).unwrap_err().body()
    }

    #[test]
    fn names_the_field_and_never_echoes_a_value() {
        let cases = [
            (r#"{"purpose":"register"}"#, Some("phone"), "is required"),
            (
                r#"{"phone":13812341234,"purpose":"register"}"#,
                Some("phone"),
                "wrong type",
            ),
            (
                r#"{"phone":"13812341234","purpose":"13812341234"}"#,
                Some("purpose"),
                "wrong type",
            ),
            (
                r#"{"phone":"13812341234","purpose":"register","x":1}"#,
                Some("x"),
                "not a field",
            ),
            (
                r#"{"phone":"1","phone":"13812341234","purpose":"reset"}"#,
                Some("phone"),
                "more than once",
            ),
            (r#"["13812341234"]"#, None, "JSON object"),
            (r#"{"phone":"13812341234""#, None, "well-formed"),
            (
                r#"{"phone":"13812341234","purpose":"reset"} 13812341234"#,
                None,
                "well-formed",
            ),
            ("", None, "well-formed"),
        ];
        for (body, field, message) in cases {
            let err = error_of::<CodeRequest>(body);
            assert_eq!(err.code, "invalid_input", "{body}");
            assert_eq!(err.field.as_deref(), field, "{body}");
            assert!(err.message.contains(message), "{body}: {}", err.message);
            assert!(
                !err.message.contains("13812341234"),
                "{body}: {}",
                err.message
            );
        }
    }

    #[test]
    fn an_odd_unknown_field_name_is_not_echoed() {
        let body = r#"{"phone":"1","code":"1","password":"p","名字 x":1}"#;
        let err = error_of::<RegisterRequest>(body);
        assert_eq!(err.field, None);
    }

    #[test]
    fn content_types() {
        let ok = |v: &str| is_json(Some(&header::HeaderValue::from_str(v).unwrap()));
        assert!(ok("application/json"));
        assert!(ok("Application/JSON; charset=utf-8"));
        assert!(ok("application/problem+json"));
        assert!(!ok("text/plain"));
        assert!(!ok("application/jsonx"));
        assert!(!is_json(None));
    }
}
