//! `serve --demo`: a world with something to show on every page.

use lookout_server::demo;
use lookout_testkit::*;

#[tokio::test]
async fn the_demo_world_has_two_years_of_incidents_and_a_triage_queue() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        let accounts = demo::seed(&server.state).await.unwrap();
        assert_eq!(accounts.len(), 12);
        let db = &server.state.db.pool;

        let published: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM incidents WHERE state = 'published' AND visible_from <= $1",
        )
        .bind(lookout_server::db::now())
        .fetch_one(db)
        .await
        .unwrap();
        assert_eq!(published, demo::DEMO_INCIDENTS as i64);
        for (column, at_least) in [
            ("class", 15),
            ("sea_area", 15),
            ("vessel_type", 8),
            ("tlp", 4),
        ] {
            let distinct: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT COUNT(DISTINCT {column}) FROM incidents"
            )))
            .fetch_one(db)
            .await
            .unwrap();
            assert!(distinct >= at_least, "{column}: {distinct}");
        }
        let (first, last): (String, String) =
            sqlx::query_as("SELECT MIN(occurred_on), MAX(occurred_on) FROM incidents")
                .fetch_one(db)
                .await
                .unwrap();
        let parse = |d: &str| {
            time::Date::parse(d, time::macros::format_description!("[year]-[month]-[day]")).unwrap()
        };
        assert!(
            (parse(&last) - parse(&first)).whole_days() > 600,
            "{first}..{last}"
        );

        let waiting: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reports WHERE status = 'new'")
            .fetch_one(db)
            .await
            .unwrap();
        assert_eq!(waiting, 4);

        // A member sees them, paged.
        let member = accounts
            .iter()
            .find(|a| a.role == "member")
            .expect("a demo member");
        let client = browser();
        sign_in(&server, &client, &member.email, &member.password).await;
        let (_, page) = get(&client, &server.url("/incidents")).await;
        assert!(
            page.contains("page 1 of"),
            "{}",
            &page[..page.len().min(2000)]
        );
        assert!(page.contains("rel=\"next\""));

        // Seeding again changes nothing.
        assert!(demo::seed(&server.state).await.unwrap().is_empty());
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM incidents")
            .fetch_one(db)
            .await
            .unwrap();
        assert_eq!(count, demo::DEMO_INCIDENTS as i64);
    })
    .await;
}
