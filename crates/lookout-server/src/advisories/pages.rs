//! Advisory pages: members read published ones within their sharing level;
//! analysts write, submit, approve, publish, update, withdraw and dismiss.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::model::{Content, SEVERITIES, severity_label};
use super::store::{self, AdvisoryRow, Listed, Origin, Revision};
use crate::accounts::authz::{self, Capability};
use crate::accounts::extract::Analyst;
use crate::db::now;
use crate::review::Content as _;
use crate::review::flow::{self, Done, Settled, Standing, Workflow};
use crate::sharing::Catalogue;
use crate::sharing::clearance::Clearance;
use crate::state::AppState;
use crate::web::labels::Labels;
use crate::web::paging::{Pages, rows_of};
use crate::web::templates::{Page, markdown_html_under, render, render_invalid};
use crate::web::{AppError, Visitor};

impl Workflow for AdvisoryRow {
    const PATH: &'static str = "/advisories";
    const AUDIT: &'static str = "advisory";
    const VERSION_WORD: &'static str = "revision";
    const PUBLISH_ACTIONS: &'static [&'static str] = &["publish", "approve"];
    const SETTLED: Settled = Settled::Page;
    const NOTICES: &'static [(&'static str, &'static str)] = &[
        (
            "submitted",
            "Submitted: at this severity a second analyst must approve it before it is published.",
        ),
        (
            "waiting",
            "It still waits for a second analyst: you submitted it, so you cannot approve it.",
        ),
    ];

    /// Below `Config::advisory_approval_severity` one analyst publishes.
    fn needs_review(state: &AppState, content: &Content) -> bool {
        content.severity >= state.config.advisory_approval_severity
    }

    /// Wakes the alert worker for what publication recorded.
    fn committed(state: &AppState) {
        crate::alerts::wake_worker(state);
    }
}

/// Labels the advisory templates use.
pub trait AdvisoryLabels {
    fn severity(&self, n: &i64) -> &'static str {
        severity_label(*n)
    }
    fn severities(&self) -> &'static [(i64, &'static str)] {
        &SEVERITIES
    }
    fn class_name(&self, id: &str) -> &'static str {
        crate::sharing::catalogue::class_by_id(id).map_or("?", |c| c.label)
    }
}

#[derive(Template)]
#[template(path = "advisories/list.html")]
struct ListPage {
    page: Page,
    advisories: Vec<Listed>,
    is_analyst: bool,
    pages: Pages,
}

/// Advisories on one page of the list; read at most.
const LIST_PAGE: i64 = 50;
const LIST_MAX: i64 = 2000;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    page: i64,
}
impl AdvisoryLabels for ListPage {}
impl Labels for ListPage {}

pub async fn list(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let user = visitor.require_user()?;
    let clearance = Clearance::of(&state.db, user).await?;
    let all = store::list_published(&state.db, clearance.max_rank, LIST_MAX).await?;
    let pages = Pages::new(query.page, i64::try_from(all.len()).unwrap_or(0), LIST_PAGE);
    if let Some(page) = pages.moved(query.page) {
        return Ok(Redirect::to(&format!("/advisories?page={page}")).into_response());
    }
    render(&ListPage {
        page: Page::new(&visitor, "Advisories"),
        advisories: rows_of(all, &pages),
        is_analyst: authz::allows(user, Capability::Triage),
        pages,
    })
}

#[derive(Template)]
#[template(path = "advisories/drafts.html")]
struct DraftsPage {
    page: Page,
    drafts: Vec<Listed>,
    approval_from: i64,
}
impl AdvisoryLabels for DraftsPage {}
impl Labels for DraftsPage {}

pub async fn drafts(
    Analyst { visitor, .. }: Analyst,
    State(state): State<AppState>,
) -> Result<Response, AppError> {
    render(&DraftsPage {
        page: Page::new(&visitor, "Advisory drafts"),
        drafts: store::list_drafts(&state.db, 200).await?,
        approval_from: state.config.advisory_approval_severity,
    })
}

#[derive(Template)]
#[template(path = "advisories/detail.html")]
struct DetailPage {
    page: Page,
    advisory: AdvisoryRow,
    revision: Revision,
    body_html: String,
    actions_html: String,
    /// Cited incidents the reader may open.
    incidents: Vec<String>,
    is_analyst: bool,
    see_also: crate::kb::related::SeeAlso,
    sightings: crate::sightings::Panel,
}
impl AdvisoryLabels for DetailPage {}
impl Labels for DetailPage {}
impl Catalogue for DetailPage {}

pub async fn detail(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(reference): Path<String>,
) -> Result<Response, AppError> {
    let user = visitor.require_user()?;
    let clearance = Clearance::of(&state.db, user).await?;
    let advisory = store::by_reference(&state.db, &reference)
        .await?
        .ok_or(AppError::NotFound)?;
    // Unpublished advisories and those above the reader's level do not
    // exist for them.
    let revision = store::published(&state.db, &advisory)
        .await?
        .filter(|r| r.content.tlp_rank() <= clearance.max_rank)
        .ok_or(AppError::NotFound)?;
    let mut incidents = Vec::new();
    for reference in revision.content.incident_refs() {
        if crate::incidents::store::visible_by_ref(&state.db, now(), &clearance, reference)
            .await?
            .is_some()
        {
            incidents.push(reference.to_string());
        }
    }
    let see_also = crate::kb::related::SeeAlso::about(
        &state.db,
        clearance.max_rank,
        revision
            .content
            .class_ids()
            .first()
            .copied()
            .unwrap_or_default(),
        revision
            .content
            .sea_area_ids()
            .first()
            .copied()
            .unwrap_or_default(),
        &revision.content.indicators,
    )
    .await?;
    let sightings = crate::sightings::Panel::advisory(
        &state,
        user,
        advisory.id,
        &advisory.reference,
        &revision.content.tlp,
        advisory.state == "published",
    )
    .await?;
    render(&DetailPage {
        page: Page::new(&visitor, &revision.content.title),
        see_also,
        sightings,
        body_html: markdown_html_under(&revision.content.body, 2),
        actions_html: markdown_html_under(&revision.content.actions, 3),
        advisory,
        revision,
        incidents,
        is_analyst: authz::allows(user, Capability::Triage),
    })
}

#[derive(Template)]
#[template(path = "advisories/editor.html")]
struct EditorPage {
    page: Page,
    advisory: Option<AdvisoryRow>,
    form: Content,
    /// The working draft waits for approval by someone other than this
    /// analyst: they may approve it.
    can_approve: bool,
    waiting_for_other: bool,
    approval_from: i64,
    problems: Vec<String>,
    preview_html: String,
    /// Published incidents of the advisory's first class (or the newest),
    /// to tick rather than type: (reference, title, period).
    candidates: Vec<(String, String, String)>,
}
impl AdvisoryLabels for EditorPage {}
impl Labels for EditorPage {}
impl Catalogue for EditorPage {}

impl EditorPage {
    fn has(&self, list: &str, id: &str) -> bool {
        let list = match list {
            "class" => &self.form.classes,
            "sea_area" => &self.form.sea_areas,
            "vessel_type" => &self.form.vessel_types,
            _ => &self.form.systems,
        };
        list.split(' ').any(|x| x == id)
    }
    fn action_path(&self) -> String {
        match &self.advisory {
            Some(a) => format!("/advisories/{}/edit", a.reference),
            None => "/advisories/new".into(),
        }
    }
    fn state(&self) -> &str {
        self.advisory.as_ref().map_or("new", |a| a.state.as_str())
    }
    fn needs_approval(&self) -> bool {
        self.form.severity >= self.approval_from
    }
    fn cites(&self, reference: &str) -> bool {
        self.form.incident_refs().contains(&reference)
    }
    /// Cited references that are not among the candidates, for the text
    /// field.
    fn other_refs(&self) -> String {
        self.form
            .incident_refs()
            .into_iter()
            .filter(|r| !self.candidates.iter().any(|(c, _, _)| c == r))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Incidents offered to tick on the advisory form, at most.
const CANDIDATES: i64 = 15;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    incident: String,
}

async fn editor(
    state: &AppState,
    visitor: &Visitor,
    advisory: Option<AdvisoryRow>,
    form: Content,
) -> Result<EditorPage, AppError> {
    let user = visitor.require_user()?;
    let clearance = Clearance::of(&state.db, user).await?;
    let filter = crate::incidents::store::Filter {
        class: form
            .class_ids()
            .first()
            .map(|c| c.to_string())
            .unwrap_or_default(),
        ..crate::incidents::store::Filter::default()
    };
    let (incidents, _) =
        crate::incidents::store::list_visible(&state.db, now(), &clearance, &filter, CANDIDATES, 0)
            .await?;
    let candidates = incidents
        .into_iter()
        .map(|i| (i.reference, i.title, i.occurred_on))
        .collect();
    Ok(EditorPage {
        candidates,
        page: Page::new(visitor, "Advisory"),
        preview_html: markdown_html_under(&form.body, 3),
        advisory,
        form,
        can_approve: false,
        waiting_for_other: false,
        approval_from: state.config.advisory_approval_severity,
        problems: Vec::new(),
    })
}

pub async fn new_form(
    Analyst { visitor, .. }: Analyst,
    State(state): State<AppState>,
    Query(query): Query<NewQuery>,
) -> Result<Response, AppError> {
    let mut form = Content {
        severity: 2,
        tlp: "amber".into(),
        ..Content::default()
    };
    // "Write an advisory from this incident": its facts as a start.
    let cited = query.incident.trim().to_uppercase();
    if let Some(incident) = incident_by_ref(&state, &cited).await? {
        form.title = incident.title.clone();
        form.classes = incident.class.clone();
        form.sea_areas = incident.sea_area.clone();
        form.vessel_types = incident.vessel_type.clone();
        form.systems = incident.systems.clone();
        form.indicators = incident.indicators.clone();
        form.tlp = incident.tlp.clone();
        form.incidents = incident.reference.clone();
    }
    render(&editor(&state, &visitor, None, form).await?)
}

async fn incident_by_ref(
    state: &AppState,
    reference: &str,
) -> Result<Option<crate::incidents::store::IncidentRow>, AppError> {
    if reference.is_empty() {
        return Ok(None);
    }
    let analyst = Clearance {
        max_rank: 4,
        org_id: None,
    };
    Ok(crate::incidents::store::visible_by_ref(&state.db, now(), &analyst, reference).await?)
}

/// The form's problems, including cited incidents that do not exist.
async fn problems(state: &AppState, form: &Content) -> Result<Vec<String>, AppError> {
    let mut problems = form.problems();
    problems.extend(store::unknown_incidents(&state.db, form.incident_refs()).await?);
    Ok(problems)
}

pub async fn create(
    Analyst { visitor, user }: Analyst,
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Response, AppError> {
    let (form, action) = Content::from_form(&body);
    let problems = problems(&state, &form).await?;
    if !problems.is_empty() {
        let mut page = editor(&state, &visitor, None, form).await?;
        page.problems = problems;
        return render_invalid(&page);
    }
    let mut tx = state.db.begin_write().await?;
    let advisory = store::create(&mut tx, Origin::Analyst, &form, Some(user.id))
        .await?
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("a new advisory conflicted")))?;
    flow::audit::<AdvisoryRow>(&mut tx, &state, &user, "created", &advisory.reference, "").await?;
    tx.commit().await?;
    flow::advance::<AdvisoryRow>(&state, &user, &advisory.reference, &action).await
}

pub async fn edit(
    Analyst { visitor, user }: Analyst,
    State(state): State<AppState>,
    Path(reference): Path<String>,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    let (advisory, latest) = flow::load::<AdvisoryRow>(&state, &reference).await?;
    let standing = Standing::of(&advisory, &latest, user.id);
    let mut page = editor(&state, &visitor, Some(advisory.clone()), latest.content).await?;
    page.can_approve = standing.can_review;
    page.waiting_for_other = standing.waiting_for_other;
    if !advisory.origin_reason.is_empty() && advisory.state == "draft" {
        page.page = page.page.with_notice(format!(
            "Drafted by the rule “{}”: {}",
            advisory.origin, advisory.origin_reason
        ));
    }
    page.page = done.told::<AdvisoryRow>(page.page);
    render(&page)
}

pub async fn save(
    Analyst { visitor, user }: Analyst,
    State(state): State<AppState>,
    Path(reference): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let (advisory, latest) = flow::load::<AdvisoryRow>(&state, &reference).await?;
    if !matches!(advisory.state.as_str(), "draft" | "published") {
        return Err(AppError::Conflict(format!(
            "This advisory is {}; it can no longer be edited.",
            advisory.state
        )));
    }
    let (form, action) = Content::from_form(&body);
    let problems = problems(&state, &form).await?;
    if !problems.is_empty() {
        let mut page = editor(&state, &visitor, Some(advisory), form).await?;
        page.problems = problems;
        return render_invalid(&page);
    }
    flow::save::<AdvisoryRow>(&state, &user, &advisory, &latest, &form).await?;
    flow::advance::<AdvisoryRow>(&state, &user, &advisory.reference, &action).await
}

pub async fn withdraw(
    Analyst { user, .. }: Analyst,
    State(state): State<AppState>,
    Path(reference): Path<String>,
) -> Result<Response, AppError> {
    let advisory = store::by_reference(&state.db, &reference)
        .await?
        .ok_or(AppError::NotFound)?;
    let published = store::published(&state.db, &advisory)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin_write().await?;
    if store::withdraw(&mut tx, &advisory, &published).await? {
        flow::audit::<AdvisoryRow>(&mut tx, &state, &user, "withdrawn", &reference, "").await?;
    }
    tx.commit().await?;
    crate::alerts::wake_worker(&state);
    Ok(Redirect::to(&format!("/advisories/{reference}")).into_response())
}

pub async fn dismiss(
    Analyst { user, .. }: Analyst,
    State(state): State<AppState>,
    Path(reference): Path<String>,
) -> Result<Response, AppError> {
    let advisory = store::by_reference(&state.db, &reference)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin_write().await?;
    if !store::dismiss(&mut tx, advisory.id).await? {
        return Err(AppError::Conflict(
            "Only a draft that was never published can be dismissed; withdraw a published one."
                .into(),
        ));
    }
    flow::audit::<AdvisoryRow>(&mut tx, &state, &user, "dismissed", &reference, "").await?;
    tx.commit().await?;
    Ok(Redirect::to("/advisories/drafts").into_response())
}
