//! The JSON shapes the API and the SPA agree on, besides the catalog types.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const API_PREFIX: &str = "/api/v1";
pub const CATALOG_PATH: &str = "/api/v1/catalog";

pub fn product_path(slug: &str) -> String {
    format!("{API_PREFIX}/products/{slug}")
}

pub fn ikm_path(slug: &str) -> String {
    format!("{API_PREFIX}/ikm/{slug}")
}

/// The body of every API error: a stable machine code, a message for people,
/// and per-field messages when the input was at fault.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
}

impl ApiError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        ApiError {
            code: code.to_owned(),
            message: message.into(),
            fields: BTreeMap::new(),
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// The answer of `/healthz`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    pub products: usize,
    pub ikm: usize,
}
