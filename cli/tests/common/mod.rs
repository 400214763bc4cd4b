//! What the CLI tests share: run `laowu --json` and check its exit and error.

#![allow(dead_code)] // each test crate uses its own subset

use std::path::Path;
use std::process::Command;

use serde_json::Value;

pub struct Run {
    pub code: i32,
    pub json: Value,
    pub stderr: String,
}

pub fn laowu(home: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_laowu"))
        .arg("--home")
        .arg(home)
        .arg("--json")
        .args(args)
        .output()
        .expect("run laowu");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let json = serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}): {stdout:?}"));
    Run {
        code: out.status.code().expect("exit code"),
        json,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn ok(home: &Path, args: &[&str]) -> Value {
    let run = laowu(home, args);
    assert_eq!(run.code, 0, "{args:?}: {} {}", run.json, run.stderr);
    run.json
}

pub fn error(run: &Run, exit: i32, code: &str, field: Option<&str>) {
    assert_eq!(run.code, exit, "{}", run.json);
    let e = &run.json["error"];
    assert_eq!(e["code"], code, "{}", run.json);
    assert_eq!(e["field"].as_str(), field, "{}", run.json);
    assert!(
        e["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{}",
        run.json
    );
}

/// A fresh phone home, initialised; with every purpose accepted if `accept`.
pub fn phone(accept: bool) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    ok(tmp.path(), &["init"]);
    if accept {
        ok(tmp.path(), &["consent", "accept", "--all"]);
    }
    tmp
}
