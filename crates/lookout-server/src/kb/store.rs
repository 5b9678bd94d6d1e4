//! Articles in the database. An article has numbered versions: the one
//! members read (`published_version`) and at most one newer working draft,
//! which may wait for review (`submitted_by` set).

use serde::Serialize;

use super::model::Content;
use crate::db::{Db, Tx, now};
use crate::review::{self, Head, Reviewed, Tables};

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

/// One numbered version of an article.
pub type Version = review::Version<Content>;

const ARTICLE: &str =
    "id, slug, kind, state, published_version, created_at, updated_at, published_at";

/// Articles are always reviewed by a second editor.
impl Reviewed for Article {
    type Content = Content;

    const TABLES: Tables = Tables {
        documents: ("kb_articles", ARTICLE, "slug", "published_version"),
        versions: ("kb_versions", "article_id", "reviewed_by"),
    };

    fn head(&self) -> Head<'_> {
        Head::new(self.id, &self.slug, self.published_version)
    }

    async fn published(&self, tx: &mut Tx, _: &Version) -> Result<(), sqlx::Error> {
        crate::search::index::article(tx, self.id).await
    }
}

pub async fn by_slug<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    slug: &str,
) -> Result<Option<Article>, sqlx::Error> {
    review::store::by_key::<Article>(executor, slug).await
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
        review::store::insert_version::<Article>(tx, article.id, 1, content, author_id).await?;
    }
    Ok(article)
}

pub async fn version<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    article_id: i64,
    number: i64,
) -> Result<Option<Version>, sqlx::Error> {
    review::store::version::<Article>(executor, article_id, number).await
}

/// The newest version, published or not: what the editor opens.
pub async fn latest<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    article_id: i64,
) -> Result<Option<Version>, sqlx::Error> {
    review::store::latest::<Article>(executor, article_id).await
}

/// Every version, newest first.
pub async fn versions(db: &Db, article_id: i64) -> Result<Vec<Version>, sqlx::Error> {
    review::store::versions::<Article>(&db.pool, article_id, 200).await
}

/// Marks the working draft as waiting for review by another editor.
pub async fn submit(tx: &mut Tx, version_id: i64, editor_id: i64) -> Result<(), sqlx::Error> {
    review::store::submit::<Article>(tx, version_id, editor_id).await
}

/// Makes `version` the one members read; false when it already was.
pub async fn publish(
    tx: &mut Tx,
    article: &Article,
    version: &Version,
    reviewer_id: Option<i64>,
) -> Result<bool, sqlx::Error> {
    review::store::publish::<Article>(tx, article, version, reviewer_id).await
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
    let changed = review::store::transition::<Article>(tx, article_id, from, to).await?;
    crate::search::index::article(tx, article_id).await?;
    Ok(changed)
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

/// The columns of a list line.
const LISTED: &str = "a.slug, a.kind, a.state, v.title, v.summary, v.tags, v.tlp, v.number, \
     a.updated_at, v.submitted_by";

/// Published articles up to `max_rank`, optionally of one kind or tag.
pub async fn list_published(
    db: &Db,
    max_rank: i64,
    kind: Option<&str>,
    tag: Option<&str>,
) -> Result<Vec<Listed>, sqlx::Error> {
    // Tags are stored space-joined; padding both sides matches whole tags.
    let sql = format!(
        "SELECT {LISTED} FROM {} \
         WHERE a.state = 'published' AND v.tlp_rank <= $1 \
         AND ($2 = '' OR a.kind = $2) AND ($3 = '' OR (' ' || v.tags || ' ') LIKE $4) \
         ORDER BY a.updated_at DESC, a.id DESC LIMIT 500",
        review::store::published_versions::<Article>()
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(max_rank)
        .bind(kind.unwrap_or(""))
        .bind(tag.unwrap_or(""))
        .bind(format!("% {} %", tag.unwrap_or("")))
        .fetch_all(&db.pool)
        .await
}

/// The editors' queue: articles with a working draft, newest first.
pub async fn list_drafts(db: &Db) -> Result<Vec<Listed>, sqlx::Error> {
    review::store::list_drafts::<Article, Listed>(db, LISTED, 200).await
}

/// The checklist items `user_id` ticked in article `article_id`.
pub async fn ticks(db: &Db, user_id: i64, article_id: i64) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT item FROM kb_checklist_ticks WHERE user_id = $1 AND article_id = $2")
        .bind(user_id)
        .bind(article_id)
        .fetch_all(&db.pool)
        .await
}

/// Replaces `user_id`'s ticks in article `article_id` with `items`.
pub async fn save_ticks(
    tx: &mut Tx,
    user_id: i64,
    article_id: i64,
    items: &[&str],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM kb_checklist_ticks WHERE user_id = $1 AND article_id = $2")
        .bind(user_id)
        .bind(article_id)
        .execute(&mut **tx)
        .await?;
    for item in items {
        sqlx::query(
            "INSERT INTO kb_checklist_ticks (user_id, article_id, item, ticked_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        )
        .bind(user_id)
        .bind(article_id)
        .bind(*item)
        .bind(now())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
