//! Advisories in the database. An advisory has numbered revisions: the one
//! members read (`published_revision`) and at most one newer working draft,
//! which may wait for a second analyst (`submitted_by` set). Every change
//! members should hear about writes its alert in the same transaction.

use serde::Serialize;

use super::model::Content;
use crate::alerts::events::{self, NewAlert};
use crate::db::{Db, Tx, now};
use crate::review::Content as _;
use crate::review::{self, Head, Reviewed, Tables, Version};

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

/// One numbered revision of an advisory.
pub type Revision = Version<Content>;

const ADVISORY: &str = "id, ref, state, published_revision, origin, origin_reason, created_at, \
     updated_at, published_at";

/// Advisories are reviewed by a second analyst; members are alerted
/// whenever one is published.
impl Reviewed for AdvisoryRow {
    type Content = Content;

    const TABLES: Tables = Tables {
        documents: ("advisories", ADVISORY, "ref", "published_revision"),
        versions: ("advisory_revisions", "advisory_id", "approved_by"),
    };
    /// Withdrawn and dismissed advisories stay so.
    const OPEN_STATES: &'static [&'static str] = &["draft", "published"];

    fn head(&self) -> Head<'_> {
        Head::new(self.id, &self.reference, self.published_revision)
    }

    /// Announces it: published the first time, updated afterwards.
    async fn published(&self, tx: &mut Tx, revision: &Revision) -> Result<(), sqlx::Error> {
        let kind = if self.published_revision.is_some() {
            "advisory.updated"
        } else {
            "advisory.published"
        };
        events::record(tx, &alert_of(kind, &self.reference, &revision.content)).await?;
        crate::search::index::advisory(tx, self.id).await?;
        crate::interop::export::mark_advisory(tx, self.id).await
    }
}

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
    review::store::insert_version::<AdvisoryRow>(tx, id, 1, content, author_id).await?;
    review::store::by_column_in::<AdvisoryRow>(tx, "id", id).await
}

/// The advisory a detection rule drafted for a cluster, if any.
pub async fn by_origin_key_in_tx(
    tx: &mut Tx,
    key: &str,
) -> Result<Option<AdvisoryRow>, sqlx::Error> {
    review::store::by_column_in::<AdvisoryRow>(tx, "origin_key", key.to_string()).await
}

pub async fn by_reference(db: &Db, reference: &str) -> Result<Option<AdvisoryRow>, sqlx::Error> {
    review::store::by_key::<AdvisoryRow>(&db.pool, reference).await
}

/// An advisory by its id, inside a transaction.
pub async fn by_id_in(tx: &mut Tx, id: i64) -> Result<Option<AdvisoryRow>, sqlx::Error> {
    review::store::by_column_in::<AdvisoryRow>(tx, "id", id).await
}

/// Revision `number` of an advisory, inside a transaction.
pub async fn revision_in(
    tx: &mut Tx,
    id: i64,
    number: i64,
) -> Result<Option<Revision>, sqlx::Error> {
    review::store::version::<AdvisoryRow>(&mut **tx, id, number).await
}

/// The revision members read, if it has been published.
pub async fn published(db: &Db, advisory: &AdvisoryRow) -> Result<Option<Revision>, sqlx::Error> {
    let Some(number) = advisory.published_revision else {
        return Ok(None);
    };
    review::store::version::<AdvisoryRow>(&db.pool, advisory.id, number).await
}

/// The newest revision, published or not: what the editor opens.
/// Reads through the pool (`&db.pool`) or inside a transaction
/// (`&mut **tx`).
pub async fn latest<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    advisory_id: i64,
) -> Result<Option<Revision>, sqlx::Error> {
    review::store::latest::<AdvisoryRow>(executor, advisory_id).await
}

/// Makes `revision` the one members read and announces it.
/// `approver_id` is `None` when a detection rule an admin allowed to
/// publish did. False when it was already published.
pub async fn publish(
    tx: &mut Tx,
    advisory: &AdvisoryRow,
    revision: &Revision,
    approver_id: Option<i64>,
) -> Result<bool, sqlx::Error> {
    review::store::publish::<AdvisoryRow>(tx, advisory, revision, approver_id).await
}

/// Takes a published advisory back from members, and tells them.
pub async fn withdraw(
    tx: &mut Tx,
    advisory: &AdvisoryRow,
    published: &Revision,
) -> Result<bool, sqlx::Error> {
    let changed =
        review::store::transition::<AdvisoryRow>(tx, advisory.id, "published", "withdrawn").await?;
    if changed {
        let alert = alert_of(
            "advisory.withdrawn",
            &advisory.reference,
            &published.content,
        );
        events::record(tx, &alert).await?;
        crate::search::index::advisory(tx, advisory.id).await?;
        crate::interop::export::mark_advisory(tx, advisory.id).await?;
    }
    Ok(changed)
}

/// What the author is told about cited incidents that do not exist
/// (advisories and articles cite them).
pub async fn unknown_incidents(db: &Db, references: Vec<&str>) -> Result<Vec<String>, sqlx::Error> {
    let mut problems = Vec::new();
    for reference in references {
        if crate::incidents::store::id_by_ref(db, reference)
            .await?
            .is_none()
        {
            problems.push(format!(
                "There is no incident {reference}: check the reference (like INC-2026-0001)."
            ));
        }
    }
    Ok(problems)
}

/// Drops a draft that was never published (a rule's false alarm, say).
pub async fn dismiss(tx: &mut Tx, advisory_id: i64) -> Result<bool, sqlx::Error> {
    review::store::transition::<AdvisoryRow>(tx, advisory_id, "draft", "dismissed").await
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

/// The columns of a list line.
const LISTED: &str =
    "a.ref, a.state, v.title, v.severity, v.tlp, v.number, a.updated_at, a.origin, v.submitted_by";

/// What a reader with clearance `max_rank` (and organisation) may see:
/// published and withdrawn advisories, newest first.
pub async fn list_published(
    db: &Db,
    max_rank: i64,
    limit: i64,
) -> Result<Vec<Listed>, sqlx::Error> {
    let sql = format!(
        "SELECT {LISTED} FROM {} \
         WHERE a.state IN ('published', 'withdrawn') AND v.tlp_rank <= $1 \
         ORDER BY a.updated_at DESC, a.id DESC LIMIT $2",
        review::store::published_versions::<AdvisoryRow>()
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(max_rank)
        .bind(limit)
        .fetch_all(&db.pool)
        .await
}

/// The analysts' queue: advisories with a working draft (new, from rules,
/// or an update waiting), newest first.
pub async fn list_drafts(db: &Db, limit: i64) -> Result<Vec<Listed>, sqlx::Error> {
    review::store::list_drafts::<AdvisoryRow, Listed>(db, LISTED, limit).await
}
