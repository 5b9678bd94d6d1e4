//! The `sightings` rule: when members say "we saw this too" about one
//! advisory or indicator often enough within the window, analysts get a
//! draft saying so. The sightings feature counts (it owns the table) and
//! calls here after storing an attributed sighting; a subject drafts once
//! per window (`advisories.origin_key`).
//!
//! The rule never fires below `Config::stats_min_count` (k), whatever N
//! says: a draft tells analysts how many stand behind it, and no page
//! tells anyone a count of sightings below k.

use super::rules::Rule;
use super::{DetectionError, draft, hours, period};
use crate::advisories::model::Content;
use crate::db::now;
use crate::sharing::clearance::{tlp_of_rank, tlp_rank};
use crate::state::AppState;

/// The rule's id.
pub const SIGHTINGS: &str = "sightings";

/// A subject just sighted, with how many stand behind it in the window.
pub struct Sighted<'a> {
    /// The subject's key as the sightings store keeps it (an indicator's
    /// is a keyed hash): names the cluster without its value.
    pub key: &'a str,
    /// "advisory ADV-2026-0003", "domain evil.example".
    pub label: String,
    pub indicator: Option<&'a str>,
    /// The advisory's reference and sharing level.
    pub advisory: Option<(&'a str, &'a str)>,
    /// Organisations, and anonymous sightings each as one, in the window.
    pub sighters: i64,
}

/// The rule `id` when an admin left it on.
pub async fn enabled_rule(db: &crate::db::Db, id: &str) -> Result<Option<Rule>, DetectionError> {
    Ok(super::store::all(db)
        .await?
        .into_iter()
        .find(|r| r.id == id && r.enabled == 1))
}

/// Drafts an advisory when `subject` is sighted by at least N (and at
/// least k) within the rule's window. Returns the new draft's reference.
pub async fn sighted(
    state: &AppState,
    rule: &Rule,
    subject: &Sighted<'_>,
) -> Result<Option<String>, DetectionError> {
    let k = i64::try_from(state.config.stats_min_count).unwrap_or(i64::MAX);
    let threshold = rule.min_reports.max(k);
    if subject.sighters < threshold {
        return Ok(None);
    }
    let window = hours(rule);
    let n = subject.sighters;
    let reason = format!(
        "Members said they saw the {} {n} times within {window}: organisations once each, \
         anonymous members each as one (threshold: {threshold}).",
        subject.label
    );
    let mut content = Content {
        severity: 2,
        tlp: "amber".into(),
        ..Content::default()
    };
    match (subject.indicator, subject.advisory) {
        (Some(value), _) => {
            content.title = format!("Members keep seeing {value}");
            content.body = format!(
                "{n} members' organisations said they saw this indicator within {window}. Check your logs and mail for it."
            );
            content.actions = "- Search your mail gateway, proxy and firewall logs for the indicator.\n- Block it if you find no legitimate use.\n- Say so on the portal when you see it: \"We saw this too\".".into();
            content.indicators = value.to_owned();
        }
        (None, Some((reference, tlp))) => {
            // Never a lower level than the advisory it is about.
            let rank = tlp_rank(tlp)
                .unwrap_or(4)
                .max(tlp_rank("amber").unwrap_or(2));
            content.tlp = tlp_of_rank(rank).into();
            content.title = format!("Members see what {reference} describes");
            content.body = format!(
                "{n} members' organisations said they saw what [{reference}](/advisories/{reference}) describes within {window}. Consider updating it or raising its severity."
            );
        }
        (None, None) => return Ok(None),
    }
    let key = format!("{SIGHTINGS}:{}:{}", subject.key, period(rule, now()));
    let mut tx = state.db.begin_write().await?;
    let drafted = draft(&mut tx, &state.key, rule, &key, &reason, content, false).await?;
    tx.commit().await?;
    if drafted.is_some() {
        crate::alerts::wake_worker(state);
    }
    Ok(drafted)
}
