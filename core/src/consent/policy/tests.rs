use super::*;

/// A small valid policy; each test breaks one thing in it.
const VALID: &str = r#"
id = "laowu-privacy"
version = "1"
effective = "2026-11-23"
language = "zh-CN"
title = "劳务隐私政策"
text = "我们只在您同意后收集个人信息。"

[[sdk]]
id = "amap-location"
name = "高德定位SDK"
vendor = "高德软件有限公司"
purpose = "考勤打卡定位"
scenario = "打卡时"
data_types = ["位置信息", "WiFi 信息"]
collection = "SDK 采集"
policy_url = "https://lbs.amap.com/pages/privacy/"

[[purpose]]
id = "registration"
name = "注册与登录"
description = "用手机号码注册和登录。"
essential = true
sensitive = false
categories = ["identity"]
data = ["姓名", "手机号码"]
kinds = ["name", "phone_number"]
retention_days = 1095

[[purpose]]
id = "attendance"
name = "考勤打卡"
description = "在工地打卡时确认您在现场。"
essential = false
sensitive = true
categories = ["location"]
data = ["精确位置", "WiFi"]
kinds = ["precise_location", "wifi_info"]
sdks = ["amap-location"]
retention_days = 730
"#;

fn err(source: &str) -> PolicyError {
    Policy::from_toml(source).expect_err("the policy should be refused")
}

fn field_of(source: &str) -> String {
    err(source).field().to_string()
}

#[test]
fn a_valid_policy_loads_with_its_terms() {
    let p = Policy::from_toml(VALID).unwrap();
    assert_eq!(p.purposes.len(), 2);
    let attendance = p.purpose("attendance").unwrap();
    assert!(attendance.sensitive && !attendance.essential);
    assert_eq!(attendance.categories, vec![DataCategory::Location]);
    assert_eq!(p.sdk("amap-location").unwrap().data_types.len(), 2);
    assert_eq!(p.hash().len(), 64);
}

#[test]
fn the_hash_follows_content_not_layout() {
    let base = Policy::from_toml(VALID).unwrap();
    let reformatted = VALID.replace("\n[[purpose]]", "\n# a comment\n\n[[purpose]]");
    assert_eq!(Policy::from_toml(&reformatted).unwrap().hash(), base.hash());
    let retention = VALID.replace("retention_days = 730", "retention_days = 731");
    assert_ne!(Policy::from_toml(&retention).unwrap().hash(), base.hash());
    let text = VALID.replace("我们只在", "我们仅在");
    assert_ne!(Policy::from_toml(&text).unwrap().hash(), base.hash());
}

#[test]
fn syntax_errors_give_line_and_column() {
    match err(&VALID.replace("essential = true", "essential = tru")) {
        PolicyError::Syntax { line, column, .. } => {
            let expected = VALID
                .lines()
                .position(|l| l.starts_with("essential = true"))
                .unwrap()
                + 1;
            assert_eq!(line, expected);
            assert!(column > 1);
        }
        other => panic!("{other:?}"),
    }
    // A misspelt key is refused, not ignored.
    assert!(matches!(
        err(&VALID.replace("retention_days = 730", "retention_day = 730")),
        PolicyError::Syntax { .. }
    ));
    // A missing key too.
    assert!(matches!(
        err(&VALID.replace("title = \"劳务隐私政策\"\n", "")),
        PolicyError::Syntax { .. }
    ));
}

#[test]
fn each_rule_names_its_field() {
    let cases = [
        (
            VALID.replace("id = \"laowu-privacy\"", "id = \"Laowu Privacy\""),
            "id",
        ),
        (VALID.replace("2026-11-23", "2026-02-30"), "effective"),
        (
            VALID.replace("text = \"我们只在您同意后收集个人信息。\"", "text = \"  \""),
            "text",
        ),
        (
            VALID.replace("categories = [\"location\"]", "categories = [\"gps\"]"),
            "purpose[1].categories[0]",
        ),
        (
            VALID.replace("categories = [\"location\"]", "categories = []"),
            "purpose[1].categories",
        ),
        (
            VALID.replace(
                "categories = [\"location\"]",
                "categories = [\"location\", \"location\"]",
            ),
            "purpose[1].categories[1]",
        ),
        (
            VALID.replace("sensitive = true", "sensitive = false"),
            "purpose[1].sensitive",
        ),
        (
            VALID.replace("sdks = [\"amap-location\"]", "sdks = [\"amap\"]"),
            "purpose[1].sdks[0]",
        ),
        (
            VALID.replace("sdks = [\"amap-location\"]", "sdks = []"),
            "sdk[0]",
        ),
        (
            VALID.replace("retention_days = 730", "retention_days = -1"),
            "policy",
        ),
        (
            VALID.replace("retention_days = 730", "retention_days = 99999"),
            "purpose[1].retention_days",
        ),
        (
            VALID.replace("essential = true", "essential = false"),
            "purpose",
        ),
        (
            VALID.replace("id = \"attendance\"", "id = \"registration\""),
            "purpose[1].id",
        ),
        (
            VALID.replace("data = [\"姓名\", \"手机号码\"]", "data = []"),
            "purpose[0].data",
        ),
        (
            VALID.replace("kinds = [\"name\", \"phone_number\"]", "kinds = []"),
            "purpose[0].kinds",
        ),
        (
            VALID.replace(
                "kinds = [\"name\", \"phone_number\"]",
                "kinds = [\"name\", \"gps\"]",
            ),
            "purpose[0].kinds[1]",
        ),
        (
            VALID.replace("kinds = [\"name\", \"phone_number\"]", "kinds = [\"face\"]"),
            "purpose[0].kinds[0]",
        ),
        (
            VALID.replace(
                "kinds = [\"name\", \"phone_number\"]",
                "kinds = [\"name\", \"name\"]",
            ),
            "purpose[0].kinds[1]",
        ),
        (
            VALID.replace(
                "https://lbs.amap.com/pages/privacy/",
                "http://lbs.amap.com/",
            ),
            "sdk[0].policy_url",
        ),
        (
            VALID.replace("name = \"高德定位SDK\"", "name = \"高德\\u0007SDK\""),
            "sdk[0].name",
        ),
    ];
    for (source, field) in cases {
        assert_eq!(field_of(&source), field, "{source}");
    }
}

#[test]
fn the_bundled_policy_encodes_the_seed() {
    let p = Policy::bundled();
    for id in [
        "registration",
        "real_name_id",
        "real_name_bank",
        "attendance",
        "crash_reports",
        "customer_service",
        "logs",
        "marketing",
    ] {
        assert!(
            p.purpose(id).is_some(),
            "the bundled policy has no purpose {id}"
        );
    }
    for sdk in [
        "baidu-face-offline",
        "baidu",
        "tencent-bugly",
        "amap-location",
    ] {
        assert!(
            p.sdk(sdk).is_some(),
            "the bundled policy does not disclose {sdk}"
        );
    }
    assert_eq!(p.sdks.len(), 4, "exactly the seed's four SDKs");
    assert!(p.purpose("registration").unwrap().essential);
    let face = p.purpose("real_name_id").unwrap();
    assert!(face.sensitive && !face.essential);
    assert!(face.categories.contains(&DataCategory::Face));
    assert!(face.sdks.iter().any(|s| s == "baidu-face-offline"));
    let attendance = p.purpose("attendance").unwrap();
    assert!(attendance.sensitive && attendance.sdks.iter().any(|s| s == "amap-location"));
    assert!(
        p.purpose("crash_reports")
            .unwrap()
            .sdks
            .iter()
            .any(|s| s == "tencent-bugly")
    );
    let marketing = p.purpose("marketing").unwrap();
    assert!(!marketing.essential, "marketing is opt-in (PIPL Art. 24)");
    assert!(
        p.text.contains("15"),
        "the text states the 15-working-day deletion promise"
    );
}
