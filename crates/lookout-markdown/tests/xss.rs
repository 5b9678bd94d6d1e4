//! Every payload in `xss-corpus.txt` renders to output with no script, no
//! event handler, no dangerous URL and no element outside the allow-list.

mod common;

use lookout_markdown::{Limits, render};

fn corpus() -> Vec<String> {
    include_str!("xss-corpus.txt")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.replace("\\n", "\n").replace("\\t", "\t"))
        .collect()
}

const FORBIDDEN_ELEMENTS: &[&str] = &[
    "<img",
    "<iframe",
    "<object",
    "<embed",
    "<style",
    "<form",
    "<svg",
    "<math",
    "<base",
    "<meta",
    "<link",
    "<input",
    "<textarea",
    "<noscript",
    "<video",
    "<source",
    "<details",
    "<body",
    "<title",
    "<xmp",
    "<listing",
    "<div",
];

#[test]
fn corpus_is_large_enough() {
    assert!(corpus().len() >= 60, "{}", corpus().len());
}

#[test]
fn every_payload_is_neutralised() {
    let limits = Limits::default();
    let mut failures = Vec::new();
    for payload in corpus() {
        let out = render(&payload, &limits).expect("payloads are small");
        let lower = out.html.to_ascii_lowercase();
        let mut problems = Vec::new();
        let hrefs = common::check_html(&out.html).unwrap_or_else(|e| {
            problems.push(e);
            Vec::new()
        });
        for element in FORBIDDEN_ELEMENTS {
            if lower.contains(element) {
                problems.push(format!("contains {element}"));
            }
        }
        for href in &hrefs {
            let squashed: String = href
                .to_ascii_lowercase()
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect();
            for scheme in ["javascript:", "data:", "vbscript:", "file:"] {
                if squashed.contains(scheme) {
                    problems.push(format!("href {href:?} contains {scheme}"));
                }
            }
        }
        for link in &out.links {
            if !common::href_allowed(link) || !hrefs.contains(link) {
                problems.push(format!("bad entry in links: {link:?}"));
            }
        }
        if !problems.is_empty() {
            failures.push(format!(
                "payload {payload:?}\n  html {:?}\n  {}",
                out.html,
                problems.join("; ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn raw_html_is_shown_as_text() {
    let out = render("<script>alert(1)</script>", &Limits::default()).unwrap();
    assert!(
        out.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{}",
        out.html
    );
    assert_eq!(out.plain_text, "<script>alert(1)</script>");

    let out = render("a <b onclick=x>b</b> c", &Limits::default()).unwrap();
    assert_eq!(
        out.html, "<p>a &lt;b onclick=x&gt;b&lt;/b&gt; c</p>\n",
        "inline HTML is escaped, not dropped"
    );
}

#[test]
fn refused_links_keep_their_text() {
    let out = render("[click here](javascript:alert(1))", &Limits::default()).unwrap();
    assert_eq!(out.html, "<p>click here</p>\n");
    assert!(out.links.is_empty());
}

#[test]
fn checker_rejects_unsafe_html() {
    for bad in [
        "<img src=\"x\">",
        "<p onclick=\"x\">a</p>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a href=\"//evil.example/\">x</a>",
        "<a href=\"https://example.com/\">no rel</a>",
        "<p>unclosed",
        "<em><strong>x</em></strong>",
        "<script>alert(1)</script>",
        "<h1>page heading</h1>",
    ] {
        assert!(common::check_html(bad).is_err(), "{bad}");
    }
    assert!(common::check_html("<p>a <a href=\"/x\">b</a><br>&lt;c&gt;</p>").is_ok());
}
