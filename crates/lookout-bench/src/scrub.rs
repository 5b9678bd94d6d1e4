//! The scrubber against the independent corpus in
//! `crates/lookout-privacy/tests/eval/` (recall per kind and indicators
//! kept, development and blind parts), beside Presidio and scrubadub as
//! recorded by `tests/eval/compare/run.sh`; then its speed on a
//! 4,000-character narrative, with and without a 10,000-name directory.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use lookout_privacy::evaluation::{Narrative, Score, read_corpus};
use lookout_privacy::{Kind, KnownNames, NameLists, scrub};

use crate::{ms, report};

/// Where the corpus lives in the source tree.
pub fn default_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../lookout-privacy/tests/eval")
}

fn part(dir: &Path, name: &str) -> anyhow::Result<Vec<Narrative>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join(name))
        .with_context(|| format!("reading {}", dir.join(name).display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f)?;
        out.extend(read_corpus(&text).with_context(|| f.display().to_string())?);
    }
    Ok(out)
}

/// Another tool's recorded spans: `{"tool", "findings": {id: [[s, e, type]]}}`.
struct Other {
    tool: String,
    findings: HashMap<String, Vec<(usize, usize)>>,
}

fn others(dir: &Path) -> Vec<Other> {
    let mut out = Vec::new();
    for name in ["presidio", "scrubadub"] {
        let path = dir.join("others").join(format!("{name}.json"));
        let Ok(text) = std::fs::read_to_string(&path) else {
            println!(
                "({} not found: run tests/eval/compare/run.sh)",
                path.display()
            );
            continue;
        };
        let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
            println!("({} is not JSON)", path.display());
            continue;
        };
        let tool = json["tool"].as_str().unwrap_or(name).to_string();
        let mut findings = HashMap::new();
        if let Some(map) = json["findings"].as_object() {
            for (id, spans) in map {
                let spans = spans
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|s| {
                                Some((s[0].as_u64()? as usize, s[1].as_u64()? as usize))
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                findings.insert(id.clone(), spans);
            }
        }
        out.push(Other { tool, findings });
    }
    out
}

fn known() -> anyhow::Result<KnownNames> {
    let lists: NameLists = serde_json::from_str(include_str!(
        "../../lookout-privacy/tests/corpus/known.json"
    ))?;
    Ok(KnownNames::new(lists)?)
}

/// Scores a tool on a part; `None` spans mean the tool never saw that
/// narrative, which is counted and left out.
fn score_with(
    corpus: &[Narrative],
    mut spans: impl FnMut(&Narrative) -> Option<Vec<(usize, usize)>>,
) -> (Score, usize) {
    let mut score = Score::default();
    let mut missing = 0;
    for n in corpus {
        match spans(n) {
            Some(s) => score.add(n, &s),
            None => missing += 1,
        }
    }
    (score, missing)
}

pub fn scrub_scenario(dir: &Path, iterations: usize) -> anyhow::Result<()> {
    let dev = part(dir, "dev")?;
    let blind = part(dir, "blind")?;
    let known = known()?;
    let ours = |n: &Narrative| {
        Some(
            scrub(&n.text, &known)
                .findings
                .iter()
                .map(|f| (f.start, f.end))
                .collect(),
        )
    };
    let mut columns: Vec<(String, Score, Score)> = Vec::new();
    let (d, _) = score_with(&dev, ours);
    let (b, _) = score_with(&blind, ours);
    columns.push(("lookout".into(), d, b));
    for other in others(dir) {
        let (d, dm) = score_with(&dev, |n| other.findings.get(&n.id).cloned());
        let (b, bm) = score_with(&blind, |n| other.findings.get(&n.id).cloned());
        if dm + bm > 0 {
            println!(
                "({}: {dm} development and {bm} blind narratives not run; rerun compare/run.sh)",
                other.tool
            );
        }
        println!("{}: {}", short(&other.tool), other.tool);
        columns.push((short(&other.tool), d, b));
    }
    let ids = |s: &Score| s.overall().expected;
    println!(
        "corpus {}: development {} narratives / {} identifiers / {} indicators; blind {} / {} / {}",
        dir.display(),
        dev.len(),
        ids(&columns[0].1),
        columns[0].1.indicators.expected,
        blind.len(),
        ids(&columns[0].2),
        columns[0].2.indicators.expected,
    );
    println!("recall (identifiers removed), development / blind:");
    print!("{:<13} {:>5} {:>5}", "kind", "n dev", "blind");
    for (name, _, _) in &columns {
        print!(" {:>15}", name);
    }
    println!();
    let kinds: BTreeMap<Kind, (usize, usize)> = columns[0]
        .1
        .per_kind
        .iter()
        .map(|(k, t)| {
            (
                *k,
                (
                    t.expected,
                    columns[0].2.per_kind.get(k).map_or(0, |b| b.expected),
                ),
            )
        })
        .collect();
    for (kind, (nd, nb)) in &kinds {
        print!("{:<13} {nd:>5} {nb:>5}", kind.as_str());
        for (_, d, b) in &columns {
            let r = |s: &Score| s.per_kind.get(kind).map_or(1.0, |t| t.ratio());
            print!("   {:>5.3} / {:>5.3}", r(d), r(b));
        }
        println!();
    }
    print!("{:<25}", "all identifiers");
    for (_, d, b) in &columns {
        print!(
            "   {:>5.3} / {:>5.3}",
            d.overall().ratio(),
            b.overall().ratio()
        );
    }
    println!();
    print!("{:<25}", "indicators kept");
    for (_, d, b) in &columns {
        print!(
            "   {:>5.3} / {:>5.3}",
            d.indicators.ratio(),
            b.indicators.ratio()
        );
    }
    println!();
    print!("{:<25}", "removed, not identifier");
    for (_, d, b) in &columns {
        print!("   {:>5.3} / {:>5.3}", d.over_removal(), b.over_removal());
    }
    println!();

    speed(&dev, iterations)
}

fn short(tool: &str) -> String {
    tool.split_whitespace().next().unwrap_or(tool).to_string()
}

fn speed(dev: &[Narrative], iterations: usize) -> anyhow::Result<()> {
    // A 4,000-character narrative made of real ones.
    let mut text = String::new();
    for n in dev.iter().cycle().take(dev.len().max(1) * 4) {
        if text.chars().count() >= 4_000 {
            break;
        }
        text.push_str(&n.text);
        text.push('\n');
    }
    let text: String = text.chars().take(4_000).collect();

    let lists = NameLists {
        organisations: (0..3_000)
            .map(|i| format!("Member Org {i} Shipping"))
            .collect(),
        vessels: (0..4_000).map(|i| format!("Vessel Name {i}")).collect(),
        domains: (0..1_000).map(|i| format!("member-{i}.example")).collect(),
        people: (0..2_000).map(|i| format!("Person Number{i}")).collect(),
    };
    let started = Instant::now();
    let directory = KnownNames::new(lists)?;
    println!(
        "directory of 10,000 names compiled once in {:.1} ms",
        ms(started.elapsed())
    );
    // The first call builds the name lists and patterns.
    let started = Instant::now();
    let _ = scrub(&text, &KnownNames::empty());
    println!(
        "first scrub (lists and patterns built): {:.1} ms",
        ms(started.elapsed())
    );
    for (name, known) in [
        ("no directory", KnownNames::empty()),
        ("10,000-name directory", directory),
    ] {
        let samples: Vec<Duration> = (0..iterations)
            .map(|_| {
                let started = Instant::now();
                let out = scrub(&text, &known);
                std::hint::black_box(out);
                started.elapsed()
            })
            .collect();
        report(
            &format!("scrub a 4,000-character narrative, {name}"),
            samples,
        );
    }
    Ok(())
}
