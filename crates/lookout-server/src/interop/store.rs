//! The exported objects and events at rest (`intel_objects`,
//! `intel_events`, `intel_dirty`, `taxii_status`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::db::{Db, Tx};

/// Marks a subject for export after the transaction that changed it.
pub async fn mark(tx: &mut Tx, subject_kind: &str, subject_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO intel_dirty (subject_kind, subject_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(subject_kind)
    .bind(subject_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Whether anything waits for export: one indexed read.
pub async fn any_dirty(db: &Db) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar("SELECT subject_id FROM intel_dirty LIMIT 1")
        .fetch_optional(&db.pool)
        .await?;
    Ok(found.is_some())
}

/// Takes up to `limit` subjects waiting for export, in the transaction
/// that exports them: a second process taking the same ones deletes
/// nothing and skips them.
pub async fn take_dirty(tx: &mut Tx, limit: i64) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let waiting: Vec<(String, i64)> = sqlx::query_as(
        "SELECT subject_kind, subject_id FROM intel_dirty ORDER BY subject_kind, subject_id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(&mut **tx)
    .await?;
    let mut taken = Vec::with_capacity(waiting.len());
    for (kind, id) in waiting {
        let deleted =
            sqlx::query("DELETE FROM intel_dirty WHERE subject_kind = $1 AND subject_id = $2")
                .bind(&kind)
                .bind(id)
                .execute(&mut **tx)
                .await?
                .rows_affected();
        if deleted == 1 {
            taken.push((kind, id));
        }
    }
    Ok(taken)
}

/// One object to keep in a collection.
#[derive(Debug, Clone)]
pub struct NewObject {
    pub collection: String,
    pub stix_id: String,
    pub stix_type: String,
    pub version: String,
    pub spec_version: String,
    pub body: String,
}

/// Makes a subject's rows equal `objects`: unchanged objects keep their
/// row and time added, changed ones are re-added at `date_added` (so
/// clients polling with `added_after` fetch the new version), the rest
/// are removed.
pub async fn replace_objects(
    tx: &mut Tx,
    subject_kind: &str,
    subject_id: i64,
    objects: &[NewObject],
    date_added: i64,
) -> Result<(), sqlx::Error> {
    let existing: Vec<(i64, String, String, String, String)> = sqlx::query_as(
        "SELECT id, collection, stix_id, version, body FROM intel_objects \
         WHERE subject_kind = $1 AND subject_id = $2",
    )
    .bind(subject_kind)
    .bind(subject_id)
    .fetch_all(&mut **tx)
    .await?;
    let mut old: BTreeMap<(String, String), (i64, String, String)> = existing
        .into_iter()
        .map(|(id, collection, stix_id, version, body)| {
            ((collection, stix_id), (id, version, body))
        })
        .collect();
    for object in objects {
        let key = (object.collection.clone(), object.stix_id.clone());
        match old.remove(&key) {
            Some((_, version, body)) if version == object.version && body == object.body => {}
            Some((id, _, _)) => {
                sqlx::query(
                    "UPDATE intel_objects SET version = $1, spec_version = $2, body = $3, \
                     date_added = $4, stix_type = $5 WHERE id = $6",
                )
                .bind(&object.version)
                .bind(&object.spec_version)
                .bind(&object.body)
                .bind(date_added)
                .bind(&object.stix_type)
                .bind(id)
                .execute(&mut **tx)
                .await?;
            }
            None => insert(tx, subject_kind, subject_id, object, date_added).await?,
        }
    }
    for (id, _, _) in old.into_values() {
        sqlx::query("DELETE FROM intel_objects WHERE id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

async fn insert(
    tx: &mut Tx,
    subject_kind: &str,
    subject_id: i64,
    object: &NewObject,
    date_added: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO intel_objects (collection, subject_kind, subject_id, stix_id, stix_type, \
         version, spec_version, date_added, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT DO NOTHING",
    )
    .bind(&object.collection)
    .bind(subject_kind)
    .bind(subject_id)
    .bind(&object.stix_id)
    .bind(&object.stix_type)
    .bind(&object.version)
    .bind(&object.spec_version)
    .bind(date_added)
    .bind(&object.body)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Adds an object shared by a whole collection (the portal's identity, a
/// marking definition) unless it is there.
pub async fn ensure_shared(
    tx: &mut Tx,
    object: &NewObject,
    date_added: i64,
) -> Result<(), sqlx::Error> {
    insert(tx, "portal", 0, object, date_added).await
}

/// One MISP event as served.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub uuid: String,
    pub tlp_rank: i64,
    pub org_id: Option<i64>,
    /// Only the organisation may read it (AMBER+STRICT analyses).
    pub org_only: bool,
    pub event: String,
    pub manifest_entry: String,
    pub hashes: String,
}

/// Makes a subject's event equal `event` (none: removed).
pub async fn replace_event(
    tx: &mut Tx,
    subject_kind: &str,
    subject_id: i64,
    event: Option<&NewEvent>,
    date_added: i64,
) -> Result<(), sqlx::Error> {
    let Some(event) = event else {
        sqlx::query("DELETE FROM intel_events WHERE subject_kind = $1 AND subject_id = $2")
            .bind(subject_kind)
            .bind(subject_id)
            .execute(&mut **tx)
            .await?;
        return Ok(());
    };
    let current: Option<String> = sqlx::query_scalar(
        "SELECT event FROM intel_events WHERE subject_kind = $1 AND subject_id = $2",
    )
    .bind(subject_kind)
    .bind(subject_id)
    .fetch_optional(&mut **tx)
    .await?;
    if current.as_deref() == Some(event.event.as_str()) {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO intel_events (subject_kind, subject_id, uuid, tlp_rank, org_id, org_only, \
         date_added, event, manifest_entry, hashes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (subject_kind, subject_id) DO UPDATE SET uuid = $3, tlp_rank = $4, \
         org_id = $5, org_only = $6, date_added = $7, event = $8, manifest_entry = $9, hashes = $10",
    )
    .bind(subject_kind)
    .bind(subject_id)
    .bind(&event.uuid)
    .bind(event.tlp_rank)
    .bind(event.org_id)
    .bind(i64::from(event.org_only))
    .bind(date_added)
    .bind(&event.event)
    .bind(&event.manifest_entry)
    .bind(&event.hashes)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// One stored object as a page of a collection lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredObject {
    pub id: i64,
    pub stix_id: String,
    pub version: String,
    pub date_added: i64,
    pub body: String,
}

/// Which objects of which collections a TAXII request reads.
#[derive(Debug, Clone, Default)]
pub struct ObjectQuery {
    /// The collections (`green`, `org-12`, ...) the request reads.
    pub collections: Vec<String>,
    /// Exclusive: only rows after (date_added, id).
    pub after: Option<(i64, i64)>,
    pub added_after: Option<i64>,
    pub ids: Vec<String>,
    pub types: Vec<String>,
    pub spec_versions: Vec<String>,
    /// Readable now: nothing added later than this (microseconds).
    pub now: i64,
    pub limit: i64,
    /// Newest first (for `match[version]=last` of one object).
    pub newest_first: bool,
}

/// The rows of `query`, in paging order, at most `limit`.
pub async fn objects(db: &Db, query: &ObjectQuery) -> Result<Vec<StoredObject>, sqlx::Error> {
    let mut sql = String::from(
        "SELECT id, stix_id, version, date_added, body FROM intel_objects WHERE date_added <= $1",
    );
    let mut binds: Vec<String> = Vec::new();
    let mut next = 2;
    let mut list = |sql: &mut String, column: &str, values: &[String], binds: &mut Vec<String>| {
        let _ = write!(sql, " AND {column} IN (");
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            let _ = write!(sql, "${next}");
            next += 1;
            binds.push(value.clone());
        }
        sql.push(')');
    };
    list(&mut sql, "collection", &query.collections, &mut binds);
    if !query.ids.is_empty() {
        list(&mut sql, "stix_id", &query.ids, &mut binds);
    }
    if !query.types.is_empty() {
        list(&mut sql, "stix_type", &query.types, &mut binds);
    }
    if !query.spec_versions.is_empty() {
        list(&mut sql, "spec_version", &query.spec_versions, &mut binds);
    }
    let mut numbers: Vec<i64> = Vec::new();
    if let Some(added_after) = query.added_after {
        let _ = write!(sql, " AND date_added > ${}", next + numbers.len());
        numbers.push(added_after);
    }
    if let Some((added, id)) = query.after {
        let a = next + numbers.len();
        let _ = write!(
            sql,
            " AND (date_added > ${a} OR (date_added = ${} AND id > ${}))",
            a + 1,
            a + 2
        );
        numbers.extend([added, added, id]);
    }
    let order = if query.newest_first { "DESC" } else { "ASC" };
    let _ = write!(
        sql,
        " ORDER BY date_added {order}, id {order} LIMIT ${}",
        next + numbers.len()
    );
    numbers.push(query.limit);
    let mut q = sqlx::query_as::<_, StoredObject>(sqlx::AssertSqlSafe(sql)).bind(query.now);
    for value in &binds {
        q = q.bind(value.as_str());
    }
    for value in numbers {
        q = q.bind(value);
    }
    q.fetch_all(&db.pool).await
}

/// One MISP event row a reader may fetch.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredEvent {
    pub uuid: String,
    pub date_added: i64,
    pub event: String,
    pub manifest_entry: String,
    pub hashes: String,
}

/// Events readable at `max_rank` by organisation `org_id` (or -1), added
/// by `now`, oldest first. `uuid`: only that event.
pub async fn events(
    db: &Db,
    max_rank: i64,
    org_id: i64,
    now: i64,
    uuid: Option<&str>,
) -> Result<Vec<StoredEvent>, sqlx::Error> {
    let one = if uuid.is_some() { " AND uuid = $4" } else { "" };
    let sql = format!(
        "SELECT uuid, date_added, event, manifest_entry, hashes FROM intel_events \
         WHERE date_added <= $1 AND ((org_only = 0 AND tlp_rank <= $2) OR org_id = $3){one} \
         ORDER BY date_added, uuid"
    );
    let mut q = sqlx::query_as::<_, StoredEvent>(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .bind(max_rank)
        .bind(org_id);
    if let Some(uuid) = uuid {
        q = q.bind(uuid);
    }
    q.fetch_all(&db.pool).await
}

/// Saves a TAXII status resource.
pub async fn save_status(
    db: &Db,
    id: &str,
    user_id: i64,
    body: &str,
    created_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO taxii_status (id, user_id, body, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (id) DO UPDATE SET body = $3",
    )
    .bind(id)
    .bind(user_id)
    .bind(body)
    .bind(created_at)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// A status resource, for the member who posted it only.
pub async fn status(db: &Db, id: &str, user_id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT body FROM taxii_status WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await
}
