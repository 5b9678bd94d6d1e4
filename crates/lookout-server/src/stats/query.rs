//! Reading the roll-ups: one breakdown (by class, sea area, month, ...)
//! for a reader's sharing level, a period and filters. Every read sums at
//! most (values × buckets × levels) rows of `stat_counts`, however many
//! incidents there are.

use sqlx::Arguments as _;

use super::rollup::{Dimension, FilterField, filter_key};
use crate::db::Db;

/// Which incidents a statistic counts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scope {
    /// The reader's clearance: incidents up to this TLP rank.
    pub max_rank: i64,
    /// Inclusive months, `YYYY-MM`; or, for breakdowns other than the
    /// monthly and weekly series, one calendar year `YYYY` (its own rows).
    pub from_month: String,
    pub to_month: String,
    pub class: String,
    pub sea_area: String,
    pub vessel_type: String,
    /// Read the released figures (`stat_released`, what readers are shown)
    /// rather than the roll-ups as they stand.
    pub released: bool,
}

impl Scope {
    /// The table to read and the condition on `$3` (the reader's rank):
    /// released rows are kept per reader level, the roll-ups per incident
    /// level.
    fn rows(&self) -> (&'static str, &'static str) {
        if self.released {
            ("stat_released", "reader_rank = $3")
        } else {
            ("stat_counts", "tlp_rank <= $3")
        }
    }

    fn filter(&self) -> String {
        filter_key(&[
            (FilterField::Class, &self.class),
            (FilterField::SeaArea, &self.sea_area),
            (FilterField::VesselType, &self.vessel_type),
        ])
    }
}

/// `(value, incidents)` for each value with at least one incident, in the
/// value's order (for the series: chronological).
pub async fn breakdown(
    db: &Db,
    dimension: Dimension,
    scope: &Scope,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    // Weekly buckets are dates; a month range covers them as strings.
    let (from, to) = match dimension {
        Dimension::Week => (
            format!("{}-01", scope.from_month),
            format!("{}-31", scope.to_month),
        ),
        _ => (scope.from_month.clone(), scope.to_month.clone()),
    };
    let value = match dimension {
        Dimension::Month | Dimension::Week => "bucket",
        _ => "value",
    };
    let (table, level) = scope.rows();
    let sql = format!(
        "SELECT {value}, CAST(SUM(n) AS BIGINT) FROM {table} \
         WHERE dimension = $1 AND filter = $2 AND {level} AND bucket >= $4 AND bucket <= $5 \
         GROUP BY {value} HAVING SUM(n) > 0 ORDER BY {value}"
    );
    let mut args = sqlx::any::AnyArguments::default();
    let bad = |e| sqlx::Error::Encode(e);
    args.add(dimension.id()).map_err(bad)?;
    args.add(scope.filter()).map_err(bad)?;
    args.add(scope.max_rank).map_err(bad)?;
    args.add(from).map_err(bad)?;
    args.add(to).map_err(bad)?;
    sqlx::query_as_with(sqlx::AssertSqlSafe(sql), args)
        .fetch_all(&db.pool)
        .await
}

/// The unfiltered two-way table `rows` × `cols` for a period and sharing
/// level: `(row value, col value, incidents)` for every pair with at least
/// one incident. Read from the roll-ups kept under the one-field filters
/// `rows=value` for each of `row_values`, which hold exactly the pairs'
/// counts; naming the keys lets the primary key serve each one directly.
pub async fn crosstab(
    db: &Db,
    rows: FilterField,
    row_values: &[String],
    cols: Dimension,
    scope: &Scope,
) -> Result<Vec<(String, String, i64)>, sqlx::Error> {
    if row_values.is_empty() {
        return Ok(Vec::new());
    }
    let mut args = sqlx::any::AnyArguments::default();
    let bad = |e| sqlx::Error::Encode(e);
    args.add(cols.id()).map_err(bad)?;
    args.add(String::new()).map_err(bad)?;
    args.add(scope.max_rank).map_err(bad)?;
    args.add(scope.from_month.clone()).map_err(bad)?;
    args.add(scope.to_month.clone()).map_err(bad)?;
    let mut keys = Vec::with_capacity(row_values.len());
    for (i, value) in row_values.iter().enumerate() {
        keys.push(format!("${}", i + 6));
        args.add(filter_key(&[(rows, value)])).map_err(bad)?;
    }
    // `$2` is unused but keeps the reader's rank at `$3`, as `Scope::rows`
    // expects.
    let (table, level) = scope.rows();
    let sql = format!(
        "SELECT filter, value, CAST(SUM(n) AS BIGINT) FROM {table} \
         WHERE dimension = $1 AND filter IN ({}) AND $2 = '' \
         AND {level} AND bucket >= $4 AND bucket <= $5 \
         GROUP BY filter, value HAVING SUM(n) > 0",
        keys.join(", ")
    );
    let found: Vec<(String, String, i64)> = sqlx::query_as_with(sqlx::AssertSqlSafe(sql), args)
        .fetch_all(&db.pool)
        .await?;
    let prefix = format!("{}=", rows.id());
    Ok(found
        .into_iter()
        .filter_map(|(filter, value, n)| {
            filter
                .strip_prefix(&prefix)
                .map(|row| (row.to_string(), value, n))
        })
        .collect())
}

/// The weekly series split by calendar month: `(week's Monday, month,
/// incidents)` for the incidents of the period's months, including the
/// weeks that begin in the month before it.
pub async fn weeks_by_month(
    db: &Db,
    scope: &Scope,
) -> Result<Vec<(String, String, i64)>, sqlx::Error> {
    let (table, level) = scope.rows();
    let sql = format!(
        "SELECT bucket, value, CAST(SUM(n) AS BIGINT) FROM {table} \
         WHERE dimension = $1 AND filter = $2 AND {level} AND bucket >= $4 AND bucket <= $5 \
         AND value >= $6 AND value <= $7 \
         GROUP BY bucket, value HAVING SUM(n) > 0 ORDER BY bucket, value"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(Dimension::Week.id())
        .bind(scope.filter())
        .bind(scope.max_rank)
        // A week holding the period's first day began at most six days before.
        .bind(format!("{}-01", previous_month(&scope.from_month)))
        .bind(format!("{}-31", scope.to_month))
        .bind(&scope.from_month)
        .bind(&scope.to_month)
        .fetch_all(&db.pool)
        .await
}

/// `YYYY-MM` of the month before.
pub fn previous_month(month: &str) -> String {
    let (year, number) = month.split_once('-').unwrap_or((month, "01"));
    let (year, number): (i32, u32) = (year.parse().unwrap_or(1970), number.parse().unwrap_or(1));
    if number <= 1 {
        format!("{:04}-12", year - 1)
    } else {
        format!("{year:04}-{:02}", number - 1)
    }
}
