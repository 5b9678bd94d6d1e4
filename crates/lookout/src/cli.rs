//! Command-line parsing and configuration loading.
//!
//! Settings come from, in rising precedence: built-in defaults, a TOML file
//! (`--config`, or `lookout.toml` in the working directory when present),
//! `LOOKOUT_*` environment variables (nested keys with `__`, e.g.
//! `LOOKOUT_SMTP__HOST`), and command-line flags. `LOOKOUT_LOG` sets the
//! log filter (tracing's EnvFilter syntax, default `info`).

use std::io::Read as _;
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use lookout_server::Config;
use lookout_server::accounts::operator::{self, NewMember};
use lookout_server::audit::{self, Actor, Verdict};
use serde::Serialize;

#[derive(Parser)]
#[command(
    name = "lookout",
    version,
    about = "Lookout: confidential incident reporting for the maritime industry"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the portal.
    Serve(ServeArgs),
    /// Operator tasks on the database (safe while a server runs).
    Admin(AdminArgs),
    /// Scrub identifiers from text on standard input; prints one JSON
    /// object: {"text": scrubbed text, "findings": [{"kind", "start",
    /// "end"}]} with character offsets into the input.
    Scrub {
        /// Known names, one a line, each optionally prefixed with its kind
        /// (`org:`, `vessel:`, `domain:`, `person:`); unprefixed lines are
        /// domains when they look like one, organisations otherwise.
        #[arg(long, value_name = "FILE")]
        known_names: Option<PathBuf>,
    },
    /// Send a report to a portal over its API (for terminals without a
    /// browser).
    #[command(subcommand)]
    Report(crate::report::ReportCommand),
    /// Membership tokens: fetch them blind, to spend with anonymous
    /// reports (`report submit --token-file`).
    #[command(subcommand)]
    Token(crate::token::TokenCommand),
    /// Analyse a suspicious file offline, without a server: hashes, type,
    /// structure, macros, scripts, archive members, rule matches and a
    /// verdict.
    Analyze(crate::analyze::AnalyzeArgs),
}

/// Where the data lives; accepted by every command, anywhere on the line.
#[derive(Args, Serialize, Default, Clone)]
struct StorageArgs {
    /// Directory for the SQLite database, key file and mail outbox
    /// [default: ./lookout-data]
    #[arg(long, global = true, value_name = "DIR")]
    #[serde(skip_serializing_if = "Option::is_none")]
    data_dir: Option<PathBuf>,
    /// PostgreSQL URL (postgres://user@host/db) instead of SQLite
    #[arg(long, global = true, value_name = "URL")]
    #[serde(skip_serializing_if = "Option::is_none")]
    database_url: Option<String>,
    /// TOML configuration file [default: ./lookout.toml when present]
    #[arg(long, global = true, value_name = "FILE")]
    #[serde(skip)]
    config: Option<PathBuf>,
}

#[derive(Args, Serialize, Default)]
#[command(
    after_help = "Every setting can also come from the TOML file or a LOOKOUT_* \
environment variable: LOOKOUT_LISTEN, LOOKOUT_DATA_DIR, LOOKOUT_DATABASE_URL, \
LOOKOUT_PUBLIC_URL, LOOKOUT_TLS_CERT, LOOKOUT_TLS_KEY, LOOKOUT_BEHIND_PROXY, \
LOOKOUT_SECRET_KEY, LOOKOUT_SESSION_IDLE_MINUTES, LOOKOUT_SESSION_MAX_HOURS, \
LOOKOUT_REAUTH_MINUTES, LOOKOUT_INVITATION_DAYS, LOOKOUT_HASH_CONCURRENCY, \
LOOKOUT_MAIL_FROM, LOOKOUT_SMTP__HOST, LOOKOUT_SMTP__PORT, LOOKOUT_SMTP__SECURITY \
(starttls, tls or none), LOOKOUT_SMTP__USERNAME, LOOKOUT_SMTP__PASSWORD, \
LOOKOUT_ANALYSIS_MAX_UPLOAD_MB, LOOKOUT_ANALYSIS_WORKERS, LOOKOUT_ANALYSIS_TIME_LIMIT_SECS \
(file analysis). Flags win over the environment, which wins over the file."
)]
struct ServeArgs {
    #[command(flatten)]
    #[serde(flatten)]
    storage: StorageArgs,
    /// Address to listen on [default: 127.0.0.1:8080]
    #[arg(long, value_name = "ADDR")]
    #[serde(skip_serializing_if = "Option::is_none")]
    listen: Option<SocketAddr>,
    /// Public URL used in emailed links [default: derived from --listen]
    #[arg(long, value_name = "URL")]
    #[serde(skip_serializing_if = "Option::is_none")]
    public_url: Option<String>,
    /// PEM certificate chain: serve HTTPS (with --tls-key)
    #[arg(long, value_name = "FILE")]
    #[serde(skip_serializing_if = "Option::is_none")]
    tls_cert: Option<PathBuf>,
    /// PEM private key for --tls-cert
    #[arg(long, value_name = "FILE")]
    #[serde(skip_serializing_if = "Option::is_none")]
    tls_key: Option<PathBuf>,
    /// A TLS-terminating proxy stands in front: allow a non-loopback
    /// listener without TLS and mark cookies Secure
    #[arg(long)]
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    behind_proxy: bool,
    /// Seed a demo world (a dozen organisations, members and staff) into an
    /// empty portal and print the sign-in details once
    #[arg(long)]
    #[serde(skip)]
    demo: bool,
}

#[derive(Args)]
struct AdminArgs {
    #[command(flatten)]
    storage: StorageArgs,
    #[command(subcommand)]
    command: AdminCommand,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a member organisation.
    CreateOrg {
        #[arg(long)]
        name: String,
        /// ship-owner, port, pi-club, flag-state, class-society or other
        #[arg(long)]
        kind: String,
    },
    /// Create an account; the password is read from standard input.
    CreateUser {
        #[arg(long)]
        email: String,
        /// member, org-admin, analyst, editor, moderator or admin
        #[arg(long)]
        role: String,
        /// The organisation's name (members and org-admins)
        #[arg(long)]
        org: Option<String>,
        /// The name other members see [default: the email's local part]
        #[arg(long)]
        name: Option<String>,
        /// Read the password from standard input (required: passwords are
        /// never taken as arguments, which other users can see)
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Create an API token for a member; prints it once, as the last word.
    CreateApiToken {
        #[arg(long)]
        email: String,
        /// read, write, admin (repeatable) [default: read]
        #[arg(long = "scope")]
        scopes: Vec<String>,
        #[arg(long, default_value = "command line")]
        name: String,
    },
    /// List all accounts.
    ListUsers,
    /// Disable an account: ends its sessions and revokes its API tokens.
    DisableUser {
        #[arg(long)]
        email: String,
    },
    /// Check the audit log's hash chain.
    VerifyAudit,
}

fn figment(storage: &StorageArgs) -> Figment {
    let mut figment = Figment::from(Serialized::defaults(Config::default()));
    match &storage.config {
        Some(path) => figment = figment.merge(Toml::file_exact(path)),
        None => figment = figment.merge(Toml::file("lookout.toml")),
    }
    // LOOKOUT_LOG sets the log filter and LOOKOUT_TEST_DATABASE_URL is the
    // test suite's: neither is a portal setting.
    figment.merge(
        Env::prefixed("LOOKOUT_")
            .ignore(&["log", "test_database_url"])
            .split("__"),
    )
}

fn load_config<T: Serialize>(storage: &StorageArgs, flags: &T) -> anyhow::Result<Config> {
    figment(storage)
        .merge(Serialized::defaults(flags))
        .extract()
        .context("invalid configuration")
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => serve(args).await,
        Command::Admin(args) => admin(args).await,
        Command::Scrub { known_names } => scrub(known_names.as_deref()),
        Command::Report(command) => crate::report::run(command).await,
        Command::Token(command) => crate::token::run(command).await,
        Command::Analyze(args) => crate::analyze::run(args),
    }
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("LOOKOUT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .init();
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    init_logging();
    let config = load_config(&args.storage, &args)?;
    config.check().map_err(anyhow::Error::msg)?;
    let state = lookout_server::app::open(config).await?;
    if args.demo {
        let accounts = lookout_server::demo::seed(&state).await?;
        lookout_server::demo::print_accounts(&accounts, &state.config.public_url());
    }
    println!(
        "Lookout is running at {}/ (Ctrl-C to stop)",
        state.config.public_url()
    );
    lookout_server::app::run(state).await
}

fn scrub(known_names: Option<&std::path::Path>) -> anyhow::Result<()> {
    let mut lists = lookout_privacy::NameLists::default();
    if let Some(path) = known_names {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        for line in text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            let (kind, name) = match line.split_once(':') {
                Some((kind @ ("org" | "vessel" | "domain" | "person"), name)) => {
                    (kind, name.trim())
                }
                _ if !line.contains(' ') && line.contains('.') => ("domain", line),
                _ => ("org", line),
            };
            let list = match kind {
                "vessel" => &mut lists.vessels,
                "domain" => &mut lists.domains,
                "person" => &mut lists.people,
                _ => &mut lists.organisations,
            };
            list.push(name.to_string());
        }
    }
    let known = lookout_privacy::KnownNames::new(lists).context("invalid known names")?;
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .context("reading standard input")?;
    let scrubbed = lookout_privacy::scrub(&input, &known);
    println!("{}", serde_json::to_string(&scrubbed)?);
    Ok(())
}

async fn admin(args: AdminArgs) -> anyhow::Result<()> {
    let config = load_config(&args.storage, &args.storage)?;
    let db = lookout_server::db::Db::connect(&config.database_url()?).await?;
    // The key seals the audit chain: entries written here must verify, and
    // the chain is checked against it.
    let key = lookout_server::state::load_key(&config)?;
    lookout_server::audit::key_chain(&db, &key).await?;
    if !lookout_server::audit::seals_with(&db, &key).await? {
        anyhow::bail!(lookout_server::audit::WRONG_KEY);
    }
    match args.command {
        AdminCommand::CreateOrg { name, kind } => {
            let org = operator::create_org(&db, &key, &name, &kind, Actor::Cli).await?;
            println!(
                "created organisation {} ({}) id {}",
                org.name, org.kind, org.id
            );
        }
        AdminCommand::CreateUser {
            email,
            role,
            org,
            name,
            password_stdin: _,
        } => {
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .context("reading the password from standard input")?;
            let password = password.trim_end_matches(['\n', '\r']);
            let display_name =
                name.unwrap_or_else(|| email.split('@').next().unwrap_or(&email).to_string());
            let member = NewMember {
                email: &email,
                display_name: &display_name,
                role: &role,
                org: org.as_deref(),
                password,
            };
            let row = operator::create_user(&db, &key, member, Actor::Cli).await?;
            println!("created {} ({}) id {}", row.email, row.role, row.id);
        }
        AdminCommand::CreateApiToken {
            email,
            scopes,
            name,
        } => {
            let token =
                operator::create_api_token(&db, &key, &email, &name, &scopes, Actor::Cli).await?;
            println!("API token for {email} (shown only now): {token}");
        }
        AdminCommand::ListUsers => {
            let orgs = lookout_server::accounts::store::list_orgs(&db).await?;
            let users = lookout_server::accounts::store::list_users(&db, None).await?;
            println!(
                "{:<6} {:<40} {:<10} {:<8} {:<5} organisation",
                "id", "email", "role", "status", "mfa"
            );
            for u in users {
                let org = u
                    .org_id
                    .and_then(|id| orgs.iter().find(|o| o.id == id))
                    .map_or("-", |o| o.name.as_str());
                let status = if u.disabled != 0 {
                    "disabled"
                } else {
                    "active"
                };
                let mfa = if u.totp_secret.is_some() { "on" } else { "off" };
                println!(
                    "{:<6} {:<40} {:<10} {:<8} {:<5} {}",
                    u.id, u.email, u.role, status, mfa, org
                );
            }
        }
        AdminCommand::DisableUser { email } => {
            let row = operator::disable_user(&db, &key, &email, Actor::Cli).await?;
            println!("disabled {}: sessions ended, API tokens revoked", row.email);
        }
        AdminCommand::VerifyAudit => match audit::verify(&db, &key).await? {
            Verdict::Intact { entries } => println!("audit log intact: {entries} entries verified"),
            Verdict::Broken { seq, reason } => {
                anyhow::bail!("audit log BROKEN at entry {seq}: {reason}")
            }
        },
    }
    Ok(())
}
