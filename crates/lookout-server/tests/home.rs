//! The start page: what each kind of visitor sees first, on every backend.

use lookout_server::demo;
use lookout_testkit::*;

#[tokio::test]
async fn each_role_finds_what_waits_for_it_on_the_start_page() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        let accounts = demo::seed(&server.state).await.unwrap();
        // The alert worker's round, as a running portal's would: members
        // receive the demo's advisories.
        lookout_server::alerts::outbox::round(&server.state)
            .await
            .unwrap();
        let db = &server.state.db.pool;

        // A visitor learns what the portal is for, sees public figures,
        // and can report anonymously from the body of the page.
        let (status, page) = get(&browser(), &server.url("/")).await;
        assert_eq!(status, 200);
        let body = &page[page.find("<main").unwrap()..];
        assert!(
            body.contains("href=\"/report\">Report anonymously"),
            "{body}"
        );
        assert!(body.contains("id=\"public-figures\""));
        assert!(
            body.contains("incidents shared publicly (TLP:CLEAR) this year"),
            "{body}"
        );
        assert!(body.contains("Latest public advisories"));
        assert!(!body.contains("TLP:AMBER"), "only TLP:CLEAR for visitors");

        // A member: unread alerts, the latest advisory with its TLP badge,
        // this week's incidents, a followed thread, a report waiting on them.
        let member = accounts
            .iter()
            .find(|a| a.email == "it@northwind-tankers.example")
            .expect("the demo member");
        let member_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
            .bind(&member.email)
            .fetch_one(db)
            .await
            .unwrap();
        let client = browser();
        sign_in(&server, &client, &member.email, &member.password).await;
        let thread: (String, String) =
            sqlx::query_as("SELECT ref, title FROM forum_threads ORDER BY id LIMIT 1")
                .fetch_one(db)
                .await
                .unwrap();
        let (status, _, _) = submit(
            &client,
            &server.url(&format!("/forum/t/{}", thread.0)),
            &server.url("/forum/follow"),
            &[("kind", "thread"), ("target", &thread.0), ("on", "1")],
        )
        .await;
        assert_eq!(status, 303);
        let report: String =
            sqlx::query_scalar("SELECT ref FROM reports WHERE status = 'new' ORDER BY ref LIMIT 1")
                .fetch_one(db)
                .await
                .unwrap();
        sqlx::query(
            "UPDATE reports SET status = 'needs-information', reporter_user_id = $1 WHERE ref = $2",
        )
        .bind(member_id)
        .bind(&report)
        .execute(db)
        .await
        .unwrap();

        let (status, page) = get(&client, &server.url("/")).await;
        assert_eq!(status, 200);
        let unread: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL",
        )
        .bind(member_id)
        .fetch_one(db)
        .await
        .unwrap();
        assert!(unread > 0, "the demo leaves the member unread alerts");
        assert!(page.contains(&format!("{unread} unread</span>")), "{page}");
        // The newest advisory the member may read, as the advisories page
        // lists it.
        let (_, list) = get(&client, &server.url("/advisories")).await;
        let first = list
            .find("<td><a href=\"/advisories/")
            .expect("an advisory");
        let latest = &list[first..];
        let latest = &latest[latest.find('>').unwrap() + 1..];
        let latest = &latest[latest.find('>').unwrap() + 1..latest.find("</a>").unwrap()];
        let advisories = section(&page, "home-advisories");
        assert!(advisories.contains(latest), "{latest}: {advisories}");
        assert!(advisories.contains("class=\"tlp tlp-"), "{advisories}");
        assert!(section(&page, "home-incidents").contains(" new</li>"));
        assert!(section(&page, "home-threads").contains(&thread.1));
        let reports = section(&page, "home-reports");
        assert!(reports.contains(&report), "{reports}");
        assert!(reports.contains("1 waiting on you"));
        // The menu marks where the member is and counts what is unread.
        assert!(page.contains("<a href=\"/\" aria-current=\"page\">Home</a>"));
        assert!(page.contains(&format!(
            "Alerts <span class=\"count\" title=\"unread\">{unread}<"
        )));
        let (_, incidents) = get(&client, &server.url("/incidents")).await;
        assert!(incidents.contains("<a href=\"/incidents\" aria-current=\"page\">Incidents</a>"));
        assert!(!incidents.contains("<a href=\"/\" aria-current"));
        assert!(!page.contains("href=\"/triage\""), "members have no triage");

        // An analyst: the triage queue by status and age, drafts, deliveries.
        server.user("ravi@op.example", "analyst", None).await;
        let analyst = browser();
        sign_in_enrolling(&server, &analyst, "ravi@op.example").await;
        let (_, page) = get(&analyst, &server.url("/")).await;
        let staff = section(&page, "staff");
        let waiting: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reports WHERE status = 'new'")
            .fetch_one(db)
            .await
            .unwrap();
        assert!(staff.contains(&format!("{waiting} new")), "{staff}");
        assert!(staff.contains("1 needs information"), "{staff}");
        assert!(staff.contains("the oldest new report arrived"));
        assert!(staff.contains("href=\"/advisories/drafts\""));
        assert!(staff.contains("Failed deliveries"));
        assert!(
            !staff.contains("href=\"/admin/deliveries\""),
            "an admin page"
        );
        assert!(page.contains(&format!("Triage <span class=\"count\">{waiting}<")));
    })
    .await;
}

/// The `<section id="…">` of the start page.
fn section<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no section {id}"));
    let end = page[start..]
        .find("</section>")
        .map_or(page.len(), |e| start + e);
    &page[start..end]
}
