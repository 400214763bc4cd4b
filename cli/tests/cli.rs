//! Drives the `laowu` binary through its command-line contract: commands,
//! flags, JSON fields and exit codes.

use std::fs;
use std::path::Path;
use std::process::Command;

mod common;
use common::{Run, error, laowu, ok};

/// `laowu record put` with a purpose, a category, a kind and a value.
fn record_put(home: &Path, purpose: &str, category: &str, kind: &str, value: &str) -> Run {
    laowu(
        home,
        &[
            "record",
            "put",
            "--purpose",
            purpose,
            "--category",
            category,
            "--kind",
            kind,
            "--value",
            value,
        ],
    )
}

/// The bundled policy's purpose that covers a category, for test writes.
fn purpose_for(category: &str) -> &'static str {
    match category {
        "identity" => "registration",
        "location" => "attendance",
        "face" => "real_name_id",
        "financial" => "real_name_bank",
        "device" => "crash_reports",
        "support" => "customer_service",
        other => panic!("no test purpose for {other}"),
    }
}

fn put(home: &Path, category: &str, kind: &str, value: &str, at: &str) -> String {
    let j = ok(
        home,
        &[
            "record",
            "put",
            "--purpose",
            purpose_for(category),
            "--category",
            category,
            "--kind",
            kind,
            "--value",
            value,
            "--at-ms",
            at,
        ],
    );
    j["id"].as_str().unwrap().to_string()
}

/// A phone whose user accepted every purpose.
fn init_accepted(home: &Path) {
    ok(home, &["init"]);
    ok(home, &["consent", "accept", "--all"]);
}

#[test]
fn status_on_a_fresh_home_then_init() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("phone");
    let fresh = ok(&home, &["status"]);
    assert_eq!(fresh["initialised"], false);
    assert_eq!(fresh["categories"]["identity"]["key_present"], false);
    assert!(!home.exists(), "status must not create anything");

    let init = ok(&home, &["init"]);
    assert_eq!(init["initialised"], true);
    let status = ok(&home, &["status"]);
    assert!(status["schema_version"].as_u64().unwrap() >= 1);
    assert!(status["store"].as_str().unwrap().ends_with("laowu.db"));
    for c in [
        "identity",
        "location",
        "face",
        "financial",
        "consent",
        "ledger",
        "device",
        "support",
    ] {
        assert_eq!(status["categories"][c]["key_present"], true, "{c}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(home.join("vault.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // init again is harmless and keeps the key.
    let key = fs::read(home.join("vault.key")).unwrap();
    ok(&home, &["init"]);
    assert_eq!(fs::read(home.join("vault.key")).unwrap(), key);
}

#[test]
fn records_round_trip() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    init_accepted(home);
    let a = put(home, "identity", "name", "欧阳娜娜", "1795456789123");
    let b = put(home, "location", "fix", "39.908722,116.397499", "-1");
    let got = ok(home, &["record", "get", &a]);
    assert_eq!(got["value"], "欧阳娜娜");
    assert_eq!(got["kind"], "name");
    assert_eq!(got["category"], "identity");
    assert_eq!(got["at_ms"], 1795456789123i64);
    let list = ok(home, &["record", "list", "--category", "location"]);
    assert_eq!(list["records"].as_array().unwrap().len(), 1);
    assert_eq!(list["records"][0]["id"], b.as_str());
    assert_eq!(list["records"][0]["at_ms"], -1);

    ok(
        home,
        &[
            "record",
            "put",
            "--purpose",
            "registration",
            "--category",
            "identity",
            "--kind",
            "mobile",
            "--value",
            "13800138000",
            "--lookup",
        ],
    );
    let found = ok(
        home,
        &[
            "record",
            "find",
            "--category",
            "identity",
            "--kind",
            "mobile",
            "--value",
            "13800138000",
        ],
    );
    assert_eq!(found["records"].as_array().unwrap().len(), 1);
    let none = ok(
        home,
        &[
            "record",
            "find",
            "--category",
            "identity",
            "--kind",
            "mobile",
            "--value",
            "13800138001",
        ],
    );
    assert!(none["records"].as_array().unwrap().is_empty());
}

#[test]
fn invalid_input_exits_2_naming_the_field() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    init_accepted(home);
    error(
        &record_put(home, "registration", "nope", "x", "y"),
        2,
        "invalid_input",
        Some("category"),
    );
    error(
        &record_put(home, "registration", "identity", "Bad Kind", "y"),
        2,
        "invalid_input",
        Some("kind"),
    );
    error(
        &laowu(home, &["record", "get", "not-an-id"]),
        2,
        "invalid_input",
        Some("id"),
    );
    error(
        &laowu(home, &["record", "get", &"0".repeat(32)]),
        2,
        "not_found",
        Some("id"),
    );
    error(
        &laowu(home, &["shred", "--category", "everything"]),
        2,
        "invalid_input",
        Some("category"),
    );
    // Usage errors are JSON too under --json.
    let run = laowu(home, &["record", "put", "--category", "identity"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.json["error"]["code"], "invalid_input");
    let run = laowu(home, &["--no-such-flag"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.json["error"]["code"], "invalid_input");
    // Nothing was written by any of them.
    assert!(
        ok(home, &["record", "list", "--category", "identity"])["records"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn replaced_vault_key_exits_4_and_the_right_key_reads_everything_back() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    init_accepted(home);
    let ids = [
        put(home, "identity", "name", "张伟", "1"),
        put(home, "identity", "id_number", "11010519491231002X", "2"),
        put(home, "location", "fix", "39.908722,116.397499", "3"),
    ];
    let right = fs::read(home.join("vault.key")).unwrap();

    fs::write(home.join("vault.key"), [0x5a; 32]).unwrap();
    error(&laowu(home, &["status"]), 4, "wrong_key", Some("vault.key"));
    error(
        &laowu(home, &["record", "get", &ids[0]]),
        4,
        "wrong_key",
        Some("vault.key"),
    );
    // init must not paper over a wrong key.
    error(&laowu(home, &["init"]), 4, "wrong_key", Some("vault.key"));

    fs::remove_file(home.join("vault.key")).unwrap();
    error(
        &laowu(home, &["status"]),
        4,
        "key_unavailable",
        Some("vault.key"),
    );
    error(
        &laowu(home, &["init"]),
        4,
        "key_unavailable",
        Some("vault.key"),
    );
    assert!(
        !home.join("vault.key").exists(),
        "init must not mint a new key over an existing store"
    );

    fs::write(home.join("vault.key"), &right).unwrap();
    ok(home, &["status"]);
    let values: Vec<_> = ids
        .iter()
        .map(|id| {
            ok(home, &["record", "get", id])["value"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        values,
        ["张伟", "11010519491231002X", "39.908722,116.397499"]
    );
}

#[test]
fn shred_removes_a_category_and_its_key() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    init_accepted(home);
    let gone = put(home, "identity", "name", "张伟", "1");
    put(home, "identity", "mobile", "13800138000", "2");
    let kept = put(home, "location", "fix", "39.9,116.4", "3");
    let shred = ok(home, &["shred", "--category", "identity"]);
    assert_eq!(shred["rows_removed"], 2);
    assert_eq!(shred["key_present"], false);
    error(
        &laowu(home, &["record", "get", &gone]),
        2,
        "not_found",
        Some("id"),
    );
    let status = ok(home, &["status"]);
    assert_eq!(status["categories"]["identity"]["key_present"], false);
    assert_eq!(status["categories"]["location"]["key_present"], true);
    assert_eq!(ok(home, &["record", "get", &kept])["value"], "39.9,116.4");
}

#[test]
fn store_problems_exit_4() {
    let tmp = tempfile::tempdir().unwrap();
    // The home is a regular file: nothing can be created under it.
    let file = tmp.path().join("file");
    fs::write(&file, b"not a directory").unwrap();
    error(
        &laowu(&file.join("phone"), &["init"]),
        4,
        "store_io",
        Some("home"),
    );
    error(&laowu(&file, &["init"]), 4, "store_io", Some("home"));

    // A store that was never initialised.
    let empty = tmp.path().join("empty");
    error(
        &laowu(&empty, &["record", "list", "--category", "identity"]),
        4,
        "not_initialised",
        Some("home"),
    );

    // A database file of random bytes.
    let corrupt = tmp.path().join("corrupt");
    ok(&corrupt, &["init"]);
    let noise: Vec<u8> = (0..8192u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    fs::write(corrupt.join("laowu.db"), &noise).unwrap();
    let _ = fs::remove_file(corrupt.join("laowu.db-wal"));
    let _ = fs::remove_file(corrupt.join("laowu.db-shm"));
    error(&laowu(&corrupt, &["status"]), 4, "store_corrupt", None);
    assert_eq!(
        fs::read(corrupt.join("laowu.db")).unwrap(),
        noise,
        "a corrupt file is left as it was"
    );
}

#[test]
fn human_output_without_json() {
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_laowu"))
        .arg("--home")
        .arg(tmp.path())
        .arg("init")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("key identity: present"), "{text}");
    let out = Command::new(env!("CARGO_BIN_EXE_laowu"))
        .arg("--home")
        .arg(tmp.path())
        .args(["shred", "--category", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid_input (category)"));
}

#[test]
fn policy_show_bundled_and_from_a_file() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    let bundled = ok(home, &["policy", "show"]);
    assert_eq!(bundled["id"], "laowu-privacy");
    assert_eq!(bundled["hash"].as_str().unwrap().len(), 64);
    assert!(bundled.get("text").is_none(), "the text only with --text");
    let purposes = bundled["purposes"].as_array().unwrap();
    let attendance = purposes.iter().find(|p| p["id"] == "attendance").unwrap();
    assert_eq!(attendance["sensitive"], true);
    assert!(
        attendance["categories"]
            .as_array()
            .unwrap()
            .contains(&"location".into())
    );
    assert_eq!(bundled["sdks"].as_array().unwrap().len(), 4);
    let with_text = ok(home, &["policy", "show", "--text"]);
    assert!(with_text["text"].as_str().unwrap().chars().count() > 500);
    assert_eq!(with_text["hash"], bundled["hash"]);

    // A product owner's edited file: validated, errors name the field.
    let source = include_str!("../../core/policies/v1.toml");
    let edited = tmp.path().join("v2.toml");
    fs::write(
        &edited,
        source.replacen("version = \"1\"", "version = \"2\"", 1),
    )
    .unwrap();
    let v2 = ok(
        home,
        &["policy", "show", "--file", edited.to_str().unwrap()],
    );
    assert_eq!(v2["version"], "2");
    assert_ne!(v2["hash"], bundled["hash"]);

    let broken = tmp.path().join("broken.toml");
    fs::write(
        &broken,
        source.replacen("sensitive = true", "sensitive = false", 1),
    )
    .unwrap();
    let run = laowu(
        home,
        &["policy", "show", "--file", broken.to_str().unwrap()],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.json["error"]["field"]
            .as_str()
            .unwrap()
            .ends_with(".sensitive"),
        "{}",
        run.json
    );
    fs::write(&broken, "id = ").unwrap();
    error(
        &laowu(
            home,
            &["policy", "show", "--file", broken.to_str().unwrap()],
        ),
        2,
        "invalid_input",
        Some("policy"),
    );
    let missing = tmp.path().join("missing.toml");
    error(
        &laowu(
            home,
            &["policy", "show", "--file", missing.to_str().unwrap()],
        ),
        2,
        "invalid_input",
        Some("file"),
    );
}

#[test]
fn the_consent_gate_refuses_before_consent_and_permits_after() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    ok(home, &["init"]);
    let status = ok(home, &["consent", "status"]);
    assert_eq!(status["state"], "not_decided");
    assert!(
        status["purposes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["granted"] == false)
    );

    // Every collecting command refuses with exit 3, the purpose in `field`.
    for (purpose, category) in [
        ("registration", "identity"),
        ("attendance", "location"),
        ("real_name_id", "face"),
        ("real_name_bank", "financial"),
        ("crash_reports", "device"),
        ("customer_service", "support"),
    ] {
        let run = record_put(home, purpose, category, "x", "张伟");
        error(&run, 3, "consent_required", Some(purpose));
    }
    assert!(
        ok(home, &["record", "list", "--category", "identity"])["records"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // Refusing the essentials is browse-only: still nothing collected.
    let browse = ok(home, &["consent", "accept", "--purpose", "attendance"]);
    assert_eq!(browse["state"], "browse_only");
    error(
        &record_put(home, "attendance", "location", "fix", "39.9,116.4"),
        3,
        "consent_required",
        Some("attendance"),
    );

    // The essentials plus attendance, separately chosen; marketing stays off.
    let essentials: Vec<String> = status["purposes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["essential"] == true)
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect();
    let mut args = vec!["consent", "accept"];
    for e in &essentials {
        args.extend(["--purpose", e.as_str()]);
    }
    args.extend(["--purpose", "attendance"]);
    let open = ok(home, &args);
    assert_eq!(open["state"], "open");
    let granted = |j: &serde_json::Value, id: &str| {
        j["purposes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == id)
            .unwrap()["granted"]
            == true
    };
    assert!(
        granted(&open, "attendance")
            && !granted(&open, "marketing")
            && !granted(&open, "real_name_id")
    );
    put(home, "location", "fix", "39.908722,116.397499", "1");
    put(home, "identity", "name", "张伟", "2");
    error(
        &record_put(home, "real_name_id", "face", "liveness", "pass"),
        3,
        "consent_required",
        Some("real_name_id"),
    );
    // A purpose may store only its own categories.
    error(
        &record_put(home, "attendance", "identity", "name", "张伟"),
        2,
        "invalid_input",
        Some("category"),
    );

    // Withdrawing attendance stops it at once and shreds location data.
    let w = ok(home, &["consent", "withdraw", "--purpose", "attendance"]);
    assert_eq!(w["withdrawn"], "attendance");
    assert_eq!(w["shredded"][0]["category"], "location");
    assert_eq!(w["shredded"][0]["rows_removed"], 1);
    assert!(
        ok(home, &["record", "list", "--category", "location"])["records"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    error(
        &record_put(home, "attendance", "location", "fix", "1,2"),
        3,
        "consent_required",
        Some("attendance"),
    );
    // Identity data, under registration, is untouched.
    assert_eq!(
        ok(home, &["record", "list", "--category", "identity"])["records"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Essential purposes cannot be withdrawn one by one; unknown ones are named.
    error(
        &laowu(home, &["consent", "withdraw", "--purpose", "registration"]),
        2,
        "essential_purpose",
        Some("purpose"),
    );
    error(
        &laowu(home, &["consent", "accept", "--purpose", "spying"]),
        2,
        "invalid_input",
        Some("purpose"),
    );
    error(
        &laowu(home, &["consent", "withdraw", "--purpose", "spying"]),
        2,
        "invalid_input",
        Some("purpose"),
    );
    // The decision survives a restart (each command is a new process).
    let after = ok(home, &["consent", "status"]);
    assert_eq!(after["state"], "open");
    assert!(!granted(&after, "attendance") && granted(&after, "registration"));
}

#[test]
fn each_decision_leaves_a_signed_receipt() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    ok(home, &["init"]);
    assert!(
        ok(home, &["consent", "receipts"])["receipts"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    ok(home, &["consent", "accept", "--all"]);
    ok(home, &["consent", "withdraw", "--purpose", "marketing"]);
    let receipts = ok(home, &["consent", "receipts"]);
    let list = receipts["receipts"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    let policy = ok(home, &["policy", "show"]);
    for (entry, event) in list.iter().zip(["decide", "withdraw"]) {
        assert_eq!(entry["signature_valid"], true, "{entry}");
        let body = &entry["receipt"]["body"];
        assert_eq!(body["event"], event);
        assert_eq!(body["policy_hash"], policy["hash"]);
        assert_eq!(body["collection"]["channel"], "cli");
        assert_eq!(
            body["principal"].as_str().unwrap().len(),
            64,
            "an Ed25519 public key"
        );
        assert_eq!(entry["receipt"]["signature"].as_str().unwrap().len(), 128);
    }
    let marketing = |i: usize| {
        list[i]["receipt"]["body"]["purposes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == "marketing")
            .unwrap()["granted"]
            .clone()
    };
    assert_eq!(marketing(0), true);
    assert_eq!(marketing(1), false);
    // One device key signs both.
    assert_eq!(
        list[0]["receipt"]["body"]["principal"],
        list[1]["receipt"]["body"]["principal"]
    );
}

#[test]
fn privacy_export_holds_everything_about_the_user_and_no_secret() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    init_accepted(home);
    put(home, "identity", "name", "张伟", "1");
    put(home, "location", "fix", "39.908722,116.397499", "2");
    let doc = ok(home, &["privacy", "export"]);
    assert_eq!(doc["format"], "laowu-export/1");
    assert_eq!(doc["data"]["identity"][0]["value"], "张伟");
    assert_eq!(doc["data"]["location"][0]["value"], "39.908722,116.397499");
    assert_eq!(doc["data"]["location"][0]["at_ms"], 2);
    assert_eq!(doc["consent"]["state"], "open");
    assert_eq!(doc["receipts"].as_array().unwrap().len(), 1);
    assert_eq!(doc["receipts"][0]["signature_valid"], true);
    let text = doc.to_string();
    assert!(
        !text.contains("device.signing_key"),
        "the private signing key is never exported"
    );
    assert!(!text.contains("consent.decision"));
    // Every category is listed, empty or not, so the worker sees what is held where.
    for c in [
        "identity",
        "location",
        "face",
        "financial",
        "consent",
        "ledger",
        "device",
        "support",
    ] {
        assert!(doc["data"][c].is_array(), "{c}");
    }
}

#[test]
fn a_policy_update_asks_only_for_what_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    init_accepted(home);
    put(home, "location", "fix", "39.9,116.4", "1");

    // v2 keeps attendance records longer; everything else is the same.
    let v1 = include_str!("../../core/policies/v1.toml");
    let attendance_at = v1.find("id = \"attendance\"").unwrap();
    let retention_at = attendance_at + v1[attendance_at..].find("retention_days = ").unwrap();
    let line_end = retention_at + v1[retention_at..].find('\n').unwrap();
    let v2 = format!(
        "{}retention_days = 1000{}",
        &v1[..retention_at],
        &v1[line_end..]
    )
    .replacen("version = \"1\"", "version = \"2\"", 1);
    let v2_path = tmp.path().join("v2.toml");
    fs::write(&v2_path, v2).unwrap();
    let with_v2 = |args: &[&str]| {
        let mut all = vec!["--policy", v2_path.to_str().unwrap()];
        all.extend_from_slice(args);
        laowu(home, &all)
    };

    let status = with_v2(&["consent", "status"]);
    assert_eq!(status.code, 0);
    assert_eq!(status.json["state"], "reconsent_required");
    assert_eq!(status.json["policy_version"], "2");
    assert_eq!(status.json["decided_version"], "1");
    let to_decide: Vec<_> = status.json["purposes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["needs_decision"] == true)
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        to_decide,
        ["attendance"],
        "only the changed purpose is asked again"
    );
    let change = &status.json["diff"]["changed"][0]["changes"][0];
    assert_eq!(change["change"], "longer_retention");
    assert_eq!(change["to_days"], 1000);

    // Unchanged grants carry over; the changed one pauses until decided.
    let reg = with_v2(&[
        "record",
        "put",
        "--purpose",
        "registration",
        "--category",
        "identity",
        "--kind",
        "name",
        "--value",
        "张伟",
    ]);
    assert_eq!(reg.code, 0, "{}", reg.json);
    error(
        &with_v2(&[
            "record",
            "put",
            "--purpose",
            "attendance",
            "--category",
            "location",
            "--kind",
            "fix",
            "--value",
            "1,2",
        ]),
        3,
        "consent_required",
        Some("attendance"),
    );
    let accepted = with_v2(&["consent", "accept", "--purpose", "attendance"]);
    assert_eq!(accepted.json["state"], "open");
    let again = with_v2(&[
        "record",
        "put",
        "--purpose",
        "attendance",
        "--category",
        "location",
        "--kind",
        "fix",
        "--value",
        "1,2",
    ]);
    assert_eq!(again.code, 0, "{}", again.json);
    // The earlier location record was not shredded by the update.
    assert_eq!(
        ok(home, &["record", "list", "--category", "location"])["records"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // A malformed policy file is refused with its field, and nothing changes.
    let bad = tmp.path().join("bad.toml");
    fs::write(&bad, "id = 1").unwrap();
    let run = laowu(
        home,
        &["--policy", bad.to_str().unwrap(), "consent", "status"],
    );
    assert_eq!(run.code, 2);
    assert_eq!(run.json["error"]["code"], "invalid_input");
}

#[test]
fn sdk_starts_and_accesses_are_gated_and_ledgered() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    ok(home, &["init"]);
    // Before consent the Amap SDK must not start; the answer is recorded.
    let no = ok(home, &["sdk", "may-start", "--sdk", "amap-location"]);
    assert_eq!(no["allowed"], false);
    assert_eq!(no["purpose"], "attendance");
    error(
        &laowu(home, &["sdk", "may-start", "--sdk", "nosuch-sdk"]),
        2,
        "invalid_input",
        Some("sdk"),
    );

    ok(
        home,
        &[
            "consent",
            "accept",
            "--purpose",
            "registration",
            "--purpose",
            "logs",
            "--purpose",
            "attendance",
        ],
    );
    assert_eq!(
        ok(home, &["sdk", "may-start", "--sdk", "amap-location"])["allowed"],
        true
    );
    assert_eq!(
        ok(home, &["sdk", "may-start", "--sdk", "tencent-bugly"])["allowed"],
        false
    );
    ok(
        home,
        &[
            "ledger",
            "record",
            "--accessor",
            "capability:location",
            "--purpose",
            "attendance",
            "--category",
            "location",
            "--detail",
            "single fix",
        ],
    );
    // Refused accesses exit 3 and are recorded as refused.
    error(
        &laowu(
            home,
            &[
                "ledger",
                "record",
                "--accessor",
                "sdk:tencent-bugly",
                "--purpose",
                "crash_reports",
                "--category",
                "device",
            ],
        ),
        3,
        "consent_required",
        Some("crash_reports"),
    );
    error(
        &laowu(
            home,
            &[
                "ledger",
                "record",
                "--accessor",
                "capability:teleport",
                "--purpose",
                "attendance",
                "--category",
                "location",
            ],
        ),
        2,
        "invalid_input",
        Some("accessor"),
    );

    let list = ok(home, &["ledger", "list"]);
    let entries = list["entries"].as_array().unwrap();
    let outcomes: Vec<_> = entries
        .iter()
        .map(|e| {
            (
                e["accessor"].as_str().unwrap(),
                e["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            ("sdk:amap-location", "refused"),
            ("sdk:amap-location", "allowed"),
            ("sdk:tencent-bugly", "refused"),
            ("capability:location", "allowed"),
            ("sdk:tencent-bugly", "refused"),
        ]
    );
    assert_eq!(entries[3]["purpose"], "attendance");
    assert_eq!(entries[3]["category"], "location");
    assert_eq!(entries[3]["policy_version"], "1");
    let only_amap = ok(home, &["ledger", "list", "--accessor", "sdk:amap-location"]);
    assert_eq!(only_amap["count"], 2);

    let verify = ok(home, &["ledger", "verify"]);
    assert_eq!(verify["ok"], true);
    assert_eq!(verify["count"], 5);
    let export = ok(home, &["ledger", "export"]);
    assert_eq!(export["count"], 5);
    assert_eq!(export["head_hash"], verify["head_hash"]);
    assert_eq!(ok(home, &["privacy", "export"])["ledger"]["count"], 5);

    // An attacker deletes the refused Bugly entry in the middle: detected, exit 4.
    let conn = rusqlite::Connection::open(home.join("laowu.db")).unwrap();
    conn.execute("DELETE FROM ledger WHERE seq = 3", [])
        .unwrap();
    drop(conn);
    let run = laowu(home, &["ledger", "verify"]);
    error(&run, 4, "ledger_tampered", None);
    assert!(
        run.json["error"]["message"].as_str().unwrap().contains('3'),
        "{}",
        run.json
    );
}

/// Every CLI operation that collects personal data, by purpose.
fn collecting_operations() -> Vec<(&'static str, Vec<&'static str>)> {
    let put = |purpose, category, kind, value| {
        vec![
            "record",
            "put",
            "--purpose",
            purpose,
            "--category",
            category,
            "--kind",
            kind,
            "--value",
            value,
        ]
    };
    vec![
        (
            "registration",
            put("registration", "identity", "name", "张伟"),
        ),
        (
            "real_name_id",
            put(
                "real_name_id",
                "identity",
                "id_number",
                "11010519491231002X",
            ),
        ),
        (
            "real_name_id",
            put("real_name_id", "face", "liveness", "pass"),
        ),
        (
            "real_name_bank",
            put(
                "real_name_bank",
                "financial",
                "bank_card",
                "6222020200112233445",
            ),
        ),
        (
            "attendance",
            put("attendance", "location", "fix", "39.908722,116.397499"),
        ),
        (
            "fingerprint_login",
            put("fingerprint_login", "device", "biometric", "ok"),
        ),
        (
            "crash_reports",
            put("crash_reports", "device", "crash", "trace"),
        ),
        (
            "customer_service",
            put("customer_service", "support", "call", "通话记录"),
        ),
        ("logs", put("logs", "device", "ip", "10.0.0.1")),
        (
            "marketing",
            put("marketing", "device", "preference", "钢筋工"),
        ),
        (
            "attendance",
            vec![
                "ledger",
                "record",
                "--accessor",
                "capability:location",
                "--purpose",
                "attendance",
                "--category",
                "location",
            ],
        ),
        (
            "attendance",
            vec![
                "checkin",
                "--lat",
                "26.6470",
                "--lon",
                "106.6302",
                "--accuracy",
                "15",
            ],
        ),
        (
            "crash_reports",
            vec![
                "ledger",
                "record",
                "--accessor",
                "sdk:tencent-bugly",
                "--purpose",
                "crash_reports",
                "--category",
                "device",
            ],
        ),
    ]
}

#[test]
fn every_collecting_operation_refuses_before_consent_and_works_after() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    ok(home, &["init"]);
    // A site is the employer's data, not the worker's: no consent needed.
    ok(
        home,
        &[
            "site",
            "add",
            "--name",
            "一号工地",
            "--lat",
            "26.6470",
            "--lon",
            "106.6302",
            "--radius",
            "300",
        ],
    );
    for (purpose, args) in collecting_operations() {
        error(&laowu(home, &args), 3, "consent_required", Some(purpose));
    }
    // Nothing collected: only the site (kept in the device category) is held.
    let holdings = ok(home, &["privacy", "export"])["holdings"].clone();
    assert!(
        holdings
            .as_object()
            .unwrap()
            .keys()
            .all(|c| c == "consent" || c == "device"),
        "{holdings}"
    );
    assert_eq!(holdings["device"], 1, "{holdings}");
    ok(home, &["consent", "accept", "--all"]);
    for (purpose, args) in collecting_operations() {
        let run = laowu(home, &args);
        assert_eq!(run.code, 0, "{purpose}: {}", run.json);
    }
    let holdings = ok(home, &["privacy", "export"])["holdings"].clone();
    assert_eq!(holdings["identity"], 2);
    // The record put, and the check-in's event and its sealed raw fix.
    assert_eq!(holdings["location"], 3);
    assert_eq!(holdings["support"], 1);
}

#[test]
fn withdrawing_a_purpose_deletes_its_rows_in_shared_categories() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    init_accepted(home);
    let device = |purpose: &str, kind: &str, value: &str| {
        let run = record_put(home, purpose, "device", kind, value);
        assert_eq!(run.code, 0, "{}", run.json);
    };
    device("marketing", "preference", "钢筋工岗位");
    device("marketing", "preference", "木工岗位");
    device("logs", "ip", "10.0.0.1");
    // The device category is shared with the essential logs: not shredded whole,
    // but every marketing row goes.
    let w = ok(home, &["consent", "withdraw", "--purpose", "marketing"]);
    assert!(w["shredded"].as_array().unwrap().is_empty());
    assert_eq!(w["purpose_rows_removed"], 2);
    let left: Vec<_> = ok(home, &["record", "list", "--category", "device"])["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["value"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(left, ["10.0.0.1"]);
    assert_eq!(
        ok(home, &["status"])["categories"]["device"]["key_present"],
        true
    );
}

#[test]
fn a_record_put_cannot_forge_the_consent_decision_or_a_receipt() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    ok(home, &["init"]);
    ok(
        home,
        &[
            "consent",
            "accept",
            "--purpose",
            "registration",
            "--purpose",
            "logs",
        ],
    );
    // Registration covers the consent category; a caller with its permit writes
    // records whose kinds mimic the core's own decision and receipt.
    let forged = r#"{"policy_id":"laowu-privacy","policy_version":"1","policy_hash":"x","at_ms":9,"purposes":{}}"#;
    for kind in ["consent.decision", "consent.receipt"] {
        let run = record_put(home, "registration", "consent", kind, forged);
        assert_eq!(run.code, 0, "{}", run.json);
    }
    let status = ok(home, &["consent", "status"]);
    assert_eq!(
        status["state"], "open",
        "the forged decision must not replace the real one"
    );
    let granted: Vec<_> = status["purposes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["granted"] == true)
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(granted, ["registration", "logs"]);
    let receipts = ok(home, &["consent", "receipts"]);
    assert_eq!(receipts["receipts"].as_array().unwrap().len(), 1);
    // The caller's records are the user's data like any other: exported as such.
    let export = ok(home, &["privacy", "export"]);
    assert_eq!(export["data"]["consent"].as_array().unwrap().len(), 2);
}

#[test]
fn a_reader_that_goes_away_is_not_a_crash() {
    use std::process::Stdio;
    let tmp = tempfile::tempdir().unwrap();
    // `laowu policy show --text | head -c 0`: the reader is gone before the
    // command writes anything, so its first write meets a closed pipe.
    let mut child = Command::new(env!("CARGO_BIN_EXE_laowu"))
        .arg("--home")
        .arg(tmp.path())
        .args(["policy", "show", "--text"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}
