//! Documents → STIX objects, and objects → bundles.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use lookout_indicators::{Observable, ObservableKind};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use time::{OffsetDateTime, Time};

use super::ids::{sco_id, sdo_id};
use super::objects::{
    Bundle, Common, ExtensionDefinition, ExternalReference, File, Identity, Incident, Indicator,
    Location, Malware, MalwareAnalysis, MarkingDefinition, ObservedData, Relationship, Report,
    StixObject, ValueSco, Vulnerability, WalletSco,
};
use super::pattern::{escape_pattern_string, pattern_for};
use super::{
    INCIDENT_CORE_EXTENSION_ID, INDUSTRY_SECTORS, SPEC_VERSION, TLP2_EXTENSION_ID, tlp_marking_id,
    tlp_of_marking,
};
use crate::model::{check_hex, check_key};
use crate::timefmt::to_millis;
use crate::{AdvisoryDoc, AnalysisDoc, Area, IncidentDoc, IntelError, Portal, Tlp};

/// The type of the wallet SCO the portal's extension defines.
pub const WALLET_SCO_TYPE: &str = "x-lookout-cryptocurrency-wallet";

/// The key (under the portal's URL) of the wallet extension-definition id.
pub const WALLET_EXTENSION_KEY: &str = "extension/x-lookout-cryptocurrency-wallet";

/// `created` and `modified` of the portal-level objects (its identity and
/// the wallet extension): fixed, so they never change version by
/// themselves. A portal that renames itself should expect consumers to
/// keep the old name until the identity is re-versioned.
const PORTAL_EPOCH: OffsetDateTime = time::macros::datetime!(2026-01-01 00:00:00 UTC);

/// The portal identity's id.
pub fn portal_identity_id(portal: &Portal) -> String {
    sdo_id("identity", &format!("portal/{}", portal.url))
}

/// The id an incident gets, from its key: what an advisory's
/// `object_refs` names without carrying the incident itself.
pub fn incident_id(key: &str) -> String {
    sdo_id("incident", key)
}

/// The portal's identity: the author (`created_by_ref`) of everything,
/// itself marked TLP:CLEAR because it is public.
pub fn portal_identity(portal: &Portal) -> StixObject {
    let id = portal_identity_id(portal);
    StixObject::Identity(Identity {
        common: Common {
            spec_version: SPEC_VERSION.to_string(),
            created_by_ref: Some(id.clone()),
            id,
            created: PORTAL_EPOCH,
            modified: PORTAL_EPOCH,
            labels: Vec::new(),
            external_references: Vec::new(),
            object_marking_refs: vec![tlp_marking_id(Tlp::Clear).to_string()],
            extensions: BTreeMap::new(),
        },
        name: portal.name.clone(),
        description: Some(
            "Publishes sanitised, anonymously reported maritime cyber incidents, advisories and \
             malware analyses. Reporters are not named unless they agreed to be."
                .to_string(),
        ),
        identity_class: "organization".to_string(),
        sectors: Vec::new(),
        contact_information: Some(portal.url.clone()),
    })
}

/// The OASIS TLP 2.0 marking definition of a level, exactly as OASIS
/// publishes it (cti-stix-common-objects).
pub fn tlp_marking(tlp: Tlp) -> StixObject {
    let mut extensions = BTreeMap::new();
    extensions.insert(
        TLP2_EXTENSION_ID.to_string(),
        json!({"extension_type": "property-extension", "tlp_2_0": tlp.level_text()}),
    );
    StixObject::MarkingDefinition(MarkingDefinition {
        spec_version: SPEC_VERSION.to_string(),
        id: tlp_marking_id(tlp).to_string(),
        created: time::macros::datetime!(2022-10-01 00:00:00 UTC),
        name: tlp.label().to_string(),
        extensions,
    })
}

/// The portal's extension definition for the wallet SCO. A wallet address
/// has no STIX 2.1 object; declaring one as a `new-sco` extension is the
/// STIX 2.1 way to add it (and what `stix2-validator --strict` accepts).
pub fn wallet_extension_definition(portal: &Portal) -> StixObject {
    StixObject::ExtensionDefinition(ExtensionDefinition {
        common: Common {
            spec_version: SPEC_VERSION.to_string(),
            id: wallet_extension_id(portal),
            created_by_ref: Some(portal_identity_id(portal)),
            created: PORTAL_EPOCH,
            modified: PORTAL_EPOCH,
            labels: Vec::new(),
            external_references: Vec::new(),
            object_marking_refs: vec![tlp_marking_id(Tlp::Clear).to_string()],
            extensions: BTreeMap::new(),
        },
        name: WALLET_SCO_TYPE.to_string(),
        description: "A cryptocurrency wallet address seen in an incident, advisory or analysis."
            .to_string(),
        schema: format!(
            "Cyber-observable type {WALLET_SCO_TYPE}. Properties: value (string, required): the \
             address as written (Ethereum in lower case); chain (string, required): bitcoin, \
             ethereum or monero. ID contributing property: value. Patterns: \
             [{WALLET_SCO_TYPE}:value = '...']."
        ),
        version: "1.0".to_string(),
        extension_types: vec!["new-sco".to_string()],
    })
}

fn wallet_extension_id(portal: &Portal) -> String {
    sdo_id(
        "extension-definition",
        &format!("{}/{WALLET_EXTENSION_KEY}", portal.url),
    )
}

/// What a document contributes to the objects of its observables.
struct Ctx<'a> {
    portal: &'a Portal,
    portal_id: String,
    key: &'a str,
    created: OffsetDateTime,
    modified: OffsetDateTime,
    tlp: Tlp,
    out: Vec<StixObject>,
    uses_wallet: bool,
}

/// The ids an observable list turned into.
#[derive(Default)]
struct ObservableRefs {
    indicators: Vec<String>,
    observed: Vec<String>,
    scos: Vec<String>,
    vulnerabilities: Vec<String>,
    malware: Vec<String>,
    relationships: Vec<String>,
}

impl<'a> Ctx<'a> {
    fn new(
        portal: &'a Portal,
        key: &'a str,
        created: OffsetDateTime,
        modified: OffsetDateTime,
        tlp: Tlp,
    ) -> Result<Self, IntelError> {
        check_key("key", key)?;
        if portal.name.trim().is_empty() {
            return Err(IntelError::invalid("portal.name", "empty"));
        }
        let created = to_millis(created);
        let modified = to_millis(modified);
        if modified < created {
            return Err(IntelError::invalid(
                "modified",
                "earlier than created (STIX requires modified >= created)",
            ));
        }
        Ok(Ctx {
            portal,
            portal_id: portal_identity_id(portal),
            key,
            created,
            modified,
            tlp,
            out: Vec::new(),
            uses_wallet: false,
        })
    }

    fn common_with_id(&self, id: String) -> Common {
        Common {
            spec_version: SPEC_VERSION.to_string(),
            id,
            created_by_ref: Some(self.portal_id.clone()),
            created: self.created,
            modified: self.modified,
            labels: Vec::new(),
            external_references: Vec::new(),
            object_marking_refs: vec![tlp_marking_id(self.tlp).to_string()],
            extensions: BTreeMap::new(),
        }
    }

    /// Common properties of an object derived from this document.
    fn common(&self, object_type: &str, sub_key: &str) -> Common {
        self.common_with_id(sdo_id(object_type, &format!("{}/{sub_key}", self.key)))
    }

    fn markings(&self) -> Vec<String> {
        vec![tlp_marking_id(self.tlp).to_string()]
    }

    fn page_reference(
        &self,
        reference: &str,
        url: &str,
        description: Option<String>,
    ) -> ExternalReference {
        ExternalReference {
            source_name: self.portal.name.clone(),
            description,
            url: (!url.is_empty()).then(|| url.to_string()),
            external_id: (!reference.is_empty()).then(|| reference.to_string()),
        }
    }

    fn relate(
        &mut self,
        kind: &str,
        source: &str,
        target: &str,
        description: Option<&str>,
    ) -> String {
        let common = self.common("relationship", &format!("{kind}/{source}/{target}"));
        let id = common.id.clone();
        self.out.push(StixObject::Relationship(Relationship {
            common,
            relationship_type: kind.to_string(),
            description: description.map(str::to_string),
            source_ref: source.to_string(),
            target_ref: target.to_string(),
        }));
        id
    }

    fn location(&mut self, area: &Area) -> Result<String, IntelError> {
        area.check()?;
        let common = self.common("location", &format!("location/{}", area.code));
        let id = common.id.clone();
        self.out.push(StixObject::Location(Location {
            common,
            name: area.name.clone(),
            description: Some(format!("Sea area {} ({}).", area.name, area.code)),
            latitude: area.lat,
            longitude: area.lon,
        }));
        Ok(id)
    }

    fn malware(&mut self, family: &str) -> Result<String, IntelError> {
        let family = family.trim();
        if family.is_empty() {
            return Err(IntelError::invalid("families", "empty family name"));
        }
        let common = self.common("malware", &format!("malware/{}", family.to_lowercase()));
        let id = common.id.clone();
        if !self.out.iter().any(|o| o.id() == id) {
            self.out.push(StixObject::Malware(Malware {
                common,
                name: family.to_string(),
                description: None,
                is_family: true,
            }));
        }
        Ok(id)
    }

    /// The cyber-observable for an observable; `None` for CVE and malware.
    fn sco(&mut self, o: &Observable) -> Option<StixObject> {
        let value = |id: String| ValueSco {
            spec_version: SPEC_VERSION.to_string(),
            id,
            value: o.value().to_string(),
            object_marking_refs: self.markings(),
        };
        let by_value = |t: &str| {
            let mut m = serde_json::Map::new();
            m.insert("value".into(), Value::String(o.value().to_string()));
            sco_id(t, &m)
        };
        let hash = |name: &str| {
            let mut hashes = BTreeMap::new();
            hashes.insert(name.to_string(), o.value().to_string());
            StixObject::File(File {
                spec_version: SPEC_VERSION.to_string(),
                id: sco_id("file", &File::id_contributing(&hashes)),
                hashes,
                object_marking_refs: self.markings(),
            })
        };
        Some(match o.kind() {
            ObservableKind::Ipv4 | ObservableKind::Ipv4Net => {
                StixObject::Ipv4Addr(value(by_value("ipv4-addr")))
            }
            ObservableKind::Ipv6 | ObservableKind::Ipv6Net => {
                StixObject::Ipv6Addr(value(by_value("ipv6-addr")))
            }
            ObservableKind::Domain => StixObject::DomainName(value(by_value("domain-name"))),
            ObservableKind::Url => StixObject::Url(value(by_value("url"))),
            ObservableKind::Email => StixObject::EmailAddr(value(by_value("email-addr"))),
            ObservableKind::Md5 => hash("MD5"),
            ObservableKind::Sha1 => hash("SHA-1"),
            ObservableKind::Sha256 => hash("SHA-256"),
            ObservableKind::Sha512 => hash("SHA-512"),
            ObservableKind::Wallet => {
                self.uses_wallet = true;
                let mut extensions = BTreeMap::new();
                extensions.insert(
                    wallet_extension_id(self.portal),
                    json!({"extension_type": "new-sco"}),
                );
                StixObject::Wallet(WalletSco {
                    spec_version: SPEC_VERSION.to_string(),
                    id: by_value(WALLET_SCO_TYPE),
                    value: o.value().to_string(),
                    chain: o.wallet_chain().unwrap_or("unknown").to_string(),
                    object_marking_refs: self.markings(),
                    extensions,
                })
            }
            ObservableKind::Cve | ObservableKind::Malware => return None,
        })
    }

    /// Turns a document's observables into objects: for each pattern-able
    /// value its SCO, an observed-data holding it, an indicator and the
    /// indicator's `based-on` relationship; a vulnerability per CVE and a
    /// malware family per family name.
    fn observables(
        &mut self,
        observables: &[Observable],
        observed_at: OffsetDateTime,
        valid_from: OffsetDateTime,
        indicator_type: &str,
        found_in: &str,
    ) -> Result<ObservableRefs, IntelError> {
        let mut refs = ObservableRefs::default();
        let mut seen = BTreeSet::new();
        let observed_at = to_millis(observed_at);
        let valid_from = to_millis(valid_from);
        for o in observables {
            if !seen.insert((o.kind(), o.match_text())) {
                continue;
            }
            match o.kind() {
                ObservableKind::Cve => {
                    let mut common = self.common("vulnerability", &format!("cve/{}", o.value()));
                    common.external_references.push(ExternalReference {
                        source_name: "cve".to_string(),
                        description: None,
                        url: None,
                        external_id: Some(o.value().to_string()),
                    });
                    refs.vulnerabilities.push(common.id.clone());
                    self.out.push(StixObject::Vulnerability(Vulnerability {
                        common,
                        name: o.value().to_string(),
                    }));
                }
                ObservableKind::Malware => {
                    let id = self.malware(o.value())?;
                    refs.malware.push(id);
                }
                _ => {
                    let (Some(sco), Some(pattern)) = (self.sco(o), pattern_for(o)) else {
                        continue;
                    };
                    let sub = format!("{}/{}", o.kind().id(), o.value());
                    let sco_id = sco.id().to_string();
                    self.out.push(sco);

                    let observed = ObservedData {
                        common: self.common("observed-data", &sub),
                        first_observed: observed_at,
                        last_observed: observed_at,
                        number_observed: 1,
                        object_refs: vec![sco_id.clone()],
                    };
                    let observed_id = observed.common.id.clone();
                    self.out.push(StixObject::ObservedData(observed));

                    let indicator = Indicator {
                        common: self.common("indicator", &sub),
                        name: format!("{} {}", o.kind().label(), o.value()),
                        description: format!("{} {found_in}.", o.kind().label()),
                        indicator_types: vec![indicator_type.to_string()],
                        pattern,
                        pattern_type: "stix".to_string(),
                        pattern_version: SPEC_VERSION.to_string(),
                        valid_from,
                    };
                    let indicator_id = indicator.common.id.clone();
                    self.out.push(StixObject::Indicator(indicator));
                    let rel = self.relate("based-on", &indicator_id, &observed_id, None);

                    refs.scos.push(sco_id);
                    refs.observed.push(observed_id);
                    refs.indicators.push(indicator_id);
                    refs.relationships.push(rel);
                }
            }
        }
        Ok(refs)
    }

    /// The objects, preceded by the portal identity, the marking
    /// definitions they refer to and (if used) the wallet extension.
    fn finish(self) -> Vec<StixObject> {
        let mut markings = BTreeSet::new();
        markings.insert(Tlp::Clear); // the portal identity's own marking
        markings.insert(self.tlp);
        let mut all = vec![portal_identity(self.portal)];
        all.extend(markings.into_iter().map(tlp_marking));
        if self.uses_wallet {
            all.push(wallet_extension_definition(self.portal));
        }
        all.extend(self.out);
        all
    }
}

fn check_sectors(sectors: &[String]) -> Result<(), IntelError> {
    for s in sectors {
        if !INDUSTRY_SECTORS.contains(&s.as_str()) {
            return Err(IntelError::invalid(
                "sectors",
                format!("{s:?} is not a STIX industry-sector-ov value"),
            ));
        }
    }
    Ok(())
}

fn nonempty(field: &'static str, text: &str) -> Result<(), IntelError> {
    if text.trim().is_empty() {
        return Err(IntelError::invalid(field, "empty"));
    }
    Ok(())
}

fn midnight(date: time::Date) -> OffsetDateTime {
    date.with_time(Time::MIDNIGHT).assume_utc()
}

/// Every object of a published incident: the `incident` (with the OASIS
/// Incident Core extension), its sea area as a `location`, the affected
/// party's sectors on an unnamed `identity`, the reporter's `identity` only
/// when [`IncidentDoc::attributed_to`] is set, and per observable an
/// indicator, observed data and SCO (CVE → `vulnerability`, family →
/// `malware`), each `related-to` the incident; plus the portal identity
/// and the marking definitions.
pub fn incident_objects(portal: &Portal, doc: &IncidentDoc) -> Result<Vec<StixObject>, IntelError> {
    nonempty("title", &doc.title)?;
    check_sectors(&doc.sectors)?;
    let mut ctx = Ctx::new(portal, &doc.key, doc.created, doc.modified, doc.tlp)?;
    let incident_id = incident_id(&doc.key);

    let mut details = vec![
        format!("Class: {}.", doc.class_label),
        format!("Occurred: {}.", doc.occurred_period),
    ];
    if let Some(area) = &doc.sea_area {
        details.push(format!("Sea area: {}.", area.name));
    }
    if let Some(v) = &doc.vessel_type {
        details.push(format!("Vessel type: {v}."));
    }
    if !doc.systems.is_empty() {
        details.push(format!("Affected systems: {}.", doc.systems.join(", ")));
    }
    for (aspect, level) in &doc.impacts {
        details.push(format!("Impact on {aspect}: {level}."));
    }
    if let Some(who) = &doc.attributed_to {
        details.push(format!("Reported by: {who} (named with their consent)."));
    }
    let mut description = doc.summary.trim().to_string();
    if !description.is_empty() {
        description.push_str("\n\n");
    }
    description.push_str(&details.join("\n"));

    let mut common = ctx.common_with_id(incident_id.clone());
    if !doc.class_id.is_empty() {
        common.labels.push(doc.class_id.clone());
    }
    common
        .external_references
        .push(ctx.page_reference(&doc.reference, &doc.url, None));
    common.extensions.insert(
        INCIDENT_CORE_EXTENSION_ID.to_string(),
        json!({
            "extension_type": "property-extension",
            // Published incidents were triaged and confirmed by analysts.
            "determination": "confirmed",
            "investigation_status": if doc.closed { "closed" } else { "open" },
        }),
    );
    ctx.out.push(StixObject::Incident(Incident {
        common,
        name: doc.title.clone(),
        description: Some(description),
    }));

    if let Some(area) = &doc.sea_area {
        let loc = ctx.location(area)?;
        ctx.relate(
            "related-to",
            &incident_id,
            &loc,
            Some("The incident happened in this sea area."),
        );
    }
    if !doc.sectors.is_empty() {
        let common = ctx.common("identity", "affected-party");
        let id = common.id.clone();
        ctx.out.push(StixObject::Identity(Identity {
            common,
            name: "Affected party (not named)".to_string(),
            description: Some(
                "The party affected by the incident; the portal does not name it.".to_string(),
            ),
            identity_class: "unknown".to_string(),
            sectors: doc.sectors.clone(),
            contact_information: None,
        }));
        ctx.relate(
            "related-to",
            &incident_id,
            &id,
            Some("The party affected by the incident."),
        );
    }
    if let Some(who) = &doc.attributed_to {
        nonempty("attributed_to", who)?;
        let common = ctx.common("identity", "reporter");
        let id = common.id.clone();
        ctx.out.push(StixObject::Identity(Identity {
            common,
            name: who.clone(),
            description: Some("Reported the incident and agreed to be named.".to_string()),
            identity_class: "unknown".to_string(),
            sectors: Vec::new(),
            contact_information: None,
        }));
        ctx.relate(
            "related-to",
            &incident_id,
            &id,
            Some("Reported the incident (named with consent)."),
        );
    }

    let found_in = format!("seen in incident {}", doc.reference);
    let refs = ctx.observables(
        &doc.observables,
        midnight(doc.occurred_on),
        doc.created,
        "malicious-activity",
        &found_in,
    )?;
    for target in refs
        .indicators
        .iter()
        .chain(&refs.observed)
        .chain(&refs.vulnerabilities)
        .chain(&refs.malware)
    {
        ctx.relate("related-to", &incident_id, target, None);
    }
    Ok(ctx.finish())
}

/// Every object of a published advisory: a `report` (type
/// `threat-report`) whose `object_refs` name its indicators, observed
/// data, observables, vulnerabilities, malware, sea areas and the
/// incidents it is about (by [`incident_id`]; the incidents themselves are
/// not included). An advisory with none of these refers to the portal
/// identity, because `object_refs` may not be empty.
pub fn advisory_objects(portal: &Portal, doc: &AdvisoryDoc) -> Result<Vec<StixObject>, IntelError> {
    nonempty("title", &doc.title)?;
    if doc.published < doc.created {
        return Err(IntelError::invalid("published", "earlier than created"));
    }
    let mut ctx = Ctx::new(portal, &doc.key, doc.created, doc.modified, doc.tlp)?;
    let report_id = sdo_id("report", &doc.key);

    let mut object_refs = Vec::new();
    for area in &doc.sea_areas {
        object_refs.push(ctx.location(area)?);
    }
    let found_in = format!("listed in advisory {}", doc.reference);
    let refs = ctx.observables(
        &doc.observables,
        doc.published,
        doc.published,
        "malicious-activity",
        &found_in,
    )?;
    object_refs.extend(refs.indicators);
    object_refs.extend(refs.observed);
    object_refs.extend(refs.scos);
    object_refs.extend(refs.relationships);
    object_refs.extend(refs.vulnerabilities);
    object_refs.extend(refs.malware);
    for key in &doc.incident_keys {
        check_key("incident_keys", key)?;
        object_refs.push(incident_id(key));
    }
    if object_refs.is_empty() {
        object_refs.push(ctx.portal_id.clone());
    }

    let mut description = doc.body.trim().to_string();
    if !doc.actions.trim().is_empty() {
        description.push_str("\n\nRecommended actions:\n\n");
        description.push_str(doc.actions.trim());
    }
    let mut common = ctx.common_with_id(report_id);
    common.labels.extend(doc.classes.iter().cloned());
    if !doc.severity.trim().is_empty() {
        common
            .labels
            .push(format!("severity:{}", doc.severity.trim()));
    }
    common.external_references.push(ctx.page_reference(
        &doc.reference,
        &doc.url,
        Some(format!("Advisory, revision {}", doc.revision)),
    ));
    ctx.out.push(StixObject::Report(Report {
        common,
        name: doc.title.clone(),
        description: (!description.is_empty()).then_some(description),
        report_types: vec!["threat-report".to_string()],
        published: to_millis(doc.published),
        object_refs,
    }));
    Ok(ctx.finish())
}

/// Every object of a finished analysis: a `malware-analysis` (product
/// "lookout", `result` from the verdict) whose `sample_ref` is the
/// sample's `file` (MD5, SHA-1, SHA-256) and whose `analysis_sco_refs` are
/// that file and the observables found; a `malware` family per family
/// (`analysis-of`); an indicator for the sample's SHA-256 when the verdict
/// is malicious or suspicious (`indicates` each family); and per observable
/// the same objects as for an incident.
pub fn analysis_objects(portal: &Portal, doc: &AnalysisDoc) -> Result<Vec<StixObject>, IntelError> {
    check_hex("sha256", &doc.sha256, 64)?;
    check_hex("md5", &doc.md5, 32)?;
    check_hex("sha1", &doc.sha1, 40)?;
    let (result, indicator_type) = match doc.verdict.as_str() {
        "malicious" => ("malicious", "malicious-activity"),
        "suspicious" => ("suspicious", "anomalous-activity"),
        "benign" => ("benign", "benign"),
        "unknown" => ("unknown", "unknown"),
        other => {
            return Err(IntelError::invalid(
                "verdict",
                format!("{other:?} is not malicious, suspicious, benign or unknown"),
            ));
        }
    };
    let modified = doc.finished.unwrap_or(doc.submitted);
    let mut ctx = Ctx::new(portal, &doc.key, doc.submitted, modified, doc.tlp)?;
    let analysis_id = sdo_id("malware-analysis", &doc.key);

    let mut hashes = BTreeMap::new();
    hashes.insert("MD5".to_string(), doc.md5.clone());
    hashes.insert("SHA-1".to_string(), doc.sha1.clone());
    hashes.insert("SHA-256".to_string(), doc.sha256.clone());
    let file_id = sco_id("file", &File::id_contributing(&hashes));
    ctx.out.push(StixObject::File(File {
        spec_version: SPEC_VERSION.to_string(),
        id: file_id.clone(),
        hashes,
        object_marking_refs: ctx.markings(),
    }));

    let mut families = Vec::new();
    for f in &doc.families {
        let id = ctx.malware(f)?;
        if !families.contains(&id) {
            families.push(id);
        }
    }
    let found_in = format!("found by analysis {}", doc.reference);
    let refs = ctx.observables(
        &doc.observables,
        doc.submitted,
        modified,
        indicator_type,
        &found_in,
    )?;
    for id in refs.malware {
        if !families.contains(&id) {
            families.push(id);
        }
    }

    let mut analysis_sco_refs = vec![file_id.clone()];
    analysis_sco_refs.extend(refs.scos.into_iter().filter(|id| *id != file_id));

    let mut common = ctx.common_with_id(analysis_id.clone());
    common.external_references.push(ctx.page_reference(
        &doc.reference,
        &doc.url,
        doc.file_type.as_ref().map(|t| format!("File type: {t}")),
    ));
    ctx.out.push(StixObject::MalwareAnalysis(MalwareAnalysis {
        common,
        product: "lookout".to_string(),
        submitted: Some(to_millis(doc.submitted)),
        analysis_ended: doc.finished.map(to_millis),
        result: Some(result.to_string()),
        analysis_sco_refs,
        sample_ref: Some(file_id),
    }));
    for family in &families {
        ctx.relate("analysis-of", &analysis_id, family, None);
    }

    if matches!(result, "malicious" | "suspicious") {
        let indicator = Indicator {
            common: ctx.common("indicator", "sample"),
            name: format!("Sample {}", doc.sha256),
            description: format!("The {result} sample of analysis {}.", doc.reference),
            indicator_types: vec![indicator_type.to_string()],
            pattern: format!(
                "[file:hashes.'SHA-256' = '{}']",
                escape_pattern_string(&doc.sha256)
            ),
            pattern_type: "stix".to_string(),
            pattern_version: SPEC_VERSION.to_string(),
            valid_from: to_millis(modified),
        };
        let indicator_id = indicator.common.id.clone();
        ctx.out.push(StixObject::Indicator(indicator));
        for family in &families {
            ctx.relate("indicates", &indicator_id, family, None);
        }
    }
    Ok(ctx.finish())
}

/// A bundle of the objects, each id once, in first-seen order.
///
/// Duplicates merge: of two versions of an SDO the newer `modified` wins
/// (the first on a tie); a cyber-observable seen under several documents
/// keeps the *most restrictive* TLP marking among them, and a `file`
/// keeps the union of its hashes (an MD5 indicator and an analysis of the
/// same file are one object).
///
/// The bundle id is deterministic: UUIDv5 over the SHA-256 of the
/// objects' compact JSON, so the same contents always give the same id
/// (and an HTTP cache can use it as an entity tag).
pub fn bundle(objects: impl IntoIterator<Item = StixObject>) -> Bundle {
    let mut kept: Vec<StixObject> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for object in objects {
        match index.get(object.id()) {
            None => {
                index.insert(object.id().to_string(), kept.len());
                kept.push(object);
            }
            Some(&i) => {
                if let Some(slot) = kept.get_mut(i) {
                    merge(slot, object);
                }
            }
        }
    }
    let text = serde_json::to_string(&kept).unwrap_or_default();
    let digest = hex::encode(Sha256::digest(text.as_bytes()));
    Bundle {
        object_type: "bundle".to_string(),
        id: sdo_id("bundle", &digest),
        objects: kept,
    }
}

fn merge(kept: &mut StixObject, other: StixObject) {
    if kept.is_sco() {
        let most = kept
            .marking_refs()
            .iter()
            .chain(other.marking_refs())
            .filter_map(|m| tlp_of_marking(m))
            .max();
        if let (StixObject::File(a), StixObject::File(b)) = (&mut *kept, &other) {
            for (k, v) in &b.hashes {
                a.hashes.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        if let (Some(refs), Some(tlp)) = (kept.marking_refs_mut(), most) {
            *refs = vec![tlp_marking_id(tlp).to_string()];
        }
    } else if other.version() > kept.version() {
        *kept = other;
    }
}
