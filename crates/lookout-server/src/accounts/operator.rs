//! Operations the command line and the demo seed perform directly on the
//! database (no HTTP), each audited like its web equivalent.

use super::model::{OrgKind, Organisation, Role, UserRow};
use super::store::{self, NewUser};
use super::{api_tokens, passwords};
use crate::audit::{self, Actor};
use crate::db::Db;
use crate::secrets::MasterKey;

#[derive(Debug, thiserror::Error)]
pub enum OperatorError {
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
    #[error("password hashing failed")]
    Hash,
}

impl From<sqlx::Error> for OperatorError {
    fn from(err: sqlx::Error) -> Self {
        OperatorError::Db(crate::db::DbError::Sqlx(err))
    }
}

pub async fn create_org(
    db: &Db,
    key: &MasterKey,
    name: &str,
    kind: &str,
    actor: Actor,
) -> Result<Organisation, OperatorError> {
    let kind = OrgKind::parse(kind).ok_or_else(|| {
        OperatorError::Invalid(format!(
            "unknown organisation kind '{kind}' (use ship-owner, port, pi-club, flag-state, class-society or other)"
        ))
    })?;
    if name.trim().is_empty() || name.len() > 200 {
        return Err(OperatorError::Invalid(
            "the name must be 1 to 200 characters".into(),
        ));
    }
    let mut tx = db.begin_write().await?;
    let org = store::create_org(&mut tx, name, kind).await?;
    audit::append(
        &mut tx,
        key,
        actor,
        "organisation.created",
        &format!("organisation:{}", org.id),
        kind.as_str(),
    )
    .await?;
    tx.commit().await?;
    Ok(org)
}

pub struct NewMember<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub role: &'a str,
    pub org: Option<&'a str>,
    pub password: &'a str,
}

/// Creates a member after the same checks the invitation form makes.
pub async fn create_user(
    db: &Db,
    key: &MasterKey,
    member: NewMember<'_>,
    actor: Actor,
) -> Result<UserRow, OperatorError> {
    let role = Role::parse(member.role).ok_or_else(|| {
        OperatorError::Invalid(format!(
            "unknown role '{}' (use member, org-admin, analyst, editor, moderator or admin)",
            member.role
        ))
    })?;
    if !super::model::looks_like_email(member.email) {
        return Err(OperatorError::Invalid(format!(
            "'{}' is not an email address",
            member.email
        )));
    }
    let org = match member.org {
        Some(name) => Some(store::org_by_name(db, name).await?.ok_or_else(|| {
            OperatorError::Invalid(format!("no organisation named '{name}' (create it first)"))
        })?),
        None => None,
    };
    if !role.is_staff() && org.is_none() {
        return Err(OperatorError::Invalid(format!(
            "a {role} belongs to an organisation: give --org"
        )));
    }
    let org_name = org.as_ref().map(|o| o.name.clone()).unwrap_or_default();
    if let Some(problem) = passwords::policy_problem(
        member.password,
        &[member.email, member.display_name, &org_name],
    ) {
        return Err(OperatorError::Invalid(problem));
    }
    let hash = passwords::hash_now(member.password).map_err(|_| OperatorError::Hash)?;
    let mut tx = db.begin_write().await?;
    let row = store::create_user(
        &mut tx,
        NewUser {
            email: member.email,
            display_name: member.display_name,
            password_hash: &hash,
            role,
            org_id: org.map(|o| o.id),
        },
    )
    .await?;
    audit::append(
        &mut tx,
        key,
        actor,
        "user.created",
        &format!("user:{}", row.id),
        &format!("role:{role}"),
    )
    .await?;
    tx.commit().await?;
    if role == Role::Analyst {
        super::analyst_keys::ensure_key(db, row.id, member.password)
            .await
            .map_err(|e| {
                OperatorError::Invalid(format!("the analyst's key could not be made: {e}"))
            })?;
    }
    Ok(row)
}

pub async fn create_api_token(
    db: &Db,
    key: &MasterKey,
    email: &str,
    name: &str,
    scopes: &[String],
    actor: Actor,
) -> Result<String, OperatorError> {
    let row = store::user_by_email(db, email)
        .await?
        .ok_or_else(|| OperatorError::Invalid(format!("no member with email {email}")))?;
    let user = row
        .to_user()
        .ok_or_else(|| OperatorError::Invalid("the member's role is unknown".into()))?;
    if row.disabled != 0 {
        return Err(OperatorError::Invalid(format!("{email} is disabled")));
    }
    let scopes = api_tokens::parse_scopes(scopes, user.role).map_err(OperatorError::Invalid)?;
    let mut tx = db.begin_write().await?;
    let (id, token) = api_tokens::create(&mut tx, row.id, name, &scopes).await?;
    audit::append(
        &mut tx,
        key,
        actor,
        "api-token.created",
        &format!("api-token:{id}"),
        &scopes,
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

pub async fn disable_user(
    db: &Db,
    key: &MasterKey,
    email: &str,
    actor: Actor,
) -> Result<UserRow, OperatorError> {
    let row = store::user_by_email(db, email)
        .await?
        .ok_or_else(|| OperatorError::Invalid(format!("no member with email {email}")))?;
    let mut tx = db.begin_write().await?;
    store::set_disabled(&mut tx, row.id, Some(store::DisabledBy::Operator)).await?;
    audit::append(
        &mut tx,
        key,
        actor,
        "user.disabled",
        &format!("user:{}", row.id),
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

/// `operator::` refusals are the client's to fix (422), except a duplicate
/// (409); everything else is ours (500).
impl From<OperatorError> for crate::web::problem::Problem {
    fn from(err: OperatorError) -> Self {
        match err {
            OperatorError::Invalid(detail) => crate::web::problem::Problem::unprocessable(detail),
            OperatorError::Store(err) => err.into(),
            OperatorError::Db(err) => err.into(),
            OperatorError::Hash => {
                crate::web::AppError::internal(anyhow::anyhow!("password hashing failed")).into()
            }
        }
    }
}
