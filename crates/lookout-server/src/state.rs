//! What every request handler can reach. Nothing here is per-process state
//! that matters to users: sessions, throttles and audit live in the database.

use std::sync::Arc;

use crate::accounts::passwords::Hasher;
use crate::config::Config;
use crate::db::Db;
use crate::mail::Mailer;
use crate::secrets::MasterKey;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub key: MasterKey,
    pub hasher: Hasher,
    pub mailer: Mailer,
    pub metrics: crate::ops::Metrics,
    /// Tells live statistics pages when figures change.
    pub live: crate::stats::live::Hub,
    /// Wakes this process's alert worker and live alert streams.
    pub alerts: crate::alerts::live::Hub,
    /// Ends live event streams when the server stops.
    pub stopping: crate::serve::Stopping,
    /// What webhook deliveries may reach, read from the settings once.
    pub outbound: Arc<lookout_outbound::Policy>,
    /// Wakes this process's analysis workers on an upload.
    pub analysis_wake: crate::analysis::worker::Wake,
    /// This process's compiled analysis rules, rebuilt when they change.
    pub analysis_rules: crate::analysis::worker::RuleCache,
    /// Wakes this process's news-feed worker.
    pub news_wake: crate::news::Wake,
}

impl AppState {
    /// Connects to the database (applying migrations) and loads the key.
    pub async fn open(config: Config) -> anyhow::Result<AppState> {
        let db = Db::connect(&config.database_url()?).await?;
        crate::search::index::rebuild_if_stale(&db).await?;
        let key = load_key(&config)?;
        crate::audit::key_chain(&db, &key).await?;
        if !crate::audit::seals_with(&db, &key).await? {
            anyhow::bail!(crate::audit::WRONG_KEY);
        }
        let hasher = Hasher::new(config.hash_concurrency)?;
        let mailer = Mailer::from_config(&config)?;
        let outbound = Arc::new(config.outbound_policy().map_err(anyhow::Error::msg)?);
        Ok(AppState {
            db,
            config: Arc::new(config),
            key,
            hasher,
            mailer,
            metrics: crate::ops::Metrics::default(),
            live: crate::stats::live::Hub::default(),
            alerts: crate::alerts::live::Hub::default(),
            stopping: crate::serve::Stopping::default(),
            outbound,
            analysis_wake: Default::default(),
            analysis_rules: Default::default(),
            news_wake: Default::default(),
        })
    }
}

pub fn load_key(config: &Config) -> Result<MasterKey, crate::secrets::SecretError> {
    match &config.secret_key {
        Some(hex) => MasterKey::from_hex(hex),
        None => MasterKey::load_or_create(&config.data_dir.join("secret.key")),
    }
}
