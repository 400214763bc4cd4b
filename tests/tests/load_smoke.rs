//! The load generator runs end to end against its own in-process server and
//! reports what it measured as JSON; bad flags are refused with exit code 2.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_laowu-load");

#[test]
fn a_small_in_process_run_stores_every_check_in_and_reports_its_latency() {
    let out = Command::new(BIN)
        .args(["--in-process", "--phones", "3", "--rounds", "2"])
        .args(["--per-round", "5", "--json"])
        .output()
        .expect("run laowu-load");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "laowu-load failed: {stderr}");
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("one JSON object on stdout");
    assert_eq!(report["stored"], 30);
    assert_eq!(report["recorded"], 30);
    assert_eq!(report["stored_counted_by"], "server database");
    assert_eq!(report["pending"], 0);
    assert_eq!(report["errors"], 0);
    assert_eq!(report["ok"], true);
    let latency = &report["sync_latency_ms"];
    assert_eq!(latency["samples"], 6, "one sample per phone per round");
    let (p50, p99) = (
        latency["p50"].as_f64().unwrap(),
        latency["p99"].as_f64().unwrap(),
    );
    assert!(0.0 < p50 && p50 <= p99, "p50 {p50} ms, p99 {p99} ms");
    assert!(report["throughput_check_ins_per_s"].as_f64().unwrap() > 0.0);
}

#[test]
fn bad_flags_exit_with_2_and_name_the_flag() {
    for (args, flag) in [
        (&["--phones", "0"][..], "--phones"),
        (
            &["--in-process", "--server", "http://127.0.0.1:1"],
            "--in-process",
        ),
        (
            &["--server", "127.0.0.1:1", "--sms-log", "sms.log"],
            "--server",
        ),
        (&["--server", "http://127.0.0.1:1"], "--sms-log"),
        (&["--alternate"], "--alternate"),
    ] {
        let out = Command::new(BIN)
            .args(args)
            .output()
            .expect("run laowu-load");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(flag),
            "{args:?} should name {flag}: {stderr}"
        );
    }
}
