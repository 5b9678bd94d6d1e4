//! Emerging-risk detection on every backend: clusters of triaged reports
//! draft one advisory saying why; unusual rates against the trailing
//! baseline; GNSS bursts; auto-publication only where an admin allowed it.

use lookout_server::reports::model::{Mode, ReportForm};
use lookout_server::reports::store::{self as reports, Reporter};
use lookout_testkit::*;

/// A report of `class` in `sea_area` mentioning `indicators`, received
/// `age_hours` ago, from a reporter of its own.
async fn report(
    server: &TestServer,
    class: &str,
    sea_area: &str,
    indicators: &str,
    age_hours: i64,
) -> i64 {
    let pairs = report_fields("anonymous", "Seen at sea.")
        .into_iter()
        .map(|(k, v)| {
            let v = match k {
                "class" => class,
                "sea_area" => sea_area,
                "indicators" => indicators,
                _ => v,
            };
            (k.to_string(), v.to_string())
        });
    let form = ReportForm::from_pairs(pairs);
    let lookup = hex::encode(lookout_server::secrets::random_bytes::<8>().unwrap());
    let mut tx = server.state.db.begin_write().await.unwrap();
    let (id, _, _) = reports::insert(
        &mut tx,
        &server.state.key,
        &form,
        Mode::Anonymous,
        Reporter::Anonymous {
            receipt_lookup: lookup,
        },
        None,
        false,
    )
    .await
    .unwrap();
    sqlx::query("UPDATE reports SET received_hour = $1 WHERE id = $2")
        .bind(reports::hour(lookout_server::db::now() - age_hours * 3600))
        .bind(id)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

/// Marks a report triaged the way an analyst's button does, and runs the
/// rules as the button does.
async fn triage(server: &TestServer, id: i64) -> Vec<String> {
    sqlx::query("UPDATE reports SET status = 'triaged' WHERE id = $1")
        .bind(id)
        .execute(&server.state.db.pool)
        .await
        .unwrap();
    lookout_server::detection::report_accepted(&server.state, id)
        .await
        .unwrap()
}

async fn drafts(server: &TestServer, origin: &str) -> Vec<(String, String, String)> {
    sqlx::query_as("SELECT ref, state, origin_reason FROM advisories WHERE origin = $1 ORDER BY id")
        .bind(origin)
        .fetch_all(&server.state.db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_same_indicator_from_several_reporters_drafts_one_advisory_saying_why() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        let analyst = browser();
        server.user("ana@lookout.example", "analyst", None).await;
        sign_in_enrolling(&server, &analyst, "ana@lookout.example").await;
        let ids = [
            report(
                &server,
                "malicious-code",
                "north-sea",
                "hxxp://evil-update[.]example/x",
                2,
            )
            .await,
            report(
                &server,
                "malicious-code",
                "baltic-sea",
                "evil-update.example",
                5,
            )
            .await,
            report(
                &server,
                "fraud",
                "red-sea",
                "download from evil-update[.]example please",
                30,
            )
            .await,
        ];
        // A rejected report with the same indicator never counts.
        let rejected = report(&server, "fraud", "red-sea", "evil-update.example", 1).await;
        sqlx::query("UPDATE reports SET status = 'rejected' WHERE id = $1")
            .bind(rejected)
            .execute(&server.state.db.pool)
            .await
            .unwrap();
        lookout_server::detection::report_accepted(&server.state, rejected)
            .await
            .unwrap();

        // Through the analyst's own button: two reports are not a cluster.
        for id in &ids[..2] {
            let (status, _, _) = submit(
                &analyst,
                &server.url(&format!("/triage/{id}")),
                &server.url(&format!("/triage/{id}/status")),
                &[("status", "triaged")],
            )
            .await;
            assert_eq!(status, 303);
        }
        assert!(drafts(&server, "shared-indicator").await.is_empty());
        let (status, _, _) = submit(
            &analyst,
            &server.url(&format!("/triage/{}", ids[2])),
            &server.url(&format!("/triage/{}/status", ids[2])),
            &[("status", "triaged")],
        )
        .await;
        assert_eq!(status, 303);
        let found = drafts(&server, "shared-indicator").await;
        assert_eq!(found.len(), 1, "{found:?}");
        let (reference, state, reason) = &found[0];
        assert_eq!(
            state, "draft",
            "a shared indicator always waits for an analyst"
        );
        assert!(
            reason.contains("evil-update.example") && reason.contains("3 different reporters"),
            "{reason}"
        );

        // A fourth sighting in the same window drafts nothing new.
        let fourth = report(&server, "fraud", "red-sea", "evil-update.example", 1).await;
        assert!(triage(&server, fourth).await.is_empty());
        assert_eq!(drafts(&server, "shared-indicator").await.len(), 1);

        // Analysts see it in their queue with its reason, and can dismiss it.
        let (_, page) = get(&analyst, &server.url("/advisories/drafts")).await;
        assert!(page.contains(reference.as_str()) && page.contains("rule shared-indicator"));
        let edit = server.url(&format!("/advisories/{reference}/edit"));
        let (_, page) = get(&analyst, &edit).await;
        assert!(page.contains("Drafted by the rule"), "{page}");
        assert!(page.contains("evil-update.example"));
        let (status, _, _) = submit(
            &analyst,
            &edit,
            &server.url(&format!("/advisories/{reference}/dismiss")),
            &[],
        )
        .await;
        assert_eq!(status, 303);
        assert_eq!(drafts(&server, "shared-indicator").await[0].1, "dismissed");

        // Members never see a draft.
        server.org("Harbourline", "ship-owner").await;
        server
            .user("cso@harbourline.example", "member", Some("Harbourline"))
            .await;
        let member = browser();
        sign_in(&server, &member, "cso@harbourline.example", PASSWORD).await;
        let (status, _) = get(&member, &server.url(&format!("/advisories/{reference}"))).await;
        assert_eq!(status, 404);
        let (status, _) = get(&member, &server.url("/advisories/drafts")).await;
        assert_eq!(status, 403);
    })
    .await;
}

#[tokio::test]
async fn unusual_rates_and_gnss_bursts_draft_and_may_publish_themselves_where_allowed() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        let week = 168;

        // North Sea: about one fraud report a week for twelve weeks, then
        // four in the last week: four times the usual rate.
        for k in 0..12 {
            let id = report(&server, "fraud", "north-sea", "", week * (k + 1) + 12).await;
            triage(&server, id).await;
        }
        // Baltic: two a week usually; four is not three times that.
        for k in 0..24 {
            let id = report(&server, "fraud", "baltic-sea", "", week * (k / 2 + 1) + 12).await;
            triage(&server, id).await;
        }
        assert!(drafts(&server, "area-rate").await.is_empty());
        for area in ["north-sea", "baltic-sea"] {
            for age in [1, 20, 50, 100] {
                let id = report(&server, "fraud", area, "", age).await;
                triage(&server, id).await;
            }
        }
        let found = drafts(&server, "area-rate").await;
        assert_eq!(found.len(), 1, "only the North Sea is unusual: {found:?}");
        assert!(
            found[0]
                .2
                .contains("4 triaged reports of Fraud (non-cyber)")
                || found[0].2.contains("4 triaged reports"),
            "{}",
            found[0].2
        );
        assert!(found[0].2.contains("usual 1.0"), "{}", found[0].2);

        // GNSS: three jamming or spoofing reports within a day in one area.
        for (class, age) in [("gnss-jamming", 1), ("gnss-spoofing", 3)] {
            let id = report(&server, class, "black-sea", "", age).await;
            triage(&server, id).await;
        }
        let old = report(&server, "gnss-spoofing", "black-sea", "", 30).await;
        triage(&server, old).await;
        assert!(
            drafts(&server, "gnss-burst").await.is_empty(),
            "the third is outside the window"
        );
        let third = report(&server, "gnss-spoofing", "black-sea", "", 5).await;
        let drafted = triage(&server, third).await;
        assert_eq!(drafted.len(), 1);
        assert_eq!(drafts(&server, "gnss-burst").await[0].1, "draft");

        // An admin lets GNSS bursts publish themselves; a burst twice the
        // threshold then reaches members without an analyst.
        let admin = browser();
        server.user("admin@lookout.example", "admin", None).await;
        sign_in_enrolling(&server, &admin, "admin@lookout.example").await;
        let rules = server.url("/admin/detection");
        let mut fields = vec![
            ("area-rate.enabled", "on"),
            ("area-rate.min_reports", "4"),
            ("area-rate.window_hours", "168"),
            ("area-rate.factor_percent", "300"),
            ("gnss-burst.enabled", "on"),
            ("gnss-burst.auto_publish", "on"),
            ("gnss-burst.min_reports", "1"),
            ("gnss-burst.window_hours", "24"),
            ("shared-indicator.enabled", "on"),
            ("shared-indicator.auto_publish", "on"),
            ("shared-indicator.min_reports", "3"),
            ("shared-indicator.window_hours", "168"),
        ];
        let (status, _, page) = submit(&admin, &rules, &rules, &fields).await;
        assert_eq!(status, 422);
        assert!(page.contains("one report is not a cluster"), "{page}");
        assert!(page.contains("always need an analyst"), "{page}");
        assert!(
            page.contains("name=\"gnss-burst.min_reports\" value=\"1\""),
            "the form keeps what was typed"
        );
        fields[6].1 = "3";
        fields.retain(|(k, _)| *k != "shared-indicator.auto_publish");
        let (status, _, page) = submit(&admin, &rules, &rules, &fields).await;
        assert_eq!(status, 200, "{page}");

        for age in [1, 2, 3, 4, 5, 6] {
            let id = report(&server, "gnss-jamming", "red-sea", "", age).await;
            triage(&server, id).await;
        }
        let red_sea: Vec<_> = drafts(&server, "gnss-burst")
            .await
            .into_iter()
            .filter(|(_, _, reason)| reason.contains("Red Sea"))
            .collect();
        assert_eq!(red_sea.len(), 1);
        assert_eq!(
            red_sea[0].1, "published",
            "six reports: twice the threshold"
        );
        let announced: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM alerts WHERE subject_ref = $1 AND kind = 'advisory.published'",
        )
        .bind(&red_sea[0].0)
        .fetch_one(&server.state.db.pool)
        .await
        .unwrap();
        assert_eq!(announced, 1);
        // The Black Sea draft stays a draft: it fired before auto-publishing.
        assert_eq!(
            drafts(&server, "gnss-burst")
                .await
                .iter()
                .filter(|d| d.1 == "draft")
                .count(),
            1
        );
    })
    .await;
}
