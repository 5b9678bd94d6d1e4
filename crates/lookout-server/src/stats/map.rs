//! The incident map: sea areas shaded by their published count (hidden
//! below the threshold, zero included, exactly as in the sea-area table),
//! and for members the incidents they may see as dots on the cells their
//! analysts chose to publish (never finer than the incident pages show).

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use lookout_geo::map::{AreaShade, Dot, MapOptions, legend_entries_from, max_count, world_map_svg};

use super::pages::{StatsQuery, YEARS, figures_for, this_year};
use super::view::{Focus, label};
use crate::accounts::extract::SignedIn;
use crate::db::now;
use crate::incidents::store::{Filter, visible_position_cells};
use crate::sharing::clearance::Clearance;
use crate::sharing::{Catalogue, sea_areas};
use crate::state::AppState;
use crate::web::AppError;
use crate::web::templates::{Page, render};

#[derive(Template)]
#[template(path = "stats/map.html")]
struct MapPage {
    page: Page,
    query: StatsQuery,
    year: i32,
    years: Vec<i32>,
    problems: Vec<String>,
    map: String,
    legend: Vec<(String, &'static str)>,
    /// Sea areas with a figure, most incidents first: (name, figure, link).
    rows: Vec<(String, String, String)>,
    /// Whether some areas' figures are hidden (one line says so).
    hidden: bool,
    dots: usize,
    withheld: bool,
    encoded: String,
}

impl Catalogue for MapPage {}

pub async fn page(
    State(state): State<AppState>,
    SignedIn { visitor, user }: SignedIn,
    Query(mut query): Query<StatsQuery>,
) -> Result<Response, AppError> {
    let clearance = Clearance::of(&state.db, &user).await?;
    // The map is the sea-area breakdown: a sea-area focus would leave one area.
    query.sea_area.clear();
    let (year, focus, problems) = query.resolve(false);
    let figures = figures_for(&state, year, focus.clone(), clearance.max_rank).await?;
    let areas = figures.table("sea_area");
    let shades: Vec<AreaShade> = areas
        .map(|t| {
            t.rows
                .iter()
                .map(|r| {
                    let mut link = url::form_urlencoded::Serializer::new(String::new());
                    link.append_pair("year", &year.to_string());
                    link.append_pair("sea_area", &r.id);
                    AreaShade::new(r.id.clone(), r.incidents.value())
                        .with_href(format!("/stats?{}", link.finish()))
                })
                .collect()
        })
        .unwrap_or_default();
    let filter = Filter {
        class: match &focus {
            Focus::Class(v) => v.clone(),
            _ => String::new(),
        },
        vessel_type: match &focus {
            Focus::VesselType(v) => v.clone(),
            _ => String::new(),
        },
        from: format!("{year:04}-01-01"),
        to: format!("{year:04}-12-31"),
        ..Filter::default()
    };
    let dots: Vec<Dot> = visible_position_cells(&state.db, now(), &clearance, &filter)
        .await?
        .into_iter()
        .filter_map(|(cell, n)| {
            let (lat, lon) = sea_areas::parse_position(&cell).ok()?;
            Some(Dot {
                lat,
                lon,
                count: u64::try_from(n).ok()?,
                label: format!("{cell}: {n} incident{}", if n == 1 { "" } else { "s" }),
            })
        })
        .collect();
    let max = max_count(&shades);
    let map = world_map_svg(
        &shades,
        &dots,
        &MapOptions {
            title: format!("Incidents by sea area, {year}"),
            land_href: Some(LAND_PATH.into()),
            ..MapOptions::default()
        },
    );
    // Zeros are hidden like small figures: one line covers them.
    let hidden = areas.is_some_and(|t| t.rows.iter().any(|r| r.incidents.is_suppressed()));
    let mut rows: Vec<(u64, String, String)> = shades
        .iter()
        .filter_map(|shade| {
            let n = shade.count?;
            Some((n, label("sea_area", &shade.area_id), shade.href.clone()?))
        })
        .collect();
    rows.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let current = this_year();
    render(&MapPage {
        page: Page::new(&visitor, "Incident map"),
        encoded: StatsQuery::encode(year, &focus),
        query,
        year,
        years: (current - YEARS + 1..=current).rev().collect(),
        problems,
        map,
        legend: legend_entries_from(max, figures.min_count)
            .into_iter()
            .map(|e| (e.label, e.class))
            .collect(),
        rows: rows
            .into_iter()
            .map(|(n, name, link)| (name, n.to_string(), link))
            .collect(),
        hidden,
        dots: dots.len(),
        withheld: figures.withheld,
    })
}

/// Where the map's land outline is served from: one file the browser
/// keeps, instead of 16 KB inside every map page.
pub const LAND_PATH: &str = "/static/land.svg";

static LAND: std::sync::LazyLock<String> = std::sync::LazyLock::new(lookout_geo::map::land_svg);

pub async fn land() -> Response {
    crate::web::static_file(LAND.as_str(), "image/svg+xml", "public, max-age=604800")
}
