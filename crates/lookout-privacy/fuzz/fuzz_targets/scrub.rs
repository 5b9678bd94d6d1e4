//! Scrubs arbitrary UTF-8 and checks the invariants the portal relies on:
//! findings sorted, non-overlapping and in range (in characters); the
//! output is the input with each finding replaced by its placeholder;
//! known names do not survive; a second pass finds nothing new.

#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use lookout_privacy::{KnownNames, NameLists, scrub};

static KNOWN: LazyLock<KnownNames> = LazyLock::new(|| {
    KnownNames::new(NameLists {
        organisations: vec!["Nordkap Shipping".into(), "Acme".into()],
        vessels: vec!["Nordic Star".into()],
        domains: vec!["nordkap-shipping.no".into()],
        people: vec!["Ivan Petrov".into()],
    })
    .expect("fixed lists compile")
});

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let out = scrub(input, &KNOWN);
    let chars: Vec<char> = input.chars().collect();
    let mut rebuilt = String::new();
    let mut at = 0;
    for f in &out.findings {
        assert!(f.start < f.end, "empty finding {f:?}");
        assert!(f.start >= at, "unsorted or overlapping {f:?}");
        assert!(f.end <= chars.len(), "{f:?} past the end");
        rebuilt.extend(&chars[at..f.start]);
        rebuilt.push_str(f.kind.placeholder());
        at = f.end;
    }
    rebuilt.extend(&chars[at..]);
    assert_eq!(rebuilt, out.text);
    let again = scrub(&out.text, &KNOWN);
    assert!(
        again.findings.is_empty(),
        "second pass over {input:?} found {:?} in {:?}",
        again.findings,
        out.text
    );
});
