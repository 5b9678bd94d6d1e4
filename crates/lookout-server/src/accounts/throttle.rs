//! Throttling of failed sign-ins and other guesses, per account and per
//! client address.
//!
//! The state lives in the database so that every server process sees the
//! same counts. Addresses are never stored: the key is an HMAC of the address
//! under the server's secret, and a row is deleted once its window has passed.
//! An IPv6 client is counted by its /64, which is what one subscriber gets.
//! Where the address is unknown (behind a proxy that is not trusted to name
//! the client), there is no address throttle at all, never one shared by
//! everyone: one client must not be able to lock out the rest.
//!
//! Anonymous paths (a reporter's receipt code) keep even less: see
//! [`ThrottleKeys::for_anonymous`].

use crate::db::{Db, now};
use crate::secrets::MasterKey;

/// Failures allowed per window before the key is locked.
const ACCOUNT_LIMIT: i64 = 5;
const ADDRESS_LIMIT: i64 = 20;
const WINDOW_SECS: i64 = 15 * 60;
const LOCK_SECS: i64 = 15 * 60;
/// Anonymous throttles count by the UTC hour.
const HOUR: i64 = 3600;

/// The part of an address that names one client: IPv4 as it is, IPv6 by
/// its /64 (a subscriber holds a whole /64 and can walk through it).
pub fn client_part(addr: std::net::IpAddr) -> String {
    match addr {
        std::net::IpAddr::V4(v4) => v4.to_string(),
        std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

#[derive(Clone, Debug)]
pub struct ThrottleKeys {
    keys: Vec<(String, i64)>,
    /// Counted by the UTC hour: the window starts on the hour and a lock
    /// lasts to the end of it, so no row holds a finer time.
    hourly: bool,
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
                    key.mac("throttle-address", client_part(addr).as_bytes())
                ),
                ADDRESS_LIMIT,
            ));
        }
        ThrottleKeys {
            keys,
            hourly: false,
        }
    }

    /// A key for any other guessable secret (invitation tokens, TOTP
    /// codes) scoped by `purpose`.
    pub fn for_purpose(key: &MasterKey, purpose: &str, subject: &str, limit: i64) -> Self {
        ThrottleKeys {
            keys: vec![(
                format!("{purpose}:{}", key.mac(purpose, subject.as_bytes())),
                limit,
            )],
            hourly: false,
        }
    }

    /// A per-client key for `purpose`, or no throttle at all when the
    /// client's address is unknown (never one key shared by everyone).
    pub fn for_address(
        key: &MasterKey,
        purpose: &str,
        addr: Option<std::net::IpAddr>,
        limit: i64,
    ) -> Self {
        ThrottleKeys {
            keys: addr
                .map(|addr| {
                    (
                        format!(
                            "{purpose}:{}",
                            key.mac(purpose, client_part(addr).as_bytes())
                        ),
                        limit,
                    )
                })
                .into_iter()
                .collect(),
            hourly: false,
        }
    }

    /// A key for guesses on an anonymous path (receipt codes) that keeps
    /// nothing an operator could turn back into an address or a time finer
    /// than the hour: the address is hashed under a random salt that lives
    /// only for the current UTC hour (shared by every process through the
    /// database, deleted when the hour ends) and cut to 16 bits, so each
    /// key stands for one in 65,536 of all clients even while the salt
    /// exists; the row's times are whole hours. `limit` failures in an
    /// hour lock the key to the end of the hour.
    pub async fn for_anonymous(
        db: &Db,
        purpose: &str,
        addr: Option<std::net::IpAddr>,
        limit: i64,
    ) -> Result<Self, sqlx::Error> {
        let Some(addr) = addr else {
            return Ok(ThrottleKeys {
                keys: Vec::new(),
                hourly: true,
            });
        };
        let hour = now().div_euclid(HOUR);
        let fresh = hex::encode(
            crate::secrets::random_bytes::<32>()
                .map_err(|e| sqlx::Error::Protocol(e.to_string()))?,
        );
        sqlx::query(
            "INSERT INTO throttle_salts (hour, salt) VALUES ($1, $2) ON CONFLICT (hour) DO NOTHING",
        )
        .bind(hour)
        .bind(&fresh)
        .execute(&db.pool)
        .await?;
        let salt: String = sqlx::query_scalar("SELECT salt FROM throttle_salts WHERE hour = $1")
            .bind(hour)
            .fetch_one(&db.pool)
            .await?;
        // The same keyed digest as every other throttle key, under the
        // hour's salt instead of the master key.
        let digest = MasterKey::from_hex(&salt)
            .map_err(|e| sqlx::Error::Protocol(e.to_string()))?
            .mac(purpose, client_part(addr).as_bytes());
        Ok(ThrottleKeys {
            keys: vec![(format!("{purpose}:{hour}:{}", &digest[..4]), limit)],
            hourly: true,
        })
    }

    /// Both sets of keys: locked when either is.
    #[must_use]
    pub fn and(mut self, other: ThrottleKeys) -> Self {
        self.keys.extend(other.keys);
        self.hourly |= other.hourly;
        self
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
        let exact = now();
        // Hourly keys: counted from the top of the hour (the key names the
        // hour, so the window never restarts within it), locked to its end.
        let (at, window, lock_until) = match self.hourly {
            true => {
                let hour_start = exact - exact.rem_euclid(HOUR);
                (hour_start, HOUR, hour_start + HOUR)
            }
            false => (exact, WINDOW_SECS, exact + LOCK_SECS),
        };
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
            .bind(at - window)
            .execute(&db.pool)
            .await?;
            sqlx::query(
                "UPDATE throttle SET locked_until = $1 WHERE key = $2 AND failures >= $3 AND locked_until < $4",
            )
            .bind(lock_until)
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

/// Deletes rows whose window and lock have both passed, and the salts of
/// hours that have ended (which makes their anonymous keys meaningless to
/// anyone, the operator included).
pub async fn purge(db: &Db) -> Result<(), sqlx::Error> {
    let at = now();
    sqlx::query("DELETE FROM throttle WHERE window_start < $1 AND locked_until < $2")
        .bind(at - WINDOW_SECS.max(HOUR))
        .bind(at)
        .execute(&db.pool)
        .await?;
    sqlx::query("DELETE FROM throttle_salts WHERE hour < $1")
        .bind(at.div_euclid(HOUR))
        .execute(&db.pool)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::client_part;

    #[test]
    fn an_ipv6_client_is_its_64() {
        let a: std::net::IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: std::net::IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let c: std::net::IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(client_part(a), client_part(b));
        assert_ne!(client_part(a), client_part(c));
        let mapped: std::net::IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(client_part(mapped), "192.0.2.7");
    }
}
