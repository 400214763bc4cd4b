//! The policy file as a product owner writes it (TOML), before validation.
//! Unknown keys are refused so a misspelt key cannot silently drop a term.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyFile {
    pub id: String,
    pub version: String,
    pub effective: String,
    pub language: String,
    pub title: String,
    pub text: String,
    #[serde(default)]
    pub sdk: Vec<SdkFile>,
    #[serde(default)]
    pub purpose: Vec<PurposeFile>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SdkFile {
    pub id: String,
    pub name: String,
    pub vendor: String,
    pub purpose: String,
    pub scenario: String,
    pub data_types: Vec<String>,
    pub collection: String,
    pub policy_url: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PurposeFile {
    pub id: String,
    pub name: String,
    pub description: String,
    pub essential: bool,
    pub sensitive: bool,
    pub categories: Vec<String>,
    pub data: Vec<String>,
    pub kinds: Vec<String>,
    #[serde(default)]
    pub sdks: Vec<String>,
    pub retention_days: u32,
}
