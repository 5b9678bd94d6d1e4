//! The token keys: one RSA key pair per period, made by whichever process
//! first needs it (the database decides which one wins), published with
//! its validity, and retired in two steps: the private key is erased when
//! its period ends (nothing can be issued under it any more), and its
//! spent-token fingerprints are dropped when spending closes.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use lookout_tokens::{IssuerKey, PublicTokenKey};

use super::Period;
use crate::db::{Db, now};
use crate::state::AppState;
use crate::web::AppError;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct KeyRow {
    pub id: String,
    pub period: String,
    pub spki: String,
    pub sealed_secret: Option<String>,
    pub issue_from: i64,
    pub issue_until: i64,
    pub spend_until: i64,
}

impl KeyRow {
    pub fn period_name(&self) -> String {
        Period::containing(self.issue_from).name()
    }
}

const COLUMNS: &str = "id, period, spki, sealed_secret, issue_from, issue_until, spend_until";

/// Parsed keys by id. Only a cache: a key's row is read (and its state
/// checked) on every use, and ids are hashes of the key, so an entry can
/// never stand for another key.
static PUBLIC: LazyLock<Mutex<HashMap<String, Arc<PublicTokenKey>>>> =
    LazyLock::new(Mutex::default);
static ISSUERS: LazyLock<Mutex<HashMap<String, Arc<IssuerKey>>>> = LazyLock::new(Mutex::default);

fn cached<T>(cache: &Mutex<HashMap<String, Arc<T>>>, id: &str) -> Option<Arc<T>> {
    cache.lock().ok()?.get(id).cloned()
}

fn remember<T>(cache: &Mutex<HashMap<String, Arc<T>>>, id: &str, value: Arc<T>) {
    if let Ok(mut map) = cache.lock() {
        map.insert(id.to_string(), value);
    }
}

fn context(id: &str) -> String {
    format!("token_keys:{id}")
}

pub async fn by_id(db: &Db, id: &str) -> Result<Option<KeyRow>, AppError> {
    let sql = format!("SELECT {COLUMNS} FROM token_keys WHERE id = $1");
    Ok(sqlx::query_as::<_, KeyRow>(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?)
}

async fn by_period(db: &Db, period: &str) -> Result<Option<KeyRow>, AppError> {
    let sql = format!("SELECT {COLUMNS} FROM token_keys WHERE period = $1");
    Ok(sqlx::query_as::<_, KeyRow>(sqlx::AssertSqlSafe(sql))
        .bind(period)
        .fetch_optional(&db.pool)
        .await?)
}

/// Every key, newest first (the admins' page).
pub async fn all(db: &Db) -> Result<Vec<KeyRow>, AppError> {
    let sql = format!("SELECT {COLUMNS} FROM token_keys ORDER BY issue_from DESC");
    Ok(sqlx::query_as::<_, KeyRow>(sqlx::AssertSqlSafe(sql))
        .fetch_all(&db.pool)
        .await?)
}

/// The public key of a stored key row.
pub fn public_key(row: &KeyRow) -> Result<Arc<PublicTokenKey>, AppError> {
    if let Some(key) = cached(&PUBLIC, &row.id) {
        return Ok(key);
    }
    let key = Arc::new(
        PublicTokenKey::from_spki_base64(&row.spki)
            .map_err(|e| AppError::internal(anyhow::anyhow!("token key {}: {e}", row.id)))?,
    );
    remember(&PUBLIC, &row.id, key.clone());
    Ok(key)
}

/// How many members fetched tokens of this key: the most a verified
/// report made with one of them can hide among (fewer if some fetched
/// after it was sent). Told to members before they fetch and spend.
pub async fn holders(db: &Db, row: &KeyRow) -> Result<i64, AppError> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM token_issuance WHERE period = $1 AND taken > 0")
            .bind(&row.period)
            .fetch_one(&db.pool)
            .await?,
    )
}

/// The fingerprint members compare out of band: SHA-256 of the key's
/// SubjectPublicKeyInfo (DER), in hex. Its first 16 digits are the id.
pub fn fingerprint(row: &KeyRow) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(&row.spki)
        .map(|der| crate::secrets::sha256_hex(&der))
        .unwrap_or_default()
}

/// The fingerprint cut in groups of four, as pages show it: 128 bits,
/// short enough to read out, long enough that no key can be made to match.
pub fn short_fingerprint(full: &str) -> String {
    full.as_bytes()
        .chunks(4)
        .take(8)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Erases private keys whose period has ended and forgets spent tokens no
/// key can accept any more. Run whenever keys are looked at, so any
/// process keeps the tables tidy; it writes only when there is something
/// to retire, so the public key list costs no write.
pub async fn retire(db: &Db, now: i64) -> Result<(), AppError> {
    let due: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM token_keys WHERE (sealed_secret IS NOT NULL AND issue_until <= $1) \
         OR EXISTS (SELECT 1 FROM spent_tokens WHERE forget_after <= $1) LIMIT 1",
    )
    .bind(now)
    .fetch_optional(&db.pool)
    .await?;
    if due.is_none() {
        return Ok(());
    }
    sqlx::query(
        "UPDATE token_keys SET sealed_secret = NULL \
         WHERE sealed_secret IS NOT NULL AND issue_until <= $1",
    )
    .bind(now)
    .execute(&db.pool)
    .await?;
    sqlx::query("DELETE FROM spent_tokens WHERE forget_after <= $1")
        .bind(now)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// The key tokens are issued under now, made if this period has none yet.
pub async fn issuing(state: &AppState) -> Result<(KeyRow, Arc<IssuerKey>), AppError> {
    let now = now();
    retire(&state.db, now).await?;
    let period = Period::containing(now);
    let row = match by_period(&state.db, &period.label()).await? {
        Some(row) => row,
        None => create(state, period).await?,
    };
    // Erased already: another process's clock has passed the month's end.
    let sealed = row.sealed_secret.as_deref().ok_or_else(|| {
        AppError::Conflict(
            "This month's token key has just been retired. Try again in a minute.".into(),
        )
    })?;
    if let Some(key) = cached(&ISSUERS, &row.id) {
        return Ok((row, key));
    }
    let der = state.key.open("token-key", &context(&row.id), sealed)?;
    let key = tokio::task::spawn_blocking(move || IssuerKey::from_der(&der))
        .await
        .map_err(AppError::internal)?
        .map_err(|e| AppError::internal(anyhow::anyhow!("token key {}: {e}", row.id)))?;
    let key = Arc::new(key);
    remember(&ISSUERS, &row.id, key.clone());
    Ok((row, key))
}

async fn create(state: &AppState, period: Period) -> Result<KeyRow, AppError> {
    let key = tokio::task::spawn_blocking(IssuerKey::generate)
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    let id = key.public().id().to_string();
    let der = key.to_der().map_err(AppError::internal)?;
    let sealed = state.key.seal("token-key", &context(&id), &der)?;
    let grace = i64::from(state.config.token_grace_days) * 86_400;
    // Another process may have made this period's key meanwhile: theirs
    // stands and ours is dropped.
    sqlx::query(
        "INSERT INTO token_keys (id, period, spki, sealed_secret, issue_from, issue_until, spend_until) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (period) DO NOTHING",
    )
    .bind(&id)
    .bind(period.label())
    .bind(key.public().spki_base64())
    .bind(&sealed)
    .bind(period.starts())
    .bind(period.ends())
    .bind(period.ends() + grace)
    .execute(&state.db.pool)
    .await?;
    let row = by_period(&state.db, &period.label())
        .await?
        .ok_or_else(|| {
            AppError::internal(anyhow::anyhow!("token key for {} vanished", period.label()))
        })?;
    if row.id == id {
        tracing::info!(period = %row.period, key = %row.id, "made this period's token key");
        remember(&ISSUERS, &id, Arc::new(key));
    }
    Ok(row)
}
