use lookout_charts::{Datum, Series, bars, columns, lines};
use roxmltree::{Document, Node};

const SVG_NS: &str = "http://www.w3.org/2000/svg";
const ACCENT: &str = "#1F5F8B";
const HOSTILE: &str = r#"<script>&"'"#;

const AREAS: [&str; 20] = [
    "Gulf of Guinea",
    "Gulf of Aden",
    "Red Sea",
    "Arabian Sea",
    "Strait of Malacca",
    "Singapore Strait",
    "Sulu and Celebes Seas",
    "South China Sea",
    "Black Sea",
    "Eastern Mediterranean",
    "Baltic Sea",
    "Persian Gulf",
    "Strait of Hormuz",
    "Bay of Bengal",
    "Caribbean Sea",
    "Gulf of Mexico",
    "North Sea",
    "English Channel",
    "Mozambique Channel",
    "North Atlantic Ocean (east)",
];

fn months() -> Vec<String> {
    [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .map(|m| format!("{m} 2025"))
    .collect()
}

fn twenty_areas() -> Vec<Datum> {
    AREAS
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let value = if i % 9 == 4 {
                None
            } else {
                Some((i as u64 * 37) % 251 + 3)
            };
            Datum::new(*a, value)
        })
        .collect()
}

fn twelve_months() -> Vec<Datum> {
    months()
        .into_iter()
        .enumerate()
        .map(|(i, m)| {
            let value = if i == 4 {
                None
            } else {
                Some(20 + (i as u64 * 13) % 40)
            };
            Datum::new(m, value)
        })
        .collect()
}

fn three_series() -> Vec<Series> {
    vec![
        Series::new(
            "Cyber",
            (0..12)
                .map(|i| if i == 3 { None } else { Some(10 + i * 3) })
                .collect(),
        ),
        Series::new("Other crime", (0..12).map(|i| Some(40 - i * 2)).collect()),
        Series::new(
            "Last year",
            (0..12)
                .map(|i| {
                    if i == 6 || i == 8 {
                        None
                    } else {
                        Some(25 + (i * 7) % 11)
                    }
                })
                .collect(),
        ),
    ]
}

/// Parses the chart and checks what every chart must be: well-formed, an
/// accessible `<svg>` root, nothing the CSP would block or that reaches out.
fn check<'a>(svg: &'a str, title: &str) -> Document<'a> {
    let doc = Document::parse(svg).unwrap_or_else(|e| panic!("not XML: {e}\n{svg}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.tag_name().namespace(), Some(SVG_NS));
    assert_eq!(root.attribute("role"), Some("img"));
    assert!(
        root.attribute("aria-label")
            .is_some_and(|l| l.starts_with(title)),
        "aria-label {:?}",
        root.attribute("aria-label")
    );
    assert!(root.attribute("viewBox").is_some());
    assert_eq!(root.attribute("width"), Some("100%"));
    assert_eq!(root.attribute("height"), None);
    let first = root.first_element_child().expect("a child");
    assert_eq!(first.tag_name().name(), "title");
    assert_eq!(first.text(), Some(title));

    assert!(!svg.contains("style="), "style attribute in {svg}");
    assert!(!svg.contains("<style"));
    assert!(!svg.contains("<script"));
    assert!(!svg.starts_with("<?xml"));
    assert_eq!(
        svg.matches("http").count(),
        1,
        "a URL besides the namespace"
    );
    assert!(!svg.contains("href"));
    assert!(!svg.contains('\n'));
    for node in doc.descendants().filter(Node::is_element) {
        let name = node.tag_name().name();
        assert!(
            ["svg", "title", "rect", "text", "polyline", "circle", "line"].contains(&name),
            "unexpected <{name}>"
        );
        assert!(node.attribute("style").is_none());
        for attr in node.attributes() {
            assert!(!attr.name().starts_with("on"), "event handler {attr:?}");
        }
        // Coordinates are whole numbers: short, and crisp.
        for name in ["x", "y", "width", "height", "cx", "cy", "r"] {
            if let Some(v) = node.attribute(name)
                && node.tag_name().name() != "svg"
            {
                assert!(v.parse::<i64>().is_ok(), "{name}={v:?}");
            }
        }
        if let Some(points) = node.attribute("points") {
            for n in points.split([' ', ',']).filter(|s| !s.is_empty()) {
                assert!(n.parse::<i64>().is_ok(), "points {points:?}");
            }
        }
        if let Some(size) = node.attribute("font-size") {
            assert!(size.parse::<u32>().is_ok(), "font-size {size:?}");
        }
    }
    doc
}

fn filled<'a>(doc: &'a Document, tag: &str, fill: &str) -> Vec<Node<'a, 'a>> {
    doc.descendants()
        .filter(|n| n.has_tag_name(tag) && n.attribute("fill") == Some(fill))
        .collect()
}

fn texts(doc: &Document) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or_default().to_owned())
        .collect()
}

fn int(node: &Node, attr: &str) -> i64 {
    node.attribute(attr)
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {attr} on {node:?}"))
}

#[test]
fn bars_have_one_rect_per_shown_figure_and_say_hidden() {
    let data = twenty_areas();
    let svg = bars("Incidents by sea area", &data).unwrap();
    let doc = check(&svg, "Incidents by sea area");
    let shown: Vec<u64> = data.iter().filter_map(|d| d.value).collect();
    let rects = filled(&doc, "rect", ACCENT);
    assert_eq!(rects.len(), shown.len());

    // Longer figure, longer bar; the figure is written after its bar.
    let widths: Vec<i64> = rects.iter().map(|r| int(r, "width")).collect();
    for i in 0..shown.len() {
        for j in 0..shown.len() {
            if shown[i] > shown[j] {
                assert!(widths[i] >= widths[j]);
            }
        }
    }
    let texts = texts(&doc);
    for value in &shown {
        assert!(texts.contains(&value.to_string()), "{value} missing");
    }
    for label in AREAS {
        assert!(texts.iter().any(|t| t == label), "{label} missing");
    }
    let hidden = data.iter().filter(|d| d.value.is_none()).count();
    assert_eq!(texts.iter().filter(|t| *t == "hidden").count(), hidden);
}

#[test]
fn a_shown_zero_keeps_its_rect_and_figure() {
    let data = vec![
        Datum::new("Theft", Some(12)),
        Datum::new("Boarding", Some(0)),
        Datum::new("Hijack", None),
    ];
    let svg = bars("By class", &data).unwrap();
    let doc = check(&svg, "By class");
    let rects = filled(&doc, "rect", ACCENT);
    assert_eq!(rects.len(), 2);
    assert_eq!(int(&rects[1], "width"), 0);
    assert!(texts(&doc).contains(&"0".to_owned()));

    let svg = columns("By month", &data).unwrap();
    let doc = check(&svg, "By month");
    assert_eq!(filled(&doc, "rect", ACCENT).len(), 2);
}

#[test]
fn columns_have_one_rect_per_shown_figure_and_an_axis() {
    let data = twelve_months();
    let svg = columns("Incidents by month", &data).unwrap();
    let doc = check(&svg, "Incidents by month");
    let rects = filled(&doc, "rect", ACCENT);
    assert_eq!(rects.len(), 11);
    // In order, left to right, standing on one baseline.
    let xs: Vec<i64> = rects.iter().map(|r| int(r, "x")).collect();
    assert!(xs.windows(2).all(|w| w[0] < w[1]));
    let bottoms: Vec<i64> = rects
        .iter()
        .map(|r| int(r, "y") + int(r, "height"))
        .collect();
    assert!(bottoms.windows(2).all(|w| w[0] == w[1]));
    let texts = texts(&doc);
    assert!(texts.contains(&"hidden".to_owned()));
    assert!(texts.contains(&"0".to_owned()), "value axis from 0");
    assert!(texts.contains(&"Jan 2025".to_owned()));
}

#[test]
fn x_labels_are_thinned_so_they_do_not_overlap() {
    let weeks: Vec<Datum> = (1..=53)
        .map(|w| Datum::new(format!("2025-W{w:02}"), Some(w)))
        .collect();
    let svg = columns("Incidents by week", &weeks).unwrap();
    let doc = check(&svg, "Incidents by week");
    let labels: Vec<Node> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text") && n.text().is_some_and(|t| t.starts_with("2025-W")))
        .collect();
    assert!(labels.len() > 3 && labels.len() < 53, "{}", labels.len());
    assert_eq!(labels[0].text(), Some("2025-W01"));
    // 8 characters at 11 px are under 60 units wide however a font sets them.
    let xs: Vec<i64> = labels.iter().map(|n| int(n, "x")).collect();
    assert!(xs.windows(2).all(|w| w[1] - w[0] >= 60), "{xs:?}");

    // Twelve short labels all fit.
    let short: Vec<Datum> = (1..=12)
        .map(|m| Datum::new(m.to_string(), Some(m)))
        .collect();
    let svg = columns("By month", &short).unwrap();
    let doc = check(&svg, "By month");
    let texts = texts(&doc);
    assert!((1..=12).all(|m| texts.contains(&m.to_string())));
}

#[test]
fn lines_break_at_hidden_figures_and_have_a_legend() {
    let x = months();
    let series = three_series();
    let svg = lines("Cyber and other crime", &x, &series).unwrap();
    let doc = check(&svg, "Cyber and other crime");
    let texts = texts(&doc);
    for name in ["Cyber", "Other crime", "Last year"] {
        assert!(texts.contains(&name.to_owned()), "{name} not in legend");
    }
    let paths = |color: &str| {
        doc.descendants()
            .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke") == Some(color))
            .map(|n| {
                n.attribute("points")
                    .unwrap_or("")
                    .split_whitespace()
                    .count()
            })
            .collect::<Vec<_>>()
    };
    // Cyber: hidden in April, so Jan-Mar and May-Dec.
    assert_eq!(paths("#1F5F8B"), vec![3, 8]);
    assert_eq!(paths("#B5651D"), vec![12]);
    // Last year: hidden in July and September, so August is a lone dot.
    assert_eq!(paths("#4D7D2F"), vec![6, 3]);
    assert_eq!(filled(&doc, "circle", "#4D7D2F").len(), 1);
    // Each series has its legend swatch.
    for color in ["#1F5F8B", "#B5651D", "#4D7D2F"] {
        assert_eq!(filled(&doc, "rect", color).len(), 1, "{color}");
    }
}

#[test]
fn lines_tolerate_ragged_series() {
    let x: Vec<String> = vec!["a".into(), "b".into(), "c".into()];
    let series = vec![
        Series::new("short", vec![Some(1)]),
        Series::new("long", vec![Some(1), Some(2), Some(3), Some(4), Some(99)]),
        Series::new("none", vec![]),
    ];
    let svg = lines("Ragged", &x, &series).unwrap();
    let doc = check(&svg, "Ragged");
    // The value past the last label does not stretch the axis.
    assert!(!texts(&doc).contains(&"100".to_owned()));
    assert_eq!(filled(&doc, "circle", "#1F5F8B").len(), 1);
}

#[test]
fn hostile_text_is_escaped_everywhere() {
    let data = vec![Datum::new(HOSTILE, Some(3)), Datum::new(HOSTILE, None)];
    let title = format!("Title {HOSTILE}");
    for svg in [
        bars(&title, &data).unwrap(),
        columns(&title, &data).unwrap(),
        lines(
            &title,
            &[HOSTILE.to_owned()],
            &[Series::new(HOSTILE, vec![Some(3)])],
        )
        .unwrap(),
        bars(&title, &[]).unwrap(),
    ] {
        let doc = check(&svg, &title);
        assert!(svg.contains("&lt;script&gt;&amp;&quot;"), "{svg}");
        assert_eq!(
            doc.root_element()
                .attribute("aria-label")
                .map(|l| &l[..title.len()]),
            Some(title.as_str())
        );
        if !svg.contains("No figures") {
            assert!(texts(&doc).iter().any(|t| t == HOSTILE), "{svg}");
        }
    }
}

#[test]
fn characters_xml_forbids_are_replaced() {
    let data = vec![Datum::new("a\u{0}b\u{1b}[31m\nc\u{ffff}", Some(1))];
    let svg = bars("x\u{7}y", &data).unwrap();
    let doc = check(&svg, "x y");
    assert!(texts(&doc).contains(&"a b [31m c".to_owned()));
}

#[test]
fn long_labels_are_cut_with_an_ellipsis() {
    let long = "Suspicious approach by a skiff with ladders and armed persons on board";
    let data = vec![Datum::new(long, Some(5)), Datum::new("Theft", Some(2))];
    let svg = bars("By class", &data).unwrap();
    let doc = check(&svg, "By class");
    let texts = texts(&doc);
    let cut = texts
        .iter()
        .find(|t| t.starts_with("Suspicious"))
        .expect("label");
    assert!(cut.ends_with('…') && cut.len() < long.len(), "{cut}");

    let huge = "x".repeat(1_000_000);
    let svg = bars(&huge, &[Datum::new(huge.clone(), Some(1))]).unwrap();
    assert!(svg.len() < 3_000, "{}", svg.len());
}

#[test]
fn nothing_to_show_is_a_small_valid_chart() {
    let hidden = vec![Datum::new("a", None), Datum::new("b", None)];
    let zeros = vec![Datum::new("a", Some(0)), Datum::new("b", Some(0))];
    let x = months();
    let charts = [
        bars("Empty", &[]).unwrap(),
        bars("Empty", &hidden).unwrap(),
        bars("Empty", &zeros).unwrap(),
        columns("Empty", &[]).unwrap(),
        columns("Empty", &hidden).unwrap(),
        columns("Empty", &zeros).unwrap(),
        lines("Empty", &[], &[]).unwrap(),
        lines("Empty", &x, &[]).unwrap(),
        lines("Empty", &[], &three_series()).unwrap(),
        lines("Empty", &x, &[Series::new("a", vec![None; 12])]).unwrap(),
        lines("Empty", &x, &[Series::new("a", vec![Some(0); 12])]).unwrap(),
    ];
    for svg in charts {
        let doc = check(&svg, "Empty");
        assert!(texts(&doc).contains(&"No figures to show".to_owned()));
        assert_eq!(
            doc.root_element().attribute("aria-label"),
            Some("Empty: no figures to show")
        );
        assert!(svg.len() < 700, "{}", svg.len());
    }
}

#[test]
fn the_largest_figures_do_not_overflow() {
    let data = vec![
        Datum::new("max", Some(u64::MAX)),
        Datum::new("one", Some(1)),
        Datum::new("almost", Some(u64::MAX - 1)),
        Datum::new("hidden", None),
    ];
    let svg = bars("Huge", &data).unwrap();
    let doc = check(&svg, "Huge");
    let rects = filled(&doc, "rect", ACCENT);
    assert_eq!(rects.len(), 3);
    assert_eq!(int(&rects[1], "width"), 1, "a tiny figure keeps a sliver");
    assert!(int(&rects[0], "width") > 100);
    assert!(texts(&doc).contains(&u64::MAX.to_string()));
    let right = int(&rects[0], "x") + int(&rects[0], "width");
    assert!(right < 560);

    let svg = columns("Huge", &data).unwrap();
    let doc = check(&svg, "Huge");
    let rects = filled(&doc, "rect", ACCENT);
    assert_eq!(rects.len(), 3);
    assert!(rects.iter().all(|r| int(r, "y") >= 0));
    assert!(texts(&doc).contains(&"20E".to_owned()), "compact axis");

    let x = vec!["a".to_owned(), "b".to_owned()];
    let series = vec![Series::new("s", vec![Some(u64::MAX), Some(0)])];
    let svg = lines("Huge", &x, &series).unwrap();
    check(&svg, "Huge");
}

#[test]
fn many_figures_do_not_break_the_layout() {
    let data: Vec<Datum> = (0..2_000)
        .map(|i| Datum::new(i.to_string(), Some(i)))
        .collect();
    let svg = columns("Many", &data).unwrap();
    let doc = check(&svg, "Many");
    assert_eq!(filled(&doc, "rect", ACCENT).len(), 2_000);
    let svg = bars("Many", &data).unwrap();
    check(&svg, "Many");
    let x: Vec<String> = data.iter().map(|d| d.label.clone()).collect();
    let series: Vec<Series> = (0..12)
        .map(|i| Series::new(format!("series {i}"), vec![Some(i); 2_000]))
        .collect();
    let svg = lines("Many", &x, &series).unwrap();
    check(&svg, "Many");
}

/// The sizes quoted in the crate documentation; run with `--nocapture` to
/// see them.
#[test]
fn sizes_stay_small() {
    let bars = bars("Incidents by sea area, 2025", &twenty_areas()).unwrap();
    let columns = columns("Incidents by month, 2025", &twelve_months()).unwrap();
    let lines = lines("Cyber and other crime by month", &months(), &three_series()).unwrap();
    let empty = lookout_charts::bars("Incidents by class", &[]).unwrap();
    eprintln!(
        "bytes: bars(20) {}, columns(12) {}, lines(3x12) {}, empty {}",
        bars.len(),
        columns.len(),
        lines.len(),
        empty.len()
    );
    assert!(bars.len() < 4_500, "{}", bars.len());
    assert!(columns.len() < 3_000, "{}", columns.len());
    assert!(lines.len() < 3_000, "{}", lines.len());
    assert!(empty.len() < 600, "{}", empty.len());
}
