//! `laowu disclosures --format F`: the app-store and regulatory disclosures,
//! generated from the policy in force (no phone needed).

use laowu_core::consent::Policy;
use laowu_core::disclosure::{play_data_safety, privacy_manifest, sdk_list};
use serde_json::json;

use crate::failure::Failure;
use crate::output::Report;

/// The formats, as `--format` names them.
pub const FORMATS: [&str; 3] = ["sdk-list", "play-data-safety", "privacy-manifest"];

/// Prints the document itself (Markdown, a Markdown table, or the plist XML);
/// with `--json`, `{"format","content"}`, where play-data-safety's content is
/// structured (its rows under `"rows"`) and the others' a string.
pub fn run(
    format: &str,
    policy: impl FnOnce() -> Result<Policy, Failure>,
) -> Result<Report, Failure> {
    if !FORMATS.contains(&format) {
        return Err(Failure::invalid(
            "format",
            format!("unknown format: expected one of {}", FORMATS.join(", ")),
        ));
    }
    let policy = policy()?;
    let (text, content) = match format {
        "sdk-list" => {
            let list = sdk_list(&policy);
            (list.clone(), json!(list))
        }
        "play-data-safety" => {
            let form = play_data_safety(&policy);
            (form.to_markdown(), json!(form))
        }
        _ => {
            let manifest = privacy_manifest(&policy);
            (manifest.clone(), json!(manifest))
        }
    };
    Ok(Report {
        json: json!({"format": format, "content": content}),
        text,
    })
}
