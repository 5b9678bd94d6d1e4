//! A small SVG world map of incidents by sea area, to inline in a page.
//!
//! [`world_map_svg`] draws the sea areas of the catalogue shaded by incident
//! count, the land on top of them, and optional dots for grid cells. The
//! result is one `<svg>` element with no script, no `style` attribute or
//! element, and no URL but the SVG namespace and the same-origin links the
//! caller passes, so it can be inlined under a strict Content Security
//! Policy (`style-src 'self'`) and works without JavaScript.
//!
//! # Projection and size
//!
//! Equirectangular: longitude and latitude map linearly onto a 1000 × 500
//! box ([`WIDTH`] × [`HEIGHT`]), `x = (lon + 180) × 1000 / 360`,
//! `y = (90 − lat) × 500 / 180`. The catalogue's borders follow meridians
//! and parallels (66.5°N, 20°E, the antimeridian, ...), and in this
//! projection they stay straight lines, so the coarse polygons need no
//! densifying and a dot lands where its cell is. [`MapOptions::north`] and
//! [`MapOptions::south`] crop the polar rows, which this projection
//! stretches, out of the view.
//!
//! The land is Natural Earth 1:110m (public domain), converted once into
//! `data/land-110m.txt` (see `data/README.md`): about 16 KB of path data,
//! 5 KB gzip-compressed. A map of all 36 areas with 200 dots is about
//! 12 KB compressed (the size test in `tests/map.rs` keeps it under 20 KB).
//!
//! # Styling
//!
//! Every shape has a class for the portal's stylesheet ([`STYLESHEET`] is a
//! starting point), and a fallback colour as a presentation attribute so the
//! map stays readable if the stylesheet does not load; any CSS rule for the
//! class overrides it. Colour is not the only cue: every area carries a
//! `<title>` with its name and count ("Gulf of Aden: 23 incidents",
//! "Black Sea and Sea of Azov: too few to show"), suppressed areas are
//! hatched, and the page should show the same figures in a table beside the
//! map ([`count_text`] gives the same words). The `<svg>` is a labelled
//! `role="group"` (its title and description), not an image: the areas
//! inside are links, and an image's content is hidden from assistive
//! technology, links included.
//!
//! # Privacy
//!
//! The renderer publishes what it is given. Counts below the k-anonymity
//! threshold must be passed as `None` (drawn as "too few to show"), and
//! dots must already be coarsened to grid cells with [`crate::coarsen`]
//! and thresholded: it only rounds positions to the drawing's resolution
//! (0.036°).

use crate::SeaArea;
use crate::catalogue::CATALOGUE;

/// Width of the drawing in user units: 360° of longitude.
pub const WIDTH: f64 = 1000.0;

/// Height of the drawing in user units: 180° of latitude.
pub const HEIGHT: f64 = 500.0;

/// How many shaded classes the sequential scale has (`shade-1` to
/// `shade-5`), besides `shade-none` and `shade-suppressed`.
pub const SHADE_CLASSES: usize = 5;

/// Class of an area with no incidents.
pub const CLASS_NONE: &str = "shade-none";

/// Class of an area whose count is suppressed (below the threshold k).
pub const CLASS_SUPPRESSED: &str = "shade-suppressed";

const SHADE_CLASS_NAMES: [&str; SHADE_CLASSES] =
    ["shade-1", "shade-2", "shade-3", "shade-4", "shade-5"];

/// Fallback fills of the shaded classes (ColorBrewer YlOrRd, 5 classes).
const SHADE_FILLS: [&str; SHADE_CLASSES] = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"];
const FILL_NONE: &str = "#e8eef3";
const FILL_SEA: &str = "#e8eef3";
const FILL_LAND: &str = "#d4d4d4";
const STROKE_LAND: &str = "#8c8c8c";
const FILL_DOT: &str = "#08306b";
const HATCH_BACKGROUND: &str = "#f4f4f4";
const HATCH_LINE: &str = "#8c8c8c";

/// Land, one ring per line of SVG path data in the 1000 × 500 box: see
/// `data/README.md`.
const LAND: &str = include_str!("../data/land-110m.txt");

/// Default northern edge of the view, in degrees of latitude.
pub const DEFAULT_NORTH: f64 = 84.0;

/// Default southern edge of the view, in degrees of latitude.
pub const DEFAULT_SOUTH: f64 = -70.0;

/// A suggested stylesheet for the classes the map and legend use, to copy
/// into the portal's own (same-origin) stylesheet. The colours are those of
/// the fallback presentation attributes.
pub const STYLESHEET: &str = "\
.incident-map .sea, .incident-map .shade-none { fill: #e8eef3; }
.incident-map .shade-1 { fill: #ffffb2; }
.incident-map .shade-2 { fill: #fecc5c; }
.incident-map .shade-3 { fill: #fd8d3c; }
.incident-map .shade-4 { fill: #f03b20; }
.incident-map .shade-5 { fill: #bd0026; }
.incident-map .area { stroke: #ffffff; stroke-width: 0.5; }
.incident-map a:hover .area, .incident-map a:focus .area { stroke: #000000; stroke-width: 1.5; }
.incident-map .land { fill: #d4d4d4; stroke: #8c8c8c; stroke-width: 0.3; }
.incident-map .dot { fill: #08306b; stroke: #ffffff; stroke-width: 0.5; }
";

/// The figure for one sea area.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaShade {
    /// A catalogue id ([`SeaArea::id`]). Unknown ids are left out of the map.
    pub area_id: String,
    /// Number of incidents, or `None` when it is below the publication
    /// threshold and must not be shown.
    pub count: Option<u64>,
    /// Where the area links to: a same-origin URL starting with `/` (not
    /// `//`), `?` or `#`. Anything else is ignored and the area is drawn
    /// without a link.
    pub href: Option<String>,
}

impl AreaShade {
    /// An area with this count (`None` = suppressed) and no link.
    pub fn new(area_id: impl Into<String>, count: Option<u64>) -> Self {
        Self {
            area_id: area_id.into(),
            count,
            href: None,
        }
    }

    /// The same area, linking to `href` (see [`AreaShade::href`]).
    #[must_use]
    pub fn with_href(mut self, href: impl Into<String>) -> Self {
        self.href = Some(href.into());
        self
    }
}

/// A dot for a grid cell, drawn as a small circle whose area grows with the
/// count. The position must already be coarsened (see the module notes).
#[derive(Debug, Clone, PartialEq)]
pub struct Dot {
    /// Longitude of the cell centre, -180..=180. Dots out of range, not
    /// finite, or outside the view are left out.
    pub lon: f64,
    /// Latitude of the cell centre, -90..=90.
    pub lat: f64,
    /// Number of incidents in the cell.
    pub count: u64,
    /// Shown on hover as the dot's `<title>`, escaped; none when empty.
    pub label: String,
}

/// Options of [`world_map_svg`].
#[derive(Debug, Clone, PartialEq)]
pub struct MapOptions {
    /// The map's accessible name, its `<title>`.
    pub title: String,
    /// The map's accessible description, its `<desc>`.
    pub description: String,
    /// Prefix of the `id`s inside the SVG (title, description, hatch
    /// pattern), to keep them unique when a page has several maps. Only
    /// ASCII letters, digits, `-` and `_` are kept.
    pub id_prefix: String,
    /// The upper end of the colour scale. `None` takes the largest count
    /// shown; set it to compare several maps on one scale. Pass the same
    /// value to [`legend_entries`].
    pub scale_max: Option<u64>,
    /// Northern edge of the view in degrees of latitude.
    pub north: f64,
    /// Southern edge of the view in degrees of latitude. If `north` and
    /// `south` are not finite, out of -90..=90, or less than 10° apart, the
    /// defaults are used.
    pub south: f64,
    /// Where the land is fetched from ([`land_svg`] served as a file, so
    /// that a browser caches it): `None` draws it inline, 16 KB in every
    /// map. Only a same-origin path is used.
    pub land_href: Option<String>,
}

impl Default for MapOptions {
    fn default() -> Self {
        Self {
            title: "Incidents by sea area".to_owned(),
            description: "World map of sea areas shaded by the number of reported incidents; \
                          hatched areas had too few incidents to show. \
                          The table beside the map gives the figures."
                .to_owned(),
            id_prefix: "incident-map".to_owned(),
            scale_max: None,
            north: DEFAULT_NORTH,
            south: DEFAULT_SOUTH,
            land_href: None,
        }
    }
}

/// One row of the legend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegendEntry {
    /// The class the map uses for it, as [`shade_class`] returns it.
    pub class: &'static str,
    /// What it means: `"1–4 incidents"`, `"too few to show"`, ...
    pub label: String,
    /// The fallback colour, or `None` for the hatch of suppressed areas.
    pub fill: Option<&'static str>,
}

/// Upper bounds of the [`SHADE_CLASSES`] classes for a scale that ends at
/// `max`: class *i* (1-based) holds the counts above bound *i − 1* up to
/// bound *i*.
///
/// Bound *i* is `max × (i / 5)²`, rounded up: a square-root scale. Incident
/// counts are skewed (one or two hot spots dominate), and a linear scale
/// would put every other area in the first class. With a small `max` some
/// bounds repeat and their classes stay empty.
///
/// ```
/// assert_eq!(lookout_geo::map::shade_breaks(100), [4, 16, 36, 64, 100]);
/// ```
pub fn shade_breaks(max: u64) -> [u64; SHADE_CLASSES] {
    let classes = SHADE_CLASSES as u128;
    let mut breaks = [0; SHADE_CLASSES];
    for (i, bound) in breaks.iter_mut().enumerate() {
        let step = i as u128 + 1;
        let value = (u128::from(max) * step * step).div_ceil(classes * classes);
        *bound = u64::try_from(value).unwrap_or(max);
    }
    breaks
}

/// The class of an area with this count on a scale that ends at `max`:
/// [`CLASS_SUPPRESSED`] for `None`, [`CLASS_NONE`] for zero, otherwise
/// `shade-1` to `shade-5` by [`shade_breaks`] (counts above `max` get
/// `shade-5`).
///
/// ```
/// use lookout_geo::map::shade_class;
/// assert_eq!(shade_class(Some(23), 100), "shade-3");
/// assert_eq!(shade_class(None, 100), "shade-suppressed");
/// ```
pub fn shade_class(count: Option<u64>, max: u64) -> &'static str {
    match count {
        None => CLASS_SUPPRESSED,
        Some(0) => CLASS_NONE,
        Some(count) => SHADE_CLASS_NAMES[class_index(count, max)],
    }
}

fn class_index(count: u64, max: u64) -> usize {
    shade_breaks(max)
        .iter()
        .position(|&bound| count <= bound)
        .unwrap_or(SHADE_CLASSES - 1)
}

fn fill_of(count: Option<u64>, max: u64) -> Option<&'static str> {
    match count {
        None => None,
        Some(0) => Some(FILL_NONE),
        Some(count) => Some(SHADE_FILLS[class_index(count, max)]),
    }
}

/// The words for a count, as the map's tooltips use them: `"23 incidents"`,
/// `"1 incident"`, `"no incidents"`, or `"too few to show"` for `None`.
pub fn count_text(count: Option<u64>) -> String {
    match count {
        None => "too few to show".to_owned(),
        Some(0) => "no incidents".to_owned(),
        Some(1) => "1 incident".to_owned(),
        Some(n) => format!("{n} incidents"),
    }
}

/// The legend for a scale that ends at `max`: the non-empty shaded classes
/// from low to high, then "too few to show" and "no incidents".
pub fn legend_entries(max: u64) -> Vec<LegendEntry> {
    legend_entries_from(max, 1)
}

/// The legend when no count below `smallest` can be shown (a figure needs
/// that many reports behind it): classes that only such counts would fill
/// are left out, and the lowest starts at `smallest`, so the legend never
/// offers "1–2 incidents" on a map that cannot show them.
///
/// ```
/// let legend = lookout_geo::map::legend_entries_from(100, 5);
/// assert_eq!(legend[0].label, "5–16 incidents");
/// ```
pub fn legend_entries_from(max: u64, smallest: u64) -> Vec<LegendEntry> {
    let mut entries = Vec::with_capacity(SHADE_CLASSES + 2);
    let mut low = smallest.max(1);
    for (i, &high) in shade_breaks(max).iter().enumerate() {
        if high < low {
            continue;
        }
        let label = if low == high {
            count_text(Some(low))
        } else {
            format!("{low}–{high} incidents")
        };
        entries.push(LegendEntry {
            class: SHADE_CLASS_NAMES[i],
            label,
            fill: Some(SHADE_FILLS[i]),
        });
        low = high.saturating_add(1);
    }
    entries.push(LegendEntry {
        class: CLASS_SUPPRESSED,
        label: count_text(None),
        fill: None,
    });
    entries.push(LegendEntry {
        class: CLASS_NONE,
        label: count_text(Some(0)),
        fill: Some(FILL_NONE),
    });
    entries
}

/// The largest count among the areas [`world_map_svg`] would draw (known
/// ids, first entry per id), 0 if none: the default end of the scale.
pub fn max_count(shades: &[AreaShade]) -> u64 {
    drawn(shades)
        .iter()
        .filter_map(|(_, shade)| shade.count)
        .max()
        .unwrap_or(0)
}

/// The areas to draw, each with its catalogue entry, in catalogue order,
/// unknown ids and repeated ids (after the first) left out.
fn drawn(shades: &[AreaShade]) -> Vec<(&'static SeaArea, &AreaShade)> {
    CATALOGUE
        .iter()
        .filter_map(|area| {
            shades
                .iter()
                .find(|shade| shade.area_id == area.id)
                .map(|shade| (area, shade))
        })
        .collect()
}

/// The world map as one `<svg>` element: the sea areas in `shades`, the
/// land, then `dots`.
///
/// Areas are painted from the lowest priority of the catalogue to the
/// highest (ocean basins first, regional seas last), so where they overlap
/// the area that [`crate::area_at`] returns is on top. Each is one `<path>`
/// with the classes `area` and its [`shade_class`], a `<title>` such as
/// "Gulf of Aden: 23 incidents", and an `<a>` around it when its `href` is
/// a same-origin URL. Only the areas given are drawn; pass every area
/// (zero counts included) to give the whole sea a tooltip.
///
/// ```
/// use lookout_geo::map::{AreaShade, MapOptions, world_map_svg};
/// let svg = world_map_svg(
///     &[AreaShade::new("gulf-of-aden", Some(23)), AreaShade::new("black-sea", None)],
///     &[],
///     &MapOptions::default(),
/// );
/// assert!(svg.contains("Gulf of Aden: 23 incidents"));
/// assert!(svg.contains("Black Sea and Sea of Azov: too few to show"));
/// ```
pub fn world_map_svg(shades: &[AreaShade], dots: &[Dot], options: &MapOptions) -> String {
    let areas = drawn(shades);
    let max = options.scale_max.unwrap_or_else(|| max_count(shades));
    let prefix = id_prefix(&options.id_prefix);
    let (north, south) = view_latitudes(options.north, options.south);
    let top = tenths(project_y(north));
    let height = tenths(project_y(south)) - top;

    let mut out = String::with_capacity(LAND.len() + 2048 + 96 * (areas.len() + dots.len()));
    out.push_str(r#"<svg xmlns="http://www.w3.org/2000/svg" class="incident-map" viewBox="0 "#);
    push_tenths(&mut out, top);
    out.push_str(" 1000 ");
    push_tenths(&mut out, height);
    out.push_str(&format!(
        r#"" role="group" aria-labelledby="{prefix}-title {prefix}-desc"><title id="{prefix}-title">"#
    ));
    push_escaped(&mut out, &options.title);
    out.push_str(&format!(r#"</title><desc id="{prefix}-desc">"#));
    push_escaped(&mut out, &options.description);
    out.push_str("</desc>");
    push_hatch_pattern(&mut out, &format!("{prefix}-hatch"));
    out.push_str(&format!(
        r#"<rect class="sea" x="0" y="0" width="1000" height="500" fill="{FILL_SEA}"/>"#
    ));

    out.push_str("<g class=\"areas\" stroke=\"#ffffff\" stroke-width=\"0.5\">");
    for (area, shade) in areas.iter().rev() {
        push_area(&mut out, area, shade, max, &prefix);
    }
    out.push_str("</g>");

    match options.land_href.as_deref().and_then(same_origin) {
        Some(href) => {
            out.push_str(r#"<image class="land" x="0" y="0" width="1000" height="500" href=""#);
            push_escaped(&mut out, href);
            out.push_str("\"/>");
        }
        None => push_land(&mut out),
    }

    push_dots(&mut out, dots, north, south);
    out.push_str("</svg>");
    out
}

fn push_land(out: &mut String) {
    out.push_str(&format!(
        r#"<path class="land" fill="{FILL_LAND}" stroke="{STROKE_LAND}" stroke-width="0.3" fill-rule="evenodd" d=""#
    ));
    out.push_str(LAND.trim());
    out.push_str("\"/>");
}

/// The land alone, as an SVG document in the map's coordinates (1000 by
/// 500), for [`MapOptions::land_href`].
pub fn land_svg() -> String {
    let mut out = String::with_capacity(LAND.len() + 256);
    out.push_str(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1000 500" width="1000" height="500">"#,
    );
    push_land(&mut out);
    out.push_str("</svg>");
    out
}

/// The legend as a small `<svg>` (a swatch and a label per
/// [`legend_entries`] row), for pages that want a drawn legend rather than
/// an HTML list. `id_prefix` must differ from the map's.
pub fn legend_svg(max: u64, id_prefix: &str) -> String {
    const ROW: i64 = 20;
    let entries = legend_entries(max);
    let prefix = id_prefix_or(id_prefix, "incident-map-legend");
    let rows = i64::try_from(entries.len()).unwrap_or(0);
    let mut out = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="incident-map incident-map-legend" viewBox="0 0 220 {height}" role="img" aria-labelledby="{prefix}-title"><title id="{prefix}-title">Legend: incidents per sea area</title>"#,
        height = rows * ROW,
    );
    let hatch = format!("{prefix}-hatch");
    push_hatch_pattern(&mut out, &hatch);
    for (row, entry) in (0..).zip(&entries) {
        let y = row * ROW;
        let fill = entry
            .fill
            .map_or_else(|| format!("url(#{hatch})"), str::to_owned);
        out.push_str(&format!(
            r##"<rect class="swatch {class}" x="1" y="{ry}" width="24" height="14" fill="{fill}" stroke="#8c8c8c" stroke-width="0.5"/><text x="32" y="{ty}" font-size="12">"##,
            class = entry.class,
            ry = y + 3,
            ty = y + 14,
        ));
        push_escaped(&mut out, &entry.label);
        out.push_str("</text>");
    }
    out.push_str("</svg>");
    out
}

fn push_hatch_pattern(out: &mut String, id: &str) {
    out.push_str(&format!(
        r#"<defs><pattern id="{id}" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="4" height="4" fill="{HATCH_BACKGROUND}"/><path d="M0 0v4" stroke="{HATCH_LINE}" stroke-width="1.5"/></pattern></defs>"#
    ));
}

fn push_area(out: &mut String, area: &SeaArea, shade: &AreaShade, max: u64, prefix: &str) {
    let href = shade.href.as_deref().and_then(same_origin);
    if let Some(href) = href {
        out.push_str("<a href=\"");
        push_escaped(out, href);
        out.push_str("\">");
    }
    let fill =
        fill_of(shade.count, max).map_or_else(|| format!("url(#{prefix}-hatch)"), str::to_owned);
    out.push_str(&format!(
        r#"<path class="area {}" fill="{fill}" d=""#,
        shade_class(shade.count, max)
    ));
    for ring in area.polygons {
        push_ring(out, ring);
    }
    out.push_str("\"><title>");
    push_escaped(out, area.name);
    out.push_str(": ");
    push_escaped(out, &count_text(shade.count));
    out.push_str("</title></path>");
    if href.is_some() {
        out.push_str("</a>");
    }
}

/// One ring as `M x y l dx dy ... z`, in tenths of a unit so that the steps
/// add up exactly and shared borders match between neighbours.
fn push_ring(out: &mut String, ring: &[[f64; 2]]) {
    let mut previous: Option<(i64, i64)> = None;
    for &[lon, lat] in ring {
        let point = (tenths(project_x(lon)), tenths(project_y(lat)));
        match previous {
            None => {
                out.push('M');
                push_tenths(out, point.0);
                out.push(' ');
                push_tenths(out, point.1);
                out.push('l');
            }
            Some(last) if last == point => continue,
            Some(last) => {
                if !out.ends_with('l') {
                    out.push(' ');
                }
                push_tenths(out, point.0 - last.0);
                out.push(' ');
                push_tenths(out, point.1 - last.1);
            }
        }
        previous = Some(point);
    }
    if previous.is_some() {
        out.push('z');
    }
}

fn push_dots(out: &mut String, dots: &[Dot], north: f64, south: f64) {
    let visible: Vec<&Dot> = dots
        .iter()
        .filter(|dot| {
            dot.lon.is_finite()
                && dot.lat.is_finite()
                && (-180.0..=180.0).contains(&dot.lon)
                && (south..=north).contains(&dot.lat)
        })
        .collect();
    if visible.is_empty() {
        return;
    }
    let largest = visible
        .iter()
        .map(|dot| dot.count)
        .max()
        .unwrap_or(0)
        .max(1);
    // Biggest first, so that small dots stay visible on top of big ones.
    let mut ordered = visible;
    ordered.sort_by_key(|dot| std::cmp::Reverse(dot.count));
    out.push_str(&format!(
        r##"<g class="dots" fill="{FILL_DOT}" stroke="#ffffff" stroke-width="0.5">"##
    ));
    for dot in ordered {
        // Radius 2 to 6 units, the circle's area in proportion to the count.
        let share = (dot.count as f64 / largest as f64).clamp(0.0, 1.0);
        let radius = 2.0 + 4.0 * share.sqrt();
        out.push_str("<circle class=\"dot\" cx=\"");
        push_tenths(out, tenths(project_x(dot.lon)));
        out.push_str("\" cy=\"");
        push_tenths(out, tenths(project_y(dot.lat)));
        out.push_str("\" r=\"");
        push_tenths(out, tenths(radius));
        if dot.label.is_empty() {
            out.push_str("\"/>");
        } else {
            out.push_str("\"><title>");
            push_escaped(out, &dot.label);
            out.push_str("</title></circle>");
        }
    }
    out.push_str("</g>");
}

fn project_x(lon: f64) -> f64 {
    (lon + 180.0) * WIDTH / 360.0
}

fn project_y(lat: f64) -> f64 {
    (90.0 - lat) * HEIGHT / 180.0
}

/// A finite value in tenths of a unit. Callers pass projected coordinates of
/// checked positions or small radii, so the cast cannot saturate.
fn tenths(value: f64) -> i64 {
    (value * 10.0).round() as i64
}

/// Writes a number of tenths as a decimal: `125` → `12.5`, `-40` → `-4`.
fn push_tenths(out: &mut String, tenths: i64) {
    if tenths < 0 {
        out.push('-');
    }
    let magnitude = tenths.unsigned_abs();
    out.push_str(&(magnitude / 10).to_string());
    let fraction = magnitude % 10;
    if fraction != 0 {
        out.push('.');
        out.push(char::from(b'0' + fraction as u8));
    }
}

fn view_latitudes(north: f64, south: f64) -> (f64, f64) {
    let valid = north.is_finite()
        && south.is_finite()
        && (-90.0..=90.0).contains(&north)
        && (-90.0..=90.0).contains(&south)
        && north - south >= 10.0;
    if valid {
        (north, south)
    } else {
        (DEFAULT_NORTH, DEFAULT_SOUTH)
    }
}

fn id_prefix(prefix: &str) -> String {
    id_prefix_or(prefix, "incident-map")
}

/// The ASCII letters, digits, `-` and `_` of `prefix`, starting with a
/// letter; `fallback` if that leaves nothing.
fn id_prefix_or(prefix: &str, fallback: &str) -> String {
    let kept: String = prefix
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .take(64)
        .collect();
    match kept.chars().next() {
        None => fallback.to_owned(),
        Some(first) if first.is_ascii_alphabetic() => kept,
        Some(_) => format!("m-{kept}"),
    }
}

/// `href` if it is a same-origin URL: a path (`/…` but not `//…` or `/\…`),
/// a query (`?…`) or a fragment (`#…`), with no whitespace or control
/// characters (browsers drop tabs and newlines from URLs, which could turn
/// `/⇥/host` into `//host`).
fn same_origin(href: &str) -> Option<&str> {
    if href.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let mut chars = href.chars();
    match (chars.next(), chars.next()) {
        (Some('/'), Some('/' | '\\')) => None,
        (Some('/' | '?' | '#'), _) => Some(href),
        _ => None,
    }
}

/// Appends `text` escaped for XML text and attribute values. Characters
/// that XML 1.0 does not allow (most C0 controls, U+FFFE, U+FFFF) become
/// U+FFFD.
fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() && c < '\u{20}' => out.push('\u{FFFD}'),
            '\u{FFFE}' | '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

/// `text` escaped for XML, as the map escapes titles and labels.
pub fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped(&mut out, text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn land_data_is_plain_path_data() {
        let land = LAND.trim();
        assert!(land.starts_with('M'));
        assert!(
            land.chars()
                .all(|c| matches!(c, 'M' | 'l' | 'z' | '0'..='9' | ' ' | '-' | '\n')),
            "unexpected character in data/land-110m.txt"
        );
        assert!(
            land.lines()
                .all(|line| line.starts_with('M') && line.ends_with('z'))
        );
        assert!(land.lines().count() > 50, "the land lost its islands");
    }

    #[test]
    fn land_stays_inside_the_box() {
        for line in LAND.trim().lines() {
            let body = line.trim_start_matches('M').trim_end_matches('z');
            let (start, steps) = body.split_once('l').unwrap_or((body, ""));
            let mut numbers = start.split(' ').map(|n| n.parse::<i64>().unwrap_or(-1));
            let (mut x, mut y) = (numbers.next().unwrap_or(-1), numbers.next().unwrap_or(-1));
            let deltas: Vec<i64> = steps
                .replace('-', " -")
                .split_whitespace()
                .map(|n| n.parse().unwrap_or(i64::MIN))
                .collect();
            assert_eq!(deltas.len() % 2, 0, "odd number of coordinates: {line}");
            for step in deltas.chunks(2) {
                assert!((0..=1000).contains(&x) && (0..=500).contains(&y), "{line}");
                x += step[0];
                y += step[1];
            }
            assert!((0..=1000).contains(&x) && (0..=500).contains(&y), "{line}");
        }
    }

    #[test]
    fn tenths_are_written_as_short_decimals() {
        let write = |t| {
            let mut s = String::new();
            push_tenths(&mut s, t);
            s
        };
        assert_eq!(write(0), "0");
        assert_eq!(write(125), "12.5");
        assert_eq!(write(-5), "-0.5");
        assert_eq!(write(-40), "-4");
        assert_eq!(write(10_000), "1000");
    }

    #[test]
    fn breaks_grow_and_end_at_max() {
        for max in [0, 1, 2, 5, 7, 23, 100, 1_000_003, u64::MAX] {
            let breaks = shade_breaks(max);
            assert!(breaks.windows(2).all(|w| w[0] <= w[1]), "{max}: {breaks:?}");
            assert_eq!(breaks[SHADE_CLASSES - 1], max);
        }
        assert_eq!(shade_breaks(5), [1, 1, 2, 4, 5]);
    }

    #[test]
    fn classes_follow_the_breaks() {
        assert_eq!(shade_class(Some(0), 100), CLASS_NONE);
        assert_eq!(shade_class(None, 100), CLASS_SUPPRESSED);
        assert_eq!(shade_class(Some(1), 100), "shade-1");
        assert_eq!(shade_class(Some(4), 100), "shade-1");
        assert_eq!(shade_class(Some(5), 100), "shade-2");
        assert_eq!(shade_class(Some(100), 100), "shade-5");
        assert_eq!(shade_class(Some(500), 100), "shade-5");
        assert_eq!(shade_class(Some(3), 0), "shade-5");
        assert_eq!(shade_class(Some(u64::MAX), u64::MAX), "shade-5");
    }

    #[test]
    fn legend_skips_empty_classes_and_covers_every_count() {
        let entries = legend_entries(5);
        let labels: Vec<&str> = entries.iter().map(|e| e.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "1 incident",
                "2 incidents",
                "3–4 incidents",
                "5 incidents",
                "too few to show",
                "no incidents"
            ]
        );
        let classes: Vec<&str> = entries.iter().map(|e| e.class).collect();
        assert_eq!(
            classes,
            [
                "shade-1",
                "shade-3",
                "shade-4",
                "shade-5",
                CLASS_SUPPRESSED,
                CLASS_NONE
            ]
        );
        for count in 1..=5 {
            let class = shade_class(Some(count), 5);
            assert!(classes.contains(&class), "{count} -> {class}");
        }
        assert_eq!(legend_entries(0).len(), 2);
    }

    #[test]
    fn only_same_origin_links_pass() {
        for ok in [
            "/incidents?area=gulf-of-aden",
            "?area=x",
            "#gulf-of-aden",
            "/",
        ] {
            assert_eq!(same_origin(ok), Some(ok));
        }
        for bad in [
            "//evil.example/",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "https://evil.example/",
            "javascript:alert(1)",
            "data:text/html,x",
            "relative/path",
            "",
        ] {
            assert_eq!(same_origin(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn escaping_covers_markup_and_invalid_characters() {
        assert_eq!(
            escape_xml("<a href=\"x\">'&'</a>\u{0}\u{1b}\u{FFFF}"),
            "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;\u{FFFD}\u{FFFD}\u{FFFD}"
        );
    }

    #[test]
    fn id_prefixes_are_sanitised() {
        assert_eq!(id_prefix("map-1"), "map-1");
        assert_eq!(id_prefix("\"><script>"), "script");
        assert_eq!(id_prefix("1st"), "m-1st");
        assert_eq!(id_prefix(""), "incident-map");
    }

    #[test]
    fn bad_view_latitudes_fall_back_to_the_defaults() {
        assert_eq!(view_latitudes(90.0, -90.0), (90.0, -90.0));
        assert_eq!(
            view_latitudes(f64::NAN, -60.0),
            (DEFAULT_NORTH, DEFAULT_SOUTH)
        );
        assert_eq!(view_latitudes(10.0, 5.0), (DEFAULT_NORTH, DEFAULT_SOUTH));
        assert_eq!(view_latitudes(95.0, 0.0), (DEFAULT_NORTH, DEFAULT_SOUTH));
    }
}
