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
    /// Inclusive months, `YYYY-MM`.
    pub from_month: String,
    pub to_month: String,
    pub class: String,
    pub sea_area: String,
    pub vessel_type: String,
}

impl Scope {
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
    let sql = format!(
        "SELECT {value}, CAST(SUM(n) AS BIGINT) FROM stat_counts \
         WHERE dimension = $1 AND filter = $2 AND tlp_rank <= $3 AND bucket >= $4 AND bucket <= $5 \
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
