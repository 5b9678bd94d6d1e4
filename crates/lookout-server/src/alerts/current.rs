//! An alert's subject as it stands now. An alert is written once, with the
//! level its subject had when it was announced; the subject may since have
//! been raised to a level the member may not read, withdrawn, deleted,
//! hidden or moved where the member cannot follow. Every channel asks
//! [`still_for`] when it shows an alert (the alerts page, the Atom feed,
//! the digest) and when it delivers one (mail, webhooks, the fan-out
//! itself), so nothing announces what its page would answer with a 404.

use super::events::AlertRow;
use super::outbox::Member;
use crate::accounts::model::Role;
use crate::db::{Db, now};
use crate::sharing::clearance::Clearance;

/// Where the subject stands now, for the member's check.
enum Subject {
    /// Withdrawn, unpublished, deleted or hidden: announced to no one.
    Gone,
    /// At this sharing level (the reporter's organisation reads its own).
    Level {
        tlp_rank: i64,
        reporter_org_id: Option<i64>,
    },
    /// A forum post, readable as its thread and category allow.
    Thread(String),
}

async fn subject(db: &Db, alert: &AlertRow) -> Result<Subject, sqlx::Error> {
    let level = |row: Option<(i64, Option<i64>)>| {
        row.map_or(Subject::Gone, |(tlp_rank, reporter_org_id)| {
            Subject::Level {
                tlp_rank,
                reporter_org_id,
            }
        })
    };
    if alert.is_forum() {
        let (thread, post) = alert
            .subject_ref
            .split_once('#')
            .unwrap_or((&alert.subject_ref, "p1"));
        let number = post.trim_start_matches('p').parse::<i64>().unwrap_or(1);
        let visible: Option<i64> = sqlx::query_scalar(
            "SELECT p.id FROM forum_posts p JOIN forum_threads t ON t.id = p.thread_id \
             WHERE t.ref = $1 AND p.number = $2 AND p.state = 'visible'",
        )
        .bind(thread)
        .bind(number)
        .fetch_optional(&db.pool)
        .await?;
        return Ok(match visible {
            Some(_) => Subject::Thread(thread.to_string()),
            None => Subject::Gone,
        });
    }
    if alert.is_advisory() {
        // A withdrawal notice stands while the advisory stays withdrawn;
        // anything else only while it is published.
        let state = if alert.kind == "advisory.withdrawn" {
            "withdrawn"
        } else {
            "published"
        };
        let row: Option<(i64, Option<i64>)> = sqlx::query_as(
            "SELECT r.tlp_rank, NULL FROM advisories a JOIN advisory_revisions r \
             ON r.advisory_id = a.id AND r.number = a.published_revision \
             WHERE a.ref = $1 AND a.state = $2",
        )
        .bind(&alert.subject_ref)
        .bind(state)
        .fetch_optional(&db.pool)
        .await?;
        return Ok(level(row));
    }
    let row: Option<(i64, Option<i64>)> = sqlx::query_as(
        "SELECT tlp_rank, reporter_org_id FROM incidents WHERE ref = $1 AND state = 'published' \
         AND visible_from IS NOT NULL AND visible_from <= $2",
    )
    .bind(&alert.subject_ref)
    .bind(now())
    .fetch_optional(&db.pool)
    .await?;
    Ok(level(row))
}

/// Whether `member` may be told of `alert` now: an active account, the
/// subject still there, and the member cleared for it as it stands today
/// (their organisation's level as it stands today, too).
pub async fn still_for(db: &Db, member: &Member, alert: &AlertRow) -> Result<bool, sqlx::Error> {
    let Ok(role) = member.role.parse::<Role>() else {
        return Ok(false);
    };
    if member.disabled != 0 {
        return Ok(false);
    }
    match subject(db, alert).await? {
        Subject::Gone => Ok(false),
        Subject::Level {
            tlp_rank,
            reporter_org_id,
        } => Ok(
            Clearance::for_member(role, member.org_id, member.tlp_clearance)
                .allows(tlp_rank, reporter_org_id),
        ),
        Subject::Thread(thread) => {
            let org_kind: Option<String> = match member.org_id {
                Some(org) => {
                    sqlx::query_scalar("SELECT kind FROM organisations WHERE id = $1")
                        .bind(org)
                        .fetch_optional(&db.pool)
                        .await?
                }
                None => None,
            };
            let mut conn = db.pool.acquire().await?;
            crate::forum::access::may_still_read(
                &mut conn,
                &thread,
                role,
                member.org_id,
                org_kind.as_deref(),
                member.tlp_clearance,
            )
            .await
        }
    }
}

/// The alerts of `alerts` that `member` may be told of now, in order.
pub async fn keep_current<T>(
    db: &Db,
    member: &Member,
    items: Vec<T>,
    alert_of: impl Fn(&T) -> &AlertRow,
) -> Result<Vec<T>, sqlx::Error> {
    let mut kept = Vec::with_capacity(items.len());
    for item in items {
        if still_for(db, member, alert_of(&item)).await? {
            kept.push(item);
        }
    }
    Ok(kept)
}
