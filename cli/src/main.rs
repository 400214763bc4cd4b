//! `laowu`: a simulated phone in the terminal, over the same core as the apps.
//!
//! Exit codes: 0 ok, 1 unexpected failure, 2 invalid input, 3 refused by the
//! consent gate, 4 key or store problem, 5 network or server problem.

mod args;
mod attendance;
mod commands;
mod consent;
mod demo;
mod disclosures;
mod failure;
mod identity;
mod ledger;
mod output;
mod policy;
mod server;

use std::process::ExitCode;

use clap::Parser;

use args::Cli;
use output::Output;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return failure::usage(e),
    };
    let level = if cli.verbose { "trace" } else { "warn" };
    env_logger::Builder::from_env(env_logger::Env::new().filter_or("LAOWU_LOG", level))
        .target(env_logger::Target::Stderr)
        .init();
    let out = Output::new(cli.json);
    match commands::run(&cli) {
        Ok(report) => {
            out.report(&report);
            ExitCode::SUCCESS
        }
        Err(f) => out.failure(&f),
    }
}
