//! Page weight: every page of the demo portal, as each kind of visitor
//! reaches it by following links, is at most 30 KB compressed on the wire
//! (the page with its stylesheet and scripts), arrives compressed, refers
//! to nothing outside the portal, and answers 200.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use lookout_server::demo;
use lookout_testkit::*;

/// The budget for one page and what it loads, compressed.
const BUDGET: usize = 30 * 1024;
/// Pages of one shape (digits and references replaced) visited at most.
const PER_SHAPE: usize = 2;

/// Attribute values that make the browser load or go somewhere.
fn urls_in(html: &str) -> Vec<String> {
    let mut urls = Vec::new();
    for attribute in [
        "href=\"",
        "src=\"",
        "action=\"",
        "srcset=\"",
        "data=\"",
        "formaction=\"",
    ] {
        let mut rest = html;
        while let Some(at) = rest.find(attribute) {
            let after = &rest[at + attribute.len()..];
            let end = after.find('"').unwrap_or(after.len());
            // A link the Markdown renderer wrote from an author's text
            // (an article citing imo.org): the reader may follow it, the
            // page loads nothing from it.
            let tag_rest = &after[end..after.find('>').unwrap_or(after.len()).max(end)];
            let authored_link = attribute == "href=\""
                && rest[..at].ends_with("<a ")
                && tag_rest.contains("rel=\"nofollow noopener noreferrer\"");
            if !authored_link {
                urls.push(after[..end].replace("&amp;", "&"));
            }
            rest = &after[end..];
        }
    }
    let mut rest = html;
    while let Some(at) = rest.find("url(") {
        let after = &rest[at + 4..];
        let end = after.find(')').unwrap_or(after.len());
        urls.push(after[..end].trim_matches(['"', '\'']).to_string());
        rest = &after[end..];
    }
    urls
}

fn is_local(url: &str) -> bool {
    (url.starts_with('/') && !url.starts_with("//"))
        || url.starts_with('#')
        || url.starts_with('?')
        || url.starts_with("data:image/")
}

/// `/incidents/I-3F2A` and `/incidents/I-99B0` are one shape.
fn shape(path: &str) -> String {
    path.split('/')
        .map(|part| {
            if part.bytes().any(|b| b.is_ascii_digit()) {
                "N"
            } else {
                part
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

struct Fetched {
    status: u16,
    html: bool,
    encoding: Option<String>,
    wire: usize,
    body: Vec<u8>,
}

async fn fetch(client: &reqwest::Client, url: &str) -> Fetched {
    let response = client
        .get(url)
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let html = header("content-type").is_some_and(|t| t.starts_with("text/html"));
    let encoding = header("content-encoding");
    let wire = response.bytes().await.unwrap().to_vec();
    let body = if encoding.as_deref() == Some("gzip") {
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&wire[..]), &mut out).unwrap();
        out
    } else {
        wire.clone()
    };
    Fetched {
        status,
        html,
        encoding,
        wire: wire.len(),
        body,
    }
}

/// Follows every same-origin link from `/` as `client` sees the portal;
/// returns each page's weight (page plus its stylesheet and scripts).
async fn crawl(
    server: &TestServer,
    client: &reqwest::Client,
    who: &str,
) -> BTreeMap<String, usize> {
    let mut weights = BTreeMap::new();
    let mut seen = BTreeSet::new();
    let mut shapes: BTreeMap<String, usize> = BTreeMap::new();
    let mut queue = VecDeque::from(["/".to_string()]);
    let mut assets: BTreeMap<String, usize> = BTreeMap::new();
    while let Some(path) = queue.pop_front() {
        let page = fetch(client, &server.url(&path)).await;
        // A page behind sign-in sends a visitor to it (303); nothing else
        // a link leads to may fail.
        assert!(
            page.status == 200 || (page.status == 303 && who == "visitor"),
            "{who}: {path} answered {}",
            page.status
        );
        if !page.html || page.status != 200 {
            continue;
        }
        let html = String::from_utf8(page.body).unwrap();
        if html.len() > 1024 {
            assert_eq!(
                page.encoding.as_deref(),
                Some("gzip"),
                "{who}: {path} not compressed"
            );
        }
        let mut weight = page.wire;
        for url in urls_in(&html) {
            assert!(
                is_local(&url),
                "{who}: {path} refers to {url}, outside the portal"
            );
            let Some(target) = url.strip_prefix('/') else {
                continue;
            };
            let target = format!("/{}", target.split('#').next().unwrap_or_default());
            let loaded = html.contains(&format!("src=\"{url}\""))
                || html.contains(&format!("<link rel=\"stylesheet\" href=\"{url}\""));
            if loaded {
                if !assets.contains_key(&target) {
                    let asset = fetch(client, &server.url(&target)).await;
                    assert_eq!(asset.status, 200, "{who}: {target} on {path}");
                    assets.insert(target.clone(), asset.wire);
                }
                weight += assets[&target];
                continue;
            }
            // Links to follow: pages, not downloads or actions.
            let link = html.contains(&format!("href=\"{url}\""))
                && !target.contains("/attachments/")
                && !target
                    .split('?')
                    .next()
                    .unwrap_or("")
                    .ends_with("/offline.html")
                && !target.starts_with("/static/");
            if link && seen.insert(target.clone()) {
                let count = shapes
                    .entry(shape(target.split('?').next().unwrap_or("")))
                    .or_default();
                if *count < PER_SHAPE {
                    *count += 1;
                    queue.push_back(target);
                }
            }
        }
        assert!(
            weight <= BUDGET,
            "{who}: {path} weighs {weight} bytes compressed with what it loads (budget {BUDGET})"
        );
        weights.insert(path, weight);
    }
    weights
}

#[tokio::test]
async fn every_demo_page_fits_the_budget_and_stays_in_the_portal() {
    let dir = tempfile::tempdir().unwrap();
    let url = &sqlite_url(dir.path());
    let server = TestServer::start(url).await;
    let accounts = demo::seed(&server.state).await.unwrap();
    server
        .user("weigh-analyst@op.example", "analyst", None)
        .await;
    server.user("weigh-admin@op.example", "admin", None).await;
    server.user("weigh-editor@op.example", "editor", None).await;
    server
        .user("weigh-moderator@op.example", "moderator", None)
        .await;

    let mut heaviest = Vec::new();
    let anonymous = browser();
    let mut visitors = vec![("visitor".to_string(), anonymous)];
    for role in ["member", "org-admin"] {
        let account = accounts.iter().find(|a| a.role == role).unwrap();
        let client = browser();
        sign_in(&server, &client, &account.email, &account.password).await;
        visitors.push((role.to_string(), client));
    }
    for (role, email) in [
        ("analyst", "weigh-analyst@op.example"),
        ("admin", "weigh-admin@op.example"),
        ("editor", "weigh-editor@op.example"),
        ("moderator", "weigh-moderator@op.example"),
    ] {
        let client = browser();
        sign_in_enrolling(&server, &client, email).await;
        visitors.push((role.to_string(), client));
    }
    let mut pages = 0;
    for (who, client) in &visitors {
        let weights = crawl(&server, client, who).await;
        assert!(weights.len() >= 3, "{who} reached only {weights:?}");
        // The heaviest pages by design (charts, tables, the world map, the
        // alert settings with every catalogue list) must be among them.
        let statistics: &[&str] = if who == "visitor" {
            &["/stats/public"]
        } else {
            &[
                "/stats",
                "/stats/map",
                "/alerts",
                "/advisories",
                "/forum",
                "/kb",
            ]
        };
        for page in statistics {
            let weight = weights
                .iter()
                .find(|(path, _)| path.split('?').next() == Some(*page))
                .map(|(_, w)| w)
                .unwrap_or_else(|| panic!("{who} never reached {page}: {weights:?}"));
            println!("{who}: {page} {weight} B");
        }
        pages += weights.len();
        let (path, weight) = weights.iter().max_by_key(|(_, w)| **w).unwrap();
        heaviest.push(format!(
            "{who}: {} pages, heaviest {path} {weight} B",
            weights.len()
        ));
    }
    println!("{pages} pages weighed:\n{}", heaviest.join("\n"));
}

#[test]
fn the_crawler_recognises_outside_references() {
    let html = r#"<a href="/incidents?page=2&amp;x=1">n</a><img src="https://cdn.example/x.png">
        <a href="https://www.imo.org/" rel="nofollow noopener noreferrer">IMO</a>
        <a href="https://unmarked.example/">not from an author</a>
        <form action="//evil.example/"></form><p style="background:url('/ok.png')"></p>"#;
    let urls = urls_in(html);
    assert_eq!(
        urls,
        [
            "/incidents?page=2&x=1",
            "https://unmarked.example/",
            "https://cdn.example/x.png",
            "//evil.example/",
            "/ok.png"
        ]
    );
    assert_eq!(urls.iter().filter(|u| is_local(u)).count(), 2);
    assert!(!urls.iter().any(|u| u.contains("imo.org")));
    assert_eq!(shape("/incidents/I-3F2A"), "/incidents/N");
}
