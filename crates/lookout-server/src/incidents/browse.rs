//! Published incidents for members: a filtered, paged list and a detail
//! page, both limited to what the reader's clearance allows. An incident
//! the reader may not see is "not found", never "forbidden": its existence
//! is itself not theirs to know.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::store::{self, Filter, IncidentRow};
use crate::accounts::extract::SignedIn;
use crate::db::now;
use crate::kb::related::SeeAlso;
use crate::reports::attachments::{self, Copy};
use crate::reports::store as reports;
use crate::sharing::clearance::Clearance;
use crate::sharing::{Catalogue, catalogue, sea_areas};
use crate::state::AppState;
use crate::web::AppError;
use crate::web::labels::Labels;
use crate::web::paging::{Pages, page_base};
use crate::web::templates::{Page, render};

pub const PAGE_SIZE: i64 = 50;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ListQuery {
    pub class: String,
    pub sea_area: String,
    pub vessel_type: String,
    pub tlp: String,
    pub from: String,
    pub to: String,
    /// A piece of the reference or the title.
    pub q: String,
    pub page: i64,
}

impl ListQuery {
    /// The filter to apply, with unknown values dropped (a hand-edited URL
    /// gets the unfiltered list, not an error) and problems to show.
    fn filter(&self) -> (Filter, Vec<String>) {
        let mut problems = Vec::new();
        let keep = |value: &str, ok: bool| if ok { value.to_string() } else { String::new() };
        let date = |value: &str, what: &str, problems: &mut Vec<String>| {
            if value.is_empty() {
                return String::new();
            }
            match time::Date::parse(
                value,
                time::macros::format_description!("[year]-[month]-[day]"),
            ) {
                Ok(_) => value.to_string(),
                Err(_) => {
                    problems.push(format!("Give the {what} date as YYYY-MM-DD."));
                    String::new()
                }
            }
        };
        let filter = Filter {
            class: keep(&self.class, catalogue::class_by_id(&self.class).is_some()),
            sea_area: keep(&self.sea_area, sea_areas::by_id(&self.sea_area).is_some()),
            vessel_type: keep(
                &self.vessel_type,
                catalogue::find(catalogue::VESSEL_TYPES, &self.vessel_type).is_some(),
            ),
            tlp: keep(
                &self.tlp,
                catalogue::find(catalogue::TLP_LEVELS, &self.tlp).is_some(),
            ),
            from: date(&self.from, "first", &mut problems),
            to: date(&self.to, "last", &mut problems),
            text: self.q.trim().chars().take(100).collect(),
        };
        (filter, problems)
    }

    /// This query's URL for another page, without the number.
    pub fn page_base(&self) -> String {
        page_base(
            "/incidents",
            &[
                ("q", self.q.trim()),
                ("class", &self.class),
                ("sea_area", &self.sea_area),
                ("vessel_type", &self.vessel_type),
                ("tlp", &self.tlp),
                ("from", &self.from),
                ("to", &self.to),
            ],
        )
    }
}

#[derive(Template)]
#[template(path = "incidents/list.html")]
struct ListPage {
    page: Page,
    query: ListQuery,
    problems: Vec<String>,
    incidents: Vec<IncidentRow>,
    pages: Pages,
}

impl Catalogue for ListPage {}
impl Labels for ListPage {}

pub async fn list(
    State(state): State<AppState>,
    SignedIn { visitor, user }: SignedIn,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let clearance = Clearance::of(&state.db, &user).await?;
    let (filter, problems) = query.filter();
    let requested = query.page.max(1);
    let (incidents, total) = store::list_visible(
        &state.db,
        now(),
        &clearance,
        &filter,
        PAGE_SIZE,
        (requested - 1).saturating_mul(PAGE_SIZE),
    )
    .await?;
    let pages = Pages::new(query.page, total, PAGE_SIZE);
    if let Some(page) = pages.moved(query.page) {
        return Ok(Redirect::to(&format!("{}{page}", query.page_base())).into_response());
    }
    render(&ListPage {
        page: Page::new(&visitor, "Incidents"),
        query,
        problems,
        incidents,
        pages,
    })
}

/// The incident `reference` if this visitor may see it; "not found"
/// otherwise, whether it exists or not.
async fn visible(
    state: &AppState,
    clearance: &Clearance,
    reference: &str,
) -> Result<IncidentRow, AppError> {
    store::visible_by_ref(&state.db, now(), clearance, reference)
        .await?
        .ok_or(AppError::NotFound)
}

#[derive(Template)]
#[template(path = "incidents/detail.html")]
struct DetailPage {
    page: Page,
    incident: IncidentRow,
    /// Published cleaned attachments: position and kind only, never the
    /// reporter's file name.
    attachments: Vec<(i64, String)>,
    see_also: SeeAlso,
}

impl Labels for DetailPage {}

pub async fn detail(
    State(state): State<AppState>,
    SignedIn { visitor, user }: SignedIn,
    Path(reference): Path<String>,
) -> Result<Response, AppError> {
    let clearance = Clearance::of(&state.db, &user).await?;
    let incident = visible(&state, &clearance, &reference).await?;
    let attachments = match reports::by_id(&state.db, incident.report_id).await? {
        Some(report) => attachments::list(&state.db, &state.key, &report)
            .await?
            .into_iter()
            .filter(|a| a.published && a.has_cleaned)
            .map(|a| (a.position, a.meta.kind))
            .collect(),
        None => Vec::new(),
    };
    let see_also = SeeAlso::about(
        &state.db,
        clearance.max_rank,
        &incident.class,
        &incident.sea_area,
        &incident.indicators,
    )
    .await?;
    render(&DetailPage {
        page: Page::new(&visitor, &incident.title),
        incident,
        attachments,
        see_also,
    })
}

/// A published attachment's cleaned copy, for a reader who may see the
/// incident.
pub async fn attachment(
    State(state): State<AppState>,
    SignedIn { user, .. }: SignedIn,
    Path((reference, position)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    let clearance = Clearance::of(&state.db, &user).await?;
    let incident = visible(&state, &clearance, &reference).await?;
    if !attachments::is_published(&state.db, incident.report_id, position).await? {
        return Err(AppError::NotFound);
    }
    let report = reports::by_id(&state.db, incident.report_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (meta, bytes) = attachments::open(&state.db, &state.key, &report, position, Copy::Cleaned)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(attachments::download(
        bytes,
        &meta,
        &format!("{}-{position}", incident.reference),
        Copy::Cleaned,
    ))
}
