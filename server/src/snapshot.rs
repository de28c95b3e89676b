//! The catalog as served: parsed once, serialised once, with an ETag, swapped whole on change.

use etalase_core::catalog::{Catalog, CatalogData};

pub struct CatalogSnapshot {
    pub catalog: Catalog,
    /// The JSON document of `/api/v1/catalog`.
    pub json: axum::body::Bytes,
    /// A weak validator: the bytes differ by encoding, the content does not.
    pub etag: String,
}

impl CatalogSnapshot {
    pub fn new(data: CatalogData) -> anyhow::Result<Self> {
        let catalog = Catalog::from_data(data);
        let json = serde_json::to_vec(&catalog)?;
        let etag = format!("W/\"{:016x}\"", fnv1a64(&json));
        Ok(CatalogSnapshot {
            catalog,
            json: json.into(),
            etag,
        })
    }
}

/// FNV-1a: a stable content hash, the same on every replica and every build.
fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// Whether an `If-None-Match` header value matches `etag` (weak comparison, RFC 9110 §13.1.2).
pub fn etag_matches(if_none_match: &str, etag: &str) -> bool {
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    let ours = bare(etag);
    if_none_match
        .split(',')
        .any(|t| t.trim() == "*" || bare(t) == ours)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etag_comparison_is_weak_and_handles_lists() {
        let e = "W/\"00ff\"";
        assert!(etag_matches("W/\"00ff\"", e));
        assert!(etag_matches("\"00ff\"", e));
        assert!(etag_matches("\"aa\", W/\"00ff\"", e));
        assert!(etag_matches("*", e));
        assert!(!etag_matches("W/\"00fe\"", e));
        assert!(!etag_matches("", e));
    }

    #[test]
    fn hash_is_stable() {
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
    }
}
