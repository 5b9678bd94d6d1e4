//! Coming back to a report: anonymous reporters with their receipt code,
//! members through their own list. Both read the analysts' questions and
//! answer them.

use askama::Template;
use axum::extract::{Path, Request, State};
use axum::response::{IntoResponse, Redirect, Response};

use lookout_privacy::{KnownNames, Scrubbed};

use super::preview::{self, Segment};
use super::store::{self, Message, ReportRow};
use crate::accounts::extract::SignedIn;
use crate::accounts::model::User;
use crate::accounts::throttle::ThrottleKeys;
use crate::audit::{self, Actor};
use crate::files::Upload;
use crate::state::AppState;
use crate::web::labels::Labels;
use crate::web::templates::{Page, render, render_invalid};
use crate::web::{AppError, ClientAddr, Visitor};

const MESSAGE_MAX: usize = 10_000;

#[derive(Template)]
#[template(path = "reports/follow_up.html")]
struct FollowUpPage {
    page: Page,
    receipt: String,
    report: Option<ReportRow>,
    messages: Vec<Message>,
    /// When analysts opened the sealed identity (confidential reports).
    openings: Vec<super::identity::Opening>,
    error: Option<String>,
    reply: String,
    indicators: String,
    /// The reporter's own words to remove from this answer (anonymous
    /// reports), kept on a form sent back, never stored.
    scrub_terms: String,
    discard_originals: bool,
    preview: Option<AnswerPreview>,
    /// Where the reply form posts.
    action: String,
}

/// An anonymous reporter's answer as it will be stored.
struct AnswerPreview {
    reply: Vec<Segment>,
    indicators: Vec<Segment>,
    removed: usize,
    with_directory: bool,
}

impl FollowUpPage {
    fn new(visitor: &Visitor, title: &str, action: String) -> FollowUpPage {
        FollowUpPage {
            page: Page::new(visitor, title),
            receipt: String::new(),
            report: None,
            messages: Vec::new(),
            openings: Vec::new(),
            error: None,
            reply: String::new(),
            indicators: String::new(),
            scrub_terms: String::new(),
            discard_originals: false,
            preview: None,
            action,
        }
    }

    /// Whether what the reporter adds is scrubbed before it is stored.
    fn scrubbed(&self) -> bool {
        self.report
            .as_ref()
            .is_some_and(|r| r.mode() == Some(super::model::Mode::Anonymous))
    }

    /// Puts the reporter's text back on a form sent back.
    fn keep(&mut self, addition: &Addition) {
        self.reply = addition.reply.clone();
        self.indicators = addition.indicators.clone();
        self.scrub_terms = addition.scrub_terms.clone();
        self.discard_originals = addition.discard_originals;
    }
}

impl Labels for FollowUpPage {}

pub async fn form(visitor: Visitor) -> Result<Response, AppError> {
    render(&FollowUpPage::new(
        &visitor,
        "Follow up a report",
        "/report/follow-up".into(),
    ))
}

/// What a reporter sends when coming back: an answer, more indicators,
/// more files.
#[derive(Default)]
pub struct Addition {
    receipt: String,
    reply: String,
    indicators: String,
    scrub_terms: String,
    discard_originals: bool,
    previewing: bool,
    files: Vec<Upload>,
}

impl Addition {
    async fn read(state: &AppState, request: Request) -> Result<Addition, AppError> {
        let (pairs, files) = crate::files::read_submission(state, request).await?;
        let mut addition = Addition {
            files,
            ..Addition::default()
        };
        for (key, value) in pairs {
            match key.as_str() {
                "receipt" => addition.receipt = value,
                "reply" => addition.reply = value,
                "indicators" => addition.indicators = value,
                "scrub_terms" => addition.scrub_terms = value,
                "discard_originals" => addition.discard_originals = value == "on",
                "action" => addition.previewing = value == "preview",
                _ => {}
            }
        }
        Ok(addition)
    }

    fn is_empty(&self) -> bool {
        self.reply.trim().is_empty() && self.indicators.trim().is_empty() && self.files.is_empty()
    }
}

/// The answer and indicators of an anonymous report as they are stored:
/// scrubbed with the directory and the reporter's own words, exactly as
/// the report was. `Err` names what to fix.
fn scrub_addition(addition: &Addition, known: &KnownNames) -> Result<(Scrubbed, Scrubbed), String> {
    let terms = preview::terms(&addition.scrub_terms);
    Ok((
        preview::scrub(addition.reply.trim(), known, &terms, &addition.indicators)?,
        preview::scrub(
            addition.indicators.trim(),
            known,
            &terms,
            &addition.indicators,
        )?,
    ))
}

/// The preview of an anonymous reporter's answer: patterns and their own
/// words only, unless signed in (as the report form's preview).
async fn preview_addition(
    state: &AppState,
    visitor: &Visitor,
    addition: &Addition,
) -> Result<Result<AnswerPreview, String>, AppError> {
    let directory = match visitor.user {
        Some(_) => Some(super::directory::known_names(&state.db).await?),
        None => None,
    };
    let nobody = KnownNames::empty();
    let known = directory.as_deref().unwrap_or(&nobody);
    Ok(
        scrub_addition(addition, known).map(|(reply, indicators)| AnswerPreview {
            removed: reply.findings.len() + indicators.findings.len(),
            reply: preview::segments(addition.reply.trim(), &reply),
            indicators: preview::segments(addition.indicators.trim(), &indicators),
            with_directory: directory.is_some(),
        }),
    )
}

/// Adds the reporter's answer, indicators and files to `report`, in one
/// transaction. `Ok(Err(problem))` when something must be fixed first;
/// nothing is stored then.
async fn add_more(
    state: &AppState,
    report: &ReportRow,
    addition: Addition,
) -> Result<Result<(), String>, AppError> {
    let reply = addition.reply.trim();
    let indicators = addition.indicators.trim();
    if reply.chars().count() > MESSAGE_MAX {
        return Ok(Err(format!(
            "Keep your answer under {MESSAGE_MAX} characters."
        )));
    }
    if indicators.chars().count() > super::model::INDICATORS_MAX {
        return Ok(Err(format!(
            "Keep the indicators under {} characters.",
            super::model::INDICATORS_MAX
        )));
    }
    // Anonymous reports are kept scrubbed, answers and additions too.
    let (reply, indicators) = if report.mode() == Some(super::model::Mode::Anonymous) {
        let known = super::directory::known_names(&state.db).await?;
        match scrub_addition(&addition, &known) {
            Ok((reply, indicators)) => (reply.text, indicators.text),
            Err(problem) => return Ok(Err(problem)),
        }
    } else {
        (reply.to_string(), indicators.to_string())
    };
    let (reply, indicators) = (reply.as_str(), indicators.as_str());
    let keep_originals = !addition.discard_originals;
    let files =
        match super::attachments::prepare(addition.files, &state.config, keep_originals).await {
            Ok(files) => files,
            Err(problems) => {
                return Ok(Err(format!(
                    "{} Nothing was sent; choose the files again.",
                    problems.join(" ")
                )));
            }
        };
    let mut tx = state.db.begin_write().await?;
    if !reply.is_empty() {
        store::add_message(&mut tx, &state.key, report, None, reply).await?;
    }
    if !indicators.is_empty() {
        let mut body = report.body(&state.key)?;
        if !body.indicators.is_empty() {
            body.indicators.push('\n');
        }
        body.indicators.push_str(indicators);
        store::update_body(&mut tx, &state.key, report, &body).await?;
    }
    if !files.is_empty() || !indicators.is_empty() {
        let note = format!(
            "Added {} indicator line(s) and {} file(s).",
            indicators.lines().filter(|l| !l.trim().is_empty()).count(),
            files.len()
        );
        store::add_message(&mut tx, &state.key, report, None, &note).await?;
    }
    let key = report.record_key(&state.key)?;
    let keep_names = report.mode() == Some(super::model::Mode::Attributed);
    super::attachments::store_all(
        &mut tx,
        &key,
        report.id,
        &report.reference,
        &files,
        keep_names,
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// The receipt travels in each POST body, never in a URL or a cookie, so
/// it lands in no history, log or cookie jar.
pub async fn follow_up(
    State(state): State<AppState>,
    visitor: Visitor,
    ClientAddr(addr): ClientAddr,
    request: Request,
) -> Result<Response, AppError> {
    let form = Addition::read(&state, request).await?;
    let throttle = ThrottleKeys::for_anonymous(&state.db, "receipt", addr, 20).await?;
    let mut page = FollowUpPage::new(&visitor, "Follow up a report", "/report/follow-up".into());
    page.receipt = form.receipt.clone();
    if let Some(wait) = throttle.locked_for(&state.db).await? {
        page.error = Some(format!(
            "Too many wrong receipt codes from your network. Try again in {} minutes.",
            (wait + 59) / 60
        ));
        page.keep(&form);
        return Ok((
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            axum::response::Html(page.render()?),
        )
            .into_response());
    }
    let found = match super::receipt::lookup_for(&state.key, &form.receipt) {
        Some(lookup) => store::by_receipt(&state.db, &lookup).await?,
        None => None,
    };
    let Some(report) = found else {
        throttle.record_failure(&state.db).await?;
        // The same words whether the code is malformed or unknown.
        page.error = Some(
            "No report matches this receipt. Check the twelve words and their order, then try again.".into(),
        );
        page.keep(&form);
        return render_invalid(&page);
    };
    page.messages = store::messages(&state.db, &state.key, &report).await?;
    page.openings = super::identity::openings(&state.db, report.id).await?;
    page.report = Some(report);
    if form.previewing {
        page.keep(&form);
        let problem = match preview_addition(&state, &visitor, &form).await? {
            Ok(preview) => {
                page.preview = Some(preview);
                (!form.files.is_empty()).then(|| super::submit::AGAIN.to_string())
            }
            Err(problem) => Some(problem),
        };
        return match problem {
            Some(problem) => {
                page.error = Some(problem);
                render_invalid(&page)
            }
            None => render(&page),
        };
    }
    if !form.is_empty() {
        let Some(report) = page.report.clone() else {
            return Err(AppError::NotFound);
        };
        page.keep(&form);
        if let Err(problem) = add_more(&state, &report, form).await? {
            page.error = Some(problem);
            return render_invalid(&page);
        }
        page.keep(&Addition::default());
        page.page = page
            .page
            .with_notice("Your answer was sent to the analysts.");
        page.messages = store::messages(&state.db, &state.key, &report).await?;
    }
    render(&page)
}

#[derive(Template)]
#[template(path = "reports/mine.html")]
struct MinePage {
    page: Page,
    reports: Vec<ReportRow>,
}

impl Labels for MinePage {}

pub async fn mine(
    State(state): State<AppState>,
    SignedIn { visitor, user }: SignedIn,
) -> Result<Response, AppError> {
    let reports = store::list_for_reporter(&state.db, user.id).await?;
    render(&MinePage {
        page: Page::new(&visitor, "Your reports"),
        reports,
    })
}

/// A member's own report; anyone else's is "not found".
async fn own_report(state: &AppState, user: &User, id: i64) -> Result<ReportRow, AppError> {
    let report = store::by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if report.reporter_user_id != Some(user.id) {
        return Err(AppError::NotFound);
    }
    Ok(report)
}

pub async fn mine_detail(
    State(state): State<AppState>,
    SignedIn { visitor, user }: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let report = own_report(&state, &user, id).await?;
    let mut page = FollowUpPage::new(
        &visitor,
        "Your report",
        format!("/reports/mine/{}", report.id),
    );
    page.messages = store::messages(&state.db, &state.key, &report).await?;
    page.report = Some(report);
    render(&page)
}

pub async fn mine_reply(
    State(state): State<AppState>,
    SignedIn { visitor, user }: SignedIn,
    Path(id): Path<i64>,
    request: Request,
) -> Result<Response, AppError> {
    let report = own_report(&state, &user, id).await?;
    let user_id = user.id;
    let form = Addition::read(&state, request).await?;
    let mut page = FollowUpPage::new(
        &visitor,
        "Your report",
        format!("/reports/mine/{}", report.id),
    );
    page.keep(&form);
    let problem = if form.is_empty() {
        Some("Write an answer, add indicators or choose files.".to_string())
    } else {
        add_more(&state, &report, form).await?.err()
    };
    if let Some(error) = problem {
        page.messages = store::messages(&state.db, &state.key, &report).await?;
        page.report = Some(report);
        page.error = Some(error);
        return render_invalid(&page);
    }
    let mut tx = state.db.begin_write().await?;
    audit::append(
        &mut tx,
        &state.key,
        Actor::User(user_id),
        "report.reporter-message",
        &format!("report:{id}"),
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/reports/mine/{id}")).into_response())
}
