//! The 《第三方 SDK 清单》 the policy text refers to (§4), in zh-CN Markdown.

use crate::consent::{Policy, Purpose};

/// The third-party SDK list: for each SDK of the policy, in policy order, the
/// items of the usual Chinese SDK list (SDK 名称, 第三方公司名称, 使用目的,
/// 使用场景, 收集个人信息类型, 收集方式, 隐私政策链接), then which of our purposes
/// use it and that it runs only once one of them is granted.
pub fn sdk_list(policy: &Policy) -> String {
    let mut out = String::from("## 第三方 SDK 清单\n\n");
    out.push_str(&format!(
        "本清单随《{}》（版本 {}，{} 生效）提供，列出本应用接入的全部 {} 个第三方 SDK。\
         每个 SDK 只在您同意了使用它的目的后才开始运行；您撤回该目的的同意后，相应 SDK 即停止运行。\n",
        policy.title,
        policy.version,
        policy.effective,
        policy.sdks.len()
    ));
    for (i, sdk) in policy.sdks.iter().enumerate() {
        let users: Vec<&Purpose> = policy
            .purposes
            .iter()
            .filter(|p| p.sdks.contains(&sdk.id))
            .collect();
        let named: Vec<String> = users.iter().map(|p| format!("“{}”", p.name)).collect();
        let labelled: Vec<String> = users
            .iter()
            .map(|p| format!("{}（{}）", p.name, label(p)))
            .collect();
        let start = match named.as_slice() {
            [one] => format!("仅在您同意{one}后才开始运行；您撤回该同意后即停止运行。"),
            _ => format!(
                "仅在您同意{}中的任一目的后才开始运行，并且只为您已同意的目的运行；\
                 您撤回某一目的的同意后，即停止为该目的运行。",
                named.join("、")
            ),
        };
        out.push_str(&format!("\n### {}. {}\n\n", i + 1, sdk.name));
        for (item, value) in [
            ("SDK 名称", sdk.name.clone()),
            ("第三方公司名称", sdk.vendor.clone()),
            ("使用目的", sdk.purpose.clone()),
            ("使用场景", sdk.scenario.clone()),
            ("收集个人信息类型", sdk.data_types.join("、")),
            ("收集方式", sdk.collection.clone()),
            ("隐私政策链接", format!("<{}>", sdk.policy_url)),
            ("本应用中使用它的目的", labelled.join("、")),
            ("运行条件", start),
        ] {
            out.push_str(&format!("- {item}：{value}\n"));
        }
    }
    out
}

/// How the policy text labels a purpose: 基本服务, or 可选 (and 敏感).
fn label(purpose: &Purpose) -> &'static str {
    match (purpose.essential, purpose.sensitive) {
        (true, false) => "基本服务",
        (true, true) => "基本服务，敏感",
        (false, false) => "可选",
        (false, true) => "可选，敏感",
    }
}
