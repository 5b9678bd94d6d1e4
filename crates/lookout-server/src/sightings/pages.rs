//! "We saw this too": the panel on the advisory page and the search page's
//! indicator section, the form it posts, and the pages that answer it.
//! Without JavaScript, like every form.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::model::{By, Counts, Subject, day_name, day_of, day_text, parse_day};
use super::record::{self, NEEDS_TOKEN, Recorded, SightingError, TOKEN_NOT_ANONYMOUS};
use crate::accounts::authz;
use crate::accounts::extract::Member;
use crate::accounts::model::User;
use crate::db::now;
use crate::sharing::clearance::Clearance;
use crate::state::AppState;
use crate::tokens::spend::{self, CheckError, Verified};
use crate::web::templates::{Page, render, render_invalid};
use crate::web::{AppError, Visitor};

/// What a page shows of a subject's sightings, and the form.
pub struct Panel {
    /// `advisory` or `indicator`: the form field that names the subject.
    pub field: &'static str,
    pub value: String,
    pub counts: Counts,
    /// The days the reader's organisation said it saw it.
    pub own_days: Vec<String>,
    /// The reader may say it (a member; the subject still open).
    pub may_sight: bool,
    pub today: String,
}

impl Panel {
    /// The panel about `subject` for `user`.
    async fn about(
        state: &AppState,
        user: &User,
        subject: &Subject,
        open: bool,
    ) -> Result<Panel, AppError> {
        let seen = super::seen_by(state, user, subject).await?;
        let (field, value) = subject.field();
        Ok(Panel {
            field,
            value: value.to_owned(),
            counts: seen.counts,
            own_days: seen.own_days.into_iter().map(day_name).collect(),
            may_sight: open && authz::member_org(user).is_some(),
            today: day_text(day_of(now())),
        })
    }

    /// The panel under an advisory the reader may read.
    pub async fn advisory(
        state: &AppState,
        user: &User,
        id: i64,
        reference: &str,
        tlp: &str,
        published: bool,
    ) -> Result<Panel, AppError> {
        Panel::about(
            state,
            user,
            &Subject::advisory(id, reference, tlp),
            published,
        )
        .await
    }

    /// The panel in the search page's section about one indicator.
    pub async fn indicator(
        state: &AppState,
        user: &User,
        observable: &lookout_indicators::Observable,
    ) -> Result<Panel, AppError> {
        let subject = Subject::indicator(&state.key, observable.clone());
        Panel::about(state, user, &subject, true).await
    }
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct SightingForm {
    pub advisory: String,
    pub indicator: String,
    /// `organisation` or `anonymous`.
    pub mode: String,
    pub day: String,
    pub membership_token: String,
    /// The key id of the token the member was shown before spending it.
    pub token_key_seen: String,
}

/// What the member is told about a membership token before it is spent.
pub struct TokenSet {
    pub key_id: String,
    pub period: String,
    pub holders: i64,
    pub small: bool,
}

#[derive(Template)]
#[template(path = "sightings/form.html")]
struct FormPage {
    page: Page,
    form: SightingForm,
    label: String,
    back: String,
    problems: Vec<String>,
    token_unusable: bool,
    token_set: Option<TokenSet>,
}

#[derive(Template)]
#[template(path = "sightings/done.html")]
struct DonePage {
    page: Page,
    label: String,
    back: String,
    day: String,
    already: bool,
    anonymous: bool,
}

pub const CHOOSE: &str = "Choose whether you say it for your organisation or anonymously.";
pub const SAME_SESSION: &str = "You fetched membership tokens while signed in to this session, \
    so a token spent here could be linked to you. Sign in again in a private window (a new \
    session) and say it from there; your tokens stay in your file.";

/// POST /sightings: a member says they saw an advisory or an indicator.
pub async fn record(
    State(state): State<AppState>,
    Member {
        visitor,
        user,
        org_id,
    }: Member,
    axum::Form(form): axum::Form<SightingForm>,
) -> Result<Response, AppError> {
    // First of all: a subject the member may not read does not exist.
    let clearance = Clearance::of(&state.db, &user).await?;
    let readable = super::subject_of(&state, &clearance, &form.advisory, &form.indicator).await?;
    if !readable.open {
        return Err(AppError::Conflict(super::WITHDRAWN.into()));
    }
    let subject = readable.subject;
    let mut problems = Vec::new();
    let day = parse_day(&form.day, now())
        .map_err(|p| problems.push(p))
        .ok();
    let anonymous = match form.mode.as_str() {
        "organisation" => false,
        "anonymous" => true,
        _ => {
            problems.push(CHOOSE.into());
            false
        }
    };
    let mut token_unusable = false;
    let token = match check_token(&state, &visitor, &form, anonymous).await? {
        Ok(token) => token,
        Err((problem, unusable)) => {
            problems.push(problem);
            token_unusable = unusable;
            None
        }
    };
    // A token is spent only once the member has read how many members
    // hold tokens of its key, as with a report: the form comes back once.
    let confirming = token
        .as_ref()
        .is_some_and(|t| problems.is_empty() && t.key.id != form.token_key_seen);
    let page = |problems: Vec<String>, token_unusable: bool, token: Option<&Verified>| FormPage {
        page: Page::new(&visitor, "We saw this too"),
        label: subject.label(),
        back: subject.page(),
        form: form.clone(),
        problems,
        token_unusable,
        token_set: token.map(|t| TokenSet {
            key_id: t.key.id.clone(),
            period: t.key.period_name(),
            holders: t.holders,
            small: t.small_set(),
        }),
    };
    if !problems.is_empty() {
        return render_invalid(&page(problems, token_unusable, token.as_ref()));
    }
    if confirming {
        return render(&page(Vec::new(), false, token.as_ref()));
    }
    let (Some(day), by) = (
        day,
        match &token {
            Some(token) => By::Anonymous(token),
            None => By::Organisation {
                user_id: user.id,
                org_id,
            },
        },
    ) else {
        return Err(AppError::BadRequest(CHOOSE.into()));
    };
    let outcome = match record::record(&state, &subject, day, by).await {
        Ok(outcome) => outcome,
        Err(SightingError::TokenSpent) => {
            return render_invalid(&page(vec![spend::SPENT.into()], true, None));
        }
        Err(other) => return Err(other.into()),
    };
    render(&DonePage {
        page: Page::new(&visitor, "We saw this too"),
        label: subject.label(),
        back: subject.page(),
        day: day_name(day),
        already: outcome == Recorded::Already,
        anonymous: token.is_some(),
    })
}

/// The membership token sent with the form, checked: `Ok(Ok(None))` for
/// a sighting under the organisation's name, `Ok(Err((problem,
/// unusable)))` when it cannot be accepted, `unusable` when it never will
/// be.
async fn check_token(
    state: &AppState,
    visitor: &Visitor,
    form: &SightingForm,
    anonymous: bool,
) -> Result<Result<Option<Verified>, (String, bool)>, AppError> {
    let text = form.membership_token.trim();
    if !anonymous {
        return Ok(match text.is_empty() {
            true => Ok(None),
            false => Err((TOKEN_NOT_ANONYMOUS.into(), false)),
        });
    }
    if text.is_empty() {
        return Ok(Err((NEEDS_TOKEN.into(), false)));
    }
    if spend::session_fetched(state, visitor.session_token()).await? {
        return Ok(Err((SAME_SESSION.into(), false)));
    }
    match spend::check(state, text).await {
        Ok(verified) => Ok(Ok(Some(verified))),
        Err(CheckError::App(err)) => Err(err),
        Err(refused) => Ok(Err((refused.to_string(), true))),
    }
}
