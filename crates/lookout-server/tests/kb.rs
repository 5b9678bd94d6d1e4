//! The knowledge base end to end, on every backend: an editor drafts a
//! playbook, a second editor reviews and publishes it, members read the
//! published version within their sharing level, new versions wait for
//! review, archived articles disappear, and bad forms keep the text.

use lookout_testkit::*;

async fn editor(server: &TestServer, email: &str) -> reqwest::Client {
    server.user(email, "editor", None).await;
    let client = browser();
    sign_in_enrolling(server, &client, email).await;
    client
}

fn playbook<'a>(title: &'a str, body: &'a str, tlp: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("kind", "playbook"),
        ("slug", ""),
        ("title", title),
        ("summary", "What to do in the first hour."),
        ("tlp", tlp),
        ("body", body),
        ("tags", "GNSS, navigation, #onboard"),
        ("incidents", ""),
        ("advisories", ""),
    ]
}

#[tokio::test]
async fn editors_draft_review_and_publish_versions_members_read_within_their_level() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        server.org("Northwind Tankers", "ship-owner").await;
        server.org("Green Shipping", "ship-owner").await;
        server
            .user("tom@northwind.example", "member", Some("Northwind Tankers"))
            .await;
        server
            .user("gail@green.example", "member", Some("Green Shipping"))
            .await;
        sqlx::query("UPDATE organisations SET tlp_clearance = 1 WHERE name = 'Green Shipping'")
            .execute(&server.state.db.pool)
            .await
            .unwrap();
        let tom = browser();
        sign_in(&server, &tom, "tom@northwind.example", PASSWORD).await;
        let gail = browser();
        sign_in(&server, &gail, "gail@green.example", PASSWORD).await;
        let elena = editor(&server, "elena@op.example").await;
        let omar = editor(&server, "omar@op.example").await;

        // Members do not write articles.
        let (status, _) = get(&tom, &server.url("/kb/new")).await;
        assert_eq!(status, 403);

        let body = "## First hour\n\n1. Cross-check the position with radar.\n2. Tell the master.";
        // A reference to nothing comes back with the text kept.
        let mut fields = playbook("GNSS spoofing at sea", body, "amber");
        fields[7] = ("incidents", "INC-1999-0001");
        let (status, _, page) = submit(
            &elena,
            &server.url("/kb/new"),
            &server.url("/kb/new"),
            &fields,
        )
        .await;
        assert_eq!(status, 422);
        assert!(page.contains("There is no incident INC-1999-0001"));
        assert!(page.contains("Cross-check the position with radar."));

        // Saved, then submitted for review: members see nothing yet.
        let mut fields = playbook("GNSS spoofing at sea", body, "amber");
        fields.push(("action", "publish"));
        let (status, location, _) = submit(
            &elena,
            &server.url("/kb/new"),
            &server.url("/kb/new"),
            &fields,
        )
        .await;
        assert_eq!(status, 303);
        assert_eq!(
            location.as_deref(),
            Some("/kb/gnss-spoofing-at-sea/edit?done=submitted")
        );
        let (status, _) = get(&tom, &server.url("/kb/gnss-spoofing-at-sea")).await;
        assert_eq!(status, 404);
        // Its author cannot publish it herself.
        let edit = server.url("/kb/gnss-spoofing-at-sea/edit");
        let mut again = playbook("GNSS spoofing at sea", body, "amber");
        again.push(("action", "publish"));
        let (_, location, _) = submit(&elena, &edit, &edit, &again).await;
        assert!(location.unwrap().ends_with("done=waiting"));
        // The second editor reviews and publishes it.
        let (_, drafts) = get(&omar, &server.url("/kb/drafts")).await;
        assert!(drafts.contains("waiting for your review"));
        let (_, page) = get(&omar, &edit).await;
        assert!(page.contains("awaiting-you"));
        let (status, location, _) = submit(&omar, &edit, &edit, &again).await;
        assert_eq!(status, 303);
        assert_eq!(location.as_deref(), Some("/kb/gnss-spoofing-at-sea"));

        let (status, page) = get(&tom, &server.url("/kb/gnss-spoofing-at-sea")).await;
        assert_eq!(status, 200);
        assert!(page.contains("<h4>First hour</h4>") || page.contains("First hour</h"));
        assert!(page.contains("#gnss") && page.contains("#onboard"));
        let (_, list) = get(&tom, &server.url("/kb?kind=playbook")).await;
        assert!(list.contains("GNSS spoofing at sea"));
        let (_, list) = get(&tom, &server.url("/kb?tag=onboard")).await;
        assert!(list.contains("GNSS spoofing at sea"));
        let (_, list) = get(&tom, &server.url("/kb?tag=ransomware")).await;
        assert!(!list.contains("GNSS spoofing at sea"));
        // AMBER is above a GREEN organisation's level.
        let (status, _) = get(&gail, &server.url("/kb/gnss-spoofing-at-sea")).await;
        assert_eq!(status, 404);
        let (_, list) = get(&gail, &server.url("/kb")).await;
        assert!(!list.contains("GNSS spoofing at sea"));

        // A second version waits for review; members keep reading the first.
        let mut second = playbook(
            "GNSS spoofing at sea",
            "## First hour\n\n1. Switch to radar and visual fixes.",
            "green",
        );
        second.push(("action", "publish"));
        submit(&omar, &edit, &edit, &second).await;
        let (_, page) = get(&tom, &server.url("/kb/gnss-spoofing-at-sea")).await;
        assert!(page.contains("Cross-check the position") && !page.contains("visual fixes"));
        let (status, _) = get(&gail, &server.url("/kb/gnss-spoofing-at-sea")).await;
        assert_eq!(status, 404);
        submit(&elena, &edit, &edit, &second).await;
        let (_, page) = get(&gail, &server.url("/kb/gnss-spoofing-at-sea")).await;
        assert!(page.contains("visual fixes") && page.contains("version 2"));
        // Editors can open the first version; members only the published one.
        let (_, old) = get(&elena, &server.url("/kb/gnss-spoofing-at-sea?version=1")).await;
        assert!(old.contains("Cross-check the position"));
        let (_, page) = get(&gail, &server.url("/kb/gnss-spoofing-at-sea?version=1")).await;
        assert!(page.contains("visual fixes"));

        // Archived: gone for members, back when published again.
        let (_, page) = get(&elena, &edit).await;
        let token = csrf(&page);
        let response = elena
            .post(server.url("/kb/gnss-spoofing-at-sea/archive"))
            .form(&[("csrf", token.as_str()), ("archived", "1")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303);
        let (status, _) = get(&tom, &server.url("/kb/gnss-spoofing-at-sea")).await;
        assert_eq!(status, 404);

        let actions: Vec<String> = sqlx::query_scalar(
            "SELECT action FROM audit_log WHERE action LIKE 'kb.%' ORDER BY seq",
        )
        .fetch_all(&server.state.db.pool)
        .await
        .unwrap();
        for action in ["kb.created", "kb.submitted", "kb.published", "kb.archived"] {
            assert!(actions.iter().any(|a| a == action), "{action}: {actions:?}");
        }
    })
    .await;
}

#[tokio::test]
async fn the_demo_playbooks_are_published_and_link_what_members_may_open() {
    let dir = tempfile::tempdir().unwrap();
    let url = &sqlite_url(dir.path());
    let server = TestServer::start(url).await;
    let accounts = lookout_server::demo::seed(&server.state).await.unwrap();
    let member = accounts.iter().find(|a| a.role == "member").unwrap();
    let client = browser();
    sign_in(&server, &client, &member.email, &member.password).await;
    let (_, list) = get(&client, &server.url("/kb?kind=playbook")).await;
    for title in [
        "Ransomware on shore IT",
        "ECDIS infection on board",
        "GNSS spoofing or jamming",
        "Business-email compromise on a bunker payment",
    ] {
        assert!(list.contains(title), "{title} missing from the playbooks");
    }
    let (status, page) = get(&client, &server.url("/kb/gnss-spoofing-or-jamming")).await;
    assert_eq!(status, 200);
    assert!(page.contains("id=\"related\"") && page.contains("/advisories/ADV-"));
}
