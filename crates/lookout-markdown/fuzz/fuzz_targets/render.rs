//! Any text given to `render` returns a result, never panics, and the HTML
//! has no script element, no event handler, no `href` outside the allowed
//! schemes and stays within a constant factor of the input; `quote` never
//! panics either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lookout_markdown::{Limits, normalise_link, quote, render};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = quote(text, 500);
    let small = Limits {
        max_input_bytes: 200 * 1024,
        max_nesting: 3,
    };
    for limits in [Limits::default(), small] {
        let out = render(text, &limits).expect("fuzz inputs are below the limit");
        let lower = out.html.to_ascii_lowercase();
        assert!(!lower.contains("<script"), "{:?}", out.html);
        assert!(!lower.contains("<img"), "{:?}", out.html);
        assert!(out.html.len() <= 12 * text.len() + 1024);
        for tag in out.html.split('<').skip(1) {
            let tag = tag.split('>').next().unwrap_or_default();
            assert!(!tag.contains(" on"), "event handler in {tag:?}");
        }
        for link in &out.links {
            assert!(normalise_link(link).is_some(), "{link:?}");
        }
    }
});
