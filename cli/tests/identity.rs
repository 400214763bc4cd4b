//! `laowu identity`, `account delete`, `calendar` and `quick-login` through
//! the command-line contract; and a whole journey at the most verbose log
//! level that leaks no personal value into any output.

use std::path::Path;
use std::process::Command;

mod common;
use common::{error, laowu, ok, phone};

const NAME: &str = "欧阳娜娜";
const MOBILE: &str = "13812341234";
const ID: &str = "11010519491231002X";
const CARD: &str = "6222020200112233446";
const CREDIT: &str = "91350100M000100Y43";
const ADDRESS: &str = "贵州省贵阳市花溪区溪北路88号";

fn set_id(home: &Path, extra: &[&str]) -> common::Run {
    let mut args = vec!["identity", "set", "--name", NAME, "--id-number", ID];
    args.extend_from_slice(extra);
    laowu(home, &args)
}

#[test]
fn real_name_paths_are_stored_and_shown_masked() {
    let tmp = phone(true);
    let home = tmp.path();
    let v = ok(
        home,
        &[
            "identity",
            "register",
            "--name",
            NAME,
            "--mobile",
            "+86 138-1234-1234",
        ],
    );
    assert_eq!(v["registration"]["mobile"], "138****1234");
    assert_eq!(v["registration"]["name"], "欧***");
    assert_eq!(v["account_id"].as_str().unwrap().len(), 32);

    let photo = home.join("front.jpg");
    std::fs::write(&photo, b"\xff\xd8 not really a jpeg").unwrap();
    let run = set_id(
        home,
        &[
            "--id-front",
            photo.to_str().unwrap(),
            "--face-verdict",
            "pass",
            "--face-score",
            "0.97",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.json);
    let p = &run.json["id_path"];
    assert_eq!(p["id_number"], "110105********002X");
    assert_eq!(p["photos"], serde_json::json!(["front"]));
    assert_eq!(p["face"]["verdict"], "pass");
    assert_eq!(p["verified"], true);

    let v = ok(
        home,
        &[
            "identity",
            "set",
            "--name",
            NAME,
            "--bank-card",
            CARD,
            "--bank",
            "中国工商银行",
            "--occupation",
            "钢筋工",
            "--address",
            ADDRESS,
        ],
    );
    assert_eq!(v["bank_path"]["bank_card"], "****3446");
    assert_eq!(v["bank_path"]["bank"], "中国工商银行");
    assert!(
        !v["bank_path"]["address"]
            .as_str()
            .unwrap()
            .contains("溪北路")
    );

    let v = ok(
        home,
        &[
            "identity",
            "company",
            "--name",
            "贵州建工集团",
            "--credit-code",
            CREDIT,
        ],
    );
    assert_ne!(v["company"]["credit_code"], CREDIT);

    // The masked view never holds a whole value; the export (the worker's own copy) does.
    let shown = ok(home, &["identity", "show"]).to_string();
    for secret in [MOBILE, ID, CARD, CREDIT, NAME, ADDRESS] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    let export = ok(home, &["privacy", "export"]).to_string();
    for secret in [MOBILE, ID, CARD, CREDIT] {
        assert!(export.contains(secret), "the export lacks {secret}");
    }
    // The photo and the face image were never stored, only digests.
    assert!(!export.contains("not really a jpeg"));
}

#[test]
fn each_path_needs_its_own_grant_and_withdrawal_shreds_it() {
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
    error(
        &set_id(home, &[]),
        3,
        "consent_required",
        Some("real_name_id"),
    );
    let run = laowu(
        home,
        &[
            "identity",
            "set",
            "--name",
            NAME,
            "--bank-card",
            CARD,
            "--bank",
            "工行",
            "--occupation",
            "木工",
            "--address",
            ADDRESS,
        ],
    );
    error(&run, 3, "consent_required", Some("real_name_bank"));
    ok(
        home,
        &[
            "consent",
            "accept",
            "--purpose",
            "real_name_id",
            "--purpose",
            "registration",
            "--purpose",
            "logs",
        ],
    );
    assert_eq!(
        set_id(home, &["--face-verdict", "pass", "--face-score", "0.9"]).code,
        0
    );
    let w = ok(home, &["consent", "withdraw", "--purpose", "real_name_id"]);
    assert!(w["shredded"].to_string().contains("face"), "{w}");
    let v = ok(home, &["identity", "show"]);
    assert!(v["id_path"].is_null(), "{v}");
}

#[test]
fn bad_input_exits_2_naming_the_field_and_changes_nothing() {
    let tmp = phone(true);
    let home = tmp.path();
    ok(
        home,
        &["identity", "register", "--name", NAME, "--mobile", MOBILE],
    );
    let register = |name: &str, mobile: &str| {
        laowu(
            home,
            &["identity", "register", "--name", name, "--mobile", mobile],
        )
    };
    error(
        &register(NAME, "12345678901"),
        2,
        "invalid_input",
        Some("mobile"),
    );
    error(
        &register(NAME, "1381234123"),
        2,
        "invalid_input",
        Some("mobile"),
    );
    error(&register("", MOBILE), 2, "invalid_input", Some("name"));
    error(
        &register("张\u{7}伟", MOBILE),
        2,
        "invalid_input",
        Some("name"),
    );
    error(
        &register(&"张".repeat(70), MOBILE),
        2,
        "invalid_input",
        Some("name"),
    );
    // Full-width digits are normalised, not refused.
    assert_eq!(
        ok(home, &["identity", "show"])["registration"]["mobile"],
        "138****1234"
    );

    let bad_check_letter = laowu(
        home,
        &[
            "identity",
            "set",
            "--name",
            NAME,
            "--id-number",
            "11010519491231002Y",
        ],
    );
    error(&bad_check_letter, 2, "invalid_input", Some("id_number"));
    let wrong_check = laowu(
        home,
        &[
            "identity",
            "set",
            "--name",
            NAME,
            "--id-number",
            "110105194912310021",
        ],
    );
    error(&wrong_check, 2, "invalid_input", Some("id_number"));
    let future = laowu(
        home,
        &[
            "identity",
            "set",
            "--name",
            NAME,
            "--id-number",
            "110105209912310029",
        ],
    );
    error(&future, 2, "invalid_input", Some("id_number"));
    let bad_card = laowu(
        home,
        &[
            "identity",
            "set",
            "--name",
            NAME,
            "--bank-card",
            "6222020200112233445",
            "--bank",
            "工行",
            "--occupation",
            "木工",
            "--address",
            ADDRESS,
        ],
    );
    error(&bad_card, 2, "invalid_input", Some("bank_card"));
    let bad_code = laowu(
        home,
        &[
            "identity",
            "company",
            "--name",
            "某公司",
            "--credit-code",
            "91350100M000100Y44",
        ],
    );
    error(&bad_code, 2, "invalid_input", Some("credit_code"));
    let bad_score = set_id(home, &["--face-verdict", "pass", "--face-score", "1.5"]);
    error(&bad_score, 2, "invalid_input", Some("face_score"));

    let v = ok(home, &["identity", "show"]);
    assert!(
        v["id_path"].is_null() && v["bank_path"].is_null() && v["company"].is_null(),
        "{v}"
    );
    let full_width = ok(
        home,
        &[
            "identity",
            "register",
            "--name",
            NAME,
            "--mobile",
            "１３８１２３４１２３４",
        ],
    );
    assert_eq!(full_width["registration"]["mobile"], "138****1234");
}

#[test]
fn corrections_follow_the_rules_with_the_reason_shown() {
    let tmp = phone(true);
    let home = tmp.path();
    ok(
        home,
        &["identity", "register", "--name", "张伟", "--mobile", MOBILE],
    );
    ok(
        home,
        &[
            "identity",
            "set",
            "--name",
            "张伟",
            "--bank-card",
            CARD,
            "--bank",
            "工行",
            "--occupation",
            "木工",
            "--address",
            ADDRESS,
        ],
    );
    let correct = |field: &str, value: &str| {
        laowu(
            home,
            &["identity", "correct", "--field", field, "--value", value],
        )
    };
    // The mobile number identifies the account: never corrected here.
    let run = correct("mobile", "13900001111");
    error(&run, 2, "invalid_input", Some("mobile"));
    assert!(
        run.json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("SMS")
    );
    // Unverified data may be corrected.
    let v = correct("occupation", "钢筋工").json;
    assert_eq!(v["bank_path"]["occupation"], "钢筋工");
    let v = correct("name", "张伟强").json;
    assert_eq!(v["registration"]["name"], "张**");
    error(
        &correct("bank_card", CARD),
        2,
        "invalid_input",
        Some("bank_card"),
    );
    error(&correct("colour", "red"), 2, "invalid_input", Some("field"));
    // Once the face check passes, the ID data and the name are locked.
    assert_eq!(
        set_id(home, &["--face-verdict", "pass", "--face-score", "0.95"]).code,
        0
    );
    let run = correct("id_number", "11010519491231002X");
    error(&run, 2, "invalid_input", Some("id_number"));
    assert!(
        run.json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("verif")
    );
    error(&correct("name", "李四"), 2, "invalid_input", Some("name"));
}

#[test]
fn account_deletion_leaves_nothing_readable_and_prints_the_deadline() {
    let tmp = phone(true);
    let home = tmp.path();
    ok(
        home,
        &["identity", "register", "--name", NAME, "--mobile", MOBILE],
    );
    assert_eq!(
        set_id(home, &["--face-verdict", "pass", "--face-score", "0.95"]).code,
        0
    );
    ok(
        home,
        &[
            "site",
            "add",
            "--name",
            "一号工地",
            "--lat",
            "26.647",
            "--lon",
            "106.6302",
            "--radius",
            "300",
        ],
    );
    ok(
        home,
        &[
            "checkin",
            "--lat",
            "26.647",
            "--lon",
            "106.6302",
            "--accuracy",
            "10",
        ],
    );
    let account = ok(home, &["identity", "show"])["account_id"].clone();

    let d = ok(home, &["account", "delete"]);
    assert_eq!(d["deleted"], true);
    assert_eq!(d["account_id"], account);
    let deadline = d["deadline"].as_str().unwrap();
    assert!(deadline > d["requested_on"].as_str().unwrap(), "{d}");
    assert!(["working_days", "calendar_days"].contains(&d["deadline_basis"].as_str().unwrap()));

    // Only the signed request remains, and it holds no personal value.
    let names: Vec<String> = std::fs::read_dir(home)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["deletion-request.json"], "{names:?}");
    let request = std::fs::read_to_string(home.join("deletion-request.json")).unwrap();
    for secret in [NAME, MOBILE, ID, "26.647"] {
        assert!(!request.contains(secret));
    }
    let json: serde_json::Value = serde_json::from_str(&request).unwrap();
    assert_eq!(json["deadline"], deadline);
    assert_eq!(json["signature"].as_str().unwrap().len(), 128);
    let status = ok(home, &["status"]);
    assert_eq!(status["initialised"], false);
    error(
        &laowu(home, &["identity", "show"]),
        4,
        "not_initialised",
        Some("home"),
    );
}

#[test]
fn the_calendar_counts_working_days_and_can_be_updated() {
    let tmp = phone(true);
    let home = tmp.path();
    let c = ok(home, &["calendar", "show", "--from", "2026-01-05"]);
    // Monday 5 January 2026, no holiday in the next three weeks: 15 working days later.
    assert_eq!(c["deletion_deadline"], "2026-01-26");
    assert_eq!(c["deadline_basis"], "working_days");
    // Past the calendar, the 30-day bound; at the calendar's very end, a clear refusal.
    let far = ok(home, &["calendar", "show", "--from", "2031-03-02"]);
    assert_eq!(far["deletion_deadline"], "2031-04-01");
    assert_eq!(far["deadline_basis"], "calendar_days");
    let end = laowu(home, &["calendar", "show", "--from", "9999-12-31"]);
    error(&end, 2, "invalid_input", Some("date"));
    let bundled = c["version"].as_str().unwrap().to_string();
    let file = home.join("cal.toml");
    std::fs::write(&file, "not = [toml").unwrap();
    error(
        &laowu(
            home,
            &["calendar", "update", "--file", file.to_str().unwrap()],
        ),
        2,
        "invalid_input",
        Some("calendar"),
    );
    let src = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../core/calendars/cn.toml"
    ))
    .unwrap();
    std::fs::write(&file, &src).unwrap();
    // The same version is not newer.
    error(
        &laowu(
            home,
            &["calendar", "update", "--file", file.to_str().unwrap()],
        ),
        2,
        "invalid_input",
        Some("calendar"),
    );
    let newer = src.replacen(
        &format!("version = \"{bundled}\""),
        "version = \"2099-01-01\"",
        1,
    );
    std::fs::write(&file, newer).unwrap();
    let updated = ok(
        home,
        &["calendar", "update", "--file", file.to_str().unwrap()],
    );
    assert_eq!(updated["version"], "2099-01-01");
    assert_eq!(ok(home, &["calendar", "show"])["version"], "2099-01-01");
}

#[test]
fn quick_login_needs_its_grant_and_a_passing_prompt() {
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
    error(
        &laowu(home, &["quick-login", "enable"]),
        3,
        "consent_required",
        Some("fingerprint_login"),
    );
    ok(
        home,
        &[
            "consent",
            "accept",
            "--purpose",
            "fingerprint_login",
            "--purpose",
            "registration",
            "--purpose",
            "logs",
        ],
    );
    assert_eq!(
        ok(home, &["quick-login", "enable", "--simulate", "fail"])["enabled"],
        false
    );
    error(
        &laowu(home, &["quick-login", "login"]),
        2,
        "invalid_input",
        Some("quick_login"),
    );
    assert_eq!(ok(home, &["quick-login", "enable"])["enabled"], true);
    assert_eq!(ok(home, &["quick-login", "login"])["ok"], true);
    assert_eq!(
        ok(home, &["quick-login", "login", "--simulate", "fail"])["ok"],
        false
    );
    assert_eq!(ok(home, &["identity", "show"])["quick_login"], true);
    let uses = ok(
        home,
        &["ledger", "list", "--accessor", "capability:biometric"],
    );
    assert_eq!(uses["count"], 4);
    ok(
        home,
        &["consent", "withdraw", "--purpose", "fingerprint_login"],
    );
    assert_eq!(ok(home, &["identity", "show"])["quick_login"], false);
}

/// Runs `laowu --verbose` and returns stdout and stderr together.
fn verbose(home: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_laowu"))
        .arg("--home")
        .arg(home)
        .arg("--verbose")
        .args(args)
        .env("LAOWU_LOG", "trace")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap(), text)
}

#[test]
fn a_whole_journey_at_trace_level_prints_no_personal_value() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    let lat = "26.647123";
    let mut logged = String::new();
    let journey: Vec<Vec<&str>> = vec![
        vec!["init"],
        vec!["consent", "accept", "--all"],
        vec!["identity", "register", "--name", NAME, "--mobile", MOBILE],
        vec![
            "identity",
            "set",
            "--name",
            NAME,
            "--id-number",
            ID,
            "--face-verdict",
            "pass",
            "--face-score",
            "0.93",
        ],
        vec![
            "identity",
            "set",
            "--name",
            NAME,
            "--bank-card",
            CARD,
            "--bank",
            "工行",
            "--occupation",
            "木工",
            "--address",
            ADDRESS,
        ],
        vec![
            "identity",
            "company",
            "--name",
            "贵州建工集团",
            "--credit-code",
            CREDIT,
        ],
        vec!["identity", "show"],
        vec![
            "identity", "correct", "--field", "address", "--value", ADDRESS,
        ],
        vec![
            "identity",
            "correct",
            "--field",
            "mobile",
            "--value",
            "13900001111",
        ],
        vec![
            "identity",
            "register",
            "--name",
            NAME,
            "--mobile",
            "12345678901",
        ],
        vec![
            "identity",
            "set",
            "--name",
            NAME,
            "--id-number",
            "11010519491231002Y",
        ],
        vec![
            "site",
            "add",
            "--name",
            "一号工地",
            "--lat",
            lat,
            "--lon",
            "106.630456",
            "--radius",
            "300",
        ],
        vec![
            "checkin",
            "--lat",
            lat,
            "--lon",
            "106.630456",
            "--accuracy",
            "10",
            "--wifi",
            "5c:63:bf:12:34:56,工地,-50",
        ],
        vec![
            "checkin",
            "--lat",
            "26.70",
            "--lon",
            "106.630456",
            "--accuracy",
            "10",
            "--reason",
            "去花溪材料市场",
        ],
        vec!["history"],
        vec!["quick-login", "enable"],
        vec!["ledger", "list"],
        vec!["account", "delete"],
    ];
    for args in &journey {
        let (code, text) = verbose(home, args);
        assert!(code <= 2, "{args:?} exited {code}: {text}");
        logged.push_str(&text);
    }
    assert!(
        logged.contains("TRACE") || logged.contains("DEBUG"),
        "the log level is not verbose"
    );
    for secret in [
        MOBILE,
        ID,
        CARD,
        CREDIT,
        NAME,
        ADDRESS,
        "138 1234",
        "1381234",
        "5c:63:bf",
        "去花溪材料市场",
    ] {
        assert!(!logged.contains(secret), "{secret} printed:\n{logged}");
    }
}
