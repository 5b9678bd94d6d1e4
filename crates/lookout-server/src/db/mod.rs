//! One database handle for both backends.
//!
//! All SQL in the crate is written once, with `$n` placeholders, and runs on
//! SQLite and PostgreSQL through sqlx's `Any` driver. Values cross the driver
//! as the few types `Any` supports (i64, f64, text, blobs): ids are i64, times
//! are unix seconds, flags are 0/1.

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database URL (use sqlite://PATH or postgres://...)")]
    UnsupportedUrl,
    #[error("could not create the data directory {0}: {1}")]
    DataDir(String, std::io::Error),
}

/// Tables whose write order could date an anonymous reporter, with the
/// index whose order (random ids, fingerprints, member ids) says nothing
/// of time. See [`Db::scatter_write_order`].
pub const UNORDERED_TABLES: [(&str, &str); 5] = [
    ("reports", "reports_pkey"),
    ("report_messages", "report_messages_pkey"),
    ("report_attachments", "report_attachments_pkey"),
    ("spent_tokens", "spent_tokens_pkey"),
    ("token_issuance", "token_issuance_pkey"),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
}

pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

impl Db {
    /// Connects and applies this backend's migrations.
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(DbError::UnsupportedUrl);
        };
        let options = AnyConnectOptions::from_str(url)?;
        let pool = match backend {
            Backend::Sqlite => {
                AnyPoolOptions::new()
                    .max_connections(8)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            // WAL lets readers run beside the one writer; the busy
                            // timeout makes a second process (the admin CLI while a
                            // server runs) wait instead of failing. FULL syncs the
                            // WAL at every commit: an acknowledged report survives a
                            // power cut, not only a crash of the portal.
                            conn.execute(
                                "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000; \
                                 PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;",
                            )
                            .await?;
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await?
            }
            Backend::Postgres => {
                AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await?
            }
        };
        let db = Db { pool, backend };
        db.migrate().await?;
        Ok(db)
    }

    /// The SQLite URL for a data directory, creating the directory readable
    /// by the portal's own user only (it holds the database and key file).
    pub fn sqlite_url_in(data_dir: &std::path::Path) -> Result<String, DbError> {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder
            .create(data_dir)
            .map_err(|e| DbError::DataDir(data_dir.display().to_string(), e))?;
        Ok(format!(
            "sqlite://{}?mode=rwc",
            data_dir.join("lookout.sqlite3").display()
        ))
    }

    async fn migrate(&self) -> Result<(), DbError> {
        match self.backend {
            Backend::Sqlite => {
                sqlx::migrate!("./migrations/sqlite")
                    .run(&self.pool)
                    .await?
            }
            Backend::Postgres => {
                sqlx::migrate!("./migrations/postgres")
                    .run(&self.pool)
                    .await?
            }
        }
        Ok(())
    }

    /// Begins a transaction that will write. On SQLite it takes the write lock
    /// up front (`BEGIN IMMEDIATE`), so two writers queue on the busy timeout
    /// instead of one failing when it upgrades a read lock.
    pub async fn begin_write(&self) -> Result<Tx, DbError> {
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(tx)
    }

    /// On PostgreSQL a table's file keeps rows in the order they were
    /// written, and a copy (or `pg_dump`) lists them so: random ids alone
    /// would not stop it dating an anonymous report between attributed
    /// neighbours. Once an hour (one process claims the hour), each table
    /// in [`UNORDERED_TABLES`] is rewritten in the order of its random or
    /// timeless key, so only rows written since the hour began keep their
    /// order. SQLite already stores rows in key order. Returns whether
    /// this call did the rewrite.
    pub async fn scatter_write_order(&self, at: i64) -> Result<bool, DbError> {
        if self.backend != Backend::Postgres {
            return Ok(false);
        }
        let hour = (at - at.rem_euclid(3600)).to_string();
        let claimed = sqlx::query(
            "INSERT INTO settings (name, value) VALUES ('write_order_scattered', $1) \
             ON CONFLICT (name) DO UPDATE SET value = excluded.value \
             WHERE CAST(settings.value AS BIGINT) < CAST(excluded.value AS BIGINT)",
        )
        .bind(&hour)
        .execute(&self.pool)
        .await?
        .rows_affected()
            == 1;
        if !claimed {
            return Ok(false);
        }
        for (table, index) in UNORDERED_TABLES {
            // Names from the constant above, never from input.
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "CLUSTER {table} USING {index}"
            )))
            .execute(&self.pool)
            .await?;
        }
        Ok(true)
    }

    pub async fn ping(&self) -> Result<(), DbError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}

/// True when the error is a unique-constraint violation (both backends).
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(db) => db.is_unique_violation(),
        _ => false,
    }
}

/// A `LIKE … ESCAPE '\\'` pattern matching text that contains `piece`,
/// upper-cased (compare with `UPPER(column)`: SQLite's LIKE ignores ASCII
/// case, PostgreSQL's does not); empty for an empty piece. The reader's
/// `%` and `_` are matched as themselves.
pub fn contains_pattern(piece: &str) -> String {
    if piece.is_empty() {
        return String::new();
    }
    let mut pattern = String::from("%");
    for c in piece.to_uppercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
