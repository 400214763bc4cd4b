//! A validated policy version: its terms (purposes, data categories, SDKs,
//! retention), its text and a content hash that changes with any term or word.

use std::fmt;

use ring::digest;
use serde::{Deserialize, Serialize};

use super::DataKind;
use super::policy_file::{PolicyFile, PurposeFile};
use crate::store::DataCategory;

/// The policy the app ships with.
const BUNDLED_V1: &str = include_str!("../../policies/v1.toml");

/// Categories whose data is sensitive personal information under PIPL Art. 28
/// (biometrics, financial accounts, location tracks): a purpose using them must
/// be marked sensitive, which makes it need its own explicit grant.
const SENSITIVE_CATEGORIES: [DataCategory; 3] = [
    DataCategory::Face,
    DataCategory::Financial,
    DataCategory::Location,
];

/// The longest retention a policy may state (ten years). Retention counts the
/// days data is kept after its purpose ends; 0 means deleted at once.
const MAX_RETENTION_DAYS: u32 = 3_650;

/// Why a policy file was refused. `field` is a path into the file such as
/// `purpose[2].sdks[0]`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("policy file is not valid TOML at line {line}, column {column}: {reason}")]
    Syntax {
        line: usize,
        column: usize,
        reason: String,
    },
    #[error("invalid {field}: {reason}")]
    Invalid { field: String, reason: String },
}

impl PolicyError {
    /// The field at fault (`"policy"` for a syntax error).
    pub fn field(&self) -> &str {
        match self {
            PolicyError::Syntax { .. } => "policy",
            PolicyError::Invalid { field, .. } => field,
        }
    }
}

fn invalid(field: impl Into<String>, reason: impl Into<String>) -> PolicyError {
    PolicyError::Invalid {
        field: field.into(),
        reason: reason.into(),
    }
}

/// A purpose's stable identifier (`registration`, `attendance`, ...).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct PurposeId(String);

impl PurposeId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PurposeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A third-party SDK the policy discloses. Read from the file as it is (all
/// its fields are text) and then checked by `validate_sdk`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sdk {
    pub id: String,
    pub name: String,
    pub vendor: String,
    pub purpose: String,
    pub scenario: String,
    pub data_types: Vec<String>,
    pub collection: String,
    pub policy_url: String,
}

/// One purpose of processing and its terms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Purpose {
    pub id: PurposeId,
    pub name: String,
    pub description: String,
    /// Needed for the basic service: refusing it leaves browse-only mode.
    pub essential: bool,
    /// Involves sensitive personal information: needs its own explicit grant.
    pub sensitive: bool,
    #[serde(serialize_with = "category_names")]
    pub categories: Vec<DataCategory>,
    pub data: Vec<String>,
    /// The same items in the controlled vocabulary code and disclosures use.
    pub kinds: Vec<DataKind>,
    pub sdks: Vec<String>,
    /// Days the data is kept after the purpose ends (0: deleted at once).
    pub retention_days: u32,
}

fn category_names<S: serde::Serializer>(c: &[DataCategory], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(c.iter().map(|c| c.as_str()))
}

/// A validated policy version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Policy {
    pub id: String,
    pub version: String,
    pub effective: String,
    pub language: String,
    pub title: String,
    pub text: String,
    pub sdks: Vec<Sdk>,
    pub purposes: Vec<Purpose>,
    /// SHA-256 (hex) of the canonical JSON of everything above: whitespace and
    /// comments in the file do not change it, any term or word of text does.
    #[serde(skip)]
    hash: String,
}

impl Policy {
    /// The policy version bundled with this build.
    pub fn bundled() -> Self {
        Self::from_toml(BUNDLED_V1).expect("the bundled policy is validated by tests")
    }

    /// Parses and validates a policy file.
    pub fn from_toml(source: &str) -> Result<Self, PolicyError> {
        let file: PolicyFile = toml::from_str(source).map_err(|e| {
            let (line, column) = e
                .span()
                .map(|span| line_column(source, span.start))
                .unwrap_or((0, 0));
            PolicyError::Syntax {
                line,
                column,
                reason: e.message().to_string(),
            }
        })?;
        Self::validate(file)
    }

    /// The content hash, hex.
    pub fn hash(&self) -> &str {
        &self.hash
    }

    pub fn purpose(&self, id: &str) -> Option<&Purpose> {
        self.purposes.iter().find(|p| p.id.as_str() == id)
    }

    pub fn sdk(&self, id: &str) -> Option<&Sdk> {
        self.sdks.iter().find(|s| s.id == id)
    }

    fn validate(file: PolicyFile) -> Result<Self, PolicyError> {
        check_slug("id", &file.id, b'-')?;
        check_text("version", &file.version)?;
        jiff::civil::Date::strptime("%Y-%m-%d", &file.effective)
            .map_err(|_| invalid("effective", "must be a real date written YYYY-MM-DD"))?;
        check_text("language", &file.language)?;
        check_text("title", &file.title)?;
        check_text("text", &file.text)?;

        let mut sdks: Vec<Sdk> = Vec::with_capacity(file.sdk.len());
        for (i, sdk) in file.sdk.into_iter().enumerate() {
            validate_sdk(i, &sdk)?;
            if sdks.iter().any(|s| s.id == sdk.id) {
                return Err(invalid(format!("sdk[{i}].id"), "is used by another SDK"));
            }
            sdks.push(sdk);
        }

        let mut purposes: Vec<Purpose> = Vec::with_capacity(file.purpose.len());
        for (i, purpose) in file.purpose.into_iter().enumerate() {
            let purpose = validate_purpose(i, purpose, &sdks)?;
            if purposes.iter().any(|p| p.id == purpose.id) {
                return Err(invalid(
                    format!("purpose[{i}].id"),
                    "is used by another purpose",
                ));
            }
            purposes.push(purpose);
        }
        if !purposes.iter().any(|p| p.essential) {
            return Err(invalid("purpose", "at least one purpose must be essential"));
        }
        for (i, sdk) in sdks.iter().enumerate() {
            if !purposes.iter().any(|p| p.sdks.contains(&sdk.id)) {
                return Err(invalid(format!("sdk[{i}]"), "no purpose uses this SDK"));
            }
        }

        let mut policy = Policy {
            id: file.id,
            version: file.version,
            effective: file.effective,
            language: file.language,
            title: file.title,
            text: file.text,
            sdks,
            purposes,
            hash: String::new(),
        };
        let canonical = serde_json::to_vec(&policy).expect("a policy always serialises");
        policy.hash = hex::encode(digest::digest(&digest::SHA256, &canonical));
        Ok(policy)
    }
}

fn validate_sdk(i: usize, sdk: &Sdk) -> Result<(), PolicyError> {
    let field = |name: &str| format!("sdk[{i}].{name}");
    check_slug(&field("id"), &sdk.id, b'-')?;
    for (name, value) in [
        ("name", &sdk.name),
        ("vendor", &sdk.vendor),
        ("purpose", &sdk.purpose),
        ("scenario", &sdk.scenario),
        ("collection", &sdk.collection),
    ] {
        check_text(&field(name), value)?;
    }
    check_list(&field("data_types"), &sdk.data_types)?;
    if !sdk.policy_url.starts_with("https://") || sdk.policy_url.len() <= "https://".len() {
        return Err(invalid(field("policy_url"), "must be an https:// address"));
    }
    Ok(())
}

fn validate_purpose(i: usize, p: PurposeFile, sdks: &[Sdk]) -> Result<Purpose, PolicyError> {
    let field = |name: &str| format!("purpose[{i}].{name}");
    check_slug(&field("id"), &p.id, b'_')?;
    check_text(&field("name"), &p.name)?;
    check_text(&field("description"), &p.description)?;
    check_list(&field("data"), &p.data)?;
    if p.categories.is_empty() {
        return Err(invalid(
            field("categories"),
            "must name at least one data category",
        ));
    }
    let mut categories = Vec::with_capacity(p.categories.len());
    for (j, name) in p.categories.iter().enumerate() {
        let category: DataCategory = name.parse().map_err(|e: crate::store::UnknownCategory| {
            invalid(format!("purpose[{i}].categories[{j}]"), e.to_string())
        })?;
        if categories.contains(&category) {
            return Err(invalid(
                format!("purpose[{i}].categories[{j}]"),
                "is listed twice",
            ));
        }
        categories.push(category);
    }
    if !p.sensitive && categories.iter().any(|c| SENSITIVE_CATEGORIES.contains(c)) {
        return Err(invalid(
            field("sensitive"),
            "must be true: face, financial and location data are sensitive personal information (PIPL Art. 28)",
        ));
    }
    if p.kinds.is_empty() {
        return Err(invalid(field("kinds"), "must name at least one data kind"));
    }
    let mut kinds = Vec::with_capacity(p.kinds.len());
    for (j, name) in p.kinds.iter().enumerate() {
        let at = format!("purpose[{i}].kinds[{j}]");
        let kind: DataKind = name
            .parse()
            .map_err(|_| invalid(&at, "is not a known data kind"))?;
        if !categories.contains(&kind.category()) {
            return Err(invalid(
                at,
                format!(
                    "is {} data, which this purpose's categories do not include",
                    kind.category()
                ),
            ));
        }
        if kinds.contains(&kind) {
            return Err(invalid(at, "is listed twice"));
        }
        kinds.push(kind);
    }
    for (j, sdk) in p.sdks.iter().enumerate() {
        if !sdks.iter().any(|s| &s.id == sdk) {
            return Err(invalid(
                format!("purpose[{i}].sdks[{j}]"),
                "names no [[sdk]] in this policy",
            ));
        }
    }
    if p.retention_days > MAX_RETENTION_DAYS {
        return Err(invalid(
            field("retention_days"),
            format!("must be at most {MAX_RETENTION_DAYS} days"),
        ));
    }
    Ok(Purpose {
        id: PurposeId(p.id),
        name: p.name,
        description: p.description,
        essential: p.essential,
        sensitive: p.sensitive,
        categories,
        data: p.data,
        kinds,
        sdks: p.sdks,
        retention_days: p.retention_days,
    })
}

/// Lowercase ASCII letters and digits, joined by `sep`, starting with a letter.
fn check_slug(field: &str, value: &str, sep: u8) -> Result<(), PolicyError> {
    let ok = value.len() <= 64
        && value.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == sep);
    if ok {
        Ok(())
    } else {
        Err(invalid(
            field,
            format!(
                "must be 1 to 64 of a-z, 0-9 and '{}', starting with a letter",
                sep as char
            ),
        ))
    }
}

fn check_text(field: &str, value: &str) -> Result<(), PolicyError> {
    if value.trim().is_empty() {
        return Err(invalid(field, "must not be empty"));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
    {
        return Err(invalid(field, "must not contain control characters"));
    }
    Ok(())
}

fn check_list(field: &str, values: &[String]) -> Result<(), PolicyError> {
    if values.is_empty() {
        return Err(invalid(field, "must list at least one item"));
    }
    for (j, v) in values.iter().enumerate() {
        check_text(&format!("{field}[{j}]"), v)?;
    }
    Ok(())
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let before = &source[..offset.min(source.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests;
