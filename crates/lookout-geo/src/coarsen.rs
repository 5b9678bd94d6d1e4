//! Position generalisation: snap a position to the centre of its grid cell.

/// The finest cell [`coarsen`] will use, in degrees (about 11 km of latitude).
/// Finer requests are widened to this.
pub const MIN_CELL_DEGREES: f64 = 0.1;

/// The coarsest cell, in degrees: half the globe in longitude, all of it in
/// latitude.
pub const MAX_CELL_DEGREES: f64 = 180.0;

/// Returns the centre of the grid cell that holds the position, as
/// `(latitude, longitude)`: every position in a cell publishes as the same
/// point, so the published point never reveals where in the cell a ship was.
///
/// The grid starts at 90°S and at 180°W and has square cells of
/// `cell_degrees` (1.0 gives 1°×1° cells centred on half degrees:
/// `(12.575, 45.205)` becomes `(12.5, 45.5)`). If the cell size does not
/// divide 180 or 360, the last cell before the pole or the antimeridian is
/// narrower, and its centre is the centre of what is left.
///
/// Out-of-range input does not fail, so that a caller cannot publish an
/// exact position by accident:
///
/// - `cell_degrees` below [`MIN_CELL_DEGREES`] or above [`MAX_CELL_DEGREES`]
///   is clamped into that range, and NaN means the coarsest cell;
/// - a latitude beyond ±90 is clamped to the pole, a longitude is wrapped into
///   -180..180 (180°E is 180°W);
/// - a NaN or infinite latitude or longitude gives `(NaN, NaN)`.
///
/// ```
/// assert_eq!(lookout_geo::coarsen(12.575, 45.205, 1.0), (12.5, 45.5));
/// assert_eq!(lookout_geo::coarsen(-0.2, -179.9, 1.0), (-0.5, -179.5));
/// ```
pub fn coarsen(lat: f64, lon: f64, cell_degrees: f64) -> (f64, f64) {
    if !lat.is_finite() || !lon.is_finite() {
        return (f64::NAN, f64::NAN);
    }
    let cell = if cell_degrees.is_nan() {
        MAX_CELL_DEGREES
    } else {
        cell_degrees.clamp(MIN_CELL_DEGREES, MAX_CELL_DEGREES)
    };
    let lat = lat.clamp(-90.0, 90.0);
    let lon = (lon + 180.0).rem_euclid(360.0) - 180.0;
    (
        cell_centre(lat, -90.0, 90.0, cell),
        cell_centre(lon, -180.0, 180.0, cell),
    )
}

/// The centre of the cell of `value` on a grid from `low` to `high`.
fn cell_centre(value: f64, low: f64, high: f64, cell: f64) -> f64 {
    let cells = ((high - low) / cell).ceil();
    let index = ((value - low) / cell).floor().clamp(0.0, cells - 1.0);
    let start = low + index * cell;
    let end = (start + cell).min(high);
    (start + end) / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snaps_to_cell_centres() {
        assert_eq!(coarsen(12.575, 45.205, 1.0), (12.5, 45.5));
        assert_eq!(coarsen(-12.575, -45.205, 1.0), (-12.5, -45.5));
        assert_eq!(coarsen(12.575, 45.205, 5.0), (12.5, 47.5));
        assert_eq!(coarsen(0.0, 0.0, 1.0), (0.5, 0.5));
    }

    #[test]
    fn poles_and_antimeridian() {
        assert_eq!(coarsen(90.0, 180.0, 1.0), (89.5, -179.5));
        assert_eq!(coarsen(-90.0, -180.0, 1.0), (-89.5, -179.5));
        assert_eq!(coarsen(95.0, 190.0, 1.0), (89.5, -169.5));
        // 7° does not divide 180: the last cell is 85°N..90°N.
        assert_eq!(coarsen(89.5, 0.0, 7.0).0, 87.5);
    }

    #[test]
    fn bad_cell_sizes_never_make_positions_finer() {
        assert_eq!(coarsen(12.575, 45.205, 0.0), coarsen(12.575, 45.205, 0.1));
        assert_eq!(coarsen(12.575, 45.205, -3.0), coarsen(12.575, 45.205, 0.1));
        assert_eq!(coarsen(12.575, 45.205, f64::NAN), (0.0, 90.0));
        assert_eq!(coarsen(12.575, 45.205, f64::INFINITY), (0.0, 90.0));
        let (lat, lon) = coarsen(f64::NAN, 1.0, 1.0);
        assert!(lat.is_nan() && lon.is_nan());
    }
}
