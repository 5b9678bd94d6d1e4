//! Sea areas for incident reports, and positions made safe to publish.
//!
//! Lookout never shows where exactly a reporting ship was. A report's
//! position is generalised before anyone but an analyst sees it: into a
//! named **sea area** for statistics, alerts and the sanitised incident, or
//! into the centre of a **grid cell** for a map. This crate holds both, and
//! the parser for positions as seafarers type them. It has no web, database
//! or async code.
//!
//! # The catalogue
//!
//! [`all`] lists 36 [`SeaArea`]s, fixed in the code so that ids stay stable
//! across releases and installations: 27 regional seas (the piracy, war-risk
//! and GNSS-interference areas among them, each flagged
//! [`risk_area`](SeaArea::risk_area)) and 9 ocean basins. Each area has a
//! kebab-case [`id`](SeaArea::id) to store (`gulf-of-guinea`), an English
//! [`name`](SeaArea::name) to show, and coarse polygons in longitude/latitude
//! (WGS84), drawn after the IHO limits of oceans and seas (S-23) and the
//! extents used in public maritime security advisories.
//!
//! # The priority rule
//!
//! Areas overlap: the Gulf of Guinea lies inside the North and South
//! Atlantic. [`area_at`] returns the **first** area of [`all`] whose polygons
//! contain the point or touch it, and the catalogue is ordered specific to
//! general: regional seas first, ocean basins last. Regional seas only share
//! borders with one another, and the basins partition the globe (Arctic north
//! of 66.5°N, Southern Ocean south of 60°S and in the Drake Passage, the rest
//! split along the Americas, 20°E, the Indonesian islands, Australia and
//! 146.9°E, the equator and the antimeridian), so every valid position has
//! exactly one area; a point exactly on a border goes to the earlier area.
//! The tests prove the cover on a global grid and check more than 100 ports,
//! straits and anchorages against their expected area.
//!
//! Land is not modelled. A position on land gets the area whose coarse
//! polygon contains it — usually the nearby regional sea, deep inland the
//! basin of its longitude sector (central Asia falls in the North Pacific
//! (west) sector). Polygons follow coasts only roughly, through land where
//! possible, so a harbour deep in an estuary or a fjord may fall in the
//! neighbouring area; the reference tests show what is guaranteed.
//!
//! # Coarsening and its limits
//!
//! [`coarsen`] snaps a position to the centre of its square grid cell (1°
//! gives `(12.575, 45.205)` → `(12.5, 45.5)`), so the published point is the
//! same for every position in the cell. It is one safeguard, not anonymity:
//!
//! - a cell in a quiet sea may hold one ship, and a series of cells over time
//!   draws its track: publish cells only through the k-anonymity threshold of
//!   the statistics (k = 5 by default), with times generalised too;
//! - two positions a few metres apart across a cell border publish a whole
//!   cell apart, and a cell centre may lie on land;
//! - cells are square in degrees, not in distance: a 1° cell is about
//!   111 km × 111 km at the equator but 111 km × 56 km at 60°N, so the same
//!   size hides less towards the poles; choose the size for the latitude
//!   band, or publish the sea area instead;
//! - nothing finer than [`MIN_CELL_DEGREES`] is ever returned.
//!
//! # Typed positions
//!
//! [`parse_position`] reads the notations seafarers use (`12°34.5'N
//! 045°12.3'E`, `12 34.5 N 045 12.3 E`, `1234.5N 04512.3E`, `12.575, 45.205`,
//! `-12.575 45.205`, ...) and refuses the rest with a [`GeoError`] that says
//! what to change; [`format_position`] prints the canonical form it reads
//! back. The parser is fuzzed (`fuzz/`) and property-tested.
//!
//! # The map
//!
//! [`map::world_map_svg`] draws the catalogue's areas shaded by incident
//! count, with Natural Earth land (public domain, embedded from `data/`) and
//! optional dots for grid cells, as one small `<svg>` to inline in a page:
//! no script, no style attribute, no outside URL. [`map::shade_class`] and
//! [`map::legend_entries`] give the scale for a legend and a data table.

mod areas;
mod catalogue;
mod coarsen;
mod error;
pub mod map;
mod position;

pub use areas::{AreaKind, SeaArea, all, area_at, by_id};
pub use coarsen::{MAX_CELL_DEGREES, MIN_CELL_DEGREES, coarsen};
pub use error::GeoError;
pub use position::{MAX_INPUT_CHARS, format_position, parse_position};
