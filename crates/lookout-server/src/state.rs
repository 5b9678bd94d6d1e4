//! What every request handler can reach. Nothing here is per-process state
//! that matters to users: sessions, throttles and audit live in the
//! database. Features keep their own per-process handles (hubs, wakers,
//! caches) in [`Handles`], not as fields here.

use std::sync::Arc;

use crate::accounts::passwords::Hasher;
use crate::config::Config;
use crate::db::Db;
use crate::mail::Mailer;
use crate::ops::Metrics;
use crate::runtime::{Handles, Stopping};
use crate::secrets::MasterKey;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub key: MasterKey,
    pub hasher: Hasher,
    pub mailer: Mailer,
    pub metrics: Metrics,
    /// Ends live event streams when the server stops.
    pub stopping: Stopping,
    /// What webhook deliveries may reach, read from the settings once.
    pub outbound: Arc<lookout_outbound::Policy>,
    /// Each feature's per-process handles.
    pub handles: Handles,
}

impl AppState {
    /// Connects to the database (applying migrations) and loads the key.
    /// `app::open` adds what features need before serving.
    pub async fn open(config: Config) -> anyhow::Result<AppState> {
        let db = Db::connect(&config.database_url()?).await?;
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
            metrics: Metrics::default(),
            stopping: Stopping::default(),
            outbound,
            handles: Handles::default(),
        })
    }
}

pub fn load_key(config: &Config) -> Result<MasterKey, crate::secrets::SecretError> {
    match &config.secret_key {
        Some(hex) => MasterKey::from_hex(hex),
        None => MasterKey::load_or_create(&config.data_dir.join("secret.key")),
    }
}
