//! A member's notifications as the alerts page and the feed read them:
//! newest first, only those they may still read.

use super::events::{AlertRow, NOTIFIED_ALERT_COLUMNS};
use super::outbox::Member;
use crate::db::{Db, now};
use crate::state::AppState;

#[derive(sqlx::FromRow)]
struct Notified {
    watch_hit: Option<String>,
    read_at: Option<i64>,
    #[sqlx(flatten)]
    alert: AlertRow,
}

/// A member's newest notifications that they may still read, with their
/// watchlist hits opened: for the page and the feed.
pub async fn recent(
    state: &AppState,
    member: &Member,
    limit: i64,
) -> Result<Vec<(AlertRow, Option<String>)>, sqlx::Error> {
    Ok(notified(state, member, limit)
        .await?
        .into_iter()
        .map(|n| (n.alert, n.hit))
        .collect())
}

pub struct Shown {
    pub alert: AlertRow,
    pub hit: Option<String>,
    pub unread: bool,
}

pub async fn notified(
    state: &AppState,
    member: &Member,
    limit: i64,
) -> Result<Vec<Shown>, sqlx::Error> {
    let sql = format!(
        "SELECT n.watch_hit, n.read_at, {NOTIFIED_ALERT_COLUMNS} FROM notifications n \
         JOIN alerts a ON a.id = n.alert_id WHERE n.user_id = $1 ORDER BY n.id DESC LIMIT $2"
    );
    let rows: Vec<Notified> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(member.id)
        .bind(limit)
        .fetch_all(&state.db.pool)
        .await?;
    let rows = super::current::keep_current(&state.db, member, rows, |n| &n.alert).await?;
    Ok(rows
        .into_iter()
        .map(|n| Shown {
            hit: n
                .watch_hit
                .as_deref()
                .and_then(|s| super::fanout::open_hit(&state.key, member.id, n.alert.id, s)),
            unread: n.read_at.is_none(),
            alert: n.alert,
        })
        .collect())
}

/// How many notifications `user_id` has not seen and may still read: one
/// count query when there are none, as on most page views.
pub async fn unread(state: &AppState, user_id: i64) -> Result<usize, sqlx::Error> {
    let waiting: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL",
    )
    .bind(user_id)
    .fetch_one(&state.db.pool)
    .await?;
    if waiting == 0 {
        return Ok(0);
    }
    let Some(member) = super::outbox::member(&state.db, user_id).await? else {
        return Ok(0);
    };
    Ok(notified(state, &member, UNREAD_SHOWN)
        .await?
        .iter()
        .filter(|n| n.unread)
        .count())
}

/// The most unread notifications counted; the menu says "99+" beyond.
pub const UNREAD_SHOWN: i64 = 100;

/// Marks every notification of `user_id` read.
pub async fn mark_all_read(db: &Db, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
        .bind(now())
        .bind(user_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}
