//! `laowu site`, `checkin`, `history`, `makeup`, `review` and `attendance`
//! through the command-line contract: verdicts, anomalies, bad input, the
//! consent gate, the chain and retention.

use std::path::Path;

use serde_json::Value;

mod common;
use common::{error, laowu, ok, phone};

/// 2026-11-23 09:00 in Asia/Shanghai, ms since the epoch.
const MON_0900: i64 = 1_795_395_600_000;
const MINUTE: i64 = 60_000;
const SITE: [&str; 10] = [
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
];

fn checkin(home: &Path, lat: &str, lon: &str, extra: &[&str]) -> Value {
    let mut args = vec!["checkin", "--lat", lat, "--lon", lon, "--accuracy", "15"];
    args.extend_from_slice(extra);
    ok(home, &args)
}

fn anomalies(v: &Value) -> Vec<&str> {
    v["anomalies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect()
}

fn codes(v: &Value) -> Vec<&str> {
    v["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect()
}

fn history_count(home: &Path) -> u64 {
    ok(home, &["history"])["count"].as_u64().unwrap()
}

#[test]
fn sites_are_added_listed_and_checked() {
    let tmp = phone(false);
    let home = tmp.path();
    let site = ok(
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
            "--datum",
            "gcj02",
            "--wifi",
            "AA:BB:CC:00:00:01,工地WiFi",
            "--rule",
            "both",
            "--shift",
            "08:00-17:30",
            "--id",
            "gy-1",
        ],
    );
    assert_eq!(site["id"], "gy-1");
    assert_eq!(site["datum"], "gcj02");
    assert_eq!(site["rule"], "both");
    assert_eq!(site["spec"]["wifi"][0]["bssid"], "aa:bb:cc:00:00:01");
    assert_eq!(site["spec"]["shift"]["shift"]["start"], "08:00");
    let list = ok(home, &["site", "list"]);
    assert_eq!(list["count"], 1);
    assert_eq!(list["sites"][0]["name"], "一号工地");

    let bad = |args: &[&str], field: &str| {
        let mut all = vec!["site", "add", "--name", "二号工地"];
        all.extend_from_slice(args);
        error(&laowu(home, &all), 2, "invalid_input", Some(field));
    };
    let circle = ["--lat", "26.6", "--lon", "106.6"];
    bad(&[&circle[..], &["--radius", "99"]].concat(), "radius");
    bad(&[&circle[..], &["--radius", "3001"]].concat(), "radius");
    bad(&["--lat", "91", "--lon", "106.6", "--radius", "300"], "lat");
    bad(&["--lat", "26.6", "--lon", "NaN", "--radius", "300"], "lon");
    bad(
        &[&circle[..], &["--radius", "300", "--datum", "bd09"]].concat(),
        "datum",
    );
    bad(
        &[&circle[..], &["--radius", "300", "--wifi", "zz:00,x"]].concat(),
        "wifi",
    );
    bad(
        &[&circle[..], &["--radius", "300", "--shift", "9-18"]].concat(),
        "shift",
    );
    // A name already taken by another site.
    let mut dup = SITE.to_vec();
    dup.extend(["--id", "other"]);
    error(&laowu(home, &dup), 2, "invalid_input", Some("name"));
    assert_eq!(ok(home, &["site", "list"])["count"], 1, "nothing stored");
}

#[test]
fn a_polygon_site_with_a_hole_from_a_file() {
    let tmp = phone(true);
    let home = tmp.path();
    let file = home.join("site.json");
    let site = serde_json::json!({
        "id": "yard", "name": "堆场",
        "fences": [{"type": "polygon",
            "exterior": [{"lat": 26.640, "lon": 106.620}, {"lat": 26.640, "lon": 106.640},
                         {"lat": 26.650, "lon": 106.640}, {"lat": 26.650, "lon": 106.620}],
            "holes": [[{"lat": 26.644, "lon": 106.628}, {"lat": 26.644, "lon": 106.632},
                       {"lat": 26.646, "lon": 106.632}, {"lat": 26.646, "lon": 106.628}]]}]
    });
    std::fs::write(&file, site.to_string()).unwrap();
    ok(home, &["site", "add", "--file", file.to_str().unwrap()]);
    let inside = checkin(home, "26.6420", "106.6240", &["--dry-run"]);
    assert_eq!(inside["inside"], "inside");
    assert_eq!(inside["distance_m"], 0.0);
    let in_hole = checkin(home, "26.6450", "106.6300", &["--dry-run"]);
    assert_eq!(in_hole["inside"], "outside");
    assert_eq!(in_hole["verdict"], "rejected");

    let crossed = serde_json::json!({
        "id": "bow", "name": "领结", "fences": [{"type": "polygon", "exterior": [
            {"lat": 26.640, "lon": 106.620}, {"lat": 26.650, "lon": 106.630},
            {"lat": 26.640, "lon": 106.630}, {"lat": 26.650, "lon": 106.620}]}]
    });
    std::fs::write(&file, crossed.to_string()).unwrap();
    error(
        &laowu(home, &["site", "add", "--file", file.to_str().unwrap()]),
        2,
        "invalid_input",
        Some("fences[0].polygon"),
    );
    std::fs::write(&file, "{\"id\": \"x\"").unwrap();
    error(
        &laowu(home, &["site", "add", "--file", file.to_str().unwrap()]),
        2,
        "invalid_input",
        Some("site"),
    );
}

#[test]
fn a_check_in_without_the_attendance_grant_exits_3() {
    let tmp = phone(false);
    let home = tmp.path();
    ok(home, &SITE);
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
    let run = laowu(
        home,
        &[
            "checkin",
            "--lat",
            "26.647",
            "--lon",
            "106.6302",
            "--accuracy",
            "15",
        ],
    );
    error(&run, 3, "consent_required", Some("attendance"));
    // The refusal is in the ledger; nothing else was collected.
    let refused = ok(
        home,
        &["ledger", "list", "--accessor", "capability:location"],
    );
    assert_eq!(refused["entries"][0]["outcome"], "refused");
    assert_eq!(history_count(home), 0);
}

#[test]
fn an_inside_check_in_is_normal_signed_and_in_the_history() {
    let tmp = phone(true);
    let home = tmp.path();
    ok(home, &SITE);
    let v = checkin(home, "26.6471", "106.6303", &[]);
    assert_eq!(v["verdict"], "normal");
    assert_eq!(v["inside"], "inside");
    assert_eq!(v["wifi_matched"], false);
    assert!(anomalies(&v).is_empty());
    let distance = v["distance_m"].as_f64().unwrap();
    assert!((5.0..30.0).contains(&distance), "{distance}");
    let id = v["record_id"].as_str().unwrap();
    assert_eq!(id.len(), 32);

    let h = ok(home, &["history"]);
    assert_eq!(h["count"], 1);
    assert_eq!(h["records"][0]["record_id"], id);
    assert_eq!(h["records"][0]["distance_band"], "0-100m");
    assert_eq!(h["records"][0]["fix_kept"], true);
    // Each sensor read is a ledger entry for the attendance purpose.
    for accessor in ["capability:location", "capability:wifi_scan"] {
        let l = ok(home, &["ledger", "list", "--accessor", accessor]);
        assert_eq!(l["count"], 1, "{accessor}");
        assert_eq!(l["entries"][0]["purpose"], "attendance");
    }
    assert_eq!(ok(home, &["attendance", "verify"])["events"], 1);
}

#[test]
fn bad_input_exits_2_naming_the_field_and_records_nothing() {
    let tmp = phone(true);
    let home = tmp.path();
    ok(home, &SITE);
    let cases: [(&[&str], &str); 10] = [
        (
            &["--lat", "NaN", "--lon", "106.6", "--accuracy", "15"],
            "lat",
        ),
        (
            &["--lat", "inf", "--lon", "106.6", "--accuracy", "15"],
            "lat",
        ),
        (
            &["--lat", "90.5", "--lon", "106.6", "--accuracy", "15"],
            "lat",
        ),
        (
            &["--lat", "26.6", "--lon", "-180.5", "--accuracy", "15"],
            "lon",
        ),
        (
            &["--lat", "26.6", "--lon", "106.6", "--accuracy", "-1"],
            "accuracy_m",
        ),
        (
            &["--lat", "26.6", "--lon", "106.6", "--accuracy", "1e9"],
            "accuracy_m",
        ),
        (
            &[
                "--lat",
                "26.6",
                "--lon",
                "106.6",
                "--accuracy",
                "15",
                "--wifi",
                "00:11:22:33:44,a,-50",
            ],
            "wifi.bssid",
        ),
        (
            &[
                "--lat",
                "26.6",
                "--lon",
                "106.6",
                "--accuracy",
                "15",
                "--wifi",
                "00:11:22:33:44:55,a,9",
            ],
            "wifi.rssi",
        ),
        (
            &[
                "--lat",
                "26.6",
                "--lon",
                "106.6",
                "--accuracy",
                "15",
                "--speed",
                "-1",
            ],
            "speed_mps",
        ),
        (
            &[
                "--lat",
                "26.6",
                "--lon",
                "106.6",
                "--accuracy",
                "15",
                "--reason",
                " ",
            ],
            "reason",
        ),
    ];
    for (args, field) in cases {
        let mut all = vec!["checkin"];
        all.extend_from_slice(args);
        error(&laowu(home, &all), 2, "invalid_input", Some(field));
    }
    let unknown = laowu(
        home,
        &[
            "checkin",
            "--lat",
            "26.6",
            "--lon",
            "106.6",
            "--accuracy",
            "15",
            "--site",
            "无此工地",
        ],
    );
    error(&unknown, 2, "not_found", Some("site"));
    assert_eq!(history_count(home), 0);
    assert_eq!(
        ok(
            home,
            &["ledger", "list", "--accessor", "capability:location"]
        )["count"],
        0,
        "no sensor was read for a refused input"
    );
}

#[test]
fn wifi_counts_only_on_a_known_bssid() {
    let tmp = phone(true);
    let home = tmp.path();
    let mut site = SITE.to_vec();
    site.extend(["--wifi", "aa:bb:cc:00:00:01,工地WiFi", "--rule", "wifi"]);
    ok(home, &site);
    // Inside the fence but the rule is WiFi: a hotspot named like the site does not count.
    let spoof = checkin(
        home,
        "26.6470",
        "106.6302",
        &["--wifi", "11:22:33:44:55:66,工地WiFi,-40", "--dry-run"],
    );
    assert_eq!(spoof["wifi_matched"], false);
    assert_eq!(spoof["verdict"], "rejected");
    assert!(codes(&spoof).contains(&"wifi_not_matched"), "{spoof}");
    // The known BSSID (any case) counts, even away from the fence.
    let real = checkin(
        home,
        "26.7000",
        "106.6302",
        &["--wifi", "AA-BB-CC-00-00-01,renamed,-70"],
    );
    assert_eq!(real["wifi_matched"], true);
    assert_eq!(real["inside"], "outside");
    assert_eq!(real["verdict"], "normal");
}

#[test]
fn every_anomaly_is_named() {
    let tmp = phone(true);
    let home = tmp.path();
    ok(home, &SITE);
    let mock = checkin(home, "26.6470", "106.6302", &["--mock"]);
    assert_eq!(mock["verdict"], "rejected");
    assert_eq!(anomalies(&mock), ["mock_location"]);

    let stale = checkin(
        home,
        "26.6470",
        "106.6302",
        &["--age-s", "600", "--dry-run"],
    );
    assert_eq!(anomalies(&stale), ["stale_fix"]);
    assert_eq!(stale["verdict"], "rejected");

    let poor = ok(
        home,
        &[
            "checkin",
            "--lat",
            "26.6470",
            "--lon",
            "106.6302",
            "--accuracy",
            "150",
            "--dry-run",
        ],
    );
    assert!(anomalies(&poor).contains(&"poor_accuracy"), "{poor}");
    // At the centre, a 150 m circle still lies within the 300 m fence.
    assert_eq!(poor["inside"], "inside");
    assert_eq!(poor["needs_review"], true);

    let fast = checkin(
        home,
        "26.6470",
        "106.6302",
        &["--speed", "150", "--dry-run"],
    );
    assert_eq!(anomalies(&fast), ["impossible_speed"]);

    // A normal check-in, then one 1,000 km away moments later.
    checkin(home, "26.6470", "106.6302", &[]);
    let far = checkin(
        home,
        "31.2304",
        "121.4737",
        &["--reason", "出差", "--dry-run"],
    );
    assert_eq!(anomalies(&far), ["impossible_speed"]);
    assert_eq!(far["verdict"], "field");

    // Trusted time: anchored, then the phone's clock set an hour ahead.
    let real_now = ok(
        home,
        &["attendance", "anchor", "--server-ms", "1795400000000"],
    );
    let elapsed = real_now["elapsed_ms"].as_i64().unwrap();
    let skewed = checkin(
        home,
        "26.6470",
        "106.6302",
        &[
            "--dry-run",
            "--elapsed-ms",
            &(elapsed + 1_000).to_string(),
            "--at-ms",
            &(1_795_400_001_000i64 + 60 * MINUTE).to_string(),
        ],
    );
    assert_eq!(anomalies(&skewed), ["clock_skew"]);
    assert_eq!(skewed["time_source"], "server");
    assert_eq!(skewed["at_ms"], 1_795_400_001_000i64);
    assert_eq!(skewed["needs_review"], true);
}

#[test]
fn a_site_in_gcj02_and_a_gps_fix_agree() {
    let tmp = phone(true);
    let home = tmp.path();
    // Tiananmen: WGS-84 (39.908722, 116.397499) is about (39.910126, 116.403736) in GCJ-02.
    ok(
        home,
        &[
            "site",
            "add",
            "--name",
            "天安门",
            "--lat",
            "39.910126",
            "--lon",
            "116.403736",
            "--radius",
            "100",
            "--datum",
            "gcj02",
        ],
    );
    let gps = checkin(home, "39.908722", "116.397499", &["--dry-run"]);
    assert_eq!(gps["inside"], "inside", "{gps}");
    // The same numbers taken as GCJ-02 are some 550 m off.
    let wrong = checkin(
        home,
        "39.908722",
        "116.397499",
        &["--dry-run", "--datum", "gcj02"],
    );
    assert_eq!(wrong["inside"], "outside", "{wrong}");
}

#[test]
fn a_field_check_in_waits_for_review_and_the_decision_applies() {
    let tmp = phone(true);
    let home = tmp.path();
    ok(home, &SITE);
    let preview = checkin(home, "26.6600", "106.6302", &["--dry-run"]);
    assert_eq!(preview["verdict"], "rejected");
    assert!(codes(&preview).contains(&"reason_required"));
    assert!(preview["record_id"].is_null());
    assert_eq!(history_count(home), 0);

    let field = checkin(
        home,
        "26.6600",
        "106.6302",
        &["--reason", "去材料市场采购钢筋"],
    );
    assert_eq!(field["verdict"], "field");
    assert_eq!(field["needs_review"], true);
    let id = field["record_id"].as_str().unwrap();
    let h = ok(home, &["history"]);
    assert_eq!(h["records"][0]["review"], "pending");
    assert_eq!(h["days"][0]["status"], "pending");

    let decided = ok(home, &["review", "--id", id, "--approve", "--note", "同意"]);
    assert_eq!(decided["review"], "approved");
    assert_eq!(decided["note"], "同意");
    let h = ok(home, &["history"]);
    assert_eq!(h["days"][0]["status"], "missing_out");

    // A normal check-in needs no review; an unknown id is not found.
    let normal = checkin(home, "26.6470", "106.6302", &[]);
    let run = laowu(
        home,
        &[
            "review",
            "--id",
            normal["record_id"].as_str().unwrap(),
            "--reject",
        ],
    );
    error(&run, 2, "invalid_input", Some("id"));
    let run = laowu(home, &["review", "--id", &"0".repeat(32), "--reject"]);
    error(&run, 2, "not_found", Some("id"));
}

#[test]
fn shifts_make_check_ins_late_or_early() {
    let tmp = phone(true);
    let home = tmp.path();
    let mut site = SITE.to_vec();
    site.extend(["--shift", "09:00-18:00"]);
    ok(home, &site);
    let at = |ms: i64| ms.to_string();
    let early = checkin(
        home,
        "26.6470",
        "106.6302",
        &["--at-ms", &at(MON_0900 - 150 * MINUTE), "--dry-run"],
    );
    assert_eq!(early["verdict"], "rejected");
    assert_eq!(early["timing"], "too_early");
    let on_time = checkin(
        home,
        "26.6470",
        "106.6302",
        &["--at-ms", &at(MON_0900 + 5 * MINUTE), "--dry-run"],
    );
    assert_eq!(on_time["verdict"], "normal");
    let late = checkin(
        home,
        "26.6470",
        "106.6302",
        &["--at-ms", &at(MON_0900 + 12 * MINUTE)],
    );
    assert_eq!(late["verdict"], "late");
    assert_eq!(late["minutes"], 7);
    assert_eq!(late["punch"], "in");
    assert_eq!(late["shift_date"], "2026-11-23");
    let leave = checkin(
        home,
        "26.6470",
        "106.6302",
        &["--at-ms", &at(MON_0900 + 8 * 60 * MINUTE)],
    );
    assert_eq!(leave["verdict"], "early_leave");
    assert_eq!(leave["punch"], "out");
    assert_eq!(leave["minutes"], 55);
    let day = &ok(home, &["history"])["days"][0];
    assert_eq!(day["date"], "2026-11-23");
    assert_eq!(day["status"], "late");
}

#[test]
fn make_up_requests_keep_to_quota_and_deadline() {
    let tmp = phone(true);
    let home = tmp.path();
    ok(home, &SITE);
    let now = (MON_0900).to_string();
    let request = |date: &str, punch: &str| {
        laowu(
            home,
            &[
                "makeup",
                "request",
                "--date",
                date,
                "--reason",
                "忘记打卡",
                "--punch",
                punch,
                "--at-ms",
                &now,
            ],
        )
    };
    let first = request("2026-11-20", "in");
    assert_eq!(first.code, 0, "{}", first.json);
    assert_eq!(first.json["kind"], "makeup");
    assert_eq!(first.json["review"], "pending");
    error(
        &request("2026-11-20", "in"),
        2,
        "invalid_input",
        Some("date"),
    );
    assert_eq!(request("2026-11-20", "out").code, 0);
    assert_eq!(request("2026-11-21", "in").code, 0);
    // The monthly quota (3) is used up; deadline and future are refused too.
    error(
        &request("2026-11-22", "in"),
        2,
        "invalid_input",
        Some("date"),
    );
    error(
        &request("2026-11-10", "in"),
        2,
        "invalid_input",
        Some("date"),
    );
    error(
        &request("2026-11-24", "in"),
        2,
        "invalid_input",
        Some("date"),
    );
    error(
        &request("2026-13-01", "in"),
        2,
        "invalid_input",
        Some("date"),
    );

    // A rejected request gives its quota back; an approved one fills the day.
    let id = first.json["record_id"].as_str().unwrap().to_string();
    ok(
        home,
        &["review", "--id", &id, "--reject", "--note", "无证明"],
    );
    assert_eq!(request("2026-11-22", "in").code, 0);
    let h = ok(home, &["history"]);
    let out_id = h["records"][1]["record_id"].as_str().unwrap().to_string();
    ok(home, &["review", "--id", &out_id, "--approve"]);
    let h = ok(home, &["history"]);
    let day = h["days"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["date"] == "2026-11-20")
        .unwrap();
    assert_eq!(day["made_up"], true);
    assert_eq!(day["status"], "missing_in");
}

#[test]
fn the_chain_catches_a_dropped_record() {
    let tmp = phone(true);
    let home = tmp.path();
    ok(home, &SITE);
    for _ in 0..3 {
        checkin(home, "26.6470", "106.6302", &[]);
    }
    assert_eq!(ok(home, &["attendance", "verify"])["events"], 3);
    let db = rusqlite::Connection::open(home.join("laowu.db")).unwrap();
    let removed = db
        .execute(
            "DELETE FROM record WHERE seq = (SELECT seq FROM record WHERE kind = 'attendance.event' ORDER BY seq LIMIT 1 OFFSET 1)",
            [],
        )
        .unwrap();
    assert_eq!(removed, 1);
    drop(db);
    error(
        &laowu(home, &["attendance", "verify"]),
        4,
        "attendance_tampered",
        None,
    );
    // Nothing new is chained onto a broken chain.
    let run = laowu(
        home,
        &[
            "checkin",
            "--lat",
            "26.6470",
            "--lon",
            "106.6302",
            "--accuracy",
            "15",
        ],
    );
    error(&run, 4, "store_corrupt", None);
}

#[test]
fn raw_fixes_go_after_retention_and_the_record_stays() {
    let tmp = phone(true);
    let home = tmp.path();
    ok(home, &SITE);
    checkin(home, "26.6470", "106.6302", &[]);
    checkin(home, "26.6600", "106.6302", &["--reason", "外出"]);
    assert_eq!(ok(home, &["attendance", "purge"])["deleted"], 0);
    let three_years = (MON_0900 + 3 * 365 * 24 * 60 * MINUTE).to_string();
    // The field check-in is still under review: its fix stays.
    assert_eq!(
        ok(home, &["attendance", "purge", "--now-ms", &three_years])["deleted"],
        1
    );
    let h = ok(home, &["history"]);
    assert_eq!(h["records"][0]["fix_kept"], false);
    assert_eq!(h["records"][0]["verdict"], "normal");
    assert_eq!(h["records"][0]["distance_band"], "0-100m");
    assert_eq!(h["records"][1]["fix_kept"], true);
    assert_eq!(ok(home, &["attendance", "verify"])["events"], 2);
}

#[test]
fn withdrawing_attendance_shreds_the_records_and_stops_check_ins() {
    let tmp = phone(true);
    let home = tmp.path();
    ok(home, &SITE);
    checkin(home, "26.6470", "106.6302", &[]);
    ok(home, &["consent", "withdraw", "--purpose", "attendance"]);
    assert_eq!(history_count(home), 0);
    let run = laowu(
        home,
        &[
            "checkin",
            "--lat",
            "26.6470",
            "--lon",
            "106.6302",
            "--accuracy",
            "15",
        ],
    );
    error(&run, 3, "consent_required", Some("attendance"));
    assert_eq!(
        ok(home, &["site", "list"])["count"],
        1,
        "the site is not personal data"
    );
}
