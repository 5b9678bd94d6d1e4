//! Live statistics: open statistics pages hear when their figures change
//! (server-sent events) and fetch them again. The change is read from the
//! database (`stat_version`, bumped with every release of a batch of
//! figures), so a release through any process reaches pages served by
//! every other; each process polls it once for all its listeners.
//!
//! A listener is told only when the figures its own page publishes change
//! (after small-cell suppression, at its sharing level), and the event
//! carries nothing else: not the version, which counts every change behind
//! every level's figures and would let a stranger on the public stream
//! watch hidden activity.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use tokio::sync::{OnceCell, OwnedSemaphorePermit, Semaphore, watch};

use super::pages::{StatsQuery, reader_rank};
use super::rollup::{release_due, version};
use super::view::{Focus, Request, figures};
use crate::db::{Db, now};
use crate::incidents::release::catch_up;
use crate::state::AppState;
use crate::web::{AppError, Visitor};

/// How often each process looks for new figures.
const POLL: Duration = Duration::from_secs(2);

/// Open live streams one process serves; more get a 503 and their pages
/// keep working without live updates.
pub const MAX_LISTENERS: usize = 10_000;

/// What one listener watches: year, focus and sharing level.
type View = (i32, Focus, i64);

/// One process's view of the statistics version, shared by its listeners.
#[derive(Clone)]
pub struct Hub {
    version: Arc<OnceCell<watch::Receiver<i64>>>,
    /// Each view's signature at a version, so that however many listeners
    /// watch a view, a change costs one computation of it.
    signatures: Arc<tokio::sync::Mutex<HashMap<View, (i64, String)>>>,
    listeners: Arc<Semaphore>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            version: Arc::default(),
            signatures: Arc::default(),
            listeners: Arc::new(Semaphore::new(MAX_LISTENERS)),
        }
    }
}

impl Hub {
    /// The version, watched by a task started on first use. The task also
    /// counts incidents whose delayed release has come and releases the
    /// figures once a batch of `k` is complete, so pages update even if no
    /// one reads a page.
    pub async fn subscribe(&self, db: &Db, k: u64) -> watch::Receiver<i64> {
        self.version
            .get_or_init(|| async {
                let (sender, receiver) = watch::channel(version(db).await.unwrap_or(0));
                let db = db.clone();
                tokio::spawn(async move {
                    loop {
                        tokio::time::sleep(POLL).await;
                        // Errors are transient (a busy database); the next
                        // round tries again.
                        let _ = catch_up(&db, now()).await;
                        let _ = release_due(&db, k).await;
                        if let Ok(current) = version(&db).await {
                            sender.send_if_modified(|v| {
                                let changed = *v != current;
                                *v = current;
                                changed
                            });
                        }
                    }
                });
                receiver
            })
            .await
            .clone()
    }

    /// The signature of `view` at `version`, computed once per version.
    async fn signature(
        &self,
        db: &Db,
        version: i64,
        view: &View,
        k: u64,
    ) -> Result<String, AppError> {
        let mut cache = self.signatures.lock().await;
        if let Some((at, signature)) = cache.get(view)
            && *at == version
        {
            return Ok(signature.clone());
        }
        let (year, focus, max_rank) = view;
        let fresh = signature(db, *year, focus, *max_rank, k).await?;
        // Views nobody watches any more would pile up; a full reset is
        // cheap (one computation per watched view).
        if cache.len() > 4 * 1024 {
            cache.clear();
        }
        cache.insert(view.clone(), (version, fresh.clone()));
        Ok(fresh)
    }
}

/// What a listener's page shows: every figure it publishes, as published
/// (suppressed cells as hidden), so it changes exactly when the page would.
async fn signature(
    db: &Db,
    year: i32,
    focus: &Focus,
    max_rank: i64,
    k: u64,
) -> Result<String, AppError> {
    let shown = figures(
        db,
        &Request {
            year,
            max_rank,
            focus: focus.clone(),
            k,
        },
    )
    .await
    .map_err(AppError::internal)?;
    serde_json::to_string(&shown).map_err(AppError::internal)
}

struct Listener {
    versions: watch::Receiver<i64>,
    db: Db,
    hub: Hub,
    view: View,
    k: u64,
    seen: String,
    /// Held while the stream is open.
    _slot: OwnedSemaphorePermit,
}

fn events(listener: Listener) -> impl Stream<Item = Result<Event, std::convert::Infallible>> {
    futures_util::stream::unfold(listener, |mut l| async move {
        loop {
            l.versions.changed().await.ok()?;
            let version = *l.versions.borrow_and_update();
            let Ok(now) = l.hub.signature(&l.db, version, &l.view, l.k).await else {
                continue;
            };
            if now != l.seen {
                l.seen = now;
                return Some((Ok(Event::default().event("figures").data("changed")), l));
            }
        }
    })
}

async fn stream(
    state: &AppState,
    visitor: &Visitor,
    query: &StatsQuery,
    public: bool,
) -> Result<Sse<impl Stream<Item = Result<Event, std::convert::Infallible>> + use<>>, AppError> {
    let max_rank = reader_rank(state, visitor, public).await?;
    let (year, focus, _) = query.resolve(public);
    let hub = state.handles.get::<Hub>();
    let slot = Arc::clone(&hub.listeners)
        .try_acquire_owned()
        .map_err(|_| AppError::Unavailable)?;
    let mut versions = hub.subscribe(&state.db, state.config.stats_min_count).await;
    let version = *versions.borrow_and_update();
    let view = (year, focus, max_rank);
    let k = state.config.stats_min_count;
    let seen = hub.signature(&state.db, version, &view, k).await?;
    let events = events(Listener {
        versions,
        db: state.db.clone(),
        hub,
        view,
        k,
        seen,
        _slot: slot,
    });
    // Ends with the server, so a graceful shutdown does not wait for it.
    let events = futures_util::StreamExt::take_until(events, state.stopping.wait());
    Ok(Sse::new(events).keep_alive(KeepAlive::default()))
}

pub async fn members(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(query): Query<StatsQuery>,
) -> Result<Sse<impl Stream<Item = Result<Event, std::convert::Infallible>>>, AppError> {
    stream(&state, &visitor, &query, false).await
}

pub async fn public(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(query): Query<StatsQuery>,
) -> Result<Sse<impl Stream<Item = Result<Event, std::convert::Infallible>>>, AppError> {
    stream(&state, &visitor, &query, true).await
}
