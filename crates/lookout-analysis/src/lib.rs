//! Static analysis of suspicious files, for the portal and for
//! `lookout analyze` on board, without a server.
//!
//! [`analyze`] takes the bytes of a file and returns an [`Analysis`]:
//! hashes (MD5, SHA-1, SHA-256, SHA-512, TLSH), the type read from the
//! content, entropy, printable strings, indicators of compromise (also in
//! defanged form), executable structure (PE, ELF, Mach-O), Office macros and
//! external links, PDF scripts and actions, archive members analysed
//! recursively, YARA-compatible rule matches ([`Rules`]) and a [`Verdict`].
//!
//! # Hostile input
//!
//! Every byte given here is assumed to be crafted to hurt the parser. No
//! function panics on any input (each parser has a cargo-fuzz target), and
//! every quantity an attacker controls is bounded by [`Limits`]: recursion
//! depth, bytes unpacked in all, members, compression ratio, strings,
//! macro text, and time. What could not be read is listed in
//! [`Analysis::problems`] with the rest of the analysis kept, because a
//! half-readable file is itself a finding.
//!
//! Nothing here touches the network, the disk or a database.

mod archive;
mod entropy;
mod error;
mod executable;
mod filetype;
mod hashes;
mod indicators;
mod neutralise;
mod office;
mod pdf;
mod report;
mod rules;
mod strings;
mod verdict;

#[cfg(feature = "samples")]
pub mod samples;

use std::time::{Duration, Instant};

pub use entropy::shannon as entropy;
pub use error::{Error, RuleError};
pub use hashes::tlsh_distance;
pub use neutralise::{PASSWORD as SAMPLE_ZIP_PASSWORD, infected_zip};
pub use report::*;
pub use rules::{MAX_RULE_FILE, RuleSource, Rules, STARTER_RULES};

/// Bounds on the work one analysis may do. The defaults suit files up to
/// the portal's 64 MiB upload limit on a small server.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Archives within archives: the top file is depth 0.
    pub max_depth: usize,
    /// Bytes unpacked from all archives and embedded files together.
    pub max_unpacked_bytes: u64,
    /// Archive members and embedded files analysed in all.
    pub max_members: usize,
    /// Largest expansion of one compressed member over its compressed size
    /// before it counts as a decompression bomb.
    pub max_ratio: u64,
    /// Printable strings kept in the result (all are counted).
    pub max_strings: usize,
    /// Wall-clock time for the whole analysis; past it, remaining members
    /// are skipped and rule scans stop, with a problem saying so.
    pub time_limit: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 4,
            max_unpacked_bytes: 256 * 1024 * 1024,
            max_members: 500,
            max_ratio: 200,
            max_strings: 2_000,
            time_limit: Duration::from_secs(60),
        }
    }
}

/// MD5, SHA-1, SHA-256, SHA-512 and TLSH of `data`, without the rest of
/// the analysis (the portal files a sample under them before analysing it).
pub fn digests(data: &[u8]) -> Hashes {
    hashes::compute(data)
}

/// Analyses `data`, matching `rules` when given (on the file and on every
/// unpacked member).
pub fn analyze(data: &[u8], rules: Option<&Rules>, limits: &Limits) -> Analysis {
    analyze_at(data, rules, limits, &mut Budget::starting(limits), 0)
}

/// What all levels of one analysis share.
struct Budget {
    deadline: Instant,
    unpacked_bytes: u64,
    members: usize,
}

impl Budget {
    fn starting(limits: &Limits) -> Budget {
        Budget {
            deadline: Instant::now() + limits.time_limit,
            unpacked_bytes: 0,
            members: 0,
        }
    }
}

fn analyze_at(
    data: &[u8],
    rules: Option<&Rules>,
    limits: &Limits,
    budget: &mut Budget,
    depth: usize,
) -> Analysis {
    let mut ctx = Ctx {
        rules,
        limits,
        budget,
        depth,
        problems: Vec::new(),
    };
    let file_type = filetype::detect(data);
    let strings = strings::extract(data, limits.max_strings);
    let indicators = indicators::extract(data);
    let executable = match file_type.kind {
        FileKind::Executable => executable::inspect(data, &mut ctx),
        _ => None,
    };
    let office = office::inspect(data, &file_type, &mut ctx);
    // Magic numbers say "zip" or "compound file"; the parser knows better.
    let file_type = match &office {
        Some(office) => office_type(file_type, &office.container),
        None => file_type,
    };
    let pdf = if file_type.media_type == "application/pdf" {
        pdf::inspect(data, &mut ctx)
    } else {
        None
    };
    let archive = if office.is_none() {
        archive::inspect(data, &file_type, &mut ctx)
    } else {
        None
    };
    let mut indicators = indicators;
    if let Some(archive) = &archive {
        drop_member_names(&mut indicators, archive);
    }
    let mut rule_matches = match rules {
        Some(rules) => rules.scan(data, &mut ctx),
        None => Vec::new(),
    };
    // VBA compresses macro source, so rules for it only see it unpacked.
    if let (Some(rules), Some(office)) = (rules, &office) {
        for code in &office.macros {
            for mut found in rules.scan(code.code.as_bytes(), &mut ctx) {
                let known = rule_matches
                    .iter()
                    .any(|m| m.namespace == found.namespace && m.rule == found.rule);
                if !known {
                    found.found_in = Some(format!("macro {}", code.module));
                    rule_matches.push(found);
                }
            }
        }
    }
    let problems = ctx.problems;
    let mut analysis = Analysis {
        schema: SCHEMA.to_owned(),
        size: data.len() as u64,
        hashes: hashes::compute(data),
        file_type,
        entropy: entropy::shannon(data),
        strings,
        indicators,
        executable,
        office,
        pdf,
        archive,
        rule_matches,
        problems,
        verdict: Verdict {
            level: VerdictLevel::NoFindings,
            summary: String::new(),
            reasons: Vec::new(),
            next_steps: Vec::new(),
        },
    };
    analysis.verdict = verdict::judge(&analysis);
    analysis
}

/// A container's raw strings run its members' names into the bytes that
/// follow them (`invoice.pdf.exePK`, `readme.txtplease`), which read as
/// host names. The members are analysed on their own; their names and
/// such run-ons are not indicators of the container.
fn drop_member_names(indicators: &mut Indicators, archive: &Archive) {
    let names: Vec<String> = archive
        .entries
        .iter()
        .map(|e| {
            e.path
                .rsplit(['/', '\\'])
                .next()
                .unwrap_or(&e.path)
                .to_ascii_lowercase()
        })
        .filter(|n| n.contains('.'))
        .collect();
    indicators.domains.retain(|d| {
        !names
            .iter()
            .any(|n| d.to_ascii_lowercase().starts_with(n.as_str()))
    });
}

fn office_type(detected: FileType, container: &str) -> FileType {
    let name = match container {
        "ooxml" => "Office Open XML document",
        _ => "Microsoft Office document (OLE2)",
    };
    FileType {
        name: name.to_owned(),
        kind: FileKind::Document,
        ..detected
    }
}

/// Handed to each parser: the limits, a place to report problems, and the
/// way to analyse what it unpacks.
pub(crate) struct Ctx<'a> {
    rules: Option<&'a Rules>,
    limits: &'a Limits,
    budget: &'a mut Budget,
    depth: usize,
    problems: Vec<Problem>,
}

impl Ctx<'_> {
    /// Notes something that could not be read.
    pub(crate) fn problem(&mut self, part: &str, message: impl Into<String>) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(Problem {
                part: part.to_owned(),
                message: message.into(),
            });
        }
    }

    pub(crate) fn limits(&self) -> &Limits {
        self.limits
    }

    pub(crate) fn out_of_time(&self) -> bool {
        Instant::now() >= self.budget.deadline
    }

    pub(crate) fn time_left(&self) -> Duration {
        self.budget
            .deadline
            .saturating_duration_since(Instant::now())
    }

    /// Whether one more member of `size` bytes (as declared, or as far as
    /// known) may be unpacked; the reason it may not otherwise. Call before
    /// decompressing, so a bomb is refused before it is expanded.
    pub(crate) fn may_unpack(&self, size: u64) -> Result<(), String> {
        if self.depth + 1 > self.limits.max_depth {
            return Err(format!(
                "nested deeper than {} levels",
                self.limits.max_depth
            ));
        }
        if self.budget.members >= self.limits.max_members {
            return Err(format!(
                "more than {} members in all",
                self.limits.max_members
            ));
        }
        if self.budget.unpacked_bytes.saturating_add(size) > self.limits.max_unpacked_bytes {
            return Err(format!(
                "more than {} MiB unpacked in all",
                self.limits.max_unpacked_bytes / (1024 * 1024)
            ));
        }
        if self.out_of_time() {
            return Err("the time limit was reached".to_owned());
        }
        Ok(())
    }

    /// Bytes that may still be unpacked: the most a decompressor should
    /// produce before giving up on a member.
    pub(crate) fn unpack_allowance(&self) -> u64 {
        self.limits
            .max_unpacked_bytes
            .saturating_sub(self.budget.unpacked_bytes)
    }

    /// Analyses an unpacked member or embedded file, charging it to the
    /// budget. Callers check [`Ctx::may_unpack`] first.
    pub(crate) fn analyze_member(&mut self, data: &[u8]) -> Box<Analysis> {
        self.budget.members += 1;
        self.budget.unpacked_bytes = self.budget.unpacked_bytes.saturating_add(data.len() as u64);
        Box::new(analyze_at(
            data,
            self.rules,
            self.limits,
            self.budget,
            self.depth + 1,
        ))
    }
}

/// Problems kept per level: a file broken in a million places says so in
/// the first few.
const MAX_PROBLEMS: usize = 50;

/// Entry points for the cargo-fuzz targets and the test that replays their
/// seeds in CI: each runs one parser alone on arbitrary bytes.
#[doc(hidden)]
pub mod fuzzing {
    use super::*;

    /// The defaults, with a time limit libFuzzer's own timeout stays above.
    fn fuzz_limits() -> Limits {
        Limits {
            time_limit: Duration::from_secs(10),
            ..Limits::default()
        }
    }

    fn with_ctx<T>(run: impl FnOnce(&mut Ctx) -> T) -> T {
        let limits = fuzz_limits();
        let mut budget = Budget::starting(&limits);
        let mut ctx = Ctx {
            rules: None,
            limits: &limits,
            budget: &mut budget,
            depth: 0,
            problems: Vec::new(),
        };
        run(&mut ctx)
    }

    pub fn executable(data: &[u8]) {
        with_ctx(|ctx| executable::inspect(data, ctx));
    }

    pub fn office(data: &[u8]) {
        let file_type = filetype::detect(data);
        with_ctx(|ctx| office::inspect(data, &file_type, ctx));
    }

    pub fn pdf(data: &[u8]) {
        with_ctx(|ctx| pdf::inspect(data, ctx));
    }

    pub fn archive(data: &[u8]) {
        let file_type = filetype::detect(data);
        with_ctx(|ctx| archive::inspect(data, &file_type, ctx));
    }

    /// A rule file as an analyst uploads it: compiled, or refused with
    /// errors, never a panic or a hang.
    pub fn rules(data: &[u8]) {
        if let Ok(text) = std::str::from_utf8(data) {
            let _ = Rules::compile(&[RuleSource::new("fuzz.yar", text)]);
        }
    }

    /// The whole analysis, with the starter rules (compiled once: the
    /// fuzzer runs this millions of times).
    pub fn analyze(data: &[u8]) -> Analysis {
        static RULES: std::sync::LazyLock<Option<Rules>> =
            std::sync::LazyLock::new(|| Rules::starter().ok());
        let limits = fuzz_limits();
        super::analyze(data, RULES.as_ref(), &limits)
    }
}
