//! The portal's published intelligence in the formats members' SOC tools
//! read: STIX 2.1 objects and bundles ([`stix`]), TAXII 2.1 resource bodies
//! ([`taxii`]) and MISP feed files ([`misp`]).
//!
//! # Why a library of pure functions
//!
//! The server owns HTTP, authentication and SQL; this crate only turns
//! plain input structs ([`IncidentDoc`], [`AdvisoryDoc`], [`AnalysisDoc`])
//! into documents. Every output is a function of its input alone: no
//! clock, no randomness, no I/O. That is what makes the exports cacheable
//! and comparable (the same incident exported twice is byte-identical),
//! and what lets the tests and the external validators pin them down.
//!
//! # Why identifiers are derived, not drawn
//!
//! A TAXII client polls the same collection for years and de-duplicates by
//! object id. Random ids would turn every re-export into new objects, so
//! every id here is a UUIDv5: cyber-observables by the STIX rule (§2.9 of
//! the specification, namespace `00abedb4-…`, over the canonical JSON of
//! their id-contributing properties, see [`stix::sco_id`]); everything else
//! from [`LOOKOUT_NAMESPACE`] over a key the caller gives (e.g.
//! `incident/INC-2026-0042`). The specification says SDOs "SHOULD" use
//! UUIDv4 and allows other versions from a producer's own namespace, which
//! is what this is; `stix2-validator`'s best-practice check 103 says so as
//! a warning, and the external check disables that one check on purpose.
//!
//! # Why the portal is the only author
//!
//! Reports reach the portal anonymously. Every object is created by the
//! portal's identity; a reporter or their organisation is named only when
//! the input says the report was attributed and the reporter agreed
//! ([`IncidentDoc::attributed_to`]).

#![forbid(unsafe_code)]

mod error;
mod model;
mod timefmt;

pub mod misp;
pub mod stix;
pub mod taxii;

pub use error::IntelError;
pub use lookout_indicators::{Observable, ObservableKind};
pub use model::{AdvisoryDoc, AnalysisDoc, Area, IncidentDoc, Portal, Tlp};
pub use timefmt::{stix_timestamp, taxii_timestamp};

/// The namespace of every Lookout-derived UUIDv5 (SDOs, relationships,
/// bundles, MISP events and attributes). Fixed forever: changing it would
/// change every id the portal ever published. It is deliberately *not* the
/// STIX cyber-observable namespace, which the specification reserves.
pub const LOOKOUT_NAMESPACE: uuid::Uuid = uuid::uuid!("09972c2b-cc0a-44b8-a583-ac253f5c9d3e");

/// A UUIDv5 in [`LOOKOUT_NAMESPACE`] over `key`.
pub fn derived_uuid(key: &str) -> uuid::Uuid {
    uuid::Uuid::new_v5(&LOOKOUT_NAMESPACE, key.as_bytes())
}
