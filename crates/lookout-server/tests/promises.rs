//! Promises a review broke as an attacker would (issue 17), each with the
//! attack that broke it, on every backend where storage is involved: an
//! open redirect, search dating a batched release, one client behind a
//! proxy locking out everyone, an org-admin undoing an operator's
//! decision, access that outlived a password change, password resets
//! locking members out, and an upload read in full before the portal knew
//! the sender was not signed in.

use std::time::Duration;

use lookout_testkit::*;

/// Where a response's `Location` leads, read the way a browser reads it.
fn leads_to(location: &str) -> url::Url {
    url::Url::parse("https://portal.example/")
        .unwrap()
        .join(location)
        .unwrap()
}

#[tokio::test]
async fn sign_in_redirects_stay_on_the_portal_whatever_bytes_come_in() {
    let dir = tempfile::tempdir().unwrap();
    let url = &sqlite_url(dir.path());
    let server = TestServer::start(url).await;
    server.org("Northwind Tankers", "ship-owner").await;
    server
        .user("cso@northwind.example", "member", Some("Northwind Tankers"))
        .await;
    let hostile = [
        "%2F%09%2Fevil.example",
        "%2F%0A%2Fevil.example",
        "%2F%0D%0A%2Fevil.example",
        "%2F%5C%2Fevil.example",
        "%09%2F%2Fevil.example",
        "%2F%00x",
        "%2F%7F%2F",
        "%2F%2Fevil.example",
        "https%3A%2F%2Fevil.example",
        "%2F%E2%80%AE%2F",
    ];
    // Signed out: the form carries `next`; signing in follows it.
    for next in hostile {
        let client = browser();
        let (status, page) = get(&client, &server.url(&format!("/login?next={next}"))).await;
        assert_eq!(status, 200, "{next}");
        let raw = url::form_urlencoded::parse(format!("n={next}").as_bytes())
            .next()
            .unwrap()
            .1
            .to_string();
        let (status, location, _) = submit(
            &client,
            &server.url("/login"),
            &server.url("/login"),
            &[
                ("email", "cso@northwind.example"),
                ("password", PASSWORD),
                ("next", &raw),
            ],
        )
        .await;
        assert_eq!(status, 303, "{next}: {page:.0}");
        let target = leads_to(&location.unwrap());
        assert_eq!(target.host_str(), Some("portal.example"), "{next}");
        // Signed in: the same link redirects at once, never a 500.
        let response = client
            .get(server.url(&format!("/login?next={next}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 303, "{next}");
        let location = response.headers()["location"].to_str().unwrap().to_string();
        assert_eq!(
            leads_to(&location).host_str(),
            Some("portal.example"),
            "{next}: {location}"
        );
    }
}

#[tokio::test]
async fn search_shows_a_batched_incident_at_its_release_time_only() {
    use lookout_server::incidents::publish::save_within as save;
    use lookout_server::incidents::store::{Content, Publication};
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        server.org("Harbourline", "ship-owner").await;
        server
            .user("cso@harbourline.example", "member", Some("Harbourline"))
            .await;
        let member = browser();
        sign_in(&server, &member, "cso@harbourline.example", PASSWORD).await;

        // Published by an analyst now, released to members in an earlier
        // batch: what members see is the release, never the analyst's minute.
        let now = lookout_server::db::now();
        let released = now - now % 3600 - 6 * 3600;
        let mut tx = server.state.db.begin_write().await.unwrap();
        let (report, _, _) = lookout_server::reports::store::insert(
            &mut tx,
            &server.state.key,
            &lookout_server::reports::model::ReportForm::default(),
            lookout_server::reports::model::Mode::Anonymous,
            lookout_server::reports::store::Reporter::Anonymous {
                receipt_lookup: "x".into(),
            },
            None,
            false,
        )
        .await
        .unwrap();
        save(
            &mut tx,
            report,
            "INC-2026-0777",
            &Content {
                title: "Bunker invoice redirected to a lookalike bank".into(),
                summary: "A lookalike domain asked for the bunker payment.".into(),
                class: "bunker-payment-fraud".into(),
                occurred_on: "2026-03-02".into(),
                vessel_type: "tanker".into(),
                vessel_size: "large".into(),
                sea_area: "north-sea".into(),
                impact_safety: "none".into(),
                impact_operations: "minor".into(),
                impact_money: "severe".into(),
                tlp: "green".into(),
                ..Content::default()
            },
            &Publication {
                state: "published",
                visible_from: Some(released),
                reporter_org_id: None,
                named_org: None,
            },
            now,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();

        let shown: i64 =
            sqlx::query_scalar("SELECT updated_at FROM search_documents WHERE kind = 'incident'")
                .fetch_one(&server.state.db.pool)
                .await
                .unwrap();
        assert_eq!(shown, released, "the index keeps the release time");
        let (status, page) = get(&member, &server.url("/search?q=lookalike")).await;
        assert_eq!(status, 200);
        assert!(page.contains("Bunker invoice redirected"), "{page}");
        let minute = time::OffsetDateTime::from_unix_timestamp(now)
            .unwrap()
            .format(time::macros::format_description!("[hour]:[minute]"))
            .unwrap();
        let hit = &page[page.find("Bunker invoice redirected").unwrap()..];
        let hit = &hit[..hit.find("</li>").unwrap()];
        assert!(
            !hit.contains(&minute) || now - released < 60,
            "the publication minute {minute} is shown: {hit}"
        );
    })
    .await;
}

/// One sign-in through the proxy, as `forwarded_for` (the header the
/// proxy sends); the answer's status.
async fn sign_in_as(
    server: &TestServer,
    email: &str,
    password: &str,
    forwarded_for: Option<&str>,
) -> u16 {
    let client = browser();
    let (_, html) = get(&client, &server.url("/login")).await;
    let mut request = client.post(server.url("/login")).form(&[
        ("csrf", csrf(&html).as_str()),
        ("email", email),
        ("password", password),
    ]);
    if let Some(address) = forwarded_for {
        request = request.header("x-forwarded-for", address);
    }
    request.send().await.unwrap().status().as_u16()
}

/// Twenty-five failed sign-ins with made-up addresses through the proxy.
async fn spray(server: &TestServer, forwarded_for: Option<&str>) {
    for n in 0..25 {
        let email = format!("nobody{n}@spray.example");
        sign_in_as(server, &email, "wrong wrong wrong wrong", forwarded_for).await;
    }
}

async fn signs_in(server: &TestServer, forwarded_for: Option<&str>) -> bool {
    sign_in_as(server, "cso@northwind.example", PASSWORD, forwarded_for).await == 303
}

#[tokio::test]
async fn behind_a_proxy_one_client_cannot_lock_out_the_others() {
    each_backend(async |url| {
        // A proxy the operator did not name: the client is unknown, so
        // there is no address throttle to fill for everyone.
        let data = tempfile::tempdir().unwrap();
        let server = TestServer::start_in(
            &url,
            data.path().to_path_buf(),
            Some(&|config: &mut lookout_server::Config| config.behind_proxy = true),
        )
        .await;
        server.org("Northwind Tankers", "ship-owner").await;
        server
            .user("cso@northwind.example", "member", Some("Northwind Tankers"))
            .await;
        spray(&server, Some("198.51.100.66")).await;
        assert!(signs_in(&server, Some("203.0.113.7")).await);
    })
    .await;
    // A named proxy: the sprayer is locked out by its own address, and the
    // member behind another address is not.
    each_backend(async |url| {
        let data = tempfile::tempdir().unwrap();
        let server = TestServer::start_in(
            &url,
            data.path().to_path_buf(),
            Some(&|config: &mut lookout_server::Config| {
                config.behind_proxy = true;
                config.trusted_proxies = vec!["127.0.0.1".into()];
            }),
        )
        .await;
        server.org("Northwind Tankers", "ship-owner").await;
        server
            .user("cso@northwind.example", "member", Some("Northwind Tankers"))
            .await;
        spray(&server, Some("198.51.100.66")).await;
        assert!(
            !signs_in(&server, Some("198.51.100.66")).await,
            "the sprayer is locked"
        );
        assert!(
            signs_in(&server, Some("203.0.113.7")).await,
            "others are not"
        );
        // A client cannot pose as another by writing the header itself: the
        // proxy appends the real address, and that is what counts.
        assert!(
            !signs_in(&server, Some("203.0.113.7, 198.51.100.66")).await,
            "the rightmost address is the one the proxy saw"
        );
    })
    .await;
}

#[tokio::test]
async fn reset_requests_neither_lock_sign_in_nor_tell_who_is_a_member() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        server.org("Northwind Tankers", "ship-owner").await;
        server
            .user("cso@northwind.example", "member", Some("Northwind Tankers"))
            .await;
        // A stranger asks for resets in the member's name, again and again.
        for _ in 0..8 {
            let (status, _, body) = submit(
                &browser(),
                &server.url("/password-reset"),
                &server.url("/password-reset"),
                &[("email", "cso@northwind.example")],
            )
            .await;
            assert_eq!(status, 200);
            assert!(body.contains("reset link is on its way"));
        }
        assert!(signs_in(&server, None).await, "the member still signs in");
        // A flood of requests does not flood the mailbox.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let mails = server
            .mails()
            .iter()
            .filter(|m| m.contains("To: cso@northwind.example"))
            .count();
        assert!((1..=3).contains(&mails), "{mails} reset mails");
    })
    .await;
}

#[tokio::test]
async fn an_org_admin_cannot_undo_an_operator_and_a_password_change_ends_every_way_in() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        server.org("Northwind Tankers", "ship-owner").await;
        let member_id = server
            .user("ops@northwind.example", "member", Some("Northwind Tankers"))
            .await;
        server
            .user(
                "boss@northwind.example",
                "org-admin",
                Some("Northwind Tankers"),
            )
            .await;
        server.user("root@op.example", "admin", None).await;
        let boss = browser();
        sign_in(&server, &boss, "boss@northwind.example", PASSWORD).await;
        let root = browser();
        sign_in_enrolling(&server, &root, "root@op.example").await;

        // The operator disables the account; the org-admin cannot enable it.
        let (status, _, _) = submit(
            &root,
            &server.url("/admin/users"),
            &server.url(&format!("/admin/users/{member_id}/disable")),
            &[("confirmed", "yes")],
        )
        .await;
        assert_eq!(status, 303);
        let (status, _, page) = submit(
            &boss,
            &server.url("/org/members"),
            &server.url("/org/members"),
            &[("action", "enable"), ("user_id", &member_id.to_string())],
        )
        .await;
        assert_eq!(status, 409, "{page}");
        assert!(page.contains("only they can enable it again"));
        let disabled: i64 = sqlx::query_scalar("SELECT disabled FROM users WHERE id = $1")
            .bind(member_id)
            .fetch_one(&server.state.db.pool)
            .await
            .unwrap();
        assert_eq!(disabled, 1);
        // What the org-admin disabled, the org-admin may enable; and so may
        // the operator what the operator disabled.
        let (status, _, _) = submit(
            &root,
            &server.url("/admin/users"),
            &server.url(&format!("/admin/users/{member_id}/enable")),
            &[],
        )
        .await;
        assert_eq!(status, 303);
        for action in ["disable", "enable"] {
            let (status, _, page) = submit(
                &boss,
                &server.url("/org/members"),
                &server.url("/org/members"),
                &[
                    ("action", action),
                    ("user_id", &member_id.to_string()),
                    ("confirmed", "yes"),
                ],
            )
            .await;
            assert_eq!(status, 303, "{action}: {page}");
        }

        // Every way in that does not need the password: an API token, the
        // feed link, a webhook. A password change ends them all.
        let token = lookout_server::accounts::operator::create_api_token(
            &server.state.db,
            &server.state.key,
            "ops@northwind.example",
            "soc",
            &["read".into()],
            lookout_server::audit::Actor::Cli,
        )
        .await
        .unwrap();
        let mut tx = server.state.db.begin_write().await.unwrap();
        let feed = lookout_server::alerts::feed::create(&mut tx, &server.state.key, member_id)
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO webhooks (user_id, url, sealed_secret, created_at) \
             VALUES ($1, 'https://soc.northwind.example/hook', 'x', 0)",
        )
        .bind(member_id)
        .execute(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let ops = browser();
        sign_in(&server, &ops, "ops@northwind.example", PASSWORD).await;
        let api = |token: String| {
            let server = &server;
            async move {
                browser()
                    .get(server.url("/api/v1/me"))
                    .bearer_auth(token)
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            }
        };
        assert_eq!(api(token.clone()).await, 200);
        let (status, _) = get(&browser(), &server.url(&format!("/alerts/feed/{feed}"))).await;
        assert_eq!(status, 200);

        let new_password = "harbour lantern quietly drifting";
        let (status, _, page) = submit(
            &ops,
            &server.url("/account"),
            &server.url("/account/password"),
            &[
                ("current", PASSWORD),
                ("new", new_password),
                ("confirm", new_password),
            ],
        )
        .await;
        assert!(status == 200 || status == 303, "{status}: {page}");
        assert_eq!(api(token).await, 401, "the API token is revoked");
        let (status, _) = get(&browser(), &server.url(&format!("/alerts/feed/{feed}"))).await;
        assert_eq!(status, 404, "the feed link is gone");
        let hooks: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM webhooks WHERE user_id = $1")
            .bind(member_id)
            .fetch_one(&server.state.db.pool)
            .await
            .unwrap();
        assert_eq!(hooks, 0, "the webhooks are gone");
    })
    .await;
}

#[tokio::test]
async fn member_only_uploads_are_refused_before_their_body_is_read() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dir = tempfile::tempdir().unwrap();
    let url = &sqlite_url(dir.path());
    let server = TestServer::start(url).await;
    // A visitor with a cookie and a form token, as anyone gets from /report.
    let response = reqwest::Client::new()
        .get(server.url("/report"))
        .send()
        .await
        .unwrap();
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let token = csrf(&response.text().await.unwrap());
    let authority = server.base.trim_start_matches("http://").to_string();
    // A body announced at 60 MiB of which only a little ever comes: the
    // answer must not wait for the rest.
    for path in ["/analysis", "/analysis-rules", "/forum/c/general/new"] {
        let mut stream = tokio::net::TcpStream::connect(&authority).await.unwrap();
        let head = format!(
            "POST {path}?csrf={token} HTTP/1.1\r\nHost: {authority}\r\nOrigin: {base}\r\n\
             Cookie: {cookie}\r\nContent-Type: multipart/form-data; boundary=x\r\n\
             Content-Length: {length}\r\n\r\n--x\r\n",
            base = server.base,
            length = 60 * 1024 * 1024,
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        let mut answer = vec![0u8; 512];
        let read = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut answer))
            .await
            .unwrap_or_else(|_| panic!("{path}: the portal waited for the body"))
            .unwrap();
        let answer = String::from_utf8_lossy(&answer[..read]).to_string();
        let status = answer.split(' ').nth(1).unwrap_or_default().to_string();
        assert!(
            ["401", "403", "303"].contains(&status.as_str()),
            "{path}: {answer}"
        );
    }
}

/// A ship's link, emulated: a proxy on loopback that forwards the client's
/// bytes at `bytes_per_second` (in 1 KiB steps) and, when `cut_after` is
/// set, stops forwarding after that many bytes and holds the connection
/// open, as a satellite link that drops without a goodbye does.
async fn satellite_link(
    target: String,
    bytes_per_second: usize,
    cut_after: Option<usize>,
) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let target = target.clone();
            tokio::spawn(async move {
                let server = tokio::net::TcpStream::connect(&target).await.unwrap();
                let (mut client_read, mut client_write) = client.into_split();
                let (mut server_read, mut server_write) = server.into_split();
                tokio::spawn(async move {
                    let _ = tokio::io::copy(&mut server_read, &mut client_write).await;
                });
                let step = 1024;
                let pause = Duration::from_secs_f64(step as f64 / bytes_per_second as f64);
                let mut sent = 0;
                let mut buffer = vec![0u8; step];
                loop {
                    let n = match client_read.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => n,
                    };
                    if cut_after.is_some_and(|cut| sent + n > cut) {
                        // The link is gone: nothing more gets through.
                        tokio::time::sleep(Duration::from_secs(3600)).await;
                        return;
                    }
                    if server_write.write_all(&buffer[..n]).await.is_err() {
                        return;
                    }
                    sent += n;
                    tokio::time::sleep(pause).await;
                }
            });
        }
    });
    address
}

/// Sends `body` as `POST path` through `link`; the status line's code, or
/// `None` when no answer came within `wait`.
async fn post_through(link: &str, path: &str, body: &[u8], wait: Duration) -> Option<u16> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(link).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {link}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let request = [head.as_bytes(), body].concat();
    let (mut read, mut write) = stream.split();
    let sending = async {
        let _ = write.write_all(&request).await;
        std::future::pending::<()>().await;
    };
    let answer = async {
        let mut answer = vec![0u8; 64];
        let n = read.read(&mut answer).await.ok()?;
        String::from_utf8_lossy(&answer[..n])
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
    };
    tokio::time::timeout(wait, async {
        tokio::select! {
            () = sending => None,
            status = answer => status,
        }
    })
    .await
    .ok()
    .flatten()
}

/// A report from a ship: a 300 KB log over a link of 8 KB/s takes some 40
/// seconds, longer than any request may otherwise take; it arrives, as
/// long as bytes keep coming. A link that drops mid-upload is given up
/// after the idle time, with 408, and nothing is stored.
#[tokio::test]
async fn a_slow_upload_is_never_cut_off_and_a_stalled_one_is() {
    use base64::Engine as _;
    let dir = tempfile::tempdir().unwrap();
    let url = &sqlite_url(dir.path());
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start_in(
        url,
        data.path().to_path_buf(),
        Some(&|config: &mut lookout_server::Config| config.upload_idle_secs = 5),
    )
    .await;
    let log: String = (0..5_400)
        .map(|n| {
            format!(
                "2026-03-02T03:{:02}:{:02}Z NAV GNSS position jump {n}\n",
                n / 60 % 60,
                n % 60
            )
        })
        .collect();
    let report = serde_json::json!({
        "mode": "anonymous",
        "class": "gnss-spoofing",
        "discovered_on": "2026-03-02",
        "systems": ["navigation"],
        "vessel_type": "bulk-carrier",
        "vessel_size": "large",
        "sea_area": "black-sea",
        "impact_safety": "minor",
        "impact_operations": "minor",
        "impact_money": "none",
        "narrative": "GPS jumped 20 nm inland; the log is attached.",
        "tlp": "green",
        "attachments": [{
            "filename": "nav.log",
            "content_base64": base64::engine::general_purpose::STANDARD.encode(log.as_bytes()),
        }],
    });
    let body = serde_json::to_vec(&report).unwrap();
    assert!(body.len() > 300_000, "{}", body.len());
    let target = server.base.trim_start_matches("http://").to_string();

    let slow = satellite_link(target.clone(), 8 * 1024, None).await;
    let status = post_through(&slow, "/api/v1/reports", &body, Duration::from_secs(120)).await;
    assert_eq!(status, Some(201), "the slow upload arrives whole");

    let dropped = satellite_link(target, 64 * 1024, Some(100_000)).await;
    let started = std::time::Instant::now();
    let status = post_through(&dropped, "/api/v1/reports", &body, Duration::from_secs(60)).await;
    assert_eq!(status, Some(408), "a stalled upload is given up");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reports")
        .fetch_one(&server.state.db.pool)
        .await
        .unwrap();
    assert_eq!(stored, 1, "only the report that arrived is stored");
}

/// The resumable upload a ship's `lookout report submit` uses: chunks at
/// the offset held, a wrong offset refused with the right one, the report
/// stored once however often it is asked for, the same answer each time.
#[tokio::test]
async fn a_resumable_upload_stores_one_report_and_answers_the_same_twice() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        let client = reqwest::Client::new();
        let report = serde_json::json!({
            "mode": "anonymous",
            "class": "gnss-jamming",
            "discovered_on": "2026-03-02",
            "systems": ["navigation"],
            "vessel_type": "bulk-carrier",
            "vessel_size": "large",
            "sea_area": "black-sea",
            "impact_safety": "minor",
            "impact_operations": "minor",
            "impact_money": "none",
            "narrative": "Both GPS receivers lost fix for forty minutes off Novorossiysk.",
            "tlp": "green",
        });
        let body = serde_json::to_vec(&report).unwrap();
        let created = client
            .post(server.url("/api/v1/uploads"))
            .json(&serde_json::json!({ "length": body.len() }))
            .send()
            .await
            .unwrap();
        assert_eq!(created.status().as_u16(), 201);
        let id = created.json::<serde_json::Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        let upload = server.url(&format!("/api/v1/uploads/{id}"));
        let patch = |offset: usize, bytes: &[u8]| {
            client
                .patch(&upload)
                .header("upload-offset", offset.to_string())
                .header("content-type", "application/octet-stream")
                .body(bytes.to_vec())
                .send()
        };
        let half = body.len() / 2;
        assert_eq!(
            patch(0, &body[..half]).await.unwrap().status().as_u16(),
            200
        );
        // Asked for too early, or sent from the wrong place: told where it stands.
        let early = client
            .post(format!("{upload}/report"))
            .send()
            .await
            .unwrap();
        assert_eq!(early.status().as_u16(), 409);
        let wrong = patch(3, &body[3..]).await.unwrap();
        assert_eq!(wrong.status().as_u16(), 409);
        assert_eq!(wrong.headers()["upload-offset"], half.to_string().as_str());
        let state: serde_json::Value = client
            .get(&upload)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(state["offset"], half);
        assert_eq!(
            patch(half, &body[half..]).await.unwrap().status().as_u16(),
            200
        );

        // The report, then the same answer again, as after a lost answer.
        let mut answers = Vec::new();
        for _ in 0..2 {
            let answer = client
                .post(format!("{upload}/report"))
                .send()
                .await
                .unwrap();
            assert_eq!(answer.status().as_u16(), 201);
            answers.push(answer.json::<serde_json::Value>().await.unwrap());
        }
        assert_eq!(answers[0], answers[1]);
        assert_eq!(
            answers[0]["receipt"].as_str().unwrap().split(' ').count(),
            12
        );
        let reports: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reports")
            .fetch_one(&server.state.db.pool)
            .await
            .unwrap();
        assert_eq!(reports, 1);
        // Nothing of it stays readable or dated: chunks gone, the session's
        // time to the hour, its id only hashed.
        let (chunks, created_hour, id_hash): (i64, i64, String) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM upload_chunks), created_hour, id_hash FROM upload_sessions",
        )
        .fetch_one(&server.state.db.pool)
        .await
        .unwrap();
        assert_eq!(chunks, 0);
        assert_eq!(created_hour % 3600, 0);
        assert_ne!(id_hash, id);
        // An unknown upload is 404, with what to do.
        let unknown = client
            .get(server.url("/api/v1/uploads/00"))
            .send()
            .await
            .unwrap();
        assert_eq!(unknown.status().as_u16(), 404);
    })
    .await;
}
