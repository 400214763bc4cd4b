//! Proof tests live in `tests/`; the library holds what they share with the
//! load generator (`src/bin/laowu-load.rs`): the phone at its site,
//! simulated sensors, SMS codes, and the load run itself.

pub mod load;
pub mod phone;
pub mod sensors;
pub mod sms;
