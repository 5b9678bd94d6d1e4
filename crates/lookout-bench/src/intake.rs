//! Report intake: concurrent submissions through the web form, anonymous
//! and attributed, then the same disk's single-transaction commit rate as
//! the reference the intake rate is bounded by.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use sqlx::{Connection as _, Executor as _};

use super::{Portal, csrf_field, member, percentile, portal, report, session_cookie};

/// About 500 characters, as a reporter would type them.
const NARRATIVE: &str = "At 04:10 UTC the master received an email that appeared to come from \
    our usual bunker supplier, asking to confirm a change of bank details before the next \
    stem in Rotterdam. The message quoted the real order number and the agent's name, but \
    the sender's domain differed by one letter. The second officer opened the attached \
    invoice on the bridge office PC, which asked for the mailbox password; he typed it \
    before noticing the address bar. We changed the password within the hour, and the \
    shore IT team blocked the domain. No payment was made.";

const INDICATORS: &str = "sender: accounts@bunkers-supp1y.example\nurl: hxxps://login.bunkers-supp1y.example/owa\nsubject: Updated remittance details";

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Mode {
    Anonymous,
    Attributed,
}

impl Mode {
    fn as_str(self) -> &'static str {
        match self {
            Mode::Anonymous => "anonymous",
            Mode::Attributed => "attributed",
        }
    }
}

/// One worker's figures.
#[derive(Default)]
struct Tally {
    /// `POST /report` answered "Report received".
    received: Vec<Duration>,
    /// The reporter's whole round: `GET /report` and its `POST`.
    rounds: Vec<Duration>,
    /// Answers other than 200, by request and status.
    refused: BTreeMap<String, usize>,
    /// 200 without "Report received" (the form sent back).
    sent_back: usize,
    /// Connection or read errors.
    transport: usize,
    first_problem: Option<String>,
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        self.received.extend(other.received);
        self.rounds.extend(other.rounds);
        for (key, n) in other.refused {
            *self.refused.entry(key).or_default() += n;
        }
        self.sent_back += other.sent_back;
        self.transport += other.transport;
        if self.first_problem.is_none() {
            self.first_problem = other.first_problem;
        }
    }

    fn problem(&mut self, what: String) {
        if self.first_problem.is_none() {
            self.first_problem = Some(what);
        }
    }
}

/// The report form's CSRF token; checks the form offers attributed
/// reporting exactly when the client is signed in.
async fn form_token(client: &reqwest::Client, base: &str, mode: Mode) -> anyhow::Result<String> {
    let page = client.get(format!("{base}/report")).send().await?;
    anyhow::ensure!(
        page.status() == 200,
        "GET /report answered {}",
        page.status()
    );
    let html = page.text().await?;
    let signed_in = html.contains("value=\"attributed\"");
    anyhow::ensure!(
        signed_in == (mode == Mode::Attributed),
        "the {} worker's form is {}",
        mode.as_str(),
        if signed_in { "signed in" } else { "anonymous" }
    );
    csrf_field(&html)
}

fn fields(csrf: &str, mode: Mode, narrative: &str) -> Vec<(&'static str, String)> {
    [
        ("csrf", csrf),
        ("mode", mode.as_str()),
        ("class", "fraud"),
        ("discovered_on", "2026-03-02"),
        ("systems", "email"),
        ("systems", "ship-it"),
        ("vessel_type", "bulk-carrier"),
        ("vessel_size", "large"),
        ("sea_area", "north-sea"),
        ("impact_safety", "none"),
        ("impact_operations", "minor"),
        ("impact_money", "none"),
        ("narrative", narrative),
        ("indicators", INDICATORS),
        ("tlp", "green"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_string()))
    .collect()
}

/// Submits reports until the deadline: each round loads the form (its
/// CSRF token) and posts it, as a reporter's browser does.
async fn worker(
    client: reqwest::Client,
    base: String,
    mode: Mode,
    number: usize,
    deadline: Instant,
) -> Tally {
    let mut tally = Tally::default();
    let mut sent = 0usize;
    while Instant::now() < deadline {
        let round = Instant::now();
        let csrf = match client.get(format!("{base}/report")).send().await {
            Ok(r) if r.status() == 200 => match r.text().await.map(|html| csrf_field(&html)) {
                Ok(Ok(token)) => token,
                Ok(Err(err)) => {
                    tally.problem(format!("GET /report: {err}"));
                    tally.transport += 1;
                    continue;
                }
                Err(err) => {
                    tally.problem(format!("GET /report: {err}"));
                    tally.transport += 1;
                    continue;
                }
            },
            Ok(r) => {
                *tally
                    .refused
                    .entry(format!("GET {}", r.status().as_u16()))
                    .or_default() += 1;
                tally.problem(format!("GET /report answered {}", r.status()));
                continue;
            }
            Err(err) => {
                tally.problem(format!("GET /report: {err}"));
                tally.transport += 1;
                continue;
            }
        };
        sent += 1;
        let narrative = format!("{NARRATIVE} (Bench worker {number}, report {sent}.)");
        let post = Instant::now();
        let answer = client
            .post(format!("{base}/report"))
            .form(&fields(&csrf, mode, &narrative))
            .send()
            .await;
        let (status, body) = match answer {
            Ok(r) => {
                let status = r.status().as_u16();
                match r.text().await {
                    Ok(body) => (status, body),
                    Err(err) => {
                        tally.problem(format!("POST /report body: {err}"));
                        tally.transport += 1;
                        continue;
                    }
                }
            }
            Err(err) => {
                tally.problem(format!("POST /report: {err}"));
                tally.transport += 1;
                continue;
            }
        };
        let elapsed = post.elapsed();
        match status {
            200 if body.contains("<h1>Report received</h1>") => {
                tally.received.push(elapsed);
                tally.rounds.push(round.elapsed());
            }
            200 => {
                tally.sent_back += 1;
                tally.problem(format!(
                    "POST /report sent the form back: {}",
                    excerpt(&body)
                ));
            }
            other => {
                *tally.refused.entry(format!("POST {other}")).or_default() += 1;
                tally.problem(format!("POST /report answered {other}: {}", excerpt(&body)));
            }
        }
    }
    tally
}

/// The visible text of an error page, shortened.
fn excerpt(html: &str) -> String {
    let start = html.find("<main").unwrap_or(0);
    let mut text = String::new();
    let mut in_tag = false;
    for c in html[start..].chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    text.chars().take(300).collect()
}

async fn count_reports(pool: &sqlx::AnyPool, mode: Option<Mode>) -> anyhow::Result<i64> {
    Ok(match mode {
        None => {
            sqlx::query_scalar("SELECT COUNT(*) FROM reports")
                .fetch_one(pool)
                .await?
        }
        Some(mode) => {
            sqlx::query_scalar("SELECT COUNT(*) FROM reports WHERE mode = $1")
                .bind(mode.as_str())
                .fetch_one(pool)
                .await?
        }
    })
}

pub async fn intake(
    database_url: &Option<String>,
    connections: usize,
    seconds: u64,
    reference_seconds: u64,
) -> anyhow::Result<()> {
    anyhow::ensure!(connections >= 2, "intake needs at least 2 connections");
    let portal = portal(database_url).await?;
    let pool = &portal.state.db.pool;
    // On a shared PostgreSQL database other scenarios' reports may exist.
    let mut before = BTreeMap::new();
    for mode in [Mode::Anonymous, Mode::Attributed] {
        before.insert(mode, count_reports(pool, Some(mode)).await?);
    }
    let before_total = count_reports(pool, None).await?;

    // Half the workers report anonymously, half as signed-in members, each
    // member with their own account and session.
    let mut clients = Vec::new();
    for number in 0..connections {
        let mode = if number % 2 == 0 {
            Mode::Anonymous
        } else {
            Mode::Attributed
        };
        let client = lookout_testkit::browser();
        if mode == Mode::Attributed {
            let email = member(&portal).await?;
            session_cookie(&client, &portal.base, &email).await?;
        }
        form_token(&client, &portal.base, mode).await?;
        clients.push((mode, client));
    }

    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut workers = Vec::new();
    for (number, (mode, client)) in clients.into_iter().enumerate() {
        let base = portal.base.clone();
        workers.push((
            mode,
            tokio::spawn(worker(client, base, mode, number, deadline)),
        ));
    }
    let mut all = Tally::default();
    let mut by_mode: BTreeMap<Mode, (usize, Vec<Duration>)> = BTreeMap::new();
    for (mode, worker) in workers {
        let tally = worker.await?;
        let entry = by_mode.entry(mode).or_default();
        entry.0 += 1;
        entry.1.extend(tally.received.iter().copied());
        all.merge(tally);
    }
    let elapsed = started.elapsed().as_secs_f64();

    let acknowledged = all.received.len();
    let refused: usize = all.refused.values().sum();
    println!(
        "report intake (GET /report + POST /report urlencoded over HTTP), {connections} connections, {seconds} s:"
    );
    println!(
        "  {:.1} reports/s acknowledged ({acknowledged} in {elapsed:.1} s); each is committed before its 200",
        acknowledged as f64 / elapsed
    );
    for (mode, (workers, samples)) in &by_mode {
        println!(
            "  {}: {workers} workers, {:.1} reports/s ({} acknowledged)",
            mode.as_str(),
            samples.len() as f64 / elapsed,
            samples.len()
        );
    }
    println!(
        "  non-200 answers: {refused}{}; 200 with the form sent back: {}; transport errors: {}",
        if all.refused.is_empty() {
            String::new()
        } else {
            format!(
                " ({})",
                all.refused
                    .iter()
                    .map(|(k, n)| format!("{k}: {n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        },
        all.sent_back,
        all.transport
    );
    if let Some(problem) = &all.first_problem {
        println!("  first problem: {problem}");
    }
    report("intake POST latency (acknowledged)", all.received.clone());
    for (mode, (_, samples)) in by_mode {
        report(&format!("intake POST latency, {}", mode.as_str()), samples);
    }
    report("intake round latency (GET form + POST)", all.rounds);

    // Every acknowledged report must be in the table.
    let after_total = count_reports(pool, None).await?;
    let stored = after_total - before_total;
    println!(
        "  reports table: {after_total} rows ({stored} new; {acknowledged} acknowledged): {}",
        if stored == acknowledged as i64 {
            "every acknowledged report is stored"
        } else {
            "MISMATCH"
        }
    );
    for (mode, was) in before {
        let now = count_reports(pool, Some(mode)).await?;
        println!("    {}: {} new rows", mode.as_str(), now - was);
    }

    commit_reference(&portal, database_url, reference_seconds).await?;
    anyhow::ensure!(
        stored == acknowledged as i64,
        "{acknowledged} reports acknowledged but {stored} stored"
    );
    Ok(())
}

/// Times single-row write transactions, one after another, for `seconds`.
async fn commit_loop(
    conn: &mut sqlx::AnyConnection,
    table: &str,
    begin: &'static str,
    seconds: u64,
) -> anyhow::Result<(usize, f64, Vec<Duration>)> {
    let insert = format!("INSERT INTO {table} (at, note) VALUES ($1, $2)");
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let mut samples = Vec::new();
    while Instant::now() < deadline {
        let commit = Instant::now();
        let mut tx = conn.begin_with(begin).await?;
        sqlx::query(sqlx::AssertSqlSafe(insert.clone()))
            .bind(samples.len() as i64)
            .bind("bench commit")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        samples.push(commit.elapsed());
    }
    Ok((samples.len(), started.elapsed().as_secs_f64(), samples))
}

fn print_commits(what: &str, (n, elapsed, samples): (usize, f64, Vec<Duration>)) {
    println!(
        "  {what}: {:.0} commits/s ({n} in {elapsed:.1} s)",
        n as f64 / elapsed
    );
    let mut samples = samples;
    samples.sort();
    let us = |p: f64| percentile(&samples, p).as_secs_f64() * 1e6;
    println!(
        "    commit latency: p50={:.0} µs p95={:.0} µs p99={:.0} µs max={:.0} µs",
        us(50.0),
        us(95.0),
        us(99.0),
        samples.last().copied().unwrap_or_default().as_secs_f64() * 1e6
    );
}

async fn df(path: &Path) {
    match tokio::process::Command::new("df")
        .arg("-hT")
        .arg(path)
        .output()
        .await
    {
        Ok(out) if out.status.success() => {
            for line in String::from_utf8_lossy(&out.stdout).lines() {
                println!("    {line}");
            }
        }
        _ => println!("    (df failed)"),
    }
}

/// The reference: how fast this disk commits one small transaction at a
/// time with the portal's durability settings.
async fn commit_reference(
    portal: &Portal,
    database_url: &Option<String>,
    seconds: u64,
) -> anyhow::Result<()> {
    let db = &portal.state.db.pool;
    match database_url {
        None => {
            let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
                .fetch_one(db)
                .await?;
            let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
                .fetch_one(db)
                .await?;
            let level = ["OFF", "NORMAL", "FULL", "EXTRA"]
                .get(synchronous as usize)
                .copied()
                .unwrap_or("?");
            println!("portal database: SQLite, journal_mode={journal}, synchronous={level}");
            if level != "FULL" && level != "EXTRA" {
                println!(
                    "  (below FULL, a commit is not synced: acknowledged reports could be lost \
                     to a power cut)"
                );
            }
            let parent = portal.data_dir.parent().unwrap_or(Path::new("."));
            let dir = tempfile::tempdir_in(parent)?;
            let file = dir.path().join("commits.sqlite3");
            println!(
                "commit reference: fresh SQLite file {} (the portal's data dir is {})",
                file.display(),
                portal.data_dir.display()
            );
            df(dir.path()).await;
            let url = format!("sqlite://{}?mode=rwc", file.display());
            let mut conn = sqlx::AnyConnection::connect(&url)
                .await
                .context("opening the reference SQLite file")?;
            // The portal's connection settings (crates/lookout-server/src/db/mod.rs).
            conn.execute(
                "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000; \
                 PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;",
            )
            .await?;
            conn.execute(
                "CREATE TABLE commits (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, note TEXT NOT NULL)",
            )
            .await?;
            // One fsync of the WAL per commit: the disk's real sync rate.
            let full = commit_loop(&mut conn, "commits", "BEGIN IMMEDIATE", seconds).await?;
            print_commits(
                "BEGIN IMMEDIATE; INSERT; COMMIT, WAL, synchronous=FULL (the portal's: fsync per commit)",
                full,
            );
            conn.close().await?;
        }
        Some(url) => {
            let mut conn = sqlx::AnyConnection::connect(url)
                .await
                .context("connecting to PostgreSQL")?;
            let mut settings = Vec::new();
            for name in [
                "fsync",
                "synchronous_commit",
                "wal_sync_method",
                "data_directory",
            ] {
                let value: String = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SHOW {name}")))
                    .fetch_one(&mut conn)
                    .await
                    .unwrap_or_else(|_| "?".into());
                settings.push((name, value));
            }
            println!(
                "portal database: PostgreSQL, {}",
                settings
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let data_directory = settings
                .iter()
                .find(|(k, _)| *k == "data_directory")
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            if Path::new(&data_directory).exists() {
                println!("  PostgreSQL data directory {data_directory}:");
                df(Path::new(&data_directory)).await;
            } else {
                println!("  (PostgreSQL's data directory {data_directory} is not visible here)");
            }
            let suffix = hex::encode(lookout_server::secrets::random_bytes::<4>()?);
            let table = format!("bench_commits_{suffix}");
            conn.execute(sqlx::AssertSqlSafe(format!(
                "CREATE TABLE {table} (id BIGSERIAL PRIMARY KEY, at BIGINT NOT NULL, note TEXT NOT NULL)"
            )))
            .await?;
            let result = commit_loop(&mut conn, &table, "BEGIN", seconds).await;
            conn.execute(sqlx::AssertSqlSafe(format!("DROP TABLE {table}")))
                .await?;
            print_commits(
                &format!("BEGIN; INSERT; COMMIT on scratch table {table} (dropped)"),
                result?,
            );
            conn.close().await?;
        }
    }
    Ok(())
}
