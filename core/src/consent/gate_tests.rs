//! The gate's rules: nothing before consent, separate sensitive grants,
//! browse-only, withdrawal, and re-consent for exactly what changed.

use std::collections::BTreeSet;

use super::*;
use crate::store::DataCategory;

const V1: &str = r#"
id = "laowu-privacy"
version = "1"
effective = "2026-11-23"
language = "zh-CN"
title = "劳务隐私政策"
text = "正文"

[[sdk]]
id = "amap-location"
name = "高德定位SDK"
vendor = "高德软件有限公司"
purpose = "考勤打卡定位"
scenario = "打卡时"
data_types = ["位置信息"]
collection = "SDK 采集"
policy_url = "https://lbs.amap.com/pages/privacy/"

[[purpose]]
id = "registration"
name = "注册与登录"
description = "注册和登录。"
essential = true
sensitive = false
categories = ["identity"]
data = ["姓名", "手机号码"]
kinds = ["name", "phone_number"]
retention_days = 1095

[[purpose]]
id = "logs"
name = "日志"
description = "安全日志。"
essential = true
sensitive = false
categories = ["device"]
data = ["设备信息"]
kinds = ["device_info"]
retention_days = 180

[[purpose]]
id = "attendance"
name = "考勤打卡"
description = "打卡。"
essential = false
sensitive = true
categories = ["location"]
data = ["精确位置"]
kinds = ["precise_location"]
sdks = ["amap-location"]
retention_days = 730

[[purpose]]
id = "marketing"
name = "个性化推荐"
description = "默认关闭。"
essential = false
sensitive = false
categories = ["device"]
data = ["偏好"]
kinds = ["preferences"]
retention_days = 90
"#;

fn v1() -> Policy {
    Policy::from_toml(V1).unwrap()
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

fn decided(policy: Policy, ids: &[&str]) -> Gate {
    let gate = Gate::new(policy.clone(), None);
    let decision = gate.decide(&set(ids), 1_000).unwrap();
    Gate::new(policy, Some(decision))
}

#[test]
fn nothing_is_permitted_before_a_decision() {
    let gate = Gate::new(v1(), None);
    assert_eq!(gate.state(), GateState::NotDecided);
    for p in ["registration", "logs", "attendance", "marketing"] {
        assert_eq!(
            gate.permit(p).unwrap_err(),
            ConsentError::ConsentRequired { purpose: p.into() }
        );
    }
    assert_eq!(gate.pending().len(), 4);
    assert!(matches!(
        gate.permit("spying"),
        Err(ConsentError::UnknownPurpose { .. })
    ));
}

#[test]
fn essentials_only_grants_nothing_optional() {
    let gate = decided(v1(), &["registration", "logs"]);
    assert_eq!(gate.state(), GateState::Open);
    let permit = gate.permit("registration").unwrap();
    assert!(permit.covers(DataCategory::Identity) && !permit.covers(DataCategory::Location));
    assert_eq!(permit.policy_version(), "1");
    assert!(matches!(
        gate.permit("attendance"),
        Err(ConsentError::ConsentRequired { .. })
    ));
    assert!(matches!(
        gate.permit("marketing"),
        Err(ConsentError::ConsentRequired { .. })
    ));
    let status = gate.status();
    assert!(status.purposes.iter().all(|p| !p.needs_decision));
    assert!(
        !status
            .purposes
            .iter()
            .find(|p| p.id == "marketing")
            .unwrap()
            .granted
    );
}

#[test]
fn refusing_essentials_is_browse_only_and_partial_essentials_are_refused() {
    let gate = decided(v1(), &[]);
    assert_eq!(gate.state(), GateState::BrowseOnly);
    assert!(gate.permit("registration").is_err());
    // Optional grants without the essentials still collect nothing.
    let gate = decided(v1(), &["attendance"]);
    assert_eq!(gate.state(), GateState::BrowseOnly);
    assert!(gate.permit("attendance").is_err());

    let gate = Gate::new(v1(), None);
    assert_eq!(
        gate.decide(&set(&["registration"]), 1).unwrap_err(),
        ConsentError::PartialEssentials {
            purpose: "logs".into()
        }
    );
    assert!(matches!(
        gate.decide(&set(&["registration", "logs", "nope"]), 1),
        Err(ConsentError::UnknownPurpose { .. })
    ));
}

#[test]
fn a_later_opt_in_and_a_withdrawal() {
    let gate = decided(v1(), &["registration", "logs"]);
    let opted = gate.decide(&set(&["marketing"]), 2_000).unwrap();
    let gate = Gate::new(v1(), Some(opted));
    assert!(gate.permit("marketing").is_ok());
    assert!(
        gate.permit("registration").is_ok(),
        "earlier grants carry over"
    );

    let gate = decided(v1(), &["registration", "logs", "attendance", "marketing"]);
    let (next, shred) = gate.withdraw("attendance", 3_000).unwrap();
    assert_eq!(shred, vec![DataCategory::Location]);
    let gate2 = Gate::new(v1(), Some(next));
    assert!(matches!(
        gate2.permit("attendance"),
        Err(ConsentError::ConsentRequired { .. })
    ));
    assert!(gate2.permit("marketing").is_ok());
    // Marketing shares the device category with the essential logs: not shredded.
    let (_, shred) = gate.withdraw("marketing", 3_000).unwrap();
    assert!(shred.is_empty());
    assert_eq!(
        gate.withdraw("registration", 3_000).unwrap_err(),
        ConsentError::EssentialWithdrawal {
            purpose: "registration".into()
        }
    );
}

#[test]
fn a_new_version_asks_only_for_what_changed() {
    let gate = decided(v1(), &["registration", "logs", "attendance"]);
    let decision = gate.decision().unwrap().clone();

    // Same terms, new version label and wording: nothing to ask.
    let reworded = Policy::from_toml(
        &V1.replace("version = \"1\"", "version = \"2\"")
            .replace("正文", "新正文"),
    )
    .unwrap();
    let g = Gate::new(reworded, Some(decision.clone()));
    assert_eq!(g.state(), GateState::Open);
    assert!(g.pending().is_empty());
    assert!(g.permit("attendance").is_ok());

    // Attendance keeps data longer: only attendance is asked again, and only it pauses.
    let longer =
        Policy::from_toml(&V1.replace("retention_days = 730", "retention_days = 1000")).unwrap();
    let g = Gate::new(longer, Some(decision.clone()));
    assert_eq!(g.state(), GateState::ReconsentRequired);
    assert_eq!(
        g.pending()
            .iter()
            .map(|p| p.id.as_str())
            .collect::<Vec<_>>(),
        ["attendance"]
    );
    assert!(g.permit("attendance").is_err());
    assert!(
        g.permit("registration").is_ok(),
        "unchanged grants carry over"
    );
    let status = g.status();
    let diff = status.diff.unwrap();
    assert_eq!(
        diff.changed[0].changes,
        vec![Change::LongerRetention {
            from_days: 730,
            to_days: 1000
        }]
    );
    let re = g.decide(&set(&["attendance"]), 5_000).unwrap();
    let g = Gate::new(g.policy().clone(), Some(re));
    assert_eq!(g.state(), GateState::Open);
    assert!(g.permit("attendance").is_ok());

    // A new SDK in an essential purpose closes the gate until accepted.
    let essential = Policy::from_toml(&V1.replacen(
        "kinds = [\"name\", \"phone_number\"]\nretention_days = 1095",
        "kinds = [\"name\", \"phone_number\"]\nsdks = [\"amap-location\"]\nretention_days = 1095",
        1,
    ))
    .unwrap();
    let g = Gate::new(essential, Some(decision.clone()));
    assert_eq!(g.state(), GateState::ReconsentRequired);
    assert!(g.permit("registration").is_err());
    assert!(
        g.permit("attendance").is_err(),
        "an essential change closes the whole gate"
    );

    // Shorter retention or fewer kinds are not asked about.
    let shorter =
        Policy::from_toml(&V1.replace("retention_days = 730", "retention_days = 365")).unwrap();
    assert!(Gate::new(shorter, Some(decision)).pending().is_empty());
}

#[test]
fn receipts_verify_and_any_change_breaks_them() {
    use ring::signature::{Ed25519KeyPair, KeyPair};
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&ring::rand::SystemRandom::new()).unwrap();
    let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
    let policy = v1();
    let gate = Gate::new(policy.clone(), None);
    let decision = gate.decide(&set(&["registration", "logs"]), 42).unwrap();
    let body = ReceiptBody::new(
        "r1".into(),
        ConsentEvent::Decide,
        "app",
        hex::encode(pair.public_key().as_ref()),
        &policy,
        &decision,
    );
    let signature = hex::encode(pair.sign(&body.signed_bytes()).as_ref());
    let receipt = Receipt { body, signature };
    assert!(receipt.verify());
    assert_eq!(receipt.body.policy_hash, policy.hash());
    assert!(
        receipt
            .body
            .purposes
            .iter()
            .any(|p| p.id == "registration" && p.granted)
    );
    assert!(
        receipt
            .body
            .purposes
            .iter()
            .any(|p| p.id == "marketing" && !p.granted)
    );

    let mut flipped = receipt.clone();
    flipped
        .body
        .purposes
        .iter_mut()
        .find(|p| p.id == "marketing")
        .unwrap()
        .granted = true;
    assert!(!flipped.verify(), "a granted purpose added after signing");
    let mut older = receipt.clone();
    older.body.at_ms -= 1;
    assert!(!older.verify());
    let mut other_key = receipt;
    other_key.body.principal = hex::encode([7u8; 32]);
    assert!(!other_key.verify());
}
