//! "We saw this too" on every backend: members say they saw an advisory or
//! an indicator, for their organisation or anonymously with a membership
//! token; everyone sees the count only from k, never who; an anonymous
//! sighting keeps no one; the emerging-risk rule drafts once.

use lookout_server::accounts::operator::create_api_token;
use lookout_server::advisories::model::Content;
use lookout_server::advisories::store::{self as advisories, Origin};
use lookout_server::audit::Actor;
use lookout_testkit::*;
use lookout_tokens::PublicTokenKey;
use serde_json::{Value, json};

/// Member organisations, each with one member `cso@org<N>.example`.
const ORGS: usize = 6;

fn member(n: usize) -> String {
    format!("cso@org{n}.example")
}

async fn portal(url: &str) -> TestServer {
    let server = TestServer::start(url).await;
    for n in 1..=ORGS {
        let org = format!("Org {n} Shipping");
        server.org(&org, "ship-owner").await;
        server.user(&member(n), "member", Some(&org)).await;
    }
    server.user("analyst@op.example", "analyst", None).await;
    server
}

/// A published advisory at `tlp`; its reference.
async fn advisory(server: &TestServer, title: &str, tlp: &str) -> String {
    let content = Content {
        title: title.into(),
        severity: 2,
        tlp: tlp.into(),
        body: "Fake invoices from a look-alike domain.".into(),
        ..Content::default()
    };
    let mut tx = server.state.db.begin_write().await.unwrap();
    let row = advisories::create(&mut tx, Origin::Analyst, &content, None)
        .await
        .unwrap()
        .unwrap();
    let revision = advisories::latest(&mut *tx, row.id).await.unwrap().unwrap();
    assert!(
        advisories::publish(&mut tx, &row, &revision, None)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    row.reference
}

async fn signed_in(server: &TestServer, email: &str) -> reqwest::Client {
    let client = browser();
    let (status, _, _) = sign_in(server, &client, email, PASSWORD).await;
    assert_eq!(status, 303, "{email} signs in");
    client
}

async fn analyst(server: &TestServer) -> reqwest::Client {
    let client = browser();
    sign_in_enrolling(server, &client, "analyst@op.example").await;
    client
}

/// Posts the "We saw this too" form from `page`: status and body.
async fn sight(
    server: &TestServer,
    client: &reqwest::Client,
    page: &str,
    fields: &[(&str, &str)],
) -> (u16, String) {
    let (status, _, body) =
        submit(client, &server.url(page), &server.url("/sightings"), fields).await;
    (status, body)
}

fn search_page(value: &str) -> String {
    let query: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
    format!("/search?q={query}")
}

/// The "Seen by …" line of a page's sightings panel.
fn count_line(page: &str) -> String {
    element_text(page, "sighting-count")
}

async fn rows(server: &TestServer) -> Vec<(String, Option<i64>, Option<i64>, i64)> {
    sqlx::query_as("SELECT subject, org_id, user_id, created_hour FROM sightings ORDER BY subject")
        .fetch_all(&server.state.db.pool)
        .await
        .unwrap()
}

async fn audited(server: &TestServer) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'sighting.recorded'")
        .fetch_one(&server.state.db.pool)
        .await
        .unwrap()
}

async fn spent(server: &TestServer) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM spent_tokens")
        .fetch_one(&server.state.db.pool)
        .await
        .unwrap()
}

async fn api_token(server: &TestServer, email: &str, scopes: &[&str]) -> String {
    create_api_token(
        &server.state.db,
        &server.state.key,
        email,
        "sightings",
        &scopes.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        Actor::Cli,
    )
    .await
    .unwrap()
}

/// `count` membership tokens fetched through the API, as `lookout token`
/// does: blinded here, signed there, finished here.
async fn tokens(server: &TestServer, api_token: &str, count: usize) -> Vec<String> {
    let list: Value = reqwest::get(server.url("/.well-known/lookout-token-keys"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = list["issuing"].as_str().unwrap();
    let entry = list["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == id)
        .unwrap();
    let key = PublicTokenKey::from_spki_base64(entry["spki"].as_str().unwrap()).unwrap();
    let pending: Vec<_> = (0..count).map(|_| key.blind().unwrap()).collect();
    let blinded: Vec<String> = pending
        .iter()
        .map(|p| lookout_tokens::encode_wire(p.blinded_message()))
        .collect();
    let issued: Value = reqwest::Client::new()
        .post(server.url("/api/v1/tokens"))
        .bearer_auth(api_token)
        .json(&json!({ "key_id": key.id(), "blinded": blinded }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    pending
        .iter()
        .zip(issued["blind_signatures"].as_array().unwrap())
        .map(|(p, sig)| {
            let sig = lookout_tokens::decode_wire(sig.as_str().unwrap()).unwrap();
            key.finish(p, &sig).unwrap().to_string()
        })
        .collect()
}

#[tokio::test]
async fn counts_stay_hidden_below_k_and_an_organisation_counts_once() {
    each_backend(async |url| {
        let server = portal(&url).await;
        let reference = advisory(&server, "Fake bunker invoices", "green").await;
        let page = format!("/advisories/{reference}");
        let mut members = Vec::new();
        for n in 1..=ORGS {
            members.push(signed_in(&server, &member(n)).await);
        }

        // Nobody yet: hidden like a small figure, and the form is there.
        let (_, body) = get(&members[0], &server.url(&page)).await;
        assert!(
            count_line(&body).contains("fewer than 5"),
            "{}",
            count_line(&body)
        );
        assert!(body.contains("id=\"sighting-form\""));

        // Four organisations, one of them twice on one day and once on
        // another: still four, and below k nothing shows, dates included.
        for client in &members[..4] {
            let (status, body) = sight(
                &server,
                client,
                &page,
                &[
                    ("advisory", &reference),
                    ("mode", "organisation"),
                    ("day", ""),
                ],
            )
            .await;
            assert_eq!(status, 200, "{body}");
            assert!(body.contains("id=\"sighting-recorded\""), "{body}");
        }
        let (status, body) = sight(
            &server,
            &members[0],
            &page,
            &[
                ("advisory", &reference),
                ("mode", "organisation"),
                ("day", ""),
            ],
        )
        .await;
        assert_eq!(status, 200);
        assert!(body.contains("Already recorded"), "{body}");
        let yesterday = time::OffsetDateTime::now_utc()
            .date()
            .previous_day()
            .unwrap()
            .to_string();
        let (status, _) = sight(
            &server,
            &members[0],
            &page,
            &[
                ("advisory", &reference),
                ("mode", "organisation"),
                ("day", &yesterday),
            ],
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(rows(&server).await.len(), 5);
        assert_eq!(
            audited(&server).await,
            5,
            "each new attributed sighting is audited"
        );

        let (_, body) = get(&members[0], &server.url(&page)).await;
        let line = count_line(&body);
        assert!(
            line.contains("fewer than 5") && !line.contains(" on "),
            "{line}"
        );
        // A member sees what their own organisation said, no one else's.
        assert!(
            element_text(&body, "sighting-own").contains(','),
            "two days"
        );
        let (_, body) = get(&members[4], &server.url(&page)).await;
        assert!(!body.contains("id=\"sighting-own\""));
        let staff = analyst(&server).await;
        let (_, body) = get(&staff, &server.url(&page)).await;
        assert!(count_line(&body).contains("fewer than 5"));
        assert!(
            !body.contains("id=\"sighting-form\""),
            "analysts have no organisation"
        );

        // The fifth organisation: at k the count and the days appear, for
        // members and analysts alike, and never who.
        let (status, _) = sight(
            &server,
            &members[4],
            &page,
            &[
                ("advisory", &reference),
                ("mode", "organisation"),
                ("day", ""),
            ],
        )
        .await;
        assert_eq!(status, 200);
        for client in [&members[5], &staff] {
            let (_, body) = get(client, &server.url(&page)).await;
            let line = count_line(&body);
            assert!(
                line.starts_with("Seen by 5 organisations, first on"),
                "{line}"
            );
            assert!(line.contains("last on"), "{line}");
            for n in 1..=5 {
                assert!(!body.contains(&format!("Org {n} Shipping")));
            }
        }

        // A bad day comes back with the input and the reason.
        let (status, body) = sight(
            &server,
            &members[5],
            &page,
            &[
                ("advisory", &reference),
                ("mode", "organisation"),
                ("day", "2999-01-01"),
            ],
        )
        .await;
        assert_eq!(status, 422);
        assert!(body.contains("cannot be in the future") && body.contains("2999-01-01"));
        assert_eq!(rows(&server).await.len(), 6);
    })
    .await;
}

#[tokio::test]
async fn an_anonymous_sighting_spends_a_token_once_and_keeps_no_one() {
    each_backend(async |url| {
        let server = portal(&url).await;
        let ship = api_token(&server, &member(1), &["read", "write"]).await;
        let [first, second, third]: [String; 3] = tokens(&server, &ship, 3).await.try_into().unwrap();
        // A new session, not the one that fetched the tokens.
        let client = signed_in(&server, &member(1)).await;
        let value = "hxxp://update-charts[.]example/x";
        let page = search_page(value);
        let (_, body) = get(&client, &server.url(&page)).await;
        assert!(body.contains("id=\"sighting-form\""), "the search page offers the form");
        assert!(body.contains("name=\"indicator\" value=\"http://update-charts.example/x\""));

        // Without a token: said why, nothing spent or stored.
        let fields = [("indicator", value), ("mode", "anonymous"), ("day", "")];
        let (status, body) = sight(&server, &client, &page, &fields).await;
        assert_eq!(status, 422);
        assert!(body.contains("needs a membership token"), "{body}");

        // With one: first told who holds tokens of its key, then spent.
        let with_token = [
            ("indicator", value),
            ("mode", "anonymous"),
            ("day", ""),
            ("membership_token", first.as_str()),
        ];
        let (status, body) = sight(&server, &client, &page, &with_token).await;
        assert_eq!(status, 200);
        assert!(body.contains("id=\"token-set\"") && body.contains("Nothing was recorded yet"));
        assert_eq!(spent(&server).await, 0);
        let key_seen = field_value(&body, "token_key_seen");
        let mut confirmed = with_token.to_vec();
        confirmed.push(("token_key_seen", &key_seen));
        let (status, body) = sight(&server, &client, &page, &confirmed).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("id=\"token-accepted\""), "{body}");
        assert_eq!(spent(&server).await, 1);

        // Stored with no one and only the hour; the value only as a keyed
        // hash; no audit entry.
        let stored = rows(&server).await;
        assert_eq!(stored.len(), 1);
        let (subject, org, user, hour) = &stored[0];
        assert_eq!((org, user), (&None, &None));
        assert_eq!(hour % 3600, 0);
        assert!(subject.starts_with("indicator:") && !subject.contains("update-charts"));
        assert_eq!(audited(&server).await, 0);
        // The member's own organisation said nothing: nothing links it.
        let (_, body) = get(&client, &server.url(&page)).await;
        assert!(!body.contains("id=\"sighting-own\""));

        // The same token again is refused, and nothing more is stored.
        let (status, body) = sight(&server, &client, &page, &confirmed).await;
        assert_eq!(status, 422);
        assert!(body.contains("already been used"), "{body}");
        assert!(body.contains("id=\"token-unusable\""));
        assert_eq!(rows(&server).await.len(), 1);

        // Through the API: without credentials, once.
        let api = reqwest::Client::new();
        let post = async |body: Value, bearer: Option<&str>| {
            let mut request = api.post(server.url("/api/v1/sightings")).json(&body);
            if let Some(bearer) = bearer {
                request = request.bearer_auth(bearer);
            }
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            (status, response.json::<Value>().await.unwrap())
        };
        let anonymous = json!({ "indicator": "update-charts.example", "anonymous": true, "membership_token": second });
        let (status, answer) = post(anonymous.clone(), Some(&ship)).await;
        assert_eq!(status, 422, "never with the API token: {answer}");
        let (status, answer) = post(anonymous.clone(), None).await;
        assert_eq!(status, 201, "{answer}");
        assert_eq!(answer["recorded"], true);
        let (status, answer) = post(anonymous, None).await;
        assert_eq!(status, 409, "{answer}");
        assert_eq!(spent(&server).await, 2);
        // Without credentials, only what every member may read: an AMBER
        // advisory is not found.
        let amber = advisory(&server, "Chart update malware", "amber").await;
        let (status, _) = post(
            json!({ "advisory": amber, "anonymous": true, "membership_token": third }),
            None,
        )
        .await;
        assert_eq!(status, 404);
        assert_eq!(spent(&server).await, 2, "a refused sighting spends nothing");
        assert_eq!(rows(&server).await.len(), 2);
        assert_eq!(audited(&server).await, 0);
    })
    .await;
}

#[tokio::test]
async fn the_form_needs_csrf_and_a_subject_the_member_may_read() {
    each_backend(async |url| {
        let server = portal(&url).await;
        let amber = advisory(&server, "Targeted bridge malware", "amber").await;
        let client = signed_in(&server, &member(1)).await;

        // No CSRF token: refused before anything is read.
        let response = client
            .post(server.url("/sightings"))
            .form(&[("advisory", amber.as_str()), ("mode", "organisation")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400);

        // A GREEN organisation cannot read the AMBER advisory: its page and
        // the form both say "not found", and nothing is stored.
        sqlx::query("UPDATE organisations SET tlp_clearance = 1 WHERE name = 'Org 1 Shipping'")
            .execute(&server.state.db.pool)
            .await
            .unwrap();
        let (status, _) = get(&client, &server.url(&format!("/advisories/{amber}"))).await;
        assert_eq!(status, 404);
        let (status, _) = sight(
            &server,
            &client,
            "/account",
            &[("advisory", &amber), ("mode", "organisation"), ("day", "")],
        )
        .await;
        assert_eq!(status, 404);
        // Staff without an organisation say nothing for one.
        let staff = analyst(&server).await;
        let (status, _) = sight(
            &server,
            &staff,
            "/account",
            &[("advisory", &amber), ("mode", "organisation"), ("day", "")],
        )
        .await;
        assert_eq!(status, 403);
        assert!(rows(&server).await.is_empty());
        assert_eq!(audited(&server).await, 0);
    })
    .await;
}

#[tokio::test]
async fn the_api_records_and_counts_with_a_bearer_token() {
    each_backend(async |url| {
        let server = portal(&url).await;
        let reference = advisory(&server, "Fake bunker invoices", "green").await;
        let api = reqwest::Client::new();
        let counts = async |bearer: &str, query: &str| {
            let response = api
                .get(server.url(&format!("/api/v1/sightings?{query}")))
                .bearer_auth(bearer)
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            (status, response.json::<Value>().await.unwrap())
        };
        let mut bearers = Vec::new();
        for n in 1..=5 {
            bearers.push(api_token(&server, &member(n), &["read", "write"]).await);
        }
        let reader = api_token(&server, &member(6), &["read"]).await;
        let body = json!({ "advisory": reference, "anonymous": false });
        for (n, bearer) in bearers.iter().enumerate() {
            let response = api
                .post(server.url("/api/v1/sightings"))
                .bearer_auth(bearer)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 201);
            if n == 3 {
                let query = format!("advisory={reference}");
                let (status, seen) = counts(&reader, &query).await;
                assert_eq!(status, 200);
                assert_eq!(seen["organisations"], Value::Null, "{seen}");
                assert_eq!(seen["first_seen"], Value::Null);
                assert_eq!(seen["min_count"], 5);
            }
        }
        // The same organisation and day again: not counted twice.
        let response = api
            .post(server.url("/api/v1/sightings"))
            .bearer_auth(&bearers[0])
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.json::<Value>().await.unwrap()["recorded"], false);

        let (status, seen) = counts(&reader, &format!("advisory={reference}")).await;
        assert_eq!(status, 200);
        assert_eq!(seen["organisations"], 5, "{seen}");
        let today = time::OffsetDateTime::now_utc().date().to_string();
        assert_eq!(seen["first_seen"], today.as_str());
        assert_eq!(seen["last_seen"], today.as_str());
        assert_eq!(seen["own_organisation_days"], json!([]));
        let (_, own) = counts(&bearers[0], &format!("advisory={reference}")).await;
        assert_eq!(own["own_organisation_days"], json!([today]));

        // Refusals, as problems.
        let response = api
            .post(server.url("/api/v1/sightings"))
            .bearer_auth(&reader)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "the read scope only reads");
        let response = api
            .post(server.url("/api/v1/sightings"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
        let (status, _) = counts(&reader, "indicator=%20").await;
        assert_eq!(status, 422, "name exactly one subject");
        let (status, problem) = counts(&reader, "indicator=999.1.2.3%2F99").await;
        assert_eq!(status, 422, "{problem}");
        let amber = advisory(&server, "Targeted bridge malware", "amber").await;
        sqlx::query("UPDATE organisations SET tlp_clearance = 1 WHERE name = 'Org 6 Shipping'")
            .execute(&server.state.db.pool)
            .await
            .unwrap();
        let (status, _) = counts(&reader, &format!("advisory={amber}")).await;
        assert_eq!(status, 404);

        // Documented.
        let document: Value = reqwest::get(server.url("/api/openapi.json"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let path = &document["paths"]["/api/v1/sightings"];
        assert!(path["get"].is_object() && path["post"].is_object());
    })
    .await;
}

#[tokio::test]
async fn organisations_seeing_one_indicator_draft_one_advisory() {
    each_backend(async |url| {
        let server = portal(&url).await;
        let api = reqwest::Client::new();
        let drafts = async || -> Vec<(String, String)> {
            sqlx::query_as("SELECT state, origin_reason FROM advisories WHERE origin = 'sightings'")
                .fetch_all(&server.state.db.pool)
                .await
                .unwrap()
        };
        for n in 1..=ORGS {
            let bearer = api_token(&server, &member(n), &["read", "write"]).await;
            let response = api
                .post(server.url("/api/v1/sightings"))
                .bearer_auth(&bearer)
                .json(&json!({ "indicator": "185.220.101[.]77", "anonymous": false }))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 201);
            let found = drafts().await;
            if n < 5 {
                assert!(found.is_empty(), "below N and k nothing fires: {found:?}");
            } else {
                assert_eq!(found.len(), 1, "one draft per window: {found:?}");
                assert_eq!(found[0].0, "draft", "an analyst decides");
                assert!(found[0].1.contains("185.220.101.77 5 times"), "{}", found[0].1);
            }
        }
        // The draft carries the indicator for the analysts.
        let indicators: String = sqlx::query_scalar(
            "SELECT r.indicators FROM advisory_revisions r JOIN advisories a ON a.id = r.advisory_id \
             WHERE a.origin = 'sightings'",
        )
        .fetch_one(&server.state.db.pool)
        .await
        .unwrap();
        assert_eq!(indicators, "185.220.101.77");
    })
    .await;
}
