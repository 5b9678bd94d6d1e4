//! The HTTP shell: routing, middleware order, static files.

pub mod error;
pub mod headers;
pub mod idle;
pub mod templates;
pub mod visitor;

use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;

pub use error::{ApiError, AppError};
pub use visitor::{ClientAddr, CookieChange, Visitor};

use crate::state::AppState;

/// Largest request body the portal accepts outside upload routes.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// Routes that take files, and the largest body each accepts (its files'
/// limit and room for the other fields); `None` for every other route.
/// The analysis pages then refuse a sample over its own limit with a page
/// that names it.
pub fn upload_limit(config: &crate::Config, path: &str) -> Option<usize> {
    let files = match path {
        "/report" | "/report/follow-up" => config.report_upload_limit(),
        _ if path.starts_with("/reports/mine/") => config.report_upload_limit(),
        "/analysis" => config.analysis_upload_limit(),
        "/analysis-rules" => lookout_analysis::MAX_RULE_FILE,
        _ if crate::forum::takes_files(path) => config.forum_upload_limit(),
        _ => return None,
    };
    Some(files.saturating_add(BODY_LIMIT))
}

pub fn is_upload_path(path: &str) -> bool {
    upload_limit(&crate::Config::default(), path).is_some()
}

/// Upload routes only signed-in members may use (everything but the
/// anonymous report and its follow-up).
pub fn members_only_upload(path: &str) -> bool {
    is_upload_path(path) && !matches!(path, "/report" | "/report/follow-up")
}

/// Requests whose body may take as long as the link needs: uploads, in the
/// browser and through the API (`lookout report submit`).
fn is_slow_upload(request: &axum::extract::Request) -> bool {
    let path = request.uri().path();
    match *request.method() {
        axum::http::Method::POST => is_upload_path(path) || path == "/api/v1/reports",
        // A chunk of a resumable upload (api/uploads.rs).
        axum::http::Method::PATCH => path.starts_with("/api/v1/uploads/"),
        _ => false,
    }
}

pub fn router(state: AppState) -> Router {
    let browser = crate::accounts::routes()
        .merge(crate::audit::routes::routes())
        .merge(crate::reports::routes())
        .merge(crate::incidents::routes())
        .merge(crate::tokens::routes())
        .merge(crate::stats::routes())
        .merge(crate::advisories::routes())
        .merge(crate::alerts::routes())
        .merge(crate::watchlist::routes())
        .merge(crate::detection::routes())
        .merge(crate::analysis::routes())
        .merge(crate::forum::routes())
        .merge(crate::kb::routes())
        .merge(crate::search::routes())
        .merge(crate::news::routes())
        .route("/", get(crate::home::home))
        .layer(from_fn_with_state(state.clone(), visitor::visitor_layer));

    Router::new()
        .merge(browser)
        .nest("/api", crate::api::routes())
        .route("/healthz", get(crate::ops::healthz))
        .route("/metrics", get(crate::ops::metrics))
        .route("/static/lookout.css", get(stylesheet))
        .merge(crate::tokens::public_routes())
        .fallback(not_found)
        // Inner to outer: each layer below wraps the ones above, so the
        // error rewriting and the security headers see every response,
        // including the limit layers' 413 and the timeout's 408.
        .layer(from_fn_with_state(state.clone(), crate::ops::observe))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(RequestBodyLimitLayer::new(state.config.upload_limit()))
        .layer(from_fn_with_state(state.clone(), deadline))
        .layer(CatchPanicLayer::custom(|_| {
            AppError::internal(anyhow::anyhow!("handler panicked")).into_response()
        }))
        .layer(from_fn(error::error_bodies))
        .layer(CompressionLayer::new())
        .layer(from_fn_with_state(state.clone(), headers::security_headers))
        .with_state(state)
}

/// How long a request may take: 30 s, except uploads. A member behind a
/// satellite link may need hours to send a 64 MiB sample, and a ship's
/// 300 KB log at 8 KB/s takes longer than any short deadline; so an upload
/// has no total deadline, only an idle one: its body must keep arriving
/// (`upload_idle_secs` without a byte ends it with 408). Its size is
/// bounded by `upload_limit`.
const REQUEST_DEADLINE: Duration = Duration::from_secs(30);

async fn deadline(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if is_slow_upload(&request) {
        let idle = Duration::from_secs(state.config.upload_idle_secs);
        let (parts, body) = request.into_parts();
        let body = axum::body::Body::new(idle::IdleTimeout::new(body, idle));
        return next
            .run(axum::extract::Request::from_parts(parts, body))
            .await;
    }
    match tokio::time::timeout(REQUEST_DEADLINE, next.run(request)).await {
        Ok(response) => response,
        // No body: `error::error_bodies` writes the page or problem.
        Err(_) => StatusCode::REQUEST_TIMEOUT.into_response(),
    }
}

async fn not_found() -> StatusCode {
    StatusCode::NOT_FOUND
}

async fn stylesheet() -> Response {
    static_file(
        include_str!("../../static/lookout.css"),
        "text/css; charset=utf-8",
        "public, max-age=86400",
    )
}

/// A download: always an attachment (never rendered in the portal's
/// origin), of `content_type`, saved as `file_name`.
pub fn attachment(
    body: impl Into<axum::body::Body>,
    content_type: &'static str,
    file_name: &str,
) -> Response {
    let mut response = Response::new(body.into());
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CONTENT_DISPOSITION, disposition(file_name));
    response
}

/// `attachment` with the name: plain ASCII as it is, anything else encoded
/// as RFC 6266 says (`filename*=UTF-8''…`). Never without `attachment`,
/// which keeps browsers from rendering the file inside the portal's origin.
fn disposition(file_name: &str) -> HeaderValue {
    let plain = file_name
        .bytes()
        .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\');
    let value = if plain {
        format!("attachment; filename=\"{file_name}\"")
    } else {
        format!(
            "attachment; filename*=UTF-8''{}",
            percent_encoding::utf8_percent_encode(file_name, percent_encoding::NON_ALPHANUMERIC)
        )
    };
    HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("attachment"))
}

/// A file built into the binary, with its type and how long browsers and
/// proxies may keep it.
pub fn static_file(
    body: &'static str,
    content_type: &'static str,
    cache_control: &'static str,
) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    response
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_download_stays_an_attachment_whatever_its_name() {
        for name in ["chart.pdf", "Ærøskøbing havn.jpg", "a\nb"] {
            let response = super::attachment(Vec::new(), "application/pdf", name);
            let disposition = response.headers()[axum::http::header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .to_string();
            assert!(
                disposition.starts_with("attachment"),
                "{name}: {disposition}"
            );
        }
    }
}
