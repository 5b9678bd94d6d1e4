//! Articles in the database. An article has numbered versions: the one
//! members read (`published_version`) and at most one newer working draft,
//! which may wait for review (`submitted_by` set).

use serde::Serialize;

use super::model::Content;
use crate::db::{Db, Tx, now};

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Article {
    pub id: i64,
    pub slug: String,
    pub kind: String,
    pub state: String,
    pub published_version: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub published_at: Option<i64>,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Version {
    pub id: i64,
    pub article_id: i64,
    pub number: i64,
    #[sqlx(flatten)]
    pub content: Content,
    pub author_id: Option<i64>,
    pub submitted_by: Option<i64>,
    pub reviewed_by: Option<i64>,
    pub created_at: i64,
}

const ARTICLE: &str =
    "id, slug, kind, state, published_version, created_at, updated_at, published_at";
const VERSION: &str = "id, article_id, number, title, summary, body, tags, tlp, incidents, \
     advisories, author_id, submitted_by, reviewed_by, created_at";

pub async fn by_slug<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    slug: &str,
) -> Result<Option<Article>, sqlx::Error> {
    let sql = format!("SELECT {ARTICLE} FROM kb_articles WHERE slug = $1");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(slug)
        .fetch_optional(executor)
        .await
}

/// Creates an article with its first draft; `None` if the address is taken.
pub async fn create(
    tx: &mut Tx,
    slug: &str,
    kind: &str,
    content: &Content,
    author_id: Option<i64>,
) -> Result<Option<Article>, sqlx::Error> {
    let at = now();
    let sql = format!(
        "INSERT INTO kb_articles (slug, kind, state, created_at, updated_at) \
         VALUES ($1, $2, 'draft', $3, $3) ON CONFLICT (slug) DO NOTHING RETURNING {ARTICLE}"
    );
    let article: Option<Article> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(slug)
        .bind(kind)
        .bind(at)
        .fetch_optional(&mut **tx)
        .await?;
    if let Some(article) = &article {
        insert_version(tx, article.id, 1, content, author_id).await?;
    }
    Ok(article)
}

async fn insert_version(
    tx: &mut Tx,
    article_id: i64,
    number: i64,
    c: &Content,
    author_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO kb_versions (article_id, number, title, summary, body, tags, tlp, tlp_rank, \
         incidents, advisories, author_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(article_id)
    .bind(number)
    .bind(&c.title)
    .bind(&c.summary)
    .bind(&c.body)
    .bind(&c.tags)
    .bind(&c.tlp)
    .bind(c.tlp_rank())
    .bind(&c.incidents)
    .bind(&c.advisories)
    .bind(author_id)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn version<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    article_id: i64,
    number: i64,
) -> Result<Option<Version>, sqlx::Error> {
    let sql = format!("SELECT {VERSION} FROM kb_versions WHERE article_id = $1 AND number = $2");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(article_id)
        .bind(number)
        .fetch_optional(executor)
        .await
}

/// The newest version, published or not: what the editor opens.
pub async fn latest<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    article_id: i64,
) -> Result<Option<Version>, sqlx::Error> {
    let sql = format!(
        "SELECT {VERSION} FROM kb_versions WHERE article_id = $1 ORDER BY number DESC LIMIT 1"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(article_id)
        .fetch_optional(executor)
        .await
}

/// Every version, newest first, without their texts.
pub async fn versions(db: &Db, article_id: i64) -> Result<Vec<Version>, sqlx::Error> {
    let sql = format!(
        "SELECT {VERSION} FROM kb_versions WHERE article_id = $1 ORDER BY number DESC LIMIT 200"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(article_id)
        .fetch_all(&db.pool)
        .await
}

/// Saves the editor's text as the working draft: over the existing one
/// (whose review request then lapses) or as a new version after the
/// published one.
pub async fn save_draft(
    tx: &mut Tx,
    article: &Article,
    content: &Content,
    author_id: i64,
) -> Result<(), sqlx::Error> {
    match latest(&mut **tx, article.id).await? {
        Some(draft) if Some(draft.number) != article.published_version => {
            sqlx::query(
                "UPDATE kb_versions SET title = $1, summary = $2, body = $3, tags = $4, tlp = $5, \
                 tlp_rank = $6, incidents = $7, advisories = $8, author_id = $9, \
                 submitted_by = NULL, reviewed_by = NULL, created_at = $10 WHERE id = $11",
            )
            .bind(&content.title)
            .bind(&content.summary)
            .bind(&content.body)
            .bind(&content.tags)
            .bind(&content.tlp)
            .bind(content.tlp_rank())
            .bind(&content.incidents)
            .bind(&content.advisories)
            .bind(author_id)
            .bind(now())
            .bind(draft.id)
            .execute(&mut **tx)
            .await?;
        }
        latest => {
            let next = latest.map_or(1, |v| v.number + 1);
            insert_version(tx, article.id, next, content, Some(author_id)).await?;
        }
    }
    touch(tx, article.id).await
}

async fn touch(tx: &mut Tx, article_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE kb_articles SET updated_at = $1 WHERE id = $2")
        .bind(now())
        .bind(article_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn submit(tx: &mut Tx, version_id: i64, editor_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE kb_versions SET submitted_by = $1 WHERE id = $2")
        .bind(editor_id)
        .bind(version_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Makes `version` the one members read. The conditional update publishes
/// it once, whoever clicks twice.
pub async fn publish(
    tx: &mut Tx,
    article: &Article,
    version: &Version,
    reviewer_id: Option<i64>,
) -> Result<bool, sqlx::Error> {
    let at = now();
    let changed = sqlx::query(
        "UPDATE kb_articles SET state = 'published', published_version = $1, updated_at = $2, \
         published_at = COALESCE(published_at, $2) WHERE id = $3 \
         AND (published_version IS NULL OR published_version < $1)",
    )
    .bind(version.number)
    .bind(at)
    .bind(article.id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if changed == 1 {
        sqlx::query("UPDATE kb_versions SET reviewed_by = $1 WHERE id = $2")
            .bind(reviewer_id)
            .bind(version.id)
            .execute(&mut **tx)
            .await?;
        crate::search::index::article(tx, article.id).await?;
    }
    Ok(changed == 1)
}

/// Takes an article away from members (or gives it back).
pub async fn set_archived(
    tx: &mut Tx,
    article_id: i64,
    archived: bool,
) -> Result<bool, sqlx::Error> {
    let (from, to) = if archived {
        ("published", "archived")
    } else {
        ("archived", "published")
    };
    let changed = sqlx::query(
        "UPDATE kb_articles SET state = $1, updated_at = $2 WHERE id = $3 AND state = $4",
    )
    .bind(to)
    .bind(now())
    .bind(article_id)
    .bind(from)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    crate::search::index::article(tx, article_id).await?;
    Ok(changed == 1)
}

/// One line of a list: the article with its published (or latest) version.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Listed {
    pub slug: String,
    pub kind: String,
    pub state: String,
    pub title: String,
    pub summary: String,
    pub tags: String,
    pub tlp: String,
    pub number: i64,
    pub updated_at: i64,
    pub submitted_by: Option<i64>,
}

/// Published articles up to `max_rank`, optionally of one kind or tag.
pub async fn list_published(
    db: &Db,
    max_rank: i64,
    kind: Option<&str>,
    tag: Option<&str>,
) -> Result<Vec<Listed>, sqlx::Error> {
    // Tags are stored space-joined; padding both sides matches whole tags.
    sqlx::query_as(
        "SELECT a.slug, a.kind, a.state, v.title, v.summary, v.tags, v.tlp, v.number, \
         a.updated_at, v.submitted_by FROM kb_articles a JOIN kb_versions v \
         ON v.article_id = a.id AND v.number = a.published_version \
         WHERE a.state = 'published' AND v.tlp_rank <= $1 \
         AND ($2 = '' OR a.kind = $2) AND ($3 = '' OR (' ' || v.tags || ' ') LIKE $4) \
         ORDER BY a.updated_at DESC, a.id DESC LIMIT 500",
    )
    .bind(max_rank)
    .bind(kind.unwrap_or(""))
    .bind(tag.unwrap_or(""))
    .bind(format!("% {} %", tag.unwrap_or("")))
    .fetch_all(&db.pool)
    .await
}

/// The editors' queue: articles with a working draft, newest first.
pub async fn list_drafts(db: &Db) -> Result<Vec<Listed>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.slug, a.kind, a.state, v.title, v.summary, v.tags, v.tlp, v.number, \
         a.updated_at, v.submitted_by FROM kb_articles a JOIN kb_versions v ON v.article_id = a.id \
         WHERE v.number = (SELECT MAX(number) FROM kb_versions x WHERE x.article_id = a.id) \
         AND (a.published_version IS NULL OR v.number > a.published_version) \
         ORDER BY a.updated_at DESC, a.id DESC LIMIT 200",
    )
    .fetch_all(&db.pool)
    .await
}
