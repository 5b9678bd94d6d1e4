//! One reader's statistics: the figures for a year, a sharing level and
//! at most one focus (a class, a sea area or a vessel type), with every
//! figure that could single out a reporter suppressed.
//!
//! Which tables are published, and how they are kept from undoing each
//! other's suppression (ARCHITECTURE.md, "Statistics never point at a
//! reporter"):
//!
//! - **Linked tables.** The class × sea area, class × vessel type and sea
//!   area × vessel type tables share their margins (the class, sea-area and
//!   vessel-type breakdowns) and their total. They are published together:
//!   a margin hidden in one is hidden in all, with complementary
//!   suppression, until nothing changes. A focus view's breakdowns by the
//!   other two fields are rows or columns of these tables, so "piracy by
//!   sea area" and "Gulf of Guinea by class" show the same figure for the
//!   same cell, suppressed or not.
//! - **Focus views** are withheld when their focus's figure is hidden in
//!   the linked margins; their other tables (systems, impacts, weeks by
//!   month) are published against the unfocused table with the difference
//!   rule (`publish_filtered`).
//! - **One focus at a time.** Two views focused on different fields
//!   overlap in cells the linked tables cover; combining foci would create
//!   three-way cells no audit covers, and counts small enough to point at
//!   a reporter.
//! - **Time.** Periods are calendar years, which do not overlap. Weeks and
//!   months are one table (rows weeks, columns months), so a week that
//!   straddles two months cannot be subtracted from either.
//! - **Families** (cyber, maritime cyber, other crime) in the unfocused
//!   view are the column totals of a fourth linked table, class × family,
//!   so the audit knows a family is the sum of its classes. In a view
//!   focused on a sea area or vessel type they are sums of the published
//!   class figures, shown only when every class in them is.
//! - **Trends** compare published monthly figures only; a comparison with
//!   a hidden month is hidden.

use lookout_privacy::suppress::{Cell, Figure, Published, Table, publish_filtered, publish_hiding};
use serde::Serialize;

use super::query::{Scope, breakdown, crosstab, previous_month, weeks_by_month};
use super::rollup::{Dimension, FilterField, family_id};
use crate::sharing::{catalogue, sea_areas};

/// What a reader asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub year: i32,
    /// The reader's clearance (TLP rank); figures count only incidents up
    /// to it.
    pub max_rank: i64,
    pub focus: Focus,
    /// The smallest count shown.
    pub k: u64,
}

/// The one field a view may be narrowed to.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "field", content = "value", rename_all = "snake_case")]
pub enum Focus {
    All,
    Class(String),
    SeaArea(String),
    VesselType(String),
}

impl Focus {
    fn field(&self) -> Option<(FilterField, &str)> {
        match self {
            Focus::All => None,
            Focus::Class(v) => Some((FilterField::Class, v)),
            Focus::SeaArea(v) => Some((FilterField::SeaArea, v)),
            Focus::VesselType(v) => Some((FilterField::VesselType, v)),
        }
    }

    /// `scope` restricted to this focus.
    pub fn narrow(&self, scope: Scope) -> Scope {
        match self {
            Focus::All => scope,
            Focus::Class(v) => Scope {
                class: v.clone(),
                ..scope
            },
            Focus::SeaArea(v) => Scope {
                sea_area: v.clone(),
                ..scope
            },
            Focus::VesselType(v) => Scope {
                vessel_type: v.clone(),
                ..scope
            },
        }
    }
}

/// One published figure with its label.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    pub id: String,
    pub label: String,
    /// The count, or `null` when suppressed.
    pub incidents: Cell,
}

/// A one-way table as shown on the page and downloaded.
#[derive(Clone, Debug, Serialize)]
pub struct Breakdown {
    pub id: &'static str,
    pub title: &'static str,
    pub rows: Vec<Row>,
    pub total: Cell,
}

/// A month compared with the month before and the same month a year ago.
#[derive(Clone, Debug, Serialize)]
pub struct Trend {
    pub month: String,
    pub incidents: Cell,
    pub previous_month: Cell,
    pub year_before: Cell,
}

/// Everything one view publishes.
#[derive(Clone, Debug, Serialize)]
pub struct Figures {
    pub year: i32,
    pub focus: Focus,
    /// The smallest count shown.
    pub min_count: u64,
    /// True when the focus has too few incidents to show anything.
    pub withheld: bool,
    pub total: Cell,
    /// Class, family, sea area, vessel type, system, impacts (those the
    /// focus does not fix), then the monthly and weekly series.
    pub tables: Vec<Breakdown>,
    pub trends: Vec<Trend>,
}

impl Figures {
    pub fn table(&self, id: &str) -> Option<&Breakdown> {
        self.tables.iter().find(|t| t.id == id)
    }
}

fn ids_of_classes() -> Vec<String> {
    catalogue::CLASSES
        .iter()
        .map(|c| c.id.to_string())
        .collect()
}
fn ids_of_areas() -> Vec<String> {
    sea_areas::all().iter().map(|a| a.id.to_string()).collect()
}
fn ids_of(list: &[catalogue::Entry]) -> Vec<String> {
    list.iter().map(|e| e.id.to_string()).collect()
}

pub fn label(dimension: &str, id: &str) -> String {
    let label = match dimension {
        "class" => catalogue::class_by_id(id).map(|c| c.label),
        "sea_area" => sea_areas::by_id(id).map(|a| a.name),
        "vessel_type" => catalogue::find(catalogue::VESSEL_TYPES, id).map(|e| e.label),
        "system" => catalogue::find(catalogue::SYSTEMS, id).map(|e| e.label),
        "impact_safety" | "impact_operations" | "impact_money" => {
            catalogue::find(catalogue::IMPACT_LEVELS, id).map(|e| e.label)
        }
        "family" => FAMILIES
            .into_iter()
            .find(|f| family_id(*f) == id)
            .map(|f| f.label()),
        _ => None,
    };
    label.map_or_else(|| id.to_string(), str::to_string)
}

fn title(id: &str) -> &'static str {
    match id {
        "class" => "By class",
        "family" => "Cyber and other maritime crime",
        "sea_area" => "By sea area",
        "vessel_type" => "By vessel type",
        "system" => "By affected system",
        "impact_safety" => "Impact on safety",
        "impact_operations" => "Impact on operations",
        "impact_money" => "Financial impact",
        "month" => "By month",
        "week" => "By week",
        _ => "Figures",
    }
}

/// Reading or tabulating the figures failed.
#[derive(Debug, thiserror::Error)]
pub enum StatsError {
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Table(#[from] lookout_privacy::Error),
}

/// The catalogue's ids followed by any other value found (none, as long as
/// incidents are validated against the catalogue; kept so that every
/// table of a view adds up to the same total whatever is stored).
fn with_found<'a>(ids: &[String], found: impl Iterator<Item = &'a String>) -> Vec<String> {
    let mut all = ids.to_vec();
    let mut extra: Vec<String> = found.filter(|v| !ids.contains(v)).cloned().collect();
    extra.sort();
    extra.dedup();
    all.extend(extra);
    all
}

/// A dense table from sparse `(row, col, n)` triples over fixed labels.
/// Triples whose labels are not in the lists are dropped.
fn dense(
    rows: &[String],
    cols: &[String],
    found: &[(String, String, i64)],
) -> Result<Table, StatsError> {
    let mut counts = vec![vec![0u64; cols.len()]; rows.len()];
    for (r, c, n) in found {
        if let (Some(i), Some(j)) = (
            rows.iter().position(|x| x == r),
            cols.iter().position(|x| x == c),
        ) {
            counts[i][j] = u64::try_from(*n).unwrap_or(0);
        }
    }
    Ok(Table::new(rows.to_vec(), cols.to_vec(), counts)?)
}

fn one_way(rows: &[String], found: &[(String, i64)]) -> Result<Table, StatsError> {
    let rows = &with_found(rows, found.iter().map(|(v, _)| v));
    let triples: Vec<(String, String, i64)> = found
        .iter()
        .map(|(v, n)| (v.clone(), String::from("incidents"), *n))
        .collect();
    dense(rows, &["incidents".to_string()], &triples)
}

/// The linked tables of one year and sharing level, published together.
struct Linked {
    ca: Published,
    cv: Published,
    av: Published,
    /// Class × family: each class row has one non-zero cell, so its column
    /// totals are the family figures and the audit sees that a family is
    /// the sum of its classes.
    cf: Published,
}

const LINK_ROUNDS: usize = 16;

fn link(ca: &Table, cv: &Table, av: &Table, cf: &Table, k: u64) -> Option<Linked> {
    let mut class = vec![false; ca.rows().len()];
    let mut area = vec![false; ca.cols().len()];
    let mut vessel = vec![false; cv.cols().len()];
    let mut total = false;
    for _ in 0..LINK_ROUNDS {
        let forced = |rows: &[bool], cols: &[bool], total: bool| -> Vec<Figure> {
            let mut figures: Vec<Figure> = rows
                .iter()
                .enumerate()
                .filter(|(_, h)| **h)
                .map(|(i, _)| Figure::RowTotal(i))
                .chain(
                    cols.iter()
                        .enumerate()
                        .filter(|(_, h)| **h)
                        .map(|(j, _)| Figure::ColTotal(j)),
                )
                .collect();
            if total {
                figures.push(Figure::Total);
            }
            figures
        };
        let ca_p = publish_hiding(ca, k, &forced(&class, &area, total));
        let cv_p = publish_hiding(cv, k, &forced(&class, &vessel, total));
        let av_p = publish_hiding(av, k, &forced(&area, &vessel, total));
        let cf_p = publish_hiding(cf, k, &forced(&class, &[], total));
        let mut changed = false;
        let mut merge = |mask: &mut [bool], cells: &[Cell]| {
            for (hidden, cell) in mask.iter_mut().zip(cells) {
                if cell.is_suppressed() && !*hidden {
                    *hidden = true;
                    changed = true;
                }
            }
        };
        merge(&mut class, ca_p.row_totals());
        merge(&mut class, cv_p.row_totals());
        merge(&mut class, cf_p.row_totals());
        merge(&mut area, ca_p.col_totals());
        merge(&mut area, av_p.row_totals());
        merge(&mut vessel, cv_p.col_totals());
        merge(&mut vessel, av_p.col_totals());
        let any_total = [&ca_p, &cv_p, &av_p, &cf_p]
            .iter()
            .any(|p| p.total().is_suppressed());
        if any_total && !total {
            total = true;
            changed = true;
        }
        if !changed {
            return Some(Linked {
                ca: ca_p,
                cv: cv_p,
                av: av_p,
                cf: cf_p,
            });
        }
    }
    None
}

/// The months of a calendar year, `YYYY-01` to `YYYY-12`.
pub fn months_of(year: i32) -> Vec<String> {
    (1..=12).map(|m| format!("{year:04}-{m:02}")).collect()
}

/// Computes a year's figures. Two years are read: this one and, for the
/// trends, the one before; of that one only what its monthly series
/// depends on (its linked tables decide its total and whether the focus is
/// withheld).
pub async fn figures(db: &crate::db::Db, request: &Request) -> Result<Figures, StatsError> {
    let this = year_figures(db, request, true).await?;
    let before = Box::pin(year_figures(
        db,
        &Request {
            year: request.year - 1,
            ..request.clone()
        },
        false,
    ))
    .await?;
    let mut figures = this;
    figures.trends = trends(&figures, &before);
    hide_zeros(&mut figures);
    Ok(figures)
}

/// Shows a zero exactly as a small figure: "hidden". A shown zero that
/// turns "hidden" in the next release says that the batch holds an
/// incident of that cell, and a zero beside a hidden figure narrows it;
/// hidden alike, a figure says nothing until it reaches `k`. Hiding more
/// than the audit asked is always safe (docs/statistics.md).
fn hide_zeros(figures: &mut Figures) {
    let hide = |cell: &mut Cell| {
        if *cell == Cell::Shown(0) {
            *cell = Cell::Suppressed;
        }
    };
    hide(&mut figures.total);
    for table in &mut figures.tables {
        hide(&mut table.total);
        for row in &mut table.rows {
            hide(&mut row.incidents);
        }
    }
    for trend in &mut figures.trends {
        hide(&mut trend.incidents);
        hide(&mut trend.previous_month);
        hide(&mut trend.year_before);
    }
}

/// The monthly series of a view as (month, cell).
fn monthly(figures: &Figures) -> Vec<(String, Cell)> {
    figures
        .table("month")
        .map(|t| t.rows.iter().map(|r| (r.id.clone(), r.incidents)).collect())
        .unwrap_or_default()
}

fn trends(this: &Figures, before: &Figures) -> Vec<Trend> {
    let mut all = monthly(before);
    all.extend(monthly(this));
    let cell = |month: &str| {
        all.iter()
            .find(|(m, _)| m == month)
            .map_or(Cell::Suppressed, |(_, c)| *c)
    };
    monthly(this)
        .into_iter()
        .map(|(month, incidents)| {
            let year_before = match month.split_once('-') {
                Some((y, m)) => y
                    .parse::<i32>()
                    .map_or(Cell::Suppressed, |y| cell(&format!("{:04}-{m}", y - 1))),
                None => Cell::Suppressed,
            };
            Trend {
                previous_month: cell(&previous_month(&month)),
                year_before,
                month,
                incidents,
            }
        })
        .collect()
}

/// One year's figures; without `breakdowns`, the tables read beside the
/// linked ones and the time series (systems, impacts) are left out.
async fn year_figures(
    db: &crate::db::Db,
    request: &Request,
    breakdowns: bool,
) -> Result<Figures, StatsError> {
    let k = request.k;
    let months = months_of(request.year);
    // Breakdowns read the year's own roll-up rows (bucket `YYYY`); the
    // weekly series reads its weeks by month.
    let year_bucket = format!("{:04}", request.year);
    let scope = Scope {
        max_rank: request.max_rank,
        from_month: year_bucket.clone(),
        to_month: year_bucket,
        released: true,
        ..Scope::default()
    };
    let weeks_scope = Scope {
        from_month: months[0].clone(),
        to_month: months[11].clone(),
        ..scope.clone()
    };
    let (class_ids, area_ids) = (ids_of_classes(), ids_of_areas());
    let found_ca = crosstab(
        db,
        FilterField::Class,
        &class_ids,
        Dimension::SeaArea,
        &scope,
    )
    .await?;
    let found_cv = crosstab(
        db,
        FilterField::Class,
        &class_ids,
        Dimension::VesselType,
        &scope,
    )
    .await?;
    let found_av = crosstab(
        db,
        FilterField::SeaArea,
        &area_ids,
        Dimension::VesselType,
        &scope,
    )
    .await?;
    let classes = with_found(
        &class_ids,
        found_ca.iter().chain(&found_cv).map(|(c, _, _)| c),
    );
    let areas = with_found(
        &area_ids,
        found_ca
            .iter()
            .map(|(_, a, _)| a)
            .chain(found_av.iter().map(|(a, _, _)| a)),
    );
    let vessels = with_found(
        &ids_of(catalogue::VESSEL_TYPES),
        found_cv.iter().chain(&found_av).map(|(_, v, _)| v),
    );
    let ca = dense(&classes, &areas, &found_ca)?;
    let cv = dense(&classes, &vessels, &found_cv)?;
    let av = dense(&areas, &vessels, &found_av)?;
    let withheld = |total| Figures {
        year: request.year,
        focus: request.focus.clone(),
        min_count: k,
        withheld: true,
        total,
        tables: Vec::new(),
        trends: Vec::new(),
    };
    let families_ids: Vec<String> = FAMILIES.iter().map(|f| family_id(*f).to_string()).collect();
    let class_family: Vec<(String, String, i64)> = classes
        .iter()
        .zip(ca.row_totals())
        .map(|(class, n)| {
            let family = catalogue::class_by_id(class).map_or("unknown", |c| family_id(c.family));
            (
                class.clone(),
                family.to_string(),
                i64::try_from(*n).unwrap_or(i64::MAX),
            )
        })
        .collect();
    let cf = dense(&classes, &families_ids, &class_family)?;
    let Some(linked) = link(&ca, &cv, &av, &cf, k) else {
        return Ok(withheld(Cell::Suppressed));
    };

    // The tables the focus does not fix, unfocused and (if focused) focused.
    let free: Vec<(&'static str, Dimension, Vec<String>)> = vec![
        ("system", Dimension::System, ids_of(catalogue::SYSTEMS)),
        (
            "impact_safety",
            Dimension::ImpactSafety,
            ids_of(catalogue::IMPACT_LEVELS),
        ),
        (
            "impact_operations",
            Dimension::ImpactOperations,
            ids_of(catalogue::IMPACT_LEVELS),
        ),
        (
            "impact_money",
            Dimension::ImpactMoney,
            ids_of(catalogue::IMPACT_LEVELS),
        ),
    ];
    let weeks_table = |found: &[(String, String, i64)]| {
        let mut weeks: Vec<String> = found.iter().map(|(w, _, _)| w.clone()).collect();
        weeks.dedup();
        dense(&weeks, &months, found)
    };
    let unfocused_weeks = weeks_by_month(db, &weeks_scope).await?;

    let mut tables = Vec::new();
    let (total, focus_scope) = match request.focus.field() {
        None => {
            let total = linked.ca.total();
            tables.push(table_of(
                "family",
                &families_ids,
                linked.cf.col_totals(),
                total,
            ));
            tables.push(table_of("class", &classes, linked.ca.row_totals(), total));
            tables.push(table_of("sea_area", &areas, linked.ca.col_totals(), total));
            tables.push(table_of(
                "vessel_type",
                &vessels,
                linked.cv.col_totals(),
                total,
            ));
            (total, None)
        }
        Some((field, value)) => {
            let margin = match field {
                FilterField::Class => (&linked.ca, true, &classes),
                FilterField::SeaArea => (&linked.ca, false, &areas),
                FilterField::VesselType => (&linked.cv, false, &vessels),
            };
            let (published, by_row, ids) = margin;
            let Some(index) = ids.iter().position(|id| id == value) else {
                return Ok(withheld(Cell::Suppressed));
            };
            let total = if by_row {
                published.row_totals().get(index).copied()
            } else {
                published.col_totals().get(index).copied()
            }
            .unwrap_or(Cell::Suppressed);
            if total.is_suppressed() || total == Cell::Shown(0) {
                return Ok(withheld(Cell::Suppressed));
            }
            // The other two linked fields: a row or column of a linked table.
            let (first, second) = match field {
                FilterField::Class => (
                    ("sea_area", &areas, row_of(&linked.ca, index)),
                    ("vessel_type", &vessels, row_of(&linked.cv, index)),
                ),
                FilterField::SeaArea => (
                    ("class", &classes, col_of(&linked.ca, index)),
                    ("vessel_type", &vessels, row_of(&linked.av, index)),
                ),
                FilterField::VesselType => (
                    ("class", &classes, col_of(&linked.cv, index)),
                    ("sea_area", &areas, col_of(&linked.av, index)),
                ),
            };
            for (id, ids, cells) in [first, second] {
                let table = table_of(id, ids, &cells, total);
                if id == "class" {
                    tables.push(families(&table));
                }
                tables.push(table);
            }
            (total, Some(request.focus.narrow(scope.clone())))
        }
    };

    for (id, dimension, ids) in free.iter().filter(|_| breakdowns) {
        let unfocused = one_way(ids, &breakdown(db, *dimension, &scope).await?)?;
        let published = match &focus_scope {
            None => publish_hiding(&unfocused, k, &total_forced(total)),
            Some(focused) => {
                let focused =
                    one_way(unfocused.rows(), &breakdown(db, *dimension, focused).await?)?;
                publish_filtered(&focused, &unfocused, k).unwrap_or_else(|_| hide_all(&focused))
            }
        };
        // Impacts partition the view's incidents: their total is the
        // view's and must not be hidden where the view shows it.
        let partition = *id != "system";
        if partition && published.total().is_suppressed() && !total.is_suppressed() {
            let hidden = vec![Cell::Suppressed; published.rows().len()];
            tables.push(table_of(id, published.rows(), &hidden, Cell::Suppressed));
        } else {
            let cells: Vec<Cell> = published
                .cells()
                .iter()
                .map(|row| row.first().copied().unwrap_or(Cell::Suppressed))
                .collect();
            tables.push(table_of(id, published.rows(), &cells, published.total()));
        }
    }

    let unfocused = weeks_table(&unfocused_weeks)?;
    let (time_table, time) = match &focus_scope {
        None => {
            let p = publish_hiding(&unfocused, k, &total_forced(total));
            (unfocused, p)
        }
        Some(_) => {
            let found = weeks_by_month(db, &request.focus.narrow(weeks_scope.clone())).await?;
            // Same rows as the unfocused table, for the difference rule.
            let focused = dense(unfocused.rows(), &months, &found)?;
            let p =
                publish_filtered(&focused, &unfocused, k).unwrap_or_else(|_| hide_all(&focused));
            (focused, p)
        }
    };
    if time.total().is_suppressed() && !total.is_suppressed() {
        tables.push(table_of(
            "month",
            &months,
            &[Cell::Suppressed; 12],
            Cell::Suppressed,
        ));
        tables.push(table_of(
            "week",
            time_table.rows(),
            &vec![Cell::Suppressed; time_table.rows().len()],
            Cell::Suppressed,
        ));
    } else {
        tables.push(table_of("month", &months, time.col_totals(), time.total()));
        tables.push(table_of(
            "week",
            time_table.rows(),
            time.row_totals(),
            time.total(),
        ));
    }

    Ok(Figures {
        year: request.year,
        focus: request.focus.clone(),
        min_count: k,
        withheld: false,
        total,
        tables,
        trends: Vec::new(),
    })
}

fn total_forced(total: Cell) -> Vec<Figure> {
    if total.is_suppressed() {
        vec![Figure::Total]
    } else {
        Vec::new()
    }
}

fn hide_all(table: &Table) -> Published {
    let mut figures = Vec::new();
    for i in 0..table.rows().len() {
        for j in 0..table.cols().len() {
            figures.push(Figure::Cell(i, j));
        }
        figures.push(Figure::RowTotal(i));
    }
    for j in 0..table.cols().len() {
        figures.push(Figure::ColTotal(j));
    }
    figures.push(Figure::Total);
    publish_hiding(table, u64::MAX, &figures)
}

fn row_of(published: &Published, row: usize) -> Vec<Cell> {
    published.cells().get(row).cloned().unwrap_or_default()
}

fn col_of(published: &Published, col: usize) -> Vec<Cell> {
    published
        .cells()
        .iter()
        .map(|row| row.get(col).copied().unwrap_or(Cell::Suppressed))
        .collect()
}

/// A table of the page: one figure per id, labelled from the catalogue.
fn table_of(id: &'static str, ids: &[String], cells: &[Cell], total: Cell) -> Breakdown {
    Breakdown {
        id,
        title: title(id),
        rows: ids
            .iter()
            .zip(cells)
            .map(|(v, c)| Row {
                id: v.clone(),
                label: label(id, v),
                incidents: *c,
            })
            .collect(),
        total,
    }
}

const FAMILIES: [catalogue::Family; 3] = [
    catalogue::Family::Cyber,
    catalogue::Family::MaritimeCyber,
    catalogue::Family::Crime,
];

/// Cyber, maritime cyber and other crime in a focus view: sums of its
/// published class figures, hidden when any class in the family is (the
/// unfocused view publishes them as linked margins instead).
fn families(class: &Breakdown) -> Breakdown {
    let rows = FAMILIES
        .into_iter()
        .map(|family| {
            let mut sum = Some(0u64);
            for row in &class.rows {
                let in_family = catalogue::class_by_id(&row.id).is_some_and(|c| c.family == family);
                if in_family {
                    sum = match (sum, row.incidents) {
                        (Some(s), Cell::Shown(n)) => Some(s.saturating_add(n)),
                        _ => None,
                    };
                }
            }
            Row {
                id: family_id(family).to_string(),
                label: family.label().to_string(),
                incidents: sum.map_or(Cell::Suppressed, Cell::Shown),
            }
        })
        .collect();
    Breakdown {
        id: "family",
        title: title("family"),
        rows,
        total: class.total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_hide_when_any_class_is_hidden() {
        let class = Breakdown {
            id: "class",
            title: "By class",
            rows: vec![
                Row {
                    id: "malicious-code".into(),
                    label: String::new(),
                    incidents: Cell::Shown(7),
                },
                Row {
                    id: "gnss-jamming".into(),
                    label: String::new(),
                    incidents: Cell::Suppressed,
                },
            ],
            total: Cell::Shown(11),
        };
        let f = families(&class);
        assert_eq!(f.rows[0].incidents, Cell::Shown(7));
        assert_eq!(f.rows[1].incidents, Cell::Suppressed);
        assert_eq!(f.rows[2].incidents, Cell::Shown(0));
    }

    #[test]
    fn zeros_are_hidden_like_small_figures() {
        let mut figures = Figures {
            year: 2026,
            focus: Focus::All,
            min_count: 5,
            withheld: false,
            total: Cell::Shown(0),
            tables: vec![Breakdown {
                id: "class",
                title: "By class",
                rows: vec![Row {
                    id: "piracy-armed-robbery".into(),
                    label: String::new(),
                    incidents: Cell::Shown(0),
                }],
                total: Cell::Shown(7),
            }],
            trends: Vec::new(),
        };
        hide_zeros(&mut figures);
        assert_eq!(figures.total, Cell::Suppressed);
        assert_eq!(figures.tables[0].rows[0].incidents, Cell::Suppressed);
        assert_eq!(figures.tables[0].total, Cell::Shown(7));
    }
}
