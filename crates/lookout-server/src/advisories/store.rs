//! Advisories in the database. An advisory has numbered revisions: the one
//! members read (`published_revision`) and at most one newer working draft,
//! which may wait for a second analyst (`submitted_by` set). Every change
//! members should hear about writes its alert in the same transaction.

use serde::Serialize;

use super::model::Content;
use crate::alerts::events::{self, NewAlert};
use crate::db::{Db, Tx, now};

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct AdvisoryRow {
    pub id: i64,
    #[sqlx(rename = "ref")]
    pub reference: String,
    pub state: String,
    pub published_revision: Option<i64>,
    pub origin: String,
    pub origin_reason: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub published_at: Option<i64>,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Revision {
    pub id: i64,
    pub advisory_id: i64,
    pub number: i64,
    #[sqlx(flatten)]
    pub content: Content,
    pub author_id: Option<i64>,
    pub submitted_by: Option<i64>,
    pub approved_by: Option<i64>,
    pub created_at: i64,
}

const ADVISORY: &str = "id, ref, state, published_revision, origin, origin_reason, created_at, \
     updated_at, published_at";
const REVISION: &str = "id, advisory_id, number, title, severity, tlp, body, actions, indicators, \
     classes, sea_areas, vessel_types, systems, incidents, author_id, submitted_by, approved_by, \
     created_at";

/// Where an advisory came from.
pub enum Origin<'a> {
    Analyst,
    /// A detection rule, why it fired, and a key naming the cluster so the
    /// same one never drafts twice.
    Rule {
        rule: &'a str,
        reason: &'a str,
        key: &'a str,
    },
}

/// Creates an advisory with its first draft. Returns `None` when a rule's
/// cluster already has one.
pub async fn create(
    tx: &mut Tx,
    origin: Origin<'_>,
    content: &Content,
    author_id: Option<i64>,
) -> Result<Option<AdvisoryRow>, sqlx::Error> {
    let at = now();
    let (origin, reason, key) = match origin {
        Origin::Analyst => ("analyst", "", None),
        Origin::Rule { rule, reason, key } => (rule, reason, Some(key)),
    };
    // The reference needs the id; a random placeholder keeps the UNIQUE
    // constraint satisfied until it is set.
    let placeholder = format!(
        "new-{}",
        crate::secrets::random_token().map_err(|e| sqlx::Error::Protocol(e.to_string()))?
    );
    let inserted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO advisories (ref, state, origin, origin_reason, origin_key, created_at, updated_at) \
         VALUES ($1, 'draft', $2, $3, $4, $5, $5) ON CONFLICT (origin_key) DO NOTHING RETURNING id",
    )
    .bind(&placeholder)
    .bind(origin)
    .bind(reason)
    .bind(key)
    .bind(at)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(id) = inserted else {
        return Ok(None);
    };
    let year = time::OffsetDateTime::from_unix_timestamp(at)
        .map(|t| t.year())
        .unwrap_or(1970);
    sqlx::query("UPDATE advisories SET ref = $1 WHERE id = $2")
        .bind(format!("ADV-{year}-{id:04}"))
        .bind(id)
        .execute(&mut **tx)
        .await?;
    insert_revision(tx, id, 1, content, author_id).await?;
    by_id_in(tx, id).await
}

async fn insert_revision(
    tx: &mut Tx,
    advisory_id: i64,
    number: i64,
    c: &Content,
    author_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO advisory_revisions (advisory_id, number, title, severity, tlp, tlp_rank, body, \
         actions, indicators, classes, sea_areas, vessel_types, systems, incidents, author_id, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
    )
    .bind(advisory_id)
    .bind(number)
    .bind(&c.title)
    .bind(c.severity)
    .bind(&c.tlp)
    .bind(c.tlp_rank())
    .bind(&c.body)
    .bind(&c.actions)
    .bind(&c.indicators)
    .bind(&c.classes)
    .bind(&c.sea_areas)
    .bind(&c.vessel_types)
    .bind(&c.systems)
    .bind(&c.incidents)
    .bind(author_id)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn by_id_in(tx: &mut Tx, id: i64) -> Result<Option<AdvisoryRow>, sqlx::Error> {
    let sql = format!("SELECT {ADVISORY} FROM advisories WHERE id = $1");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
}

/// The advisory a detection rule drafted for a cluster, if any.
pub async fn by_origin_key_in_tx(
    tx: &mut Tx,
    key: &str,
) -> Result<Option<AdvisoryRow>, sqlx::Error> {
    let sql = format!("SELECT {ADVISORY} FROM advisories WHERE origin_key = $1");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(key)
        .fetch_optional(&mut **tx)
        .await
}

pub async fn by_reference(db: &Db, reference: &str) -> Result<Option<AdvisoryRow>, sqlx::Error> {
    let sql = format!("SELECT {ADVISORY} FROM advisories WHERE ref = $1");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(reference)
        .fetch_optional(&db.pool)
        .await
}

/// The revision members read, if it has been published.
pub async fn published(db: &Db, advisory: &AdvisoryRow) -> Result<Option<Revision>, sqlx::Error> {
    let Some(number) = advisory.published_revision else {
        return Ok(None);
    };
    revision(db, advisory.id, number).await
}

async fn revision(db: &Db, advisory_id: i64, number: i64) -> Result<Option<Revision>, sqlx::Error> {
    let sql =
        format!("SELECT {REVISION} FROM advisory_revisions WHERE advisory_id = $1 AND number = $2");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(advisory_id)
        .bind(number)
        .fetch_optional(&db.pool)
        .await
}

/// The newest revision, published or not: what the editor opens.
/// Reads through the pool (`&db.pool`) or inside a transaction
/// (`&mut **tx`).
pub async fn latest<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    advisory_id: i64,
) -> Result<Option<Revision>, sqlx::Error> {
    let sql = format!(
        "SELECT {REVISION} FROM advisory_revisions WHERE advisory_id = $1 \
         ORDER BY number DESC LIMIT 1"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(advisory_id)
        .fetch_optional(executor)
        .await
}

/// Saves the analyst's text as the working draft: over the existing one
/// (which then needs submitting again), or as a new revision after the
/// published one.
pub async fn save_draft(
    tx: &mut Tx,
    advisory: &AdvisoryRow,
    content: &Content,
    author_id: i64,
) -> Result<(), sqlx::Error> {
    let latest = latest(&mut **tx, advisory.id).await?;
    match latest {
        Some(draft) if Some(draft.number) != advisory.published_revision => {
            sqlx::query(
                "UPDATE advisory_revisions SET title = $1, severity = $2, tlp = $3, tlp_rank = $4, \
                 body = $5, actions = $6, indicators = $7, classes = $8, sea_areas = $9, \
                 vessel_types = $10, systems = $11, incidents = $12, author_id = $13, \
                 submitted_by = NULL, approved_by = NULL, created_at = $14 WHERE id = $15",
            )
            .bind(&content.title)
            .bind(content.severity)
            .bind(&content.tlp)
            .bind(content.tlp_rank())
            .bind(&content.body)
            .bind(&content.actions)
            .bind(&content.indicators)
            .bind(&content.classes)
            .bind(&content.sea_areas)
            .bind(&content.vessel_types)
            .bind(&content.systems)
            .bind(&content.incidents)
            .bind(author_id)
            .bind(now())
            .bind(draft.id)
            .execute(&mut **tx)
            .await?;
        }
        latest => {
            let next = latest.map_or(1, |r| r.number + 1);
            insert_revision(tx, advisory.id, next, content, Some(author_id)).await?;
        }
    }
    touch(tx, advisory.id).await
}

async fn touch(tx: &mut Tx, advisory_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE advisories SET updated_at = $1 WHERE id = $2")
        .bind(now())
        .bind(advisory_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Marks the working draft as waiting for a second analyst.
pub async fn submit(tx: &mut Tx, revision_id: i64, analyst_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE advisory_revisions SET submitted_by = $1 WHERE id = $2")
        .bind(analyst_id)
        .bind(revision_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Makes `revision` the one members read and announces it: published the
/// first time, updated afterwards. `approver_id` is `None` when a
/// detection rule an admin allowed to publish did. The conditional update makes a double
/// click (or two analysts at once) publish it once.
pub async fn publish(
    tx: &mut Tx,
    advisory: &AdvisoryRow,
    revision: &Revision,
    approver_id: Option<i64>,
) -> Result<bool, sqlx::Error> {
    let at = now();
    let changed = sqlx::query(
        "UPDATE advisories SET state = 'published', published_revision = $1, updated_at = $2, \
         published_at = COALESCE(published_at, $2) \
         WHERE id = $3 AND (published_revision IS NULL OR published_revision < $1) \
         AND state IN ('draft', 'published')",
    )
    .bind(revision.number)
    .bind(at)
    .bind(advisory.id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if changed == 0 {
        return Ok(false);
    }
    sqlx::query("UPDATE advisory_revisions SET approved_by = $1 WHERE id = $2")
        .bind(approver_id)
        .bind(revision.id)
        .execute(&mut **tx)
        .await?;
    let kind = if advisory.published_revision.is_some() {
        "advisory.updated"
    } else {
        "advisory.published"
    };
    events::record(tx, &alert_of(kind, &advisory.reference, &revision.content)).await?;
    crate::search::index::advisory(tx, advisory.id).await?;
    Ok(true)
}

/// Takes a published advisory back from members, and tells them.
pub async fn withdraw(
    tx: &mut Tx,
    advisory: &AdvisoryRow,
    published: &Revision,
) -> Result<bool, sqlx::Error> {
    let changed = sqlx::query(
        "UPDATE advisories SET state = 'withdrawn', updated_at = $1 WHERE id = $2 AND state = 'published'",
    )
    .bind(now())
    .bind(advisory.id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if changed == 1 {
        events::record(
            tx,
            &alert_of(
                "advisory.withdrawn",
                &advisory.reference,
                &published.content,
            ),
        )
        .await?;
        crate::search::index::advisory(tx, advisory.id).await?;
    }
    Ok(changed == 1)
}

/// Drops a draft that was never published (a rule's false alarm, say).
pub async fn dismiss(tx: &mut Tx, advisory_id: i64) -> Result<bool, sqlx::Error> {
    let changed = sqlx::query(
        "UPDATE advisories SET state = 'dismissed', updated_at = $1 WHERE id = $2 AND state = 'draft'",
    )
    .bind(now())
    .bind(advisory_id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(changed == 1)
}

fn alert_of(kind: &str, reference: &str, content: &Content) -> NewAlert {
    let plain = lookout_markdown::render(&content.body, &lookout_markdown::Limits::default())
        .map(|r| r.plain_text)
        .unwrap_or_default();
    NewAlert {
        kind: kind.to_string(),
        subject_ref: reference.to_string(),
        title: content.title.clone(),
        summary: events::shorten(&plain),
        severity: content.severity,
        tlp_rank: content.tlp_rank(),
        reporter_org_id: None,
        classes: content.classes.clone(),
        sea_areas: content.sea_areas.clone(),
        vessel_types: content.vessel_types.clone(),
        match_text: content.match_text(),
    }
}

/// One line of an advisory list, with its published (or latest) revision's
/// headline.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Listed {
    #[sqlx(rename = "ref")]
    pub reference: String,
    pub state: String,
    pub title: String,
    pub severity: i64,
    pub tlp: String,
    pub number: i64,
    pub updated_at: i64,
    pub origin: String,
    pub submitted_by: Option<i64>,
}

/// What a reader with clearance `max_rank` (and organisation) may see:
/// published and withdrawn advisories, newest first.
pub async fn list_published(
    db: &Db,
    max_rank: i64,
    limit: i64,
) -> Result<Vec<Listed>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.ref, a.state, r.title, r.severity, r.tlp, r.number, a.updated_at, a.origin, \
         r.submitted_by FROM advisories a JOIN advisory_revisions r \
         ON r.advisory_id = a.id AND r.number = a.published_revision \
         WHERE a.state IN ('published', 'withdrawn') AND r.tlp_rank <= $1 \
         ORDER BY a.updated_at DESC, a.id DESC LIMIT $2",
    )
    .bind(max_rank)
    .bind(limit)
    .fetch_all(&db.pool)
    .await
}

/// The analysts' queue: advisories with a working draft (new, from rules,
/// or an update waiting), newest first.
pub async fn list_drafts(db: &Db, limit: i64) -> Result<Vec<Listed>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.ref, a.state, r.title, r.severity, r.tlp, r.number, a.updated_at, a.origin, \
         r.submitted_by FROM advisories a JOIN advisory_revisions r ON r.advisory_id = a.id \
         WHERE r.number = (SELECT MAX(number) FROM advisory_revisions x WHERE x.advisory_id = a.id) \
         AND a.state IN ('draft', 'published') \
         AND (a.published_revision IS NULL OR r.number > a.published_revision) \
         ORDER BY a.updated_at DESC, a.id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(&db.pool)
    .await
}
