//! Incident reports: the reporter's form, receipts and follow-up, and the
//! analysts' triage. See `store.rs` for what is sealed at rest.

pub mod catalogue;
mod followup;
pub mod model;
pub mod receipt;
pub mod store;
mod submit;
mod triage;

pub(crate) use lookout_geo as sea_areas;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/report", get(submit::form).post(submit::submit))
        .route(
            "/report/follow-up",
            get(followup::form).post(followup::follow_up),
        )
        .route("/reports/mine", get(followup::mine))
        .route(
            "/reports/mine/{id}",
            get(followup::mine_detail).post(followup::mine_reply),
        )
        .route("/triage", get(triage::inbox))
        .route("/triage/{id}", get(triage::detail))
        .route("/triage/{id}/status", post(triage::set_status))
        .route("/triage/{id}/message", post(triage::message))
}

/// Marks a response whose access-log line must not be written: its
/// timestamp would record when an anonymous reporter was online.
#[derive(Clone, Copy, Debug)]
pub struct Unlogged;
