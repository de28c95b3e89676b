//! Headers that make the browser our ally: a Content-Security-Policy that allows only our own
//! scripts (the one inline loader Trunk writes is allowed by its hash), no framing (a desk
//! button cannot be clicked through someone else's page), no MIME sniffing, and a referrer
//! that leaves the path behind when a link goes elsewhere.

use crate::Shared;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// The policy for pages built from the shells (the buyers' and the staff's): their inline
/// scripts are allowed by hash, and nothing else inline runs. One policy for both: each shell
/// runs only our own loaders either way.
pub fn content_security_policy(shells: &[Option<&str>]) -> String {
    let mut scripts: Vec<&str> = shells
        .iter()
        .flatten()
        .flat_map(|html| inline_scripts(html))
        .collect();
    scripts.sort_unstable();
    scripts.dedup();
    let hashes: String = scripts
        .into_iter()
        .map(|script| format!(" 'sha256-{}'", base64(&Sha256::digest(script.as_bytes()))))
        .collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
         worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The bodies of the `<script>` elements without `src` that a browser would run (JSON-LD and
/// other data blocks are not run, so they need no hash).
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        rest = &rest[start + "<script".len()..];
        let Some(tag_end) = rest.find('>') else { break };
        let attributes = rest[..tag_end].to_ascii_lowercase();
        rest = &rest[tag_end + 1..];
        let Some(close) = rest.find("</script>") else {
            break;
        };
        let body = &rest[..close];
        rest = &rest[close..];
        let runs = !attributes.contains("src=") && script_type_runs(&attributes);
        if runs && !body.is_empty() {
            found.push(body);
        }
    }
    found
}

fn script_type_runs(attributes: &str) -> bool {
    let Some(at) = attributes.find("type=") else {
        return true;
    };
    let value = attributes[at + "type=".len()..]
        .trim_start_matches(['"', '\''])
        .split(|c: char| c == '"' || c == '\'' || c.is_whitespace())
        .next()
        .unwrap_or("");
    matches!(
        value,
        "" | "module" | "text/javascript" | "application/javascript"
    )
}

/// Standard base64 with padding (RFC 4648), as CSP hashes are written.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The headers every answer carries unless it sets its own (tracking pages keep their
/// stricter `no-referrer`): made once, applied by one layer and by the catalog's fast path
/// ([`crate::Site`]) alike. `Cross-Origin-Opener-Policy` is not among them: see
/// [`isolate_private_page`].
#[derive(Clone)]
pub struct SecurityHeaders(Arc<[(HeaderName, HeaderValue)]>);

impl SecurityHeaders {
    pub fn new(state: &Shared) -> SecurityHeaders {
        let policy = HeaderValue::from_str(&state.content_security_policy)
            .unwrap_or_else(|_| HeaderValue::from_static("frame-ancestors 'none'"));
        let mut headers = vec![
            (header::CONTENT_SECURITY_POLICY, policy),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("strict-origin-when-cross-origin"),
            ),
        ];
        // Served over HTTPS: browsers must never try plain HTTP again for a year.
        if state.secure_cookies() {
            headers.push((
                header::STRICT_TRANSPORT_SECURITY,
                HeaderValue::from_static("max-age=31536000; includeSubDomains"),
            ));
        }
        SecurityHeaders(headers.into())
    }

    /// Adds each header the answer does not set itself.
    pub fn apply(&self, headers: &mut HeaderMap) {
        for (name, value) in self.0.iter() {
            if !headers.contains_key(name) {
                headers.insert(name.clone(), value.clone());
            }
        }
    }
}

/// Pages that hold a secret or a staff session (tracking, invoices, the checkout, the
/// partner's own need, desk, admin, login, account) are cut off from any window that opened
/// them or that they open (`Cross-Origin-Opener-Policy: same-origin`): no other site can hold
/// a handle on them to navigate them or count their frames. Public catalog pages have nothing
/// to keep from an opener and do not send it: the browser would switch to a new browsing
/// context group on every link a buyer opens, measured as 50–90 ms of blocked main thread on
/// a phone (TBT).
pub fn isolate_private_page(headers: &mut HeaderMap) {
    headers.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
}

/// Adds the security headers to every response that does not set its own.
pub fn layers<S: Clone + Send + Sync + 'static>(
    state: &Shared,
    router: axum::Router<S>,
) -> axum::Router<S> {
    let headers = SecurityHeaders::new(state);
    router.layer(axum::middleware::map_response(
        move |mut response: axum::response::Response| {
            headers.apply(response.headers_mut());
            std::future::ready(response)
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_as_rfc_4648_says() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn only_scripts_that_run_are_hashed() {
        let html = "<head><script type=\"application/ld+json\">{\"a\":1}</script>\
                    <script src=\"/x.js\"></script></head>\
                    <body><script type=module>import init from\"/e.js\";</script>\
                    <SCRIPT>alert(1)</SCRIPT></body>";
        // Case differs in the last tag: a browser runs it, so it would need a hash too; the
        // index Trunk writes has lower-case tags, and a missed one fails safe (blocked).
        assert_eq!(inline_scripts(html), vec!["import init from\"/e.js\";"]);
        let policy = content_security_policy(&[Some("<script>alert(1)</script>"), None]);
        // The hash every CSP tool gives for `alert(1)`.
        assert!(
            policy.contains("'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"),
            "{policy}"
        );
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(!content_security_policy(&[None, None]).contains("sha256"));
        // Both shells' loaders, each once.
        let both = content_security_policy(&[
            Some("<script>alert(1)</script>"),
            Some("<script>alert(2)</script><script>alert(1)</script>"),
        ]);
        assert_eq!(both.matches("'sha256-").count(), 2, "{both}");
    }
}
