//! Password hashing and policy.
//!
//! argon2id with the OWASP minimum parameters (19 MiB, 2 passes, 1 lane).
//! Each hash costs ~50 ms of one core, so hashing runs on the blocking pool
//! behind a semaphore: a burst of logins queues instead of starving the async
//! workers that serve everyone else.

use std::sync::Arc;

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

pub const MIN_LENGTH: usize = 12;
pub const MAX_LENGTH: usize = 1024;

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("password hashing failed")]
    Hash,
    #[error("the password hashing pool is gone")]
    Pool,
}

#[derive(Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
    /// A hash of a random password, verified against when the account does
    /// not exist, so a login for an unknown email takes as long as for a
    /// known one.
    decoy: Arc<String>,
}

fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

impl Hasher {
    pub fn new(concurrency: usize) -> Result<Hasher, PasswordError> {
        let decoy_password = crate::secrets::random_token().map_err(|_| PasswordError::Hash)?;
        let decoy = hash_now(&decoy_password)?;
        Ok(Hasher {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            decoy: Arc::new(decoy),
        })
    }

    pub async fn hash(&self, password: &str) -> Result<String, PasswordError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| PasswordError::Pool)?;
        let password = password.to_owned();
        tokio::task::spawn_blocking(move || hash_now(&password))
            .await
            .map_err(|_| PasswordError::Pool)?
    }

    /// Checks `password` against `stored`, or against the decoy when there is
    /// no account.
    pub async fn verify(
        &self,
        password: &str,
        stored: Option<&str>,
    ) -> Result<bool, PasswordError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| PasswordError::Pool)?;
        let password = password.to_owned();
        let exists = stored.is_some();
        let stored = stored.map_or_else(|| self.decoy.as_str().to_owned(), str::to_owned);
        let ok = tokio::task::spawn_blocking(move || verify_now(&password, &stored))
            .await
            .map_err(|_| PasswordError::Pool)?;
        Ok(ok && exists)
    }
}

pub fn hash_now(password: &str) -> Result<String, PasswordError> {
    argon2()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|_| PasswordError::Hash)
}

fn verify_now(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Why a new password is refused, in words a member can act on; `None` when
/// it is acceptable. `context` holds the member's own details (email, name,
/// organisation), which make a password easy to guess.
pub fn policy_problem(password: &str, context: &[&str]) -> Option<String> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Some(format!(
            "Use at least {MIN_LENGTH} characters; a few unrelated words make a strong, memorable password."
        ));
    }
    if password.len() > MAX_LENGTH {
        return Some(format!("Use at most {MAX_LENGTH} characters."));
    }
    let mut inputs: Vec<&str> = context.iter().copied().filter(|s| !s.is_empty()).collect();
    inputs.push("lookout");
    let estimate = zxcvbn::zxcvbn(password, &inputs);
    if (estimate.score() as u8) < 3 {
        let hint = estimate
            .feedback()
            .and_then(|f| f.warning().map(|w| w.to_string()))
            .unwrap_or_else(|| "It would be guessed quickly.".into());
        return Some(format!(
            "This password is too easy to guess: {hint} Add more unrelated words."
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_common_passwords_are_refused() {
        assert!(policy_problem("short", &[]).is_some());
        assert!(policy_problem("password1234", &[]).is_some());
        assert!(policy_problem("captain@fleet.example", &["captain@fleet.example"]).is_some());
        assert!(policy_problem("ballast kettle orchid semaphore", &[]).is_none());
    }

    #[tokio::test]
    async fn hashes_verify_and_unknown_accounts_never_pass() {
        let hasher = Hasher::new(1).unwrap();
        let hash = hasher.hash("ballast kettle orchid").await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(
            hasher
                .verify("ballast kettle orchid", Some(&hash))
                .await
                .unwrap()
        );
        assert!(
            !hasher
                .verify("ballast kettle orchis", Some(&hash))
                .await
                .unwrap()
        );
        assert!(!hasher.verify("anything", None).await.unwrap());
    }
}
