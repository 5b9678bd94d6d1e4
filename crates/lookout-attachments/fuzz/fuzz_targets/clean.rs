//! Cleans arbitrary bytes and checks what the portal relies on: `clean`
//! returns; a cleaned file is not much larger than the original, has the
//! same detected kind, and cleaning it again removes nothing more.
//!
//! The interesting inputs are damaged pictures, PDFs and Office files: seed
//! the corpus with real ones (`fuzz/corpus/clean/`, not committed).
//!
//! lopdf runs under `catch_unwind` inside the crate, and a panic there is an
//! expected outcome ("kept for analysts"). libfuzzer-sys's panic hook would
//! abort on it all the same, so `init` puts the default hook back: a panic
//! that escapes `clean` still unwinds into libfuzzer-sys, which reports it
//! as a crash.

#![no_main]

use libfuzzer_sys::fuzz_target;
use lookout_attachments::{Limits, Outcome, clean};

fuzz_target!(
    init: {
        let _ = std::panic::take_hook();
    },
    |data: &[u8]| {
        let limits = Limits::default();
        let Ok(first) = clean(data, &limits) else {
            return;
        };
        let Outcome::Cleaned { bytes, .. } = first.outcome else {
            return;
        };
        assert!(
            bytes.len() <= 2 * data.len() + 64 * 1024,
            "{} bytes became {}",
            data.len(),
            bytes.len()
        );
        let second = clean(&bytes, &limits).expect("a cleaned file is accepted");
        assert_eq!(second.detected.kind, first.detected.kind);
        match second.outcome {
            Outcome::Cleaned { removed, .. } => {
                assert!(removed.is_empty(), "second pass removed {removed:?}");
            }
            Outcome::AnalystsOnly { reason } => panic!("cleaned output not cleanable: {reason}"),
        }
    }
);
