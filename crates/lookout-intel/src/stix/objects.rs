//! The STIX 2.1 object types the portal publishes, as serde types.
//!
//! Property names and optionality follow the STIX 2.1 OS specification;
//! empty lists and absent options are left out, because the specification
//! forbids empty lists in most places.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::timefmt::stix_ts;

/// The common properties of SDOs and SROs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Common {
    /// Always "2.1".
    pub spec_version: String,
    /// `{type}--{uuid}`.
    pub id: String,
    /// The portal's identity (absent only on the portal identity itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by_ref: Option<String>,
    /// First version.
    #[serde(with = "stix_ts")]
    pub created: OffsetDateTime,
    /// This version.
    #[serde(with = "stix_ts")]
    pub modified: OffsetDateTime,
    /// Free labels.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<String>,
    /// Links to non-STIX information (the portal page, CVE entries).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub external_references: Vec<ExternalReference>,
    /// TLP marking-definition ids.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub object_marking_refs: Vec<String>,
    /// Extensions, keyed by extension-definition id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extensions: BTreeMap<String, Value>,
}

/// An external reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExternalReference {
    /// e.g. "cve" or the portal's name.
    pub source_name: String,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The id in the source, e.g. "CVE-2024-3400".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
}

/// `identity`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Identity {
    #[serde(flatten)]
    #[allow(missing_docs)]
    pub common: Common,
    /// Name (required by STIX).
    pub name: String,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `identity-class-ov`.
    pub identity_class: String,
    /// `industry-sector-ov` values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sectors: Vec<String>,
    /// How to reach it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_information: Option<String>,
}

/// `marking-definition` in the TLP 2.0 form OASIS publishes: no
/// `definition_type`, no `modified`, the level in an extension.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarkingDefinition {
    #[allow(missing_docs)]
    pub spec_version: String,
    #[allow(missing_docs)]
    pub id: String,
    #[allow(missing_docs)]
    #[serde(with = "stix_ts")]
    pub created: OffsetDateTime,
    /// e.g. "TLP:AMBER+STRICT".
    pub name: String,
    #[allow(missing_docs)]
    pub extensions: BTreeMap<String, Value>,
}

/// `extension-definition` (a meta object).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExtensionDefinition {
    #[serde(flatten)]
    #[allow(missing_docs)]
    pub common: Common,
    #[allow(missing_docs)]
    pub name: String,
    #[allow(missing_docs)]
    pub description: String,
    /// The normative definition, as a URL or as plain text.
    pub schema: String,
    #[allow(missing_docs)]
    pub version: String,
    /// e.g. `new-sco`.
    pub extension_types: Vec<String>,
}

/// `incident`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    #[serde(flatten)]
    #[allow(missing_docs)]
    pub common: Common,
    #[allow(missing_docs)]
    pub name: String,
    #[allow(missing_docs)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// `location`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    #[serde(flatten)]
    #[allow(missing_docs)]
    pub common: Common,
    #[allow(missing_docs)]
    pub name: String,
    #[allow(missing_docs)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[allow(missing_docs)]
    pub latitude: f64,
    #[allow(missing_docs)]
    pub longitude: f64,
}

/// `indicator`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    #[serde(flatten)]
    #[allow(missing_docs)]
    pub common: Common,
    #[allow(missing_docs)]
    pub name: String,
    #[allow(missing_docs)]
    pub description: String,
    /// `indicator-type-ov`.
    pub indicator_types: Vec<String>,
    /// A STIX pattern.
    pub pattern: String,
    /// Always "stix".
    pub pattern_type: String,
    /// Always "2.1".
    pub pattern_version: String,
    #[allow(missing_docs)]
    #[serde(with = "stix_ts")]
    pub valid_from: OffsetDateTime,
}

/// `observed-data`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObservedData {
    #[serde(flatten)]
    #[allow(missing_docs)]
    pub common: Common,
    #[allow(missing_docs)]
    #[serde(with = "stix_ts")]
    pub first_observed: OffsetDateTime,
    #[allow(missing_docs)]
    #[serde(with = "stix_ts")]
    pub last_observed: OffsetDateTime,
    #[allow(missing_docs)]
    pub number_observed: u32,
    /// The SCOs observed.
    pub object_refs: Vec<String>,
}

/// `vulnerability`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vulnerability {
    #[serde(flatten)]
    #[allow(missing_docs)]
    pub common: Common,
    /// The CVE id.
    pub name: String,
}

/// `malware` (always a family here).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Malware {
    #[serde(flatten)]
    #[allow(missing_docs)]
    pub common: Common,
    #[allow(missing_docs)]
    pub name: String,
    #[allow(missing_docs)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[allow(missing_docs)]
    pub is_family: bool,
}

/// `malware-analysis`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MalwareAnalysis {
    #[serde(flatten)]
    #[allow(missing_docs)]
    pub common: Common,
    /// "lookout".
    pub product: String,
    #[allow(missing_docs)]
    #[serde(
        default,
        with = "stix_ts::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub submitted: Option<OffsetDateTime>,
    #[allow(missing_docs)]
    #[serde(
        default,
        with = "stix_ts::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub analysis_ended: Option<OffsetDateTime>,
    /// `malware-result-ov`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    /// The SCOs the analysis found or looked at.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub analysis_sco_refs: Vec<String>,
    /// The sample's `file`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample_ref: Option<String>,
}

/// `report`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    #[serde(flatten)]
    #[allow(missing_docs)]
    pub common: Common,
    #[allow(missing_docs)]
    pub name: String,
    #[allow(missing_docs)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `report-type-ov`.
    pub report_types: Vec<String>,
    #[allow(missing_docs)]
    #[serde(with = "stix_ts")]
    pub published: OffsetDateTime,
    /// Everything the report is about.
    pub object_refs: Vec<String>,
}

/// `relationship`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Relationship {
    #[serde(flatten)]
    #[allow(missing_docs)]
    pub common: Common,
    #[allow(missing_docs)]
    pub relationship_type: String,
    #[allow(missing_docs)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[allow(missing_docs)]
    pub source_ref: String,
    #[allow(missing_docs)]
    pub target_ref: String,
}

/// A cyber-observable whose only id-contributing property is `value`:
/// `ipv4-addr`, `ipv6-addr`, `domain-name`, `url`, `email-addr`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueSco {
    #[allow(missing_docs)]
    pub spec_version: String,
    /// Deterministic (see [`super::sco_id`]).
    pub id: String,
    #[allow(missing_docs)]
    pub value: String,
    /// The TLP of the document it came from (the most restrictive one
    /// when the bundle merged several).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub object_marking_refs: Vec<String>,
}

/// `file`, identified by its hashes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct File {
    #[allow(missing_docs)]
    pub spec_version: String,
    #[allow(missing_docs)]
    pub id: String,
    /// `MD5`, `SHA-1`, `SHA-256`, `SHA-512` → lower-case hex.
    pub hashes: BTreeMap<String, String>,
    #[allow(missing_docs)]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub object_marking_refs: Vec<String>,
}

impl File {
    /// The hash that identifies a file, in the order of preference of the
    /// specification and the OASIS library: MD5, SHA-1, SHA-256, SHA-512.
    pub fn id_contributing(hashes: &BTreeMap<String, String>) -> Map<String, Value> {
        let mut one = Map::new();
        if let Some((k, v)) = ["MD5", "SHA-1", "SHA-256", "SHA-512"]
            .into_iter()
            .find_map(|k| hashes.get(k).map(|v| (k, v)))
        {
            one.insert(k.to_string(), Value::String(v.clone()));
        }
        let mut props = Map::new();
        props.insert("hashes".to_string(), Value::Object(one));
        props
    }
}

/// `x-lookout-cryptocurrency-wallet`: a wallet address, declared by the
/// portal's extension definition ([`super::wallet_extension_definition`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalletSco {
    #[allow(missing_docs)]
    pub spec_version: String,
    /// Deterministic over `value` (its one id-contributing property).
    pub id: String,
    /// The address.
    pub value: String,
    /// `bitcoin`, `ethereum` or `monero`.
    pub chain: String,
    #[allow(missing_docs)]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub object_marking_refs: Vec<String>,
    /// `{extension id: {"extension_type": "new-sco"}}`.
    pub extensions: BTreeMap<String, Value>,
}

/// Any object this crate produces or reads back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
#[allow(missing_docs)]
pub enum StixObject {
    Identity(Identity),
    MarkingDefinition(MarkingDefinition),
    ExtensionDefinition(ExtensionDefinition),
    Incident(Incident),
    Location(Location),
    Indicator(Indicator),
    ObservedData(ObservedData),
    Vulnerability(Vulnerability),
    Malware(Malware),
    MalwareAnalysis(MalwareAnalysis),
    Report(Report),
    Relationship(Relationship),
    Ipv4Addr(ValueSco),
    Ipv6Addr(ValueSco),
    DomainName(ValueSco),
    Url(ValueSco),
    EmailAddr(ValueSco),
    File(File),
    #[serde(rename = "x-lookout-cryptocurrency-wallet")]
    Wallet(WalletSco),
}

impl StixObject {
    fn common(&self) -> Option<&Common> {
        Some(match self {
            StixObject::Identity(o) => &o.common,
            StixObject::ExtensionDefinition(o) => &o.common,
            StixObject::Incident(o) => &o.common,
            StixObject::Location(o) => &o.common,
            StixObject::Indicator(o) => &o.common,
            StixObject::ObservedData(o) => &o.common,
            StixObject::Vulnerability(o) => &o.common,
            StixObject::Malware(o) => &o.common,
            StixObject::MalwareAnalysis(o) => &o.common,
            StixObject::Report(o) => &o.common,
            StixObject::Relationship(o) => &o.common,
            _ => return None,
        })
    }

    /// The object's id.
    pub fn id(&self) -> &str {
        if let Some(c) = self.common() {
            return &c.id;
        }
        match self {
            StixObject::MarkingDefinition(o) => &o.id,
            StixObject::Ipv4Addr(o)
            | StixObject::Ipv6Addr(o)
            | StixObject::DomainName(o)
            | StixObject::Url(o)
            | StixObject::EmailAddr(o) => &o.id,
            StixObject::File(o) => &o.id,
            StixObject::Wallet(o) => &o.id,
            _ => "",
        }
    }

    /// The `type` property.
    pub fn object_type(&self) -> &'static str {
        match self {
            StixObject::Identity(_) => "identity",
            StixObject::MarkingDefinition(_) => "marking-definition",
            StixObject::ExtensionDefinition(_) => "extension-definition",
            StixObject::Incident(_) => "incident",
            StixObject::Location(_) => "location",
            StixObject::Indicator(_) => "indicator",
            StixObject::ObservedData(_) => "observed-data",
            StixObject::Vulnerability(_) => "vulnerability",
            StixObject::Malware(_) => "malware",
            StixObject::MalwareAnalysis(_) => "malware-analysis",
            StixObject::Report(_) => "report",
            StixObject::Relationship(_) => "relationship",
            StixObject::Ipv4Addr(_) => "ipv4-addr",
            StixObject::Ipv6Addr(_) => "ipv6-addr",
            StixObject::DomainName(_) => "domain-name",
            StixObject::Url(_) => "url",
            StixObject::EmailAddr(_) => "email-addr",
            StixObject::File(_) => "file",
            StixObject::Wallet(_) => "x-lookout-cryptocurrency-wallet",
        }
    }

    /// Always "2.1".
    pub fn spec_version(&self) -> &str {
        if let Some(c) = self.common() {
            return &c.spec_version;
        }
        match self {
            StixObject::MarkingDefinition(o) => &o.spec_version,
            StixObject::Ipv4Addr(o)
            | StixObject::Ipv6Addr(o)
            | StixObject::DomainName(o)
            | StixObject::Url(o)
            | StixObject::EmailAddr(o) => &o.spec_version,
            StixObject::File(o) => &o.spec_version,
            StixObject::Wallet(o) => &o.spec_version,
            _ => super::SPEC_VERSION,
        }
    }

    /// `created`; `None` for cyber-observables, which have none.
    pub fn created(&self) -> Option<OffsetDateTime> {
        match self {
            StixObject::MarkingDefinition(o) => Some(o.created),
            _ => self.common().map(|c| c.created),
        }
    }

    /// `modified`; `None` for cyber-observables and marking definitions,
    /// which have none.
    pub fn modified(&self) -> Option<OffsetDateTime> {
        self.common().map(|c| c.modified)
    }

    /// The version TAXII lists for the object: `modified`, else
    /// `created` (marking definitions), else `None` (cyber-observables,
    /// which a server then versions by the time it added them).
    pub fn version(&self) -> Option<OffsetDateTime> {
        self.modified().or_else(|| self.created())
    }

    /// Whether this is a cyber-observable (SCO).
    pub fn is_sco(&self) -> bool {
        matches!(
            self,
            StixObject::Ipv4Addr(_)
                | StixObject::Ipv6Addr(_)
                | StixObject::DomainName(_)
                | StixObject::Url(_)
                | StixObject::EmailAddr(_)
                | StixObject::File(_)
                | StixObject::Wallet(_)
        )
    }

    /// The object's `object_marking_refs`.
    pub fn marking_refs(&self) -> &[String] {
        if let Some(c) = self.common() {
            return &c.object_marking_refs;
        }
        match self {
            StixObject::Ipv4Addr(o)
            | StixObject::Ipv6Addr(o)
            | StixObject::DomainName(o)
            | StixObject::Url(o)
            | StixObject::EmailAddr(o) => &o.object_marking_refs,
            StixObject::File(o) => &o.object_marking_refs,
            StixObject::Wallet(o) => &o.object_marking_refs,
            _ => &[],
        }
    }

    pub(crate) fn marking_refs_mut(&mut self) -> Option<&mut Vec<String>> {
        Some(match self {
            StixObject::Ipv4Addr(o)
            | StixObject::Ipv6Addr(o)
            | StixObject::DomainName(o)
            | StixObject::Url(o)
            | StixObject::EmailAddr(o) => &mut o.object_marking_refs,
            StixObject::File(o) => &mut o.object_marking_refs,
            StixObject::Wallet(o) => &mut o.object_marking_refs,
            _ => return None,
        })
    }

    /// The object as a JSON value.
    pub fn to_json(&self) -> Value {
        // Serialising these types cannot fail: every map key is a string
        // and every float is a checked, finite coordinate.
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// A STIX bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bundle {
    /// Always "bundle".
    #[serde(rename = "type")]
    pub object_type: String,
    /// `bundle--{uuid}`, derived from its contents (see [`super::bundle`]).
    pub id: String,
    /// The objects, each id once.
    pub objects: Vec<StixObject>,
}

impl Bundle {
    /// Compact JSON, as served with `application/stix+json;version=2.1`.
    pub fn to_json_string(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}
