//! Advisories: analysts' warnings to members, written in Markdown (rendered
//! by `lookout-markdown`: no raw HTML, no images, no script), approved by a
//! second analyst at or above `Config::advisory_approval_severity`, and
//! announced on every alert channel when published, updated or withdrawn.

pub mod model;
mod pages;
pub mod store;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/advisories", get(pages::list))
        .route("/advisories/drafts", get(pages::drafts))
        .route("/advisories/new", get(pages::new_form).post(pages::create))
        .route("/advisories/{reference}", get(pages::detail))
        .route(
            "/advisories/{reference}/edit",
            get(pages::edit).post(pages::save),
        )
        .route("/advisories/{reference}/withdraw", post(pages::withdraw))
        .route("/advisories/{reference}/dismiss", post(pages::dismiss))
}
