//! Sealed identities for confidential reports. The reporter's identity is
//! encrypted with age to the public key of every analyst at the time of
//! submission; each analyst's private key is itself encrypted (age
//! scrypt) with their password. So opening an identity takes an analyst
//! typing their password: a copy of the database, even with the master
//! key, opens none. Keys are made at an analyst's first sign-in, re-wrapped
//! when they change their password, and dropped when they reset it (the
//! other analysts can still open what that key could).

use std::io::{Read, Write};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::accounts::analyst_keys::{self, KeyError};
use crate::db::Db;

/// What every sealed identity is padded to (a longer one, to the next
/// power of two): display name, e-mail and organisation fit many times.
const IDENTITY_RECORD: usize = 2048;

#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error("encryption failed: {0}")]
    Encrypt(String),
    #[error("your key could not be opened with this password")]
    WrongPassword,
    #[error("this report's identity was not sealed to your key")]
    NotARecipient,
    #[error("no analyst has a key yet")]
    NoRecipients,
    #[error("a sealed identity is damaged")]
    Damaged,
}

impl From<KeyError> for IdentityError {
    fn from(err: KeyError) -> Self {
        match err {
            KeyError::Db(err) => IdentityError::Db(err),
            KeyError::Encrypt(detail) => IdentityError::Encrypt(detail),
            KeyError::WrongPassword => IdentityError::WrongPassword,
            KeyError::NoKey => IdentityError::NotARecipient,
            KeyError::Damaged => IdentityError::Damaged,
        }
    }
}

impl From<IdentityError> for crate::web::AppError {
    fn from(err: IdentityError) -> Self {
        crate::web::AppError::internal(err)
    }
}

/// Who made a confidential report, as only analysts will read it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedIdentity {
    pub user_id: i64,
    pub display_name: String,
    pub email: String,
    pub organisation: Option<String>,
}

/// Encrypts `identity` to every active analyst's key.
pub async fn seal(db: &Db, identity: &SealedIdentity) -> Result<String, IdentityError> {
    let keys: Vec<String> = sqlx::query_scalar(
        "SELECT k.public_key FROM analyst_keys k JOIN users u ON u.id = k.user_id \
         WHERE u.disabled = 0 AND u.role = 'analyst' ORDER BY k.user_id",
    )
    .fetch_all(&db.pool)
    .await?;
    let recipients: Vec<age::x25519::Recipient> = keys
        .iter()
        .filter_map(|k| age::x25519::Recipient::from_str(k).ok())
        .collect();
    if recipients.is_empty() {
        return Err(IdentityError::NoRecipients);
    }
    let mut plain =
        serde_json::to_vec(identity).map_err(|e| IdentityError::Encrypt(e.to_string()))?;
    // age's header is readable and its payload as long as the plaintext:
    // unpadded, the length alone matched identities to the members whose
    // names and addresses are in clear beside them. JSON ends with
    // whitespace as well as without.
    plain.resize(IDENTITY_RECORD.max(plain.len().next_power_of_two()), b' ');
    let encryptor =
        age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
            .map_err(|e| IdentityError::Encrypt(e.to_string()))?;
    let mut out = Vec::new();
    let mut writer = encryptor
        .wrap_output(&mut out)
        .map_err(|e| IdentityError::Encrypt(e.to_string()))?;
    writer
        .write_all(&plain)
        .map_err(|e| IdentityError::Encrypt(e.to_string()))?;
    writer
        .finish()
        .map_err(|e| IdentityError::Encrypt(e.to_string()))?;
    Ok(hex::encode(out))
}

/// Whether any analyst could open a confidential report now.
pub async fn can_seal(db: &Db) -> Result<bool, IdentityError> {
    let count: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM analyst_keys k JOIN users u ON u.id = k.user_id \
         WHERE u.disabled = 0 AND u.role = 'analyst'",
    )
    .fetch_one(&db.pool)
    .await?;
    Ok(count > 0)
}

/// Opens a sealed identity with the analyst's key, unlocked by their
/// password. The caller audits the opening.
pub async fn open(
    db: &Db,
    analyst_id: i64,
    password: &str,
    sealed: &str,
) -> Result<SealedIdentity, IdentityError> {
    let identity = analyst_keys::unlock(db, analyst_id, password).await?;
    let sealed = sealed.to_string();
    tokio::task::spawn_blocking(move || {
        let bytes = hex::decode(sealed).map_err(|_| IdentityError::Damaged)?;
        let decryptor = age::Decryptor::new(&bytes[..]).map_err(|_| IdentityError::Damaged)?;
        let mut reader = decryptor
            .decrypt(std::iter::once(&identity as &dyn age::Identity))
            .map_err(|_| IdentityError::NotARecipient)?;
        let mut plain = Vec::new();
        reader
            .read_to_end(&mut plain)
            .map_err(|_| IdentityError::Damaged)?;
        serde_json::from_slice(&plain).map_err(|_| IdentityError::Damaged)
    })
    .await
    .map_err(|e| IdentityError::Encrypt(e.to_string()))?
}

/// One opening of a report's sealed identity, as the reporter sees it.
#[derive(Clone, Debug, Serialize)]
pub struct Opening {
    pub at: i64,
    pub analyst: String,
}

pub const OPENED: &str = "report.identity-opened";

/// Every opening of `report_id`'s identity, from the audit log.
pub async fn openings(db: &Db, report_id: i64) -> Result<Vec<Opening>, sqlx::Error> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT at, actor FROM audit_log WHERE action = $1 AND subject = $2 ORDER BY seq",
    )
    .bind(OPENED)
    .bind(format!("report:{report_id}"))
    .fetch_all(&db.pool)
    .await?;
    let mut openings = Vec::with_capacity(rows.len());
    for (at, actor) in rows {
        let name: Option<String> = match actor
            .strip_prefix("user:")
            .and_then(|id| id.parse::<i64>().ok())
        {
            Some(id) => {
                sqlx::query_scalar("SELECT display_name FROM users WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&db.pool)
                    .await?
            }
            None => None,
        };
        openings.push(Opening {
            at,
            analyst: name.unwrap_or_else(|| "an analyst".into()),
        });
    }
    Ok(openings)
}
