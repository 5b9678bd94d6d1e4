//! The roll-ups behind every statistic: `stat_counts` holds, per sharing
//! level, time bucket and filter, how many published, released incidents
//! have each value of each dimension. An incident enters the roll-ups
//! when it is published and released and leaves them when it is edited or
//! withdrawn, in the same transaction as that change (`incidents.counted`
//! marks which ones are in), so the figures never disagree with the
//! incidents and no process counts one twice.

use std::collections::BTreeSet;

use sqlx::Arguments as _;
use time::macros::format_description;

use crate::db::{Db, DbError, Tx};

/// What a statistic can be broken down by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dimension {
    Class,
    /// Cyber (reference taxonomy), maritime cyber, other maritime crime.
    Family,
    SeaArea,
    VesselType,
    /// Each affected system counts once per incident.
    System,
    ImpactSafety,
    ImpactOperations,
    ImpactMoney,
    /// The monthly series (value '').
    Month,
    /// The weekly series, buckets being the weeks' Mondays and values the
    /// calendar months (a week straddling two months has two rows), so
    /// weeks and months publish as one table.
    Week,
}

impl Dimension {
    pub const ALL: [Dimension; 10] = [
        Dimension::Class,
        Dimension::Family,
        Dimension::SeaArea,
        Dimension::VesselType,
        Dimension::System,
        Dimension::ImpactSafety,
        Dimension::ImpactOperations,
        Dimension::ImpactMoney,
        Dimension::Month,
        Dimension::Week,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Dimension::Class => "class",
            Dimension::Family => "family",
            Dimension::SeaArea => "sea_area",
            Dimension::VesselType => "vessel_type",
            Dimension::System => "system",
            Dimension::ImpactSafety => "impact_safety",
            Dimension::ImpactOperations => "impact_operations",
            Dimension::ImpactMoney => "impact_money",
            Dimension::Month => "month",
            Dimension::Week => "week",
        }
    }

    pub fn parse(id: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.id() == id)
    }

    /// The filter field that fixes this dimension: a breakdown by class
    /// restricted to one class says nothing, so it is not kept.
    fn filter_field(self) -> Option<FilterField> {
        match self {
            Dimension::Class => Some(FilterField::Class),
            Dimension::SeaArea => Some(FilterField::SeaArea),
            Dimension::VesselType => Some(FilterField::VesselType),
            _ => None,
        }
    }
}

/// The fields statistics can be filtered on (besides the period).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilterField {
    Class,
    SeaArea,
    VesselType,
}

impl FilterField {
    pub const ALL: [FilterField; 3] = [
        FilterField::Class,
        FilterField::SeaArea,
        FilterField::VesselType,
    ];

    pub fn id(self) -> &'static str {
        match self {
            FilterField::Class => "class",
            FilterField::SeaArea => "sea_area",
            FilterField::VesselType => "vessel_type",
        }
    }
}

/// The key of the roll-up rows for a filter: `''`, or `field=value`
/// joined by `&` in [`FilterField::ALL`]'s order.
pub fn filter_key(values: &[(FilterField, &str)]) -> String {
    FilterField::ALL
        .iter()
        .filter_map(|field| {
            values
                .iter()
                .find(|(f, v)| f == field && !v.is_empty())
                .map(|(f, v)| format!("{}={v}", f.id()))
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// What of an incident the roll-ups count.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Counted {
    pub id: i64,
    pub class: String,
    pub sea_area: String,
    pub vessel_type: String,
    pub systems: String,
    pub impact_safety: String,
    pub impact_operations: String,
    pub impact_money: String,
    pub occurred_on: String,
    pub tlp_rank: i64,
}

const COUNTED: &str = "id, class, sea_area, vessel_type, systems, impact_safety, \
     impact_operations, impact_money, occurred_on, tlp_rank";

/// The Monday of the week holding `date` (`YYYY-MM-DD`).
pub fn week_of(date: &str) -> Option<String> {
    let format = format_description!("[year]-[month]-[day]");
    let day = time::Date::parse(date, format).ok()?;
    let monday = day - time::Duration::days(i64::from(day.weekday().number_days_from_monday()));
    monday.format(format).ok()
}

/// Every roll-up row an incident adds one to: (dimension, filter, bucket,
/// value).
pub fn tallies(incident: &Counted) -> BTreeSet<(&'static str, String, String, String)> {
    let mut rows = BTreeSet::new();
    let (Some(month), Some(week)) = (
        incident.occurred_on.get(..7).map(str::to_string),
        week_of(&incident.occurred_on),
    ) else {
        return rows;
    };
    let Some(year) = month.get(..4) else {
        return rows;
    };
    let family = crate::sharing::catalogue::class_by_id(&incident.class)
        .map_or("unknown", |c| family_id(c.family));
    let fields = [
        (FilterField::Class, incident.class.as_str()),
        (FilterField::SeaArea, incident.sea_area.as_str()),
        (FilterField::VesselType, incident.vessel_type.as_str()),
    ];
    for mask in 0..(1u8 << fields.len()) {
        let chosen: Vec<(FilterField, &str)> = fields
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, f)| *f)
            .collect();
        let filter = filter_key(&chosen);
        let fixed = |field: FilterField| chosen.iter().any(|(f, _)| *f == field);
        let mut add = |dimension: Dimension, bucket: &str, value: &str| {
            if dimension.filter_field().is_some_and(fixed) {
                return;
            }
            rows.insert((
                dimension.id(),
                filter.clone(),
                bucket.to_string(),
                value.to_string(),
            ));
        };
        add(Dimension::Month, &month, "");
        add(Dimension::Week, &week, &month);
        // Breakdowns by month, and again by calendar year: a year's
        // statistics then read one row per value instead of twelve.
        for bucket in [month.as_str(), year] {
            add(Dimension::Class, bucket, &incident.class);
            add(Dimension::Family, bucket, family);
            add(Dimension::SeaArea, bucket, &incident.sea_area);
            add(Dimension::VesselType, bucket, &incident.vessel_type);
            add(Dimension::ImpactSafety, bucket, &incident.impact_safety);
            add(
                Dimension::ImpactOperations,
                bucket,
                &incident.impact_operations,
            );
            add(Dimension::ImpactMoney, bucket, &incident.impact_money);
            for system in crate::sharing::catalogue::stored_systems(&incident.systems) {
                add(Dimension::System, bucket, system);
            }
        }
    }
    rows
}

pub fn family_id(family: crate::sharing::catalogue::Family) -> &'static str {
    use crate::sharing::catalogue::Family;
    match family {
        Family::Cyber => "cyber",
        Family::MaritimeCyber => "maritime-cyber",
        Family::Crime => "crime",
    }
}

/// Adds `sign` (1 or -1) to each of the incident's roll-up rows, in one
/// statement.
async fn apply(tx: &mut Tx, incident: &Counted, sign: i64) -> Result<(), sqlx::Error> {
    let rows = tallies(incident);
    if rows.is_empty() {
        return Ok(());
    }
    let mut sql = String::from(
        "INSERT INTO stat_counts (dimension, filter, tlp_rank, bucket, value, n) VALUES ",
    );
    let mut args = sqlx::any::AnyArguments::default();
    let bad = |e| sqlx::Error::Encode(e);
    for (i, (dimension, filter, bucket, value)) in rows.into_iter().enumerate() {
        let at = i * 6;
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!(
            "(${}, ${}, ${}, ${}, ${}, ${})",
            at + 1,
            at + 2,
            at + 3,
            at + 4,
            at + 5,
            at + 6
        ));
        args.add(dimension).map_err(bad)?;
        args.add(filter).map_err(bad)?;
        args.add(incident.tlp_rank).map_err(bad)?;
        args.add(bucket).map_err(bad)?;
        args.add(value).map_err(bad)?;
        args.add(sign).map_err(bad)?;
    }
    sql.push_str(
        " ON CONFLICT (dimension, filter, tlp_rank, bucket, value) \
         DO UPDATE SET n = stat_counts.n + excluded.n",
    );
    sqlx::query_with(sqlx::AssertSqlSafe(sql), args)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The reader levels released separately: a reader sees incidents up to
/// one TLP rank, and each level's figures must move by whole batches of
/// incidents at that level (a batch of four AMBER incidents and one CLEAR
/// would otherwise move the public figures by one).
pub const READER_RANKS: std::ops::RangeInclusive<i64> = 0..=4;

/// How many incidents at or below `reader_rank` are counted differently
/// in the roll-ups than in the released figures: the distance, over every
/// year and class, between the two (each incident counts once in its
/// year's class, so a new or withdrawn incident adds one, an edit that
/// moves it to another class or year two).
async fn unreleased(conn: &mut sqlx::AnyConnection, reader_rank: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(ABS(d)), 0) AS BIGINT) FROM (\
           SELECT bucket, value, SUM(n) AS d FROM (\
             SELECT bucket, value, n FROM stat_counts WHERE dimension = 'class' AND filter = '' \
               AND tlp_rank <= $1 AND LENGTH(bucket) = 4 \
             UNION ALL \
             SELECT bucket, value, -n FROM stat_released WHERE reader_rank = $1 \
               AND dimension = 'class' AND filter = '' AND LENGTH(bucket) = 4\
           ) u GROUP BY bucket, value\
         ) g",
    )
    .bind(reader_rank)
    .fetch_one(conn)
    .await
}

/// Releases a new version of the published figures of every reader level
/// at which at least `k` incidents have changed since its last release,
/// and holds the others. The released figures live in the database
/// (`stat_released`), so every process serves the same version; a release
/// is a copy of the roll-ups made under a lock on `stat_version`, so two
/// processes release a level once. Returns the levels released.
pub async fn release_due(db: &Db, k: u64) -> Result<Vec<i64>, DbError> {
    let k = i64::try_from(k).unwrap_or(i64::MAX);
    let mut due = Vec::new();
    {
        let mut conn = db.pool.acquire().await?;
        for rank in READER_RANKS {
            if unreleased(&mut conn, rank).await? >= k {
                due.push(rank);
            }
        }
    }
    if due.is_empty() {
        return Ok(due);
    }
    let mut tx = db.begin_write().await?;
    // Taken first, so a second process waits here and then finds nothing due.
    sqlx::query("UPDATE stat_version SET version = version + 1 WHERE id = 1")
        .execute(&mut *tx)
        .await?;
    let mut released = Vec::new();
    for rank in due {
        if unreleased(&mut tx, rank).await? < k {
            continue;
        }
        sqlx::query("DELETE FROM stat_released WHERE reader_rank = $1")
            .bind(rank)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO stat_released (reader_rank, dimension, filter, tlp_rank, bucket, value, n) \
             SELECT CAST($1 AS BIGINT), dimension, filter, tlp_rank, bucket, value, n \
             FROM stat_counts WHERE tlp_rank <= $1 AND n <> 0",
        )
        .bind(rank)
        .execute(&mut *tx)
        .await?;
        released.push(rank);
    }
    tx.commit().await?;
    Ok(released)
}

/// A number that changes whenever the released statistics may have: live
/// pages compare it instead of the figures.
pub async fn version(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT version FROM stat_version WHERE id = 1")
        .fetch_one(&db.pool)
        .await
}

/// Takes the incident of `report_id` out of the roll-ups if it is in them;
/// call before changing or withdrawing it, in the same transaction.
pub async fn uncount(tx: &mut Tx, report_id: i64) -> Result<(), sqlx::Error> {
    let sql = format!("SELECT {COUNTED} FROM incidents WHERE report_id = $1 AND counted = 1");
    let counted: Option<Counted> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(report_id)
        .fetch_optional(&mut **tx)
        .await?;
    if let Some(incident) = counted {
        sqlx::query("UPDATE incidents SET counted = 0 WHERE id = $1")
            .bind(incident.id)
            .execute(&mut **tx)
            .await?;
        apply(tx, &incident, -1).await?;
    }
    Ok(())
}

/// Counts the incident of `report_id` if it is published and released by
/// `now` and not counted yet; returns its id when this call counted it.
/// `incidents::release` calls it, in the transaction that saved it.
pub async fn count_if_released(
    tx: &mut Tx,
    report_id: i64,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let sql = format!(
        "SELECT {COUNTED} FROM incidents WHERE report_id = $1 AND counted = 0 \
         AND state = 'published' AND visible_from <= $2"
    );
    let due: Option<Counted> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(report_id)
        .bind(now)
        .fetch_optional(&mut **tx)
        .await?;
    match due {
        Some(incident) if claim_and_apply(tx, &incident).await? => Ok(Some(incident.id)),
        _ => Ok(None),
    }
}

async fn claim_and_apply(tx: &mut Tx, incident: &Counted) -> Result<bool, sqlx::Error> {
    let claimed = sqlx::query("UPDATE incidents SET counted = 1 WHERE id = $1 AND counted = 0")
        .bind(incident.id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if claimed == 1 {
        apply(tx, incident, 1).await?;
    }
    Ok(claimed == 1)
}

/// Counts every published incident released by `now` and not yet counted
/// (at most `limit`), inside `tx`; returns the ids this call counted. Each
/// is claimed with a conditional update first, so two processes catching
/// up at once count it once.
pub async fn count_released(tx: &mut Tx, now: i64, limit: i64) -> Result<Vec<i64>, sqlx::Error> {
    let sql = format!(
        "SELECT {COUNTED} FROM incidents WHERE counted = 0 AND state = 'published' \
         AND visible_from <= $1 ORDER BY id LIMIT $2"
    );
    let due: Vec<Counted> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .bind(limit)
        .fetch_all(&mut **tx)
        .await?;
    let mut counted = Vec::new();
    for incident in &due {
        if claim_and_apply(tx, incident).await? {
            counted.push(incident.id);
        }
    }
    Ok(counted)
}

/// Whether any published incident released by `now` is not counted yet:
/// one indexed read.
pub async fn any_uncounted(db: &Db, now: i64) -> Result<bool, sqlx::Error> {
    let due: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM incidents WHERE counted = 0 AND state = 'published' \
         AND visible_from <= $1 LIMIT 1",
    )
    .bind(now)
    .fetch_optional(&db.pool)
    .await?;
    Ok(due.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incident() -> Counted {
        Counted {
            id: 1,
            class: "gnss-spoofing".into(),
            sea_area: "black-sea".into(),
            vessel_type: "bulk-carrier".into(),
            systems: "navigation ais".into(),
            impact_safety: "minor".into(),
            impact_operations: "none".into(),
            impact_money: "none".into(),
            occurred_on: "2026-03-04".into(),
            tlp_rank: 1,
        }
    }

    #[test]
    fn weeks_start_on_monday() {
        assert_eq!(week_of("2026-03-04").as_deref(), Some("2026-03-02"));
        assert_eq!(week_of("2026-03-02").as_deref(), Some("2026-03-02"));
        assert_eq!(week_of("2026-01-01").as_deref(), Some("2025-12-29"));
        assert_eq!(week_of("March"), None);
    }

    #[test]
    fn an_incident_counts_once_per_dimension_filter_and_value() {
        let rows = tallies(&incident());
        let unfiltered: Vec<_> = rows.iter().filter(|r| r.1.is_empty()).collect();
        // month, week, then by month and by year: class, family, sea area,
        // vessel, 3 impacts, 2 systems
        assert_eq!(unfiltered.len(), 2 + 2 * 9);
        assert!(rows.contains(&(
            "class",
            String::new(),
            "2026".into(),
            "gnss-spoofing".into()
        )));
        assert!(rows.contains(&("week", String::new(), "2026-03-02".into(), "2026-03".into())));
        assert!(rows.contains(&(
            "system",
            "class=gnss-spoofing&sea_area=black-sea".into(),
            "2026-03".into(),
            "ais".into()
        )));
        // A breakdown by a field the filter fixes is not kept.
        assert!(
            !rows
                .iter()
                .any(|r| r.0 == "class" && r.1.contains("class="))
        );
        assert_eq!(
            filter_key(&[(FilterField::VesselType, "tug"), (FilterField::Class, "x")]),
            "class=x&vessel_type=tug"
        );
    }
}
