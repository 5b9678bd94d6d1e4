//! Watchlist entries and the identifiers mentioned in incident text.
//!
//! Members of the portal register *watchlists* of their own assets (ships,
//! address ranges, domains, mail domains). When a published incident or
//! advisory mentions one of them, their organisation gets a private alert.
//! Both halves of that comparison live here, in one place, so that what a
//! member types and what an analyst writes end up in the *same* normal form:
//! a watchlist that silently never matches is worse than none, because the
//! member believes they are covered.
//!
//! # Why entries are parsed strictly, with long messages
//!
//! Entries are typed or pasted by security officers on board or ashore,
//! often from a certificate or a spreadsheet. A typo in an IMO number would
//! otherwise sit in the watchlist for years matching nothing, so the IMO
//! check digit is verified and every refusal ([`EntryError`]) says what is
//! wrong and what to type instead. Harmless variations (an `IMO` prefix, a
//! URL pasted instead of a domain, `someone@example.com` instead of the mail
//! domain, host bits in a CIDR range, Unicode domain names) are accepted and
//! normalised rather than refused, because refusing them teaches nothing.
//!
//! Ranges wider than an IPv4 /8 or an IPv6 /16 are refused: they cannot be
//! one member's own assets, and they would turn the private alerts into a
//! feed of other people's incidents.
//!
//! Every [`Entry`] has a stable [`Entry::canonical`] text. The portal stores
//! entries sealed, with a keyed hash of `(kind, canonical)` as a lookup
//! column, so equality of canonical text *is* the matching rule for the
//! exact-match kinds.
//!
//! # Why extraction is heuristic, and which way it errs
//!
//! Incident indicators and advisory bodies are free text written by
//! analysts, who *defang* indicators (`hxxps://evil[.]example`,
//! `user[@]example[.]com`) so nobody clicks them. [`extract`] refangs first
//! and then looks for IMO and MMSI numbers (only when labelled as such: a
//! bare 7- or 9-digit number is far more often something else), IP
//! addresses, host names, and email addresses.
//!
//! Host names in prose are ambiguous (`invoice.pdf`, `node.js`, `v1.2.3`).
//! A false mention costs one hash look-up that finds nothing; a missed one
//! costs an alert. So the rules lean towards reporting, and only skip what
//! is almost never a host: names ending in a common file extension (unless
//! written as a URL or email address, where `.zip` is then a real top-level
//! domain) and dotted numbers that are not IPv4 addresses.
//!
//! [`Mentions::lookup_keys`] turns the mentions into the canonical values of
//! every exact-match entry that would match, so the portal can find affected
//! watchlists with indexed look-ups instead of decrypting every entry. CIDR
//! entries cannot be found that way; the portal checks them with
//! [`Mentions::matches`].
//!
//! # Bounds
//!
//! Text can be up to a megabyte (a long advisory). All pattern matching uses
//! the `regex` crate, which runs in time linear in the input, and each kind
//! of mention is capped at [`MAX_MENTIONS_PER_KIND`], the look-up keys at
//! [`MAX_LOOKUP_KEYS`], so no text can make extraction slow or its result
//! large. Bulk entry is capped at [`MAX_ENTRIES`] entries of at most
//! [`MAX_ENTRY_CHARS`] characters.
//!
//! # Example
//!
//! ```
//! use lookout_indicators::{EntryKind, extract, parse_entry};
//!
//! let ship = parse_entry(EntryKind::Imo, "imo 9074729")?;
//! assert_eq!(ship.canonical(), "IMO9074729");
//! let office = parse_entry(EntryKind::Domain, "https://Shipco.example/login")?;
//! assert_eq!(office.canonical(), "shipco.example");
//!
//! let typo = parse_entry(EntryKind::Imo, "IMO 9074728").unwrap_err();
//! assert_eq!(
//!     typo.to_string(),
//!     "IMO 9074728: the check digit should be 9; check the number on the ship's certificate."
//! );
//!
//! let mentions = extract("Phish from hxxps://login[.]shipco[.]example to the master of IMO 9074729");
//! assert!(mentions.matches(&ship));
//! assert!(mentions.matches(&office));
//! let keys = mentions.lookup_keys();
//! assert!(keys.contains(&(EntryKind::Domain, "shipco.example".to_owned())));
//! # Ok::<(), lookout_indicators::EntryError>(())
//! ```
#![forbid(unsafe_code)]

mod entry;
mod error;
mod extract;
mod host;
mod observable;
mod refang;

pub use entry::{Entry, EntryKind, MAX_ENTRIES, MAX_ENTRY_CHARS, parse_entries, parse_entry};
pub use error::{EntryError, LineError, ObservableError};
pub use extract::{MAX_LOOKUP_KEYS, MAX_MENTIONS_PER_KIND, Mentions, extract};
pub use observable::{Observable, ObservableKind, parse_observable};
pub use refang::refang;
