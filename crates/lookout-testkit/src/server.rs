//! A real portal in-process on a real port.

use std::path::PathBuf;

use lookout_server::accounts::operator::{self, NewMember};
use lookout_server::audit::Actor;
use lookout_server::{AppState, Config};

use crate::{PASSWORD, Site, outbox_mails};

/// Opens a portal over `data_dir` on a free loopback port and serves it in
/// the background; its state and base URL. The only place in the tests
/// and benchmarks that builds a portal in-process, so that a change to how
/// the server is assembled is made here once.
pub async fn open_portal(
    data_dir: PathBuf,
    database_url: Option<String>,
    tweak: impl FnOnce(&mut Config),
) -> anyhow::Result<(AppState, String)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let mut config = Config {
        data_dir,
        database_url,
        listen: addr,
        ..Config::default()
    };
    tweak(&mut config);
    let state = lookout_server::app::open(config).await?;
    tokio::spawn(lookout_server::app::run_on(state.clone(), listener));
    Ok((state, format!("http://{addr}")))
}

pub struct TestServer {
    pub base: String,
    pub state: AppState,
    pub data_dir: PathBuf,
    _dir: Option<tempfile::TempDir>,
}

impl Site for TestServer {
    fn base(&self) -> &str {
        &self.base
    }
}

impl TestServer {
    /// A portal on `database_url` over a temporary data directory of its
    /// own, with the server's default settings but for `tweak` (the
    /// benchmarks' portal).
    pub async fn open(
        database_url: Option<&str>,
        tweak: impl FnOnce(&mut Config),
    ) -> anyhow::Result<TestServer> {
        let dir = tempfile::tempdir()?;
        let data_dir = dir.path().to_path_buf();
        let (state, base) =
            open_portal(data_dir.clone(), database_url.map(str::to_string), tweak).await?;
        Ok(TestServer {
            base,
            state,
            data_dir,
            _dir: Some(dir),
        })
    }

    /// A test's portal on `database_url` over a temporary data directory.
    pub async fn start(database_url: &str) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let data_dir = dir.path().to_path_buf();
        let mut server = Self::start_in(database_url, data_dir, None).await;
        server._dir = Some(dir);
        server
    }

    /// A server over `data_dir`, sharing its key file with any other server
    /// started on the same directory.
    pub async fn start_in(
        database_url: &str,
        data_dir: PathBuf,
        tweak: Option<&dyn Fn(&mut Config)>,
    ) -> TestServer {
        let (state, base) =
            open_portal(data_dir.clone(), Some(database_url.to_string()), |config| {
                // Two sign-ins hash at once, whatever the machine's cores.
                config.hash_concurrency = 2;
                if let Some(tweak) = tweak {
                    tweak(config);
                }
            })
            .await
            .expect("open portal");
        TestServer {
            base,
            state,
            data_dir,
            _dir: None,
        }
    }

    pub fn url(&self, path: &str) -> String {
        Site::url(self, path)
    }

    pub async fn org(&self, name: &str, kind: &str) -> i64 {
        operator::create_org(&self.state.db, &self.state.key, name, kind, Actor::Cli)
            .await
            .unwrap()
            .id
    }

    /// An account with [`PASSWORD`], named after its address.
    pub async fn user(&self, email: &str, role: &str, org: Option<&str>) -> i64 {
        let name = email.split('@').next().unwrap_or(email);
        self.create_user(email, name, role, org).await.unwrap()
    }

    /// An account with [`PASSWORD`].
    pub async fn create_user(
        &self,
        email: &str,
        display_name: &str,
        role: &str,
        org: Option<&str>,
    ) -> anyhow::Result<i64> {
        let member = NewMember {
            email,
            display_name,
            role,
            org,
            password: PASSWORD,
        };
        Ok(
            operator::create_user(&self.state.db, &self.state.key, member, Actor::Cli)
                .await?
                .id,
        )
    }

    /// Mail written to the outbox, oldest first.
    pub fn mails(&self) -> Vec<String> {
        outbox_mails(&self.data_dir.join("outbox"))
    }

    /// [`Self::link_in_mail`] for mail sent after the answer (password
    /// resets): waits up to 20 s for a mail to `to` with such a link.
    pub async fn wait_link_in_mail(&self, to: &str, path_prefix: &str) -> String {
        let needle = format!("{}{path_prefix}", self.base);
        for _ in 0..200 {
            if self
                .mails()
                .iter()
                .any(|m| m.contains(&format!("To: {to}")) && m.contains(&needle))
            {
                return self.link_in_mail(to, path_prefix);
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("no mail to {to} with a {path_prefix} link within 20 s")
    }

    /// The first link under `path_prefix` in the newest mail to `to`.
    pub fn link_in_mail(&self, to: &str, path_prefix: &str) -> String {
        let mail = self
            .mails()
            .into_iter()
            .rev()
            .find(|m| m.contains(&format!("To: {to}")))
            .unwrap_or_else(|| panic!("no mail to {to}"));
        let needle = format!("{}{path_prefix}", self.base);
        let start = mail
            .find(&needle)
            .unwrap_or_else(|| panic!("no {path_prefix} link in mail:\n{mail}"));
        mail[start..].split_whitespace().next().unwrap().to_string()
    }
}
