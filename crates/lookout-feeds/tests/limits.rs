//! Item counts and the `truncated` flag, on generated feeds.

mod common;

use common::assert_promises;
use lookout_feeds::{FeedKind, Limits, parse};

fn rss_with(items: usize) -> String {
    let mut doc =
        String::from("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Many</title>");
    for i in 0..items {
        doc.push_str(&format!(
            "<item><title>Notice {i}</title><link>/n/{i}</link><guid isPermaLink=\"false\">item-{i}</guid>\
             <pubDate>Mon, 01 Jan 2024 00:00:00 GMT</pubDate><description>&lt;p&gt;Body {i}&lt;/p&gt;</description></item>"
        ));
    }
    // The channel link after the items: links wait for it.
    doc.push_str("<link>https://many.example/</link></channel></rss>");
    doc
}

#[test]
fn a_thousand_items_keep_the_first_two_hundred() {
    let limits = Limits::default();
    let feed = parse(rss_with(1000).as_bytes(), &limits).unwrap();
    assert_promises(&feed, &limits);
    assert!(feed.truncated);
    assert_eq!(feed.items.len(), 200);
    for (i, item) in feed.items.iter().enumerate() {
        assert_eq!(item.id, format!("item-{i}"));
        assert_eq!(item.title, format!("Notice {i}"));
        assert_eq!(item.summary, format!("Body {i}"));
        assert_eq!(item.published, Some(1_704_067_200));
        assert_eq!(
            item.link.as_ref().map(url::Url::as_str),
            Some(format!("https://many.example/n/{i}").as_str())
        );
    }
}

#[test]
fn truncated_only_when_items_were_dropped() {
    let limits = Limits::default();
    let exact = parse(rss_with(200).as_bytes(), &limits).unwrap();
    assert_eq!((exact.items.len(), exact.truncated), (200, false));
    let one_more = parse(rss_with(201).as_bytes(), &limits).unwrap();
    assert_eq!((one_more.items.len(), one_more.truncated), (200, true));
    let all = Limits {
        max_items: 1000,
        ..Limits::default()
    };
    let feed = parse(rss_with(1000).as_bytes(), &all).unwrap();
    assert_eq!((feed.items.len(), feed.truncated), (1000, false));
    let none = Limits {
        max_items: 0,
        ..Limits::default()
    };
    let feed = parse(rss_with(3).as_bytes(), &none).unwrap();
    assert_eq!(
        (feed.items.len(), feed.truncated, feed.title.as_str()),
        (0, true, "Many")
    );
}

#[test]
fn atom_entries_are_counted_too() {
    let mut doc = String::from("<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>A</title>");
    for i in 0..1000 {
        doc.push_str(&format!("<entry><id>urn:e:{i}</id><title>E{i}</title><updated>2024-01-01T00:00:00Z</updated></entry>"));
    }
    doc.push_str("</feed>");
    let limits = Limits {
        max_items: 50,
        ..Limits::default()
    };
    let feed = parse(doc.as_bytes(), &limits).unwrap();
    assert_eq!(feed.kind, FeedKind::Atom);
    assert_eq!(feed.items.len(), 50);
    assert!(feed.truncated);
    assert_eq!(feed.items[49].id, "urn:e:49");
}

#[test]
fn items_after_the_limit_must_still_be_well_formed() {
    let mut doc = rss_with(300);
    doc.truncate(doc.len() - "</channel></rss>".len());
    doc.push_str("<item><title>broken</item></channel></rss>");
    assert!(parse(doc.as_bytes(), &Limits::default()).is_err());
}
