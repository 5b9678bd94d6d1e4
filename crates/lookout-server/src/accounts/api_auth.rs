//! Bearer-token authentication and scope checks, as extractors, so a
//! request is refused before its body is read.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};

use crate::accounts::model::User;
use crate::accounts::{api_tokens, authz};
use crate::state::AppState;
use crate::web::problem::{Problem, unauthenticated};
use crate::web::{ApiError, AppError};

/// The name of the security scheme in the OpenAPI document.
pub const SCHEME: &str = "bearer";

/// The member behind the bearer token, with the token's scopes.
pub struct ApiUser {
    pub user: User,
    pub scopes: Vec<String>,
}

impl ApiUser {
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }

    pub fn require_scope(&self, scope: &str) -> Result<(), ApiError> {
        if self.has_scope(scope) {
            Ok(())
        } else {
            Err(ApiError(AppError::Forbidden))
        }
    }

    /// 403 with RFC 6750's `insufficient_scope`, naming the scope needed.
    fn demand_scope(&self, scope: &'static str) -> Result<(), Problem> {
        if self.has_scope(scope) {
            return Ok(());
        }
        let challenge =
            format!("Bearer realm=\"lookout\", error=\"insufficient_scope\", scope=\"{scope}\"");
        Err(Problem::new(
            StatusCode::FORBIDDEN,
            format!("This token lacks the '{scope}' scope. Create a token with --scope {scope}."),
        )
        .with_header(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_str(&challenge).expect("scope names are header-safe"),
        ))
    }
}

/// The token in `Authorization: Bearer <token>`; the scheme is
/// case-insensitive (RFC 9110 §11.1). `None` when no bearer credential was
/// sent at all.
fn presented_token(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let Some(token) = presented_token(parts) else {
            return Err(unauthenticated(false));
        };
        match api_tokens::authenticate(&state.db, token).await? {
            Some((user, scopes)) => Ok(ApiUser { user, scopes }),
            None => Err(unauthenticated(true)),
        }
    }
}

/// The member behind the bearer token, if one was sent: for operations
/// anyone may call, where a token adds what the member may do. A token
/// that is sent but wrong is still refused.
pub struct MaybeApiUser(pub Option<ApiUser>);

impl FromRequestParts<AppState> for MaybeApiUser {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        if presented_token(parts).is_none() && parts.headers.get(header::AUTHORIZATION).is_none() {
            return Ok(MaybeApiUser(None));
        }
        Ok(MaybeApiUser(Some(
            ApiUser::from_request_parts(parts, state).await?,
        )))
    }
}

/// A token with the `read` scope.
pub struct Reader(pub ApiUser);

impl FromRequestParts<AppState> for Reader {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let api = ApiUser::from_request_parts(parts, state).await?;
        api.demand_scope("read")?;
        Ok(Reader(api))
    }
}

/// A token with the `admin` scope whose owner is still an administrator.
pub struct Administrator(pub ApiUser);

impl FromRequestParts<AppState> for Administrator {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let api = ApiUser::from_request_parts(parts, state).await?;
        api.demand_scope("admin")?;
        authz::require(&api.user, authz::Capability::Administer)?;
        Ok(Administrator(api))
    }
}
