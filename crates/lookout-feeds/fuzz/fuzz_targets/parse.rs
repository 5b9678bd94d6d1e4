//! Any bytes given to `parse` return a result, never panic, and what comes
//! back keeps the crate's promises: bounded plain text without controls or
//! anything that could open a tag, http(s) links only, bounded ids, the
//! same result twice.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lookout_feeds::{Limits, parse};

fn unwanted(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

fn check_text(s: &str, max: usize) {
    assert!(s.chars().count() <= max, "{s:?}");
    assert!(!s.chars().any(unwanted), "{s:?}");
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '<' {
            let next = chars.peek().copied().unwrap_or(' ');
            assert!(
                !(next.is_ascii_alphabetic() || matches!(next, '/' | '!' | '?')),
                "{s:?}"
            );
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let small = Limits {
        max_bytes: 64 * 1024,
        max_items: 3,
        max_title_chars: 12,
        max_summary_chars: 20,
        max_depth: 6,
    };
    for limits in [Limits::default(), small] {
        let result = parse(data, &limits);
        assert_eq!(result, parse(data, &limits));
        let Ok(feed) = result else { continue };
        assert!(feed.items.len() <= limits.max_items);
        check_text(&feed.title, limits.max_title_chars);
        for link in feed
            .link
            .iter()
            .chain(feed.items.iter().filter_map(|i| i.link.as_ref()))
        {
            assert!(matches!(link.scheme(), "http" | "https"), "{link}");
            assert!(
                link.username().is_empty() && link.password().is_none(),
                "{link}"
            );
        }
        for item in &feed.items {
            check_text(&item.title, limits.max_title_chars);
            check_text(&item.summary, limits.max_summary_chars);
            assert!(
                !item.id.is_empty() && item.id.chars().count() <= 500,
                "{:?}",
                item.id
            );
            assert!(!item.id.chars().any(unwanted), "{:?}", item.id);
        }
    }
});
