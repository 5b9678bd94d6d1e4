//! The analysts' sanitised-incident editor: what members will read of a
//! report. It opens pre-filled with the scrubbed narrative and indicators;
//! publishing re-scrubs what the analyst wrote and asks for confirmation
//! if anything identifying is still found.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::precision::{DatePrecision, PlacePrecision};
use super::schedule;
use super::store::{self, Content, IncidentRow, Publication};
use crate::accounts::extract::Analyst;
use crate::audit::{self, Actor};
use crate::db::now;
use crate::reports::attachments::{self, Listed};
use crate::reports::directory;
use crate::reports::model::{Mode, ReportForm, SealedBody};
use crate::reports::store::{self as reports, ReportRow};
use crate::sharing::{Catalogue, sea_areas};
use crate::state::AppState;
use crate::web::labels::Labels;
use crate::web::templates::{Page, render, render_invalid};
use crate::web::{AppError, Visitor};

pub const TITLE_MAX: usize = 200;
/// The analyst's position is kept as a cell of this many degrees (about
/// 110 km); members see it only coarser, and only if the analyst chooses.
pub const POSITION_CELL_DEGREES: f64 = 1.0;

/// The editor's fields. The shared facts (class, date, systems, vessel,
/// area, impact, TLP) and the summary (`narrative`) and `indicators` travel
/// in a [`ReportForm`] so that the report form's fields and checks serve
/// both.
#[derive(Clone, Debug, Default)]
pub struct EditorForm {
    pub facts: ReportForm,
    pub title: String,
    pub position_cell: String,
    pub show_org: bool,
    pub action: String,
    /// The analyst has read what the scrubber still finds and publishes
    /// anyway.
    pub confirmed: bool,
    /// Positions of the cleaned attachments to publish with the incident.
    pub attachments: Vec<i64>,
    pub date_precision: DatePrecision,
    pub place_precision: PlacePrecision,
    /// The analyst asks to show the size class (shown only if it does not
    /// single the ship out).
    pub show_size: bool,
    /// The analyst has read the publication check's warning and publishes
    /// anyway.
    pub publish_anyway: bool,
}

impl EditorForm {
    fn parse(body: &[u8]) -> EditorForm {
        let mut form = EditorForm {
            facts: ReportForm {
                // The reporter's mode is not the editor's to change; any
                // valid one lets the shared checks run.
                mode: "anonymous".into(),
                ..ReportForm::from_urlencoded(body)
            },
            ..EditorForm::default()
        };
        for (key, value) in url::form_urlencoded::parse(body) {
            match key.as_ref() {
                "title" => form.title = value.into_owned(),
                "position_cell" => form.position_cell = value.into_owned(),
                "show_org" => form.show_org = value == "on",
                "action" => form.action = value.into_owned(),
                "confirmed" => form.confirmed = value == "on",
                "date_precision" => form.date_precision = DatePrecision::parse(&value),
                "place_precision" => form.place_precision = PlacePrecision::parse(&value),
                "show_size" => form.show_size = value == "on",
                "publish_anyway" => form.publish_anyway = value == "on",
                "publish_attachment" => {
                    if let Ok(position) = value.parse() {
                        form.attachments.push(position);
                    }
                }
                _ => {}
            }
        }
        form
    }

    fn from_incident(incident: &IncidentRow) -> EditorForm {
        let c = incident.content();
        EditorForm {
            facts: ReportForm {
                mode: "anonymous".into(),
                class: c.class,
                discovered_on: c.occurred_on,
                systems: c.systems,
                vessel_type: c.vessel_type,
                vessel_size: c.vessel_size,
                sea_area: c.sea_area,
                impact_safety: c.impact_safety,
                impact_operations: c.impact_operations,
                impact_money: c.impact_money,
                narrative: c.summary,
                indicators: c.indicators,
                tlp: c.tlp,
                ..ReportForm::default()
            },
            title: c.title,
            position_cell: c.position_cell,
            show_org: incident.named_org.is_some(),
            date_precision: c.date_precision,
            place_precision: c.place_precision,
            show_size: c.show_size,
            ..EditorForm::default()
        }
    }

    /// A first draft from the report: scrubbed text, the position in its
    /// 1° cell, and the coarse publication defaults (month, sea area, no
    /// size class).
    fn from_report(
        report: &ReportRow,
        body: &SealedBody,
        known: &lookout_privacy::KnownNames,
    ) -> EditorForm {
        let class =
            crate::sharing::catalogue::class_by_id(&report.class).map_or("Incident", |c| c.label);
        let area = sea_areas::by_id(&report.sea_area).map_or("an unknown area", |a| a.name);
        EditorForm {
            facts: ReportForm {
                mode: "anonymous".into(),
                class: report.class.clone(),
                discovered_on: report.discovered_on.clone(),
                systems: crate::sharing::catalogue::stored_systems(&report.systems)
                    .map(str::to_string)
                    .collect(),
                vessel_type: report.vessel_type.clone(),
                vessel_size: report.vessel_size.clone(),
                sea_area: report.sea_area.clone(),
                impact_safety: report.impact_safety.clone(),
                impact_operations: report.impact_operations.clone(),
                impact_money: report.impact_money.clone(),
                narrative: lookout_privacy::scrub_keeping(&body.narrative, known, &body.indicators)
                    .text,
                indicators: lookout_privacy::scrub_keeping(
                    &body.indicators,
                    known,
                    &body.indicators,
                )
                .text,
                tlp: report.tlp.clone(),
                ..ReportForm::default()
            },
            title: format!("{class} — {area}"),
            position_cell: generalise_position(&body.position).unwrap_or_default(),
            show_org: report.share_name == 1,
            ..EditorForm::default()
        }
    }

    fn problems(&self) -> Vec<String> {
        let mut problems = self.facts.problems(false);
        let title = self.title.trim();
        if title.is_empty() || title.chars().count() > TITLE_MAX {
            problems.push(format!(
                "Give the incident a title of up to {TITLE_MAX} characters."
            ));
        }
        if !self.position_cell.trim().is_empty()
            && generalise_position(&self.position_cell).is_none()
        {
            problems.push("The published position could not be read: give degrees and minutes (12°30'N 045°30'E) or leave it empty.".into());
        }
        problems
    }

    fn content(&self) -> Content {
        Content {
            title: self.title.trim().to_string(),
            summary: self.facts.narrative.trim().to_string(),
            indicators: self.facts.indicators.trim().to_string(),
            class: self.facts.class.clone(),
            occurred_on: self.facts.discovered_on.clone(),
            systems: self.facts.systems.clone(),
            vessel_type: self.facts.vessel_type.clone(),
            vessel_size: self.facts.vessel_size.clone(),
            sea_area: self.facts.sea_area.clone(),
            position_cell: generalise_position(&self.position_cell).unwrap_or_default(),
            impact_safety: self.facts.impact_safety.clone(),
            impact_operations: self.facts.impact_operations.clone(),
            impact_money: self.facts.impact_money.clone(),
            tlp: self.facts.tlp.clone(),
            date_precision: self.date_precision,
            place_precision: self.place_precision,
            show_size: self.show_size,
        }
    }
}

/// The check shown before publishing: what members will see, how many
/// published incidents share it, and whether that singles a ship out.
pub struct Check {
    pub k: u64,
    /// Other published incidents sharing the published combination.
    pub sharing: i64,
    /// What members will see, in words.
    pub shown: String,
    /// The size class was asked for but would single the ship out, so it
    /// is not published.
    pub size_withheld: bool,
    /// The finer choices the analyst made (exact day, 1° cell).
    pub fine: Vec<&'static str>,
}

impl Check {
    pub fn small(&self) -> bool {
        u64::try_from(self.sharing).unwrap_or(0) < self.k
    }

    /// A deliberate "publish anyway" is needed.
    pub fn needs_confirmation(&self) -> bool {
        self.small() || !self.fine.is_empty()
    }
}

/// Checks `content` before publication, and withholds its size class when
/// fewer than `k` published incidents share it. Lookout holds no AIS or
/// other traffic data, so only incidents are counted; the page says so.
async fn publication_check(
    state: &AppState,
    report_id: i64,
    content: &mut Content,
) -> Result<Check, AppError> {
    let k = state.config.stats_min_count;
    let mut size_withheld = false;
    if content.show_size {
        let with_size = store::sharing(&state.db, report_id, content, true).await?;
        if u64::try_from(with_size).unwrap_or(0) < k {
            content.show_size = false;
            size_withheld = true;
        }
    }
    let sharing = store::sharing(&state.db, report_id, content, content.show_size).await?;
    let published = content.published();
    let area = sea_areas::by_id(&content.sea_area).map_or("an unknown sea area", |a| a.name);
    let vessel = crate::sharing::catalogue::find(
        crate::sharing::catalogue::VESSEL_TYPES,
        &content.vessel_type,
    )
    .map_or("an unknown vessel type", |e| e.label);
    let mut shown = format!(
        "{}, {area}",
        if published.period.is_empty() {
            "no date"
        } else {
            &published.period
        }
    );
    if !published.cell.is_empty() {
        shown.push_str(&format!(" (cell centred on {})", published.cell));
    }
    shown.push_str(&format!(", {vessel}"));
    if let Some(size) =
        crate::sharing::catalogue::find(crate::sharing::catalogue::VESSEL_SIZES, &published.size)
    {
        shown.push_str(&format!(", {}", size.label));
    }
    let mut fine = Vec::new();
    if content.date_precision == DatePrecision::Day {
        fine.push("the exact day");
    }
    if content.place_precision == PlacePrecision::Cell1 {
        fine.push("the 1° cell");
    }
    Ok(Check {
        k,
        sharing,
        shown,
        size_withheld,
        fine,
    })
}

/// A position snapped to the centre of its published grid cell, so the
/// exact one never reaches members whatever the analyst typed.
fn generalise_position(text: &str) -> Option<String> {
    if text.trim().is_empty() {
        return None;
    }
    let (lat, lon) = sea_areas::parse_position(text).ok()?;
    let (lat, lon) = sea_areas::coarsen(lat, lon, POSITION_CELL_DEGREES);
    Some(sea_areas::format_position(lat, lon))
}

#[derive(Template)]
#[template(path = "incidents/editor.html")]
struct EditorPage {
    page: Page,
    report: ReportRow,
    original: SealedBody,
    incident: Option<IncidentRow>,
    form: ReportForm,
    title: String,
    position_cell: String,
    show_org: bool,
    can_show_org: bool,
    attachments: Vec<Listed>,
    chosen: Vec<i64>,
    problems: Vec<String>,
    /// What the scrubber still finds in the text about to be published.
    still_found: Vec<String>,
    date_precision: DatePrecision,
    place_precision: PlacePrecision,
    show_size: bool,
    check: Check,
    /// Publishing was refused until the check's warning is accepted.
    check_refused: bool,
}

impl Catalogue for EditorPage {}
impl Labels for EditorPage {}

impl EditorPage {
    fn visible_from(&self) -> Option<i64> {
        self.incident.as_ref().and_then(|i| i.visible_from)
    }
    fn is_chosen(&self, position: &i64) -> bool {
        self.chosen.contains(position)
    }
    fn state(&self) -> &str {
        self.incident
            .as_ref()
            .map_or("not saved yet", |i| i.state.as_str())
    }
    fn date_choices(&self) -> [DatePrecision; 3] {
        DatePrecision::ALL
    }
    fn place_choices(&self) -> [PlacePrecision; 4] {
        PlacePrecision::ALL
    }
}

struct Loaded {
    report: ReportRow,
    original: SealedBody,
    incident: Option<IncidentRow>,
    attachments: Vec<Listed>,
}

async fn load(state: &AppState, analyst_id: i64, id: i64) -> Result<Loaded, AppError> {
    let report = reports::by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let original = report.body(&state.key)?;
    let incident = store::for_report(&state.db, id).await?;
    audit::record(
        &state.db,
        &state.key,
        Actor::User(analyst_id),
        "report.opened",
        &format!("report:{id}"),
        "incident editor",
    )
    .await?;
    let attachments = attachments::list(&state.db, &state.key, &report).await?;
    Ok(Loaded {
        report,
        original,
        incident,
        attachments,
    })
}

fn page(visitor: &Visitor, loaded: Loaded, form: EditorForm, check: Check) -> EditorPage {
    let Loaded {
        report,
        original,
        incident,
        attachments,
    } = loaded;
    let can_show_org = report.share_name == 1 && report.mode() == Some(Mode::Attributed);
    EditorPage {
        page: Page::new(visitor, &format!("Incident from {}", report.reference)),
        report,
        original,
        incident,
        form: form.facts,
        title: form.title,
        position_cell: form.position_cell,
        show_org: form.show_org && can_show_org,
        can_show_org,
        attachments,
        chosen: form.attachments,
        problems: Vec::new(),
        still_found: Vec::new(),
        date_precision: form.date_precision,
        place_precision: form.place_precision,
        show_size: form.show_size,
        check,
        check_refused: false,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Saved {
    done: String,
}

pub async fn edit(
    State(state): State<AppState>,
    Analyst { visitor, user }: Analyst,
    Path(id): Path<i64>,
    Query(saved): Query<Saved>,
) -> Result<Response, AppError> {
    let analyst_id = user.id;
    let loaded = load(&state, analyst_id, id).await?;
    let mut form = match &loaded.incident {
        Some(incident) => EditorForm::from_incident(incident),
        None => EditorForm::from_report(
            &loaded.report,
            &loaded.original,
            &*directory::known_names(&state.db).await?,
        ),
    };
    form.attachments = loaded
        .attachments
        .iter()
        .filter(|a| a.published)
        .map(|a| a.position)
        .collect();
    let check = publication_check(&state, id, &mut form.content()).await?;
    let mut page = page(&visitor, loaded, form, check);
    let notice = match saved.done.as_str() {
        "saved" => Some("Saved."),
        "published" => Some("Published."),
        "withdrawn" => Some("Withdrawn: members no longer see it."),
        _ => None,
    };
    if let Some(notice) = notice {
        page.page = page.page.with_notice(notice);
    }
    render(&page)
}

pub async fn save(
    State(state): State<AppState>,
    Analyst { visitor, user }: Analyst,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, AppError> {
    let analyst_id = user.id;
    let form = EditorForm::parse(&body);
    let loaded = load(&state, analyst_id, id).await?;
    if loaded.report.status == "duplicate" {
        return Err(AppError::BadRequest(
            "This report was merged into another: publish that one instead.".into(),
        ));
    }
    let publishing = form.action == "publish";
    let problems = form.problems();
    let mut content = form.content();
    let still_found = if publishing && !form.confirmed {
        still_identifying(&state, &content).await?
    } else {
        Vec::new()
    };
    let check = publication_check(&state, id, &mut content).await?;
    // Whatever members will see (a publication, or an edit of a published
    // incident) needs the check accepted when it singles a ship out.
    let shown_to_members = publishing
        || loaded
            .incident
            .as_ref()
            .is_some_and(|i| i.state == "published");
    let check_refused = shown_to_members && check.needs_confirmation() && !form.publish_anyway;
    if !problems.is_empty() || !still_found.is_empty() || check_refused {
        let mut page = page(&visitor, loaded, form, check);
        page.problems = problems;
        page.still_found = still_found;
        page.check_refused = check_refused;
        return render_invalid(&page);
    }
    let Loaded {
        report, incident, ..
    } = loaded;
    let now = now();
    let already_published = incident.as_ref().is_some_and(|i| i.state == "published");
    let (state_label, visible_from) = if already_published {
        ("published", incident.as_ref().and_then(|i| i.visible_from))
    } else if publishing {
        let delayed = report.mode() != Some(Mode::Attributed);
        (
            "published",
            Some(schedule::visible_from(now, delayed, &state.config)?),
        )
    } else {
        ("draft", None)
    };
    let named_org =
        if form.show_org && report.share_name == 1 && report.mode() == Some(Mode::Attributed) {
            organisation_name(&state, report.reporter_org_id).await?
        } else {
            None
        };
    let reporter_org_id = if report.mode() == Some(Mode::Attributed) {
        report.reporter_org_id
    } else {
        None
    };
    super::publish::save(
        &state,
        super::publish::Save {
            report_id: id,
            analyst_id,
            content: &content,
            publication: Publication {
                state: state_label,
                visible_from,
                reporter_org_id,
                named_org,
            },
            attachments: &form.attachments,
            publishing,
            first_publication: publishing && !already_published,
        },
    )
    .await?;
    let done = if publishing && !already_published {
        "published"
    } else {
        "saved"
    };
    Ok(Redirect::to(&format!("/triage/{id}/incident?done={done}")).into_response())
}

pub async fn withdraw(
    State(state): State<AppState>,
    Analyst { user, .. }: Analyst,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let analyst_id = user.id;
    super::publish::withdraw(&state, id, analyst_id).await?;
    Ok(Redirect::to(&format!("/triage/{id}/incident?done=withdrawn")).into_response())
}

async fn organisation_name(
    state: &AppState,
    org_id: Option<i64>,
) -> Result<Option<String>, AppError> {
    let Some(org_id) = org_id else {
        return Ok(None);
    };
    Ok(crate::accounts::store::org_by_id(&state.db, org_id)
        .await?
        .map(|org| org.name))
}

/// Each identifier the scrubber still finds in the text to publish, quoted.
async fn still_identifying(state: &AppState, content: &Content) -> Result<Vec<String>, AppError> {
    let known = directory::known_names(&state.db).await?;
    let mut found = Vec::new();
    for (field, text) in [
        ("title", &content.title),
        ("summary", &content.summary),
        ("indicators", &content.indicators),
    ] {
        let scrubbed = lookout_privacy::scrub_keeping(text, &known, &content.indicators);
        for finding in scrubbed.findings {
            let quoted: String = text
                .chars()
                .skip(finding.start)
                .take(finding.end - finding.start)
                .collect();
            found.push(format!(
                "{} in the {field}: “{quoted}”",
                finding.kind.placeholder()
            ));
        }
    }
    Ok(found)
}
