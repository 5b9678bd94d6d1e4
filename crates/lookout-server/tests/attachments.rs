//! Attachments: cleaned on arrival, sealed at rest, downloaded by analysts
//! (original and cleaned), published with the incident (cleaned only).

use lookout_server::Config;
use lookout_testkit::*;
use sha2::{Digest, Sha256};

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn small_uploads(config: &mut Config) {
    config.publication_delay_min_hours = 0;
    config.publication_delay_max_hours = 0;
    config.publication_batch_hours = 0;
    config.attachment_max_mb = 1;
    config.attachments_per_report = 2;
}

/// Posts an anonymous report with `files`.
async fn send(
    server: &TestServer,
    client: &reqwest::Client,
    narrative: &str,
    files: &[(&str, Vec<u8>)],
) -> (u16, String) {
    send_report_form(server, client, "anonymous", narrative, &[], files).await
}

#[tokio::test]
async fn attachments_are_cleaned_sealed_and_published_cleaned() {
    each_backend(async |url| {
        let data = tempfile::tempdir().unwrap();
        let server =
            TestServer::start_in(&url, data.path().to_path_buf(), Some(&small_uploads)).await;
        server.org("Northwind Tankers", "ship-owner").await;
        server.user("analyst@op.example", "analyst", None).await;
        server
            .user("cso@northwind.example", "member", Some("Northwind Tankers"))
            .await;
        let reporter = browser();

        // A program is refused with what to do instead; the text stays.
        let (status, page) = send(
            &server,
            &reporter,
            "The loader we found on the bridge PC.",
            &[(
                "loader.exe",
                b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0".to_vec(),
            )],
        )
        .await;
        assert_eq!(status, 422);
        assert!(page.contains("infected"), "{page}");
        assert!(page.contains("Choose your attachments again"));
        assert!(page.contains("The loader we found on the bridge PC."));

        // Over the per-file limit: a sentence, not a crash.
        let (status, page) = send(
            &server,
            &reporter,
            "A big capture.",
            &[("capture.pcap", vec![b'a'; 1024 * 1024 + 10])],
        )
        .await;
        assert_eq!(status, 422);
        assert!(page.contains("capture.pcap"));
        assert!(page.contains("A big capture."));

        // Over the whole-request limit: a readable 413.
        let (status, page) = send(
            &server,
            &reporter,
            "Far too big.",
            &[("a.bin", vec![0; 4 * 1024 * 1024])],
        )
        .await;
        assert_eq!(status, 413);
        assert!(page.to_lowercase().contains("too large"), "{page}");

        let notes = b"ECDIS log 2026-03-02: chart update from USB by Ivan Petrov\n".to_vec();
        let (status, page) = send(
            &server,
            &reporter,
            "Ransom note on the ECDIS after a chart update.",
            &[
                ("IMG_2041.jpg", photo_with_gps()),
                ("ecdis-log.txt", notes.clone()),
            ],
        )
        .await;
        assert_eq!(status, 200, "{page}");
        let listed = &page;
        assert!(listed.contains("IMG_2041.jpg: removed"), "{listed}");
        assert!(
            listed.contains("ecdis-log.txt: kept for the analysts only"),
            "{listed}"
        );

        // Sealed at rest: neither the picture's metadata nor the notes.
        if url.starts_with("sqlite") {
            sqlx::query("PRAGMA wal_checkpoint(FULL)")
                .execute(&server.state.db.pool)
                .await
                .unwrap();
            let mut scanned = 0;
            for entry in std::fs::read_dir(url.dir()).unwrap() {
                let bytes = std::fs::read(entry.unwrap().path()).unwrap_or_default();
                scanned += bytes.len();
                assert!(!contains(&bytes, b"Ivan Petrov"));
                assert!(!contains(&bytes, b"IMG_2041"));
            }
            assert!(scanned > 10_000, "the database files were read");
        }

        let analyst = browser();
        sign_in_enrolling(&server, &analyst, "analyst@op.example").await;
        let id: i64 = sqlx::query_scalar("SELECT id FROM reports")
            .fetch_one(&server.state.db.pool)
            .await
            .unwrap();
        let (_, page) = get(&analyst, &server.url(&format!("/triage/{id}"))).await;
        assert!(
            page.contains("attachment-1.jpg"),
            "anonymous file names are replaced"
        );
        assert!(!page.contains("IMG_2041"));
        // The original opens only from its warning page, with a reason.
        let warning = server.url(&format!("/triage/{id}/attachments/1/original"));
        let (_, page) = get(&analyst, &warning).await;
        assert!(
            page.contains(&hex::encode(Sha256::digest(photo_with_gps()))),
            "original's SHA-256 shown before opening it"
        );
        let token = csrf(&page);
        let original = analyst
            .post(format!("{warning}?csrf={token}"))
            .form(&[("csrf", token.as_str()), ("reason", "chain of custody")])
            .send()
            .await
            .unwrap();
        assert_eq!(
            original.headers()["content-type"],
            "application/octet-stream"
        );
        assert_eq!(original.bytes().await.unwrap().to_vec(), photo_with_gps());
        let cleaned = analyst
            .get(server.url(&format!("/triage/{id}/attachments/1/cleaned")))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        assert!(cleaned.starts_with(&[0xFF, 0xD8]));
        assert!(!contains(&cleaned, b"Ivan Petrov"));
        assert!(!contains(&cleaned, b"GPS"));
        let (status, _) = get(
            &analyst,
            &server.url(&format!("/triage/{id}/attachments/2/cleaned")),
        )
        .await;
        assert_eq!(status, 404, "text files have no cleaned copy");

        // Published with the incident, members get the cleaned copy only.
        let editor = server.url(&format!("/triage/{id}/incident"));
        let (status, _, body) = submit(
            &analyst,
            &editor,
            &editor,
            &[
                ("title", "Ransomware on an ECDIS"),
                (
                    "narrative",
                    "Ransom note on the ECDIS after a chart update.",
                ),
                ("class", "ecdis-bridge-compromise"),
                ("discovered_on", "2026-03-02"),
                ("systems", "ecdis"),
                ("vessel_type", "container-ship"),
                ("vessel_size", "large"),
                ("sea_area", "north-sea"),
                ("impact_safety", "significant"),
                ("impact_operations", "severe"),
                ("impact_money", "minor"),
                ("tlp", "green"),
                ("publish_attachment", "1"),
                ("publish_attachment", "2"),
                // The only incident: the publication check warns.
                ("publish_anyway", "on"),
                ("action", "publish"),
            ],
        )
        .await;
        assert_eq!(status, 303, "{body}");
        let member = browser();
        sign_in(&server, &member, "cso@northwind.example", PASSWORD).await;
        let (_, list) = get(&member, &server.url("/incidents")).await;
        let marker = "href=\"/incidents/";
        let start = list.find(marker).unwrap() + marker.len();
        let reference: String = list[start..].chars().take_while(|c| *c != '"').collect();
        let (_, detail) = get(&member, &server.url(&format!("/incidents/{reference}"))).await;
        assert!(detail.contains("Attachment 1"));
        assert!(
            !detail.contains("Attachment 2"),
            "a text file is never published"
        );
        assert!(
            !detail.contains("IMG_2041"),
            "the reporter's file name stays hidden"
        );
        let download = member
            .get(server.url(&format!("/incidents/{reference}/attachments/1")))
            .send()
            .await
            .unwrap();
        assert_eq!(download.status(), 200);
        assert_eq!(download.headers()["content-type"], "image/jpeg");
        assert!(
            download.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .contains(&format!("{reference}-1.jpg"))
        );
        assert_eq!(download.bytes().await.unwrap(), cleaned);
        let (status, _) = get(
            &member,
            &server.url(&format!("/incidents/{reference}/attachments/2")),
        )
        .await;
        assert_eq!(status, 404);
    })
    .await;
}

#[tokio::test]
async fn reporters_add_indicators_and_files_with_their_receipt() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        let reporter = browser();
        let (status, page) = send(&server, &reporter, "Phishing wave on the crew.", &[]).await;
        assert_eq!(status, 200);
        let receipt = element_text(&page, "receipt");

        let returning = browser();
        let (_, form_page) = get(&returning, &server.url("/report/follow-up")).await;
        let token = csrf(&form_page);
        let form = reqwest::multipart::Form::new()
            .text("receipt", receipt.clone())
            .text("reply", "Two more senders since.")
            .text("indicators", "crew-payroll.example\n10.20.30.40")
            .part(
                "attachments",
                reqwest::multipart::Part::bytes(photo_with_gps()).file_name("screenshot.jpg"),
            );
        let response = returning
            .post(server.url(&format!("/report/follow-up?csrf={token}")))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
        let page = response.text().await.unwrap();
        assert!(
            page.contains("Added 2 indicator line(s) and 1 file(s)."),
            "{page}"
        );

        let report = lookout_server::reports::store::by_receipt(
            &server.state.db,
            &lookout_server::reports::receipt::lookup_for(&server.state.key, &receipt).unwrap(),
        )
        .await
        .unwrap()
        .unwrap();
        let body = report.body(&server.state.key).unwrap();
        assert!(
            body.indicators.contains("crew-payroll.example"),
            "{}",
            body.indicators
        );
        assert!(
            !body.indicators.contains("10.20.30.40"),
            "internal addresses are scrubbed"
        );
        let files = lookout_server::reports::attachments::list(
            &server.state.db,
            &server.state.key,
            &report,
        )
        .await
        .unwrap();
        assert_eq!(files.len(), 1);
        assert!(files[0].has_cleaned);
    })
    .await;
}

/// Where a held file's handle is on the form.
const HELD: &str = "name=\"held\" value=\"";

/// A preview (or any form that comes back) keeps the files attached to it,
/// cleaned and sealed, under a handle only the page holds; sending the
/// report takes them, and nothing of them stays held.
#[tokio::test]
async fn a_preview_keeps_the_attachments_until_the_report_is_sent() {
    each_backend(async |url| {
        let data = tempfile::tempdir().unwrap();
        let server =
            TestServer::start_in(&url, data.path().to_path_buf(), Some(&small_uploads)).await;
        let reporter = browser();
        let db = &server.state.db.pool;
        let held = async || -> i64 {
            sqlx::query_scalar("SELECT COUNT(*) FROM held_files")
                .fetch_one(db)
                .await
                .unwrap()
        };
        let narrative = "Ransom note on the ECDIS after a chart update.";
        let (status, page) = send_report_form(
            &server,
            &reporter,
            "anonymous",
            narrative,
            &[("action", "preview")],
            &[("IMG_2041.jpg", photo_with_gps())],
        )
        .await;
        assert_eq!(status, 200, "{page}");
        assert!(!page.contains("Choose your attachments again"), "{page}");
        let start = page.find("id=\"held-files\"").expect("the files kept");
        let kept = &page[start..start + page[start..].find("</div>").unwrap()];
        assert!(kept.contains("IMG_2041.jpg"), "{kept}");
        assert!(kept.contains("removed"), "what cleaning did: {kept}");
        let at = page.find(HELD).expect("the handle") + HELD.len();
        let handle = page[at..at + page[at..].find('"').unwrap()].to_string();
        assert_eq!(held().await, 1);
        // The preview shows what was typed beside what will be stored.
        assert!(page.contains("What you typed"));
        assert!(element_text(&page, "preview-narrative").contains("Ransom note"));

        // A handle the portal does not hold is said, and the text stays.
        let (status, page) = send_report_form(
            &server,
            &reporter,
            "anonymous",
            narrative,
            &[("held", "not-a-handle")],
            &[],
        )
        .await;
        assert_eq!(status, 422);
        assert!(page.contains("attach them again"), "{page}");
        assert!(page.contains(narrative));

        // Sent from the preview without choosing the file again: it arrives.
        let (status, page) = send_report_form(
            &server,
            &reporter,
            "anonymous",
            narrative,
            &[("held", &handle)],
            &[],
        )
        .await;
        assert_eq!(status, 200, "{page}");
        assert!(page.contains("IMG_2041.jpg: removed"), "{page}");
        let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM report_attachments")
            .fetch_one(db)
            .await
            .unwrap();
        assert_eq!(stored, 1);
        assert_eq!(held().await, 0, "taken with the report");

        // A file left out on the form is deleted at once.
        let (_, page) = send_report_form(
            &server,
            &reporter,
            "anonymous",
            narrative,
            &[("action", "preview")],
            &[("IMG_2041.jpg", photo_with_gps())],
        )
        .await;
        let at = page.find(HELD).unwrap() + HELD.len();
        let handle = page[at..at + page[at..].find('"').unwrap()].to_string();
        let (_, page) = send_report_form(
            &server,
            &reporter,
            "anonymous",
            narrative,
            &[
                ("action", "preview"),
                ("held", &handle),
                ("drop_held", &handle),
            ],
            &[],
        )
        .await;
        assert!(!page.contains("held-files"), "{page}");
        assert_eq!(held().await, 0);
    })
    .await;
}
