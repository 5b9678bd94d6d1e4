//! The forum in the database. Every write that belongs together (a thread
//! and its first post and files, a post and its notifications, a
//! moderator's action and its audit entry) runs in the caller's
//! transaction.

use serde::{Deserialize, Serialize};

use super::model::{Category, CategoryForm};
use crate::db::{Db, Tx, now};
use crate::secrets::{MasterKey, SecretError};
use crate::sharing::clearance::tlp_rank;

#[derive(Debug, thiserror::Error)]
pub enum ForumStoreError {
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error("attachment metadata: {0}")]
    Json(#[from] serde_json::Error),
}

/// Posts, threads and edits keep their time to the minute, as pages show
/// it: nothing finer for a copy of the database to set against other
/// records (a pseudonymous post shows no author, only its minute).
pub fn post_time(at: i64) -> i64 {
    at - at.rem_euclid(60)
}

const CATEGORY: &str = "id, slug, name, description, position, roles, org_kinds, created_at";

pub async fn categories(db: &Db) -> Result<Vec<Category>, sqlx::Error> {
    let sql = format!("SELECT {CATEGORY} FROM forum_categories ORDER BY position, name");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .fetch_all(&db.pool)
        .await
}

pub async fn category_by_slug<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    slug: &str,
) -> Result<Option<Category>, sqlx::Error> {
    let sql = format!("SELECT {CATEGORY} FROM forum_categories WHERE slug = $1");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(slug)
        .fetch_optional(executor)
        .await
}

pub async fn category_by_id<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    id: i64,
) -> Result<Option<Category>, sqlx::Error> {
    let sql = format!("SELECT {CATEGORY} FROM forum_categories WHERE id = $1");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(executor)
        .await
}

/// Creates a category, or updates the one with the form's address.
pub async fn save_category(tx: &mut Tx, form: &CategoryForm) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO forum_categories (slug, name, description, position, roles, org_kinds, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (slug) DO UPDATE SET name = $2, \
         description = $3, position = $4, roles = $5, org_kinds = $6",
    )
    .bind(&form.slug)
    .bind(&form.name)
    .bind(&form.description)
    .bind(form.position)
    .bind(&form.roles)
    .bind(&form.org_kinds)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Deletes a category that holds no thread; false otherwise.
pub async fn delete_empty_category(tx: &mut Tx, id: i64) -> Result<bool, sqlx::Error> {
    let deleted = sqlx::query(
        "DELETE FROM forum_categories WHERE id = $1 \
         AND NOT EXISTS (SELECT 1 FROM forum_threads WHERE category_id = $1)",
    )
    .bind(id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(deleted == 1)
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Thread {
    pub id: i64,
    #[sqlx(rename = "ref")]
    pub reference: String,
    pub category_id: i64,
    pub title: String,
    pub tlp: String,
    pub tlp_rank: i64,
    pub pinned: i64,
    pub locked: i64,
    pub post_count: i64,
    pub created_at: i64,
    pub last_post_at: i64,
}

impl Thread {
    pub fn is_locked(&self) -> bool {
        self.locked != 0
    }
    pub fn is_pinned(&self) -> bool {
        self.pinned != 0
    }
    /// Pages of [`super::model::POSTS_PER_PAGE`] posts.
    pub fn pages(&self) -> i64 {
        ((self.post_count - 1).max(0) / super::model::POSTS_PER_PAGE) + 1
    }
}

const THREAD: &str = "id, ref, category_id, title, tlp, tlp_rank, pinned, locked, post_count, \
     created_at, last_post_at";

pub async fn thread_by_ref<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    reference: &str,
) -> Result<Option<Thread>, sqlx::Error> {
    let sql = format!("SELECT {THREAD} FROM forum_threads WHERE ref = $1");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(reference)
        .fetch_optional(executor)
        .await
}

pub async fn thread_by_id<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    id: i64,
) -> Result<Option<Thread>, sqlx::Error> {
    let sql = format!("SELECT {THREAD} FROM forum_threads WHERE id = $1");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(executor)
        .await
}

/// Threads of a category up to sharing level `max_rank`: pinned first,
/// then by latest post.
pub async fn threads_in(
    db: &Db,
    category_id: i64,
    max_rank: i64,
    offset: i64,
    limit: i64,
) -> Result<Vec<Thread>, sqlx::Error> {
    let sql = format!(
        "SELECT {THREAD} FROM forum_threads WHERE category_id = $1 AND tlp_rank <= $2 \
         ORDER BY pinned DESC, last_post_at DESC, id DESC LIMIT $3 OFFSET $4"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(category_id)
        .bind(max_rank)
        .bind(limit)
        .bind(offset)
        .fetch_all(&db.pool)
        .await
}

/// Per category: threads and the latest post, as a reader up to
/// `max_rank` sees them.
pub async fn category_activity(
    db: &Db,
    max_rank: i64,
) -> Result<Vec<(i64, i64, Option<i64>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT category_id, COUNT(*), MAX(last_post_at) FROM forum_threads \
         WHERE tlp_rank <= $1 GROUP BY category_id",
    )
    .bind(max_rank)
    .fetch_all(&db.pool)
    .await
}

pub async fn create_thread(
    tx: &mut Tx,
    category_id: i64,
    title: &str,
    tlp: &str,
) -> Result<Thread, ForumStoreError> {
    let at = post_time(now());
    let reference = crate::secrets::public_reference("T")?;
    let sql = format!(
        "INSERT INTO forum_threads (ref, category_id, title, tlp, tlp_rank, created_at, last_post_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING {THREAD}"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(&reference)
        .bind(category_id)
        .bind(title)
        .bind(tlp)
        .bind(tlp_rank(tlp).unwrap_or(3))
        .bind(at)
        .fetch_one(&mut **tx)
        .await?)
}

pub async fn set_flag(
    tx: &mut Tx,
    thread_id: i64,
    flag: ThreadFlag,
    on: bool,
) -> Result<bool, sqlx::Error> {
    let sql = match flag {
        ThreadFlag::Pinned => "UPDATE forum_threads SET pinned = $1 WHERE id = $2 AND pinned <> $1",
        ThreadFlag::Locked => "UPDATE forum_threads SET locked = $1 WHERE id = $2 AND locked <> $1",
    };
    let changed = sqlx::query(sql)
        .bind(i64::from(on))
        .bind(thread_id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    Ok(changed == 1)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThreadFlag {
    Pinned,
    Locked,
}

pub async fn move_thread(tx: &mut Tx, thread_id: i64, category_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE forum_threads SET category_id = $1 WHERE id = $2")
        .bind(category_id)
        .bind(thread_id)
        .execute(&mut **tx)
        .await?;
    crate::search::index::thread_moved(tx, thread_id, category_id).await
}

/// Who a post is by, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Author {
    Named(i64),
    Pseudonym { tag: String, name: String },
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Post {
    pub id: i64,
    pub thread_id: i64,
    pub number: i64,
    pub author_id: Option<i64>,
    pub author_tag: Option<String>,
    pub pseudonym: Option<String>,
    pub body: String,
    pub state: String,
    pub hidden_reason: String,
    pub created_at: i64,
    pub edited_at: Option<i64>,
    /// The named author's display name and organisation (empty for
    /// pseudonymous posts).
    pub author_name: Option<String>,
    pub author_org: Option<String>,
}

impl Post {
    pub fn is_visible(&self) -> bool {
        self.state == "visible"
    }
    pub fn is_hidden(&self) -> bool {
        self.state == "hidden"
    }
    pub fn is_deleted(&self) -> bool {
        self.state == "deleted"
    }
    /// The name shown above the post.
    pub fn byline(&self) -> String {
        match (&self.pseudonym, &self.author_name) {
            (Some(pseudonym), _) => pseudonym.clone(),
            (None, Some(name)) => name.clone(),
            (None, None) => "A former member".into(),
        }
    }
    pub fn handle(&self) -> Option<String> {
        self.author_name
            .as_deref()
            .filter(|_| self.pseudonym.is_none())
            .map(super::model::handle_of)
    }
    /// Whether `user_id` wrote it; `tag` is their tag for this thread.
    pub fn is_by(&self, user_id: i64, tag: &str) -> bool {
        self.author_id == Some(user_id)
            || self
                .author_tag
                .as_deref()
                .is_some_and(|t| crate::secrets::constant_time_eq(t.as_bytes(), tag.as_bytes()))
    }
}

const POST: &str = "p.id, p.thread_id, p.number, p.author_id, p.author_tag, p.pseudonym, p.body, \
     p.state, p.hidden_reason, p.created_at, p.edited_at, u.display_name AS author_name, \
     o.name AS author_org";
const POST_FROM: &str = "forum_posts p LEFT JOIN users u ON u.id = p.author_id \
     LEFT JOIN organisations o ON o.id = u.org_id";

pub async fn posts_in(
    db: &Db,
    thread_id: i64,
    offset: i64,
    limit: i64,
) -> Result<Vec<Post>, sqlx::Error> {
    let sql = format!(
        "SELECT {POST} FROM {POST_FROM} WHERE p.thread_id = $1 ORDER BY p.number LIMIT $2 OFFSET $3"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(thread_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(&db.pool)
        .await
}

pub async fn post_by_id<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    id: i64,
) -> Result<Option<Post>, sqlx::Error> {
    let sql = format!("SELECT {POST} FROM {POST_FROM} WHERE p.id = $1");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(executor)
        .await
}

pub async fn post_by_number(
    db: &Db,
    thread_id: i64,
    number: i64,
) -> Result<Option<Post>, sqlx::Error> {
    let sql = format!("SELECT {POST} FROM {POST_FROM} WHERE p.thread_id = $1 AND p.number = $2");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(thread_id)
        .bind(number)
        .fetch_optional(&db.pool)
        .await
}

/// Whether another member already goes by `name` in this thread.
/// The pseudonym the author `author_tag` already posts under in the
/// thread, if they do.
pub async fn pseudonym_of(
    conn: &mut sqlx::AnyConnection,
    thread_id: i64,
    author_tag: &str,
) -> Result<Option<String>, sqlx::Error> {
    let existing: Option<Option<String>> = sqlx::query_scalar(
        "SELECT pseudonym FROM forum_posts WHERE thread_id = $1 AND author_tag = $2 LIMIT 1",
    )
    .bind(thread_id)
    .bind(author_tag)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(existing.flatten())
}

pub async fn pseudonym_taken(
    conn: &mut sqlx::AnyConnection,
    thread_id: i64,
    name: &str,
    own_tag: &str,
) -> Result<bool, sqlx::Error> {
    let other: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM forum_posts WHERE thread_id = $1 AND pseudonym = $2 \
         AND (author_tag IS NULL OR author_tag <> $3) LIMIT 1",
    )
    .bind(thread_id)
    .bind(name)
    .bind(own_tag)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(other.is_some())
}

/// Appends a post to a thread: its number is the thread's next, drawn by
/// the update that counts it, so two processes never draw the same one.
pub async fn add_post(
    tx: &mut Tx,
    thread_id: i64,
    author: &Author,
    body: &str,
) -> Result<(i64, i64), sqlx::Error> {
    let at = post_time(now());
    let number: i64 = sqlx::query_scalar(
        "UPDATE forum_threads SET post_count = post_count + 1, last_post_at = $1 WHERE id = $2 \
         RETURNING post_count",
    )
    .bind(at)
    .bind(thread_id)
    .fetch_one(&mut **tx)
    .await?;
    let (author_id, tag, pseudonym) = match author {
        Author::Named(id) => (Some(*id), None, None),
        Author::Pseudonym { tag, name } => (None, Some(tag.as_str()), Some(name.as_str())),
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO forum_posts (thread_id, number, author_id, author_tag, pseudonym, body, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(thread_id)
    .bind(number)
    .bind(author_id)
    .bind(tag)
    .bind(pseudonym)
    .bind(body)
    .bind(at)
    .fetch_one(&mut **tx)
    .await?;
    crate::search::index::post(tx, id).await?;
    Ok((id, number))
}

/// Replaces a visible post's text, keeping the old one in its history.
pub async fn edit_post(tx: &mut Tx, post: &Post, body: &str) -> Result<bool, sqlx::Error> {
    let at = post_time(now());
    let changed = sqlx::query(
        "UPDATE forum_posts SET body = $1, edited_at = $2 WHERE id = $3 AND state = 'visible' \
         AND body = $4",
    )
    .bind(body)
    .bind(at)
    .bind(post.id)
    .bind(&post.body)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if changed == 1 {
        sqlx::query(
            "INSERT INTO forum_post_revisions (post_id, body, replaced_at) VALUES ($1, $2, $3)",
        )
        .bind(post.id)
        .bind(&post.body)
        .bind(at)
        .execute(&mut **tx)
        .await?;
        crate::search::index::post(tx, post.id).await?;
    }
    Ok(changed == 1)
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Revision {
    pub body: String,
    pub replaced_at: i64,
}

/// A post's earlier texts, oldest first.
pub async fn revisions(db: &Db, post_id: i64) -> Result<Vec<Revision>, sqlx::Error> {
    sqlx::query_as(
        "SELECT body, replaced_at FROM forum_post_revisions WHERE post_id = $1 ORDER BY id",
    )
    .bind(post_id)
    .fetch_all(&db.pool)
    .await
}

/// The author's deletion: the text, its history and its files are gone;
/// the numbered place in the thread stays, so replies still make sense.
pub async fn delete_post(tx: &mut Tx, post_id: i64) -> Result<bool, sqlx::Error> {
    let changed = sqlx::query(
        "UPDATE forum_posts SET body = '', state = 'deleted', edited_at = $1 \
         WHERE id = $2 AND state <> 'deleted'",
    )
    .bind(post_time(now()))
    .bind(post_id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    for table in ["forum_post_revisions", "forum_attachments"] {
        let sql = format!("DELETE FROM {table} WHERE post_id = $1");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(post_id)
            .execute(&mut **tx)
            .await?;
    }
    crate::search::index::post(tx, post_id).await?;
    Ok(changed == 1)
}

/// A moderator hides a post (members see why, not what) or shows it again.
pub async fn set_hidden(
    tx: &mut Tx,
    post_id: i64,
    hidden: bool,
    reason: &str,
) -> Result<bool, sqlx::Error> {
    let (from, to) = if hidden {
        ("visible", "hidden")
    } else {
        ("hidden", "visible")
    };
    let changed = sqlx::query(
        "UPDATE forum_posts SET state = $1, hidden_reason = $2 WHERE id = $3 AND state = $4",
    )
    .bind(to)
    .bind(if hidden { reason } else { "" })
    .bind(post_id)
    .bind(from)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    crate::search::index::post(tx, post_id).await?;
    Ok(changed == 1)
}

/// What a member reads about an attachment (sealed at rest with its file).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct AttachmentMeta {
    pub filename: String,
    pub mime: String,
    pub kind: String,
    pub removed: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Attachment {
    pub reference: String,
    pub post_id: i64,
    pub size: i64,
    pub meta: AttachmentMeta,
}

fn attachment_context(reference: &str, column: &str) -> String {
    format!("forum_attachments.{column}:{reference}")
}

const SEALED_FILE: &str = "forum-attachment";

pub async fn add_attachment(
    tx: &mut Tx,
    key: &MasterKey,
    post_id: i64,
    meta: &AttachmentMeta,
    bytes: &[u8],
) -> Result<(), ForumStoreError> {
    let reference = crate::secrets::public_reference("F")?;
    let file_key = key.derive(SEALED_FILE);
    let sealed_meta = crate::secrets::seal_with(
        &file_key,
        &attachment_context(&reference, "sealed_meta"),
        &serde_json::to_vec(meta)?,
    )?;
    let sealed_bytes = crate::secrets::seal_bytes(
        &file_key,
        &attachment_context(&reference, "sealed_bytes"),
        bytes,
    )?;
    sqlx::query(
        "INSERT INTO forum_attachments (ref, post_id, sealed_meta, sealed_bytes, size) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&reference)
    .bind(post_id)
    .bind(sealed_meta)
    .bind(sealed_bytes)
    .bind(i64::try_from(bytes.len()).unwrap_or(i64::MAX))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The files of the posts `post_ids` (one page of a thread).
pub async fn attachments_of(
    db: &Db,
    key: &MasterKey,
    thread_id: i64,
    first_number: i64,
    last_number: i64,
) -> Result<Vec<Attachment>, ForumStoreError> {
    let rows: Vec<(String, i64, i64, String)> = sqlx::query_as(
        "SELECT a.ref, a.post_id, a.size, a.sealed_meta FROM forum_attachments a \
         JOIN forum_posts p ON p.id = a.post_id \
         WHERE p.thread_id = $1 AND p.number >= $2 AND p.number <= $3 ORDER BY a.id",
    )
    .bind(thread_id)
    .bind(first_number)
    .bind(last_number)
    .fetch_all(&db.pool)
    .await?;
    let file_key = key.derive(SEALED_FILE);
    rows.into_iter()
        .map(|(reference, post_id, size, sealed)| {
            let meta = crate::secrets::open_with(
                &file_key,
                &attachment_context(&reference, "sealed_meta"),
                &sealed,
            )?;
            Ok(Attachment {
                reference,
                post_id,
                size,
                meta: serde_json::from_slice(&meta)?,
            })
        })
        .collect()
}

/// One file with the post it belongs to; `None` if there is no such file.
pub async fn open_attachment(
    db: &Db,
    key: &MasterKey,
    reference: &str,
) -> Result<Option<(i64, AttachmentMeta, Vec<u8>)>, ForumStoreError> {
    let row: Option<(i64, String, Vec<u8>)> = sqlx::query_as(
        "SELECT post_id, sealed_meta, sealed_bytes FROM forum_attachments WHERE ref = $1",
    )
    .bind(reference)
    .fetch_optional(&db.pool)
    .await?;
    let Some((post_id, sealed_meta, sealed_bytes)) = row else {
        return Ok(None);
    };
    let file_key = key.derive(SEALED_FILE);
    let meta = crate::secrets::open_with(
        &file_key,
        &attachment_context(reference, "sealed_meta"),
        &sealed_meta,
    )?;
    let bytes = crate::secrets::open_bytes(
        &file_key,
        &attachment_context(reference, "sealed_bytes"),
        &sealed_bytes,
    )?;
    Ok(Some((post_id, serde_json::from_slice(&meta)?, bytes)))
}

/// A member's report of a post; a second report by the same member
/// replaces the reason and reopens it.
pub async fn flag(
    tx: &mut Tx,
    post_id: i64,
    reporter_id: i64,
    reason: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO forum_flags (post_id, reporter_id, reason, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (post_id, reporter_id) DO UPDATE SET reason = $3, created_at = $4, \
         resolved_at = NULL, resolved_by = NULL",
    )
    .bind(post_id)
    .bind(reporter_id)
    .bind(reason)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// One open report, with the post it is about.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct OpenFlag {
    pub id: i64,
    pub post_id: i64,
    pub reason: String,
    pub created_at: i64,
    pub reporter_name: String,
    pub post_number: i64,
    pub post_state: String,
    pub thread_ref: String,
    pub thread_title: String,
}

pub async fn open_flags(db: &Db, limit: i64) -> Result<Vec<OpenFlag>, sqlx::Error> {
    sqlx::query_as(
        "SELECT f.id, f.post_id, f.reason, f.created_at, u.display_name AS reporter_name, \
         p.number AS post_number, p.state AS post_state, t.ref AS thread_ref, \
         t.title AS thread_title FROM forum_flags f JOIN users u ON u.id = f.reporter_id \
         JOIN forum_posts p ON p.id = f.post_id JOIN forum_threads t ON t.id = p.thread_id \
         WHERE f.resolved_at IS NULL ORDER BY f.created_at, f.id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(&db.pool)
    .await
}

/// Closes every open report of a post (it was hidden, or judged fine).
pub async fn resolve_flags(
    tx: &mut Tx,
    post_id: i64,
    moderator_id: i64,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE forum_flags SET resolved_at = $1, resolved_by = $2 \
         WHERE post_id = $3 AND resolved_at IS NULL",
    )
    .bind(now())
    .bind(moderator_id)
    .bind(post_id)
    .execute(&mut **tx)
    .await?
    .rows_affected())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Follow {
    Thread,
    Category,
}

impl Follow {
    pub fn id(self) -> &'static str {
        match self {
            Follow::Thread => "thread",
            Follow::Category => "category",
        }
    }
    pub fn parse(id: &str) -> Option<Follow> {
        match id {
            "thread" => Some(Follow::Thread),
            "category" => Some(Follow::Category),
            _ => None,
        }
    }
}

pub async fn set_following(
    tx: &mut Tx,
    user_id: i64,
    kind: Follow,
    target_id: i64,
    on: bool,
) -> Result<(), sqlx::Error> {
    let query = if on {
        sqlx::query(
            "INSERT INTO forum_follows (user_id, kind, target_id, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (user_id, kind, target_id) DO NOTHING",
        )
        .bind(user_id)
        .bind(kind.id())
        .bind(target_id)
        .bind(now())
    } else {
        sqlx::query("DELETE FROM forum_follows WHERE user_id = $1 AND kind = $2 AND target_id = $3")
            .bind(user_id)
            .bind(kind.id())
            .bind(target_id)
    };
    query.execute(&mut **tx).await?;
    Ok(())
}

/// The ids of everything of `kind` a member follows.
pub async fn followed(db: &Db, user_id: i64, kind: Follow) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT target_id FROM forum_follows WHERE user_id = $1 AND kind = $2")
        .bind(user_id)
        .bind(kind.id())
        .fetch_all(&db.pool)
        .await
}

pub async fn is_following(
    db: &Db,
    user_id: i64,
    kind: Follow,
    target_id: i64,
) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT user_id FROM forum_follows WHERE user_id = $1 AND kind = $2 AND target_id = $3",
    )
    .bind(user_id)
    .bind(kind.id())
    .bind(target_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(found.is_some())
}

pub async fn followers(tx: &mut Tx, kind: Follow, target_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT user_id FROM forum_follows WHERE kind = $1 AND target_id = $2 ORDER BY user_id",
    )
    .bind(kind.id())
    .bind(target_id)
    .fetch_all(&mut **tx)
    .await
}
