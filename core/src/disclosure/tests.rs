use std::collections::BTreeSet;

use plist::Value;

use super::*;
use crate::consent::{DataKind, Policy, Purpose};

const V1: &str = include_str!("../../policies/v1.toml");

const REGENERATE: &str = "cargo run -q -p laowu-cli -- disclosures --format privacy-manifest > ios/PrivacyInfo.xcprivacy";

/// Apple's documented `NSPrivacyCollectedDataType` values.
const APPLE_DATA_TYPES: &[&str] = &[
    "NSPrivacyCollectedDataTypeName",
    "NSPrivacyCollectedDataTypeEmailAddress",
    "NSPrivacyCollectedDataTypePhoneNumber",
    "NSPrivacyCollectedDataTypePhysicalAddress",
    "NSPrivacyCollectedDataTypeOtherUserContactInfo",
    "NSPrivacyCollectedDataTypeHealth",
    "NSPrivacyCollectedDataTypeFitness",
    "NSPrivacyCollectedDataTypePaymentInfo",
    "NSPrivacyCollectedDataTypeCreditInfo",
    "NSPrivacyCollectedDataTypeOtherFinancialInfo",
    "NSPrivacyCollectedDataTypePreciseLocation",
    "NSPrivacyCollectedDataTypeCoarseLocation",
    "NSPrivacyCollectedDataTypeSensitiveInfo",
    "NSPrivacyCollectedDataTypeContacts",
    "NSPrivacyCollectedDataTypeEmailsOrTextMessages",
    "NSPrivacyCollectedDataTypePhotosorVideos",
    "NSPrivacyCollectedDataTypeAudioData",
    "NSPrivacyCollectedDataTypeGameplayContent",
    "NSPrivacyCollectedDataTypeCustomerSupport",
    "NSPrivacyCollectedDataTypeOtherUserContent",
    "NSPrivacyCollectedDataTypeBrowsingHistory",
    "NSPrivacyCollectedDataTypeSearchHistory",
    "NSPrivacyCollectedDataTypeUserID",
    "NSPrivacyCollectedDataTypeDeviceID",
    "NSPrivacyCollectedDataTypePurchaseHistory",
    "NSPrivacyCollectedDataTypeProductInteraction",
    "NSPrivacyCollectedDataTypeAdvertisingData",
    "NSPrivacyCollectedDataTypeOtherUsageData",
    "NSPrivacyCollectedDataTypeCrashData",
    "NSPrivacyCollectedDataTypePerformanceData",
    "NSPrivacyCollectedDataTypeOtherDiagnosticData",
    "NSPrivacyCollectedDataTypeEnvironmentScanning",
    "NSPrivacyCollectedDataTypeHands",
    "NSPrivacyCollectedDataTypeHead",
    "NSPrivacyCollectedDataTypeOtherDataTypes",
];

/// Apple's documented `NSPrivacyCollectedDataTypePurposes` values.
const APPLE_PURPOSES: &[&str] = &[
    "NSPrivacyCollectedDataTypePurposeThirdPartyAdvertising",
    "NSPrivacyCollectedDataTypePurposeDeveloperAdvertising",
    "NSPrivacyCollectedDataTypePurposeAnalytics",
    "NSPrivacyCollectedDataTypePurposeProductPersonalization",
    "NSPrivacyCollectedDataTypePurposeAppFunctionality",
    "NSPrivacyCollectedDataTypePurposeOther",
];

fn policy(source: &str) -> Policy {
    Policy::from_toml(source).expect("a valid policy")
}

/// v1 without its last purpose, marketing.
fn without_marketing() -> Policy {
    let cut = V1.rfind("[[purpose]]").unwrap();
    let p = policy(&V1[..cut]);
    assert!(p.purpose("marketing").is_none());
    p
}

/// Kinds of every purpose of the policy.
fn collected_kinds(p: &Policy) -> BTreeSet<DataKind> {
    p.purposes
        .iter()
        .flat_map(|p| p.kinds.iter().copied())
        .collect()
}

fn play_types_of(
    kinds: impl IntoIterator<Item = DataKind>,
) -> BTreeSet<(&'static str, &'static str)> {
    kinds
        .into_iter()
        .flat_map(|k| kind_mapping(k).play.iter())
        .map(|t| (t.category(), t.name()))
        .collect()
}

fn apple_types_of(kinds: impl IntoIterator<Item = DataKind>) -> BTreeSet<&'static str> {
    kinds
        .into_iter()
        .flat_map(|k| kind_mapping(k).apple.iter())
        .map(|t| t.key())
        .collect()
}

fn collects_play_type(purpose: &Purpose, row: &PlayRow) -> bool {
    play_types_of(purpose.kinds.iter().copied()).contains(&(row.category, row.data_type))
}

// ---- the SDK list ----

/// The list's section for each SDK, by the SDK name in its heading.
fn sections(list: &str) -> Vec<&str> {
    list.split("\n### ").skip(1).collect()
}

#[test]
fn sdk_list_names_every_sdk_with_its_terms_and_nothing_else() {
    let p = Policy::bundled();
    let list = sdk_list(&p);
    let sections = sections(&list);
    assert_eq!(sections.len(), p.sdks.len(), "{list}");
    for (i, (sdk, section)) in p.sdks.iter().zip(&sections).enumerate() {
        assert!(
            section.starts_with(&format!("{}. {}\n", i + 1, sdk.name)),
            "{section}"
        );
        for line in [
            format!("- SDK 名称：{}\n", sdk.name),
            format!("- 第三方公司名称：{}\n", sdk.vendor),
            format!("- 使用目的：{}\n", sdk.purpose),
            format!("- 使用场景：{}\n", sdk.scenario),
            format!("- 收集个人信息类型：{}\n", sdk.data_types.join("、")),
            format!("- 收集方式：{}\n", sdk.collection),
            format!("- 隐私政策链接：<{}>\n", sdk.policy_url),
        ] {
            assert!(section.contains(&line), "{} lacks {line:?}", sdk.id);
        }
        for purpose in &p.purposes {
            let named = section.contains(&format!("“{}”", purpose.name));
            assert_eq!(
                named,
                purpose.sdks.contains(&sdk.id),
                "{} and purpose {}",
                sdk.id,
                purpose.id
            );
        }
        assert!(section.contains("- 运行条件：仅在您同意"), "{section}");
    }
    // Nothing else: every SDK name and every link in the list is the policy's.
    for line in list.lines().filter_map(|l| l.strip_prefix("- SDK 名称：")) {
        assert!(p.sdks.iter().any(|s| s.name == line), "{line}");
    }
    for link in list
        .split('<')
        .skip(1)
        .map(|s| s.split('>').next().unwrap())
    {
        assert!(p.sdks.iter().any(|s| s.policy_url == link), "{link}");
    }
    assert!(list.starts_with("## 第三方 SDK 清单\n"));
    assert!(list.contains(&format!("全部 {} 个第三方 SDK", p.sdks.len())));
}

#[test]
fn sdk_list_labels_the_purposes_as_the_policy_text_does() {
    let list = sdk_list(&Policy::bundled());
    assert!(list.contains("- 本应用中使用它的目的：身份证与人脸实名认证（可选，敏感）\n"));
    assert!(list.contains("- 本应用中使用它的目的：崩溃报告（可选）\n"));
    assert!(list.contains("仅在您同意“考勤打卡”后才开始运行；您撤回该同意后即停止运行。"));
}

#[test]
fn sdk_list_follows_the_policy() {
    let renamed = policy(&V1.replace("腾讯 Bugly", "腾讯 Bugly 崩溃分析"));
    let list = sdk_list(&renamed);
    assert!(list.contains("- SDK 名称：腾讯 Bugly 崩溃分析\n"));
    assert!(!list.contains("- SDK 名称：腾讯 Bugly\n"));

    // An SDK shared by two purposes waits for either.
    let shared = policy(&V1.replacen(
        "kinds = [\"device_info\", \"device_id\", \"ip_address\", \"operation_log\"]\nsdks = []",
        "kinds = [\"device_info\", \"device_id\", \"ip_address\", \"operation_log\"]\nsdks = [\"tencent-bugly\"]",
        1,
    ));
    let list = sdk_list(&shared);
    assert!(
        list.contains("仅在您同意“崩溃报告”、“日志与安全”中的任一目的后才开始运行"),
        "{list}"
    );
    assert!(list.contains("崩溃报告（可选）、日志与安全（基本服务）"));
}

// ---- Google Play's Data safety ----

#[test]
fn every_collected_kind_has_a_play_row_and_every_row_a_collected_kind() {
    for p in [Policy::bundled(), without_marketing()] {
        let form = play_data_safety(&p);
        let rows: BTreeSet<_> = form
            .rows
            .iter()
            .map(|r| (r.category, r.data_type))
            .collect();
        assert_eq!(rows.len(), form.rows.len(), "one row per type");
        assert_eq!(rows, play_types_of(collected_kinds(&p)));
        for row in &form.rows {
            assert!(row.collected);
            assert!(!row.ephemeral);
            assert!(!row.kinds.is_empty() && !row.collection_purposes.is_empty());
            for kind in &row.kinds {
                assert!(play_types_of([*kind]).contains(&(row.category, row.data_type)));
            }
            for id in &row.policy_purposes {
                assert!(collects_play_type(p.purpose(id).unwrap(), row), "{id}");
            }
        }
        assert!(form.collects_or_shares && form.encrypted_in_transit && form.deletion_request);
    }
}

#[test]
fn play_rows_are_required_exactly_when_an_essential_purpose_collects_them() {
    let p = Policy::bundled();
    let form = play_data_safety(&p);
    for row in &form.rows {
        let essential = p
            .purposes
            .iter()
            .any(|purpose| purpose.essential && collects_play_type(purpose, row));
        assert_eq!(row.required, essential, "{}", row.data_type);
    }
    let by_name = |name: &str| form.rows.iter().find(|r| r.data_type == name).unwrap();
    assert!(by_name("Name").required, "registration is essential");
    assert!(
        by_name("Device or other IDs").required,
        "logs are essential"
    );
    assert!(
        !by_name("Precise location").required,
        "attendance is optional"
    );
    assert!(!by_name("User payment info").required);

    // Making attendance essential makes location required.
    let essential_attendance = policy(&V1.replacen(
        "id = \"attendance\"\nname = \"考勤打卡\"\ndescription = \"打卡时获取一次精确位置和 WiFi 信息，判断您是否在工地范围内，考勤记录提供给用工单位审核并用于工资结算；您在就业服务中主动按位置查找岗位时也定位一次。不在后台持续定位。\"\nessential = false",
        "id = \"attendance\"\nname = \"考勤打卡\"\ndescription = \"打卡时获取一次精确位置和 WiFi 信息，判断您是否在工地范围内，考勤记录提供给用工单位审核并用于工资结算；您在就业服务中主动按位置查找岗位时也定位一次。不在后台持续定位。\"\nessential = true",
        1,
    ));
    let form = play_data_safety(&essential_attendance);
    let row = form
        .rows
        .iter()
        .find(|r| r.data_type == "Precise location")
        .unwrap();
    assert!(row.required);
}

#[test]
fn marketing_is_advertising_and_personalisation() {
    let form = play_data_safety(&Policy::bundled());
    for row in form
        .rows
        .iter()
        .filter(|r| r.policy_purposes.contains(&"marketing".into()))
    {
        assert!(
            row.collection_purposes
                .contains(&PlayPurpose::AdvertisingOrMarketing)
                && row
                    .collection_purposes
                    .contains(&PlayPurpose::Personalization),
            "{row:?}"
        );
    }
    let form = play_data_safety(&without_marketing());
    for row in &form.rows {
        assert!(
            !row.collection_purposes
                .contains(&PlayPurpose::AdvertisingOrMarketing)
        );
        assert!(
            !row.collection_purposes
                .contains(&PlayPurpose::Personalization)
        );
    }
}

#[test]
fn sharing_follows_what_each_sdk_says_it_does_with_the_data() {
    let p = Policy::bundled();
    let transfers: Vec<_> = p
        .sdks
        .iter()
        .map(|s| (s.id.as_str(), sdk_transfer(s)))
        .collect();
    assert_eq!(
        transfers,
        [
            ("baidu-face-offline", SdkTransfer::NotShared),
            ("baidu", SdkTransfer::NotShared),
            ("tencent-bugly", SdkTransfer::ServiceProvider),
            ("amap-location", SdkTransfer::Shared),
        ]
    );
    let form = play_data_safety(&p);
    for row in &form.rows {
        let amap = row.policy_purposes.contains(&"attendance".into());
        assert_eq!(row.shared, amap, "{}", row.data_type);
        assert_eq!(row.shared, !row.sharing_purposes.is_empty());
        assert_eq!(row.shared, !row.shared_with.is_empty());
        if amap {
            assert_eq!(row.shared_with, ["高德开放平台定位 SDK"]);
        }
    }

    // Wording the code does not recognise counts as sharing (fail closed).
    let vague = policy(&V1.replace(
        "仅在崩溃或出错时上报至腾讯 Bugly 平台供我们排查问题，不与其他方共享",
        "仅在崩溃或出错时上报至腾讯 Bugly 平台",
    ));
    let form = play_data_safety(&vague);
    let crash = form
        .rows
        .iter()
        .find(|r| r.data_type == "Crash logs")
        .unwrap();
    assert!(crash.shared);
    assert_eq!(crash.shared_with, ["腾讯 Bugly"]);
    assert_eq!(crash.sharing_purposes, [PlayPurpose::Analytics]);
}

#[test]
fn every_bundled_purpose_has_its_store_purposes_declared() {
    for purpose in &Policy::bundled().purposes {
        let uses = purpose_uses(purpose.id.as_str()).unwrap_or_else(|| {
            panic!(
                "purpose {} has no row in purpose_uses (core/src/disclosure/mapping.rs)",
                purpose.id
            )
        });
        assert!(!uses.play.is_empty() && !uses.apple.is_empty());
    }
}

/// Splits RFC 4180 text into records of fields.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(field.is_empty() && record.is_empty(), "ends with CRLF");
    records
}

#[test]
fn play_renders_as_markdown_and_csv_with_one_line_per_row() {
    let form = play_data_safety(&Policy::bundled());
    let md = form.to_markdown();
    let table: Vec<&str> = md.lines().filter(|l| l.starts_with('|')).collect();
    assert_eq!(table.len(), form.rows.len() + 2, "{md}");
    assert!(table[0].starts_with("| Category | Data type | Collected | Shared |"));
    assert!(
        md.contains("- Is all of the user data collected by your app encrypted in transit? Yes\n")
    );
    assert!(md.contains(
        "| Location | Precise location | Yes | Yes | No | Optional | App functionality | App functionality | 高德开放平台定位 SDK | attendance | precise_location; wifi_info |"
    ), "{md}");
    assert!(md.contains(
        "| Crash logs | Yes | No | No | Optional | Analytics | — | — | crash_reports | crash_log |"
    ));

    let csv = form.to_csv();
    assert!(csv.ends_with("\r\n"));
    let records = parse_csv(&csv);
    assert_eq!(records.len(), form.rows.len() + 1);
    assert!(records.iter().all(|r| r.len() == 11));
    let device = records
        .iter()
        .find(|r| r[1] == "Device or other IDs")
        .unwrap();
    assert_eq!(
        device[6],
        "App functionality; Analytics; Fraud prevention, security, and compliance"
    );
    assert!(csv.contains(
        ",\"App functionality; Analytics; Fraud prevention, security, and compliance\","
    ));
}

#[test]
fn play_serialises_with_plays_own_words() {
    let json = serde_json::to_value(play_data_safety(&Policy::bundled())).unwrap();
    let rows = json["rows"].as_array().unwrap();
    let interactions = rows
        .iter()
        .find(|r| r["data_type"] == "App interactions")
        .unwrap();
    assert_eq!(interactions["category"], "App activity");
    assert_eq!(
        interactions["collection_purposes"],
        serde_json::json!([
            "App functionality",
            "Advertising or marketing",
            "Fraud prevention, security, and compliance",
            "Personalization"
        ])
    );
    assert_eq!(interactions["kinds"], serde_json::json!(["operation_log"]));
    assert_eq!(
        interactions["policy_purposes"],
        serde_json::json!(["logs", "marketing"])
    );
    assert_eq!(json["policy_version"], "1");
}

// ---- Apple's privacy manifest ----

fn parse_plist(xml: &str) -> plist::Dictionary {
    Value::from_reader_xml(xml.as_bytes())
        .unwrap_or_else(|e| panic!("not a property list ({e}):\n{xml}"))
        .into_dictionary()
        .expect("a dictionary at the root")
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|s| s.as_string().expect("a string"))
        .collect()
}

/// Each declared data type and its purposes.
fn declared(manifest: &plist::Dictionary) -> Vec<(String, Vec<String>)> {
    manifest["NSPrivacyCollectedDataTypes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| {
            let d = entry.as_dictionary().unwrap();
            let keys: Vec<&str> = d.keys().map(String::as_str).collect();
            assert_eq!(
                keys.iter().copied().collect::<BTreeSet<_>>(),
                BTreeSet::from([
                    "NSPrivacyCollectedDataType",
                    "NSPrivacyCollectedDataTypeLinked",
                    "NSPrivacyCollectedDataTypePurposes",
                    "NSPrivacyCollectedDataTypeTracking",
                ])
            );
            assert_eq!(
                d["NSPrivacyCollectedDataTypeLinked"].as_boolean(),
                Some(true)
            );
            assert_eq!(
                d["NSPrivacyCollectedDataTypeTracking"].as_boolean(),
                Some(false)
            );
            (
                d["NSPrivacyCollectedDataType"]
                    .as_string()
                    .unwrap()
                    .to_string(),
                strings(&d["NSPrivacyCollectedDataTypePurposes"])
                    .into_iter()
                    .map(String::from)
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn manifest_is_a_plist_declaring_exactly_the_collected_kinds() {
    for p in [Policy::bundled(), without_marketing()] {
        let xml = privacy_manifest(&p);
        let manifest = parse_plist(&xml);
        assert_eq!(manifest["NSPrivacyTracking"].as_boolean(), Some(false));
        assert!(strings(&manifest["NSPrivacyTrackingDomains"]).is_empty());

        let declared = declared(&manifest);
        let types: Vec<&str> = declared.iter().map(|(t, _)| t.as_str()).collect();
        let mut sorted = types.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(types, sorted, "sorted, once each");
        assert_eq!(
            types.iter().copied().collect::<BTreeSet<_>>(),
            apple_types_of(collected_kinds(&p))
        );
        for (data_type, purposes) in &declared {
            assert!(
                APPLE_DATA_TYPES.contains(&data_type.as_str()),
                "{data_type}"
            );
            assert!(!purposes.is_empty());
            let mut sorted = purposes.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(purposes, &sorted);
            for purpose in purposes {
                assert!(APPLE_PURPOSES.contains(&purpose.as_str()), "{purpose}");
            }
        }
        let marketing = declared
            .iter()
            .any(|(_, purposes)| purposes.iter().any(|p| p.contains("Advertising")));
        assert_eq!(marketing, p.purpose("marketing").is_some());
    }
}

#[test]
fn manifest_declares_marketing_as_developer_advertising_and_personalisation() {
    let manifest = parse_plist(&privacy_manifest(&Policy::bundled()));
    let declared = declared(&manifest);
    let purposes_of = |t: &str| &declared.iter().find(|(d, _)| d == t).unwrap().1;
    let usage = purposes_of("NSPrivacyCollectedDataTypeOtherUsageData");
    assert!(usage.contains(&"NSPrivacyCollectedDataTypePurposeDeveloperAdvertising".into()));
    assert!(usage.contains(&"NSPrivacyCollectedDataTypePurposeProductPersonalization".into()));
    for (_, purposes) in &declared {
        assert!(
            !purposes.contains(&"NSPrivacyCollectedDataTypePurposeThirdPartyAdvertising".into())
        );
        assert!(!purposes.contains(&"NSPrivacyCollectedDataTypePurposeOther".into()));
    }
    assert_eq!(
        purposes_of("NSPrivacyCollectedDataTypePreciseLocation"),
        &["NSPrivacyCollectedDataTypePurposeAppFunctionality"]
    );
}

#[test]
fn manifest_declares_the_required_reason_apis_the_app_uses() {
    let manifest = parse_plist(&privacy_manifest(&Policy::bundled()));
    let apis: Vec<(&str, Vec<&str>)> = manifest["NSPrivacyAccessedAPITypes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let d = e.as_dictionary().unwrap();
            (
                d["NSPrivacyAccessedAPIType"].as_string().unwrap(),
                strings(&d["NSPrivacyAccessedAPITypeReasons"]),
            )
        })
        .collect();
    assert_eq!(
        apis,
        [
            ("NSPrivacyAccessedAPICategoryFileTimestamp", vec!["C617.1"]),
            ("NSPrivacyAccessedAPICategoryUserDefaults", vec!["CA92.1"]),
        ]
    );
}

#[test]
fn every_kind_maps_to_documented_store_types() {
    for &kind in DataKind::ALL {
        let m = kind_mapping(kind);
        assert!(!m.play.is_empty() && !m.apple.is_empty(), "{kind}");
        for t in m.apple {
            assert!(APPLE_DATA_TYPES.contains(&t.key()), "{kind}: {}", t.key());
        }
    }
    for purpose in &Policy::bundled().purposes {
        for p in purpose_uses(purpose.id.as_str()).unwrap().apple {
            assert!(APPLE_PURPOSES.contains(&p.key()));
        }
    }
}

#[test]
fn disclosures_are_deterministic_and_independent_of_purpose_order() {
    let p = Policy::bundled();
    let mut reversed = p.clone();
    reversed.purposes.reverse();
    reversed.sdks.reverse();
    assert_eq!(privacy_manifest(&p), privacy_manifest(&p));
    assert_eq!(privacy_manifest(&p), privacy_manifest(&reversed));
    assert_eq!(play_data_safety(&p), play_data_safety(&p));
    let types = |p: &Policy| -> Vec<_> {
        play_data_safety(p)
            .rows
            .into_iter()
            .map(|r| {
                (
                    r.data_type,
                    r.required,
                    r.shared,
                    r.collection_purposes,
                    r.kinds,
                )
            })
            .collect()
    };
    assert_eq!(types(&p), types(&reversed));
    assert_eq!(sdk_list(&p), sdk_list(&p));
}

#[test]
fn manifest_stays_well_formed_whatever_the_policy_version_says() {
    let odd = policy(&V1.replacen("version = \"1\"", "version = \"2 <beta> & --draft--\"", 1));
    let xml = privacy_manifest(&odd);
    assert!(
        xml.contains("version 2 &lt;beta&gt; &amp; -draft (core/policies)"),
        "{xml}"
    );
    parse_plist(&xml);
}

#[test]
fn checked_in_manifest_is_the_generated_one() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../ios/PrivacyInfo.xcprivacy");
    let checked_in = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!("cannot read ios/PrivacyInfo.xcprivacy ({e}); generate it with `{REGENERATE}`")
    });
    assert!(
        checked_in == privacy_manifest(&Policy::bundled()),
        "ios/PrivacyInfo.xcprivacy differs from the manifest the bundled policy generates; \
         regenerate it with `{REGENERATE}` and commit it"
    );
}
