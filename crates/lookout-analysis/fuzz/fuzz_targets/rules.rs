//! Rule files as analysts upload them: boreal compiles them or lists the
//! errors; no text panics or hangs the compiler.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    lookout_analysis::fuzzing::rules(data);
});
