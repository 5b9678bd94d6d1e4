//! Storage of the tokens' bookkeeping: the allowance setting and how many
//! tokens each member took per period (the keys keep their own, in
//! `keys.rs`; spent tokens theirs, in `spend.rs`).

use super::Period;
use crate::db::{Db, Tx};
use crate::web::AppError;

/// Where an admin's allowance is kept (the `settings` table).
pub const ALLOWANCE_SETTING: &str = "token_allowance";

/// The allowance an admin set, as stored, if one did.
pub async fn stored_allowance(db: &Db) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT value FROM settings WHERE name = $1")
        .bind(ALLOWANCE_SETTING)
        .fetch_optional(&db.pool)
        .await
}

pub async fn store_allowance(tx: &mut Tx, value: u32) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO settings (name, value) VALUES ($1, $2) \
         ON CONFLICT (name) DO UPDATE SET value = excluded.value",
    )
    .bind(ALLOWANCE_SETTING)
    .bind(value.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn taken(db: &Db, user_id: i64, period: Period) -> Result<u32, AppError> {
    let taken: Option<i64> =
        sqlx::query_scalar("SELECT taken FROM token_issuance WHERE user_id = $1 AND period = $2")
            .bind(user_id)
            .bind(period.label())
            .fetch_optional(&db.pool)
            .await?;
    Ok(u32::try_from(taken.unwrap_or(0)).unwrap_or(u32::MAX))
}

/// Counts `wanted` more tokens taken by `user_id` in `period`, unless that
/// would take them over `allowance`: `false` then, and nothing counted.
/// One statement decides, so two requests at once cannot both pass.
pub async fn count_issued(
    db: &Db,
    user_id: i64,
    period: Period,
    wanted: u32,
    allowance: u32,
) -> Result<bool, sqlx::Error> {
    let counted = sqlx::query(
        "INSERT INTO token_issuance (user_id, period, taken) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id, period) DO UPDATE SET taken = token_issuance.taken + excluded.taken \
         WHERE token_issuance.taken + excluded.taken <= $4",
    )
    .bind(user_id)
    .bind(period.label())
    .bind(i64::from(wanted))
    .bind(i64::from(allowance))
    .execute(&db.pool)
    .await?
    .rows_affected();
    Ok(counted != 0)
}

/// Tokens taken in `period`, and by how many members.
pub async fn issued_in(db: &Db, period: Period) -> Result<(i64, i64), sqlx::Error> {
    // PostgreSQL sums BIGINT as NUMERIC: cast back for both backends.
    sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(taken), 0) AS BIGINT), COUNT(*) FROM token_issuance WHERE period = $1",
    )
    .bind(period.label())
    .fetch_one(&db.pool)
    .await
}
