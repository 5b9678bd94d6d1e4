//! Watchlists: an organisation's own assets (IMO numbers, MMSIs, IP ranges,
//! domains, email domains). When a published incident or advisory mentions
//! one, that organisation alone is alerted (`alerts::fanout`). Entries are
//! sealed at rest (`store`) and shown only to their organisation's members.

mod pages;
pub mod store;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/watchlist", get(pages::show).post(pages::add))
        .route("/watchlist/{id}/delete", post(pages::remove))
}
