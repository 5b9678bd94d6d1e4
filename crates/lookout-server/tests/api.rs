//! The JSON API: its OpenAPI document, creating organisations, and how it
//! refuses (always problem details, never a 500 or plain text).

use lookout_server::accounts::operator::create_api_token;
use lookout_server::audit::Actor;
use lookout_testkit::*;
use serde_json::{Value, json};

/// A server with an administrator holding an admin+read token, and a
/// member of "Coral Sea Offshore" holding a read token.
struct Api {
    server: TestServer,
    admin: String,
    member: String,
    client: reqwest::Client,
}

impl Api {
    async fn start(url: &str) -> Api {
        let server = TestServer::start(url).await;
        server.org("Coral Sea Offshore", "ship-owner").await;
        server.user("admin@op.example", "admin", None).await;
        server
            .user("it@coralsea.example", "member", Some("Coral Sea Offshore"))
            .await;
        let admin = create_api_token(
            &server.state.db,
            &server.state.key,
            "admin@op.example",
            "ci",
            &["admin".into(), "read".into()],
            Actor::Cli,
        )
        .await
        .unwrap();
        let member = create_api_token(
            &server.state.db,
            &server.state.key,
            "it@coralsea.example",
            "ci",
            &["read".into()],
            Actor::Cli,
        )
        .await
        .unwrap();
        Api {
            server,
            admin,
            member,
            client: reqwest::Client::new(),
        }
    }

    /// POSTs `body` as `content_type` to the organisations collection.
    async fn post_org(
        &self,
        token: Option<&str>,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> reqwest::Response {
        let mut request = self
            .client
            .post(self.server.url("/api/v1/organisations"))
            .header("content-type", content_type)
            .body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap()
    }

    async fn get(&self, path: &str, token: Option<&str>) -> reqwest::Response {
        let mut request = self.client.get(self.server.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap()
    }
}

/// Asserts `response` is problem details with `status`; returns its detail.
async fn problem(response: reqwest::Response, status: u16) -> String {
    let got = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string());
    let text = response.text().await.unwrap();
    assert_eq!(got, status, "{text}");
    assert_eq!(
        content_type.as_deref(),
        Some("application/problem+json"),
        "{text}"
    );
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["status"], status, "{text}");
    assert_eq!(body["type"], "about:blank");
    assert!(body["title"].is_string());
    body["detail"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let dir = tempfile::tempdir().unwrap();
    let url = &sqlite_url(dir.path());
    let api = Api::start(url).await;
    let response = api.get("/api/openapi.json", None).await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let doc: Value = response.json().await.unwrap();
    assert_eq!(
        doc,
        serde_json::to_value(lookout_server::api::openapi()).unwrap()
    );

    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1."),
        "{}",
        doc["openapi"]
    );
    assert_eq!(doc["info"]["title"], "Lookout API");

    // Every route, with its method and the scope it needs.
    let operations = [
        ("/api/openapi.json", "get", None),
        ("/api/v1/me", "get", Some("read")),
        ("/api/v1/organisations", "get", Some("admin")),
        ("/api/v1/organisations", "post", Some("admin")),
        ("/api/v1/users", "get", Some("admin")),
        // Anyone; a `write` token adds reporting under a name.
        ("/api/v1/reports", "post", Some("write?")),
        ("/api/v1/catalogue", "get", Some("")),
        ("/api/v1/tokens", "post", Some("write")),
        ("/api/v1/statistics", "get", Some("read")),
        ("/api/v1/analyses/{reference}", "get", Some("read")),
        // Resumable report uploads: anyone; asking for the report, as
        // for POST /api/v1/reports.
        ("/api/v1/uploads", "post", Some("")),
        ("/api/v1/uploads/{id}", "get", Some("")),
        ("/api/v1/uploads/{id}", "patch", Some("")),
        ("/api/v1/uploads/{id}/report", "post", Some("write?")),
        ("/api/v1/indicators/lookup", "get", Some("read")),
        ("/api/v1/sightings", "get", Some("read")),
        // Anyone with a membership token; a `write` token says it for
        // the owner's organisation.
        ("/api/v1/sightings", "post", Some("write?")),
        ("/api/v1/incidents", "get", Some("read")),
        ("/api/v1/incidents/{reference}", "get", Some("read")),
        ("/api/v1/incidents/{reference}/stix", "get", Some("read")),
        ("/api/v1/advisories", "get", Some("read")),
        ("/api/v1/advisories/{reference}", "get", Some("read")),
        ("/api/v1/advisories/{reference}/stix", "get", Some("read")),
        ("/api/v1/analyses/{reference}/stix", "get", Some("read")),
    ];
    let paths = doc["paths"].as_object().unwrap();
    let documented: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
    assert_eq!(documented, operations.len(), "{:?}", paths.keys());
    for (path, method, scope) in operations {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} is not documented");
        assert!(op["operationId"].is_string(), "{method} {path}");
        match scope {
            Some("") => assert_eq!(op["security"], json!([{}]), "{path}"),
            Some(optional) if optional.ends_with('?') => assert_eq!(
                op["security"],
                json!([{}, { "bearer": [optional.trim_end_matches('?')] }]),
                "{path}"
            ),
            Some(scope) => {
                assert_eq!(op["security"], json!([{ "bearer": [scope] }]), "{path}");
                assert_eq!(
                    op["responses"]["401"]["$ref"], "#/components/responses/Unauthorized",
                    "{method} {path}"
                );
                assert_eq!(
                    op["responses"]["403"]["$ref"], "#/components/responses/Forbidden",
                    "{method} {path}"
                );
            }
            None => assert!(op.get("security").is_none(), "{path}"),
        }
        // And the route is really there: no 404 or 405 (an upload that
        // does not exist is the handler's own 404, which says so).
        let response = api
            .client
            .request(method.to_uppercase().parse().unwrap(), api.server.url(path))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        let routed = match status {
            404 => text.contains("No such upload"),
            405 => false,
            _ => true,
        };
        assert!(routed, "{method} {path}: {status} {text}");
    }

    let scheme = &doc["components"]["securitySchemes"]["bearer"];
    assert_eq!(scheme["type"], "http");
    assert_eq!(scheme["scheme"], "bearer");
    assert!(scheme["bearerFormat"].as_str().unwrap().contains("lkt_"));

    // Errors are problem details.
    let problem = &doc["components"]["schemas"]["Problem"];
    for field in ["type", "title", "status", "detail"] {
        assert!(problem["properties"][field].is_object(), "{field}");
    }
    let responses = doc["components"]["responses"].as_object().unwrap();
    assert!(responses.len() >= 6);
    for (name, response) in responses {
        assert_eq!(
            response["content"]["application/problem+json"]["schema"]["$ref"],
            "#/components/schemas/Problem",
            "{name}"
        );
    }
    assert!(
        responses["Unauthorized"]["headers"]["WWW-Authenticate"].is_object(),
        "401 documents its challenge"
    );
    let create = &doc["paths"]["/api/v1/organisations"]["post"];
    for status in ["201", "400", "409", "415", "422"] {
        assert!(create["responses"][status].is_object(), "{status}");
    }
    assert_eq!(
        doc["components"]["schemas"]["OrgKind"]["enum"],
        json!([
            "ship-owner",
            "port",
            "pi-club",
            "flag-state",
            "class-society",
            "other"
        ])
    );
}

#[tokio::test]
async fn administrators_create_organisations() {
    each_backend(async |url| {
        let api = Api::start(&url).await;
        let response = api
            .post_org(
                Some(&api.admin),
                "application/json",
                json!({"name": "  Port of Tauranga ", "kind": "port"}).to_string(),
            )
            .await;
        assert_eq!(response.status().as_u16(), 201, "{url}");
        assert_eq!(response.headers()["content-type"], "application/json");
        let created: Value = response.json().await.unwrap();
        assert_eq!(created["name"], "Port of Tauranga", "trimmed");
        assert_eq!(created["kind"], "port");
        assert_eq!(created["mfa_required"], false);
        assert!(created["id"].as_i64().unwrap() > 0);
        assert!(created["created_at"].as_i64().unwrap() > 1_700_000_000);

        let response = api.get("/api/v1/organisations", Some(&api.admin)).await;
        assert_eq!(response.status().as_u16(), 200);
        let orgs: Vec<Value> = response.json().await.unwrap();
        let names: Vec<&str> = orgs.iter().map(|o| o["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["Coral Sea Offshore", "Port of Tauranga"], "{url}");
        assert_eq!(orgs[1], created);

        // The audit log names the administrator.
        let me: Value = api
            .get("/api/v1/me", Some(&api.admin))
            .await
            .json()
            .await
            .unwrap();
        let (actor, subject): (String, String) = sqlx::query_as(
            "SELECT actor, subject FROM audit_log WHERE action = 'organisation.created' \
             ORDER BY seq DESC LIMIT 1",
        )
        .fetch_one(&api.server.state.db.pool)
        .await
        .unwrap();
        assert_eq!(actor, format!("user:{}", me["id"]));
        assert_eq!(subject, format!("organisation:{}", created["id"]));

        // The same name again.
        let detail = problem(
            api.post_org(
                Some(&api.admin),
                "application/json",
                json!({"name": "Port of Tauranga", "kind": "other"}).to_string(),
            )
            .await,
            409,
        )
        .await;
        assert!(detail.contains("already exists"), "{detail}");
    })
    .await;
}

#[tokio::test]
async fn bad_bodies_are_refused_with_problem_details() {
    each_backend(async |url| {
        let api = Api::start(&url).await;
        let admin = Some(api.admin.as_str());
        let json = "application/json";

        for malformed in [
            "{",
            "",
            "{\"name\": \"x\",}",
            "nonsense",
            "{\"name\":\"x\",\"kind\":\"port\"} x",
        ] {
            let detail = problem(api.post_org(admin, json, malformed).await, 400).await;
            assert!(detail.contains("not valid JSON"), "{malformed:?}: {detail}");
        }

        let body = json!({"name": "Harbour Board", "kind": "port"}).to_string();
        for content_type in ["text/plain", "application/x-www-form-urlencoded", ""] {
            let detail = problem(api.post_org(admin, content_type, body.clone()).await, 415).await;
            assert!(detail.contains("application/json"), "{detail}");
        }
        let response = api
            .client
            .post(api.server.url("/api/v1/organisations"))
            .bearer_auth(&api.admin)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        problem(response, 415).await;

        for (body, words) in [
            (json!({"name": "Harbour Board"}), "missing field `kind`"),
            (json!({"kind": "port"}), "missing field `name`"),
            (json!({"name": 5, "kind": "port"}), "name"),
            (json!({"name": null, "kind": "port"}), "name"),
            (json!(["Harbour Board", "port"]), "must be a JSON object"),
            (json!("Harbour Board"), "must be a JSON object"),
            (json!(null), "must be a JSON object"),
            (
                json!({"name": "Harbour Board", "kind": "harbour"}),
                "ship-owner",
            ),
            (
                json!({"name": "Harbour Board", "kind": "Port"}),
                "'kind' must be one of",
            ),
            (json!({"name": "", "kind": "port"}), "white space"),
            (
                json!({"name": " \t ", "kind": "port"}),
                "control characters",
            ),
            (json!({"name": "\u{3000} ", "kind": "port"}), "white space"),
            (
                json!({"name": "Nul\u{0}Port", "kind": "port"}),
                "control characters",
            ),
            (
                json!({"name": "Two\nLines", "kind": "port"}),
                "control characters",
            ),
            (
                json!({"name": "x".repeat(201), "kind": "port"}),
                "200 characters",
            ),
            (
                json!({"name": "é".repeat(201), "kind": "port"}),
                "200 characters",
            ),
        ] {
            let detail = problem(api.post_org(admin, json, body.to_string()).await, 422).await;
            assert!(detail.contains(words), "{body}: {detail}");
        }

        // Extra fields are ignored; 200 characters is fine.
        let long = "x".repeat(200);
        let response = api
            .post_org(
                admin,
                "application/json; charset=utf-8",
                json!({"name": long, "kind": "other", "colour": "blue"}).to_string(),
            )
            .await;
        assert_eq!(response.status().as_u16(), 201);

        // Too large: 413, as problem details.
        let big = json!({"name": "x".repeat(2 * 1024 * 1024), "kind": "port"}).to_string();
        problem(api.post_org(admin, json, big).await, 413).await;

        // Nothing above was created but the long one.
        let orgs: Vec<Value> = api
            .get("/api/v1/organisations", admin)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(orgs.len(), 2, "{url}: {orgs:?}");
    })
    .await;
}

#[tokio::test]
async fn tokens_are_checked_before_bodies() {
    each_backend(async |url| {
        let api = Api::start(&url).await;
        let body = json!({"name": "Harbour Board", "kind": "port"}).to_string();

        // No token: 401 with a challenge, whatever the body.
        for (content_type, body) in [("application/json", body.as_str()), ("text/plain", "{")] {
            let response = api.post_org(None, content_type, body.to_string()).await;
            assert_eq!(
                response.headers()["www-authenticate"],
                "Bearer realm=\"lookout\""
            );
            problem(response, 401).await;
        }
        for path in ["/api/v1/me", "/api/v1/organisations", "/api/v1/users"] {
            let response = api.get(path, None).await;
            assert!(
                response.headers()["www-authenticate"]
                    .to_str()
                    .unwrap()
                    .starts_with("Bearer"),
                "{path}"
            );
            let detail = problem(response, 401).await;
            assert!(detail.contains("Authorization: Bearer"), "{detail}");
        }

        // A forged, malformed or non-bearer credential: 401, invalid_token.
        for auth in [
            format!("Bearer lkt_{}", "0".repeat(64)),
            "Bearer lkt_forged".to_string(),
            "Bearer ".to_string(),
            "Basic YWRtaW46YWRtaW4=".to_string(),
            format!("Bearer {}", "x".repeat(4000)),
        ] {
            let response = api
                .client
                .get(api.server.url("/api/v1/me"))
                .header("authorization", &auth)
                .send()
                .await
                .unwrap();
            assert!(
                response.headers()["www-authenticate"]
                    .to_str()
                    .unwrap()
                    .starts_with("Bearer realm=\"lookout\""),
                "{auth}"
            );
            problem(response, 401).await;
        }

        // The scheme is case-insensitive.
        let response = api
            .client
            .get(api.server.url("/api/v1/me"))
            .header("authorization", format!("bearer {}", api.member))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);

        // A read token: 403 on admin routes, before the body is looked at.
        let member = Some(api.member.as_str());
        for (content_type, body) in [("application/json", body.as_str()), ("text/plain", "{")] {
            let response = api.post_org(member, content_type, body.to_string()).await;
            assert_eq!(
                response.headers()["www-authenticate"],
                "Bearer realm=\"lookout\", error=\"insufficient_scope\", scope=\"admin\""
            );
            let detail = problem(response, 403).await;
            assert!(detail.contains("'admin' scope"), "{detail}");
        }
        for path in ["/api/v1/organisations", "/api/v1/users"] {
            problem(api.get(path, member).await, 403).await;
        }

        let me: Value = api.get("/api/v1/me", member).await.json().await.unwrap();
        assert_eq!(me["email"], "it@coralsea.example");
        assert_eq!(me["role"], "member");
        assert_eq!(me["organisation"], "Coral Sea Offshore");
        assert_eq!(me["scopes"], json!(["read"]));
        let me: Value = api
            .get("/api/v1/me", Some(&api.admin))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(me["role"], "admin");
        assert_eq!(me["organisation"], Value::Null);

        // An admin token without the read scope may not read /me.
        let admin_only = create_api_token(
            &api.server.state.db,
            &api.server.state.key,
            "admin@op.example",
            "admin only",
            &["admin".into()],
            Actor::Cli,
        )
        .await
        .unwrap();
        problem(api.get("/api/v1/me", Some(&admin_only)).await, 403).await;

        let users: Vec<Value> = api
            .get("/api/v1/users", Some(&api.admin))
            .await
            .json()
            .await
            .unwrap();
        let emails: Vec<&str> = users.iter().map(|u| u["email"].as_str().unwrap()).collect();
        assert_eq!(emails, ["admin@op.example", "it@coralsea.example"]);
        assert_eq!(users[1]["role"], "member");
        assert_eq!(users[1]["disabled"], false);
        assert!(users[1]["org_id"].is_i64());
        assert_eq!(users[0]["org_id"], Value::Null);

        // Nothing was created along the way.
        let orgs: Vec<Value> = api
            .get("/api/v1/organisations", Some(&api.admin))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(orgs.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn unknown_routes_and_methods_are_problems() {
    let dir = tempfile::tempdir().unwrap();
    let url = &sqlite_url(dir.path());
    let api = Api::start(url).await;
    problem(api.get("/api/v1/nothing", Some(&api.admin)).await, 404).await;
    let response = api
        .client
        .delete(api.server.url("/api/v1/organisations"))
        .bearer_auth(&api.admin)
        .send()
        .await
        .unwrap();
    let allow = response.headers()["allow"].to_str().unwrap().to_string();
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
    problem(response, 405).await;
}

/// A complete report as the API takes it.
fn api_report(mode: &str) -> Value {
    json!({
        "mode": mode,
        "class": "bunker-payment-fraud",
        "discovered_on": "2026-03-02",
        "discovered_time": "03:40",
        "systems": ["email", "erp-payments"],
        "vessel_type": "shore",
        "vessel_size": "not-applicable",
        "sea_area": "north-sea",
        "impact_safety": "none",
        "impact_operations": "minor",
        "impact_money": "significant",
        "narrative": "A bunker invoice arrived from a look-alike domain asking for new bank details.",
        "indicators": "bunker-invoices.example",
        "tlp": "amber"
    })
}

#[tokio::test]
async fn reports_through_the_api() {
    each_backend(async |url| {
        let api = Api::start(&url).await;
        let writer = create_api_token(
            &api.server.state.db,
            &api.server.state.key,
            "it@coralsea.example",
            "ship",
            &["write".into()],
            Actor::Cli,
        )
        .await
        .unwrap();
        let post = |token: Option<String>, body: Value| {
            let mut request = api
                .client
                .post(api.server.url("/api/v1/reports"))
                .json(&body);
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            request.send()
        };

        // Anonymous: no token needed, a receipt back, nothing linked.
        let response = post(None, api_report("anonymous")).await.unwrap();
        assert_eq!(response.status().as_u16(), 201);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["mode"], "anonymous");
        assert_eq!(body["receipt"].as_str().unwrap().split(' ').count(), 12);

        // Under a name: only with a write token.
        let detail = problem(post(None, api_report("attributed")).await.unwrap(), 403).await;
        assert!(detail.contains("'write' scope"), "{detail}");
        problem(
            post(Some(api.member.clone()), api_report("attributed"))
                .await
                .unwrap(),
            403,
        )
        .await;
        let response = post(Some(writer.clone()), api_report("attributed"))
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 201);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["receipt"], Value::Null);
        let reference = body["reference"].as_str().unwrap().to_string();
        let reporter: Option<i64> =
            sqlx::query_scalar("SELECT reporter_user_id FROM reports WHERE ref = $1")
                .bind(&reference)
                .fetch_one(&api.server.state.db.pool)
                .await
                .unwrap();
        assert!(reporter.is_some());

        // Confidential needs an analyst key to seal to.
        let detail = problem(
            post(Some(writer.clone()), api_report("confidential"))
                .await
                .unwrap(),
            409,
        )
        .await;
        assert!(detail.contains("no analyst has a key"));

        // What the schema cannot say is still checked, with reasons.
        let mut future = api_report("anonymous");
        future["discovered_on"] = json!("2999-01-01");
        future["position"] = json!("off the coast somewhere");
        let detail = problem(post(None, future).await.unwrap(), 422).await;
        assert!(detail.contains("in the future"), "{detail}");
        assert!(detail.contains("position could not be read"), "{detail}");
        let mut unknown = api_report("anonymous");
        unknown["sea_area"] = json!("atlantis");
        problem(post(None, unknown).await.unwrap(), 422).await;

        // Files travel base64; a program is refused, with its name.
        let photo = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../lookout-attachments/tests/data/photo-with-gps.jpg"),
        )
        .unwrap();
        let mut with_files = api_report("anonymous");
        with_files["attachments"] = json!([{
            "filename": "bridge.jpg",
            "content_base64": base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &photo),
        }]);
        let response = post(None, with_files.clone()).await.unwrap();
        assert_eq!(response.status().as_u16(), 201);
        let body: Value = response.json().await.unwrap();
        assert!(
            body["attachments"][0]["outcome"]
                .as_str()
                .unwrap()
                .starts_with("removed"),
            "{body}"
        );
        with_files["attachments"] =
            json!([{"filename": "tool.exe", "content_base64": "f0VMRgIBAQAAAAAAAAAAAA=="}]);
        let detail = problem(post(None, with_files.clone()).await.unwrap(), 422).await;
        assert!(
            detail.contains("tool.exe") && detail.contains("infected"),
            "{detail}"
        );
        with_files["attachments"] = json!([{"filename": "x.jpg", "content_base64": "not base64!"}]);
        problem(post(None, with_files).await.unwrap(), 422).await;

        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reports")
            .fetch_one(&api.server.state.db.pool)
            .await
            .unwrap();
        assert_eq!(count, 3, "refused reports leave nothing behind");

        // The catalogue names every id a report may use.
        let catalogue: Value = api
            .get("/api/v1/catalogue", None)
            .await
            .json()
            .await
            .unwrap();
        assert!(
            catalogue["sea_areas"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["id"] == "gulf-of-guinea")
        );
        assert!(catalogue["classes"].as_array().unwrap().len() > 20);
    })
    .await;
}
