//! Hostile shapes: each must finish in linear time and within a small
//! multiple of its input. A counting allocator measures the peak; a
//! quadratic step shows up as seconds where the bound allows a fraction.
//! One test function, so no other test allocates at the same time.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use lookout_feeds::{Limits, parse};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: defers to the system allocator and only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: same contract as the caller's. Counted as the system
        // reallocates: a growing String is moved or extended, not doubled.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                let grow = new_size - layout.size();
                let now = CURRENT.fetch_add(grow, Ordering::Relaxed) + grow;
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                CURRENT.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

const MIB: usize = 1024 * 1024;

/// Wraps `body` in an RSS item's description, padded to about `size` bytes
/// by repeating `unit`.
fn in_description(open: &str, unit: &str, close: &str, size: usize) -> Vec<u8> {
    let head = format!("<rss><channel><title>t</title><item><title>x</title><description>{open}");
    let tail = format!("{close}</description></item></channel></rss>");
    let n = (size - head.len() - tail.len()) / unit.len();
    format!("{head}{}{tail}", unit.repeat(n)).into_bytes()
}

fn cases() -> Vec<(&'static str, Vec<u8>)> {
    let size = 2 * MIB - 1024;
    let mut ns = String::from("<rss");
    for i in 0..64 {
        ns.push_str(&format!(" xmlns:p{i}=\"urn:{i}\""));
    }
    ns.push_str("><channel><item><title>x</title><description>");
    let units = (size - ns.len() - 64) / 10;
    ns.push_str(&"<p63:a></p63:a>".repeat(units * 10 / 15));
    ns.push_str("</description></item></channel></rss>");

    let mut items = String::from("<rss><channel><title>t</title>");
    while items.len() < size - 200 {
        items.push_str(
            "<item><title>a</title><guid>g</guid><description>d &amp; e</description></item>",
        );
    }
    items.push_str("</channel></rss>");

    let mut wide_xml = String::from("<rss><channel><item ");
    let mut i = 0;
    while wide_xml.len() < size - 100 {
        wide_xml.push_str(&format!("a{i}=\"\" "));
        i += 1;
    }
    wide_xml.push_str("/></channel></rss>");

    let mut cp1252 =
        b"<?xml version=\"1.0\" encoding=\"windows-1252\"?><rss><channel><item><description>"
            .to_vec();
    cp1252.resize(size - 60, 0x80); // each byte becomes a 3-byte euro sign
    cp1252.extend_from_slice(b"</description></item></channel></rss>");

    vec![
        (
            "one HTML tag with ~350k attributes",
            in_description("<![CDATA[<a ", "b12345 ", ">]]>", size),
        ),
        ("one XML tag with ~250k attributes", wide_xml.into_bytes()),
        (
            "escaped HTML tags",
            in_description("", "&lt;b&gt;x&lt;/b&gt;", "", size),
        ),
        (
            "unclosed HTML comments",
            in_description("<![CDATA[", "<!-- ", "]]>", size),
        ),
        (
            "unclosed script openers",
            in_description("<![CDATA[", "<script>", "]]>", size),
        ),
        (
            "raw-text end-tag lookalikes",
            in_description("<![CDATA[<script>", "</scrip</scrip", "]]>", size),
        ),
        (
            "entity-name prefixes",
            in_description("<![CDATA[", "&CounterClockwiseContourIntegra ", "]]>", size),
        ),
        (
            "numeric references",
            in_description("", "&#x1F600;", "", size),
        ),
        (
            "XML children in a description",
            in_description("", "<b/>", "", size),
        ),
        (
            "dropped XML children",
            in_description("", "<script>x</script>", "", size),
        ),
        ("64 namespaces, many prefixed elements", ns.into_bytes()),
        ("many small items", items.into_bytes()),
        ("windows-1252 growing threefold", cp1252),
    ]
}

#[test]
fn hostile_shapes_stay_linear_and_small() {
    let limits = Limits::default();
    // Unoptimised test builds are ~10x slower than release; a quadratic
    // step on these inputs takes minutes, not seconds.
    let budget = Duration::from_secs(if cfg!(debug_assertions) { 8 } else { 1 });
    for (name, input) in cases() {
        assert!(
            input.len() <= limits.max_bytes,
            "{name}: {} bytes",
            input.len()
        );
        let before = CURRENT.load(Ordering::Relaxed);
        PEAK.store(before, Ordering::Relaxed);
        let start = Instant::now();
        let result = parse(&input, &limits);
        let took = start.elapsed();
        let peak = PEAK.load(Ordering::Relaxed) - before;
        if let Ok(feed) = &result {
            common::assert_promises(feed, &limits);
        }
        drop(result);
        let ratio = peak as f64 / input.len() as f64;
        println!(
            "{name}: {took:?}, peak {:.1} MiB ({ratio:.1}x input)",
            peak as f64 / MIB as f64
        );
        assert!(took < budget, "{name}: took {took:?}");
        // Measured worst: 3.0x, the Windows-1252 text transcoded to UTF-8.
        assert!(
            ratio < 4.0,
            "{name}: peak {peak} bytes for {} input bytes",
            input.len()
        );
    }
}
