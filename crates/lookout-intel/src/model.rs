//! The plain input documents: what the server knows about a published
//! incident, advisory or analysis, already sanitised. Nothing here is
//! looked up later; every output is a function of these values.

use lookout_indicators::Observable;
use time::{Date, OffsetDateTime};

use crate::IntelError;

/// The portal: the one author of everything exported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Portal {
    /// Display name, e.g. "Lookout Maritime Cyber Portal".
    pub name: String,
    /// Base URL, e.g. `https://lookout.example`. Also the key of the
    /// portal's identity id, so it must not change once published.
    pub url: String,
}

/// A TLP 2.0 sharing level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tlp {
    /// TLP:CLEAR — no limit on disclosure.
    Clear,
    /// TLP:GREEN — the community.
    Green,
    /// TLP:AMBER — the recipient's organisation and its clients.
    Amber,
    /// TLP:AMBER+STRICT — the recipient's organisation only.
    AmberStrict,
    /// TLP:RED — the named recipients only.
    Red,
}

impl Tlp {
    /// Every level, least restrictive first.
    pub const ALL: [Tlp; 5] = [
        Tlp::Clear,
        Tlp::Green,
        Tlp::Amber,
        Tlp::AmberStrict,
        Tlp::Red,
    ];

    /// The portal's id for a level (`clear`, `green`, `amber`,
    /// `amber-strict`, `red`), as stored by the server.
    pub fn from_id(id: &str) -> Option<Tlp> {
        Some(match id {
            "clear" => Tlp::Clear,
            "green" => Tlp::Green,
            "amber" => Tlp::Amber,
            "amber-strict" => Tlp::AmberStrict,
            "red" => Tlp::Red,
            _ => return None,
        })
    }

    /// The inverse of [`Tlp::from_id`].
    pub fn id(self) -> &'static str {
        match self {
            Tlp::Clear => "clear",
            Tlp::Green => "green",
            Tlp::Amber => "amber",
            Tlp::AmberStrict => "amber-strict",
            Tlp::Red => "red",
        }
    }

    /// The label FIRST defines, `TLP:AMBER+STRICT` and so on.
    pub fn label(self) -> &'static str {
        match self {
            Tlp::Clear => "TLP:CLEAR",
            Tlp::Green => "TLP:GREEN",
            Tlp::Amber => "TLP:AMBER",
            Tlp::AmberStrict => "TLP:AMBER+STRICT",
            Tlp::Red => "TLP:RED",
        }
    }

    /// The level in lower case as the TLP 2.0 STIX extension and MISP's
    /// `tlp` taxonomy write it: `clear`, `amber+strict`, ...
    pub fn level_text(self) -> &'static str {
        match self {
            Tlp::Clear => "clear",
            Tlp::Green => "green",
            Tlp::Amber => "amber",
            Tlp::AmberStrict => "amber+strict",
            Tlp::Red => "red",
        }
    }
}

/// A sea area, as a STIX `location`.
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    /// The portal's code, e.g. `gulf-of-guinea`; keys the location's id.
    pub code: String,
    /// Display name, e.g. "Gulf of Guinea".
    pub name: String,
    /// Latitude of a representative point, degrees (-90..=90).
    pub lat: f64,
    /// Longitude of a representative point, degrees (-180..=180).
    pub lon: f64,
}

impl Area {
    pub(crate) fn check(&self) -> Result<(), IntelError> {
        if self.code.trim().is_empty() {
            return Err(IntelError::invalid("area.code", "empty"));
        }
        if self.name.trim().is_empty() {
            return Err(IntelError::invalid("area.name", "empty"));
        }
        if !(self.lat.is_finite() && (-90.0..=90.0).contains(&self.lat)) {
            return Err(IntelError::invalid(
                "area.lat",
                format!("{} is not a latitude", self.lat),
            ));
        }
        if !(self.lon.is_finite() && (-180.0..=180.0).contains(&self.lon)) {
            return Err(IntelError::invalid(
                "area.lon",
                format!("{} is not a longitude", self.lon),
            ));
        }
        Ok(())
    }
}

/// A published, sanitised incident.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentDoc {
    /// Stable key of every id derived from this incident, e.g.
    /// `incident/INC-2026-0042`. Never reused for another incident.
    pub key: String,
    /// The human reference, e.g. `INC-2026-0042`.
    pub reference: String,
    /// Title as published.
    pub title: String,
    /// Sanitised summary as published.
    pub summary: String,
    /// The portal's incident class id, e.g. `gnss-spoofing`.
    pub class_id: String,
    /// The class's display label.
    pub class_label: String,
    /// The first day of the period it happened in, as published: the
    /// portal publishes the month or the ISO week unless an analyst chose
    /// the exact day, and an export must never be finer than the page.
    pub occurred_on: Date,
    /// That period as the page shows it: `2026-11`, `2026-W45` or
    /// `2026-11-03`.
    pub occurred_period: String,
    /// When it was first published.
    pub created: OffsetDateTime,
    /// When it was last changed; the STIX version of every object.
    pub modified: OffsetDateTime,
    /// Sharing level.
    pub tlp: Tlp,
    /// The sea area, if disclosed.
    pub sea_area: Option<Area>,
    /// STIX `industry-sector-ov` values of the affected party, e.g.
    /// `transportation`; never the party's name.
    pub sectors: Vec<String>,
    /// Vessel type label, if disclosed.
    pub vessel_type: Option<String>,
    /// Affected systems (labels).
    pub systems: Vec<String>,
    /// Impacts as (aspect, level) labels, e.g. ("Safety", "Major").
    pub impacts: Vec<(String, String)>,
    /// Typed indicators.
    pub observables: Vec<Observable>,
    /// The reporter or their organisation: `Some` only when the report
    /// was attributed *and* the reporter agreed to be named.
    pub attributed_to: Option<String>,
    /// Whether the portal considers the incident closed (no further
    /// updates expected); STIX Incident Core `investigation_status`.
    pub closed: bool,
    /// The incident's page on the portal.
    pub url: String,
}

/// A published advisory.
#[derive(Debug, Clone, PartialEq)]
pub struct AdvisoryDoc {
    /// Stable key, e.g. `advisory/ADV-2026-0007`.
    pub key: String,
    /// Human reference, e.g. `ADV-2026-0007`.
    pub reference: String,
    /// Title.
    pub title: String,
    /// Body (Markdown source, carried as text).
    pub body: String,
    /// Recommended actions (Markdown source), may be empty.
    pub actions: String,
    /// Severity label, e.g. `high` (`critical`, `high`, `medium`, `low`
    /// also set MISP's threat level).
    pub severity: String,
    /// Revision number, 1 for the first publication.
    pub revision: i64,
    /// First written.
    pub created: OffsetDateTime,
    /// Last changed; the STIX version.
    pub modified: OffsetDateTime,
    /// Published (the report's `published`).
    pub published: OffsetDateTime,
    /// Sharing level.
    pub tlp: Tlp,
    /// Incident class ids it concerns.
    pub classes: Vec<String>,
    /// Sea areas it concerns.
    pub sea_areas: Vec<Area>,
    /// Typed indicators.
    pub observables: Vec<Observable>,
    /// Keys of the incidents it is about (as in [`IncidentDoc::key`]).
    pub incident_keys: Vec<String>,
    /// The advisory's page.
    pub url: String,
}

/// A finished malware analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalysisDoc {
    /// Stable key, e.g. `analysis/ANA-2026-0100`.
    pub key: String,
    /// Human reference.
    pub reference: String,
    /// Lower-case hex SHA-256 of the sample.
    pub sha256: String,
    /// Lower-case hex MD5 of the sample.
    pub md5: String,
    /// Lower-case hex SHA-1 of the sample.
    pub sha1: String,
    /// Detected file type label, e.g. "PE32 executable (GUI) Intel 80386".
    pub file_type: Option<String>,
    /// `malicious`, `suspicious`, `benign` or `unknown`.
    pub verdict: String,
    /// Malware families recognised.
    pub families: Vec<String>,
    /// When the sample was submitted.
    pub submitted: OffsetDateTime,
    /// When the analysis finished (absent while it runs).
    pub finished: Option<OffsetDateTime>,
    /// Sharing level.
    pub tlp: Tlp,
    /// Indicators found in the sample.
    pub observables: Vec<Observable>,
    /// The analysis page.
    pub url: String,
}

pub(crate) fn check_key(field: &'static str, key: &str) -> Result<(), IntelError> {
    if key.trim().is_empty() {
        return Err(IntelError::invalid(field, "empty"));
    }
    Ok(())
}

pub(crate) fn check_hex(field: &'static str, value: &str, len: usize) -> Result<(), IntelError> {
    if value.len() != len
        || !value
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(IntelError::invalid(
            field,
            format!("expected {len} lower-case hex digits"),
        ));
    }
    Ok(())
}
