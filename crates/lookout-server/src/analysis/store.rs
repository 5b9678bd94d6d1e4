//! Samples and analyses in the database.
//!
//! A sample's bytes are sealed under their own subkey, bound to the
//! SHA-256 they hash to, and stored once whoever uploads them again. Each
//! upload is an analysis row with the uploader's sharing level; the file
//! name and the result (which quotes the file) are sealed too. Hashes,
//! TLSH, verdict and type stay in clear: they are what "seen before"
//! searches on.

use lookout_analysis::Analysis;
use sqlx::FromRow;

use crate::db::{Backend, Db, DbError, Tx, now};
use crate::secrets::{MasterKey, SecretError, open_bytes, seal_bytes};
use crate::sharing::clearance::tlp_rank;

const SAMPLE_PURPOSE: &str = "analysis-samples";
const RESULT_PURPOSE: &str = "analysis-results";
const INDICATOR_PURPOSE: &str = "analysis-indicators";

/// Attempts at one analysis before it is marked failed (a file that kills
/// the worker's thread every time must not block the queue).
pub const MAX_ATTEMPTS: i64 = 3;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Sql(#[from] sqlx::Error),
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error("stored analysis unreadable: {0}")]
    Json(#[from] serde_json::Error),
    #[error("rules: {0}")]
    Rules(String),
}

/// An analysis as lists and pages need it (the result stays sealed).
#[derive(Clone, Debug, FromRow)]
pub struct AnalysisRow {
    pub id: i64,
    #[sqlx(rename = "ref")]
    pub reference: String,
    pub sha256: String,
    pub md5: String,
    pub sha1: String,
    pub submitted_by: i64,
    pub org_id: Option<i64>,
    pub tlp: String,
    pub tlp_rank: i64,
    pub sealed_name: String,
    pub state: String,
    pub attempts: i64,
    pub sealed_result: Option<String>,
    pub verdict: Option<String>,
    pub file_type: Option<String>,
    pub tlsh: Option<String>,
    pub failure: Option<String>,
    pub created_at: i64,
    pub finished_at: Option<i64>,
}

pub const COLUMNS: &str = "id, ref, sha256, md5, sha1, submitted_by, org_id, tlp, tlp_rank, sealed_name, \
     state, attempts, sealed_result, verdict, file_type, tlsh, failure, created_at, finished_at";

impl AnalysisRow {
    pub fn name(&self, key: &MasterKey) -> Result<String, StoreError> {
        let bytes = key.open(
            RESULT_PURPOSE,
            &name_context(&self.reference),
            &self.sealed_name,
        )?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// Queued or being analysed: the page reloads itself.
    pub fn is_pending(&self) -> bool {
        self.state == "queued" || self.state == "running"
    }

    pub fn result(&self, key: &MasterKey) -> Result<Option<Analysis>, StoreError> {
        match &self.sealed_result {
            None => Ok(None),
            Some(sealed) => {
                let bytes = key.open(RESULT_PURPOSE, &result_context(&self.reference), sealed)?;
                Ok(Some(serde_json::from_slice(&bytes)?))
            }
        }
    }
}

fn name_context(reference: &str) -> String {
    format!("analyses.sealed_name:{reference}")
}

fn result_context(reference: &str) -> String {
    format!("analyses.sealed_result:{reference}")
}

fn sample_context(sha256: &str) -> String {
    format!("analysis_samples.sealed_bytes:{sha256}")
}

/// The keyed hash an indicator is stored and found by.
pub fn indicator_lookup(key: &MasterKey, kind: &str, value: &str) -> String {
    key.mac(
        INDICATOR_PURPOSE,
        format!("{kind}:{}", value.to_lowercase()).as_bytes(),
    )
}

/// A new analysis's public reference (`A-` and 40 random bits).
pub fn new_reference() -> Result<String, SecretError> {
    crate::secrets::public_reference("A")
}

/// An upload to queue.
pub struct NewAnalysis<'a> {
    pub reference: &'a str,
    pub bytes: &'a [u8],
    /// Computed off the request thread by the caller.
    pub digests: &'a lookout_analysis::Hashes,
    pub file_name: &'a str,
    pub submitted_by: i64,
    pub org_id: Option<i64>,
    /// A TLP id (`green` … `red`); its rank is derived.
    pub tlp: &'a str,
}

/// Stores the sample (once per content) and queues its analysis.
pub async fn queue(tx: &mut Tx, key: &MasterKey, new: &NewAnalysis<'_>) -> Result<i64, StoreError> {
    let sha256 = &new.digests.sha256;
    let at = now();
    let exists: Option<i64> =
        sqlx::query_scalar("SELECT size FROM analysis_samples WHERE sha256 = $1")
            .bind(sha256)
            .fetch_optional(&mut **tx)
            .await?;
    if exists.is_none() {
        let sealed = seal_bytes(
            &key.derive(SAMPLE_PURPOSE),
            &sample_context(sha256),
            new.bytes,
        )?;
        sqlx::query(
            "INSERT INTO analysis_samples (sha256, size, sealed_bytes, first_seen) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(sha256)
        // Only the padded size, as the sealed bytes show anyway: the exact
        // one matched a sample to the same file in an anonymous report.
        .bind(i64::try_from(crate::secrets::padded_len(new.bytes.len())).unwrap_or(i64::MAX))
        .bind(sealed)
        .bind(at)
        .execute(&mut **tx)
        .await?;
    }
    let sealed_name = key.seal(
        RESULT_PURPOSE,
        &name_context(new.reference),
        new.file_name.as_bytes(),
    )?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO analyses (ref, sha256, md5, sha1, submitted_by, org_id, tlp, tlp_rank, sealed_name, state, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'queued', $10) RETURNING id",
    )
    .bind(new.reference)
    .bind(sha256)
    .bind(&new.digests.md5)
    .bind(&new.digests.sha1)
    .bind(new.submitted_by)
    .bind(new.org_id)
    .bind(new.tlp)
    // An unknown level ranks as RED: the most restricted, never wider.
    .bind(tlp_rank(new.tlp).unwrap_or(4))
    .bind(sealed_name)
    .bind(at)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// The sample's bytes, opened.
pub async fn sample(db: &Db, key: &MasterKey, sha256: &str) -> Result<Option<Vec<u8>>, StoreError> {
    let sealed: Option<Vec<u8>> =
        sqlx::query_scalar("SELECT sealed_bytes FROM analysis_samples WHERE sha256 = $1")
            .bind(sha256)
            .fetch_optional(&db.pool)
            .await?;
    match sealed {
        None => Ok(None),
        Some(sealed) => Ok(Some(open_bytes(
            &key.derive(SAMPLE_PURPOSE),
            &sample_context(sha256),
            &sealed,
        )?)),
    }
}

pub async fn by_reference(db: &Db, reference: &str) -> Result<Option<AnalysisRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM analyses WHERE ref = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(reference)
        .fetch_optional(&db.pool)
        .await?)
}

pub async fn by_id(db: &Db, id: i64) -> Result<Option<AnalysisRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM analyses WHERE id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?)
}

/// How many times the sample `sha256` was uploaded, and how many of those
/// by `user_id`.
pub async fn uploads_of(db: &Db, sha256: &str, user_id: i64) -> Result<(i64, i64), StoreError> {
    Ok(sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN submitted_by = $2 THEN 1 ELSE 0 END), 0) \
         FROM analyses WHERE sha256 = $1",
    )
    .bind(sha256)
    .bind(user_id)
    .fetch_one(&db.pool)
    .await?)
}

/// One user's uploads, newest first.
pub async fn submitted_by(
    db: &Db,
    user_id: i64,
    limit: i64,
) -> Result<Vec<AnalysisRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM analyses WHERE submitted_by = $1 ORDER BY created_at DESC, id DESC LIMIT $2"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(user_id)
        .bind(limit)
        .fetch_all(&db.pool)
        .await?)
}

/// Every upload, newest first (analysts' view).
pub async fn recent(db: &Db, limit: i64) -> Result<Vec<AnalysisRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM analyses ORDER BY created_at DESC, id DESC LIMIT $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(limit)
        .fetch_all(&db.pool)
        .await?)
}

/// A claimed job: the analysis to run and the sample's hash.
#[derive(Debug, FromRow)]
pub struct Job {
    pub id: i64,
    #[sqlx(rename = "ref")]
    pub reference: String,
    pub sha256: String,
    pub attempts: i64,
}

/// Claims the oldest queued analysis (or one whose worker's lease ran
/// out: its process died) for `lease` seconds.
pub async fn claim(db: &Db, at: i64, lease: i64) -> Result<Option<Job>, StoreError> {
    let sql = match db.backend {
        Backend::Postgres => {
            "WITH due AS MATERIALIZED (SELECT id FROM analyses WHERE (state = 'queued' \
             OR (state = 'running' AND lease_until < $2)) ORDER BY created_at, id LIMIT 1 \
             FOR UPDATE SKIP LOCKED) \
             UPDATE analyses SET state = 'running', lease_until = $1, attempts = analyses.attempts + 1 \
             FROM due WHERE analyses.id = due.id \
             RETURNING analyses.id, analyses.ref, analyses.sha256, analyses.attempts"
        }
        Backend::Sqlite => {
            "UPDATE analyses SET state = 'running', lease_until = $1, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM analyses WHERE state = 'queued' \
             OR (state = 'running' AND lease_until < $2) ORDER BY created_at, id LIMIT 1) \
             RETURNING id, ref, sha256, attempts"
        }
    };
    let mut tx = db.begin_write().await?;
    let job: Option<Job> = sqlx::query_as(sql)
        .bind(at + lease)
        .bind(at)
        .fetch_optional(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(job)
}

/// Stores a finished analysis and its indicator look-ups, if this worker
/// still holds the job.
pub async fn finish(
    db: &Db,
    key: &MasterKey,
    job: &Job,
    analysis: &Analysis,
    lookups: &[String],
) -> Result<bool, StoreError> {
    let json = serde_json::to_vec(analysis)?;
    let sealed = key.seal(RESULT_PURPOSE, &result_context(&job.reference), &json)?;

    let mut tx = db.begin_write().await?;
    let updated = sqlx::query(
        "UPDATE analyses SET state = 'done', sealed_result = $1, verdict = $2, file_type = $3, tlsh = $4, \
         finished_at = $5, lease_until = NULL, failure = NULL WHERE id = $6 AND state = 'running' AND attempts = $7",
    )
    .bind(sealed)
    .bind(analysis.verdict.level.id())
    .bind(&analysis.file_type.name)
    .bind(&analysis.hashes.tlsh)
    .bind(now())
    .bind(job.id)
    .bind(job.attempts)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated == 0 {
        // Another worker took it over (this one outlived its lease).
        return Ok(false);
    }
    for lookup in lookups {
        sqlx::query("INSERT INTO analysis_indicators (analysis_id, lookup) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(job.id)
            .bind(lookup)
            .execute(&mut *tx)
            .await?;
    }
    crate::interop::export::mark_analysis(&mut tx, job.id).await?;
    tx.commit().await?;
    Ok(true)
}

/// Gives up on a job with a reason the member can read; queued again for
/// another try while attempts remain.
pub async fn fail(db: &Db, job: &Job, reason: &str) -> Result<(), StoreError> {
    let state = if job.attempts >= MAX_ATTEMPTS {
        "failed"
    } else {
        "queued"
    };
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "UPDATE analyses SET state = $1, failure = $2, lease_until = NULL, finished_at = $3 \
         WHERE id = $4 AND state = 'running' AND attempts = $5",
    )
    .bind(state)
    .bind(reason)
    .bind(now())
    .bind(job.id)
    .bind(job.attempts)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Finished analyses of the same content, other than `id`.
pub async fn same_sample(db: &Db, sha256: &str, id: i64) -> Result<Vec<AnalysisRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM analyses WHERE sha256 = $1 AND id <> $2 AND state = 'done' ORDER BY created_at DESC LIMIT 200"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(sha256)
        .bind(id)
        .fetch_all(&db.pool)
        .await?)
}

/// Finished analyses of a file with this hash; `column` is `md5`, `sha1`
/// or `sha256`.
pub async fn with_hash(db: &Db, column: &str, hash: &str) -> Result<Vec<AnalysisRow>, StoreError> {
    let column = match column {
        "md5" => "md5",
        "sha1" => "sha1",
        _ => "sha256",
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM analyses WHERE {column} = $1 AND state = 'done' \
         ORDER BY created_at DESC LIMIT 200"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(hash.to_ascii_lowercase())
        .fetch_all(&db.pool)
        .await?)
}

/// Finished analyses that found the indicator `(kind, value)` (the kinds
/// of [`super::seen::correlatable`]).
pub async fn with_indicator(
    db: &Db,
    key: &MasterKey,
    kind: &str,
    value: &str,
) -> Result<Vec<AnalysisRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM analyses WHERE state = 'done' AND id IN \
         (SELECT analysis_id FROM analysis_indicators WHERE lookup = $1) \
         ORDER BY created_at DESC LIMIT 200"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(indicator_lookup(key, kind, value))
        .fetch_all(&db.pool)
        .await?)
}

/// Recent finished analyses of other content with a fuzzy hash, to compare.
pub async fn with_tlsh(db: &Db, sha256: &str, limit: i64) -> Result<Vec<AnalysisRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM analyses WHERE tlsh IS NOT NULL AND sha256 <> $1 AND state = 'done' \
         ORDER BY created_at DESC LIMIT $2"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(sha256)
        .bind(limit)
        .fetch_all(&db.pool)
        .await?)
}

/// Finished analyses (other than `id`) sharing any of `lookups`, with the
/// look-ups they share.
pub async fn sharing_indicators(
    db: &Db,
    id: i64,
    lookups: &[String],
) -> Result<Vec<(AnalysisRow, Vec<String>)>, StoreError> {
    let mut shared: std::collections::BTreeMap<i64, Vec<String>> =
        std::collections::BTreeMap::new();
    for chunk in lookups.chunks(200) {
        let placeholders: Vec<String> = (2..chunk.len() + 2).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT analysis_id, lookup FROM analysis_indicators WHERE analysis_id <> $1 AND lookup IN ({}) LIMIT 2000",
            placeholders.join(", ")
        );
        let mut query = sqlx::query_as::<_, (i64, String)>(sqlx::AssertSqlSafe(sql)).bind(id);
        for lookup in chunk {
            query = query.bind(lookup);
        }
        for (analysis_id, lookup) in query.fetch_all(&db.pool).await? {
            shared.entry(analysis_id).or_default().push(lookup);
        }
    }
    // The newest 50, read in one query.
    let newest: Vec<(i64, Vec<String>)> = shared.into_iter().rev().take(50).collect();
    if newest.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (1..=newest.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT {COLUMNS} FROM analyses WHERE id IN ({}) ORDER BY id DESC",
        placeholders.join(", ")
    );
    let mut query = sqlx::query_as::<_, AnalysisRow>(sqlx::AssertSqlSafe(sql));
    for (id, _) in &newest {
        query = query.bind(*id);
    }
    let mut rows = query.fetch_all(&db.pool).await?;
    Ok(newest
        .into_iter()
        .filter_map(|(id, lookups)| {
            let at = rows.iter().position(|row| row.id == id)?;
            Some((rows.swap_remove(at), lookups))
        })
        .collect())
}

/// Analysts' rule files.
#[derive(Clone, Debug, FromRow)]
pub struct RulesetRow {
    pub id: i64,
    pub name: String,
    pub body: String,
    pub rule_count: i64,
    pub uploaded_by: i64,
    pub uploaded_at: i64,
}

pub async fn rulesets(db: &Db) -> Result<Vec<RulesetRow>, StoreError> {
    Ok(sqlx::query_as("SELECT id, name, body, rule_count, uploaded_by, uploaded_at FROM analysis_rulesets ORDER BY name")
        .fetch_all(&db.pool)
        .await?)
}

pub async fn rules_version(db: &Db) -> Result<i64, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT version FROM analysis_rules_version WHERE id = 1")
            .fetch_one(&db.pool)
            .await?,
    )
}

/// Adds or replaces a rule file (by name) and moves the version, so every
/// process recompiles.
pub async fn save_ruleset(
    tx: &mut Tx,
    name: &str,
    body: &str,
    rule_count: i64,
    user_id: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO analysis_rulesets (name, body, rule_count, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (name) DO UPDATE SET body = $2, rule_count = $3, uploaded_by = $4, uploaded_at = $5",
    )
    .bind(name)
    .bind(body)
    .bind(rule_count)
    .bind(user_id)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    bump_rules_version(tx).await
}

pub async fn delete_ruleset(tx: &mut Tx, id: i64) -> Result<Option<String>, StoreError> {
    let name: Option<String> =
        sqlx::query_scalar("DELETE FROM analysis_rulesets WHERE id = $1 RETURNING name")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
    if name.is_some() {
        bump_rules_version(tx).await?;
    }
    Ok(name)
}

async fn bump_rules_version(tx: &mut Tx) -> Result<(), StoreError> {
    sqlx::query("UPDATE analysis_rules_version SET version = version + 1 WHERE id = 1")
        .execute(&mut **tx)
        .await?;
    Ok(())
}
