//! Bearer tokens for the JSON API and scripts: scoped, revocable, stored as
//! SHA-256 hashes of 256-bit random values (shown once at creation).

use serde::Serialize;

use super::model::{Role, User};
use super::store::StoreError;
use crate::db::{Db, Tx, now};
use crate::secrets::{random_token, token_hash};

/// What a token may do. A token never exceeds its owner's role.
pub const SCOPES: [&str; 3] = ["read", "write", "admin"];

/// Tokens start with this, so leaked ones are easy to find in logs or code.
pub const PREFIX: &str = "lkt_";

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    pub scopes: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// Normalises a scope list, refusing unknown scopes and `admin` for
/// non-admins.
pub fn parse_scopes(requested: &[String], role: Role) -> Result<String, String> {
    let mut scopes: Vec<&str> = Vec::new();
    for scope in requested
        .iter()
        .flat_map(|s| s.split([' ', ',']))
        .filter(|s| !s.is_empty())
    {
        let Some(known) = SCOPES.iter().find(|k| **k == scope) else {
            return Err(format!(
                "unknown scope '{scope}' (use read, write or admin)"
            ));
        };
        if *known == "admin" && role != Role::Admin {
            return Err("only administrators may hold the admin scope".into());
        }
        if !scopes.contains(known) {
            scopes.push(known);
        }
    }
    if scopes.is_empty() {
        scopes.push("read");
    }
    Ok(scopes.join(" "))
}

pub async fn create(
    tx: &mut Tx,
    user_id: i64,
    name: &str,
    scopes: &str,
) -> Result<(i64, String), StoreError> {
    let token = format!("{PREFIX}{}", random_token()?);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO api_tokens (user_id, token_hash, name, scopes, created_at) VALUES ($1, $2, $3, $4, $5) \
         RETURNING id",
    )
    .bind(user_id)
    .bind(token_hash(&token))
    .bind(name.trim())
    .bind(scopes)
    .bind(now())
    .fetch_one(&mut **tx)
    .await?;
    Ok((id, token))
}

pub async fn list_for_user(db: &Db, user_id: i64) -> Result<Vec<TokenInfo>, StoreError> {
    Ok(sqlx::query_as::<_, TokenInfo>(
        "SELECT id, name, scopes, created_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY id DESC",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?)
}

/// Revokes the token only if it belongs to `user_id`.
pub async fn revoke(tx: &mut Tx, user_id: i64, token_id: i64) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
    )
    .bind(now())
    .bind(token_id)
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn revoke_all_for_user(tx: &mut Tx, user_id: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
        .bind(now())
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The active member and scopes behind a presented token.
pub async fn authenticate(
    db: &Db,
    presented: &str,
) -> Result<Option<(User, Vec<String>)>, StoreError> {
    if !presented.starts_with(PREFIX) || presented.len() > 128 {
        return Ok(None);
    }
    let row: Option<(i64, String)> = sqlx::query_as(
        "SELECT user_id, scopes FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL",
    )
    .bind(token_hash(presented))
    .fetch_optional(&db.pool)
    .await?;
    let Some((user_id, scopes)) = row else {
        return Ok(None);
    };
    let Some(user_row) = super::store::user_by_id(db, user_id).await? else {
        return Ok(None);
    };
    if user_row.disabled != 0 {
        return Ok(None);
    }
    Ok(user_row
        .to_user()
        .map(|u| (u, scopes.split(' ').map(str::to_string).collect())))
}
