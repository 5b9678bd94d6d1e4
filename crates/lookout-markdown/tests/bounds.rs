//! Hostile inputs of the largest accepted size render fast, and the output
//! stays within a small constant factor of the input.

mod common;

use std::time::{Duration, Instant};

use lookout_markdown::{Limits, render};

/// Output bytes allowed per input byte (plus a constant), for HTML and for
/// the plain text.
const MAX_FACTOR: usize = 12;

fn fill(unit: &str, bytes: usize) -> String {
    unit.repeat(bytes / unit.len())
}

fn pathological() -> Vec<(&'static str, String)> {
    const N: usize = 200 * 1024 - 64;
    let mut wide_table = String::from("|");
    wide_table.push_str(&"a|".repeat(1000));
    wide_table.push_str("\n|");
    wide_table.push_str(&"-|".repeat(1000));
    wide_table.push('\n');
    wide_table.push_str(&"x\n".repeat((N - wide_table.len()) / 2));
    let mut table_64 = format!("|{}\n|{}\n", "a|".repeat(64), "-|".repeat(64));
    table_64.push_str(&"x\n".repeat((N - table_64.len()) / 2));
    let long_url = format!("https://example.com/{}", "a".repeat(4000));
    let mut references = format!("[r]: {long_url}\n\n");
    references.push_str(&"[r]".repeat((N - references.len()) / 3));
    let mut short_references = String::from("[r]: /\n\n");
    short_references.push_str(&"[r]".repeat((N - short_references.len()) / 3));
    vec![
        ("open brackets", fill("[", N)),
        ("close brackets", fill("]", N)),
        ("emphasis runs", fill("*a", N)),
        ("nested emphasis", fill("*a **a ", N)),
        ("underscores", fill("_", N)),
        ("less-than", fill("<", N)),
        ("unclosed tags", fill("<a ", N)),
        ("quotes", fill("> ", N)),
        ("quote lines", fill(">\n", N)),
        ("nested list on one line", fill("- ", N)),
        ("nested ordered list", fill("1. ", N)),
        ("mixed containers", fill("> - ", N)),
        (
            "indented list",
            (0..400)
                .map(|i| format!("{}- x\n", " ".repeat(i * 2)))
                .collect(),
        ),
        ("link openers", fill("[a](", N)),
        ("image openers", fill("![", N)),
        ("links", fill("[a](/b)", N)),
        ("autolinks", fill("<http://a>", N)),
        ("backticks", fill("`", N)),
        (
            "backtick ladder",
            (1..600).map(|i| "`".repeat(i) + " ").collect(),
        ),
        ("entities", fill("&amp;", N)),
        ("quote marks", fill("\"", N)),
        ("backslashes", fill("\\", N)),
        ("hard breaks", fill("a  \n", N)),
        ("rules", fill("---\n\n", N)),
        ("headings", fill("#\n", N)),
        ("table pipes", fill("|", N)),
        (
            "empty table cells",
            format!("|a|\n|-|\n{}", fill("|||\n", N - 12)),
        ),
        ("wide table, short rows", wide_table),
        ("table at the column limit, short rows", table_64),
        ("reference amplification", references),
        ("short reference links", short_references),
        ("html blocks", fill("<div>\n\n", N)),
        ("newlines", fill("\n", N)),
        ("strikethrough", fill("~~a", N)),
    ]
}

#[test]
fn pathological_inputs_are_fast_and_small() {
    let limits = Limits::default();
    let mut report = Vec::new();
    let mut failures = Vec::new();
    for (name, input) in pathological() {
        assert!(input.len() <= limits.max_input_bytes, "{name}");
        let started = Instant::now();
        let out = render(&input, &limits).expect("within the limit");
        let took = started.elapsed();
        let ratio = out.html.len() as f64 / input.len().max(1) as f64;
        report.push(format!(
            "{name:28} {:>7} B -> {:>8} B ({ratio:5.2}x) {took:?}",
            input.len(),
            out.html.len()
        ));
        if took > Duration::from_secs(1) {
            failures.push(format!("{name}: took {took:?}"));
        }
        if out.html.len() > MAX_FACTOR * input.len() + 1024 {
            failures.push(format!(
                "{name}: html {} bytes from {}",
                out.html.len(),
                input.len()
            ));
        }
        if out.plain_text.len() > MAX_FACTOR * input.len() + 1024 {
            failures.push(format!("{name}: text {} bytes", out.plain_text.len()));
        }
        if let Err(e) = common::check_html(&out.html) {
            failures.push(format!("{name}: {e}"));
        }
    }
    println!("{}", report.join("\n"));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn nesting_limit_cannot_be_raised_past_the_hard_maximum() {
    let limits = Limits {
        max_nesting: usize::MAX,
        ..Limits::default()
    };
    let out = render(&"> ".repeat(10_000), &limits).unwrap();
    assert_eq!(
        out.html.matches("<blockquote>").count(),
        lookout_markdown::HARD_MAX_NESTING
    );
    common::check_html(&out.html).unwrap();
}

#[test]
fn zero_nesting_flattens_everything() {
    let limits = Limits {
        max_nesting: 0,
        ..Limits::default()
    };
    let out = render("> a\n\n- b\n- c", &limits).unwrap();
    assert_eq!(out.html, "<p>a</p>\n<p>b</p>\n<p>c</p>\n");
}
