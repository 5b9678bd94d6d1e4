//! Any input given to `parse_entry` (first byte picks the kind) returns,
//! never panics, and an accepted entry's canonical text parses back to the
//! same entry. `parse_entries` on the same text never panics either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lookout_indicators::{Entry, EntryKind, parse_entries, parse_entry};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(input) = std::str::from_utf8(rest) else {
        return;
    };
    let kind = EntryKind::ALL[usize::from(selector) % EntryKind::ALL.len()];
    match parse_entry(kind, input) {
        Ok(entry) => {
            assert_eq!(entry.kind(), kind);
            let again = Entry::from_canonical(kind, &entry.canonical());
            assert_eq!(again.as_ref(), Ok(&entry), "{input:?}");
        }
        Err(error) => assert!(!error.to_string().is_empty()),
    }
    let _ = parse_entries(kind, input);
});
