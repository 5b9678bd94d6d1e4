//! `lookout-bench`: performance scenarios that print their figures.
//!
//! Each scenario starts a real portal in-process on a real port (SQLite in a
//! temporary directory, or `--database-url postgres://...`) and measures it
//! over loopback HTTP. Run in release mode for meaningful numbers:
//!
//! ```sh
//! cargo run --release -p lookout-bench -- all
//! ```

mod alerts;
mod analysis;
mod forum;
mod intake;
mod samples;
mod scrub;
mod stats;
mod taxii;
mod tokens;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use lookout_server::Config;
use lookout_server::accounts::operator;
use lookout_server::accounts::passwords;
use lookout_server::audit::Actor;
// The portal in-process, signing in and forms: the tests' harness.
use lookout_testkit::{PASSWORD, TestServer as Portal, client, csrf_field, session_cookie};

#[derive(Parser)]
#[command(about = "Lookout benchmark scenarios")]
struct Cli {
    /// PostgreSQL URL of an empty database; SQLite in a temp dir otherwise
    #[arg(long, global = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    scenario: Scenario,
}

#[derive(Subcommand, Clone)]
enum Scenario {
    /// argon2id hash and verify at the portal's parameters
    Argon2 {
        #[arg(long, default_value_t = 40)]
        iterations: usize,
    },
    /// Full HTTP sign-in (form, CSRF, argon2id verify, session)
    Login {
        #[arg(long, default_value_t = 40)]
        iterations: usize,
    },
    /// A signed-in member's page under concurrent load
    Page {
        #[arg(long, default_value_t = 32)]
        connections: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
    /// Concurrent report submissions through the web form, half
    /// anonymous and half signed-in members, then the disk's commit rate
    Intake {
        #[arg(long, default_value_t = 16)]
        connections: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// How long to time single-transaction commits for the reference
        #[arg(long, default_value_t = 3)]
        reference_seconds: u64,
    },
    /// Membership tokens: RSA work per side, then issuance and spending
    /// over HTTP
    Tokens {
        /// Requests of 10 tokens (one new member each)
        #[arg(long, default_value_t = 20)]
        batches: usize,
    },
    /// Statistics over many synthetic incidents: bulk load with roll-ups,
    /// then the breakdowns of a statistics page, p50/p95
    Stats {
        #[arg(long, default_value_t = 1_000_000)]
        incidents: usize,
        #[arg(long, default_value_t = 100)]
        iterations: usize,
    },
    /// The forum and search at scale: many posts loaded and indexed, then
    /// a thread page, a reply and searches over HTTP, p50/p95
    Forum {
        #[arg(long, default_value_t = 50_000)]
        posts: usize,
        #[arg(long, default_value_t = 50)]
        iterations: usize,
    },
    /// Rapid alerts: publish-to-receipt latency on members' open live
    /// streams (`/alerts/live`) and at their webhook receivers
    Alerts {
        /// Members, each with an open live stream
        #[arg(long, default_value_t = 10_000)]
        subscribers: usize,
        /// Members (the first ones) with a webhook, one receiver each
        #[arg(long, default_value_t = 1_000)]
        webhooks: usize,
        /// Advisories published, one after another
        #[arg(long, default_value_t = 5)]
        rounds: usize,
    },
    /// The members' side of `alerts` (its streams and webhook receivers),
    /// which that scenario runs in a second process
    #[command(hide = true)]
    AlertsClients,
    /// Static analysis of a generated corpus of mixed files with a
    /// generated rule set: boreal alone, the whole analysis, and the C
    /// engine (yara-python) and yara-x when their Python packages are
    /// installed
    Analysis {
        /// Corpus size in megabytes (10^6 bytes)
        #[arg(long, default_value_t = 200)]
        corpus_mb: usize,
        /// Rules in all, the starter rules included
        #[arg(long, default_value_t = 500)]
        rules: usize,
        /// Write the corpus and the rule files here (DIR/files, DIR/rules)
        /// and reuse a corpus of the same size found there
        #[arg(long)]
        keep: Option<PathBuf>,
    },
    /// The scrubber on the independent labelled corpus (recall per kind,
    /// indicators kept, development and blind parts) beside Presidio
    /// and scrubadub, then its speed on a 4,000-character narrative
    Scrub {
        /// The corpus folder (dev/, blind/, others/)
        #[arg(long)]
        corpus: Option<PathBuf>,
        #[arg(long, default_value_t = 200)]
        iterations: usize,
    },
    /// Writes the harmless sample files, for .ci/yara_crosscheck.py
    #[command(hide = true)]
    WriteSamples {
        #[arg(long)]
        out: PathBuf,
    },
    /// Prints boreal's rule matches on every file of a directory as JSON,
    /// for .ci/yara_crosscheck.py
    #[command(hide = true)]
    RuleMatches {
        /// A directory of .yar files, each its own namespace (repeatable)
        #[arg(long, required = true)]
        rules: Vec<PathBuf>,
        #[arg(long)]
        files: PathBuf,
    },
    /// A TAXII collection of many objects paged to its end over HTTP
    Taxii {
        #[arg(long, default_value_t = 1_000_000)]
        objects: usize,
        #[arg(long, default_value_t = 10_000)]
        page: usize,
    },
    /// Every scenario with its defaults
    All,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    println!(
        "{name}: n={} p50={:.1} ms p95={:.1} ms p99={:.1} ms max={:.1} ms",
        samples.len(),
        ms(percentile(&samples, 50.0)),
        ms(percentile(&samples, 95.0)),
        ms(percentile(&samples, 99.0)),
        ms(samples.last().copied().unwrap_or_default()),
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn portal(database_url: &Option<String>) -> anyhow::Result<Portal> {
    portal_with(database_url, |_| {}).await
}

/// A portal whose configuration `tweak` adjusted first.
async fn portal_with(
    database_url: &Option<String>,
    tweak: impl FnOnce(&mut Config),
) -> anyhow::Result<Portal> {
    let portal = Portal::open(database_url.as_deref(), tweak).await?;
    // Scenarios share one PostgreSQL database; the organisation may exist.
    if lookout_server::accounts::store::org_by_name(&portal.state.db, "Bench Shipping")
        .await?
        .is_none()
    {
        operator::create_org(
            &portal.state.db,
            &portal.state.key,
            "Bench Shipping",
            "ship-owner",
            Actor::Cli,
        )
        .await?;
    }
    Ok(portal)
}

async fn member(portal: &Portal) -> anyhow::Result<String> {
    let suffix = hex::encode(lookout_server::secrets::random_bytes::<4>()?);
    let email = format!("bench-{suffix}@bench.example");
    portal
        .create_user(&email, "Bench", "member", Some("Bench Shipping"))
        .await?;
    Ok(email)
}

async fn argon2(iterations: usize) -> anyhow::Result<()> {
    let mut hashes = Vec::new();
    let mut verifies = Vec::new();
    let hash = passwords::hash_now(PASSWORD).map_err(anyhow::Error::msg)?;
    let hasher = passwords::Hasher::new(1)?;
    for _ in 0..iterations {
        let started = Instant::now();
        passwords::hash_now(PASSWORD).map_err(anyhow::Error::msg)?;
        hashes.push(started.elapsed());
        let started = Instant::now();
        anyhow::ensure!(hasher.verify(PASSWORD, Some(&hash)).await?);
        verifies.push(started.elapsed());
    }
    println!("argon2id m=19456 KiB t=2 p=1");
    report("argon2 hash", hashes);
    report("argon2 verify", verifies);
    Ok(())
}

async fn login(database_url: &Option<String>, iterations: usize) -> anyhow::Result<()> {
    let portal = portal(database_url).await?;
    let email = member(&portal).await?;
    let client = client();
    let mut samples = Vec::new();
    for _ in 0..iterations {
        let started = Instant::now();
        session_cookie(&client, &portal.base, &email).await?;
        samples.push(started.elapsed());
    }
    report("login (GET form + POST, over HTTP)", samples);
    Ok(())
}

async fn page(
    database_url: &Option<String>,
    connections: usize,
    seconds: u64,
) -> anyhow::Result<()> {
    let portal = portal(database_url).await?;
    let email = member(&portal).await?;
    let cookie = session_cookie(&client(), &portal.base, &email).await?;
    let url = format!("{}/account", portal.base);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut workers = Vec::new();
    for _ in 0..connections {
        let client = client();
        let (url, cookie) = (url.clone(), cookie.clone());
        workers.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            let mut errors = 0usize;
            while Instant::now() < deadline {
                let started = Instant::now();
                match client.get(&url).header("cookie", &cookie).send().await {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        samples.push(started.elapsed());
                    }
                    _ => errors += 1,
                }
            }
            (samples, errors)
        }));
    }
    let started = Instant::now();
    let mut all = Vec::new();
    let mut errors = 0;
    for worker in workers {
        let (samples, e) = worker.await?;
        all.extend(samples);
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "authenticated page /account: {connections} connections, {seconds} s: {:.0} req/s, {errors} errors",
        all.len() as f64 / elapsed
    );
    report("authenticated page latency", all);
    wrk(&url, &cookie, connections, seconds).await;
    Ok(())
}

/// The same load from wrk, an independent load generator in its own
/// process, when it is installed (Debian package `wrk`).
async fn wrk(url: &str, cookie: &str, connections: usize, seconds: u64) {
    let output = tokio::process::Command::new("wrk")
        .args([
            "-t2",
            &format!("-c{connections}"),
            &format!("-d{seconds}s"),
            "--latency",
            "-H",
        ])
        .arg(format!("Cookie: {cookie}"))
        .arg(url)
        .output()
        .await;
    match output {
        Ok(out) if out.status.success() => {
            println!("wrk -t2 -c{connections} -d{seconds}s --latency {url}:");
            print!("{}", String::from_utf8_lossy(&out.stdout));
        }
        _ => println!("(wrk not installed: apt-get install wrk for an independent measurement)"),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match &cli.scenario {
        // Its stdout carries its reports to the `alerts` scenario.
        Scenario::AlertsClients => return alerts::clients().await,
        // Their stdout is read by .ci/yara_crosscheck.py.
        Scenario::WriteSamples { out } => return samples::write(out),
        Scenario::RuleMatches { rules, files } => return samples::rule_matches(rules, files),
        // No database: no backend line.
        Scenario::Analysis {
            corpus_mb,
            rules,
            keep,
        } => return analysis::analysis(*corpus_mb, *rules, keep.as_deref()),
        Scenario::Scrub { corpus, iterations } => {
            let dir = corpus.clone().unwrap_or_else(scrub::default_corpus);
            return scrub::scrub_scenario(&dir, *iterations);
        }
        _ => {}
    }
    let backend = if cli.database_url.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!("backend: {backend}");
    match cli.scenario {
        Scenario::Argon2 { iterations } => argon2(iterations).await,
        Scenario::Login { iterations } => login(&cli.database_url, iterations).await,
        Scenario::Page {
            connections,
            seconds,
        } => page(&cli.database_url, connections, seconds).await,
        Scenario::Intake {
            connections,
            seconds,
            reference_seconds,
        } => intake::intake(&cli.database_url, connections, seconds, reference_seconds).await,
        Scenario::Tokens { batches } => tokens::tokens(&cli.database_url, batches).await,
        Scenario::Stats {
            incidents,
            iterations,
        } => stats::stats(&cli.database_url, incidents, iterations).await,
        Scenario::Forum { posts, iterations } => {
            forum::forum(&cli.database_url, posts, iterations).await
        }
        Scenario::Alerts {
            subscribers,
            webhooks,
            rounds,
        } => alerts::alerts(&cli.database_url, subscribers, webhooks, rounds).await,
        Scenario::AlertsClients => alerts::clients().await,
        Scenario::Taxii { objects, page } => taxii::taxii(&cli.database_url, objects, page).await,
        Scenario::Analysis {
            corpus_mb,
            rules,
            keep,
        } => analysis::analysis(corpus_mb, rules, keep.as_deref()),
        Scenario::Scrub { corpus, iterations } => {
            scrub::scrub_scenario(&corpus.unwrap_or_else(scrub::default_corpus), iterations)
        }
        Scenario::WriteSamples { out } => samples::write(&out),
        Scenario::RuleMatches { rules, files } => samples::rule_matches(&rules, &files),
        Scenario::All => {
            argon2(40).await?;
            login(&cli.database_url, 40).await?;
            page(&cli.database_url, 32, 10).await?;
            intake::intake(&cli.database_url, 16, 10, 3).await?;
            tokens::tokens(&cli.database_url, 20).await?;
            stats::stats(&cli.database_url, 1_000_000, 100).await?;
            forum::forum(&cli.database_url, 50_000, 50).await?;
            alerts::alerts(&cli.database_url, 10_000, 1_000, 5).await?;
            taxii::taxii(&cli.database_url, 1_000_000, 10_000).await?;
            analysis::analysis(200, 500, None)?;
            scrub::scrub_scenario(&scrub::default_corpus(), 200)
        }
    }
}
