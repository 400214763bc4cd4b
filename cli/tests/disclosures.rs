//! `laowu disclosures`: each format's document, its JSON form, its errors, and
//! that it needs no phone.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(self.stdout.trim())
            .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}): {:?}", self.stdout))
    }
}

fn laowu(home: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_laowu"))
        .arg("--home")
        .arg(home)
        .args(args)
        .output()
        .expect("run laowu");
    Run {
        code: out.status.code().expect("exit code"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn ok(home: &Path, args: &[&str]) -> Run {
    let run = laowu(home, args);
    assert_eq!(run.code, 0, "{args:?}: {} {}", run.stdout, run.stderr);
    run
}

/// A home directory that does not exist: the disclosures must not need one.
fn no_phone() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("phone");
    (tmp, home)
}

const MANIFEST: &str = include_str!("../../ios/PrivacyInfo.xcprivacy");

#[test]
fn privacy_manifest_prints_the_checked_in_file_byte_for_byte() {
    let (_tmp, home) = no_phone();
    let run = ok(&home, &["disclosures", "--format", "privacy-manifest"]);
    assert!(
        run.stdout == MANIFEST,
        "ios/PrivacyInfo.xcprivacy is stale: regenerate it with \
         `cargo run -q -p laowu-cli -- disclosures --format privacy-manifest > ios/PrivacyInfo.xcprivacy`"
    );
    let json = ok(
        &home,
        &["--json", "disclosures", "--format", "privacy-manifest"],
    )
    .json();
    assert_eq!(json["format"], "privacy-manifest");
    assert_eq!(json["content"], MANIFEST);
    assert!(!home.exists(), "no phone is created");
}

#[test]
fn sdk_list_names_every_sdk_of_the_policy() {
    let (_tmp, home) = no_phone();
    let policy = ok(&home, &["--json", "policy", "show"]).json();
    let sdks = policy["sdks"].as_array().unwrap();
    let text = ok(&home, &["disclosures", "--format", "sdk-list"]).stdout;
    assert!(text.starts_with("## 第三方 SDK 清单\n"), "{text}");
    assert_eq!(text.matches("- SDK 名称：").count(), sdks.len());
    for sdk in sdks {
        for field in ["name", "vendor", "policy_url"] {
            assert!(
                text.contains(sdk[field].as_str().unwrap()),
                "{field} of {sdk}"
            );
        }
    }
    let json = ok(&home, &["--json", "disclosures", "--format", "sdk-list"]).json();
    assert_eq!(json["format"], "sdk-list");
    assert_eq!(json["content"].as_str().unwrap(), text);
}

#[test]
fn play_data_safety_prints_a_table_and_structured_rows() {
    let (_tmp, home) = no_phone();
    let json = ok(
        &home,
        &["--json", "disclosures", "--format", "play-data-safety"],
    )
    .json();
    assert_eq!(json["format"], "play-data-safety");
    let content = &json["content"];
    assert_eq!(content["encrypted_in_transit"], true);
    assert_eq!(content["deletion_request"], true);
    let rows = content["rows"].as_array().unwrap();
    let row = |data_type: &str| {
        rows.iter()
            .find(|r| r["data_type"] == data_type)
            .unwrap_or_else(|| panic!("no {data_type} row"))
    };
    let location = row("Precise location");
    assert_eq!(location["category"], "Location");
    assert_eq!(location["shared"], true);
    assert_eq!(location["required"], false);
    assert_eq!(row("Phone number")["required"], true);
    assert_eq!(
        row("Other actions")["collection_purposes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| *p == "Advertising or marketing" || *p == "Personalization")
            .count(),
        2
    );

    let text = ok(&home, &["disclosures", "--format", "play-data-safety"]).stdout;
    let table: Vec<&str> = text.lines().filter(|l| l.starts_with("| ")).collect();
    assert_eq!(table.len(), rows.len() + 1, "a header and one line per row");
    for r in rows {
        let name = format!(
            "| {} | {} |",
            r["category"].as_str().unwrap(),
            r["data_type"].as_str().unwrap()
        );
        assert!(table.iter().any(|l| l.starts_with(&name)), "{name}");
    }
}

#[test]
fn disclosures_follow_the_policy_in_force() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("v2.toml");
    std::fs::write(
        &file,
        include_str!("../../core/policies/v1.toml")
            .replacen("version = \"1\"", "version = \"2\"", 1)
            .replace("腾讯 Bugly", "腾讯 Bugly 崩溃分析"),
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let home = tmp.path().join("phone");
    let text = ok(
        &home,
        &["--policy", file, "disclosures", "--format", "sdk-list"],
    )
    .stdout;
    assert!(text.contains("（版本 2，"), "{text}");
    assert!(text.contains("- SDK 名称：腾讯 Bugly 崩溃分析\n"));
    let manifest = ok(
        &home,
        &[
            "--policy",
            file,
            "disclosures",
            "--format",
            "privacy-manifest",
        ],
    )
    .stdout;
    assert!(manifest.contains("laowu-privacy version 2"));
}

#[test]
fn an_unknown_format_is_invalid_input() {
    let (_tmp, home) = no_phone();
    let run = laowu(&home, &["--json", "disclosures", "--format", "pdf"]);
    assert_eq!(run.code, 2);
    let e = &run.json()["error"];
    assert_eq!(e["code"], "invalid_input");
    assert_eq!(e["field"], "format");
    assert!(e["message"].as_str().unwrap().contains("privacy-manifest"));

    let run = laowu(&home, &["disclosures", "--format", "pdf"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.contains("invalid_input (format)"),
        "{}",
        run.stderr
    );

    let run = laowu(&home, &["--json", "disclosures"]);
    assert_eq!(run.code, 2, "--format is required");
    assert_eq!(run.json()["error"]["code"], "invalid_input");
    assert!(!home.exists());
}
