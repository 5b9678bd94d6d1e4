//! Any search text given to `parse_observable`, and any value given to
//! `Observable::parse` (first byte picks the kind), returns, never panics,
//! and an accepted value's canonical text parses back to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lookout_indicators::{Observable, ObservableKind, parse_observable};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(input) = std::str::from_utf8(rest) else {
        return;
    };
    let kind = ObservableKind::ALL[usize::from(selector) % ObservableKind::ALL.len()];
    for parsed in [Observable::parse(kind, input), parse_observable(input)] {
        match parsed {
            Ok(value) => {
                let again = Observable::parse(value.kind(), value.value());
                assert_eq!(again.as_ref(), Ok(&value), "{input:?}");
            }
            Err(error) => assert!(!error.to_string().is_empty()),
        }
    }
});
