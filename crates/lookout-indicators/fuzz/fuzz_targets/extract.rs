//! Any text given to `extract` returns, never panics, stays within the
//! per-kind caps, every typed indicator parses back to itself, and every look-up key that is a valid watchlist entry is
//! one the mentions match.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lookout_indicators::{
    EntryKind, MAX_LOOKUP_KEYS, MAX_MENTIONS_PER_KIND, Observable, extract, parse_entry,
};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mentions = extract(text);
    for len in [
        mentions.imos().len(),
        mentions.mmsis().len(),
        mentions.ips().len(),
        mentions.domains().len(),
        mentions.emails().len(),
        mentions.email_domains().len(),
    ] {
        assert!(len <= MAX_MENTIONS_PER_KIND);
    }
    let keys = mentions.lookup_keys();
    assert!(keys.len() <= MAX_LOOKUP_KEYS);
    for (kind, key) in &keys {
        assert_ne!(*kind, EntryKind::Cidr);
        if let Ok(entry) = parse_entry(*kind, key) {
            assert_eq!(entry.as_str(), key);
            assert!(mentions.matches(&entry), "{kind:?} {key:?}");
        }
    }
    for domain in mentions.domains() {
        if let Ok(entry) = parse_entry(EntryKind::Domain, domain) {
            assert!(mentions.matches(&entry), "{domain:?}");
        }
    }
    for observable in mentions.observables() {
        let again = Observable::parse(observable.kind(), observable.value());
        assert_eq!(again.as_ref(), Ok(&observable), "{text:?}");
    }
});
