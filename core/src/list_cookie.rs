//! The order list as a cookie: the buyer's list lives in the browser (localStorage), and the
//! app mirrors it into one small cookie sent only with `/daftar-pesanan`, so the server can
//! draw the buyer's own list at once, as it draws every other storefront page, and the app
//! takes over at the first touch.
//!
//! The value is `slug.quantity.note~slug.quantity.note…`, notes percent-encoded (cookie
//! values hold no spaces, commas or semicolons). A list too long for a cookie is written as
//! [`UNKNOWN`]: the server then draws no list and the app loads at once.

use crate::request::{MAX_LINES, MAX_TEXT};
use crate::slug::Slug;

/// The cookie's name.
pub const NAME: &str = "etalase_daftar";
/// Sent with the order list page only: not with API calls, pictures or other pages.
pub const PATH: &str = "/daftar-pesanan";
/// Longest value written: browsers keep 4,096 bytes per cookie, name and attributes included.
pub const MAX_VALUE: usize = 3_800;
/// "The list is in the browser, but too long for a cookie."
pub const UNKNOWN: &str = "?";

/// One line as the cookie carries it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub product: Slug,
    pub quantity: u32,
    pub note: String,
}

/// The cookie's value for this list: [`UNKNOWN`] when it would not fit.
pub fn encode<'a>(lines: impl IntoIterator<Item = (&'a str, u32, &'a str)>) -> String {
    let mut value = String::new();
    for (i, (product, quantity, note)) in lines.into_iter().enumerate() {
        if i >= MAX_LINES {
            return UNKNOWN.to_owned();
        }
        if i > 0 {
            value.push('~');
        }
        value.push_str(product);
        value.push('.');
        value.push_str(&quantity.to_string());
        if !note.is_empty() {
            value.push('.');
            percent_encode(note, &mut value);
        }
        if value.len() > MAX_VALUE {
            return UNKNOWN.to_owned();
        }
    }
    value
}

/// The `Set-Cookie`/`document.cookie` text that keeps this value for 400 days (the longest
/// browsers allow), sent only to the order list page.
pub fn cookie(value: &str, secure: bool) -> String {
    format!(
        "{NAME}={value}; Path={PATH}; Max-Age=34560000; SameSite=Lax{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The list a cookie value holds; `None` when the server cannot know it (no cookie, a list
/// too long for one, or a value no app of ours wrote). Bounded like an order: at most
/// [`MAX_LINES`] lines, notes of at most [`MAX_TEXT`] characters.
pub fn decode(value: &str) -> Option<Vec<Line>> {
    if value.len() > MAX_VALUE || value == UNKNOWN {
        return None;
    }
    if value.is_empty() {
        return Some(Vec::new());
    }
    let mut lines: Vec<Line> = Vec::new();
    for part in value.split('~') {
        if lines.len() >= MAX_LINES {
            return None;
        }
        let mut fields = part.splitn(3, '.');
        let product = Slug::parse(fields.next()?).ok()?;
        let quantity = fields.next()?.parse::<u32>().ok()?;
        let note = percent_decode(fields.next().unwrap_or(""))?;
        if note.chars().count() > MAX_TEXT || lines.iter().any(|l| l.product == product) {
            return None;
        }
        lines.push(Line {
            product,
            quantity,
            note,
        });
    }
    Some(lines)
}

/// This cookie's value among a request's `Cookie` headers.
pub fn find<'a>(cookie_headers: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    cookie_headers
        .into_iter()
        .flat_map(|h| h.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == NAME)
        .map(|(_, value)| value)
}

fn percent_encode(text: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_' {
            out.push(byte as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(byte >> 4)] as char);
            out.push(HEX[usize::from(byte & 15)] as char);
        }
    }
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = text.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' => {
                out.push(b);
                i += 1;
            }
            _ => return None,
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_survives_the_cookie() {
        let value = encode([
            ("kopi-robusta-tanggamus-250-g", 12, ""),
            (
                "tapis-lampung",
                3,
                "warna merah; 50% emas, \"pinggir\" ~ 10 cm",
            ),
        ]);
        assert!(!value.contains([' ', ';', ',', '"', '\\']), "{value}");
        let lines = decode(&value).expect("decodes");
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].product.as_str(), "kopi-robusta-tanggamus-250-g");
        assert_eq!(lines[0].quantity, 12);
        assert_eq!(lines[0].note, "");
        assert_eq!(lines[1].note, "warna merah; 50% emas, \"pinggir\" ~ 10 cm");
        assert_eq!(decode(""), Some(Vec::new()), "an empty list is known");
    }

    #[test]
    fn a_list_too_long_for_a_cookie_is_unknown_not_cut() {
        let slugs: Vec<String> = (0..MAX_LINES)
            .map(|i| format!("produk-dengan-nama-yang-panjang-sekali-dari-lampung-{i}"))
            .collect();
        let value = encode(slugs.iter().map(|s| (s.as_str(), 1, "")));
        assert_eq!(value, UNKNOWN);
        assert_eq!(decode(&value), None);
        let notes = "catatan panjang ".repeat(12);
        let value = encode((0..20).map(|i| (slugs[i].as_str(), 1, notes.as_str())));
        assert_eq!(value, UNKNOWN, "percent-encoded notes count too");
    }

    #[test]
    fn values_no_app_wrote_are_unknown() {
        for bad in [
            "kopi",
            "kopi.",
            "kopi.-1",
            "kopi.99999999999",
            "Kopi.1",
            "../etc.1",
            "kopi.1.%zz",
            "kopi.1.%ff",
            "kopi.1.a b",
            "kopi.1~kopi.2",
            "kopi.1~",
            &"a".repeat(MAX_VALUE + 1),
        ] {
            assert_eq!(decode(bad), None, "{bad:?}");
        }
        let many = vec!["a.1"; MAX_LINES + 1].join("~");
        assert_eq!(decode(&many), None);
        let long_note = format!("kopi.1.{}", "x".repeat(MAX_TEXT + 1));
        assert_eq!(decode(&long_note), None);
    }

    #[test]
    fn found_among_other_cookies() {
        assert_eq!(find(["a=1; etalase_daftar=kopi.2", "b=3"]), Some("kopi.2"));
        assert_eq!(find(["etalase_daftarx=1; x=etalase_daftar"]), None);
        assert_eq!(find(["etalase_daftar="]), Some(""));
    }
}
