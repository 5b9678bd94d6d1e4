//! Rapid alerts end to end, on every backend: advisories with a second
//! analyst's approval, delivered in the portal, by email over SMTP, to a
//! signed webhook on a real HTTP server, in an Atom feed and on the live
//! stream; watchlist hits; sharing levels on every channel; retries and
//! the dead-letter view; incident releases.

use std::sync::Arc;
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::Duration;

use axum::http::HeaderMap;
use hmac::{KeyInit, Mac};
use lookout_testkit::*;
use tokio::sync::mpsc;

/// One POST a receiver got.
#[derive(Debug, Clone)]
struct Received {
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Received {
    fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    }
    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// A webhook receiver on loopback that answers with `status` (changeable;
/// 0 hangs) and hands every request to the test.
async fn receiver(status: u16) -> (String, Arc<AtomicU16>, mpsc::UnboundedReceiver<Received>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let answer = Arc::new(AtomicU16::new(status));
    let (sender, inbox) = mpsc::unbounded_channel();
    let shared = Arc::clone(&answer);
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: axum::body::Bytes| {
            let sender = sender.clone();
            let status = shared.load(Ordering::SeqCst);
            async move {
                let _ = sender.send(Received {
                    headers,
                    body: body.to_vec(),
                });
                // 0: take the request and never answer in time.
                if status == 0 {
                    tokio::time::sleep(Duration::from_secs(60)).await;
                    return axum::http::StatusCode::OK;
                }
                axum::http::StatusCode::from_u16(status).unwrap()
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, answer, inbox)
}

/// Verifies a `Lookout-Signature` independently of the portal's code.
fn signed_by(secret: &str, received: &Received) -> bool {
    let header = received.header("lookout-signature");
    let (t, v1) = header.split_once(",v1=").unwrap();
    let t = t.strip_prefix("t=").unwrap();
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.").as_bytes());
    mac.update(&received.body);
    let age = lookout_server::db::now() - t.parse::<i64>().unwrap();
    hex::encode(mac.finalize().into_bytes()) == v1 && age.abs() < 300
}

async fn next<T>(inbox: &mut mpsc::UnboundedReceiver<T>, what: &str) -> T {
    tokio::time::timeout(Duration::from_secs(20), inbox.recv())
        .await
        .unwrap_or_else(|_| panic!("no {what} within 20 s"))
        .unwrap()
}

async fn nothing_more<T: std::fmt::Debug>(inbox: &mut mpsc::UnboundedReceiver<T>) {
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(inbox.try_recv().is_err(), "nothing else arrives");
}

/// Polls `check` until it holds, for up to 20 s.
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..100 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("{what}: not within 20 s");
}

/// Checks the feed with Python's feedparser, an independent reader, when
/// it is installed; CI installs it and sets `REQUIRE_FEEDPARSER` so the
/// check cannot be skipped there.
fn feedparser_reads(feed: &str, title: &str) {
    use std::io::Write;
    let script = "import sys, feedparser\n\
        d = feedparser.parse(sys.stdin.read())\n\
        assert not d.bozo, d.bozo_exception\n\
        assert d.version == 'atom10', d.version\n\
        print(d.entries[0].title)\n";
    let child = std::process::Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn();
    let required = std::env::var("REQUIRE_FEEDPARSER").is_ok();
    let Ok(mut child) = child else {
        assert!(!required, "python3 is needed for the feed check");
        return;
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(feed.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !required && stderr.contains("No module named 'feedparser'") {
        return;
    }
    assert!(output.status.success(), "feedparser: {stderr}");
    assert!(String::from_utf8_lossy(&output.stdout).contains(title));
}

/// Adds a webhook through the member's alerts page, whose test message the
/// receiver must accept; returns the page, which shows the secret once.
async fn add_webhook(server: &TestServer, client: &reqwest::Client, target: &str) -> String {
    let (status, _, page) = submit(
        client,
        &server.url("/alerts"),
        &server.url("/alerts/webhooks"),
        &[("url", target)],
    )
    .await;
    assert_eq!(status, 200, "{page}");
    page
}

/// Sends the new-advisory form; returns the status and where it leads.
async fn new_advisory(
    server: &TestServer,
    analyst: &reqwest::Client,
    fields: &[(&str, &str)],
) -> (u16, Option<String>) {
    let form = server.url("/advisories/new");
    let (status, location, _) = submit(analyst, &form, &form, fields).await;
    (status, location)
}

fn allow_loopback(config: &mut lookout_server::Config) {
    config.webhook_allow = vec!["127.0.0.0/8".into()];
    config.webhook_allow_http = true;
}

async fn member(server: &TestServer, email: &str, org: &str) -> reqwest::Client {
    server.user(email, "member", Some(org)).await;
    let client = browser();
    let (status, _, _) = sign_in(server, &client, email, PASSWORD).await;
    assert_eq!(status, 303);
    client
}

async fn analyst(server: &TestServer, email: &str) -> reqwest::Client {
    server.user(email, "analyst", None).await;
    let client = browser();
    sign_in_enrolling(server, &client, email).await;
    client
}

fn advisory_fields<'a>(
    title: &'a str,
    severity: &'a str,
    tlp: &'a str,
    action: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        ("severity", severity),
        ("tlp", tlp),
        (
            "body",
            "Crews report **fake** chart updates.\n\n<script>alert(1)</script>",
        ),
        ("actions", "- Check the chart supplier by phone."),
        (
            "indicators",
            "update-charts[.]example\nmail.harbourline[.]example",
        ),
        ("class", "malicious-code"),
        ("sea_area", "north-sea"),
        ("action", action),
    ]
}

/// The reference in a `Location` such as `/advisories/ADV-2026-0001/edit?…`.
fn reference_in(location: &str) -> String {
    location
        .trim_start_matches("/advisories/")
        .split(['/', '?'])
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn advisories_need_a_second_analyst_and_reach_every_channel() {
    each_backend(async |url| {
        let (smtp_port, mut mails) = smtp_sink().await;
        let tweak = move |config: &mut lookout_server::Config| {
            allow_loopback(config);
            config.smtp = Some(local_smtp(smtp_port));
        };
        let data = tempfile::tempdir().unwrap();
        let server = TestServer::start_in(&url, data.path().to_path_buf(), Some(&tweak)).await;
        server.org("Harbourline", "ship-owner").await;
        let green_org = server.org("Green Port", "port").await;
        sqlx::query("UPDATE organisations SET tlp_clearance = 1 WHERE id = $1")
            .bind(green_org)
            .execute(&server.state.db.pool)
            .await
            .unwrap();
        let cso = member(&server, "cso@harbourline.example", "Harbourline").await;
        let green = member(&server, "cso@greenport.example", "Green Port").await;
        let first = analyst(&server, "ana@lookout.example").await;
        let second = analyst(&server, "bo@lookout.example").await;

        // The member: email for each alert, a webhook, a feed, a watchlist.
        let (status, _, page) = submit(
            &cso,
            &server.url("/alerts"),
            &server.url("/alerts/settings"),
            &[
                ("advisories", "on"),
                ("min_severity", "1"),
                ("watchlist_hits", "on"),
                ("email", "immediate"),
            ],
        )
        .await;
        assert_eq!(status, 303, "saved, then back to the alerts page: {page}");
        let (_, page) = get(&cso, &server.url("/alerts?done=saved")).await;
        assert!(page.contains("Saved: you will receive alerts as chosen below."));
        assert!(
            page.contains("name=\"email\" value=\"immediate\" checked"),
            "the choice is kept"
        );
        let (hook_url, _, mut hooks) = receiver(200).await;
        let page = add_webhook(&server, &cso, &hook_url).await;
        let secret = element_text(&page, "webhook-secret");
        assert!(secret.starts_with("whsec_"));
        let ping = next(&mut hooks, "ping").await;
        assert_eq!(ping.header("lookout-event"), "ping");
        assert!(
            signed_by(&secret, &ping),
            "the ping is signed with the secret shown"
        );
        let (_, page) = get(&cso, &server.url("/alerts")).await;
        assert!(!page.contains(&secret), "the secret is shown once");

        submit(
            &cso,
            &server.url("/alerts"),
            &server.url("/alerts/feed"),
            &[],
        )
        .await;
        let (_, page) = get(&cso, &server.url("/alerts")).await;
        let feed_url = element_text(&page, "feed-url");
        assert!(
            page.contains(&format!("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Your Lookout alerts\" href=\"{feed_url}\">")),
            "the alerts page advertises the feed"
        );
        let (status, _, page) = submit(
            &cso,
            &server.url("/watchlist"),
            &server.url("/watchlist"),
            &[("kind", "domain"), ("entries", "harbourline.example")],
        )
        .await;
        assert_eq!(status, 200, "{page}");

        // A live stream is open before anything is published.
        let mut live = cso.get(server.url("/alerts/live")).send().await.unwrap();
        assert_eq!(live.status(), 200);

        // High severity: the first analyst submits, cannot approve alone.
        let (status, location) = new_advisory(
            &server,
            &first,
            &advisory_fields("Fake chart updates", "3", "amber", "publish"),
        )
        .await;
        assert_eq!(status, 303);
        let location = location.unwrap();
        assert!(location.ends_with("?done=submitted"), "{location}");
        let reference = reference_in(&location);
        let edit = server.url(&format!("/advisories/{reference}/edit"));
        let (_, page) = get(&first, &edit).await;
        assert!(page.contains("id=\"awaiting-other\""));
        assert!(
            !page.contains("value=\"approve\""),
            "no approve button for the submitter"
        );
        let (_, location, _) = submit(
            &first,
            &edit,
            &edit,
            &advisory_fields("Fake chart updates", "3", "amber", "approve"),
        )
        .await;
        assert!(location.unwrap().ends_with("?done=waiting"));
        let (status, _) = get(&cso, &server.url(&format!("/advisories/{reference}"))).await;
        assert_eq!(status, 404, "not published yet");

        // The second analyst approves exactly what was submitted.
        let (_, page) = get(&second, &edit).await;
        assert!(page.contains("id=\"awaiting-you\""));
        let (_, location, _) = submit(
            &second,
            &edit,
            &edit,
            &advisory_fields("Fake chart updates", "3", "amber", "approve"),
        )
        .await;
        assert_eq!(
            location.as_deref(),
            Some(format!("/advisories/{reference}").as_str())
        );

        // In the portal, rendered safely.
        let (status, page) = get(&cso, &server.url(&format!("/advisories/{reference}"))).await;
        assert_eq!(status, 200);
        assert!(page.contains("<strong>fake</strong>"));
        assert!(!page.contains("<script>alert"), "raw HTML is not rendered");

        // By webhook: signed, with the watchlist hit, once.
        let delivered = next(&mut hooks, "advisory webhook").await;
        assert!(signed_by(&secret, &delivered));
        assert_eq!(delivered.header("lookout-event"), "advisory.published");
        let body = delivered.json();
        assert_eq!(body["alert"]["reference"], reference.as_str());
        assert_eq!(body["alert"]["tlp"], "amber");
        assert_eq!(
            body["delivery"],
            delivered.header("lookout-delivery").as_str()
        );
        assert!(
            body["watchlist_hit"]
                .as_str()
                .unwrap()
                .contains("harbourline.example")
        );

        // By email, over SMTP.
        let mail = next(&mut mails, "alert email").await;
        assert!(
            mail.contains("Subject: [Lookout TLP:AMBER] New advisory: Fake chart updates"),
            "{mail}"
        );
        assert!(mail.contains("watchlist"), "{mail}");
        assert!(mail.contains(&format!("/advisories/{reference}")));

        // On the live stream.
        let heard = read_stream_until(
            &mut live,
            &reference,
            "the live stream carries the advisory",
        )
        .await;
        assert!(heard.contains("event: alert"));
        assert!(heard.contains("\"watchlist_hit\":true"));

        // On the alerts page, and in the Atom feed (parsed as a reader would).
        let (_, page) = get(&cso, &server.url("/alerts")).await;
        assert!(
            page.contains("Matches your organisation&#x27;s watchlist: Domain harbourline.example")
                || page
                    .contains("Matches your organisation's watchlist: Domain harbourline.example"),
            "{page}"
        );
        let feed_text = browser()
            .get(&feed_url)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        feedparser_reads(&feed_text, "Fake chart updates");
        let feed: atom_syndication::Feed = feed_text.parse().expect("a valid Atom feed");
        assert_eq!(feed.entries().len(), 1);
        assert!(
            feed.entries()[0]
                .title()
                .as_str()
                .contains("Fake chart updates")
        );

        // The green organisation may not read AMBER: nothing on any channel.
        let (status, _) = get(&green, &server.url(&format!("/advisories/{reference}"))).await;
        assert_eq!(status, 404);
        let (_, page) = get(&green, &server.url("/alerts")).await;
        assert!(!page.contains("Fake chart updates"));

        // An update (approved again) and a withdrawal are delivered as such.
        let (_, location, _) = submit(
            &first,
            &edit,
            &edit,
            &advisory_fields("Fake chart updates (second wave)", "3", "amber", "publish"),
        )
        .await;
        assert!(location.unwrap().ends_with("?done=submitted"));
        submit(
            &second,
            &edit,
            &edit,
            &advisory_fields("Fake chart updates (second wave)", "3", "amber", "approve"),
        )
        .await;
        let updated = next(&mut hooks, "update webhook").await;
        assert_eq!(updated.header("lookout-event"), "advisory.updated");
        assert!(
            next(&mut mails, "update email")
                .await
                .contains("Advisory updated")
        );
        let detail = server.url(&format!("/advisories/{reference}"));
        submit(
            &first,
            &detail,
            &server.url(&format!("/advisories/{reference}/withdraw")),
            &[],
        )
        .await;
        let withdrawn = next(&mut hooks, "withdrawal webhook").await;
        assert_eq!(withdrawn.header("lookout-event"), "advisory.withdrawn");
        assert!(
            next(&mut mails, "withdrawal email")
                .await
                .contains("Advisory withdrawn")
        );
        let (_, page) = get(&cso, &detail).await;
        assert!(page.contains("id=\"withdrawn\""));
        nothing_more(&mut hooks).await;

        // A revoked feed is gone.
        submit(
            &cso,
            &server.url("/alerts"),
            &server.url("/alerts/feed/revoke"),
            &[],
        )
        .await;
        assert_eq!(browser().get(&feed_url).send().await.unwrap().status(), 404);
    })
    .await;
}

#[tokio::test]
async fn bad_webhooks_and_watchlist_entries_are_refused_with_the_reason_and_the_text_kept() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        server.org("Harbourline", "ship-owner").await;
        server.org("Other Line", "ship-owner").await;
        let cso = member(&server, "cso@harbourline.example", "Harbourline").await;
        let other = member(&server, "cso@otherline.example", "Other Line").await;
        let alerts = server.url("/alerts");
        let hooks = server.url("/alerts/webhooks");

        for (target, reason) in [
            ("not a url", "address"),
            ("http://127.0.0.1:9/hook", "https"),
            ("https://127.0.0.1:9/hook", "loopback"),
            ("https://10.1.2.3/hook", "private"),
            ("https://169.254.169.254/latest/meta-data", "link-local"),
        ] {
            let (status, _, page) = submit(&cso, &alerts, &hooks, &[("url", target)]).await;
            assert_eq!(status, 422, "{target}");
            let problem = page[page.find("id=\"webhook-problem\"").unwrap()..].to_lowercase();
            assert!(problem.contains(reason), "{target}: {problem}");
            assert!(
                page.contains(&format!("value=\"{target}\"")),
                "the address is kept"
            );
        }
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM webhooks")
            .fetch_one(&server.state.db.pool)
            .await
            .unwrap();
        assert_eq!(count, 0);

        // Allowed by the operator but unreachable, or answering 500. (A
        // process of the same portal: its key, other settings.)
        let permissive =
            TestServer::start_in(&url, server.data_dir.clone(), Some(&allow_loopback)).await;
        let cso2 = browser();
        sign_in(&permissive, &cso2, "cso@harbourline.example", PASSWORD).await;
        let unused = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let closed = format!("http://{}/hook", unused.local_addr().unwrap());
        drop(unused);
        let (status, _, page) = submit(
            &cso2,
            &permissive.url("/alerts"),
            &permissive.url("/alerts/webhooks"),
            &[("url", &closed)],
        )
        .await;
        assert_eq!(status, 422);
        assert!(page.contains("Could not connect"), "{page}");
        let (failing, _, _) = receiver(500).await;
        let (status, _, page) = submit(
            &cso2,
            &permissive.url("/alerts"),
            &permissive.url("/alerts/webhooks"),
            &[("url", &failing)],
        )
        .await;
        assert_eq!(status, 422);
        assert!(page.contains("HTTP 500"), "{page}");

        // Watchlist: every bad line named at once, nothing added, text kept.
        let text = "IMO 9074728\nexample.com\n10.0.0.0/4";
        let (status, _, page) = submit(
            &cso,
            &server.url("/watchlist"),
            &server.url("/watchlist"),
            &[("kind", "imo"), ("entries", text)],
        )
        .await;
        assert_eq!(status, 422);
        assert!(page.contains("check digit"), "{page}");
        assert!(
            page.contains("IMO 9074728\nexample.com\n10.0.0.0/4"),
            "the text is kept"
        );
        let (status, _, page) = submit(
            &cso,
            &server.url("/watchlist"),
            &server.url("/watchlist"),
            &[("kind", "cidr"), ("entries", "10.0.0.0/4")],
        )
        .await;
        assert_eq!(status, 422, "{page}");
        let (status, _, page) = submit(
            &cso,
            &server.url("/watchlist"),
            &server.url("/watchlist"),
            &[("kind", "imo"), ("entries", "IMO 9074729\n9074729")],
        )
        .await;
        assert_eq!(status, 200, "{page}");
        assert!(
            page.contains("Added 1 entry."),
            "the same ship twice is one entry: {page}"
        );
        let (_, _, page) = submit(
            &cso,
            &server.url("/watchlist"),
            &server.url("/watchlist"),
            &[("kind", "imo"), ("entries", "imo:9074729\nIMO 9319466")],
        )
        .await;
        assert!(
            page.contains("Added 1 entry; 1 entry already on the watchlist."),
            "{page}"
        );
        assert!(page.contains("IMO9074729"));

        // Sealed at rest, and another organisation neither sees nor removes it.
        let sealed: Vec<String> =
            sqlx::query_scalar("SELECT sealed_value || lookup FROM watch_entries")
                .fetch_all(&server.state.db.pool)
                .await
                .unwrap();
        assert!(sealed.iter().all(|s| !s.contains("9074729")));
        let (_, page) = get(&other, &server.url("/watchlist")).await;
        assert!(!page.contains("9074729"));
        let id: i64 = sqlx::query_scalar("SELECT id FROM watch_entries")
            .fetch_one(&server.state.db.pool)
            .await
            .unwrap();
        let (status, _, _) = submit(
            &other,
            &server.url("/watchlist"),
            &server.url(&format!("/watchlist/{id}/delete")),
            &[],
        )
        .await;
        assert_eq!(status, 404);
    })
    .await;
}

#[tokio::test]
async fn a_failing_receiver_is_retried_then_dead_lettered_and_blocks_no_one() {
    each_backend(async |url| {
        let data = tempfile::tempdir().unwrap();
        let tweak = |config: &mut lookout_server::Config| {
            allow_loopback(config);
            config.delivery_max_attempts = 2;
        };
        let server = TestServer::start_in(&url, data.path().to_path_buf(), Some(&tweak)).await;
        server.org("Harbourline", "ship-owner").await;
        let cso = member(&server, "cso@harbourline.example", "Harbourline").await;
        let (good_url, _, mut good) = receiver(200).await;
        let (bad_url, bad_status, mut bad) = receiver(200).await;
        for target in [&good_url, &bad_url] {
            add_webhook(&server, &cso, target).await;
        }
        next(&mut good, "ping").await;
        next(&mut bad, "ping").await;
        bad_status.store(503, Ordering::SeqCst);

        let writer = analyst(&server, "ana@lookout.example").await;
        assert_eq!(
            new_advisory(
                &server,
                &writer,
                &advisory_fields("Low-level note", "1", "green", "publish")
            )
            .await
            .0,
            303
        );
        assert_eq!(
            next(&mut good, "delivery").await.header("lookout-event"),
            "advisory.published"
        );
        let first_try = next(&mut bad, "first attempt").await;
        let key = first_try.header("lookout-delivery");

        // The next attempt waits (30 s or more); let its time come.
        let db = server.state.db.clone();
        eventually("the failure is recorded", || {
            let db = db.clone();
            async move {
                let row: Option<(i64, String)> = sqlx::query_as("SELECT attempts, last_error FROM outbox WHERE state = 'pending' AND lease_until = 0 AND attempts = 1")
                    .fetch_optional(&db.pool)
                    .await
                    .unwrap();
                row.is_some_and(|(_, e)| e.contains("503"))
            }
        })
        .await;
        sqlx::query("UPDATE outbox SET next_attempt_at = 0 WHERE state = 'pending'")
            .execute(&server.state.db.pool)
            .await
            .unwrap();
        let second_try = next(&mut bad, "second attempt").await;
        assert_eq!(
            second_try.header("lookout-delivery"),
            key,
            "the same idempotency key on every attempt"
        );
        assert_eq!(second_try.body, first_try.body, "and the same content");
        let db = server.state.db.clone();
        eventually("the delivery is dead", || {
            let db = db.clone();
            async move {
                let dead: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE state = 'dead'")
                        .fetch_one(&db.pool)
                        .await
                        .unwrap();
                dead == 1
            }
        })
        .await;

        // Admins see it, with the reason, and send it again.
        let admin = browser();
        server.user("admin@lookout.example", "admin", None).await;
        sign_in_enrolling(&server, &admin, "admin@lookout.example").await;
        let (_, page) = get(&admin, &server.url("/admin/deliveries")).await;
        assert!(page.contains(&key) && page.contains("HTTP 503"), "{page}");
        let (status, _) = get(&cso, &server.url("/admin/deliveries")).await;
        assert_eq!(status, 403);
        bad_status.store(200, Ordering::SeqCst);
        let id: i64 = sqlx::query_scalar("SELECT id FROM outbox WHERE state = 'dead'")
            .fetch_one(&server.state.db.pool)
            .await
            .unwrap();
        let (status, _, _) = submit(
            &admin,
            &server.url("/admin/deliveries"),
            &server.url(&format!("/admin/deliveries/{id}/retry")),
            &[],
        )
        .await;
        assert_eq!(status, 303);
        assert_eq!(
            next(&mut bad, "resent delivery")
                .await
                .header("lookout-delivery"),
            key
        );
        nothing_more(&mut good).await;
    })
    .await;
}

#[tokio::test]
async fn incidents_are_announced_at_their_release_to_those_who_asked() {
    use lookout_server::incidents::store::{Content, Publication};
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        server.org("Harbourline", "ship-owner").await;
        let keen = member(&server, "keen@harbourline.example", "Harbourline").await;
        let quiet = member(&server, "quiet@harbourline.example", "Harbourline").await;
        submit(
            &keen,
            &server.url("/alerts"),
            &server.url("/alerts/settings"),
            &[("incidents", "on"), ("min_severity", "1"), ("email", "off")],
        )
        .await;

        // An incident whose delayed release has not come.
        let now = lookout_server::db::now();
        let mut tx = server.state.db.begin_write().await.unwrap();
        let report = lookout_server::reports::store::insert(
            &mut tx,
            &server.state.key,
            &lookout_server::reports::model::ReportForm::from_pairs(
                report_fields("anonymous", "Chart update with a ransom note.")
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v.to_string())),
            ),
            lookout_server::reports::model::Mode::Anonymous,
            lookout_server::reports::store::Reporter::Anonymous {
                receipt_lookup: "x".into(),
            },
            None,
            false,
        )
        .await
        .unwrap()
        .0;
        let content = Content {
            title: "ECDIS ransom note".into(),
            summary: "Ransom note after a chart update.".into(),
            indicators: "update-charts.example".into(),
            class: "malicious-code".into(),
            occurred_on: "2026-03-02".into(),
            vessel_type: "container-ship".into(),
            vessel_size: "large".into(),
            sea_area: "north-sea".into(),
            impact_safety: "minor".into(),
            impact_operations: "minor".into(),
            impact_money: "none".into(),
            tlp: "green".into(),
            ..Content::default()
        };
        lookout_server::incidents::publish::save_within(
            &mut tx,
            report,
            "INC-2026-0500",
            &content,
            &Publication {
                state: "published",
                visible_from: Some(now + 3600),
                reporter_org_id: None,
                named_org: None,
            },
            now,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        lookout_server::alerts::outbox::round(&server.state)
            .await
            .unwrap();
        let (_, page) = get(&keen, &server.url("/alerts")).await;
        assert!(
            !page.contains("ECDIS ransom note"),
            "nothing before the release"
        );

        // The release comes: announced once, to the member who asked.
        sqlx::query("UPDATE incidents SET visible_from = $1")
            .bind(now - 1)
            .execute(&server.state.db.pool)
            .await
            .unwrap();
        lookout_server::alerts::outbox::round(&server.state)
            .await
            .unwrap();
        lookout_server::alerts::outbox::round(&server.state)
            .await
            .unwrap();
        let (_, page) = get(&keen, &server.url("/alerts")).await;
        assert_eq!(
            page.matches("New incident: ECDIS ransom note").count(),
            1,
            "{page}"
        );
        let (_, page) = get(&quiet, &server.url("/alerts")).await;
        assert!(!page.contains("ECDIS ransom note"), "not asked for");
        let alerts: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM alerts WHERE kind = 'incident.published'")
                .fetch_one(&server.state.db.pool)
                .await
                .unwrap();
        assert_eq!(alerts, 1);

        // The organisation is cleared for GREEN only, and the incident is
        // raised to AMBER+STRICT: its page is 404, and so is every trace of
        // it in the alerts page and the feed.
        let mut tx = server.state.db.begin_write().await.unwrap();
        let keen_id: i64 =
            sqlx::query_scalar("SELECT id FROM users WHERE email = 'keen@harbourline.example'")
                .fetch_one(&mut *tx)
                .await
                .unwrap();
        let feed = lookout_server::alerts::feed::create(&mut tx, &server.state.key, keen_id)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        sqlx::query("UPDATE organisations SET tlp_clearance = 1")
            .execute(&server.state.db.pool)
            .await
            .unwrap();
        for (tlp, rank, state, shown) in [
            ("amber-strict", 3, "published", false),
            ("green", 1, "published", true),
            ("green", 1, "withdrawn", false),
        ] {
            sqlx::query("UPDATE incidents SET tlp = $1, tlp_rank = $2, state = $3")
                .bind(tlp)
                .bind(rank)
                .bind(state)
                .execute(&server.state.db.pool)
                .await
                .unwrap();
            let (_, page) = get(&keen, &server.url("/alerts")).await;
            assert_eq!(
                page.contains("ECDIS ransom note"),
                shown,
                "{tlp} {state}: page"
            );
            let (_, atom) = get(&browser(), &server.url(&format!("/alerts/feed/{feed}"))).await;
            assert_eq!(
                atom.contains("ECDIS ransom note"),
                shown,
                "{tlp} {state}: feed"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn several_processes_send_each_delivery_once_and_stream_to_every_listener() {
    let Ok(base) = std::env::var("LOOKOUT_TEST_DATABASE_URL") else {
        return;
    };
    if base.is_empty() {
        return;
    }
    let url = fresh_postgres(&base).await;
    let data = tempfile::tempdir().unwrap();
    let servers = [
        TestServer::start_in(&url, data.path().to_path_buf(), Some(&allow_loopback)).await,
        TestServer::start_in(&url, data.path().to_path_buf(), Some(&allow_loopback)).await,
        TestServer::start_in(&url, data.path().to_path_buf(), Some(&allow_loopback)).await,
    ];
    servers[0].org("Harbourline", "ship-owner").await;
    let (hook_url, _, mut hooks) = receiver(200).await;
    let mut streams = Vec::new();
    for i in 0..20 {
        let email = format!("m{i}@harbourline.example");
        let client = member(&servers[0], &email, "Harbourline").await;
        add_webhook(&servers[0], &client, &hook_url).await;
        next(&mut hooks, "ping").await;
        // Each member listens on one of the other processes.
        let server = &servers[1 + i % 2];
        let listener = browser();
        sign_in(server, &listener, &email, PASSWORD).await;
        streams.push(
            listener
                .get(server.url("/alerts/live"))
                .send()
                .await
                .unwrap(),
        );
    }
    let writer = analyst(&servers[0], "ana@lookout.example").await;
    let (status, location) = new_advisory(
        &servers[0],
        &writer,
        &advisory_fields("For everyone", "2", "green", "publish"),
    )
    .await;
    assert_eq!(status, 303, "{location:?}");
    let mut keys = std::collections::BTreeSet::new();
    for _ in 0..20 {
        let delivered = next(&mut hooks, "delivery").await;
        assert!(
            keys.insert(delivered.header("lookout-delivery")),
            "each delivery once"
        );
    }
    nothing_more(&mut hooks).await;
    for mut stream in streams {
        let heard = read_stream_until(
            &mut stream,
            "For everyone",
            "every listener, on every process, hears the advisory",
        )
        .await;
        assert!(heard.contains("event: alert"));
    }
}

#[tokio::test]
async fn a_daily_digest_gathers_the_alerts_into_one_email_once() {
    each_backend(async |url| {
        let (smtp_port, mut mails) = smtp_sink().await;
        let tweak = move |config: &mut lookout_server::Config| {
            config.smtp = Some(local_smtp(smtp_port));
        };
        let data = tempfile::tempdir().unwrap();
        let server = TestServer::start_in(&url, data.path().to_path_buf(), Some(&tweak)).await;
        server.org("Harbourline", "ship-owner").await;
        let cso = member(&server, "cso@harbourline.example", "Harbourline").await;
        submit(
            &cso,
            &server.url("/alerts"),
            &server.url("/alerts/settings"),
            &[
                ("advisories", "on"),
                ("min_severity", "1"),
                ("email", "digest"),
            ],
        )
        .await;
        let writer = analyst(&server, "ana@lookout.example").await;
        for title in ["First note", "Second note"] {
            let (status, _) = new_advisory(
                &server,
                &writer,
                &advisory_fields(title, "1", "green", "publish"),
            )
            .await;
            assert_eq!(status, 303);
        }
        let db = server.state.db.clone();
        eventually("both alerts wait for the digest", || {
            let db = db.clone();
            async move {
                let waiting: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE in_digest = 1")
                        .fetch_one(&db.pool)
                        .await
                        .unwrap();
                waiting == 2
            }
        })
        .await;
        nothing_more(&mut mails).await;

        // Tomorrow's digest hour comes (twice, as two processes would see it).
        // Before it goes, the second note is raised beyond the member's
        // level: the digest leaves it out, and its subject counts only what
        // it tells.
        sqlx::query("UPDATE organisations SET tlp_clearance = 1")
            .execute(&server.state.db.pool)
            .await
            .unwrap();
        sqlx::query(
            "UPDATE advisory_revisions SET tlp = 'amber-strict', tlp_rank = 3 \
             WHERE title = 'Second note'",
        )
        .execute(&server.state.db.pool)
        .await
        .unwrap();
        let tomorrow = lookout_server::db::now() + 86_400 + 3_600;
        for _ in 0..2 {
            lookout_server::alerts::email::queue_digests(&server.state, tomorrow)
                .await
                .unwrap();
        }
        lookout_server::alerts::wake_worker(&server.state);
        let mail = next(&mut mails, "digest").await;
        assert!(mail.contains("Your daily alerts: 1 new"), "{mail}");
        assert!(mail.contains("First note") && !mail.contains("Second note"));
        nothing_more(&mut mails).await;
        let waiting: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE in_digest = 1")
                .fetch_one(&server.state.db.pool)
                .await
                .unwrap();
        assert_eq!(waiting, 0);
    })
    .await;
}

#[tokio::test]
async fn a_receiver_that_never_answers_delays_no_other_alert() {
    each_backend(async |url| {
        let data = tempfile::tempdir().unwrap();
        let server =
            TestServer::start_in(&url, data.path().to_path_buf(), Some(&allow_loopback)).await;
        server.org("Harbourline", "ship-owner").await;
        let (good_url, _, mut good) = receiver(200).await;
        let (stuck_url, stuck_status, mut stuck) = receiver(200).await;
        for (email, target) in [
            ("a@harbourline.example", &stuck_url),
            ("b@harbourline.example", &good_url),
        ] {
            let client = member(&server, email, "Harbourline").await;
            add_webhook(&server, &client, target).await;
        }
        next(&mut good, "ping").await;
        next(&mut stuck, "ping").await;
        stuck_status.store(0, Ordering::SeqCst);

        let writer = analyst(&server, "ana@lookout.example").await;
        let started = std::time::Instant::now();
        for title in ["First wave", "Second wave"] {
            assert_eq!(
                new_advisory(
                    &server,
                    &writer,
                    &advisory_fields(title, "1", "green", "publish")
                )
                .await
                .0,
                303
            );
            let delivered = next(&mut good, title).await;
            assert!(String::from_utf8_lossy(&delivered.body).contains(title));
        }
        next(&mut stuck, "the stuck receiver's first request").await;
        // Both reached the healthy receiver while the stuck one still held
        // its first request (the outbound deadline is 10 s).
        assert!(
            started.elapsed() < Duration::from_secs(8),
            "{:?}",
            started.elapsed()
        );
    })
    .await;
}

#[tokio::test]
async fn a_claim_takes_at_most_its_limit_and_never_a_row_twice() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        server.org("Harbourline", "ship-owner").await;
        let user = server
            .user("cso@harbourline.example", "member", Some("Harbourline"))
            .await;
        let db = &server.state.db;
        // Due in the future, so the server's own worker leaves them alone;
        // the claims below look from further ahead. All sent when the
        // planner last looked, then many pending at once (a portal that ran
        // quietly, then a big alert): the statistics that made PostgreSQL
        // rerun the locking subquery per row and claim 275 for a limit of 64.
        let future = lookout_server::db::now() + 10_000;
        let mut tx = db.begin_write().await.unwrap();
        for i in 0..1200 {
            sqlx::query(
                "INSERT INTO outbox (channel, idempotency_key, user_id, state, next_attempt_at, created_at) \
                 VALUES ('email', $1, $2, 'sent', $3, $3)",
            )
            .bind(format!("test:{i}"))
            .bind(user)
            .bind(future)
            .execute(&mut *tx)
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        if db.backend == lookout_server::db::Backend::Postgres {
            sqlx::query("ANALYZE outbox")
                .execute(&db.pool)
                .await
                .unwrap();
        }
        sqlx::query("UPDATE outbox SET state = 'pending' WHERE idempotency_key < 'test:5'")
            .execute(&db.pool)
            .await
            .unwrap();
        let pending: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE state = 'pending'")
                .fetch_one(&db.pool)
                .await
                .unwrap();
        let mut seen = std::collections::BTreeSet::new();
        let mut total = 0;
        loop {
            let claimed = lookout_server::alerts::outbox::claim(db, future + 1, 64)
                .await
                .unwrap();
            assert!(
                claimed.len() <= 64,
                "claimed {} for a limit of 64",
                claimed.len()
            );
            if claimed.is_empty() {
                break;
            }
            for row in &claimed {
                assert!(seen.insert(row.id), "row {} claimed twice", row.id);
            }
            total += claimed.len();
        }
        assert_eq!(
            i64::try_from(total).unwrap(),
            pending,
            "every pending row claimed once"
        );
    })
    .await;
}
