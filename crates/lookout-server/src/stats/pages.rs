//! The statistics pages: members' figures at their clearance (`/stats`),
//! the public TLP:CLEAR summary (`/stats/public`), CSV and JSON downloads
//! of every table shown, and the live stream that tells open pages to
//! refresh their figures.

use std::fmt::Write as _;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use lookout_privacy::suppress::Cell;
use serde::Deserialize;

use super::rollup::release_due;
use super::view::{Breakdown, Figures, Focus, Request, Trend, figures};
use crate::db::now;
use crate::incidents::release::catch_up;
use crate::sharing::clearance::{Clearance, tlp_of_rank};
use crate::sharing::{Catalogue, catalogue, sea_areas};
use crate::state::AppState;
use crate::web::templates::{Page, render};
use crate::web::{AppError, Visitor, attachment};

/// How many calendar years a reader can pick, this one included.
pub const YEARS: i32 = 5;

/// The query string of every statistics page and download.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct StatsQuery {
    pub year: String,
    pub class: String,
    pub sea_area: String,
    pub vessel_type: String,
}

/// The current UTC year.
pub fn this_year() -> i32 {
    time::OffsetDateTime::from_unix_timestamp(now()).map_or(1970, |t| t.year())
}

impl StatsQuery {
    /// The view asked for, and what was wrong with the asking (shown on
    /// the page; the figures then fall back to a view that can be shown).
    pub fn resolve(&self, public: bool) -> (i32, Focus, Vec<String>) {
        let mut problems = Vec::new();
        let current = this_year();
        let year = if self.year.is_empty() {
            current
        } else {
            match self.year.parse::<i32>() {
                Ok(y) if (current - YEARS + 1..=current).contains(&y) => y,
                _ => {
                    problems.push(format!(
                        "Choose a year from {} to {current}; showing {current}.",
                        current - YEARS + 1
                    ));
                    current
                }
            }
        };
        let mut foci = Vec::new();
        if !self.class.is_empty() {
            if catalogue::class_by_id(&self.class).is_some() {
                foci.push(Focus::Class(self.class.clone()));
            } else {
                problems.push("That class is not in the catalogue; showing all classes.".into());
            }
        }
        if !self.sea_area.is_empty() {
            if sea_areas::by_id(&self.sea_area).is_some() {
                foci.push(Focus::SeaArea(self.sea_area.clone()));
            } else {
                problems.push("That sea area is not in the catalogue; showing all areas.".into());
            }
        }
        if !self.vessel_type.is_empty() {
            if catalogue::find(catalogue::VESSEL_TYPES, &self.vessel_type).is_some() {
                foci.push(Focus::VesselType(self.vessel_type.clone()));
            } else {
                problems.push(
                    "That vessel type is not in the catalogue; showing all vessel types.".into(),
                );
            }
        }
        let focus = if public && !foci.is_empty() {
            problems.push("The public summary is not broken down further; sign in for class, sea area and vessel type views.".into());
            Focus::All
        } else if foci.len() > 1 {
            problems.push(
                "Choose one of class, sea area or vessel type at a time: combined, the counts \
                 get small enough to point at a reporter. Showing all incidents."
                    .into(),
            );
            Focus::All
        } else {
            foci.pop().unwrap_or(Focus::All)
        };
        (year, focus, problems)
    }

    /// The query string for a view (empty fields left out).
    pub fn encode(year: i32, focus: &Focus) -> String {
        let mut url = url::form_urlencoded::Serializer::new(String::new());
        url.append_pair("year", &year.to_string());
        match focus {
            Focus::All => {}
            Focus::Class(v) => {
                url.append_pair("class", v);
            }
            Focus::SeaArea(v) => {
                url.append_pair("sea_area", v);
            }
            Focus::VesselType(v) => {
                url.append_pair("vessel_type", v);
            }
        }
        url.finish()
    }
}

/// The sharing level whose incidents a reader's statistics count: TLP:CLEAR
/// on the public pages, the reader's clearance otherwise (signed in only).
pub async fn reader_rank(
    state: &AppState,
    visitor: &Visitor,
    public: bool,
) -> Result<i64, AppError> {
    if public {
        return Ok(Clearance::PUBLIC.max_rank);
    }
    let user = visitor.require_user()?;
    Ok(Clearance::of(&state.db, user).await?.max_rank)
}

/// Figures for a reader at `max_rank` as last released, after counting
/// what has come due and releasing a batch if one is complete.
pub async fn figures_for(
    state: &AppState,
    year: i32,
    focus: Focus,
    max_rank: i64,
) -> Result<Figures, AppError> {
    catch_up(&state.db, now()).await?;
    release_due(&state.db, state.config.stats_min_count).await?;
    figures(
        &state.db,
        &Request {
            year,
            max_rank,
            focus,
            k: state.config.stats_min_count,
        },
    )
    .await
    .map_err(AppError::internal)
}

/// A table with its chart, ready for the page.
pub struct Shown {
    pub table: Breakdown,
    /// Columns over time (months, weeks) as an SVG chart; empty for a
    /// breakdown, whose figures are drawn as [`Bar`]s in their own table.
    pub chart: String,
    /// A breakdown's shown figures, most incidents first.
    pub bars: Vec<Bar>,
    /// Rows worth a line on the page: the shown ones. Hidden figures (zero
    /// among them) share one line, so the page does not tell a zero from a
    /// small figure either.
    pub rows: Vec<(String, String)>,
}

fn count_text(cell: Cell) -> String {
    match cell {
        Cell::Shown(n) => n.to_string(),
        Cell::Suppressed => "hidden".into(),
    }
}

/// One line of a breakdown: its figure in words and a bar `width` per
/// cent of the largest, in a table that is the chart and its figures at
/// once (readable at any width, nothing said twice).
pub struct Bar {
    pub label: String,
    pub text: String,
    pub width: u64,
}

fn shown(table: &Breakdown, columns: bool) -> Shown {
    let mut visible: Vec<&super::view::Row> = table
        .rows
        .iter()
        .filter(|r| !r.incidents.is_suppressed() || columns)
        .collect();
    if !columns {
        visible.sort_by(|a, b| {
            b.incidents
                .value()
                .cmp(&a.incidents.value())
                .then_with(|| a.label.cmp(&b.label))
        });
    }
    let largest = visible
        .iter()
        .filter_map(|r| r.incidents.value())
        .max()
        .unwrap_or(0);
    let bars = if columns {
        Vec::new()
    } else {
        visible
            .iter()
            .map(|r| Bar {
                label: r.label.clone(),
                text: count_text(r.incidents),
                width: match r.incidents.value() {
                    Some(n) if largest > 0 => (n * 100).div_ceil(largest),
                    _ => 0,
                },
            })
            .collect()
    };
    let data: Vec<lookout_charts::Datum> = visible
        .iter()
        .map(|r| lookout_charts::Datum {
            label: r.label.clone(),
            value: r.incidents.value(),
        })
        .collect();
    let chart = if columns {
        lookout_charts::columns(table.title, &data).unwrap_or_default()
    } else {
        String::new()
    };
    Shown {
        table: table.clone(),
        chart,
        bars,
        rows: visible
            .iter()
            .map(|r| (r.label.clone(), count_text(r.incidents)))
            .chain(
                (!columns && table.rows.iter().any(|r| r.incidents.is_suppressed()))
                    .then(|| ("Each other".to_string(), count_text(Cell::Suppressed))),
            )
            .collect(),
    }
}

/// The change from `before` to `now`, when both are shown.
fn change(now: Cell, before: Cell) -> String {
    match (now, before) {
        (Cell::Shown(a), Cell::Shown(b)) => {
            let diff = i128::from(a) - i128::from(b);
            if b == 0 {
                format!("{diff:+}")
            } else {
                format!("{diff:+} ({:+.0} %)", diff as f64 * 100.0 / b as f64)
            }
        }
        _ => "—".into(),
    }
}

pub struct TrendLine {
    pub month: String,
    pub incidents: String,
    pub previous: String,
    pub year_before: String,
}

/// "January to November: 120 incidents, against 98 in the same months of
/// 2025 (+22 %)", when every month involved is shown (a sum over a hidden
/// month would give it away).
fn year_to_date(trends: &[Trend], through: &str, year: i32) -> Option<String> {
    let months: Vec<&Trend> = trends
        .iter()
        .filter(|t| t.month.as_str() <= through)
        .collect();
    let sum = |cell: fn(&Trend) -> Cell| -> Option<u64> {
        months.iter().try_fold(0u64, |sum, t| {
            cell(t).value().map(|n| sum.saturating_add(n))
        })
    };
    let now = sum(|t| t.incidents)?;
    let before = sum(|t| t.year_before)?;
    let last = months.last()?;
    let name = |month: &str| {
        month
            .get(5..7)
            .and_then(|m| m.parse::<u8>().ok())
            .and_then(|m| time::Month::try_from(m).ok())
            .map_or_else(|| month.to_string(), |m| m.to_string())
    };
    let span = if months.len() == 1 {
        name(&last.month)
    } else {
        format!("January to {}", name(&last.month))
    };
    Some(format!(
        "{span}: {now} incidents, against {before} in the same months of {} ({}).",
        year - 1,
        change(Cell::Shown(now), Cell::Shown(before))
    ))
}

fn trend_lines(trends: &[Trend], through: &str) -> Vec<TrendLine> {
    trends
        .iter()
        .filter(|t| t.month.as_str() <= through)
        .map(|t| TrendLine {
            month: t.month.clone(),
            incidents: count_text(t.incidents),
            previous: change(t.incidents, t.previous_month),
            year_before: change(t.incidents, t.year_before),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "stats/page.html")]
struct StatsPage {
    page: Page,
    public: bool,
    query: StatsQuery,
    year: i32,
    years: Vec<i32>,
    problems: Vec<String>,
    sharing: String,
    figures: Figures,
    total: String,
    focus_label: String,
    tables: Vec<Shown>,
    months: Option<Shown>,
    weeks: Option<Shown>,
    trends: Vec<TrendLine>,
    year_to_date: Option<String>,
    base: &'static str,
    encoded: String,
}

impl Catalogue for StatsPage {}

impl StatsPage {
    fn download(&self, table: &str, format: &str) -> String {
        format!("{}/{table}.{format}?{}", self.base, self.encoded)
    }
}

fn focus_label(focus: &Focus) -> String {
    match focus {
        Focus::All => String::new(),
        Focus::Class(v) => super::view::label("class", v),
        Focus::SeaArea(v) => super::view::label("sea_area", v),
        Focus::VesselType(v) => super::view::label("vessel_type", v),
    }
}

async fn page(
    state: &AppState,
    visitor: &Visitor,
    query: StatsQuery,
    public: bool,
) -> Result<Response, AppError> {
    let max_rank = reader_rank(state, visitor, public).await?;
    let (year, focus, problems) = query.resolve(public);
    let figures = figures_for(state, year, focus, max_rank).await?;
    let current = this_year();
    let through = if year == current {
        time::OffsetDateTime::from_unix_timestamp(now()).map_or_else(
            |_| format!("{year:04}-12"),
            |t| format!("{year:04}-{:02}", u8::from(t.month())),
        )
    } else {
        format!("{year:04}-12")
    };
    let wanted: &[&str] = if public {
        &["family", "class", "sea_area"]
    } else {
        &[
            "family",
            "class",
            "sea_area",
            "vessel_type",
            "system",
            "impact_safety",
            "impact_operations",
            "impact_money",
        ]
    };
    let tables = wanted
        .iter()
        .filter_map(|id| figures.table(id))
        .map(|t| shown(t, false))
        .collect();
    let months = figures.table("month").map(|t| shown(t, true));
    let weeks = if public {
        None
    } else {
        figures.table("week").map(|t| shown(t, true))
    };
    let title = if public {
        "Maritime crime at a glance"
    } else {
        "Statistics"
    };
    render(&StatsPage {
        page: Page::new(visitor, title),
        public,
        total: count_text(figures.total),
        focus_label: focus_label(&figures.focus),
        encoded: StatsQuery::encode(year, &figures.focus),
        query,
        year,
        years: (current - YEARS + 1..=current).rev().collect(),
        problems,
        sharing: format!(
            "TLP:{}",
            tlp_of_rank(max_rank)
                .replace("-strict", "+STRICT")
                .to_uppercase()
        ),
        trends: trend_lines(&figures.trends, &through),
        year_to_date: year_to_date(&figures.trends, &through, year),
        figures,
        tables,
        months,
        weeks,
        base: if public { "/stats/public" } else { "/stats" },
    })
}

pub async fn members(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(query): Query<StatsQuery>,
) -> Result<Response, AppError> {
    page(&state, &visitor, query, false).await
}

pub async fn public(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(query): Query<StatsQuery>,
) -> Result<Response, AppError> {
    page(&state, &visitor, query, true).await
}

/// `class.csv`, `month.json`, `trends.csv`, ...
fn parse_file(file: &str) -> Option<(&str, &str)> {
    let (table, format) = file.rsplit_once('.')?;
    matches!(format, "csv" | "json").then_some((table, format))
}

fn csv_field(text: &str) -> String {
    // Spreadsheets run cells that start with these as formulas.
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn csv_count(cell: Cell) -> String {
    match cell {
        Cell::Shown(n) => n.to_string(),
        Cell::Suppressed => String::new(),
    }
}

/// A table as CSV: one line per value, a hidden figure as an empty field
/// with `suppressed` in the last column, and the total last.
pub fn table_csv(table: &Breakdown) -> String {
    let mut out = String::from("id,label,incidents,suppressed\r\n");
    for row in &table.rows {
        let _ = write!(
            out,
            "{},{},{},{}\r\n",
            csv_field(&row.id),
            csv_field(&row.label),
            csv_count(row.incidents),
            row.incidents.is_suppressed()
        );
    }
    let _ = write!(
        out,
        "total,Total,{},{}\r\n",
        csv_count(table.total),
        table.total.is_suppressed()
    );
    out
}

pub fn trends_csv(trends: &[Trend]) -> String {
    let mut out = String::from("month,incidents,previous_month,same_month_year_before\r\n");
    for t in trends {
        let _ = write!(
            out,
            "{},{},{},{}\r\n",
            t.month,
            csv_count(t.incidents),
            csv_count(t.previous_month),
            csv_count(t.year_before)
        );
    }
    out
}

async fn download(
    state: &AppState,
    visitor: &Visitor,
    file: &str,
    query: StatsQuery,
    public: bool,
) -> Result<Response, AppError> {
    let (table, format) = parse_file(file).ok_or(AppError::NotFound)?;
    let max_rank = reader_rank(state, visitor, public).await?;
    let (year, focus, _) = query.resolve(public);
    let figures = figures_for(state, year, focus, max_rank).await?;
    let allowed_in_public = ["family", "class", "sea_area", "month", "trends"];
    if public && !allowed_in_public.contains(&table) {
        return Err(AppError::NotFound);
    }
    let name = format!("lookout-{year}-{table}.{format}");
    if table == "trends" {
        return Ok(match format {
            "csv" => attachment(
                trends_csv(&figures.trends),
                "text/csv; charset=utf-8",
                &name,
            ),
            _ => attachment(
                serde_json::to_string_pretty(&figures.trends).map_err(AppError::internal)?,
                "application/json",
                &name,
            ),
        });
    }
    let found = figures.table(table).ok_or(AppError::NotFound)?;
    Ok(match format {
        "csv" => attachment(table_csv(found), "text/csv; charset=utf-8", &name),
        _ => attachment(
            serde_json::to_string_pretty(&serde_json::json!({
                "year": figures.year,
                "focus": figures.focus,
                "min_count": figures.min_count,
                "table": found,
            }))
            .map_err(AppError::internal)?,
            "application/json",
            &name,
        ),
    })
}

pub async fn members_download(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(file): Path<String>,
    Query(query): Query<StatsQuery>,
) -> Result<Response, AppError> {
    download(&state, &visitor, &file, query, false).await
}

pub async fn public_download(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(file): Path<String>,
    Query(query): Query<StatsQuery>,
) -> Result<Response, AppError> {
    download(&state, &visitor, &file, query, true).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_cannot_become_formulas_or_break_lines() {
        assert_eq!(csv_field("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("plain"), "plain");
    }

    #[test]
    fn one_focus_at_a_time() {
        let query = StatsQuery {
            class: "gnss-spoofing".into(),
            sea_area: "black-sea".into(),
            ..StatsQuery::default()
        };
        let (_, focus, problems) = query.resolve(false);
        assert_eq!(focus, Focus::All);
        assert!(problems[0].contains("one of class, sea area or vessel type"));
        let (year, _, problems) = StatsQuery {
            year: "1999".into(),
            ..StatsQuery::default()
        }
        .resolve(false);
        assert_eq!(year, this_year());
        assert!(problems[0].starts_with("Choose a year"));
    }

    #[test]
    fn the_year_so_far_needs_every_month() {
        let trend = |month: &str, now: Cell, before: Cell| Trend {
            month: month.into(),
            incidents: now,
            previous_month: Cell::Suppressed,
            year_before: before,
        };
        let trends = vec![
            trend("2026-01", Cell::Shown(10), Cell::Shown(8)),
            trend("2026-02", Cell::Shown(12), Cell::Shown(12)),
            trend("2026-03", Cell::Suppressed, Cell::Shown(6)),
        ];
        assert_eq!(
            year_to_date(&trends, "2026-02", 2026).as_deref(),
            Some(
                "January to February: 22 incidents, against 20 in the same months of 2025 (+2 (+10 %))."
            )
        );
        assert_eq!(year_to_date(&trends, "2026-03", 2026), None);
    }

    #[test]
    fn changes_need_both_figures() {
        assert_eq!(change(Cell::Shown(12), Cell::Shown(10)), "+2 (+20 %)");
        assert_eq!(change(Cell::Shown(5), Cell::Shown(0)), "+5");
        assert_eq!(change(Cell::Shown(5), Cell::Suppressed), "—");
    }
}
