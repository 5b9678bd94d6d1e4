//! Reporting end to end: the form, receipts, follow-up and triage.

use lookout_testkit::*;

const NARRATIVE: &str =
    "Chief Officer found the ECDIS showing a ransom note after a chart update from a USB stick.";

#[tokio::test]
async fn anonymous_report_receipt_follow_up_and_triage() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        server.user("analyst@op.example", "analyst", None).await;
        let reporter = browser();

        // A mistake keeps everything typed, narrative included.
        let mut fields = report_fields("anonymous", NARRATIVE);
        fields.retain(|(k, _)| *k != "sea_area");
        let (status, _, body) = submit(
            &reporter,
            &server.url("/report"),
            &server.url("/report"),
            &fields,
        )
        .await;
        assert_eq!(status, 422);
        assert!(body.contains("Choose the sea area"));
        // Said beside the field, and linked to it from the summary above.
        let at_field = body
            .find("id=\"sea_area-error\">Choose the sea area")
            .expect("beside the field");
        let field = body.find("<select id=\"sea_area\"").unwrap();
        assert!(at_field < field && field - at_field < 200, "{body}");
        assert!(body.contains("<a href=\"#sea_area\">Choose the sea area"));
        assert!(body.contains("Chief Officer found the ECDIS"));
        assert!(body.contains("update-charts.example"));
        assert!(body.contains("value=\"ecdis\" checked"));

        let (status, _, body) = submit(
            &reporter,
            &server.url("/report"),
            &server.url("/report"),
            &report_fields("anonymous", NARRATIVE),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let receipt = element_text(&body, "receipt");
        assert_eq!(receipt.split(' ').count(), 12);

        // Nothing readable or identifying reached the database.
        let report: (Option<i64>, i64) =
            sqlx::query_as("SELECT reporter_user_id, received_hour FROM reports")
                .fetch_one(&server.state.db.pool)
                .await
                .unwrap();
        assert_eq!(report.0, None);
        assert_eq!(report.1 % 3600, 0, "time is kept to the hour only");
        let audit: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'report.%'")
                .fetch_one(&server.state.db.pool)
                .await
                .unwrap();
        assert_eq!(audit, 0);

        // The analyst opens it (on the record) and asks a question.
        let analyst = browser();
        sign_in_enrolling(&server, &analyst, "analyst@op.example").await;
        let (_, inbox) = get(&analyst, &server.url("/triage")).await;
        let marker = "href=\"/triage/";
        let start = inbox.find(marker).expect("report in the inbox") + marker.len();
        let id: String = inbox[start..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        let (status, page) = get(&analyst, &server.url(&format!("/triage/{id}"))).await;
        assert_eq!(status, 200);
        assert!(page.contains("Chief Officer found the ECDIS"));
        assert!(page.contains("53°58.1&#39;N") || page.contains("53°58.1'N"));
        let detail = server.url(&format!("/triage/{id}"));
        let (status, _, _) = submit(
            &analyst,
            &detail,
            &server.url(&format!("/triage/{id}/message")),
            &[("body", "Which chart provider sent the update?")],
        )
        .await;
        assert_eq!(status, 303);
        let (status, _, _) = submit(
            &analyst,
            &detail,
            &server.url(&format!("/triage/{id}/status")),
            &[("status", "needs-information")],
        )
        .await;
        assert_eq!(status, 303);

        // The reporter comes back with the receipt, reads and answers.
        let returning = browser();
        let (status, _, page) = submit(
            &returning,
            &server.url("/report/follow-up"),
            &server.url("/report/follow-up"),
            &[("receipt", &receipt.to_uppercase())],
        )
        .await;
        assert_eq!(status, 200, "{page}");
        assert!(page.contains("Needs information"));
        assert!(page.contains("Which chart provider sent the update?"));
        let (status, _, page) = submit(
            &returning,
            &server.url("/report/follow-up"),
            &server.url("/report/follow-up"),
            &[
                ("receipt", &receipt),
                ("reply", "A USB stick from the agent in port."),
            ],
        )
        .await;
        assert_eq!(status, 200);
        assert!(page.contains("Your answer was sent"));
        let (_, page) = get(&analyst, &detail).await;
        assert!(page.contains("A USB stick from the agent in port."));

        let opened: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'report.opened'")
                .fetch_one(&server.state.db.pool)
                .await
                .unwrap();
        assert!(opened >= 2);
    })
    .await;
}

#[tokio::test]
async fn wrong_receipts_say_nothing_and_are_throttled() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        let client = browser();
        // A well-formed code that matches nothing, and a malformed one, get
        // the same answer.
        let unknown = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
        let mut answers = Vec::new();
        for code in [unknown, "not a receipt"] {
            let (status, _, page) = submit(
                &client,
                &server.url("/report/follow-up"),
                &server.url("/report/follow-up"),
                &[("receipt", code)],
            )
            .await;
            assert_eq!(status, 422);
            let start = page.find("role=\"alert\">").unwrap();
            answers.push(page[start..].split('<').next().unwrap().to_string());
        }
        assert_eq!(answers[0], answers[1]);
        for _ in 0..18 {
            submit(
                &client,
                &server.url("/report/follow-up"),
                &server.url("/report/follow-up"),
                &[("receipt", unknown)],
            )
            .await;
        }
        let (status, _, page) = submit(
            &client,
            &server.url("/report/follow-up"),
            &server.url("/report/follow-up"),
            &[("receipt", unknown)],
        )
        .await;
        assert_eq!(status, 429);
        assert!(page.contains("Too many wrong receipt codes"));
        // The throttle keeps nothing an operator could turn back into the
        // address or a time finer than the hour: a 16-bit bucket under an
        // hourly salt, whole hours.
        let rows: Vec<(String, i64, i64)> =
            sqlx::query_as("SELECT key, window_start, locked_until FROM throttle")
                .fetch_all(&server.state.db.pool)
                .await
                .unwrap();
        assert_eq!(rows.len(), 1, "{rows:?}");
        let (key, window_start, locked_until) = &rows[0];
        let bucket = key.rsplit(':').next().unwrap();
        assert_eq!(bucket.len(), 4, "{key}");
        assert_eq!(window_start % 3600, 0);
        assert_eq!(locked_until % 3600, 0);
        // Once its hour is over, the salt is gone.
        sqlx::query("UPDATE throttle_salts SET hour = hour - 1")
            .execute(&server.state.db.pool)
            .await
            .unwrap();
        lookout_server::accounts::throttle::purge(&server.state.db)
            .await
            .unwrap();
        let salts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM throttle_salts")
            .fetch_one(&server.state.db.pool)
            .await
            .unwrap();
        assert_eq!(salts, 0);
    })
    .await;
}

#[tokio::test]
async fn attributed_reports_belong_to_their_reporter() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        server.org("Northwind Tankers", "ship-owner").await;
        server.org("Meridian Container Lines", "ship-owner").await;
        server
            .user("cso@northwind.example", "member", Some("Northwind Tankers"))
            .await;
        server
            .user(
                "ciso@meridian.example",
                "member",
                Some("Meridian Container Lines"),
            )
            .await;
        let owner = browser();
        sign_in(&server, &owner, "cso@northwind.example", PASSWORD).await;
        let (status, _, body) = submit(
            &owner,
            &server.url("/report"),
            &server.url("/report"),
            &report_fields("attributed", NARRATIVE),
        )
        .await;
        assert_eq!(status, 200);
        assert!(
            !body.contains("id=\"receipt\""),
            "attributed reports need no receipt"
        );
        let (_, list) = get(&owner, &server.url("/reports/mine")).await;
        let marker = "href=\"/reports/mine/";
        let start = list.find(marker).unwrap() + marker.len();
        let id: String = list[start..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        let (status, _) = get(&owner, &server.url(&format!("/reports/mine/{id}"))).await;
        assert_eq!(status, 200);

        let other = browser();
        sign_in(&server, &other, "ciso@meridian.example", PASSWORD).await;
        let (status, _) = get(&other, &server.url(&format!("/reports/mine/{id}"))).await;
        assert_eq!(status, 404, "another member's report is not found");
        let (status, _) = get(&other, &server.url(&format!("/triage/{id}"))).await;
        assert_eq!(status, 403, "members cannot triage");
    })
    .await;
}

#[tokio::test]
async fn a_copy_of_the_database_reveals_no_narrative() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("copy.sqlite3").display()
    );
    let server = TestServer::start(&url).await;
    let marker = "Bosun Zebedee Quartermaine saw the pirate skiff";
    let (status, _, _) = submit(
        &browser(),
        &server.url("/report"),
        &server.url("/report"),
        &report_fields("anonymous", marker),
    )
    .await;
    assert_eq!(status, 200);
    // Checkpoint so the WAL content is in the main file too; search both.
    sqlx::query("PRAGMA wal_checkpoint(FULL)")
        .execute(&server.state.db.pool)
        .await
        .unwrap();
    for name in ["copy.sqlite3", "copy.sqlite3-wal"] {
        let bytes = std::fs::read(dir.path().join(name)).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        for secret in [
            "Zebedee",
            "Quartermaine",
            "update-charts.example",
            "53°58.1",
            "03:40",
        ] {
            assert!(!text.contains(secret), "{secret} found in {name}");
        }
    }
}

#[tokio::test]
async fn confidential_reports_seal_the_identity_for_analysts_only() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        server.org("Northwind Tankers", "ship-owner").await;
        server
            .user("cso@northwind.example", "member", Some("Northwind Tankers"))
            .await;
        let member = browser();
        sign_in(&server, &member, "cso@northwind.example", PASSWORD).await;

        // With no analyst key there is no one to seal to: say so, keep the text.
        let (status, _, body) = submit(
            &member,
            &server.url("/report"),
            &server.url("/report"),
            &report_fields("confidential", NARRATIVE),
        )
        .await;
        assert_eq!(status, 422);
        assert!(body.contains("no analyst has a key"));
        assert!(body.contains("Chief Officer found the ECDIS"));

        server.user("analyst@op.example", "analyst", None).await;
        let (status, _, body) = submit(
            &member,
            &server.url("/report"),
            &server.url("/report"),
            &report_fields("confidential", NARRATIVE),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let receipt = element_text(&body, "receipt");
        let (user, sealed): (Option<i64>, String) =
            sqlx::query_as("SELECT reporter_user_id, sealed_identity FROM reports")
                .fetch_one(&server.state.db.pool)
                .await
                .unwrap();
        assert_eq!(user, None, "not linked to the account");
        assert!(!sealed.contains("northwind"));
        let audited: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'report.submitted'")
                .fetch_one(&server.state.db.pool)
                .await
                .unwrap();
        assert_eq!(audited, 0, "no audit entry names the reporter");

        let analyst = browser();
        sign_in_enrolling(&server, &analyst, "analyst@op.example").await;
        let id: i64 = sqlx::query_scalar("SELECT id FROM reports")
            .fetch_one(&server.state.db.pool)
            .await
            .unwrap();
        let detail = server.url(&format!("/triage/{id}"));
        let open = server.url(&format!("/triage/{id}/identity"));
        let (_, page) = get(&analyst, &detail).await;
        assert!(page.contains("Sealed identity"));
        assert!(!page.contains("cso@northwind.example"));
        let (status, _, page) =
            submit(&analyst, &detail, &open, &[("password", "not my password")]).await;
        assert_eq!(status, 422);
        assert!(page.contains("not your password"));
        assert!(!page.contains("cso@northwind.example"));
        let (status, _, page) = submit(&analyst, &detail, &open, &[("password", PASSWORD)]).await;
        assert_eq!(status, 200);
        assert!(element_text(&page, "identity").contains("cso@northwind.example"));

        // The reporter sees the opening with the receipt.
        let (_, _, page) = submit(
            &browser(),
            &server.url("/report/follow-up"),
            &server.url("/report/follow-up"),
            &[("receipt", &receipt)],
        )
        .await;
        assert!(page.contains("opened by analyst"), "{page}");

        // A new password still opens it: the key was re-wrapped.
        let new_password = "harbour pilot lantern gyroscope";
        let (status, _, _) = submit(
            &analyst,
            &server.url("/account"),
            &server.url("/account/password"),
            &[
                ("current", PASSWORD),
                ("new", new_password),
                ("confirm", new_password),
            ],
        )
        .await;
        assert_eq!(status, 303);
        let (status, _, page) =
            submit(&analyst, &detail, &open, &[("password", new_password)]).await;
        assert_eq!(status, 200, "{page}");
        assert!(element_text(&page, "identity").contains("Northwind Tankers"));
    })
    .await;
}

#[tokio::test]
async fn the_preview_keeps_the_attackers_address_and_removes_the_victims() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        let narrative = "Our accounts clerk Eleni Markou (Akti Miaouli 85, 185 38 Piraeus, \
                         IBAN GR16 0110 1250 0000 0001 2300 695) got new bank details; \
                         the fake invoice came from billing@bunker-supp1y.example and pay.desk@mailbox.example \
                         answered.";
        let mut fields = report_fields("anonymous", narrative);
        fields.retain(|(k, _)| *k != "indicators");
        fields.push(("indicators", "pay.desk@mailbox.example\n185.220.101.4"));
        fields.push(("action", "preview"));
        let reporter = browser();
        let (status, _, page) = submit(
            &reporter,
            &server.url("/report"),
            &server.url("/report"),
            &fields,
        )
        .await;
        assert_eq!(status, 200, "{page}");
        let start = page.find("id=\"preview-narrative\"").expect("a preview");
        let shown = &page[start..start + page[start..].find("</p>").unwrap()];
        for placeholder in ["[PERSON]", "[ADDRESS]", "[BANK_ACCOUNT]"] {
            assert!(shown.contains(&format!("<mark>{placeholder}</mark>")), "{placeholder}: {shown}");
        }
        for gone in ["Markou", "Miaouli", "GR16"] {
            assert!(!shown.contains(gone), "{gone}: {shown}");
        }
        // The phishing sender, and the address the reporter listed as an
        // indicator, are the attacker's: other members need them.
        assert!(shown.contains("billing@bunker-supp1y.example"), "{shown}");
        assert!(shown.contains("pay.desk@mailbox.example"), "{shown}");
    })
    .await;
}

#[tokio::test]
async fn reporters_preview_the_scrubbed_text_and_anonymous_reports_are_kept_scrubbed() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        server.org("Northwind Polaris", "ship-owner").await;
        server
            .user("cso@northwind.example", "member", Some("Northwind Polaris"))
            .await;
        let narrative = "Bosun Zebedee saw the ransom note. Northwind Polaris IT at ops@northwind.example was told.";
        let reporter = browser();
        let mut fields = report_fields("anonymous", narrative);
        fields.push(("scrub_terms", "Zebedee"));
        fields.push(("action", "preview"));
        let (status, _, page) = submit(
            &reporter,
            &server.url("/report"),
            &server.url("/report"),
            &fields,
        )
        .await;
        assert_eq!(status, 200, "{page}");
        let start = page.find("id=\"preview-narrative\"").expect("a preview");
        let shown = &page[start..start + page[start..].find("</p>").unwrap()];
        assert!(shown.contains("<mark>[EMAIL]</mark>"), "{shown}");
        assert!(
            !shown.contains("Zebedee"),
            "the reporter's own term is removed"
        );
        // A stranger's preview is no oracle on the member directory: the
        // member's name is not marked, and the page says it goes anyway.
        assert!(!shown.contains("[ORG]"), "{shown}");
        assert!(shown.contains("Northwind Polaris IT"), "{shown}");
        assert!(page.contains("this preview does not show them"));
        // A member signed in sees what the directory removes.
        let member = browser();
        sign_in(&server, &member, "cso@northwind.example", PASSWORD).await;
        let (_, _, signed_in) = submit(
            &member,
            &server.url("/report"),
            &server.url("/report"),
            &fields,
        )
        .await;
        let start = signed_in
            .find("id=\"preview-narrative\"")
            .expect("a preview");
        let shown_to_member = &signed_in[start..start + signed_in[start..].find("</p>").unwrap()];
        assert!(
            shown_to_member.contains("<mark>[ORG]</mark>"),
            "{shown_to_member}"
        );
        assert!(!shown_to_member.contains("Northwind"));
        assert!(
            page.contains("Bosun Zebedee saw the ransom note."),
            "the text typed stays in the form"
        );
        let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reports")
            .fetch_one(&server.state.db.pool)
            .await
            .unwrap();
        assert_eq!(stored, 0, "a preview sends nothing");

        // A one-letter term cannot be matched safely: say so.
        let mut bad = report_fields("anonymous", narrative);
        bad.push(("scrub_terms", "Z"));
        bad.push(("action", "preview"));
        let (status, _, page) = submit(
            &reporter,
            &server.url("/report"),
            &server.url("/report"),
            &bad,
        )
        .await;
        assert_eq!(status, 422);
        assert!(page.contains("Words to remove"));

        fields.pop();
        fields.push(("action", "send"));
        let (status, _, _) = submit(
            &reporter,
            &server.url("/report"),
            &server.url("/report"),
            &fields,
        )
        .await;
        assert_eq!(status, 200);
        let row: (i64, String) = sqlx::query_as("SELECT id, ref FROM reports")
            .fetch_one(&server.state.db.pool)
            .await
            .unwrap();
        let report = lookout_server::reports::store::by_id(&server.state.db, row.0)
            .await
            .unwrap()
            .unwrap();
        let body = report.body(&server.state.key).unwrap();
        assert!(body.narrative.contains("[ORG]"), "{}", body.narrative);
        assert!(!body.narrative.contains("Zebedee"));
        assert!(!body.narrative.contains("ops@northwind.example"));
        assert!(body.narrative.contains("saw the ransom note"));
    })
    .await;
}

/// Compiling the directory for the scrubber is slow: it happens once per
/// version of the directory, not once per report (intake fell from about
/// 900 to 30 reports a second when it did).
#[tokio::test]
async fn the_directory_is_compiled_again_only_when_it_changes() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        server.org("Zanzibar Reefer Lines", "ship-owner").await;
        let db = &server.state.db;
        let first = lookout_server::reports::directory::known_names(db)
            .await
            .unwrap();
        let again = lookout_server::reports::directory::known_names(db)
            .await
            .unwrap();
        assert!(std::sync::Arc::ptr_eq(&first, &again));
        server.org("Quillon Gas Carriers", "ship-owner").await;
        let changed = lookout_server::reports::directory::known_names(db)
            .await
            .unwrap();
        assert!(!std::sync::Arc::ptr_eq(&again, &changed));
        assert!(
            lookout_privacy::scrub("Quillon Gas Carriers lost a day", &changed)
                .text
                .contains("[ORG]")
        );
    })
    .await;
}
