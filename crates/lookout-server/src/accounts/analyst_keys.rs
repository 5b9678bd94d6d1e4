//! Analysts' key pairs, which confidential reporters' identities are
//! sealed to (`reports::identity`). Each private key is encrypted (age
//! scrypt) with its analyst's password: made at their first sign-in,
//! re-wrapped when they change it, dropped when they reset it.

use std::str::FromStr;

use age::secrecy::{ExposeSecret, SecretString};

use crate::db::{Db, Tx, now};

/// scrypt work factor for analysts' private keys: 2^15, about 50 ms here,
/// paid once per sign-in of a new analyst and once per opening.
const WORK_FACTOR: u8 = 15;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error("encryption failed: {0}")]
    Encrypt(String),
    #[error("your key could not be opened with this password")]
    WrongPassword,
    #[error("you have no key yet")]
    NoKey,
    #[error("a key is damaged")]
    Damaged,
}

impl From<KeyError> for crate::web::AppError {
    fn from(err: KeyError) -> Self {
        crate::web::AppError::internal(err)
    }
}

fn encrypt_to_passphrase(secret: &[u8], password: &str) -> Result<String, KeyError> {
    let mut recipient = age::scrypt::Recipient::new(SecretString::from(password.to_string()));
    recipient.set_work_factor(WORK_FACTOR);
    let bytes = age::encrypt(&recipient, secret).map_err(|e| KeyError::Encrypt(e.to_string()))?;
    Ok(hex::encode(bytes))
}

fn decrypt_with_passphrase(sealed: &str, password: &str) -> Result<Vec<u8>, KeyError> {
    let bytes = hex::decode(sealed).map_err(|_| KeyError::Damaged)?;
    let mut identity = age::scrypt::Identity::new(SecretString::from(password.to_string()));
    // Refuse a header demanding more work than we ever set: a tampered row
    // must not pin a core.
    identity.set_max_work_factor(WORK_FACTOR);
    age::decrypt(&identity, &bytes).map_err(|_| KeyError::WrongPassword)
}

/// Makes the analyst's key pair unless they have one. Runs the scrypt
/// work on the blocking pool.
pub async fn ensure_key(db: &Db, user_id: i64, password: &str) -> Result<(), KeyError> {
    let exists: Option<i64> =
        sqlx::query_scalar("SELECT user_id FROM analyst_keys WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(&db.pool)
            .await?;
    if exists.is_some() {
        return Ok(());
    }
    let password = password.to_string();
    let (public, sealed) = tokio::task::spawn_blocking(move || {
        let identity = age::x25519::Identity::generate();
        let sealed =
            encrypt_to_passphrase(identity.to_string().expose_secret().as_bytes(), &password)?;
        Ok::<_, KeyError>((identity.to_public().to_string(), sealed))
    })
    .await
    .map_err(|e| KeyError::Encrypt(e.to_string()))??;
    sqlx::query(
        "INSERT INTO analyst_keys (user_id, public_key, sealed_private_key, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (user_id) DO NOTHING",
    )
    .bind(user_id)
    .bind(public)
    .bind(sealed)
    .bind(now())
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Re-encrypts an analyst's private key under their new password.
pub async fn rewrap_key(tx: &mut Tx, user_id: i64, old: &str, new: &str) -> Result<(), KeyError> {
    let sealed: Option<String> =
        sqlx::query_scalar("SELECT sealed_private_key FROM analyst_keys WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(&mut **tx)
            .await?;
    let Some(sealed) = sealed else { return Ok(()) };
    let (old, new) = (old.to_string(), new.to_string());
    let rewrapped = tokio::task::spawn_blocking(move || {
        let secret = decrypt_with_passphrase(&sealed, &old)?;
        encrypt_to_passphrase(&secret, &new)
    })
    .await
    .map_err(|e| KeyError::Encrypt(e.to_string()))?;
    match rewrapped {
        Ok(rewrapped) => {
            sqlx::query("UPDATE analyst_keys SET sealed_private_key = $1 WHERE user_id = $2")
                .bind(rewrapped)
                .bind(user_id)
                .execute(&mut **tx)
                .await?;
        }
        // Sealed under an older password somehow: the key is unusable.
        Err(KeyError::WrongPassword) => drop_key(tx, user_id).await?,
        Err(other) => return Err(other),
    }
    Ok(())
}

/// Forgets an analyst's key (after a password reset: nothing can open it
/// any more). They get a new one at their next sign-in.
pub async fn drop_key(tx: &mut Tx, user_id: i64) -> Result<(), KeyError> {
    sqlx::query("DELETE FROM analyst_keys WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The analyst's private key, unlocked with their password (on the
/// blocking pool: scrypt).
pub async fn unlock(
    db: &Db,
    analyst_id: i64,
    password: &str,
) -> Result<age::x25519::Identity, KeyError> {
    let key: Option<String> =
        sqlx::query_scalar("SELECT sealed_private_key FROM analyst_keys WHERE user_id = $1")
            .bind(analyst_id)
            .fetch_optional(&db.pool)
            .await?;
    let key = key.ok_or(KeyError::NoKey)?;
    let password = password.to_string();
    tokio::task::spawn_blocking(move || {
        let secret = decrypt_with_passphrase(&key, &password)?;
        let secret = String::from_utf8(secret).map_err(|_| KeyError::Damaged)?;
        age::x25519::Identity::from_str(&secret).map_err(|_| KeyError::Damaged)
    })
    .await
    .map_err(|e| KeyError::Encrypt(e.to_string()))?
}
