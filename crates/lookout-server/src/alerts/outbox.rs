//! The durable outbox and its worker. Every process runs one worker; they
//! share the work through the database only:
//!
//! - a due row is claimed by a conditional update that sets a lease
//!   (`lease_until`), so two workers never send the same row at once, and
//!   a worker that dies mid-send leaves a lease that simply expires;
//! - a row is marked `sent` after the receiver accepted it; a crash between
//!   the two sends it again, with the same idempotency key (the webhook's
//!   `Lookout-Delivery` header, the email's `Message-ID`), so the receiver
//!   can recognise the repeat;
//! - a failure waits with exponential backoff; after
//!   `Config::delivery_max_attempts` the row is `dead`, shown to admins on
//!   /admin/deliveries, where it can be sent again.
//!
//! Deliveries are sent concurrently, each with its own deadline, so a slow
//! or failing receiver never holds up the others.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

use futures_util::StreamExt;
use serde::Serialize;

use super::events::{ALERT_COLUMNS, AlertRow};
use super::fanout;
use crate::db::{Backend, Db, DbError, Tx, now};
use crate::state::AppState;

/// How long a claimed delivery is reserved for the worker that claimed it:
/// longer than any one send may take (the outbound deadline is 10 s, SMTP
/// has its own).
const LEASE_SECONDS: i64 = 120;
/// Rows claimed at a time, and deliveries one process sends at once.
const BATCH: i64 = 200;
const CONCURRENCY: usize = 64;
/// How often a worker looks for due rows without being woken.
const POLL: Duration = Duration::from_secs(1);
const FIRST_RETRY_SECONDS: i64 = 30;
const LONGEST_WAIT_SECONDS: i64 = 6 * 3600;

/// Says that deliveries were queued, inside the queuing transaction: other
/// processes' workers wake at commit (PostgreSQL); on SQLite they poll.
pub async fn announce(tx: &mut Tx, backend: Backend) -> Result<(), sqlx::Error> {
    if backend == Backend::Postgres {
        sqlx::query("SELECT pg_notify('lookout_outbox', '')")
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// The wait before attempt `attempts + 1`: 30 s doubling to 6 h, with up
/// to a quarter more at random so that retries after an outage spread out.
pub fn backoff(attempts: i64) -> i64 {
    let exponent = u32::try_from(attempts.clamp(1, 20) - 1).unwrap_or(0);
    let base = FIRST_RETRY_SECONDS
        .saturating_mul(1_i64 << exponent)
        .min(LONGEST_WAIT_SECONDS);
    let jitter = crate::secrets::random_bytes::<2>()
        .map(|b| i64::from(u16::from_le_bytes(b)))
        .unwrap_or(0);
    base + base / 4 * jitter / 65_535
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Claimed {
    pub id: i64,
    pub channel: String,
    pub idempotency_key: String,
    pub user_id: i64,
    pub webhook_id: Option<i64>,
    pub alert_id: Option<i64>,
    pub attempts: i64,
}

/// Claims up to `limit` due deliveries for this worker.
pub async fn claim(db: &Db, at: i64, limit: i64) -> Result<Vec<Claimed>, DbError> {
    let sql = match db.backend {
        // Materialised first, so the limit holds for the whole statement:
        // as an `IN (…)` subquery PostgreSQL may run the locking subquery
        // once per outer row, each time skipping the rows already taken,
        // and claim far more than `limit` (1,000 rows for a limit of 64,
        // seen in the benchmark).
        Backend::Postgres => {
            "WITH due AS MATERIALIZED (SELECT id FROM outbox WHERE state = 'pending' \
             AND next_attempt_at <= $2 AND lease_until < $2 ORDER BY next_attempt_at, id \
             LIMIT $3 FOR UPDATE SKIP LOCKED) \
             UPDATE outbox SET lease_until = $1, attempts = outbox.attempts + 1 FROM due \
             WHERE outbox.id = due.id \
             RETURNING outbox.id, outbox.channel, outbox.idempotency_key, outbox.user_id, \
             outbox.webhook_id, outbox.alert_id, outbox.attempts"
        }
        // One writer at a time: the subquery runs once, under the write lock.
        Backend::Sqlite => {
            "UPDATE outbox SET lease_until = $1, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_at <= $2 \
             AND lease_until < $2 ORDER BY next_attempt_at, id LIMIT $3) \
             RETURNING id, channel, idempotency_key, user_id, webhook_id, alert_id, attempts"
        }
    };
    let mut tx = db.begin_write().await?;
    let mut claimed: Vec<Claimed> = sqlx::query_as(sql)
        .bind(at + LEASE_SECONDS)
        .bind(at)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    claimed.sort_by_key(|c| c.id);
    Ok(claimed)
}

/// Gives back a claimed delivery unsent, for any worker to claim now.
async fn release(db: &Db, row: &Claimed) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE outbox SET lease_until = 0, attempts = attempts - 1 WHERE id = $1 AND state = 'pending'",
    )
    .bind(row.id)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Why a delivery did not go out.
#[derive(Debug)]
pub enum Failure {
    /// Try again later.
    Retry(String),
    /// It should not be sent at all any more (the member left, or may no
    /// longer read it).
    Cancel(String),
}

async fn finish(
    db: &Db,
    row: &Claimed,
    result: Result<(), Failure>,
    max_attempts: i64,
) -> Result<(), sqlx::Error> {
    let at = now();
    let query = match result {
        Ok(()) => sqlx::query(
            "UPDATE outbox SET state = 'sent', sent_at = $1, last_error = '' WHERE id = $2 AND state = 'pending'",
        )
        .bind(at)
        .bind(row.id),
        Err(Failure::Cancel(reason)) => sqlx::query(
            "UPDATE outbox SET state = 'cancelled', last_error = $1 WHERE id = $2 AND state = 'pending'",
        )
        .bind(reason)
        .bind(row.id),
        Err(Failure::Retry(reason)) if row.attempts >= max_attempts => sqlx::query(
            "UPDATE outbox SET state = 'dead', last_error = $1 WHERE id = $2 AND state = 'pending'",
        )
        .bind(reason)
        .bind(row.id),
        Err(Failure::Retry(reason)) => sqlx::query(
            "UPDATE outbox SET next_attempt_at = $1, lease_until = 0, last_error = $2 \
             WHERE id = $3 AND state = 'pending'",
        )
        .bind(at + backoff(row.attempts))
        .bind(reason)
        .bind(row.id),
    };
    query.execute(&db.pool).await?;
    Ok(())
}

/// The member a delivery is for, as they are now.
#[derive(sqlx::FromRow)]
pub struct Member {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub org_id: Option<i64>,
    pub disabled: i64,
    pub tlp_clearance: Option<i64>,
}

pub async fn member(db: &Db, user_id: i64) -> Result<Option<Member>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id, u.email, u.display_name, u.role, u.org_id, u.disabled, o.tlp_clearance \
         FROM users u LEFT JOIN organisations o ON o.id = u.org_id WHERE u.id = $1",
    )
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await
}

pub async fn alert(db: &Db, id: i64) -> Result<Option<AlertRow>, sqlx::Error> {
    let sql = format!("SELECT {ALERT_COLUMNS} FROM alerts WHERE id = $1");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&db.pool)
        .await
}

/// The watchlist hit recorded with a member's notification, opened.
pub async fn watch_hit(
    state: &AppState,
    user_id: i64,
    alert_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    let sealed: Option<Option<String>> = sqlx::query_scalar(
        "SELECT watch_hit FROM notifications WHERE user_id = $1 AND alert_id = $2",
    )
    .bind(user_id)
    .bind(alert_id)
    .fetch_optional(&state.db.pool)
    .await?;
    Ok(sealed
        .flatten()
        .and_then(|s| fanout::open_hit(&state.key, user_id, alert_id, &s)))
}

async fn deliver(state: &AppState, row: &Claimed) -> Result<(), Failure> {
    let retry = |e: &dyn std::fmt::Display| Failure::Retry(e.to_string());
    let member = member(&state.db, row.user_id)
        .await
        .map_err(|e| retry(&e))?
        .ok_or_else(|| Failure::Cancel("the member's account is gone".into()))?;
    if row.channel == "digest" {
        return super::email::send_digest(state, &member, row).await;
    }
    let alert_id = row
        .alert_id
        .ok_or_else(|| Failure::Cancel("no alert".into()))?;
    let alert = alert(&state.db, alert_id)
        .await
        .map_err(|e| retry(&e))?
        .ok_or_else(|| Failure::Cancel("the alert is gone".into()))?;
    if !super::current::still_for(&state.db, &member, &alert)
        .await
        .map_err(|e| retry(&e))?
    {
        return Err(Failure::Cancel(
            "its subject is gone or the member may no longer read it".into(),
        ));
    }
    let hit = watch_hit(state, row.user_id, alert_id)
        .await
        .map_err(|e| retry(&e))?;
    match row.channel.as_str() {
        "email" => super::email::send_alert(state, &member, &alert, hit.as_deref(), row).await,
        "webhook" => super::webhooks::deliver(state, &alert, hit.as_deref(), row).await,
        other => Err(Failure::Cancel(format!("unknown channel {other}"))),
    }
}

/// Sends one claimed delivery and records the outcome.
async fn send_one(state: &AppState, row: Claimed) {
    let result = deliver(state, &row).await;
    // The reason (which may name the receiver's address) goes to the
    // outbox row for admins, not to the log.
    if let Err(Failure::Retry(_)) = &result {
        tracing::info!(delivery = row.id, channel = %row.channel, attempt = row.attempts, "delivery failed; will retry");
    }
    if let Err(err) = finish(&state.db, &row, result, state.config.delivery_max_attempts).await {
        // The lease expires and another attempt follows.
        tracing::warn!(delivery = row.id, error = %err, "could not record a delivery's outcome");
    }
}

/// Sends what is due now and waits for it; returns how many rows it
/// handled. For tests and benchmarks: the worker does not wait.
pub async fn deliver_due(state: &AppState) -> Result<usize, DbError> {
    let claimed = claim(&state.db, now(), BATCH).await?;
    let count = claimed.len();
    futures_util::stream::iter(claimed)
        .for_each_concurrent(CONCURRENCY, |row| send_one(state, row))
        .await;
    Ok(count)
}

/// Claims as many due deliveries as there are free sending slots and
/// starts each as its own task, so a receiver that answers slowly (or
/// never, until its deadline) holds one slot and delays nothing else.
async fn start_due(state: &AppState, slots: &Arc<Semaphore>) -> Result<(), DbError> {
    loop {
        let free = slots.available_permits();
        if free == 0 {
            return Ok(());
        }
        let claimed = claim(
            &state.db,
            now(),
            i64::try_from(free).unwrap_or(BATCH).min(BATCH),
        )
        .await?;
        let count = claimed.len();
        for row in claimed {
            let Ok(slot) = Arc::clone(slots).try_acquire_owned() else {
                // More than asked for: give it back rather than leave it
                // leased, unsent, until its lease runs out.
                release(&state.db, &row).await?;
                continue;
            };
            let state = state.clone();
            tokio::spawn(async move {
                send_one(&state, row).await;
                drop(slot);
                // A slot is free: look for more.
                super::wake_worker(&state);
            });
        }
        if count < free {
            return Ok(());
        }
    }
}

/// The worker: announces released incidents, fans out new alerts, queues
/// digests when their hour comes, and starts what is due. Runs for the
/// life of the server.
pub async fn run(state: AppState) {
    let wake = Arc::new(tokio::sync::Notify::new());
    let work = state
        .handles
        .get::<crate::runtime::Wake<super::AlertWork>>();
    if state.db.backend == Backend::Postgres
        && let Ok(url) = state.config.database_url()
    {
        tokio::spawn(listen_postgres(url, Arc::clone(&wake)));
    }
    let slots = Arc::new(Semaphore::new(CONCURRENCY));
    loop {
        if let Err(err) = prepare(&state).await {
            tracing::warn!(error = %err, "alert worker: preparing deliveries failed; retrying");
        }
        if let Err(err) = start_due(&state, &slots).await {
            tracing::warn!(error = %err, "alert worker: claiming deliveries failed; retrying");
        }
        tokio::select! {
            () = wake.notified() => {}
            () = work.woken() => {}
            () = tokio::time::sleep(POLL) => {}
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RoundError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    FanOut(#[from] fanout::FanOutError),
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
}

/// What the worker does before sending: releases, fan-out, digests.
async fn prepare(state: &AppState) -> Result<(), RoundError> {
    crate::incidents::release::catch_up(&state.db, now()).await?;
    if fanout::fan_out_pending(&state.db, &state.key).await? > 0 {
        // Wake this process's live streams at once.
        super::live::Hub::of(state).wake.notify_one();
    }
    super::email::queue_digests(state, now()).await?;
    Ok(())
}

/// One pass of the whole pipeline, waiting for every delivery: tests and
/// benchmarks call it to run it to the end.
pub async fn round(state: &AppState) -> Result<(), RoundError> {
    prepare(state).await?;
    while deliver_due(state).await? == usize::try_from(BATCH).unwrap_or(usize::MAX) {}
    Ok(())
}

async fn listen_postgres(url: String, wake: Arc<tokio::sync::Notify>) {
    loop {
        if let Ok(mut listener) = sqlx::postgres::PgListener::connect(&url).await
            && listener.listen("lookout_outbox").await.is_ok()
        {
            while listener.recv().await.is_ok() {
                wake.notify_one();
            }
        }
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
}

/// What admins see of the outbox.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Delivery {
    pub id: i64,
    pub channel: String,
    pub idempotency_key: String,
    pub state: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_error: String,
    pub created_at: i64,
    pub recipient: String,
    pub target: Option<String>,
}

pub async fn listing(db: &Db, states: &[&str], limit: i64) -> Result<Vec<Delivery>, sqlx::Error> {
    let placeholders: Vec<String> = (0..states.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = format!(
        "SELECT o.id, o.channel, o.idempotency_key, o.state, o.attempts, o.next_attempt_at, \
         o.last_error, o.created_at, u.email AS recipient, w.url AS target FROM outbox o \
         JOIN users u ON u.id = o.user_id LEFT JOIN webhooks w ON w.id = o.webhook_id \
         WHERE o.state IN ({}) ORDER BY o.id DESC LIMIT $1",
        placeholders.join(", ")
    );
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(limit);
    for state in states {
        query = query.bind(*state);
    }
    query.fetch_all(&db.pool).await
}

/// Counts by state, for the admins' summary.
pub async fn counts(db: &Db) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT state, COUNT(*) FROM outbox GROUP BY state ORDER BY state")
        .fetch_all(&db.pool)
        .await
}

/// Puts a dead delivery back in the queue, due now, with fresh attempts.
pub async fn retry(tx: &mut Tx, id: i64) -> Result<bool, sqlx::Error> {
    let changed = sqlx::query(
        "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = $1, lease_until = 0 \
         WHERE id = $2 AND state = 'dead'",
    )
    .bind(now())
    .bind(id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(changed == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_six_hours_with_bounded_jitter() {
        for attempts in 1..=20 {
            let base = (30_i64 << (attempts - 1).min(19)).min(6 * 3600);
            let wait = backoff(attempts);
            assert!(
                wait >= base && wait <= base + base / 4,
                "{attempts}: {wait}"
            );
        }
        assert!(backoff(1) < 40);
        assert!(backoff(30) <= 6 * 3600 + 6 * 3600 / 4);
    }
}
