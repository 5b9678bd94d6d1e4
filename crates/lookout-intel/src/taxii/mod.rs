//! TAXII 2.1 resource bodies, query filters and paging tokens.
//!
//! The server does HTTP, authentication and SQL; this module gives it the
//! JSON bodies (field names and optionality as in TAXII 2.1 OS §4–§5), the
//! parser of the filtering query parameters ([`Filter`]) and a stateless,
//! signed `next` token ([`Cursor`]).

mod cursor;
mod filter;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;

use crate::stix::StixObject;
use crate::timefmt::taxii_ts;

pub use cursor::{Cursor, MIN_KEY_LEN};
pub use filter::{Filter, VersionMatch};

/// The media type of TAXII resources.
pub const MEDIA_TYPE_TAXII: &str = "application/taxii+json;version=2.1";
/// The media type of STIX content, as a collection's `media_types` lists it.
pub const MEDIA_TYPE_STIX: &str = "application/stix+json;version=2.1";

/// Parses a TAXII timestamp (RFC 3339, any precision) into UTC.
pub fn parse_timestamp(text: &str) -> Result<OffsetDateTime, crate::IntelError> {
    crate::timefmt::parse_rfc3339(text)
}

/// Formats a TAXII timestamp with microseconds, as `date_added` and the
/// `X-TAXII-Date-Added-First`/`-Last` headers need.
pub fn format_timestamp(t: OffsetDateTime) -> String {
    crate::taxii_timestamp(t)
}

/// Server discovery (`GET /taxii2/`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discovery {
    #[allow(missing_docs)]
    pub title: String,
    #[allow(missing_docs)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[allow(missing_docs)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    /// The default API root's URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// URLs of the API roots.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub api_roots: Vec<String>,
}

/// An API root's information (`GET {api-root}/`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiRoot {
    #[allow(missing_docs)]
    pub title: String,
    #[allow(missing_docs)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// TAXII versions supported, e.g. [`MEDIA_TYPE_TAXII`].
    pub versions: Vec<String>,
    /// Largest request body accepted, in bytes.
    pub max_content_length: u64,
}

/// One collection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Collection {
    /// A UUID (not a STIX id).
    pub id: String,
    #[allow(missing_docs)]
    pub title: String,
    #[allow(missing_docs)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[allow(missing_docs)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// Whether the requester may read objects.
    pub can_read: bool,
    /// Whether the requester may add objects.
    pub can_write: bool,
    /// e.g. [`MEDIA_TYPE_STIX`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub media_types: Vec<String>,
}

/// The collections resource (`GET {api-root}/collections/`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Collections {
    /// Absent when the requester may see none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub collections: Vec<Collection>,
}

/// A page of objects (`GET .../objects/`, `.../objects/{id}/`).
///
/// Generic so a server that keeps each object's JSON as stored can serve
/// `Envelope<serde_json::Value>` without re-typing it; the default is
/// [`StixObject`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope<T = StixObject> {
    /// Whether more pages follow.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub more: bool,
    /// The token for the next page (see [`Cursor`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// The objects; absent when there are none.
    #[serde(default = "Vec::new", skip_serializing_if = "Vec::is_empty")]
    pub objects: Vec<T>,
}

impl<T> Default for Envelope<T> {
    fn default() -> Self {
        Envelope {
            more: false,
            next: None,
            objects: Vec::new(),
        }
    }
}

/// One manifest entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestRecord {
    /// The object's id.
    pub id: String,
    /// When the server added this version (microseconds).
    #[serde(with = "taxii_ts")]
    pub date_added: OffsetDateTime,
    /// The object's `modified` (or `created`, or for SCOs the time added),
    /// as the STIX timestamp text.
    pub version: String,
    /// e.g. [`MEDIA_TYPE_STIX`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
}

impl ManifestRecord {
    /// The record of an object added at `date_added`: its version is
    /// [`StixObject::version`], or `date_added` for an SCO.
    pub fn of(object: &StixObject, date_added: OffsetDateTime) -> ManifestRecord {
        ManifestRecord {
            id: object.id().to_string(),
            date_added,
            version: crate::stix_timestamp(object.version().unwrap_or(date_added)),
            media_type: Some(MEDIA_TYPE_STIX.to_string()),
        }
    }
}

/// The manifest resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Manifest {
    #[allow(missing_docs)]
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub more: bool,
    #[allow(missing_docs)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    #[allow(missing_docs)]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub objects: Vec<ManifestRecord>,
}

/// The versions of one object (`GET .../objects/{id}/versions/`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Versions {
    #[allow(missing_docs)]
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub more: bool,
    #[allow(missing_docs)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// STIX timestamp texts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
}

/// One object's outcome in a [`Status`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusDetails {
    #[allow(missing_docs)]
    pub id: String,
    #[allow(missing_docs)]
    pub version: String,
    #[allow(missing_docs)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// `complete` or `pending`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum StatusState {
    Complete,
    Pending,
}

/// The status of an add-objects request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    #[allow(missing_docs)]
    pub id: String,
    #[allow(missing_docs)]
    pub status: StatusState,
    #[allow(missing_docs)]
    #[serde(
        default,
        with = "taxii_ts_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub request_timestamp: Option<OffsetDateTime>,
    #[allow(missing_docs)]
    pub total_count: u64,
    #[allow(missing_docs)]
    pub success_count: u64,
    #[allow(missing_docs)]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub successes: Vec<StatusDetails>,
    #[allow(missing_docs)]
    pub failure_count: u64,
    #[allow(missing_docs)]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<StatusDetails>,
    #[allow(missing_docs)]
    pub pending_count: u64,
    #[allow(missing_docs)]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pendings: Vec<StatusDetails>,
}

/// The error message body TAXII sends with 4xx/5xx.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Error {
    #[allow(missing_docs)]
    pub title: String,
    #[allow(missing_docs)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[allow(missing_docs)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_id: Option<String>,
    #[allow(missing_docs)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// The HTTP status as a string, as TAXII 2.1 defines it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<String>,
    #[allow(missing_docs)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_details: Option<String>,
    #[allow(missing_docs)]
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub details: BTreeMap<String, Value>,
}

impl Error {
    /// A 400 body for a refused query parameter or token.
    pub fn bad_request(err: &crate::IntelError) -> Error {
        Error {
            title: "Bad request".to_string(),
            description: Some(err.to_string()),
            error_id: None,
            error_code: None,
            http_status: Some("400".to_string()),
            external_details: None,
            details: BTreeMap::new(),
        }
    }
}

mod taxii_ts_opt {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::OffsetDateTime;

    pub fn serialize<S: Serializer>(t: &Option<OffsetDateTime>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(&crate::taxii_timestamp(*t)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<OffsetDateTime>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|t| crate::timefmt::parse_rfc3339(&t).map_err(serde::de::Error::custom))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn empty_envelope_is_an_empty_object() {
        assert_eq!(
            serde_json::to_string(&Envelope::<StixObject>::default()).unwrap(),
            "{}"
        );
        let page = Envelope {
            more: true,
            next: Some("abc".into()),
            objects: vec![crate::stix::tlp_marking(crate::Tlp::Red)],
        };
        let text = serde_json::to_string(&page).unwrap();
        assert!(
            text.starts_with(
                r#"{"more":true,"next":"abc","objects":[{"type":"marking-definition""#
            )
        );
        let raw: Envelope<Value> = serde_json::from_str(&text).unwrap();
        assert_eq!(raw.objects[0]["name"], "TLP:RED");
    }

    #[test]
    fn manifest_records_use_microseconds_for_date_added() {
        let obj = crate::stix::tlp_marking(crate::Tlp::Green);
        let rec = ManifestRecord::of(&obj, datetime!(2026-11-02 08:00:00.000123 UTC));
        let v = serde_json::to_value(&rec).unwrap();
        assert_eq!(v["date_added"], "2026-11-02T08:00:00.000123Z");
        assert_eq!(v["version"], "2022-10-01T00:00:00.000Z");
        assert_eq!(v["media_type"], MEDIA_TYPE_STIX);
    }

    #[test]
    fn status_round_trips() {
        let s = Status {
            id: "2d086da7-4bdc-4f91-900e-d77486753710".into(),
            status: StatusState::Complete,
            request_timestamp: Some(datetime!(2026-11-02 08:00:00 UTC)),
            total_count: 1,
            success_count: 1,
            successes: vec![StatusDetails {
                id: "indicator--x".into(),
                version: "2026-11-02T08:00:00.000Z".into(),
                message: None,
            }],
            failure_count: 0,
            failures: vec![],
            pending_count: 0,
            pendings: vec![],
        };
        let text = serde_json::to_string(&s).unwrap();
        assert!(text.contains(r#""status":"complete""#));
        assert!(text.contains(r#""request_timestamp":"2026-11-02T08:00:00.000000Z""#));
        assert_eq!(serde_json::from_str::<Status>(&text).unwrap(), s);
    }

    #[test]
    fn error_body_carries_http_status_as_text() {
        let e = Error::bad_request(&crate::IntelError::TokenExpired);
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["http_status"], "400");
        assert_eq!(v["description"], "paging token expired");
    }
}
