//! Resumable uploads of a report over a link that drops (docs/
//! reporting-from-ships.md). A session receives the report's JSON in
//! chunks, each appended only at the offset already held, so a client
//! that lost a connection asks where it stands and sends the rest. Once
//! complete, the report is accepted once: its answer (reference and
//! receipt) is sealed under a key derived from the session's id, which
//! only the client holds, so asking again after a lost answer gives the
//! same answer and never a second report.
//!
//! Nothing here says who sent it or when, finer than the hour: the id is
//! kept as a keyed hash, chunks are sealed, the session is created at an
//! hour and forgotten a day later.

use sha2::{Digest, Sha256};

use crate::db::{Db, Tx, now};
use crate::secrets::{MasterKey, SecretError, open_bytes, seal_bytes};

/// The largest chunk one request may carry.
pub const CHUNK_MAX: usize = 1024 * 1024;
/// How long a session lives, in hours.
pub const SESSION_HOURS: i64 = 24;

const SEALED_CHUNK: &str = "upload_chunks";

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error(transparent)]
    Sql(#[from] sqlx::Error),
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
    #[error(transparent)]
    Secret(#[from] SecretError),
}

impl From<UploadError> for crate::web::AppError {
    fn from(err: UploadError) -> Self {
        crate::web::AppError::internal(err)
    }
}

/// Where a session stands.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Session {
    pub length: i64,
    pub received: i64,
    pub state: String,
}

/// The keyed hash a session is found by.
pub fn id_hash(key: &MasterKey, id: &str) -> String {
    key.mac("upload-session", id.as_bytes())
}

/// The key the answer is sealed under: from the id alone, which the portal
/// does not keep.
fn result_key(id: &str) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(b"lookout upload result\0");
    hasher.update(id.as_bytes());
    hasher.finalize().into()
}

fn hour() -> i64 {
    super::store::hour(now())
}

/// A new session for `length` bytes; returns its id (the client's secret).
pub async fn create(db: &Db, key: &MasterKey, length: i64) -> Result<String, UploadError> {
    let id = hex::encode(crate::secrets::random_bytes::<32>()?);
    sqlx::query("INSERT INTO upload_sessions (id_hash, length, created_hour) VALUES ($1, $2, $3)")
        .bind(id_hash(key, &id))
        .bind(length)
        .bind(hour())
        .execute(&db.pool)
        .await?;
    Ok(id)
}

pub async fn session(db: &Db, key: &MasterKey, id: &str) -> Result<Option<Session>, UploadError> {
    Ok(
        sqlx::query_as("SELECT length, received, state FROM upload_sessions WHERE id_hash = $1")
            .bind(id_hash(key, id))
            .fetch_optional(&db.pool)
            .await?,
    )
}

/// What appending a chunk did.
pub enum Appended {
    /// Held now: this many bytes in all.
    At(i64),
    /// Not at the offset held (another request got there first, or the
    /// client is behind): the offset held.
    Elsewhere(i64),
    /// It would pass the length the session was made for.
    TooLong,
    Missing,
}

/// Appends `bytes` at `offset`, only if that is exactly what is held.
pub async fn append(
    db: &Db,
    key: &MasterKey,
    id: &str,
    offset: i64,
    bytes: &[u8],
) -> Result<Appended, UploadError> {
    let hash = id_hash(key, id);
    let Some(current) = session(db, key, id).await? else {
        return Ok(Appended::Missing);
    };
    let added = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
    if current.state != "receiving" || offset != current.received {
        return Ok(Appended::Elsewhere(current.received));
    }
    if offset.saturating_add(added) > current.length {
        return Ok(Appended::TooLong);
    }
    if bytes.is_empty() {
        return Ok(Appended::At(current.received));
    }
    let sealed = seal_bytes(
        &key.derive(SEALED_CHUNK),
        &format!("{SEALED_CHUNK}:{hash}:{offset}"),
        bytes,
    )?;
    let mut tx = db.begin_write().await?;
    // Conditional: of two requests at one offset, one appends.
    let moved = sqlx::query(
        "UPDATE upload_sessions SET received = received + $1 \
         WHERE id_hash = $2 AND received = $3 AND state = 'receiving'",
    )
    .bind(added)
    .bind(&hash)
    .bind(offset)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if moved != 1 {
        drop(tx);
        let held = session(db, key, id).await?.map_or(0, |s| s.received);
        return Ok(Appended::Elsewhere(held));
    }
    sqlx::query("INSERT INTO upload_chunks (id_hash, at_offset, sealed) VALUES ($1, $2, $3)")
        .bind(&hash)
        .bind(offset)
        .bind(sealed)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Appended::At(offset + added))
}

/// What asking for the report finds.
pub enum Claim {
    /// Complete and now this request's to submit: the uploaded bytes.
    Body(Vec<u8>),
    /// Submitted before: the answer it got, as it was given.
    Answered(Vec<u8>),
    /// Not all there yet: the bytes held, and the length.
    Incomplete(i64, i64),
    /// Another request is submitting it right now.
    Busy,
    Missing,
}

/// Takes a complete session for submission (once, whoever asks twice), or
/// says what stands in the way.
pub async fn claim(db: &Db, key: &MasterKey, id: &str) -> Result<Claim, UploadError> {
    let hash = id_hash(key, id);
    let row: Option<(i64, i64, String, Option<Vec<u8>>)> = sqlx::query_as(
        "SELECT length, received, state, sealed_result FROM upload_sessions WHERE id_hash = $1",
    )
    .bind(&hash)
    .fetch_optional(&db.pool)
    .await?;
    let Some((length, received, state, sealed)) = row else {
        return Ok(Claim::Missing);
    };
    match (state.as_str(), sealed) {
        ("submitted", Some(sealed)) => {
            return Ok(Claim::Answered(open_bytes(
                &result_key(id),
                &format!("upload_sessions:{hash}"),
                &sealed,
            )?));
        }
        ("submitting", _) => return Ok(Claim::Busy),
        _ if received < length => return Ok(Claim::Incomplete(received, length)),
        _ => {}
    }
    let claimed = sqlx::query(
        "UPDATE upload_sessions SET state = 'submitting' WHERE id_hash = $1 AND state = 'receiving'",
    )
    .bind(&hash)
    .execute(&db.pool)
    .await?
    .rows_affected();
    if claimed != 1 {
        return Ok(Claim::Busy);
    }
    let chunks: Vec<(i64, Vec<u8>)> = sqlx::query_as(
        "SELECT at_offset, sealed FROM upload_chunks WHERE id_hash = $1 ORDER BY at_offset",
    )
    .bind(&hash)
    .fetch_all(&db.pool)
    .await?;
    let chunk_key = key.derive(SEALED_CHUNK);
    let mut body = Vec::with_capacity(usize::try_from(length).unwrap_or(0));
    for (offset, sealed) in chunks {
        body.extend(open_bytes(
            &chunk_key,
            &format!("{SEALED_CHUNK}:{hash}:{offset}"),
            &sealed,
        )?);
    }
    Ok(Claim::Body(body))
}

/// Gives a claimed session back (its report was refused, or could not be
/// stored): the client may ask again, or start over.
pub async fn release(db: &Db, key: &MasterKey, id: &str) -> Result<(), UploadError> {
    sqlx::query(
        "UPDATE upload_sessions SET state = 'receiving' WHERE id_hash = $1 AND state = 'submitting'",
    )
    .bind(id_hash(key, id))
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// What the report's transaction writes for its session: the answer,
/// sealed for the client only, with the chunks gone.
pub struct Finish {
    pub id_hash: String,
    result_key: [u8; 32],
}

impl Finish {
    pub fn new(key: &MasterKey, id: &str) -> Finish {
        Finish {
            id_hash: id_hash(key, id),
            result_key: result_key(id),
        }
    }

    /// In the report's own transaction, so the report and its answer are
    /// stored together or not at all.
    pub async fn record(&self, tx: &mut Tx, answer: &[u8]) -> Result<(), UploadError> {
        let sealed = seal_bytes(
            &self.result_key,
            &format!("upload_sessions:{}", self.id_hash),
            answer,
        )?;
        sqlx::query(
            "UPDATE upload_sessions SET state = 'submitted', sealed_result = $1 WHERE id_hash = $2",
        )
        .bind(sealed)
        .bind(&self.id_hash)
        .execute(&mut **tx)
        .await?;
        sqlx::query("DELETE FROM upload_chunks WHERE id_hash = $1")
            .bind(&self.id_hash)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }
}

/// Forgets sessions older than a day, answered or not.
pub async fn purge(db: &Db) -> Result<(), sqlx::Error> {
    let cutoff = hour() - SESSION_HOURS * 3600;
    sqlx::query(
        "DELETE FROM upload_chunks WHERE id_hash IN \
         (SELECT id_hash FROM upload_sessions WHERE created_hour < $1)",
    )
    .bind(cutoff)
    .execute(&db.pool)
    .await?;
    sqlx::query("DELETE FROM upload_sessions WHERE created_hour < $1")
        .bind(cutoff)
        .execute(&db.pool)
        .await?;
    Ok(())
}
