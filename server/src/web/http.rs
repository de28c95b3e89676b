//! Small pieces every handler shares: the caller's language, hashes and random ids, and the
//! JSON-body check.

use crate::web::error::AppError;
use crate::AppState;
use axum::http::{header, HeaderMap};
use etalase_core::Locale;
use sha2::{Digest, Sha256};
use std::net::IpAddr;

/// The client's address: the connection's peer, unless the peer is a trusted proxy; then the
/// nearest address in `X-Forwarded-For` (read from the right, as each proxy appends the one
/// it saw) that is not itself a trusted proxy. Entries a client wrote itself sit further left
/// and are never reached while an untrusted address stands to their right.
pub fn client_ip(peer: IpAddr, forwarded_for: &[&str], trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let mut client = peer;
    for entry in forwarded_for
        .iter()
        .rev()
        .flat_map(|header| header.rsplit(','))
    {
        match entry.trim().parse::<IpAddr>() {
            Ok(ip) => {
                client = ip;
                if !trusted.contains(&ip) {
                    break;
                }
            }
            // A garbled hop: stop at the last address we could trust.
            Err(_) => break,
        }
    }
    client
}

/// The key a client is counted by in allowances: an IPv4 address (an IPv4-mapped IPv6 one
/// too) as it is; an IPv6 address by its /64 network, which one home or phone gets whole,
/// so rotating addresses inside it buys no more allowance.
pub fn client_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                let net = std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                format!("{net}/64")
            }
        },
    }
}

/// The caller's language from `Accept-Language`; Bahasa Indonesia when unsure.
pub fn locale_of(headers: &HeaderMap) -> Locale {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .and_then(|tag| Locale::from_tag(tag.split(';').next().unwrap_or("")))
        .unwrap_or_default()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Compares two equal-length strings without stopping at the first difference.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// 128 random bits as 32 hex digits: tracking secrets and session ids.
pub fn random_hex() -> anyhow::Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// `N` bytes from exactly `2N` hex digits.
pub fn hex_bytes<const N: usize>(hex: &str) -> Option<[u8; N]> {
    if hex.len() != 2 * N || !hex.is_ascii() {
        return None;
    }
    let mut out = [0u8; N];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// The origin for absolute links: the configured public URL, else what the client called.
pub fn origin(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.public_url {
        return url.trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            h.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .unwrap_or("127.0.0.1:8080");
    format!("http://{host}")
}

/// Whether a JSON text holds the escape `\u0000` (a NUL character in a string; raw control
/// characters are not valid JSON at all). No text we keep may hold one: PostgreSQL refuses it
/// (a 500 once) and SQLite would keep it, so the engines would disagree.
pub fn json_has_nul(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            if bytes[i + 1..].starts_with(b"u0000") {
                return true;
            }
            // Skip the escaped character, so `\\u0000` (a backslash, then text) is not one.
            i += 2;
        } else {
            i += 1;
        }
    }
    false
}

/// A JSON body as `T`; a mismatch names where it is, and a NUL character in any text is
/// refused (see [`json_has_nul`]).
pub fn parse_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    if json_has_nul(bytes) {
        return Err(AppError::BadRequest(
            "nul_character",
            "Teks tidak boleh berisi karakter NUL (\\u0000).".into(),
        ));
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        AppError::BadRequest(
            "bad_json",
            format!("JSON tidak sesuai di `{}`: {}", e.path(), e.inner()),
        )
    })
}

/// State-changing bodies are JSON: a form on another site cannot send that without asking.
pub fn require_json(headers: &HeaderMap) -> Result<(), AppError> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim()
                .to_ascii_lowercase()
                .starts_with("application/json")
        });
    if json {
        Ok(())
    } else {
        Err(AppError::UnsupportedMediaType)
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn an_ipv6_client_is_counted_by_its_network() {
        let key = |s: &str| client_key(s.parse().unwrap());
        assert_eq!(key("203.0.113.7"), "203.0.113.7");
        assert_eq!(key("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(key("2001:db8:1:2:bbbb::9"), key("2001:db8:1:2::1"));
        assert_ne!(key("2001:db8:1:3::1"), key("2001:db8:1:2::1"));
    }

    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn a_nul_in_json_text_is_found_and_an_escaped_backslash_is_not() {
        assert!(json_has_nul(br#"{"company":"PT A\u0000B"}"#));
        assert!(!json_has_nul(br#"{"note":"C:\\u0000 is a path"}"#));
        assert!(json_has_nul(br#"{"note":"\\\u0000"}"#));
        assert!(!json_has_nul(br#"{"note":"\u00e9"}"#));
        assert!(!json_has_nul(b"\\"));
    }

    #[test]
    fn constant_time_comparison() {
        assert!(constant_time_eq("abcd", "abcd"));
        assert!(!constant_time_eq("abcd", "abce"));
        assert!(!constant_time_eq("abcd", "abc"));
    }

    #[test]
    fn random_ids_are_128_bits_and_differ() {
        let a = random_hex().unwrap();
        let b = random_hex().unwrap();
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
    }

    #[test]
    fn language_from_accept_language() {
        let mut h = HeaderMap::new();
        assert_eq!(locale_of(&h), Locale::Id);
        h.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("en-US,en;q=0.9,id;q=0.8"),
        );
        assert_eq!(locale_of(&h), Locale::En);
        h.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("id-ID"));
        assert_eq!(locale_of(&h), Locale::Id);
    }

    #[test]
    fn the_client_behind_trusted_proxies() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let proxy = ip("10.0.0.2");
        let trusted = [proxy, ip("10.0.0.3")];
        // Not from a proxy: the header is the client's own words and ignored.
        assert_eq!(
            client_ip(ip("203.0.113.9"), &["198.51.100.1"], &trusted),
            ip("203.0.113.9")
        );
        // From the proxy: the address it saw.
        assert_eq!(
            client_ip(proxy, &["203.0.113.9"], &trusted),
            ip("203.0.113.9")
        );
        // A client's forged entries sit left of the address the proxy appended.
        assert_eq!(
            client_ip(proxy, &["1.2.3.4, 5.6.7.8", "203.0.113.9"], &trusted),
            ip("203.0.113.9")
        );
        // Two proxies in a row are both skipped.
        assert_eq!(
            client_ip(proxy, &["203.0.113.9, 10.0.0.3"], &trusted),
            ip("203.0.113.9")
        );
        // No header, or garbage: the proxy itself, never a made-up address.
        assert_eq!(client_ip(proxy, &[], &trusted), proxy);
        assert_eq!(client_ip(proxy, &["unknown"], &trusted), proxy);
        // With nothing trusted, the peer.
        assert_eq!(client_ip(proxy, &["203.0.113.9"], &[]), proxy);
    }
}
