//! Statistics over published, released incidents: roll-ups kept up to
//! date with every change (`rollup`), read per sharing level, period and
//! filter (`query`), published without small cells (`view`), and shown as
//! pages, downloads and a live stream (`pages`, `live`).

pub mod live;
pub mod map;
pub mod pages;
pub mod query;
pub mod rollup;
pub mod view;

use axum::Router;
use axum::routing::get;

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/stats", get(pages::members))
        .route("/stats/live", get(live::members))
        .route("/stats/map", get(map::page))
        .route("/stats/{file}", get(pages::members_download))
        .route("/stats/public", get(pages::public))
        .route("/stats/public/live", get(live::public))
        .route("/stats/public/{file}", get(pages::public_download))
        .route("/static/stats.js", get(script))
        .route(map::LAND_PATH, get(map::land))
}

async fn script() -> axum::response::Response {
    crate::web::static_file(
        include_str!("../../static/stats.js"),
        "text/javascript; charset=utf-8",
        "public, max-age=86400",
    )
}
