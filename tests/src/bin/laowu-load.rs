//! laowu-load: N simulated phones pushing check-ins to laowu servers
//! concurrently; prints throughput and sync latency. See `--help`.
//!
//! Exit codes: 0 all stored, 1 a failure or a check that did not hold, 2 bad flags.

use std::process::ExitCode;

use clap::Parser;
use laowu_tests::load::{self, Args, LoadError};

fn main() -> ExitCode {
    let plan = match Args::parse().plan() {
        Ok(plan) => plan,
        Err(e) => return fail(&e),
    };
    let report = match load::run(&plan) {
        Ok(report) => report,
        Err(e) => return fail(&e),
    };
    if plan.json {
        println!("{}", report.to_json());
    } else {
        print!("{}", report.to_text());
    }
    if report.ok() {
        ExitCode::SUCCESS
    } else {
        eprintln!("laowu-load: not everything recorded was stored, or a sync failed");
        ExitCode::FAILURE
    }
}

fn fail(e: &LoadError) -> ExitCode {
    eprintln!("laowu-load: {e}");
    ExitCode::from(e.exit_code())
}
