//! Search across the forum, the knowledge base, incidents and advisories,
//! on every backend (SQLite FTS5, PostgreSQL full-text search): highlighted
//! snippets, scopes, and only what the reader's pages would show them.

use lookout_server::demo;
use lookout_testkit::*;

/// (kind label, title) of each hit on a results page.
fn hits(page: &str) -> Vec<(String, String)> {
    let Some(list) = page.split("id=\"hits\">").nth(1) else {
        return Vec::new();
    };
    let list = list.split("</div>").next().unwrap();
    list.split("<li>")
        .skip(1)
        .map(|item| {
            let title = item
                .split("<strong>")
                .nth(1)
                .unwrap()
                .split("</strong>")
                .next()
                .unwrap()
                .to_string();
            let kind = item
                .split("<span class=\"muted\">")
                .nth(1)
                .unwrap()
                .split(" · ")
                .next()
                .unwrap()
                .to_string();
            (kind, title)
        })
        .collect()
}

async fn search(server: &TestServer, client: &reqwest::Client, query: &str) -> (u16, String) {
    let url = format!(
        "/search?{}",
        url::form_urlencoded::Serializer::new(String::new())
            .append_pair("q", query)
            .finish()
    );
    get(client, &server.url(&url)).await
}

fn has(found: &[(String, String)], kind: &str, title: &str) -> bool {
    found.iter().any(|(k, t)| k == kind && t == title)
}

#[tokio::test]
async fn search_finds_every_kind_within_what_the_reader_may_read() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        let accounts = demo::seed(&server.state).await.unwrap();
        let sign_in_as = async |email: &str| {
            let account = accounts.iter().find(|a| a.email == email).unwrap();
            let client = browser();
            sign_in(&server, &client, &account.email, &account.password).await;
            client
        };
        let tom = sign_in_as("it@northwind-tankers.example").await;
        let luis = sign_in_as("security@kestrel-port.example").await;

        // One word finds a forum post, a playbook, an advisory and incidents.
        let (status, page) = search(&server, &tom, "gnss").await;
        assert_eq!(status, 200);
        let found = hits(&page);
        assert!(
            has(
                &found,
                "Forum post",
                "GNSS interference in the eastern Mediterranean"
            ),
            "{found:?}"
        );
        assert!(
            has(&found, "Knowledge base", "GNSS spoofing or jamming"),
            "{found:?}"
        );
        assert!(
            has(&found, "Advisory", "GNSS spoofing reports in the Black Sea"),
            "{found:?}"
        );
        assert!(page.contains("<mark>"), "snippets are highlighted");
        // Prefixes and several words: every word must appear.
        let (_, page) = search(&server, &tom, "spoof black").await;
        let found = hits(&page);
        assert!(
            has(&found, "Advisory", "GNSS spoofing reports in the Black Sea"),
            "{found:?}"
        );
        assert!(!has(
            &found,
            "Forum post",
            "GNSS interference in the eastern Mediterranean"
        ));
        // A scope keeps one kind.
        let (_, page) = get(&tom, &server.url("/search?q=gnss&scope=forum")).await;
        let found = hits(&page);
        assert!(
            !found.is_empty() && found.iter().all(|(k, _)| k == "Forum post"),
            "{found:?}"
        );

        // A category for ports only: its posts exist for port members only.
        let (_, page) = search(&server, &tom, "port community system").await;
        assert!(!has(
            &hits(&page),
            "Forum post",
            "Port community system phishing"
        ));
        let (_, page) = search(&server, &luis, "port community system").await;
        assert!(has(
            &hits(&page),
            "Forum post",
            "Port community system phishing"
        ));

        // A GREEN organisation finds nothing AMBER.
        sqlx::query("UPDATE organisations SET tlp_clearance = 1 WHERE name = 'Northwind Tankers'")
            .execute(&server.state.db.pool)
            .await
            .unwrap();
        let (_, page) = search(&server, &tom, "gnss").await;
        let found = hits(&page);
        assert!(!has(
            &found,
            "Advisory",
            "GNSS spoofing reports in the Black Sea"
        ));
        assert!(has(
            &found,
            "Forum post",
            "GNSS interference in the eastern Mediterranean"
        ));
        let (_, page) = search(&server, &tom, "bunker invoices").await;
        assert!(
            !hits(&page).iter().any(|(k, _)| k == "Forum post"),
            "the AMBER thread"
        );

        // A hidden post leaves the index, and comes back when shown.
        let post_id: i64 = sqlx::query_scalar(
            "SELECT p.id FROM forum_posts p JOIN forum_threads t ON t.id = p.thread_id \
             WHERE t.title = 'USB policy for visiting engineers' AND p.number = 2",
        )
        .fetch_one(&server.state.db.pool)
        .await
        .unwrap();
        let (_, page) = search(&server, &tom, "kiosk").await;
        assert!(has(
            &hits(&page),
            "Forum post",
            "USB policy for visiting engineers"
        ));
        let mut tx = server.state.db.begin_write().await.unwrap();
        lookout_server::forum::store::set_hidden(&mut tx, post_id, true, "test")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let (_, page) = search(&server, &tom, "kiosk").await;
        assert!(!has(
            &hits(&page),
            "Forum post",
            "USB policy for visiting engineers"
        ));

        // An incident is found from its release on, not before (demo
        // incidents share titles: this one is given its own word).
        let incident_id: i64 = sqlx::query_scalar(
            "SELECT subject_id FROM search_documents WHERE kind = 'incident' \
             AND tlp_rank <= 1 ORDER BY id LIMIT 1",
        )
        .fetch_one(&server.state.db.pool)
        .await
        .unwrap();
        sqlx::query(
            "UPDATE search_documents SET title = 'Quetzalcoatl loader on the bridge' \
             WHERE kind = 'incident' AND subject_id = $1",
        )
        .bind(incident_id)
        .execute(&server.state.db.pool)
        .await
        .unwrap();
        let (_, page) = search(&server, &tom, "quetzalcoatl").await;
        assert!(has(
            &hits(&page),
            "Incident",
            "Quetzalcoatl loader on the bridge"
        ));
        sqlx::query(
            "UPDATE search_documents SET visible_from = $1 WHERE kind = 'incident' AND subject_id = $2",
        )
        .bind(lookout_server::db::now() + 3600)
        .bind(incident_id)
        .execute(&server.state.db.pool)
        .await
        .unwrap();
        let (_, page) = search(&server, &tom, "quetzalcoatl").await;
        assert!(
            page.contains("id=\"no-hits\""),
            "an unreleased incident is not found"
        );

        // Hostile queries are words like any other.
        for hostile in [
            "\"; DROP TABLE search_documents; --",
            "NEAR( OR * AND",
            "a:* & !b | (",
            "\u{0}\u{2}",
        ] {
            let (status, page) = search(&server, &tom, hostile).await;
            assert_eq!(status, 200, "{hostile}: {page}");
        }

        // The index rebuilds from the features' tables, to the same results.
        let before = hits(&search(&server, &luis, "gnss").await.1);
        sqlx::query("UPDATE search_state SET version = 0")
            .execute(&server.state.db.pool)
            .await
            .unwrap();
        assert!(
            lookout_server::search::index::rebuild_if_stale(&server.state.db)
                .await
                .unwrap()
        );
        assert!(
            !lookout_server::search::index::rebuild_if_stale(&server.state.db)
                .await
                .unwrap()
        );
        let after = hits(&search(&server, &luis, "gnss").await.1);
        assert_eq!(before, after);
    })
    .await;
}
