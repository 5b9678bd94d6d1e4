//! Incidents, advisories and their STIX 2.1 bundles through the API: what
//! the token owner's pages show them, as JSON, with paging and the same
//! filters as the incidents list.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::accounts::api_auth::Reader;
use crate::db::now;
use crate::incidents::store::{Filter, IncidentRow};
use crate::interop::bundles::{self, Subject};
use crate::review::Content as _;
use crate::sharing::clearance::Clearance;
use crate::state::AppState;
use crate::web::problem::{
    BadRequest, Forbidden, InternalError, NotFound, Problem, Unauthorized, UnprocessableContent,
};

/// Items in a page.
const PER_PAGE: i64 = 50;
/// Advisories listed at most (newest first).
const ADVISORIES_MAX: i64 = 1_000;

/// One typed indicator.
#[derive(Serialize, ToSchema)]
pub struct TypedIndicator {
    /// `ipv4`, `ipv6`, `ipv4-net`, `ipv6-net`, `domain`, `url`, `email`,
    /// `md5`, `sha1`, `sha256`, `sha512`, `wallet`, `cve` or `malware`.
    pub kind: String,
    pub value: String,
}

fn typed(indicators: &str, prose: &str) -> Vec<TypedIndicator> {
    crate::search::indicators::of_subject(indicators, prose)
        .into_iter()
        .filter(|(_, stated)| *stated)
        .map(|(o, _)| TypedIndicator {
            kind: o.kind().id().to_owned(),
            value: o.value().to_owned(),
        })
        .collect()
}

/// A published incident as members see it.
#[derive(Serialize, ToSchema)]
pub struct ApiIncident {
    pub reference: String,
    pub title: String,
    pub summary: String,
    /// Class id (`GET /api/v1/catalogue`).
    pub class: String,
    /// The published period: `2026-11`, `2026-W45` or, when the analyst
    /// chose it, `2026-11-03`.
    pub period: String,
    pub sea_area: String,
    pub vessel_type: String,
    pub systems: Vec<String>,
    pub impact_safety: String,
    pub impact_operations: String,
    pub impact_money: String,
    /// `clear`, `green`, `amber`, `amber-strict` or `red`.
    pub tlp: String,
    /// The indicators as written.
    pub indicators_text: String,
    pub indicators: Vec<TypedIndicator>,
    /// The page, from the portal's root.
    pub path: String,
    /// Its STIX 2.1 bundle, from the portal's root.
    pub stix: String,
}

impl From<IncidentRow> for ApiIncident {
    fn from(row: IncidentRow) -> Self {
        ApiIncident {
            indicators: typed(&row.indicators, ""),
            path: format!("/incidents/{}", row.reference),
            stix: format!("/api/v1/incidents/{}/stix", row.reference),
            systems: crate::sharing::catalogue::stored_systems(&row.systems)
                .map(str::to_owned)
                .collect(),
            reference: row.reference,
            title: row.title,
            summary: row.summary,
            class: row.class,
            period: row.published_period,
            sea_area: row.sea_area,
            vessel_type: row.vessel_type,
            impact_safety: row.impact_safety,
            impact_operations: row.impact_operations,
            impact_money: row.impact_money,
            tlp: row.tlp,
            indicators_text: row.indicators,
        }
    }
}

/// A page of incidents.
#[derive(Serialize, ToSchema)]
pub struct IncidentPage {
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
    pub incidents: Vec<ApiIncident>,
}

/// Filters of the incidents list; all optional.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct IncidentQuery {
    /// 1 for the newest.
    #[param(minimum = 1)]
    pub page: Option<i64>,
    pub class: Option<String>,
    pub sea_area: Option<String>,
    pub vessel_type: Option<String>,
    pub tlp: Option<String>,
    /// `YYYY-MM-DD`: incidents whose published period ends on or after it.
    pub from: Option<String>,
    /// `YYYY-MM-DD`: incidents whose published period starts on or before it.
    pub to: Option<String>,
    /// A piece of the reference or the title.
    pub q: Option<String>,
}

fn date_or_empty(name: &str, value: Option<String>) -> Result<String, Problem> {
    let value = value.unwrap_or_default();
    if value.is_empty()
        || time::Date::parse(
            &value,
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .is_ok()
    {
        Ok(value)
    } else {
        Err(Problem::unprocessable(format!(
            "{name} must be a date as YYYY-MM-DD."
        )))
    }
}

#[utoipa::path(
    get,
    path = "/v1/incidents",
    tag = "incidents",
    operation_id = "list_incidents",
    summary = "Published incidents the token's owner may read",
    description = "Newest first, 50 a page, with the incidents list's filters. Each incident \
        has its typed indicators and the address of its STIX 2.1 bundle. Needs the `read` scope.",
    params(IncidentQuery),
    security(("bearer" = ["read"])),
    responses(
        (status = 200, description = "A page", body = IncidentPage),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 422, response = UnprocessableContent),
        (status = 500, response = InternalError),
    )
)]
pub async fn list_incidents(
    State(state): State<AppState>,
    Reader(api): Reader,
    Query(query): Query<IncidentQuery>,
) -> Result<Json<IncidentPage>, Problem> {
    let page = query.page.unwrap_or(1);
    if !(1..=100_000).contains(&page) {
        return Err(Problem::unprocessable("page must be between 1 and 100000."));
    }
    let text = query.q.unwrap_or_default();
    let pattern = if text.trim().is_empty() {
        String::new()
    } else {
        let escaped = text
            .trim()
            .to_uppercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        format!("%{escaped}%")
    };
    let filter = Filter {
        class: query.class.unwrap_or_default(),
        sea_area: query.sea_area.unwrap_or_default(),
        vessel_type: query.vessel_type.unwrap_or_default(),
        tlp: query.tlp.unwrap_or_default(),
        from: date_or_empty("from", query.from)?,
        to: date_or_empty("to", query.to)?,
        text: pattern,
    };
    let clearance = Clearance::of(&state.db, &api.user)
        .await
        .map_err(crate::web::AppError::from)?;
    let (rows, total) = crate::incidents::store::list_visible(
        &state.db,
        now(),
        &clearance,
        &filter,
        PER_PAGE,
        (page - 1) * PER_PAGE,
    )
    .await
    .map_err(crate::web::AppError::from)?;
    Ok(Json(IncidentPage {
        page,
        per_page: PER_PAGE,
        total,
        incidents: rows.into_iter().map(ApiIncident::from).collect(),
    }))
}

#[utoipa::path(
    get,
    path = "/v1/incidents/{reference}",
    tag = "incidents",
    operation_id = "get_incident",
    summary = "One published incident",
    description = "404 when it does not exist or the token's owner may not read it. Needs the \
        `read` scope.",
    params(("reference" = String, Path, description = "e.g. INC-2026-0042")),
    security(("bearer" = ["read"])),
    responses(
        (status = 200, description = "The incident", body = ApiIncident),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
    )
)]
pub async fn get_incident(
    State(state): State<AppState>,
    Reader(api): Reader,
    Path(reference): Path<String>,
) -> Result<Json<ApiIncident>, Problem> {
    let clearance = Clearance::of(&state.db, &api.user)
        .await
        .map_err(crate::web::AppError::from)?;
    crate::incidents::store::visible_by_ref(&state.db, now(), &clearance, &reference)
        .await
        .map_err(crate::web::AppError::from)?
        .map(|row| Json(ApiIncident::from(row)))
        .ok_or_else(not_found)
}

fn not_found() -> Problem {
    Problem::new(
        axum::http::StatusCode::NOT_FOUND,
        "There is nothing with this reference that you may read.",
    )
}

/// A published advisory as members see it.
#[derive(Serialize, ToSchema)]
pub struct ApiAdvisory {
    pub reference: String,
    pub title: String,
    /// 1 low … 4 critical.
    pub severity: i64,
    pub tlp: String,
    /// `published` or `withdrawn`.
    pub state: String,
    pub revision: i64,
    /// Seconds since 1970.
    pub updated_at: i64,
    /// Markdown; only in `GET /v1/advisories/{reference}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actions: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indicators: Option<Vec<TypedIndicator>>,
    pub path: String,
    pub stix: String,
}

/// A page of advisories.
#[derive(Serialize, ToSchema)]
pub struct AdvisoryPage {
    pub page: i64,
    pub per_page: i64,
    pub advisories: Vec<ApiAdvisory>,
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct PageQuery {
    /// 1 for the newest.
    #[param(minimum = 1)]
    pub page: Option<i64>,
}

#[utoipa::path(
    get,
    path = "/v1/advisories",
    tag = "incidents",
    operation_id = "list_advisories",
    summary = "Published advisories the token's owner may read",
    description = "Newest change first, 50 a page; withdrawn ones say so. Needs the `read` scope.",
    params(PageQuery),
    security(("bearer" = ["read"])),
    responses(
        (status = 200, description = "A page", body = AdvisoryPage),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 422, response = UnprocessableContent),
        (status = 500, response = InternalError),
    )
)]
pub async fn list_advisories(
    State(state): State<AppState>,
    Reader(api): Reader,
    Query(query): Query<PageQuery>,
) -> Result<Json<AdvisoryPage>, Problem> {
    let page = query.page.unwrap_or(1);
    if !(1..=ADVISORIES_MAX / PER_PAGE).contains(&page) {
        return Err(Problem::unprocessable(format!(
            "page must be between 1 and {}.",
            ADVISORIES_MAX / PER_PAGE
        )));
    }
    let clearance = Clearance::of(&state.db, &api.user)
        .await
        .map_err(crate::web::AppError::from)?;
    let listed =
        crate::advisories::store::list_published(&state.db, clearance.max_rank, page * PER_PAGE)
            .await
            .map_err(crate::web::AppError::from)?;
    let advisories = listed
        .into_iter()
        .skip(((page - 1) * PER_PAGE) as usize)
        .map(|a| ApiAdvisory {
            path: format!("/advisories/{}", a.reference),
            stix: format!("/api/v1/advisories/{}/stix", a.reference),
            reference: a.reference,
            title: a.title,
            severity: a.severity,
            tlp: a.tlp,
            state: a.state,
            revision: a.number,
            updated_at: a.updated_at,
            body: None,
            actions: None,
            indicators: None,
        })
        .collect();
    Ok(Json(AdvisoryPage {
        page,
        per_page: PER_PAGE,
        advisories,
    }))
}

#[utoipa::path(
    get,
    path = "/v1/advisories/{reference}",
    tag = "incidents",
    operation_id = "get_advisory",
    summary = "One published advisory",
    description = "404 when it does not exist or the token's owner may not read it. Needs the \
        `read` scope.",
    params(("reference" = String, Path, description = "e.g. ADV-2026-0007")),
    security(("bearer" = ["read"])),
    responses(
        (status = 200, description = "The advisory", body = ApiAdvisory),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
    )
)]
pub async fn get_advisory(
    State(state): State<AppState>,
    Reader(api): Reader,
    Path(reference): Path<String>,
) -> Result<Json<ApiAdvisory>, Problem> {
    let clearance = Clearance::of(&state.db, &api.user)
        .await
        .map_err(crate::web::AppError::from)?;
    let advisory = crate::advisories::store::by_reference(&state.db, &reference)
        .await
        .map_err(crate::web::AppError::from)?
        .ok_or_else(not_found)?;
    let revision = crate::advisories::store::published(&state.db, &advisory)
        .await
        .map_err(crate::web::AppError::from)?
        .filter(|r| r.content.tlp_rank() <= clearance.max_rank)
        .ok_or_else(not_found)?;
    let content = revision.content;
    Ok(Json(ApiAdvisory {
        path: format!("/advisories/{}", advisory.reference),
        stix: format!("/api/v1/advisories/{}/stix", advisory.reference),
        indicators: Some(typed(
            &content.indicators,
            &format!("{}\n{}", content.body, content.actions),
        )),
        reference: advisory.reference,
        title: content.title,
        severity: content.severity,
        tlp: content.tlp,
        state: advisory.state,
        revision: revision.number,
        updated_at: advisory.updated_at,
        body: Some(content.body),
        actions: Some(content.actions),
    }))
}

async fn stix(
    state: &AppState,
    api: &crate::accounts::api_auth::ApiUser,
    subject: Subject,
    reference: &str,
) -> Result<Response, Problem> {
    let bundle = bundles::bundle(state, &api.user, subject, reference)
        .await?
        .ok_or_else(not_found)?;
    Ok(bundles::download(reference, bundle))
}

#[utoipa::path(
    get,
    path = "/v1/incidents/{reference}/stix",
    tag = "incidents",
    operation_id = "get_incident_stix",
    summary = "An incident as a STIX 2.1 bundle",
    description = "`application/stix+json;version=2.1`. Needs the `read` scope.",
    params(("reference" = String, Path, description = "e.g. INC-2026-0042")),
    security(("bearer" = ["read"])),
    responses(
        (status = 200, description = "The bundle", content_type = "application/stix+json;version=2.1", body = Object),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
    )
)]
pub async fn get_incident_stix(
    State(state): State<AppState>,
    Reader(api): Reader,
    Path(reference): Path<String>,
) -> Result<Response, Problem> {
    stix(&state, &api, Subject::Incident, &reference).await
}

#[utoipa::path(
    get,
    path = "/v1/advisories/{reference}/stix",
    tag = "incidents",
    operation_id = "get_advisory_stix",
    summary = "An advisory as a STIX 2.1 bundle",
    description = "`application/stix+json;version=2.1`. Needs the `read` scope.",
    params(("reference" = String, Path, description = "e.g. ADV-2026-0007")),
    security(("bearer" = ["read"])),
    responses(
        (status = 200, description = "The bundle", content_type = "application/stix+json;version=2.1", body = Object),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
    )
)]
pub async fn get_advisory_stix(
    State(state): State<AppState>,
    Reader(api): Reader,
    Path(reference): Path<String>,
) -> Result<Response, Problem> {
    stix(&state, &api, Subject::Advisory, &reference).await
}

#[utoipa::path(
    get,
    path = "/v1/analyses/{reference}/stix",
    tag = "analysis",
    operation_id = "get_analysis_stix",
    summary = "An analysis as a STIX 2.1 bundle",
    description = "`application/stix+json;version=2.1`, once the analysis is done. Needs the \
        `read` scope.",
    params(("reference" = String, Path, description = "e.g. A-38013C75F6")),
    security(("bearer" = ["read"])),
    responses(
        (status = 200, description = "The bundle", content_type = "application/stix+json;version=2.1", body = Object),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
    )
)]
pub async fn get_analysis_stix(
    State(state): State<AppState>,
    Reader(api): Reader,
    Path(reference): Path<String>,
) -> Result<Response, Problem> {
    stix(&state, &api, Subject::Analysis, &reference).await
}
