//! The live stream: a signed-in member's open alerts page hears of each
//! new notification (server-sent events). Notifications are read from the
//! database, so a member connected to one process hears of alerts fanned
//! out by any other. Each process runs one reader for all its listeners:
//! on PostgreSQL it wakes on `NOTIFY lookout_alerts`, sent by the fan-out's
//! transaction at commit; everywhere it also polls `alert_version` (one
//! row), which is what wakes it on SQLite.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use serde::Serialize;
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, broadcast};

use super::events::{AlertRow, NOTIFIED_ALERT_COLUMNS};
use crate::db::{Backend, Db, Tx};
use crate::state::AppState;
use crate::web::AppError;

/// How often the reader looks at `alert_version` without being woken.
const POLL: Duration = Duration::from_millis(500);
/// Open streams one process serves; more get a 503 and their pages keep
/// working without live updates.
pub const MAX_LISTENERS: usize = 20_000;
const CHANNEL: &str = "lookout_alerts";

/// Marks that notifications were written, inside the transaction that
/// wrote them.
pub async fn bump(tx: &mut Tx, backend: Backend) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE alert_version SET version = version + 1 WHERE id = 1")
        .execute(&mut **tx)
        .await?;
    if backend == Backend::Postgres {
        sqlx::query("SELECT pg_notify('lookout_alerts', '')")
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// What the page's script receives for one new notification.
#[derive(Clone, Debug, Serialize)]
pub struct LiveAlert {
    pub reference: String,
    pub kind: String,
    pub label: String,
    pub title: String,
    pub url: String,
    /// `TLP:GREEN` and the like, as the page shows it.
    pub tlp_tag: String,
    pub watchlist_hit: bool,
}

#[derive(Clone)]
pub struct Hub {
    members: Arc<std::sync::Mutex<HashMap<i64, broadcast::Sender<Arc<LiveAlert>>>>>,
    listeners: Arc<Semaphore>,
    /// Woken by this process's own fan-out, so its listeners need not wait
    /// for the next poll.
    pub wake: Arc<Notify>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            members: Arc::default(),
            listeners: Arc::new(Semaphore::new(MAX_LISTENERS)),
            wake: Arc::default(),
        }
    }
}

impl Hub {
    /// This server's hub.
    pub fn of(state: &AppState) -> Hub {
        state.handles.get::<Hub>()
    }

    fn listen(&self, user_id: i64) -> broadcast::Receiver<Arc<LiveAlert>> {
        let mut members = self.members.lock().unwrap_or_else(|e| e.into_inner());
        members
            .entry(user_id)
            .or_insert_with(|| broadcast::channel(64).0)
            .subscribe()
    }

    fn has_listeners(&self) -> bool {
        let mut members = self.members.lock().unwrap_or_else(|e| e.into_inner());
        members.retain(|_, sender| sender.receiver_count() > 0);
        !members.is_empty()
    }

    fn is_listening(&self, user_id: i64) -> bool {
        let members = self.members.lock().unwrap_or_else(|e| e.into_inner());
        members
            .get(&user_id)
            .is_some_and(|sender| sender.receiver_count() > 0)
    }

    fn deliver(&self, user_id: i64, alert: Arc<LiveAlert>) {
        let members = self.members.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(sender) = members.get(&user_id) {
            // No receiver left is fine: the page was closed.
            let _ = sender.send(alert);
        }
    }
}

#[derive(sqlx::FromRow)]
struct Fresh {
    notification_id: i64,
    user_id: i64,
    watched: i64,
    #[sqlx(flatten)]
    alert: AlertRow,
}

async fn latest_id(db: &Db) -> Result<i64, sqlx::Error> {
    let id: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM notifications")
        .fetch_one(&db.pool)
        .await?;
    Ok(id.unwrap_or(0))
}

async fn version(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT version FROM alert_version WHERE id = 1")
        .fetch_one(&db.pool)
        .await
}

/// One process's reader: runs for the life of the server.
pub async fn run(state: AppState) {
    if state.db.backend == Backend::Postgres
        && let Ok(url) = state.config.database_url()
    {
        tokio::spawn(listen_postgres(url, Arc::clone(&Hub::of(&state).wake)));
    }
    let hub = Hub::of(&state);
    let db = state.db.clone();
    let mut last_id = latest_id(&db).await.unwrap_or(0);
    let mut last_version = version(&db).await.unwrap_or(0);
    loop {
        tokio::select! {
            () = hub.wake.notified() => {}
            () = tokio::time::sleep(POLL) => {}
        }
        let Ok(current) = version(&db).await else {
            continue;
        };
        if current == last_version {
            continue;
        }
        last_version = current;
        if !hub.has_listeners() {
            last_id = latest_id(&db).await.unwrap_or(last_id);
            continue;
        }
        if let Ok(next) = dispatch(&db, &hub, last_id).await {
            last_id = next;
        }
    }
}

/// Sends every notification after `after` to its member's open streams;
/// returns the last id read.
async fn dispatch(db: &Db, hub: &Hub, after: i64) -> Result<i64, sqlx::Error> {
    let mut after = after;
    loop {
        let sql = format!(
            "SELECT n.id AS notification_id, n.user_id, \
             CASE WHEN n.watch_hit IS NULL THEN 0 ELSE 1 END AS watched, {NOTIFIED_ALERT_COLUMNS} \
             FROM notifications n JOIN alerts a ON a.id = n.alert_id \
             WHERE n.id > $1 ORDER BY n.id LIMIT 5000"
        );
        let rows: Vec<Fresh> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(after)
            .fetch_all(&db.pool)
            .await?;
        let Some(last) = rows.last() else {
            return Ok(after);
        };
        after = last.notification_id;
        let count = rows.len();
        let mut shared: HashMap<(i64, i64), Arc<LiveAlert>> = HashMap::new();
        let mut members: HashMap<i64, Option<super::outbox::Member>> = HashMap::new();
        for row in rows {
            // Only for a member with a page open, and only if they may still
            // read the subject as it stands now (`current`): the moment
            // between the fan-out and this push is enough for a withdrawal.
            if !hub.is_listening(row.user_id) {
                continue;
            }
            let member = match members.entry(row.user_id) {
                std::collections::hash_map::Entry::Occupied(known) => known.into_mut(),
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(super::outbox::member(db, row.user_id).await?)
                }
            };
            let Some(member) = member.as_ref() else {
                continue;
            };
            if !super::current::still_for(db, member, &row.alert).await? {
                continue;
            }
            let alert = shared
                .entry((row.alert.id, row.watched))
                .or_insert_with(|| {
                    Arc::new(LiveAlert {
                        reference: row.alert.subject_ref.clone(),
                        kind: row.alert.kind.clone(),
                        label: row.alert.kind_label().to_string(),
                        title: row.alert.title.clone(),
                        url: row.alert.path(),
                        tlp_tag: row.alert.tlp_tag(),
                        watchlist_hit: row.watched == 1,
                    })
                })
                .clone();
            hub.deliver(row.user_id, alert);
        }
        if count < 5000 {
            return Ok(after);
        }
    }
}

/// Wakes the reader on every `NOTIFY lookout_alerts`; reconnects after a
/// pause if the connection drops (polling covers the gap).
async fn listen_postgres(url: String, wake: Arc<Notify>) {
    loop {
        if let Ok(mut listener) = sqlx::postgres::PgListener::connect(&url).await
            && listener.listen(CHANNEL).await.is_ok()
        {
            while listener.recv().await.is_ok() {
                wake.notify_one();
            }
        }
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
}

struct Listener {
    alerts: broadcast::Receiver<Arc<LiveAlert>>,
    _slot: OwnedSemaphorePermit,
}

/// The live stream of member `user_id`; 503 when this process serves as
/// many as it may.
pub fn stream_for(
    state: AppState,
    user_id: i64,
) -> Result<Sse<impl Stream<Item = Result<Event, std::convert::Infallible>>>, AppError> {
    let slot = Arc::clone(&Hub::of(&state).listeners)
        .try_acquire_owned()
        .map_err(|_| AppError::Unavailable)?;
    let listener = Listener {
        alerts: Hub::of(&state).listen(user_id),
        _slot: slot,
    };
    let events = futures_util::stream::unfold(listener, |mut l| async move {
        let event = match l.alerts.recv().await {
            Ok(alert) => {
                let data = serde_json::to_string(&*alert).unwrap_or_default();
                Event::default().event("alert").data(data)
            }
            // A burst larger than the buffer: tell the page to reload.
            Err(broadcast::error::RecvError::Lagged(_)) => {
                Event::default().event("reload").data("")
            }
            Err(broadcast::error::RecvError::Closed) => return None,
        };
        Some((Ok(event), l))
    });
    let events = futures_util::StreamExt::take_until(events, state.stopping.wait());
    Ok(Sse::new(events).keep_alive(KeepAlive::default()))
}
