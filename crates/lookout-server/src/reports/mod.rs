//! Incident reports: the reporter's form, receipts and follow-up, and the
//! analysts' triage. See `store.rs` for what is sealed at rest.

pub mod accept;
pub mod attachments;
pub mod directory;
mod followup;
pub mod held;
pub mod identity;
pub mod model;
pub mod preview;
pub mod receipt;
pub mod store;
pub(crate) mod submit;
mod triage;
pub mod uploads;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/report",
            get(submit::form)
                // The whole request is bounded by `Config::upload_limit`.
                .post(submit::submit)
                .layer(DefaultBodyLimit::disable()),
        )
        .route(
            "/report/follow-up",
            get(followup::form)
                .post(followup::follow_up)
                .layer(DefaultBodyLimit::disable()),
        )
        .route("/report/receipt.txt", post(submit::receipt_file))
        .route("/reports/mine", get(followup::mine))
        .route(
            "/reports/mine/{id}",
            get(followup::mine_detail)
                .post(followup::mine_reply)
                .layer(DefaultBodyLimit::disable()),
        )
        .route("/triage", get(triage::inbox))
        .route("/triage/{id}", get(triage::detail))
        .route("/triage/{id}/status", post(triage::set_status))
        .route("/triage/{id}/message", post(triage::message))
        .route("/triage/{id}/merge", post(triage::merge))
        .route("/triage/{id}/identity", post(triage::open_identity))
        .route(
            "/triage/{id}/attachments/{position}/cleaned",
            get(triage::cleaned),
        )
        .route(
            "/triage/{id}/attachments/{position}/original",
            get(triage::original_warning).post(triage::original),
        )
}
