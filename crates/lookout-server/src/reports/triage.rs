//! The analysts' inbox: read reports (each opening audited), change their
//! status and talk with the reporter.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::ReportLabels;
use super::catalogue;
use super::model::{STATUSES, SealedBody};
use super::store::{self, Message, ReportRow};
use crate::accounts::authz::{self, Capability};
use crate::accounts::model::User;
use crate::audit::{self, Actor};
use crate::state::AppState;
use crate::web::templates::{Page, render, render_invalid};
use crate::web::{AppError, Visitor};

fn analyst(visitor: &Visitor) -> Result<&User, AppError> {
    let user = visitor.require_user()?;
    authz::require(user, Capability::Triage)?;
    Ok(user)
}

#[derive(Template)]
#[template(path = "reports/inbox.html")]
struct InboxPage {
    page: Page,
    reports: Vec<ReportRow>,
    status: String,
}

impl ReportLabels for InboxPage {}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct InboxQuery {
    status: String,
}

pub async fn inbox(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<InboxQuery>,
) -> Result<Response, AppError> {
    analyst(&visitor)?;
    let status = if q.status.is_empty() || STATUSES.iter().any(|(s, _)| *s == q.status) {
        q.status
    } else {
        String::new()
    };
    let reports = store::list(&state.db, &status, 200).await?;
    render(&InboxPage {
        page: Page::new(&visitor, "Triage"),
        reports,
        status,
    })
}

#[derive(Template)]
#[template(path = "reports/triage.html")]
struct DetailPage {
    page: Page,
    report: ReportRow,
    body: SealedBody,
    messages: Vec<Message>,
    error: Option<String>,
    draft: String,
}

impl ReportLabels for DetailPage {}

impl DetailPage {
    fn entry_label(&self, list: &str, id: &str) -> &'static str {
        let list = match list {
            "vessel_type" => catalogue::VESSEL_TYPES,
            "vessel_size" => catalogue::VESSEL_SIZES,
            "impact" => catalogue::IMPACT_LEVELS,
            "tlp" => catalogue::TLP_LEVELS,
            _ => catalogue::SYSTEMS,
        };
        catalogue::find(list, id).map_or("?", |e| e.label)
    }
    fn systems(&self) -> Vec<&'static str> {
        self.report
            .systems
            .split(' ')
            .map(|s| self.entry_label("systems", s))
            .collect()
    }
    fn sea_area(&self) -> &'static str {
        super::sea_areas::by_id(&self.report.sea_area).map_or("?", |a| a.name)
    }
}

async fn detail_page(
    state: &AppState,
    visitor: &Visitor,
    analyst_id: i64,
    id: i64,
) -> Result<DetailPage, AppError> {
    let report = store::by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let body = report.body(&state.key)?;
    let messages = store::messages(&state.db, &state.key, &report).await?;
    // Every reading of a sealed report is on the record.
    audit::record(
        &state.db,
        Actor::User(analyst_id),
        "report.opened",
        &format!("report:{id}"),
        "",
    )
    .await?;
    Ok(DetailPage {
        page: Page::new(visitor, &format!("Report {}", report.reference)),
        report,
        body,
        messages,
        error: None,
        draft: String::new(),
    })
}

pub async fn detail(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let analyst_id = analyst(&visitor)?.id;
    render(&detail_page(&state, &visitor, analyst_id, id).await?)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StatusForm {
    status: String,
}

pub async fn set_status(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    Form(form): Form<StatusForm>,
) -> Result<Response, AppError> {
    let analyst_id = analyst(&visitor)?.id;
    // Publishing goes through the sanitised-incident editor, not a status
    // change.
    if !STATUSES.iter().any(|(s, _)| *s == form.status) || form.status == "published" {
        return Err(AppError::BadRequest(
            "Choose one of the listed statuses.".into(),
        ));
    }
    let mut tx = state.db.begin_write().await?;
    if !store::set_status(&mut tx, id, &form.status).await? {
        return Err(AppError::NotFound);
    }
    audit::append(
        &mut tx,
        Actor::User(analyst_id),
        "report.status",
        &format!("report:{id}"),
        &form.status,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/triage/{id}")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MessageForm {
    body: String,
}

pub async fn message(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    Form(form): Form<MessageForm>,
) -> Result<Response, AppError> {
    let analyst_id = analyst(&visitor)?.id;
    let body = form.body.trim();
    if body.is_empty() || body.chars().count() > 10_000 {
        let mut page = detail_page(&state, &visitor, analyst_id, id).await?;
        page.error = Some("Write a message of up to 10,000 characters.".into());
        page.draft = form.body;
        return render_invalid(&page);
    }
    let report = store::by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin_write().await?;
    store::add_message(&mut tx, &state.key, &report, Some(analyst_id), body).await?;
    audit::append(
        &mut tx,
        Actor::User(analyst_id),
        "report.analyst-message",
        &format!("report:{id}"),
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/triage/{id}")).into_response())
}
