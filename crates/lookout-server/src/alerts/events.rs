//! Alerts: the things members may be told about. Each is written in the
//! same transaction as the change it announces, and never changed after,
//! so every channel and every retry carries the same content. Fan-out to
//! recipients happens later, in `fanout`.

use serde::Serialize;

use crate::db::{Tx, now};

/// How long an alert's summary may be: enough for an email preview or a
/// feed reader, not the whole text (members read that in the portal).
pub const SUMMARY_CHARS: usize = 400;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewAlert {
    /// `advisory.published`, `advisory.updated`, `advisory.withdrawn` or
    /// `incident.published`.
    pub kind: String,
    pub subject_ref: String,
    pub title: String,
    pub summary: String,
    /// 1 low … 4 critical; incidents have none (0).
    pub severity: i64,
    pub tlp_rank: i64,
    /// The reporting organisation sees its own incidents at any level.
    pub reporter_org_id: Option<i64>,
    /// Catalogue ids joined by spaces; empty means "not specific".
    pub classes: String,
    pub sea_areas: String,
    pub vessel_types: String,
    /// What watchlists are matched against.
    pub match_text: String,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct AlertRow {
    pub id: i64,
    pub kind: String,
    pub subject_ref: String,
    pub title: String,
    pub summary: String,
    pub severity: i64,
    pub tlp_rank: i64,
    pub reporter_org_id: Option<i64>,
    pub classes: String,
    pub sea_areas: String,
    pub vessel_types: String,
    pub match_text: String,
    pub created_at: i64,
}

pub const ALERT_COLUMNS: &str = "id, kind, subject_ref, title, summary, severity, tlp_rank, \
     reporter_org_id, classes, sea_areas, vessel_types, match_text, created_at";

/// An [`AlertRow`] read through the alias `a` beside its notifications,
/// without the text watchlists were matched against (large, and of no use
/// once the alert is fanned out).
pub const NOTIFIED_ALERT_COLUMNS: &str = "a.id, a.kind, a.subject_ref, a.title, a.summary, \
     a.severity, a.tlp_rank, a.reporter_org_id, a.classes, a.sea_areas, a.vessel_types, \
     '' AS match_text, a.created_at";

impl AlertRow {
    /// Where the portal shows the subject.
    pub fn path(&self) -> String {
        if self.kind.starts_with("advisory.") {
            format!("/advisories/{}", self.subject_ref)
        } else if self.is_forum() {
            // `T-…#p12`: the thread and the post's anchor.
            let (thread, post) = self
                .subject_ref
                .split_once('#')
                .unwrap_or((&self.subject_ref, ""));
            let number = post.trim_start_matches('p').parse::<i64>().unwrap_or(1);
            let page = (number - 1).max(0) / crate::forum::model::POSTS_PER_PAGE + 1;
            format!("/forum/t/{thread}?page={page}#p{number}")
        } else {
            format!("/incidents/{}", self.subject_ref)
        }
    }

    /// The kind in words, for subjects and lists.
    pub fn kind_label(&self) -> &'static str {
        match self.kind.as_str() {
            "advisory.published" => "New advisory",
            "advisory.updated" => "Advisory updated",
            "advisory.withdrawn" => "Advisory withdrawn",
            "incident.published" => "New incident",
            "forum.mention" => "Mentioned in the forum",
            "forum.reply" => "New post in a thread you follow",
            "forum.thread" => "New thread in a category you follow",
            _ => "Alert",
        }
    }

    pub fn tlp(&self) -> &'static str {
        crate::sharing::clearance::tlp_of_rank(self.tlp_rank)
    }

    /// `TLP:AMBER` and the like, for people.
    pub fn tlp_tag(&self) -> String {
        crate::sharing::clearance::tlp_tag(self.tlp())
    }

    pub fn is_advisory(&self) -> bool {
        self.kind.starts_with("advisory.")
    }

    /// Addressed to named members (`alert_recipients`), never to
    /// subscribers or webhooks.
    pub fn is_forum(&self) -> bool {
        self.kind.starts_with("forum.")
    }
}

/// Cuts `text` to [`SUMMARY_CHARS`] on a word boundary.
pub fn shorten(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= SUMMARY_CHARS {
        return text;
    }
    let cut: String = text.chars().take(SUMMARY_CHARS).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{cut} …")
}

pub async fn record(tx: &mut Tx, alert: &NewAlert) -> Result<(), sqlx::Error> {
    insert(tx, alert).await.map(|_| ())
}

async fn insert(tx: &mut Tx, alert: &NewAlert) -> Result<i64, sqlx::Error> {
    // A forum post's alert keeps the post's own minute, nothing finer.
    let at = if alert.kind.starts_with("forum.") {
        crate::forum::store::post_time(now())
    } else {
        now()
    };
    sqlx::query_scalar(
        "INSERT INTO alerts (kind, subject_ref, title, summary, severity, tlp_rank, \
         reporter_org_id, classes, sea_areas, vessel_types, match_text, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(&alert.kind)
    .bind(&alert.subject_ref)
    .bind(&alert.title)
    .bind(&alert.summary)
    .bind(alert.severity)
    .bind(alert.tlp_rank)
    .bind(alert.reporter_org_id)
    .bind(&alert.classes)
    .bind(&alert.sea_areas)
    .bind(&alert.vessel_types)
    .bind(&alert.match_text)
    .bind(at)
    .fetch_one(&mut **tx)
    .await
}

/// Records an alert for named members only (a forum mention, a reply in a
/// thread they follow): the fan-out tells them, and no one else, once it
/// has checked they may still read its subject.
pub async fn record_for(
    tx: &mut Tx,
    alert: &NewAlert,
    recipients: &[i64],
) -> Result<(), sqlx::Error> {
    if recipients.is_empty() {
        return Ok(());
    }
    let id = insert(tx, alert).await?;
    for user_id in recipients {
        sqlx::query(
            "INSERT INTO alert_recipients (alert_id, user_id) VALUES ($1, $2) \
             ON CONFLICT (alert_id, user_id) DO NOTHING",
        )
        .bind(id)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Released {
    #[sqlx(rename = "ref")]
    reference: String,
    title: String,
    summary: String,
    indicators: String,
    class: String,
    sea_area: String,
    vessel_type: String,
    tlp_rank: i64,
    reporter_org_id: Option<i64>,
}

/// Announces an incident the first time it reaches members. Called where
/// an incident enters the statistics (`stats::rollup`), which is the
/// moment of its release: an anonymous report's alert then leaves with
/// its delayed, batched release, never at the time of its submission.
pub async fn announce_incident(tx: &mut Tx, incident_id: i64) -> Result<(), sqlx::Error> {
    let first = sqlx::query("UPDATE incidents SET announced = 1 WHERE id = $1 AND announced = 0")
        .bind(incident_id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if first == 0 {
        return Ok(());
    }
    let incident: Released = sqlx::query_as(
        "SELECT ref, title, summary, indicators, class, sea_area, vessel_type, tlp_rank, \
         reporter_org_id FROM incidents WHERE id = $1",
    )
    .bind(incident_id)
    .fetch_one(&mut **tx)
    .await?;
    record(
        tx,
        &NewAlert {
            kind: "incident.published".into(),
            subject_ref: incident.reference,
            summary: shorten(&incident.summary),
            match_text: format!(
                "{}\n{}\n{}",
                incident.indicators, incident.title, incident.summary
            ),
            title: incident.title,
            severity: 0,
            tlp_rank: incident.tlp_rank,
            reporter_org_id: incident.reporter_org_id,
            classes: incident.class,
            sea_areas: incident.sea_area,
            vessel_types: incident.vessel_type,
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_are_cut_on_a_word_boundary() {
        let long = "word ".repeat(200);
        let short = shorten(&long);
        assert!(short.chars().count() <= SUMMARY_CHARS + 2);
        assert!(short.ends_with("word …"));
        assert_eq!(shorten("  two\n words "), "two words");
    }
}
