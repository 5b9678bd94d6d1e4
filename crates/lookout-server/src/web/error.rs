//! The one place where errors become HTTP responses.
//!
//! Handlers return [`AppError`]; HTML routes render it as a page, `/api/`
//! routes as RFC 9457 problem details. The [`error_bodies`] middleware gives
//! the same treatment to errors produced outside handlers (unknown routes,
//! rejected extractors, oversize bodies, timeouts), so no client ever sees a
//! bare text error.

use axum::body::Body;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

const INTERNAL_MESSAGE: &str =
    "Something went wrong on our side and nothing was saved. Please try again in a moment.";

const STALLED_MESSAGE: &str = "The upload stopped arriving, so nothing was saved. When the link \
     is back, send it again (`lookout report submit` resumes an interrupted upload by itself).";

const TOO_LARGE_MESSAGE: &str =
    "The request is larger than this portal accepts. Send less data or a smaller file.";

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(String),
    #[error("sign in to continue")]
    Unauthenticated,
    #[error("you are not allowed to do that")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    #[error("too many attempts; try again in {0} seconds")]
    TooManyRequests(i64),
    #[error("{TOO_LARGE_MESSAGE}")]
    PayloadTooLarge,
    /// The client stopped sending the request body for the idle time.
    #[error("{STALLED_MESSAGE}")]
    Stalled,
    /// A bounded resource is full (e.g. live statistics streams).
    #[error("the portal is busy; try again in a minute")]
    Unavailable,
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl AppError {
    pub fn internal(err: impl Into<anyhow::Error>) -> Self {
        AppError::Internal(err.into())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Stalled => StatusCode::REQUEST_TIMEOUT,
            AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message shown to the user; internal details stay in the log.
    pub fn public_message(&self) -> String {
        match self {
            AppError::Internal(_) => INTERNAL_MESSAGE.into(),
            other => other.to_string(),
        }
    }

    fn log(&self) {
        if let AppError::Internal(err) = self {
            crate::ops::log_error(&format!("{err:#}"));
        }
    }

    /// As RFC 9457 problem details.
    pub fn into_problem(self) -> Response {
        self.log();
        problem_response(self.status(), &self.public_message(), self.retry_after())
    }

    fn retry_after(&self) -> Option<i64> {
        match self {
            AppError::TooManyRequests(secs) => Some(*secs),
            AppError::Unavailable => Some(60),
            _ => None,
        }
    }
}

impl From<crate::db::DbError> for AppError {
    fn from(err: crate::db::DbError) -> Self {
        AppError::internal(err)
    }
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        AppError::internal(err)
    }
}

impl From<crate::secrets::SecretError> for AppError {
    fn from(err: crate::secrets::SecretError) -> Self {
        AppError::internal(err)
    }
}

/// A file-upload form that could not be read: too large (413, the route's
/// limit), or cut off or malformed on the way.
impl From<axum::extract::multipart::MultipartError> for AppError {
    fn from(err: axum::extract::multipart::MultipartError) -> Self {
        if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::PayloadTooLarge
        } else {
            AppError::BadRequest("The form could not be read: send it again.".into())
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(err: askama::Error) -> Self {
        AppError::internal(err)
    }
}

/// HTML rendering; API handlers wrap their errors in [`ApiError`].
impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Unauthenticated = self {
            return axum::response::Redirect::to("/login").into_response();
        }
        self.log();
        html_error_response(self.status(), &self.public_message(), self.retry_after())
    }
}

/// An [`AppError`] answered as problem details.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(err: E) -> Self {
        ApiError(err.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.into_problem()
    }
}

pub fn problem_response(status: StatusCode, detail: &str, retry_after: Option<i64>) -> Response {
    let body = serde_json::json!({
        "type": "about:blank",
        "title": status.canonical_reason().unwrap_or("Error"),
        "status": status.as_u16(),
        "detail": detail,
    });
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    add_retry_after(&mut response, retry_after);
    response
}

fn html_error_response(status: StatusCode, message: &str, retry_after: Option<i64>) -> Response {
    let page = crate::web::templates::ErrorPage {
        title: status.canonical_reason().unwrap_or("Error").to_string(),
        message: message.to_string(),
        status: status.as_u16(),
    };
    let mut response = match askama::Template::render(&page) {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, message.to_string()).into_response(),
    };
    add_retry_after(&mut response, retry_after);
    response
}

fn add_retry_after(response: &mut Response, retry_after: Option<i64>) {
    if let Some(secs) = retry_after
        && let Ok(value) = HeaderValue::from_str(&secs.max(1).to_string())
    {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
}

/// What a person should do about a request the framework could not read,
/// in place of the parser's words (`Cannot parse "x" to a i64`).
fn rejection_in_words(text: &str) -> &'static str {
    if text.starts_with("Invalid URL") || text.contains("path argument") {
        "This address is not one the portal knows: a part of it that should be a number or a \
         reference is not. Check the link, or find the page from the menu."
    } else if text.contains("form body") || text.contains("Form requests") {
        "Part of the form could not be read: a value was not in the form expected (a number \
         where a number belongs, a choice from the list). Go back, check what you entered and \
         send it again; your browser keeps what you typed."
    } else if text.contains("query string") {
        "The address's settings (after the ?) could not be read. Check the link, or start \
         again from the menu."
    } else {
        "The request could not be understood. Go back and try again; if it happens again, \
         tell the portal's operators what you were doing."
    }
}

/// A TAXII 2.1 error body in TAXII's media type (`/taxii2/`).
pub fn taxii_error(status: StatusCode, title: &str, description: &str) -> Response {
    let body = lookout_intel::taxii::Error {
        title: title.to_owned(),
        description: Some(description.to_owned()),
        error_id: None,
        error_code: None,
        http_status: Some(status.as_u16().to_string()),
        external_details: None,
        details: Default::default(),
    };
    let mut response = (status, serde_json::to_string(&body).unwrap_or_default()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(lookout_intel::taxii::MEDIA_TYPE_TAXII),
    );
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"lookout\", Bearer realm=\"lookout\""),
        );
    }
    response
}

/// Rewrites error responses that carry no body of ours (plain-text
/// rejections from axum and tower-http, empty 404/405/408/413) into a page or
/// problem details, keeping the status.
pub async fn error_bodies(request: Request<Body>, next: Next) -> Response {
    let path = request.uri().path();
    let is_api = path.starts_with("/api/") || path.starts_with("/misp/");
    let is_taxii = path.starts_with("/taxii2/");
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let ours = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            ct.starts_with("text/html")
                || ct.starts_with("application/problem+json")
                || ct.starts_with("application/taxii+json")
        });
    if ours {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
    let detail = match status {
        StatusCode::NOT_FOUND => "There is nothing at this address.".to_string(),
        StatusCode::METHOD_NOT_ALLOWED => "This address does not accept that method.".to_string(),
        StatusCode::PAYLOAD_TOO_LARGE => TOO_LARGE_MESSAGE.to_string(),
        StatusCode::REQUEST_TIMEOUT => "The request took too long. Please try again.".to_string(),
        s if s.is_server_error() => INTERNAL_MESSAGE.to_string(),
        _ => {
            let text = String::from_utf8_lossy(&text);
            if is_api && !text.trim().is_empty() {
                // Programs are helped by the parser's words; people are not.
                text.chars().take(300).collect()
            } else {
                rejection_in_words(&text).to_string()
            }
        }
    };
    if is_taxii {
        // TAXII clients are told in TAXII's media type, errors included.
        let title = status.canonical_reason().unwrap_or("Error");
        return taxii_error(status, title, &detail);
    }
    let mut rewritten = if is_api {
        problem_response(status, &detail, None)
    } else {
        html_error_response(status, &detail, None)
    };
    for (name, value) in parts.headers.iter() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            rewritten.headers_mut().insert(name, value.clone());
        }
    }
    rewritten
}
