//! Storage of the detection rules' settings and of the indicators seen in
//! accepted reports, and the counts the rules ask for.

use super::rules::Rule;
use crate::db::{Db, Tx};
use crate::reports::store::ReportRow;

/// Statuses of reports an analyst has accepted.
const ACCEPTED: &str = "('triaged', 'needs-information', 'published')";

pub async fn all(db: &Db) -> Result<Vec<Rule>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, enabled, auto_publish, min_reports, window_hours, factor_percent \
         FROM detection_rules ORDER BY id",
    )
    .fetch_all(&db.pool)
    .await
}

pub async fn save_rule(tx: &mut Tx, rule: &Rule) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE detection_rules SET enabled = $1, auto_publish = $2, min_reports = $3, \
         window_hours = $4, factor_percent = $5 WHERE id = $6",
    )
    .bind(rule.enabled)
    .bind(rule.auto_publish)
    .bind(rule.min_reports)
    .bind(rule.window_hours)
    .bind(rule.factor_percent)
    .bind(&rule.id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Records that `report` mentions the indicator `lookup` names (`sealed`
/// holds its value), once per report.
pub async fn add_sighting(
    tx: &mut Tx,
    lookup: &str,
    report: &ReportRow,
    reporter: &str,
    sealed: String,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO indicator_sightings (lookup, report_id, reporter, sealed_value, seen_hour) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (lookup, report_id) DO NOTHING",
    )
    .bind(lookup)
    .bind(report.id)
    .bind(reporter)
    .bind(sealed)
    .bind(report.received_hour)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// How many different reporters, and how many accepted reports, mentioned
/// the indicator `lookup` since the hour `since`.
pub async fn sightings_since(
    tx: &mut Tx,
    lookup: &str,
    since: i64,
) -> Result<(i64, i64), sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(DISTINCT s.reporter), COUNT(*) FROM indicator_sightings s \
         JOIN reports r ON r.id = s.report_id \
         WHERE s.lookup = $1 AND s.seen_hour >= $2 AND r.status IN {ACCEPTED} AND r.duplicate_of IS NULL"
    )))
    .bind(lookup)
    .bind(since)
    .fetch_one(&mut **tx)
    .await
}

/// The published incidents whose reports mention the indicator `lookup`.
pub async fn published_incidents_with(
    tx: &mut Tx,
    lookup: &str,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT i.ref FROM incidents i JOIN indicator_sightings s ON s.report_id = i.report_id \
         WHERE s.lookup = $1 AND i.state = 'published' ORDER BY i.id",
    )
    .bind(lookup)
    .fetch_all(&mut **tx)
    .await
}

pub async fn count_reports(
    tx: &mut Tx,
    classes: &[&str],
    sea_area: &str,
    from: i64,
    to: i64,
) -> Result<i64, sqlx::Error> {
    let placeholders: Vec<String> = (0..classes.len()).map(|i| format!("${}", i + 4)).collect();
    let sql = format!(
        "SELECT COUNT(*) FROM reports WHERE sea_area = $1 AND received_hour >= $2 \
         AND received_hour < $3 AND class IN ({}) AND status IN {ACCEPTED} AND duplicate_of IS NULL",
        placeholders.join(", ")
    );
    let mut query = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(sea_area)
        .bind(from)
        .bind(to);
    for class in classes {
        query = query.bind(*class);
    }
    query.fetch_one(&mut **tx).await
}
