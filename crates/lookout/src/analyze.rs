//! `lookout analyze FILE`: the portal's file analysis on the command line,
//! with no server, for a ship's IT officer offline at sea.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Args;
use lookout_analysis::{Analysis, ArchiveEntry, Limits, RuleSource, Rules};

/// Largest file read: the portal takes 64 MiB by default; on board, a
/// larger image is better sent ashore than parsed on a bridge PC.
const MAX_FILE: u64 = 512 * 1024 * 1024;

#[derive(Args)]
pub struct AnalyzeArgs {
    /// The file to analyse (it is only read, never run)
    file: PathBuf,
    /// Directory of extra YARA rule files (*.yar, *.yara), matched with
    /// the starter rules
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// Print the analysis as JSON (schema: docs/analysis.schema.json)
    #[arg(long)]
    json: bool,
    /// Stop unpacking and scanning after this many seconds
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    time_limit: u64,
}

pub fn run(args: AnalyzeArgs) -> anyhow::Result<()> {
    let size = std::fs::metadata(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?
        .len();
    if size > MAX_FILE {
        bail!(
            "{} is {} MiB; the limit is {} MiB. Analyse a smaller extract, or upload it to the portal from a shore office.",
            args.file.display(),
            size / (1024 * 1024),
            MAX_FILE / (1024 * 1024)
        );
    }
    let data = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let extra = match &args.rules {
        Some(dir) => read_rule_dir(dir)?,
        None => Vec::new(),
    };
    let rules = Rules::starter_and(&extra).map_err(|error| match error {
        lookout_analysis::Error::Rules(errors) => {
            let list: Vec<String> = errors.iter().map(|e| format!("  {e}")).collect();
            anyhow::anyhow!(
                "the rules do not compile; fix these and run again:\n{}",
                list.join("\n")
            )
        }
        other => anyhow::Error::new(other),
    })?;
    let limits = Limits {
        time_limit: Duration::from_secs(args.time_limit),
        ..Limits::default()
    };
    let analysis = lookout_analysis::analyze(&data, Some(&rules), &limits);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&analysis)?);
    } else {
        print!("{}", render(&analysis, &args.file));
    }
    Ok(())
}

fn read_rule_dir(dir: &Path) -> anyhow::Result<Vec<RuleSource>> {
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read the rules directory {}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yar" || e == "yara"))
        .collect();
    paths.sort();
    if paths.is_empty() {
        bail!("{} holds no .yar or .yara files", dir.display());
    }
    paths
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let name = path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            Ok(RuleSource::new(name, text))
        })
        .collect()
}

/// The report for a terminal: the verdict first, then the details.
fn render(analysis: &Analysis, path: &Path) -> String {
    let mut out = String::new();
    let level = analysis.verdict.level.label().to_uppercase();
    let _ = writeln!(out, "{level}: {}", analysis.verdict.summary);
    if !analysis.verdict.reasons.is_empty() {
        let _ = writeln!(out, "\nWhy:");
        for reason in &analysis.verdict.reasons {
            let _ = writeln!(out, "  - {reason}");
        }
    }
    let _ = writeln!(out, "\nWhat to do:");
    for (i, step) in analysis.verdict.next_steps.iter().enumerate() {
        let _ = writeln!(out, "  {}. {step}", i + 1);
    }
    let _ = writeln!(out, "\nFile: {}", path.display());
    details(analysis, "  ", &mut out);
    out
}

fn details(analysis: &Analysis, indent: &str, out: &mut String) {
    let h = &analysis.hashes;
    let _ = writeln!(
        out,
        "{indent}Type     {} ({})",
        analysis.file_type.name, analysis.file_type.media_type
    );
    let _ = writeln!(
        out,
        "{indent}Size     {} bytes, entropy {:.2}",
        analysis.size, analysis.entropy
    );
    let _ = writeln!(out, "{indent}MD5      {}", h.md5);
    let _ = writeln!(out, "{indent}SHA-1    {}", h.sha1);
    let _ = writeln!(out, "{indent}SHA-256  {}", h.sha256);
    let _ = writeln!(out, "{indent}SHA-512  {}", h.sha512);
    let _ = writeln!(
        out,
        "{indent}TLSH     {}",
        h.tlsh.as_deref().unwrap_or("(too small or too uniform)")
    );

    if let Some(exe) = &analysis.executable {
        let _ = writeln!(
            out,
            "{indent}Program  {} {} {}, {}-bit, entry {:#x}",
            exe.format.to_uppercase(),
            exe.role,
            exe.machine,
            exe.bits,
            exe.entry_point
        );
        if let Some(ts) = exe.timestamp {
            let _ = writeln!(
                out,
                "{indent}  link time {ts} (seconds since 1970; often forged)"
            );
        }
        for s in &exe.sections {
            let _ = writeln!(
                out,
                "{indent}  section {:<10} {:>8} bytes  {:<3} entropy {:.2}",
                s.name, s.raw_size, s.permissions, s.entropy
            );
        }
        for import in &exe.imports {
            let _ = writeln!(
                out,
                "{indent}  imports {}: {}",
                import.library,
                import.functions.join(", ")
            );
        }
        if let Some(imphash) = &exe.imphash {
            let _ = writeln!(out, "{indent}  imphash {imphash}");
        }
        if !exe.exports.is_empty() {
            let _ = writeln!(out, "{indent}  exports {}", exe.exports.join(", "));
        }
        if let Some(overlay) = &exe.overlay {
            let _ = writeln!(
                out,
                "{indent}  overlay {} bytes at {:#x}, entropy {:.2}",
                overlay.size, overlay.offset, overlay.entropy
            );
        }
        let _ = writeln!(
            out,
            "{indent}  signature {}",
            if exe.signed {
                "present (not verified)"
            } else {
                "none"
            }
        );
    }
    if let Some(office) = &analysis.office {
        let _ = writeln!(
            out,
            "{indent}Office   {} container{}",
            office.container,
            if office.encrypted { ", encrypted" } else { "" }
        );
        for m in &office.macros {
            let _ = writeln!(
                out,
                "{indent}  macro {} ({}), runs on: {}, uses: {}",
                m.module,
                m.stream,
                list_or_none(&m.auto_exec),
                list_or_none(&m.suspicious)
            );
        }
        for link in &office.external_links {
            let _ = writeln!(
                out,
                "{indent}  external {} -> {} ({})",
                link.relationship, link.target, link.part
            );
        }
        entries(&office.embedded_files, indent, out);
    }
    if let Some(pdf) = &analysis.pdf {
        let _ = writeln!(
            out,
            "{indent}PDF      version {}, {} pages{}",
            pdf.version.as_deref().unwrap_or("?"),
            pdf.pages.map_or("?".to_owned(), |p| p.to_string()),
            if pdf.encrypted { ", encrypted" } else { "" }
        );
        let keywords: Vec<String> = pdf
            .keywords
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        let _ = writeln!(out, "{indent}  names {}", keywords.join(", "));
        for action in &pdf.auto_actions {
            let _ = writeln!(out, "{indent}  on open: {action}");
        }
        for js in &pdf.javascript {
            let first: String = js.chars().take(120).collect();
            let _ = writeln!(out, "{indent}  javascript: {}", first.replace('\n', " "));
        }
        for target in &pdf.launch {
            let _ = writeln!(out, "{indent}  launch: {target}");
        }
        entries(&pdf.embedded_files, indent, out);
    }
    if let Some(archive) = &analysis.archive {
        let password = archive
            .password
            .as_deref()
            .map(|p| format!(", password \"{p}\""))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{indent}Archive  {}, {} entries{password}{}",
            archive.format,
            archive.entries.len() as u64 + archive.entries_not_listed,
            if archive.bomb {
                ", DECOMPRESSION BOMB"
            } else {
                ""
            }
        );
        entries(&archive.entries, indent, out);
    }
    if !analysis.rule_matches.is_empty() {
        let names: Vec<String> = analysis
            .rule_matches
            .iter()
            .map(|m| match &m.found_in {
                Some(place) => format!("{}:{} (in {place})", m.namespace, m.rule),
                None => format!("{}:{}", m.namespace, m.rule),
            })
            .collect();
        let _ = writeln!(out, "{indent}Rules    {}", names.join(", "));
    }
    let i = &analysis.indicators;
    let wallets: Vec<String> = i
        .wallets
        .iter()
        .map(|w| format!("{} {}", w.currency, w.address))
        .collect();
    for (label, values) in [
        ("URLs", &i.urls),
        ("Domains", &i.domains),
        ("IPs", &i.ips),
        ("Emails", &i.emails),
        ("Wallets", &wallets),
        ("Registry", &i.registry_keys),
    ] {
        if !values.is_empty() {
            let _ = writeln!(out, "{indent}{label:<8} {}", values.join(", "));
        }
    }
    let _ = writeln!(
        out,
        "{indent}Strings  {} ASCII, {} UTF-16LE (--json lists them)",
        analysis.strings.ascii_count, analysis.strings.utf16le_count
    );
    for problem in &analysis.problems {
        let _ = writeln!(
            out,
            "{indent}Problem  [{}] {}",
            problem.part, problem.message
        );
    }
}

fn entries(list: &[ArchiveEntry], indent: &str, out: &mut String) {
    for entry in list {
        match (&entry.analysis, &entry.skipped) {
            (Some(member), _) => {
                let _ = writeln!(out, "{indent}  ▸ {}", entry.path);
                details(member, &format!("{indent}    "), out);
            }
            (None, Some(reason)) => {
                let _ = writeln!(out, "{indent}  ▸ {} (not unpacked: {reason})", entry.path);
            }
            (None, None) => {
                let _ = writeln!(out, "{indent}  ▸ {}", entry.path);
            }
        }
    }
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "-".to_owned()
    } else {
        items.join(", ")
    }
}
