//! How the API fails: RFC 9457 problem details, as answered and as
//! documented.
//!
//! Handlers return [`Problem`], which any [`AppError`] (and so any store or
//! database error) converts into, and which can also carry the statuses
//! `AppError` has no variant for (415, 422) and extra headers such as
//! `WWW-Authenticate`.

use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::{ToResponse, ToSchema};

use crate::web::error::problem_response;
use crate::web::{ApiError, AppError};

/// An API failure, ready to be answered as problem details.
#[derive(Debug)]
pub struct Problem {
    kind: Kind,
    headers: Vec<(HeaderName, HeaderValue)>,
}

#[derive(Debug)]
enum Kind {
    /// Anything [`AppError`] can say, answered its way (internal errors are
    /// logged and never shown).
    App(AppError),
    /// A status `AppError` lacks, with words for the client.
    Status(StatusCode, String),
}

impl Problem {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Problem {
            kind: Kind::Status(status, detail.into()),
            headers: Vec::new(),
        }
    }

    /// 400: the body could not be read as JSON.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        AppError::BadRequest(detail.into()).into()
    }

    /// 415: the body is not declared as JSON.
    pub fn unsupported_media_type(detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, detail)
    }

    /// 422: well-formed JSON whose content cannot be accepted; `detail`
    /// says what to change.
    pub fn unprocessable(detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::UNPROCESSABLE_ENTITY, detail)
    }

    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    pub fn status(&self) -> StatusCode {
        match &self.kind {
            Kind::App(err) => err.status(),
            Kind::Status(status, _) => *status,
        }
    }
}

impl<E: Into<AppError>> From<E> for Problem {
    fn from(err: E) -> Self {
        Problem {
            kind: Kind::App(err.into()),
            headers: Vec::new(),
        }
    }
}

impl From<ApiError> for Problem {
    fn from(err: ApiError) -> Self {
        Problem::from(err.0)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let mut response = match self.kind {
            Kind::App(err) => err.into_problem(),
            Kind::Status(status, detail) => problem_response(status, &detail, None),
        };
        for (name, value) in self.headers {
            response.headers_mut().insert(name, value);
        }
        response
    }
}

/// An error, as RFC 9457 problem details (`application/problem+json`).
#[derive(Serialize, ToSchema)]
#[schema(
    as = Problem,
    example = json!({
        "type": "about:blank",
        "title": "Conflict",
        "status": 409,
        "detail": "an organisation with this name already exists"
    })
)]
pub struct ProblemDetails {
    /// Identifies the problem type; `about:blank` means the status says it
    /// all.
    #[serde(rename = "type")]
    #[schema(example = "about:blank")]
    pub problem_type: String,
    /// The status's reason phrase.
    #[schema(example = "Conflict")]
    pub title: String,
    /// The HTTP status code, repeated.
    #[schema(minimum = 400, maximum = 599, example = 409)]
    pub status: u16,
    /// What went wrong, in words meant for a person, and what to change.
    pub detail: String,
}

/// The token is missing, malformed, unknown or revoked, or its owner is
/// disabled.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    headers(("WWW-Authenticate" = String, description = "`Bearer realm=\"lookout\"`, with `error=\"invalid_token\"` when a token was presented"))
)]
pub struct Unauthorized(#[allow(dead_code)] ProblemDetails);

/// The token lacks the scope this operation needs, or its owner the role.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    headers(("WWW-Authenticate" = String, description = "When a scope is missing: `Bearer realm=\"lookout\", error=\"insufficient_scope\", scope=\"…\"`"))
)]
pub struct Forbidden(#[allow(dead_code)] ProblemDetails);

/// The body is not valid JSON.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct BadRequest(#[allow(dead_code)] ProblemDetails);

/// There is nothing at this address that the token owner may see.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct NotFound(#[allow(dead_code)] ProblemDetails);

/// The resource already exists.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct Conflict(#[allow(dead_code)] ProblemDetails);

/// The body is larger than the portal accepts (1 MiB).
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct PayloadTooLarge(#[allow(dead_code)] ProblemDetails);

/// The body is not declared as `application/json`.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct UnsupportedMediaType(#[allow(dead_code)] ProblemDetails);

/// The JSON is well formed but its content cannot be accepted: a field is
/// missing, of the wrong type or out of range; `detail` says which.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct UnprocessableContent(#[allow(dead_code)] ProblemDetails);

/// A limit is reached (a monthly allowance); `detail` says when it resets.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    headers(("Retry-After" = String, description = "Seconds until the limit resets"))
)]
pub struct TooManyRequests(#[allow(dead_code)] ProblemDetails);

/// Something failed on the server; nothing was changed.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct InternalError(#[allow(dead_code)] ProblemDetails);

/// `WWW-Authenticate` for a 401 (RFC 6750 §3): no error code when no token
/// was presented, `invalid_token` when one was.
pub fn www_authenticate(presented: bool) -> HeaderValue {
    HeaderValue::from_static(if presented {
        "Bearer realm=\"lookout\", error=\"invalid_token\""
    } else {
        "Bearer realm=\"lookout\""
    })
}

pub fn unauthenticated(presented: bool) -> Problem {
    let detail = if presented {
        "The API token is not valid: it is unknown, revoked or malformed, or its owner is disabled. \
         Create a new one with `lookout admin create-api-token`."
    } else {
        "Send an API token in the header `Authorization: Bearer lkt_…`."
    };
    Problem::new(StatusCode::UNAUTHORIZED, detail)
        .with_header(header::WWW_AUTHENTICATE, www_authenticate(presented))
}
