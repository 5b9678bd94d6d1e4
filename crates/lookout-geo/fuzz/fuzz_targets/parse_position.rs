//! Any text given to `parse_position` returns a result, never panics, and a
//! position it accepts is in range, has a sea area, and survives a round
//! trip through `format_position`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lookout_geo::{area_at, coarsen, format_position, parse_position};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok((lat, lon)) = parse_position(text) else {
        return;
    };
    assert!((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon));
    assert!(area_at(lat, lon).is_ok());
    let (back_lat, back_lon) = parse_position(&format_position(lat, lon)).expect("round trip");
    assert!((back_lat - lat).abs() <= 1.0 / 120_000.0 + 1e-12);
    assert!((back_lon - lon).abs() <= 1.0 / 120_000.0 + 1e-12);
    let (clat, clon) = coarsen(lat, lon, 1.0);
    assert!((clat - lat).abs() <= 0.5 && clon.is_finite());
});
