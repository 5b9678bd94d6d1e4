//! Server-side sessions. The browser holds a 256-bit random id; the database
//! holds only its SHA-256, so a copy of the sessions table cannot be replayed.
//!
//! Activity is kept only to the hour ([`ACTIVITY_STEP`]), and only reading
//! a page records it: a session's `last_seen_at` says "this member opened a
//! page during that hour", never the second of a pseudonymous post or an
//! anonymous report the member sent from it.

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

/// How finely a session's last activity is kept. The idle timeout counts
/// from the end of the recorded hour (see [`idle_expired`]), so a session
/// ends after between `idle` and `idle` plus one hour without a page read.
pub const ACTIVITY_STEP: i64 = 3600;

/// The start of the activity step `at` falls in: what `last_seen_at` holds.
pub fn activity_mark(at: i64) -> i64 {
    at - at.rem_euclid(ACTIVITY_STEP)
}

/// Whether a session last seen in the step `last_seen_at` has been idle for
/// longer than `idle_secs` at `at`. The member may have been active up to
/// the end of that step, so it is counted from there: never sooner than
/// the configured timeout.
pub fn idle_expired(last_seen_at: i64, at: i64, idle_secs: i64) -> bool {
    at - (last_seen_at + ACTIVITY_STEP) > idle_secs
}

/// Creates a session and returns the cookie value (shown to nobody else).
pub async fn create(tx: &mut Tx, user_id: i64, stage: Stage) -> Result<String, StoreError> {
    let token = random_token()?;
    let at = now();
    sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, mfa_pending, created_at, last_seen_at, reauth_at) \
         VALUES ($1, $2, $3, $4, $5, $4)",
    )
    .bind(token_hash(&token))
    .bind(user_id)
    .bind(stage as i64)
    .bind(at)
    .bind(activity_mark(at))
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

/// Records that the session read a page in the current activity step.
/// Called only for page reads, never for a request that writes (a post, a
/// report), so the row is not touched with those writes.
pub async fn touch(db: &Db, token: &str, at: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2 AND last_seen_at < $1")
        .bind(activity_mark(at))
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

/// Removes sessions past their idle or absolute lifetime (the idle one
/// counted as [`idle_expired`] does).
pub async fn purge_expired(db: &Db, idle_secs: i64, max_secs: i64) -> Result<u64, StoreError> {
    let at = now();
    let done = sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2")
        .bind(at - idle_secs - ACTIVITY_STEP)
        .bind(at - max_secs)
        .execute(&db.pool)
        .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activity_is_kept_to_the_hour_and_never_ends_a_session_early() {
        assert_eq!(activity_mark(7_199), 3_600);
        assert_eq!(activity_mark(7_200), 7_200);
        let idle = 30 * 60;
        // Seen at 14:59:59, recorded as 14:00: still valid at 15:29:59.
        let seen = activity_mark(14 * 3600 + 3599);
        assert!(!idle_expired(seen, 15 * 3600 + 1799, idle));
        assert!(idle_expired(seen, 15 * 3600 + 1801, idle));
    }
}
