//! Properties over arbitrary and mutated input: `parse` never panics, and
//! whatever it returns keeps the crate's promises (see `common`).

mod common;

use common::{assert_promises, fixture};
use lookout_feeds::{Limits, parse};
use proptest::prelude::*;

const FIXTURES: &[&str] = &[
    "rss2-maritime.xml",
    "atom.xml",
    "rdf.xml",
    "windows-1252.xml",
    "utf16le-bom.xml",
    "hostile.xml",
    "html-page.html",
    "truncated.xml",
    "billion-laughs.xml",
    "over-deep.xml",
];

/// Pieces that steer mutations towards the parser's interesting corners.
const SNIPPETS: &[&str] = &[
    "<",
    "</",
    ">",
    "/>",
    "&",
    ";",
    "&#",
    "&#x0;",
    "&#1;",
    "&amp;",
    "&lt;",
    "&nbsp;",
    "&lt;script&gt;",
    "&amp;lt;script&amp;gt;",
    "<script>",
    "</script>",
    "<SCRIPT ",
    "<style>",
    "<![CDATA[",
    "]]>",
    "<!--",
    "-->",
    "<!DOCTYPE x [",
    "<!ENTITY a \"b\">",
    "<?xml version=\"1.0\"?>",
    "\"",
    "'",
    "=",
    " xmlns=\"http://www.w3.org/2005/Atom\"",
    " xmlns:a=\"urn:a\"",
    "<item>",
    "</item>",
    "<entry>",
    "</entry>",
    "<title>",
    "</title>",
    "<description>",
    "</description>",
    "<link>",
    "</link>",
    "<guid>",
    "javascript:",
    "data:",
    "https://u:p@x.example/",
    "\u{0}",
    "\u{7}",
    "\u{202E}",
    "\u{FEFF}",
    "\u{FFFF}",
    " type=\"html\"",
    " type=\"xhtml\"",
    "<div>",
    "<p>",
    " xml:base=\"javascript:x//\"",
];

#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Delete(usize, usize),
    Insert(usize, usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<usize>(), 1usize..64).prop_map(|(i, n)| Mutation::Delete(i, n)),
        (any::<usize>(), 0..SNIPPETS.len()).prop_map(|(i, s)| Mutation::Insert(i, s)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn mutate(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let len = bytes.len().max(1);
        match *m {
            Mutation::Flip(i, b) => {
                if let Some(x) = bytes.get_mut(i % len) {
                    *x ^= b;
                }
            }
            Mutation::Delete(i, n) => {
                let at = (i % len).min(bytes.len());
                let end = (at + n).min(bytes.len());
                bytes.drain(at..end);
            }
            Mutation::Insert(i, s) => {
                let at = (i % len).min(bytes.len());
                bytes.splice(at..at, SNIPPETS[s].bytes());
            }
            Mutation::Truncate(i) => bytes.truncate(i % len),
        }
    }
    bytes
}

fn small_limits() -> Limits {
    Limits {
        max_bytes: 64 * 1024,
        max_items: 3,
        max_title_chars: 12,
        max_summary_chars: 20,
        max_depth: 6,
    }
}

/// Parses with both limit sets, checks the promises, and that a second
/// parse of the same bytes gives the very same feed.
fn check(bytes: &[u8]) {
    for limits in [Limits::default(), small_limits()] {
        let first = parse(bytes, &limits);
        if let Ok(feed) = &first {
            assert_promises(feed, &limits);
        }
        if let Err(e) = &first {
            let text = e.to_string();
            assert!(!text.chars().any(char::is_control), "{text:?}");
            assert!(text.len() < 1000, "{text:?}");
        }
        assert_eq!(first, parse(bytes, &limits), "two parses differ");
    }
}

/// XML-escapes generated text so that the document stays well-formed.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

const WORDS: &[&str] = &[
    "tanker",
    "Hafen",
    "piraterie",
    "港口",
    "ship",
    "5",
    "<",
    ">",
    "&",
    "<b>",
    "</b>",
    "<script>alert(1)</script>",
    "<p>",
    "&amp;",
    "&nbsp;",
    "&#x1F6A2;",
    "&lt;script&gt;",
    "\u{0}",
    "\u{1b}[31m",
    "\u{202E}",
    "\t",
    "\n",
    "<!--",
    "-->",
    "<style>x</style>",
    "<a href=\"javascript:x\">",
    "é",
    "&bogus;",
    "<img src=x onerror=y>",
];

fn text_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec(0..WORDS.len(), 0..40).prop_map(|ws| {
        ws.into_iter()
            .map(|i| WORDS[i])
            .collect::<Vec<_>>()
            .join(" ")
    })
}

/// 512 cases unless PROPTEST_CASES says otherwise (a long soak, say).
fn config() -> ProptestConfig {
    let mut config = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = 512;
    }
    config
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        check(&bytes);
    }

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,600}") {
        check(s.as_bytes());
        check(format!("<rss><channel><item><description>{s}</description></item></channel></rss>").as_bytes());
    }

    #[test]
    fn mutated_fixtures_keep_the_promises(
        which in 0..FIXTURES.len(),
        mutations in prop::collection::vec(mutation(), 1..8),
    ) {
        check(&mutate(fixture(FIXTURES[which]), &mutations));
    }

    #[test]
    fn generated_feeds_read_back(
        items in prop::collection::vec((text_strategy(), text_strategy(), any::<bool>()), 0..8),
        atom in any::<bool>(),
    ) {
        let mut doc = String::new();
        if atom {
            doc.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>g</title>");
            for (title, summary, html) in &items {
                let kind = if *html { "html" } else { "text" };
                doc.push_str(&format!(
                    "<entry><title type=\"{kind}\">{}</title><summary type=\"{kind}\">{}</summary></entry>",
                    escape(title), escape(summary)
                ));
            }
            doc.push_str("</feed>");
        } else {
            doc.push_str("<rss version=\"2.0\"><channel><title>g</title>");
            for (title, summary, cdata) in &items {
                let summary = if *cdata && !summary.contains("]]>") {
                    format!("<![CDATA[{summary}]]>")
                } else {
                    escape(summary)
                };
                doc.push_str(&format!("<item><title>{}</title><description>{summary}</description></item>", escape(title)));
            }
            doc.push_str("</channel></rss>");
        }
        let limits = Limits::default();
        let feed = parse(doc.as_bytes(), &limits).expect("generated feeds are well-formed");
        assert_promises(&feed, &limits);
        prop_assert_eq!(feed.items.len(), items.len());
        // Script contents are dropped wherever the text is HTML: everywhere
        // in RSS, and in Atom `type="html"`.
        for (item, (_, _, html)) in feed.items.iter().zip(&items) {
            if !atom || *html {
                prop_assert!(!item.title.contains("alert(1)"), "{:?}", item.title);
                prop_assert!(!item.summary.contains("alert(1)"), "{:?}", item.summary);
            }
        }

        // Same ids on a second fetch, and whatever the text limits.
        let ids: Vec<_> = feed.items.iter().map(|i| i.id.clone()).collect();
        let again = parse(doc.as_bytes(), &small_limits()).unwrap();
        let again: Vec<_> = again.items.iter().map(|i| i.id.clone()).collect();
        prop_assert_eq!(&ids[..again.len()], &again[..]);
    }

    #[test]
    fn plain_words_come_through_unchanged(words in prop::collection::vec("[a-zA-Z0-9]{1,12}", 1..30)) {
        let text = words.join(" \n\t ");
        let doc = format!("<rss><channel><item><title>{text}</title><description>{text}</description></item></channel></rss>");
        let feed = parse(doc.as_bytes(), &Limits::default()).unwrap();
        let expected = words.join(" ");
        prop_assert_eq!(&feed.items[0].summary, &expected);
        prop_assert_eq!(&feed.items[0].title, &expected);
    }
}
