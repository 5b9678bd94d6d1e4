//! Version 1 of the API: what the handlers answer and how each is
//! documented. The types here are the API's own, so the wire format does
//! not move when the storage model does.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::accounts::api_auth::{Administrator, Reader};
use crate::accounts::model::{self, ApiRole, OrgKind, Role};
use crate::accounts::{operator, store};
use crate::audit::Actor;
use crate::state::AppState;
use crate::web::AppError;
use crate::web::json::ApiJson;
use crate::web::problem::{
    BadRequest, Conflict, Forbidden, InternalError, PayloadTooLarge, Problem, Unauthorized,
    UnprocessableContent, UnsupportedMediaType,
};

/// Longest organisation name, in characters.
pub const NAME_MAX: usize = 200;

/// What kind of body an organisation is.
#[derive(Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
#[schema(as = OrgKind)]
pub enum ApiOrgKind {
    ShipOwner,
    Port,
    PiClub,
    FlagState,
    ClassSociety,
    Other,
}

impl From<OrgKind> for ApiOrgKind {
    fn from(kind: OrgKind) -> Self {
        match kind {
            OrgKind::ShipOwner => ApiOrgKind::ShipOwner,
            OrgKind::Port => ApiOrgKind::Port,
            OrgKind::PiClub => ApiOrgKind::PiClub,
            OrgKind::FlagState => ApiOrgKind::FlagState,
            OrgKind::ClassSociety => ApiOrgKind::ClassSociety,
            OrgKind::Other => ApiOrgKind::Other,
        }
    }
}

/// What a token may do.
#[derive(Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
#[schema(as = Scope)]
pub enum ApiScope {
    Read,
    Write,
    Admin,
}

impl ApiScope {
    fn parse(text: &str) -> Option<ApiScope> {
        match text {
            "read" => Some(ApiScope::Read),
            "write" => Some(ApiScope::Write),
            "admin" => Some(ApiScope::Admin),
            _ => None,
        }
    }
}

/// The member behind the token.
#[derive(Serialize, ToSchema)]
pub struct Me {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: ApiRole,
    /// The name of the member's organisation; `null` for operator staff.
    #[schema(required = true)]
    pub organisation: Option<String>,
    /// The scopes of the token used for this request.
    pub scopes: Vec<ApiScope>,
}

/// A member organisation.
#[derive(Serialize, ToSchema)]
pub struct Organisation {
    pub id: i64,
    pub name: String,
    pub kind: ApiOrgKind,
    /// Whether all its members must use a second factor.
    pub mfa_required: bool,
    /// When it was created, in seconds since the Unix epoch.
    pub created_at: i64,
}

impl From<model::Organisation> for Organisation {
    fn from(org: model::Organisation) -> Self {
        Organisation {
            // Kinds are written from `OrgKind` only; the pages read an
            // unknown one as "Other" too.
            kind: OrgKind::parse(&org.kind).map_or(ApiOrgKind::Other, ApiOrgKind::from),
            id: org.id,
            name: org.name,
            mfa_required: org.mfa_required != 0,
            created_at: org.created_at,
        }
    }
}

/// An organisation to create.
#[derive(Deserialize, ToSchema)]
pub struct NewOrganisation {
    /// Unique; surrounding white space is dropped. At most 200 characters,
    /// no control characters, not only white space.
    // The pattern states what `check_name` checks.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*\
            [^\\u0000-\\u0020\\u007f-\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]\
            [^\\u0000-\\u001f\\u007f-\\u009f]*$",
        example = "Coral Sea Offshore"
    )]
    pub name: String,
    // Read as text so that a wrong kind is answered with the list of right
    // ones rather than with serde's words.
    #[schema(value_type = ApiOrgKind)]
    pub kind: String,
}

/// A member, as the administrators' list shows them.
#[derive(Serialize, ToSchema)]
pub struct UserSummary {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: ApiRole,
    /// The member's organisation; `null` for operator staff.
    #[schema(required = true)]
    pub org_id: Option<i64>,
    pub disabled: bool,
    pub mfa_enabled: bool,
}

#[utoipa::path(
    get,
    path = "/v1/me",
    tag = "members",
    operation_id = "get_me",
    summary = "The member behind the token",
    security(("bearer" = ["read"])),
    responses(
        (status = 200, description = "The member and the token's scopes", body = Me),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 500, response = InternalError),
    )
)]
pub async fn me(State(state): State<AppState>, Reader(api): Reader) -> Result<Json<Me>, Problem> {
    let organisation = match api.user.org_id {
        Some(id) => store::org_by_id(&state.db, id).await?.map(|o| o.name),
        None => None,
    };
    Ok(Json(Me {
        id: api.user.id,
        email: api.user.email,
        display_name: api.user.display_name,
        role: api.user.role.into(),
        organisation,
        scopes: api
            .scopes
            .iter()
            .filter_map(|s| ApiScope::parse(s))
            .collect(),
    }))
}

#[utoipa::path(
    get,
    path = "/v1/organisations",
    tag = "organisations",
    operation_id = "list_organisations",
    summary = "All organisations, by name",
    security(("bearer" = ["admin"])),
    responses(
        (status = 200, description = "Every organisation, ordered by name", body = Vec<Organisation>),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 500, response = InternalError),
    )
)]
pub async fn organisations(
    State(state): State<AppState>,
    _: Administrator,
) -> Result<Json<Vec<Organisation>>, Problem> {
    let orgs = store::list_orgs(&state.db).await?;
    Ok(Json(orgs.into_iter().map(Organisation::from).collect()))
}

#[utoipa::path(
    post,
    path = "/v1/organisations",
    tag = "organisations",
    operation_id = "create_organisation",
    summary = "Create an organisation",
    security(("bearer" = ["admin"])),
    request_body(content = NewOrganisation, content_type = "application/json"),
    responses(
        (status = 201, description = "Created", body = Organisation),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = UnprocessableContent),
        (status = 500, response = InternalError),
    )
)]
pub async fn create_organisation(
    State(state): State<AppState>,
    Administrator(api): Administrator,
    ApiJson(new): ApiJson<NewOrganisation>,
) -> Result<(StatusCode, Json<Organisation>), Problem> {
    check_kind(&new.kind)?;
    check_name(&new.name)?;
    let org = operator::create_org(
        &state.db,
        &state.key,
        new.name.trim(),
        &new.kind,
        Actor::User(api.user.id),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(org.into())))
}

/// Exactly one of the documented kinds (the operator functions would also
/// take one with white space around it; the document does not).
fn check_kind(kind: &str) -> Result<(), Problem> {
    if OrgKind::ALL.iter().any(|k| k.as_str() == kind) {
        return Ok(());
    }
    let kinds: Vec<&str> = OrgKind::ALL.iter().map(|k| k.as_str()).collect();
    Err(Problem::unprocessable(format!(
        "'kind' must be one of {}; '{}' is not",
        kinds.join(", "),
        kind.chars().take(60).collect::<String>().escape_debug()
    )))
}

/// The rules the document states for `name`, with a message per rule.
fn check_name(name: &str) -> Result<(), Problem> {
    crate::accounts::model::check_name(name, "'name'", NAME_MAX).map_err(Problem::unprocessable)
}

#[utoipa::path(
    get,
    path = "/v1/users",
    tag = "members",
    operation_id = "list_users",
    summary = "All members, by email",
    security(("bearer" = ["admin"])),
    responses(
        (status = 200, description = "Every member, ordered by email", body = Vec<UserSummary>),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 500, response = InternalError),
    )
)]
pub async fn users(
    State(state): State<AppState>,
    _: Administrator,
) -> Result<Json<Vec<UserSummary>>, Problem> {
    let rows = store::list_users(&state.db, None).await?;
    let mut users = Vec::with_capacity(rows.len());
    for r in rows {
        let role: Role = r.role.parse().map_err(|_| {
            AppError::internal(anyhow::anyhow!(
                "user {} has unknown role '{}'",
                r.id,
                r.role
            ))
        })?;
        users.push(UserSummary {
            id: r.id,
            mfa_enabled: r.totp_secret.is_some(),
            disabled: r.disabled != 0,
            email: r.email,
            display_name: r.display_name,
            role: role.into(),
            org_id: r.org_id,
        });
    }
    Ok(Json(users))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(check_name("Coral Sea Offshore").is_ok());
        assert!(check_name("  Ålesund Havn  ").is_ok());
        assert!(
            check_name(&"é".repeat(200)).is_ok(),
            "characters, not bytes"
        );
        for bad in [
            "",
            "   ",
            "\u{3000}",
            "a\u{0}b",
            "tab\there",
            "x\n",
            &"a".repeat(201),
            &"é".repeat(201),
        ] {
            assert_eq!(
                check_name(bad).unwrap_err().status(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn kinds() {
        assert!(check_kind("pi-club").is_ok());
        assert!(check_kind(" port").is_err());
        assert!(check_kind("harbour").is_err());
    }
}
