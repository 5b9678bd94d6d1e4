//! Static analysis throughput: a generated corpus of mixed files (padded
//! executables, logs, random blobs, archives, documents) and a generated
//! rule set, timed with boreal alone, with the whole analysis, and with the
//! C engine (yara-python) and yara-x on the same files and rule files.
//!
//! Every engine runs on one thread over files already in memory, so the
//! figures compare engines, not disks or core counts.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use lookout_analysis::{Limits, Rules, STARTER_RULES, analyze, samples};

use crate::samples::{rule_files, sorted_entries};

/// Written in a directory this scenario made, so that `--keep` reuses or
/// replaces only what it wrote itself.
const MARKER: &str = ".lookout-bench";

/// The C engine's side, run with `python3`.
const YARA_SCAN: &str = include_str!("../yara_scan.py");

const MB: f64 = 1_000_000.0;

pub fn analysis(corpus_mb: usize, rule_count: usize, keep: Option<&Path>) -> anyhow::Result<()> {
    let temp = tempfile::tempdir()?;
    let root = keep.unwrap_or(temp.path());
    let files_dir = root.join("files");
    let rules_dir = root.join("rules");

    let started = Instant::now();
    let generated = prepare_corpus(&files_dir, corpus_mb)?;
    let (starter, rules_written) = write_rules(&rules_dir, rule_count)?;
    let corpus = load(&files_dir)?;
    let total: u64 = corpus.iter().map(|(_, data)| data.len() as u64).sum();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    // Other work on the machine slows every engine alike; say how much.
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    println!(
        "analysis: {} files, {:.1} MB in {} ({} in {:.1} s)",
        corpus.len(),
        total as f64 / MB,
        files_dir.display(),
        if generated {
            "generated"
        } else {
            "reused from --keep"
        },
        started.elapsed().as_secs_f64()
    );
    println!(
        "  rules: {rules_written} in {} (the {starter} starter rules, the rest generated)",
        rules_dir.display()
    );
    println!(
        "  {cores} cores, load average {}; one thread per engine, files read into memory first, \
         only the scans timed",
        load.join(" ")
    );
    println!("  corpus: {}", composition(&corpus));

    let mut rows = Vec::new();
    let started = Instant::now();
    let rules = Rules::compile(&rule_files(&rules_dir)?)?;
    let compile = started.elapsed();
    anyhow::ensure!(
        rules.len() == rules_written,
        "boreal compiled {} rules of {rules_written}",
        rules.len()
    );

    let mut scan_time = Duration::ZERO;
    let mut by_kind = BTreeMap::new();
    let mut boreal_matches = 0;
    for (name, data) in &corpus {
        let started = Instant::now();
        boreal_matches += rules.matching(data).len();
        let took = started.elapsed();
        scan_time += took;
        *by_kind.entry(kind(name).to_owned()).or_default() += took;
    }
    rows.push(Row {
        engine: "boreal (Rules::matching)".into(),
        short: "boreal".into(),
        compile: Some(compile),
        scan: scan_time,
        by_kind,
        matches: Some(boreal_matches),
    });

    for (label, short, with_rules) in [
        ("lookout_analysis::analyze + rules", "analyze+rules", true),
        ("lookout_analysis::analyze, no rules", "analyze", false),
    ] {
        let limits = Limits::default();
        let mut time = Duration::ZERO;
        let mut by_kind = BTreeMap::new();
        let mut matches = 0;
        for (name, data) in &corpus {
            let started = Instant::now();
            let analysis = analyze(data, with_rules.then_some(&rules), &limits);
            let took = started.elapsed();
            time += took;
            *by_kind.entry(kind(name).to_owned()).or_default() += took;
            matches += analysis.rule_matches.len();
        }
        rows.push(Row {
            engine: label.into(),
            short: short.into(),
            compile: None,
            scan: time,
            by_kind,
            // Counted on the top-level files only: members' own matches
            // are inside the analysis and not comparable with the engines.
            matches: with_rules.then_some(matches),
        });
    }

    let script = temp.path().join("yara_scan.py");
    std::fs::write(&script, YARA_SCAN)?;
    let mut notes = Vec::new();
    for engine in ["yara", "yara-x"] {
        match python_engine(&script, engine, &rules_dir, &files_dir) {
            Ok(Ok(row)) => {
                if let Some(matches) = row.matches
                    && matches != boreal_matches
                {
                    notes.push(format!(
                        "{} counted {matches} matches where boreal counted {boreal_matches}",
                        row.engine
                    ));
                }
                rows.push(row);
            }
            Ok(Err(skipped)) => notes.push(format!("{engine} skipped: {skipped}")),
            Err(error) => notes.push(format!("{engine} failed: {error:#}")),
        }
    }

    print_table(&rows, total, corpus.len());
    print_kinds(&rows, &corpus);
    for note in notes {
        println!("  {note}");
    }
    if keep.is_some() {
        println!(
            "  kept: {} and {} (give the rules to other engines as they are)",
            files_dir.display(),
            rules_dir.display()
        );
    }
    Ok(())
}

struct Row {
    engine: String,
    /// Column heading in the table by kind.
    short: String,
    compile: Option<Duration>,
    scan: Duration,
    by_kind: BTreeMap<String, Duration>,
    /// Matching (file, rule) pairs.
    matches: Option<usize>,
}

fn print_table(rows: &[Row], total: u64, files: usize) {
    println!(
        "  {:<44} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "engine", "compile", "scan", "MB/s", "files/s", "matches"
    );
    for row in rows {
        let seconds = row.scan.as_secs_f64().max(1e-9);
        println!(
            "  {:<44} {:>9} {:>8.2}s {:>9.1} {:>9.1} {:>9}",
            row.engine,
            row.compile
                .map_or("-".into(), |c| format!("{:.2}s", c.as_secs_f64())),
            seconds,
            total as f64 / MB / seconds,
            files as f64 / seconds,
            row.matches.map_or("-".into(), |m| m.to_string()),
        );
    }
}

/// MB/s of each engine on each kind of file of a megabyte or more in all:
/// text-heavy files and random data favour different engines.
fn print_kinds(rows: &[Row], corpus: &[(String, Vec<u8>)]) {
    let mut bytes: BTreeMap<&str, u64> = BTreeMap::new();
    for (name, data) in corpus {
        *bytes.entry(kind(name)).or_default() += data.len() as u64;
    }
    let mut heading = format!("  {:<16}", "MB/s by kind");
    for row in rows {
        let _ = write!(heading, " {:>14}", row.short);
    }
    println!("{heading}");
    for (kind, size) in bytes.iter().filter(|(_, size)| **size as f64 >= MB) {
        let mut line = format!("  {:<16}", format!("{kind} ({:.0} MB)", *size as f64 / MB));
        for row in rows {
            let cell = row.by_kind.get(*kind).map_or("-".into(), |d| {
                format!("{:.1}", *size as f64 / MB / d.as_secs_f64().max(1e-9))
            });
            let _ = write!(line, " {cell:>14}");
        }
        println!("{line}");
    }
}

/// The kind of a corpus file: its name up to the first `-`.
fn kind(name: &str) -> &str {
    name.split('-').next().unwrap_or(name)
}

/// Runs `yara_scan.py` for `engine`: the row, or why it was skipped.
fn python_engine(
    script: &Path,
    engine: &str,
    rules_dir: &Path,
    files_dir: &Path,
) -> anyhow::Result<Result<Row, String>> {
    let output = match Command::new("python3")
        .arg(script)
        .args(["--engine", engine, "--rules"])
        .arg(rules_dir)
        .arg("--files")
        .arg(files_dir)
        .output()
    {
        Ok(output) => output,
        Err(error) => return Ok(Err(format!("python3 could not be started ({error})"))),
    };
    anyhow::ensure!(
        output.status.success(),
        "yara_scan.py exited with {}: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr).trim()
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .last()
        .context("yara_scan.py printed nothing")?;
    let report: serde_json::Value =
        serde_json::from_str(line).with_context(|| format!("yara_scan.py printed {line:?}"))?;
    if let Some(skipped) = report["skipped"].as_str() {
        return Ok(Err(skipped.to_owned()));
    }
    let seconds = |key: &str| -> anyhow::Result<Duration> {
        let value = report[key]
            .as_f64()
            .with_context(|| format!("no {key} in {line}"))?;
        Ok(Duration::from_secs_f64(value))
    };
    let by_kind = report["kind_seconds"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(kind, s)| Some((kind.clone(), Duration::from_secs_f64(s.as_f64()?))))
        .collect();
    Ok(Ok(Row {
        engine: report["engine"].as_str().unwrap_or(engine).to_owned(),
        short: if engine == "yara" {
            "yara-python".into()
        } else {
            engine.into()
        },
        compile: Some(seconds("compile_seconds")?),
        scan: seconds("scan_seconds")?,
        by_kind,
        matches: report["matches"].as_u64().map(|m| m as usize),
    }))
}

fn load(dir: &Path) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let mut corpus = Vec::new();
    for path in sorted_entries(dir)? {
        let name = path
            .file_name()
            .context("a file without a name")?
            .to_string_lossy()
            .into_owned();
        if name.starts_with('.') || !path.is_file() {
            continue;
        }
        corpus.push((name, std::fs::read(&path)?));
    }
    Ok(corpus)
}

/// Files and megabytes per kind.
fn composition(corpus: &[(String, Vec<u8>)]) -> String {
    let mut kinds: BTreeMap<&str, (usize, u64)> = BTreeMap::new();
    for (name, data) in corpus {
        let entry = kinds.entry(kind(name)).or_default();
        entry.0 += 1;
        entry.1 += data.len() as u64;
    }
    kinds
        .iter()
        .map(|(kind, (n, bytes))| format!("{kind} {n} ({:.1} MB)", *bytes as f64 / MB))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A directory of ours (with [`MARKER`]) emptied and made again, or a new
/// one; one that holds anything else is left alone.
fn fresh_dir(dir: &Path) -> anyhow::Result<()> {
    if dir.exists() {
        anyhow::ensure!(
            dir.join(MARKER).exists() || std::fs::read_dir(dir)?.next().is_none(),
            "{} exists and was not written by lookout-bench: give --keep another directory",
            dir.display()
        );
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir)?;
    Ok(())
}

/// Writes the corpus into `dir` unless a corpus of the same size is there
/// already; whether it was generated.
fn prepare_corpus(dir: &Path, corpus_mb: usize) -> anyhow::Result<bool> {
    let stamp = format!("corpus-mb {corpus_mb} v1\n");
    if std::fs::read_to_string(dir.join(MARKER)).is_ok_and(|s| s == stamp) {
        return Ok(false);
    }
    fresh_dir(dir)?;
    let mut rng = Rng(0x1234_5678_9ABC_DEF1);
    let target = corpus_mb as u64 * 1_000_000;
    let mut written = 0u64;
    let mut index = 0usize;
    while written < target {
        let (kind, data) = generate_file(&mut rng, index);
        let path = dir.join(format!("{kind}-{index:04}"));
        std::fs::write(&path, &data).with_context(|| format!("writing {}", path.display()))?;
        written += data.len() as u64;
        index += 1;
    }
    // Last, so that an interrupted run is not mistaken for a whole corpus.
    std::fs::write(dir.join(MARKER), stamp)?;
    Ok(true)
}

/// Deterministic pseudo-random numbers (xorshift64*): the same corpus and
/// rules every run, without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// A size between `min` and `max` bytes, log-uniform: most files are
    /// small, a few are large, as in a mailbox or a share.
    fn size(&mut self, min: usize, max: usize) -> usize {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        let (lo, hi) = ((min as f64).ln(), (max as f64).ln());
        (lo + u * (hi - lo)).exp() as usize
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(n + 8);
        while out.len() < n {
            out.extend_from_slice(&self.next().to_le_bytes());
        }
        out.truncate(n);
        out
    }
}

const KIB: usize = 1024;
const MIB: usize = 1024 * 1024;

/// One corpus file: its kind (the file name's prefix) and bytes.
fn generate_file(rng: &mut Rng, index: usize) -> (&'static str, Vec<u8>) {
    // Shares by count, chosen so that bytes split roughly as: executables
    // 35 %, text and logs 25 %, random blobs 15 %, archives 20 %,
    // documents 5 %.
    let roll = rng.below(100);
    let size = rng.size(100 * KIB, 5 * MIB);
    match roll {
        0..=21 => ("pe", padded_pe(rng, size)),
        22..=32 => ("elf", padded_elf(rng, size)),
        33..=52 => ("log", log_text(rng, size).into_bytes()),
        53..=57 => ("text", {
            let mut text = prose(rng, size.min(400 * KIB));
            if rng.chance(10) {
                text.push_str(RANSOM_LINES);
            }
            text.into_bytes()
        }),
        58..=70 => ("blob", rng.bytes(size)),
        71..=78 => ("zip", {
            let members = archive_members(rng, size);
            let entries: Vec<(&str, &[u8])> = members
                .iter()
                .map(|(n, d)| (n.as_str(), d.as_slice()))
                .collect();
            samples::zip(&entries)
        }),
        79..=84 => ("gz", samples::gzip(log_text(rng, size).as_bytes())),
        85..=88 => ("tar", {
            let members = archive_members(rng, size);
            let entries: Vec<(&str, &[u8])> = members
                .iter()
                .map(|(n, d)| (n.as_str(), d.as_slice()))
                .collect();
            samples::tar(&entries)
        }),
        89..=93 => ("pdf", {
            let inner = mixed(rng, size / 2);
            samples::pdf_with_launch_and_embedded(&inner)
        }),
        94..=95 => ("pdf", samples::pdf_with_javascript()),
        96 => ("doc", samples::word_doc_with_macro()),
        97 => ("docm", samples::docm_with_macro()),
        98 => (
            "docx",
            samples::docx_with_remote_template(&format!(
                "http://templates{index}.example.com/normal.dotm"
            )),
        ),
        _ => ("eicar", samples::EICAR.to_vec()),
    }
}

/// Text and random bytes in blocks, like the resources and overlays of
/// real programs.
fn mixed(rng: &mut Rng, size: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(size);
    while out.len() < size {
        let block = rng.size(4 * KIB, 256 * KIB).min(size - out.len());
        if rng.chance(50) {
            out.extend(rng.bytes(block));
        } else {
            out.extend_from_slice(&prose(rng, block).into_bytes()[..block]);
        }
    }
    out
}

const IMPORTS: &[(&str, &[&str])] = &[
    (
        "KERNEL32.dll",
        &[
            "ExitProcess",
            "GetProcAddress",
            "LoadLibraryW",
            "CreateFileW",
            "ReadFile",
            "WriteFile",
            "CloseHandle",
            "VirtualAlloc",
            "GetModuleHandleW",
            "Sleep",
        ],
    ),
    (
        "USER32.dll",
        &["MessageBoxW", "CreateWindowExW", "GetMessageW"],
    ),
    ("ADVAPI32.dll", &["RegOpenKeyExW", "RegQueryValueExW"]),
    ("WS2_32.dll", &["WSAStartup", "connect", "send", "recv"]),
];

const DOWNLOADER_IMPORTS: &[(&str, &[&str])] = &[
    (
        "KERNEL32.dll",
        &["ExitProcess", "WinExec", "CreateProcessW"],
    ),
    ("urlmon.dll", &["URLDownloadToFileW"]),
    ("SHELL32.dll", &["ShellExecuteW"]),
];

fn padded_pe(rng: &mut Rng, size: usize) -> Vec<u8> {
    let bad = rng.chance(12);
    let imports = if bad {
        DOWNLOADER_IMPORTS
    } else {
        &IMPORTS[..1 + rng.below(IMPORTS.len())]
    };
    let text = prose(rng, (size / 8).min(128 * KIB));
    let mut strings: Vec<&str> = text.lines().collect();
    if bad {
        strings.extend([
            "vssadmin delete shadows /all /quiet",
            "http://192.0.2.7/stage2.exe",
        ]);
    }
    let mut pe = samples::pe(imports, &strings);
    let rest = size.saturating_sub(pe.len());
    pe.extend(mixed(rng, rest));
    pe
}

fn padded_elf(rng: &mut Rng, size: usize) -> Vec<u8> {
    let text = prose(rng, (size / 3).min(MIB));
    let mut strings: Vec<&str> = text.lines().collect();
    if rng.chance(10) {
        strings.extend(["/bin/sh", "/dev/tcp/192.0.2.7/4444"]);
    }
    let mut elf = samples::elf(&strings);
    let rest = size.saturating_sub(elf.len());
    elf.extend(rng.bytes(rest));
    elf
}

fn archive_members(rng: &mut Rng, size: usize) -> Vec<(String, Vec<u8>)> {
    let count = 2 + rng.below(4);
    (0..count)
        .map(|i| {
            let part = size / count;
            match rng.below(4) {
                0 => (format!("logs/app{i}.log"), log_text(rng, part).into_bytes()),
                1 => (format!("data{i}.bin"), rng.bytes(part)),
                2 => (format!("setup{i}.exe"), padded_pe(rng, part.min(MIB))),
                _ => (format!("docs/report{i}.txt"), prose(rng, part).into_bytes()),
            }
        })
        .collect()
}

const WORDS: &[&str] = &[
    "the",
    "vessel",
    "port",
    "cargo",
    "crew",
    "bridge",
    "engine",
    "chart",
    "update",
    "master",
    "voyage",
    "anchor",
    "ballast",
    "pilot",
    "harbour",
    "weather",
    "report",
    "system",
    "network",
    "server",
    "user",
    "account",
    "password",
    "office",
    "document",
    "invoice",
    "shipment",
    "container",
    "terminal",
    "customs",
    "schedule",
    "arrival",
    "departure",
    "and",
    "of",
    "to",
    "for",
    "with",
    "on",
    "at",
    "from",
    "by",
    "was",
    "is",
    "will",
    "be",
    "has",
    "after",
    "before",
];

const RANSOM_LINES: &str = "\nYOUR FILES HAVE BEEN ENCRYPTED. To decrypt them pay bitcoin. \
    Contact http://exampleexampleexample.onion/ to decrypt.\n";

/// English-looking text of `size` bytes or a little more, in lines.
fn prose(rng: &mut Rng, size: usize) -> String {
    let mut text = String::with_capacity(size + 128);
    while text.len() < size {
        let words = 6 + rng.below(14);
        for i in 0..words {
            let word = rng.pick(WORDS);
            if i == 0 {
                let mut chars = word.chars();
                if let Some(first) = chars.next() {
                    text.extend(first.to_uppercase());
                    text.push_str(chars.as_str());
                }
            } else {
                text.push(' ');
                text.push_str(word);
            }
        }
        text.push_str(".\n");
    }
    text
}

/// Server and application logs of `size` bytes or a little more.
fn log_text(rng: &mut Rng, size: usize) -> String {
    let mut text = String::with_capacity(size + 256);
    let mut second = rng.below(86_400);
    while text.len() < size {
        second += rng.below(3);
        let (h, m, s) = (second / 3600 % 24, second / 60 % 60, second % 60);
        let host = rng.below(254) + 1;
        // Writing to a String cannot fail.
        let _ = match rng.below(1000) {
            0 => writeln!(
                text,
                "Nov 27 {h:02}:{m:02}:{s:02} bridge-pc sched[42]: powershell.exe -nop -w hidden \
                 -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA"
            ),
            1..=350 => writeln!(
                text,
                "Nov 27 {h:02}:{m:02}:{s:02} gateway sshd[{}]: Failed password for {} from \
                 203.0.113.{host} port {} ssh2",
                1000 + rng.below(30_000),
                rng.pick(&["root", "admin", "master", "crew", "ubuntu"]),
                1024 + rng.below(60_000)
            ),
            351..=750 => writeln!(
                text,
                "198.51.100.{host} - - [27/Nov/2025:{h:02}:{m:02}:{s:02} +0000] \"GET /{}/{} \
                 HTTP/1.1\" {} {} \"-\" \"Mozilla/5.0 (Windows NT 10.0; Win64; x64)\"",
                rng.pick(&["charts", "weather", "crew", "api/v1", "static"]),
                rng.pick(&[
                    "index.html",
                    "latest.json",
                    "update.bin",
                    "login",
                    "style.css"
                ]),
                rng.pick(&[200, 200, 200, 304, 404, 500]),
                rng.below(100_000)
            ),
            _ => writeln!(
                text,
                "2025-11-27T{h:02}:{m:02}:{s:02}Z INFO ais: position report mmsi=2{:08} \
                 lat={}.{:04} lon={}.{:04} sog={}.{} cog={}",
                rng.below(100_000_000),
                rng.below(90),
                rng.below(10_000),
                rng.below(180),
                rng.below(10_000),
                rng.below(25),
                rng.below(10),
                rng.below(360)
            ),
        };
    }
    text
}

/// Writes the starter rules and generated ones, `count` in all (the
/// starter rules at least), as `.yar` files in `dir`; how many starter
/// rules and how many in all.
fn write_rules(dir: &Path, count: usize) -> anyhow::Result<(usize, usize)> {
    fresh_dir(dir)?;
    std::fs::write(dir.join(MARKER), "")?;
    for (name, text) in STARTER_RULES {
        std::fs::write(dir.join(name), text)?;
    }
    let starter = Rules::starter()?.len();
    let wanted = count.saturating_sub(starter);
    let mut rng = Rng(0xC0FF_EE00_D15E_A5E5);
    let per_file = 50;
    let mut written = 0;
    let mut file = 0;
    while written < wanted {
        let mut text = String::from(
            "/*\n * Generated by `lookout-bench analysis`: the shapes of public rule sets (plain,\n \
             * nocase and wide strings, hex with wildcards and jumps, regexes with literals,\n \
             * header checks, sizes and counts) with made-up indicators.\n */\n\n",
        );
        for _ in 0..per_file.min(wanted - written) {
            text.push_str(&generated_rule(&mut rng, written));
            written += 1;
        }
        let path: PathBuf = dir.join(format!("generated_{file:02}.yar"));
        std::fs::write(&path, text)?;
        file += 1;
    }
    Ok((starter, starter + written))
}

const NAMES: &[&str] = &[
    "Kraken", "Falcon", "Hydra", "Lotus", "Mamba", "Nova", "Onyx", "Phantom", "Quartz", "Raven",
    "Shadow", "Titan", "Umbra", "Viper", "Wolf", "Xenon", "Zephyr", "Anchor", "Ballast", "Beacon",
    "Cipher", "Dragon", "Ghost", "Harbor", "Keel", "Ledger", "Rudder", "Sextant", "Tanker",
];

const ROLES: &[&str] = &[
    "loader", "stealer", "agent", "client", "helper", "updater", "service", "stub", "dropper",
    "miner", "backdoor", "keylog", "panel", "gate", "sync",
];

const APIS: &[&str] = &[
    "VirtualAllocEx",
    "WriteProcessMemory",
    "CreateRemoteThread",
    "NtUnmapViewOfSection",
    "SetWindowsHookExA",
    "GetAsyncKeyState",
    "RegSetValueExA",
    "InternetReadFile",
    "HttpSendRequestA",
    "CryptEncrypt",
    "CryptAcquireContextA",
    "IsDebuggerPresent",
    "CheckRemoteDebuggerPresent",
    "AdjustTokenPrivileges",
    "OpenProcessToken",
];

/// A made-up indicator with the shape of a real one: a mutex, a PDB path,
/// a user agent, a URL path, a domain, a registry value, a file name.
fn indicator(rng: &mut Rng) -> String {
    let name = rng.pick(NAMES);
    let role = rng.pick(ROLES);
    let n = rng.below(0x10000);
    match rng.below(8) {
        0 => format!("Global\\{name}{role}{n:04x}"),
        1 => format!("C:\\Users\\dev\\source\\repos\\{name}\\Release\\{role}{n}.pdb"),
        2 => format!("Mozilla/4.0 (compatible; {name}{role} {n})"),
        3 => format!("/{role}/{name}{n}.php"),
        4 => format!("{}{role}{n}.example.net", name.to_lowercase()),
        5 => format!("Software\\Microsoft\\Windows\\CurrentVersion\\Run\\{name}{n}"),
        6 => format!("{role}_{name}_{n:x}.dll"),
        _ => format!("{name}{role}::Init{n}"),
    }
}

fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

fn hex_bytes(rng: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| format!("{:02X}", rng.below(256)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A hex string with wildcards, a jump or alternatives between literal runs.
fn hex_pattern(rng: &mut Rng) -> String {
    const KNOWN: &[&str] = &[
        // PEB access, x86
        "64 A1 30 00 00 00 8B 40 0C",
        // VirtualAlloc(…, MEM_COMMIT | MEM_RESERVE, PAGE_EXECUTE_READWRITE)
        "6A 40 68 00 30 00 00",
        // call $+5; pop reg
        "E8 00 00 00 00 5? 81 E? ?? ?? ?? ??",
    ];
    let (a, b) = (3 + rng.below(4), 3 + rng.below(4));
    let first = hex_bytes(rng, a);
    let second = hex_bytes(rng, b);
    let middle = match rng.below(4) {
        0 => "?? ??".to_owned(),
        1 => format!("[{}-{}]", rng.below(4), 4 + rng.below(12)),
        2 => format!("( {} | {} )", hex_bytes(rng, 2), hex_bytes(rng, 2)),
        _ => format!("{} ?{:X}", hex_bytes(rng, 1), rng.below(16)),
    };
    if rng.chance(10) {
        format!("{{ {} [0-32] {first} }}", rng.pick(KNOWN))
    } else {
        format!("{{ {first} {middle} {second} }}")
    }
}

fn regex_pattern(rng: &mut Rng) -> String {
    let name = rng.pick(NAMES).to_lowercase();
    let role = rng.pick(ROLES);
    match rng.below(4) {
        0 => format!("/{name}{role}[0-9]{{2,4}}\\.(php|asp|jsp)/"),
        1 => format!("/https?:\\/\\/[a-z0-9.\\-]{{4,40}}\\/{role}\\/[a-z0-9]{{4,12}}\\.php/"),
        2 => format!("/{name}_mutex_[0-9a-f]{{8}}/ nocase"),
        _ => format!("/{role}\\.(exe|dll|scr) -(install|silent|hide)/"),
    }
}

/// Strings of the corpus's logs and programs, so that some generated rules
/// match and the engines have matches to count, not only misses.
const COMMON: &[&str] = &[
    "Failed password for root",
    "GET /charts/update.bin",
    "position report mmsi=",
    "vssadmin delete shadows",
    "URLDownloadToFileW",
    "/dev/tcp/",
    "harbour weather report",
];

fn generated_rule(rng: &mut Rng, n: usize) -> String {
    let name = format!(
        "{}_{}_{n:03}",
        rng.pick(NAMES),
        rng.pick(&[
            "Loader", "Stealer", "Backdoor", "Miner", "Dropper", "Tool", "Webshell"
        ])
    );
    let mut strings = Vec::new();
    let condition: String = match rng.below(100) {
        // Plain strings, the bulk of public rule sets.
        0..=34 => {
            let count = 2 + rng.below(4);
            for i in 0..count {
                let modifiers = match rng.below(10) {
                    0..=5 => "",
                    6..=7 => " ascii wide",
                    8 => " fullword",
                    _ => " ascii",
                };
                strings.push(format!("$s{i} = {}{modifiers}", quoted(&indicator(rng))));
            }
            if rng.chance(15) {
                strings.push(format!("$s_api = {}", quoted(rng.pick(APIS))));
            }
            rng.pick(&[
                "any of them",
                "2 of them",
                "all of ($s*)",
                "uint16(0) == 0x5A4D and any of them",
                "uint16(0) == 0x5A4D and filesize < 2MB and 2 of ($s*)",
            ])
            .to_string()
        }
        35..=49 => {
            for i in 0..2 + rng.below(3) {
                strings.push(format!("$s{i} = {} nocase", quoted(&indicator(rng))));
            }
            "any of them".into()
        }
        50..=59 => {
            for i in 0..2 + rng.below(3) {
                strings.push(format!("$s{i} = {} wide", quoted(&indicator(rng))));
            }
            rng.pick(&["any of them", "uint16(0) == 0x5A4D and any of them"])
                .to_string()
        }
        60..=81 => {
            for i in 0..1 + rng.below(3) {
                strings.push(format!("$h{i} = {}", hex_pattern(rng)));
            }
            rng.pick(&[
                "any of them",
                "uint16(0) == 0x5A4D and any of them",
                "for any of them : ( $ in (0..filesize) )",
                "uint32be(0) == 0x7F454C46 and any of them",
            ])
            .to_string()
        }
        82..=86 => {
            strings.push(format!("$r0 = {}", regex_pattern(rng)));
            strings.push(format!("$s0 = {}", quoted(&indicator(rng))));
            "any of them".into()
        }
        87..=94 => {
            strings.push(format!("$c0 = {}", quoted(rng.pick(COMMON))));
            strings.push(format!("$s0 = {} nocase", quoted(&indicator(rng))));
            format!(
                "(#c0 > {} and filesize > 100KB) or $s0",
                rng.pick(&[0, 2, 10, 100])
            )
        }
        _ => {
            strings.push(format!("$c0 = {} ascii wide", quoted(rng.pick(COMMON))));
            strings.push(format!("$s0 = {}", quoted(&indicator(rng))));
            rng.pick(&[
                "uint32be(0) == 0x7F454C46 and any of them",
                "uint16(0) == 0x5A4D and $c0 and not $s0",
                "$c0 and not $s0",
            ])
            .to_string()
        }
    };
    let mut rule = format!(
        "rule {name}\n{{\n    meta:\n        description = \"Generated rule {n}\"\n    strings:\n"
    );
    for s in strings {
        rule.push_str("        ");
        rule.push_str(&s);
        rule.push('\n');
    }
    // Writing to a String cannot fail.
    let _ = write!(rule, "    condition:\n        {condition}\n}}\n\n");
    rule
}
