//! The `media` table: uploaded photos, kept in the database so every server serves them.

use super::{sql, Db, Tx};

/// Stores one picture under a new name (names are never reused).
pub async fn put(
    tx: &mut Tx,
    name: &str,
    content_type: &str,
    bytes: &[u8],
    at: &str,
) -> Result<(), sqlx::Error> {
    sql!(tx, |c| sqlx::query(
        "INSERT INTO media (name, content_type, bytes, created_at) VALUES ($1, $2, $3, $4)"
    )
    .bind(name)
    .bind(content_type)
    .bind(bytes)
    .bind(at)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// A stored picture: its content type and bytes.
pub async fn get(db: &Db, name: &str) -> Result<Option<(String, Vec<u8>)>, sqlx::Error> {
    sql!(db, |c| sqlx::query_as::<_, (String, Vec<u8>)>(
        "SELECT content_type, bytes FROM media WHERE name = $1"
    )
    .bind(name)
    .fetch_optional(&mut *c)
    .await)
}
