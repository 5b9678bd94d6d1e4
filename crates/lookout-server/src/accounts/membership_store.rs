//! Storage of applications, invitations and password resets: the ways in.

use serde::Serialize;

use super::model::{Role, normalise_email};
use super::store::StoreError;
use crate::db::{Db, Tx, now};
use crate::secrets::{random_token, token_hash};

// ---------------------------------------------------------------- applying

/// Records an application to join, pending an admin's decision.
pub async fn add_application(
    tx: &mut Tx,
    org_name: &str,
    org_kind: &str,
    contact_name: &str,
    email: &str,
    message: &str,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO applications (org_name, org_kind, contact_name, email, message, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, 'pending', $6) RETURNING id",
    )
    .bind(org_name.trim())
    .bind(org_kind.trim())
    .bind(contact_name.trim())
    .bind(normalise_email(email))
    .bind(message.trim())
    .bind(now())
    .fetch_one(&mut **tx)
    .await?)
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Application {
    pub id: i64,
    pub org_name: String,
    pub org_kind: String,
    pub contact_name: String,
    pub email: String,
    pub message: String,
    pub status: String,
    pub created_at: i64,
}

pub async fn list_applications(db: &Db) -> Result<Vec<Application>, StoreError> {
    Ok(sqlx::query_as::<_, Application>(
        "SELECT id, org_name, org_kind, contact_name, email, message, status, created_at FROM applications \
         ORDER BY CASE WHEN status = 'pending' THEN 0 ELSE 1 END, id DESC LIMIT 200",
    )
    .fetch_all(&db.pool)
    .await?)
}

/// Marks a pending application decided; false if it was not pending (a
/// second admin got there first).
pub async fn decide_application(
    tx: &mut Tx,
    id: i64,
    status: &str,
    admin_id: i64,
) -> Result<Option<Application>, StoreError> {
    let app = sqlx::query_as::<_, Application>(
        "UPDATE applications SET status = $1, decided_by = $2, decided_at = $3 WHERE id = $4 AND status = 'pending' \
         RETURNING id, org_name, org_kind, contact_name, email, message, status, created_at",
    )
    .bind(status)
    .bind(admin_id)
    .bind(now())
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(app)
}

// ------------------------------------------------------------- invitations

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Invitation {
    pub id: i64,
    pub email: String,
    pub org_id: Option<i64>,
    pub role: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

/// Creates an invitation and returns it with the link token (never stored).
pub async fn create_invitation(
    tx: &mut Tx,
    email: &str,
    org_id: Option<i64>,
    role: Role,
    created_by: Option<i64>,
    valid_days: i64,
) -> Result<(Invitation, String), StoreError> {
    let token = random_token()?;
    let at = now();
    let invitation = sqlx::query_as::<_, Invitation>(
        "INSERT INTO invitations (token_hash, email, org_id, role, created_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, email, org_id, role, created_at, expires_at, used_at",
    )
    .bind(token_hash(&token))
    .bind(normalise_email(email))
    .bind(org_id)
    .bind(role.as_str())
    .bind(created_by)
    .bind(at)
    .bind(at + valid_days * 86400)
    .fetch_one(&mut **tx)
    .await?;
    Ok((invitation, token))
}

pub async fn list_invitations(db: &Db, org_id: Option<i64>) -> Result<Vec<Invitation>, StoreError> {
    Ok(sqlx::query_as::<_, Invitation>(
        "SELECT id, email, org_id, role, created_at, expires_at, used_at FROM invitations \
         WHERE ($1 = 0 OR org_id = $1) ORDER BY id DESC LIMIT 200",
    )
    .bind(org_id.unwrap_or(0))
    .fetch_all(&db.pool)
    .await?)
}

pub async fn invitation_by_token(db: &Db, token: &str) -> Result<Option<Invitation>, StoreError> {
    Ok(sqlx::query_as::<_, Invitation>(
        "SELECT id, email, org_id, role, created_at, expires_at, used_at FROM invitations WHERE token_hash = $1",
    )
    .bind(token_hash(token))
    .fetch_optional(&db.pool)
    .await?)
}

/// Marks an invitation used; false if it was used or expired meanwhile.
pub async fn claim_invitation(tx: &mut Tx, id: i64) -> Result<bool, StoreError> {
    let claimed = sqlx::query("UPDATE invitations SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND expires_at >= $1")
        .bind(now())
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(claimed.rows_affected() == 1)
}

// ---------------------------------------------------------- password reset

/// Stores a reset link's token (its hash) for `user_id`, valid for
/// `valid_secs`.
pub async fn add_reset(
    tx: &mut Tx,
    token: &str,
    user_id: i64,
    valid_secs: i64,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(token_hash(token))
        .bind(user_id)
        .bind(now())
        .bind(now() + valid_secs)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn usable_reset(db: &Db, token: &str) -> Result<Option<i64>, StoreError> {
    let row: Option<(i64, i64, Option<i64>)> = sqlx::query_as(
        "SELECT user_id, expires_at, used_at FROM password_resets WHERE token_hash = $1",
    )
    .bind(token_hash(token))
    .fetch_optional(&db.pool)
    .await?;
    Ok(row
        .filter(|(_, expires, used)| *expires >= now() && used.is_none())
        .map(|(user, _, _)| user))
}

/// Marks a reset link used; false if it was used meanwhile.
pub async fn claim_reset(tx: &mut Tx, token: &str) -> Result<bool, StoreError> {
    let claimed = sqlx::query(
        "UPDATE password_resets SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL",
    )
    .bind(now())
    .bind(token_hash(token))
    .execute(&mut **tx)
    .await?;
    Ok(claimed.rows_affected() == 1)
}
