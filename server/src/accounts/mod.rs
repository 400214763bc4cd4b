//! Accounts: SMS codes, registration, login, password reset, sessions
//! (access and refresh tokens) and device keys.
//!
//! One file a route for the handlers; the pieces they share (phone numbers,
//! passwords, codes, tokens, rate limits, the SMS sender) each in their own.

mod code;
mod limits;
mod password;
mod phone;
mod sms;
mod tokens;

mod devices;
mod login;
mod me;
mod refresh;
mod register;
mod request_code;
mod reset_password;

pub use devices::register_device;
pub use login::login;
pub use me::me;
pub use password::PasswordHasher;
pub use phone::Phone;
pub use refresh::refresh;
pub use register::{register, sealing_context};
pub use request_code::request_code;
pub use reset_password::reset_password;
pub use sms::{BoxFuture, FileSmsSender, SmsError, SmsSender};
pub use tokens::{AccessClaims, AccessTokenError, verify_access_token};
