//! Identity: the worker's account and real-name data on the phone.
//!
//! - [`validate`]: the validators of mobile numbers, resident ID numbers,
//!   unified social credit codes, bank cards and names, each with a reason a
//!   person can act on;
//! - typed personal values whose `Debug` and `Display` are masked.
//!
//! No error produced here repeats the value it refused.

use std::borrow::Cow;

pub mod profile;
pub mod validate;
pub mod values;

/// Errors of the identity room.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    /// An input broke a rule: `field` names it, `reason` says which rule and
    /// what to do, and never repeats the value.
    #[error("invalid {field}: {reason}")]
    InvalidInput {
        field: Cow<'static, str>,
        reason: String,
    },
}

impl IdentityError {
    pub(crate) fn invalid(field: impl Into<Cow<'static, str>>, reason: impl Into<String>) -> Self {
        IdentityError::InvalidInput {
            field: field.into(),
            reason: reason.into(),
        }
    }

    pub fn field(&self) -> &str {
        match self {
            IdentityError::InvalidInput { field, .. } => field,
        }
    }

    pub fn reason(&self) -> &str {
        match self {
            IdentityError::InvalidInput { reason, .. } => reason,
        }
    }
}
