//! Google Play's Data safety form, answered from the policy.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::mapping::{PlayDataType, PlayPurpose, SdkTransfer, kind_mapping, sdk_transfer, uses_of};
use crate::consent::{DataKind, Policy};

/// The answers to the Data safety form. Play asks about encryption in transit
/// and deletion once for the whole app, so those are answered here, not per row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlayDataSafety {
    pub policy_id: String,
    pub policy_version: String,
    /// "Does your app collect or share any of the required user data types?"
    pub collects_or_shares: bool,
    /// "Is all of the user data collected by your app encrypted in transit?"
    /// Yes: phone to server is TLS (policy §7). What an SDK sends to its own
    /// vendor travels as that vendor's SDK sends it; check its Play SDK Index
    /// entry when a new SDK is added.
    pub encrypted_in_transit: bool,
    /// "Do you provide a way for users to request that their data is deleted?"
    /// Yes: withdrawal, deletion requests and account cancellation (§8).
    pub deletion_request: bool,
    /// One row per Play data type, in the form's order.
    pub rows: Vec<PlayRow>,
}

/// One data type of the form and its answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlayRow {
    /// The form's category ("Personal info").
    pub category: &'static str,
    /// The form's data type ("Name").
    pub data_type: &'static str,
    /// Some purpose of the policy collects a kind mapped to this type; every
    /// row is collected, or there would be no row.
    pub collected: bool,
    /// A purpose collecting it uses an SDK whose vendor receives it for its own
    /// part (see [`SdkTransfer::Shared`]). A service provider that works only
    /// for us (Bugly) is collection, not sharing.
    pub shared: bool,
    /// "Is this data processed ephemerally?" Always no: the policy keeps every
    /// kind for a stated retention. Face frames and ID card photos are deleted
    /// once verified, but the policy does not promise they live only in
    /// memory, and the face kind also covers the kept verdict.
    pub ephemeral: bool,
    /// Required iff an essential purpose collects it; otherwise the user can
    /// refuse it (optional).
    pub required: bool,
    /// "Why is this user data collected?"
    pub collection_purposes: Vec<PlayPurpose>,
    /// "Why is this user data shared?" (empty unless shared).
    pub sharing_purposes: Vec<PlayPurpose>,
    /// The names of the SDKs it is shared through.
    pub shared_with: Vec<String>,
    /// Our data kinds behind this row.
    pub kinds: Vec<DataKind>,
    /// Our purposes behind this row (ids), in policy order.
    pub policy_purposes: Vec<String>,
}

#[derive(Default)]
struct Acc {
    shared: bool,
    required: bool,
    collection_purposes: BTreeSet<PlayPurpose>,
    sharing_purposes: BTreeSet<PlayPurpose>,
    shared_with: Vec<String>,
    kinds: BTreeSet<DataKind>,
    policy_purposes: Vec<String>,
}

fn push_unique(list: &mut Vec<String>, item: &str) {
    if !list.iter().any(|i| i == item) {
        list.push(item.to_string());
    }
}

/// Answers the Data safety form from the policy's purposes, their kinds, their
/// essential flags and their SDKs.
pub fn play_data_safety(policy: &Policy) -> PlayDataSafety {
    let mut rows: BTreeMap<PlayDataType, Acc> = BTreeMap::new();
    for purpose in &policy.purposes {
        let uses = uses_of(purpose);
        let sharing_sdks: Vec<&str> = purpose
            .sdks
            .iter()
            .filter_map(|id| policy.sdk(id))
            .filter(|sdk| sdk_transfer(sdk) == SdkTransfer::Shared)
            .map(|sdk| sdk.name.as_str())
            .collect();
        for &kind in &purpose.kinds {
            for &data_type in kind_mapping(kind).play {
                let acc = rows.entry(data_type).or_default();
                acc.required |= purpose.essential;
                acc.collection_purposes.extend(uses.play);
                acc.kinds.insert(kind);
                push_unique(&mut acc.policy_purposes, purpose.id.as_str());
                if !sharing_sdks.is_empty() {
                    acc.shared = true;
                    acc.sharing_purposes.extend(uses.play);
                    for name in &sharing_sdks {
                        push_unique(&mut acc.shared_with, name);
                    }
                }
            }
        }
    }
    let rows: Vec<PlayRow> = rows
        .into_iter()
        .map(|(t, acc)| PlayRow {
            category: t.category(),
            data_type: t.name(),
            collected: true,
            shared: acc.shared,
            ephemeral: false,
            required: acc.required,
            collection_purposes: acc.collection_purposes.into_iter().collect(),
            sharing_purposes: acc.sharing_purposes.into_iter().collect(),
            shared_with: acc.shared_with,
            kinds: acc.kinds.into_iter().collect(),
            policy_purposes: acc.policy_purposes,
        })
        .collect();
    PlayDataSafety {
        policy_id: policy.id.clone(),
        policy_version: policy.version.clone(),
        collects_or_shares: !rows.is_empty(),
        encrypted_in_transit: true,
        deletion_request: true,
        rows,
    }
}

fn yes_no(b: bool) -> &'static str {
    if b { "Yes" } else { "No" }
}

fn labels(purposes: &[PlayPurpose]) -> Vec<&'static str> {
    purposes.iter().map(|p| p.label()).collect()
}

fn kind_names(kinds: &[DataKind]) -> Vec<&'static str> {
    kinds.iter().map(|k| k.as_str()).collect()
}

impl PlayRow {
    fn cells(&self) -> [String; 11] {
        [
            self.category.to_string(),
            self.data_type.to_string(),
            yes_no(self.collected).to_string(),
            yes_no(self.shared).to_string(),
            yes_no(self.ephemeral).to_string(),
            if self.required {
                "Required"
            } else {
                "Optional"
            }
            .to_string(),
            labels(&self.collection_purposes).join("; "),
            labels(&self.sharing_purposes).join("; "),
            self.shared_with.join("; "),
            self.policy_purposes.join("; "),
            kind_names(&self.kinds).join("; "),
        ]
    }
}

const HEADERS: [&str; 11] = [
    "Category",
    "Data type",
    "Collected",
    "Shared",
    "Processed ephemerally",
    "Required or optional",
    "Why collected",
    "Why shared",
    "Shared with",
    "Policy purposes",
    "Data kinds",
];

/// A Markdown table cell: pipes escaped, line breaks flattened, "—" for empty.
fn md_cell(s: &str) -> String {
    if s.is_empty() {
        return "—".to_string();
    }
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\r', '\n'], " ")
}

/// An RFC 4180 field: quoted when it holds a comma, quote or line break.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

impl PlayDataSafety {
    /// The answers as a Markdown document: the app-wide questions, then one
    /// table row per data type.
    pub fn to_markdown(&self) -> String {
        let mut out = format!(
            "# Google Play Data safety: {} version {}\n\n",
            self.policy_id, self.policy_version
        );
        for (question, answer) in [
            (
                "Does your app collect or share any of the required user data types?",
                self.collects_or_shares,
            ),
            (
                "Is all of the user data collected by your app encrypted in transit?",
                self.encrypted_in_transit,
            ),
            (
                "Do you provide a way for users to request that their data is deleted?",
                self.deletion_request,
            ),
        ] {
            out.push_str(&format!("- {question} {}\n", yes_no(answer)));
        }
        out.push('\n');
        out.push_str(&format!("| {} |\n", HEADERS.join(" | ")));
        out.push_str(&format!("|{}\n", "---|".repeat(HEADERS.len())));
        for row in &self.rows {
            let cells: Vec<String> = row.cells().iter().map(|c| md_cell(c)).collect();
            out.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
        out
    }

    /// The rows as CSV (RFC 4180, CRLF line ends), one line per data type
    /// after a header line; list cells are joined with "; ". A working sheet
    /// for filling in the form, not Play Console's import format.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        let line = |cells: Vec<String>| {
            cells
                .iter()
                .map(|c| csv_field(c))
                .collect::<Vec<_>>()
                .join(",")
                + "\r\n"
        };
        out.push_str(&line(HEADERS.iter().map(|h| h.to_string()).collect()));
        for row in &self.rows {
            out.push_str(&line(row.cells().into()));
        }
        out
    }
}
