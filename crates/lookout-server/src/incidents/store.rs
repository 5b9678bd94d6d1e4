//! Incidents in the database. Every read for members goes through
//! [`VISIBLE`], the one condition that applies publication state, the
//! release delay and the reader's clearance.

use serde::Serialize;

use super::precision::{self, DatePrecision, PlacePrecision};
use crate::db::{Db, Tx};
use crate::reports::store::hour;
use crate::sharing::clearance::{Clearance, tlp_rank};

/// The editable, sanitised content of an incident.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Content {
    pub title: String,
    pub summary: String,
    pub indicators: String,
    pub class: String,
    pub occurred_on: String,
    pub systems: Vec<String>,
    pub vessel_type: String,
    pub vessel_size: String,
    pub sea_area: String,
    pub position_cell: String,
    pub impact_safety: String,
    pub impact_operations: String,
    pub impact_money: String,
    pub tlp: String,
    /// How precisely members see the date, the place and the size; the
    /// fields above stay exact for analysts.
    pub date_precision: DatePrecision,
    pub place_precision: PlacePrecision,
    pub show_size: bool,
}

impl Content {
    /// What members are shown of the date, place and size.
    pub fn published(&self) -> precision::Published {
        precision::publish(
            &self.occurred_on,
            self.date_precision,
            &self.position_cell,
            self.place_precision,
            &self.vessel_size,
            self.show_size,
        )
    }
}

/// An incident row. Read for analysts ([`for_report`]) it holds the exact
/// facts; read for members (every `visible_*` function) `occurred_on`,
/// `position_cell` and `vessel_size` hold the published period, cell and
/// size instead, so no member page or feed can show an exact value.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct IncidentRow {
    pub id: i64,
    #[sqlx(rename = "ref")]
    pub reference: String,
    pub report_id: i64,
    pub state: String,
    pub title: String,
    pub summary: String,
    pub indicators: String,
    pub class: String,
    pub occurred_on: String,
    pub systems: String,
    pub vessel_type: String,
    pub vessel_size: String,
    pub sea_area: String,
    pub position_cell: String,
    pub impact_safety: String,
    pub impact_operations: String,
    pub impact_money: String,
    pub tlp: String,
    pub tlp_rank: i64,
    pub reporter_org_id: Option<i64>,
    pub named_org: Option<String>,
    pub visible_from: Option<i64>,
    pub updated_hour: i64,
    /// 1 when its report came with a valid membership token.
    pub verified_member: i64,
    pub date_precision: String,
    pub place_precision: String,
    pub show_size: i64,
    pub published_period: String,
    pub published_cell: String,
    pub published_size: String,
}

impl IncidentRow {
    pub fn content(&self) -> Content {
        Content {
            title: self.title.clone(),
            summary: self.summary.clone(),
            indicators: self.indicators.clone(),
            class: self.class.clone(),
            occurred_on: self.occurred_on.clone(),
            systems: crate::sharing::catalogue::stored_systems(&self.systems)
                .map(str::to_string)
                .collect(),
            vessel_type: self.vessel_type.clone(),
            vessel_size: self.vessel_size.clone(),
            sea_area: self.sea_area.clone(),
            position_cell: self.position_cell.clone(),
            impact_safety: self.impact_safety.clone(),
            impact_operations: self.impact_operations.clone(),
            impact_money: self.impact_money.clone(),
            tlp: self.tlp.clone(),
            date_precision: DatePrecision::parse(&self.date_precision),
            place_precision: PlacePrecision::parse(&self.place_precision),
            show_size: self.show_size == 1,
        }
    }

    pub fn is_visible_at(&self, now: i64) -> bool {
        self.state == "published" && self.visible_from.is_some_and(|t| t <= now)
    }
}

const COLUMNS: &str = "id, ref, report_id, state, title, summary, indicators, class, occurred_on, \
     systems, vessel_type, vessel_size, sea_area, position_cell, impact_safety, impact_operations, \
     impact_money, tlp, tlp_rank, reporter_org_id, named_org, visible_from, updated_hour, verified_member, \
     date_precision, place_precision, show_size, published_period, published_cell, published_size";

/// [`COLUMNS`] for members: the exact date, cell and size are never read.
const MEMBER_COLUMNS: &str = "id, ref, report_id, state, title, summary, indicators, class, \
     published_period AS occurred_on, systems, vessel_type, published_size AS vessel_size, sea_area, \
     published_cell AS position_cell, impact_safety, impact_operations, impact_money, tlp, tlp_rank, \
     reporter_org_id, named_org, visible_from, updated_hour, verified_member, date_precision, \
     place_precision, show_size, published_period, published_cell, published_size";

/// Published, released, and within the reader's clearance. Binds `$1` now,
/// `$2` the reader's maximum TLP rank, `$3` their organisation.
const VISIBLE: &str = "state = 'published' AND visible_from <= $1 \
     AND (tlp_rank <= $2 OR reporter_org_id = $3)";

/// Members' filters; empty strings mean "any".
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub class: String,
    pub sea_area: String,
    pub vessel_type: String,
    pub tlp: String,
    /// Inclusive dates, `YYYY-MM-DD`, matched against the published
    /// period: an incident is listed when its period overlaps them, so a
    /// one-day filter cannot find the exact day of a month's incident.
    pub from: String,
    pub to: String,
    /// A piece of the reference or the title.
    pub text: String,
}

const FILTERS: &str = "($4 = '' OR class = $4) AND ($5 = '' OR sea_area = $5) \
     AND ($6 = '' OR vessel_type = $6) AND ($7 = '' OR tlp = $7) \
     AND ($8 = '' OR period_end >= $8) AND ($9 = '' OR period_start <= $9) \
     AND ($10 = '' OR UPPER(ref) LIKE $10 ESCAPE '\\' OR UPPER(title) LIKE $10 ESCAPE '\\')";

fn filter_args(
    now: i64,
    clearance: &Clearance,
    filter: &Filter,
) -> Result<sqlx::any::AnyArguments, sqlx::Error> {
    use sqlx::Arguments;
    let mut args = sqlx::any::AnyArguments::default();
    let bad = |e| sqlx::Error::Encode(e);
    args.add(now).map_err(bad)?;
    args.add(clearance.max_rank).map_err(bad)?;
    args.add(clearance.org_id.unwrap_or(-1)).map_err(bad)?;
    for value in [
        &filter.class,
        &filter.sea_area,
        &filter.vessel_type,
        &filter.tlp,
        &filter.from,
        &filter.to,
    ] {
        args.add(value.clone()).map_err(bad)?;
    }
    args.add(crate::db::contains_pattern(&filter.text))
        .map_err(bad)?;
    Ok(args)
}

/// Members' order: by published period, then by the random reference, so
/// the order within a period says nothing about the exact days.
const MEMBER_ORDER: &str = "period_start DESC, ref";

/// One page of what the reader may see, newest first, and the total.
pub async fn list_visible(
    db: &Db,
    now: i64,
    clearance: &Clearance,
    filter: &Filter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<IncidentRow>, i64), sqlx::Error> {
    let sql = format!(
        "SELECT {MEMBER_COLUMNS} FROM incidents WHERE {VISIBLE} AND {FILTERS} \
         ORDER BY {MEMBER_ORDER} LIMIT $11 OFFSET $12"
    );
    let rows = sqlx::query_as_with::<_, IncidentRow, _>(
        sqlx::AssertSqlSafe(sql),
        filter_args(now, clearance, filter)?,
    )
    .bind(limit)
    .bind(offset)
    .fetch_all(&db.pool)
    .await?;
    let count_sql = format!("SELECT COUNT(*) FROM incidents WHERE {VISIBLE} AND {FILTERS}");
    let total: i64 = sqlx::query_scalar_with(
        sqlx::AssertSqlSafe(count_sql),
        filter_args(now, clearance, filter)?,
    )
    .fetch_one(&db.pool)
    .await?;
    Ok((rows, total))
}

/// How many incidents the reader may see that became visible since
/// `since`, by sea area, most first: the start page's "this week".
pub async fn new_by_sea_area(
    db: &Db,
    now: i64,
    clearance: &Clearance,
    since: i64,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let sql = format!(
        "SELECT sea_area, COUNT(*) AS n FROM incidents WHERE {VISIBLE} AND visible_from >= $4 \
         GROUP BY sea_area ORDER BY n DESC, sea_area"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .bind(clearance.max_rank)
        .bind(clearance.org_id.unwrap_or(-1))
        .bind(since)
        .fetch_all(&db.pool)
        .await
}

/// How many incidents the reader may see in each published cell (only
/// incidents whose analyst chose to publish one, at the size chosen), for
/// the map's dots.
pub async fn visible_position_cells(
    db: &Db,
    now: i64,
    clearance: &Clearance,
    filter: &Filter,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let sql = format!(
        "SELECT published_cell, COUNT(*) FROM incidents WHERE {VISIBLE} AND {FILTERS} \
         AND published_cell <> '' GROUP BY published_cell ORDER BY COUNT(*) DESC LIMIT 5000"
    );
    sqlx::query_as_with(
        sqlx::AssertSqlSafe(sql),
        filter_args(now, clearance, filter)?,
    )
    .fetch_all(&db.pool)
    .await
}

/// The reference, title and indicators of the most recent incidents the
/// reader may see that list any indicators (for "seen before" on analyses).
pub async fn visible_indicators(
    db: &Db,
    now: i64,
    clearance: &Clearance,
) -> Result<Vec<(String, String, String)>, sqlx::Error> {
    let sql = format!(
        "SELECT ref, title, indicators FROM incidents WHERE {VISIBLE} AND indicators <> '' \
         ORDER BY {MEMBER_ORDER} LIMIT 5000"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .bind(clearance.max_rank)
        .bind(clearance.org_id.unwrap_or(-1))
        .fetch_all(&db.pool)
        .await
}

/// One incident, if the reader may see it.
pub async fn visible_by_ref(
    db: &Db,
    now: i64,
    clearance: &Clearance,
    reference: &str,
) -> Result<Option<IncidentRow>, sqlx::Error> {
    let sql = format!("SELECT {MEMBER_COLUMNS} FROM incidents WHERE {VISIBLE} AND ref = $4");
    sqlx::query_as::<_, IncidentRow>(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .bind(clearance.max_rank)
        .bind(clearance.org_id.unwrap_or(-1))
        .bind(reference)
        .fetch_optional(&db.pool)
        .await
}

/// An incident's id by its reference, in whatever state: whether a
/// citation names an incident at all.
pub async fn id_by_ref(db: &Db, reference: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM incidents WHERE ref = $1")
        .bind(reference)
        .fetch_optional(&db.pool)
        .await
}

/// The incident made from a report, in whatever state (for analysts).
pub async fn for_report(db: &Db, report_id: i64) -> Result<Option<IncidentRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM incidents WHERE report_id = $1");
    sqlx::query_as::<_, IncidentRow>(sqlx::AssertSqlSafe(sql))
        .bind(report_id)
        .fetch_optional(&db.pool)
        .await
}

/// [`for_report`] inside a transaction.
pub async fn for_report_in(
    tx: &mut Tx,
    report_id: i64,
) -> Result<Option<IncidentRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM incidents WHERE report_id = $1");
    sqlx::query_as::<_, IncidentRow>(sqlx::AssertSqlSafe(sql))
        .bind(report_id)
        .fetch_optional(&mut **tx)
        .await
}

/// How many other published incidents share what members would be shown
/// of `content`: its sea area and vessel type, a published period within
/// its own, its published cell when one is shown, and its size class when
/// `with_size`. Only incidents at its sharing level or below count, since
/// a reader of this one need not see the others. Used to warn the analyst
/// before publishing a combination that singles a ship out.
pub async fn sharing(
    db: &Db,
    report_id: i64,
    content: &Content,
    with_size: bool,
) -> Result<i64, sqlx::Error> {
    let published = content.published();
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM incidents WHERE state = 'published' AND report_id <> $1 \
         AND sea_area = $2 AND vessel_type = $3 AND period_start >= $4 AND period_end <= $5 \
         AND ($6 = '' OR published_cell = $6) AND ($7 = '' OR vessel_size = $7) AND tlp_rank <= $8",
    )
    .bind(report_id)
    .bind(&content.sea_area)
    .bind(&content.vessel_type)
    .bind(&published.start)
    .bind(&published.end)
    .bind(&published.cell)
    .bind(if with_size {
        content.vessel_size.as_str()
    } else {
        ""
    })
    .bind(tlp_rank(&content.tlp).unwrap_or(4))
    .fetch_one(&db.pool)
    .await
}

/// What publication does to the row.
pub struct Publication {
    /// `draft`, `published` or `withdrawn`.
    pub state: &'static str,
    pub visible_from: Option<i64>,
    pub reporter_org_id: Option<i64>,
    pub named_org: Option<String>,
}

/// Creates or updates the incident of `report_id`; returns its reference.
pub fn new_reference() -> Result<String, crate::secrets::SecretError> {
    crate::secrets::public_reference("I")
}

/// Creates or updates the incident of `report_id` (a new one gets
/// `reference`); returns the reference it has. Statistics, search and
/// alerts follow in `publish::save`.
pub async fn save(
    tx: &mut Tx,
    report_id: i64,
    reference: &str,
    content: &Content,
    publication: &Publication,
    now: i64,
) -> Result<String, sqlx::Error> {
    let sql = "INSERT INTO incidents (ref, report_id, state, title, summary, indicators, class, occurred_on, \
         systems, vessel_type, vessel_size, sea_area, position_cell, impact_safety, impact_operations, \
         impact_money, tlp, tlp_rank, reporter_org_id, named_org, visible_from, updated_hour, verified_member, \
         date_precision, place_precision, show_size, published_period, period_start, period_end, \
         published_cell, published_size) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, \
         (SELECT verified_member FROM reports WHERE id = $2), $23, $24, $25, $26, $27, $28, $29, $30) \
         ON CONFLICT (report_id) DO UPDATE SET state = $3, title = $4, summary = $5, indicators = $6, \
         class = $7, occurred_on = $8, systems = $9, vessel_type = $10, vessel_size = $11, sea_area = $12, \
         position_cell = $13, impact_safety = $14, impact_operations = $15, impact_money = $16, tlp = $17, \
         tlp_rank = $18, reporter_org_id = $19, named_org = $20, visible_from = $21, updated_hour = $22, \
         date_precision = $23, place_precision = $24, show_size = $25, published_period = $26, \
         period_start = $27, period_end = $28, published_cell = $29, published_size = $30 \
         RETURNING ref";
    let published = content.published();
    let reference: String = sqlx::query_scalar(sql)
        .bind(reference)
        .bind(report_id)
        .bind(publication.state)
        .bind(&content.title)
        .bind(&content.summary)
        .bind(&content.indicators)
        .bind(&content.class)
        .bind(&content.occurred_on)
        .bind(content.systems.join(" "))
        .bind(&content.vessel_type)
        .bind(&content.vessel_size)
        .bind(&content.sea_area)
        .bind(&content.position_cell)
        .bind(&content.impact_safety)
        .bind(&content.impact_operations)
        .bind(&content.impact_money)
        .bind(&content.tlp)
        .bind(tlp_rank(&content.tlp).unwrap_or(4))
        .bind(publication.reporter_org_id)
        .bind(publication.named_org.as_deref())
        .bind(publication.visible_from)
        .bind(hour(now))
        .bind(content.date_precision.id())
        .bind(content.place_precision.id())
        .bind(i64::from(content.show_size))
        .bind(&published.period)
        .bind(&published.start)
        .bind(&published.end)
        .bind(&published.cell)
        .bind(&published.size)
        .fetch_one(&mut **tx)
        .await?;
    Ok(reference)
}

/// Marks the incident of `report_id` withdrawn; `publish::withdraw`
/// takes it out of the statistics and the index.
pub async fn withdraw(tx: &mut Tx, report_id: i64, now: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE incidents SET state = 'withdrawn', visible_from = NULL, updated_hour = $1 WHERE report_id = $2",
    )
    .bind(hour(now))
    .bind(report_id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}
