//! Apple's privacy manifest (`PrivacyInfo.xcprivacy`), written from the policy.

use std::collections::{BTreeMap, BTreeSet};

use super::mapping::{kind_mapping, uses_of};
use crate::consent::Policy;

/// The required-reason APIs the app itself uses, with Apple's reason codes,
/// the honest minimum for an app whose data lives in a local database:
///
/// - File timestamp, `C617.1` (timestamps, size or other metadata of files
///   inside the app container): SQLite `stat`s and `fstat`s its database,
///   journal and WAL files, all inside the app's container.
/// - User defaults, `CA92.1` (information only this app reads and writes):
///   the iPhone shell keeps its own settings in `UserDefaults`.
///
/// Not declared, to be settled before submission: the SQLite compiled into the
/// core (rusqlite's bundled build) also calls `statfs`/`fstatfs` on Apple
/// platforms, which Apple files under disk space; it reads the file system's
/// type and mount flags to choose a locking style, not free space, and none of
/// Apple's disk-space reasons says that. Check Xcode's privacy report on the
/// built app.
const ACCESSED_API_TYPES: [(&str, &[&str]); 2] = [
    ("NSPrivacyAccessedAPICategoryFileTimestamp", &["C617.1"]),
    ("NSPrivacyAccessedAPICategoryUserDefaults", &["CA92.1"]),
];

/// A property-list value; dictionaries are written with their keys sorted.
enum Value {
    Bool(bool),
    String(String),
    Array(Vec<Value>),
    Dict(BTreeMap<&'static str, Value>),
}

fn strings<'a>(items: impl IntoIterator<Item = &'a str>) -> Value {
    Value::Array(items.into_iter().map(|s| Value::String(s.into())).collect())
}

/// The privacy manifest as an XML property list, ending in a newline.
///
/// Every kind a purpose collects is declared under its Apple data type
/// (see [`kind_mapping`]), with the Apple purposes of every purpose that
/// collects it. Each is linked to the user (data is kept under the worker's
/// account) and none is used for tracking in Apple's sense (combined with
/// other companies' data for advertising, or passed to data brokers): no
/// purpose of the policy does that, so `NSPrivacyTracking` is false and there
/// are no tracking domains. The SDKs ship their own manifests; what they
/// collect for our purposes is declared here too, under those purposes' kinds.
/// Data types and purposes are sorted by their constants, so the output
/// depends only on the policy's terms.
pub fn privacy_manifest(policy: &Policy) -> String {
    let mut collected: BTreeMap<&'static str, BTreeSet<&'static str>> = BTreeMap::new();
    for purpose in &policy.purposes {
        let uses = uses_of(purpose);
        for &kind in &purpose.kinds {
            for &data_type in kind_mapping(kind).apple {
                collected
                    .entry(data_type.key())
                    .or_default()
                    .extend(uses.apple.iter().map(|p| p.key()));
            }
        }
    }
    let collected = collected
        .into_iter()
        .map(|(data_type, purposes)| {
            Value::Dict(BTreeMap::from([
                (
                    "NSPrivacyCollectedDataType",
                    Value::String(data_type.into()),
                ),
                ("NSPrivacyCollectedDataTypeLinked", Value::Bool(true)),
                ("NSPrivacyCollectedDataTypeTracking", Value::Bool(false)),
                ("NSPrivacyCollectedDataTypePurposes", strings(purposes)),
            ]))
        })
        .collect();
    let accessed = ACCESSED_API_TYPES
        .iter()
        .map(|(category, reasons)| {
            Value::Dict(BTreeMap::from([
                (
                    "NSPrivacyAccessedAPIType",
                    Value::String((*category).into()),
                ),
                (
                    "NSPrivacyAccessedAPITypeReasons",
                    strings(reasons.iter().copied()),
                ),
            ]))
        })
        .collect();
    let root = Value::Dict(BTreeMap::from([
        ("NSPrivacyAccessedAPITypes", Value::Array(accessed)),
        ("NSPrivacyCollectedDataTypes", Value::Array(collected)),
        ("NSPrivacyTracking", Value::Bool(false)),
        ("NSPrivacyTrackingDomains", Value::Array(Vec::new())),
    ]));

    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \
         \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n",
    );
    out.push_str(&format!(
        "<!-- Generated from the privacy policy {} version {} (core/policies). \
         Do not edit: regenerate it, see README.md. -->\n",
        comment_safe(&policy.id),
        comment_safe(&policy.version)
    ));
    out.push_str("<plist version=\"1.0\">\n");
    write_value(&root, 0, &mut out);
    out.push_str("</plist>\n");
    out
}

fn write_value(value: &Value, depth: usize, out: &mut String) {
    let indent = "\t".repeat(depth);
    match value {
        Value::Bool(b) => out.push_str(&format!("{indent}<{b}/>\n")),
        Value::String(s) => out.push_str(&format!("{indent}<string>{}</string>\n", escape(s))),
        Value::Array(items) if items.is_empty() => out.push_str(&format!("{indent}<array/>\n")),
        Value::Array(items) => {
            out.push_str(&format!("{indent}<array>\n"));
            for item in items {
                write_value(item, depth + 1, out);
            }
            out.push_str(&format!("{indent}</array>\n"));
        }
        Value::Dict(entries) => {
            out.push_str(&format!("{indent}<dict>\n"));
            for (key, item) in entries {
                out.push_str(&format!("{indent}\t<key>{}</key>\n", escape(key)));
                write_value(item, depth + 1, out);
            }
            out.push_str(&format!("{indent}</dict>\n"));
        }
    }
}

/// XML character data: `&`, `<` and `>` escaped.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Text that cannot end an XML comment or break it: no `--`, no trailing `-`.
fn comment_safe(s: &str) -> String {
    let mut out = escape(s);
    while out.contains("--") {
        out = out.replace("--", "-");
    }
    out.trim_end_matches('-').to_string()
}
