//! The members' forum pages: categories, threads, posting (named or under
//! the thread's pseudonym), quoting, editing with history, deleting one's
//! own post, files, following. Every page asks `access` first.

use askama::Template;
use axum::extract::{Path, Query, Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::access::{self, Reader};
use super::model::{Category, POSTS_PER_PAGE, PostForm, THREADS_PER_PAGE};
use super::notify::{self, NewPost};
use super::pseudonym;
use super::store::{self, Attachment, AttachmentMeta, Author, Follow, Post, Revision, Thread};
use crate::accounts::extract::SignedIn;
use crate::db::Tx;
use crate::files::{Prepared, Upload, prepare_at_most};
use crate::secrets::MasterKey;
use crate::state::AppState;
use crate::web::confirm::{Confirmation, Confirmed};
use crate::web::labels::Labels;
use crate::web::templates::{Page, markdown_html as markdown, render, render_invalid};
use crate::web::{AppError, Visitor};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PageQuery {
    page: i64,
}

impl PageQuery {
    fn page(&self) -> i64 {
        self.page.max(1)
    }
}

struct Listed {
    category: Category,
    threads: i64,
    last_post_at: Option<i64>,
    following: bool,
}

#[derive(Template)]
#[template(path = "forum/index.html")]
struct IndexPage {
    page: Page,
    categories: Vec<Listed>,
    is_moderator: bool,
    open_flags: usize,
}
impl Labels for IndexPage {}

pub async fn index(State(state): State<AppState>, visitor: Visitor) -> Result<Response, AppError> {
    let reader = access::reader(&state.db, &visitor).await?;
    let activity = store::category_activity(&state.db, reader.clearance.max_rank).await?;
    let followed = store::followed(&state.db, reader.user.id, Follow::Category).await?;
    let mut categories = Vec::new();
    for category in store::categories(&state.db).await? {
        if !reader.may_enter(&category) {
            continue;
        }
        let (threads, last_post_at) = activity
            .iter()
            .find(|(id, _, _)| *id == category.id)
            .map_or((0, None), |(_, n, last)| (*n, *last));
        let following = followed.contains(&category.id);
        categories.push(Listed {
            category,
            threads,
            last_post_at,
            following,
        });
    }
    let open_flags = if reader.is_moderator() {
        store::open_flags(&state.db, 500).await?.len()
    } else {
        0
    };
    render(&IndexPage {
        page: Page::new(&visitor, "Forum"),
        categories,
        is_moderator: reader.is_moderator(),
        open_flags,
    })
}

#[derive(Template)]
#[template(path = "forum/about.html")]
struct AboutPage {
    page: Page,
}

pub async fn about(SignedIn { visitor, .. }: SignedIn) -> Result<Response, AppError> {
    render(&AboutPage {
        page: Page::new(&visitor, "Who can see what in the forum"),
    })
}

#[derive(Template)]
#[template(path = "forum/category.html")]
struct CategoryPage {
    page: Page,
    category: Category,
    threads: Vec<Thread>,
    page_number: i64,
    has_more: bool,
    following: bool,
}
impl Labels for CategoryPage {}

pub async fn category(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
    Query(query): Query<PageQuery>,
) -> Result<Response, AppError> {
    let reader = access::reader(&state.db, &visitor).await?;
    let category = access::enterable_category(&state.db, &reader, &slug).await?;
    let page_number = query.page();
    let mut threads = store::threads_in(
        &state.db,
        category.id,
        reader.clearance.max_rank,
        (page_number - 1) * THREADS_PER_PAGE,
        THREADS_PER_PAGE + 1,
    )
    .await?;
    let has_more = threads.len() as i64 > THREADS_PER_PAGE;
    threads.truncate(THREADS_PER_PAGE as usize);
    let following =
        store::is_following(&state.db, reader.user.id, Follow::Category, category.id).await?;
    render(&CategoryPage {
        page: Page::new(&visitor, &category.name),
        category,
        threads,
        page_number,
        has_more,
        following,
    })
}

#[derive(Template)]
#[template(path = "forum/new_thread.html")]
struct NewThreadPage {
    page: Page,
    category: Category,
    form: PostForm,
    levels: Vec<&'static str>,
    problems: Vec<String>,
    preview_html: Option<String>,
    max_files: usize,
    max_mb: usize,
}
impl Labels for NewThreadPage {}

fn new_thread_page(
    state: &AppState,
    visitor: &Visitor,
    reader: &Reader,
    category: Category,
    form: PostForm,
) -> NewThreadPage {
    NewThreadPage {
        page: Page::new(visitor, "New thread"),
        category,
        form,
        levels: reader.thread_levels(),
        problems: Vec::new(),
        preview_html: None,
        max_files: crate::config::FILES_PER_POST,
        max_mb: state.config.attachment_max_mb,
    }
}

pub async fn new_thread_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let reader = access::reader(&state.db, &visitor).await?;
    let category = access::enterable_category(&state.db, &reader, &slug).await?;
    let form = PostForm {
        tlp: "amber".into(),
        ..PostForm::default()
    };
    render(&new_thread_page(&state, &visitor, &reader, category, form))
}

const AGAIN: &str = "Choose your files again: browsers do not keep them on a form sent back.";

/// Cleans a post's files for the forum: members only ever receive the
/// cleaned copy, so a file that can only be kept for analysts is refused
/// here with what to do instead.
async fn prepare_files(
    state: &AppState,
    uploads: Vec<Upload>,
) -> Result<Vec<Prepared>, Vec<String>> {
    let prepared = prepare_at_most(
        uploads,
        crate::config::FILES_PER_POST,
        "post",
        &state.config,
    )
    .await?;
    let refused: Vec<String> = prepared
        .iter()
        .filter(|p| p.cleaned().is_none())
        .map(|p| {
            format!(
                "{}: cannot be shared in the forum ({}). To have a suspicious file looked at, \
                 upload it to File analysis instead.",
                p.meta.filename,
                p.meta
                    .analysts_only
                    .as_deref()
                    .unwrap_or("not a kind of file we can clean")
            )
        })
        .collect();
    if refused.is_empty() {
        Ok(prepared)
    } else {
        Err(refused)
    }
}

/// The files of a form, cleaned, or the problems to show (with the reminder
/// that they must be chosen again). Nothing is cleaned for a form that
/// will come back anyway.
async fn files_or_problems(
    state: &AppState,
    uploads: Vec<Upload>,
    problems: &mut Vec<String>,
) -> Vec<Prepared> {
    if !problems.is_empty() {
        if !uploads.is_empty() {
            problems.push(AGAIN.into());
        }
        return Vec::new();
    }
    match prepare_files(state, uploads).await {
        Ok(prepared) => prepared,
        Err(file_problems) => {
            problems.extend(file_problems);
            problems.push(AGAIN.into());
            Vec::new()
        }
    }
}

async fn store_files(
    tx: &mut Tx,
    key: &MasterKey,
    post_id: i64,
    prepared: &[Prepared],
) -> Result<(), AppError> {
    for file in prepared {
        let Some(bytes) = file.cleaned() else {
            continue;
        };
        let meta = AttachmentMeta {
            filename: file.meta.filename.clone(),
            mime: file.meta.mime.clone(),
            kind: file.meta.kind.clone(),
            removed: file.meta.removed.clone(),
        };
        store::add_attachment(tx, key, post_id, &meta, bytes)
            .await
            .map_err(AppError::internal)?;
    }
    Ok(())
}

/// The member's pseudonym in a thread: the one they already post under
/// there, or a new one no other member of the thread has.
pub async fn pseudonym_in(
    conn: &mut sqlx::AnyConnection,
    key: &MasterKey,
    thread_id: i64,
    user_id: i64,
) -> Result<(String, String), sqlx::Error> {
    let tag = pseudonym::author_tag(key, thread_id, user_id);
    if let Some(name) = store::pseudonym_of(conn, thread_id, &tag).await? {
        return Ok((tag, name));
    }
    let mut attempt = 0;
    loop {
        let name = pseudonym::name(key, thread_id, user_id, attempt);
        if attempt >= 16 || !store::pseudonym_taken(conn, thread_id, &name, &tag).await? {
            return Ok((tag, name));
        }
        attempt += 1;
    }
}

/// Adds a post with its files and notifications, in `tx`. Returns its
/// number and the mentions that reached no one.
#[allow(clippy::too_many_arguments)]
async fn add_post(
    tx: &mut Tx,
    state: &AppState,
    reader: &Reader,
    category: &Category,
    thread: &Thread,
    form: &PostForm,
    files: &[Prepared],
    starts_thread: bool,
) -> Result<(i64, Vec<String>), AppError> {
    let (author, byline) = if form.pseudonymous {
        let (tag, name) = pseudonym_in(tx, &state.key, thread.id, reader.user.id).await?;
        (
            Author::Pseudonym {
                tag,
                name: name.clone(),
            },
            name,
        )
    } else {
        (
            Author::Named(reader.user.id),
            reader.user.display_name.clone(),
        )
    };
    let (post_id, number) = store::add_post(tx, thread.id, &author, &form.body).await?;
    store_files(tx, &state.key, post_id, files).await?;
    let unknown = notify::post_added(
        tx,
        &NewPost {
            thread,
            category,
            number,
            body: &form.body,
            byline: &byline,
            named_author: matches!(author, Author::Named(_)).then_some(reader.user.id),
            starts_thread,
        },
    )
    .await?;
    Ok((number, unknown))
}

/// The `done` part of the address a new post redirects to: mentions that
/// reached no one are named there, so the author can correct them.
fn posted_notice(unknown: &[String]) -> String {
    if unknown.is_empty() {
        return "done=posted".into();
    }
    let handles: Vec<String> = unknown.iter().map(|h| format!("@{h}")).collect();
    format!(
        "done=unknown&who={}",
        url::form_urlencoded::byte_serialize(handles.join(" ").as_bytes()).collect::<String>()
    )
}

pub async fn create_thread(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
    request: Request,
) -> Result<Response, AppError> {
    let reader = access::reader(&state.db, &visitor).await?;
    let category = access::enterable_category(&state.db, &reader, &slug).await?;
    let (pairs, uploads) = crate::files::read_submission(&state, request).await?;
    let form = PostForm::from_pairs(pairs);
    let mut problems = form.thread_problems();
    if !reader.thread_levels().contains(&form.tlp.as_str()) && problems.is_empty() {
        problems.push(
            "Your organisation's sharing level does not reach that level: choose a lower one."
                .into(),
        );
    }
    if form.previewing() {
        if !uploads.is_empty() {
            problems.push(AGAIN.into());
        }
        let mut page = new_thread_page(&state, &visitor, &reader, category, form);
        page.preview_html = Some(markdown(&page.form.body));
        page.problems = problems;
        return render(&page);
    }
    let files = files_or_problems(&state, uploads, &mut problems).await;
    if !problems.is_empty() {
        let mut page = new_thread_page(&state, &visitor, &reader, category, form);
        page.problems = problems;
        return render_invalid(&page);
    }
    let mut tx = state.db.begin_write().await?;
    let thread = store::create_thread(&mut tx, category.id, &form.title, &form.tlp)
        .await
        .map_err(AppError::internal)?;
    let (_, unknown) = add_post(
        &mut tx, &state, &reader, &category, &thread, &form, &files, true,
    )
    .await?;
    tx.commit().await?;
    crate::alerts::wake_worker(&state);
    Ok(Redirect::to(&format!(
        "/forum/t/{}?{}#p1",
        thread.reference,
        posted_notice(&unknown)
    ))
    .into_response())
}

/// One post as the thread page shows it.
struct Shown {
    post: Post,
    html: String,
    mine: bool,
    files: Vec<Attachment>,
}

#[derive(Template)]
#[template(path = "forum/thread.html")]
struct ThreadPage {
    page: Page,
    category: Category,
    thread: Thread,
    posts: Vec<Shown>,
    page_number: i64,
    is_moderator: bool,
    following: bool,
    /// The name this member would post under pseudonymously here.
    pseudonym: String,
    reply: PostForm,
    problems: Vec<String>,
    preview_html: Option<String>,
    max_files: usize,
    max_mb: usize,
    /// Categories a moderator may move the thread to.
    categories: Vec<Category>,
}
impl Labels for ThreadPage {}

impl ThreadPage {
    fn may_reply(&self) -> bool {
        !self.thread.is_locked() || self.is_moderator
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ThreadQuery {
    page: i64,
    quote: i64,
    done: String,
    who: String,
}

async fn thread_page(
    state: &AppState,
    visitor: &Visitor,
    reader: &Reader,
    category: Category,
    thread: Thread,
    page_number: i64,
    reply: PostForm,
) -> Result<ThreadPage, AppError> {
    let page_number = page_number.clamp(1, thread.pages());
    let offset = (page_number - 1) * POSTS_PER_PAGE;
    let posts = store::posts_in(&state.db, thread.id, offset, POSTS_PER_PAGE).await?;
    let mut files = store::attachments_of(
        &state.db,
        &state.key,
        thread.id,
        offset + 1,
        offset + POSTS_PER_PAGE,
    )
    .await
    .map_err(AppError::internal)?;
    let tag = pseudonym::author_tag(&state.key, thread.id, reader.user.id);
    let shown = posts
        .into_iter()
        .map(|post| {
            let html = if post.is_visible() || (post.is_hidden() && reader.is_moderator()) {
                markdown(&post.body)
            } else {
                String::new()
            };
            let (own_files, rest): (Vec<Attachment>, Vec<Attachment>) =
                files.drain(..).partition(|f| f.post_id == post.id);
            files = rest;
            Shown {
                mine: post.is_by(reader.user.id, &tag),
                html,
                files: if post.is_visible() || reader.is_moderator() {
                    own_files
                } else {
                    Vec::new()
                },
                post,
            }
        })
        .collect();
    let mut conn = state.db.pool.acquire().await?;
    let (_, pseudonym) = pseudonym_in(&mut conn, &state.key, thread.id, reader.user.id).await?;
    drop(conn);
    let categories = if reader.is_moderator() {
        store::categories(&state.db).await?
    } else {
        Vec::new()
    };
    Ok(ThreadPage {
        page: Page::new(visitor, &thread.title),
        following: store::is_following(&state.db, reader.user.id, Follow::Thread, thread.id)
            .await?,
        category,
        thread,
        posts: shown,
        page_number,
        is_moderator: reader.is_moderator(),
        pseudonym,
        reply,
        problems: Vec::new(),
        preview_html: None,
        max_files: crate::config::FILES_PER_POST,
        max_mb: state.config.attachment_max_mb,
        categories,
    })
}

pub async fn thread(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(reference): Path<String>,
    Query(query): Query<ThreadQuery>,
) -> Result<Response, AppError> {
    let reader = access::reader(&state.db, &visitor).await?;
    let (category, thread) = access::readable_thread(&state.db, &reader, &reference).await?;
    let mut reply = PostForm::default();
    if query.quote > 0
        && let Some(quoted) = store::post_by_number(&state.db, thread.id, query.quote).await?
        && quoted.is_visible()
    {
        reply.body = format!(
            "{} wrote in [#{}](#p{}):\n\n{}\n\n",
            quoted.byline(),
            quoted.number,
            quoted.number,
            lookout_markdown::quote(&quoted.body, 2_000)
        );
    }
    // A quote opens the last page, where the reply form is.
    let page_number = if query.quote > 0 {
        thread.pages()
    } else {
        query.page.max(1)
    };
    let mut page = thread_page(
        &state,
        &visitor,
        &reader,
        category,
        thread,
        page_number,
        reply,
    )
    .await?;
    let notice = match query.done.as_str() {
        "posted" => Some("Posted.".to_string()),
        "edited" => Some("Saved: the earlier text is kept in the post's history.".to_string()),
        "deleted" => {
            Some("Deleted: the text and its files are gone; its place in the thread stays.".into())
        }
        "unknown" => Some(format!(
            "Posted. No member who can read this thread goes by {}, so no one was notified of \
             that mention (check the spelling: a handle is a member's name in lower case, words \
             joined by dots).",
            query.who.chars().take(300).collect::<String>()
        )),
        "followed" => Some("You will be told of new posts here.".into()),
        "unfollowed" => Some("You will no longer be told of new posts here.".into()),
        "moderated" => Some("Done; the moderation log has it.".into()),
        _ => None,
    };
    if let Some(notice) = notice {
        page.page = page.page.with_notice(notice);
    }
    render(&page)
}

pub async fn reply(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(reference): Path<String>,
    request: Request,
) -> Result<Response, AppError> {
    let reader = access::reader(&state.db, &visitor).await?;
    let (category, thread) = access::readable_thread(&state.db, &reader, &reference).await?;
    let (pairs, uploads) = crate::files::read_submission(&state, request).await?;
    let form = PostForm::from_pairs(pairs);
    let mut problems = form.body_problems();
    if thread.is_locked() && !reader.is_moderator() {
        problems.push("A moderator locked this thread: it takes no new posts.".into());
    }
    let previewing = form.previewing();
    if previewing && !uploads.is_empty() {
        problems.push(AGAIN.into());
    }
    let files = if previewing {
        Vec::new()
    } else {
        files_or_problems(&state, uploads, &mut problems).await
    };
    if previewing || !problems.is_empty() {
        let pages = thread.pages();
        let mut page = thread_page(
            &state,
            &visitor,
            &reader,
            category,
            thread,
            pages,
            form.clone(),
        )
        .await?;
        let valid = problems.is_empty();
        page.problems = problems;
        if previewing {
            page.preview_html = Some(markdown(&form.body));
        }
        return if valid || previewing {
            render(&page)
        } else {
            render_invalid(&page)
        };
    }
    let mut tx = state.db.begin_write().await?;
    // Locked, moved or re-levelled since the page was read: look again.
    let current = store::thread_by_id(&mut *tx, thread.id)
        .await?
        .ok_or(AppError::NotFound)?;
    if current.is_locked() && !reader.is_moderator() {
        return Err(AppError::Conflict(
            "A moderator locked this thread while you were writing: it takes no new posts. \
             Your text was not saved; copy it from the previous page if you need it."
                .into(),
        ));
    }
    let (number, unknown) = add_post(
        &mut tx, &state, &reader, &category, &current, &form, &files, false,
    )
    .await?;
    tx.commit().await?;
    crate::alerts::wake_worker(&state);
    let page = (number - 1) / POSTS_PER_PAGE + 1;
    Ok(Redirect::to(&format!(
        "/forum/t/{reference}?page={page}&{}#p{number}",
        posted_notice(&unknown)
    ))
    .into_response())
}

/// A post of this reader's own that they may still change.
async fn own_post(
    state: &AppState,
    reader: &Reader,
    reference: &str,
    number: i64,
) -> Result<(Category, Thread, Post), AppError> {
    let (category, thread, post) =
        access::readable_post(&state.db, reader, reference, number).await?;
    let tag = pseudonym::author_tag(&state.key, thread.id, reader.user.id);
    if !post.is_by(reader.user.id, &tag) {
        return Err(AppError::Forbidden);
    }
    if !post.is_visible() {
        return Err(AppError::Conflict(
            "This post was hidden by a moderator or deleted: it can no longer be changed.".into(),
        ));
    }
    if thread.is_locked() {
        return Err(AppError::Conflict(
            "A moderator locked this thread: its posts can no longer be changed.".into(),
        ));
    }
    Ok((category, thread, post))
}

fn post_path(thread: &Thread, number: i64, done: &str) -> String {
    let page = (number - 1) / POSTS_PER_PAGE + 1;
    format!(
        "/forum/t/{}?page={page}&done={done}#p{number}",
        thread.reference
    )
}

#[derive(Template)]
#[template(path = "forum/edit.html")]
struct EditPage {
    page: Page,
    thread: Thread,
    post: Post,
    body: String,
    problems: Vec<String>,
    preview_html: Option<String>,
}

pub async fn edit_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((reference, number)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    let reader = access::reader(&state.db, &visitor).await?;
    let (_, thread, post) = own_post(&state, &reader, &reference, number).await?;
    render(&EditPage {
        page: Page::new(&visitor, "Edit your post"),
        body: post.body.clone(),
        thread,
        post,
        problems: Vec::new(),
        preview_html: None,
    })
}

pub async fn edit(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((reference, number)): Path<(String, i64)>,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let reader = access::reader(&state.db, &visitor).await?;
    let (_, thread, post) = own_post(&state, &reader, &reference, number).await?;
    let pairs = url::form_urlencoded::parse(&body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let form = PostForm::from_pairs(pairs);
    let problems = form.body_problems();
    if form.previewing() || !problems.is_empty() {
        let page = EditPage {
            page: Page::new(&visitor, "Edit your post"),
            preview_html: form.previewing().then(|| markdown(&form.body)),
            body: form.body,
            thread,
            post,
            problems: problems.clone(),
        };
        return if problems.is_empty() {
            render(&page)
        } else {
            render_invalid(&page)
        };
    }
    if form.body != post.body {
        let mut tx = state.db.begin_write().await?;
        if !store::edit_post(&mut tx, &post, &form.body).await? {
            return Err(AppError::Conflict(
                "This post changed while you were editing it (hidden by a moderator, or edited \
                 in another window). Nothing was saved: open it again and redo your change."
                    .into(),
            ));
        }
        tx.commit().await?;
    }
    Ok(Redirect::to(&post_path(&thread, post.number, "edited")).into_response())
}

pub async fn delete(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((reference, number)): Path<(String, i64)>,
    axum::Form(confirm): axum::Form<Confirmed>,
) -> Result<Response, AppError> {
    let reader = access::reader(&state.db, &visitor).await?;
    let (_, thread, post) = own_post(&state, &reader, &reference, number).await?;
    if !confirm.given() {
        let page = (post.number - 1) / POSTS_PER_PAGE + 1;
        let back = format!("/forum/t/{reference}?page={page}#p{number}");
        return Confirmation::new(
            format!("Delete your post #{} in “{}”?", post.number, thread.title),
            &format!("/forum/t/{reference}/{number}/delete"),
            "Delete the post",
            &back,
        )
        .consequence("Readers see that a post was deleted; its text cannot be brought back.")
        .page(&visitor);
    }
    let mut tx = state.db.begin_write().await?;
    store::delete_post(&mut tx, post.id).await?;
    tx.commit().await?;
    Ok(Redirect::to(&post_path(&thread, post.number, "deleted")).into_response())
}

#[derive(Template)]
#[template(path = "forum/history.html")]
struct HistoryPage {
    page: Page,
    thread: Thread,
    post: Post,
    current_html: String,
    revisions: Vec<(Revision, String)>,
}
impl Labels for HistoryPage {}

pub async fn history(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((reference, number)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    let reader = access::reader(&state.db, &visitor).await?;
    let (_, thread, post) = access::readable_post(&state.db, &reader, &reference, number).await?;
    // A hidden post's earlier words are as hidden as its current ones.
    if !(post.is_visible() || reader.is_moderator()) {
        return Err(AppError::NotFound);
    }
    let revisions = store::revisions(&state.db, post.id)
        .await?
        .into_iter()
        .map(|r| {
            let html = markdown(&r.body);
            (r, html)
        })
        .collect();
    render(&HistoryPage {
        page: Page::new(&visitor, "Post history"),
        current_html: markdown(&post.body),
        thread,
        post,
        revisions,
    })
}

pub async fn attachment(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(reference): Path<String>,
) -> Result<Response, AppError> {
    let reader = access::reader(&state.db, &visitor).await?;
    let (post_id, meta, bytes) = store::open_attachment(&state.db, &state.key, &reference)
        .await
        .map_err(AppError::internal)?
        .ok_or(AppError::NotFound)?;
    let (_, _, post) = access::readable_post_by_id(&state.db, &reader, post_id).await?;
    if !(post.is_visible() || reader.is_moderator()) {
        return Err(AppError::NotFound);
    }
    let name =
        crate::files::plain_name(&meta.filename, "attachment").replace(['"', '\\', ';'], "_");
    let mut response = crate::web::attachment(bytes, "application/octet-stream", &name);
    if let Ok(mime) = axum::http::HeaderValue::from_str(&meta.mime) {
        // The cleaned copy's real type, still as a download: never shown
        // inside the portal's origin.
        response
            .headers_mut()
            .insert(axum::http::header::CONTENT_TYPE, mime);
    }
    Ok(response)
}

#[derive(Deserialize)]
pub struct FollowForm {
    kind: String,
    target: String,
    on: String,
}

pub async fn follow(
    State(state): State<AppState>,
    visitor: Visitor,
    axum::Form(form): axum::Form<FollowForm>,
) -> Result<Response, AppError> {
    let reader = access::reader(&state.db, &visitor).await?;
    let on = form.on == "1";
    let (kind, target_id, back) = match Follow::parse(&form.kind) {
        Some(Follow::Thread) => {
            let (_, thread) = access::readable_thread(&state.db, &reader, &form.target).await?;
            let done = if on { "followed" } else { "unfollowed" };
            (
                Follow::Thread,
                thread.id,
                format!("/forum/t/{}?done={done}", thread.reference),
            )
        }
        Some(Follow::Category) => {
            let category = access::enterable_category(&state.db, &reader, &form.target).await?;
            (
                Follow::Category,
                category.id,
                format!("/forum/c/{}", category.slug),
            )
        }
        None => {
            return Err(AppError::BadRequest(
                "Follow a thread or a category.".into(),
            ));
        }
    };
    let mut tx = state.db.begin_write().await?;
    store::set_following(&mut tx, reader.user.id, kind, target_id, on).await?;
    tx.commit().await?;
    Ok(Redirect::to(&back).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Sample;
    impl Labels for Sample {}

    #[test]
    fn sizes_read_like_a_file_manager() {
        assert_eq!(Sample.size(&10), "10 bytes");
        assert_eq!(Sample.size(&1500), "2 KiB");
        assert_eq!(Sample.size(&(3 * 1024 * 1024 + 200_000)), "3.2 MiB");
    }

    #[test]
    fn unknown_mentions_travel_in_the_redirect_encoded() {
        assert_eq!(posted_notice(&[]), "done=posted");
        assert_eq!(
            posted_notice(&["nina.h".into(), "x".into()]),
            "done=unknown&who=%40nina.h+%40x"
        );
    }
}
