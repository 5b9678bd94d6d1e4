//! The fixed vocabularies a report is made of: incident classes (the
//! ENISA / eCSIRT reference taxonomy plus maritime classes and other
//! maritime crime), affected systems, vessel types and sizes, impact
//! levels and TLP 2.0 sharing levels. Ids are stable: they are stored and
//! appear in the API; labels are for people.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    Cyber,
    MaritimeCyber,
    Crime,
}

impl Family {
    pub fn label(self) -> &'static str {
        match self {
            Family::Cyber => "Cyber (reference taxonomy)",
            Family::MaritimeCyber => "Maritime cyber",
            Family::Crime => "Other maritime crime",
        }
    }
}

#[derive(Clone, Copy, Debug, Serialize)]
pub struct Entry {
    pub id: &'static str,
    pub label: &'static str,
}

#[derive(Clone, Copy, Debug, Serialize)]
pub struct Class {
    pub id: &'static str,
    pub label: &'static str,
    pub family: Family,
}

const fn class(id: &'static str, label: &'static str, family: Family) -> Class {
    Class { id, label, family }
}

pub const CLASSES: &[Class] = &[
    class(
        "malicious-code",
        "Malicious code (malware, ransomware)",
        Family::Cyber,
    ),
    class(
        "intrusion",
        "Intrusion (compromised system or account)",
        Family::Cyber,
    ),
    class("intrusion-attempt", "Intrusion attempt", Family::Cyber),
    class(
        "availability",
        "Availability (DoS, outage, sabotage)",
        Family::Cyber,
    ),
    class(
        "information-content-security",
        "Information content security (data leak, unauthorised change)",
        Family::Cyber,
    ),
    class(
        "fraud",
        "Fraud (phishing, business-email compromise)",
        Family::Cyber,
    ),
    class(
        "information-gathering",
        "Information gathering (scanning, sniffing, social engineering)",
        Family::Cyber,
    ),
    class(
        "vulnerable",
        "Vulnerable system or weak configuration",
        Family::Cyber,
    ),
    class(
        "abusive-content",
        "Abusive content (spam, harmful content)",
        Family::Cyber,
    ),
    class("other-cyber", "Other cyber incident", Family::Cyber),
    class("gnss-jamming", "GNSS jamming", Family::MaritimeCyber),
    class("gnss-spoofing", "GNSS spoofing", Family::MaritimeCyber),
    class(
        "ais-manipulation",
        "AIS manipulation",
        Family::MaritimeCyber,
    ),
    class(
        "ecdis-bridge-compromise",
        "ECDIS / bridge system compromise",
        Family::MaritimeCyber,
    ),
    class(
        "ot-compromise",
        "Engine, cargo or ballast OT compromise",
        Family::MaritimeCyber,
    ),
    class(
        "vsat-communications-compromise",
        "VSAT / communications compromise",
        Family::MaritimeCyber,
    ),
    class(
        "removable-media-infection",
        "Removable-media infection on board",
        Family::MaritimeCyber,
    ),
    class(
        "bunker-payment-fraud",
        "Bunker or payment fraud",
        Family::MaritimeCyber,
    ),
    class(
        "port-community-system-compromise",
        "Port community system compromise",
        Family::MaritimeCyber,
    ),
    class(
        "piracy-armed-robbery",
        "Piracy / armed robbery",
        Family::Crime,
    ),
    class("hijack-seizure", "Hijack or seizure", Family::Crime),
    class("stowaways", "Stowaways", Family::Crime),
    class("drug-smuggling", "Drug smuggling", Family::Crime),
    class("cargo-theft", "Cargo theft", Family::Crime),
    class("crime-fraud", "Fraud (non-cyber)", Family::Crime),
];

const fn entry(id: &'static str, label: &'static str) -> Entry {
    Entry { id, label }
}

pub const SYSTEMS: &[Entry] = &[
    entry("ship-it", "Ship IT (office PCs, crew network)"),
    entry("ship-ot", "Ship OT (control systems)"),
    entry("shore-it", "Shore IT"),
    entry("shore-ot", "Shore / terminal OT"),
    entry("ecdis", "ECDIS"),
    entry("navigation", "Other navigation (radar, GNSS receiver, AIS)"),
    entry("propulsion", "Propulsion and engine control"),
    entry("cargo", "Cargo handling and monitoring"),
    entry("ballast", "Ballast water management"),
    entry("vsat", "VSAT / satellite communications"),
    entry("email", "Email"),
    entry("erp-payments", "ERP / payments"),
    entry("port-community-system", "Port community system"),
    entry("crew-devices", "Crew personal devices"),
    entry("physical", "Physical security (no IT system)"),
];

pub const VESSEL_TYPES: &[Entry] = &[
    entry("bulk-carrier", "Bulk carrier"),
    entry("container-ship", "Container ship"),
    entry("oil-tanker", "Oil tanker"),
    entry("chemical-tanker", "Chemical tanker"),
    entry("gas-carrier", "Gas carrier (LNG/LPG)"),
    entry("general-cargo", "General cargo"),
    entry("ro-ro", "Ro-ro / vehicle carrier"),
    entry("passenger", "Passenger ship / ferry"),
    entry("cruise", "Cruise ship"),
    entry("offshore", "Offshore / supply vessel"),
    entry("fishing", "Fishing vessel"),
    entry("tug", "Tug"),
    entry("yacht", "Yacht"),
    entry("other-vessel", "Other vessel"),
    entry("shore", "Not a vessel (shore, port, office)"),
];

/// Size classes generalise a vessel's exact size, which could identify it.
pub const VESSEL_SIZES: &[Entry] = &[
    entry("small", "Small (under 5,000 GT)"),
    entry("medium", "Medium (5,000–25,000 GT)"),
    entry("large", "Large (25,000–80,000 GT)"),
    entry("very-large", "Very large (over 80,000 GT)"),
    entry("not-applicable", "Not applicable"),
];

pub const IMPACT_LEVELS: &[Entry] = &[
    entry("none", "None"),
    entry("minor", "Minor"),
    entry("significant", "Significant"),
    entry("severe", "Severe"),
];

/// TLP 2.0, from most to least shareable.
pub const TLP_LEVELS: &[Entry] = &[
    entry("clear", "TLP:CLEAR — may be shared freely"),
    entry("green", "TLP:GREEN — the community (all members)"),
    entry("amber", "TLP:AMBER — members' organisations, need to know"),
    entry(
        "amber-strict",
        "TLP:AMBER+STRICT — members' own organisations only",
    ),
    entry("red", "TLP:RED — analysts only, named recipients"),
];

pub fn class_by_id(id: &str) -> Option<&'static Class> {
    CLASSES.iter().find(|c| c.id == id)
}

/// Affected systems as the reports and incidents tables store them: ids
/// joined by spaces.
pub fn stored_systems(stored: &str) -> impl Iterator<Item = &str> {
    stored.split(' ').filter(|s| !s.is_empty())
}

pub fn find(list: &'static [Entry], id: &str) -> Option<&'static Entry> {
    list.iter().find(|e| e.id == id)
}

/// Where a report stands in triage.
pub const STATUSES: [(&str, &str); 6] = [
    ("new", "New"),
    ("triaged", "Triaged"),
    ("needs-information", "Needs information"),
    ("published", "Published"),
    ("duplicate", "Duplicate"),
    ("rejected", "Rejected"),
];

pub fn status_label(id: &str) -> &'static str {
    STATUSES
        .iter()
        .find(|(s, _)| *s == id)
        .map_or("Unknown", |(_, label)| label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_kebab_case() {
        let lists: [Vec<&str>; 6] = [
            CLASSES.iter().map(|c| c.id).collect(),
            SYSTEMS.iter().map(|e| e.id).collect(),
            VESSEL_TYPES.iter().map(|e| e.id).collect(),
            VESSEL_SIZES.iter().map(|e| e.id).collect(),
            IMPACT_LEVELS.iter().map(|e| e.id).collect(),
            TLP_LEVELS.iter().map(|e| e.id).collect(),
        ];
        for ids in lists {
            let mut sorted = ids.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(sorted.len(), ids.len());
            assert!(
                ids.iter()
                    .all(|id| id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'))
            );
        }
    }

    #[test]
    fn every_family_has_classes() {
        for family in [Family::Cyber, Family::MaritimeCyber, Family::Crime] {
            assert!(CLASSES.iter().filter(|c| c.family == family).count() >= 6);
        }
    }
}
