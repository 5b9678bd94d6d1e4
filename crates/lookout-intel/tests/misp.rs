//! MISP feed behaviour, through the public API.

#[path = "../examples/common/sample.rs"]
#[allow(dead_code)]
mod sample;

use lookout_intel::misp::{self, EventInput};
use md5::{Digest, Md5};

#[test]
fn incident_event_maps_every_kind() {
    let portal = sample::portal();
    let doc = sample::incident().unwrap();
    let e = misp::event(&portal, &EventInput::Incident(&doc)).unwrap();
    assert_eq!(
        e,
        misp::event(&portal, &EventInput::Incident(&doc)).unwrap()
    );
    assert_eq!(e.event.uuid, misp::event_uuid("incident/INC-2026-0042"));
    assert_eq!(e.file_name(), format!("{}.json", e.event.uuid));
    assert_eq!(e.event.tags[0].name, "tlp:green");
    assert_eq!(e.event.date, "2026-10-01");
    assert_eq!(e.event.orgc.name, "Lookout Maritime Cyber Portal");
    let kind = |v: &str| {
        e.event
            .attributes
            .iter()
            .find(|a| a.value == v)
            .map(|a| (a.attribute_type.as_str(), a.category.as_str(), a.to_ids))
    };
    assert_eq!(
        kind("185.220.101.0/24"),
        Some(("ip-dst", "Network activity", true))
    );
    assert_eq!(
        kind("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"),
        Some(("btc", "Financial fraud", true))
    );
    assert_eq!(
        kind("0x52908400098527886e0f7030069857d2e4169ee7"),
        Some(("text", "Financial fraud", false))
    );
    assert_eq!(
        kind("CVE-2024-3400"),
        Some(("vulnerability", "External analysis", false))
    );
    assert_eq!(
        kind("LockBit"),
        Some(("malware-type", "Payload delivery", false))
    );
    assert_eq!(
        kind("billing@evil.example"),
        Some(("email", "Payload delivery", true))
    );
    // The reporter never appears in MISP output.
    assert!(!e.to_json_string().contains("Example Shipping"));
    let v: serde_json::Value = serde_json::from_str(&e.to_json_string()).unwrap();
    assert_eq!(v["Event"]["timestamp"], "1793698200"); // 2026-11-03T09:30:00Z
    assert_eq!(v["Event"]["threat_level_id"], "4");
}

#[test]
fn manifest_and_hashes_follow_pymisp() {
    let portal = sample::portal();
    let adv = sample::advisory().unwrap();
    let e = misp::event(&portal, &EventInput::Advisory(&adv)).unwrap();
    let m = misp::manifest(std::slice::from_ref(&e));
    let entry = &m[&e.event.uuid];
    assert_eq!(entry["threat_level_id"], 1, "severity high");
    assert_eq!(entry["analysis"], 2);
    assert_eq!(
        entry["timestamp"],
        e.event.timestamp.parse::<i64>().unwrap()
    );
    assert_eq!(entry["Tag"][0]["name"], "tlp:amber+strict");

    let csv = misp::hashes_csv(std::slice::from_ref(&e));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), e.event.attributes.len());
    let want = format!(
        "{},{}",
        hex::encode(Md5::digest(b"evil.example")),
        e.event.uuid
    );
    assert!(lines.contains(&want.as_str()), "{csv}");
}
