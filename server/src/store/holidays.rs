//! The `holiday` table: days off besides weekends, which an IKM's time to answer skips.

use super::{sql, Db, Topic, Tx};
use etalase_core::{Date, Holidays};

/// Puts the seed list into an empty table, once however many servers start together; true
/// when it did.
pub async fn seed_if_empty(db: &Db, holidays: &Holidays) -> anyhow::Result<bool> {
    let mut tx = db.write_tx().await?;
    tx.serialize("seed:holidays").await?;
    let count = sql!(&mut tx, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM holiday"
    )
    .fetch_one(&mut *c)
    .await)?;
    if count > 0 {
        return Ok(false);
    }
    for (day, name) in holidays.entries() {
        put(&mut tx, &day.to_string(), name).await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// The days off as stored.
pub async fn load(db: &Db) -> anyhow::Result<Holidays> {
    let rows: Vec<(String, String)> = sql!(db, |c| sqlx::query_as(
        "SELECT day, name FROM holiday ORDER BY day"
    )
    .fetch_all(&mut *c)
    .await)?;
    let mut entries = Vec::with_capacity(rows.len());
    for (day, name) in rows {
        let day = Date::parse(&day)
            .ok_or_else(|| anyhow::anyhow!("stored holiday {day:?} is not a date"))?;
        entries.push((day, name));
    }
    Ok(Holidays::from_entries(entries))
}

/// The name of a listed day off.
pub async fn name(tx: &mut Tx, day: &str) -> Result<Option<String>, sqlx::Error> {
    sql!(tx, |c| sqlx::query_scalar::<_, String>(
        "SELECT name FROM holiday WHERE day = $1"
    )
    .bind(day)
    .fetch_optional(&mut *c)
    .await)
}

/// Lists a day off, or renames one already listed.
pub async fn put(tx: &mut Tx, day: &str, name: &str) -> Result<(), sqlx::Error> {
    sql!(tx, |c| sqlx::query(
        "INSERT INTO holiday (day, name) VALUES ($1, $2) \
         ON CONFLICT (day) DO UPDATE SET name = excluded.name",
    )
    .bind(day)
    .bind(name)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Takes a day off the list.
pub async fn remove(tx: &mut Tx, day: &str) -> Result<(), sqlx::Error> {
    sql!(tx, |c| sqlx::query("DELETE FROM holiday WHERE day = $1")
        .bind(day)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Announces a change of the list to the other servers (see [`Tx::announce`]).
pub async fn announce(tx: &mut Tx, origin: &str) -> Result<(), sqlx::Error> {
    tx.announce(Topic::Holidays, origin).await
}
