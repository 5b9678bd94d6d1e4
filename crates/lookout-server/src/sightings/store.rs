//! Sightings in the database (`sightings`, migration 0026): one row a
//! sighting, under its subject's key; attributed rows carry their
//! organisation and member, anonymous rows neither.

use super::model::Tally;
use crate::db::{Db, Tx};
use crate::secrets::{SecretError, random_id};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    #[error(transparent)]
    Secret(#[from] SecretError),
}

/// Adds a sighting of `subject` on `day`; `false` when the organisation
/// already said so for that day (nothing changes). Anonymous sightings
/// (`org` is `None`) always add a row.
pub async fn add(
    tx: &mut Tx,
    subject: &str,
    day: i64,
    org: Option<(i64, i64)>,
    created_hour: i64,
) -> Result<bool, StoreError> {
    let (org_id, user_id) = match org {
        Some((org_id, user_id)) => (Some(org_id), Some(user_id)),
        None => (None, None),
    };
    let inserted = sqlx::query(
        "INSERT INTO sightings (id, subject, seen_day, org_id, user_id, created_hour) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (subject, org_id, seen_day) DO NOTHING",
    )
    .bind(random_id()?)
    .bind(subject)
    .bind(day)
    .bind(org_id)
    .bind(user_id)
    .bind(created_hour)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(inserted == 1)
}

/// Everything said about `subject`, as stored (to be suppressed before
/// anyone sees it).
pub async fn tally(db: &Db, subject: &str) -> Result<Tally, sqlx::Error> {
    tally_since(db, subject, i64::MIN).await
}

/// What was said about `subject` for days from `since` on.
pub async fn tally_since(db: &Db, subject: &str, since: i64) -> Result<Tally, sqlx::Error> {
    sqlx::query_as(
        "SELECT COUNT(DISTINCT org_id) AS organisations, COUNT(*) - COUNT(org_id) AS anonymous, \
         MIN(seen_day) AS first_day, MAX(seen_day) AS last_day \
         FROM sightings WHERE subject = $1 AND seen_day >= $2",
    )
    .bind(subject)
    .bind(since)
    .fetch_one(&db.pool)
    .await
}

/// The days organisation `org_id` said it saw `subject`, newest first.
pub async fn days_of_org(db: &Db, subject: &str, org_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT seen_day FROM sightings WHERE subject = $1 AND org_id = $2 \
         ORDER BY seen_day DESC LIMIT 20",
    )
    .bind(subject)
    .bind(org_id)
    .fetch_all(&db.pool)
    .await
}
