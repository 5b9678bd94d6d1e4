//! Memory: an Office package that unpacks to far more than it weighs must
//! be cleaned, or set aside, without holding what it unpacks to.
//!
//! The counting allocator below serves every allocation of this test
//! binary (one binary per file in `tests/`), so the tests here take turns
//! and measure the peak above what was held when they started.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{Cursor, Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

use common::*;
use lookout_attachments::{Cleaned, Kind, Limits, Outcome, clean};
use zip::write::SimpleFileOptions;

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = CURRENT.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is passed on to the system allocator unchanged; the
// counters are only bookkeeping.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `alloc`'s contract, which is System's.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `alloc` with this `layout`.
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `alloc` and `dealloc`.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            // Both blocks may exist for a moment (a moving realloc): count
            // the new one before the old one goes.
            grew(new_size);
            CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `f` alone and returns its result with the most heap it held at
/// once beyond what was held before.
fn peak_heap<T>(f: impl FnOnce() -> T) -> (T, usize) {
    static TURN: Mutex<()> = Mutex::new(());
    let _turn = TURN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let before = CURRENT.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let out = f();
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(before);
    (out, peak)
}

const MIB: usize = 1024 * 1024;

/// How much the bomb's document part unpacks to.
const BOMB_PART: usize = 250 * MIB;

/// The most heap cleaning the bomb may hold at once. The part is 250 MiB
/// and the package 1/1000 of that; what cleaning needs besides the input
/// is a few read buffers, the inflate and deflate state (well under 1 MiB)
/// and the output, which for this package is about as large as the input.
/// 16 MiB leaves room for those to change, and still fails on holding even
/// a sixteenth of the part.
const PEAK_MAX: usize = 16 * MIB;

const BODY_START: &[u8] = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>"#;
const PARAGRAPH: &[u8] = b"<w:p><w:r><w:t>Engine room alarm at 0400</w:t></w:r></w:p>";
/// Whitespace between elements: valid XML that deflate packs 1000 to 1,
/// as the attack's packages were.
const PADDING: &[u8] = &[b' '; 64 * 1024];
const BODY_END: &[u8] = b"</w:body></w:document>";

/// Feeds `out` the bomb's `word/document.xml` (a paragraph, then
/// whitespace), 64 KiB at a time, and returns its length.
fn write_bomb_document(out: &mut impl Write) -> usize {
    let mut written = 0;
    for start in [BODY_START, PARAGRAPH] {
        out.write_all(start).unwrap();
        written += start.len();
    }
    while written + PADDING.len() + BODY_END.len() <= BOMB_PART {
        out.write_all(PADDING).unwrap();
        written += PADDING.len();
    }
    out.write_all(BODY_END).unwrap();
    written + BODY_END.len()
}

/// A .docx of about 250 KiB whose document part unpacks to 250 MiB, and
/// that part's length.
fn bomb() -> &'static (Vec<u8>, usize) {
    static BOMB: OnceLock<(Vec<u8>, usize)> = OnceLock::new();
    BOMB.get_or_init(|| {
        let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default().large_file(false);
        z.start_file("[Content_Types].xml", options).unwrap();
        z.write_all(CONTENT_TYPES).unwrap();
        z.start_file("word/document.xml", options).unwrap();
        let len = write_bomb_document(&mut z);
        z.start_file("docProps/core.xml", options).unwrap();
        z.write_all(core_xml().as_bytes()).unwrap();
        (z.finish().unwrap().into_inner(), len)
    })
}

/// The bomb with both of its document part's headers claiming it unpacks
/// to 1 KiB.
fn lying_bomb() -> Vec<u8> {
    let mut lying = bomb().0.clone();
    let name = b"word/document.xml";
    for (signature, name_at, size_at) in [(b"PK\x03\x04", 30, 22), (b"PK\x01\x02", 46, 24)] {
        let at = (0..lying.len() - name_at - name.len())
            .find(|&i| {
                &lying[i..i + 4] == signature
                    && &lying[i + name_at..i + name_at + name.len()] == name
            })
            .unwrap();
        lying[at + size_at..at + size_at + 4].copy_from_slice(&1024u32.to_le_bytes());
    }
    lying
}

fn clean_measured(input: &[u8], limits: &Limits, what: &str) -> (Cleaned, usize) {
    let ((cleaned, took), peak) = peak_heap(|| {
        let started = Instant::now();
        let cleaned = clean(input, limits).unwrap();
        (cleaned, started.elapsed())
    });
    eprintln!(
        "{what}: {} KiB in, peak heap {:.1} MiB, {:.2} s",
        input.len() / 1024,
        peak as f64 / MIB as f64,
        took.as_secs_f64()
    );
    (cleaned, peak)
}

#[test]
fn the_bomb_is_small() {
    let (docx, len) = bomb();
    assert_eq!(lookout_attachments::detect(docx).kind, Kind::Docx);
    assert!(docx.len() < 512 * 1024, "{} bytes", docx.len());
    assert!(*len > 249 * MIB && *len <= BOMB_PART, "{len}");
}

#[test]
fn a_bomb_over_the_default_limit_is_set_aside_in_little_memory() {
    let (docx, _) = bomb();
    let (cleaned, peak) = clean_measured(docx, &Limits::default(), "250 MiB bomb, default limits");
    match &cleaned.outcome {
        Outcome::AnalystsOnly { reason } => {
            assert!(reason.contains("unpacks to too much data"), "{reason}");
        }
        Outcome::Cleaned { .. } => panic!("cleaned"),
    }
    assert!(peak < PEAK_MAX, "peak heap {peak} bytes");
    // Its headers say so: nothing was inflated.
    assert_eq!(cleaned.unpacked, 0);

    // Headers that claim less get no further: the zip reader stops a part
    // past its declared size, and the budget is counted on what is
    // inflated.
    let (cleaned, peak) = clean_measured(
        &lying_bomb(),
        &Limits::default(),
        "250 MiB bomb with lying sizes, default limits",
    );
    match &cleaned.outcome {
        Outcome::AnalystsOnly { reason } => assert!(
            reason.contains("unpacks to too much data") || reason.contains("could not be cleaned"),
            "{reason}"
        ),
        Outcome::Cleaned { .. } => panic!("lying: cleaned"),
    }
    assert!(peak < PEAK_MAX, "lying: peak heap {peak} bytes");
    assert!(
        cleaned.unpacked <= Limits::default().max_ooxml_uncompressed + 1,
        "{}",
        cleaned.unpacked
    );
}

#[test]
fn a_bomb_within_an_explicit_limit_is_cleaned_in_little_memory() {
    let (docx, len) = bomb();
    let limits = Limits {
        max_ooxml_uncompressed: 1024 * 1024 * 1024,
        ..Limits::default()
    };
    let (cleaned, peak) = clean_measured(docx, &limits, "250 MiB bomb, 1 GiB limit");
    let Outcome::Cleaned { bytes, removed } = cleaned.outcome else {
        panic!("not cleaned: {:?}", cleaned.outcome);
    };
    assert!(peak < PEAK_MAX, "peak heap {peak} bytes");
    let parts = [CONTENT_TYPES.len(), *len, core_xml().len()];
    assert_eq!(cleaned.unpacked, parts.iter().sum::<usize>() as u64);
    assert!(bytes.len() < 2 * docx.len() + 64 * 1024, "{}", bytes.len());
    assert!(
        removed
            .iter()
            .any(|r| r.starts_with("docProps/core.xml") && r.contains("author")),
        "{removed:?}"
    );

    // The document part came through whole and unchanged, compared with
    // the generator a chunk at a time (it is too large to hold twice here).
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes.as_slice())).unwrap();
    let mut part = archive.by_name("word/document.xml").unwrap();
    let mut compare = ChunkCompare {
        part: &mut part,
        compared: 0,
        chunk: vec![0; 64 * 1024],
    };
    write_bomb_document(&mut compare);
    let compared = compare.compared;
    let mut rest = Vec::new();
    part.read_to_end(&mut rest).unwrap();
    assert!(rest.is_empty(), "{} bytes more than written", rest.len());
    assert_eq!(compared, *len);
}

/// A writer that checks what is written against the next bytes of a part.
struct ChunkCompare<'a, R> {
    part: &'a mut R,
    compared: usize,
    chunk: Vec<u8>,
}

impl<R: Read> Write for ChunkCompare<'_, R> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.chunk.len());
        self.part.read_exact(&mut self.chunk[..n])?;
        assert!(
            self.chunk[..n] == buf[..n],
            "differs after {} bytes",
            self.compared
        );
        self.compared += n;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A measurement, not a check: how fast and in how much memory a large
/// Word document with Word's ids on every paragraph and run (some 40 MiB
/// of XML) is cleaned. Run by hand, in release, before and after a change
/// to the cleaning:
/// `cargo test --release -p lookout-attachments --test memory -- --ignored --nocapture`
#[test]
#[ignore = "a measurement, run by hand in release"]
fn a_large_word_document_is_measured() {
    let mut document = BODY_START.to_vec();
    let mut n: u32 = 0;
    while document.len() < 40 * MIB {
        n = n.wrapping_mul(2_654_435_761).wrapping_add(1);
        write!(
            document,
            r#"<w:p w14:paraId="{n:08X}" w14:textId="77777777" w:rsidR="00{:06X}" w:rsidRDefault="00{:06X}"><w:r w:rsidRPr="00{:06X}"><w:t xml:space="preserve">Watch {n} noted the engine room alarm at 0400 and informed the master.</w:t></w:r></w:p>"#,
            n >> 8,
            n >> 9,
            n >> 10
        )
        .unwrap();
    }
    document.extend_from_slice(BODY_END);
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default();
    z.start_file("[Content_Types].xml", options).unwrap();
    z.write_all(CONTENT_TYPES).unwrap();
    z.start_file("word/document.xml", options).unwrap();
    z.write_all(&document).unwrap();
    let docx = z.finish().unwrap().into_inner();
    let (cleaned, peak) = clean_measured(
        &docx,
        &Limits::default(),
        &format!("{} MiB Word document", document.len() / MIB),
    );
    assert!(cleaned.outcome.is_cleaned(), "{:?}", cleaned.outcome);
    assert!(peak < PEAK_MAX, "peak heap {peak} bytes");
}
