//! No dead ends: incidents and advisories lead to others like them, their
//! figures, the playbooks that apply and a report of one's own; a receipt
//! can be saved; a playbook has contents and an offline copy.

use lookout_server::demo;
use lookout_testkit::*;

#[tokio::test]
async fn pages_lead_on_to_what_a_reader_needs_next() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        let accounts = demo::seed(&server.state).await.unwrap();
        let db = &server.state.db.pool;
        let member = accounts
            .iter()
            .find(|a| a.email == "it@northwind-tankers.example")
            .expect("the demo member");
        let client = browser();
        sign_in(&server, &client, &member.email, &member.password).await;

        // A GNSS spoofing incident in the Black Sea the member may read.
        let (_, listed) = get(
            &client,
            &server.url("/incidents?class=gnss-spoofing&tlp=green"),
        )
        .await;
        let reference = listed
            .split("href=\"/incidents/")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("a GNSS spoofing incident")
            .to_string();
        let (status, page) = get(&client, &server.url(&format!("/incidents/{reference}"))).await;
        assert_eq!(status, 200);
        let see_also = &page[page.find("id=\"see-also\"").expect("a see-also panel")..];
        assert!(
            see_also.contains("href=\"/incidents?class=gnss-spoofing&#38;sea_area="),
            "{see_also}"
        );
        assert!(
            see_also.contains("href=\"/stats?class=gnss-spoofing\""),
            "{see_also}"
        );
        assert!(
            see_also.contains("Playbook: <a href=\"/kb/gnss-spoofing-or-jamming\""),
            "{see_also}"
        );
        assert!(
            see_also.contains("href=\"/search?scope=forum&#38;q=GNSS+spoofing\""),
            "{see_also}"
        );
        assert!(
            see_also.contains("href=\"/report?class=gnss-spoofing&#38;sea_area="),
            "{see_also}"
        );

        // "Report it" starts the form at the same class and sea area.
        let (_, form) = get(
            &browser(),
            &server.url("/report?class=gnss-spoofing&sea_area=black-sea"),
        )
        .await;
        assert!(
            form.contains("value=\"gnss-spoofing\" selected"),
            "the class is chosen"
        );
        assert!(
            form.contains("value=\"black-sea\" selected"),
            "the sea area is chosen"
        );

        // An advisory leads on too, its indicators to a search each.
        let advisory: String = sqlx::query_scalar(
            "SELECT ref FROM advisories WHERE state = 'published' ORDER BY id LIMIT 1",
        )
        .fetch_one(db)
        .await
        .unwrap();
        let (_, page) = get(&client, &server.url(&format!("/advisories/{advisory}"))).await;
        assert!(page.contains("id=\"see-also\""), "{page}");
        assert!(page.contains("Seen the same? Report it"));

        // The analyst's advisory form offers incidents to tick; the one it
        // was started from is ticked.
        server
            .user("related-analyst@op.example", "analyst", None)
            .await;
        let analyst = browser();
        sign_in_enrolling(&server, &analyst, "related-analyst@op.example").await;
        let (_, editor) = get(
            &analyst,
            &server.url(&format!("/advisories/new?incident={reference}")),
        )
        .await;
        let related = &editor[editor
            .find("id=\"related-incidents\"")
            .expect("related incidents")..];
        assert!(
            related.contains(&format!(
                "name=\"incident\" value=\"{reference}\" id=\"incident-{reference}\" checked"
            )),
            "{related}"
        );
        assert!(
            related.matches("name=\"incident\"").count() > 1,
            "more to choose from"
        );

        // A playbook has contents with anchors, and a copy to keep.
        let (_, article) = get(&client, &server.url("/kb/gnss-spoofing-or-jamming")).await;
        let contents = &article[article.find("class=\"contents\"").expect("contents")..];
        assert!(contents.contains("<a href=\"#section-1\">"));
        assert!(article.contains("<h2 id=\"section-1\">"));
        let response = client
            .get(server.url("/kb/gnss-spoofing-or-jamming/offline.html"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
        let disposition = response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_string();
        assert_eq!(
            disposition,
            "attachment; filename=\"gnss-spoofing-or-jamming.html\""
        );
        let file = response.text().await.unwrap();
        assert!(file.contains("<h1>GNSS spoofing or jamming</h1>"));
        assert!(file.contains("TLP:CLEAR"));
        assert!(!file.contains("src=\""), "nothing to fetch when offline");
        let (status, _) = get(
            &browser(),
            &server.url("/kb/gnss-spoofing-or-jamming/offline.html"),
        )
        .await;
        assert_eq!(status, 303, "not for visitors");
        let (status, _) = get(&client, &server.url("/kb/no-such-article/offline.html")).await;
        assert_eq!(status, 404);

        // Its checklist is ticked off and kept, for this member alone.
        let checklist = &article[article.find("id=\"checklist\"").expect("a checklist form")..];
        assert!(checklist.contains("0 of 8 done"), "{checklist}");
        let page_url = server.url("/kb/gnss-spoofing-or-jamming");
        let save = server.url("/kb/gnss-spoofing-or-jamming/checklist");
        let (status, _, _) = submit(
            &client,
            &page_url,
            &save,
            &[
                ("done", "Master called, decision logged"),
                ("done", "VDR data saved"),
                ("done", "Something the checklist does not have"),
                ("action", "save"),
            ],
        )
        .await;
        assert_eq!(status, 303);
        let (_, again) = get(&client, &page_url).await;
        assert!(again.contains("2 of 8 done"), "the ticks are kept");
        assert!(
            again.contains("value=\"VDR data saved\" id=\"check-7\" checked"),
            "{again}"
        );
        let other = accounts
            .iter()
            .find(|a| a.email == "cso@northwind-tankers.example")
            .unwrap();
        let colleague = browser();
        sign_in(&server, &colleague, &other.email, &other.password).await;
        let (_, theirs) = get(&colleague, &page_url).await;
        assert!(
            theirs.contains("0 of 8 done"),
            "a colleague's list is their own"
        );
        let (status, _, _) = submit(&client, &page_url, &save, &[("action", "clear")]).await;
        assert_eq!(status, 303);
        let (_, cleared) = get(&client, &page_url).await;
        assert!(cleared.contains("0 of 8 done"));
        // An article without a checklist has none to save.
        let (status, _, _) = submit(
            &client,
            &server.url("/kb/backups-that-survive-ransomware"),
            &server.url("/kb/backups-that-survive-ransomware/checklist"),
            &[("done", "x")],
        )
        .await;
        assert_eq!(status, 404);
    })
    .await;
}

#[tokio::test]
async fn a_receipt_can_be_saved_as_a_file_and_nothing_else_can() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        let reporter = browser();
        let (status, page) = send_report_form(
            &server,
            &reporter,
            "anonymous",
            "The engine room PC showed a ransom note.",
            &[],
            &[],
        )
        .await;
        assert_eq!(status, 200);
        let receipt = element_text(&page, "receipt");
        let reference = field_value(&page, "reference");
        let (status, _, file) = submit(
            &reporter,
            &server.url("/report"),
            &server.url("/report/receipt.txt"),
            &[("reference", &reference), ("receipt", &receipt)],
        )
        .await;
        assert_eq!(status, 200);
        assert!(
            file.contains(&receipt) && file.contains(&reference),
            "{file}"
        );
        assert!(file.contains("/report/follow-up"));
        // Anything but a receipt the portal could have given is refused.
        let (status, _, _) = submit(
            &reporter,
            &server.url("/report"),
            &server.url("/report/receipt.txt"),
            &[
                ("reference", &reference),
                ("receipt", "click http://evil.example now"),
            ],
        )
        .await;
        assert_eq!(status, 400);
    })
    .await;
}
