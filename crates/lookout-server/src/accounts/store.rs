//! Storage of organisations and members. One SQL text serves both backends.

use super::model::{OrgKind, Organisation, Role, UserRow};
use crate::db::{Db, DbError, Tx, is_unique_violation, now};

const USER_COLUMNS: &str = "id, email, display_name, password_hash, role, org_id, disabled, \
     disabled_by, totp_secret, totp_last_step, created_at, password_changed_at";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    Duplicate(&'static str),
    #[error("no such {0}")]
    Missing(&'static str),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Secret(#[from] crate::secrets::SecretError),
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        StoreError::Db(DbError::Sqlx(err))
    }
}

impl From<StoreError> for crate::web::AppError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Duplicate(what) => crate::web::AppError::Conflict(what.to_string()),
            StoreError::Missing(_) => crate::web::AppError::NotFound,
            StoreError::Db(e) => crate::web::AppError::internal(e),
            StoreError::Secret(e) => crate::web::AppError::internal(e),
        }
    }
}

pub async fn create_org(
    tx: &mut Tx,
    name: &str,
    kind: OrgKind,
) -> Result<Organisation, StoreError> {
    let result = sqlx::query_as::<_, Organisation>(
        "INSERT INTO organisations (name, kind, mfa_required, created_at) VALUES ($1, $2, 0, $3) \
         RETURNING id, name, kind, mfa_required, tlp_clearance, created_at",
    )
    .bind(name.trim())
    .bind(kind.as_str())
    .bind(now())
    .fetch_one(&mut **tx)
    .await;
    match result {
        Ok(org) => Ok(org),
        Err(e) if is_unique_violation(&e) => Err(StoreError::Duplicate(
            "an organisation with this name already exists",
        )),
        Err(e) => Err(e.into()),
    }
}

pub async fn org_by_name(db: &Db, name: &str) -> Result<Option<Organisation>, StoreError> {
    Ok(sqlx::query_as::<_, Organisation>(
        "SELECT id, name, kind, mfa_required, tlp_clearance, created_at FROM organisations WHERE name = $1",
    )
    .bind(name.trim())
    .fetch_optional(&db.pool)
    .await?)
}

pub async fn org_by_id(db: &Db, id: i64) -> Result<Option<Organisation>, StoreError> {
    Ok(sqlx::query_as::<_, Organisation>(
        "SELECT id, name, kind, mfa_required, tlp_clearance, created_at FROM organisations WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?)
}

pub async fn list_orgs(db: &Db) -> Result<Vec<Organisation>, StoreError> {
    Ok(sqlx::query_as::<_, Organisation>(
        "SELECT id, name, kind, mfa_required, tlp_clearance, created_at FROM organisations ORDER BY name",
    )
    .fetch_all(&db.pool)
    .await?)
}

/// The most restricted TLP rank an organisation's members read (0 CLEAR
/// to 3 AMBER+STRICT; RED is for named recipients only).
pub async fn set_org_clearance(tx: &mut Tx, org_id: i64, rank: i64) -> Result<bool, StoreError> {
    let done = sqlx::query("UPDATE organisations SET tlp_clearance = $1 WHERE id = $2")
        .bind(rank)
        .bind(org_id)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_org_mfa_required(
    tx: &mut Tx,
    org_id: i64,
    required: bool,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE organisations SET mfa_required = $1 WHERE id = $2")
        .bind(i64::from(required))
        .bind(org_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub org_id: Option<i64>,
}

pub async fn create_user(tx: &mut Tx, user: NewUser<'_>) -> Result<UserRow, StoreError> {
    let sql = format!(
        "INSERT INTO users (email, display_name, password_hash, role, org_id, disabled, \
         created_at, password_changed_at) VALUES ($1, $2, $3, $4, $5, 0, $6, $6) \
         RETURNING {USER_COLUMNS}"
    );
    let result = sqlx::query_as::<_, UserRow>(sqlx::AssertSqlSafe(sql))
        .bind(super::model::normalise_email(user.email))
        .bind(user.display_name.trim())
        .bind(user.password_hash)
        .bind(user.role.as_str())
        .bind(user.org_id)
        .bind(now())
        .fetch_one(&mut **tx)
        .await;
    match result {
        Ok(row) => Ok(row),
        Err(e) if is_unique_violation(&e) => Err(StoreError::Duplicate(
            "a member with this email address already exists",
        )),
        Err(e) => Err(e.into()),
    }
}

pub async fn user_by_email(db: &Db, email: &str) -> Result<Option<UserRow>, StoreError> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1");
    Ok(sqlx::query_as::<_, UserRow>(sqlx::AssertSqlSafe(sql))
        .bind(super::model::normalise_email(email))
        .fetch_optional(&db.pool)
        .await?)
}

pub async fn user_by_id(db: &Db, id: i64) -> Result<Option<UserRow>, StoreError> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    Ok(sqlx::query_as::<_, UserRow>(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?)
}

/// Members, optionally only one organisation's.
pub async fn list_users(db: &Db, org_id: Option<i64>) -> Result<Vec<UserRow>, StoreError> {
    let rows = match org_id {
        Some(org) => {
            let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE org_id = $1 ORDER BY email");
            sqlx::query_as::<_, UserRow>(sqlx::AssertSqlSafe(sql))
                .bind(org)
                .fetch_all(&db.pool)
                .await?
        }
        None => {
            let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY email");
            sqlx::query_as::<_, UserRow>(sqlx::AssertSqlSafe(sql))
                .fetch_all(&db.pool)
                .await?
        }
    };
    Ok(rows)
}

/// The accounts whose name or e-mail contains `text` (all when empty),
/// optionally of one organisation: one page, by e-mail, and how many.
pub async fn find_users(
    db: &Db,
    text: &str,
    org_id: Option<i64>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<UserRow>, i64), StoreError> {
    const WHERE: &str = "($1 = '' OR UPPER(email) LIKE $1 ESCAPE '\\' \
         OR UPPER(display_name) LIKE $1 ESCAPE '\\') AND ($2 < 0 OR org_id = $2)";
    let pattern = crate::db::contains_pattern(text);
    let org = org_id.unwrap_or(-1);
    let sql =
        format!("SELECT {USER_COLUMNS} FROM users WHERE {WHERE} ORDER BY email LIMIT $3 OFFSET $4");
    let rows = sqlx::query_as::<_, UserRow>(sqlx::AssertSqlSafe(sql))
        .bind(&pattern)
        .bind(org)
        .bind(limit)
        .bind(offset)
        .fetch_all(&db.pool)
        .await?;
    let total = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM users WHERE {WHERE}"
    )))
    .bind(&pattern)
    .bind(org)
    .fetch_one(&db.pool)
    .await?;
    Ok((rows, total))
}

/// How many accounts each organisation has.
pub async fn member_counts(db: &Db) -> Result<Vec<(i64, i64)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT org_id, COUNT(*) FROM users WHERE org_id IS NOT NULL GROUP BY org_id",
    )
    .fetch_all(&db.pool)
    .await?)
}

/// Who disables an account. An org-admin may re-enable only an account
/// their organisation disabled, never one the portal's operators did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DisabledBy {
    Organisation,
    Operator,
}

impl DisabledBy {
    pub const fn as_str(self) -> &'static str {
        match self {
            DisabledBy::Organisation => "organisation",
            DisabledBy::Operator => "operator",
        }
    }
}

/// Disables an account (`Some(by)`), ending every way in it has
/// ([`revoke_access`]), or enables it again (`None`).
pub async fn set_disabled(
    tx: &mut Tx,
    user_id: i64,
    by: Option<DisabledBy>,
) -> Result<(), StoreError> {
    let done = sqlx::query("UPDATE users SET disabled = $1, disabled_by = $2 WHERE id = $3")
        .bind(i64::from(by.is_some()))
        .bind(by.map_or("", DisabledBy::as_str))
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Missing("member"));
    }
    if by.is_some() {
        revoke_access(tx, user_id).await?;
    }
    Ok(())
}

/// Ends everything that acts for a member without their password: sessions,
/// API tokens, the personal feed link and webhooks (with their pending
/// deliveries). Run when the account is disabled and when its password is
/// changed or reset, since either may follow a compromise: whoever held the
/// account must not keep a way in, or a stream of alerts, through them.
pub async fn revoke_access(tx: &mut Tx, user_id: i64) -> Result<(), StoreError> {
    super::sessions::delete_all_for_user(tx, user_id).await?;
    super::api_tokens::revoke_all_for_user(tx, user_id).await?;
    sqlx::query("DELETE FROM feed_tokens WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM webhooks WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn set_role(tx: &mut Tx, user_id: i64, role: Role) -> Result<(), StoreError> {
    let done = sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
        .bind(role.as_str())
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Missing("member"));
    }
    Ok(())
}

pub async fn set_password(tx: &mut Tx, user_id: i64, hash: &str) -> Result<(), StoreError> {
    sqlx::query("UPDATE users SET password_hash = $1, password_changed_at = $2 WHERE id = $3")
        .bind(hash)
        .bind(now())
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn count_orgs(db: &Db) -> Result<i64, StoreError> {
    Ok(
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM organisations")
            .fetch_one(&db.pool)
            .await?,
    )
}
