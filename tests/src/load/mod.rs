//! The load generator: N simulated phones (the real core, `Phone`) record
//! check-ins and sync them to one or more servers concurrently; the sync
//! calls are timed and the stored totals checked afterwards.

pub mod args;
pub mod error;
pub mod phone;
pub mod report;
pub mod run;
pub mod stats;
pub mod switch;

pub use args::{Args, Plan, Targets};
pub use error::LoadError;
pub use report::Report;
pub use run::run;
