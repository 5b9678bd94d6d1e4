//! Server-side sessions. The browser holds a 256-bit random id; the database
//! holds only its SHA-256, so a copy of the sessions table cannot be replayed.

use super::store::StoreError;
use crate::db::{Db, Tx, now};
use crate::secrets::{random_token, token_hash};

/// Where a session stands on the way to being fully signed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    SignedIn = 0,
    /// Password accepted; the TOTP code or a recovery code is still owed.
    AwaitingSecondFactor = 1,
    /// Password accepted; the member must enrol a second factor first.
    MustEnrolMfa = 2,
}

impl Stage {
    fn from_i64(value: i64) -> Stage {
        match value {
            0 => Stage::SignedIn,
            2 => Stage::MustEnrolMfa,
            _ => Stage::AwaitingSecondFactor,
        }
    }
}

#[derive(Clone, Debug, sqlx::FromRow)]
struct SessionRow {
    user_id: i64,
    mfa_pending: i64,
    created_at: i64,
    last_seen_at: i64,
    reauth_at: i64,
}

#[derive(Clone, Debug)]
pub struct Session {
    pub user_id: i64,
    pub stage: Stage,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub reauth_at: i64,
}

/// Creates a session and returns the cookie value (shown to nobody else).
pub async fn create(tx: &mut Tx, user_id: i64, stage: Stage) -> Result<String, StoreError> {
    let token = random_token()?;
    let at = now();
    sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, mfa_pending, created_at, last_seen_at, reauth_at) \
         VALUES ($1, $2, $3, $4, $4, $4)",
    )
    .bind(token_hash(&token))
    .bind(user_id)
    .bind(stage as i64)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(token)
}

pub async fn find(db: &Db, token: &str) -> Result<Option<Session>, StoreError> {
    let row = sqlx::query_as::<_, SessionRow>(
        "SELECT user_id, mfa_pending, created_at, last_seen_at, reauth_at FROM sessions \
         WHERE id_hash = $1",
    )
    .bind(token_hash(token))
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|r| Session {
        user_id: r.user_id,
        stage: Stage::from_i64(r.mfa_pending),
        created_at: r.created_at,
        last_seen_at: r.last_seen_at,
        reauth_at: r.reauth_at,
    }))
}

pub async fn touch(db: &Db, token: &str) -> Result<(), StoreError> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
        .bind(now())
        .bind(token_hash(token))
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn mark_reauthenticated(db: &Db, token: &str) -> Result<(), StoreError> {
    sqlx::query("UPDATE sessions SET reauth_at = $1 WHERE id_hash = $2")
        .bind(now())
        .bind(token_hash(token))
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn delete(db: &Db, token: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(token_hash(token))
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn delete_in(tx: &mut Tx, token: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(token_hash(token))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn delete_all_for_user(tx: &mut Tx, user_id: i64) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Removes sessions past their idle or absolute lifetime.
pub async fn purge_expired(db: &Db, idle_secs: i64, max_secs: i64) -> Result<u64, StoreError> {
    let at = now();
    let done = sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2")
        .bind(at - idle_secs)
        .bind(at - max_secs)
        .execute(&db.pool)
        .await?;
    Ok(done.rows_affected())
}
