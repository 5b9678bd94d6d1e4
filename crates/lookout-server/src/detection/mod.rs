//! Emerging-risk detection. When an analyst triages a report or publishes
//! its incident, the rules look at the triaged reports around it and draft
//! an advisory for analysts when they cluster (`rules.rs` lists them; the
//! thresholds are the admins' to tune). A draft says why it fired; a
//! cluster drafts once per rule window (`advisories.origin_key`). Drafts
//! from aggregate rules may publish themselves when an admin allows it and
//! the count is at least twice the threshold.
//!
//! Reports are counted by the hour they were received (the finest time
//! kept) and only once an analyst has accepted them (triaged, needs
//! information, published; not duplicates or rejected), so a flood of
//! junk submissions drafts nothing.
//!
//! Members' sightings ("we saw this too") have their own rule
//! (`sightings.rs`), run by the sightings feature after it stores one.

mod pages;
pub mod rules;
mod sightings;
mod store;

pub use sightings::{SIGHTINGS, Sighted, enabled_rule, sighted};

use axum::Router;
use axum::routing::get;

use crate::advisories::model::Content;
use crate::advisories::store::{self as advisories, Origin};
use crate::db::{DbError, Tx, now};
use crate::reports::store::{self as reports, ReportRow};
use crate::sharing::catalogue;
use crate::sharing::sea_areas;
use crate::state::AppState;
use rules::Rule;

pub fn routes() -> Router<crate::state::AppState> {
    Router::new().route("/admin/detection", get(pages::show).post(pages::save))
}

#[derive(Debug, thiserror::Error)]
pub enum DetectionError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    #[error(transparent)]
    Report(#[from] crate::reports::store::ReportStoreError),
    #[error("sealing an indicator: {0}")]
    Secret(#[from] crate::secrets::SecretError),
}

const GNSS: [&str; 2] = ["gnss-jamming", "gnss-spoofing"];
const PURPOSE: &str = "sighting";

/// Runs the rules after an analyst triaged report `report_id` or published
/// its incident. Returns the references of the advisories it drafted.
/// Errors are the caller's to log: detection never blocks triage.
pub async fn report_accepted(
    state: &AppState,
    report_id: i64,
) -> Result<Vec<String>, DetectionError> {
    let Some(report) = reports::by_id(&state.db, report_id).await? else {
        return Ok(Vec::new());
    };
    let accepted = matches!(
        report.status.as_str(),
        "triaged" | "needs-information" | "published"
    );
    if !accepted || report.duplicate_of.is_some() {
        return Ok(Vec::new());
    }
    let rules = store::all(&state.db).await?;
    let rule = |id: &str| rules.iter().find(|r| r.id == id && r.enabled == 1);
    let at = now();
    let mut drafted = Vec::new();
    let mut tx = state.db.begin_write().await?;
    let sightings = record_sightings(&mut tx, state, &report).await?;
    if let Some(rule) = rule("shared-indicator") {
        for (lookup, value) in &sightings {
            drafted.extend(shared_indicator(&mut tx, &state.key, rule, lookup, value, at).await?);
        }
    }
    if let Some(rule) = rule("area-rate") {
        drafted.extend(area_rate(&mut tx, &state.key, rule, &report, at).await?);
    }
    if let Some(rule) = rule("gnss-burst")
        && GNSS.contains(&report.class.as_str())
    {
        drafted.extend(gnss_burst(&mut tx, &state.key, rule, &report, at).await?);
    }
    tx.commit().await?;
    if !drafted.is_empty() {
        crate::alerts::wake_worker(state);
    }
    Ok(drafted)
}

/// Runs the rules after an analyst's step on a report, logging (never
/// returning) a failure: triage must not fail because detection did.
pub async fn after_analyst_step(state: &AppState, report_id: i64) {
    if let Err(err) = report_accepted(state, report_id).await {
        tracing::warn!(error = %err, "emerging-risk detection failed");
    }
}

/// The report's indicators worth counting: addresses, email addresses, and
/// domains that are not just an email address's domain.
fn indicators(text: &str) -> Vec<String> {
    let mentions = lookout_indicators::extract(text);
    let mut values: Vec<String> = mentions.ips().iter().map(ToString::to_string).collect();
    values.extend(mentions.emails().iter().cloned());
    values.extend(
        mentions
            .domains()
            .iter()
            .filter(|d| !mentions.email_domains().contains(*d))
            .cloned(),
    );
    values
}

/// Records what the report mentions; returns each (lookup, value).
async fn record_sightings(
    tx: &mut Tx,
    state: &AppState,
    report: &ReportRow,
) -> Result<Vec<(String, String)>, DetectionError> {
    let body = report.body(&state.key)?;
    let reporter = match (report.reporter_org_id, report.reporter_user_id) {
        (Some(org), _) => format!("org:{org}"),
        (None, Some(user)) => format!("user:{user}"),
        // Anonymous reports are each their own reporter: nothing links them.
        (None, None) => format!("report:{}", report.id),
    };
    let mut sightings = Vec::new();
    for value in indicators(&body.indicators) {
        let lookup = state.key.mac(PURPOSE, value.as_bytes());
        let sealed = state.key.seal(PURPOSE, &lookup, value.as_bytes())?;
        store::add_sighting(tx, &lookup, report, &reporter, sealed).await?;
        sightings.push((lookup, value));
    }
    Ok(sightings)
}

/// The window a firing belongs to, so one cluster drafts once per window.
fn period(rule: &Rule, at: i64) -> i64 {
    at / rule.window_seconds().max(1)
}

fn hours(rule: &Rule) -> String {
    if rule.window_hours % 24 == 0 {
        format!("{} days", rule.window_hours / 24)
    } else {
        format!("{} hours", rule.window_hours)
    }
}

/// Drafts the cluster's advisory, once per key; publishes it when the
/// rule may and the firing is high-confidence, now or when a later report
/// makes it so (unless an analyst has taken the draft in hand).
async fn draft(
    tx: &mut Tx,
    master: &crate::secrets::MasterKey,
    rule: &Rule,
    key: &str,
    reason: &str,
    content: Content,
    high_confidence: bool,
) -> Result<Option<String>, DetectionError> {
    let created = advisories::create(
        tx,
        Origin::Rule {
            rule: &rule.id,
            reason,
            key,
        },
        &content,
        None,
    )
    .await?;
    let auto = rule.auto_publish == 1 && rule.may_auto_publish() && high_confidence;
    let newly_drafted = created.as_ref().map(|a| a.reference.clone());
    let advisory = match created {
        Some(advisory) => advisory,
        None if auto => match advisories::by_origin_key_in_tx(tx, key).await? {
            Some(advisory) => advisory,
            None => return Ok(None),
        },
        None => return Ok(None),
    };
    if auto
        && advisory.state == "draft"
        && let Some(revision) = advisories::latest(&mut **tx, advisory.id).await?
        && revision.author_id.is_none()
        && advisories::publish(tx, &advisory, &revision, None).await?
    {
        crate::audit::append(
            tx,
            master,
            crate::audit::Actor::System,
            "advisory.published",
            &advisory.reference,
            &format!("automatically, by rule {}", rule.id),
        )
        .await?;
    }
    Ok(newly_drafted)
}

async fn shared_indicator(
    tx: &mut Tx,
    master: &crate::secrets::MasterKey,
    rule: &Rule,
    lookup: &str,
    value: &str,
    at: i64,
) -> Result<Option<String>, DetectionError> {
    let since = at - rule.window_seconds();
    let (reporters, reports) = store::sightings_since(tx, lookup, since).await?;
    if reporters < rule.min_reports {
        return Ok(None);
    }
    let incidents = store::published_incidents_with(tx, lookup).await?;
    let reason = format!(
        "{value} appears in {reports} triaged reports from {reporters} different reporters within {} (threshold: {} reporters).",
        hours(rule),
        rule.min_reports
    );
    let content = Content {
        title: format!("The same indicator in {reporters} reports"),
        severity: 2,
        tlp: "amber".into(),
        body: format!(
            "Several members reported the same indicator within {}. Check your logs and mail for it.",
            hours(rule)
        ),
        actions: "- Search your mail gateway, proxy and firewall logs for the indicator.\n- Block it if you find no legitimate use.\n- Report what you find.".into(),
        indicators: value.to_string(),
        incidents: incidents.join(" "),
        ..Content::default()
    };
    let key = format!("shared-indicator:{lookup}:{}", period(rule, at));
    draft(
        tx,
        master,
        rule,
        &key,
        &reason,
        content,
        reporters >= 2 * rule.min_reports,
    )
    .await
}

/// Windows before the current one that make the usual rate.
const BASELINE_WINDOWS: i64 = 12;

async fn area_rate(
    tx: &mut Tx,
    master: &crate::secrets::MasterKey,
    rule: &Rule,
    report: &ReportRow,
    at: i64,
) -> Result<Option<String>, DetectionError> {
    let window = rule.window_seconds();
    let recent = store::count_reports(
        tx,
        &[&report.class],
        &report.sea_area,
        at - window,
        at + 3600,
    )
    .await?;
    if recent < rule.min_reports {
        return Ok(None);
    }
    let before = store::count_reports(
        tx,
        &[&report.class],
        &report.sea_area,
        at - window * (BASELINE_WINDOWS + 1),
        at - window,
    )
    .await?;
    // Above factor × usual, where usual = before / BASELINE_WINDOWS.
    if recent * 100 * BASELINE_WINDOWS <= rule.factor_percent * before {
        return Ok(None);
    }
    let class = catalogue::class_by_id(&report.class).map_or("?", |c| c.label);
    let area = sea_areas::by_id(&report.sea_area).map_or("?", |a| a.name);
    let usual = before as f64 / BASELINE_WINDOWS as f64;
    let reason = format!(
        "{recent} triaged reports of {class} in {area} within the last {}, against a usual {usual:.1} per {} over the {BASELINE_WINDOWS} before (threshold: at least {} and above {} % of usual).",
        hours(rule),
        hours(rule),
        rule.min_reports,
        rule.factor_percent
    );
    let content = Content {
        title: format!("{class}: more reports than usual in {area}"),
        severity: 2,
        tlp: "amber".into(),
        body: format!(
            "Members report **{class}** in {area} more often than usual: at least {} reports within {}, several times the usual rate.",
            rule.min_reports,
            hours(rule)
        ),
        actions: "- Brief ships in or bound for the area.\n- Report every occurrence: the statistics show where it clusters.".into(),
        classes: report.class.clone(),
        sea_areas: report.sea_area.clone(),
        ..Content::default()
    };
    let key = format!(
        "area-rate:{}:{}:{}",
        report.class,
        report.sea_area,
        period(rule, at)
    );
    draft(
        tx,
        master,
        rule,
        &key,
        &reason,
        content,
        recent >= 2 * rule.min_reports,
    )
    .await
}

async fn gnss_burst(
    tx: &mut Tx,
    master: &crate::secrets::MasterKey,
    rule: &Rule,
    report: &ReportRow,
    at: i64,
) -> Result<Option<String>, DetectionError> {
    let recent = store::count_reports(
        tx,
        &GNSS,
        &report.sea_area,
        at - rule.window_seconds(),
        at + 3600,
    )
    .await?;
    if recent < rule.min_reports {
        return Ok(None);
    }
    let area = sea_areas::by_id(&report.sea_area).map_or("?", |a| a.name);
    let reason = format!(
        "{recent} triaged reports of GNSS jamming or spoofing in {area} within {} (threshold: {}).",
        hours(rule),
        rule.min_reports
    );
    let content = Content {
        title: format!("GNSS interference reported in {area}"),
        severity: 3,
        tlp: "amber".into(),
        body: format!(
            "Several ships report GNSS jamming or spoofing in {area} within {}: positions from GNSS and AIS may be wrong.",
            hours(rule)
        ),
        actions: "1. Cross-check positions with radar, visual bearings and dead reckoning.\n2. Treat AIS positions of other ships with caution.\n3. Report each occurrence with its time and position.".into(),
        classes: GNSS.join(" "),
        sea_areas: report.sea_area.clone(),
        systems: "navigation".into(),
        ..Content::default()
    };
    let key = format!("gnss-burst:{}:{}", report.sea_area, period(rule, at));
    draft(
        tx,
        master,
        rule,
        &key,
        &reason,
        content,
        recent >= 2 * rule.min_reports,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_domains_are_not_counted_twice() {
        let found = indicators(
            "invoice from billing@pay-bunkers.example via 203.0.113.7 and hxxp://update-charts[.]example/x",
        );
        assert!(found.contains(&"billing@pay-bunkers.example".to_string()));
        assert!(found.contains(&"203.0.113.7".to_string()));
        assert!(found.contains(&"update-charts.example".to_string()));
        assert!(!found.contains(&"pay-bunkers.example".to_string()));
    }
}
