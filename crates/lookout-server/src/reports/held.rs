//! Files a reporter attached to a form that came back to them (a preview,
//! a problem to fix, a token to confirm), so that nothing they chose is
//! lost: cleaned as any attachment, sealed under a key derived from a
//! random handle that only the reporter's page holds (the row is found by
//! the handle's keyed hash), kept one to two hours, linked to no person,
//! session or address. The form carries the handles back; sending the
//! report takes the files and deletes them.

use crate::db::{Db, now};
use crate::files::{Meta, Prepared};
use crate::secrets::{MasterKey, SecretError, open_bytes, random_token, seal_bytes};

/// The form field that carries a held file's handle back.
pub const FIELD: &str = "held";
/// The form field that asks for a held file to be left out.
pub const DROP_FIELD: &str = "drop_held";
const PURPOSE: &str = "held-file";
/// Kept until the end of the hour after the next: one to two hours.
const KEPT_HOURS: i64 = 2;

pub const EXPIRED: &str = "Some files you attached earlier were kept for two hours only and are \
     gone: attach them again.";

#[derive(Debug, thiserror::Error)]
pub enum HeldError {
    #[error(transparent)]
    Sql(#[from] sqlx::Error),
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error("a held file's description cannot be read: {0}")]
    Meta(#[from] serde_json::Error),
}

impl From<HeldError> for crate::web::AppError {
    fn from(err: HeldError) -> Self {
        crate::web::AppError::internal(err)
    }
}

/// A held file as the form shows it.
pub struct Held {
    pub handle: String,
    pub meta: Meta,
}

impl Held {
    /// The cleaned file's size as the form says it, in KiB or MiB.
    pub fn size(&self) -> String {
        crate::web::labels::size_text(self.meta.size)
    }
}

fn hash(key: &MasterKey, handle: &str) -> String {
    key.mac(PURPOSE, handle.as_bytes())
}

/// Only the master key and the handle together open a held file.
fn file_key(key: &MasterKey, handle: &str) -> [u8; 32] {
    key.derive(&format!("{PURPOSE}:{handle}"))
}

/// Seals and keeps `prepared`; returns each file's handle.
pub async fn hold(
    db: &Db,
    key: &MasterKey,
    prepared: Vec<Prepared>,
) -> Result<Vec<Held>, HeldError> {
    let expires = super::store::hour(now()) + KEPT_HOURS * 3600;
    let mut held = Vec::with_capacity(prepared.len());
    let mut tx = db.begin_write().await?;
    for item in prepared {
        let handle = random_token()?;
        let hash = hash(key, &handle);
        let sealing = file_key(key, &handle);
        let seal =
            |column: &str, bytes: &[u8]| seal_bytes(&sealing, &format!("{column}:{hash}"), bytes);
        let meta = seal("meta", &serde_json::to_vec(&item.meta)?)?;
        let original = item
            .original
            .as_deref()
            .map(|b| seal("original", b))
            .transpose()?;
        let cleaned = item
            .cleaned
            .as_deref()
            .map(|b| seal("cleaned", b))
            .transpose()?;
        sqlx::query(
            "INSERT INTO held_files (handle_hash, sealed_meta, sealed_original, sealed_cleaned, expires_hour) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&hash)
        .bind(meta)
        .bind(original)
        .bind(cleaned)
        .bind(expires)
        .execute(&mut *tx)
        .await?;
        held.push(Held {
            handle,
            meta: item.meta,
        });
    }
    tx.commit().await?;
    Ok(held)
}

#[derive(sqlx::FromRow)]
struct Row {
    sealed_meta: Vec<u8>,
    sealed_original: Option<Vec<u8>>,
    sealed_cleaned: Option<Vec<u8>>,
}

async fn row(db: &Db, key: &MasterKey, handle: &str) -> Result<Option<(String, Row)>, HeldError> {
    let hash = hash(key, handle);
    let row = sqlx::query_as::<_, Row>(
        "SELECT sealed_meta, sealed_original, sealed_cleaned FROM held_files \
         WHERE handle_hash = $1 AND expires_hour > $2",
    )
    .bind(&hash)
    .bind(now())
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|r| (hash, r)))
}

/// The files still held for `handles`, in their order; a handle that is
/// unknown or expired is left out (the caller compares the counts).
pub async fn list(db: &Db, key: &MasterKey, handles: &[String]) -> Result<Vec<Held>, HeldError> {
    let mut held = Vec::new();
    for handle in handles {
        if let Some((hash, row)) = row(db, key, handle).await? {
            let meta = open_bytes(
                &file_key(key, handle),
                &format!("meta:{hash}"),
                &row.sealed_meta,
            )?;
            held.push(Held {
                handle: handle.clone(),
                meta: serde_json::from_slice(&meta)?,
            });
        }
    }
    Ok(held)
}

/// The files themselves, to be stored with the report.
pub async fn take(
    db: &Db,
    key: &MasterKey,
    handles: &[String],
) -> Result<Vec<Prepared>, HeldError> {
    let mut files = Vec::new();
    for handle in handles {
        let Some((hash, row)) = row(db, key, handle).await? else {
            continue;
        };
        let sealing = file_key(key, handle);
        let open =
            |column: &str, sealed: &[u8]| open_bytes(&sealing, &format!("{column}:{hash}"), sealed);
        let meta = serde_json::from_slice(&open("meta", &row.sealed_meta)?)?;
        let original = row
            .sealed_original
            .as_deref()
            .map(|s| open("original", s))
            .transpose()?;
        let cleaned = row
            .sealed_cleaned
            .as_deref()
            .map(|s| open("cleaned", s))
            .transpose()?;
        files.push(Prepared {
            meta,
            original,
            cleaned,
        });
    }
    Ok(files)
}

/// Deletes the files of `handles`: sent with a report, or left out.
pub async fn release(db: &Db, key: &MasterKey, handles: &[String]) -> Result<(), HeldError> {
    if handles.is_empty() {
        return Ok(());
    }
    let mut tx = db.begin_write().await?;
    for handle in handles {
        sqlx::query("DELETE FROM held_files WHERE handle_hash = $1")
            .bind(hash(key, handle))
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Deletes what its reporter never sent (housekeeping).
pub async fn purge(db: &Db) -> Result<(), HeldError> {
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM held_files WHERE expires_hour <= $1")
        .bind(now())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
