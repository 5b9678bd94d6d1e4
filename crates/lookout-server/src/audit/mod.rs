//! The audit log: append-only and chained under a key.
//!
//! Each entry's hash is an HMAC, under a key derived from the master key
//! (which lives in the key file or the environment, never in the database),
//! of its own fields and the previous entry's hash. Deleting, reordering or
//! editing any entry breaks every hash after it, and someone who can write
//! to the database but does not hold the key cannot compute the hashes of a
//! rewritten chain: `lookout admin verify-audit` (run with the key) then
//! finds the break. What it proves: every entry up to the last was written
//! by a holder of the key, in this order, unchanged. What it cannot prove:
//! that entries were not cut from the end (compare the count with an
//! earlier run), nor anything against someone holding both the database
//! and the key. Entries never hold secrets or addresses: actor and subject
//! are ids, details are short facts.

pub mod routes;

use serde::Serialize;

use crate::db::{Db, DbError, Tx, now};
use crate::secrets::MasterKey;

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Entry {
    pub seq: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

impl Entry {
    /// This entry's hash after `prev`, under `key` (`None`: as entries were
    /// hashed before the chain was keyed).
    fn hash_under(&self, key: Option<&MasterKey>, prev: &str) -> String {
        entry_hash(
            key,
            prev,
            self.seq,
            self.at,
            &self.actor,
            &self.action,
            &self.subject,
            &self.detail,
        )
    }
}

/// Who did it: a member id, the command line, or the system itself.
#[derive(Clone, Copy, Debug)]
pub enum Actor {
    User(i64),
    Cli,
    System,
    Anonymous,
}

impl Actor {
    fn as_text(&self) -> String {
        match self {
            Actor::User(id) => format!("user:{id}"),
            Actor::Cli => "cli".into(),
            Actor::System => "system".into(),
            Actor::Anonymous => "anonymous".into(),
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn entry_hash(
    key: Option<&MasterKey>,
    prev: &str,
    seq: i64,
    at: i64,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
) -> String {
    // Length-prefixed fields: no two different entries serialise alike.
    let mut data = Vec::new();
    for field in [
        prev,
        &seq.to_string(),
        &at.to_string(),
        actor,
        action,
        subject,
        detail,
    ] {
        data.extend_from_slice(&(field.len() as u64).to_be_bytes());
        data.extend_from_slice(field.as_bytes());
    }
    match key {
        Some(key) => key.mac("audit-chain", &data),
        // Entries written before the chain was keyed, verified once when
        // the chain is keyed ([`key_chain`]).
        None => crate::secrets::sha256_hex(&data),
    }
}

/// Appends inside the caller's transaction, so the entry lands exactly when
/// the change it records does.
pub async fn append(
    tx: &mut Tx,
    key: &MasterKey,
    actor: Actor,
    action: &str,
    subject: &str,
    detail: &str,
) -> Result<(), DbError> {
    // Appenders queue so the chain never forks: SQLite write transactions
    // are already serialised (BEGIN IMMEDIATE); on PostgreSQL a transaction-
    // scoped advisory lock does it across every server process.
    if tx.backend_name() == "PostgreSQL" {
        sqlx::query("SELECT pg_advisory_xact_lock(7700001)")
            .execute(&mut **tx)
            .await?;
    }
    let last: Option<(i64, String)> =
        sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut **tx)
            .await?;
    let (seq, prev) = match last {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS.to_string()),
    };
    let at = now();
    let actor = actor.as_text();
    let hash = entry_hash(Some(key), &prev, seq, at, &actor, action, subject, detail);
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor, action, subject, detail, prev_hash, hash, keyed) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1)",
    )
    .bind(seq)
    .bind(at)
    .bind(&actor)
    .bind(action)
    .bind(subject)
    .bind(detail)
    .bind(&prev)
    .bind(&hash)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Appends in a transaction of its own.
pub async fn record(
    db: &Db,
    key: &MasterKey,
    actor: Actor,
    action: &str,
    subject: &str,
    detail: &str,
) -> Result<(), DbError> {
    let mut tx = db.begin_write().await?;
    append(&mut tx, key, actor, action, subject, detail).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Intact { entries: i64 },
    Broken { seq: i64, reason: &'static str },
}

#[derive(sqlx::FromRow)]
struct Stored {
    #[sqlx(flatten)]
    entry: Entry,
    keyed: i64,
}

/// Walks the whole chain in order, in pages to bound memory. `key`: the
/// portal's master key; `None` checks entries written before the chain was
/// keyed, as [`key_chain`] does before keying them.
async fn walk(db: &Db, key: Option<&MasterKey>) -> Result<Verdict, DbError> {
    let mut prev = GENESIS.to_string();
    let mut expected_seq = 1;
    loop {
        let page = sqlx::query_as::<_, Stored>(
            "SELECT seq, at, actor, action, subject, detail, prev_hash, hash, keyed FROM audit_log \
             WHERE seq >= $1 ORDER BY seq LIMIT 1000",
        )
        .bind(expected_seq)
        .fetch_all(&db.pool)
        .await?;
        if page.is_empty() {
            // Entries removed from the end leave the chain consistent; the
            // count printed lets an operator compare with an earlier run.
            return Ok(Verdict::Intact {
                entries: expected_seq - 1,
            });
        }
        for Stored { entry, keyed } in page {
            if entry.seq != expected_seq {
                return Ok(Verdict::Broken {
                    seq: expected_seq,
                    reason: "entry missing",
                });
            }
            if key.is_some() && keyed != 1 {
                return Ok(Verdict::Broken {
                    seq: entry.seq,
                    reason: "not sealed with the portal's key",
                });
            }
            if entry.prev_hash != prev {
                return Ok(Verdict::Broken {
                    seq: entry.seq,
                    reason: "does not follow the previous entry",
                });
            }
            if entry.hash_under(key, &prev) != entry.hash {
                return Ok(Verdict::Broken {
                    seq: entry.seq,
                    reason: "content was altered",
                });
            }
            prev = entry.hash;
            expected_seq += 1;
        }
    }
}

/// Whether `key` is the one the chain is sealed with: the newest keyed
/// entry must verify under it. A process with another key (a command run
/// without the portal's `secret_key`, a new key file beside an old
/// database) would otherwise write entries that break the chain for good.
pub async fn seals_with(db: &Db, key: &MasterKey) -> Result<bool, DbError> {
    let last = sqlx::query_as::<_, Entry>(
        "SELECT seq, at, actor, action, subject, detail, prev_hash, hash FROM audit_log \
         WHERE keyed = 1 ORDER BY seq DESC LIMIT 1",
    )
    .fetch_optional(&db.pool)
    .await?;
    Ok(last.is_none_or(|entry| entry.hash_under(Some(key), &entry.prev_hash) == entry.hash))
}

/// The refusal when [`seals_with`] is false, in words an operator can act on.
pub const WRONG_KEY: &str = "this key does not seal the portal's audit log: give the portal's own \
     key (the key file in its data directory, or the same secret_key as its servers)";

/// Checks the chain under the portal's key.
pub async fn verify(db: &Db, key: &MasterKey) -> Result<Verdict, DbError> {
    walk(db, Some(key)).await
}

/// Keys a chain written before entries were keyed (a portal upgraded from
/// an earlier version): checked as it was written, then every hash written
/// again under the key, in one transaction, and the change recorded. A
/// chain that is already broken is left as it is, for `verify` to report:
/// keying it would hide the break.
pub async fn key_chain(db: &Db, key: &MasterKey) -> Result<(), DbError> {
    let legacy: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE keyed = 0")
        .fetch_one(&db.pool)
        .await?;
    if legacy == 0 || walk(db, None).await? != (Verdict::Intact { entries: legacy }) {
        return Ok(());
    }
    let mut tx = db.begin_write().await?;
    let entries = sqlx::query_as::<_, Entry>(
        "SELECT seq, at, actor, action, subject, detail, prev_hash, hash FROM audit_log \
         WHERE keyed = 0 ORDER BY seq",
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut prev = GENESIS.to_string();
    for entry in entries {
        let hash = entry.hash_under(Some(key), &prev);
        sqlx::query("UPDATE audit_log SET prev_hash = $1, hash = $2, keyed = 1 WHERE seq = $3")
            .bind(&prev)
            .bind(&hash)
            .bind(entry.seq)
            .execute(&mut *tx)
            .await?;
        prev = hash;
    }
    append(
        &mut tx,
        key,
        Actor::System,
        "audit.keyed",
        "audit_log",
        &format!("{legacy} earlier entries verified and sealed with the key"),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub action: Option<String>,
    pub actor: Option<String>,
    pub before_seq: Option<i64>,
}

pub async fn list(db: &Db, filter: &Filter, limit: i64) -> Result<Vec<Entry>, DbError> {
    // Empty filter values match everything; the same text on both backends.
    let rows = sqlx::query_as::<_, Entry>(
        "SELECT seq, at, actor, action, subject, detail, prev_hash, hash FROM audit_log \
         WHERE ($1 = '' OR action = $1) AND ($2 = '' OR actor = $2) AND seq < $3 \
         ORDER BY seq DESC LIMIT $4",
    )
    .bind(filter.action.clone().unwrap_or_default())
    .bind(filter.actor.clone().unwrap_or_default())
    .bind(filter.before_seq.unwrap_or(i64::MAX))
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows)
}
