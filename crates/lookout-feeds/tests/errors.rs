//! What an editor who pasted the wrong thing is told.

mod common;

use common::fixture;
use lookout_feeds::{FeedError, Limits, parse};

fn err(bytes: &[u8]) -> FeedError {
    match parse(bytes, &Limits::default()) {
        Ok(feed) => panic!("parsed: {feed:?}"),
        Err(e) => e,
    }
}

#[test]
fn too_large_is_refused_unread_with_sizes_in_mb() {
    let bytes = vec![b' '; 5_557_453];
    let e = err(&bytes);
    assert_eq!(
        e.to_string(),
        "The feed is 5.3 MB; Lookout reads at most 2 MB of a feed. Ask the publisher for a \
         shorter feed or a category feed."
    );
    let small = Limits {
        max_bytes: 100,
        ..Limits::default()
    };
    assert!(matches!(
        parse(&fixture("rdf.xml"), &small),
        Err(FeedError::TooLarge { limit: 100, .. })
    ));
}

#[test]
fn web_page_is_named_as_one() {
    let e = err(&fixture("html-page.html"));
    assert_eq!(
        e.to_string(),
        "The document is <html>, not an RSS or Atom feed: the address may be a web page; look \
         for its RSS or Atom link."
    );
    // Lower-case doctype, and pages that are not even well-formed XML.
    assert_eq!(err(b"<!doctype html><html><meta charset=utf-8><p>hi"), e);
    assert_eq!(err(b"\n\n<HTML><BODY><BR></BODY></HTML>"), e);
}

#[test]
fn other_xml_documents_name_their_root() {
    let e = err(b"<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url/></urlset>");
    assert_eq!(
        e,
        FeedError::NotAFeed {
            root: "urlset".into()
        }
    );
    assert!(
        e.to_string()
            .starts_with("The document is <urlset>, not an RSS or Atom feed")
    );
    let e = err(b"<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"/>");
    assert_eq!(
        e,
        FeedError::NotAFeed {
            root: "soap:Envelope".into()
        }
    );
}

#[test]
fn broken_xml_says_where() {
    let doc = b"<rss>\n<channel>\n  <item></title>\n</channel></rss>";
    let e = err(doc);
    let FeedError::NotXml { line, column, .. } = &e else {
        panic!("{e:?}")
    };
    assert_eq!((*line, *column), (3, 9));
    let text = e.to_string();
    assert!(
        text.starts_with("This is not well-formed XML (line 3, column 9): "),
        "{text}"
    );
    assert!(text.contains("</title>"), "{text}");
    assert!(text.ends_with("Check that the address is the feed itself, not a web page; if it is, tell the publisher their feed is broken."), "{text}");
}

#[test]
fn text_and_json_are_not_feeds() {
    let e = err(b"Service temporarily unavailable");
    assert!(
        matches!(
            e,
            FeedError::NotXml {
                line: 1,
                column: 1,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(
        err(b"  {\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": []}"),
        FeedError::Json
    );
}

#[test]
fn empty_documents() {
    for doc in [
        &b""[..],
        b"   \r\n\t",
        b"\xEF\xBB\xBF",
        b"<?xml version=\"1.0\"?>\n<!-- nothing -->",
    ] {
        assert_eq!(err(doc), FeedError::Empty, "{doc:?}");
    }
    assert!(FeedError::Empty.to_string().contains("try again later"));
}

#[test]
fn truncated_download() {
    let e = err(&fixture("truncated.xml"));
    assert_eq!(
        e,
        FeedError::Truncated {
            line: 14,
            column: 39
        }
    );
    assert!(
        e.to_string()
            .starts_with("The feed stops in the middle (line 14, column 39)")
    );
    // Cut inside a tag, a comment, an attribute.
    for doc in [
        &b"<rss><channel><ite"[..],
        b"<rss><!-- x",
        b"<rss><channel><item><guid isPermaLink=\"fal",
    ] {
        assert!(
            matches!(err(doc), FeedError::Truncated { .. }),
            "{:?}",
            String::from_utf8_lossy(doc)
        );
    }
}

#[test]
fn billion_laughs_is_refused_before_any_expansion() {
    let e = err(&fixture("billion-laughs.xml"));
    assert!(
        matches!(e, FeedError::EntityDeclaration { line: 13, .. }),
        "{e:?}"
    );
    assert!(e.to_string().contains("Lookout never expands them"));
    // External entity (XXE) and a stray <!ENTITY> outside a DOCTYPE.
    let xxe = b"<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><rss><channel><title>&x;</title></channel></rss>";
    assert!(matches!(err(xxe), FeedError::EntityDeclaration { .. }));
    let stray = b"<rss><!ENTITY x \"y\"><channel/></rss>";
    assert!(
        matches!(err(stray), FeedError::EntityDeclaration { .. }),
        "{:?}",
        err(stray)
    );
}

#[test]
fn over_deep_nesting_is_refused() {
    let e = err(&fixture("over-deep.xml"));
    assert!(
        matches!(
            e,
            FeedError::TooDeep {
                limit: 32,
                line: 2,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(
        e.to_string()
            .starts_with("The feed nests elements more than 32 deep (line 2, column ")
    );
    // Exactly at the limit is fine.
    let limits = Limits {
        max_depth: 5,
        ..Limits::default()
    };
    let ok = b"<rss><channel><item><description><b>x</b></description></item></channel></rss>";
    assert!(parse(ok, &limits).is_ok());
    let deeper =
        b"<rss><channel><item><description><b><i>x</i></b></description></item></channel></rss>";
    assert!(matches!(
        parse(deeper, &limits),
        Err(FeedError::TooDeep { limit: 5, .. })
    ));
}

#[test]
fn namespace_floods_are_refused() {
    let mut doc = String::from("<rss");
    for i in 0..65 {
        doc.push_str(&format!(" xmlns:p{i}=\"urn:{i}\""));
    }
    doc.push_str("><channel/></rss>");
    assert!(matches!(
        err(doc.as_bytes()),
        FeedError::TooManyNamespaces { limit: 64, .. }
    ));
    // Spread over nesting levels, still counted.
    let nested = "<rss xmlns:a0=\"u\"><channel xmlns:a1=\"u\" xmlns:a2=\"u\">".to_owned()
        + &"<x xmlns:b=\"u\" xmlns:c=\"u\" xmlns:d=\"u\" xmlns:e=\"u\">".repeat(20);
    assert!(matches!(
        err(nested.as_bytes()),
        FeedError::TooManyNamespaces { .. }
    ));
}

#[test]
fn unknown_encodings_are_named() {
    let e = err(b"<?xml version=\"1.0\" encoding=\"EBCDIC-CP-US\"?><rss/>");
    assert_eq!(
        e,
        FeedError::UnsupportedEncoding {
            label: "EBCDIC-CP-US".into()
        }
    );
    assert_eq!(
        e.to_string(),
        "The feed is written in the character encoding \u{201c}EBCDIC-CP-US\u{201d}, which \
         Lookout cannot read. Ask the publisher to serve the feed as UTF-8."
    );
    assert!(matches!(
        err(b"\xFF\xFE\x00\x00<\x00\x00\x00"),
        FeedError::UnsupportedEncoding { .. }
    ));
}

#[test]
fn every_message_tells_the_editor_what_to_do() {
    let errors = [
        FeedError::Empty,
        FeedError::TooLarge {
            size: 3 << 20,
            limit: 2 << 20,
        },
        FeedError::UnsupportedEncoding { label: "x".into() },
        FeedError::NotXml {
            line: 1,
            column: 1,
            detail: "d".into(),
        },
        FeedError::Truncated { line: 1, column: 1 },
        FeedError::NotAFeed {
            root: "html".into(),
        },
        FeedError::Json,
        FeedError::TooDeep {
            limit: 32,
            line: 1,
            column: 1,
        },
        FeedError::TooManyNamespaces {
            limit: 64,
            line: 1,
            column: 1,
        },
        FeedError::EntityDeclaration { line: 1, column: 1 },
    ];
    for e in errors {
        let text = e.to_string();
        let advice = [
            "Ask the publisher",
            "Check that the address",
            "look for",
            "Look for",
            "Try again",
            "try again",
        ];
        assert!(
            advice.iter().any(|a| text.contains(a)),
            "no advice in {text:?}"
        );
        assert!(text.ends_with('.'), "{text:?}");
    }
}

#[test]
fn external_dtds_are_fine_even_with_brackets_in_their_address() {
    let doc = b"<!DOCTYPE rss SYSTEM \"http://old.example/dtd[1].dtd\"><rss><channel><title>t</title></channel></rss>";
    assert_eq!(parse(doc, &Limits::default()).unwrap().title, "t");
}
