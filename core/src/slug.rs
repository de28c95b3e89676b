//! URL slugs: the stable, readable names of products, IKM and categories in links.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A lowercase ASCII slug: `keripik-pisang-coklat`. Only constructed through [`Slug::parse`].
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

pub const MAX_SLUG_LEN: usize = 80;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SlugError {
    Empty,
    TooLong,
    BadChar(char),
    BadHyphen,
}

impl fmt::Display for SlugError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SlugError::Empty => f.write_str("slug is empty"),
            SlugError::TooLong => write!(f, "slug is longer than {MAX_SLUG_LEN} characters"),
            SlugError::BadChar(c) => write!(f, "slug may hold only a-z, 0-9 and '-', found {c:?}"),
            SlugError::BadHyphen => f.write_str("slug may not start or end with '-' or hold '--'"),
        }
    }
}

impl std::error::Error for SlugError {}

impl Slug {
    pub fn parse(s: &str) -> Result<Slug, SlugError> {
        if s.is_empty() {
            return Err(SlugError::Empty);
        }
        if s.len() > MAX_SLUG_LEN {
            return Err(SlugError::TooLong);
        }
        if let Some(c) = s
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
        {
            return Err(SlugError::BadChar(c));
        }
        if s.starts_with('-') || s.ends_with('-') || s.contains("--") {
            return Err(SlugError::BadHyphen);
        }
        Ok(Slug(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Slug {
    type Error = SlugError;
    fn try_from(s: String) -> Result<Slug, SlugError> {
        Slug::parse(&s)
    }
}

impl From<Slug> for String {
    fn from(s: Slug) -> String {
        s.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Slug {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_lowercase_words_and_digits() {
        assert_eq!(
            Slug::parse("kopi-robusta-250g").unwrap().as_str(),
            "kopi-robusta-250g"
        );
    }

    #[test]
    fn rejects_bad_slugs() {
        assert_eq!(Slug::parse(""), Err(SlugError::Empty));
        assert_eq!(Slug::parse("Kopi"), Err(SlugError::BadChar('K')));
        assert_eq!(Slug::parse("kopi robusta"), Err(SlugError::BadChar(' ')));
        assert_eq!(Slug::parse("-kopi"), Err(SlugError::BadHyphen));
        assert_eq!(Slug::parse("kopi--robusta"), Err(SlugError::BadHyphen));
        assert_eq!(Slug::parse(&"a".repeat(81)), Err(SlugError::TooLong));
    }

    #[test]
    fn deserializing_checks_the_slug() {
        assert!(serde_json::from_str::<Slug>("\"tapis-siger\"").is_ok());
        assert!(serde_json::from_str::<Slug>("\"../etc\"").is_err());
    }
}
