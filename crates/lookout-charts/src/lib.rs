//! Small, accessible SVG charts for the statistics pages, drawn on the
//! server with [plotters] and its SVG backend.
//!
//! The portal is used over slow satellite links and is served with the CSP
//! `default-src 'self'; style-src 'self'`, so each chart is one `<svg>`
//! element to inline in the page, beside the data table that carries every
//! figure:
//!
//! - no `style` attribute, no `<style>`, no script, no external reference:
//!   only presentation attributes (`fill`, `stroke`, `font-size`, ...), and
//!   the one URL is the SVG namespace;
//! - `role="img"`, an `aria-label` and a `<title>` naming the chart, so a
//!   screen reader announces one image (the table holds the data), and a
//!   `class` of `chart chart-bars`, `chart chart-columns` or
//!   `chart chart-lines` for the page's stylesheet;
//! - a `viewBox` 560 units wide with `width="100%"`, so the chart scales to
//!   its column and its height follows;
//! - integer coordinates, one line of markup, and shared attributes set
//!   once on the root (see [Sizes](#sizes));
//! - every text escaped, and control characters in labels replaced, since
//!   labels are treated as hostile.
//!
//! A figure may be **suppressed** (`None`) when showing it could single out a
//! reporter: [`bars`] writes "hidden" in place of its bar, [`columns`] writes
//! "hidden" upright in its column, and [`lines`] leaves a gap. Data with no
//! figure above zero gives a small chart that says "No figures to show"
//! rather than an error. Values up to `u64::MAX` are drawn without overflow.
//!
//! ```
//! use lookout_charts::{Datum, bars};
//!
//! let svg = bars(
//!     "Incidents by class, 2025",
//!     &[Datum::new("Theft", Some(12)), Datum::new("Hijack", None)],
//! )?;
//! assert!(svg.starts_with("<svg ") && svg.contains(">hidden</text>"));
//! # Ok::<(), lookout_charts::Error>(())
//! ```
//!
//! # Why plotters without fonts
//!
//! plotters is built with only its `svg_backend` feature: no `ttf`,
//! `ab_glyph` or font-kit, so no font files, no fontconfig or freetype on the
//! server, and nothing to embed in the page. Text stays `<text>` elements in
//! the browser's own `sans-serif`, which keeps it selectable, translatable
//! and sharp at any zoom, and costs a few bytes instead of glyph outlines.
//! Layout then relies on plotters' naive width estimate, about 0.56 em per
//! *byte*: close for Latin words, short for digits and capitals (so x labels
//! get an eighth more room when they are thinned), long for non-ASCII text.
//! Labels that would not fit are cut with "…" (the table has them whole).
//!
//! The charts use plotters' drawing area and elements (rectangles, paths,
//! circles, text) but not its `ChartBuilder` mesh, which for 12 columns
//! writes some 90 light gridlines and a `.0` on every tick label (16 716
//! bytes, against 2 290 here); its tick search is also not built for axes
//! up to `u64::MAX`. Layout is done here in whole viewBox units instead.
//!
//! The document plotters writes is then tidied once: a new root element with
//! the accessible name; newlines dropped; attributes dropped that restate a
//! default (`opacity="1"`, `stroke="none"`, `text-anchor="start"`) or what
//! the root now sets once (`font-family="sans-serif"`, `font-size="12"`,
//! `fill="#222222"` for text). plotters writes `font-size` as the style's
//! size divided by 1.24 (`("sans-serif", 12)` comes out as
//! `9.67741935483871`), so styles ask for 1.24 times the wanted size, and
//! any fraction left is rounded.
//!
//! # Sizes
//!
//! In bytes, uncompressed and with `gzip -9`, for the data of
//! `tests/charts.rs` (whose `sizes_stay_small` prints them with
//! `--nocapture`) and of `examples/demo.rs`, which writes the charts to
//! files for looking at:
//!
//! | chart | bytes | gzipped |
//! | --- | --- | --- |
//! | [`bars`], 20 sea areas, 2 hidden | 3 908 | 912 |
//! | [`columns`], 12 months, 1 hidden | 2 290 | 601 |
//! | [`lines`], 3 series of 12 months, 3 gaps | 2 471 | 710 |
//! | [`columns`], 52 weeks, 3 hidden | 5 773 | 864 |
//! | "No figures to show" | 474 | 292 |
//!
//! [plotters]: https://docs.rs/plotters/0.3

mod charts;
mod scale;
mod svg;

/// One bar or column: a label, and its figure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Datum {
    /// Shown beside the bar or under the column; cut with "…" when too long.
    pub label: String,
    /// The figure; `None` when it is suppressed (hidden to protect
    /// reporters).
    pub value: Option<u64>,
}

impl Datum {
    /// A datum; `value: None` is a suppressed figure.
    pub fn new(label: impl Into<String>, value: Option<u64>) -> Self {
        Datum {
            label: label.into(),
            value,
        }
    }
}

/// One line of [`lines`]: a name for the legend, and one figure per x label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    /// Shown in the legend; cut with "…" when too long.
    pub name: String,
    /// By position in the x labels; `None` is suppressed and leaves a gap.
    /// Values past the last label are ignored, and missing ones are gaps.
    pub values: Vec<Option<u64>>,
}

impl Series {
    /// A series; `None` values are suppressed figures.
    pub fn new(name: impl Into<String>, values: Vec<Option<u64>>) -> Self {
        Series {
            name: name.into(),
            values,
        }
    }
}

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// plotters reported an error while drawing; its message.
    #[error("cannot draw the chart: {0}")]
    Draw(String),
}

impl<E> From<plotters::drawing::DrawingAreaErrorKind<E>> for Error
where
    E: std::error::Error + Send + Sync,
{
    fn from(e: plotters::drawing::DrawingAreaErrorKind<E>) -> Self {
        Error::Draw(e.to_string())
    }
}

/// Horizontal bars for a breakdown (by class, by sea area, ...), in the
/// order given: the label at the left, cut to two fifths of the width, and
/// the figure at the end of the bar. A suppressed figure has no bar and the
/// text "hidden".
///
/// The `<svg>` has one `<rect>` filled `#1F5F8B` per figure that is shown,
/// in order (a zero has a rect of width 0), and is 22 units high per bar.
pub fn bars(title: &str, data: &[Datum]) -> Result<String, Error> {
    charts::bars(title, data)
}

/// Vertical columns over time (months, weeks) with a value axis and grey
/// gridlines. The x labels are thinned to every second, third, ... so that
/// they do not overlap; a suppressed figure has no column and the word
/// "hidden" turned upright in its place.
///
/// The `<svg>` has one `<rect>` filled `#1F5F8B` per figure that is shown
/// (a zero has a rect of height 0).
pub fn columns(title: &str, data: &[Datum]) -> Result<String, Error> {
    charts::columns(title, data)
}

/// One line per series over the same x labels (cyber against other crime
/// by month, this year against last year), with a legend above the plot.
/// Series take the colours `#1F5F8B`, `#B5651D`, `#4D7D2F`, `#7B4F9D`,
/// `#555555` in order, again from the first after five. A suppressed figure
/// breaks its line; a figure between two gaps is drawn as a dot.
pub fn lines(title: &str, x_labels: &[String], series: &[Series]) -> Result<String, Error> {
    charts::lines(title, x_labels, series)
}
