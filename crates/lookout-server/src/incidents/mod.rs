//! Sanitised incidents: what members and statistics see of a report. An
//! analyst writes one from a triaged report (`editor`), and it reaches
//! members (`browse`) only within their clearance (`clearance`) and, for
//! reports not made under a name, after a random batched delay
//! (`schedule`).

mod browse;
mod editor;
pub mod precision;
pub mod publish;
pub mod release;
pub mod schedule;
pub mod store;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/incidents", get(browse::list))
        .route("/incidents/{reference}", get(browse::detail))
        .route(
            "/incidents/{reference}/attachments/{position}",
            get(browse::attachment),
        )
        .route(
            "/triage/{id}/incident",
            get(editor::edit).post(editor::save),
        )
        .route("/triage/{id}/incident/withdraw", post(editor::withdraw))
}
