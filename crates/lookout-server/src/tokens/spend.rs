//! Spending: a token sent with an anonymous report is checked against its
//! month's public key and recorded spent, by fingerprint only, in the
//! report's own transaction, so a refused report spends nothing and a
//! token cannot be spent twice even by two processes at once.

use lookout_tokens::{Token, TokenError};

use super::keys;
use crate::db::{Tx, now};
use crate::secrets::token_hash;
use crate::state::AppState;
use crate::web::AppError;

pub const MALFORMED: &str = "The membership token is not complete or not in the right form. \
    Paste the whole line from your token file (it starts with lmt1.), or leave the field empty \
    to report without one.";
pub const UNKNOWN: &str = "The membership token was not issued by this portal. Use a token \
    fetched from this portal's Tokens page, or leave the field empty.";
pub const FORGED: &str = "The membership token's signature does not check out: it was not \
    issued by this portal, or it was altered. Use another token, or leave the field empty.";
pub const SPENT: &str = "The membership token has already been used: each token works once. \
    Use the next one in your file, or leave the field empty.";
pub const SAME_SESSION: &str = "You fetched membership tokens while signed in to this session, \
    so a token spent here could be linked to you. Sign out (or open a private window) and send \
    the report from there; your tokens stay in this browser.";
pub const WITH_CREDENTIALS: &str = "Send verified-anonymous reports without an Authorization \
    header: a membership token spent with your API token would be linked to you.";
pub const NOT_ANONYMOUS: &str = "A membership token is only for anonymous reports: a report \
    under your name or a confidential one already tells the analysts who you are. Choose \
    anonymous, or leave the token field empty.";

/// A token that verified; spent only when its report is stored.
pub struct Verified {
    fingerprint: String,
    /// Its key, to tell the reporter how many members hold tokens of it;
    /// never stored with the spent token or the report.
    pub key: keys::KeyRow,
    /// Members who fetched tokens of that key, when it was checked.
    pub holders: i64,
}

impl Verified {
    /// Whether so few members hold tokens of this key that "a verified
    /// member" nearly names one.
    pub fn small_set(&self) -> bool {
        self.holders < super::SMALL_ANONYMITY_SET
    }
}

/// Checks a token's form, key, period and signature, and that it is not
/// spent yet. The error is a message for the reporter.
pub async fn check(state: &AppState, text: &str) -> Result<Verified, CheckError> {
    let token = Token::parse(text).map_err(|_| CheckError::Refused(MALFORMED.into()))?;
    let Some(row) = keys::by_id(&state.db, token.key_id()).await? else {
        return Err(CheckError::Refused(UNKNOWN.into()));
    };
    let now = now();
    if now >= row.spend_until {
        return Err(CheckError::Refused(format!(
            "The membership token is from {}; tokens from that month could be used until {}. \
             Fetch this month's tokens from the Tokens page, or leave the field empty.",
            row.period_name(),
            super::day_name(row.spend_until)
        )));
    }
    match keys::public_key(&row)?.verify(&token) {
        Ok(()) => {}
        Err(TokenError::Malformed(_)) => return Err(CheckError::Refused(MALFORMED.into())),
        Err(_) => return Err(CheckError::Refused(FORGED.into())),
    }
    let verified = Verified {
        fingerprint: hex::encode(token.spent_fingerprint()),
        holders: keys::holders(&state.db, &row).await?,
        key: row,
    };
    let spent: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM spent_tokens WHERE fingerprint = $1")
            .bind(&verified.fingerprint)
            .fetch_optional(&state.db.pool)
            .await?;
    if spent.is_some() {
        return Err(CheckError::Spent);
    }
    Ok(verified)
}

/// Whether the browser session `session_token` fetched tokens.
pub async fn session_fetched(state: &AppState, session_token: &str) -> Result<bool, sqlx::Error> {
    let fetched: Option<i64> =
        sqlx::query_scalar("SELECT fetched_tokens FROM sessions WHERE id_hash = $1")
            .bind(token_hash(session_token))
            .fetch_optional(&state.db.pool)
            .await?;
    Ok(fetched.unwrap_or(0) != 0)
}

/// Marks the browser session `session_token` as one that fetched tokens:
/// it may no longer spend one.
pub async fn mark_session_fetched(state: &AppState, session_token: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE sessions SET fetched_tokens = 1 WHERE id_hash = $1")
        .bind(token_hash(session_token))
        .execute(&state.db.pool)
        .await?;
    Ok(())
}

/// Records the token spent. `false` if it already was (another request
/// spent it since [`check`]): the caller must then store nothing.
///
/// Only the fingerprint is kept, with a date to forget it that every token
/// spent now shares whatever its key (the latest any key may be spent):
/// nothing stored says which key, so which month, a verified report used.
pub async fn record(tx: &mut Tx, verified: &Verified) -> Result<bool, sqlx::Error> {
    // SQLite reads `ON CONFLICT` after a bare `SELECT … FROM` as a join
    // constraint: the WHERE keeps it an upsert.
    let inserted = sqlx::query(
        "INSERT INTO spent_tokens (fingerprint, forget_after) \
         SELECT $1, MAX(spend_until) FROM token_keys WHERE 1 = 1 \
         ON CONFLICT (fingerprint) DO NOTHING",
    )
    .bind(&verified.fingerprint)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(inserted == 1)
}

#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    /// The token cannot be accepted; the message says why and what to do.
    #[error("{0}")]
    Refused(String),
    #[error("{SPENT}")]
    Spent,
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<sqlx::Error> for CheckError {
    fn from(err: sqlx::Error) -> Self {
        CheckError::App(err.into())
    }
}
