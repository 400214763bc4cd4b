//! Supervisors: the day view of a site, decisions on field check-ins and
//! make-up requests, and the monthly CSV export for wages.
//!
//! Every route reads the caller's role from the store, not the token, so a
//! role taken away shows at once; a worker is refused, and a supervisor sees
//! only the sites bound to them.

mod access;
mod day;
mod decide;
mod entry;
mod export;

pub use day::day;
pub use decide::{decide, note_context};
pub use export::export;
