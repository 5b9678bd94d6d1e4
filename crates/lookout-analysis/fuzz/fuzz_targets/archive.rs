//! The archive parser alone (zip, gzip, tar, bzip2, xz, members analysed
//! recursively), on any bytes, without panicking or unbounded output.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    lookout_analysis::fuzzing::archive(data);
});
