//! Malware analysis in the portal: members upload a suspicious file, the
//! workers analyse it with `lookout-analysis` off the request path, and the
//! result is shown with what the portal has seen before. Samples are kept
//! sealed and leave only as an "infected" zip, to analysts.

pub mod pages;
pub mod rules;
pub mod seen;
pub mod store;
pub mod worker;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/analysis",
            get(pages::index)
                // The whole request is bounded by `Config::upload_limit`;
                // the handler applies `analysis_max_upload_mb`.
                .post(pages::upload)
                .layer(DefaultBodyLimit::disable()),
        )
        .route("/analysis/{reference}", get(pages::detail))
        .route("/analysis/{reference}/json", get(pages::json))
        .route("/analysis/{reference}/sample.zip", get(pages::sample_zip))
        .route(
            "/analysis-rules",
            get(rules::page)
                .post(rules::upload)
                .layer(DefaultBodyLimit::disable()),
        )
        .route("/analysis-rules/{id}/delete", post(rules::delete))
}
