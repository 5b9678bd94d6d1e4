//! PE, ELF and Mach-O structure from arbitrary bytes: never panics, never
//! hangs, never allocates by a header's say-so.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    lookout_analysis::fuzzing::executable(data);
});
