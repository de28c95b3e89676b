//! Indonesian mobile numbers, stored as E.164 (`+62812…`), and WhatsApp links to them.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An Indonesian mobile number in E.164 form. Only constructed through [`Phone::parse`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhoneError;

impl fmt::Display for PhoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not an Indonesian mobile number (08…, 628… or +628…, 10 to 13 digits)")
    }
}

impl std::error::Error for PhoneError {}

impl Phone {
    /// Accepts `0812…`, `62812…` and `+62812…`, with spaces, dots or dashes between digits,
    /// following `^(\+62|62|0)8[1-9][0-9]{6,9}$`.
    pub fn parse(input: &str) -> Result<Phone, PhoneError> {
        let compact: String = input
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
            .collect();
        let national = if let Some(rest) = compact.strip_prefix("+62") {
            rest
        } else if let Some(rest) = compact.strip_prefix("62") {
            rest
        } else if let Some(rest) = compact.strip_prefix('0') {
            rest
        } else {
            return Err(PhoneError);
        };
        let bytes = national.as_bytes();
        let valid = bytes.len() >= 8
            && bytes.len() <= 11
            && bytes[0] == b'8'
            && (b'1'..=b'9').contains(&bytes[1])
            && bytes.iter().all(u8::is_ascii_digit);
        if valid {
            Ok(Phone(format!("+62{national}")))
        } else {
            Err(PhoneError)
        }
    }

    /// `+62812…`
    pub fn e164(&self) -> &str {
        &self.0
    }

    /// The number as wa.me wants it: digits only, no '+'.
    pub fn wa_number(&self) -> &str {
        &self.0[1..]
    }

    /// `https://wa.me/62812…?text=…` with the text percent-encoded.
    pub fn wa_link(&self, text: &str) -> String {
        if text.is_empty() {
            format!("https://wa.me/{}", self.wa_number())
        } else {
            format!(
                "https://wa.me/{}?text={}",
                self.wa_number(),
                percent_encode(text)
            )
        }
    }
}

/// `https://wa.me/?text=…`: WhatsApp lets the person pick the chat to send `text` to.
pub fn wa_share_link(text: &str) -> String {
    format!("https://wa.me/?text={}", percent_encode(text))
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl TryFrom<String> for Phone {
    type Error = PhoneError;
    fn try_from(s: String) -> Result<Phone, PhoneError> {
        Phone::parse(&s)
    }
}

impl From<Phone> for String {
    fn from(p: Phone) -> String {
        p.0
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_every_accepted_form_to_e164() {
        for input in [
            "081234567890",
            "6281234567890",
            "+6281234567890",
            "0812-3456-7890",
            " 0812 3456 7890 ",
        ] {
            assert_eq!(
                Phone::parse(input).unwrap().e164(),
                "+6281234567890",
                "{input}"
            );
        }
    }

    #[test]
    fn rejects_non_mobile_and_malformed_numbers() {
        for input in [
            "",
            "0721123456",
            "0802345678",
            "08123",
            "081234567890123",
            "+1 555 1234567",
            "0812abc4567",
        ] {
            assert!(Phone::parse(input).is_err(), "{input} should be rejected");
        }
    }

    #[test]
    fn wa_link_has_no_plus_and_encodes_text() {
        let p = Phone::parse("0812 7000 1234").unwrap();
        assert_eq!(p.wa_link(""), "https://wa.me/6281270001234");
        assert_eq!(
            p.wa_link("Halo, saya & tim"),
            "https://wa.me/6281270001234?text=Halo%2C%20saya%20%26%20tim"
        );
    }
}
