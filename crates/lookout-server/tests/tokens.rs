//! Verified-anonymous reports: membership tokens fetched blind, spent once
//! with an anonymous report, and nothing stored that links the two.

use lookout_server::accounts::operator::create_api_token;
use lookout_server::audit::Actor;
use lookout_server::tokens::spend;
use lookout_testkit::*;
use lookout_tokens::{IssuerKey, PublicTokenKey, Token};
use serde_json::Value;
use sqlx::{Column as _, Row as _};

const NARRATIVE: &str =
    "Bridge team saw the ECDIS reboot twice after a chart update; a second ship reported the same.";
const MEMBER: &str = "cso@meridian.example";

async fn portal(url: &str) -> TestServer {
    let server = TestServer::start(url).await;
    server.org("Meridian Lines", "ship-owner").await;
    server.user(MEMBER, "member", Some("Meridian Lines")).await;
    server.user("analyst@op.example", "analyst", None).await;
    server.user("admin@op.example", "admin", None).await;
    server
}

/// What the member's own software sees of the portal's issuing key.
async fn issuing_key(server: &TestServer) -> PublicTokenKey {
    let list: Value = reqwest::get(server.url("/.well-known/lookout-token-keys"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["algorithm"], "RSABSSA-SHA384-PSS-Randomized");
    let id = list["issuing"].as_str().unwrap();
    let entry = list["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == id)
        .unwrap();
    let key = PublicTokenKey::from_spki_base64(entry["spki"].as_str().unwrap()).unwrap();
    assert_eq!(key.id(), id);
    assert_eq!(
        entry["n"].as_str().unwrap(),
        lookout_tokens::encode_wire(&key.modulus())
    );
    key
}

/// Fetches `count` tokens through the browser route, as the page's script
/// does. Returns the tokens and every value the portal saw or sent.
async fn fetch_in_browser(
    server: &TestServer,
    member: &reqwest::Client,
    count: usize,
) -> Result<(Vec<Token>, Vec<Vec<u8>>), (u16, String)> {
    let key = issuing_key(server).await;
    // The CSRF token from any page (operators may not open /tokens).
    let (_, page) = get(member, &server.url("/account")).await;
    let token = csrf(&page);
    let pending: Vec<_> = (0..count).map(|_| key.blind().unwrap()).collect();
    let mut form = vec![
        ("csrf".to_string(), token),
        ("key_id".into(), key.id().into()),
    ];
    for p in &pending {
        form.push((
            "blinded".into(),
            lookout_tokens::encode_wire(p.blinded_message()),
        ));
    }
    let response = member
        .post(server.url("/tokens/issue"))
        .header("Accept", "application/json")
        .form(&form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    if status != 200 {
        return Err((status, body["detail"].as_str().unwrap_or_default().into()));
    }
    let mut seen: Vec<Vec<u8>> = pending
        .iter()
        .map(|p| p.blinded_message().to_vec())
        .collect();
    let mut tokens = Vec::new();
    for (p, sig) in pending
        .iter()
        .zip(body["blind_signatures"].as_array().unwrap())
    {
        let sig = lookout_tokens::decode_wire(sig.as_str().unwrap()).unwrap();
        tokens.push(key.finish(p, &sig).unwrap());
        seen.push(sig);
    }
    Ok((tokens, seen))
}

/// A token signed by `issuer` directly, as if it had been fetched.
fn mint(issuer: &IssuerKey) -> Token {
    let pending = issuer.public().blind().unwrap();
    let signature = issuer.sign_blinded(pending.blinded_message()).unwrap();
    issuer.public().finish(&pending, &signature).unwrap()
}

async fn report_with_token(
    server: &TestServer,
    client: &reqwest::Client,
    mode: &str,
    token: &str,
) -> (u16, String) {
    let mut fields = report_fields(mode, NARRATIVE);
    fields.push(("membership_token", token));
    let (status, _, body) = submit(
        client,
        &server.url("/report"),
        &server.url("/report"),
        &fields,
    )
    .await;
    // The form comes back once to say how many members hold tokens of the
    // key; the reporter then sends it again.
    let Some(seen) = confirmation(&body) else {
        return (status, body);
    };
    assert_eq!(status, 200);
    assert!(body.contains("Nothing was sent yet."), "{body}");
    fields.push(("token_key_seen", &seen));
    let (status, _, body) = submit(
        client,
        &server.url("/report"),
        &server.url("/report"),
        &fields,
    )
    .await;
    (status, body)
}

/// What the report form tells about a token's key, without the markup.
fn told_about_token(body: &str) -> String {
    let start = body
        .find("id=\"token-set\"")
        .expect("the form tells about the token");
    let end = body[start..].find("</div>").unwrap() + start;
    let mut text = String::new();
    let mut in_tag = false;
    for c in body[start..end].chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

/// The key id a form sent back for confirmation carries.
fn confirmation(body: &str) -> Option<String> {
    let marker = "name=\"token_key_seen\" value=\"";
    let start = body.find(marker)? + marker.len();
    Some(body[start..start + 16].to_string())
}

async fn verified_reports(server: &TestServer) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM reports WHERE verified_member = 1")
        .fetch_one(&server.state.db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_member_fetches_tokens_blind_and_each_is_spent_once() {
    each_backend(async |url| {
        let server = portal(&url).await;
        let member = browser();
        sign_in(&server, &member, MEMBER, PASSWORD).await;
        let (status, page) = get(&member, &server.url("/tokens")).await;
        assert_eq!(status, 200);
        assert_eq!(element_text(&page, "token-taken"), "0");
        assert_eq!(element_text(&page, "token-allowance"), "10");

        let (tokens, _) = fetch_in_browser(&server, &member, 3).await.unwrap();
        let (_, page) = get(&member, &server.url("/tokens")).await;
        assert_eq!(element_text(&page, "token-taken"), "3");

        // Spending from the session that fetched would link the two.
        let first = tokens[0].to_string();
        let (status, body) = report_with_token(&server, &member, "anonymous", &first).await;
        assert_eq!(status, 422);
        assert!(body.contains("You fetched membership tokens while signed in"));
        assert!(
            body.contains("Bridge team saw the ECDIS reboot"),
            "text kept"
        );
        assert!(body.contains(&first), "token kept on the form");

        // Signed out (a fresh browser), it is accepted and marks the report.
        let reporter = browser();
        let (status, body) = report_with_token(&server, &reporter, "anonymous", &first).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("id=\"receipt\""));
        assert_eq!(verified_reports(&server).await, 1);

        // A second use is refused, with the report text kept.
        let (status, body) = report_with_token(&server, &browser(), "anonymous", &first).await;
        assert_eq!(status, 422);
        assert!(body.contains("already been used"));
        assert!(body.contains("Bridge team saw the ECDIS reboot"));
        assert_eq!(verified_reports(&server).await, 1);

        // A forged one (signature altered) and a malformed one.
        let text = tokens[1].to_string();
        let (head, body64) = text.rsplit_once('.').unwrap();
        let mut bytes = lookout_tokens::decode_wire(body64).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 0x55;
        let forged = format!("{head}.{}", lookout_tokens::encode_wire(&bytes));
        let (status, body) = report_with_token(&server, &reporter, "anonymous", &forged).await;
        assert_eq!(status, 422);
        assert!(body.contains("signature does not check out"));
        let (status, body) =
            report_with_token(&server, &reporter, "anonymous", "lmt1.nonsense").await;
        assert_eq!(status, 422);
        assert!(body.contains("not complete or not in the right form"));
        // A token made for a key this portal never had.
        let foreign = mint(&IssuerKey::generate().unwrap());
        let (status, body) =
            report_with_token(&server, &reporter, "anonymous", &foreign.to_string()).await;
        assert_eq!(status, 422);
        assert!(body.contains("was not issued by this portal"));

        // Only with anonymous reports.
        let other_session = browser();
        sign_in(&server, &other_session, MEMBER, PASSWORD).await;
        let (status, body) = report_with_token(
            &server,
            &other_session,
            "attributed",
            &tokens[1].to_string(),
        )
        .await;
        assert_eq!(status, 422);
        assert!(body.contains("only for anonymous reports"));
        // ...but from another session of the same member, it is accepted.
        let (status, _) =
            report_with_token(&server, &other_session, "anonymous", &tokens[1].to_string()).await;
        assert_eq!(status, 200);
        assert_eq!(verified_reports(&server).await, 2);

        // Analysts see which reports came from a verified member.
        let analyst = browser();
        sign_in_enrolling(&server, &analyst, "analyst@op.example").await;
        let (_, inbox) = get(&analyst, &server.url("/triage")).await;
        assert_eq!(inbox.matches("verified member").count(), 2);

        // Its incident carries the mark to members (and statistics).
        use lookout_server::incidents::publish::save_within as save;
        use lookout_server::incidents::store::{Content, Publication, new_reference};
        let report_id: i64 =
            sqlx::query_scalar("SELECT MIN(id) FROM reports WHERE verified_member = 1")
                .fetch_one(&server.state.db.pool)
                .await
                .unwrap();
        let now = lookout_server::db::now();
        let mut tx = server.state.db.begin_write().await.unwrap();
        let content = Content {
            title: "ECDIS reboots after a chart update".into(),
            class: "ecdis-bridge-compromise".into(),
            occurred_on: "2026-03-02".into(),
            sea_area: "north-sea".into(),
            tlp: "green".into(),
            ..Content::default()
        };
        let publication = Publication {
            state: "published",
            visible_from: Some(now - 1),
            reporter_org_id: None,
            named_org: None,
        };
        let reference = save(
            &mut tx,
            report_id,
            &new_reference().unwrap(),
            &content,
            &publication,
            now,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let (status, detail) = get(
            &other_session,
            &server.url(&format!("/incidents/{reference}")),
        )
        .await;
        assert_eq!(status, 200);
        assert!(detail.contains("Verified member"), "{detail}");
    })
    .await;
}

#[tokio::test]
async fn the_allowance_is_enforced_and_says_when_it_resets() {
    each_backend(async |url| {
        let server = portal(&url).await;
        let admin = browser();
        sign_in_enrolling(&server, &admin, "admin@op.example").await;
        let (status, _, body) = submit(
            &admin,
            &server.url("/admin/tokens"),
            &server.url("/admin/tokens"),
            &[("allowance", "400")],
        )
        .await;
        assert_eq!(status, 422);
        assert!(body.contains("from 0 to 100"));
        assert!(body.contains("value=\"400\""));
        let (status, location, _) = submit(
            &admin,
            &server.url("/admin/tokens"),
            &server.url("/admin/tokens"),
            &[("allowance", "4")],
        )
        .await;
        assert_eq!((status, location.as_deref()), (303, Some("/admin/tokens")));

        let member = browser();
        sign_in(&server, &member, MEMBER, PASSWORD).await;
        fetch_in_browser(&server, &member, 3).await.unwrap();
        let (status, detail) = fetch_in_browser(&server, &member, 2).await.unwrap_err();
        assert_eq!(status, 429);
        assert!(
            detail.starts_with("You have 1 of your 4 tokens for "),
            "{detail}"
        );
        assert!(detail.contains("The next period starts on 1 "), "{detail}");
        fetch_in_browser(&server, &member, 1).await.unwrap();
        let (status, detail) = fetch_in_browser(&server, &member, 1).await.unwrap_err();
        assert_eq!(status, 429);
        assert!(
            detail.starts_with("You have used all 4 tokens for "),
            "{detail}"
        );

        // The admin page shows the month's total, not who took them.
        let (_, page) = get(&admin, &server.url("/admin/tokens")).await;
        assert!(page.contains("4 tokens taken by 1 member."), "{page}");
        assert!(page.contains("issuing"));

        // Operators are not members.
        let (status, detail) = fetch_in_browser(&server, &admin, 1).await.unwrap_err();
        assert_eq!(status, 403);
        assert!(detail.contains("members of a member organisation"));
    })
    .await;
}

#[tokio::test]
async fn the_api_issues_and_accepts_tokens_sent_without_credentials() {
    each_backend(async |url| {
        let server = portal(&url).await;
        let api_token = create_api_token(
            &server.state.db,
            &server.state.key,
            MEMBER,
            "ship",
            &["read".into(), "write".into()],
            Actor::Cli,
        )
        .await
        .unwrap();
        let client = reqwest::Client::new();
        let key = issuing_key(&server).await;
        let pending = key.blind().unwrap();
        let response = client
            .post(server.url("/api/v1/tokens"))
            .bearer_auth(&api_token)
            .json(&serde_json::json!({
                "key_id": key.id(),
                "blinded": [lookout_tokens::encode_wire(pending.blinded_message())],
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let issued: Value = response.json().await.unwrap();
        assert_eq!(issued["taken"], 1);
        let sig =
            lookout_tokens::decode_wire(issued["blind_signatures"][0].as_str().unwrap()).unwrap();
        let token = key.finish(&pending, &sig).unwrap().to_string();

        // Wrong key id, and a value of the wrong size.
        let response = client
            .post(server.url("/api/v1/tokens"))
            .bearer_auth(&api_token)
            .json(&serde_json::json!({ "key_id": "00000000000000aa", "blinded": ["AAAA"] }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 409);
        let response = client
            .post(server.url("/api/v1/tokens"))
            .bearer_auth(&api_token)
            .json(&serde_json::json!({ "key_id": key.id(), "blinded": ["AAAA"] }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422);
        let problem: Value = response.json().await.unwrap();
        assert!(problem["detail"].as_str().unwrap().contains("blinded[0]"));

        let report = |with_token: &str| {
            serde_json::json!({
                "mode": "anonymous", "class": "ecdis-bridge-compromise",
                "discovered_on": "2026-03-02", "systems": ["ecdis"],
                "vessel_type": "container-ship", "vessel_size": "large", "sea_area": "north-sea",
                "impact_safety": "minor", "impact_operations": "minor", "impact_money": "none",
                "narrative": NARRATIVE, "tlp": "green", "membership_token": with_token,
            })
        };
        // With the API token beside it, the two would be linked: refused.
        let response = client
            .post(server.url("/api/v1/reports"))
            .bearer_auth(&api_token)
            .json(&report(&token))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422);
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["detail"], spend::WITH_CREDENTIALS);

        let response = client
            .post(server.url("/api/v1/reports"))
            .json(&report(&token))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        assert_eq!(verified_reports(&server).await, 1);
        let response = client
            .post(server.url("/api/v1/reports"))
            .json(&report(&token))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 409);
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["detail"], spend::SPENT);
        assert_eq!(verified_reports(&server).await, 1);
    })
    .await;
}

/// Every value in `table`, as text.
async fn values(server: &TestServer, table: &str) -> (Vec<String>, Vec<String>) {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT * FROM {table}")))
        .fetch_all(&server.state.db.pool)
        .await
        .unwrap();
    let mut columns = Vec::new();
    let mut all = Vec::new();
    for row in &rows {
        columns = row.columns().iter().map(|c| c.name().to_string()).collect();
        for i in 0..row.len() {
            let text = row
                .try_get::<Option<String>, _>(i)
                .ok()
                .flatten()
                .or_else(|| {
                    let n = row.try_get::<Option<i64>, _>(i).ok().flatten();
                    n.map(|n| n.to_string())
                })
                .unwrap_or_default();
            all.push(text);
        }
    }
    (columns, all)
}

#[tokio::test]
async fn issuance_and_spending_records_share_nothing_that_links_them() {
    each_backend(async |url| {
        let server = portal(&url).await;
        server.org("Coral Sea Offshore", "ship-owner").await;
        server
            .user("it@coralsea.example", "member", Some("Coral Sea Offshore"))
            .await;
        let mut spent = Vec::new();
        let mut seen_at_issuance = Vec::new();
        for email in [MEMBER, "it@coralsea.example"] {
            let member = browser();
            sign_in(&server, &member, email, PASSWORD).await;
            let (tokens, seen) = fetch_in_browser(&server, &member, 2).await.unwrap();
            seen_at_issuance.extend(seen);
            spent.push(tokens[0].clone());
        }
        for token in &spent {
            let (status, _) =
                report_with_token(&server, &browser(), "anonymous", &token.to_string()).await;
            assert_eq!(status, 200);
        }

        let (issuance_columns, issuance) = values(&server, "token_issuance").await;
        let (spent_columns, spent_values) = values(&server, "spent_tokens").await;
        // Only counts at issuance; only fingerprints and the key at spending:
        // no time, no session, no blinded value, no report.
        assert_eq!(issuance_columns, ["user_id", "period", "taken"]);
        assert_eq!(spent_columns, ["fingerprint", "forget_after"]);
        assert_eq!(issuance.len(), 6);
        assert_eq!(spent_values.len(), 4);
        for value in &spent_values {
            assert!(!issuance.contains(value), "{value} appears in both tables");
        }
        // The one thing issuance shares with spending is the month, which
        // every member's tokens share.
        let key_period: String = sqlx::query_scalar("SELECT period FROM token_keys")
            .fetch_one(&server.state.db.pool)
            .await
            .unwrap();
        assert_eq!(issuance.iter().filter(|v| **v == key_period).count(), 2);

        // Nothing the portal saw at issuance is stored anywhere, in any
        // encoding, and no fingerprint is derived from it.
        for table in [
            "token_issuance",
            "spent_tokens",
            "token_keys",
            "reports",
            "sessions",
            "audit_log",
        ] {
            let (_, stored) = values(&server, table).await;
            for value in &seen_at_issuance {
                for encoded in [
                    hex::encode(value),
                    lookout_tokens::encode_wire(value),
                    hex::encode(&value[..16]),
                ] {
                    assert!(
                        !stored.iter().any(|s| s.contains(&encoded)),
                        "an issuance value is stored in {table}"
                    );
                }
            }
        }
        for token in &spent {
            assert!(spent_values.contains(&hex::encode(token.spent_fingerprint())));
        }
    })
    .await;
}

#[tokio::test]
async fn keys_are_sealed_shared_between_processes_and_retire() {
    each_backend(async |url| {
        let data = tempfile::tempdir().unwrap();
        let first = TestServer::start_in(&url, data.path().to_path_buf(), None).await;
        let second = TestServer::start_in(&url, data.path().to_path_buf(), None).await;
        // Both processes race to make this month's key; one wins for both.
        let (a, b) = tokio::join!(issuing_key(&first), issuing_key(&second));
        assert_eq!(a.id(), b.id());
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT id, sealed_secret FROM token_keys")
                .fetch_all(&first.state.db.pool)
                .await
                .unwrap();
        assert_eq!(rows.len(), 1);
        // Encrypted at rest under the master key, bound to its row.
        let (id, sealed) = &rows[0];
        let der = first
            .state
            .key
            .open("token-key", &format!("token_keys:{id}"), sealed)
            .unwrap();
        assert_eq!(IssuerKey::from_der(&der).unwrap().public().id(), id);
        assert!(
            first
                .state
                .key
                .open("token-key", "token_keys:another", sealed)
                .is_err()
        );

        // A key from a month long gone: its tokens are refused with the
        // dates, its private key is erased, its spent list dropped.
        let old = IssuerKey::generate().unwrap();
        let old_id = old.public().id().to_string();
        sqlx::query(
            "INSERT INTO token_keys (id, period, spki, sealed_secret, issue_from, issue_until, spend_until) \
             VALUES ($1, '2020-01', $2, 'sealed', 1577836800, 1580515200, 1583193600)",
        )
        .bind(&old_id)
        .bind(old.public().spki_base64())
        .execute(&first.state.db.pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO spent_tokens (fingerprint, forget_after) VALUES ('aa', 1583193600)",
        )
        .execute(&first.state.db.pool)
        .await
        .unwrap();
        let expired = mint(&old);
        let (status, body) =
            report_with_token(&second, &browser(), "anonymous", &expired.to_string()).await;
        assert_eq!(status, 422);
        assert!(
            body.contains("The membership token is from January 2020; tokens from that month could be used until 3 March 2020."),
            "{body}"
        );
        let list: Value = reqwest::get(first.url("/.well-known/lookout-token-keys"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            list["keys"].as_array().unwrap().len(),
            1,
            "retired keys are not published"
        );
        let (secret, spent): (Option<String>, i64) = sqlx::query_as(
            "SELECT sealed_secret, (SELECT COUNT(*) FROM spent_tokens) FROM token_keys WHERE id = $1",
        )
        .bind(&old_id)
        .fetch_one(&first.state.db.pool)
        .await
        .unwrap();
        assert_eq!((secret, spent), (None, 0));
    })
    .await;
}

/// Two months' tokens spent interleaved, then a copy of the database read
/// by an attacker: nothing stored with a spent token or a verified report,
/// nor the order rows are kept in, tells which month's key a report used.
/// Before spending, the reporter is told how many members hold the key's
/// tokens, and warned when they are few.
#[tokio::test]
async fn a_copy_of_the_database_cannot_tell_which_key_a_verified_report_used() {
    use lookout_server::tokens::Period;
    each_backend(async |url| {
        let server = portal(&url).await;
        let member = browser();
        sign_in(&server, &member, MEMBER, PASSWORD).await;
        let (current, _) = fetch_in_browser(&server, &member, 3).await.unwrap();
        let current_id = current[0].key_id().to_string();

        // Last month's key, still open for spending; its tokens were
        // fetched then by six members.
        let previous =
            Period::containing(Period::containing(lookout_server::db::now()).starts() - 1);
        let old = IssuerKey::generate().unwrap();
        let old_id = old.public().id().to_string();
        sqlx::query(
            "INSERT INTO token_keys (id, period, spki, sealed_secret, issue_from, issue_until, spend_until) \
             VALUES ($1, $2, $3, NULL, $4, $5, $6)",
        )
        .bind(&old_id)
        .bind(previous.label())
        .bind(old.public().spki_base64())
        .bind(previous.starts())
        .bind(previous.ends())
        .bind(previous.ends() + 31 * 86_400)
        .execute(&server.state.db.pool)
        .await
        .unwrap();
        for n in 0..6 {
            let email = format!("crew{n}@meridian.example");
            let id = server.user(&email, "member", Some("Meridian Lines")).await;
            sqlx::query("INSERT INTO token_issuance (user_id, period, taken) VALUES ($1, $2, 2)")
                .bind(id)
                .bind(previous.label())
                .execute(&server.state.db.pool)
                .await
                .unwrap();
        }
        let last_month: Vec<Token> = (0..3).map(|_| mint(&old)).collect();

        // The key list and the tokens page say how many hold each key.
        let list: Value = reqwest::get(server.url("/.well-known/lookout-token-keys"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for key in list["keys"].as_array().unwrap() {
            let expected = if key["id"] == current_id.as_str() {
                1
            } else {
                6
            };
            assert_eq!(key["holders"], expected, "{key}");
            assert!(
                key["fingerprint"]
                    .as_str()
                    .unwrap()
                    .starts_with(key["id"].as_str().unwrap())
            );
        }
        let (_, page) = get(&member, &server.url("/tokens")).await;
        assert!(
            element_text(&page, "token-holders").starts_with("1 member has fetched"),
            "{page}"
        );
        assert_eq!(element_text(&page, "token-key-id"), current_id);

        // A signed-out reporter previewing with this month's token is told
        // the key and its one holder, and warned; last month's: six.
        let reporter = browser();
        let mut fields = report_fields("anonymous", NARRATIVE);
        let this_month = current[0].to_string();
        fields.push(("membership_token", &this_month));
        fields.push(("action", "preview"));
        let (status, _, body) = submit(
            &reporter,
            &server.url("/report"),
            &server.url("/report"),
            &fields,
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let told = told_about_token(&body);
        assert!(
            told.contains(&format!("This token is from key {current_id}")),
            "{told}"
        );
        assert!(
            told.contains("held by 1 member:") && told.contains("very few"),
            "{told}"
        );
        let (_, _, body) = submit(
            &reporter,
            &server.url("/report"),
            &server.url("/report"),
            &[
                report_fields("anonymous", NARRATIVE),
                vec![
                    ("membership_token", &last_month[0].to_string()),
                    ("action", "preview"),
                ],
            ]
            .concat(),
        )
        .await;
        let told = told_about_token(&body);
        assert!(
            told.contains("held by 6 members:") && !told.contains("very few"),
            "{told}"
        );
        assert_eq!(
            verified_reports(&server).await,
            0,
            "a preview spends nothing"
        );

        // Interleaved: this month, last month, this month, ...
        let mut spent = Vec::new();
        for (a, b) in current.iter().zip(&last_month) {
            for (token, key) in [(a, &current_id), (b, &old_id)] {
                let (status, body) =
                    report_with_token(&server, &browser(), "anonymous", &token.to_string()).await;
                assert_eq!(status, 200, "{body}");
                spent.push((hex::encode(token.spent_fingerprint()), key.clone()));
            }
        }
        assert_eq!(verified_reports(&server).await, 6);

        // The attacker's copy. Whatever a spent row holds besides its
        // fingerprint must be the same for both keys' tokens, so neither the
        // rows nor their order can say which key a report used.
        let (columns, rows) = values(&server, "spent_tokens").await;
        assert_eq!(rows.len(), 6 * columns.len());
        let fingerprint_at = columns.iter().position(|c| c == "fingerprint").unwrap();
        let mut by_key: std::collections::HashMap<&str, std::collections::BTreeSet<Vec<String>>> =
            Default::default();
        for row in rows.chunks(columns.len()) {
            let key = spent
                .iter()
                .find(|(f, _)| *f == row[fingerprint_at])
                .map(|(_, k)| k.as_str())
                .expect("each spent row is one of the tokens");
            let rest: Vec<String> = row
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != fingerprint_at)
                .map(|(_, v)| v.clone())
                .collect();
            by_key.entry(key).or_default().insert(rest);
        }
        assert_eq!(
            by_key[current_id.as_str()],
            by_key[old_id.as_str()],
            "spent rows differ by key: {columns:?}"
        );
        // Nor does a verified report keep its key, its month or a row of
        // the spent list.
        let (_, reports) = values(&server, "reports").await;
        for value in &reports {
            for key in [&current_id, &old_id] {
                assert!(!value.contains(key.as_str()), "a report holds key {key}");
            }
            assert_ne!(value, &previous.label());
            assert!(!spent.iter().any(|(f, _)| value.contains(f.as_str())));
        }
        // In SQLite the spent list is kept by fingerprint: no rowid gives
        // the order of spending.
        if url.starts_with("sqlite:") {
            assert!(
                sqlx::query("SELECT rowid FROM spent_tokens")
                    .fetch_all(&server.state.db.pool)
                    .await
                    .is_err(),
                "spent_tokens keeps the order of spending"
            );
        }
    })
    .await;
}
