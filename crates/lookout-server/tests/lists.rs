//! Long lists: paging that never says "page 99 of 12", searching by
//! reference or name, default filters, and names instead of row ids.

use lookout_server::demo;
use lookout_testkit::*;

/// The `Location` of a GET that redirects.
async fn redirected(client: &reqwest::Client, url: &str) -> Option<String> {
    let response = client.get(url).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 303, "{url}");
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

#[tokio::test]
async fn triage_pages_filters_open_reports_and_finds_a_reference() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        server.user("pager@op.example", "analyst", None).await;
        let (status, _) = send_report_form(
            &server,
            &browser(),
            "anonymous",
            "The bridge PC showed a ransom note after a USB stick was used.",
            &[],
            &[],
        )
        .await;
        assert_eq!(status, 200);
        let db = &server.state.db.pool;
        // 59 more like it: 50 new, 9 already rejected.
        let columns = "mode, status, reporter_user_id, reporter_org_id, share_name, received_hour, \
             updated_hour, class, discovered_on, systems, vessel_type, vessel_size, sea_area, \
             impact_safety, impact_operations, impact_money, tlp, wrapped_key, sealed_body";
        for n in 0..59 {
            let status = if n < 50 { "new" } else { "rejected" };
            let copied = columns.replacen("status", "$2", 1);
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO reports (id, ref, {columns}) SELECT $3, $1, {copied} FROM reports \
                 WHERE id = (SELECT MIN(id) FROM reports)"
            )))
            .bind(format!("R-TEST{n:02}"))
            .bind(status)
            .bind(1000 + n)
            .execute(db)
            .await
            .unwrap();
        }
        let analyst = browser();
        sign_in_enrolling(&server, &analyst, "pager@op.example").await;

        // By default the reports still to decide on, 50 a page.
        let (status, page) = get(&analyst, &server.url("/triage")).await;
        assert_eq!(status, 200);
        assert_eq!(
            element_text(&page, "report-count"),
            "51 reports, page 1 of 2. Report texts are sealed: find one by its reference."
        );
        assert_eq!(page.matches("href=\"/triage/").count(), 50);
        assert!(!page.contains("R-TEST55"), "rejected reports are not open");
        assert!(
            page.contains("href=\"/triage?status=open&#38;page=2\""),
            "{page}"
        );

        let (_, all) = get(&analyst, &server.url("/triage?status=all&page=2")).await;
        assert!(element_text(&all, "report-count").starts_with("60 reports, page 2 of 2"));

        // A page that does not exist sends the reader to the last one.
        assert_eq!(
            redirected(&analyst, &server.url("/triage?page=99"))
                .await
                .as_deref(),
            Some("/triage?status=open&page=2")
        );

        // A piece of a reference, in any case, finds it; `%` is a character.
        let (_, found) = get(&analyst, &server.url("/triage?status=all&q=test07")).await;
        assert!(element_text(&found, "report-count").starts_with("1 report."));
        assert!(found.contains(">R-TEST07</a>"));
        let (_, none) = get(&analyst, &server.url("/triage?status=all&q=%25")).await;
        assert!(element_text(&none, "report-count").starts_with("0 reports"));
        assert!(none.contains("No reports match."));
    })
    .await;
}

#[tokio::test]
async fn staff_lists_search_page_and_name_people() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        demo::seed(&server.state).await.unwrap();
        server.user("lists-admin@op.example", "admin", None).await;
        server.user("lists-analyst@op.example", "analyst", None).await;
        let db = &server.state.db.pool;
        let admin = browser();
        sign_in_enrolling(&server, &admin, "lists-admin@op.example").await;
        let analyst = browser();
        sign_in_enrolling(&server, &analyst, "lists-analyst@op.example").await;

        // Incidents: page 999 is the last page; a reference finds one.
        let (_, first) = get(&analyst, &server.url("/incidents")).await;
        let count = element_text(&first, "incident-count");
        let pages: String = count
            .rsplit(" of ")
            .next()
            .unwrap()
            .trim_end_matches('.')
            .to_string();
        assert_eq!(
            redirected(&analyst, &server.url("/incidents?page=999"))
                .await
                .as_deref(),
            Some(format!("/incidents?page={pages}").as_str())
        );
        let reference = first
            .split("href=\"/incidents/")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap()
            .to_string();
        let (_, one) = get(
            &analyst,
            &server.url(&format!("/incidents?q={}", reference.to_lowercase())),
        )
        .await;
        assert_eq!(element_text(&one, "incident-count"), "1 incident.");

        // Every list sends a page that does not exist to its last.
        assert_eq!(
            redirected(&analyst, &server.url("/advisories?page=99")).await.as_deref(),
            Some("/advisories?page=1")
        );
        assert_eq!(
            redirected(&analyst, &server.url("/kb?kind=playbook&page=99")).await.as_deref(),
            Some("/kb?kind=playbook&page=1")
        );

        // Search folds incidents that share a title into one line.
        let (title, alike): (String, i64) = sqlx::query_as(
            "SELECT title, COUNT(*) AS n FROM incidents GROUP BY title ORDER BY n DESC, title LIMIT 1",
        )
        .fetch_one(db)
        .await
        .unwrap();
        assert!(alike > 1);
        let words: String = url::form_urlencoded::byte_serialize(title.as_bytes()).collect();
        let (_, hits) = get(&analyst, &server.url(&format!("/search?q={words}"))).await;
        let incidents = &hits[hits.find("id=\"hits-incidents\"").expect("incident hits")..];
        let incidents = &incidents[..incidents.find("</section>").unwrap()];
        assert_eq!(
            incidents.matches(&format!("<strong>{title}</strong>")).count(),
            1,
            "{incidents}"
        );
        assert!(incidents.contains("more with this title"), "{incidents}");

        // Members: by a piece of the address, by organisation.
        let (_, found) = get(&admin, &server.url("/admin/users?q=NORTHWIND")).await;
        assert_eq!(element_text(&found, "member-count"), "2 accounts.");
        assert!(!found.contains("meridian-lines.example"));
        let tidewater: i64 =
            sqlx::query_scalar("SELECT id FROM organisations WHERE name = 'Tidewater Mutual P&I'")
                .fetch_one(db)
                .await
                .unwrap();
        let (_, orgs) = get(&admin, &server.url("/admin/organisations?q=tide")).await;
        assert!(orgs.contains("Tidewater Mutual P&#38;I"));
        assert!(!orgs.contains("Northwind Tankers"));
        let link = format!("href=\"/admin/users?org={tidewater}\"");
        assert!(orgs.contains(&link), "{orgs}");
        let (_, members) = get(&admin, &server.url(&format!("/admin/users?org={tidewater}"))).await;
        assert!(members.contains("loss.prevention@tidewater-pi.example"));
        assert!(!members.contains("northwind-tankers.example"));

        // The audit log names people, and finds them by e-mail.
        let (_, audit) = get(&admin, &server.url("/admin/audit")).await;
        assert!(
            audit.contains("lists-analyst (lists-analyst@op.example)"),
            "{audit}"
        );
        let (_, mine) = get(
            &admin,
            &server.url("/admin/audit?actor=lists-admin%40op.example"),
        )
        .await;
        let rows = &mine[mine.find("<tbody>").unwrap()..];
        assert!(rows.contains("lists-admin (lists-admin@op.example)"));
        assert!(!rows.contains("lists-analyst@op.example"), "{rows}");
    })
    .await;
}
