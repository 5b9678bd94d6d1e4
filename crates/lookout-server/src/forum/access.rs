//! Who may read what in the forum: a category's audience (roles and
//! organisation kinds, `Category::admits`) and a thread's sharing level
//! against the reader's clearance (`sharing::clearance`). Every forum
//! page, file, search result and notification asks here; a thread a reader
//! may not read does not exist for them (404).

use super::model::Category;
use super::store::{self, Thread};
use crate::accounts::authz::{self, Capability};
use crate::accounts::model::{OrgKind, Role, User};
use crate::db::Db;
use crate::sharing::clearance::Clearance;
use crate::web::AppError;

#[derive(Clone, Debug)]
pub struct Reader {
    pub user: User,
    pub org_kind: Option<OrgKind>,
    pub clearance: Clearance,
}

impl Reader {
    pub async fn of(db: &Db, user: &User) -> Result<Reader, sqlx::Error> {
        let org: Option<(String, i64)> = match user.org_id {
            Some(org_id) => {
                sqlx::query_as("SELECT kind, tlp_clearance FROM organisations WHERE id = $1")
                    .bind(org_id)
                    .fetch_optional(&db.pool)
                    .await?
            }
            None => None,
        };
        Ok(Reader::from_parts(
            user.clone(),
            org.as_ref().map(|(kind, _)| kind.as_str()),
            org.as_ref().map(|(_, level)| *level),
        ))
    }

    /// A reader from what a caller already read (a fan-out reads every
    /// recipient in one query).
    pub fn from_parts(user: User, org_kind: Option<&str>, org_level: Option<i64>) -> Reader {
        let clearance = Clearance::for_member(user.role, user.org_id, org_level);
        Reader {
            org_kind: org_kind.and_then(OrgKind::parse),
            clearance,
            user,
        }
    }

    pub fn is_moderator(&self) -> bool {
        authz::allows(&self.user, Capability::Moderate)
    }

    pub fn may_enter(&self, category: &Category) -> bool {
        category.admits(self.user.role, self.org_kind)
    }

    /// The forum's sharing rule: a thread's level at or below the reader's
    /// clearance. Unlike incidents, no organisation sees a thread above its
    /// level because it "owns" it: a thread belongs to no organisation.
    pub fn may_read(&self, category: &Category, thread: &Thread) -> bool {
        self.may_enter(category) && thread.tlp_rank <= self.clearance.max_rank
    }

    /// The sharing levels this reader may give a new thread: those they
    /// can read themselves.
    pub fn thread_levels(&self) -> Vec<&'static str> {
        super::model::THREAD_TLPS
            .iter()
            .copied()
            .filter(|t| {
                crate::sharing::clearance::tlp_rank(t)
                    .is_some_and(|rank| rank <= self.clearance.max_rank)
            })
            .collect()
    }
}

/// A signed-in member's reader, or the sign-in page.
pub async fn reader(db: &Db, visitor: &crate::web::Visitor) -> Result<Reader, AppError> {
    let user = visitor.require_user()?;
    Ok(Reader::of(db, user).await?)
}

/// `thread` with its category, if this reader may read it.
async fn readable(
    db: &Db,
    reader: &Reader,
    thread: Thread,
) -> Result<(Category, Thread), AppError> {
    let category = store::category_by_id(&db.pool, thread.category_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !reader.may_read(&category, &thread) {
        return Err(AppError::NotFound);
    }
    Ok((category, thread))
}

/// The threads this reader follows and may still read, latest post
/// first, at most `limit`: the start page's "threads you follow".
pub async fn followed_threads(
    db: &Db,
    reader: &Reader,
    limit: usize,
) -> Result<Vec<Thread>, AppError> {
    let mut threads = Vec::new();
    for id in store::followed(db, reader.user.id, store::Follow::Thread).await? {
        if let Some(thread) = store::thread_by_id(&db.pool, id).await?
            && let Ok((_, thread)) = readable(db, reader, thread).await
        {
            threads.push(thread);
        }
    }
    threads.sort_by_key(|t| std::cmp::Reverse(t.last_post_at));
    threads.truncate(limit);
    Ok(threads)
}

/// The category and thread `reference` names, if this reader may read it.
pub async fn readable_thread(
    db: &Db,
    reader: &Reader,
    reference: &str,
) -> Result<(Category, Thread), AppError> {
    let thread = store::thread_by_ref(&db.pool, reference)
        .await?
        .ok_or(AppError::NotFound)?;
    readable(db, reader, thread).await
}

/// Post `number` of thread `reference`, as every address names a post (a
/// thread's own count, never the global row id, whose gaps would count
/// posts the reader cannot see), if this reader may read it.
pub async fn readable_post(
    db: &Db,
    reader: &Reader,
    reference: &str,
    number: i64,
) -> Result<(Category, Thread, store::Post), AppError> {
    let (category, thread) = readable_thread(db, reader, reference).await?;
    let post = store::post_by_number(db, thread.id, number)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((category, thread, post))
}

/// The post a stored row (a file) belongs to, if this reader may read it.
pub async fn readable_post_by_id(
    db: &Db,
    reader: &Reader,
    post_id: i64,
) -> Result<(Category, Thread, store::Post), AppError> {
    let post = store::post_by_id(&db.pool, post_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let thread = store::thread_by_id(&db.pool, post.thread_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (category, thread) = readable(db, reader, thread).await?;
    Ok((category, thread, post))
}

/// A category this reader may enter.
pub async fn enterable_category(
    db: &Db,
    reader: &Reader,
    slug: &str,
) -> Result<Category, AppError> {
    store::category_by_slug(&db.pool, slug)
        .await?
        .filter(|c| reader.may_enter(c))
        .ok_or(AppError::NotFound)
}

/// Whether a member (role, organisation kind and level as stored now) may
/// still read the forum thread an alert is about: the fan-out asks before
/// it writes a notification, and `alerts::current` whenever one is shown or
/// delivered.
pub async fn may_still_read(
    conn: &mut sqlx::AnyConnection,
    thread_ref: &str,
    role: Role,
    org_id: Option<i64>,
    org_kind: Option<&str>,
    org_level: Option<i64>,
) -> Result<bool, sqlx::Error> {
    let Some(thread) = store::thread_by_ref(&mut *conn, thread_ref).await? else {
        return Ok(false);
    };
    let Some(category) = store::category_by_id(&mut *conn, thread.category_id).await? else {
        return Ok(false);
    };
    let reader = Reader::from_parts(
        User {
            id: 0,
            email: String::new(),
            display_name: String::new(),
            role,
            org_id,
            mfa_enabled: false,
        },
        org_kind,
        org_level,
    );
    Ok(reader.may_read(&category, &thread))
}
