//! STIX 2.1, TAXII 2.1 and the MISP feed, on every backend: what a
//! member's SOC tools pull holds exactly what the member may read, pages
//! to the end, and answers in the media types the standards name.

use std::collections::BTreeSet;

use lookout_server::accounts::operator::create_api_token;
use lookout_server::audit::Actor;
use lookout_server::demo;
use lookout_testkit::*;
use serde_json::Value;

const TAXII: &str = "application/taxii+json;version=2.1";

/// TLP 2.0 marking definitions at GREEN or below.
const CLEAR_OR_GREEN: [&str; 2] = [
    "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
];

struct Pull {
    server: TestServer,
    client: reqwest::Client,
    token: String,
}

impl Pull {
    async fn start(url: &str) -> Pull {
        let server = TestServer::start(url).await;
        demo::seed(&server.state).await.unwrap();
        let token = create_api_token(
            &server.state.db,
            &server.state.key,
            "it@northwind-tankers.example",
            "soc",
            &["read".into()],
            Actor::Cli,
        )
        .await
        .unwrap();
        Pull {
            server,
            client: reqwest::Client::new(),
            token,
        }
    }

    async fn get(&self, path: &str) -> (u16, String, String, Value) {
        let response = self
            .client
            .get(self.server.url(path))
            .bearer_auth(&self.token)
            .header("accept", TAXII)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let text = response.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        (status, content_type, text, body)
    }

    /// Every object of a collection, a page of `limit` at a time.
    async fn walk(&self, collection: &str, limit: usize) -> (Vec<Value>, usize) {
        let mut objects = Vec::new();
        let mut pages = 0;
        let mut next: Option<String> = None;
        loop {
            let mut path = format!("/taxii2/api/collections/{collection}/objects/?limit={limit}");
            if let Some(token) = &next {
                path.push_str(&format!("&next={token}"));
            }
            let (status, content_type, _, body) = self.get(&path).await;
            assert_eq!(status, 200, "{body}");
            assert_eq!(content_type, TAXII);
            pages += 1;
            let page = body["objects"].as_array().cloned().unwrap_or_default();
            assert!(page.len() <= limit);
            objects.extend(page);
            if body["more"] == true {
                next = Some(body["next"].as_str().unwrap().to_owned());
            } else {
                assert!(body.get("next").is_none());
                return (objects, pages);
            }
        }
    }

    async fn collections(&self) -> Vec<Value> {
        let (status, content_type, _, body) = self.get("/taxii2/api/collections/").await;
        assert_eq!(status, 200);
        assert_eq!(content_type, TAXII);
        body["collections"].as_array().unwrap().clone()
    }
}

fn titled<'a>(collections: &'a [Value], title: &str) -> &'a Value {
    collections
        .iter()
        .find(|c| c["title"] == title)
        .unwrap_or_else(|| panic!("no {title} in {collections:?}"))
}

#[tokio::test]
async fn a_member_pulls_what_they_may_read_over_taxii() {
    each_backend(async |url| {
        let pull = Pull::start(&url).await;

        let (status, content_type, _, discovery) = pull.get("/taxii2/").await;
        assert_eq!((status, content_type.as_str()), (200, TAXII));
        let root = discovery["api_roots"][0].as_str().unwrap();
        assert!(root.ends_with("/taxii2/api/"), "{discovery}");
        let (status, _, _, api_root) = pull.get("/taxii2/api/").await;
        assert_eq!(status, 200);
        assert_eq!(api_root["versions"][0], TAXII);

        // A member of an AMBER+STRICT organisation reads every level but
        // RED, and their own organisation's collection.
        let collections = pull.collections().await;
        let titles: BTreeSet<&str> = collections
            .iter()
            .map(|c| c["title"].as_str().unwrap())
            .collect();
        assert!(titles.contains("Lookout TLP:GREEN"), "{titles:?}");
        assert!(titles.contains("Lookout: my organisation"), "{titles:?}");
        assert!(!titles.contains("Lookout TLP:RED"), "{titles:?}");

        let green = titled(&collections, "Lookout TLP:GREEN")["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let (all, pages) = pull.walk(&green, 7).await;
        assert!(pages > 1, "the demo's GREEN collection spans pages");
        let ids: BTreeSet<(&str, &str)> = all
            .iter()
            .map(|o| (o["id"].as_str().unwrap(), o["type"].as_str().unwrap()))
            .collect();
        assert!(ids.iter().any(|(_, t)| *t == "incident"), "{ids:?}");
        assert!(ids.iter().any(|(_, t)| *t == "indicator"), "{ids:?}");
        assert!(ids.iter().any(|(_, t)| *t == "marking-definition"));
        // Paging in large pages returns the same objects.
        // (The demo's analyses may finish meanwhile: never fewer.)
        let (again, _) = pull.walk(&green, 10_000).await;
        let again_ids: BTreeSet<&str> = again.iter().map(|o| o["id"].as_str().unwrap()).collect();
        assert!(ids.iter().all(|(id, _)| again_ids.contains(id)));

        // The manifest lists the same objects with their dates.
        let (status, _, _, manifest) = pull
            .get(&format!(
                "/taxii2/api/collections/{green}/manifest/?limit=10000"
            ))
            .await;
        assert_eq!(status, 200);
        assert!(manifest["objects"].as_array().unwrap().len() >= all.len());

        // One object, its versions; match[type] keeps one type.
        let indicator = all.iter().find(|o| o["type"] == "indicator").unwrap();
        let id = indicator["id"].as_str().unwrap();
        let (status, _, _, one) = pull
            .get(&format!("/taxii2/api/collections/{green}/objects/{id}/"))
            .await;
        assert_eq!(status, 200);
        assert_eq!(one["objects"][0]["id"], id);
        let (status, _, _, versions) = pull
            .get(&format!(
                "/taxii2/api/collections/{green}/objects/{id}/versions/"
            ))
            .await;
        assert_eq!(status, 200);
        assert_eq!(versions["versions"][0], indicator["modified"]);
        let (_, _, _, typed) = pull
            .get(&format!(
                "/taxii2/api/collections/{green}/objects/?match[type]=indicator&limit=10000"
            ))
            .await;
        assert!(
            typed["objects"]
                .as_array()
                .unwrap()
                .iter()
                .all(|o| o["type"] == "indicator")
        );

        // added_after is exclusive on the time added: after the last one,
        // only what was added since (the demo's analyses finish meanwhile).
        let last = manifest["objects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["date_added"].as_str().unwrap().to_owned())
            .max()
            .unwrap();
        let (_, _, _, after) = pull
            .get(&format!(
                "/taxii2/api/collections/{green}/manifest/?added_after={last}&limit=10000"
            ))
            .await;
        for entry in after["objects"].as_array().into_iter().flatten() {
            assert!(
                entry["date_added"].as_str().unwrap() > last.as_str(),
                "{entry}"
            );
        }

        // A GREEN member's walk never returns anything above GREEN.
        sqlx::query("UPDATE organisations SET tlp_clearance = 1 WHERE name = 'Northwind Tankers'")
            .execute(&pull.server.state.db.pool)
            .await
            .unwrap();
        let collections = pull.collections().await;
        assert!(
            collections
                .iter()
                .all(|c| c["title"] != "Lookout TLP:AMBER")
        );
        for c in collections
            .iter()
            .filter(|c| c["can_read"] == true && c["title"] != "Lookout: my organisation")
        {
            let (objects, _) = pull.walk(c["id"].as_str().unwrap(), 500).await;
            for o in objects {
                for marking in o["object_marking_refs"].as_array().into_iter().flatten() {
                    assert!(CLEAR_OR_GREEN.contains(&marking.as_str().unwrap()), "{o}");
                }
            }
        }
        // ...and an AMBER collection's id answers 404, as if it did not exist.
        let amber = lookout_intel::derived_uuid("taxii/collection/amber");
        let (status, content_type, _, _) = pull
            .get(&format!("/taxii2/api/collections/{amber}/objects/"))
            .await;
        assert_eq!((status, content_type.as_str()), (404, TAXII));
    })
    .await;
}

#[tokio::test]
async fn taxii_refuses_in_its_own_media_type() {
    each_backend(async |url| {
        let pull = Pull::start(&url).await;
        // No token, a wrong one: 401 with a TAXII error body.
        let response = pull
            .client
            .get(pull.server.url("/taxii2/"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 401);
        assert_eq!(response.headers()["content-type"], TAXII);
        assert!(
            response.headers()["www-authenticate"]
                .to_str()
                .unwrap()
                .contains("Basic")
        );
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["http_status"], "401");
        // The token as the password of HTTP Basic, any user name.
        let response = pull
            .client
            .get(pull.server.url("/taxii2/api/collections/"))
            .basic_auth("anyone", Some(&pull.token))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
        // A forged next token, a bad filter, an unknown path.
        let green = lookout_intel::derived_uuid("taxii/collection/green");
        for path in [
            format!("/taxii2/api/collections/{green}/objects/?next=AAAA"),
            format!("/taxii2/api/collections/{green}/objects/?added_after=yesterday"),
        ] {
            let (status, content_type, _, body) = pull.get(&path).await;
            assert_eq!((status, content_type.as_str()), (400, TAXII), "{path}");
            assert!(body["description"].as_str().is_some(), "{body}");
        }
        let (status, content_type, _, _) = pull.get("/taxii2/api/nothing/").await;
        assert_eq!((status, content_type.as_str()), (404, TAXII));
    })
    .await;
}

#[tokio::test]
async fn a_misp_instance_subscribes_to_the_feed() {
    each_backend(async |url| {
        let pull = Pull::start(&url).await;
        let feed = async |path: &str, auth: Option<&str>, etag: Option<&str>| {
            let mut request = pull.client.get(pull.server.url(path));
            if let Some(auth) = auth {
                request = request.header("authorization", auth);
            }
            if let Some(etag) = etag {
                request = request.header("if-none-match", etag);
            }
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let etag = response
                .headers()
                .get("etag")
                .map(|v| v.to_str().unwrap().to_owned());
            (status, etag, response.text().await.unwrap())
        };
        let (status, _, _) = feed("/misp/feed/manifest.json", None, None).await;
        assert_eq!(status, 401);
        // Read before the manifest: demo incidents keep being released, so
        // a later manifest holds at least these events.
        let (status, _, hashes) = feed("/misp/feed/hashes.csv", Some(&pull.token), None).await;
        assert_eq!(status, 200);
        // MISP sends the token as the whole header value.
        let (status, etag, text) = feed("/misp/feed/manifest.json", Some(&pull.token), None).await;
        assert_eq!(status, 200);
        let manifest: Value = serde_json::from_str(&text).unwrap();
        let uuids: Vec<&String> = manifest.as_object().unwrap().keys().collect();
        assert!(!uuids.is_empty());
        let (status, _, _) = feed(
            "/misp/feed/manifest.json",
            Some(&pull.token),
            etag.as_deref(),
        )
        .await;
        assert_eq!(status, 304);

        for line in hashes.lines() {
            let (md5, uuid) = line.split_once(',').unwrap();
            assert_eq!(md5.len(), 32);
            assert!(manifest.get(uuid).is_some(), "{line}");
        }
        let first = uuids[0];
        let (status, _, text) = feed(
            &format!("/misp/feed/{first}.json"),
            Some(&format!("Bearer {}", pull.token)),
            None,
        )
        .await;
        assert_eq!(status, 200);
        let event: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(event["Event"]["uuid"], first.as_str());
        assert_eq!(event["Event"]["info"], manifest[first]["info"]);
        let (status, _, _) = feed(
            "/misp/feed/00000000-0000-4000-8000-000000000000.json",
            Some(&pull.token),
            None,
        )
        .await;
        assert_eq!(status, 404);
    })
    .await;
}

#[tokio::test]
async fn each_page_offers_its_bundle() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        let accounts = demo::seed(&server.state).await.unwrap();
        let tom = accounts
            .iter()
            .find(|a| a.email == "it@northwind-tankers.example")
            .unwrap();
        let client = browser();
        sign_in(&server, &client, &tom.email, &tom.password).await;
        let (_, list) = get(&client, &server.url("/incidents")).await;
        let reference = list
            .split("href=\"/incidents/")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned();
        let (_, page) = get(&client, &server.url(&format!("/incidents/{reference}"))).await;
        assert!(
            page.contains(&format!("href=\"/incidents/{reference}/stix\"")),
            "the page links its bundle"
        );
        let response = client
            .get(server.url(&format!("/incidents/{reference}/stix")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(
            response.headers()["content-type"],
            "application/stix+json;version=2.1"
        );
        let bundle: Value = response.json().await.unwrap();
        assert_eq!(bundle["type"], "bundle");
        let incident = bundle["objects"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["type"] == "incident")
            .unwrap();
        assert!(
            incident["external_references"]
                .to_string()
                .contains(&reference)
        );
        // Someone signed out is sent to sign in, and gets no bundle.
        let response = reqwest::Client::new()
            .get(server.url(&format!("/incidents/{reference}/stix")))
            .send()
            .await
            .unwrap();
        assert_ne!(
            response.headers()["content-type"],
            "application/stix+json;version=2.1"
        );
        assert!(
            !response
                .text()
                .await
                .unwrap()
                .contains("\"type\":\"bundle\"")
        );
    })
    .await;
}

#[tokio::test]
async fn a_bundle_added_over_taxii_becomes_reports_in_triage() {
    each_backend(async |url| {
        let pull = Pull::start(&url).await;
        let writer = create_api_token(
            &pull.server.state.db,
            &pull.server.state.key,
            "it@northwind-tankers.example",
            "soc-push",
            &["read".into(), "write".into()],
            Actor::Cli,
        )
        .await
        .unwrap();
        let reports = async || -> i64 {
            sqlx::query_scalar("SELECT COUNT(*) FROM reports")
                .fetch_one(&pull.server.state.db.pool)
                .await
                .unwrap()
        };
        let before = reports().await;
        let submissions = lookout_intel::derived_uuid("taxii/collection/submissions");
        let path = format!("/taxii2/api/collections/{submissions}/objects/");
        let envelope = serde_json::json!({"objects": [
            {"type": "indicator", "spec_version": "2.1", "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
             "created": "2026-11-02T08:00:00.000Z", "modified": "2026-11-02T08:00:00.000Z",
             "name": "C2 of a loader", "pattern": "[ipv4-addr:value = '198.51.100.7']",
             "pattern_type": "stix", "valid_from": "2026-11-01T00:00:00Z",
             "object_marking_refs": [CLEAR_OR_GREEN[1]]},
            {"type": "observed-data", "spec_version": "2.1", "id": "observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf",
             "created": "2026-11-02T08:00:00.000Z", "modified": "2026-11-02T08:00:00.000Z",
             "first_observed": "2026-11-01T00:00:00Z", "last_observed": "2026-11-01T00:00:00Z",
             "number_observed": 3, "objects": {"0": {"type": "domain-name", "value": "evil.example"}}},
            {"type": "identity", "spec_version": "2.1", "id": "identity--311b2d2d-f010-4473-83ec-1edf84858f4c",
             "created": "2026-11-02T08:00:00.000Z", "modified": "2026-11-02T08:00:00.000Z", "name": "A CERT"}
        ]});
        let post = async |token: &str, content_type: &str| {
            let response = pull
                .client
                .post(pull.server.url(&path))
                .bearer_auth(token)
                .header("content-type", content_type)
                .header("accept", TAXII)
                .body(envelope.to_string())
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
            let body: Value = response.json().await.unwrap();
            (status, content_type, body)
        };
        // A read-only token may not add; a wrong media type is refused.
        let (status, content_type, _) = post(&pull.token, TAXII).await;
        assert_eq!((status, content_type.as_str()), (403, TAXII));
        let (status, content_type, _) = post(&writer, "application/json").await;
        assert_eq!((status, content_type.as_str()), (415, TAXII));
        assert_eq!(reports().await, before);

        let (status, content_type, body) = post(&writer, TAXII).await;
        assert_eq!((status, content_type.as_str()), (202, TAXII), "{body}");
        assert_eq!(body["status"], "complete");
        assert_eq!(body["total_count"], 3);
        assert_eq!(body["success_count"], 2, "{body}");
        assert_eq!(body["failure_count"], 1);
        assert_eq!(reports().await, before + 2);

        // The status resource answers its poster, and nobody else.
        let id = body["id"].as_str().unwrap();
        let response = pull
            .client
            .get(pull.server.url(&format!("/taxii2/api/status/{id}/")))
            .bearer_auth(&writer)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
        let polled: Value = response.json().await.unwrap();
        assert_eq!(polled, body);
        let other = create_api_token(
            &pull.server.state.db,
            &pull.server.state.key,
            "security@kestrel-port.example",
            "other",
            &["read".into()],
            Actor::Cli,
        )
        .await
        .unwrap();
        let response = pull
            .client
            .get(pull.server.url(&format!("/taxii2/api/status/{id}/")))
            .bearer_auth(&other)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 404);
    })
    .await;
}

#[tokio::test]
async fn the_api_lists_incidents_and_advisories_with_their_bundles() {
    each_backend(async |url| {
        let pull = Pull::start(&url).await;
        let (status, _, _, page) = pull.get("/api/v1/incidents?page=1").await;
        assert_eq!(status, 200, "{page}");
        let incidents = page["incidents"].as_array().unwrap();
        assert_eq!(incidents.len(), 50);
        assert!(page["total"].as_i64().unwrap() > 50);
        let typed = incidents
            .iter()
            .flat_map(|i| i["indicators"].as_array().unwrap())
            .find(|t| t["kind"] == "ipv4");
        assert!(typed.is_some(), "some demo incident carries an address");
        let first = &incidents[0];
        let reference = first["reference"].as_str().unwrap();
        let (status, _, _, one) = pull.get(&format!("/api/v1/incidents/{reference}")).await;
        assert_eq!(status, 200);
        assert_eq!(one["title"], first["title"]);
        let (status, content_type, _, bundle) = pull.get(first["stix"].as_str().unwrap()).await;
        assert_eq!(
            (status, content_type.as_str()),
            (200, "application/stix+json;version=2.1")
        );
        assert_eq!(bundle["type"], "bundle");
        // Filters narrow; a bad date says what to send.
        let class = first["class"].as_str().unwrap();
        let (_, _, _, narrowed) = pull.get(&format!("/api/v1/incidents?class={class}")).await;
        assert!(
            narrowed["incidents"]
                .as_array()
                .unwrap()
                .iter()
                .all(|i| i["class"] == class)
        );
        let (status, content_type, _, problem) = pull.get("/api/v1/incidents?from=yesterday").await;
        assert_eq!(
            (status, content_type.as_str()),
            (422, "application/problem+json")
        );
        assert!(problem["detail"].as_str().unwrap().contains("YYYY-MM-DD"));

        let (status, _, _, advisories) = pull.get("/api/v1/advisories").await;
        assert_eq!(status, 200);
        let listed = advisories["advisories"].as_array().unwrap();
        let published = listed.iter().find(|a| a["state"] == "published").unwrap();
        let reference = published["reference"].as_str().unwrap();
        let (status, _, _, advisory) = pull.get(&format!("/api/v1/advisories/{reference}")).await;
        assert_eq!(status, 200);
        assert!(advisory["body"].as_str().is_some());
        let (status, _, _, bundle) = pull
            .get(&format!("/api/v1/advisories/{reference}/stix"))
            .await;
        assert_eq!(status, 200);
        assert!(
            bundle["objects"]
                .as_array()
                .unwrap()
                .iter()
                .any(|o| o["type"] == "report")
        );
        let (status, _, _, _) = pull.get("/api/v1/incidents/INC-1900-0000").await;
        assert_eq!(status, 404);
    })
    .await;
}
