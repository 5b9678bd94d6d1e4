//! Rapid alerts at scale: how long after an analyst publishes an advisory
//! its members hear of it, on their open alerts pages (the `/alerts/live`
//! server-sent events) and at their webhook receivers.
//!
//! Members and their sessions are written straight to the database (one
//! argon2id hash for all of them); everything a member does after that is
//! real HTTP: one `/alerts/live` stream per member with its session cookie,
//! and webhooks added through the `/alerts/webhooks` form, which pings each
//! receiver before adding it. Each receiver is its own HTTP server on its
//! own loopback port. Advisories are published as the publish button does
//! after its checks: create and publish in one write transaction, then wake
//! the worker.
//!
//! The members' side (the streams and the receivers) runs in a second
//! process, this binary's hidden `alerts-clients` scenario: 10,000 streams
//! are 20,000 sockets, both ends in one process, past a hard open-file
//! limit of 20,000 that an unprivileged process cannot raise. The two
//! processes share the monotonic clock, so receipt times stamped in the
//! child are compared with the publish time stamped in the portal's.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use axum::http::HeaderMap;
use lookout_server::accounts::model::Role;
use lookout_server::accounts::passwords;
use lookout_server::accounts::sessions::{self, Stage};
use lookout_server::accounts::store::{self, NewUser};
use lookout_server::advisories::model::Content;
use lookout_server::advisories::store::{self as advisories, Origin};
use lookout_server::audit::{self, Actor};
use lookout_server::db::Db;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _};
use tokio::sync::{Semaphore, mpsc};

use super::{PASSWORD, Portal, ms, percentile, portal_with, report};

/// How long one round may take before the missing receipts are counted.
const ROUND_TIMEOUT: Duration = Duration::from_secs(180);
/// How long opening every stream and starting every receiver may take.
const SETUP_TIMEOUT: Duration = Duration::from_secs(600);
/// Streams being opened at once.
const OPENING: usize = 128;
/// Webhook forms being sent at once.
const REGISTERING: usize = 16;

/// Nanoseconds on the system's monotonic clock, which every process on
/// the machine reads alike.
fn mono_ns() -> i64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes the struct it is given, which we own.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec * 1_000_000_000 + ts.tv_nsec
}

/// CPU time (user + system) a process has used so far, from
/// `/proc/<pid>/stat`; `None` for this process.
fn cpu_seconds(pid: Option<u32>) -> f64 {
    let path = pid.map_or("/proc/self/stat".to_string(), |p| format!("/proc/{p}/stat"));
    let Ok(stat) = std::fs::read_to_string(path) else {
        return f64::NAN;
    };
    // After the command name in parentheses: state is the first field,
    // utime the 12th and stime the 13th.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok());
    // SAFETY: sysconf only reads a configuration value.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    match (ticks(11), ticks(12)) {
        (Some(user), Some(system)) if per_second > 0.0 => (user + system) / per_second,
        _ => f64::NAN,
    }
}

fn since(t0: i64, at: i64) -> Duration {
    Duration::from_nanos(u64::try_from(at - t0).unwrap_or(0))
}

/// Raises the open-file limit to `wanted` if it is lower: the soft limit up
/// to the hard one, and the hard one too when the process may
/// (`CAP_SYS_RESOURCE`). Returns the soft limit before and after, and the
/// hard limit.
fn raise_fd_limit(wanted: libc::rlim_t) -> anyhow::Result<(u64, u64, u64)> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit only writes the struct it is given, which we own.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return Err(std::io::Error::last_os_error()).context("getrlimit(RLIMIT_NOFILE)");
    }
    let before = limit.rlim_cur;
    if before >= wanted {
        return Ok((before, before, limit.rlim_max));
    }
    let both = libc::rlimit {
        rlim_cur: wanted,
        rlim_max: limit.rlim_max.max(wanted),
    };
    // SAFETY: setrlimit only reads the struct it is given.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &both) } == 0 {
        return Ok((before, wanted, both.rlim_max));
    }
    let soft = libc::rlimit {
        rlim_cur: limit.rlim_max,
        rlim_max: limit.rlim_max,
    };
    // SAFETY: as above.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &soft) } == 0 {
        return Ok((before, limit.rlim_max, limit.rlim_max));
    }
    Ok((before, before, limit.rlim_max))
}

// ---------------------------------------------------------------------
// The members' side: the hidden `alerts-clients` scenario, in its own
// process. It reads its orders as one JSON line on stdin, reports on
// stdout one JSON line per thing that happened, and exits when stdin
// closes.
// ---------------------------------------------------------------------

/// What every stream's task shares.
#[derive(Clone)]
struct Listening {
    client: reqwest::Client,
    url: String,
    /// Limits the streams being opened at once.
    opening: Arc<Semaphore>,
    /// Each opening, or why it failed.
    opened: mpsc::UnboundedSender<Result<(), String>>,
    out: mpsc::UnboundedSender<Value>,
}

/// Opens one member's live stream and reads it for the life of the
/// process, reporting each `event: alert` it carries with its receipt time.
async fn listen(shared: Listening, cookie: String, subscriber: usize) {
    let Listening {
        client,
        url,
        opening,
        opened,
        out,
    } = shared;
    let response = {
        let Ok(_permit) = opening.acquire().await else {
            return;
        };
        client
            .get(&url)
            .header(reqwest::header::COOKIE, &cookie)
            .header(reqwest::header::ACCEPT, "text/event-stream")
            .send()
            .await
    };
    let mut response = match response {
        Ok(r)
            if r.status() == 200
                && r.headers()
                    .get(reqwest::header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|v| v.starts_with("text/event-stream")) =>
        {
            let _ = opened.send(Ok(()));
            r
        }
        Ok(r) => {
            let _ = opened.send(Err(format!("GET /alerts/live answered {}", r.status())));
            return;
        }
        Err(err) => {
            let _ = opened.send(Err(format!("GET /alerts/live: {err}")));
            return;
        }
    };
    drop(opened);
    let mut buffer = String::new();
    loop {
        match response.chunk().await {
            Ok(Some(bytes)) => {
                let at = mono_ns();
                buffer.push_str(&String::from_utf8_lossy(&bytes));
                while let Some(end) = buffer.find("\n\n") {
                    let block: String = buffer.drain(..end + 2).collect();
                    if let Some(title) = alert_title(&block) {
                        let _ = out.send(json!({
                            "kind": "heard", "subscriber": subscriber, "at": at, "title": title,
                        }));
                    }
                }
            }
            Ok(None) => {
                let _ = out.send(json!({"kind": "lost", "why": "the stream ended"}));
                return;
            }
            Err(err) => {
                let _ = out.send(json!({"kind": "lost", "why": err.to_string()}));
                return;
            }
        }
    }
}

/// The advisory title of one server-sent event, if it is an `alert`.
fn alert_title(block: &str) -> Option<String> {
    let mut is_alert = false;
    let mut data = String::new();
    for line in block.lines() {
        if let Some(event) = line.strip_prefix("event:") {
            is_alert = event.trim() == "alert";
        } else if let Some(d) = line.strip_prefix("data:") {
            data.push_str(d.strip_prefix(' ').unwrap_or(d));
        }
    }
    if !is_alert {
        return None;
    }
    let value: Value = serde_json::from_str(&data).ok()?;
    Some(value["title"].as_str()?.to_string())
}

/// A webhook receiver on its own loopback port; returns its URL.
async fn receiver(number: usize, out: mpsc::UnboundedSender<Value>) -> anyhow::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/hook", listener.local_addr()?);
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: axum::body::Bytes| {
            let at = mono_ns();
            let header = |name: &str| {
                headers
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_string()
            };
            let _ = out.send(json!({
                "kind": "hook",
                "receiver": number,
                "at": at,
                "event": header("lookout-event"),
                "delivery": header("lookout-delivery"),
                "signature": header("lookout-signature"),
                "body": String::from_utf8_lossy(&body),
            }));
            async { axum::http::StatusCode::OK }
        }),
    );
    tokio::spawn(async move {
        if let Err(err) = axum::serve(listener, app).await {
            eprintln!("webhook receiver {number} stopped: {err}");
        }
    });
    Ok(url)
}

/// The hidden `alerts-clients` scenario.
pub async fn clients() -> anyhow::Result<()> {
    let (before, limit, hard) = raise_fd_limit(65_536)?;
    let mut stdin = tokio::io::BufReader::new(tokio::io::stdin());
    let mut line = String::new();
    stdin.read_line(&mut line).await?;
    let orders: Value = serde_json::from_str(&line).context("orders on stdin")?;
    let url = orders["url"].as_str().context("no url")?.to_string();
    let receivers = orders["receivers"].as_u64().context("no receivers")?;
    let cookies: Vec<String> = orders["cookies"]
        .as_array()
        .context("no cookies")?
        .iter()
        .filter_map(|c| c.as_str().map(str::to_string))
        .collect();

    // Every report goes out through one writer, a line each.
    let (out, mut lines) = mpsc::unbounded_channel::<Value>();
    tokio::spawn(async move {
        let mut stdout = tokio::io::BufWriter::new(tokio::io::stdout());
        while let Some(first) = lines.recv().await {
            let mut next = Some(first);
            while let Some(value) = next {
                let mut text = value.to_string();
                text.push('\n');
                if stdout.write_all(text.as_bytes()).await.is_err() {
                    return;
                }
                next = lines.try_recv().ok();
            }
            if stdout.flush().await.is_err() {
                return;
            }
        }
    });

    let mut urls = Vec::new();
    for number in 0..usize::try_from(receivers)? {
        urls.push(receiver(number, out.clone()).await?);
    }
    let _ = out.send(json!({"kind": "receivers", "urls": urls}));

    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .tcp_nodelay(true)
        .build()?;
    let (opened, mut opened_rx) = mpsc::unbounded_channel();
    let listening = Listening {
        client,
        url,
        opening: Arc::new(Semaphore::new(OPENING)),
        opened,
        out: out.clone(),
    };
    let started = Instant::now();
    let count = cookies.len();
    for (subscriber, cookie) in cookies.into_iter().enumerate() {
        tokio::spawn(listen(listening.clone(), cookie, subscriber));
    }
    drop(listening);
    let (mut open, mut failed, mut first_error) = (0, 0, None);
    while open + failed < count {
        match opened_rx.recv().await {
            Some(Ok(())) => open += 1,
            Some(Err(err)) => {
                failed += 1;
                first_error.get_or_insert(err);
            }
            None => break,
        }
    }
    let _ = out.send(json!({
        "kind": "opened",
        "open": open,
        "failed": failed,
        "first_error": first_error,
        "seconds": started.elapsed().as_secs_f64(),
        "fd_limit": [before, limit, hard],
    }));
    // Until the bench closes our stdin.
    while stdin.read_line(&mut line).await.is_ok_and(|n| n > 0) {}
    Ok(())
}

// ---------------------------------------------------------------------
// The portal's side.
// ---------------------------------------------------------------------

/// One `event: alert` a member's stream carried.
struct Heard {
    subscriber: usize,
    title: String,
    at: i64,
}

/// One POST a webhook receiver got.
struct Receipt {
    receiver: usize,
    at: i64,
    event: String,
    delivery: String,
    signature: String,
    body: String,
}

impl Receipt {
    fn title(&self) -> Option<String> {
        let value: Value = serde_json::from_str(&self.body).ok()?;
        Some(value["alert"]["title"].as_str()?.to_string())
    }
}

fn text(value: &Value, key: &str) -> String {
    value[key].as_str().unwrap_or_default().to_string()
}

fn number(value: &Value, key: &str) -> i64 {
    value[key].as_i64().unwrap_or(-1)
}

/// Sorts the child's reports into channels.
async fn sort_reports(
    stdout: tokio::process::ChildStdout,
    control: mpsc::UnboundedSender<Value>,
    heard: mpsc::UnboundedSender<Heard>,
    receipts: mpsc::UnboundedSender<Receipt>,
    lost: Arc<AtomicUsize>,
) {
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let Ok(value) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        match value["kind"].as_str() {
            Some("heard") => {
                let _ = heard.send(Heard {
                    subscriber: usize::try_from(number(&value, "subscriber")).unwrap_or(0),
                    title: text(&value, "title"),
                    at: number(&value, "at"),
                });
            }
            Some("hook") => {
                let _ = receipts.send(Receipt {
                    receiver: usize::try_from(number(&value, "receiver")).unwrap_or(0),
                    at: number(&value, "at"),
                    event: text(&value, "event"),
                    delivery: text(&value, "delivery"),
                    signature: text(&value, "signature"),
                    body: text(&value, "body"),
                });
            }
            Some("lost") => {
                if lost.fetch_add(1, Ordering::Relaxed) == 0 {
                    eprintln!("a live stream was lost: {}", text(&value, "why"));
                }
            }
            _ => {
                let _ = control.send(value);
            }
        }
    }
}

/// Creates `count` members of the bench organisation with a session each,
/// straight in the database. Returns their ids and session tokens.
async fn members(portal: &Portal, run: &str, count: usize) -> anyhow::Result<Vec<(i64, String)>> {
    let db = &portal.state.db;
    let org = store::org_by_name(db, "Bench Shipping")
        .await?
        .context("no bench organisation")?;
    let hash = passwords::hash_now(PASSWORD).map_err(anyhow::Error::msg)?;
    let mut out = Vec::with_capacity(count);
    for chunk in (0..count).collect::<Vec<_>>().chunks(1000) {
        let mut tx = db.begin_write().await?;
        for i in chunk {
            let email = format!("alerts-{run}-{i}@bench.example");
            let user = store::create_user(
                &mut tx,
                NewUser {
                    email: &email,
                    display_name: "Bench",
                    password_hash: &hash,
                    role: Role::Member,
                    org_id: Some(org.id),
                },
            )
            .await?;
            let token = sessions::create(&mut tx, user.id, Stage::SignedIn).await?;
            out.push((user.id, token));
        }
        tx.commit().await?;
    }
    Ok(out)
}

/// Adds a webhook through the alerts page's form, as the member; returns
/// its signing secret (shown once on the page).
async fn add_webhook(
    client: &reqwest::Client,
    base: &str,
    cookie: &str,
    csrf: &str,
    target: &str,
) -> anyhow::Result<String> {
    let response = client
        .post(format!("{base}/alerts/webhooks"))
        .header(reqwest::header::COOKIE, cookie)
        .form(&[("csrf", csrf), ("url", target)])
        .send()
        .await?;
    let status = response.status();
    let html = response.text().await?;
    anyhow::ensure!(status == 200, "POST /alerts/webhooks answered {status}");
    let marker = "<code id=\"webhook-secret\">";
    let start = html
        .find(marker)
        .with_context(|| match html.find("id=\"webhook-problem\"") {
            Some(at) => format!(
                "webhook refused: {}",
                html.get(at..at + 300).unwrap_or_default()
            ),
            None => "no signing secret on the page".into(),
        })?
        + marker.len();
    let secret = html[start..]
        .split('<')
        .next()
        .context("no signing secret")?;
    Ok(secret.trim().to_string())
}

/// Publishes an advisory (severity 1, TLP green) the way the publish
/// button does after its checks. Returns its reference and alert id.
async fn publish(portal: &Portal, title: &str) -> anyhow::Result<(String, i64)> {
    let content = Content {
        title: title.to_string(),
        severity: 1,
        tlp: "green".into(),
        body: "Crews report **fake** chart updates by email. Do not install them.".into(),
        actions: "- Check the chart supplier by phone.".into(),
        ..Content::default()
    };
    let problems = content.problems();
    anyhow::ensure!(problems.is_empty(), "advisory refused: {problems:?}");
    let state = &portal.state;
    let mut tx = state.db.begin_write().await?;
    let advisory = advisories::create(&mut tx, Origin::Analyst, &content, None)
        .await?
        .context("a new advisory conflicted")?;
    let latest = advisories::latest(&mut *tx, advisory.id)
        .await?
        .context("no revision")?;
    anyhow::ensure!(
        advisories::publish(&mut tx, &advisory, &latest, None).await?,
        "not published"
    );
    audit::append(
        &mut tx,
        &state.key,
        Actor::Cli,
        "advisory.published",
        &advisory.reference,
        &format!("revision {}", latest.number),
    )
    .await?;
    let alert_id: i64 = sqlx::query_scalar(
        "SELECT id FROM alerts WHERE subject_ref = $1 AND kind = 'advisory.published'",
    )
    .bind(&advisory.reference)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    lookout_server::alerts::wake_worker(state);
    Ok((advisory.reference, alert_id))
}

/// Polls until the alert's fan-out has committed; the time from `t0`.
async fn fanned_out(db: Db, alert_id: i64, t0: i64) -> Option<Duration> {
    while since(t0, mono_ns()) < ROUND_TIMEOUT {
        let done: Result<i64, _> =
            sqlx::query_scalar("SELECT fanned_out FROM alerts WHERE id = $1")
                .bind(alert_id)
                .fetch_one(&db.pool)
                .await;
        if matches!(done, Ok(1)) {
            return Some(since(t0, mono_ns()));
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    None
}

/// Deliveries of `alert_id` by state and attempts, once none is pending
/// (or after 30 s).
async fn outbox_states(db: &Db, alert_id: i64) -> anyhow::Result<Vec<(String, i64, i64)>> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let pending: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM outbox WHERE alert_id = $1 AND state = 'pending'",
        )
        .bind(alert_id)
        .fetch_one(&db.pool)
        .await?;
        if pending == 0 || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(sqlx::query_as(
        "SELECT state, attempts, COUNT(*) FROM outbox WHERE alert_id = $1 \
         GROUP BY state, attempts ORDER BY state, attempts",
    )
    .bind(alert_id)
    .fetch_all(&db.pool)
    .await?)
}

fn span(samples: &[Duration]) -> String {
    match (samples.iter().min(), samples.iter().max()) {
        (Some(first), Some(last)) => {
            format!("first {:.1} ms, last {:.1} ms", ms(*first), ms(*last))
        }
        _ => "none".into(),
    }
}

/// The next control report from the child, within the setup time.
async fn control(inbox: &mut mpsc::UnboundedReceiver<Value>, kind: &str) -> anyhow::Result<Value> {
    loop {
        let value = tokio::time::timeout(SETUP_TIMEOUT, inbox.recv())
            .await
            .with_context(|| format!("no '{kind}' from the clients' process"))?
            .with_context(|| format!("the clients' process ended before '{kind}'"))?;
        if value["kind"] == kind {
            return Ok(value);
        }
    }
}

pub async fn alerts(
    database_url: &Option<String>,
    subscribers: usize,
    webhooks: usize,
    rounds: usize,
) -> anyhow::Result<()> {
    anyhow::ensure!(
        webhooks <= subscribers,
        "one webhook per member: --webhooks must not exceed --subscribers"
    );
    // This process holds the portal's end of every stream and of every
    // webhook delivery, the database connections and the form clients.
    let wanted = subscribers + 2 * webhooks + 1024;
    let (before, limit, hard) = raise_fd_limit(65_536)?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "alerts: {subscribers} members with an open /alerts/live stream each, {webhooks} of \
         them with a webhook (one loopback HTTP server per webhook), {rounds} rounds; \
         {cores} cores, load average {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!(
        "  portal process: open-file limit {limit} (was {before}, hard {hard}; needs about {wanted})"
    );
    if limit < wanted as u64 {
        println!("  the open-file limit is too low and could not be raised: run `ulimit -n 65536`");
    }

    let portal = portal_with(database_url, |config| {
        config.webhook_allow = vec!["127.0.0.0/8".into()];
        config.webhook_allow_http = true;
    })
    .await?;
    let state = portal.state.clone();
    let run = hex::encode(lookout_server::secrets::random_bytes::<4>()?);

    let started = Instant::now();
    let members = members(&portal, &run, subscribers).await?;
    println!(
        "  members: {subscribers} created in the database with a session each \
         (accounts::store::create_user + accounts::sessions::create, one shared argon2id hash) \
         in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let cookie_name = lookout_server::web::visitor::cookie_name(&state);

    // The members' side, in its own process.
    let mut child = tokio::process::Command::new(std::env::current_exe()?)
        .arg("alerts-clients")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .context("starting the clients' process")?;
    let mut orders = json!({
        "url": format!("{}/alerts/live", portal.base),
        "receivers": webhooks,
        "cookies": members
            .iter()
            .map(|(_, token)| format!("{cookie_name}={token}"))
            .collect::<Vec<_>>(),
    })
    .to_string();
    orders.push('\n');
    let mut stdin = child.stdin.take().context("no stdin to the clients")?;
    stdin.write_all(orders.as_bytes()).await?;
    stdin.flush().await?;
    let (control_tx, mut control_rx) = mpsc::unbounded_channel();
    let (heard_tx, mut heard_rx) = mpsc::unbounded_channel();
    let (receipts_tx, mut receipts) = mpsc::unbounded_channel();
    let lost = Arc::new(AtomicUsize::new(0));
    tokio::spawn(sort_reports(
        child.stdout.take().context("no stdout from the clients")?,
        control_tx,
        heard_tx,
        receipts_tx,
        Arc::clone(&lost),
    ));
    let started = Instant::now();
    let urls = control(&mut control_rx, "receivers").await?;
    let targets: Vec<String> = urls["urls"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|u| u.as_str().map(str::to_string))
        .collect();
    anyhow::ensure!(targets.len() == webhooks, "the receivers did not all start");
    let opened = control(&mut control_rx, "opened").await?;
    println!(
        "  live streams: {} open (GET /alerts/live with the session cookie, {OPENING} opening \
         at once, from a second process: {}) in {:.1} s; {} failed",
        opened["open"],
        match opened["fd_limit"].as_array().map(Vec::as_slice) {
            Some([before, limit, hard]) => format!(
                "open-file limit {limit}, was {before}, hard {hard}; needs about {}",
                subscribers + 2 * webhooks + 1024
            ),
            _ => "open-file limit unknown".into(),
        },
        started.elapsed().as_secs_f64(),
        opened["failed"],
    );
    if opened["failed"].as_u64() != Some(0) {
        anyhow::bail!(
            "{} streams could not be opened; the first: {}",
            opened["failed"],
            opened["first_error"]
        );
    }

    // One webhook per member for the first members, through the form.
    let forms = super::client();
    let started = Instant::now();
    let mut workers = Vec::new();
    for worker in 0..REGISTERING {
        let jobs: Vec<(usize, String, String, String)> = (worker..webhooks)
            .step_by(REGISTERING)
            .map(|i| {
                let token = &members[i].1;
                (
                    i,
                    format!("{cookie_name}={token}"),
                    lookout_server::web::visitor::csrf_token(&state, token),
                    targets[i].clone(),
                )
            })
            .collect();
        let (forms, base) = (forms.clone(), portal.base.clone());
        workers.push(tokio::spawn(async move {
            let mut secrets = Vec::with_capacity(jobs.len());
            let mut took = Vec::with_capacity(jobs.len());
            for (i, cookie, csrf, target) in jobs {
                let posted = Instant::now();
                let secret = add_webhook(&forms, &base, &cookie, &csrf, &target).await?;
                took.push(posted.elapsed());
                secrets.push((i, secret));
            }
            anyhow::Ok((secrets, took))
        }));
    }
    let mut secrets = vec![String::new(); webhooks];
    let mut form_times = Vec::with_capacity(webhooks);
    for worker in workers {
        let (done, took) = worker.await??;
        for (i, secret) in done {
            secrets[i] = secret;
        }
        form_times.extend(took);
    }
    let registering = started.elapsed();
    // The pings were answered before each form came back; their reports
    // may still be on the way.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut pings = HashSet::new();
    while let Ok(receipt) = receipts.try_recv() {
        if receipt.event == "ping" {
            pings.insert(receipt.receiver);
        }
    }
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM webhooks")
        .fetch_one(&state.db.pool)
        .await?;
    println!(
        "  webhooks: {webhooks} added through the /alerts/webhooks form ({REGISTERING} at once; \
         each pinged its receiver first) in {:.1} s; {} receivers pinged; {stored} in the table",
        registering.as_secs_f64(),
        pings.len()
    );
    report("  POST /alerts/webhooks (with its ping)", form_times);

    let mut all_live = Vec::new();
    let mut all_hooks = Vec::new();
    let mut commits = Vec::new();
    let mut fan_outs = Vec::new();
    for round in 1..=rounds {
        let title = format!("Bench alert {run} round {round}");
        let cpu = (cpu_seconds(None), cpu_seconds(child.id()));
        let t0 = mono_ns();
        let (reference, alert_id) = publish(&portal, &title).await?;
        let committed = since(t0, mono_ns());
        let watcher = tokio::spawn(fanned_out(state.db.clone(), alert_id, t0));

        let deadline = tokio::time::Instant::now() + ROUND_TIMEOUT;
        let mut heard: Vec<Option<Duration>> = vec![None; subscribers];
        let (mut live, mut hooks) = (Vec::new(), Vec::new());
        let (mut repeated, mut stale, mut deliveries) = (0, 0, HashSet::new());
        let (mut signed, mut reached) = (0, HashSet::new());
        while live.len() < subscribers || hooks.len() < webhooks {
            tokio::select! {
                Some(h) = heard_rx.recv() => {
                    if h.title != title {
                        stale += 1;
                    } else if heard.get(h.subscriber).is_some_and(Option::is_some) {
                        repeated += 1;
                    } else if let Some(slot) = heard.get_mut(h.subscriber) {
                        let latency = since(t0, h.at);
                        *slot = Some(latency);
                        live.push(latency);
                    }
                }
                Some(r) = receipts.recv() => {
                    if r.event != "advisory.published"
                        || r.title().as_deref() != Some(title.as_str())
                    {
                        stale += 1;
                    } else if !deliveries.insert(r.delivery.clone()) {
                        repeated += 1;
                    } else {
                        let secret = secrets.get(r.receiver).map_or("", String::as_str);
                        if lookout_server::alerts::webhooks::verify(
                            secret,
                            &r.signature,
                            r.body.as_bytes(),
                            lookout_server::db::now(),
                        ) {
                            signed += 1;
                        }
                        reached.insert(r.receiver);
                        hooks.push(since(t0, r.at));
                    }
                }
                () = tokio::time::sleep_until(deadline) => break,
            }
        }
        let wall = since(t0, mono_ns()).as_secs_f64();
        let cpu = (cpu_seconds(None) - cpu.0, cpu_seconds(child.id()) - cpu.1);
        let fan_out = watcher.await?;
        let notifications: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE alert_id = $1")
                .bind(alert_id)
                .fetch_one(&state.db.pool)
                .await?;
        let outbox = outbox_states(&state.db, alert_id).await?;

        println!(
            "round {round} ({reference}, alert {alert_id}): publish transaction committed after \
             {:.1} ms; fan-out committed (alerts.fanned_out = 1 seen, polled every 5 ms) after {}",
            ms(committed),
            fan_out.map_or("(not seen)".into(), |d| format!("{:.1} ms", ms(d)))
        );
        println!(
            "  {notifications} notifications; outbox: {}",
            outbox
                .iter()
                .map(|(s, attempts, n)| format!("{n} {s} at attempt {attempts}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        println!(
            "  live: {}/{subscribers} streams heard it ({}); webhooks: {}/{webhooks} received \
             at {} receivers, {signed} with a valid signature ({}); repeats {repeated}, \
             other events {stale}, streams lost so far {}",
            live.len(),
            span(&live),
            hooks.len(),
            reached.len(),
            span(&hooks),
            lost.load(Ordering::Relaxed)
        );
        println!(
            "  CPU from publish to the last receipt ({wall:.2} s on {cores} cores): portal process \
             {:.2} s, clients' process {:.2} s, together {:.0} % of the cores{}",
            cpu.0,
            cpu.1,
            100.0 * (cpu.0 + cpu.1) / (wall * cores as f64),
            if database_url.is_some() {
                " (PostgreSQL's own processes not counted)"
            } else {
                ""
            }
        );
        if let (Some(first), Some(last)) = (hooks.iter().min(), hooks.iter().max())
            && last > first
        {
            println!(
                "  webhook throughput: {:.0} deliveries/s between the first and the last",
                (hooks.len() - 1) as f64 / (*last - *first).as_secs_f64()
            );
        }
        report(
            &format!("  round {round} live stream (publish → event)"),
            live.clone(),
        );
        report(
            &format!("  round {round} webhook (publish → receipt)"),
            hooks.clone(),
        );
        all_live.extend(live);
        all_hooks.extend(hooks);
        commits.push(committed);
        fan_outs.extend(fan_out);
        // Let the round's last outbox updates settle.
        tokio::time::sleep(Duration::from_secs(1)).await;
    }

    println!("all {rounds} rounds:");
    report(
        "  publish transaction (create + publish + audit, commit)",
        commits,
    );
    let mut sorted = fan_outs.clone();
    sorted.sort();
    report("  fan-out committed after publish", fan_outs);
    println!(
        "  live events received {}/{}; webhook deliveries received {}/{}",
        all_live.len(),
        subscribers * rounds,
        all_hooks.len(),
        webhooks * rounds
    );
    report("  live stream (publish → event: alert)", all_live);
    report("  webhook (publish → receipt)", all_hooks);
    println!(
        "  (median fan-out commit {:.1} ms after publish: the rest of each figure comes after it)",
        ms(percentile(&sorted, 50.0))
    );
    // The clients' process ends when its stdin closes.
    drop(stdin);
    if tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .is_err()
    {
        child.kill().await?;
    }
    drop(portal);
    Ok(())
}
