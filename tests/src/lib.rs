//! Proof tests live in `tests/`; the library holds what they share with the
//! load generator (`src/bin/laowu-load.rs`): simulated sensors, SMS codes,
//! and the load run itself.

pub mod load;
pub mod sensors;
pub mod sms;
