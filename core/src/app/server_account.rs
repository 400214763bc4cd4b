//! The account on the server: an SMS code, registration, login, password
//! reset. The mobile number and password leave the phone only here, and only
//! under the registration purpose's permit: no consent, no request.

use laowu_protocol::{
    CodePurpose, CodeRequest, LoginRequest, Platform, RegisterDeviceRequest,
    RegisterDeviceResponse, RegisterRequest, RegisterResponse, ResetPasswordRequest, TokenPair,
};
use serde::Deserialize;

use super::device_key::DeviceKey;
use super::server_link::auth_from;
use super::{AppError, Phone};
use crate::identity::values::Mobile;
use crate::sync::{Api, Link};

/// The purpose whose consent covers sending the mobile number to the server.
const PURPOSE: &str = "registration";

/// What an account call did, for the shells to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedIn {
    pub server: String,
    pub account_id: String,
    pub role: String,
    pub device_id: Option<String>,
}

impl Phone {
    /// Asks the server to text a code to `mobile` (for registration or a
    /// password reset), and remembers the server.
    pub fn request_code(
        &self,
        server: Option<&str>,
        mobile: &str,
        purpose: CodePurpose,
        now_ms: i64,
    ) -> Result<String, AppError> {
        let phone = self.mobile_for_server(mobile)?;
        let link = self.link_for(server)?;
        let api = Api::new(&link.server)?;
        let _: serde_json::Value = api
            .post("/v1/accounts/code", &CodeRequest { phone, purpose }, None)
            .or_else(accepted_without_body)?;
        self.save_link(&link, now_ms)?;
        Ok(link.server)
    }

    /// Registers with the code from the SMS, then signs in and registers this
    /// phone's device key, so its records can be verified by the server.
    pub fn register_account(
        &self,
        server: Option<&str>,
        mobile: &str,
        code: &str,
        password: &str,
        now_ms: i64,
    ) -> Result<SignedIn, AppError> {
        let phone = self.mobile_for_server(mobile)?;
        let link = self.link_for(server)?;
        let api = Api::new(&link.server)?;
        let _: RegisterResponse = api.post(
            "/v1/accounts/register",
            &RegisterRequest {
                phone: phone.clone(),
                code: code.to_string(),
                password: password.to_string(),
                name: None,
            },
            None,
        )?;
        self.sign_in(&api, link, &phone, password, now_ms)
    }

    /// Signs in with the mobile number and password.
    pub fn login(
        &self,
        server: Option<&str>,
        mobile: &str,
        password: &str,
        now_ms: i64,
    ) -> Result<SignedIn, AppError> {
        let phone = self.mobile_for_server(mobile)?;
        let link = self.link_for(server)?;
        let api = Api::new(&link.server)?;
        self.sign_in(&api, link, &phone, password, now_ms)
    }

    /// Sets a new password with a reset code from the SMS; sessions elsewhere
    /// end. Sign in again afterwards.
    pub fn reset_password(
        &self,
        server: Option<&str>,
        mobile: &str,
        code: &str,
        new_password: &str,
        now_ms: i64,
    ) -> Result<(), AppError> {
        let phone = self.mobile_for_server(mobile)?;
        let mut link = self.link_for(server)?;
        let api = Api::new(&link.server)?;
        let _: serde_json::Value = api
            .post(
                "/v1/accounts/reset-password",
                &ResetPasswordRequest {
                    phone,
                    code: code.to_string(),
                    new_password: new_password.to_string(),
                },
                None,
            )
            .or_else(accepted_without_body)?;
        link.auth = None;
        self.save_link(&link, now_ms)
    }

    /// Logs in; registers the device key if this server does not know it
    /// yet; logs in again bound to the device (pushes need a bound session).
    fn sign_in(
        &self,
        api: &Api,
        mut link: Link,
        phone: &str,
        password: &str,
        now_ms: i64,
    ) -> Result<SignedIn, AppError> {
        let known_device = link.auth.as_ref().and_then(|a| a.device_id.clone());
        let login = |device_id: Option<String>| -> Result<TokenPair, AppError> {
            Ok(api.post(
                "/v1/accounts/login",
                &LoginRequest {
                    phone: phone.to_string(),
                    password: password.to_string(),
                    device_id,
                },
                None,
            )?)
        };
        let pair = match known_device.map(|d| login(Some(d))) {
            Some(Ok(pair)) => pair,
            // Unknown device (another account, a reset server): register it anew.
            _ => {
                let unbound = login(None)?;
                let key = DeviceKey::load_or_create(&self.store)?;
                let device: RegisterDeviceResponse = api
                    .post(
                        "/v1/devices",
                        &RegisterDeviceRequest {
                            public_key: key.public_hex(),
                            platform: self.platform(),
                        },
                        Some(&unbound.access_token),
                    )
                    .or_else(|e| match e {
                        // This key is already registered to this account: find its id.
                        crate::sync::SyncError::Server { status: 409, .. } => {
                            device_of(api, &unbound.access_token, &key.public_hex())
                        }
                        e => Err(e),
                    })?;
                login(Some(device.device_id))?
            }
        };
        let auth = auth_from(pair, now_ms);
        let signed_in = SignedIn {
            server: link.server.clone(),
            account_id: auth.account_id.clone(),
            role: auth.role.clone(),
            device_id: auth.device_id.clone(),
        };
        link.auth = Some(auth);
        self.save_link(&link, now_ms)?;
        Ok(signed_in)
    }

    fn platform(&self) -> Platform {
        match self.channel {
            "cli" => Platform::Cli,
            "ios" => Platform::Ios,
            _ => Platform::Android,
        }
    }

    /// The number in the server's form, only with the registration permit.
    fn mobile_for_server(&self, mobile: &str) -> Result<String, AppError> {
        let gate = self.gate();
        let permit = gate.permit(PURPOSE)?;
        Ok(Mobile::parse(mobile)?.reveal(&permit).to_string())
    }
}

/// Routes that answer 202 with an empty or non-JSON body.
fn accepted_without_body(
    e: crate::sync::SyncError,
) -> Result<serde_json::Value, crate::sync::SyncError> {
    match e {
        crate::sync::SyncError::BadAnswer(_) => Ok(serde_json::Value::Null),
        e => Err(e),
    }
}

/// The id of the account's device with this key, from `GET /v1/me`.
fn device_of(
    api: &Api,
    token: &str,
    public_key: &str,
) -> Result<RegisterDeviceResponse, crate::sync::SyncError> {
    #[derive(Deserialize)]
    struct Me {
        devices: Vec<laowu_protocol::DeviceInfo>,
    }
    let me: Me = api.get("/v1/me", Some(token))?;
    me.devices
        .into_iter()
        .find(|d| d.public_key == public_key)
        .map(|d| RegisterDeviceResponse {
            device_id: d.device_id,
        })
        .ok_or(crate::sync::SyncError::BadAnswer(
            "the device key is registered to another account",
        ))
}

/// Hands the phone's signed deletion request (the JSON left by
/// [`Phone::delete_account`]) to the server. No session is needed, and the
/// store is gone by now: the device key's signature is the proof.
pub fn submit_deletion(
    server: &str,
    request_json: &str,
) -> Result<laowu_protocol::DeletionReceipt, AppError> {
    let api = Api::new(server)?;
    Ok(api.post(
        "/v1/deletions",
        &laowu_protocol::DeletionSubmission {
            request: request_json.to_string(),
        },
        None,
    )?)
}

/// Where the server is with a deletion: queued, or done with its signed
/// certificate.
pub fn deletion_status(
    server: &str,
    request_id: &str,
) -> Result<laowu_protocol::DeletionStatus, AppError> {
    let ok = request_id.len() <= 64
        && request_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !ok || request_id.is_empty() {
        return Err(AppError::InvalidInput {
            field: "request_id",
            reason: "must be the id the server gave".into(),
        });
    }
    let api = Api::new(server)?;
    Ok(api.get(&format!("/v1/deletions/{request_id}"), None)?)
}
