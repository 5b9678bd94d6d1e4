//! The independent corpus in `tests/eval/` (see its README): its labels
//! are checked mechanically, and the scrubber is scored on both parts.
//!
//! ```text
//! cargo test --release -p lookout-privacy --test evaluation -- --nocapture
//! ```
//!
//! prints recall per kind and indicators kept for the development part and
//! the blind part, and the development part's failures. The blind part's
//! failures are never printed: read them and it is no longer blind.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use lookout_privacy::evaluation::{Narrative, Score, read_corpus};
use lookout_privacy::{Kind, KnownNames, NameLists, scrub};

const KNOWN: &str = include_str!("corpus/known.json");

fn part(name: &str) -> Vec<Narrative> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/eval")
        .join(name);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    files
        .iter()
        .flat_map(|f| {
            let text = std::fs::read_to_string(f).expect("corpus file reads");
            read_corpus(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()))
        })
        .collect()
}

fn known() -> KnownNames {
    let lists: NameLists = serde_json::from_str(KNOWN).expect("known.json parses");
    KnownNames::new(lists).expect("known names compile")
}

fn score(corpus: &[Narrative], known: &KnownNames) -> Score {
    let mut score = Score::default();
    for n in corpus {
        let out = scrub(&n.text, known);
        let spans: Vec<(usize, usize)> = out.findings.iter().map(|f| (f.start, f.end)).collect();
        score.add(n, &spans);
    }
    score
}

fn print(name: &str, s: &Score) {
    let all = s.overall();
    println!(
        "\n{name}: {} narratives, {} identifiers, {} indicators",
        s.narratives, all.expected, s.indicators.expected
    );
    for (kind, t) in &s.per_kind {
        println!(
            "  {:<13} {:>4} {:>6.3}",
            kind.as_str(),
            t.expected,
            t.ratio()
        );
    }
    println!("  {:<13} {:>4} {:>6.3}", "all", all.expected, all.ratio());
    println!(
        "  indicators kept {:.3}, removed characters in no identifier {:.3}",
        s.indicators.ratio(),
        s.over_removal()
    );
}

#[test]
fn every_label_is_a_verbatim_substring_and_ids_are_unique() {
    let mut ids = HashSet::new();
    let mut problems = Vec::new();
    for n in part("dev").iter().chain(&part("blind")) {
        if !ids.insert(n.id.clone()) {
            problems.push(format!("{}: duplicate id", n.id));
        }
        problems.extend(n.problems().into_iter().map(|p| format!("{}: {p}", n.id)));
        if n.identifiers.iter().any(|l| l.kind == Kind::Redacted) {
            problems.push(format!("{}: `redacted` is not a kind to label", n.id));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn scores_on_the_development_and_blind_parts() {
    let known = known();
    let dev = score(&part("dev"), &known);
    print("development part", &dev);
    println!(
        "\n  left or lost in the development part ({}):",
        dev.failures.len()
    );
    for f in &dev.failures {
        println!("    {f}");
    }
    let blind = score(&part("blind"), &known);
    print("blind part", &blind);
    // Only totals by shape: the blind failures themselves stay unread.
    let mut shapes = std::collections::BTreeMap::new();
    for f in blind.failures.iter().filter(|f| f.contains(": indicator ")) {
        let v = f.split('"').nth(1).unwrap_or("");
        *shapes.entry(indicator_shape(v)).or_insert(0) += 1;
    }
    println!("  indicators lost in the blind part, by shape: {shapes:?}");
    let mut kinds = std::collections::BTreeMap::new();
    for f in dev.failures.iter().filter(|f| f.contains(": indicator ")) {
        let v = f.split('"').nth(1).unwrap_or("");
        *kinds.entry(indicator_shape(v)).or_insert(0) += 1;
    }
    println!("  indicators lost in the development part, by shape: {kinds:?}");
}

/// What an indicator looks like, for totals that say where losses are
/// without showing them.
fn indicator_shape(v: &str) -> &'static str {
    let digits = v.chars().filter(char::is_ascii_digit).count();
    if v.contains('@') {
        if [
            "gmail", "outlook", "hotmail", "yahoo", "proton", "mail.ru", "yandex", "163.com",
            "qq.com",
        ]
        .iter()
        .any(|f| v.to_lowercase().contains(f))
        {
            "free-mail address"
        } else {
            "address at a domain"
        }
    } else if v.contains("://") || v.contains("hxxp") {
        "url"
    } else if v.starts_with('+') || (digits >= 8 && v.contains(' ') && digits * 2 >= v.len()) {
        "phone-like"
    } else if v.contains('.') && v.chars().any(char::is_alphabetic) && !v.contains(' ') {
        "domain or file"
    } else if digits > 0
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
    {
        "number or code"
    } else {
        "word or other"
    }
}

/// `LOOKOUT_EVAL_SHOW=w2-065` prints that development narrative as the
/// scrubber leaves it (never a blind one).
#[test]
fn shows_one_development_narrative_on_request() {
    let Ok(id) = std::env::var("LOOKOUT_EVAL_SHOW") else {
        return;
    };
    let known = known();
    for n in part("dev").iter().filter(|n| n.id == id) {
        println!("{}", scrub(&n.text, &known).text);
    }
}
