//! The HTTP client: JSON over reqwest (blocking, rustls on ring). Every
//! answer is either the type asked for or a [`SyncError`]; nothing here
//! retries (the caller decides, with a [`super::Backoff`]).

use std::sync::Once;
use std::time::Duration;

use laowu_protocol::ErrorBody;
use reqwest::blocking::{Client, RequestBuilder};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::SyncError;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Answers larger than this are refused unread (a day view or export of a
/// big site is well under it).
const MAX_ANSWER_BYTES: usize = 32 << 20;

static TLS_PROVIDER: Once = Once::new();

/// Makes ring the process's TLS provider, once. reqwest is built without a
/// default provider (so aws-lc-rs never enters the build): any code in the
/// process that builds a reqwest client calls this first.
pub fn install_tls_provider() {
    TLS_PROVIDER.call_once(|| {
        // Another part of the process may have installed one already; either is ring.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// A client for one server.
#[derive(Clone, Debug)]
pub struct Api {
    base: String,
    client: Client,
}

impl Api {
    /// `base` is `http://` or `https://` host[:port], without a path.
    pub fn new(base: &str) -> Result<Self, SyncError> {
        let base = base.trim().trim_end_matches('/');
        let ok_scheme = base.starts_with("http://") || base.starts_with("https://");
        if !ok_scheme || base.len() > 200 || base.chars().any(char::is_whitespace) {
            return Err(SyncError::Offline {
                reason: "the server address must be http:// or https:// and a host".into(),
            });
        }
        install_tls_provider();
        let client = Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .user_agent(concat!("laowu/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|_| SyncError::Offline {
                reason: "the HTTP client cannot start".into(),
            })?;
        Ok(Api {
            base: base.to_string(),
            client,
        })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// POSTs `body` as JSON and reads a JSON answer.
    pub fn post<Req: Serialize, Resp: DeserializeOwned>(
        &self,
        path: &str,
        body: &Req,
        bearer: Option<&str>,
    ) -> Result<Resp, SyncError> {
        let request = self.client.post(self.url(path)).json(body);
        decode(self.send(request, bearer)?)
    }

    /// GETs a JSON answer.
    pub fn get<Resp: DeserializeOwned>(
        &self,
        path: &str,
        bearer: Option<&str>,
    ) -> Result<Resp, SyncError> {
        decode(self.send(self.client.get(self.url(path)), bearer)?)
    }

    /// GETs a text answer (a CSV export).
    pub fn get_text(&self, path: &str, bearer: Option<&str>) -> Result<String, SyncError> {
        String::from_utf8(self.send(self.client.get(self.url(path)), bearer)?)
            .map_err(|_| SyncError::BadAnswer("the text is not UTF-8"))
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends and returns the body of a 2xx answer.
    fn send(&self, request: RequestBuilder, bearer: Option<&str>) -> Result<Vec<u8>, SyncError> {
        let request = match bearer {
            Some(token) => request.bearer_auth(token),
            None => request,
        };
        let response = request.send().map_err(transport)?;
        let status = response.status().as_u16();
        let body = response.bytes().map_err(transport)?;
        if body.len() > MAX_ANSWER_BYTES {
            return Err(SyncError::BadAnswer("the answer is too large"));
        }
        if (200..300).contains(&status) {
            return Ok(body.to_vec());
        }
        Err(match serde_json::from_slice::<ErrorBody>(&body) {
            Ok(error) => SyncError::from_body(status, error),
            Err(_) => SyncError::Server {
                status,
                code: if status >= 500 {
                    "unavailable"
                } else {
                    "http_error"
                }
                .into(),
                field: None,
                message: format!("HTTP {status}"),
                retry_after_s: None,
            },
        })
    }
}

fn decode<T: DeserializeOwned>(body: Vec<u8>) -> Result<T, SyncError> {
    serde_json::from_slice(&body)
        .map_err(|_| SyncError::BadAnswer("the JSON is not the expected shape"))
}

/// A transport failure, by kind only (URLs can carry nothing personal here,
/// but error chains may quote bodies).
fn transport(e: reqwest::Error) -> SyncError {
    let reason = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection refused or unreachable"
    } else if e.is_body() || e.is_decode() {
        "the answer was cut off"
    } else {
        "the connection failed"
    };
    SyncError::Offline {
        reason: reason.into(),
    }
}
