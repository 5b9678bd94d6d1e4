//! Replays every committed fuzz seed (fuzz/seeds/parse) so that CI checks
//! them without cargo-fuzz; a crash the fuzzer found, once saved there,
//! stays fixed.

mod common;

use common::assert_promises;
use lookout_feeds::{Limits, parse};

#[test]
fn every_seed_parses_without_breaking_a_promise() {
    let dir = format!("{}/fuzz/seeds/parse", env!("CARGO_MANIFEST_DIR"));
    let mut seen = 0;
    let mut parsed = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{dir}: {e}")) {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        seen += 1;
        for limits in [
            Limits::default(),
            Limits {
                max_items: 1,
                max_title_chars: 4,
                max_summary_chars: 4,
                max_depth: 4,
                ..Limits::default()
            },
        ] {
            let result = parse(&bytes, &limits);
            if let Ok(feed) = &result {
                assert_promises(feed, &limits);
                parsed += 1;
            }
            assert_eq!(result, parse(&bytes, &limits), "{}", path.display());
        }
    }
    // The fixtures are the seeds: if they vanish, this test must not pass
    // by checking nothing.
    assert!(seen >= 10, "only {seen} seeds in {dir}");
    assert!(parsed >= 6, "only {parsed} seed parses succeeded");
}
