//! Curated news intake, on every backend, against feeds served by a real
//! HTTP server on loopback: editors add a feed (refused with the reason
//! when it is a web page, malformed, huge, slow or redirects to a private
//! address), items land in the queue, an editor annotates and publishes one
//! as a news article members read, the schedule fetches again and records
//! failures for editors to see.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use lookout_server::Config;
use lookout_testkit::*;

fn rss(items: &[(&str, &str)]) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Harbour Security News</title>\
         <link>https://news.example/</link>",
    );
    for (n, (title, summary)) in items.iter().enumerate() {
        xml.push_str(&format!(
            "<item><title>{title}</title><link>https://news.example/{n}</link>\
             <guid>item-{n}</guid><pubDate>Tue, 0{d} Dec 2026 08:00:00 GMT</pubDate>\
             <description><![CDATA[<p>{summary}</p><script>alert(1)</script>]]></description></item>",
            d = n + 1
        ));
    }
    xml.push_str("</channel></rss>");
    xml
}

/// What the feed server's `/feed.xml` answers: 0 two items, 1 three
/// items, 2 a server error.
struct FeedServer {
    base: String,
    mode: Arc<AtomicUsize>,
}

async fn feed_server() -> FeedServer {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mode = Arc::new(AtomicUsize::new(0));
    let shared = Arc::clone(&mode);
    let app = axum::Router::new()
        .route(
            "/feed.xml",
            axum::routing::get(move || {
                let mode = shared.load(Ordering::SeqCst);
                async move {
                    let items = [
                        (
                            "Port of Kestrel Bay reports phishing wave",
                            "Agents targeted by look-alike pages.",
                        ),
                        (
                            "New IACS guidance on E26 surveys",
                            "What surveyors will ask for.",
                        ),
                        (
                            "GNSS interference notice for the Baltic",
                            "Expect position errors near the coast.",
                        ),
                    ];
                    match mode {
                        0 => (
                            [(header::CONTENT_TYPE, "application/rss+xml")],
                            rss(&items[..2]),
                        )
                            .into_response(),
                        1 => ([(header::CONTENT_TYPE, "application/rss+xml")], rss(&items))
                            .into_response(),
                        _ => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
                    }
                }
            }),
        )
        .route(
            "/moved",
            axum::routing::get(|| async {
                (StatusCode::FOUND, [(header::LOCATION, "/feed.xml")]).into_response()
            }),
        )
        .route(
            "/to-private",
            axum::routing::get(|| async {
                (
                    StatusCode::FOUND,
                    [(header::LOCATION, "http://169.254.169.254/latest/meta-data/")],
                )
                    .into_response()
            }),
        )
        .route(
            "/loop",
            axum::routing::get(|| async {
                (StatusCode::FOUND, [(header::LOCATION, "/loop")]).into_response()
            }),
        )
        .route(
            "/page.html",
            axum::routing::get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/html")],
                    "<!doctype html><html><body>News</body></html>",
                )
                    .into_response()
            }),
        )
        .route(
            "/broken.xml",
            axum::routing::get(|| async {
                "<rss version=\"2.0\"><channel><title>x</channel></rss>"
            }),
        )
        .route(
            "/huge.xml",
            axum::routing::get(|| async { format!("<rss>{}", " ".repeat(3 * 1024 * 1024)) }),
        )
        .route(
            "/slow.xml",
            axum::routing::get(|| async {
                tokio::time::sleep(Duration::from_secs(30)).await;
                rss(&[])
            }),
        );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    FeedServer { base, mode }
}

fn local_feeds(config: &mut Config) {
    config.webhook_allow = vec!["127.0.0.1/32".into()];
    config.webhook_allow_http = true;
    config.news_fetch_timeout_secs = 2;
}

async fn item_id(server: &TestServer, title: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM news_items WHERE title = $1")
        .bind(title)
        .fetch_one(&server.state.db.pool)
        .await
        .unwrap()
}

async fn add_feed(server: &TestServer, editor: &reqwest::Client, url: &str) -> (u16, String) {
    let (status, _, page) = submit(
        editor,
        &server.url("/kb/news"),
        &server.url("/kb/news/feeds"),
        &[("url", url)],
    )
    .await;
    (status, page)
}

/// Until `done` (a count) says the fetch the test waits for has been
/// recorded, makes every feed due now (unless a fetch holds it) and wakes
/// the worker: a fetch the worker began before, with the feed's old
/// answer, sets the next fetch an hour ahead when it ends.
async fn due_until(server: &TestServer, done: &'static str) {
    let recorded: i64 = sqlx::query_scalar(done)
        .fetch_one(&server.state.db.pool)
        .await
        .unwrap();
    if recorded > 0 {
        return;
    }
    sqlx::query("UPDATE news_feeds SET next_fetch_at = 0 WHERE lease_until <= $1")
        .bind(lookout_server::db::now())
        .execute(&server.state.db.pool)
        .await
        .unwrap();
    lookout_server::news::wake(&server.state);
}

/// The article form as the reviewer finds it filled in: the submitted
/// version, with the publish button.
async fn submitted_fields(server: &TestServer, article: &str) -> Vec<(&'static str, String)> {
    let slug = article.trim_start_matches("/kb/");
    let found = lookout_server::kb::store::by_slug(&server.state.db.pool, slug)
        .await
        .unwrap()
        .unwrap();
    let version = lookout_server::kb::store::latest(&server.state.db.pool, found.id)
        .await
        .unwrap()
        .unwrap();
    let c = version.content;
    vec![
        ("kind", "news".to_string()),
        ("slug", String::new()),
        ("title", c.title),
        ("summary", c.summary),
        ("tlp", c.tlp),
        ("body", c.body),
        ("tags", c.tags),
        ("incidents", c.incidents),
        ("advisories", c.advisories),
        ("action", "publish".to_string()),
    ]
}

#[tokio::test]
async fn editors_take_news_from_feeds_and_bad_feeds_are_refused_with_the_reason() {
    each_backend(async |url| {
        let data = tempfile::tempdir().unwrap();
        let server =
            TestServer::start_in(&url, data.path().to_path_buf(), Some(&local_feeds)).await;
        let feeds = feed_server().await;
        server.org("Northwind Tankers", "ship-owner").await;
        server
            .user("tom@northwind.example", "member", Some("Northwind Tankers"))
            .await;
        let tom = browser();
        sign_in(&server, &tom, "tom@northwind.example", PASSWORD).await;
        server.user("elena@op.example", "editor", None).await;
        let elena = browser();
        sign_in_enrolling(&server, &elena, "elena@op.example").await;

        let (status, _) = get(&tom, &server.url("/kb/news")).await;
        assert_eq!(status, 403, "members do not run the intake");

        // Bad feeds: refused with the reason, the address kept.
        for (path, reason) in [
            ("/page.html", "not an RSS or Atom feed"),
            ("/broken.xml", "well-formed"),
            ("/huge.xml", "larger than"),
            ("/slow.xml", "did not answer in time"),
            ("/to-private", "169.254.169.254"),
            ("/loop", "redirected more than"),
        ] {
            let address = format!("{}{path}", feeds.base);
            let (status, page) = add_feed(&server, &elena, &address).await;
            assert_eq!(status, 422, "{path}: {page}");
            let problems = page
                .split("id=\"feed-problems\"")
                .nth(1)
                .unwrap_or_default();
            assert!(problems.contains(reason), "{path}: {problems}");
            assert!(
                page.contains(&format!("value=\"{address}\"")),
                "{path}: address kept"
            );
        }
        // Not a web address at all.
        let (status, page) = add_feed(&server, &elena, "file:///etc/passwd").await;
        assert_eq!(status, 422, "{page}");
        let feeds_left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM news_feeds")
            .fetch_one(&server.state.db.pool)
            .await
            .unwrap();
        assert_eq!(feeds_left, 0, "a refused feed is not stored");

        // A good feed, through a redirect: its items are queued, scripts gone.
        let (status, _) = add_feed(&server, &elena, &format!("{}/moved", feeds.base)).await;
        assert_eq!(status, 303);
        let (_, page) = get(&elena, &server.url("/kb/news")).await;
        assert!(page.contains("Harbour Security News"));
        assert!(page.contains("Port of Kestrel Bay reports phishing wave"));
        assert!(page.contains("Agents targeted by look-alike pages."));
        assert!(!page.contains("alert(1)"));
        let (status, _) = add_feed(&server, &elena, &format!("{}/moved", feeds.base)).await;
        assert_eq!(status, 422, "registered once");

        // Publish one with a note; dismiss the other.
        let phishing = item_id(&server, "Port of Kestrel Bay reports phishing wave").await;
        let (status, location, _) = submit(
            &elena,
            &server.url("/kb/news"),
            &server.url(&format!("/kb/news/items/{phishing}")),
            &[
                ("action", "publish"),
                ("note", "Check your agents' **PCS** accounts this week."),
                ("tags", "phishing ports"),
                ("tlp", "green"),
            ],
        )
        .await;
        assert_eq!(status, 303);
        // One editor alone publishes nothing, not even news: it waits for a
        // second editor, who publishes exactly what was submitted.
        let edit = location.unwrap();
        assert!(edit.ends_with("/edit?done=submitted"), "{edit}");
        let article = edit.trim_end_matches("/edit?done=submitted").to_string();
        let (status, _) = get(&tom, &server.url(&article)).await;
        assert_eq!(status, 404, "not published by one editor");
        let (_, location, _) = submit(
            &elena,
            &server.url(&format!("{article}/edit")),
            &server.url(&format!("{article}/edit")),
            &submitted_fields(&server, &article)
                .await
                .iter()
                .map(|(k, v)| (*k, v.as_str()))
                .collect::<Vec<_>>(),
        )
        .await;
        assert!(
            location.unwrap().ends_with("done=waiting"),
            "the submitter cannot publish it"
        );
        server.user("omar@op.example", "editor", None).await;
        let omar = browser();
        sign_in_enrolling(&server, &omar, "omar@op.example").await;
        let (status, location, _) = submit(
            &omar,
            &server.url(&format!("{article}/edit")),
            &server.url(&format!("{article}/edit")),
            &submitted_fields(&server, &article)
                .await
                .iter()
                .map(|(k, v)| (*k, v.as_str()))
                .collect::<Vec<_>>(),
        )
        .await;
        assert_eq!((status, location.as_deref()), (303, Some(article.as_str())));
        let (status, page) = get(&tom, &server.url(&article)).await;
        assert_eq!(status, 200);
        assert!(page.contains("<strong>PCS</strong>"));
        assert!(page.contains("Agents targeted by look-alike pages."));
        assert!(page.contains("href=\"https://news.example/0\""));
        assert!(page.contains("#news") && page.contains("#phishing"));
        let (_, list) = get(&tom, &server.url("/kb?kind=news")).await;
        assert!(list.contains("Port of Kestrel Bay reports phishing wave"));
        let iacs = item_id(&server, "New IACS guidance on E26 surveys").await;
        let (status, _, _) = submit(
            &elena,
            &server.url("/kb/news"),
            &server.url(&format!("/kb/news/items/{iacs}")),
            &[("action", "dismiss")],
        )
        .await;
        assert_eq!(status, 303);
        let (status, _, _) = submit(
            &elena,
            &server.url("/kb/news"),
            &server.url(&format!("/kb/news/items/{iacs}")),
            &[("action", "publish")],
        )
        .await;
        assert_eq!(status, 409, "a decided item cannot be decided again");

        // A due feed is claimed by one worker only (several processes).
        sqlx::query("UPDATE news_feeds SET next_fetch_at = 0")
            .execute(&server.state.db.pool)
            .await
            .unwrap();
        let (first, second) = tokio::join!(
            lookout_server::news::store::claim_due(&server.state.db, 8, 300),
            lookout_server::news::store::claim_due(&server.state.db, 8, 300)
        );
        assert_eq!(first.unwrap().len() + second.unwrap().len(), 1);
        sqlx::query("UPDATE news_feeds SET lease_until = 0")
            .execute(&server.state.db.pool)
            .await
            .unwrap();

        // The schedule: due again, the new item only is queued.
        feeds.mode.store(1, Ordering::SeqCst);
        let mut queued = String::new();
        for _ in 0..100 {
            due_until(
                &server,
                "SELECT COUNT(*) FROM news_items WHERE title = 'GNSS interference notice for the Baltic'",
            )
            .await;
            let (_, page) = get(&elena, &server.url("/kb/news")).await;
            // The item and the feed's last result are written one after
            // the other: wait for both.
            if page.contains("GNSS interference notice for the Baltic")
                && page.contains("3 items read")
            {
                queued = page;
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        assert!(queued.contains("3 items read, 1 new"), "{queued}");
        assert!(
            !queued.contains("New IACS guidance"),
            "a dismissed item stays dismissed"
        );
        // A failing fetch is shown to editors with the reason.
        feeds.mode.store(2, Ordering::SeqCst);
        let mut failed = false;
        for _ in 0..100 {
            due_until(&server, "SELECT COUNT(*) FROM news_feeds WHERE last_ok = 0").await;
            let (_, page) = get(&elena, &server.url("/kb/news")).await;
            if page.contains("failed: The feed&#39;s server answered 500")
                || page.contains("failed: The feed's server answered 500")
            {
                failed = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        assert!(failed, "the failure is shown");
    })
    .await;
}
