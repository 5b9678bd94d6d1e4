//! Helpers shared by the property tests.

use lookout_privacy::{KnownNames, scrub};
use proptest::prelude::*;

/// Scrubs `input`, checks that a second pass over the output finds
/// nothing, and returns the output.
pub fn scrub_twice(input: &str) -> Result<String, TestCaseError> {
    let s = scrub(input, &KnownNames::empty());
    let again = scrub(&s.text, &KnownNames::empty());
    prop_assert!(
        again.findings.is_empty(),
        "second pass over {:?} found {:?} in {:?}",
        input,
        again.findings,
        s.text
    );
    Ok(s.text)
}
