//! Rapid alerts: what members are told, and every way it reaches them.
//!
//! A change worth telling (an advisory published, updated or withdrawn,
//! an incident released) writes an alert in its own transaction
//! (`events`). The worker (`outbox::run`, one per process) fans each alert
//! out once (`fanout`): a notification for every member who asked for it
//! (`subscriptions`) or whose organisation's watchlist it matches, and may
//! read its sharing level; and their emails and webhooks queued in the
//! durable outbox, which it then sends with retries (`email`,
//! `webhooks`). Notifications are what the alerts page, the Atom feed
//! (`feed`) and the live stream (`live`) read.

pub mod admin;
pub mod current;
pub mod email;
pub mod events;
pub mod fanout;
pub mod feed;
pub mod live;
pub mod notifications;
pub mod outbox;
pub mod pages;
pub mod subscriptions;
pub mod webhooks;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

/// Work for this process's alert worker (`outbox::run`): a request
/// recorded an alert.
pub enum AlertWork {}

/// Wakes this process's alert worker; other processes' workers hear of it
/// from PostgreSQL or their next poll.
pub fn wake_worker(state: &AppState) {
    state
        .handles
        .get::<crate::runtime::Wake<AlertWork>>()
        .wake_one();
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/alerts", get(pages::show))
        .route("/alerts/settings", post(pages::save_settings))
        .route("/alerts/read", post(pages::mark_read))
        .route("/alerts/webhooks", post(pages::add_webhook))
        .route("/alerts/webhooks/{id}/delete", post(pages::remove_webhook))
        .route("/alerts/feed", post(pages::create_feed))
        .route("/alerts/feed/revoke", post(pages::revoke_feed))
        .route("/alerts/feed/{token}", get(pages::feed))
        .route("/alerts/live", get(pages::stream))
        .route("/admin/deliveries", get(admin::deliveries))
        .route("/admin/deliveries/{id}/retry", post(admin::retry))
        .route("/static/alerts.js", get(script))
}

async fn script() -> axum::response::Response {
    crate::web::static_file(
        include_str!("../../static/alerts.js"),
        "text/javascript; charset=utf-8",
        "public, max-age=86400",
    )
}
