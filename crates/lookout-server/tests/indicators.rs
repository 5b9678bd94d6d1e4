//! Typed indicators: "have we seen this?" on the search page and through
//! the API finds every incident, advisory and analysis the reader may read
//! that carries an indicator, however it was typed, on every backend.

use lookout_server::accounts::operator::create_api_token;
use lookout_server::audit::Actor;
use lookout_server::demo;
use lookout_testkit::*;
use serde_json::Value;

/// The titles listed in the page's indicator section, and its summary.
fn seen_in(page: &str) -> (Vec<String>, String) {
    let Some(section) = page.split("id=\"indicator\"").nth(1) else {
        return (Vec::new(), String::new());
    };
    let section = section.split("</section>").next().unwrap();
    let summary = section
        .split("<p>")
        .nth(1)
        .map(|p| p.split("</p>").next().unwrap().to_string())
        .unwrap_or_default();
    let titles = section
        .split("<li><a href=\"")
        .skip(1)
        .map(|item| {
            item.split('>')
                .nth(1)
                .unwrap()
                .split("</a")
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    (titles, summary)
}

async fn search(server: &TestServer, client: &reqwest::Client, query: &str) -> String {
    let url = format!(
        "/search?{}",
        url::form_urlencoded::Serializer::new(String::new())
            .append_pair("q", query)
            .finish()
    );
    let (status, page) = get(client, &server.url(&url)).await;
    assert_eq!(status, 200);
    page
}

#[tokio::test]
async fn an_indicator_is_found_however_it_was_typed() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        let accounts = demo::seed(&server.state).await.unwrap();
        let tom = accounts
            .iter()
            .find(|a| a.email == "it@northwind-tankers.example")
            .unwrap();
        let client = browser();
        sign_in(&server, &client, &tom.email, &tom.password).await;

        // The demo's phishing incidents carry this address; typed defanged.
        let page = search(&server, &client, "185.220.101[.]33").await;
        let (titles, summary) = seen_in(&page);
        assert!(
            titles.iter().any(|t| t == "Credential phishing aimed at crewing staff"),
            "{titles:?}"
        );
        assert!(summary.contains("first") && summary.contains("last"), "{summary}");
        assert!(page.contains("IPv4 address <code>185.220.101.33</code>"));

        // A domain finds the advisory that names it and the incidents that
        // carry it, and the advisory that only links to a URL on it.
        let page = search(&server, &client, "BUNKERS-INVOICING.example").await;
        let (titles, _) = seen_in(&page);
        assert!(
            titles
                .iter()
                .any(|t| t == "Fake bunker invoices asking for new bank details"),
            "{titles:?}"
        );
        assert!(
            titles.iter().any(|t| t == "Bunker invoice with changed bank details"),
            "{titles:?}"
        );
        let page = search(&server, &client, "pay-bunkers.example").await;
        let (titles, _) = seen_in(&page);
        assert_eq!(titles, ["Fake bunker invoices asking for new bank details"]);

        // Nothing carries this one: the page says so.
        let page = search(&server, &client, "203.0.113.250").await;
        assert!(page.contains("Not seen in any incident, advisory or analysis you may read."));
        // An ordinary word is not shown as a malware family nobody named.
        let page = search(&server, &client, "phishing").await;
        assert!(!page.contains("id=\"indicator\""));

        // A GREEN organisation no longer sees the AMBER ones.
        let amber: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM incidents WHERE state = 'published' AND tlp_rank >= 2 \
             AND indicators LIKE '%185.220.101.33%' AND (reporter_org_id IS NULL OR reporter_org_id <> \
             (SELECT id FROM organisations WHERE name = 'Northwind Tankers'))",
        )
        .fetch_one(&server.state.db.pool)
        .await
        .unwrap();
        let page = search(&server, &client, "185.220.101.33").await;
        let (before, _) = seen_in(&page);
        sqlx::query("UPDATE organisations SET tlp_clearance = 1 WHERE name = 'Northwind Tankers'")
            .execute(&server.state.db.pool)
            .await
            .unwrap();
        let page = search(&server, &client, "185.220.101.33").await;
        let (after, _) = seen_in(&page);
        if amber > 0 {
            assert!(after.len() < before.len(), "{before:?} {after:?}");
        }
    })
    .await;
}

#[tokio::test]
async fn the_api_answers_where_an_indicator_was_seen() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        demo::seed(&server.state).await.unwrap();
        let token = create_api_token(
            &server.state.db,
            &server.state.key,
            "it@northwind-tankers.example",
            "ci",
            &["read".into()],
            Actor::Cli,
        )
        .await
        .unwrap();
        let client = reqwest::Client::new();
        let look_up = async |value: &str| {
            let query = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("value", value)
                .finish();
            let response = client
                .get(server.url(&format!("/api/v1/indicators/lookup?{query}")))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap();
            (status, body)
        };

        let (status, body) = look_up("hxxps://crew-portal-login[.]example/owa").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["kind"], "url");
        assert_eq!(body["value"], "https://crew-portal-login.example/owa");
        let seen = body["seen_in"].as_array().unwrap();
        assert!(!seen.is_empty(), "{body}");
        assert!(seen.iter().all(|s| s["kind"] == "incident"));
        assert_eq!(body["total"].as_u64().unwrap() as usize, seen.len());
        assert!(body["first_seen"].as_i64().unwrap() <= body["last_seen"].as_i64().unwrap());

        // The same address is found inside a range typed by an analyst.
        let (_, body) =
            look_up("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855").await;
        assert_eq!(body["kind"], "sha256");

        let (status, body) = look_up("   ").await;
        assert_eq!(status, 422);
        assert!(
            body["detail"]
                .as_str()
                .unwrap()
                .contains("enter an indicator"),
            "{body}"
        );

        let response = client
            .get(server.url("/api/v1/indicators/lookup?value=1.2.3.4"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 401);
    })
    .await;
}
