//! `laowu policy show`: the policy's terms as the core validated them.

use std::fs;
use std::path::Path;

use laowu_core::consent::{Policy, PolicyError};
use serde_json::json;

use crate::failure::Failure;
use crate::output::Report;

/// The policy in force: the file given, or the bundled one.
pub fn load(file: Option<&Path>) -> Result<Policy, Failure> {
    match file {
        None => Ok(Policy::bundled()),
        Some(path) => {
            let source = fs::read_to_string(path).map_err(|e| {
                Failure::invalid(
                    "file",
                    format!("cannot read the policy file ({})", e.kind()),
                )
            })?;
            Policy::from_toml(&source).map_err(policy_failure)
        }
    }
}

pub fn show(file: Option<&Path>, with_text: bool) -> Result<Report, Failure> {
    let policy = load(file)?;
    let mut doc = serde_json::to_value(&policy).expect("a policy always serialises");
    doc["hash"] = json!(policy.hash());
    if !with_text {
        doc.as_object_mut().expect("an object").remove("text");
    }

    let mut text = format!(
        "{} ({}) version {}, effective {}\nhash: {}\n",
        policy.title,
        policy.id,
        policy.version,
        policy.effective,
        policy.hash()
    );
    for p in &policy.purposes {
        let categories: Vec<_> = p.categories.iter().map(|c| c.as_str()).collect();
        text.push_str(&format!(
            "purpose {} {}: {}{} categories [{}] sdks [{}] retention {} days\n",
            p.id,
            p.name,
            if p.essential { "essential" } else { "optional" },
            if p.sensitive { ", sensitive" } else { "" },
            categories.join(", "),
            p.sdks.join(", "),
            p.retention_days
        ));
    }
    for s in &policy.sdks {
        text.push_str(&format!(
            "sdk {} {} ({}): {}\n",
            s.id,
            s.name,
            s.vendor,
            s.data_types.join("、")
        ));
    }
    if with_text {
        text.push('\n');
        text.push_str(&policy.text);
    }
    Ok(Report { json: doc, text })
}

fn policy_failure(e: PolicyError) -> Failure {
    Failure::invalid(e.field(), e.to_string())
}
