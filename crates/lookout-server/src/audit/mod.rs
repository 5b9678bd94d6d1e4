//! The audit log: append-only and hash-chained.
//!
//! Each entry's hash covers its own fields and the previous entry's hash, so
//! deleting, reordering or editing any entry breaks every hash after it;
//! `lookout admin verify-audit` walks the chain. Entries never hold secrets
//! or addresses: actor and subject are ids, details are short facts.

pub mod routes;

use serde::Serialize;

use crate::db::{Db, DbError, Tx, now};

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

fn entry_hash(
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
    crate::secrets::sha256_hex(&data)
}

/// Appends inside the caller's transaction, so the entry lands exactly when
/// the change it records does.
pub async fn append(
    tx: &mut Tx,
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
    let hash = entry_hash(&prev, seq, at, &actor, action, subject, detail);
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor, action, subject, detail, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
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
    actor: Actor,
    action: &str,
    subject: &str,
    detail: &str,
) -> Result<(), DbError> {
    let mut tx = db.begin_write().await?;
    append(&mut tx, actor, action, subject, detail).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Intact { entries: i64 },
    Broken { seq: i64, reason: &'static str },
}

/// Walks the whole chain in order, in pages to bound memory.
pub async fn verify(db: &Db) -> Result<Verdict, DbError> {
    let mut prev = GENESIS.to_string();
    let mut expected_seq = 1;
    loop {
        let page = sqlx::query_as::<_, Entry>(
            "SELECT seq, at, actor, action, subject, detail, prev_hash, hash FROM audit_log \
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
        for entry in page {
            if entry.seq != expected_seq {
                return Ok(Verdict::Broken {
                    seq: expected_seq,
                    reason: "entry missing",
                });
            }
            if entry.prev_hash != prev {
                return Ok(Verdict::Broken {
                    seq: entry.seq,
                    reason: "does not follow the previous entry",
                });
            }
            let hash = entry_hash(
                &prev,
                entry.seq,
                entry.at,
                &entry.actor,
                &entry.action,
                &entry.subject,
                &entry.detail,
            );
            if hash != entry.hash {
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
