//! The steps from draft to publication as the editing pages take them:
//! save (keeping a pending submission when nothing changed), then submit
//! for review, wait, or publish, as the button and the reviewer allow.

use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Reviewed, Version, is_working_draft, store};
use crate::accounts::model::User;
use crate::audit::{self, Actor};
use crate::db::Tx;
use crate::state::AppState;
use crate::web::AppError;
use crate::web::templates::Page;

/// Where a request to publish goes when there is no working draft.
pub enum Settled {
    /// The document as readers see it.
    Page,
    /// Back to the editor, as after a save.
    Editor,
}

/// A kind of reviewed document as its pages present it, implemented by
/// its row.
pub trait Workflow: Reviewed {
    /// Documents are read at `{PATH}/{key}` and edited at
    /// `{PATH}/{key}/edit`.
    const PATH: &'static str;
    /// The prefix of its audit actions (`{AUDIT}.saved`, …).
    const AUDIT: &'static str;
    /// What a version is called in the audit detail of a publication.
    const VERSION_WORD: &'static str;
    /// The form buttons that ask to publish (or to submit for review).
    const PUBLISH_ACTIONS: &'static [&'static str] = &["publish"];
    const SETTLED: Settled;
    /// What the editor says after each step other than a save (`?done=`).
    const NOTICES: &'static [(&'static str, &'static str)];

    /// Whether `content` needs a second person before it is published.
    fn needs_review(state: &AppState, content: &Self::Content) -> bool;

    /// After a publish request's transaction committed.
    fn committed(_state: &AppState) {}
}

/// Appends `{AUDIT}.{what}` about the document `key` to the audit log.
pub async fn audit<W: Workflow>(
    tx: &mut Tx,
    state: &AppState,
    user: &User,
    what: &str,
    key: &str,
    detail: &str,
) -> Result<(), AppError> {
    let action = format!("{}.{what}", W::AUDIT);
    audit::append(tx, &state.key, Actor::User(user.id), &action, key, detail).await?;
    Ok(())
}

/// A document and its newest version, or 404.
pub async fn load<W: Workflow>(
    state: &AppState,
    key: &str,
) -> Result<(W, Version<W::Content>), AppError> {
    let document = store::by_key::<W>(&state.db.pool, key)
        .await?
        .ok_or(AppError::NotFound)?;
    let latest = store::latest::<W>(&state.db.pool, document.head().id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((document, latest))
}

/// Where the person editing stands with the working draft.
pub struct Standing {
    /// Someone else submitted it: this person may publish it.
    pub can_review: bool,
    /// This person submitted it: it waits for someone else.
    pub waiting_for_other: bool,
}

impl Standing {
    pub fn of<C>(document: &impl Reviewed, latest: &Version<C>, user_id: i64) -> Standing {
        let submitted_by = latest
            .submitted_by
            .filter(|_| is_working_draft(document, latest));
        Standing {
            can_review: submitted_by.is_some_and(|s| s != user_id),
            waiting_for_other: submitted_by == Some(user_id),
        }
    }
}

/// The `?done=` an editor page is reopened with after a step.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Done {
    pub done: String,
}

impl Done {
    /// `page` with what the editor says after the step just taken.
    pub fn told<W: Workflow>(&self, page: Page) -> Page {
        let said = match self.done.as_str() {
            "saved" => Some("Saved as a draft: members do not see it yet."),
            done => W::NOTICES.iter().find(|(d, _)| *d == done).map(|(_, n)| *n),
        };
        match said {
            Some(notice) => page.with_notice(notice),
            None => page,
        }
    }
}

/// Saves `content` as the working draft. Unchanged text keeps a pending
/// submission, so the reviewer publishes exactly what was submitted.
pub async fn save<W: Workflow>(
    state: &AppState,
    user: &User,
    document: &W,
    latest: &Version<W::Content>,
    content: &W::Content,
) -> Result<(), AppError> {
    if is_working_draft(document, latest) && latest.content == *content {
        return Ok(());
    }
    let mut tx = state.db.begin_write().await?;
    store::save_draft::<W>(&mut tx, document, content, user.id).await?;
    audit::<W>(&mut tx, state, user, "saved", document.head().key, "").await?;
    tx.commit().await?;
    Ok(())
}

/// After a save, does what the button asked: submits the working draft
/// for review, says it still waits, or publishes it when it needs no
/// review or someone else submitted it.
pub async fn advance<W: Workflow>(
    state: &AppState,
    user: &User,
    key: &str,
    action: &str,
) -> Result<Response, AppError> {
    let (document, latest) = load::<W>(state, key).await?;
    let edit = format!("{}/{key}/edit", W::PATH);
    let page = format!("{}/{key}", W::PATH);
    let saved = format!("{edit}?done=saved");
    if !W::PUBLISH_ACTIONS.contains(&action) {
        return Ok(Redirect::to(&saved).into_response());
    }
    if !is_working_draft(&document, &latest) {
        let target = match W::SETTLED {
            Settled::Page => page,
            Settled::Editor => saved,
        };
        return Ok(Redirect::to(&target).into_response());
    }
    let needs_review = W::needs_review(state, &latest.content);
    let mut tx = state.db.begin_write().await?;
    let outcome = match latest.submitted_by {
        _ if !needs_review => "published",
        Some(submitter) if submitter != user.id => "published",
        Some(_) => "waiting",
        None => {
            store::submit::<W>(&mut tx, latest.id, user.id).await?;
            audit::<W>(&mut tx, state, user, "submitted", key, "").await?;
            "submitted"
        }
    };
    if outcome == "published"
        && store::publish::<W>(&mut tx, &document, &latest, Some(user.id)).await?
    {
        let detail = format!("{} {}", W::VERSION_WORD, latest.number);
        audit::<W>(&mut tx, state, user, "published", key, &detail).await?;
    }
    tx.commit().await?;
    W::committed(state);
    let target = match outcome {
        "published" => page,
        other => format!("{edit}?done={other}"),
    };
    Ok(Redirect::to(&target).into_response())
}
