//! Feeds and their queued items in the database.

use serde::Serialize;

use crate::db::{Db, Tx, now};

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct FeedRow {
    pub id: i64,
    pub url: String,
    pub title: String,
    pub created_at: i64,
    pub next_fetch_at: i64,
    pub last_fetched_at: Option<i64>,
    pub last_result: String,
    pub last_ok: i64,
    pub failures: i64,
    /// Items waiting in the queue.
    pub queued: i64,
}

pub async fn feeds(db: &Db) -> Result<Vec<FeedRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT f.id, f.url, f.title, f.created_at, f.next_fetch_at, f.last_fetched_at, \
         f.last_result, f.last_ok, f.failures, \
         (SELECT COUNT(*) FROM news_items i WHERE i.feed_id = f.id AND i.state = 'queued') AS queued \
         FROM news_feeds f ORDER BY f.title, f.id",
    )
    .fetch_all(&db.pool)
    .await
}

/// Registers a feed; `None` when it is already registered.
pub async fn add_feed(
    tx: &mut Tx,
    url: &str,
    title: &str,
    added_by: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO news_feeds (url, title, added_by, created_at, next_fetch_at) \
         VALUES ($1, $2, $3, $4, $4) ON CONFLICT (url) DO NOTHING RETURNING id",
    )
    .bind(url)
    .bind(title)
    .bind(added_by)
    .bind(now())
    .fetch_optional(&mut **tx)
    .await
}

pub async fn remove_feed(tx: &mut Tx, feed_id: i64) -> Result<Option<String>, sqlx::Error> {
    // Published items keep their article; the queue loses the rest.
    sqlx::query("DELETE FROM news_items WHERE feed_id = $1")
        .bind(feed_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query_scalar("DELETE FROM news_feeds WHERE id = $1 RETURNING url")
        .bind(feed_id)
        .fetch_optional(&mut **tx)
        .await
}

/// Feeds due for a fetch, each claimed with a lease so one process fetches
/// it; returns (id, url).
pub async fn claim_due(
    db: &Db,
    limit: i64,
    lease_secs: i64,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let at = now();
    let due: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, url FROM news_feeds WHERE next_fetch_at <= $1 AND lease_until <= $1 \
         ORDER BY next_fetch_at LIMIT $2",
    )
    .bind(at)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    let mut claimed = Vec::new();
    for (id, url) in due {
        let taken = sqlx::query(
            "UPDATE news_feeds SET lease_until = $1 WHERE id = $2 AND lease_until <= $3 \
             AND next_fetch_at <= $3",
        )
        .bind(at + lease_secs)
        .bind(id)
        .bind(at)
        .execute(&db.pool)
        .await?
        .rows_affected();
        if taken == 1 {
            claimed.push((id, url));
        }
    }
    Ok(claimed)
}

/// Items a fetch queues at most: a feed's first fetch brings its newest
/// ones, not a year of archive.
pub const ITEMS_PER_FETCH: usize = 50;

/// Records a successful fetch: new items queued (known ones left as they
/// are), the feed's title, when to fetch next. Returns how many were new.
pub async fn record_success(
    tx: &mut Tx,
    feed_id: i64,
    feed: &lookout_feeds::Feed,
    next_fetch_at: i64,
) -> Result<u64, sqlx::Error> {
    let at = now();
    let mut items: Vec<&lookout_feeds::Item> = feed.items.iter().collect();
    items.sort_by_key(|i| std::cmp::Reverse(i.published.unwrap_or(0)));
    let mut new = 0;
    for item in items.into_iter().take(ITEMS_PER_FETCH) {
        new += sqlx::query(
            "INSERT INTO news_items (feed_id, item_key, title, link, summary, published_at, fetched_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (feed_id, item_key) DO NOTHING",
        )
        .bind(feed_id)
        .bind(&item.id)
        .bind(&item.title)
        .bind(item.link.as_ref().map(|l| l.to_string()))
        .bind(&item.summary)
        .bind(item.published)
        .bind(at)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    }
    let result = format!(
        "{} item{} read, {new} new{}",
        feed.items.len(),
        if feed.items.len() == 1 { "" } else { "s" },
        if feed.truncated {
            " (the feed had more than Lookout reads at once)"
        } else {
            ""
        }
    );
    sqlx::query(
        "UPDATE news_feeds SET title = CASE WHEN $1 = '' THEN title ELSE $1 END, \
         last_fetched_at = $2, last_result = $3, last_ok = 1, failures = 0, next_fetch_at = $4, \
         lease_until = 0 WHERE id = $5",
    )
    .bind(feed.title.chars().take(200).collect::<String>())
    .bind(at)
    .bind(result)
    .bind(next_fetch_at)
    .bind(feed_id)
    .execute(&mut **tx)
    .await?;
    Ok(new)
}

/// Records a failed fetch with its reason; the next try waits longer after
/// each failure (doubling, at most a day).
pub async fn record_failure(
    db: &Db,
    feed_id: i64,
    reason: &str,
    interval_secs: i64,
) -> Result<(), sqlx::Error> {
    let at = now();
    let failures: i64 = sqlx::query_scalar("SELECT failures FROM news_feeds WHERE id = $1")
        .bind(feed_id)
        .fetch_optional(&db.pool)
        .await?
        .unwrap_or(0);
    let wait = interval_secs
        .saturating_mul(1_i64 << failures.clamp(0, 5))
        .min(24 * 3600);
    sqlx::query(
        "UPDATE news_feeds SET last_fetched_at = $1, last_result = $2, last_ok = 0, \
         failures = failures + 1, next_fetch_at = $3, lease_until = 0 WHERE id = $4",
    )
    .bind(at)
    .bind(reason.chars().take(500).collect::<String>())
    .bind(at + wait)
    .bind(feed_id)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Asks for a fetch as soon as a worker is free.
pub async fn fetch_soon(tx: &mut Tx, feed_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE news_feeds SET next_fetch_at = $1 WHERE id = $2")
        .bind(now())
        .bind(feed_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct QueuedItem {
    pub id: i64,
    pub feed_id: i64,
    pub feed_title: String,
    pub title: String,
    pub link: Option<String>,
    pub summary: String,
    pub published_at: Option<i64>,
    pub fetched_at: i64,
}

const QUEUED: &str = "SELECT i.id, i.feed_id, f.title AS feed_title, i.title, i.link, i.summary, \
     i.published_at, i.fetched_at FROM news_items i JOIN news_feeds f ON f.id = i.feed_id";

pub async fn queue(db: &Db, limit: i64) -> Result<Vec<QueuedItem>, sqlx::Error> {
    let sql = format!(
        "{QUEUED} WHERE i.state = 'queued' \
         ORDER BY COALESCE(i.published_at, i.fetched_at) DESC, i.id DESC LIMIT $1"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(limit)
        .fetch_all(&db.pool)
        .await
}

pub async fn queued_item(tx: &mut Tx, id: i64) -> Result<Option<QueuedItem>, sqlx::Error> {
    let sql = format!("{QUEUED} WHERE i.id = $1 AND i.state = 'queued'");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
}

/// Takes an item off the queue, once: false when someone else already did.
pub async fn decide(
    tx: &mut Tx,
    item_id: i64,
    state: &str,
    editor_id: i64,
    article_id: Option<i64>,
) -> Result<bool, sqlx::Error> {
    let changed = sqlx::query(
        "UPDATE news_items SET state = $1, decided_by = $2, decided_at = $3, article_id = $4 \
         WHERE id = $5 AND state = 'queued'",
    )
    .bind(state)
    .bind(editor_id)
    .bind(now())
    .bind(article_id)
    .bind(item_id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(changed == 1)
}
