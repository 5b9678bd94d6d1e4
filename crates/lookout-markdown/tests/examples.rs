//! Worked examples of what users write and what the portal shows.

mod common;

use lookout_markdown::{Limits, MarkdownError, quote, render};

fn html(markdown: &str) -> String {
    let out = render(markdown, &Limits::default()).expect("small input");
    common::check_html(&out.html).expect("output passes the checker");
    out.html
}

#[test]
fn headings_are_demoted_two_levels() {
    assert_eq!(
        html("# One\n## Two\n### Three\n#### Four\n###### Six"),
        "<h3>One</h3>\n<h4>Two</h4>\n<h5>Three</h5>\n<h6>Four</h6>\n<h6>Six</h6>\n"
    );
    assert_eq!(html("Setext\n======"), "<h3>Setext</h3>\n");
}

#[test]
fn emphasis_strong_strikethrough_and_code() {
    assert_eq!(
        html("*a* _b_ **c** ~~d~~ `e < f`"),
        "<p><em>a</em> <em>b</em> <strong>c</strong> <del>d</del> <code>e &lt; f</code></p>\n"
    );
}

#[test]
fn lists_keep_their_structure() {
    assert_eq!(
        html("- a\n- b\n  1. c\n  2. d"),
        "<ul>\n<li>a</li>\n<li>b<ol>\n<li>c</li>\n<li>d</li>\n</ol>\n</li>\n</ul>\n"
    );
    let out = render("3. x\n4. y", &Limits::default()).unwrap();
    assert_eq!(out.plain_text, "3. x\n4. y");
}

#[test]
fn tables_have_no_alignment_styles() {
    let out = render(
        "| CVE | Score |\n|:--|--:|\n| CVE-2026-1 | 9.8 |\n| CVE-2026-2 |",
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(
        out.html,
        "<table>\n<thead><tr><th>CVE</th><th>Score</th></tr></thead>\n<tbody>\n\
         <tr><td>CVE-2026-1</td><td>9.8</td></tr>\n<tr><td>CVE-2026-2</td></tr>\n</tbody></table>\n"
    );
    assert_eq!(out.plain_text, "CVE\tScore\nCVE-2026-1\t9.8\nCVE-2026-2");
}

#[test]
fn code_blocks_keep_content_escaped_and_drop_the_language() {
    assert_eq!(
        html("```html\n<script>alert(\"x\")</script>\n```"),
        "<pre><code>&lt;script&gt;alert(\"x\")&lt;/script&gt;\n</code></pre>\n"
    );
    assert_eq!(
        html("    <b>indented</b>"),
        "<pre><code>&lt;b&gt;indented&lt;/b&gt;</code></pre>\n"
    );
}

#[test]
fn block_quotes() {
    assert_eq!(
        html("> quoted\n>> deeper"),
        "<blockquote>\n<p>quoted</p>\n<blockquote>\n<p>deeper</p>\n</blockquote>\n</blockquote>\n"
    );
}

#[test]
fn links_are_filtered_and_marked() {
    let out = render(
        "[a](https://example.com/x) [b](/advisories/7) [c](//evil.example) <https://example.org> \
         <analyst@example.com> [d](javascript:alert(1)) [e](https://example.com/x)",
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(
        out.html,
        "<p><a href=\"https://example.com/x\" rel=\"nofollow noopener noreferrer\">a</a> \
         <a href=\"/advisories/7\">b</a> c \
         <a href=\"https://example.org/\" rel=\"nofollow noopener noreferrer\">https://example.org</a> \
         <a href=\"mailto:analyst@example.com\" rel=\"nofollow noopener noreferrer\">analyst@example.com</a> \
         d <a href=\"https://example.com/x\" rel=\"nofollow noopener noreferrer\">e</a></p>\n"
    );
    assert_eq!(
        out.links,
        [
            "https://example.com/x",
            "/advisories/7",
            "https://example.org/",
            "mailto:analyst@example.com"
        ]
    );
    assert_eq!(
        out.plain_text,
        "a (https://example.com/x) b (/advisories/7) c https://example.org analyst@example.com d e (https://example.com/x)"
    );
    assert!(!out.html.contains("target"));
}

#[test]
fn images_become_links_or_alt_text() {
    assert_eq!(
        html("![diagram](https://example.com/d.png) ![](/files/a.png) ![bad](javascript:x)"),
        "<p><a href=\"https://example.com/d.png\" rel=\"nofollow noopener noreferrer\">diagram</a> \
         <a href=\"/files/a.png\">/files/a.png</a> bad</p>\n"
    );
    // An image inside a link cannot become a second, nested link.
    assert_eq!(
        html("[![logo](/logo.png)](/home)"),
        "<p><a href=\"/home\">logo</a></p>\n"
    );
}

#[test]
fn same_origin_paths_are_normalised() {
    assert_eq!(
        html("[x](/a/../b?q=1#f) [y](/%2e%2e/c)"),
        "<p><a href=\"/b?q=1#f\">x</a> <a href=\"/c\">y</a></p>\n"
    );
}

#[test]
fn too_large_input_is_refused_with_a_clear_message() {
    let limits = Limits::default();
    let text = "a".repeat(312 * 1024);
    let err = render(&text, &limits).unwrap_err();
    assert_eq!(
        err,
        MarkdownError::TooLarge {
            limit: 200 * 1024,
            got: 312 * 1024
        }
    );
    assert_eq!(
        err.to_string(),
        "The text is 312 KB; the limit is 200 KB. Shorten it or attach a file."
    );
    assert!(render(&"a".repeat(200 * 1024), &limits).is_ok());
}

#[test]
fn deep_nesting_is_flattened() {
    let limits = Limits {
        max_nesting: 3,
        ..Limits::default()
    };
    let out = render("> 1\n> > 2\n> > > 3\n> > > > 4 *em*\n> > > > > 5", &limits).unwrap();
    common::check_html(&out.html).unwrap();
    assert_eq!(out.html.matches("<blockquote>").count(), 3);
    assert!(
        out.html.contains("<p>4 em</p>\n<p>5</p>"),
        "deeper levels become plain paragraphs: {}",
        out.html
    );
    let list = "- a\n  - b\n    - c\n      - d\n        - e";
    let out = render(list, &limits).unwrap();
    common::check_html(&out.html).unwrap();
    assert_eq!(out.html.matches("<ul>").count(), 3);
    assert!(out.html.contains("<p>d</p>\n<p>e</p>"), "{}", out.html);
}

#[test]
fn quote_prefixes_every_line() {
    assert_eq!(quote("a\n\nb\r\nc", 100), "> a\n>\n> b\n> c\n");
    assert_eq!(quote("\n\nonly\n\n", 100), "> only\n");
    assert_eq!(quote("", 100), "");
    assert_eq!(quote("> already quoted", 100), "> > already quoted\n");
}

#[test]
fn quote_is_capped_in_characters() {
    assert_eq!(quote("héllo wörld", 5), "> héllo\n> …\n");
    assert_eq!(quote("abc", 0), "> …\n");
    assert_eq!(quote("abc", 3), "> abc\n");
    // A quote renders as a block quote, code fences included.
    let out = render(&quote("```\n<x>\n```\nafter", 1000), &Limits::default()).unwrap();
    assert_eq!(
        out.html,
        "<blockquote>\n<pre><code>&lt;x&gt;\n</code></pre>\n<p>after</p>\n</blockquote>\n"
    );
}

#[test]
fn rendering_is_deterministic() {
    let text = include_str!("xss-corpus.txt");
    let a = render(text, &Limits::default()).unwrap();
    let b = render(text, &Limits::default()).unwrap();
    assert_eq!(a, b);
    common::check_html(&a.html).unwrap();
}
