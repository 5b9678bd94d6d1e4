//! # lookout-privacy: scrubbing incident narratives
//!
//! What members and statistics see of a report is the *sanitised incident*,
//! never the raw text. This crate does the first part of that: it finds
//! personal and company identifiers in free text and replaces each with a
//! typed placeholder, while keeping the indicators of compromise that make a
//! report useful to everyone else. The reporter sees the result as a preview
//! before sending and can mark more text to remove, never less.
//!
//! ```
//! use lookout_privacy::{KnownNames, NameLists, scrub};
//!
//! let known = KnownNames::new(NameLists {
//!     organisations: vec!["Nordkap Shipping".into()],
//!     vessels: vec!["Nordic Star".into()],
//!     domains: vec!["nordkap-shipping.no".into()],
//!     people: vec![],
//! })?;
//! let out = scrub(
//!     "Chief Officer Ivan Petrov on the Nordic Star (IMO 9321483) opened an invoice \
//!      from billing@bunker-pay.example; the macro beaconed to 185.220.101.4 from \
//!      10.10.4.23 (host BRIDGE-PC01). SHA-256 of the dropper: \
//!      9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08.",
//!     &known,
//! );
//! assert_eq!(
//!     out.text,
//!     "Chief Officer [PERSON] on the [VESSEL] (IMO [IMO]) opened an invoice \
//!      from billing@bunker-pay.example; the macro beaconed to 185.220.101.4 from \
//!      [PRIVATE_IP] (host [HOST]). SHA-256 of the dropper: \
//!      9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08."
//! );
//! # Ok::<(), lookout_privacy::Error>(())
//! ```
//!
//! ## What is removed
//!
//! | placeholder | what | how it is found |
//! |---|---|---|
//! | `[EMAIL]` | e-mail addresses, also defanged (`x[at]y[.]com`) and spelled out (`j.smith at company dot com`, `ops (at) acme (dot) gr`, ending in a common top-level domain) | pattern |
//! | `[PHONE]` | telephone numbers | `+`/`00` international, a cue word (`Tel`, `mobile`, `WhatsApp`, ...), a national trunk `0`, or the 3-3-4 layout; never inside a protected span (below) |
//! | `[IMO]` | IMO numbers | after `IMO` (a few plain words may stand between: "IMO number of the ship is ..."), and only with a valid check digit |
//! | `[MMSI]` | MMSIs | after `MMSI` (plain words may stand between), also `235 012 345`, and lists ("MMSI 1 and 2"); a nine-digit number with a ship's MID (2xx–7xx) also right after `AIS target`, `targets`, `transponder`, ...; not all-zero placeholders |
//! | `[CALLSIGN]` | radio call signs | after `call sign`, `callsign`, `C/S` |
//! | `[PRIVATE_IP]` | RFC 1918, loopback, link-local, CGNAT 100.64/10, IPv6 ULA fc00::/7, link-local fe80::/10, IPv4-mapped private | parsed and classified, not pattern-guessed |
//! | `[HOST]` | internal host names | names under `.local`, `.lan`, `.internal`, `.corp`, `.intranet`, `.home.arpa`, ...; single labels after `host`, `hostname`, `server`, `workstation`, `PC`, ... (and lists after `hosts:`), when they look like names (a digit, or upper case); UNC servers (`\\NAVPC3\share`); naming conventions (`BRIDGE-PC01`, `DESKTOP-7H3K2LQ`) |
//! | `[USER_PATH]` | the user name in `C:\Users\name\...`, `/home/name/...`, `/Users/name/...` | only the user segment goes; the rest of the path (often an IoC) stays |
//! | `[ACCOUNT]` | `DOMAIN\user` | not inside a path, not built-ins (`NT AUTHORITY\SYSTEM`, registry hives) |
//! | `[PERSON]` | people | after a rank, role or title (`Capt.`, `Master`, `Chief Officer`, `2nd Engineer`, `Chief Eng.`, `C/E`, `ETO`, `Bosun`, `AB`, `Cadet`, `Pilot`, `Superintendent`, `Mr`, `Dr`, ...) followed by one to three capitalised words (initials and particles allowed: "J. Smith", "Juan dela Cruz"); words that are ranks, acronyms, months before a date, malware or product names end the name ("the Master Boot Record", "Agent Tesla"); and known people |
//! | `[VESSEL]` | ships | after a prefix (`MV`, `M/V`, `MT`, `M/T`, `MY`, `MS`, `LNG/C`, ...; not `480 MT VLSFO` or `MS Word`); and known vessels |
//! | `[BANK_ACCOUNT]` | IBANs | shape (country, check digits, up to 30 letters and digits, grouped by four or not), and only with valid ISO 13616 check digits (mod 97) |
//! | `[ID_NUMBER]` | passport, seaman's book and seafarer's ID numbers; employee, staff, badge, case and ticket numbers | after their cue word (`passport no.`, `seaman's book`, `badge ID`, `case #`), only a value with a digit |
//! | `[ORG]` | member organisations | known names |
//! | `[DOMAIN]` | a member's own domains and their subdomains | known names (e-mail addresses at them are `[EMAIL]`) |
//! | `[REDACTED]` | what the reporter marked | [`scrub_with_extra`] |
//!
//! A rank or prefix stays in the text (`Capt. [PERSON]`, `MV [VESSEL]`): it
//! tells the reader a role, not an identity.
//!
//! Known names ([`KnownNames`]) match case-insensitively on word
//! boundaries, with spaces, hyphens and underscores interchangeable; a known
//! domain also matches its subdomains and defanged forms (`acme[.]com`).
//!
//! ## What is kept, and why
//!
//! Indicators of compromise are the useful part of a report: other members
//! block them. These are never touched by the shape-based detectors (phone
//! numbers, host and call-sign cues): public IPv4 and IPv6 addresses,
//! external domains and URLs, MD5/SHA-1/SHA-256/SHA-512 and other long hex
//! strings, CVE/GHSA/MS bulletin ids, Bitcoin (base58 and bech32),
//! Ethereum, Monero and Tron wallet addresses, malware names ("LockBit 3.0"),
//! port numbers. Nor are the numbers that identify no one: dates, times
//! (`14:32`, `1432 UTC`), coordinates (`12°34.5'N`, `43.2965, 28.0124`) and
//! version numbers.
//!
//! The strong detectors (known names, private addresses, e-mail) do reach
//! inside IoCs: a member's domain in a URL, or a private address in one, is
//! still removed.
//!
//! ## The result
//!
//! [`scrub`] returns a [`Scrubbed`]: the text, and [`Finding`]s with their
//! [`Kind`] and **character** offsets into the input, sorted and
//! non-overlapping (overlapping detections merge into one finding named
//! after the longest). Scrubbing the output again finds nothing new: the
//! property tests and the fuzz target check this, and detectors that look
//! at their surroundings treat a placeholder's brackets like the word they
//! replaced so that a replacement cannot create a new match.
//!
//! ## How well it works
//!
//! On the labelled corpus in `tests/corpus/` (137 invented narratives, 404
//! identifiers, 177 indicators) it removes 98 % of the identifiers with no
//! false positive and keeps every indicator. Those narratives were written
//! by the author of the patterns; on 20 written afterwards, before any
//! change, it found 82 % (precision 95 %). Treat the scrubbed text as a
//! draft the reporter checks, which is what the preview is for.
//!
//! ## Known limits
//!
//! - Names are found by their context or because the caller knows them. A
//!   person mentioned without a title ("Ivan said...", a signature line), a
//!   company or a ship the caller did not list and that has no prefix,
//!   stays. So do bare user names (`cap.holm` in a log line).
//! - E-mail addresses are removed whole, also an attacker's sender address;
//!   the domain part is not kept as an IoC, because a business e-mail
//!   compromise usually comes from a real, compromised third party.
//! - Phone numbers without `+`, `00`, a cue word or a trunk `0` (e.g.
//!   `44 20 7946 0958`) are not recognised; a number followed by a bare
//!   count ("... 0958 3 ships") may take the count with it (dates, units
//!   and "times" are recognised and left).
//! - An `IMO` number with a wrong check digit is left alone (it is not an
//!   IMO number, but it may be a typo of one); bare seven-digit numbers are
//!   never read as IMO numbers.
//! - Identifiers inside encoded data stay: an AIS `!AIVDM` payload carries
//!   the MMSI in six-bit armour; base64 blobs, QR codes and the like are
//!   not decoded.
//! - Lookalike domains that embed a member's name (`nordkap-payments.com`)
//!   lose that name if the organisation is known (`[ORG]-payments.com`).
//! - A host name with no cue, no internal suffix and no known naming
//!   convention (`beacon from nsk-ecdis-02`) cannot be told from a word.
//! - A four-part version number in a private range (`10.2.4.1`) is removed
//!   as `[PRIVATE_IP]` (written `v10.2.4.1` it stays): losing a version
//!   number was judged better than letting an address through.
//! - MAC addresses, device serial numbers and remote-support ids
//!   (TeamViewer, AnyDesk) are not in the list of kinds and stay.
//! - Bank details other than IBANs stay: national account numbers, sort
//!   codes, SWIFT/BIC codes. So do postal addresses, licence plates, and
//!   document or staff numbers written without their cue word.
//! - Detection is tuned for English narratives; titles and cue words in
//!   other languages are mostly not recognised.
//! - Quasi-identifiers (a rare vessel type in a small port on a given day)
//!   are out of scope here: generalisation is a separate step.
//!
//! Cost: every detector is a single pass over the text (the `regex` crate
//! guarantees linear time); in a release build a 350 kB text takes about
//! 70 ms with no known names and 200 ms with 9,000 of them, and compiling
//! those 9,000 names into [`KnownNames`] about 0.8 s, so build it once and
//! keep it.
//!
//! Errors ([`Error`]) only come from the caller's input: known-name lists
//! that cannot be compiled safely, extra spans outside the text, or
//! statistics tables that do not fit together.
//!
//! ## Statistics
//!
//! Counts published over sanitised incidents go through [`suppress`]:
//! small-cell suppression, so that no published figure singles out a
//! reporter.

mod addresses;
mod contacts;
mod documents;
mod error;
mod finance;
mod kind;
mod known;
mod maritime;
mod names;
mod network;
mod orgs;
mod people;
mod phone;
mod protect;
mod spread;
mod text;
mod words;

pub mod evaluation;
pub mod suppress;

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

pub use error::Error;
pub use finance::iban_ok;
pub use kind::{Finding, Kind, Scrubbed};
pub use known::{KnownNames, NameLists};
pub use maritime::imo_checksum_ok;

use known::Terms;
use text::{Candidate, Intervals};

/// Placeholders already in a text are not identifiers: this keeps
/// scrubbing idempotent even with odd known names ("Host", "Person").
static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\[(?:EMAIL|PHONE|IMO|MMSI|CALLSIGN|PRIVATE_IP|HOST|USER_PATH|ACCOUNT|ORG|VESSEL|BANK_ACCOUNT|ID_NUMBER|ADDRESS|DOMAIN|PERSON|REDACTED)\]",
    )
    .expect("placeholder pattern compiles")
});

/// A span of the input, in characters, `end` exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Span {
    /// First character.
    pub start: usize,
    /// One past the last character.
    pub end: usize,
}

/// What a reporter asks to remove on top of what was found: spans of the
/// input (as the preview's selection gives them) and terms to remove
/// wherever they occur (matched like known names). Both become
/// [`Kind::Redacted`] unless a detected finding covers more.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Extra {
    /// Character spans of the input to remove. Empty spans are ignored.
    pub spans: Vec<Span>,
    /// Words or phrases to remove everywhere, case-insensitively, on word
    /// boundaries.
    pub terms: Vec<String>,
    /// What the reporter listed as indicators (one or more per entry,
    /// separated by white space, commas or semicolons): an e-mail address
    /// or phone number among them is the attacker's and stays wherever it
    /// stands. A member's known domain still goes.
    pub indicators: Vec<String>,
}

/// Scrubs `text`: every identifier found is replaced by its kind's
/// placeholder. Never fails and never panics.
#[must_use]
pub fn scrub(text: &str, known: &KnownNames) -> Scrubbed {
    assemble(text, candidates(text, known, &[]))
}

/// Like [`scrub`], and also removes what the reporter marked in `extra`.
/// The result removes everything [`scrub`] removes, and more: a marked span
/// that overlaps a finding widens it.
///
/// # Errors
///
/// [`Error::InvalidSpan`] for a span outside the text or ending before it
/// starts, [`Error::NameTooShort`] for a term under two characters.
pub fn scrub_with_extra(text: &str, known: &KnownNames, extra: &Extra) -> Result<Scrubbed, Error> {
    let mut cands = candidates(text, known, &extra.indicators);
    if !extra.spans.is_empty() {
        // Byte offset of every character, and of the end.
        let bytes: Vec<usize> = text
            .char_indices()
            .map(|(b, _)| b)
            .chain(std::iter::once(text.len()))
            .collect();
        let len = bytes.len() - 1;
        for s in &extra.spans {
            if s.start > s.end || s.end > len {
                return Err(Error::InvalidSpan {
                    start: s.start,
                    end: s.end,
                    len,
                });
            }
            if s.start < s.end {
                cands.push(Candidate {
                    start: bytes[s.start],
                    end: bytes[s.end],
                    kind: Kind::Redacted,
                    extra: true,
                });
            }
        }
    }
    if let Some(terms) = Terms::new(Kind::Redacted, &extra.terms)? {
        let from = cands.len();
        terms.detect(text, &mut cands);
        for c in &mut cands[from..] {
            c.extra = true;
        }
    }
    Ok(assemble(text, cands))
}

/// Every detector's candidates, in bytes, unsorted and overlapping.
fn candidates(text: &str, known: &KnownNames, indicators: &[String]) -> Vec<Candidate> {
    let mut out = Vec::new();
    let mut addresses = Vec::new();
    network::ips(text, &mut addresses, &mut out);
    let protected = protect::spans(text, &addresses);
    network::emails(text, &mut out);
    network::hosts(text, &protected, &mut out);
    network::accounts(text, &protected, &mut out);
    network::user_paths(text, &mut out);
    maritime::detect(text, &protected, &mut out);
    finance::detect(text, &mut out);
    finance::accounts(text, &protected, &mut out);
    let guard = protect::word_guard(text, &protected);
    documents::detect(text, &guard, &mut out);
    addresses::detect(text, &guard, &mut out);
    phone::detect(text, &protected, &mut out);
    names::people(text, &protected, &mut out);
    orgs::detect(text, &guard, &mut out);
    people::detect(text, &guard, &mut out);
    known.detect(text, &mut out);
    contacts::settle(
        text,
        &mut out,
        &contacts::Keep {
            values: indicators,
            members: &known.lists().domains,
        },
    );
    let taken = Intervals::from_unsorted(out.iter().map(|c| (c.start, c.end)).collect());
    names::vessels(text, &protected, &taken, &mut out);
    documents::shaped(text, &guard, &taken, &mut out);
    spread::repeat(text, &protected, &mut out);
    spread::names(text, &guard, &mut out);
    let placeholders = Intervals::from_unsorted(
        PLACEHOLDER
            .find_iter(text)
            .map(|m| (m.start(), m.end()))
            .collect(),
    );
    out.retain(|c| c.start < c.end && !placeholders.contains(c.start, c.end));
    out
}

/// Merges overlapping candidates (their union, named after the longest,
/// ties to the more specific kind), converts to character offsets and
/// writes the output.
fn assemble(text: &str, mut cands: Vec<Candidate>) -> Scrubbed {
    cands.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    // (start, end, kind, length of the candidate that named it)
    let mut merged: Vec<(usize, usize, Kind, usize)> = Vec::new();
    for c in cands {
        let len = c.end - c.start;
        match merged.last_mut() {
            Some(last) if c.start < last.1 => {
                last.1 = last.1.max(c.end);
                if len > last.3 || (len == last.3 && c.kind.rank() > last.2.rank()) {
                    last.2 = c.kind;
                    last.3 = len;
                }
            }
            _ => merged.push((c.start, c.end, c.kind, len)),
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut findings = Vec::with_capacity(merged.len());
    let (mut byte, mut chars) = (0, 0);
    for (s, e, kind, _) in merged {
        out.push_str(&text[byte..s]);
        out.push_str(kind.placeholder());
        let start = chars + text[byte..s].chars().count();
        let end = start + text[s..e].chars().count();
        findings.push(Finding { kind, start, end });
        byte = e;
        chars = end;
    }
    out.push_str(&text[byte..]);
    Scrubbed {
        text: out,
        findings,
    }
}

#[cfg(test)]
mod tests;
