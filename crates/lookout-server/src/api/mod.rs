//! The JSON API under `/api/v1/`: bearer tokens only (never cookies, so no
//! CSRF exposure), errors as RFC 9457 problem details.

use axum::extract::{FromRequestParts, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use crate::accounts::model::User;
use crate::accounts::{api_tokens, authz, store};
use crate::state::AppState;
use crate::web::{ApiError, AppError};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/me", get(me))
        .route("/v1/organisations", get(organisations))
        .route("/v1/users", get(users))
}

/// The member behind the bearer token, with the token's scopes.
pub struct ApiUser {
    pub user: User,
    pub scopes: Vec<String>,
}

impl ApiUser {
    pub fn require_scope(&self, scope: &str) -> Result<(), ApiError> {
        if self.scopes.iter().any(|s| s == scope) {
            Ok(())
        } else {
            Err(ApiError(AppError::Forbidden))
        }
    }
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let presented = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        let Some(presented) = presented else {
            return Err(ApiError(AppError::Unauthenticated));
        };
        match api_tokens::authenticate(&state.db, presented).await? {
            Some((user, scopes)) => Ok(ApiUser { user, scopes }),
            None => Err(ApiError(AppError::Unauthenticated)),
        }
    }
}

#[derive(Serialize)]
struct Me {
    id: i64,
    email: String,
    display_name: String,
    role: String,
    organisation: Option<String>,
    scopes: Vec<String>,
}

async fn me(State(state): State<AppState>, api: ApiUser) -> Result<Response, ApiError> {
    api.require_scope("read")?;
    let organisation = match api.user.org_id {
        Some(id) => store::org_by_id(&state.db, id).await?.map(|o| o.name),
        None => None,
    };
    Ok(Json(Me {
        id: api.user.id,
        email: api.user.email,
        display_name: api.user.display_name,
        role: api.user.role.as_str().to_string(),
        organisation,
        scopes: api.scopes,
    })
    .into_response())
}

async fn organisations(State(state): State<AppState>, api: ApiUser) -> Result<Response, ApiError> {
    api.require_scope("admin")?;
    authz::require(&api.user, authz::Capability::Administer)?;
    Ok(Json(store::list_orgs(&state.db).await?).into_response())
}

#[derive(Serialize)]
struct UserSummary {
    id: i64,
    email: String,
    display_name: String,
    role: String,
    org_id: Option<i64>,
    disabled: bool,
    mfa_enabled: bool,
}

async fn users(State(state): State<AppState>, api: ApiUser) -> Result<Response, ApiError> {
    api.require_scope("admin")?;
    authz::require(&api.user, authz::Capability::Administer)?;
    let rows = store::list_users(&state.db, None).await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| UserSummary {
                id: r.id,
                mfa_enabled: r.totp_secret.is_some(),
                disabled: r.disabled != 0,
                email: r.email,
                display_name: r.display_name,
                role: r.role,
                org_id: r.org_id,
            })
            .collect::<Vec<_>>(),
    )
    .into_response())
}
