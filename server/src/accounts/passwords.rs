//! Passwords: argon2id hashes (made off the event loops), random passwords for new and reset
//! accounts, and the demo accounts of a first start.

use crate::clock::now_utc;
use crate::web::error::AppError;
use crate::web::gate::HASHING;

use crate::store::{self, Db};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use etalase_core::account::{check_password, Role};
use std::path::Path;

/// An argon2id hash in PHC format (salt and parameters included).
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("hashing: {e}")))
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A random password for seeded and reset accounts: 16 letters and digits, read aloud easily.
pub fn random_password() -> Result<String, AppError> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let chars: String = bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    Ok(format!(
        "{}-{}-{}-{}",
        &chars[0..4],
        &chars[4..8],
        &chars[8..12],
        &chars[12..16]
    ))
}

/// Creates an account; the password must pass core's rule.
pub async fn create_account(
    db: &Db,
    username: &str,
    role: Role,
    ikm: Option<&str>,
    password: &str,
) -> Result<i64, AppError> {
    check_password(password, username)
        .map_err(|e| AppError::BadRequest("weak_password", e.message(Default::default())))?;
    let owned = password.to_owned();
    let hash = HASHING.run(move || hash_password(&owned)).await??;
    let inserted =
        store::accounts::create(db, username, role.slug(), ikm, &hash, &now_utc()).await?;
    inserted.ok_or(AppError::Conflict(
        "username_taken",
        "Nama pengguna ini sudah dipakai.".into(),
    ))
}

/// On a database without accounts: one demo account per IKM (its slug as user name) and one
/// admin (`disperindag`), each with a random password written to `credentials` (mode 0600).
/// Returns how many were made.
pub async fn seed_demo_accounts(db: &Db, credentials: &Path) -> anyhow::Result<usize> {
    if store::accounts::count(db).await? > 0 {
        return Ok(0);
    }
    let ikm = store::catalog::ikm_names(db).await?;
    let mut lines = vec![
        "# Akun DEMO Etalase IKM Lampung — hanya untuk mencoba, jangan dipakai di produksi."
            .to_owned(),
        "# DEMO accounts — for trying the app only; never use them in production.".to_owned(),
        "# peran / role\tnama pengguna / user name\tkata sandi / password\tIKM".to_owned(),
    ];
    let mut accounts = Vec::with_capacity(ikm.len() + 1);
    let mut add = |role: Role, username: &str, ikm: Option<&str>, label: &str| {
        let password = random_password().map_err(|e| anyhow::anyhow!("{e:?}"))?;
        lines.push(format!("{}\t{username}\t{password}\t{label}", role.slug()));
        accounts.push((username.to_owned(), role, ikm.map(str::to_owned), password));
        Ok::<_, anyhow::Error>(())
    };
    add(Role::Admin, "disperindag", None, "-")?;
    for (slug, name) in &ikm {
        add(Role::Ikm, slug, Some(slug), name)?;
    }
    // Hashed off the event loop, then stored all at once, only if no other server seeded
    // meanwhile (servers starting together on one database).
    let hashed = HASHING
        .run(move || {
            accounts
                .into_iter()
                .map(|(username, role, ikm, password)| {
                    Ok(store::accounts::NewAccount {
                        username,
                        role: role.slug(),
                        ikm,
                        password_hash: hash_password(&password)?,
                    })
                })
                .collect::<Result<Vec<_>, AppError>>()
        })
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    if !store::accounts::seed_if_none(db, &hashed, &now_utc()).await? {
        return Ok(0);
    }
    if let Some(dir) = credentials.parent() {
        std::fs::create_dir_all(dir)?;
    }
    write_private(credentials, &(lines.join("\n") + "\n"))?;
    Ok(hashed.len())
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(text.as_bytes())
}

/// Sets a new password (hashed off the async workers).
pub async fn set_password(db: &Db, account_id: i64, password: &str) -> Result<(), AppError> {
    let owned = password.to_owned();
    let hash = HASHING.run(move || hash_password(&owned)).await??;
    store::accounts::set_password_hash(db, account_id, &hash).await?;
    Ok(())
}

/// Ends every session of an account (password reset, disabling).
pub async fn end_sessions(db: &Db, account_id: i64) -> Result<(), AppError> {
    Ok(store::accounts::end_sessions(db, account_id).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let hash = hash_password("siger-emas-pagar-alam").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password(&hash, "siger-emas-pagar-alam"));
        assert!(!verify_password(&hash, "siger-emas-pagar-alaM"));
        assert!(!verify_password("not a hash", "x"));
    }

    #[test]
    fn random_passwords_pass_the_rule() {
        let p = random_password().unwrap();
        assert_eq!(p.len(), 19);
        assert_eq!(check_password(&p, "disperindag"), Ok(()));
        assert_ne!(p, random_password().unwrap());
    }
}
