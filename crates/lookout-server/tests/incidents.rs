//! From report to incident: the analyst's sanitised version, publication
//! with its delay, merging duplicates, and what each member may see.

use lookout_server::Config;
use lookout_testkit::*;

const NARRATIVE: &str = "Capt. Ivan Petrovsky of Northwind Tankers reported a ransom note on the ECDIS; \
     mail went to ops@northwind.example before the attack.";

fn no_delay(config: &mut Config) {
    config.publication_delay_min_hours = 0;
    config.publication_delay_max_hours = 0;
    config.publication_batch_hours = 0;
}

/// The text inside `<textarea id="{id}" ...>`, unescaped enough for the
/// assertions here.
fn textarea(html: &str, id: &str) -> String {
    let marker = format!("<textarea id=\"{id}\"");
    let start = html.find(&marker).expect("textarea");
    let open = html[start..].find('>').unwrap() + start + 1;
    let end = html[open..].find("</textarea>").unwrap() + open;
    html[open..end]
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

fn first_id(html: &str, prefix: &str) -> String {
    let start = html.find(prefix).expect("link") + prefix.len();
    html[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect()
}

/// The editor's fields for a publication of `summary`.
fn incident_fields<'a>(summary: &'a str, action: &'a str, tlp: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", "Ransomware on a container ship's ECDIS"),
        ("narrative", summary),
        ("indicators", "185.220.101.4"),
        ("class", "ecdis-bridge-compromise"),
        ("discovered_on", "2026-03-02"),
        ("systems", "ecdis"),
        ("vessel_type", "container-ship"),
        ("vessel_size", "large"),
        ("sea_area", "north-sea"),
        ("position_cell", "53°58.1'N 006°12.4'E"),
        ("impact_safety", "significant"),
        ("impact_operations", "severe"),
        ("impact_money", "minor"),
        ("tlp", tlp),
        ("show_org", "on"),
        ("publish_anyway", "on"),
        ("action", action),
    ]
}

#[tokio::test]
async fn published_incidents_are_scrubbed_and_shown_within_clearance() {
    each_backend(async |url| {
        let data = tempfile::tempdir().unwrap();
        let server = TestServer::start_in(&url, data.path().to_path_buf(), Some(&no_delay)).await;
        server.org("Northwind Tankers", "ship-owner").await;
        let meridian = server.org("Meridian Container Lines", "ship-owner").await;
        // An administrator lets Meridian read up to TLP:GREEN only.
        server.user("admin@op.example", "admin", None).await;
        let admin = browser();
        sign_in_enrolling(&server, &admin, "admin@op.example").await;
        let (status, _, _) = submit(
            &admin,
            &server.url("/admin/organisations"),
            &server.url(&format!("/admin/organisations/{meridian}/clearance")),
            &[("tlp", "green")],
        )
        .await;
        assert_eq!(status, 303);
        let (status, _, _) = submit(
            &admin,
            &server.url("/admin/organisations"),
            &server.url(&format!("/admin/organisations/{meridian}/clearance")),
            &[("tlp", "red")],
        )
        .await;
        assert_eq!(status, 400, "RED is never a whole organisation's");
        server.user("analyst@op.example", "analyst", None).await;
        server
            .user("ops@northwind.example", "member", Some("Northwind Tankers"))
            .await;
        server
            .user(
                "ciso@meridian.example",
                "member",
                Some("Meridian Container Lines"),
            )
            .await;

        let owner = browser();
        sign_in(&server, &owner, "ops@northwind.example", PASSWORD).await;
        let mut fields = report_fields("attributed", NARRATIVE);
        fields.push(("share_name", "on"));
        let (status, _, _) = submit(
            &owner,
            &server.url("/report"),
            &server.url("/report"),
            &fields,
        )
        .await;
        assert_eq!(status, 200);

        let analyst = browser();
        sign_in_enrolling(&server, &analyst, "analyst@op.example").await;
        let (_, inbox) = get(&analyst, &server.url("/triage")).await;
        let id = first_id(&inbox, "href=\"/triage/");
        let editor = server.url(&format!("/triage/{id}/incident"));
        let (status, page) = get(&analyst, &editor).await;
        assert_eq!(status, 200);
        let draft = textarea(&page, "narrative");
        for identifying in ["Northwind", "Petrovsky", "ops@northwind.example"] {
            assert!(
                !draft.contains(identifying),
                "{identifying} in the draft: {draft}"
            );
        }
        assert!(draft.contains("ransom note on the ECDIS"), "{draft}");
        assert!(
            page.contains("value=\"53°30.000&#39;N 006°30.000&#39;E\""),
            "position snapped to its cell: {}",
            &page[page.find("position_cell").unwrap()..][..300]
        );

        // Publishing a name back in is caught and must be confirmed.
        let risky = format!("{draft} Northwind Tankers lost a day.");
        let (status, _, page) = submit(
            &analyst,
            &editor,
            &editor,
            &incident_fields(&risky, "publish", "amber"),
        )
        .await;
        assert_eq!(status, 422);
        assert!(page.contains("id=\"still-found\""));
        assert!(
            page.contains("Northwind Tankers lost a day."),
            "the analyst's text is kept"
        );

        let (status, location, _) = submit(
            &analyst,
            &editor,
            &editor,
            &incident_fields(&draft, "publish", "amber"),
        )
        .await;
        assert_eq!(status, 303);
        assert!(location.unwrap().ends_with("done=published"));
        let (_, page) = get(&analyst, &server.url(&format!("/triage/{id}"))).await;
        assert!(page.contains("Published"));

        // The reporting organisation sees it, named as it agreed.
        let (_, list) = get(&owner, &server.url("/incidents")).await;
        assert!(list.contains("1 incident."), "{list}");
        let reference = first_id(&list, "href=\"/incidents/");
        let (status, detail) = get(&owner, &server.url(&format!("/incidents/{reference}"))).await;
        assert_eq!(status, 200);
        // The level once, as a badge in FIRST's colours, with who may read it.
        let sharing = &detail[detail.find("<p id=\"sharing\">").expect("the level")..];
        let sharing = sharing.split("</p>").next().unwrap();
        assert!(
            sharing.contains("<span class=\"tlp tlp-amber\">TLP:AMBER</span>")
                && sharing.ends_with("organisations, need to know"),
            "{sharing}"
        );
        assert_eq!(detail.matches("TLP:AMBER").count(), 1, "{detail}");
        assert!(detail.contains("Reported by"));
        assert!(
            !detail.contains("53°58") && !detail.contains("53°30"),
            "neither the exact position nor its 1° cell reaches members"
        );

        // Filters narrow the list.
        let (_, list) = get(&owner, &server.url("/incidents?sea_area=red-sea")).await;
        assert!(list.contains("0 incidents."));
        let (_, list) = get(
            &owner,
            &server.url("/incidents?sea_area=north-sea&from=2026-03-01&to=2026-03-31"),
        )
        .await;
        assert!(list.contains("1 incident."));
        let (_, list) = get(&owner, &server.url("/incidents?from=March")).await;
        assert!(list.contains("Give the first date as YYYY-MM-DD."));

        // A GREEN-cleared organisation neither lists nor opens it.
        let other = browser();
        sign_in(&server, &other, "ciso@meridian.example", PASSWORD).await;
        let (_, list) = get(&other, &server.url("/incidents")).await;
        assert!(list.contains("0 incidents."));
        let (status, _) = get(&other, &server.url(&format!("/incidents/{reference}"))).await;
        assert_eq!(status, 404);

        // Signed-out visitors are sent to sign in.
        let (status, _) = get(&browser(), &server.url(&format!("/incidents/{reference}"))).await;
        assert_eq!(status, 303);

        // Withdrawn, it is gone for members.
        let (status, _, _) = submit(
            &analyst,
            &editor,
            &server.url(&format!("/triage/{id}/incident/withdraw")),
            &[],
        )
        .await;
        assert_eq!(status, 303);
        let (status, _) = get(&owner, &server.url(&format!("/incidents/{reference}"))).await;
        assert_eq!(status, 404);
        let audited: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('incident.published', 'incident.withdrawn')",
        )
        .fetch_one(&server.state.db.pool)
        .await
        .unwrap();
        assert_eq!(audited, 2);
    })
    .await;
}

#[tokio::test]
async fn anonymous_incidents_wait_for_a_random_batch() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        server.org("Northwind Tankers", "ship-owner").await;
        server.user("analyst@op.example", "analyst", None).await;
        server
            .user("cso@northwind.example", "member", Some("Northwind Tankers"))
            .await;
        let (status, _, _) = submit(
            &browser(),
            &server.url("/report"),
            &server.url("/report"),
            &report_fields("anonymous", "Cargo manifest system encrypted overnight."),
        )
        .await;
        assert_eq!(status, 200);
        let analyst = browser();
        sign_in_enrolling(&server, &analyst, "analyst@op.example").await;
        let (_, inbox) = get(&analyst, &server.url("/triage")).await;
        let id = first_id(&inbox, "href=\"/triage/");
        let editor = server.url(&format!("/triage/{id}/incident"));
        let before = lookout_server::db::now();
        let (status, _, body) = submit(
            &analyst,
            &editor,
            &editor,
            &incident_fields(
                "Cargo manifest system encrypted overnight.",
                "publish",
                "green",
            ),
        )
        .await;
        assert_eq!(status, 303, "{body}");
        let visible_from: i64 = sqlx::query_scalar("SELECT visible_from FROM incidents")
            .fetch_one(&server.state.db.pool)
            .await
            .unwrap();
        assert!(
            visible_from >= before + 24 * 3600,
            "at least the minimum delay"
        );
        assert!(
            visible_from <= before + 78 * 3600,
            "within the window and its batch"
        );
        assert_eq!(visible_from % (6 * 3600), 0, "released on a batch boundary");
        let (_, page) = get(&analyst, &editor).await;
        assert!(page.contains("visible to members from"));

        let member = browser();
        sign_in(&server, &member, "cso@northwind.example", PASSWORD).await;
        let (_, list) = get(&member, &server.url("/incidents")).await;
        assert!(list.contains("0 incidents."), "not before its batch");

        sqlx::query("UPDATE incidents SET visible_from = $1")
            .bind(before - 1)
            .execute(&server.state.db.pool)
            .await
            .unwrap();
        let (_, list) = get(&member, &server.url("/incidents")).await;
        assert!(list.contains("1 incident."));
        let reference = first_id(&list, "href=\"/incidents/");
        let (_, detail) = get(&member, &server.url(&format!("/incidents/{reference}"))).await;
        assert!(
            !detail.contains("Reported by"),
            "anonymous reports name no one"
        );
    })
    .await;
}

#[tokio::test]
async fn duplicates_merge_into_one_report() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        server.user("analyst@op.example", "analyst", None).await;
        for narrative in [
            "First report of the phishing wave.",
            "Second report of the same wave.",
        ] {
            let (status, _, _) = submit(
                &browser(),
                &server.url("/report"),
                &server.url("/report"),
                &report_fields("anonymous", narrative),
            )
            .await;
            assert_eq!(status, 200);
        }
        let refs: Vec<(i64, String)> = sqlx::query_as("SELECT id, ref FROM reports ORDER BY id")
            .fetch_all(&server.state.db.pool)
            .await
            .unwrap();
        let (first, first_ref) = refs[0].clone();
        let (second, _) = refs[1].clone();
        let analyst = browser();
        sign_in_enrolling(&server, &analyst, "analyst@op.example").await;
        let page = server.url(&format!("/triage/{second}"));
        let merge = server.url(&format!("/triage/{second}/merge"));

        let (status, _, body) = submit(&analyst, &page, &merge, &[("into", "R-NOSUCH")]).await;
        assert_eq!(status, 422);
        assert!(body.contains("There is no report R-NOSUCH"));
        let (status, _, body) = submit(
            &analyst,
            &page,
            &server.url(&format!("/triage/{first}/merge")),
            &[("into", &first_ref)],
        )
        .await;
        assert_eq!(status, 422);
        assert!(body.contains("cannot be merged into itself"));

        let (status, _, _) = submit(
            &analyst,
            &page,
            &merge,
            &[("into", &first_ref.to_lowercase())],
        )
        .await;
        assert_eq!(status, 303);
        let (_, body) = get(&analyst, &page).await;
        assert!(body.contains("Merged into"));
        assert!(body.contains("Duplicate"));
        let (_, body) = get(&analyst, &server.url(&format!("/triage/{first}"))).await;
        assert!(body.contains("Merged into this report"));
        let (status, _, _) = submit(
            &analyst,
            &server.url(&format!("/triage/{second}/incident")),
            &server.url(&format!("/triage/{second}/incident")),
            &incident_fields("Phishing wave.", "publish", "green"),
        )
        .await;
        assert_eq!(status, 400, "a merged report is not published on its own");
    })
    .await;
}

/// Issue 25, item 6: the pre-filled draft published the exact day, the 1°
/// cell and the size class, which an AIS history turns into a hull. By
/// default members now see the month and the sea area only; the analyst
/// is warned before publishing a combination no other incident shares;
/// analysts keep the exact values.
#[tokio::test]
async fn published_incidents_show_the_month_and_sea_area_by_default() {
    each_backend(async |url| {
        let data = tempfile::tempdir().unwrap();
        let server = TestServer::start_in(&url, data.path().to_path_buf(), Some(&no_delay)).await;
        server.org("Northwind Tankers", "ship-owner").await;
        server.user("analyst@op.example", "analyst", None).await;
        server
            .user("cso@northwind.example", "member", Some("Northwind Tankers"))
            .await;
        // The report gives the exact day and position (2026-03-02, 53°58.1'N).
        let (status, _, _) = submit(
            &browser(),
            &server.url("/report"),
            &server.url("/report"),
            &report_fields("anonymous", "Chart update brought a ransom note."),
        )
        .await;
        assert_eq!(status, 200);
        let analyst = browser();
        sign_in_enrolling(&server, &analyst, "analyst@op.example").await;
        let (_, inbox) = get(&analyst, &server.url("/triage")).await;
        let id = first_id(&inbox, "href=\"/triage/");
        let editor = server.url(&format!("/triage/{id}/incident"));

        // The draft's check: a unique combination, and no traffic data.
        let (_, page) = get(&analyst, &editor).await;
        assert_eq!(
            element_text(&page, "members-see"),
            "2026-03, North Sea, Skagerrak and English Channel, Container ship"
        );
        assert_eq!(element_text(&page, "check-sharing"), "0");
        assert!(page.contains("id=\"check-warning\""), "unique: warned");
        assert!(page.contains("Ordinary traffic sharing it: unknown"));
        assert!(page.contains("name=\"publish_anyway\""));

        // The draft's facts as pre-filled, with no precision chosen.
        let fields = |anyway: bool| {
            let mut fields = vec![
                ("title", "Ransom note after a chart update"),
                ("narrative", "Chart update brought a ransom note."),
                ("class", "ecdis-bridge-compromise"),
                ("discovered_on", "2026-03-02"),
                ("systems", "ecdis"),
                ("vessel_type", "container-ship"),
                ("vessel_size", "large"),
                ("sea_area", "north-sea"),
                ("position_cell", "53°30.000'N 006°30.000'E"),
                ("impact_safety", "significant"),
                ("impact_operations", "severe"),
                ("impact_money", "minor"),
                ("tlp", "green"),
                ("show_size", "on"),
                ("action", "publish"),
            ];
            if anyway {
                fields.push(("publish_anyway", "on"));
            }
            fields
        };
        let (status, _, page) = submit(&analyst, &editor, &editor, &fields(false)).await;
        assert_eq!(status, 422, "the warning needs a deliberate choice");
        assert!(page.contains("id=\"check-refused\""));
        assert!(
            page.contains("id=\"size-withheld\""),
            "a unique size is not shown"
        );
        let (status, _, page) = submit(&analyst, &editor, &editor, &fields(true)).await;
        assert_eq!(status, 303, "{page}");

        // Members: the month and the sea area, never the day, cell or size.
        let member = browser();
        sign_in(&server, &member, "cso@northwind.example", PASSWORD).await;
        let (_, list) = get(&member, &server.url("/incidents")).await;
        assert!(list.contains("1 incident."), "{list}");
        let reference = first_id(&list, "href=\"/incidents/");
        let (_, detail) = get(&member, &server.url(&format!("/incidents/{reference}"))).await;
        assert_eq!(element_text(&detail, "incident-date"), "2026-03");
        for exact in ["2026-03-02", "53°", "006°", "Large", "25,000"] {
            assert!(!list.contains(exact), "{exact} in the list");
            assert!(!detail.contains(exact), "{exact} on the incident page");
        }
        // A one-day filter cannot find the day: any day of the month lists it.
        let (_, list) = get(
            &member,
            &server.url("/incidents?from=2026-03-20&to=2026-03-20"),
        )
        .await;
        assert!(list.contains("1 incident."), "{list}");
        let (_, map) = get(&member, &server.url("/stats/map?year=2026")).await;
        assert!(!map.contains("53°30"), "no dot on the 1° cell");

        // Analysts keep the exact facts.
        let (_, page) = get(&analyst, &editor).await;
        let exact = element_text(&page, "exact-facts");
        assert!(exact.contains("2026-03-02"), "{exact}");
        assert!(exact.contains("53°30"), "{exact}");
        assert!(exact.contains("Large"), "{exact}");

        // A coarser cell and the week only when the analyst chooses them.
        let mut chosen = fields(true);
        chosen.retain(|(name, _)| *name != "action");
        chosen.extend([
            ("date_precision", "week"),
            ("place_precision", "cell5"),
            ("action", "save"),
        ]);
        let (status, _, page) = submit(&analyst, &editor, &editor, &chosen).await;
        assert_eq!(status, 303, "{page}");
        let (_, detail) = get(&member, &server.url(&format!("/incidents/{reference}"))).await;
        assert_eq!(element_text(&detail, "incident-date"), "2026-W10");
        assert!(detail.contains("52°30.000"), "the 5° cell's centre");
        assert!(!detail.contains("53°30"));

        // With k incidents sharing the combination, there is no warning.
        let k = server.state.config.stats_min_count;
        for _ in 0..k {
            let mut tx = server.state.db.begin_write().await.unwrap();
            let (report, _, _) = lookout_server::reports::store::insert(
                &mut tx,
                &server.state.key,
                &lookout_server::reports::model::ReportForm::default(),
                lookout_server::reports::model::Mode::Anonymous,
                lookout_server::reports::store::Reporter::Anonymous {
                    receipt_lookup: hex::encode(
                        lookout_server::secrets::random_bytes::<16>().unwrap(),
                    ),
                },
                None,
                false,
            )
            .await
            .unwrap();
            let content = lookout_server::incidents::store::Content {
                title: "t".into(),
                class: "malicious-code".into(),
                occurred_on: "2026-03-17".into(),
                systems: vec!["email".into()],
                vessel_type: "container-ship".into(),
                vessel_size: "small".into(),
                sea_area: "north-sea".into(),
                tlp: "clear".into(),
                ..Default::default()
            };
            lookout_server::incidents::publish::save_within(
                &mut tx,
                report,
                &lookout_server::incidents::store::new_reference().unwrap(),
                &content,
                &lookout_server::incidents::store::Publication {
                    state: "published",
                    visible_from: Some(1),
                    reporter_org_id: None,
                    named_org: None,
                },
                lookout_server::db::now(),
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
        }
        let mut month = chosen.clone();
        month.retain(|(name, _)| !["date_precision", "place_precision"].contains(name));
        let month: Vec<(&str, &str)> = month
            .into_iter()
            .filter(|(name, _)| *name != "publish_anyway")
            .collect();
        let (status, _, page) = submit(&analyst, &editor, &editor, &month).await;
        assert_eq!(
            status, 303,
            "{k} others share it: no confirmation needed: {page}"
        );
        let (_, page) = get(&analyst, &editor).await;
        assert_eq!(element_text(&page, "check-sharing"), k.to_string());
        assert!(!page.contains("id=\"check-warning\""));
    })
    .await;
}
