//! Recording a sighting: the one place that says what it does, in order.
//! The page (`pages.rs`) and the API (`api/sightings.rs`) check who is
//! asking, what it is about and the day, then call here.
//!
//! 1. In one transaction: an anonymous sighting's membership token is
//!    recorded spent (`tokens::spend::record`, as an anonymous report's
//!    is); the sighting is stored, attributed (organisation and member,
//!    once per organisation, subject and day) or anonymous (neither, and
//!    only the hour it was made); a new attributed sighting is audited. An
//!    anonymous one is not: an entry's time and actor would name it.
//! 2. After the commit of a new attributed sighting, the emerging-risk
//!    rule on sightings runs (`detection::sighted`); its failure is
//!    logged, never the member's. Anonymous sightings count at the next
//!    run: a draft created the second one arrived would date it.

use super::model::{By, Subject, day_of, day_text};
use super::store::{self, StoreError};
use crate::db::{DbError, now};
use crate::state::AppState;
use crate::web::AppError;

pub const NEEDS_TOKEN: &str = "An anonymous sighting needs a membership token: it shows a member \
    said it, without saying which, and each token counts once. Paste one from your token file, \
    or say it for your organisation.";
pub const TOKEN_NOT_ANONYMOUS: &str = "A membership token is only for anonymous sightings: one \
    for your organisation already says who you are. Choose anonymously, or leave the token field \
    empty.";
/// What became of a sighting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recorded {
    New,
    /// The organisation had already said so for that day: nothing changed.
    Already,
}

/// Why a sighting was not stored. Nothing of it was.
#[derive(Debug, thiserror::Error)]
pub enum SightingError {
    /// The token was spent by another request since it was checked.
    #[error("{}", crate::tokens::spend::SPENT)]
    TokenSpent,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for SightingError {
    fn from(err: sqlx::Error) -> Self {
        SightingError::Db(DbError::Sqlx(err))
    }
}

impl From<SightingError> for AppError {
    fn from(err: SightingError) -> Self {
        match err {
            SightingError::TokenSpent => AppError::Conflict(err.to_string()),
            other => AppError::internal(other),
        }
    }
}

/// Stores that `by` saw `subject` on `day` (checked by the caller: the
/// subject is one they may read, the day a valid one, the token checked).
pub async fn record(
    state: &AppState,
    subject: &Subject,
    day: i64,
    by: By<'_>,
) -> Result<Recorded, SightingError> {
    let hour = now() - now().rem_euclid(3600);
    let mut tx = state.db.begin_write().await?;
    let added = match by {
        By::Anonymous(token) => {
            if !crate::tokens::spend::record(&mut tx, token).await? {
                return Err(SightingError::TokenSpent);
            }
            store::add(&mut tx, &subject.key, day, None, hour).await?
        }
        By::Organisation { user_id, org_id } => {
            let added =
                store::add(&mut tx, &subject.key, day, Some((org_id, user_id)), hour).await?;
            if added {
                crate::audit::append(
                    &mut tx,
                    &state.key,
                    crate::audit::Actor::User(user_id),
                    "sighting.recorded",
                    &subject.audit_subject(),
                    &format!("for organisation {org_id}, seen on {}", day_text(day)),
                )
                .await?;
            }
            added
        }
    };
    tx.commit().await?;
    if !added {
        return Ok(Recorded::Already);
    }
    if matches!(by, By::Organisation { .. })
        && let Err(err) = run_rule(state, subject).await
    {
        tracing::warn!(error = %err, "emerging-risk detection on sightings failed");
    }
    Ok(Recorded::New)
}

/// The emerging-risk rule, with the sightings of its window.
async fn run_rule(
    state: &AppState,
    subject: &Subject,
) -> Result<(), crate::detection::DetectionError> {
    let Some(rule) = crate::detection::enabled_rule(&state.db, crate::detection::SIGHTINGS).await?
    else {
        return Ok(());
    };
    let since = day_of(now() - rule.window_seconds());
    let tally = store::tally_since(&state.db, &subject.key, since).await?;
    let (indicator, advisory) = match &subject.about {
        super::model::About::Indicator(observable) => (Some(observable.value()), None),
        super::model::About::Advisory { reference, tlp, .. } => {
            (None, Some((reference.as_str(), tlp.as_str())))
        }
    };
    crate::detection::sighted(
        state,
        &rule,
        &crate::detection::Sighted {
            key: &subject.key,
            label: subject.label(),
            indicator,
            advisory,
            sighters: tally.sighters(),
        },
    )
    .await?;
    Ok(())
}
