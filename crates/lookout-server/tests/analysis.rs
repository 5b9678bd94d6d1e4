//! File analysis in the portal: upload, analysis off the request path,
//! results, "seen before" within sharing levels, the analysts' sample zip
//! and rule files, and bad input.

use std::io::Read;
use std::time::Duration;

use lookout_analysis::{Analysis, samples};
use lookout_server::Config;
use lookout_testkit::*;
use sha2::{Digest, Sha256};

/// Uploads a file as the page's form does; returns status, Location and body.
async fn upload(
    server: &TestServer,
    client: &reqwest::Client,
    name: &str,
    bytes: &[u8],
    tlp: &str,
) -> (u16, Option<String>, String) {
    let (_, page) = get(client, &server.url("/analysis")).await;
    let token = page
        .split("action=\"/analysis?csrf=")
        .nth(1)
        .map(|s| s[..64].to_string())
        .expect("upload form");
    let form = reqwest::multipart::Form::new()
        .text("tlp", tlp.to_string())
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_string()),
        );
    post_multipart(
        client,
        &server.url(&format!("/analysis?csrf={token}")),
        form,
    )
    .await
}

/// The analysis page once the workers are done with it.
async fn finished(server: &TestServer, client: &reqwest::Client, path: &str) -> String {
    for _ in 0..300 {
        let (status, page) = get(client, &server.url(path)).await;
        assert_eq!(status, 200, "{page}");
        if !page.contains("id=\"pending\"") {
            return page;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("{path} was not analysed within a minute");
}

async fn analyse(
    server: &TestServer,
    client: &reqwest::Client,
    name: &str,
    bytes: &[u8],
    tlp: &str,
) -> (String, String) {
    let (status, location, body) = upload(server, client, name, bytes, tlp).await;
    assert_eq!(status, 303, "{body}");
    let path = location.expect("redirect to the analysis");
    let page = finished(server, client, &path).await;
    (path, page)
}

async fn member(server: &TestServer, org: &str, email: &str) -> reqwest::Client {
    server.org(org, "ship-owner").await;
    server.user(email, "member", Some(org)).await;
    let client = browser();
    let (status, _, body) = sign_in(server, &client, email, PASSWORD).await;
    assert_eq!(status, 303, "{body}");
    client
}

async fn analyst(server: &TestServer) -> reqwest::Client {
    server.user("ana@lookout.example", "analyst", None).await;
    let client = browser();
    sign_in_enrolling(server, &client, "ana@lookout.example").await;
    client
}

#[tokio::test]
async fn samples_are_analysed_and_shown_with_a_verdict() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        let client = member(&server, "Northwind Shipping", "cso@northwind.example").await;
        let cases: Vec<(&str, Vec<u8>, &str, &str)> = vec![
            (
                "test.com",
                samples::EICAR.to_vec(),
                "EICAR anti-virus test file",
                "EICAR_test_file",
            ),
            (
                "update.exe",
                samples::pe(
                    &[
                        ("KERNEL32.dll", &["ExitProcess"]),
                        ("urlmon.dll", &["URLDownloadToFileA"]),
                        ("SHELL32.dll", &["ShellExecuteA"]),
                    ],
                    &[],
                ),
                "Suspicious",
                "Downloader_APIs_and_execution",
            ),
            (
                "agent",
                samples::elf(&["/bin/sh", "/dev/tcp/198.51.100.7/4444"]),
                "Malicious",
                "ELF_reverse_shell",
            ),
            (
                "invoice.doc",
                samples::word_doc_with_macro(),
                "AutoOpen",
                "Office_OLE_with_VBA_macros",
            ),
            (
                "notice.pdf",
                samples::pdf_with_javascript(),
                "JavaScript",
                "PDF_JavaScript_on_open",
            ),
        ];
        for (name, bytes, expected, rule) in cases {
            let (path, page) = analyse(&server, &client, name, &bytes, "amber").await;
            assert!(page.contains(expected), "{name}: {page}");
            assert!(page.contains(rule), "{name}: no {rule}");
            if name == "test.com" {
                // One message: the heading agrees with "It is harmless".
                assert!(page.contains("<h2>Test file (harmless)</h2>"), "{page}");
                assert!(!page.contains("<h2>Malicious</h2>"));
            }
            assert_eq!(
                element_text(&page, "sha256"),
                hex::encode(Sha256::digest(&bytes)),
                "{name}"
            );
            assert_eq!(
                element_text(&page, "file-name"),
                name,
                "the uploader sees the name"
            );
            // The JSON export is the library's analysis.
            let json = client
                .get(server.url(&format!("{path}/json")))
                .send()
                .await
                .unwrap();
            assert_eq!(json.headers()["content-type"], "application/json");
            let analysis: Analysis = json.json().await.unwrap();
            assert_eq!(analysis.hashes.sha256, hex::encode(Sha256::digest(&bytes)));
            assert_eq!(analysis.size, bytes.len() as u64);
        }

        // Samples are sealed at rest: the EICAR string is nowhere in the table.
        let stored: Vec<Vec<u8>> = sqlx::query_scalar("SELECT sealed_bytes FROM analysis_samples")
            .fetch_all(&server.state.db.pool)
            .await
            .unwrap();
        assert_eq!(stored.len(), 5);
        assert!(
            stored
                .iter()
                .all(|s| !s.windows(20).any(|w| w == &samples::EICAR[..20]))
        );
        // The macro document's page shows the macro and what it calls.
        let (_, page) = get(&client, &server.url("/analysis")).await;
        assert!(page.contains("invoice.doc"));
    })
    .await;
}

#[tokio::test]
async fn samples_leave_only_as_an_infected_zip_to_analysts() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        let client = member(&server, "Northwind Shipping", "cso@northwind.example").await;
        let bytes = samples::pe(&[("KERNEL32.dll", &["ExitProcess"])], &[]);
        let (path, page) = analyse(&server, &client, "tool.exe", &bytes, "red").await;
        assert!(!page.contains("id=\"sample-zip\""));
        let response = client
            .get(server.url(&format!("{path}/sample.zip")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "members never download samples");

        let analyst = analyst(&server).await;
        let (status, page) = get(&analyst, &server.url(&path)).await;
        assert_eq!(status, 200, "analysts read every analysis, RED included");
        assert!(page.contains("id=\"sample-zip\""));
        let response = analyst
            .get(server.url(&format!("{path}/sample.zip")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "application/zip");
        let zip = response.bytes().await.unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip.to_vec())).unwrap();
        assert!(archive.by_index(0).is_err(), "the zip needs the password");
        let mut member = archive.by_index_decrypt(0, b"infected").unwrap();
        assert_eq!(
            member.name().unwrap(),
            format!("{}.bin", hex::encode(Sha256::digest(&bytes)))
        );
        let mut content = Vec::new();
        member.read_to_end(&mut content).unwrap();
        assert_eq!(content, bytes);
        let audited: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'analysis.sample_downloaded'",
        )
        .fetch_one(&server.state.db.pool)
        .await
        .unwrap();
        assert_eq!(audited, 1);
    })
    .await;
}

#[tokio::test]
async fn seen_before_respects_sharing_levels() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        let alice = member(&server, "Northwind Shipping", "cso@northwind.example").await;
        let bob = member(&server, "Southport Lines", "ciso@southport.example").await;
        // Enough varied text for a fuzzy hash (TLSH skips near-empty files).
        let manual: String = (1..60)
            .map(|i| {
                format!(
                    "step {i}: check chart cell {} and route leg {}\n",
                    i * 37 % 101,
                    i * 13 % 29
                )
            })
            .collect();
        let dropper = samples::pe(
            &[
                ("KERNEL32.dll", &["ExitProcess", "GetProcAddress"]),
                ("urlmon.dll", &["URLDownloadToFileA"]),
            ],
            &[
                "hxxp://charts-update[.]example/ecdis.exe",
                "Voyage planning update for all vessels of the fleet",
                &manual,
            ],
        );
        let (alice_path, _) = analyse(
            &server,
            &alice,
            "Northwind-ECDIS-update.exe",
            &dropper,
            "amber",
        )
        .await;
        // Bob uploads the same file, keeping his upload to himself.
        let (bob_path, bob_page) = analyse(&server, &bob, "ecdis.exe", &dropper, "red").await;
        let same = bob_page
            .split("id=\"seen-same\"")
            .nth(1)
            .expect("Bob sees the earlier upload");
        assert!(
            same.contains(alice_path.trim_start_matches("/analysis/")),
            "{same}"
        );
        assert!(
            !bob_page.contains("Northwind"),
            "never who uploaded it, nor its name"
        );
        let (_, alice_page) = get(&alice, &server.url(&alice_path)).await;
        assert!(
            !alice_page.contains("seen-same"),
            "a RED upload is not even counted"
        );
        assert_eq!(
            get(&alice, &server.url(&bob_path)).await.0,
            404,
            "RED stays with its uploader"
        );
        let (status, page) = get(&bob, &server.url(&alice_path)).await;
        assert_eq!(status, 200, "AMBER is open to other members");
        assert!(
            !page.contains("id=\"file-name\""),
            "only the uploader sees the file name"
        );
        // Carol keeps hers to her organisation: Alice learns it exists, no more.
        let carol = member(&server, "Eastbay Ferries", "cso@eastbay.example").await;
        let (carol_path, _) =
            analyse(&server, &carol, "update.exe", &dropper, "amber-strict").await;
        let (_, alice_page) = get(&alice, &server.url(&alice_path)).await;
        assert!(
            alice_page.contains("uploaded 1 more time(s) under a sharing level you do not have")
        );
        assert!(!alice_page.contains(carol_path.trim_start_matches("/analysis/")));

        // A variant: similar by TLSH.
        let mut variant = dropper.clone();
        let at = variant.windows(6).position(|w| w == b"Voyage").unwrap();
        variant[at..at + 6].copy_from_slice(b"voyage");
        let (_, page) = analyse(&server, &bob, "variant.exe", &variant, "amber").await;
        let similar = page
            .split("id=\"seen-similar\"")
            .nth(1)
            .expect("similar files listed");
        assert!(
            similar.contains(alice_path.trim_start_matches("/analysis/")),
            "{similar}"
        );

        // A different file sharing the download URL.
        let note =
            b"Please run the update from hxxp://charts-update[.]example/ecdis.exe before sailing.";
        let (_, page) = analyse(&server, &bob, "note.txt", note, "amber").await;
        let shared = page
            .split("id=\"seen-shared\"")
            .nth(1)
            .expect("shared indicators listed");
        assert!(
            shared.contains("http://charts-update.example/ecdis.exe"),
            "{shared}"
        );

        // A published incident that names the file's hash.
        let sha256 = hex::encode(Sha256::digest(&dropper));
        publish_incident(&server, &format!("ECDIS update dropper, SHA-256 {sha256}")).await;
        let (_, page) = get(&alice, &server.url(&alice_path)).await;
        let incidents = page
            .split("id=\"seen-incidents\"")
            .nth(1)
            .expect("incident listed");
        assert!(incidents.contains("Fake chart update"), "{incidents}");

        // Through the API, within the same sharing rules.
        let token = |email: &'static str| {
            let server = &server;
            async move {
                let id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
                    .bind(email)
                    .fetch_one(&server.state.db.pool)
                    .await
                    .unwrap();
                let mut tx = server.state.db.begin_write().await.unwrap();
                let (_, token) =
                    lookout_server::accounts::api_tokens::create(&mut tx, id, "soc", "read")
                        .await
                        .unwrap();
                tx.commit().await.unwrap();
                token
            }
        };
        let api = reqwest::Client::new();
        let alice_token = token("cso@northwind.example").await;
        let bob_ref = bob_path.trim_start_matches("/analysis/");
        let alice_ref = alice_path.trim_start_matches("/analysis/");
        let response = api
            .get(server.url(&format!("/api/v1/analyses/{alice_ref}")))
            .bearer_auth(&alice_token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let record: serde_json::Value = response.json().await.unwrap();
        assert_eq!(record["state"], "done");
        assert_eq!(
            record["analysis"]["hashes"]["sha256"],
            hex::encode(Sha256::digest(&dropper))
        );
        let response = api
            .get(server.url(&format!("/api/v1/analyses/{bob_ref}")))
            .bearer_auth(&alice_token)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            404,
            "RED stays with its uploader, in the API too"
        );
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );

        // One step to a report: the form starts with the file's indicators,
        // never the analysis reference (it names the uploader's account),
        // and the hashes only once the reporter asks, having been told
        // that they tie the report to the upload.
        let start = format!("/report?{}", alice_path.replace("/analysis/", "analysis="));
        let reference = alice_path.trim_start_matches("/analysis/");
        let (_, form) = get(&alice, &server.url(&start)).await;
        assert!(form.contains("http://charts-update.example/ecdis.exe"));
        let textareas: String = form
            .split("<textarea")
            .skip(1)
            .map(|t| t.split("</textarea>").next().unwrap())
            .collect();
        assert!(!textareas.contains(reference), "{textareas}");
        assert!(!form.contains(&sha256.to_string()), "{form}");
        assert!(form.contains("tie an anonymous or confidential report to your account"));
        let (_, form) = get(&alice, &server.url(&format!("{start}&hashes=include"))).await;
        assert!(form.contains(&format!("SHA-256 {sha256}")), "{form}");
        assert!(form.contains("can be tied to your account"));
        // Nor does the audit log set a hash beside the uploader's account.
        let audited: Vec<String> =
            sqlx::query_scalar("SELECT detail FROM audit_log WHERE action = 'analysis.uploaded'")
                .fetch_all(&server.state.db.pool)
                .await
                .unwrap();
        assert!(!audited.is_empty());
        assert!(
            audited.iter().all(|d| !d.contains(sha256.as_str())),
            "{audited:?}"
        );
        let textareas: String = form
            .split("<textarea")
            .skip(1)
            .map(|t| t.split("</textarea>").next().unwrap())
            .collect();
        assert!(!textareas.contains(reference));
    })
    .await;
}

async fn publish_incident(server: &TestServer, indicators: &str) {
    use lookout_server::incidents::publish::save_within as save;
    use lookout_server::incidents::store::{Content, Publication, new_reference};
    use lookout_server::reports::model::{Mode, ReportForm};
    use lookout_server::reports::store::{Reporter, insert};
    let mut tx = server.state.db.begin_write().await.unwrap();
    let reporter = Reporter::Anonymous {
        receipt_lookup: hex::encode(lookout_server::secrets::random_bytes::<16>().unwrap()),
    };
    let (id, _, _) = insert(
        &mut tx,
        &server.state.key,
        &ReportForm::default(),
        Mode::Anonymous,
        reporter,
        None,
        false,
    )
    .await
    .unwrap();
    let content = Content {
        title: "Fake chart update".into(),
        indicators: indicators.into(),
        class: "malware".into(),
        occurred_on: "2026-11-01".into(),
        tlp: "green".into(),
        ..Content::default()
    };
    let now = lookout_server::db::now();
    let publication = Publication {
        state: "published",
        visible_from: Some(now - 1),
        reporter_org_id: None,
        named_org: None,
    };
    save(
        &mut tx,
        id,
        &new_reference().unwrap(),
        &content,
        &publication,
        now,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn bad_uploads_are_explained_and_leave_nothing() {
    each_backend(async |url| {
        let small = |config: &mut Config| config.analysis_max_upload_mb = 1;
        let data = tempfile::tempdir().unwrap();
        let server = TestServer::start_in(&url, data.path().to_path_buf(), Some(&small)).await;
        let client = member(&server, "Northwind Shipping", "cso@northwind.example").await;

        let (status, _, page) = upload(&server, &client, "empty.bin", b"", "amber").await;
        assert_eq!(status, 422);
        assert!(
            element_text(&page, "upload-problem").is_empty()
                || page.contains("Choose a file to analyse")
        );

        let big = vec![b'A'; 1024 * 1024 + 1];
        let (status, _, page) = upload(&server, &client, "big.bin", &big, "green").await;
        assert_eq!(status, 413);
        assert!(page.contains("up to 1 MiB"), "{page}");
        assert!(
            page.contains("value=\"green\" checked"),
            "the chosen level is kept"
        );

        let (status, _, page) = upload(&server, &client, "x.bin", b"data", "purple").await;
        assert_eq!(status, 422);
        assert!(page.contains("Choose who may see the analysis"));

        // Without the form's token.
        let form = reqwest::multipart::Form::new().text("tlp", "amber").part(
            "file",
            reqwest::multipart::Part::bytes(b"data".to_vec()).file_name("x"),
        );
        let response = client
            .post(server.url("/analysis"))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400);

        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM analyses")
            .fetch_one(&server.state.db.pool)
            .await
            .unwrap();
        let samples: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM analysis_samples")
            .fetch_one(&server.state.db.pool)
            .await
            .unwrap();
        assert_eq!((count, samples), (0, 0));

        // Hostile files are analysed and reported, not fatal.
        let (_, page) = analyse(&server, &client, "bomb.zip", &samples::zip_bomb(), "amber").await;
        assert!(page.contains("decompression bomb"), "{page}");
        let truncated = samples::pdf_with_javascript();
        let (_, page) = analyse(
            &server,
            &client,
            "cut.pdf",
            &truncated[..truncated.len() / 2],
            "amber",
        )
        .await;
        assert!(page.contains("id=\"problems\""), "{page}");
    })
    .await;
}

#[tokio::test]
async fn analysts_add_rules_that_compile_and_are_used() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        let client = member(&server, "Northwind Shipping", "cso@northwind.example").await;
        assert_eq!(get(&client, &server.url("/analysis-rules")).await.0, 403);
        let analyst = analyst(&server).await;

        let broken = "rule Bunker_fraud {\n  strings: $a = \"IBAN change\"\n  condition: $b\n}\n";
        let (status, page) = post_rules(&server, &analyst, "bec.yar", broken, None).await;
        assert_eq!(status, 422);
        assert!(page.contains("bec.yar, line 3"), "{page}");
        assert!(
            page.contains("IBAN change"),
            "the text comes back for fixing"
        );

        let fixed = broken.replace("$b", "$a");
        let (status, _) = post_rules(&server, &analyst, "bec.yar", &fixed, None).await;
        assert_eq!(status, 303);
        // A file chosen instead of pasted text, named after the file.
        let file = b"rule Fake_charts { strings: $u = \"chart-update\" condition: $u }".to_vec();
        let (status, _) = post_rules(&server, &analyst, "", "", Some(("charts.yar", file))).await;
        assert_eq!(status, 303);
        let (_, page) = get(&analyst, &server.url("/analysis-rules")).await;
        assert!(
            page.contains("bec.yar") && page.contains("charts.yar"),
            "{page}"
        );
        assert!(page.contains("<code>eicar.yar</code>: 1 rules"), "{page}");
        let (status, page) = post_rules(
            &server,
            &analyst,
            "",
            "",
            Some(("binary.yar", vec![0xff, 0xfe, 0])),
        )
        .await;
        assert_eq!(status, 422);
        assert!(page.contains("not text"), "{page}");

        let (_, page) = analyse(
            &server,
            &client,
            "mail.txt",
            b"Dear accounts, please note our IBAN change before the bunker payment.",
            "amber",
        )
        .await;
        assert!(page.contains("bec:Bunker_fraud"), "{page}");
        let (_, page) = analyse(
            &server,
            &client,
            "note.txt",
            b"Install the chart-update tool today.",
            "amber",
        )
        .await;
        assert!(page.contains("charts:Fake_charts"), "{page}");
    })
    .await;
}

/// Posts the analysts' rule form as the page does (multipart).
async fn post_rules(
    server: &TestServer,
    client: &reqwest::Client,
    name: &str,
    body: &str,
    file: Option<(&str, Vec<u8>)>,
) -> (u16, String) {
    let (_, page) = get(client, &server.url("/analysis-rules")).await;
    let token = page
        .split("action=\"/analysis-rules?csrf=")
        .nth(1)
        .map(|s| s[..64].to_string())
        .expect("rules form");
    let mut form = reqwest::multipart::Form::new()
        .text("name", name.to_string())
        .text("body", body.to_string());
    if let Some((file_name, bytes)) = file {
        form = form.part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_string()),
        );
    }
    let response = client
        .post(server.url(&format!("/analysis-rules?csrf={token}")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// A process that takes uploads but analyses nothing leaves the queue to
/// another process on the same database.
#[tokio::test]
async fn another_process_analyses_what_one_received() {
    let Ok(base) = std::env::var("LOOKOUT_TEST_DATABASE_URL") else {
        return;
    };
    if base.is_empty() {
        return;
    }
    let url = fresh_postgres(&base).await;
    let data = tempfile::tempdir().unwrap();
    let web_only = |config: &mut Config| config.analysis_workers = 0;
    let front = TestServer::start_in(&url, data.path().to_path_buf(), Some(&web_only)).await;
    let client = member(&front, "Northwind Shipping", "cso@northwind.example").await;
    let (status, location, _) = upload(&front, &client, "test.com", samples::EICAR, "amber").await;
    assert_eq!(status, 303);
    let path = location.unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (_, page) = get(&client, &front.url(&path)).await;
    assert!(page.contains("id=\"pending\""), "no worker here");
    let _back = TestServer::start_in(&url, data.path().to_path_buf(), None).await;
    let page = finished(&front, &client, &path).await;
    assert!(page.contains("EICAR"));
}

/// A worker that died mid-analysis (its process crashed) leaves the job
/// leased; once the lease runs out another worker takes it, and a file
/// that has taken down the analyser too often is failed, not retried.
#[tokio::test]
async fn abandoned_analyses_are_taken_over_and_killers_given_up() {
    each_backend(async |url| {
        let manual = |config: &mut Config| config.analysis_workers = 0;
        let data = tempfile::tempdir().unwrap();
        let server = TestServer::start_in(&url, data.path().to_path_buf(), Some(&manual)).await;
        let client = member(&server, "Northwind Shipping", "cso@northwind.example").await;
        let mut paths = Vec::new();
        for name in ["first.com", "second.com"] {
            let bytes = [samples::EICAR, name.as_bytes()].concat();
            let (status, location, _) = upload(&server, &client, name, &bytes, "amber").await;
            assert_eq!(status, 303);
            paths.push(location.unwrap());
        }
        let past = lookout_server::db::now() - 1;
        let refs: Vec<String> = paths
            .iter()
            .map(|p| p.trim_start_matches("/analysis/").to_string())
            .collect();
        for (reference, attempts) in [(&refs[0], 1), (&refs[1], 3)] {
            sqlx::query("UPDATE analyses SET state = 'running', attempts = $1, lease_until = $2 WHERE ref = $3")
                .bind(attempts)
                .bind(past)
                .bind(reference)
                .execute(&server.state.db.pool)
                .await
                .unwrap();
        }
        let worker = &server.state;
        while lookout_server::analysis::worker::round(worker)
            .await
            .unwrap()
        {}
        let (_, page) = get(&client, &server.url(&paths[0])).await;
        assert!(page.contains("EICAR"), "taken over and finished");
        let (_, page) = get(&client, &server.url(&paths[1])).await;
        assert!(page.contains("id=\"failed\""), "{page}");
        assert!(page.contains("built to crash analysers"));
    })
    .await;
}
