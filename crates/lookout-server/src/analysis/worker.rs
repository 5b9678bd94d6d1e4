//! The analysis workers: a bounded pool per process (`analysis_workers`)
//! taking queued analyses from the database, so any process of the portal
//! may analyse what any other received. Each file runs on a blocking thread
//! with the configured time limit; a file that crashes or outlives it is
//! retried up to [`store::MAX_ATTEMPTS`] times, then marked failed with a
//! reason the member can read.

use std::sync::Arc;
use std::time::Duration;

use lookout_analysis::{Analysis, Limits, RuleSource, Rules};
use tokio::sync::Mutex;

use super::seen::correlatable;
use super::store::{self, Job, StoreError};
use crate::db::now;
use crate::runtime::Wake;
use crate::state::AppState;

/// Work for this process's analysis workers: a file uploaded here.
/// Workers of other processes find it within a second by polling.
pub enum Uploaded {}

/// Wakes this process's workers after an upload.
pub fn wake(state: &AppState) {
    state.handles.get::<Wake<Uploaded>>().wake_all();
}

/// The compiled rules, shared by this process's workers and rebuilt when
/// an analyst changes a rule file (any process: the version is a row).
#[derive(Clone, Default)]
pub struct RuleCache(Arc<Mutex<Option<Compiled>>>);

/// Rules compiled at one rules version.
type Compiled = (i64, Arc<Rules>);

/// Extra time a worker allows past the analysis's own limit before it
/// gives up waiting: the limit is checked between steps, not inside one.
const GRACE: Duration = Duration::from_secs(30);

pub async fn run(state: AppState) {
    for _ in 0..state.config.analysis_workers {
        tokio::spawn(work(state.clone()));
    }
}

async fn work(state: AppState) {
    let wake = state.handles.get::<Wake<Uploaded>>();
    let stopping = state.stopping.wait();
    tokio::pin!(stopping);
    loop {
        let pause = match round(&state).await {
            Ok(true) => continue,
            Ok(false) => Duration::from_secs(1),
            Err(error) => {
                tracing::warn!(error = %error, "analysis worker");
                Duration::from_secs(5)
            }
        };
        tokio::select! {
            () = &mut stopping => return,
            () = wake.woken() => {}
            () = tokio::time::sleep(pause) => {}
        }
    }
}

/// Runs at most one queued analysis; tells whether there was one.
pub async fn round(state: &AppState) -> Result<bool, StoreError> {
    let limit = Duration::from_secs(state.config.analysis_time_limit_secs);
    let lease = i64::try_from((limit + GRACE * 2).as_secs()).unwrap_or(i64::MAX);
    let Some(job) = store::claim(&state.db, now(), lease).await? else {
        return Ok(false);
    };
    if job.attempts > store::MAX_ATTEMPTS {
        // Its earlier workers died with it (the process crashed or was
        // killed mid-analysis): stop before it takes another one down.
        store::fail(
            &state.db,
            &job,
            "The analysis stopped the analyser several times: the file may be built to crash analysers. Treat it as malicious and ask an analyst.",
        )
        .await?;
        return Ok(true);
    }
    let Some(bytes) = store::sample(&state.db, &state.key, &job.sha256).await? else {
        store::fail(&state.db, &job, "The file is no longer stored.").await?;
        return Ok(true);
    };
    let rules = rules(state).await?;
    let limits = Limits {
        time_limit: limit,
        ..Limits::default()
    };
    let task = tokio::task::spawn_blocking(move || {
        lookout_analysis::analyze(&bytes, Some(&rules), &limits)
    });
    match tokio::time::timeout(limit + GRACE, task).await {
        Ok(Ok(analysis)) => record(state, &job, &analysis).await?,
        Ok(Err(_)) => {
            tracing::warn!(analysis = %job.reference, "analysis thread failed");
            store::fail(
                &state.db,
                &job,
                "The analysis stopped unexpectedly: the file may be built to crash analysers. Treat it as malicious and ask an analyst.",
            )
            .await?;
        }
        Err(_) => {
            tracing::warn!(analysis = %job.reference, "analysis overran its time limit");
            store::fail(
                &state.db,
                &job,
                &format!(
                    "The analysis took longer than {} seconds and was stopped.",
                    limit.as_secs()
                ),
            )
            .await?;
        }
    }
    Ok(true)
}

async fn record(state: &AppState, job: &Job, analysis: &Analysis) -> Result<(), StoreError> {
    let lookups: Vec<String> = correlatable(analysis)
        .iter()
        .map(|(kind, value)| store::indicator_lookup(&state.key, kind, value))
        .collect();
    store::finish(&state.db, &state.key, job, analysis, &lookups).await?;
    Ok(())
}

/// The starter rules with the analysts' files, compiled once per version.
pub async fn rules(state: &AppState) -> Result<Arc<Rules>, StoreError> {
    let version = store::rules_version(&state.db).await?;
    let rule_cache = state.handles.get::<RuleCache>();
    let mut cache = rule_cache.0.lock().await;
    if let Some((cached, rules)) = cache.as_ref()
        && *cached == version
    {
        return Ok(rules.clone());
    }
    let files: Vec<RuleSource> = store::rulesets(&state.db)
        .await?
        .into_iter()
        .map(|r| RuleSource::new(r.name, r.body))
        .collect();
    let compiled = tokio::task::spawn_blocking(move || match Rules::starter_and(&files) {
        Ok(rules) => Ok(rules),
        // Files are checked on upload; if the set still fails (an engine
        // upgrade), analysing with the starter rules beats analysing none.
        Err(error) => {
            tracing::error!(error = %error, "analysts' rule files no longer compile; using the starter rules");
            Rules::starter()
        }
    })
    .await
    .map_err(|e| StoreError::Rules(e.to_string()))?
    .map_err(|e| StoreError::Rules(e.to_string()))?;
    let rules = Arc::new(compiled);
    *cache = Some((version, rules.clone()));
    Ok(rules)
}
