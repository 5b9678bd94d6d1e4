//! Curated news intake (`docs/knowledge-base.md`): editors register RSS and
//! Atom feeds; each process's worker fetches those due (a lease in the
//! database stops two processes fetching one feed) through the SSRF-safe
//! outbound client, parses them with `lookout-feeds`, and queues new items;
//! editors annotate and publish an item as a knowledge-base news article,
//! or dismiss it.

pub mod fetch;
mod pages;
pub mod store;

use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};

use crate::db::now;
use crate::runtime::Wake;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/kb/news", get(pages::intake))
        .route("/kb/news/feeds", post(pages::add_feed))
        .route("/kb/news/feeds/{id}", post(pages::feed_action))
        .route("/kb/news/items/{id}", post(pages::decide))
}

/// Work for this process's feed worker: a feed added, a fetch asked for.
pub enum FeedWork {}

/// Wakes this process's feed worker.
pub fn wake(state: &AppState) {
    state.handles.get::<Wake<FeedWork>>().wake_one();
}

/// How long a claimed fetch may take before another process may take the
/// feed over (a fetch's deadline is 20 s a hop).
const LEASE_SECS: i64 = 300;
/// Feeds one pass fetches, one after the other.
const PER_PASS: i64 = 8;

/// Fetches due feeds until the server stops: a pass now, then whenever
/// woken or a minute has passed.
pub async fn run(state: AppState) {
    let wake = state.handles.get::<Wake<FeedWork>>();
    let stopping = state.stopping.wait();
    tokio::pin!(stopping);
    loop {
        if let Err(err) = pass(&state).await {
            tracing::warn!(error = %err, "news intake pass failed");
        }
        tokio::select! {
            _ = &mut stopping => return,
            _ = wake.woken() => {}
            _ = tokio::time::sleep(Duration::from_secs(60)) => {}
        }
    }
}

/// Seconds between two fetches of a feed.
fn interval(config: &crate::Config) -> i64 {
    i64::try_from(config.news_fetch_minutes.max(5))
        .unwrap_or(60)
        .saturating_mul(60)
}

/// One pass: fetch and record every due feed this process claims.
pub async fn pass(state: &AppState) -> Result<usize, crate::db::DbError> {
    let interval = interval(&state.config);
    let policy = fetch::policy(&state.outbound, &state.config);
    let claimed = store::claim_due(&state.db, PER_PASS, LEASE_SECS).await?;
    let count = claimed.len();
    for (feed_id, url) in claimed {
        match fetch::fetch(&url, &policy).await {
            Ok(feed) => {
                let mut tx = state.db.begin_write().await?;
                store::record_success(&mut tx, feed_id, &feed, now() + interval).await?;
                tx.commit().await?;
            }
            Err(reason) => store::record_failure(&state.db, feed_id, &reason, interval).await?,
        }
    }
    Ok(count)
}
