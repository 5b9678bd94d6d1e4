//! Deterministic STIX identifiers.

use serde_json::{Map, Value};
use uuid::Uuid;

/// The namespace STIX 2.1 (§2.9) fixes for deterministic cyber-observable
/// ids. Reserved: nothing but SCO ids may be made in it.
pub const SCO_NAMESPACE: Uuid = uuid::uuid!("00abedb4-aa42-466c-9c01-fed23315a9b7");

/// `{object_type}--{UUIDv5(LOOKOUT_NAMESPACE, key)}` for SDOs, SROs, meta
/// objects and bundles. The object type is part of the name hashed, so two
/// objects of different types never share a UUID even from one key (the
/// specification forbids reusing a UUID across types).
pub fn sdo_id(object_type: &str, key: &str) -> String {
    let uuid = crate::derived_uuid(&format!("stix/{object_type}/{key}"));
    format!("{object_type}--{uuid}")
}

/// The STIX 2.1 deterministic id of a cyber-observable (§2.9): UUIDv5 in
/// [`SCO_NAMESPACE`] over the canonical JSON (RFC 8785) of the object's
/// id-contributing properties. `contributing` must hold exactly those
/// properties that are present (for `file`, `hashes` reduced to one hash,
/// see [`super::File::id_contributing`]).
pub fn sco_id(object_type: &str, contributing: &Map<String, Value>) -> String {
    let text = canonical_json(&Value::Object(contributing.clone()));
    let uuid = Uuid::new_v5(&SCO_NAMESPACE, text.as_bytes());
    format!("{object_type}--{uuid}")
}

/// RFC 8785 (JCS) canonical JSON for the values this crate hashes:
/// objects with keys sorted by UTF-16 code units, no whitespace, strings
/// escaped as JCS requires (which is what serde_json writes: `"`, `\` and
/// control characters only, the short forms where they exist, UTF-8
/// otherwise), integers as integers. Floats are not used in any
/// id-contributing property here and are written as serde_json does.
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                if let Some(v) = map.get(key) {
                    write_canonical(v, out);
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(v, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    // Expected ids computed independently with the OASIS python library
    // (stix2 3.0.2): stix2.IPv4Address(value="198.51.100.3").id etc.
    #[test]
    fn sco_ids_match_the_oasis_library() {
        assert_eq!(
            sco_id("ipv4-addr", &map(json!({"value": "198.51.100.3"}))),
            "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4"
        );
        assert_eq!(
            sco_id("domain-name", &map(json!({"value": "evil.example"}))),
            "domain-name--69228563-c8d2-54ae-aeca-5f4134cb59aa"
        );
        assert_eq!(
            sco_id(
                "file",
                &map(
                    json!({"hashes": {"SHA-256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}})
                )
            ),
            "file--22f8ff52-8f62-5f03-a53a-6f50f54fd74c"
        );
        assert_eq!(
            sco_id("url", &map(json!({"value": "https://evil.example/a'b\\c"}))),
            "url--25ea78e2-88cb-5b5d-9e10-5195c47ef9d0"
        );
        assert_eq!(
            sco_id("email-addr", &map(json!({"value": "\u{fc}@evil.example"}))),
            "email-addr--0aea2054-d18a-5205-98e7-9a29f26e629d"
        );
    }

    #[test]
    fn canonical_json_sorts_keys_and_has_no_whitespace() {
        let v = json!({"b": 1, "a": {"d": "x\"y", "c": [1, 2]}});
        assert_eq!(canonical_json(&v), r#"{"a":{"c":[1,2],"d":"x\"y"},"b":1}"#);
    }

    #[test]
    fn sdo_ids_are_v5_and_typed() {
        let a = sdo_id("incident", "incident/INC-1");
        let b = sdo_id("indicator", "incident/INC-1");
        assert!(a.starts_with("incident--"));
        assert_ne!(
            a[10..],
            b[11..],
            "one key must not give one UUID to two types"
        );
        let uuid = Uuid::parse_str(&a[10..]).unwrap();
        assert_eq!(uuid.get_version_num(), 5);
        assert_eq!(a, sdo_id("incident", "incident/INC-1"));
    }
}
