//! Coming back to a report: anonymous reporters with their receipt code,
//! members through their own list. Both read the analysts' questions and
//! answer them.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::ReportLabels;
use super::Unlogged;
use super::store::{self, Message, ReportRow};
use crate::accounts::throttle::ThrottleKeys;
use crate::audit::{self, Actor};
use crate::state::AppState;
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
    /// Where the reply form posts.
    action: String,
}

impl ReportLabels for FollowUpPage {}

fn quiet(mut response: Response) -> Response {
    response.extensions_mut().insert(Unlogged);
    response
}

pub async fn form(visitor: Visitor) -> Result<Response, AppError> {
    Ok(quiet(render(&FollowUpPage {
        page: Page::new(&visitor, "Follow up a report"),
        receipt: String::new(),
        report: None,
        messages: Vec::new(),
        openings: Vec::new(),
        error: None,
        reply: String::new(),
        action: "/report/follow-up".into(),
    })?))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FollowUpForm {
    receipt: String,
    reply: String,
}

/// The receipt travels in each POST body, never in a URL or a cookie, so
/// it lands in no history, log or cookie jar.
pub async fn follow_up(
    State(state): State<AppState>,
    visitor: Visitor,
    ClientAddr(addr): ClientAddr,
    Form(form): Form<FollowUpForm>,
) -> Result<Response, AppError> {
    let throttle = ThrottleKeys::for_purpose(
        &state.key,
        "receipt",
        &addr.map(|a| a.to_string()).unwrap_or_default(),
        10,
    );
    let mut page = FollowUpPage {
        page: Page::new(&visitor, "Follow up a report"),
        receipt: form.receipt.clone(),
        report: None,
        messages: Vec::new(),
        openings: Vec::new(),
        error: None,
        reply: String::new(),
        action: "/report/follow-up".into(),
    };
    if let Some(wait) = throttle.locked_for(&state.db).await? {
        page.error = Some(format!(
            "Too many wrong receipt codes from your network. Try again in {} minutes.",
            (wait + 59) / 60
        ));
        return Ok(quiet(
            (
                axum::http::StatusCode::TOO_MANY_REQUESTS,
                axum::response::Html(page.render()?),
            )
                .into_response(),
        ));
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
        return Ok(quiet(render_invalid(&page)?));
    };
    if !form.reply.trim().is_empty() {
        if form.reply.chars().count() > MESSAGE_MAX {
            page.error = Some(format!("Keep your answer under {MESSAGE_MAX} characters."));
            page.reply = form.reply;
            page.messages = store::messages(&state.db, &state.key, &report).await?;
            page.report = Some(report);
            return Ok(quiet(render_invalid(&page)?));
        }
        let mut tx = state.db.begin_write().await?;
        store::add_message(&mut tx, &state.key, &report, None, form.reply.trim()).await?;
        tx.commit().await?;
        page.page = page
            .page
            .with_notice("Your answer was sent to the analysts.");
    }
    page.messages = store::messages(&state.db, &state.key, &report).await?;
    page.openings = super::identity::openings(&state.db, report.id).await?;
    page.report = Some(report);
    Ok(quiet(render(&page)?))
}

#[derive(Template)]
#[template(path = "reports/mine.html")]
struct MinePage {
    page: Page,
    reports: Vec<ReportRow>,
}

impl ReportLabels for MinePage {}

pub async fn mine(State(state): State<AppState>, visitor: Visitor) -> Result<Response, AppError> {
    let user = visitor.require_user()?;
    let reports = store::list_for_reporter(&state.db, user.id).await?;
    render(&MinePage {
        page: Page::new(&visitor, "Your reports"),
        reports,
    })
}

/// A member's own report; anyone else's is "not found".
async fn own_report(state: &AppState, visitor: &Visitor, id: i64) -> Result<ReportRow, AppError> {
    let user = visitor.require_user()?;
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
    visitor: Visitor,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let report = own_report(&state, &visitor, id).await?;
    render(&FollowUpPage {
        page: Page::new(&visitor, "Your report"),
        receipt: String::new(),
        messages: store::messages(&state.db, &state.key, &report).await?,
        openings: Vec::new(),
        action: format!("/reports/mine/{}", report.id),
        report: Some(report),
        error: None,
        reply: String::new(),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReplyForm {
    reply: String,
}

pub async fn mine_reply(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    Form(form): Form<ReplyForm>,
) -> Result<Response, AppError> {
    let report = own_report(&state, &visitor, id).await?;
    let user_id = visitor.require_user()?.id;
    let reply = form.reply.trim();
    if reply.is_empty() || reply.chars().count() > MESSAGE_MAX {
        return render_invalid(&FollowUpPage {
            page: Page::new(&visitor, "Your report"),
            receipt: String::new(),
            messages: store::messages(&state.db, &state.key, &report).await?,
            openings: Vec::new(),
            action: format!("/reports/mine/{}", report.id),
            report: Some(report),
            error: Some(format!(
                "Write an answer of up to {MESSAGE_MAX} characters."
            )),
            reply: form.reply,
        });
    }
    let mut tx = state.db.begin_write().await?;
    store::add_message(&mut tx, &state.key, &report, None, reply).await?;
    audit::append(
        &mut tx,
        Actor::User(user_id),
        "report.reporter-message",
        &format!("report:{id}"),
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/reports/mine/{id}")).into_response())
}
