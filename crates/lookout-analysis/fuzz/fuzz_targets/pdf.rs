//! The PDF parser alone: keywords, lopdf's structure, the raw-byte
//! fallback and embedded files, on any bytes, without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    lookout_analysis::fuzzing::pdf(data);
});
