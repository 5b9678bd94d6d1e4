//! Names the caller knows: member organisations, their vessels, their
//! domains and their people.

use regex::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};

use crate::text::{Candidate, is_word, next_char, prev_char};
use crate::{Error, Kind};

/// The plain lists, as stored or sent over the wire. Turn them into
/// [`KnownNames`] (which compiles them once) with [`KnownNames::new`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NameLists {
    /// Member organisations: "Nordkap Shipping AS", "Nordkap".
    pub organisations: Vec<String>,
    /// Their vessels: "Nordic Star".
    pub vessels: Vec<String>,
    /// Their domains: "nordkap-shipping.no". Subdomains and e-mail
    /// addresses at them match too.
    pub domains: Vec<String>,
    /// Their people: "Ivan Petrov". Each variant to catch ("I. Petrov",
    /// "Petrov") is its own entry.
    pub people: Vec<String>,
}

/// Known names, compiled for matching: case-insensitive, on word
/// boundaries, with any run of spaces, hyphens or underscores in a name
/// matching any other ("Nordic Star" finds "NORDIC-STAR").
///
/// Build it once per set of members and reuse it: compiling is the
/// expensive part.
#[derive(Debug, Clone, Default)]
pub struct KnownNames {
    lists: NameLists,
    matchers: Vec<Matcher>,
}

#[derive(Debug, Clone)]
struct Matcher {
    kind: Kind,
    re: Regex,
    domain: bool,
}

/// A compiled set of plain terms (known names of one kind, or a reporter's
/// extra terms).
#[derive(Debug, Clone)]
pub(crate) struct Terms {
    kind: Kind,
    re: Regex,
}

impl KnownNames {
    /// Compiles the lists. Refuses names shorter than two characters and
    /// domains that are not domain names: a silently skipped name would be
    /// a name that leaks.
    pub fn new(lists: NameLists) -> Result<Self, Error> {
        let mut matchers = Vec::new();
        for (kind, names) in [
            (Kind::Org, &lists.organisations),
            (Kind::Vessel, &lists.vessels),
            (Kind::Person, &lists.people),
        ] {
            if let Some(t) = Terms::new(kind, names)? {
                matchers.push(Matcher {
                    kind,
                    re: t.re,
                    domain: false,
                });
            }
        }
        if let Some(re) = domain_matcher(&lists.domains)? {
            matchers.push(Matcher {
                kind: Kind::Domain,
                re,
                domain: true,
            });
        }
        Ok(KnownNames { lists, matchers })
    }

    /// No names at all: only the pattern-based detectors run.
    #[must_use]
    pub fn empty() -> Self {
        Self::default()
    }

    /// The lists this was compiled from.
    #[must_use]
    pub fn lists(&self) -> &NameLists {
        &self.lists
    }

    pub(crate) fn detect(&self, text: &str, out: &mut Vec<Candidate>) {
        for m in &self.matchers {
            if m.domain {
                domains(&m.re, text, out);
            } else {
                for f in m.re.find_iter(text) {
                    out.push(Candidate::new(f.start(), f.end(), m.kind));
                }
            }
        }
    }
}

impl TryFrom<NameLists> for KnownNames {
    type Error = Error;

    fn try_from(lists: NameLists) -> Result<Self, Error> {
        KnownNames::new(lists)
    }
}

fn build(kind: Kind, pattern: &str) -> Result<Regex, Error> {
    RegexBuilder::new(pattern)
        .case_insensitive(true)
        .size_limit(64 << 20)
        .dfa_size_limit(16 << 20)
        .build()
        .map_err(|e| Error::TooManyNames {
            kind,
            reason: e.to_string(),
        })
}

/// A name as a pattern: words escaped, joined by any run of spaces, hyphens
/// or underscores, with a word boundary at each end that is a word
/// character.
fn name_pattern(name: &str) -> String {
    let parts: Vec<String> = name
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .filter(|p| !p.is_empty())
        .map(regex::escape)
        .collect();
    let mut p = String::new();
    if name.starts_with(is_word) {
        p.push_str(r"\b");
    }
    p.push_str(&parts.join(r"[\s\-_]+"));
    if name.ends_with(is_word) {
        p.push_str(r"\b");
    }
    p
}

/// Trims a name and drops a trailing full stop or comma ("Acme Ltd.").
fn clean(name: &str) -> &str {
    name.trim().trim_end_matches(['.', ',']).trim_end()
}

impl Terms {
    pub(crate) fn new(kind: Kind, names: &[String]) -> Result<Option<Self>, Error> {
        let mut cleaned: Vec<&str> = Vec::with_capacity(names.len());
        for name in names {
            let c = clean(name);
            if c.chars().filter(|c| !c.is_whitespace()).count() < 2 {
                return Err(Error::NameTooShort {
                    kind,
                    name: name.clone(),
                });
            }
            cleaned.push(c);
        }
        if cleaned.is_empty() {
            return Ok(None);
        }
        // Longest first, so that "Ocean Star Line" wins over "Ocean Star".
        cleaned.sort_by_key(|n| std::cmp::Reverse(n.len()));
        cleaned.dedup();
        let alternation: Vec<String> = cleaned.iter().map(|n| name_pattern(n)).collect();
        let re = build(kind, &format!("(?:{})", alternation.join("|")))?;
        Ok(Some(Terms { kind, re }))
    }

    pub(crate) fn detect(&self, text: &str, out: &mut Vec<Candidate>) {
        for f in self.re.find_iter(text) {
            out.push(Candidate::new(f.start(), f.end(), self.kind));
        }
    }
}

const LABEL: &str = r"[\p{L}\p{N}](?:[\p{L}\p{N}\-]*[\p{L}\p{N}])?";
const DOT: &str = r"(?:\.|\[\.\]|\(\.\)|\[dot\]|\(dot\))";

fn domain_matcher(domains: &[String]) -> Result<Option<Regex>, Error> {
    let mut alternatives = Vec::with_capacity(domains.len());
    for d in domains {
        let clean = d
            .trim()
            .trim_start_matches('@')
            .trim_start_matches("*.")
            .trim_end_matches('.')
            .to_lowercase();
        let labels: Vec<&str> = clean.split('.').collect();
        let valid = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && l.chars().all(|c| c.is_alphanumeric() || c == '-')
                    && !l.starts_with('-')
                    && !l.ends_with('-')
            });
        if !valid {
            return Err(Error::InvalidDomain(d.clone()));
        }
        let escaped: Vec<String> = labels.iter().map(|l| regex::escape(l)).collect();
        alternatives.push((clean.len(), escaped.join(DOT)));
    }
    if alternatives.is_empty() {
        return Ok(None);
    }
    alternatives.sort_by_key(|(len, _)| std::cmp::Reverse(*len));
    let alts: Vec<String> = alternatives.into_iter().map(|(_, p)| p).collect();
    let pattern = format!(r"(?:{LABEL}{DOT})*(?:{})\b", alts.join("|"));
    build(Kind::Domain, &pattern).map(Some)
}

/// Known domains and their subdomains, but not lookalikes that merely end
/// or begin with them (`evil-acme.com`, `acme.com.evil.net`).
fn domains(re: &Regex, text: &str, out: &mut Vec<Candidate>) {
    let mut at = 0;
    while let Some(m) = re.find_at(text, at) {
        let (s, e) = (m.start(), m.end());
        let left_ok = !matches!(prev_char(text, s), Some(c) if is_word(c) || c == '-' || c == '.');
        let mut after = text[e..].chars();
        let right_ok = match after.next() {
            Some('-') => false,
            Some('.') => !after.next().is_some_and(|c| is_word(c) || c == '['),
            _ => true,
        };
        if left_ok && right_ok {
            out.push(Candidate::new(s, e, Kind::Domain));
            at = e;
        } else {
            at = s + next_char(text, s).map_or(1, char::len_utf8);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lists() -> NameLists {
        NameLists {
            organisations: vec!["Nordkap Shipping AS".into(), "Nordkap".into()],
            vessels: vec!["Nordic Star".into()],
            domains: vec!["nordkap-shipping.no".into()],
            people: vec!["Ivan Petrov".into()],
        }
    }

    fn found(known: &KnownNames, text: &str) -> Vec<(Kind, String)> {
        let mut out = Vec::new();
        known.detect(text, &mut out);
        out.sort_by_key(|c| c.start);
        out.iter()
            .map(|c| (c.kind, text[c.start..c.end].to_owned()))
            .collect()
    }

    #[test]
    fn names_match_case_insensitively_on_word_boundaries() {
        let k = KnownNames::new(lists()).unwrap();
        assert_eq!(
            found(
                &k,
                "NORDKAP SHIPPING AS owns the NORDIC-STAR; ivan petrov; Nordkapp; xnordkap"
            ),
            vec![
                (Kind::Org, "NORDKAP SHIPPING AS".into()),
                (Kind::Vessel, "NORDIC-STAR".into()),
                (Kind::Person, "ivan petrov".into()),
            ]
        );
    }

    #[test]
    fn domains_and_subdomains_but_not_lookalikes() {
        let k = KnownNames::new(NameLists {
            domains: vec!["nordkap-shipping.no".into()],
            ..NameLists::default()
        })
        .unwrap();
        assert_eq!(
            found(
                &k,
                "https://mail.nordkap-shipping.no/owa nordkap-shipping[.]no \
                 evil-nordkap-shipping.no nordkap-shipping.no.evil.net."
            ),
            vec![
                (Kind::Domain, "mail.nordkap-shipping.no".into()),
                (Kind::Domain, "nordkap-shipping[.]no".into()),
            ]
        );
    }

    #[test]
    fn bad_lists_are_refused() {
        let short = NameLists {
            vessels: vec!["X".into()],
            ..NameLists::default()
        };
        assert!(matches!(
            KnownNames::new(short),
            Err(Error::NameTooShort {
                kind: Kind::Vessel,
                ..
            })
        ));
        let bad = NameLists {
            domains: vec!["not a domain".into()],
            ..NameLists::default()
        };
        assert_eq!(
            KnownNames::new(bad).unwrap_err(),
            Error::InvalidDomain("not a domain".into())
        );
        let ok = NameLists {
            domains: vec!["@Example.COM".into(), "*.corp.example".into()],
            ..NameLists::default()
        };
        assert!(KnownNames::new(ok).is_ok());
    }
}
