//! Saving, publishing and withdrawing an incident: the one place that says
//! everything each does, in order. The editor parses and checks the form,
//! calls here, and renders.
//!
//! Saving (a draft, a publication, an edit of a published incident) runs
//! in one transaction (steps 1, 2, 5 and 6 are [`save_within`]):
//! 1. the statistics forget the incident's old content, if they counted it;
//! 2. the incident is stored (a new one gets a reference);
//! 3. the cleaned attachments the analyst chose are marked for members;
//! 4. a published incident's report is marked published;
//! 5. if its time has come, it is released: counted and announced
//!    (`release`);
//! 6. the search index takes its new text;
//! 7. the audit log records the analyst's step.
//!
//! After the commit of a publication, emerging-risk detection looks at the
//! report again.
//! Withdrawing takes the same steps back.

use super::release;
use super::store::{self, Content, Publication};
use crate::audit::{self, Actor};
use crate::db::{DbError, Tx, now};
use crate::reports::attachments;
use crate::reports::store::{self as reports, ReportStoreError};
use crate::secrets::SecretError;
use crate::state::AppState;
use crate::web::AppError;

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("this report has no incident")]
    NoIncident,
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Report(#[from] ReportStoreError),
    #[error(transparent)]
    Secret(#[from] SecretError),
}

impl From<sqlx::Error> for PublishError {
    fn from(err: sqlx::Error) -> Self {
        PublishError::Db(DbError::Sqlx(err))
    }
}

impl From<PublishError> for AppError {
    fn from(err: PublishError) -> Self {
        match err {
            PublishError::NoIncident => AppError::NotFound,
            other => AppError::internal(other),
        }
    }
}

/// An analyst's save of the incident of `report_id`.
pub struct Save<'a> {
    pub report_id: i64,
    pub analyst_id: i64,
    pub content: &'a Content,
    pub publication: Publication,
    /// Positions of the cleaned attachments members may download.
    pub attachments: &'a [i64],
    /// The analyst asked to publish (detection looks again after).
    pub publishing: bool,
    /// This save publishes an incident members could not see before.
    pub first_publication: bool,
}

/// Saves, and returns the incident's reference.
pub async fn save(state: &AppState, save: Save<'_>) -> Result<String, PublishError> {
    let Save {
        report_id,
        analyst_id,
        content,
        publication,
        attachments: shown,
        publishing,
        first_publication,
    } = save;
    let mut tx = state.db.begin_write().await?;
    let reference = save_within(
        &mut tx,
        report_id,
        &store::new_reference()?,
        content,
        &publication,
        now(),
    )
    .await?;
    attachments::set_published(&mut tx, report_id, shown).await?;
    if publication.state == "published" {
        reports::set_status(&mut tx, report_id, "published").await?;
    }
    let action = if first_publication {
        "incident.published"
    } else {
        "incident.saved"
    };
    audit::append(
        &mut tx,
        &state.key,
        Actor::User(analyst_id),
        action,
        &format!("incident:{reference}"),
        &format!("report:{report_id} tlp:{}", content.tlp),
    )
    .await?;
    tx.commit().await?;
    if publishing {
        crate::detection::after_analyst_step(state, report_id).await;
    }
    Ok(reference)
}

/// The incident's part of saving, inside a caller's transaction (the
/// editor's, through [`save`]; seeding and tests): out of the statistics
/// with its old content, stored (a new one gets `reference`), released if
/// its time has come, and indexed with its new text. Its reference.
pub async fn save_within(
    tx: &mut Tx,
    report_id: i64,
    reference: &str,
    content: &Content,
    publication: &Publication,
    now: i64,
) -> Result<String, sqlx::Error> {
    crate::stats::rollup::uncount(tx, report_id).await?;
    let reference = store::save(tx, report_id, reference, content, publication, now).await?;
    release::release_if_due(tx, report_id, now).await?;
    crate::search::index::incident(tx, report_id).await?;
    crate::interop::export::mark_incident(tx, report_id).await?;
    Ok(reference)
}

/// Takes the incident of `report_id` away from members: out of the
/// statistics and the search index, its report back to triaged.
pub async fn withdraw(
    state: &AppState,
    report_id: i64,
    analyst_id: i64,
) -> Result<(), PublishError> {
    let mut tx = state.db.begin_write().await?;
    if !withdraw_within(&mut tx, report_id, now()).await? {
        return Err(PublishError::NoIncident);
    }
    reports::set_status(&mut tx, report_id, "triaged").await?;
    audit::append(
        &mut tx,
        &state.key,
        Actor::User(analyst_id),
        "incident.withdrawn",
        &format!("report:{report_id}"),
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The incident's part of a withdrawal, inside a caller's transaction (a
/// merge withdraws the duplicate's incident): out of the statistics,
/// marked withdrawn, out of the index. Whether there was one.
pub async fn withdraw_within(tx: &mut Tx, report_id: i64, now: i64) -> Result<bool, sqlx::Error> {
    crate::stats::rollup::uncount(tx, report_id).await?;
    let withdrawn = store::withdraw(tx, report_id, now).await?;
    crate::search::index::incident(tx, report_id).await?;
    crate::interop::export::mark_incident(tx, report_id).await?;
    Ok(withdrawn)
}
