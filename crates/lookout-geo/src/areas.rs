//! The sea area type, the lookups, and the point-in-area test.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::LazyLock;

use geo::{Distance, Euclidean, Intersects, LineString, Point, Polygon};

use crate::GeoError;
use crate::catalogue::CATALOGUE;

/// Whether an area is a regional sea (checked first) or an ocean basin (the
/// fallback that covers the whole globe).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AreaKind {
    /// A regional or marginal sea, strait or coastal zone.
    Sea,
    /// An open-ocean basin. The basins together cover the whole globe.
    Ocean,
}

/// One entry of the fixed catalogue of sea areas.
///
/// Equality and hashing go by [`id`](Self::id).
#[non_exhaustive]
pub struct SeaArea {
    /// Stable kebab-case identifier, safe to store and to put in URLs:
    /// `gulf-of-guinea`. Never renamed once released.
    pub id: &'static str,
    /// English display name: `Gulf of Guinea`.
    pub name: &'static str,
    /// Regional sea or ocean basin.
    pub kind: AreaKind,
    /// Whether public advisories warn of a standing threat here (piracy and
    /// armed robbery, war risk, or persistent GNSS interference). An
    /// editorial flag for emphasis in the portal, reviewed with the catalogue.
    pub risk_area: bool,
    /// Outer rings of simple polygons, each vertex `[longitude, latitude]` in
    /// WGS84 degrees (x before y, as in GeoJSON), the first vertex not
    /// repeated at the end. Coarse: tens of vertices, drawn through land
    /// where possible, so coasts are only roughly followed.
    pub polygons: &'static [&'static [[f64; 2]]],
}

impl SeaArea {
    /// Whether the point (latitude, longitude) lies inside or on the border of
    /// this area's polygons, ignoring the priority of other areas.
    ///
    /// Use [`area_at`] to find *the* area of a point.
    pub fn covers(&self, lat: f64, lon: f64) -> bool {
        self.geometry()
            .iter()
            .any(|p| p.intersects(&Point::new(lon, lat)))
    }

    fn geometry(&self) -> &'static [Polygon<f64>] {
        let index = CATALOGUE
            .iter()
            .position(|a| a.id == self.id)
            .unwrap_or_default();
        &GEOMETRY[index]
    }
}

impl PartialEq for SeaArea {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for SeaArea {}

impl Hash for SeaArea {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.id.hash(state);
    }
}

impl fmt::Debug for SeaArea {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SeaArea")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("risk_area", &self.risk_area)
            .field("polygons", &self.polygons.len())
            .finish()
    }
}

impl fmt::Display for SeaArea {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

/// The polygons of each catalogue entry, built once, in catalogue order.
static GEOMETRY: LazyLock<Vec<Vec<Polygon<f64>>>> = LazyLock::new(|| {
    CATALOGUE
        .iter()
        .map(|area| {
            area.polygons
                .iter()
                .map(|ring| {
                    let exterior: LineString<f64> = ring.iter().map(|&[x, y]| (x, y)).collect();
                    Polygon::new(exterior, Vec::new())
                })
                .collect()
        })
        .collect()
});

/// Every sea area, in priority order: regional seas first, ocean basins last.
pub fn all() -> &'static [SeaArea] {
    &CATALOGUE
}

/// The area with this id, if there is one.
pub fn by_id(id: &str) -> Option<&'static SeaArea> {
    CATALOGUE.iter().find(|a| a.id == id)
}

/// The one sea area of a position (decimal degrees, north and east positive).
///
/// The first area in [`all`] whose polygons contain the point or touch it
/// wins, so a regional sea beats the basin around it and a point exactly on
/// a shared border goes to the earlier area. The ocean basins cover the
/// globe, so every valid position has an area. Land is not modelled: a point
/// on land gets whichever area's coarse polygon contains it, usually the
/// nearby regional sea or the basin of its longitude sector.
///
/// ```
/// let area = lookout_geo::area_at(6.4, 3.4).unwrap(); // off Lagos
/// assert_eq!(area.id, "gulf-of-guinea");
/// ```
///
/// # Errors
///
/// [`GeoError::NotFinite`], [`GeoError::LatitudeOutOfRange`] (outside
/// -90..=90) or [`GeoError::LongitudeOutOfRange`] (outside -180..=180).
pub fn area_at(lat: f64, lon: f64) -> Result<&'static SeaArea, GeoError> {
    check_position(lat, lon)?;
    let point = Point::new(lon, lat);
    Ok(covering_area(point).unwrap_or_else(|| nearest_area(point)))
}

/// The first area whose polygons contain or touch the point.
pub(crate) fn covering_area(point: Point<f64>) -> Option<&'static SeaArea> {
    CATALOGUE
        .iter()
        .zip(GEOMETRY.iter())
        .find(|(_, polygons)| polygons.iter().any(|p| p.intersects(&point)))
        .map(|(area, _)| area)
}

/// Defence in depth: the basins are built to leave no gap (a test walks the
/// globe to prove it), but should an edit ever open one, the nearest area
/// answers rather than an error nobody could act on.
fn nearest_area(point: Point<f64>) -> &'static SeaArea {
    CATALOGUE
        .iter()
        .zip(GEOMETRY.iter())
        .map(|(area, polygons)| {
            let distance = polygons
                .iter()
                .map(|p| Euclidean.distance(&point, p))
                .fold(f64::INFINITY, f64::min);
            (area, distance)
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map_or(&CATALOGUE[CATALOGUE.len() - 1], |(area, _)| area)
}

/// Checks that a position is finite and within range.
pub(crate) fn check_position(lat: f64, lon: f64) -> Result<(), GeoError> {
    if !lat.is_finite() || !lon.is_finite() {
        return Err(GeoError::NotFinite);
    }
    if !(-90.0..=90.0).contains(&lat) {
        return Err(GeoError::LatitudeOutOfRange(lat));
    }
    if !(-180.0..=180.0).contains(&lon) {
        return Err(GeoError::LongitudeOutOfRange(lon));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use geo::{Area, BooleanOps, MultiPolygon, Validation};

    use super::*;

    /// Latitudes and longitudes from `start` to `end` every `step` degrees.
    fn steps(start: f64, end: f64, step: f64) -> impl Iterator<Item = f64> {
        let n = ((end - start) / step).floor() as usize;
        (0..=n).map(move |i| start + i as f64 * step)
    }

    #[test]
    fn every_polygon_is_valid_and_in_range() {
        for (area, polygons) in CATALOGUE.iter().zip(GEOMETRY.iter()) {
            assert!(!polygons.is_empty(), "{} has no polygon", area.id);
            for (ring, polygon) in area.polygons.iter().zip(polygons) {
                assert!(ring.len() >= 3, "{}: a ring needs 3 vertices", area.id);
                assert!(ring.len() <= 60, "{}: keep rings coarse", area.id);
                for &[lon, lat] in *ring {
                    assert!(
                        check_position(lat, lon).is_ok(),
                        "{}: vertex [{lon}, {lat}] out of range",
                        area.id
                    );
                }
                let problems = polygon.validation_errors();
                assert!(problems.is_empty(), "{}: {problems:?}", area.id);
            }
        }
    }

    #[test]
    fn the_globe_is_covered_without_the_fallback() {
        // Every 2°, poles, antimeridian and equator included: these points
        // sit on many basin borders, the hardest case for a gap.
        for lat in steps(-90.0, 90.0, 2.0) {
            for lon in steps(-180.0, 180.0, 2.0) {
                assert!(
                    covering_area(Point::new(lon, lat)).is_some(),
                    "no polygon covers ({lat}, {lon})"
                );
            }
        }
    }

    #[test]
    fn basins_partition_the_globe_and_seas_do_not_overlap() {
        // An offset grid keeps points off the shared borders.
        for lat in steps(-89.93, 89.93, 0.5) {
            for lon in steps(-179.87, 179.87, 0.5) {
                let point = Point::new(lon, lat);
                let covering: Vec<&SeaArea> = CATALOGUE
                    .iter()
                    .zip(GEOMETRY.iter())
                    .filter(|(_, polygons)| polygons.iter().any(|p| p.intersects(&point)))
                    .map(|(area, _)| area)
                    .collect();
                let oceans = covering.iter().filter(|a| a.kind == AreaKind::Ocean);
                let seas = covering.iter().filter(|a| a.kind == AreaKind::Sea);
                assert_eq!(oceans.count(), 1, "({lat}, {lon}): {covering:?}");
                assert!(seas.count() <= 1, "({lat}, {lon}): {covering:?}");
            }
        }
    }

    #[test]
    fn regional_seas_share_borders_but_no_water() {
        let seas: Vec<(&SeaArea, MultiPolygon<f64>)> = CATALOGUE
            .iter()
            .zip(GEOMETRY.iter())
            .filter(|(a, _)| a.kind == AreaKind::Sea)
            .map(|(a, p)| (a, MultiPolygon::new(p.clone())))
            .collect();
        for (i, (a, pa)) in seas.iter().enumerate() {
            for (b, pb) in &seas[i + 1..] {
                let overlap = pa.intersection(pb).unsigned_area();
                assert!(
                    overlap < 1e-6,
                    "{} and {} overlap by {overlap} deg²",
                    a.id,
                    b.id
                );
            }
        }
    }

    #[test]
    fn regional_seas_come_before_ocean_basins() {
        let first_ocean = CATALOGUE
            .iter()
            .position(|a| a.kind == AreaKind::Ocean)
            .expect("basins exist");
        assert!(
            CATALOGUE[first_ocean..]
                .iter()
                .all(|a| a.kind == AreaKind::Ocean)
        );
    }

    #[test]
    fn the_fallback_picks_the_nearest_area() {
        // Not reachable through area_at while the basins cover the globe.
        let point = Point::new(3.4, 6.4);
        assert_eq!(nearest_area(point).id, "gulf-of-guinea");
    }

    #[test]
    fn ranges_are_checked() {
        assert_eq!(area_at(f64::NAN, 0.0), Err(GeoError::NotFinite));
        assert_eq!(area_at(0.0, f64::INFINITY), Err(GeoError::NotFinite));
        assert_eq!(area_at(90.5, 0.0), Err(GeoError::LatitudeOutOfRange(90.5)));
        assert_eq!(
            area_at(0.0, -180.1),
            Err(GeoError::LongitudeOutOfRange(-180.1))
        );
        assert!(area_at(90.0, 180.0).is_ok());
        assert!(area_at(-90.0, -180.0).is_ok());
    }
}
