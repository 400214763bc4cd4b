//! Validators of the real-name data: each returns the canonical value or an
//! [`IdentityError`] naming the field, with a reason a person can act on
//! and never the value itself.
//!
//! Every validator first normalises the same way: trim; full-width digits
//! and Latin letters and the ideographic space become ASCII (Chinese
//! keyboards produce them); inputs over [`MAX_INPUT_CHARS`] characters,
//! empty ones and ones with control characters are refused. Numbers (mobile,
//! ID, card, credit code) also lose the spaces and hyphens people group
//! digits with.
//!
//! The masks (`mask_*`) give the forms shown on screens and in exports.

mod bank_card;
mod credit_code;
mod mask;
mod mobile;
mod normalise;
mod person_name;
mod region;
mod resident_id;
#[cfg(test)]
mod testkit;

use super::IdentityError;

pub use bank_card::bank_card;
pub use credit_code::credit_code;
pub use mask::{mask_card, mask_credit_code, mask_id, mask_mobile, mask_name};
pub use mobile::mobile;
pub use normalise::MAX_INPUT_CHARS;
pub use person_name::{MAX_NAME_CHARS, person_name};
pub use resident_id::{ResidentId, resident_id};
