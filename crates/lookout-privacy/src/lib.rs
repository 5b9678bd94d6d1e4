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
//!     "Chief Officer Ivan Petrov on the Nordic Star (IMO 9321483) opened a fake invoice \
//!      from billing@bunker-pay.example; the macro beaconed to 185.220.101.4 from \
//!      10.10.4.23 (host BRIDGE-PC01). SHA-256 of the dropper: \
//!      9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08.",
//!     &known,
//! );
//! assert_eq!(
//!     out.text,
//!     "Chief Officer [PERSON] on the [VESSEL] (IMO [IMO]) opened a fake invoice \
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
//! | `[EMAIL]` | e-mail addresses, also defanged (`x[at]y[.]com`) and spelled out (`j.smith at company dot com`), **except the attacker's** (below) | pattern |
//! | `[PHONE]` | telephone numbers, also satellite (`+870`, `+881x`) | `+`/`00` international, a cue word in many languages (`Tel`, `mobile`, `WhatsApp`, `Τηλ.`, `Тел.`, `电话`, ...), a national trunk `0`, the 3-3-4, Chinese 3-4-4 and "(area) local-local" layouts; extensions go with the number; a number's national part is removed where it is repeated alone |
//! | `[IMO]` | IMO numbers | after `IMO` in any form (`IMO no.`, `IMO:`, `IMO#`, `IMO-`, `IMO №`, `IMO编号`, `IMO番号`, plain words between), a valid number in parentheses right after a name; only with a valid check digit |
//! | `[MMSI]` | MMSIs | after `MMSI`, in identity lines next to an IMO number or call sign, after `AIS target` and the like; not beacon, aid-to-navigation or SAR-aircraft numbers (97x, 98x, 99x, 111), which are kept as possible indicators |
//! | `[CALLSIGN]` | radio call signs | after `call sign`, `C/S` and cue words in about fifteen languages (`позывной`, `kallesignal`, `呼号`, ...); by shape next to an IMO number or MMSI |
//! | `[PRIVATE_IP]` | RFC 1918, loopback, link-local, CGNAT, IPv6 ULA and link-local, IPv4-mapped private; a subnet with its prefix | parsed and classified, not pattern-guessed |
//! | `[HOST]` | internal host names | private suffixes (`.local`, `.lan`, `.corp`, ...); cue words and log fields (`host`, `server`, `ComputerName=`, `Workstation Name:`); naming conventions built from role parts (`ECR-PC`, `RTM-APP02`, `gate-ocr-03`, `fs01`, `PIR-ACC-07`); a name next to a private address; `our portal <fqdn>`; not `WIN-XXXXXXXXXXX` default names or a machine the text calls the attacker's |
//! | `[USER_PATH]` | the user name in `C:\Users\name\...`, `/home/name/...`, `/Users/name/...` | only the user segment goes |
//! | `[ACCOUNT]` | `DOMAIN\user`, bare logins | after cue words and log fields, in lists, by shape (`svc_x`, `x_adm`, `j.smith`), "Name (login)"; made of a named person's name (`jdekker`, `BANERJEES`, `lim.jh`), in capitals from a listed surname and an initial (`JANSSENF`), a listed name, a dot and one to three letters (`vasiliki.t`); accounts the text says the attacker created stay |
//! | `[PERSON]` | people | after a rank, role or title (also `driver`, `clerk`, `broker`, `Pak`, `Pani`, `κ.`, `капитан`); after a form's label (`Prepared by:`, `Analyst:`, `Contact:`, `Hazırlayan:`); **by name** from given-name and surname lists (Latin, Greek, Cyrillic, Han, kana, hangul, with transliterations; `data/names/SOURCES.md`): a run of capitalised words holding a listed name ("Eleni Markou", "ZAITSEV Ivan", "Кравченко Е.В."), a lone listed name that is no ordinary word or place, surname-first lists ("Hartmann, Jens"), lower-case names ("ramesh"), inflected Greek and Cyrillic forms, Turkish suffixes ("Tekin'in"), a Han or hangul surname with a listed given name or a form of address (`周伟船长`); the name under a letter's closing ("Best regards,"); known people |
//! | `[VESSEL]` | ships | after a prefix (`MV`, `M/V`, `mv`, `MT`, `m/b`, `т/х`, ...; not `480 MT VLSFO` or `MS Word`); after a cue (`Vessel:`, `on board`, `master of`, `sister ship`, `our vessels (A, B and C)`, `barge`, and in Norwegian, Danish, Dutch, German, Greek, Turkish, Russian, Spanish, Polish); a quoted Chinese name before `轮`/`号`; **by the words ships are named with** (`Limassol Pride`, `Sea Falcon`, `Good Fortune`, `Costas M`); a ship type or yacht maker in brackets after the name (`Pacific Dawn (product tanker)`), a word for a ship before it in several languages (`lancha`, `promy`, `catamarán`, `calling itself`); the name in the other script beside a found one (`春日丸 (Kasuga Maru)`); a found ship's list-mates (`Syros Wind, Vari Bay, Kini`); `the Falcon` after `Nordic Falcon`; names ending in `丸`, `호` or a Chinese name and number (`海晟608`); known vessels |
//! | `[ORG]` | companies | a name before a legal form (`Ltd`, `GmbH`, `AS`, `A/S`, `S.A. de C.V.`, `Pte Ltd`, `Sp. z o.o.`, `A.Ş.`, `FZE`, `(Pty) Ltd`, ...), before a trade word (`Shipping`, `Maritime`, `Crewing`, `Logistics`, `Denizcilik`, `Rederi`, ...; a name made only of trade words is not one), after a cue (`our agent`, `charterers`, `M/s`), with a form in front (`PT`, `ООО «...»`), Chinese and Japanese company suffixes (`有限公司`, `株式会社`, `有限会社`, `海運`, `水産`), Korean trade suffixes (`해운`, `수산`), Vietnamese forms in front (`Công ty TNHH ...`, `Hợp tác xã ...`); a ship's words before a trade word (`Sea Star Ship Suppliers`); known organisations |
//! | `[ADDRESS]` | postal addresses | street words with a number in many languages (Road, Calle, Rua, ul., Akti, Cad., -straße, -veien, -vej, ...), postcodes next to a town in local shapes, P.O. boxes, floors and suites, Han/kana/hangul addresses; parts of one line are joined, and a short line after an address line goes too |
//! | `[BANK_ACCOUNT]` | IBANs in any grouping (valid ISO 13616 check digits only); national account numbers after a cue (`A/C`, `Konto`, `cuenta`, `счёт`, `λογαριασμός`, `账号`, ...) | |
//! | `[ID_NUMBER]` | passport, seaman's book, SIRB, CDC, seafarer's ID, employee, staff, badge, case, ticket, invoice and reference numbers, licence plates | after their cue word in many languages (also with a country prefix: "RUS 0412877"); tool ids (`INC0012345`) and dashed references without a cue; Chinese plates |
//! | `[DOMAIN]` | a member's own domains and their subdomains; the domain of a genuine address removed elsewhere in the text (`www.acme-ship.gr`); a domain the words call ours or real; **any bare domain nothing explains** (below) | known names; the addresses found; the words around it |
//! | `[REDACTED]` | what the reporter marked | [`scrub_with_extra`] |
//!
//! A host, login, call sign, IMO number, MMSI, ID number, person, ship or
//! company found once is removed wherever else it stands (each part of a
//! person's name too): a name written with its cue once is often written
//! bare afterwards. An ID number found once takes every other code of
//! exactly its shape with it (`33 ADR 417`, then `33 ADR 471`): documents
//! and plates come in lists of one format.
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
//! block them. These are never touched by the shape-based and word-based
//! detectors: public IPv4 and IPv6 addresses, external domains and URLs,
//! MD5/SHA-1/SHA-256/SHA-512 and other long hex strings, CVE/GHSA/MS
//! bulletin ids, Bitcoin (base58 and bech32), Ethereum, Monero and Tron
//! wallet addresses, malware names ("LockBit 3.0"), file names, port
//! numbers. Nor are the numbers that identify no one: dates, times
//! (`14:32`, `1432 UTC`), coordinates (`12°34.5'N`, `43.2965, 28.0124`) and
//! version numbers.
//!
//! **The attacker's e-mail address stays** (and a phone number the words
//! before it name as the attacker's): an address the reporter listed as
//! an indicator ([`Extra::indicators`], [`scrub_keeping`]); one in a list
//! under an "IOCs:" / "Indicators:" header; one the clause before calls
//! the attacker's (`reply-to`, `spoofed`, `fake`, `phishing`, a ransom
//! note's contact, a forwarding rule's target; `sender` or `came from`
//! only with such a word near and nothing calling it genuine; and
//! the same words in Greek, Russian, Ukrainian, Polish, Norwegian, Danish,
//! German, Turkish, Dutch, Spanish, Portuguese, Croatian, Tagalog,
//! Vietnamese, Chinese, Japanese, Korean), unless a later word calls it
//! genuine (`our`, `real`, `compromised`, `hacked`, ...); the sender of a
//! quoted message the paragraph above calls fake; a look-alike of a
//! genuine domain in the same text (`nordhafen-shlpping.de`); a free-mail
//! address in a text about fraud; an address whose domain the text
//! writes defanged elsewhere (`hxxps://wps-salaryportal[.]com`). Anything
//! else is removed: when the scrubber cannot tell, it removes, and the
//! reporter's preview shows it.
//!
//! **A bare domain** (not in an address or a link) stays only when
//! something explains it as infrastructure: a word before it (C2, beacon,
//! tried to reach, download, look-alike, fake, phishing, ...), an IoC
//! list, a public address or digest on its line or the next, a kind of
//! top-level domain companies rarely use (`.online`, `.site`, `.xyz`,
//! ...), a public service (`microsoft.com`, `mega.nz`, ...), a look-alike
//! of another domain in the text, or a list with one of those. Any other
//! bare domain is removed: a reporter's own domain named once ("we
//! checked our x tenant") identifies them.
//! A member's known domain is removed even in an attacker's address.
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
//! Measured on an independent corpus (`tests/eval/`, 792 narratives by
//! sixteen writers who never saw this code, in many voices and
//! languages; a third of it blind), with `cargo run --release -p
//! lookout-bench -- scrub`: 96.9 % of the identifiers removed in the
//! development part and 94.6 % in the blind part, indicators kept 98.4 %
//! and 96.3 %; Presidio with spaCy's small English model removes about
//! 50 % and keeps about 40 % of the indicators, scrubadub about 14 % and
//! 80 %. Weakest on the blind part: ID numbers (88 %), ships (89 %), the
//! victim's bare domains (92 %), people (93 %). The per-kind table is in
//! the bench's output and the notes of issue 19.
//! Treat the scrubbed text as a draft the reporter checks, which is what
//! the preview is for.
//!
//! Besides the cues and lists, some identifiers are recognised by shape
//! alone, where nothing introduced them: a token of letters and digits
//! (`P3310472C`, `HBG-SEC-3310`) is an ID number, a lower-case token
//! joined by dots or underscores (`f.alhashimi`, `dirk_h`) a login, a
//! short line with a number in a signature block an address line; and by
//! structure: a table's header names its column, a list whose item heads
//! hold one person holds people, a fleet shares its first word.
//!
//! ## Known limits
//!
//! - Names are found by their context, by the lists or because the caller
//!   knows them. A name in no list and with no cue stays ("Boyet", most
//!   nicknames), as does a listed name that is also an ordinary word or a
//!   place when it stands alone ("Grace", "Santos", "Sunday"). Ships with
//!   no prefix, no cue, no table, no ship-name word and no repetition of a
//!   found name stay ("the DPAs of Tiberius and Saint Nicholas", "stem for
//!   Yusra"), as do romanised Chinese and Vietnamese names in capitals
//!   with no prefix ("DONGFANG RUIHAI", "PHUOC TINH 27") and lower-case
//!   ships ("harmony crest"); so do companies with no legal form, no trade
//!   word and no cue ("Scandia").
//! - A bare domain with nothing around it that makes it infrastructure is
//!   removed, so an attacker's domain named with no sign at all ("we
//!   blocked x" is a sign; "x, y" in prose is not) is removed too; the
//!   reporter keeps it by listing it in the indicators field.
//! - Which address is the attacker's is read from the words around it, a
//!   remark after it, a table's header, an IoC list, look-alike domains
//!   and defanged links nearby; an attacker's address with no such sign
//!   is removed, and a compromised genuine mailbox the text does not call
//!   so may be kept when it is pasted as the sender of a phishing mail.
//!   Fraudsters' phone numbers and mule accounts are removed unless named
//!   as such.
//! - Account numbers and references inside file names or only under a
//!   heading one line up; sort codes and SWIFT/BIC codes (by choice);
//!   invoice and order numbers (they name a transaction); numbers of
//!   digits alone with no cue. A code-shaped product or part number with
//!   no maker or kind before it is removed as an ID number.
//! - Names inflected in Latin-script languages ("Krzysztofem Nowakiem",
//!   "Elżbiety"): Greek and Cyrillic endings are handled, Polish, Czech
//!   or Finnish ones are not. Nicknames and names in no list ("Boyet",
//!   many West African names) need a title, a cue or a list of people.
//! - Addresses written in a sentence without commas, or a street with no
//!   number, postcode or neighbouring address line.
//! - A host name with no cue, no role part and no internal suffix (`beacon
//!   from nsk-ecdis-02` is found by its role part; `FS-SHIP` is not);
//!   logins with no cue, no login shape and no name in them (`crewuser3`
//!   is found by its shape, `KOCC` only when "Can Koç" is named), and
//!   dotted logins of an unlisted name that end like a country's domain.
//! - An `IMO` number with a wrong check digit is left alone (it is not an
//!   IMO number, but it may be a typo of one); bare seven-digit numbers are
//!   read as IMO numbers only in a table's IMO column.
//! - Identifiers inside encoded data stay: an AIS `!AIVDM` payload carries
//!   the MMSI in six-bit armour; base64 blobs, QR codes and the like are
//!   not decoded.
//! - Lookalike domains that embed a member's name (`nordkap-payments.com`)
//!   lose that name if the organisation is known (`[ORG]-payments.com`).
//! - A four-part version number in a private range (`10.2.4.1`) is removed
//!   as `[PRIVATE_IP]` (written `v10.2.4.1` it stays).
//! - MAC addresses and remote-support ids (TeamViewer, AnyDesk) are not in
//!   the list of kinds; device serial numbers go only when they have a
//!   code's shape.
//! - Quasi-identifiers (a rare vessel type in a small port on a given day)
//!   are out of scope here: generalisation is a separate step.
//! - No statistical model: a small named-entity model was considered; the
//!   lists, cues, shapes and structure reached the figures above, and
//!   Presidio's spaCy model found fewer people (57 %) than they do (92 %)
//!   on this corpus.
//!
//! Cost: every detector is a single pass over the text (the `regex` crate
//! guarantees linear time). In a release build (`lookout-bench scrub`) a
//! 4,000-character narrative takes about 3.3 ms (p50; p95 3.8 ms) with
//! no known names and 4.2 ms (p95 4.5 ms) with a 10,000-name directory;
//! compiling that directory into [`KnownNames`] takes about 0.5 s, so
//! build it once and keep it. The name lists are built on the first scrub
//! (about 4 ms). Domain labels are matched without a length bound
//! (`[\p{L}\p{N}-]*`, not `{0,61}`): a counted repetition of a Unicode
//! class blows up the regex engine's lazy DFA, and cost twice the time.
//! For the same reason no pattern uses a Unicode word boundary (`\b`
//! without `(?-u:)`): over non-ASCII text the fast engine gives up on it;
//! words in other scripts are bounded by a check of the characters
//! around the match instead. Rules that look at every word use plain
//! loops, not a regex per word.
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
mod codes;
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
mod ships;
mod signatures;
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

/// Like [`scrub`], keeping the attacker's e-mail addresses and numbers
/// that `indicators` (a report's indicators field) lists, wherever they
/// stand: the preview, the stored report, follow-up answers and the
/// analyst's sanitised incident all scrub this way.
#[must_use]
pub fn scrub_keeping(text: &str, known: &KnownNames, indicators: &str) -> Scrubbed {
    let keep = [indicators.to_string()];
    assemble(text, candidates(text, known, &keep))
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
    ships::detect(text, &guard, &mut out);
    documents::shaped(text, &guard, &taken, &mut out);
    let taken = Intervals::from_unsorted(out.iter().map(|c| (c.start, c.end)).collect());
    codes::detect(text, &guard, &taken, &mut out);
    codes::logins(text, &guard, &taken, &mut out);
    codes::prefixed(text, &guard, &taken, &mut out);
    spread::repeat(text, &protected, &mut out);
    spread::names(text, &guard, &mut out);
    spread::shapes(text, &guard, &mut out);
    spread::logins_from_names(text, &guard, &mut out);
    signatures::detect(text, &guard, &mut out);
    orgs::with_forms(text, &mut out);
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
