//! Accounts, sessions and devices: `/v1/accounts/*`, `/v1/tokens/refresh`,
//! `/v1/devices` and `/v1/me`.
//!
//! Phone numbers, codes, passwords and tokens are secrets or personal data:
//! the types that carry them print `<redacted>` in their place under `Debug`.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::REDACTED;

/// What an SMS code will be good for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CodePurpose {
    Register,
    Reset,
}

impl CodePurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            CodePurpose::Register => "register",
            CodePurpose::Reset => "reset",
        }
    }
}

/// `POST /v1/accounts/code` → 202 (whether or not the number has an account,
/// so the answer tells nobody which numbers are registered).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeRequest {
    /// A mainland mobile number: 11 digits starting with 1, `+86` allowed.
    pub phone: String,
    pub purpose: CodePurpose,
}

/// `POST /v1/accounts/register` → 201 [`RegisterResponse`].
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    pub phone: String,
    /// The 6 digits sent by SMS for [`CodePurpose::Register`].
    pub code: String,
    /// 8 to 128 characters.
    pub password: String,
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterResponse {
    pub account_id: String,
}

/// `POST /v1/accounts/login` → 200 [`TokenPair`].
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub phone: String,
    pub password: String,
    /// A device this account registered: binds the session to it.
    #[serde(default)]
    pub device_id: Option<String>,
}

/// `POST /v1/accounts/reset-password` → 204. Every session of the account
/// ends: its refresh tokens are revoked.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResetPasswordRequest {
    pub phone: String,
    /// The 6 digits sent by SMS for [`CodePurpose::Reset`].
    pub code: String,
    pub new_password: String,
}

/// `POST /v1/tokens/refresh` → 200 [`TokenPair`]. The refresh token is
/// single use: presenting a spent one again ends the whole session.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// A session's credentials, from login or refresh.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenPair {
    /// Always `Bearer`: sent as `Authorization: Bearer <access_token>`.
    pub token_type: String,
    pub access_token: String,
    /// Seconds the access token is valid for from now.
    pub expires_in_s: u64,
    pub refresh_token: String,
    /// Seconds the refresh token is valid for from now.
    pub refresh_expires_in_s: u64,
    pub account_id: String,
    pub role: Role,
    /// The device the session is bound to, when login named one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
}

/// What an account may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Worker,
    Supervisor,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Worker => "worker",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "worker" => Some(Role::Worker),
            "supervisor" => Some(Role::Supervisor),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// The kind of device a key lives on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    Android,
    Ios,
    /// The `laowu` CLI, a simulated phone for demos and tests.
    Cli,
}

impl Platform {
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Android => "android",
            Platform::Ios => "ios",
            Platform::Cli => "cli",
        }
    }

    pub fn parse(s: &str) -> Option<Platform> {
        match s {
            "android" => Some(Platform::Android),
            "ios" => Some(Platform::Ios),
            "cli" => Some(Platform::Cli),
            _ => None,
        }
    }
}

/// `POST /v1/devices` (authenticated) → 201 [`RegisterDeviceResponse`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterDeviceRequest {
    /// The device's Ed25519 public key, 64 hex digits: it signs the device's
    /// check-in records.
    pub public_key: String,
    pub platform: Platform,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterDeviceResponse {
    pub device_id: String,
}

/// One of an account's devices, in [`Me`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceInfo {
    pub device_id: String,
    pub platform: Platform,
    pub public_key: String,
    /// When it was registered, ms since the epoch.
    pub registered_ms: i64,
}

/// `GET /v1/me` (authenticated).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub account_id: String,
    pub role: Role,
    pub devices: Vec<DeviceInfo>,
}

impl fmt::Debug for CodeRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CodeRequest")
            .field("phone", &REDACTED)
            .field("purpose", &self.purpose)
            .finish()
    }
}

impl fmt::Debug for RegisterRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegisterRequest")
            .field("phone", &REDACTED)
            .field("code", &REDACTED)
            .field("password", &REDACTED)
            .field("name", &self.name.as_ref().map(|_| REDACTED))
            .finish()
    }
}

impl fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginRequest")
            .field("phone", &REDACTED)
            .field("password", &REDACTED)
            .field("device_id", &self.device_id)
            .finish()
    }
}

impl fmt::Debug for ResetPasswordRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResetPasswordRequest")
            .field("phone", &REDACTED)
            .field("code", &REDACTED)
            .field("new_password", &REDACTED)
            .finish()
    }
}

impl fmt::Debug for RefreshRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshRequest")
            .field("refresh_token", &REDACTED)
            .finish()
    }
}

impl fmt::Debug for TokenPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenPair")
            .field("token_type", &self.token_type)
            .field("access_token", &REDACTED)
            .field("expires_in_s", &self.expires_in_s)
            .field("refresh_token", &REDACTED)
            .field("refresh_expires_in_s", &self.refresh_expires_in_s)
            .field("account_id", &self.account_id)
            .field("role", &self.role)
            .field("device_id", &self.device_id)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn requests_refuse_unknown_fields() {
        let err = serde_json::from_value::<CodeRequest>(
            json!({"phone": "13812341234", "purpose": "register", "extra": 1}),
        )
        .unwrap_err();
        assert!(err.to_string().contains("unknown field"), "{err}");
    }

    #[test]
    fn enums_are_snake_case_on_the_wire() {
        let r: CodeRequest =
            serde_json::from_value(json!({"phone": "1", "purpose": "reset"})).unwrap();
        assert_eq!(r.purpose, CodePurpose::Reset);
        assert_eq!(
            serde_json::to_value(Role::Supervisor).unwrap(),
            "supervisor"
        );
        assert_eq!(serde_json::to_value(Platform::Ios).unwrap(), "ios");
        for role in [Role::Worker, Role::Supervisor, Role::Admin] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
            assert_eq!(serde_json::to_value(role).unwrap(), role.as_str());
        }
        for p in [Platform::Android, Platform::Ios, Platform::Cli] {
            assert_eq!(Platform::parse(p.as_str()), Some(p));
            assert_eq!(serde_json::to_value(p).unwrap(), p.as_str());
        }
    }

    #[test]
    fn optional_fields_may_be_left_out() {
        let r: RegisterRequest = serde_json::from_value(
            json!({"phone": "13812341234", "code": "123456", "password": "long enough"}),
        )
        .unwrap();
        assert_eq!(r.name, None);
        let l: LoginRequest =
            serde_json::from_value(json!({"phone": "13812341234", "password": "x"})).unwrap();
        assert_eq!(l.device_id, None);
    }

    #[test]
    fn debug_never_prints_secrets_or_personal_values() {
        let printed = format!(
            "{:?} {:?} {:?} {:?} {:?}",
            RegisterRequest {
                phone: "13812341234".into(),
                code: "654321".into(),
                password: "hunter2hunter2".into(),
                name: Some("张三".into()),
            },
            LoginRequest {
                phone: "13812341234".into(),
                password: "hunter2hunter2".into(),
                device_id: None,
            },
            ResetPasswordRequest {
                phone: "13812341234".into(),
                code: "654321".into(),
                new_password: "hunter2hunter2".into(),
            },
            RefreshRequest {
                refresh_token: "secret-refresh".into(),
            },
            TokenPair {
                token_type: "Bearer".into(),
                access_token: "secret-access".into(),
                expires_in_s: 900,
                refresh_token: "secret-refresh".into(),
                refresh_expires_in_s: 1,
                account_id: "a".into(),
                role: Role::Worker,
                device_id: None,
            },
        );
        for secret in ["13812341234", "654321", "hunter2", "张三", "secret-"] {
            assert!(!printed.contains(secret), "{secret} in {printed}");
        }
    }
}
