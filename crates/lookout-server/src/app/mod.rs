//! The roof: builds the portal from its features. The router, the
//! middleware stack in order, the table of routes that take files, and
//! start-up. `serve` and the CLI call it; nothing in the crate imports it.

mod serve;
mod tls;
mod waiting;

use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{Method, StatusCode};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;

pub use serve::{run, run_on};

use crate::Config;
use crate::state::AppState;
use crate::web::{AppError, BODY_LIMIT, UploadRoute, error, headers, idle, visitor};

/// Opens the portal's state and brings what features keep beside the
/// database up to date (the search index after an upgrade).
pub async fn open(config: Config) -> anyhow::Result<AppState> {
    let state = AppState::open(config).await?;
    crate::search::index::rebuild_if_stale(&state.db).await?;
    Ok(state)
}

/// Routes that take files, and the largest body each accepts (its files'
/// limit and room for the other fields); `None` for every other route.
/// The analysis pages then refuse a sample over its own limit with a page
/// that names it.
fn upload_route(config: &Config, path: &str) -> Option<UploadRoute> {
    let files = match path {
        "/report" | "/report/follow-up" => config.report_upload_limit(),
        _ if path.starts_with("/reports/mine/") => config.report_upload_limit(),
        "/analysis" => config.analysis_upload_limit(),
        "/analysis-rules" => lookout_analysis::MAX_RULE_FILE,
        _ if crate::forum::takes_files(path) => config.forum_upload_limit(),
        _ => return None,
    };
    Some(UploadRoute {
        limit: files.saturating_add(BODY_LIMIT),
        // Everything but the anonymous report and its follow-up.
        members_only: !matches!(path, "/report" | "/report/follow-up"),
    })
}

/// Tells the layers inside (the visitor's form reading) whether this
/// route takes files.
async fn mark_uploads(
    axum::extract::State(state): axum::extract::State<AppState>,
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if let Some(route) = upload_route(&state.config, request.uri().path()) {
        request.extensions_mut().insert(route);
    }
    next.run(request).await
}

/// Requests whose body may take as long as the link needs: uploads, in the
/// browser and through the API (`lookout report submit`).
fn is_slow_upload(config: &Config, request: &axum::extract::Request) -> bool {
    let path = request.uri().path();
    match *request.method() {
        Method::POST => upload_route(config, path).is_some() || path == "/api/v1/reports",
        // A chunk of a resumable upload (api/uploads.rs).
        Method::PATCH => path.starts_with("/api/v1/uploads/"),
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
        .merge(crate::interop::browser_routes())
        .merge(crate::sightings::routes())
        .route("/", get(crate::home::home))
        .layer(from_fn_with_state(state.clone(), waiting::fill))
        .layer(from_fn_with_state(state.clone(), visitor::visitor_layer))
        .layer(from_fn_with_state(state.clone(), mark_uploads));

    Router::new()
        .merge(browser)
        .nest("/api", crate::api::routes())
        .merge(crate::interop::machine_routes())
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
    if is_slow_upload(&state.config, &request) {
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
    crate::web::static_file(
        include_str!("../../static/lookout.css"),
        "text/css; charset=utf-8",
        "public, max-age=86400",
    )
}
