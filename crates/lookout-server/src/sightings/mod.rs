//! Sightings: a member says "we saw this too" about a published advisory
//! or an indicator, for their organisation or anonymously with a
//! membership token, and names the day (`docs/sightings.md`).
//!
//! - `model.rs`: what a sighting is about, the day, and the counts a
//!   reader may see (nothing below k, dates included).
//! - `store.rs`: the `sightings` table.
//! - `record.rs`: **the** recording: token spent, row stored, audit (for
//!   attributed ones only), then the emerging-risk rule.
//! - `pages.rs`: the "We saw this too" form and the pages it answers with;
//!   [`Panel`] is what the advisory page and the search page's indicator
//!   section show.
//!
//! The API face is `api/sightings.rs`.

pub mod model;
mod pages;
pub mod record;
pub mod store;

use axum::Router;
use axum::routing::post;

use crate::accounts::authz;
use crate::accounts::model::User;
use crate::sharing::clearance::Clearance;
use crate::state::AppState;
use crate::web::AppError;
use model::{Counts, Subject, day_text};

pub use pages::Panel;

/// Browser routes (they need the visitor layer: session and CSRF).
pub fn routes() -> Router<AppState> {
    Router::new().route("/sightings", post(pages::record))
}

/// A subject a reader named, as they may see it.
pub struct Readable {
    pub subject: Subject,
    /// Whether it may still be sighted (a withdrawn advisory may not).
    pub open: bool,
}

pub const NO_SUBJECT: &str =
    "Say what you saw: an advisory's reference or one indicator, not both.";
pub const WITHDRAWN: &str =
    "This advisory was withdrawn: the analysts took it back, so it takes no more sightings.";

/// The subject a reader names by an advisory's reference or an
/// indicator's text. An advisory that is not published, or above the
/// reader's `clearance`, is not found, exactly as its page is not; text
/// that is not one indicator is a bad request that says why.
pub async fn subject_of(
    state: &AppState,
    clearance: &Clearance,
    advisory: &str,
    indicator: &str,
) -> Result<Readable, AppError> {
    use crate::review::Content as _;
    let (advisory, indicator) = (advisory.trim(), indicator.trim());
    match (advisory.is_empty(), indicator.is_empty()) {
        (false, true) => {
            let row = crate::advisories::store::by_reference(&state.db, advisory)
                .await?
                .ok_or(AppError::NotFound)?;
            let revision = crate::advisories::store::published(&state.db, &row)
                .await?
                .filter(|r| r.content.tlp_rank() <= clearance.max_rank)
                .ok_or(AppError::NotFound)?;
            Ok(Readable {
                subject: Subject::advisory(row.id, &row.reference, &revision.content.tlp),
                open: row.state == "published",
            })
        }
        (true, false) => {
            let observable = lookout_indicators::parse_observable(indicator)
                .map_err(|error| AppError::BadRequest(error.to_string()))?;
            Ok(Readable {
                subject: Subject::indicator(&state.key, observable),
                open: true,
            })
        }
        _ => Err(AppError::BadRequest(NO_SUBJECT.into())),
    }
}

/// What one reader may see of a subject's sightings: the counts (hidden
/// below k), and the days their own organisation said it saw it.
pub struct Seen {
    pub counts: Counts,
    /// UTC midnights, newest first; empty for readers without an
    /// organisation of members.
    pub own_days: Vec<i64>,
}

pub async fn seen_by(state: &AppState, user: &User, subject: &Subject) -> Result<Seen, AppError> {
    let tally = store::tally(&state.db, &subject.key).await?;
    let own_days = match authz::member_org(user) {
        Some(org_id) => store::days_of_org(&state.db, &subject.key, org_id).await?,
        None => Vec::new(),
    };
    Ok(Seen {
        counts: Counts::of(&tally, state.config.stats_min_count),
        own_days,
    })
}

/// The days as the API writes them.
pub fn api_day(day: Option<i64>) -> Option<String> {
    day.map(day_text)
}
