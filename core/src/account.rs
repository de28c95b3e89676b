//! Accounts of the IKM desk and the Disperindag admin: roles, the password rule, and the
//! shapes the login API speaks.

use crate::locale::Locale;
use crate::slug::Slug;
use serde::{Deserialize, Serialize};

/// Passwords refused whatever their length: shipped as data, compared case-insensitively.
const COMMON_PASSWORDS: &str = include_str!("../../data/common-passwords.txt");

pub const MIN_PASSWORD_CHARS: usize = 8;
/// Argon2 hashes anything, but a login form has no business posting a book.
pub const MAX_PASSWORD_CHARS: usize = 128;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Works the orders and products of one IKM.
    Ikm,
    /// Disperindag: curates IKM and accounts, sees every order.
    Admin,
}

impl Role {
    pub fn slug(self) -> &'static str {
        match self {
            Role::Ikm => "ikm",
            Role::Admin => "admin",
        }
    }

    pub fn from_slug(s: &str) -> Option<Role> {
        [Role::Ikm, Role::Admin].into_iter().find(|r| r.slug() == s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordError {
    TooShort,
    TooLong,
    Common,
    SameAsUsername,
}

impl PasswordError {
    pub fn message(self, locale: Locale) -> String {
        match (locale, self) {
            (Locale::Id, PasswordError::TooShort) => {
                format!("Kata sandi paling sedikit {MIN_PASSWORD_CHARS} karakter.")
            }
            (Locale::En, PasswordError::TooShort) => {
                format!("The password needs at least {MIN_PASSWORD_CHARS} characters.")
            }
            (Locale::Id, PasswordError::TooLong) => {
                format!("Kata sandi paling banyak {MAX_PASSWORD_CHARS} karakter.")
            }
            (Locale::En, PasswordError::TooLong) => {
                format!("The password may have at most {MAX_PASSWORD_CHARS} characters.")
            }
            (Locale::Id, PasswordError::Common) => {
                "Kata sandi ini terlalu umum dan mudah ditebak. Pilih yang lain.".into()
            }
            (Locale::En, PasswordError::Common) => {
                "This password is too common and easy to guess. Choose another.".into()
            }
            (Locale::Id, PasswordError::SameAsUsername) => {
                "Kata sandi tidak boleh sama dengan nama pengguna.".into()
            }
            (Locale::En, PasswordError::SameAsUsername) => {
                "The password may not be the user name.".into()
            }
        }
    }
}

/// Whether `password` may be set for the account `username`.
pub fn check_password(password: &str, username: &str) -> Result<(), PasswordError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort);
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(PasswordError::TooLong);
    }
    let lower = password.to_lowercase();
    if lower == username.to_lowercase() {
        return Err(PasswordError::SameAsUsername);
    }
    if is_common(&lower) {
        return Err(PasswordError::Common);
    }
    Ok(())
}

fn is_common(lower: &str) -> bool {
    COMMON_PASSWORDS
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .any(|l| l == lower)
}

/// The body of `POST /api/v1/auth/login`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginInput {
    pub username: String,
    pub password: String,
}

/// The body of `POST /api/v1/auth/password`: the current password proves it is the owner.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordChange {
    pub current: String,
    pub new: String,
}

/// Who is logged in (`GET /api/v1/auth/me`, and the answer to a login).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub username: String,
    pub role: Role,
    /// The IKM an IKM user works for.
    pub ikm: Option<Slug>,
    pub ikm_name: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_passwords_are_refused() {
        assert_eq!(
            check_password("Kp7#x2", "kopi-gunung-betung"),
            Err(PasswordError::TooShort)
        );
        // Characters, not bytes: eight letters with accents are long enough.
        assert_eq!(check_password("éèêëāăąç", "x"), Ok(()));
    }

    #[test]
    fn common_passwords_are_refused_whatever_their_case() {
        for weak in [
            "password",
            "12345678",
            "Bismillah",
            "QWERTY123",
            "lampung123",
        ] {
            assert_eq!(
                check_password(weak, "admin"),
                Err(PasswordError::Common),
                "{weak}"
            );
        }
    }

    #[test]
    fn the_user_name_is_not_a_password() {
        assert_eq!(
            check_password("Kopi-Gunung-Betung", "kopi-gunung-betung"),
            Err(PasswordError::SameAsUsername)
        );
    }

    #[test]
    fn reasonable_passwords_pass() {
        assert_eq!(check_password("siger-emas-pagar-alam", "admin"), Ok(()));
        assert_eq!(check_password("Tapis 1998 Pesisir", "admin"), Ok(()));
    }

    #[test]
    fn the_common_list_is_loaded() {
        assert!(
            COMMON_PASSWORDS
                .lines()
                .filter(|l| !l.starts_with('#'))
                .count()
                > 200
        );
        assert!(COMMON_PASSWORDS
            .lines()
            .filter(|l| !l.starts_with('#'))
            .all(|l| l == l.to_lowercase() && l.chars().count() >= MIN_PASSWORD_CHARS));
    }

    #[test]
    fn messages_exist_in_both_languages() {
        for e in [
            PasswordError::TooShort,
            PasswordError::TooLong,
            PasswordError::Common,
            PasswordError::SameAsUsername,
        ] {
            assert_ne!(e.message(Locale::Id), e.message(Locale::En));
        }
    }
}
