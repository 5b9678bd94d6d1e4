//! Properties of parsing, formatting, area lookup and coarsening.

use geo::{Distance, Haversine, Point};
use lookout_geo::{MIN_CELL_DEGREES, area_at, coarsen, format_position, parse_position};
use proptest::prelude::*;

fn latitude() -> impl Strategy<Value = f64> {
    prop_oneof![-90.0..=90.0, Just(90.0), Just(-90.0), Just(0.0), Just(-0.0)]
}

fn longitude() -> impl Strategy<Value = f64> {
    prop_oneof![-180.0..=180.0, Just(180.0), Just(-180.0), Just(0.0)]
}

/// Text built from the characters the parser knows, to get past the lexer.
fn position_like() -> impl Strategy<Value = String> {
    "[0-9 .,;/°º'′’\"″NSEWnsew+−–-]{0,40}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parsing_never_panics(input in any::<String>()) {
        let _ = parse_position(&input);
    }

    #[test]
    fn parsing_position_like_text_never_panics_and_stays_in_range(input in position_like()) {
        if let Ok((lat, lon)) = parse_position(&input) {
            prop_assert!((-90.0..=90.0).contains(&lat), "{input:?} gave lat {lat}");
            prop_assert!((-180.0..=180.0).contains(&lon), "{input:?} gave lon {lon}");
        }
    }

    #[test]
    fn formatted_positions_parse_back(lat in latitude(), lon in longitude()) {
        let text = format_position(lat, lon);
        let (plat, plon) = parse_position(&text).map_err(|e| TestCaseError::fail(format!("{text:?}: {e}")))?;
        // A thousandth of a minute, rounded: 1/120 000 of a degree.
        prop_assert!((plat - lat).abs() <= 1.0 / 120_000.0 + 1e-12, "{text:?} -> {plat}");
        prop_assert!((plon - lon).abs() <= 1.0 / 120_000.0 + 1e-12, "{text:?} -> {plon}");
    }

    #[test]
    fn decimal_degrees_parse_back_exactly(lat in latitude(), lon in longitude()) {
        prop_assert_eq!(parse_position(&format!("{lat}, {lon}")), Ok((lat, lon)));
        prop_assert_eq!(parse_position(&format!("{lat} {lon}")), Ok((lat, lon)));
    }

    #[test]
    fn every_valid_position_has_an_area(lat in latitude(), lon in longitude()) {
        prop_assert!(area_at(lat, lon).is_ok());
    }

    #[test]
    fn coarsening_stays_in_the_cell_and_is_stable(
        lat in latitude(),
        lon in longitude(),
        cell in prop_oneof![Just(0.1), Just(0.25), Just(0.5), Just(1.0), Just(2.0), Just(5.0), 0.0..30.0],
    ) {
        let (clat, clon) = coarsen(lat, lon, cell);
        let cell = cell.max(MIN_CELL_DEGREES);
        prop_assert!((-90.0..=90.0).contains(&clat) && (-180.0..=180.0).contains(&clon));
        prop_assert!((clat - lat).abs() <= cell / 2.0 + 1e-9, "lat {lat} -> {clat}");
        // Longitude compares around the antimeridian.
        let dlon = (clon - lon).rem_euclid(360.0);
        prop_assert!(dlon.min(360.0 - dlon) <= cell / 2.0 + 1e-9, "lon {lon} -> {clon}");
        // The centre of a cell is its own centre: publishing twice changes nothing.
        prop_assert_eq!(coarsen(clat, clon, cell), (clat, clon));
        // Never further than half the cell diagonal at the equator.
        let km = Haversine.distance(Point::new(lon, lat), Point::new(clon, clat)) / 1000.0;
        prop_assert!(km <= cell * 111.2 * std::f64::consts::FRAC_1_SQRT_2 + 0.01, "{km} km");
    }

    #[test]
    fn every_point_in_a_cell_publishes_the_same_centre(
        lat in -89.0..89.0f64,
        lon in -179.0..179.0f64,
        dlat in 0.0..1.0f64,
        dlon in 0.0..1.0f64,
    ) {
        let (clat, clon) = coarsen(lat, lon, 1.0);
        let (a, b) = (clat - 0.5 + dlat * 0.999, clon - 0.5 + dlon * 0.999);
        prop_assert_eq!(coarsen(a, b, 1.0), (clat, clon));
    }
}
