//! The HTTP shell: headers, errors, limits, API authentication.

use lookout_testkit::*;

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let dir = tempfile::tempdir().unwrap();
    let url = &sqlite_url(dir.path());
    let server = TestServer::start(url).await;
    for path in ["/", "/login", "/nowhere", "/api/v1/me", "/healthz"] {
        let response = browser().get(server.url(path)).send().await.unwrap();
        let h = response.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"),
            "{path}"
        );
        assert!(!csp.contains("unsafe-inline"));
        assert_eq!(h["referrer-policy"], "no-referrer", "{path}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["cache-control"], "no-store", "{path}");
    }
}

#[tokio::test]
async fn errors_are_pages_for_browsers_and_problems_for_the_api() {
    let dir = tempfile::tempdir().unwrap();
    let url = &sqlite_url(dir.path());
    let server = TestServer::start(url).await;
    let client = browser();
    let response = client
        .get(server.url("/no/such/page"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 404);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("nothing at this address")
    );

    let response = client
        .get(server.url("/api/v1/nothing"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 404);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let problem: serde_json::Value = response.json().await.unwrap();
    assert_eq!(problem["status"], 404);

    // Oversized bodies: 413 with words, not a dropped connection.
    let (_, html) = get(&client, &server.url("/login")).await;
    let big = "x".repeat(2 * 1024 * 1024);
    let response = client
        .post(server.url("/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={}&email={big}", csrf(&html)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 413);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("larger than this portal accepts")
    );

    // What the framework could not read is said in words, never in the
    // parser's ("Cannot parse `abc` to a `i64`").
    let response = client
        .get(server.url("/forum/t/T-1/abc/history"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let page = response.text().await.unwrap();
    assert!(!page.contains("Cannot parse"), "{page}");
    assert!(
        page.contains("This address is not one the portal knows"),
        "{page}"
    );
}

#[tokio::test]
async fn api_tokens_are_scoped_and_revocable() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        server.org("Coral Sea Offshore", "ship-owner").await;
        server
            .user("it@coralsea.example", "member", Some("Coral Sea Offshore"))
            .await;
        use lookout_server::accounts::operator::create_api_token;
        use lookout_server::audit::Actor;
        let token = create_api_token(
            &server.state.db,
            &server.state.key,
            "it@coralsea.example",
            "ci",
            &["read".into()],
            Actor::Cli,
        )
        .await
        .unwrap();
        let client = reqwest::Client::new();
        let me: serde_json::Value = client
            .get(server.url("/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(me["email"], "it@coralsea.example");
        assert_eq!(me["organisation"], "Coral Sea Offshore");

        let response = client
            .get(server.url("/api/v1/users"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 403);
        assert!(
            create_api_token(
                &server.state.db,
                &server.state.key,
                "it@coralsea.example",
                "x",
                &["admin".into()],
                Actor::Cli
            )
            .await
            .is_err()
        );

        let response = client
            .get(server.url("/api/v1/me"))
            .bearer_auth("lkt_forged")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 401);
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );

        lookout_server::accounts::operator::disable_user(
            &server.state.db,
            &server.state.key,
            "it@coralsea.example",
            Actor::Cli,
        )
        .await
        .unwrap();
        let response = client
            .get(server.url("/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status().as_u16(),
            401,
            "a disabled member's tokens stop working"
        );
    })
    .await;
}

#[tokio::test]
async fn health_and_metrics_answer() {
    let dir = tempfile::tempdir().unwrap();
    let url = &sqlite_url(dir.path());
    let server = TestServer::start(url).await;
    let (status, body) = get(&browser(), &server.url("/healthz")).await;
    assert_eq!((status, body.trim()), (200, "ok"));
    // Without a scrape token set, there are no metrics to read.
    let (status, _) = get(&browser(), &server.url("/metrics")).await;
    assert_eq!(status, 404);

    let token = "metrics-scrape-token-0123456789abcdef";
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start_in(
        url.replace("test.sqlite3", "metrics.sqlite3").as_str(),
        data.path().to_path_buf(),
        Some(&|config: &mut lookout_server::Config| {
            config.metrics_token = Some(token.into());
        }),
    )
    .await;
    get(&browser(), &server.url("/login")).await;
    // Anonymous paths, errors and the report form's files included.
    let reporter = browser();
    let (_, _, received) = submit(
        &reporter,
        &server.url("/report"),
        &server.url("/report"),
        &report_fields("anonymous", "GPS jumped inland."),
    )
    .await;
    assert!(received.contains("receipt"));
    for path in [
        "/static/lookout.css",
        "/report/follow-up",
        "/report/nowhere",
    ] {
        get(&reporter, &server.url(path)).await;
    }
    let (status, _) = get(&browser(), &server.url("/metrics")).await;
    assert_eq!(status, 401, "the public reads no metrics");
    let wrong = browser()
        .get(server.url("/metrics"))
        .bearer_auth("metrics-scrape-token-0123456789abcdeX")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status().as_u16(), 401);
    let metrics = browser()
        .get(server.url("/metrics"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains(
            "lookout_http_requests_total{method=\"GET\",route=\"/login\",status=\"200\"}"
        )
    );
    // Counted, but shown only once the hour they fell in has ended.
    for route in ["/report", "/static", "unmatched"] {
        assert!(
            !metrics.contains(&format!("route=\"{route}")),
            "{route} in\n{metrics}"
        );
    }
}
