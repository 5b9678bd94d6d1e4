//! Running a test once per database backend.

use std::fmt;
use std::ops::Deref;
use std::path::{Path, PathBuf};

use sqlx::Connection as _;

/// One database to run a test against: a fresh SQLite file, or a fresh
/// PostgreSQL database. Reads as its URL (`&backend` passes for `&str`).
#[derive(Clone, Debug)]
pub struct Backend {
    url: String,
    postgres: bool,
    dir: PathBuf,
}

impl Backend {
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A directory of the run's own, removed after it: the SQLite file
    /// lives here (tests search it); scratch space on PostgreSQL.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn is_postgres(&self) -> bool {
        self.postgres
    }

    /// What to give the `lookout` binary as `--database-url`: the
    /// PostgreSQL database, or nothing on SQLite, where the binary keeps
    /// its database in its data directory (which some tests search).
    pub fn postgres_url(&self) -> Option<String> {
        self.postgres.then(|| self.url.clone())
    }
}

impl Deref for Backend {
    type Target = str;

    fn deref(&self) -> &str {
        &self.url
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.url)
    }
}

/// Runs `body` once on SQLite and, when `LOOKOUT_TEST_DATABASE_URL` names
/// a PostgreSQL server, once more on a database of its own there; one
/// after the other, so a failure names the backend by its URL.
pub async fn each_backend(mut body: impl AsyncFnMut(Backend)) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for backend in backends(dir.path()).await {
        body(backend).await;
    }
}

/// The URL of a new SQLite database file in `dir`.
pub fn sqlite_url(dir: &Path) -> String {
    format!("sqlite://{}?mode=rwc", dir.join("test.sqlite3").display())
}

/// A fresh SQLite file in `dir`, and a fresh PostgreSQL database when
/// configured.
async fn backends(dir: &Path) -> Vec<Backend> {
    let mut backends = vec![Backend {
        url: sqlite_url(dir),
        postgres: false,
        dir: dir.to_path_buf(),
    }];
    if let Ok(base) = std::env::var("LOOKOUT_TEST_DATABASE_URL")
        && !base.is_empty()
    {
        backends.push(Backend {
            url: fresh_postgres(&base).await,
            postgres: true,
            dir: dir.to_path_buf(),
        });
    }
    backends
}

/// A new, empty database on the PostgreSQL server at `base`; its URL.
pub async fn fresh_postgres(base: &str) -> String {
    let name = format!(
        "lookout_t_{}",
        hex::encode(lookout_server::secrets::random_bytes::<6>().expect("random bytes"))
    );
    let mut conn = sqlx::PgConnection::connect(base)
        .await
        .expect("connect to PostgreSQL");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .expect("create test database");
    let mut url = url::Url::parse(base).expect("LOOKOUT_TEST_DATABASE_URL is a URL");
    url.set_path(&format!("/{name}"));
    url.to_string()
}
