//! The built app's files, as the server, the build and the service worker (`src/sw.js`,
//! which mirrors [`is_hashed_asset`] in its `HASHED` pattern) must all recognise them.

/// Trunk names built assets `name-<hex hash>.ext` (or `_bg.wasm`); the hash has up to 16
/// digits (leading zeros dropped). Their content never changes under that name.
pub fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or("");
    let stem = file.split('.').next().unwrap_or("");
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        (10..=16).contains(&hash.len())
            && hash
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            && hash.bytes().any(|b| b.is_ascii_digit())
    })
}

#[cfg(test)]
mod tests {
    use super::is_hashed_asset;

    #[test]
    fn recognises_trunk_hashed_names() {
        assert!(is_hashed_asset("/etalase-1a2b3c4d5e6f7a8b_bg.wasm"));
        assert!(is_hashed_asset("/etalase-1a2b3c4d5e6f7a8b.js"));
        assert!(is_hashed_asset("/main-0123456789abcdef.css"));
        assert!(is_hashed_asset("/etalase-f379a476e60d402.js"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/img/kategori/kopi-rempah.svg"));
        assert!(!is_hashed_asset("/keripik-pisang-coklat.svg"));
        assert!(!is_hashed_asset("/img/kategori/makanan-minuman.svg"));
        assert!(is_hashed_asset(
            "/staf/etalase-staf-1a2b3c4d5e6f7a8b_bg.wasm"
        ));
    }
}
