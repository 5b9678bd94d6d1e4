//! YARA-compatible rules with boreal (pure Rust; the C engine is only used
//! in CI, to check that both agree on our rules and samples).
//!
//! Rule sets come from two places: the starter rules shipped in `rules/`
//! (compiled into the binary), and rule files analysts upload or give to
//! `lookout analyze --rules DIR`. Each file is its own namespace, so an
//! uploaded rule cannot shadow a starter rule of the same name. `include`
//! is refused: an uploaded rule must not read files on the server.

use std::collections::BTreeMap;

use boreal::compiler::CompilerParams;
use boreal::scanner::ScanParams;
use boreal::{Compiler, MetadataValue, Scanner};

use crate::{Ctx, Error, RuleError, RuleMatch};

/// Rules shipped with Lookout: `(file name, text)`.
pub const STARTER_RULES: &[(&str, &str)] = &[
    ("eicar.yar", include_str!("../rules/eicar.yar")),
    ("documents.yar", include_str!("../rules/documents.yar")),
    ("executables.yar", include_str!("../rules/executables.yar")),
    ("scripts.yar", include_str!("../rules/scripts.yar")),
];

/// Largest rule file accepted, in bytes: large public rule sets are a few
/// megabytes split over many files.
pub const MAX_RULE_FILE: usize = 4 * 1024 * 1024;

/// One rule file to compile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSource {
    /// File name, shown in errors and used (without extension) as the namespace.
    pub name: String,
    pub text: String,
}

impl RuleSource {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> RuleSource {
        RuleSource {
            name: name.into(),
            text: text.into(),
        }
    }

    pub fn namespace(&self) -> &str {
        self.name
            .rsplit_once('.')
            .map_or(self.name.as_str(), |(stem, _)| stem)
    }
}

/// A compiled rule set, cheap to share between threads.
#[derive(Clone)]
pub struct Rules {
    scanner: Scanner,
    rule_count: usize,
}

impl std::fmt::Debug for Rules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Rules({} rules)", self.rule_count)
    }
}

impl Rules {
    /// Compiles the rule files together, or lists every error in every file.
    pub fn compile(sources: &[RuleSource]) -> Result<Rules, Error> {
        let mut compiler = Compiler::new();
        compiler.set_params(CompilerParams::default().disable_includes(true));
        let mut errors = Vec::new();
        for source in sources {
            if source.text.len() > MAX_RULE_FILE {
                errors.push(RuleError {
                    source: source.name.clone(),
                    line: None,
                    message: format!(
                        "the file is larger than {} MiB; split it",
                        MAX_RULE_FILE / (1024 * 1024)
                    ),
                });
                continue;
            }
            if let Err(error) =
                compiler.add_rules_str_in_namespace(&source.text, source.namespace())
            {
                errors.push(rule_error(&source.name, &error.to_string()));
            }
        }
        if !errors.is_empty() {
            return Err(Error::Rules(errors));
        }
        let scanner = compiler.finalize();
        let rule_count = scanner.rules().count();
        Ok(Rules {
            scanner,
            rule_count,
        })
    }

    /// The starter rules alone.
    pub fn starter() -> Result<Rules, Error> {
        Rules::compile(&starter_sources())
    }

    /// The starter rules and `extra` files.
    pub fn starter_and(extra: &[RuleSource]) -> Result<Rules, Error> {
        let mut sources = starter_sources();
        sources.extend_from_slice(extra);
        Rules::compile(&sources)
    }

    pub fn len(&self) -> usize {
        self.rule_count
    }

    pub fn is_empty(&self) -> bool {
        self.rule_count == 0
    }

    /// Rules compiled from the file with this namespace (its name without
    /// the extension, [`RuleSource::namespace`]).
    pub fn count_in(&self, namespace: &str) -> usize {
        self.scanner
            .rules()
            .filter(|rule| rule.namespace == namespace)
            .count()
    }

    /// Names of the matching rules (`namespace:rule`), for tools that only
    /// need the list (the benchmark and the cross-check with YARA).
    pub fn matching(&self, data: &[u8]) -> Vec<String> {
        let result = match self.scanner.scan_mem(data) {
            Ok(result) => result,
            Err((_, partial)) => partial,
        };
        result
            .rules
            .iter()
            .map(|r| format!("{}:{}", r.namespace, r.name))
            .collect()
    }

    pub(crate) fn scan(&self, data: &[u8], ctx: &mut Ctx) -> Vec<RuleMatch> {
        if ctx.out_of_time() {
            ctx.problem(
                "rules",
                "the time limit was reached before the rules were matched",
            );
            return Vec::new();
        }
        let mut scanner = self.scanner.clone();
        scanner.set_scan_params(ScanParams::default().timeout_duration(Some(ctx.time_left())));
        let result = match scanner.scan_mem(data) {
            Ok(result) => result,
            Err((error, partial)) => {
                ctx.problem("rules", format!("the rule scan stopped early: {error}"));
                partial
            }
        };
        result
            .rules
            .iter()
            .map(|rule| RuleMatch {
                rule: rule.name.to_owned(),
                namespace: rule.namespace.to_owned(),
                tags: rule
                    .tags
                    .iter()
                    .map(|t| scanner.get_string_symbol(*t).to_owned())
                    .collect(),
                meta: rule
                    .metadatas
                    .iter()
                    .map(|m| {
                        let value = match m.value {
                            MetadataValue::Bytes(b) => {
                                String::from_utf8_lossy(scanner.get_bytes_symbol(b)).into_owned()
                            }
                            MetadataValue::Integer(i) => i.to_string(),
                            MetadataValue::Boolean(b) => b.to_string(),
                        };
                        (scanner.get_string_symbol(m.name).to_owned(), value)
                    })
                    .collect::<BTreeMap<_, _>>(),
                found_in: None,
            })
            .collect()
    }
}

fn starter_sources() -> Vec<RuleSource> {
    STARTER_RULES
        .iter()
        .map(|(name, text)| RuleSource::new(*name, *text))
        .collect()
}

/// boreal describes errors as `mem:LINE:COLUMN: error: MESSAGE`; the
/// analyst needs their own file name and the line.
fn rule_error(source: &str, description: &str) -> RuleError {
    let rest = description.strip_prefix("mem:").unwrap_or(description);
    let mut parts = rest.splitn(3, ':');
    let line = parts.next().and_then(|l| l.trim().parse::<usize>().ok());
    let message = match (line, parts.next(), parts.next()) {
        (Some(_), Some(_column), Some(message)) => message
            .trim()
            .trim_start_matches("error:")
            .trim()
            .to_owned(),
        _ => description.to_owned(),
    };
    RuleError {
        source: source.to_owned(),
        line,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starter_rules_compile() {
        let rules = Rules::starter().expect("starter rules compile");
        assert!(rules.len() >= 8, "{}", rules.len());
    }

    #[test]
    fn errors_name_the_file_and_line() {
        let good = RuleSource::new("good.yar", "rule ok { condition: true }");
        let bad = RuleSource::new(
            "bad.yar",
            "rule ok {\n  strings: $a = \"x\"\n  condition: $b\n}",
        );
        let Err(Error::Rules(errors)) = Rules::compile(&[good, bad]) else {
            panic!("should not compile");
        };
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].source, "bad.yar");
        assert_eq!(errors[0].line, Some(3));
        assert!(errors[0].message.contains("$b"), "{}", errors[0].message);
    }

    #[test]
    fn rules_are_counted_by_file() {
        let a = RuleSource::new(
            "a.yar",
            "rule one { condition: true } rule two { condition: false }",
        );
        let b = RuleSource::new("b.yara", "rule three { condition: true }");
        let rules = Rules::compile(&[a, b]).expect("compiles");
        assert_eq!(
            (
                rules.count_in("a"),
                rules.count_in("b"),
                rules.count_in("c")
            ),
            (2, 1, 0)
        );
    }

    #[test]
    fn includes_are_refused() {
        let sneaky = RuleSource::new(
            "sneaky.yar",
            "include \"/etc/passwd\"\nrule r { condition: true }",
        );
        assert!(Rules::compile(&[sneaky]).is_err());
    }

    #[test]
    fn same_rule_name_in_two_files_is_allowed() {
        let a = RuleSource::new("a.yar", "rule same { condition: true }");
        let b = RuleSource::new("b.yar", "rule same { condition: false }");
        let rules = Rules::compile(&[a, b]).expect("namespaces keep them apart");
        assert_eq!(rules.matching(b"anything"), ["a:same"]);
    }
}
