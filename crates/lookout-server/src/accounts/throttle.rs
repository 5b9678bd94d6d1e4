//! Throttling of failed sign-ins, per account and per client address.
//!
//! The state lives in the database so that every server process sees the
//! same counts. Addresses are never stored: the key is an HMAC of the address
//! under the server's secret, and a row is deleted once its window has passed.

use crate::db::{Db, now};
use crate::secrets::MasterKey;

/// Failures allowed per window before the key is locked.
const ACCOUNT_LIMIT: i64 = 5;
const ADDRESS_LIMIT: i64 = 20;
const WINDOW_SECS: i64 = 15 * 60;
const LOCK_SECS: i64 = 15 * 60;

#[derive(Clone, Debug)]
pub struct ThrottleKeys {
    keys: Vec<(String, i64)>,
}

impl ThrottleKeys {
    /// Keys for a sign-in attempt: the account named and, when known, the
    /// client address (used here in memory only).
    pub fn for_login(key: &MasterKey, email: &str, addr: Option<std::net::IpAddr>) -> Self {
        let mut keys = vec![(
            format!(
                "acct:{}",
                key.mac("throttle-account", email.trim().to_lowercase().as_bytes())
            ),
            ACCOUNT_LIMIT,
        )];
        if let Some(addr) = addr {
            keys.push((
                format!(
                    "addr:{}",
                    key.mac("throttle-address", addr.to_string().as_bytes())
                ),
                ADDRESS_LIMIT,
            ));
        }
        ThrottleKeys { keys }
    }

    /// A key for any other guessable secret (receipt codes, invitation
    /// tokens, TOTP codes) scoped by `purpose`.
    pub fn for_purpose(key: &MasterKey, purpose: &str, subject: &str, limit: i64) -> Self {
        ThrottleKeys {
            keys: vec![(
                format!("{purpose}:{}", key.mac(purpose, subject.as_bytes())),
                limit,
            )],
        }
    }

    /// Seconds until the caller may try again, if any key is locked.
    pub async fn locked_for(&self, db: &Db) -> Result<Option<i64>, sqlx::Error> {
        let at = now();
        let mut longest = None;
        for (key, _) in &self.keys {
            let until: Option<i64> =
                sqlx::query_scalar("SELECT locked_until FROM throttle WHERE key = $1")
                    .bind(key)
                    .fetch_optional(&db.pool)
                    .await?;
            if let Some(until) = until
                && until > at
            {
                longest = Some(longest.unwrap_or(0).max(until - at));
            }
        }
        Ok(longest)
    }

    pub async fn record_failure(&self, db: &Db) -> Result<(), sqlx::Error> {
        let at = now();
        for (key, limit) in &self.keys {
            // One statement, so concurrent failures from several processes
            // all count: the window restarts when it has passed.
            sqlx::query(
                "INSERT INTO throttle (key, failures, window_start, locked_until) VALUES ($1, 1, $2, 0) \
                 ON CONFLICT (key) DO UPDATE SET \
                   failures = CASE WHEN throttle.window_start < $3 THEN 1 ELSE throttle.failures + 1 END, \
                   window_start = CASE WHEN throttle.window_start < $3 THEN $2 ELSE throttle.window_start END",
            )
            .bind(key)
            .bind(at)
            .bind(at - WINDOW_SECS)
            .execute(&db.pool)
            .await?;
            sqlx::query(
                "UPDATE throttle SET locked_until = $1 WHERE key = $2 AND failures >= $3 AND locked_until < $4",
            )
            .bind(at + LOCK_SECS)
            .bind(key)
            .bind(*limit)
            .bind(at)
            .execute(&db.pool)
            .await?;
        }
        Ok(())
    }

    /// A success clears the account's count (not the address's: one right
    /// password must not reset a spray across many accounts).
    pub async fn record_success(&self, db: &Db) -> Result<(), sqlx::Error> {
        if let Some((key, _)) = self.keys.first() {
            sqlx::query("DELETE FROM throttle WHERE key = $1")
                .bind(key)
                .execute(&db.pool)
                .await?;
        }
        Ok(())
    }
}

/// Deletes rows whose window and lock have both passed.
pub async fn purge(db: &Db) -> Result<(), sqlx::Error> {
    let at = now();
    sqlx::query("DELETE FROM throttle WHERE window_start < $1 AND locked_until < $2")
        .bind(at - WINDOW_SECS)
        .bind(at)
        .execute(&db.pool)
        .await?;
    Ok(())
}
