//! The whole analysis with the starter rules: whatever the bytes, it
//! returns, with its lists within their caps and a verdict.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let analysis = lookout_analysis::fuzzing::analyze(data);
    assert_eq!(analysis.size, data.len() as u64);
    assert!(analysis.strings.items.len() <= lookout_analysis::Limits::default().max_strings);
    assert!(!analysis.verdict.summary.is_empty());
});
