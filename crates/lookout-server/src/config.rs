//! Operator settings. Loaded by the `lookout` binary from defaults, a TOML
//! file, `LOOKOUT_*` variables and flags, in that order of precedence.

use std::net::SocketAddr;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Where the SQLite database, the key file and the mail outbox live.
    pub data_dir: PathBuf,
    /// Address to listen on.
    pub listen: SocketAddr,
    /// `postgres://...` to use PostgreSQL; SQLite in `data_dir` when unset.
    pub database_url: Option<String>,
    /// The URL users reach the portal at, used in links sent by email.
    pub public_url: Option<String>,
    /// PEM certificate chain and private key: serve HTTPS with rustls.
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    /// A TLS-terminating proxy stands in front: allows a non-loopback
    /// listener without TLS, and marks cookies Secure.
    pub behind_proxy: bool,
    /// The proxies (addresses or CIDR networks) whose `X-Forwarded-For`
    /// names the client. Needed with `behind_proxy` for the per-address
    /// throttles (sign-in, resets, applications, receipt codes): without
    /// it they are off rather than shared by every client.
    pub trusted_proxies: Vec<String>,
    /// The bearer token a Prometheus scraper must send to read `/metrics`
    /// (`Authorization: Bearer ...`). Unset: `/metrics` answers 404.
    pub metrics_token: Option<String>,
    /// The master key as 64 hex characters. Every process of one portal
    /// must share it. When unset, `data_dir/secret.key` is used (created on
    /// first start).
    pub secret_key: Option<String>,
    pub session_idle_minutes: i64,
    pub session_max_hours: i64,
    /// How long a sensitive action may follow the last password entry.
    pub reauth_minutes: i64,
    pub invitation_days: i64,
    /// How many password hashes may be computed at once; each takes ~19 MiB
    /// and one core for ~50 ms.
    pub hash_concurrency: usize,
    pub smtp: Option<SmtpConfig>,
    pub mail_from: String,
    /// Incidents from anonymous and confidential reports become visible
    /// after a random delay in this window, in hours...
    pub publication_delay_min_hours: u32,
    pub publication_delay_max_hours: u32,
    /// ...and then only at the next multiple of this many hours (UTC), so
    /// they are released in batches.
    pub publication_batch_hours: u32,
    /// Largest attachment, in MiB, and how many one report may carry.
    pub attachment_max_mb: usize,
    pub attachments_per_report: usize,
    /// Membership tokens a member may fetch each month, until an admin
    /// sets another allowance on /admin/tokens.
    pub token_allowance: u32,
    /// Days after its month ends that a month's tokens can still be spent.
    pub token_grace_days: u32,
    /// Statistics show a figure only when at least this many reports stand
    /// behind it (the "k" of small-cell suppression).
    pub stats_min_count: u64,
    /// Advisories of this severity or above (1 low … 4 critical) need a
    /// second analyst's approval before they are published.
    pub advisory_approval_severity: i64,
    /// Networks (CIDR) webhook targets may be in although private or
    /// loopback, e.g. an internal chat server. Empty: public addresses only.
    pub webhook_allow: Vec<String>,
    /// Let webhook targets use plain `http://`. Off by default: alerts
    /// should not cross the internet in clear text.
    pub webhook_allow_http: bool,
    /// Attempts at a delivery before it is dead-lettered for admins (the
    /// waits double from 30 s up to 6 h: 10 attempts span about 8 hours).
    pub delivery_max_attempts: i64,
    /// The UTC hour at which daily digest emails go out.
    pub digest_hour_utc: u32,
    /// Largest file members may upload for analysis, in MiB.
    pub analysis_max_upload_mb: usize,
    /// Files this process analyses at once (0: this process analyses
    /// none, and leaves the queue to others).
    pub analysis_workers: usize,
    /// Seconds one file's analysis may take before it stops unpacking and
    /// scanning and reports what it has.
    pub analysis_time_limit_secs: u64,
    /// Seconds an upload may go without a byte arriving before it is given
    /// up (408). There is no total deadline: a slow link that keeps sending
    /// is never cut off.
    pub upload_idle_secs: u64,
    /// Minutes between two fetches of a news feed (at least 5).
    pub news_fetch_minutes: u64,
    /// Seconds one feed fetch (each redirect included) may take.
    pub news_fetch_timeout_secs: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    #[serde(default = "default_smtp_port")]
    pub port: u16,
    /// `starttls` (default), `tls` (implicit TLS) or `none` (only for a
    /// relay on the same host).
    #[serde(default = "default_smtp_security")]
    pub security: String,
    pub username: Option<String>,
    pub password: Option<String>,
}

fn default_smtp_port() -> u16 {
    587
}

fn default_smtp_security() -> String {
    "starttls".into()
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data_dir: PathBuf::from("lookout-data"),
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: None,
            public_url: None,
            tls_cert: None,
            tls_key: None,
            behind_proxy: false,
            metrics_token: None,
            trusted_proxies: Vec::new(),
            secret_key: None,
            session_idle_minutes: 30,
            session_max_hours: 12,
            reauth_minutes: 10,
            invitation_days: 7,
            hash_concurrency: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
            smtp: None,
            mail_from: "Lookout <lookout@localhost>".into(),
            publication_delay_min_hours: 24,
            publication_delay_max_hours: 72,
            publication_batch_hours: 6,
            attachment_max_mb: 16,
            attachments_per_report: 5,
            token_allowance: 10,
            token_grace_days: 31,
            stats_min_count: lookout_privacy::suppress::DEFAULT_K,
            advisory_approval_severity: 3,
            webhook_allow: Vec::new(),
            webhook_allow_http: false,
            delivery_max_attempts: 10,
            digest_hour_utc: 6,
            analysis_max_upload_mb: 64,
            analysis_workers: 1,
            analysis_time_limit_secs: 60,
            upload_idle_secs: 120,
            news_fetch_minutes: 60,
            news_fetch_timeout_secs: 20,
        }
    }
}

impl Config {
    pub fn tls_enabled(&self) -> bool {
        self.tls_cert.is_some() && self.tls_key.is_some()
    }

    /// Cookies get `Secure` and the `__Host-` prefix whenever the browser
    /// reaches us over HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.tls_enabled() || self.behind_proxy
    }

    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => {
                let scheme = if self.tls_enabled() { "https" } else { "http" };
                format!("{scheme}://{}", self.listen)
            }
        }
    }

    /// The largest request an upload route accepts: every attachment at
    /// its limit, and the form around them.
    /// The largest request any route accepts (the outer guard; each upload
    /// route has its own, `app::upload_route`).
    pub fn upload_limit(&self) -> usize {
        self.report_upload_limit()
            .max(self.forum_upload_limit())
            .max(self.analysis_upload_limit())
            .max(lookout_analysis::MAX_RULE_FILE)
            .saturating_add(crate::web::BODY_LIMIT)
    }

    /// The files one report may carry, in bytes.
    pub fn report_upload_limit(&self) -> usize {
        self.attachment_max_mb
            .saturating_mul(1024 * 1024)
            .saturating_mul(self.attachments_per_report)
    }

    /// The files one forum post may carry, in bytes.
    pub fn forum_upload_limit(&self) -> usize {
        self.attachment_max_mb
            .saturating_mul(1024 * 1024)
            .saturating_mul(FILES_PER_POST)
    }

    /// Largest sample accepted for analysis, in bytes.
    pub fn analysis_upload_limit(&self) -> usize {
        self.analysis_max_upload_mb.saturating_mul(1024 * 1024)
    }

    pub fn database_url(&self) -> Result<String, crate::db::DbError> {
        match &self.database_url {
            Some(url) => Ok(url.clone()),
            None => crate::db::Db::sqlite_url_in(&self.data_dir),
        }
    }

    /// Refuses settings that would expose the portal without TLS.
    pub fn check(&self) -> Result<(), String> {
        if self.tls_cert.is_some() != self.tls_key.is_some() {
            return Err("give both tls_cert and tls_key, or neither".into());
        }
        if !self.listen.ip().is_loopback() && !self.tls_enabled() && !self.behind_proxy {
            return Err(format!(
                "refusing to listen on {} without TLS: give --tls-cert and --tls-key, \
                 or --behind-proxy if a TLS-terminating proxy stands in front",
                self.listen
            ));
        }
        if self.publication_delay_max_hours < self.publication_delay_min_hours {
            return Err(
                "publication_delay_max_hours must not be below publication_delay_min_hours".into(),
            );
        }
        if self
            .metrics_token
            .as_deref()
            .is_some_and(|t| t.len() < 32 || !t.bytes().all(|b| b.is_ascii_graphic()))
        {
            return Err(
                "metrics_token must be at least 32 printable characters without spaces \
                 (generate one with: openssl rand -hex 32)"
                    .into(),
            );
        }
        if self.hash_concurrency == 0 {
            return Err("hash_concurrency must be at least 1".into());
        }
        if self.stats_min_count < 2 {
            return Err(
                "stats_min_count must be at least 2: a figure of 1 points at one reporter".into(),
            );
        }
        if !(1..=5).contains(&self.advisory_approval_severity) {
            return Err(
                "advisory_approval_severity must be 1 to 4, or 5 to never ask for approval".into(),
            );
        }
        if self.delivery_max_attempts < 1 {
            return Err("delivery_max_attempts must be at least 1".into());
        }
        if self.digest_hour_utc > 23 {
            return Err("digest_hour_utc must be an hour from 0 to 23".into());
        }
        if !(1..=1024).contains(&self.analysis_max_upload_mb) {
            return Err("analysis_max_upload_mb must be 1 to 1024".into());
        }
        if !(5..=3600).contains(&self.upload_idle_secs) {
            return Err("upload_idle_secs must be 5 to 3600".into());
        }
        if !(1..=3600).contains(&self.analysis_time_limit_secs) {
            return Err("analysis_time_limit_secs must be 1 to 3600".into());
        }
        self.outbound_policy()?;
        self.parse_trusted_proxies()?;
        Ok(())
    }

    fn parse_trusted_proxies(&self) -> Result<Vec<ipnet::IpNet>, String> {
        self.trusted_proxies
            .iter()
            .map(|net| {
                let net = net.trim();
                net.parse::<ipnet::IpNet>()
                    .or_else(|_| net.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                    .map_err(|_| {
                        format!("trusted_proxies: {net:?} is not an address or a network such as 10.0.0.0/24")
                    })
            })
            .collect()
    }

    /// The trusted proxies' networks (`check` refused any that do not
    /// parse, so none is dropped here silently).
    pub fn trusted_proxy_networks(&self) -> Vec<ipnet::IpNet> {
        self.parse_trusted_proxies().unwrap_or_default()
    }

    /// What webhook deliveries may reach: public addresses, plus the
    /// networks the operator allow-listed.
    pub fn outbound_policy(&self) -> Result<lookout_outbound::Policy, String> {
        let allow = self
            .webhook_allow
            .iter()
            .map(|net| {
                net.trim()
                    .parse::<ipnet::IpNet>()
                    .or_else(|_| {
                        net.trim()
                            .parse::<std::net::IpAddr>()
                            .map(ipnet::IpNet::from)
                    })
                    .map_err(|_| {
                        format!("webhook_allow: {net:?} is not a network such as 10.20.0.0/16")
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(lookout_outbound::Policy {
            allow,
            https_only: !self.webhook_allow_http,
            ..lookout_outbound::Policy::default()
        })
    }
}

/// Files one forum post may carry: the forum's route limit is made of it.
pub const FILES_PER_POST: usize = 5;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_listener_needs_tls_or_a_proxy() {
        let mut config = Config {
            listen: "0.0.0.0:443".parse().unwrap(),
            ..Config::default()
        };
        assert!(config.check().unwrap_err().contains("without TLS"));
        config.behind_proxy = true;
        assert!(config.check().is_ok());
        assert!(config.secure_cookies());
    }

    #[test]
    fn half_a_tls_configuration_is_refused() {
        let config = Config {
            tls_cert: Some("cert.pem".into()),
            ..Config::default()
        };
        assert!(config.check().is_err());
    }

    #[test]
    fn loopback_without_tls_is_fine_and_cookies_are_not_secure() {
        let config = Config::default();
        assert!(config.check().is_ok());
        assert!(!config.secure_cookies());
        assert_eq!(config.public_url(), "http://127.0.0.1:8080");
    }
}
