//! The verdict: how worried to be, why, and what to do, in words a ship's
//! IT officer can act on without reading the details under it.
//!
//! Findings come from every part of the analysis and from unpacked members
//! (named by their path). The level is the worst finding; the reasons keep
//! the worst first.

use crate::{Analysis, FileKind, Verdict, VerdictLevel};

struct Finding {
    level: VerdictLevel,
    reason: String,
}

pub(crate) fn judge(analysis: &Analysis) -> Verdict {
    let mut findings = Vec::new();
    collect(analysis, "", &mut findings);
    findings.sort_by_key(|f| std::cmp::Reverse(f.level));
    let mut reasons: Vec<String> = Vec::new();
    for finding in &findings {
        if !reasons.contains(&finding.reason) {
            reasons.push(finding.reason.clone());
        }
    }
    let worst = findings
        .first()
        .map_or(VerdictLevel::NoFindings, |f| f.level);
    let what = describe(analysis);
    // The test file alone: its own level, so that the heading never says
    // "Malicious" over "It is harmless".
    let test_file_only = worst == VerdictLevel::Malicious
        && findings
            .iter()
            .filter(|f| f.level == VerdictLevel::Malicious)
            .all(|f| f.reason.contains("EICAR"));
    let level = if test_file_only {
        VerdictLevel::TestFile
    } else {
        worst
    };

    let (summary, next_steps): (String, &[&str]) = match level {
        VerdictLevel::TestFile => (
            format!(
                "{what}: the EICAR anti-virus test file. It is harmless, but security products will treat it as malware."
            ),
            &[
                "Nothing to clean up: EICAR exists to test that anti-virus and mail filters work.",
                "If nobody told you a test was under way, ask who sent it: a test file arriving unannounced can be someone probing your defences.",
            ],
        ),
        VerdictLevel::Malicious => (
            format!("{what} that behaves like malware. Do not open or run it."),
            &[
                "Do not open, run or forward the file (except to your security contact), and delete other copies of it.",
                "If it was opened on a computer, disconnect that computer from the network (cable and Wi-Fi) but leave it switched on, and tell your IT or security contact.",
                "Search your mail and file servers for the same SHA-256 (below) to find other copies.",
                "Report it in Lookout and attach this analysis, so other members are warned.",
            ],
        ),
        VerdictLevel::Suspicious => (
            format!(
                "{what} with traits common in malware. Treat it as unsafe until it is confirmed."
            ),
            &[
                "Do not open it until the sender has confirmed it through a channel you already know (call them; do not reply to the message).",
                "If it was already opened, watch the computer for unusual behaviour and tell your IT or security contact.",
                "Read the reasons below, or ask an analyst through Lookout to look at it.",
            ],
        ),
        VerdictLevel::NoFindings => (
            format!("{what}. Nothing known to be malicious was found."),
            &[
                "A static analysis cannot prove a file safe: open it only if you expected it from a known sender.",
                "If it arrived unexpectedly or the message around it was unusual, report the message in Lookout anyway.",
            ],
        ),
    };
    Verdict {
        level,
        summary,
        reasons,
        next_steps: next_steps.iter().map(|s| (*s).to_owned()).collect(),
    }
}

fn describe(analysis: &Analysis) -> String {
    let name = &analysis.file_type.name;
    match &analysis.executable {
        Some(exe) => format!(
            "A {} {} ({}, {}-bit)",
            name, exe.role, exe.machine, exe.bits
        ),
        None => format!("A file of type {name}"),
    }
}

fn collect(analysis: &Analysis, within: &str, findings: &mut Vec<Finding>) {
    // This level's own findings; members' findings go straight to `findings`.
    let mut own = Vec::new();
    let mut add = |level: VerdictLevel, reason: String| {
        let reason = if within.is_empty() {
            reason
        } else {
            format!("In {within}: {reason}")
        };
        own.push(Finding { level, reason });
    };

    for rule in &analysis.rule_matches {
        let description = rule
            .meta
            .get("description")
            .cloned()
            .unwrap_or_else(|| rule.rule.clone());
        let level = match rule.meta.get("severity").map(String::as_str) {
            Some("malicious" | "test" | "high" | "critical") => VerdictLevel::Malicious,
            _ => VerdictLevel::Suspicious,
        };
        let place = rule
            .found_in
            .as_deref()
            .map(|p| format!(", in {p}"))
            .unwrap_or_default();
        add(level, format!("{description} (rule {}{place}).", rule.rule));
    }

    if let Some(exe) = &analysis.executable {
        if exe.role != "object" && exe.role != "core" {
            add(
                VerdictLevel::Suspicious,
                "It is a program: opening it runs it with your rights. Programs should not arrive by mail or on a USB stick.".to_owned(),
            );
        }
        for hint in &exe.packer_hints {
            add(VerdictLevel::Suspicious, hint.clone());
        }
    }

    if let Some(office) = &analysis.office {
        if office.encrypted {
            add(
                VerdictLevel::Suspicious,
                "The document is password-protected, which hides its content from mail filters; attackers send the password in the message.".to_owned(),
            );
        }
        for code in &office.macros {
            match (code.auto_exec.is_empty(), code.suspicious.is_empty()) {
                (false, false) => add(
                    VerdictLevel::Malicious,
                    format!(
                        "A macro ({}) runs by itself when the document is opened ({}) and uses {}.",
                        code.module,
                        code.auto_exec.join(", "),
                        code.suspicious.join(", ")
                    ),
                ),
                (false, true) => add(
                    VerdictLevel::Suspicious,
                    format!(
                        "A macro ({}) runs by itself when the document is opened ({}).",
                        code.module,
                        code.auto_exec.join(", ")
                    ),
                ),
                (true, false) => add(
                    VerdictLevel::Suspicious,
                    format!(
                        "A macro ({}) uses {}.",
                        code.module,
                        code.suspicious.join(", ")
                    ),
                ),
                (true, true) => add(
                    VerdictLevel::Suspicious,
                    format!("The document contains a macro ({}).", code.module),
                ),
            }
        }
        for link in &office.external_links {
            let level = if link.relationship.eq_ignore_ascii_case("attachedTemplate") {
                VerdictLevel::Malicious
            } else {
                VerdictLevel::Suspicious
            };
            add(
                level,
                format!(
                    "When opened, the document fetches {} from {} ({}).",
                    link.relationship, link.target, link.part
                ),
            );
        }
        for entry in &office.embedded_files {
            visit_entry(entry, within, findings);
        }
    }

    if let Some(pdf) = &analysis.pdf {
        if !pdf.launch.is_empty() {
            add(
                VerdictLevel::Malicious,
                format!(
                    "The PDF asks the reader to start a program: {}.",
                    pdf.launch.join(", ")
                ),
            );
        }
        if !pdf.javascript.is_empty()
            || pdf.keywords.contains_key("/JS")
            || pdf.keywords.contains_key("/JavaScript")
        {
            let on_open = if pdf.auto_actions.is_empty() {
                ""
            } else {
                ", set to run when it is opened"
            };
            add(
                VerdictLevel::Suspicious,
                format!("The PDF contains JavaScript{on_open}."),
            );
        }
        for entry in &pdf.embedded_files {
            visit_entry(entry, within, findings);
        }
    }

    if let Some(archive) = &analysis.archive {
        if archive.bomb {
            add(
                VerdictLevel::Malicious,
                "The archive is a decompression bomb: it expands to far more than it holds, to crash or blind scanners. It was not unpacked.".to_owned(),
            );
        }
        for entry in &archive.entries {
            visit_entry(entry, within, findings);
        }
    }

    if !analysis.indicators.wallets.is_empty() && analysis.file_type.kind != FileKind::Executable {
        add(
            VerdictLevel::Suspicious,
            "It mentions cryptocurrency wallet addresses, as ransom and extortion notes do."
                .to_owned(),
        );
    }
    findings.extend(own);
}

fn visit_entry(entry: &crate::ArchiveEntry, within: &str, findings: &mut Vec<Finding>) {
    let path = if within.is_empty() {
        entry.path.clone()
    } else {
        format!("{within} › {}", entry.path)
    };
    if let Some((shown, real)) = double_extension(&entry.path) {
        findings.push(Finding {
            level: VerdictLevel::Suspicious,
            reason: format!(
                "{path} has a double extension: Windows hides the last one (.{real}), so it shows \
                 as a harmless .{shown} file while it opens as a program."
            ),
        });
    }
    match &entry.analysis {
        Some(member) => collect(member, &path, findings),
        None if entry.encrypted => findings.push(Finding {
            level: VerdictLevel::Suspicious,
            reason: format!(
                "{path} is encrypted with an unknown password, so it could not be checked."
            ),
        }),
        None => {}
    }
}

/// Extensions of what people open without a second thought.
const SHOWN_AS: &[&str] = &[
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "rtf", "txt", "csv", "jpg", "jpeg", "png",
    "gif", "bmp", "mp3", "mp4", "zip", "rar", "htm", "html", "odt", "ods",
];

/// Extensions Windows runs or hands to a script host.
const RUNS_AS: &[&str] = &[
    "exe", "scr", "com", "pif", "bat", "cmd", "js", "jse", "vbs", "vbe", "wsf", "wsh", "hta",
    "lnk", "msi", "cpl", "ps1", "jar", "dll",
];

/// `invoice.pdf.exe` → `("pdf", "exe")`: a document's extension followed
/// by a program's, the oldest disguise there is.
pub(crate) fn double_extension(path: &str) -> Option<(String, String)> {
    let name = path
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(path)
        .to_ascii_lowercase();
    let mut parts = name.rsplit('.');
    let real = parts.next()?.trim().to_owned();
    let shown = parts.next()?.trim().to_owned();
    // A name before the extensions: ".pdf.exe" alone is no disguise.
    parts.next().filter(|stem| !stem.is_empty())?;
    (RUNS_AS.contains(&real.as_str()) && SHOWN_AS.contains(&shown.as_str()))
        .then_some((shown, real))
}

#[cfg(test)]
mod tests {
    use super::double_extension;

    #[test]
    fn double_extensions_are_a_document_then_a_program() {
        assert_eq!(
            double_extension("invoices/Invoice.PDF.exe"),
            Some(("pdf".into(), "exe".into()))
        );
        assert_eq!(
            double_extension("crew list.xlsx .scr"),
            Some(("xlsx".into(), "scr".into())),
            "spaces before the last dot hide it further"
        );
        assert_eq!(double_extension("report.pdf"), None);
        assert_eq!(double_extension("setup.x64.exe"), None);
        assert_eq!(double_extension("archive.tar.gz"), None);
    }
}
