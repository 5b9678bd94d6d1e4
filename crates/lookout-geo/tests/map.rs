//! The world map: well-formed, one shape per area, escaped, CSP-safe, small.

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;
use lookout_geo::map::{
    AreaShade, CLASS_SUPPRESSED, Dot, MapOptions, legend_entries, legend_svg, max_count,
    shade_class, world_map_svg,
};
use lookout_geo::{AreaKind, all, by_id};

/// One element of a parsed document.
#[derive(Debug)]
struct Element {
    name: String,
    attributes: Vec<(String, String)>,
    /// Its own text, unescaped (not its children's).
    text: String,
    parent: Option<usize>,
}

impl Element {
    fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn has_class(&self, class: &str) -> bool {
        self.attribute("class")
            .is_some_and(|c| c.split_whitespace().any(|c| c == class))
    }
}

/// A strict little XML parser, enough for what the map writes: elements,
/// attributes in quotes, text, the five named entities and character
/// references, comments. No DOCTYPE, CDATA or processing instructions.
/// Returns the elements in document order, or what is wrong.
fn parse(xml: &str) -> Result<Vec<Element>, String> {
    let bytes = xml.as_bytes();
    let mut elements: Vec<Element> = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    let mut roots = 0;
    let mut i = 0;
    while i < bytes.len() {
        if xml[i..].starts_with("<!--") {
            let end = xml[i..].find("-->").ok_or("unclosed comment")?;
            i += end + 3;
        } else if xml[i..].starts_with("</") {
            i += 2;
            let (name, next) = read_name(xml, i)?;
            i = skip_space(xml, next);
            if bytes.get(i) != Some(&b'>') {
                return Err(format!("end tag {name} not closed at {i}"));
            }
            i += 1;
            let open = stack.pop().ok_or(format!("stray </{name}> at {i}"))?;
            if elements[open].name != name {
                return Err(format!("<{}> closed by </{name}>", elements[open].name));
            }
        } else if bytes[i] == b'<' {
            if xml[i..].starts_with("<!") || xml[i..].starts_with("<?") {
                return Err(format!("unexpected markup at {i}"));
            }
            if stack.is_empty() {
                roots += 1;
                if roots > 1 {
                    return Err("more than one root element".into());
                }
            }
            let (name, mut next) = read_name(xml, i + 1)?;
            let mut attributes: Vec<(String, String)> = Vec::new();
            let self_closing;
            loop {
                let after_space = skip_space(xml, next);
                match bytes.get(after_space) {
                    Some(b'>') => {
                        self_closing = false;
                        next = after_space + 1;
                        break;
                    }
                    Some(b'/') if bytes.get(after_space + 1) == Some(&b'>') => {
                        self_closing = true;
                        next = after_space + 2;
                        break;
                    }
                    Some(_) if after_space == next => {
                        return Err(format!("no space before attribute in <{name}> at {next}"));
                    }
                    Some(_) => {
                        let (attribute, after_name) = read_name(xml, after_space)?;
                        let at = skip_space(xml, after_name);
                        if bytes.get(at) != Some(&b'=') {
                            return Err(format!("attribute {attribute} without value"));
                        }
                        let at = skip_space(xml, at + 1);
                        let quote = *bytes.get(at).ok_or("truncated attribute")?;
                        if quote != b'"' && quote != b'\'' {
                            return Err(format!("unquoted attribute {attribute}"));
                        }
                        let length = xml[at + 1..]
                            .find(char::from(quote))
                            .ok_or("unclosed attribute value")?;
                        let raw = &xml[at + 1..at + 1 + length];
                        if raw.contains('<') {
                            return Err(format!("'<' in attribute {attribute}"));
                        }
                        if attributes.iter().any(|(n, _)| *n == attribute) {
                            return Err(format!("attribute {attribute} repeated in <{name}>"));
                        }
                        attributes.push((attribute, unescape(raw)?));
                        next = at + 1 + length + 1;
                    }
                    None => return Err(format!("truncated tag <{name}>")),
                }
            }
            elements.push(Element {
                name,
                attributes,
                text: String::new(),
                parent: stack.last().copied(),
            });
            if !self_closing {
                stack.push(elements.len() - 1);
            }
            i = next;
        } else {
            let end = xml[i..].find('<').map_or(xml.len(), |n| i + n);
            let text = unescape(&xml[i..end])?;
            match stack.last() {
                Some(&open) => elements[open].text.push_str(&text),
                None if text.trim().is_empty() => {}
                None => return Err(format!("text outside the root element at {i}")),
            }
            i = end;
        }
    }
    if let Some(&open) = stack.last() {
        return Err(format!("<{}> never closed", elements[open].name));
    }
    if roots != 1 {
        return Err("no root element".into());
    }
    Ok(elements)
}

fn read_name(xml: &str, start: usize) -> Result<(String, usize), String> {
    let name: String = xml[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
        .collect();
    match name.chars().next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => Ok((name.clone(), start + name.len())),
        _ => Err(format!("bad name at {start}")),
    }
}

fn skip_space(xml: &str, start: usize) -> usize {
    start
        + xml[start..]
            .bytes()
            .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            .count()
}

fn unescape(text: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let end = rest[at..].find(';').ok_or("'&' without ';'")?;
        let entity = &rest[at + 1..at + end];
        let c = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(hex) = entity.strip_prefix("#x") {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(decimal) = entity.strip_prefix('#') {
                    decimal.parse().ok()
                } else {
                    None
                };
                code.and_then(char::from_u32)
                    .ok_or(format!("unknown entity &{entity};"))?
            }
        };
        out.push(c);
        rest = &rest[at + end + 1..];
    }
    out.push_str(rest);
    if out
        .chars()
        .any(|c| c < '\u{20}' && !matches!(c, '\t' | '\n' | '\r'))
    {
        return Err("control character not allowed in XML".into());
    }
    Ok(out)
}

/// The parser refuses what it should, so that its passes mean something.
#[test]
fn the_checker_rejects_broken_xml() {
    for bad in [
        "<svg><g></svg></g>",
        "<svg><g></svg>",
        "<svg></svg><svg></svg>",
        "<svg a=\"1\" a=\"2\"/>",
        "<svg a=\"<\"/>",
        "<svg a=1/>",
        "<svg>a & b</svg>",
        "<svg><title>x</title>",
        "text<svg/>",
        "<svg a=\"1\"b=\"2\"/>",
        "<svg>&bogus;</svg>",
        "",
    ] {
        assert!(parse(bad).is_err(), "accepted {bad:?}");
    }
    let ok = parse("<svg x=\"&lt;&#38;\"><title>a &amp; b</title><g/></svg>").expect("valid");
    assert_eq!(ok.len(), 3);
    assert_eq!(ok[0].attribute("x"), Some("<&"));
    assert_eq!(ok[1].text, "a & b");
}

/// Every area, with a spread of counts, a few suppressed and a few zero,
/// each linking to its page.
fn every_area() -> Vec<AreaShade> {
    all()
        .iter()
        .enumerate()
        .map(|(i, area)| {
            let count = match i % 9 {
                0 => None,
                1 => Some(0),
                _ => Some((i as u64 * 37) % 250 + 5),
            };
            AreaShade::new(area.id, count).with_href(format!("/incidents?area={}", area.id))
        })
        .collect()
}

/// 200 dots on a 1° grid, as coarsened cell centres, with labels.
fn two_hundred_dots() -> Vec<Dot> {
    (0u32..200)
        .map(|i| {
            let lat = -40.5 + f64::from((i * 7) % 90);
            let lon = -179.5 + f64::from((i * 53) % 360);
            let count = 5 + u64::from((i * 13) % 60);
            Dot {
                lon,
                lat,
                count,
                label: format!("{lat:.1}, {lon:.1}: {count} incidents"),
            }
        })
        .collect()
}

fn paths_of_areas(elements: &[Element]) -> Vec<&Element> {
    elements
        .iter()
        .filter(|e| e.name == "path" && e.has_class("area"))
        .collect()
}

fn title_of(elements: &[Element], index: usize) -> Option<&str> {
    elements
        .iter()
        .find(|e| e.name == "title" && e.parent == Some(index))
        .map(|e| e.text.as_str())
}

#[test]
fn the_map_is_well_formed_and_accessible() {
    let svg = world_map_svg(&every_area(), &two_hundred_dots(), &MapOptions::default());
    let elements = parse(&svg).unwrap_or_else(|e| panic!("not well-formed: {e}"));
    let root = &elements[0];
    assert_eq!(root.name, "svg");
    assert_eq!(root.attribute("xmlns"), Some("http://www.w3.org/2000/svg"));
    // A group, not an image: an image hides the area links inside it.
    assert_eq!(root.attribute("role"), Some("group"));
    let labelled_by = root.attribute("aria-labelledby").expect("labelled");
    for id in labelled_by.split_whitespace() {
        let target = elements
            .iter()
            .position(|e| e.attribute("id") == Some(id))
            .unwrap_or_else(|| panic!("no element with id {id}"));
        assert_eq!(elements[target].parent, Some(0));
        assert!(!elements[target].text.is_empty());
    }
    assert!(
        elements
            .iter()
            .any(|e| e.name == "title" && e.parent == Some(0))
    );
    assert!(
        elements
            .iter()
            .any(|e| e.name == "desc" && e.parent == Some(0))
    );
    let ids: Vec<&str> = elements.iter().filter_map(|e| e.attribute("id")).collect();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(ids.len(), unique.len(), "repeated ids: {ids:?}");
    assert_eq!(
        elements.iter().filter(|e| e.name == "circle").count(),
        200,
        "every dot is drawn"
    );
    assert_eq!(
        elements.iter().filter(|e| e.has_class("land")).count(),
        1,
        "one land layer"
    );
}

#[test]
fn one_shape_per_given_area_with_its_count() {
    let shades = every_area();
    let svg = world_map_svg(&shades, &[], &MapOptions::default());
    let elements = parse(&svg).expect("well-formed");
    let paths = paths_of_areas(&elements);
    assert_eq!(paths.len(), 36);
    let max = max_count(&shades);
    for shade in &shades {
        let area = by_id(&shade.area_id).expect("catalogue id");
        let expected_title = match shade.count {
            None => format!("{}: too few to show", area.name),
            Some(0) => format!("{}: no incidents", area.name),
            Some(n) => format!("{}: {n} incidents", area.name),
        };
        let index = elements
            .iter()
            .position(|e| e.name == "title" && e.text == expected_title)
            .unwrap_or_else(|| panic!("no title {expected_title:?}"));
        let path_index = elements[index].parent.expect("title inside a path");
        let path = &elements[path_index];
        assert_eq!(path.name, "path");
        assert!(path.has_class(shade_class(shade.count, max)), "{path:?}");
        let link = &elements[path.parent.expect("inside the areas group")];
        assert_eq!(link.name, "a");
        assert_eq!(
            link.attribute("href"),
            Some(format!("/incidents?area={}", area.id).as_str())
        );
    }

    // A subset, an unknown id and a repeated id: one path per known area.
    let some = [
        AreaShade::new("gulf-of-aden", Some(23)),
        AreaShade::new("atlantis", Some(5)),
        AreaShade::new("indian-ocean", Some(7)),
        AreaShade::new("gulf-of-aden", Some(99)),
    ];
    let svg = world_map_svg(&some, &[], &MapOptions::default());
    let elements = parse(&svg).expect("well-formed");
    let paths = paths_of_areas(&elements);
    assert_eq!(paths.len(), 2);
    assert!(svg.contains("Gulf of Aden: 23 incidents"));
    assert!(
        !svg.contains("Gulf of Aden: 99"),
        "a repeated id is ignored"
    );
    assert_eq!(max_count(&some), 23);
}

#[test]
fn regional_seas_are_painted_over_the_oceans_in_priority_order() {
    let svg = world_map_svg(&every_area(), &[], &MapOptions::default());
    let elements = parse(&svg).expect("well-formed");
    let painted: Vec<&str> = paths_of_areas(&elements)
        .iter()
        .map(|path| {
            let index = elements
                .iter()
                .position(|e| std::ptr::eq(e, *path))
                .expect("in the list");
            let title = title_of(&elements, index).expect("titled");
            let name = title.rsplit_once(": ").expect("name: count").0;
            all()
                .iter()
                .find(|a| a.name == name)
                .expect("catalogue name")
                .id
        })
        .collect();
    let kinds: Vec<AreaKind> = painted
        .iter()
        .map(|id| by_id(id).expect("known").kind)
        .collect();
    let first_sea = kinds
        .iter()
        .position(|k| *k == AreaKind::Sea)
        .expect("seas");
    assert!(kinds[..first_sea].iter().all(|k| *k == AreaKind::Ocean));
    assert!(kinds[first_sea..].iter().all(|k| *k == AreaKind::Sea));
    // Later in the document is on top: the catalogue's first area last.
    let priority: Vec<usize> = painted
        .iter()
        .map(|id| all().iter().position(|a| a.id == *id).expect("known"))
        .collect();
    assert!(priority.windows(2).all(|w| w[0] > w[1]), "{painted:?}");
    // Land goes over the areas, dots over the land.
    let land = elements
        .iter()
        .position(|e| e.has_class("land"))
        .expect("land");
    let last_area = elements
        .iter()
        .rposition(|e| e.has_class("area"))
        .expect("areas");
    assert!(last_area < land);
}

#[test]
fn a_suppressed_area_is_hatched_and_says_too_few() {
    let svg = world_map_svg(
        &[AreaShade::new("black-sea", None)],
        &[],
        &MapOptions::default(),
    );
    let elements = parse(&svg).expect("well-formed");
    let paths = paths_of_areas(&elements);
    assert_eq!(paths.len(), 1);
    assert!(paths[0].has_class(CLASS_SUPPRESSED));
    let fill = paths[0].attribute("fill").expect("fallback fill");
    let pattern = fill
        .strip_prefix("url(#")
        .and_then(|f| f.strip_suffix(')'))
        .expect("a pattern");
    assert!(
        elements
            .iter()
            .any(|e| e.name == "pattern" && e.attribute("id") == Some(pattern))
    );
    let index = elements
        .iter()
        .position(|e| std::ptr::eq(e, paths[0]))
        .expect("in the list");
    let title = title_of(&elements, index).expect("titled");
    assert_eq!(title, "Black Sea and Sea of Azov: too few to show");
    assert!(title.contains("too few"));
    assert!(
        !svg.contains("incidents<"),
        "no count leaks for a suppressed area"
    );
}

#[test]
fn hostile_text_is_escaped() {
    let hostile = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>&amp;\u{0}";
    let options = MapOptions {
        title: hostile.to_owned(),
        description: hostile.to_owned(),
        id_prefix: "\"><script>".to_owned(),
        ..MapOptions::default()
    };
    let dots = [Dot {
        lon: 45.5,
        lat: 12.5,
        count: 9,
        label: hostile.to_owned(),
    }];
    let shades = [
        AreaShade::new("gulf-of-aden", Some(9)).with_href("/a?x=\"><script>alert(1)</script>"),
        AreaShade::new("red-sea", Some(9)).with_href("javascript:alert(1)"),
        AreaShade::new("persian-gulf", Some(9)).with_href("//evil.example/"),
        AreaShade::new("north-sea", Some(9)).with_href("https://evil.example/"),
    ];
    let svg = world_map_svg(&shades, &dots, &options);
    assert!(!svg.contains("<script"), "unescaped script tag");
    assert!(!svg.contains("<img"), "unescaped img tag");
    assert!(!svg.contains('\u{0}'));
    assert!(!svg.to_ascii_lowercase().contains("javascript:"));
    assert!(!svg.contains("evil.example"));
    let elements = parse(&svg).unwrap_or_else(|e| panic!("not well-formed: {e}"));
    let circle = elements
        .iter()
        .position(|e| e.name == "circle")
        .expect("the dot");
    let expected = hostile.replace('\u{0}', "\u{FFFD}");
    assert_eq!(title_of(&elements, circle), Some(expected.as_str()));
    assert_eq!(title_of(&elements, 0), Some(expected.as_str()));
    let links: Vec<&str> = elements
        .iter()
        .filter(|e| e.name == "a")
        .filter_map(|e| e.attribute("href"))
        .collect();
    assert_eq!(links, ["/a?x=\"><script>alert(1)</script>"]);
    for element in &elements {
        if let Some(id) = element.attribute("id") {
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
                "{id:?}"
            );
        }
    }
}

#[test]
fn no_style_no_script_and_no_outside_url() {
    let svg = world_map_svg(&every_area(), &two_hundred_dots(), &MapOptions::default());
    let legend = legend_svg(max_count(&every_area()), "legend");
    for document in [&svg, &legend] {
        let elements = parse(document).expect("well-formed");
        for element in &elements {
            assert_ne!(element.name, "style");
            assert_ne!(element.name, "script");
            assert_ne!(element.name, "foreignObject");
            for (name, value) in &element.attributes {
                assert_ne!(name, "style", "style attribute on <{}>", element.name);
                assert!(!name.starts_with("on"), "event handler {name}");
                if name == "href" || name == "xlink:href" {
                    assert!(value.starts_with('/') && !value.starts_with("//"));
                }
                if value.contains("url(") {
                    assert!(value.starts_with("url(#"), "{name}={value}");
                }
            }
        }
        assert!(!document.contains("style="));
        let lower = document.to_ascii_lowercase();
        let namespace = "http://www.w3.org/2000/svg";
        for (at, _) in lower.match_indices("http") {
            assert!(
                lower[at..].starts_with(namespace) && lower[..at].ends_with("xmlns=\""),
                "outside URL at {at}: {}",
                &document[at..(at + 40).min(document.len())]
            );
        }
        assert_eq!(lower.matches("http").count(), 1);
        assert!(!lower.contains("//") || lower.matches("//").count() == 1);
    }
}

#[test]
fn dots_outside_the_map_or_not_finite_are_left_out() {
    let dot = |lon: f64, lat: f64| Dot {
        lon,
        lat,
        count: 5,
        label: String::new(),
    };
    let dots = [
        dot(f64::NAN, 0.0),
        dot(0.0, f64::INFINITY),
        dot(181.0, 0.0),
        dot(0.0, -89.0), // south of the default view
        dot(3.5, 6.5),
    ];
    let svg = world_map_svg(&[], &dots, &MapOptions::default());
    let elements = parse(&svg).expect("well-formed");
    let circles: Vec<&Element> = elements.iter().filter(|e| e.name == "circle").collect();
    assert_eq!(circles.len(), 1);
    // x = (3.5 + 180) / 360 * 1000, y = (90 - 6.5) / 180 * 500.
    assert_eq!(circles[0].attribute("cx"), Some("509.7"));
    assert_eq!(circles[0].attribute("cy"), Some("231.9"));
    assert!(!svg.contains("NaN") && !svg.contains("inf"));
}

#[test]
fn the_legend_matches_the_map() {
    let shades = every_area();
    let max = max_count(&shades);
    let legend = legend_svg(max, "legend");
    let elements = parse(&legend).unwrap_or_else(|e| panic!("not well-formed: {e}"));
    let entries = legend_entries(max);
    let texts: Vec<&str> = elements
        .iter()
        .filter(|e| e.name == "text")
        .map(|e| e.text.as_str())
        .collect();
    let labels: Vec<&str> = entries.iter().map(|e| e.label.as_str()).collect();
    assert_eq!(texts, labels);
    assert!(labels.contains(&"too few to show"));
    for shade in &shades {
        let class = shade_class(shade.count, max);
        assert!(
            entries.iter().any(|e| e.class == class),
            "{class} missing from the legend"
        );
    }
}

#[test]
fn the_map_is_small_on_the_wire() {
    let svg = world_map_svg(&every_area(), &two_hundred_dots(), &MapOptions::default());
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(svg.as_bytes()).expect("gzip to memory");
    let compressed = encoder.finish().expect("gzip to memory").len();
    let areas_only = world_map_svg(&every_area(), &[], &MapOptions::default());
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder
        .write_all(areas_only.as_bytes())
        .expect("gzip to memory");
    let areas_compressed = encoder.finish().expect("gzip to memory").len();
    println!(
        "map, 36 areas + 200 dots: {} bytes raw, {compressed} bytes gzip; \
         without dots: {} bytes raw, {areas_compressed} bytes gzip",
        svg.len(),
        areas_only.len()
    );
    assert!(compressed < 20 * 1024, "{compressed} bytes gzip-compressed");
}

#[test]
fn land_from_a_file_leaves_the_outline_out_of_the_page() {
    let inline = world_map_svg(&every_area(), &[], &MapOptions::default());
    let linked = world_map_svg(
        &every_area(),
        &[],
        &MapOptions {
            land_href: Some("/static/land.svg".into()),
            ..MapOptions::default()
        },
    );
    assert!(linked.contains(
        r#"<image class="land" x="0" y="0" width="1000" height="500" href="/static/land.svg"/>"#
    ));
    assert!(
        inline.len() > linked.len() + 10_000,
        "{} vs {}",
        inline.len(),
        linked.len()
    );
    assert!(lookout_geo::map::land_svg().starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    // Another site's land is never fetched.
    let elsewhere = world_map_svg(
        &every_area(),
        &[],
        &MapOptions {
            land_href: Some("https://tiles.example/land.svg".into()),
            ..MapOptions::default()
        },
    );
    assert!(!elsewhere.contains("tiles.example"));
}

#[test]
fn the_legend_offers_no_band_that_suppression_makes_impossible() {
    let legend = lookout_geo::map::legend_entries_from(40, 5);
    assert!(
        legend
            .iter()
            .all(|e| !e.label.starts_with("1–") && !e.label.starts_with("2–"))
    );
    assert!(legend[0].label.starts_with("5"), "{:?}", legend[0]);
}
