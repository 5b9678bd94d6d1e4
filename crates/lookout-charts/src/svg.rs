//! The plotters canvas every chart draws on, and the few edits that turn
//! plotters' document into one that may be inlined under the portal's CSP.

use std::fmt::Write as _;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::Error;

/// Width of every chart in viewBox units; the `<svg>` itself scales to its
/// container (`width="100%"`), so this only sets the proportions and how
/// large text is relative to the bars.
pub(crate) const WIDTH: u32 = 560;
/// Outer margin.
pub(crate) const PAD: i32 = 8;
/// Where the content below the title starts.
pub(crate) const BODY_TOP: i32 = 34;

pub(crate) const TITLE_PX: u32 = 14;
pub(crate) const LABEL_PX: u32 = 12;
pub(crate) const TICK_PX: u32 = 11;

/// The only family: plotters writes it on every `<text>`, and [`finish`]
/// moves it to the root once.
const FAMILY: &str = "sans-serif";

/// plotters writes `font-size` as the style's size divided by 1.24 (and its
/// naive estimator divides once more for the em), so a style is built with
/// the wanted SVG font size multiplied back.
const PLOTTERS_FONT_SCALE: f64 = 1.24;

pub(crate) const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
/// Secondary text ("hidden", tick labels): 5.7:1 on white, AA for small text.
pub(crate) const MUTED: RGBColor = RGBColor(0x5f, 0x5f, 0x5f);
pub(crate) const GRID: RGBColor = RGBColor(0xd4, 0xd4, 0xd4);
pub(crate) const AXIS: RGBColor = RGBColor(0x8a, 0x8a, 0x8a);
/// Series colours in order; the first is the accent used for bars. All are
/// at least 3:1 against white (WCAG non-text contrast).
pub(crate) const PALETTE: [RGBColor; 5] = [
    RGBColor(0x1f, 0x5f, 0x8b),
    RGBColor(0xb5, 0x65, 0x1d),
    RGBColor(0x4d, 0x7d, 0x2f),
    RGBColor(0x7b, 0x4f, 0x9d),
    RGBColor(0x55, 0x55, 0x55),
];

pub(crate) type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// A text style of `px` SVG font size, anchored at `h`/`v`.
pub(crate) fn text(px: u32, color: &RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    font(px).color(color).pos(Pos::new(h, v))
}

pub(crate) fn bold(px: u32, color: &RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    font(px)
        .style(FontStyle::Bold)
        .color(color)
        .pos(Pos::new(h, v))
}

fn font(px: u32) -> FontDesc<'static> {
    (FAMILY, f64::from(px) * PLOTTERS_FONT_SCALE).into_font()
}

/// plotters' naive estimate of how wide `s` renders at `px`: 0.7 of its em
/// per *byte*, so non-ASCII text is over-estimated, which only costs room.
/// Capped so that layout sums cannot overflow.
pub(crate) fn width_of(s: &str, px: u32) -> i32 {
    const CAP: u64 = 1 << 20;
    let estimate = font(px)
        .box_size(s)
        .map_or(CAP, |(w, _)| u64::from(w))
        .min(CAP);
    i32::try_from(estimate).unwrap_or(i32::MAX)
}

/// Longest labels are cut to this many characters before any measuring, so
/// a hostile megabyte label costs no quadratic fitting.
const MAX_CHARS: usize = 120;

/// Text fit for plotters and for XML: control characters (not allowed in
/// XML 1.0, and newlines would be joined away by [`finish`]) and the two
/// non-characters become spaces; whitespace is trimmed.
pub(crate) fn clean(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .take(MAX_CHARS)
        .map(|c| {
            if c.is_control() || c == '\u{fffe}' || c == '\u{ffff}' {
                ' '
            } else {
                c
            }
        })
        .collect();
    cleaned.trim().to_owned()
}

/// `s` cleaned and, when wider than `max` at `px`, shortened with an
/// ellipsis; the data table beside the chart carries the whole label.
pub(crate) fn fit(s: &str, max: i32, px: u32) -> String {
    let mut s = clean(s);
    if width_of(&s, px) <= max {
        return s;
    }
    while !s.is_empty() {
        s.pop();
        let candidate = format!("{}…", s.trim_end());
        if width_of(&candidate, px) <= max {
            return candidate;
        }
    }
    s
}

/// Draws with plotters on a `WIDTH`×`height` string canvas and returns the
/// finished `<svg>`.
pub(crate) fn render(
    kind: &str,
    title: &str,
    aria_label: &str,
    height: u32,
    draw: impl FnOnce(&Area) -> Result<(), Error>,
) -> Result<String, Error> {
    let mut raw = String::new();
    {
        let root = SVGBackend::with_string(&mut raw, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE)?;
        let shown = fit(title, WIDTH as i32 - 2 * PAD, TITLE_PX);
        root.draw_text(
            &shown,
            &bold(TITLE_PX, &INK, HPos::Left, VPos::Top),
            (PAD, PAD),
        )?;
        draw(&root)?;
        root.present()?;
    }
    finish(&raw, kind, title, aria_label, height)
}

/// plotters' output, made inline-ready. plotters 0.3 writes no prolog and no
/// `style` attribute, but a fixed-size root with no accessible name, every
/// tag and every text on its own line, and `opacity="1"`, the font family,
/// size and colour on every element. So: a new root tag and `<title>`;
/// newlines dropped (plotters escapes text, and [`clean`] removed newlines
/// from labels, so every newline is plotters' own); and in tags only,
/// attributes removed that restate SVG's defaults or what the root now says
/// once, and any fractional font size rounded.
fn finish(
    raw: &str,
    kind: &str,
    title: &str,
    aria_label: &str,
    height: u32,
) -> Result<String, Error> {
    let body = raw
        .strip_prefix("<svg ")
        .and_then(|rest| rest.split_once(">\n"))
        .map(|(_, body)| body)
        .ok_or_else(|| Error::Draw("plotters wrote an unexpected SVG root".to_owned()))?;

    let mut out = String::with_capacity(raw.len() / 2 + 256);
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" aria-label="{}"{}><title>{}</title>"#,
        escape(&clean(aria_label)),
        inherited().concat(),
        escape(&clean(title)),
    );
    let redundant = redundant();
    for line in body.lines() {
        if line.starts_with('<') {
            tidy_tag(line, &redundant, &mut out);
        } else {
            out.push_str(line);
        }
    }
    Ok(out)
}

/// Set once on the root for every text to inherit: the family, and the
/// size and colour of most labels. Shapes all carry their own fill.
fn inherited() -> [String; 3] {
    let RGBColor(r, g, b) = INK;
    [
        format!(r#" font-family="{FAMILY}""#),
        format!(r#" font-size="{LABEL_PX}""#),
        format!(r##" fill="#{r:02X}{g:02X}{b:02X}""##),
    ]
}

/// Attributes plotters writes whose value is what an SVG user agent assumes
/// anyway, or what the root sets: matched with their leading space and
/// closing quote, and only inside tags, where values are escaped.
fn redundant() -> Vec<String> {
    let mut all: Vec<String> = [
        r#" opacity="1""#,
        r#" stroke="none""#,
        r#" stroke-width="1""#,
        r#" text-anchor="start""#,
    ]
    .map(str::to_owned)
    .into();
    all.extend(inherited());
    all
}

fn tidy_tag(tag: &str, redundant: &[String], out: &mut String) {
    let mut tag = tag.to_owned();
    // Rounded first, so that a size equal to the root's is then dropped.
    const SIZE: &str = r#" font-size=""#;
    if let Some(start) = tag.find(SIZE).map(|i| i + SIZE.len())
        && let Some(len) = tag[start..].find('"')
        && let Ok(size) = tag[start..start + len].parse::<f64>()
    {
        tag.replace_range(start..start + len, &format!("{}", size.round()));
    }
    for attr in redundant {
        tag = tag.replace(attr.as_str(), "");
    }
    out.push_str(&tag);
}

/// Escapes for both an attribute value and element text.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidy_rounds_font_size_and_drops_defaults() {
        let mut out = String::new();
        tidy_tag(
            r##"<text x="8" y="8" dy="0.76em" text-anchor="start" font-family="sans-serif" font-size="10.999999999999998" opacity="1" fill="#5F5F5F">"##,
            &redundant(),
            &mut out,
        );
        assert_eq!(
            out,
            r##"<text x="8" y="8" dy="0.76em" font-size="11" fill="#5F5F5F">"##
        );
        out.clear();
        tidy_tag(
            r##"<text x="8" y="8" font-family="sans-serif" font-size="12.000000000000002" opacity="1" fill="#222222">"##,
            &redundant(),
            &mut out,
        );
        assert_eq!(out, r#"<text x="8" y="8">"#);
    }

    #[test]
    fn clean_removes_what_xml_forbids() {
        assert_eq!(clean(" a\nb\u{0}c\u{ffff} "), "a b c");
    }

    #[test]
    fn fit_shortens_with_an_ellipsis() {
        let long = "Suspicious approach by small craft with ladders";
        let fitted = fit(long, 100, LABEL_PX);
        assert!(fitted.ends_with('…'), "{fitted}");
        assert!(width_of(&fitted, LABEL_PX) <= 100);
        assert_eq!(fit("Theft", 100, LABEL_PX), "Theft");
        assert_eq!(fit("Theft", 0, LABEL_PX), "");
    }
}
