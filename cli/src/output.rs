//! Printing: one JSON document per command with `--json`, plain lines otherwise.

use std::fmt::Display;
use std::io::{self, Write};
use std::process::ExitCode;

use serde_json::{Value, json};

use crate::failure::Failure;

/// What a command produced: its JSON document and its human rendering.
pub struct Report {
    pub json: Value,
    pub text: String,
}

pub struct Output {
    json: bool,
}

impl Output {
    pub fn new(json: bool) -> Self {
        Self { json }
    }

    pub fn report(&self, report: &Report) {
        if self.json {
            print_line(&report.json);
        } else if !report.text.is_empty() {
            print_line(report.text.trim_end());
        }
    }

    pub fn failure(&self, f: &Failure) -> ExitCode {
        if self.json {
            print_line(json!({"error": {"code": f.code, "field": f.field, "message": f.message}}));
        } else {
            match &f.field {
                Some(field) => eprintln!("laowu: {} ({field}): {}", f.code, f.message),
                None => eprintln!("laowu: {}: {}", f.code, f.message),
            }
        }
        ExitCode::from(f.exit)
    }
}

/// Writes one line to stdout. A reader that went away (`laowu ... | head`) is
/// not an error of ours: println! would panic on the broken pipe, this stops.
fn print_line(line: impl Display) {
    let mut out = io::stdout().lock();
    let _ = writeln!(out, "{line}").and_then(|()| out.flush());
}
