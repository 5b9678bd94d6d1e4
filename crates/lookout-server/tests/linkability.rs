//! Side channels that could link a report to its reporter, tried as an
//! attacker would: with a copy of the database (with and without the key
//! file), as an analyst, and as the reporter's own follow-up. Each test
//! failed on the code before its fix.

use lookout_testkit::*;
use sha2::{Digest, Sha256};
use sqlx::any::AnyPoolOptions;

/// What someone holding a copy of the database reads: for SQLite a file
/// copied with `VACUUM INTO`, for PostgreSQL the same data over SQL.
async fn stolen_copy(server: &TestServer, url: &str, dir: &std::path::Path) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    let copy_url = if url.starts_with("sqlite") {
        let copy = dir.join(format!(
            "stolen-{}.sqlite3",
            hex::encode(lookout_server::secrets::random_bytes::<4>().unwrap())
        ));
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "VACUUM INTO '{}'",
            copy.display()
        )))
        .execute(&server.state.db.pool)
        .await
        .unwrap();
        format!("sqlite://{}", copy.display())
    } else {
        url.to_string()
    };
    AnyPoolOptions::new()
        .max_connections(1)
        .connect(&copy_url)
        .await
        .unwrap()
}

/// The length of an age file's payload: what follows its readable header
/// (whose stanzas vary at random in length).
fn age_payload_len(hex_sealed: &str) -> usize {
    let bytes = hex::decode(hex_sealed).unwrap();
    let mac_line = bytes
        .windows(5)
        .position(|w| w == b"\n--- ")
        .expect("an age header");
    let end = mac_line
        + 1
        + bytes[mac_line + 1..]
            .iter()
            .position(|&b| b == b'\n')
            .unwrap();
    bytes.len() - end - 1
}

/// The whole text of the element with `id`, marks included.
fn element_html(html: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\">");
    let start = html.find(&marker).unwrap_or_else(|| panic!("no #{id}")) + marker.len();
    html[start..].split("</p>").next().unwrap().to_string()
}

async fn report_id(server: &TestServer, reference: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM reports WHERE ref = $1")
        .bind(reference)
        .fetch_one(&server.state.db.pool)
        .await
        .unwrap()
}

fn reference_in(page: &str) -> String {
    let start = page.find("R-").expect("a report reference");
    page[start..start + 12].to_string()
}

/// Item 1: the sealed identity of a confidential report (and its sealed
/// narrative) had the exact length of the reporter's record, in clear in
/// the same database.
#[tokio::test]
async fn sealed_lengths_do_not_match_members() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        server.org("Northwind Tankers", "ship-owner").await;
        let analyst = browser();
        server.user("analyst@op.example", "analyst", None).await;
        sign_in_enrolling(&server, &analyst, "analyst@op.example").await;
        let members = [
            ("al@nw.example", "The ECDIS froze."),
            (
                "bartholomew.featherstonehaugh-smythe@northwind-tankers.example",
                "The ECDIS froze during the chart update and showed a ransom note on both screens; \
                 the master switched to paper charts and the crew isolated the chart PC from the network.",
            ),
        ];
        for (email, narrative) in members {
            server
                .user(email, "member", Some("Northwind Tankers"))
                .await;
            let member = browser();
            sign_in(&server, &member, email, PASSWORD).await;
            let (status, body) =
                send_report_form(&server, &member, "confidential", narrative, &[], &[]).await;
            assert_eq!(status, 200, "{body}");
        }

        // The attacker's script: match each sealed identity to the member
        // whose clear record has the same length.
        let stolen = stolen_copy(&server, &url, url.dir()).await;
        let sealed: Vec<(String, i64)> = sqlx::query_as(
            "SELECT sealed_identity, LENGTH(sealed_body) FROM reports \
             WHERE sealed_identity IS NOT NULL",
        )
        .fetch_all(&stolen)
        .await
        .unwrap();
        assert_eq!(sealed.len(), 2);
        assert_eq!(
            age_payload_len(&sealed[0].0),
            age_payload_len(&sealed[1].0),
            "sealed identities of members with 13- and 63-character addresses differ in length"
        );
        assert_eq!(
            sealed[0].1, sealed[1].1,
            "sealed narratives of 16 and 190 characters differ in length"
        );
    })
    .await;
}

/// Item 2: report, message and attachment ids came from sequences, so an
/// anonymous report sat between attributed, second-precise neighbours.
#[tokio::test]
async fn anonymous_rows_carry_no_order() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        server.org("Northwind Tankers", "ship-owner").await;
        server.user("analyst@op.example", "analyst", None).await;
        server
            .user("cso@nw.example", "member", Some("Northwind Tankers"))
            .await;
        let member = browser();
        sign_in(&server, &member, "cso@nw.example", PASSWORD).await;
        let stranger = browser();
        // Attributed (audited to the second) and anonymous reports,
        // interleaved, each with a file.
        let mut written = Vec::new();
        for round in 0..4 {
            let narrative = format!("Round {round}: spoofed GNSS position near the pilot station.");
            let (status, body) = send_report_form(
                &server,
                &member,
                "attributed",
                &narrative,
                &[],
                &[("notes.txt", b"log".to_vec())],
            )
            .await;
            assert_eq!(status, 200, "{body}");
            written.push(("attributed", reference_in(&body)));
            let (status, body) = send_report_form(
                &server,
                &stranger,
                "anonymous",
                &narrative,
                &[],
                &[("notes.txt", b"log".to_vec())],
            )
            .await;
            assert_eq!(status, 200, "{body}");
            written.push(("anonymous", reference_in(&body)));
        }

        // The analyst asks each reporter a question, in the same order
        // (each message audited to the second).
        let analyst = browser();
        sign_in_enrolling(&server, &analyst, "analyst@op.example").await;
        for (_, reference) in &written {
            let id = report_id(&server, reference).await;
            let detail = server.url(&format!("/triage/{id}"));
            let (status, _, _) = submit(
                &analyst,
                &detail,
                &server.url(&format!("/triage/{id}/message")),
                &[("body", "Which receiver showed it first?")],
            )
            .await;
            assert_eq!(status, 303);
        }

        let stolen = stolen_copy(&server, &url, url.dir()).await;
        let mut ids = Vec::new();
        for (_, reference) in &written {
            let id: i64 = sqlx::query_scalar("SELECT id FROM reports WHERE ref = $1")
                .bind(reference)
                .fetch_one(&stolen)
                .await
                .unwrap();
            ids.push(id);
        }
        let increasing = ids.windows(2).all(|w| w[0] < w[1]);
        assert!(
            !increasing,
            "report ids follow the order of writing: {ids:?}"
        );
        for w in ids.windows(2) {
            assert!(
                (w[0] - w[1]).abs() > 1_000,
                "neighbouring reports have neighbouring ids: {ids:?}"
            );
        }
        // Attachments and messages the same way: no id follows the order
        // in which they were written.
        for table in ["report_attachments", "report_messages"] {
            let rows: Vec<(i64, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT t.id, r.id FROM {table} t JOIN reports r ON r.id = t.report_id"
            )))
            .fetch_all(&stolen)
            .await
            .unwrap();
            let mut by_report: Vec<i64> = Vec::new();
            for id in &ids {
                by_report.extend(rows.iter().filter(|(_, r)| r == id).map(|(t, _)| *t));
            }
            assert_eq!(by_report.len(), 8, "{table}: one row per report");
            assert!(
                !by_report.windows(2).all(|w| w[0] < w[1]),
                "{table} ids follow the order of writing: {by_report:?}"
            );
        }

        // PostgreSQL lists rows in the order they were written (what a
        // dump shows): the hourly rewrite puts them in random-id order.
        if url.starts_with("postgres") {
            // The server's housekeeping rewrote at start, for this hour:
            // the rewrite of the next hour, as its housekeeping would.
            let at = lookout_server::db::now() + 3600;
            assert!(server.state.db.scatter_write_order(at).await.unwrap());
            assert!(
                !server.state.db.scatter_write_order(at).await.unwrap(),
                "once an hour, by one process"
            );
            let physical: Vec<String> = sqlx::query_scalar("SELECT ref FROM reports ORDER BY ctid")
                .fetch_all(&server.state.db.pool)
                .await
                .unwrap();
            let by_id: Vec<String> = sqlx::query_scalar("SELECT ref FROM reports ORDER BY id")
                .fetch_all(&server.state.db.pool)
                .await
                .unwrap();
            assert_eq!(physical, by_id, "rows lie in the order of their random ids");
            let written: Vec<String> = written.iter().map(|(_, r)| r.clone()).collect();
            assert_ne!(
                physical, written,
                "rows no longer lie in the order of writing"
            );
        }
    })
    .await;
}

/// Items 4 and 10: the same file in File analysis (under a member's name)
/// and in an anonymous report; the uploaded file name; the original.
#[tokio::test]
async fn files_do_not_link_an_anonymous_report() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        server.org("Northwind Tankers", "ship-owner").await;
        server.user("analyst@op.example", "analyst", None).await;
        server
            .user("cso@nw.example", "member", Some("Northwind Tankers"))
            .await;
        let member = browser();
        sign_in(&server, &member, "cso@nw.example", PASSWORD).await;

        // The member analyses a photo under their name...
        let (_, page) = get(&member, &server.url("/analysis")).await;
        let token = csrf(&page);
        let form = reqwest::multipart::Form::new()
            .text("csrf", token.clone())
            .text("tlp", "amber")
            .part(
                "file",
                reqwest::multipart::Part::bytes(photo_with_gps()).file_name("bridge.jpg"),
            );
        let response = member
            .post(server.url(&format!("/analysis?csrf={token}")))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success() || response.status().is_redirection());

        // ... then sends it, and a note, anonymously, keeping only cleaned
        // copies; a second report keeps its original.
        let anonymous = browser();
        let (status, body) = send_report_form(
            &server,
            &anonymous,
            "anonymous",
            "Photo of the bridge display showing the spoofed position.",
            &[("discard_originals", "on")],
            &[("northwind-tankers_NORDIC-STAR_bridge.jpg", photo_with_gps())],
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let discarded = reference_in(&body);
        let (status, body) = send_report_form(
            &server,
            &anonymous,
            "anonymous",
            "The same photo again, with the original for the chain of custody.",
            &[],
            &[("northwind-tankers_NORDIC-STAR_bridge.jpg", photo_with_gps())],
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let kept = reference_in(&body);
        // A file that cannot be cleaned cannot be sent without its original.
        let (status, body) = send_report_form(
            &server,
            &anonymous,
            "anonymous",
            "A log file.",
            &[("discard_originals", "on")],
            &[("ecdis.log", b"chart update 03:40".to_vec())],
        )
        .await;
        assert_eq!(status, 422, "{body}");
        assert!(body.contains("cannot be cleaned"), "{body}");

        // Without the key: no stored length equals the analysed file's.
        let stolen = stolen_copy(&server, &url, url.dir()).await;
        let sizes: Vec<i64> = sqlx::query_scalar("SELECT size FROM analysis_samples")
            .fetch_all(&stolen)
            .await
            .unwrap();
        let exact = i64::try_from(photo_with_gps().len()).unwrap();
        assert_eq!(sizes.len(), 1);
        assert_ne!(sizes[0], exact, "the sample's exact size is in clear");
        let blobs: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT LENGTH(sealed_original), COALESCE(LENGTH(sealed_cleaned), 0) FROM report_attachments",
        )
        .fetch_all(&stolen)
        .await
        .unwrap();
        let sample: i64 = sqlx::query_scalar("SELECT LENGTH(sealed_bytes) FROM analysis_samples")
            .fetch_one(&stolen)
            .await
            .unwrap();
        for (original, cleaned) in blobs {
            for stored in [original, cleaned] {
                for overhead in 0..=64 {
                    assert_ne!(stored - overhead, exact, "a blob's length gives the file's");
                }
            }
            // Same file, same padded size: only a power of two is known.
            assert!(original == sample || original < 1024);
        }

        // With the key: the report whose reporter kept only cleaned copies
        // holds nothing that hashes to the analysed file.
        let sample_sha: String = sqlx::query_scalar("SELECT sha256 FROM analysis_samples")
            .fetch_one(&stolen)
            .await
            .unwrap();
        let report = lookout_server::reports::store::by_reference(&server.state.db, &discarded)
            .await
            .unwrap()
            .unwrap();
        use lookout_server::reports::attachments::{Copy, open};
        assert!(
            open(
                &server.state.db,
                &server.state.key,
                &report,
                1,
                Copy::Original
            )
            .await
            .unwrap()
            .is_none(),
            "the original was not kept"
        );
        let (_, cleaned) = open(
            &server.state.db,
            &server.state.key,
            &report,
            1,
            Copy::Cleaned,
        )
        .await
        .unwrap()
        .unwrap();
        assert_ne!(hex::encode(Sha256::digest(&cleaned)), sample_sha);

        // Analysts see neither the uploaded name nor, by default, the
        // original; opening it is a deliberate, recorded step.
        let analyst = browser();
        sign_in_enrolling(&server, &analyst, "analyst@op.example").await;
        for reference in [&discarded, &kept] {
            let id = report_id(&server, reference).await;
            let (status, page) = get(&analyst, &server.url(&format!("/triage/{id}"))).await;
            assert_eq!(status, 200);
            assert!(!page.to_lowercase().contains("northwind"), "{page}");
            assert!(!page.contains("NORDIC-STAR"), "{page}");
            assert!(page.contains("attachment-1.jpg"), "{page}");
            assert!(
                !page.contains(&sample_sha),
                "no hash of the original by default"
            );
        }
        let id = report_id(&server, &discarded).await;
        let (status, page) = get(&analyst, &server.url(&format!("/triage/{id}"))).await;
        assert_eq!(status, 200);
        assert!(page.contains("original not kept"), "{page}");
        let (status, _) = get(
            &analyst,
            &server.url(&format!("/triage/{id}/attachments/1/original")),
        )
        .await;
        assert_eq!(status, 404);

        let id = report_id(&server, &kept).await;
        let warning = server.url(&format!("/triage/{id}/attachments/1/original"));
        let response = analyst.get(&warning).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200);
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html"),
            "a GET shows the warning, never the file"
        );
        let page = response.text().await.unwrap();
        assert!(page.contains("can say who sent it"), "{page}");
        let (status, _, page) = submit(&analyst, &warning, &warning, &[("reason", "")]).await;
        assert_eq!(status, 422, "{page}");
        let (status, _, _) = submit(
            &analyst,
            &warning,
            &warning,
            &[("reason", "chain of custody for the flag state")],
        )
        .await;
        assert_eq!(status, 200);
        let opened: Vec<String> = sqlx::query_scalar(
            "SELECT detail FROM audit_log WHERE action = 'report.attachment-original-opened'",
        )
        .fetch_all(&server.state.db.pool)
        .await
        .unwrap();
        assert_eq!(opened.len(), 1);
        assert!(opened[0].contains("chain of custody"));
    })
    .await;
}

/// Item 11: an anonymous reporter's answers were stored and shown
/// unscrubbed, and their own words to remove did not apply.
#[tokio::test]
async fn follow_up_answers_are_scrubbed_like_the_report() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        server.org("Northwind Tankers", "ship-owner").await;
        server.user("analyst@op.example", "analyst", None).await;
        let reporter = browser();
        let (status, body) = send_report_form(
            &server,
            &reporter,
            "anonymous",
            "The ECDIS showed a ransom note after a chart update.",
            &[],
            &[],
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let receipt = element_text(&body, "receipt");
        let reference = reference_in(&body);

        let answer = "Ask Zebedee Quartermain, our ETO, on +47 912 34 567 or zq@northwind-tankers.example. \
                      The stick came from the agent.";
        let returning = browser();
        let follow_up = server.url("/report/follow-up");
        let (status, _, page) = submit(
            &returning,
            &follow_up,
            &follow_up,
            &[
                ("receipt", &receipt),
                ("reply", answer),
                ("indicators", "zq@northwind-tankers.example"),
                ("scrub_terms", "Zebedee Quartermain"),
                ("action", "preview"),
            ],
        )
        .await;
        assert_eq!(status, 200, "{page}");
        let preview = element_html(&page, "preview-reply");
        assert!(!preview.contains("Zebedee"), "{preview}");
        assert!(!preview.contains("912 34 567"), "{preview}");
        assert!(
            preview.contains("The stick came from the agent."),
            "{preview}"
        );
        assert!(
            page.contains("Zebedee Quartermain"),
            "the text is kept to send"
        );
        let analyst_view = |id: i64| server.url(&format!("/triage/{id}"));
        let id = report_id(&server, &reference).await;
        let messages: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM report_messages")
            .fetch_one(&server.state.db.pool)
            .await
            .unwrap();
        assert_eq!(messages, 0, "a preview stores nothing");

        let (status, _, page) = submit(
            &returning,
            &follow_up,
            &follow_up,
            &[
                ("receipt", &receipt),
                ("reply", answer),
                ("scrub_terms", "Zebedee Quartermain"),
                ("action", "send"),
            ],
        )
        .await;
        assert_eq!(status, 200, "{page}");
        assert!(page.contains("Your answer was sent"));
        let analyst = browser();
        sign_in_enrolling(&server, &analyst, "analyst@op.example").await;
        let (_, page) = get(&analyst, &analyst_view(id)).await;
        assert!(page.contains("The stick came from the agent."), "{page}");
        for identifying in ["Zebedee", "Quartermain", "912 34 567", "zq@"] {
            assert!(
                !page.contains(identifying),
                "{identifying} reached the analysts"
            );
        }
    })
    .await;
}
