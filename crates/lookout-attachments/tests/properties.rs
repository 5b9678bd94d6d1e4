//! Property tests: for any input, `clean` returns (never panics), a cleaned
//! file does not grow absurdly, and cleaning a cleaned file removes nothing
//! more. Inputs are arbitrary bytes, arbitrary bytes behind each parser's
//! magic number, and the real fixtures damaged at random.

mod common;

use common::*;
use lookout_attachments::{Limits, Outcome, clean};
use proptest::prelude::*;

/// What "not absurdly" means: at most twice the input, plus room for a
/// rewritten PDF's or zip's fixed overhead.
fn bounded(input: &[u8], output: &[u8]) -> bool {
    output.len() <= 2 * input.len() + 64 * 1024
}

fn check(input: &[u8]) -> Result<(), TestCaseError> {
    let Ok(first) = clean(input, &Limits::default()) else {
        return Ok(());
    };
    if let Outcome::Cleaned { bytes, removed } = first.outcome {
        prop_assert!(
            bounded(input, &bytes),
            "{} bytes in, {} out",
            input.len(),
            bytes.len()
        );
        let second = clean(&bytes, &Limits::default());
        let second =
            second.map_err(|e| TestCaseError::fail(format!("cleaned output refused: {e}")))?;
        prop_assert_eq!(second.detected.kind, first.detected.kind);
        match second.outcome {
            Outcome::Cleaned { removed: again, .. } => prop_assert!(
                again.is_empty(),
                "second pass removed {:?} (first: {:?})",
                again,
                removed
            ),
            Outcome::AnalystsOnly { reason } => {
                return Err(TestCaseError::fail(format!(
                    "cleaned output not cleanable: {reason}"
                )));
            }
        }
    }
    Ok(())
}

fn fixtures() -> Vec<Vec<u8>> {
    vec![
        jpeg_with_metadata(),
        png_with_metadata(),
        webp_with_metadata(),
        pdf_with_metadata(false),
        pdf_with_metadata(true),
        docx(),
    ]
}

/// One way of damaging a file.
#[derive(Debug, Clone)]
enum Damage {
    Flip { at: usize, mask: u8 },
    Truncate { at: usize },
    Insert { at: usize, bytes: Vec<u8> },
    Remove { at: usize, len: usize },
    Duplicate { at: usize, len: usize },
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        4 => (any::<usize>(), 1u8..).prop_map(|(at, mask)| Damage::Flip { at, mask }),
        1 => any::<usize>().prop_map(|at| Damage::Truncate { at }),
        2 => (any::<usize>(), prop::collection::vec(any::<u8>(), 1..16))
            .prop_map(|(at, bytes)| Damage::Insert { at, bytes }),
        2 => (any::<usize>(), 1usize..64).prop_map(|(at, len)| Damage::Remove { at, len }),
        1 => (any::<usize>(), 1usize..256).prop_map(|(at, len)| Damage::Duplicate { at, len }),
    ]
}

fn apply(mut bytes: Vec<u8>, damages: &[Damage]) -> Vec<u8> {
    for d in damages {
        if bytes.is_empty() {
            break;
        }
        let n = bytes.len();
        match d {
            Damage::Flip { at, mask } => bytes[at % n] ^= mask,
            Damage::Truncate { at } => bytes.truncate(at % n),
            Damage::Insert { at, bytes: more } => {
                let at = at % n;
                bytes.splice(at..at, more.iter().copied());
            }
            Damage::Remove { at, len } => {
                let at = at % n;
                let end = (at + len).min(n);
                bytes.drain(at..end);
            }
            Damage::Duplicate { at, len } => {
                let at = at % n;
                let end = (at + len).min(n);
                let copy = bytes[at..end].to_vec();
                bytes.splice(end..end, copy);
            }
        }
    }
    bytes
}

const MAGICS: &[&[u8]] = &[
    b"\xFF\xD8\xFF",
    b"\x89PNG\r\n\x1a\n",
    b"RIFF\x40\0\0\0WEBPVP8X",
    b"%PDF-1.7\n",
    b"PK\x03\x04",
];

proptest! {
    // PROPTEST_CASES overrides the default for a longer local run.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_bytes(input in prop::collection::vec(any::<u8>(), 0..2048)) {
        check(&input)?;
    }

    #[test]
    fn arbitrary_bytes_behind_a_magic_number(
        magic in prop::sample::select(MAGICS),
        rest in prop::collection::vec(any::<u8>(), 0..2048),
    ) {
        check(&[magic, rest.as_slice()].concat())?;
    }

    #[test]
    fn damaged_fixtures(
        which in 0usize..6,
        damages in prop::collection::vec(damage(), 1..4),
    ) {
        let input = apply(fixtures().swap_remove(which), &damages);
        check(&input)?;
    }
}
