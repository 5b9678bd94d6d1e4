//! STIX 2.1 objects and bundles.
//!
//! No mature STIX crate exists for Rust, so these are our own serde types,
//! covering exactly the objects the portal publishes. Each builder
//! ([`incident_objects`], [`advisory_objects`], [`analysis_objects`])
//! returns every object its document needs *including* the portal's
//! identity and the TLP marking definitions it refers to, so any selection
//! of their outputs passed through [`bundle`] is self-contained.
//!
//! Choices that keep `stix2-validator --strict` quiet (see
//! `tests/external/check_stix.sh`):
//!
//! - The incident SDO carries the OASIS *Incident Core* extension
//!   (`determination`, `investigation_status`). STIX 2.1 suggests no
//!   relationship type from an incident other than the common ones, so
//!   the incident is `related-to` its location, indicators, observed data,
//!   vulnerabilities, malware and sector identity.
//! - Sectors go on an identity named "Affected party (not named)": an
//!   identity must have a name, and a custom property would need an
//!   extension of its own.
//! - Wallet addresses have no STIX SCO, so they are an
//!   `x-lookout-cryptocurrency-wallet` SCO declared by the portal's own
//!   `extension-definition` (a `new-sco`), which the bundle carries.
//! - Nothing else is custom: Lookout-specific details (vessel type,
//!   systems, impacts, severity) are written into descriptions and labels.

mod build;
mod ids;
mod objects;
mod pattern;

pub use build::{
    WALLET_EXTENSION_KEY, WALLET_SCO_TYPE, advisory_objects, analysis_objects, bundle, incident_id,
    incident_objects, portal_identity, portal_identity_id, tlp_marking,
    wallet_extension_definition,
};
pub use ids::{SCO_NAMESPACE, canonical_json, sco_id, sdo_id};
pub use objects::{
    Bundle, Common, ExtensionDefinition, ExternalReference, File, Identity, Incident, Indicator,
    Location, Malware, MalwareAnalysis, MarkingDefinition, ObservedData, Relationship, Report,
    StixObject, ValueSco, Vulnerability, WalletSco,
};
pub use pattern::{escape_pattern_string, pattern_for};

use crate::Tlp;

/// The STIX specification version every object here claims.
pub const SPEC_VERSION: &str = "2.1";

/// The OASIS TLP 2.0 extension-definition (cti-stix-common-objects,
/// `extension-definition-specifications/tlp-2.0`), under which the five
/// TLP 2.0 marking definitions are published.
pub const TLP2_EXTENSION_ID: &str = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

/// `created` of every OASIS TLP 2.0 marking definition.
pub const TLP2_CREATED: &str = "2022-10-01T00:00:00.000Z";

/// The OASIS Incident Core extension (version 2.0), from
/// cti-stix-common-objects `extension-definition-specifications/incident-core`.
pub const INCIDENT_CORE_EXTENSION_ID: &str =
    "extension-definition--ef765651-680c-498d-9894-99799f2fa126";

/// The id of the OASIS TLP 2.0 marking definition of a level. These are
/// fixed by OASIS (not the TLP 1.0 ids: TLP:WHITE's `613f2e26…` is not
/// TLP:CLEAR).
pub fn tlp_marking_id(tlp: Tlp) -> &'static str {
    match tlp {
        Tlp::Clear => "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
        Tlp::Green => "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
        Tlp::Amber => "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
        Tlp::AmberStrict => "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
        Tlp::Red => "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
    }
}

/// The level a TLP 2.0 marking-definition id stands for.
pub fn tlp_of_marking(id: &str) -> Option<Tlp> {
    Tlp::ALL.into_iter().find(|t| tlp_marking_id(*t) == id)
}

/// STIX 2.1 `industry-sector-ov`: the only sector values accepted, so a
/// typo is an error here rather than a validator warning downstream.
pub const INDUSTRY_SECTORS: [&str; 34] = [
    "agriculture",
    "aerospace",
    "automotive",
    "chemical",
    "commercial",
    "communications",
    "construction",
    "defense",
    "education",
    "energy",
    "entertainment",
    "financial-services",
    "government",
    "emergency-services",
    "government-local",
    "government-national",
    "government-public-services",
    "government-regional",
    "healthcare",
    "hospitality-leisure",
    "infrastructure",
    "dams",
    "nuclear",
    "water",
    "insurance",
    "manufacturing",
    "mining",
    "non-profit",
    "pharmaceuticals",
    "retail",
    "technology",
    "telecommunications",
    "transportation",
    "utilities",
];
