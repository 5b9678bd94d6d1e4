//! The analysts' inbox: read reports (each opening audited), change their
//! status and talk with the reporter.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::model::SealedBody;
use super::store::{self, InboxFilter, Message, ReportRow};
use crate::accounts::extract::Analyst;
use crate::audit::{self, Actor};
use crate::sharing::Catalogue;
use crate::sharing::catalogue::{self, STATUSES};
use crate::state::AppState;
use crate::web::labels::Labels;
use crate::web::paging::{Pages, page_base};
use crate::web::templates::{Page, render, render_invalid};
use crate::web::{AppError, Visitor};

#[derive(Template)]
#[template(path = "reports/inbox.html")]
struct InboxPage {
    page: Page,
    reports: Vec<ReportRow>,
    query: InboxQuery,
    pages: Pages,
}

impl Labels for InboxPage {}
impl Catalogue for InboxPage {}

impl InboxPage {
    fn page_base(&self) -> String {
        self.query.page_base()
    }
}

/// Reports shown on one page of the triage list.
const INBOX_PAGE: i64 = 50;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct InboxQuery {
    /// Absent: the reports still to decide on ("open"); empty: all.
    status: Option<String>,
    q: String,
    class: String,
    sea_area: String,
    page: i64,
}

impl InboxQuery {
    /// The filter to apply, with unknown values dropped: a hand-edited URL
    /// gets a wider list, not an error.
    fn filter(&self) -> InboxFilter {
        let status = match self.status.as_deref() {
            None => "open",
            Some(s) if s == "open" || STATUSES.iter().any(|(id, _)| *id == s) => s,
            Some(_) => "",
        };
        let keep = |value: &str, ok: bool| if ok { value.to_string() } else { String::new() };
        InboxFilter {
            status: status.to_string(),
            reference: self.q.trim().chars().take(40).collect(),
            class: keep(&self.class, catalogue::class_by_id(&self.class).is_some()),
            sea_area: keep(
                &self.sea_area,
                crate::sharing::sea_areas::by_id(&self.sea_area).is_some(),
            ),
        }
    }

    fn page_base(&self) -> String {
        let filter = self.filter();
        page_base(
            "/triage",
            &[
                (
                    "status",
                    if filter.status.is_empty() {
                        "all"
                    } else {
                        &filter.status
                    },
                ),
                ("q", &filter.reference),
                ("class", &filter.class),
                ("sea_area", &filter.sea_area),
            ],
        )
    }

    fn status_shown(&self) -> String {
        let status = self.filter().status;
        if status.is_empty() {
            "all".into()
        } else {
            status
        }
    }
}

pub async fn inbox(
    State(state): State<AppState>,
    Analyst { visitor, .. }: Analyst,
    Query(query): Query<InboxQuery>,
) -> Result<Response, AppError> {
    let filter = query.filter();
    let total = store::count_inbox(&state.db, &filter).await?;
    let pages = Pages::new(query.page, total, INBOX_PAGE);
    if let Some(page) = pages.moved(query.page) {
        return Ok(Redirect::to(&format!("{}{page}", query.page_base())).into_response());
    }
    let reports = store::list(&state.db, &filter, pages.size, pages.offset()).await?;
    render(&InboxPage {
        page: Page::new(&visitor, "Triage"),
        reports,
        query,
        pages,
    })
}

#[derive(Template)]
#[template(path = "reports/triage.html")]
struct DetailPage {
    page: Page,
    report: ReportRow,
    body: SealedBody,
    messages: Vec<Message>,
    incident: Option<crate::incidents::store::IncidentRow>,
    /// The report this one was merged into, and those merged into it.
    duplicate_of: Option<ReportRow>,
    merged: Vec<ReportRow>,
    /// A confidential report's identity, in this response only.
    identity: Option<super::identity::SealedIdentity>,
    identity_error: Option<String>,
    openings: Vec<super::identity::Opening>,
    attachments: Vec<super::attachments::Listed>,
    error: Option<String>,
    draft: String,
}

impl Labels for DetailPage {}

impl DetailPage {
    fn system_list(&self) -> String {
        self.system_labels(&self.report.systems)
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
    let incident = crate::incidents::store::for_report(&state.db, id).await?;
    let duplicate_of = match report.duplicate_of {
        Some(primary) => store::by_id(&state.db, primary).await?,
        None => None,
    };
    let merged = store::duplicates_of(&state.db, id).await?;
    let openings = super::identity::openings(&state.db, id).await?;
    let attachments = super::attachments::list(&state.db, &state.key, &report).await?;
    // Every reading of a sealed report is on the record.
    audit::record(
        &state.db,
        &state.key,
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
        incident,
        duplicate_of,
        merged,
        identity: None,
        identity_error: None,
        openings,
        attachments,
        error: None,
        draft: String::new(),
    })
}

pub async fn detail(
    State(state): State<AppState>,
    Analyst { visitor, user }: Analyst,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let analyst_id = user.id;
    render(&detail_page(&state, &visitor, analyst_id, id).await?)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StatusForm {
    status: String,
}

pub async fn set_status(
    State(state): State<AppState>,
    Analyst { user, .. }: Analyst,
    Path(id): Path<i64>,
    Form(form): Form<StatusForm>,
) -> Result<Response, AppError> {
    let analyst_id = user.id;
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
        &state.key,
        Actor::User(analyst_id),
        "report.status",
        &format!("report:{id}"),
        &form.status,
    )
    .await?;
    tx.commit().await?;
    crate::detection::after_analyst_step(&state, id).await;
    Ok(Redirect::to(&format!("/triage/{id}")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MessageForm {
    body: String,
}

pub async fn message(
    State(state): State<AppState>,
    Analyst { visitor, user }: Analyst,
    Path(id): Path<i64>,
    Form(form): Form<MessageForm>,
) -> Result<Response, AppError> {
    let analyst_id = user.id;
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
        &state.key,
        Actor::User(analyst_id),
        "report.analyst-message",
        &format!("report:{id}"),
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/triage/{id}")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MergeForm {
    into: String,
}

/// Marks this report a duplicate of another (given by reference): it
/// leaves the inbox, its incident (if any) is withdrawn, and statistics
/// count the pair once.
pub async fn merge(
    State(state): State<AppState>,
    Analyst { visitor, user }: Analyst,
    Path(id): Path<i64>,
    Form(form): Form<MergeForm>,
) -> Result<Response, AppError> {
    let analyst_id = user.id;
    let reference = form.into.trim().to_ascii_uppercase();
    let target = store::by_reference(&state.db, &reference).await?;
    let problem = match &target {
        None => Some(format!(
            "There is no report {reference}: give the reference of the report to keep, such as R-0A1B2C3D4E."
        )),
        Some(t) if t.id == id => Some("A report cannot be merged into itself.".to_string()),
        Some(t) if t.duplicate_of.is_some() => Some(format!(
            "{} is itself merged into another report: merge into that one.",
            t.reference
        )),
        Some(_) => None,
    };
    if let Some(problem) = problem {
        let mut page = detail_page(&state, &visitor, analyst_id, id).await?;
        page.error = Some(problem);
        return render_invalid(&page);
    }
    let Some(target) = target else {
        return Err(AppError::NotFound);
    };
    let mut tx = state.db.begin_write().await?;
    if !store::merge(&mut tx, id, target.id).await? {
        return Err(AppError::NotFound);
    }
    crate::incidents::publish::withdraw_within(&mut tx, id, crate::db::now()).await?;
    audit::append(
        &mut tx,
        &state.key,
        Actor::User(analyst_id),
        "report.merged",
        &format!("report:{id}"),
        &format!("into report:{}", target.id),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/triage/{id}")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct IdentityForm {
    password: String,
}

/// Opens a confidential report's sealed identity with the analyst's own
/// key, unlocked by their password. The identity is shown in this
/// response only; the opening is audited and shown to the reporter.
pub async fn open_identity(
    State(state): State<AppState>,
    Analyst { visitor, user }: Analyst,
    Path(id): Path<i64>,
    Form(form): Form<IdentityForm>,
) -> Result<Response, AppError> {
    use super::identity::{self, IdentityError};
    let analyst_id = user.id;
    let mut page = detail_page(&state, &visitor, analyst_id, id).await?;
    let Some(sealed) = page.report.sealed_identity.clone() else {
        return Err(AppError::BadRequest(
            "This report has no sealed identity: only confidential reports have one.".into(),
        ));
    };
    match identity::open(&state.db, analyst_id, &form.password, &sealed).await {
        Ok(opened) => {
            audit::record(
                &state.db,
                &state.key,
                Actor::User(analyst_id),
                identity::OPENED,
                &format!("report:{id}"),
                "",
            )
            .await?;
            page.openings = identity::openings(&state.db, id).await?;
            page.identity = Some(opened);
            render(&page)
        }
        Err(IdentityError::WrongPassword) => {
            page.identity_error = Some("That is not your password: nothing was opened.".into());
            render_invalid(&page)
        }
        Err(IdentityError::NotARecipient) => {
            page.identity_error = Some(
                "This identity was sealed before you had a key, so only the analysts of that time can open it.".into(),
            );
            render_invalid(&page)
        }
        Err(other) => Err(other.into()),
    }
}

/// An attachment's cleaned copy, as analysts get it by default; the
/// original only through [`original`], after a warning. Each download is
/// on the record.
pub async fn cleaned(
    State(state): State<AppState>,
    Analyst { user, .. }: Analyst,
    Path((id, position)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    use super::attachments::{self, Copy};
    let analyst_id = user.id;
    let report = store::by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (meta, bytes) = attachments::open(&state.db, &state.key, &report, position, Copy::Cleaned)
        .await?
        .ok_or(AppError::NotFound)?;
    audit::record(
        &state.db,
        &state.key,
        Actor::User(analyst_id),
        "report.attachment-downloaded",
        &format!("report:{id}"),
        &format!("attachment:{position} Cleaned"),
    )
    .await?;
    let name = format!("{}-{position}-cleaned", report.reference);
    Ok(attachments::download(bytes, &meta, &name, Copy::Cleaned))
}

#[derive(Template)]
#[template(path = "reports/original.html")]
struct OriginalPage {
    page: Page,
    report: ReportRow,
    attachment: super::attachments::Listed,
    error: Option<String>,
}

impl Labels for OriginalPage {}

/// What opening an original can reveal, before it is opened.
pub async fn original_warning(
    State(state): State<AppState>,
    Analyst { visitor, .. }: Analyst,
    Path((id, position)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let report = store::by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    original_page(&state, &visitor, report, position, None).await
}

/// The warning page of a kept original, with `error` when the reason
/// given was not enough; "not found" when no original was kept.
async fn original_page(
    state: &AppState,
    visitor: &Visitor,
    report: ReportRow,
    position: i64,
    error: Option<String>,
) -> Result<Response, AppError> {
    let attachment = super::attachments::list(&state.db, &state.key, &report)
        .await?
        .into_iter()
        .find(|a| a.position == position && a.meta.original_kept)
        .ok_or(AppError::NotFound)?;
    let page = OriginalPage {
        page: Page::new(visitor, "Open an original file"),
        report,
        attachment,
        error,
    };
    if page.error.is_some() {
        render_invalid(&page)
    } else {
        render(&page)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OriginalForm {
    reason: String,
}

/// The file as the reporter sent it, for the chain of custody: a
/// deliberate step with a stated reason, audited before a byte leaves.
pub async fn original(
    State(state): State<AppState>,
    Analyst { visitor, user }: Analyst,
    Path((id, position)): Path<(i64, i64)>,
    Form(form): Form<OriginalForm>,
) -> Result<Response, AppError> {
    use super::attachments::{self, Copy};
    let analyst_id = user.id;
    let report = store::by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let reason = form.reason.trim();
    if reason.chars().count() < 5 {
        let error = "Say why you need the original (five characters or more): it is recorded.";
        return original_page(&state, &visitor, report, position, Some(error.into())).await;
    }
    let (meta, bytes) = attachments::open(&state.db, &state.key, &report, position, Copy::Original)
        .await?
        .ok_or(AppError::NotFound)?;
    let reason: String = reason.chars().take(500).collect();
    audit::record(
        &state.db,
        &state.key,
        Actor::User(analyst_id),
        "report.attachment-original-opened",
        &format!("report:{id}"),
        &format!("attachment:{position} reason: {reason}"),
    )
    .await?;
    let name = format!("{}-{position}-original", report.reference);
    Ok(attachments::download(bytes, &meta, &name, Copy::Original))
}
