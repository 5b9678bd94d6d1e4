//! Shared by the integration tests: fixtures, and the promises every parsed
//! feed must keep whatever the input was.
#![allow(dead_code)] // each test binary uses its own subset

use lookout_feeds::{Feed, Limits};

pub fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn unwanted(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// Panics, naming the broken promise, if `feed` breaks one.
pub fn assert_promises(feed: &Feed, limits: &Limits) {
    assert!(
        feed.items.len() <= limits.max_items,
        "{} items",
        feed.items.len()
    );
    assert_text(&feed.title, limits.max_title_chars, "feed title");
    if let Some(link) = &feed.link {
        assert_link(link);
    }
    for item in &feed.items {
        assert_text(&item.title, limits.max_title_chars, "title");
        assert!(
            !item.title.is_empty() || limits.max_title_chars == 0,
            "empty title"
        );
        assert_text(&item.summary, limits.max_summary_chars, "summary");
        assert!(!item.id.is_empty(), "empty id");
        assert!(
            item.id.chars().count() <= 500,
            "id of {} chars",
            item.id.chars().count()
        );
        assert!(
            !item.id.chars().any(unwanted),
            "control char in id {:?}",
            item.id
        );
        assert_eq!(item.id.trim(), item.id, "untrimmed id");
        if let Some(link) = &item.link {
            assert_link(link);
        }
    }
}

pub fn assert_text(s: &str, max: usize, what: &str) {
    assert!(s.chars().count() <= max, "{what} over {max} chars: {s:?}");
    assert!(!s.chars().any(unwanted), "{what} has a control char: {s:?}");
    assert_eq!(s.trim(), s, "{what} not trimmed: {s:?}");
    assert!(!s.contains("  "), "{what} has doubled spaces: {s:?}");
    assert!(
        !s.to_ascii_lowercase().contains("<script"),
        "{what} has <script: {s:?}"
    );
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '<' {
            let next = chars.peek().copied().unwrap_or(' ');
            assert!(
                !(next.is_ascii_alphabetic() || matches!(next, '/' | '!' | '?')),
                "{what} has something that could open a tag: {s:?}"
            );
        }
    }
}

pub fn assert_link(link: &url::Url) {
    assert!(matches!(link.scheme(), "http" | "https"), "{link}");
    assert!(
        link.username().is_empty() && link.password().is_none(),
        "{link}"
    );
    assert!(link.host().is_some(), "{link}");
}
