//! The policy file as a product owner writes it (TOML), before validation.
//! SDK entries are read straight into [`Sdk`]; purposes need typing first.
//! Unknown keys are refused so a misspelt key cannot silently drop a term.

use serde::{Deserialize, Serialize};

use super::Sdk;

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
    pub sdk: Vec<Sdk>,
    #[serde(default)]
    pub purpose: Vec<PurposeFile>,
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
