//! What can stop a load run: bad flags (exit 2) or a failure while running (exit 1).

use std::fmt;

#[derive(Debug)]
pub enum LoadError {
    /// A flag's value cannot be used; names the flag and why.
    Usage { flag: &'static str, reason: String },
    /// Setting up or running the load failed; says at which step.
    Run { step: &'static str, reason: String },
}

impl LoadError {
    pub fn usage(flag: &'static str, reason: impl Into<String>) -> Self {
        LoadError::Usage {
            flag,
            reason: reason.into(),
        }
    }

    pub fn run(step: &'static str, reason: impl fmt::Display) -> Self {
        LoadError::Run {
            step,
            reason: reason.to_string(),
        }
    }

    /// 2 for usage, as clap does for its own parse errors; 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            LoadError::Usage { .. } => 2,
            LoadError::Run { .. } => 1,
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Usage { flag, reason } => write!(f, "{flag}: {reason}"),
            LoadError::Run { step, reason } => write!(f, "{step}: {reason}"),
        }
    }
}

impl std::error::Error for LoadError {}
