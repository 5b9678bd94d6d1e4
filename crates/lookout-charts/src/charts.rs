//! Layout of the three charts in viewBox pixels. plotters only draws:
//! its `ChartBuilder` mesh writes dozens of light gridlines and `123.0`-style
//! tick labels, and layout done here keeps every coordinate an integer and
//! every element one we meant.

use plotters::element::{Circle, PathElement, Rectangle};
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{Color, FontTransform, RGBColor, ShapeStyle};

use crate::scale::{self, Ticks};
use crate::svg::{
    self, AXIS, Area, BODY_TOP, GRID, INK, LABEL_PX, MUTED, PAD, PALETTE, TICK_PX, WIDTH,
};
use crate::{Datum, Error, Series};

/// What a suppressed figure says, as in the page's tables.
const HIDDEN: &str = "hidden";
const NOTHING: &str = "No figures to show";

/// Height of one horizontal bar's row, and of the bar in it.
const ROW: i32 = 22;
const BAR: i32 = 14;
/// Height of the plot area of columns and lines, below title and legend.
const PLOT_HEIGHT: i32 = 200;
/// Room below the plot for the x labels.
const X_LABELS: i32 = 22;
/// Bound on positions that grow with the number of bars or series, so that
/// the small offsets added to them cannot overflow however long the data.
const FAR: i32 = 1 << 24;

fn stroke(color: &RGBColor, width: u32) -> ShapeStyle {
    ShapeStyle {
        color: color.to_rgba(),
        filled: false,
        stroke_width: width,
    }
}

/// A one-unit rule as a filled rect: shorter markup than plotters'
/// `<polyline>`, and it covers whole pixels where a 1-wide stroke centred on
/// an integer coordinate would blur across two.
fn rule(root: &Area, from: (i32, i32), to: (i32, i32), color: &RGBColor) -> Result<(), Error> {
    let to = (to.0.max(from.0 + 1), to.1.max(from.1 + 1));
    root.draw(&Rectangle::new([from, to], color.filled()))?;
    Ok(())
}

fn to_u32(y: i32) -> u32 {
    u32::try_from(y.max(1)).unwrap_or(1)
}

/// The chart for data with nothing to draw: the title and [`NOTHING`].
pub(crate) fn empty(kind: &str, title: &str) -> Result<String, Error> {
    let label = format!("{}: {}", svg::clean(title), NOTHING.to_lowercase());
    svg::render(kind, title, &label, 64, |root| {
        root.draw_text(
            NOTHING,
            &svg::text(LABEL_PX, &MUTED, HPos::Left, VPos::Top),
            (PAD, BODY_TOP),
        )?;
        Ok(())
    })
}

pub(crate) fn bars(title: &str, data: &[Datum]) -> Result<String, Error> {
    let max = data.iter().filter_map(|d| d.value).max().unwrap_or(0);
    if max == 0 {
        return empty("bars", title);
    }
    let label_room = WIDTH as i32 * 2 / 5;
    let labels: Vec<String> = data
        .iter()
        .map(|d| svg::fit(&d.label, label_room, LABEL_PX))
        .collect();
    let label_width = labels
        .iter()
        .map(|l| svg::width_of(l, LABEL_PX))
        .max()
        .unwrap_or(0);
    let values: Vec<String> = data
        .iter()
        .map(|d| d.value.map_or_else(|| HIDDEN.to_owned(), |v| v.to_string()))
        .collect();
    let value_width = values
        .iter()
        .map(|v| svg::width_of(v, LABEL_PX))
        .max()
        .unwrap_or(0);

    let x0 = PAD + label_width + 6;
    let length = (WIDTH as i32 - PAD - 4 - value_width - x0).max(1);
    let rows = i32::try_from(data.len()).unwrap_or(i32::MAX / ROW);
    let bottom = BODY_TOP.saturating_add(rows.saturating_mul(ROW)).min(FAR);
    let height = to_u32(bottom.saturating_add(PAD));

    let accent = PALETTE[0].filled();
    let label_style = svg::text(LABEL_PX, &INK, HPos::Right, VPos::Center);
    let value_style = svg::text(LABEL_PX, &INK, HPos::Left, VPos::Center);
    let hidden_style = svg::text(LABEL_PX, &MUTED, HPos::Left, VPos::Center);

    svg::render("bars", title, title, height, |root| {
        rule(root, (x0 - 1, BODY_TOP), (x0, bottom), &AXIS)?;
        for (i, ((datum, label), value)) in data.iter().zip(&labels).zip(&values).enumerate() {
            let row = i32::try_from(i).unwrap_or(i32::MAX);
            let middle = BODY_TOP
                .saturating_add(row.saturating_mul(ROW))
                .saturating_add(ROW / 2)
                .min(FAR);
            root.draw_text(label, &label_style, (x0 - 6, middle))?;
            match datum.value {
                Some(v) => {
                    let mut bar = scale::offset(u128::from(v), u128::from(max), length);
                    if v > 0 {
                        bar = bar.max(1);
                    }
                    let y = middle.saturating_sub(BAR / 2);
                    root.draw(&Rectangle::new(
                        [(x0, y), (x0 + bar, y.saturating_add(BAR))],
                        accent,
                    ))?;
                    root.draw_text(value, &value_style, (x0 + bar + 4, middle))?;
                }
                None => root.draw_text(value, &hidden_style, (x0 + 4, middle))?,
            }
        }
        Ok(())
    })
}

/// The value axis and the x slots shared by columns and lines.
struct Frame {
    left: i32,
    right: i32,
    bottom: i32,
    ticks: Ticks,
    /// Width of one x slot: a column, or the space around one point.
    slot: f64,
}

impl Frame {
    fn new(top: i32, max: u64, slots: usize) -> Self {
        let ticks = scale::ticks(max);
        let tick_width = ticks
            .values()
            .map(|t| svg::width_of(&scale::compact(t), TICK_PX))
            .max()
            .unwrap_or(0);
        let left = PAD + tick_width + 6;
        let right = WIDTH as i32 - PAD;
        Frame {
            left,
            right,
            bottom: top.saturating_add(PLOT_HEIGHT),
            ticks,
            slot: f64::from(right - left) / slots.max(1) as f64,
        }
    }

    fn height(&self) -> u32 {
        to_u32(self.bottom.saturating_add(X_LABELS + PAD))
    }

    fn y(&self, value: u64) -> i32 {
        self.bottom - scale::offset(u128::from(value), self.ticks.top, PLOT_HEIGHT)
    }

    fn centre(&self, i: usize) -> i32 {
        (f64::from(self.left) + (i as f64 + 0.5) * self.slot).round() as i32
    }

    /// Gridlines with their values, then the baseline over them.
    fn draw_axis(&self, root: &Area) -> Result<(), Error> {
        let tick_style = svg::text(TICK_PX, &MUTED, HPos::Right, VPos::Center);
        for t in self.ticks.values() {
            let y = self.bottom - scale::offset(t, self.ticks.top, PLOT_HEIGHT);
            if t > 0 {
                rule(root, (self.left, y), (self.right, y), &GRID)?;
            }
            root.draw_text(&scale::compact(t), &tick_style, (self.left - 6, y))?;
        }
        rule(
            root,
            (self.left, self.bottom),
            (self.right, self.bottom + 1),
            &AXIS,
        )?;
        Ok(())
    }

    /// The x labels, thinned to every k-th so that none overlap: k is how
    /// many slots the widest label needs, with an eighth added because the
    /// naive estimate runs short for digits and capitals.
    fn draw_x_labels<S: AsRef<str>>(&self, root: &Area, labels: &[S]) -> Result<(), Error> {
        let room = self.right - self.left;
        let labels: Vec<String> = labels
            .iter()
            .map(|l| svg::fit(l.as_ref(), room, TICK_PX))
            .collect();
        let widest = labels
            .iter()
            .map(|l| svg::width_of(l, TICK_PX))
            .max()
            .unwrap_or(0);
        let every = (f64::from(widest + widest / 8 + 8) / self.slot)
            .ceil()
            .max(1.0) as usize;
        let style = svg::text(TICK_PX, &INK, HPos::Center, VPos::Top);
        let mut free_from = i32::MIN;
        for (i, label) in labels.iter().enumerate().step_by(every.max(1)) {
            let half = svg::width_of(label, TICK_PX) / 2;
            let x = self
                .centre(i)
                .min(WIDTH as i32 - PAD - half)
                .max(PAD + half);
            // Kept inside the chart, the last label may be pushed onto the
            // one before.
            if x - half < free_from {
                continue;
            }
            free_from = x + half + half / 4 + 8;
            root.draw_text(label, &style, (x, self.bottom.saturating_add(5)))?;
        }
        Ok(())
    }
}

pub(crate) fn columns(title: &str, data: &[Datum]) -> Result<String, Error> {
    let max = data.iter().filter_map(|d| d.value).max().unwrap_or(0);
    if max == 0 {
        return empty("columns", title);
    }
    let frame = Frame::new(BODY_TOP + 6, max, data.len());
    let width = ((frame.slot * 0.7).round() as i32).max(1);
    let accent = PALETTE[0].filled();
    // Turned a quarter so that it fits a narrow column.
    let hidden_style =
        svg::text(TICK_PX, &MUTED, HPos::Left, VPos::Center).transform(FontTransform::Rotate270);

    svg::render("columns", title, title, frame.height(), |root| {
        frame.draw_axis(root)?;
        for (i, datum) in data.iter().enumerate() {
            let centre = frame.centre(i);
            match datum.value {
                Some(v) => {
                    let mut top = frame.y(v);
                    if v > 0 {
                        top = top.min(frame.bottom - 1);
                    }
                    let x = centre - width / 2;
                    root.draw(&Rectangle::new(
                        [(x, top), (x + width, frame.bottom)],
                        accent,
                    ))?;
                }
                None => root.draw_text(HIDDEN, &hidden_style, (centre, frame.bottom - 4))?,
            }
        }
        let labels: Vec<&str> = data.iter().map(|d| d.label.as_str()).collect();
        frame.draw_x_labels(root, &labels)
    })
}

pub(crate) fn lines(title: &str, x_labels: &[String], series: &[Series]) -> Result<String, Error> {
    let n = x_labels.len();
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().take(n).flatten())
        .copied()
        .max()
        .unwrap_or(0);
    if max == 0 {
        return empty("lines", title);
    }

    // Legend: a swatch and the name per series, wrapping onto more rows.
    let swatch = 16;
    let mut legend = Vec::with_capacity(series.len());
    let (mut x, mut y) = (PAD, BODY_TOP + 6);
    for s in series {
        let name = svg::fit(&s.name, WIDTH as i32 / 2, LABEL_PX);
        let item = swatch + 4 + svg::width_of(&name, LABEL_PX);
        if x > PAD && x + item > WIDTH as i32 - PAD {
            x = PAD;
            y = y.saturating_add(18).min(FAR);
        }
        legend.push((x, y, name));
        x += item + 14;
    }
    let frame = Frame::new(y.saturating_add(24), max, n);
    let legend_style = svg::text(LABEL_PX, &INK, HPos::Left, VPos::Center);

    svg::render("lines", title, title, frame.height(), |root| {
        frame.draw_axis(root)?;
        for (i, (x, y, name)) in legend.iter().enumerate() {
            let color = PALETTE[i % PALETTE.len()];
            root.draw(&Rectangle::new(
                [(*x, y - 2), (x + swatch, y + 1)],
                color.filled(),
            ))?;
            root.draw_text(name, &legend_style, (x + swatch + 4, *y))?;
        }
        // The first series last, so that it is on top where lines cross.
        for (i, s) in series.iter().enumerate().rev() {
            let color = PALETTE[i % PALETTE.len()];
            let values = s.values.iter().take(n).copied().enumerate();
            let mut run: Vec<(i32, i32)> = Vec::new();
            // The trailing `None` ends the last run like a gap would.
            for (j, value) in values.chain(std::iter::once((n, None))) {
                match value {
                    Some(v) => run.push((frame.centre(j), frame.y(v))),
                    _ => {
                        // A suppressed figure breaks the line; a point with
                        // no neighbour would be invisible as a path.
                        match run.len() {
                            0 => {}
                            1 => root.draw(&Circle::new(run[0], 3, color.filled()))?,
                            _ => root.draw(&PathElement::new(
                                std::mem::take(&mut run),
                                stroke(&color, 2),
                            ))?,
                        }
                        run.clear();
                    }
                }
            }
        }
        frame.draw_x_labels(root, x_labels)
    })
}
