//! Scrubs arbitrary UTF-8 and checks the invariants the portal relies on:
//! findings sorted, non-overlapping and in range (in characters); the
//! output is the input with each finding replaced by its placeholder;
//! known names do not survive; a second pass finds nothing new. The first
//! line also plays a report's indicators field: the attacker's addresses
//! it lists are kept, and the same invariants hold.

#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use lookout_privacy::{Kind, KnownNames, NameLists, Scrubbed, scrub, scrub_keeping};

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
    check(input, "", &scrub(input, &KNOWN));
    let indicators = input.lines().next().unwrap_or("");
    check(input, indicators, &scrub_keeping(input, &KNOWN, indicators));
});

fn check(input: &str, indicators: &str, out: &Scrubbed) {
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
    // An attacker's address kept because a genuine look-alike stood
    // beside it may go on a second pass, once that one is a placeholder:
    // more is removed, never less. Nothing else may change.
    let again = scrub_keeping(&out.text, &KNOWN, indicators);
    assert!(
        again
            .findings
            .iter()
            .all(|f| matches!(f.kind, Kind::Email | Kind::Domain)),
        "second pass over {input:?} found {:?} in {:?}",
        again.findings,
        out.text
    );
}
