//! Keeping `search_documents` equal to what members may find. Each feature
//! calls the function for its kind in the transaction that changes the
//! subject (a post added, edited, hidden or deleted, a thread moved; an
//! article published or archived; an incident saved or withdrawn; an
//! advisory published or withdrawn), so the index never shows what the
//! pages would not. `rebuild` writes it all again from the features'
//! tables when the indexing rules change ([`VERSION`]).

use super::indicators;
use crate::db::{Db, Tx, now};

/// Bump when what a document holds changes: every process then finds the
/// index older than its rules and one of them rebuilds it.
pub const VERSION: i64 = 3;

/// The most text of one subject the index keeps (a post's first part, an
/// article's first ten thousand words): enough to find it, not a copy.
const BODY_MAX: usize = 64 * 1024;

/// Plain text without the characters the snippets use as highlight
/// markers (or any other control character), bounded.
fn clean(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if out.len() > BODY_MAX {
        let mut cut = BODY_MAX;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
    }
    out
}

fn plain(markdown: &str) -> String {
    lookout_markdown::render(markdown, &lookout_markdown::Limits::default())
        .map(|r| r.plain_text)
        .unwrap_or_else(|_| markdown.to_string())
}

struct Doc<'a> {
    kind: &'a str,
    subject_id: i64,
    path: String,
    title: &'a str,
    body: String,
    tlp_rank: i64,
    category_id: Option<i64>,
    org_id: Option<i64>,
    visible_from: i64,
    /// The time shown beside the hit, when it is not the time of indexing:
    /// an incident from an anonymous or confidential report shows its
    /// release time only, never the minute an analyst published it.
    shown_at: Option<i64>,
}

async fn upsert(tx: &mut Tx, doc: Doc<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO search_documents (kind, subject_id, path, title, body, tlp_rank, category_id, \
         org_id, visible_from, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (kind, subject_id) DO UPDATE SET path = $3, title = $4, body = $5, \
         tlp_rank = $6, category_id = $7, org_id = $8, visible_from = $9, updated_at = $10",
    )
    .bind(doc.kind)
    .bind(doc.subject_id)
    .bind(doc.path)
    .bind(clean(doc.title))
    .bind(clean(&doc.body))
    .bind(doc.tlp_rank)
    .bind(doc.category_id)
    .bind(doc.org_id)
    .bind(doc.visible_from)
    .bind(doc.shown_at.unwrap_or_else(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn remove(tx: &mut Tx, kind: &str, subject_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM search_documents WHERE kind = $1 AND subject_id = $2")
        .bind(kind)
        .bind(subject_id)
        .execute(&mut **tx)
        .await?;
    indicators::clear(tx, kind, subject_id).await
}

#[derive(sqlx::FromRow)]
struct PostSource {
    id: i64,
    number: i64,
    body: String,
    state: String,
    thread_ref: String,
    title: String,
    tlp_rank: i64,
    category_id: i64,
}

const POST_SOURCE: &str = "SELECT p.id, p.number, p.body, p.state, t.ref AS thread_ref, t.title, \
     t.tlp_rank, t.category_id FROM forum_posts p JOIN forum_threads t ON t.id = p.thread_id";

async fn index_post_row(tx: &mut Tx, row: PostSource) -> Result<(), sqlx::Error> {
    if row.state != "visible" {
        return remove(tx, "post", row.id).await;
    }
    let page = (row.number - 1) / crate::forum::model::POSTS_PER_PAGE + 1;
    upsert(
        tx,
        Doc {
            kind: "post",
            subject_id: row.id,
            path: format!("/forum/t/{}?page={page}#p{}", row.thread_ref, row.number),
            title: &row.title,
            body: plain(&row.body),
            tlp_rank: row.tlp_rank,
            category_id: Some(row.category_id),
            org_id: None,
            visible_from: 0,
            shown_at: None,
        },
    )
    .await
}

/// A forum post as it is now: indexed while visible, removed once hidden
/// or deleted.
pub async fn post(tx: &mut Tx, post_id: i64) -> Result<(), sqlx::Error> {
    let sql = format!("{POST_SOURCE} WHERE p.id = $1");
    let row: Option<PostSource> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(post_id)
        .fetch_optional(&mut **tx)
        .await?;
    match row {
        Some(row) => index_post_row(tx, row).await,
        None => remove(tx, "post", post_id).await,
    }
}

/// A thread moved to another category: its posts follow its audience.
pub async fn thread_moved(
    tx: &mut Tx,
    thread_id: i64,
    category_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE search_documents SET category_id = $1 WHERE kind = 'post' \
         AND subject_id IN (SELECT id FROM forum_posts WHERE thread_id = $2)",
    )
    .bind(category_id)
    .bind(thread_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct ArticleSource {
    id: i64,
    slug: String,
    state: String,
    title: String,
    summary: String,
    body: String,
    tags: String,
    tlp_rank: i64,
}

const ARTICLE_SOURCE: &str = "SELECT a.id, a.slug, a.state, v.title, v.summary, v.body, v.tags, \
     v.tlp_rank FROM kb_articles a JOIN kb_versions v ON v.article_id = a.id \
     AND v.number = a.published_version";

async fn index_article_row(tx: &mut Tx, row: ArticleSource) -> Result<(), sqlx::Error> {
    if row.state != "published" {
        return remove(tx, "article", row.id).await;
    }
    upsert(
        tx,
        Doc {
            kind: "article",
            subject_id: row.id,
            path: format!("/kb/{}", row.slug),
            title: &row.title,
            body: format!("{}\n{}\n{}", row.summary, row.tags, plain(&row.body)),
            tlp_rank: row.tlp_rank,
            category_id: None,
            org_id: None,
            visible_from: 0,
            shown_at: None,
        },
    )
    .await
}

/// A knowledge-base article: its published version while published.
pub async fn article(tx: &mut Tx, article_id: i64) -> Result<(), sqlx::Error> {
    let sql = format!("{ARTICLE_SOURCE} WHERE a.id = $1");
    let row: Option<ArticleSource> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(article_id)
        .fetch_optional(&mut **tx)
        .await?;
    match row {
        Some(row) => index_article_row(tx, row).await,
        None => remove(tx, "article", article_id).await,
    }
}

#[derive(sqlx::FromRow)]
struct IncidentSource {
    id: i64,
    #[sqlx(rename = "ref")]
    reference: String,
    state: String,
    title: String,
    summary: String,
    indicators: String,
    tlp_rank: i64,
    reporter_org_id: Option<i64>,
    visible_from: Option<i64>,
}

const INCIDENT_SOURCE: &str = "SELECT id, ref, state, title, summary, indicators, tlp_rank, \
     reporter_org_id, visible_from FROM incidents";

async fn index_incident_row(tx: &mut Tx, row: IncidentSource) -> Result<(), sqlx::Error> {
    let Some(visible_from) = row.visible_from.filter(|_| row.state == "published") else {
        return remove(tx, "incident", row.id).await;
    };
    upsert(
        tx,
        Doc {
            kind: "incident",
            subject_id: row.id,
            path: format!("/incidents/{}", row.reference),
            title: &row.title,
            body: format!("{}\n{}", row.summary, row.indicators),
            tlp_rank: row.tlp_rank,
            category_id: None,
            org_id: row.reporter_org_id,
            visible_from,
            shown_at: Some(visible_from),
        },
    )
    .await?;
    let found = indicators::of_subject(&row.indicators, "");
    indicators::replace(tx, "incident", row.id, &found, visible_from).await
}

/// A sanitised incident, by its report: indexed once published (and found
/// from its release time on), removed when withdrawn.
pub async fn incident(tx: &mut Tx, report_id: i64) -> Result<(), sqlx::Error> {
    let sql = format!("{INCIDENT_SOURCE} WHERE report_id = $1");
    let row: Option<IncidentSource> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(report_id)
        .fetch_optional(&mut **tx)
        .await?;
    match row {
        Some(row) => index_incident_row(tx, row).await,
        None => Ok(()),
    }
}

#[derive(sqlx::FromRow)]
struct AdvisorySource {
    id: i64,
    #[sqlx(rename = "ref")]
    reference: String,
    state: String,
    title: String,
    body: String,
    actions: String,
    indicators: String,
    tlp_rank: i64,
    published_at: Option<i64>,
}

const ADVISORY_SOURCE: &str = "SELECT a.id, a.ref, a.state, r.title, r.body, r.actions, \
     r.indicators, r.tlp_rank, a.published_at FROM advisories a JOIN advisory_revisions r \
     ON r.advisory_id = a.id AND r.number = a.published_revision";

async fn index_advisory_row(tx: &mut Tx, row: AdvisorySource) -> Result<(), sqlx::Error> {
    if !matches!(row.state.as_str(), "published" | "withdrawn") {
        return remove(tx, "advisory", row.id).await;
    }
    let title = if row.state == "withdrawn" {
        format!("{} (withdrawn)", row.title)
    } else {
        row.title.clone()
    };
    upsert(
        tx,
        Doc {
            kind: "advisory",
            subject_id: row.id,
            path: format!("/advisories/{}", row.reference),
            title: &title,
            body: format!(
                "{}\n{}\n{}",
                plain(&row.body),
                plain(&row.actions),
                row.indicators
            ),
            tlp_rank: row.tlp_rank,
            category_id: None,
            org_id: None,
            visible_from: 0,
            shown_at: None,
        },
    )
    .await?;
    let found = indicators::of_subject(&row.indicators, &format!("{}\n{}", row.body, row.actions));
    let seen_at = row.published_at.unwrap_or_else(now);
    indicators::replace(tx, "advisory", row.id, &found, seen_at).await
}

/// An advisory: its published revision, withdrawn ones marked as such (the
/// advisories list still shows them).
pub async fn advisory(tx: &mut Tx, advisory_id: i64) -> Result<(), sqlx::Error> {
    let sql = format!("{ADVISORY_SOURCE} WHERE a.id = $1");
    let row: Option<AdvisorySource> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(advisory_id)
        .fetch_optional(&mut **tx)
        .await?;
    match row {
        Some(row) => index_advisory_row(tx, row).await,
        None => remove(tx, "advisory", advisory_id).await,
    }
}

/// Writes the whole index again if it was built by older rules (or never):
/// at start-up, by whichever process gets there first.
pub async fn rebuild_if_stale(db: &Db) -> Result<bool, sqlx::Error> {
    let version: i64 = sqlx::query_scalar("SELECT version FROM search_state WHERE id = 1")
        .fetch_one(&db.pool)
        .await?;
    if version >= VERSION {
        return Ok(false);
    }
    let mut tx = db
        .begin_write()
        .await
        .map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
    // Claimed by the update: a second process starting at the same time
    // finds the version already moved and leaves the index alone.
    let claimed = sqlx::query("UPDATE search_state SET version = $1 WHERE id = 1 AND version < $1")
        .bind(VERSION)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if claimed == 0 {
        return Ok(false);
    }
    rebuild(&mut tx).await?;
    tx.commit().await?;
    // Fresh statistics, or PostgreSQL's planner may keep treating the
    // index as empty and scan by kind instead of the full-text index (55
    // ms instead of 3 for a rare word over 50,000 posts) until autovacuum
    // comes round.
    if db.backend == crate::db::Backend::Postgres {
        sqlx::query("ANALYZE search_documents")
            .execute(&db.pool)
            .await?;
    }
    Ok(true)
}

/// Every document again, from the features' own tables.
pub async fn rebuild(tx: &mut Tx) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM search_documents")
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM indicator_index")
        .execute(&mut **tx)
        .await?;
    let posts: Vec<PostSource> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{POST_SOURCE} ORDER BY p.id")))
            .fetch_all(&mut **tx)
            .await?;
    for row in posts {
        index_post_row(tx, row).await?;
    }
    let articles: Vec<ArticleSource> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{ARTICLE_SOURCE} ORDER BY a.id"
    )))
    .fetch_all(&mut **tx)
    .await?;
    for row in articles {
        index_article_row(tx, row).await?;
    }
    let incidents: Vec<IncidentSource> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{INCIDENT_SOURCE} ORDER BY id"
    )))
    .fetch_all(&mut **tx)
    .await?;
    for row in incidents {
        index_incident_row(tx, row).await?;
    }
    let advisories: Vec<AdvisorySource> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{ADVISORY_SOURCE} ORDER BY a.id"
    )))
    .fetch_all(&mut **tx)
    .await?;
    for row in advisories {
        index_advisory_row(tx, row).await?;
    }
    Ok(())
}
