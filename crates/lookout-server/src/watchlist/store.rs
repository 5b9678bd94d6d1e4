//! Watchlist entries at rest. The value is sealed under the master key
//! (bound to its organisation, so a row copied to another organisation
//! does not open); `lookup` is a keyed hash of kind and value, so the
//! mentions of a published item are found by index, without opening every
//! entry. IP ranges cannot be found by hash: they are opened and compared
//! (an organisation has a handful). A copy of the database alone reveals
//! how many entries of each kind an organisation keeps, not what they are.

use lookout_indicators::{Entry, EntryKind, Mentions};

use crate::db::{Db, Tx, now};
use crate::secrets::MasterKey;

const PURPOSE: &str = "watchlist";

fn lookup(key: &MasterKey, kind: EntryKind, canonical: &str) -> String {
    key.mac(PURPOSE, format!("{}:{canonical}", kind.id()).as_bytes())
}

fn context(org_id: i64) -> String {
    format!("watch_entries:{org_id}")
}

#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error("a watchlist entry could not be sealed or opened: {0}")]
    Secret(#[from] crate::secrets::SecretError),
}

impl From<WatchError> for crate::web::AppError {
    fn from(err: WatchError) -> Self {
        crate::web::AppError::internal(err)
    }
}

/// Adds entries to an organisation's watchlist; ones already there are
/// skipped. Returns how many were new.
pub async fn add(
    tx: &mut Tx,
    key: &MasterKey,
    org_id: i64,
    added_by: i64,
    entries: &[Entry],
) -> Result<usize, WatchError> {
    let mut added = 0;
    for entry in entries {
        let canonical = entry.canonical();
        let sealed = key.seal(PURPOSE, &context(org_id), canonical.as_bytes())?;
        let inserted = sqlx::query(
            "INSERT INTO watch_entries (org_id, kind, lookup, sealed_value, added_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (org_id, lookup) DO NOTHING",
        )
        .bind(org_id)
        .bind(entry.kind().id())
        .bind(lookup(key, entry.kind(), &canonical))
        .bind(sealed)
        .bind(added_by)
        .bind(now())
        .execute(&mut **tx)
        .await?
        .rows_affected();
        added += usize::try_from(inserted).unwrap_or(0);
    }
    Ok(added)
}

#[derive(Clone, Debug)]
pub struct Listed {
    pub id: i64,
    pub kind: EntryKind,
    pub value: String,
    pub created_at: i64,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    org_id: i64,
    kind: String,
    sealed_value: String,
    created_at: i64,
}

fn open(key: &MasterKey, row: &Row) -> Result<Option<(EntryKind, String)>, WatchError> {
    let Some(kind) = EntryKind::parse(&row.kind) else {
        return Ok(None);
    };
    let value = key.open(PURPOSE, &context(row.org_id), &row.sealed_value)?;
    Ok(Some((kind, String::from_utf8_lossy(&value).into_owned())))
}

/// An organisation's entries, opened, for its own members' page only.
pub async fn list(db: &Db, key: &MasterKey, org_id: i64) -> Result<Vec<Listed>, WatchError> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, org_id, kind, sealed_value, created_at FROM watch_entries \
         WHERE org_id = $1 ORDER BY kind, id",
    )
    .bind(org_id)
    .fetch_all(&db.pool)
    .await?;
    let mut listed = Vec::with_capacity(rows.len());
    for row in &rows {
        if let Some((kind, value)) = open(key, row)? {
            listed.push(Listed {
                id: row.id,
                kind,
                value,
                created_at: row.created_at,
            });
        }
    }
    Ok(listed)
}

/// Removes an entry of `org_id`'s; false if it is not theirs (or gone).
pub async fn remove(tx: &mut Tx, org_id: i64, id: i64) -> Result<bool, WatchError> {
    let removed = sqlx::query("DELETE FROM watch_entries WHERE id = $1 AND org_id = $2")
        .bind(id)
        .bind(org_id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    Ok(removed == 1)
}

/// One organisation's entry that a published item mentions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    pub org_id: i64,
    pub kind: EntryKind,
    pub value: String,
}

/// Every watchlist entry, of any organisation, that `mentions` match.
pub async fn hits(
    tx: &mut Tx,
    key: &MasterKey,
    mentions: &Mentions,
) -> Result<Vec<Hit>, WatchError> {
    let mut rows: Vec<Row> = Vec::new();
    for chunk in mentions.lookup_keys().chunks(200) {
        let lookups: Vec<String> = chunk
            .iter()
            .map(|(kind, canonical)| lookup(key, *kind, canonical))
            .collect();
        let placeholders: Vec<String> = (1..=lookups.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT id, org_id, kind, sealed_value, created_at FROM watch_entries \
             WHERE lookup IN ({})",
            placeholders.join(", ")
        );
        let mut query = sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(sql));
        for value in lookups {
            query = query.bind(value);
        }
        rows.extend(query.fetch_all(&mut **tx).await?);
    }
    if !mentions.ips().is_empty() {
        rows.extend(
            sqlx::query_as::<_, Row>(
                "SELECT id, org_id, kind, sealed_value, created_at FROM watch_entries \
                 WHERE kind = 'cidr'",
            )
            .fetch_all(&mut **tx)
            .await?,
        );
    }
    let mut hits = Vec::new();
    for row in &rows {
        let Some((kind, value)) = open(key, row)? else {
            continue;
        };
        let Ok(entry) = Entry::from_canonical(kind, &value) else {
            continue;
        };
        if mentions.matches(&entry) {
            let hit = Hit {
                org_id: row.org_id,
                kind,
                value,
            };
            if !hits.contains(&hit) {
                hits.push(hit);
            }
        }
    }
    Ok(hits)
}
