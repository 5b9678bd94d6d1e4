//! Statistics through the API: the same published figures as the
//! statistics page (`stats::view`), for the reader's clearance, with
//! suppressed figures as `null`.

use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::accounts::api_auth::Reader;
use crate::sharing::clearance::{Clearance, tlp_of_rank};
use crate::state::AppState;
use crate::stats::pages::{StatsQuery, figures_for};
use crate::stats::view::{Breakdown, Focus};
use crate::web::problem::{
    BadRequest, Forbidden, InternalError, Problem, Unauthorized, UnprocessableContent,
};

/// Which figures to read. At most one of `class`, `sea_area` and
/// `vessel_type`; ids from `GET /api/v1/catalogue`.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct StatisticsQuery {
    /// A calendar year among the last five (this one included); this year
    /// when left out. 422 for another year.
    #[param(minimum = 1970, maximum = 9999)]
    pub year: Option<i32>,
    /// Only incidents of this class.
    pub class: Option<String>,
    /// Only incidents in this sea area.
    pub sea_area: Option<String>,
    /// Only incidents on this vessel type.
    pub vessel_type: Option<String>,
}

/// One figure; `incidents` is null when suppressed (too few reports behind
/// it, or it would let such a figure be worked out).
#[derive(Serialize, ToSchema)]
pub struct StatisticsRow {
    pub id: String,
    pub label: String,
    pub incidents: Option<u64>,
}

/// A table of the statistics page.
#[derive(Serialize, ToSchema)]
pub struct StatisticsTable {
    /// `class`, `family`, `sea_area`, `vessel_type`, `system`,
    /// `impact_safety`, `impact_operations`, `impact_money`, `month`,
    /// `week`.
    pub id: String,
    pub title: String,
    pub rows: Vec<StatisticsRow>,
    pub total: Option<u64>,
}

/// A month against the month before and the same month a year before.
#[derive(Serialize, ToSchema)]
pub struct StatisticsTrend {
    /// `YYYY-MM`.
    pub month: String,
    pub incidents: Option<u64>,
    pub previous_month: Option<u64>,
    pub year_before: Option<u64>,
}

/// Published statistics for one year at the token owner's sharing level.
#[derive(Serialize, ToSchema)]
pub struct Statistics {
    pub year: i32,
    /// The most restricted sharing level counted, e.g. `amber`.
    pub sharing: String,
    /// The smallest figure shown.
    pub min_count: u64,
    /// `class`, `sea_area` or `vessel_type`, when narrowed.
    pub focus_field: Option<String>,
    pub focus_value: Option<String>,
    /// True when the view has too few incidents to show any figure.
    pub withheld: bool,
    pub total: Option<u64>,
    pub tables: Vec<StatisticsTable>,
    pub trends: Vec<StatisticsTrend>,
}

fn table(t: &Breakdown) -> StatisticsTable {
    StatisticsTable {
        id: t.id.to_string(),
        title: t.title.to_string(),
        rows: t
            .rows
            .iter()
            .map(|r| StatisticsRow {
                id: r.id.clone(),
                label: r.label.clone(),
                incidents: r.incidents.value(),
            })
            .collect(),
        total: t.total.value(),
    }
}

#[utoipa::path(
    get,
    path = "/v1/statistics",
    tag = "statistics",
    operation_id = "get_statistics",
    summary = "Published incident statistics for a year",
    description = "The figures of the statistics page for the token owner's sharing level: \
        breakdowns by class, family, sea area, vessel type, affected system and impact, the \
        monthly and weekly series and month-by-month trends. A figure is null when it is \
        suppressed. Narrow with at most one of class, sea_area and vessel_type (422 otherwise, \
        and for an unknown id or a year outside the last five). Needs the `read` scope.",
    params(StatisticsQuery),
    security(("bearer" = ["read"])),
    responses(
        (status = 200, description = "The figures", body = Statistics),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 422, response = UnprocessableContent),
        (status = 500, response = InternalError),
    )
)]
pub async fn get_statistics(
    State(state): State<AppState>,
    Reader(api): Reader,
    Query(query): Query<StatisticsQuery>,
) -> Result<Json<Statistics>, Problem> {
    let page_query = StatsQuery {
        year: query.year.map(|y| y.to_string()).unwrap_or_default(),
        class: query.class.unwrap_or_default(),
        sea_area: query.sea_area.unwrap_or_default(),
        vessel_type: query.vessel_type.unwrap_or_default(),
    };
    let (year, focus, problems) = page_query.resolve(false);
    if let Some(problem) = problems.first() {
        return Err(Problem::unprocessable(problem.clone()));
    }
    let max_rank = Clearance::of(&state.db, &api.user)
        .await
        .map_err(crate::web::AppError::from)?
        .max_rank;
    let figures = figures_for(&state, year, focus, max_rank).await?;
    let (focus_field, focus_value) = match &figures.focus {
        Focus::All => (None, None),
        Focus::Class(v) => (Some("class"), Some(v.clone())),
        Focus::SeaArea(v) => (Some("sea_area"), Some(v.clone())),
        Focus::VesselType(v) => (Some("vessel_type"), Some(v.clone())),
    };
    Ok(Json(Statistics {
        year: figures.year,
        sharing: tlp_of_rank(max_rank).to_string(),
        min_count: figures.min_count,
        focus_field: focus_field.map(str::to_string),
        focus_value,
        withheld: figures.withheld,
        total: figures.total.value(),
        tables: figures.tables.iter().map(table).collect(),
        trends: figures
            .trends
            .iter()
            .map(|t| StatisticsTrend {
                month: t.month.clone(),
                incidents: t.incidents.value(),
                previous_month: t.previous_month.value(),
                year_before: t.year_before.value(),
            })
            .collect(),
    }))
}
