//! Proof tests live in `tests/`; the library holds what they share:
//! simulated sensors and the SMS codes the server texts.

pub mod sensors;
pub mod sms;
