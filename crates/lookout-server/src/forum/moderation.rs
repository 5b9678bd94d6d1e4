//! Keeping order: members report posts; moderators (and admins) hide and
//! show posts, lock, pin and move threads, and close reports. Every
//! moderator's action is in the audit log, in the same transaction.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::access::{self, Reader};
use super::model::{FLAG_REASON_MAX, HIDE_REASON_MAX, POSTS_PER_PAGE};
use super::store::{self, OpenFlag, Post, Thread, ThreadFlag};
use crate::accounts::extract::{Moderator, SignedIn};
use crate::accounts::model::User;
use crate::audit::{self, Actor};
use crate::state::AppState;
use crate::web::AppError;
use crate::web::labels::Labels;
use crate::web::templates::{Page, render, render_invalid};

fn back_to(thread: &Thread, number: i64) -> String {
    let page = (number - 1) / POSTS_PER_PAGE + 1;
    format!(
        "/forum/t/{}?page={page}&done=moderated#p{number}",
        thread.reference
    )
}

#[derive(Template)]
#[template(path = "forum/flag.html")]
struct FlagPage {
    page: Page,
    thread: Thread,
    post: Post,
    reason: String,
    problems: Vec<String>,
    done: bool,
}

async fn post_for(
    state: &AppState,
    user: &User,
    reference: &str,
    number: i64,
) -> Result<(Reader, Thread, Post), AppError> {
    let reader = Reader::of(&state.db, user).await?;
    let (_, thread, post) = access::readable_post(&state.db, &reader, reference, number).await?;
    Ok((reader, thread, post))
}

pub async fn flag_form(
    State(state): State<AppState>,
    SignedIn { visitor, user }: SignedIn,
    Path((reference, number)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    let (_, thread, post) = post_for(&state, &user, &reference, number).await?;
    render(&FlagPage {
        page: Page::new(&visitor, "Report a post"),
        thread,
        post,
        reason: String::new(),
        problems: Vec::new(),
        done: false,
    })
}

#[derive(Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
}

pub async fn flag(
    State(state): State<AppState>,
    SignedIn { visitor, user }: SignedIn,
    Path((reference, number)): Path<(String, i64)>,
    axum::Form(form): axum::Form<ReasonForm>,
) -> Result<Response, AppError> {
    let (reader, thread, post) = post_for(&state, &user, &reference, number).await?;
    let reason = form.reason.trim().to_string();
    let mut problems = Vec::new();
    if reason.is_empty() {
        problems.push("Say in a few words what is wrong with the post.".to_string());
    }
    if reason.chars().count() > FLAG_REASON_MAX {
        problems.push(format!("Keep the reason to {FLAG_REASON_MAX} characters."));
    }
    if reason.contains('\0') {
        problems.push("The reason contains a NUL character; remove it.".into());
    }
    let mut page = FlagPage {
        page: Page::new(&visitor, "Report a post"),
        thread,
        post,
        reason,
        problems,
        done: false,
    };
    if !page.problems.is_empty() {
        return render_invalid(&page);
    }
    let mut tx = state.db.begin_write().await?;
    store::flag(&mut tx, page.post.id, reader.user.id, &page.reason).await?;
    tx.commit().await?;
    page.done = true;
    render(&page)
}

#[derive(Template)]
#[template(path = "forum/moderate_post.html")]
struct ModeratePostPage {
    page: Page,
    thread: Thread,
    post: Post,
    html: String,
    reason: String,
    problems: Vec<String>,
}
impl Labels for ModeratePostPage {}

pub async fn moderate_post_form(
    State(state): State<AppState>,
    Moderator { visitor, user }: Moderator,
    Path((reference, number)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    let (_, thread, post) = post_for(&state, &user, &reference, number).await?;
    render(&ModeratePostPage {
        page: Page::new(&visitor, "Moderate a post"),
        html: crate::web::templates::markdown_html(&post.body),
        reason: post.hidden_reason.clone(),
        thread,
        post,
        problems: Vec::new(),
    })
}

#[derive(Deserialize)]
pub struct ModeratePostForm {
    action: String,
    #[serde(default)]
    reason: String,
}

pub async fn moderate_post(
    State(state): State<AppState>,
    Moderator { visitor, user }: Moderator,
    Path((reference, number)): Path<(String, i64)>,
    axum::Form(form): axum::Form<ModeratePostForm>,
) -> Result<Response, AppError> {
    let (reader, thread, post) = post_for(&state, &user, &reference, number).await?;
    let reason = form.reason.trim().to_string();
    let subject = format!("{}#p{}", thread.reference, post.number);
    let mut tx = state.db.begin_write().await?;
    match form.action.as_str() {
        "hide" => {
            if reason.is_empty()
                || reason.chars().count() > HIDE_REASON_MAX
                || reason.contains('\0')
            {
                drop(tx);
                return render_invalid(&ModeratePostPage {
                    page: Page::new(&visitor, "Moderate a post"),
                    html: crate::web::templates::markdown_html(&post.body),
                    problems: vec![format!(
                        "Give members a reason of up to {HIDE_REASON_MAX} characters: they see \
                         it in place of the post."
                    )],
                    reason,
                    thread,
                    post,
                });
            }
            if store::set_hidden(&mut tx, post.id, true, &reason).await? {
                store::resolve_flags(&mut tx, post.id, reader.user.id).await?;
                audit::append(
                    &mut tx,
                    &state.key,
                    Actor::User(reader.user.id),
                    "forum.post.hidden",
                    &subject,
                    &reason,
                )
                .await?;
            }
        }
        "show" => {
            if store::set_hidden(&mut tx, post.id, false, "").await? {
                audit::append(
                    &mut tx,
                    &state.key,
                    Actor::User(reader.user.id),
                    "forum.post.shown",
                    &subject,
                    "",
                )
                .await?;
            }
        }
        "dismiss" => {
            let closed = store::resolve_flags(&mut tx, post.id, reader.user.id).await?;
            if closed > 0 {
                audit::append(
                    &mut tx,
                    &state.key,
                    Actor::User(reader.user.id),
                    "forum.reports.dismissed",
                    &subject,
                    &format!("{closed} report(s)"),
                )
                .await?;
            }
        }
        _ => return Err(AppError::BadRequest("Choose hide, show or dismiss.".into())),
    }
    tx.commit().await?;
    Ok(Redirect::to(&back_to(&thread, post.number)).into_response())
}

#[derive(Deserialize)]
pub struct ThreadActionForm {
    action: String,
    #[serde(default)]
    category: String,
}

pub async fn moderate_thread(
    State(state): State<AppState>,
    Moderator { user, .. }: Moderator,
    Path(reference): Path<String>,
    axum::Form(form): axum::Form<ThreadActionForm>,
) -> Result<Response, AppError> {
    let reader = Reader::of(&state.db, &user).await?;
    let (_, thread) = access::readable_thread(&state.db, &reader, &reference).await?;
    let mut tx = state.db.begin_write().await?;
    let (changed, action, detail) = match form.action.as_str() {
        "lock" | "unlock" => (
            store::set_flag(
                &mut tx,
                thread.id,
                ThreadFlag::Locked,
                form.action == "lock",
            )
            .await?,
            format!("forum.thread.{}ed", form.action),
            String::new(),
        ),
        "pin" | "unpin" => (
            store::set_flag(&mut tx, thread.id, ThreadFlag::Pinned, form.action == "pin").await?,
            format!("forum.thread.{}ned", form.action),
            String::new(),
        ),
        "move" => {
            let target = store::category_by_slug(&state.db.pool, form.category.trim())
                .await?
                .ok_or_else(|| AppError::BadRequest("Choose a category to move it to.".into()))?;
            let moved = target.id != thread.category_id;
            if moved {
                store::move_thread(&mut tx, thread.id, target.id).await?;
            }
            (moved, "forum.thread.moved".into(), target.slug)
        }
        _ => {
            return Err(AppError::BadRequest(
                "Choose lock, unlock, pin, unpin or move.".into(),
            ));
        }
    };
    if changed {
        audit::append(
            &mut tx,
            &state.key,
            Actor::User(reader.user.id),
            &action,
            &thread.reference,
            &detail,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/forum/t/{}?done=moderated", thread.reference)).into_response())
}

#[derive(Template)]
#[template(path = "forum/moderation.html")]
struct QueuePage {
    page: Page,
    flags: Vec<OpenFlag>,
}
impl Labels for QueuePage {}

pub async fn queue(
    State(state): State<AppState>,
    Moderator { visitor, .. }: Moderator,
) -> Result<Response, AppError> {
    render(&QueuePage {
        page: Page::new(&visitor, "Forum reports"),
        flags: store::open_flags(&state.db, 200).await?,
    })
}
