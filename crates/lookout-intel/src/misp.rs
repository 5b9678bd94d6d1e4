//! MISP feed files: `manifest.json`, `hashes.csv` and one `{uuid}.json`
//! per event, in the shape PyMISP's feed generator writes
//! (`MISPEvent.to_feed()`, `MISPEvent.manifest`,
//! `pymisp.tools.feed.feed_meta_generator`), so a MISP instance can
//! subscribe to the portal as a feed of type "MISP Feed".
//!
//! Shape notes, checked against PyMISP 2.5 (see
//! `tests/external/check_misp.py`, which loads every event with PyMISP and
//! compares):
//! - in events, integers are strings (`"timestamp": "1793606400"`,
//!   `"threat_level_id": "4"`); in the manifest they are numbers;
//! - `hashes.csv` has one line `md5(value),event-uuid` per attribute value,
//!   a composite value (`ip-dst|port`) giving one line per part.
//!
//! Type choices: addresses and networks are `ip-dst` (MISP accepts CIDR
//! there); e-mail addresses `email`; Bitcoin and Monero wallets `btc` and
//! `xmr`; Ethereum has no MISP attribute type, so it is `text` in
//! "Financial fraud" with a comment, not for IDS; CVEs `vulnerability`;
//! malware families `malware-type`. Each event also links its portal page
//! (`link`).

use md5::{Digest, Md5};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use time::{Date, OffsetDateTime};

use lookout_indicators::{Observable, ObservableKind};

use crate::model::{check_hex, check_key};
use crate::{AdvisoryDoc, AnalysisDoc, IncidentDoc, IntelError, Portal, Tlp, derived_uuid};

/// What becomes one MISP event.
#[derive(Debug, Clone, Copy)]
pub enum EventInput<'a> {
    /// A published incident.
    Incident(&'a IncidentDoc),
    /// A published advisory.
    Advisory(&'a AdvisoryDoc),
    /// A finished analysis.
    Analysis(&'a AnalysisDoc),
}

/// `{"Event": {...}}`, the content of `{uuid}.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MispEvent {
    /// The event.
    #[serde(rename = "Event")]
    pub event: Event,
}

/// A MISP event in feed form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// `"0"` initial, `"1"` ongoing, `"2"` completed.
    pub analysis: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Always empty.
    pub extends_uuid: String,
    /// The title line.
    pub info: String,
    /// Always false (not a signed, protected event).
    pub protected: bool,
    /// Unix seconds, as a string.
    pub publish_timestamp: String,
    /// Always true: only published work is exported.
    pub published: bool,
    /// `"1"` high … `"4"` undefined.
    pub threat_level_id: String,
    /// Unix seconds of the last change, as a string.
    pub timestamp: String,
    /// Deterministic from the document's key.
    pub uuid: String,
    /// The portal.
    #[serde(rename = "Orgc")]
    pub orgc: Org,
    /// The TLP tag.
    #[serde(rename = "Tag")]
    pub tags: Vec<Tag>,
    /// The indicators and the link.
    #[serde(rename = "Attribute")]
    pub attributes: Vec<Attribute>,
}

/// The creating organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Org {
    #[allow(missing_docs)]
    pub name: String,
    #[allow(missing_docs)]
    pub uuid: String,
}

/// A tag (MISP's `tlp` taxonomy).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    /// e.g. `tlp:amber+strict`.
    pub name: String,
    /// The taxonomy's colour.
    pub colour: String,
    /// Always false: a feed carries only global tags.
    pub local: bool,
    /// Always empty (MISP's tag relationship, unused).
    pub relationship_type: String,
}

/// One attribute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribute {
    #[allow(missing_docs)]
    pub category: String,
    #[allow(missing_docs)]
    pub comment: String,
    /// Always false.
    pub disable_correlation: bool,
    /// Unix seconds, as a string.
    pub timestamp: String,
    /// Whether IDS rules may be made from it.
    pub to_ids: bool,
    /// The MISP attribute type.
    #[serde(rename = "type")]
    pub attribute_type: String,
    /// Deterministic from the event key, type and value.
    pub uuid: String,
    #[allow(missing_docs)]
    pub value: String,
}

impl MispEvent {
    /// The event's file name in the feed directory.
    pub fn file_name(&self) -> String {
        format!("{}.json", self.event.uuid)
    }

    /// The file's content.
    pub fn to_json_string(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The MISP `tlp` taxonomy tag of a level.
pub fn tlp_tag(tlp: Tlp) -> Tag {
    let colour = match tlp {
        Tlp::Clear => "#ffffff",
        Tlp::Green => "#339900",
        Tlp::Amber | Tlp::AmberStrict => "#FFC000",
        Tlp::Red => "#CC0033",
    };
    Tag {
        name: format!("tlp:{}", tlp.level_text()),
        colour: colour.to_string(),
        local: false,
        relationship_type: String::new(),
    }
}

/// The portal as a MISP organisation (uuid derived from its URL).
pub fn portal_org(portal: &Portal) -> Org {
    Org {
        name: portal.name.clone(),
        uuid: derived_uuid(&format!("misp/org/{}", portal.url)).to_string(),
    }
}

/// The MISP event uuid of a document key.
pub fn event_uuid(key: &str) -> String {
    derived_uuid(&format!("misp/event/{key}")).to_string()
}

/// (type, category, to_ids, comment) of an observable.
fn attribute_kind(o: &Observable) -> (&'static str, &'static str, bool, &'static str) {
    match o.kind() {
        ObservableKind::Ipv4 | ObservableKind::Ipv6 => ("ip-dst", "Network activity", true, ""),
        ObservableKind::Ipv4Net | ObservableKind::Ipv6Net => {
            ("ip-dst", "Network activity", true, "Network range")
        }
        ObservableKind::Domain => ("domain", "Network activity", true, ""),
        ObservableKind::Url => ("url", "Network activity", true, ""),
        ObservableKind::Email => ("email", "Payload delivery", true, ""),
        ObservableKind::Md5 => ("md5", "Payload delivery", true, ""),
        ObservableKind::Sha1 => ("sha1", "Payload delivery", true, ""),
        ObservableKind::Sha256 => ("sha256", "Payload delivery", true, ""),
        ObservableKind::Sha512 => ("sha512", "Payload delivery", true, ""),
        ObservableKind::Wallet => match o.wallet_chain() {
            Some("bitcoin") => ("btc", "Financial fraud", true, "Bitcoin wallet"),
            Some("monero") => ("xmr", "Financial fraud", true, "Monero wallet"),
            Some("ethereum") => ("text", "Financial fraud", false, "Ethereum wallet address"),
            _ => (
                "text",
                "Financial fraud",
                false,
                "Cryptocurrency wallet address",
            ),
        },
        ObservableKind::Cve => ("vulnerability", "External analysis", false, ""),
        ObservableKind::Malware => ("malware-type", "Payload delivery", false, "Malware family"),
    }
}

struct Builder {
    key: String,
    timestamp: String,
    attributes: Vec<Attribute>,
}

impl Builder {
    fn push(&mut self, kind: &str, category: &str, to_ids: bool, value: &str, comment: &str) {
        if self
            .attributes
            .iter()
            .any(|a| a.attribute_type == kind && a.value == value)
        {
            return;
        }
        self.attributes.push(Attribute {
            category: category.to_string(),
            comment: comment.to_string(),
            disable_correlation: false,
            timestamp: self.timestamp.clone(),
            to_ids,
            attribute_type: kind.to_string(),
            uuid: derived_uuid(&format!("misp/{}/attribute/{kind}/{value}", self.key)).to_string(),
            value: value.to_string(),
        });
    }

    fn observables(&mut self, observables: &[Observable]) {
        for o in observables {
            let (kind, category, to_ids, comment) = attribute_kind(o);
            self.push(kind, category, to_ids, o.value(), comment);
        }
    }
}

fn ymd(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

fn threat_level(severity: &str) -> u8 {
    match severity.trim().to_ascii_lowercase().as_str() {
        "critical" | "high" => 1,
        "medium" | "moderate" => 2,
        "low" => 3,
        _ => 4,
    }
}

/// One document as one MISP event.
pub fn event(portal: &Portal, input: &EventInput<'_>) -> Result<MispEvent, IntelError> {
    if portal.name.trim().is_empty() {
        return Err(IntelError::invalid("portal.name", "empty"));
    }
    let (key, info, date, modified, published, tlp, threat, url, reference) = match *input {
        EventInput::Incident(d) => (
            &d.key,
            format!("{}: {}", d.reference, d.title),
            d.occurred_on,
            d.modified,
            d.created,
            d.tlp,
            4,
            &d.url,
            format!("incident {}", d.reference),
        ),
        EventInput::Advisory(d) => (
            &d.key,
            format!("{}: {}", d.reference, d.title),
            d.published.to_offset(time::UtcOffset::UTC).date(),
            d.modified,
            d.published,
            d.tlp,
            threat_level(&d.severity),
            &d.url,
            format!("advisory {}", d.reference),
        ),
        EventInput::Analysis(d) => {
            check_hex("sha256", &d.sha256, 64)?;
            check_hex("md5", &d.md5, 32)?;
            check_hex("sha1", &d.sha1, 40)?;
            let done = d.finished.unwrap_or(d.submitted);
            (
                &d.key,
                format!("{}: analysis of {}", d.reference, d.sha256),
                d.submitted.to_offset(time::UtcOffset::UTC).date(),
                done,
                done,
                d.tlp,
                4,
                &d.url,
                format!("analysis {}", d.reference),
            )
        }
    };
    check_key("key", key)?;
    let mut b = Builder {
        key: key.clone(),
        timestamp: modified.unix_timestamp().to_string(),
        attributes: Vec::new(),
    };
    match *input {
        EventInput::Incident(d) => b.observables(&d.observables),
        EventInput::Advisory(d) => {
            b.observables(&d.observables);
            for c in &d.incident_keys {
                check_key("incident_keys", c)?;
            }
        }
        EventInput::Analysis(d) => {
            let ids = matches!(d.verdict.as_str(), "malicious" | "suspicious");
            let sample = "The analysed sample";
            b.push("md5", "Payload delivery", ids, &d.md5, sample);
            b.push("sha1", "Payload delivery", ids, &d.sha1, sample);
            b.push("sha256", "Payload delivery", ids, &d.sha256, sample);
            for f in &d.families {
                if !f.trim().is_empty() {
                    b.push(
                        "malware-type",
                        "Payload delivery",
                        false,
                        f.trim(),
                        "Malware family",
                    );
                }
            }
            b.observables(&d.observables);
        }
    }
    if !url.is_empty() {
        b.push(
            "link",
            "External analysis",
            false,
            url,
            &format!("{} on {}", reference, portal.name),
        );
    }
    Ok(MispEvent {
        event: Event {
            analysis: "2".to_string(),
            date: ymd(date),
            extends_uuid: String::new(),
            info,
            protected: false,
            publish_timestamp: published.unix_timestamp().to_string(),
            published: true,
            threat_level_id: threat.to_string(),
            timestamp: modified.unix_timestamp().to_string(),
            uuid: event_uuid(key),
            orgc: portal_org(portal),
            tags: vec![tlp_tag(tlp)],
            attributes: b.attributes,
        },
    })
}

fn number(text: &str) -> Value {
    text.parse::<i64>().map(Value::from).unwrap_or(Value::Null)
}

/// `manifest.json`: event uuid → the event's summary, as PyMISP's
/// `MISPEvent.manifest` writes it (numbers, not strings, for `analysis`,
/// `threat_level_id` and `timestamp`).
pub fn manifest(events: &[MispEvent]) -> Value {
    let mut out = Map::new();
    for e in events {
        let e = &e.event;
        out.insert(
            e.uuid.clone(),
            json!({
                "Orgc": {"name": e.orgc.name, "uuid": e.orgc.uuid},
                "Tag": e.tags.iter().map(|t| json!({
                    "name": t.name,
                    "colour": t.colour,
                    "local": t.local,
                    "relationship_type": t.relationship_type,
                })).collect::<Vec<_>>(),
                "info": e.info,
                "date": e.date,
                "analysis": number(&e.analysis),
                "threat_level_id": number(&e.threat_level_id),
                "timestamp": number(&e.timestamp),
            }),
        );
    }
    Value::Object(out)
}

/// `hashes.csv`: `md5(value),event-uuid` per attribute value, one line
/// each, composite values split on `|` as MISP does.
pub fn hashes_csv(events: &[MispEvent]) -> String {
    let mut out = String::new();
    for e in events {
        for a in &e.event.attributes {
            let parts: Vec<&str> = if a.attribute_type.contains('|') {
                a.value.split('|').collect()
            } else {
                vec![a.value.as_str()]
            };
            for p in parts {
                out.push_str(&hex::encode(Md5::digest(p.as_bytes())));
                out.push(',');
                out.push_str(&e.event.uuid);
                out.push('\n');
            }
        }
    }
    out
}

/// The time of an event's last change.
pub fn event_timestamp(event: &MispEvent) -> Option<OffsetDateTime> {
    let secs = event.event.timestamp.parse::<i64>().ok()?;
    OffsetDateTime::from_unix_timestamp(secs).ok()
}
