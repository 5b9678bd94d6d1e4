//! A small, strict reader of the renderer's output, independent of the
//! renderer: every `<` in the output must open or close an allowed element,
//! elements must nest properly, and the only attributes are `href` and `rel`
//! on `<a>`. Text is escaped, so anything else would be a bug.

#![allow(dead_code)]

const ALLOWED: &[&str] = &[
    "p",
    "br",
    "hr",
    "h3",
    "h4",
    "h5",
    "h6",
    "em",
    "strong",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
];
const VOID: &[&str] = &["br", "hr"];

/// Decodes the few character references an attribute value can contain
/// after the sanitiser's serialisation.
pub fn decode_attr(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';') else { break };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "quot" => Some('"'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "nbsp" => Some('\u{a0}'),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether an `href` is one the rules allow.
pub fn href_allowed(href: &str) -> bool {
    let lower = href.to_ascii_lowercase();
    let schemed = ["http://", "https://", "mailto:"]
        .iter()
        .any(|p| lower.starts_with(p));
    let same_origin = lower.starts_with('/') && !lower.starts_with("//");
    (schemed || same_origin)
        && !href
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '\\')
}

/// Checks the output; returns the decoded `href` of every `<a>`, or the
/// first problem found.
pub fn check_html(html: &str) -> Result<Vec<String>, String> {
    let lower = html.to_ascii_lowercase();
    if lower.contains("<script") {
        return Err("contains <script".into());
    }
    let bytes = html.as_bytes();
    let mut stack: Vec<String> = Vec::new();
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        let at = i + off;
        let mut j = at + 1;
        let closing = bytes.get(j) == Some(&b'/');
        if closing {
            j += 1;
        }
        let name_start = j;
        while j < bytes.len() && bytes[j].is_ascii_alphanumeric() {
            j += 1;
        }
        let name = &html[name_start..j];
        if name.is_empty() || !ALLOWED.contains(&name) {
            return Err(format!("element {name:?} at {at} not allowed"));
        }
        let mut href = None;
        let mut rel = None;
        loop {
            while bytes.get(j) == Some(&b' ') {
                j += 1;
            }
            match bytes.get(j) {
                Some(b'>') => {
                    j += 1;
                    break;
                }
                Some(_) if !closing => {
                    let a_start = j;
                    while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'-')
                    {
                        j += 1;
                    }
                    let attr = &html[a_start..j];
                    if attr.to_ascii_lowercase().starts_with("on") {
                        return Err(format!("event handler attribute {attr:?}"));
                    }
                    if !html[j..].starts_with("=\"") {
                        return Err(format!("malformed attribute at {a_start}"));
                    }
                    j += 2;
                    let Some(len) = html[j..].find('"') else {
                        return Err("unterminated attribute".into());
                    };
                    let value = decode_attr(&html[j..j + len]);
                    j += len + 1;
                    match (name, attr) {
                        ("a", "href") if href.is_none() => href = Some(value),
                        ("a", "rel") if rel.is_none() => rel = Some(value),
                        _ => return Err(format!("attribute {attr:?} on {name:?} not allowed")),
                    }
                }
                _ => return Err(format!("malformed tag at {at}")),
            }
        }
        if let Some(href) = &href {
            if !href_allowed(href) {
                return Err(format!("href {href:?} not allowed"));
            }
            let external = !href.starts_with('/');
            let want = external.then_some(lookout_markdown::EXTERNAL_REL);
            if rel.as_deref() != want {
                return Err(format!("href {href:?} has rel {rel:?}"));
            }
            found.push(href.clone());
        } else if name == "a" && !closing {
            return Err("<a> without href".into());
        }
        if closing {
            match stack.pop() {
                Some(open) if open == name => {}
                other => return Err(format!("</{name}> closes {other:?}")),
            }
        } else if !VOID.contains(&name) {
            stack.push(name.to_owned());
        }
        i = j;
    }
    if !stack.is_empty() {
        return Err(format!("unclosed elements {stack:?}"));
    }
    Ok(found)
}
