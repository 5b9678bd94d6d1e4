//! STIX export behaviour, through the public API.

#[path = "../examples/common/sample.rs"]
#[allow(dead_code)]
mod sample;

use lookout_intel::stix::{self, StixObject, tlp_marking_id};
use lookout_intel::{IntelError, Tlp};
use serde_json::{Value, json};

fn incident_bundle() -> stix::Bundle {
    let portal = sample::portal();
    stix::bundle(stix::incident_objects(&portal, &sample::incident().unwrap()).unwrap())
}

fn everything() -> stix::Bundle {
    let portal = sample::portal();
    let mut all = stix::incident_objects(&portal, &sample::incident().unwrap()).unwrap();
    all.extend(stix::advisory_objects(&portal, &sample::advisory().unwrap()).unwrap());
    all.extend(stix::analysis_objects(&portal, &sample::analysis().unwrap()).unwrap());
    stix::bundle(all)
}

fn uuid_version(id: &str) -> usize {
    let uuid = id.rsplit("--").next().unwrap();
    uuid::Uuid::parse_str(uuid).unwrap().get_version_num()
}

#[test]
fn exports_are_deterministic_and_ids_well_formed() {
    let a = everything();
    let b = everything();
    assert_eq!(a.to_json_string(), b.to_json_string());
    assert!(a.id.starts_with("bundle--"));
    for o in &a.objects {
        let (t, _) = o.id().split_once("--").unwrap();
        assert_eq!(t, o.object_type(), "{}", o.id());
        if o.object_type() != "marking-definition" {
            assert_eq!(uuid_version(o.id()), 5, "{}", o.id());
        }
        assert_eq!(o.spec_version(), "2.1");
        assert_eq!(o.to_json()["type"], o.object_type());
    }
    // A different modified time is a new version with the same ids.
    let portal = sample::portal();
    let mut doc = sample::incident().unwrap();
    doc.modified += time::Duration::hours(1);
    let c = stix::bundle(stix::incident_objects(&portal, &doc).unwrap());
    let ids = |b: &stix::Bundle| {
        b.objects
            .iter()
            .map(|o| o.id().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&c), ids(&incident_bundle()));
    assert_ne!(c.id, incident_bundle().id);
}

#[test]
fn bundle_has_each_id_once_and_round_trips() {
    let b = everything();
    let mut ids: Vec<&str> = b.objects.iter().map(|o| o.id()).collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n);
    let text = b.to_json_string();
    assert!(!text.contains('\n'), "bundles are compact");
    let back: stix::Bundle = serde_json::from_str(&text).unwrap();
    assert_eq!(back, b);
}

#[test]
fn every_object_is_marked_and_authored_by_the_portal() {
    let b = incident_bundle();
    let portal_id = stix::portal_identity_id(&sample::portal());
    let green = tlp_marking_id(Tlp::Green);
    let clear = tlp_marking_id(Tlp::Clear);
    let ids: Vec<&str> = b.objects.iter().map(|o| o.id()).collect();
    for o in &b.objects {
        if let StixObject::MarkingDefinition(_) = o {
            continue;
        }
        let v = o.to_json();
        let markings = o.marking_refs();
        if o.id() == portal_id || o.object_type() == "extension-definition" {
            assert_eq!(markings, [clear.to_string()], "{}", o.id());
        } else {
            assert_eq!(markings, [green.to_string()], "{}", o.id());
        }
        for m in markings {
            assert!(ids.contains(&m.as_str()), "marking {m} not in bundle");
        }
        if !o.is_sco() {
            assert_eq!(v["created_by_ref"], portal_id, "{}", o.id());
            assert!(o.created().is_some() && o.modified().is_some());
        } else {
            assert!(o.created().is_none() && o.modified().is_none());
        }
    }
}

#[test]
fn tlp_markings_are_the_oasis_objects() {
    let m = stix::tlp_marking(Tlp::AmberStrict).to_json();
    assert_eq!(
        m,
        json!({
            "type": "marking-definition",
            "spec_version": "2.1",
            "id": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
            "created": "2022-10-01T00:00:00.000Z",
            "name": "TLP:AMBER+STRICT",
            "extensions": {
                "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {
                    "extension_type": "property-extension",
                    "tlp_2_0": "amber+strict"
                }
            }
        })
    );
    let clear = stix::tlp_marking(Tlp::Clear).to_json();
    assert_eq!(
        clear["id"],
        "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"
    );
    assert_eq!(clear["name"], "TLP:CLEAR");
    assert_ne!(
        clear["id"],
        "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"
    );
    for t in Tlp::ALL {
        assert_eq!(Tlp::from_id(t.id()), Some(t));
        assert_eq!(stix::tlp_of_marking(tlp_marking_id(t)), Some(t));
    }
}

#[test]
fn the_reporter_is_named_only_when_attributed() {
    let portal = sample::portal();
    let mut doc = sample::incident().unwrap();
    let name = "Example Shipping Ltd";
    let named = stix::bundle(stix::incident_objects(&portal, &doc).unwrap()).to_json_string();
    assert!(named.contains(name));
    doc.attributed_to = None;
    let b = stix::bundle(stix::incident_objects(&portal, &doc).unwrap());
    let text = b.to_json_string();
    assert!(!text.contains(name), "reporter leaked: {text}");
    assert!(!text.contains("Reported by"));
    let identities: Vec<String> = b
        .objects
        .iter()
        .filter_map(|o| match o {
            StixObject::Identity(i) => Some(i.name.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        identities,
        [
            "Lookout Maritime Cyber Portal",
            "Affected party (not named)"
        ]
    );
}

#[test]
fn incident_uses_incident_core_and_related_to() {
    let b = incident_bundle();
    let incident = b
        .objects
        .iter()
        .find(|o| o.object_type() == "incident")
        .unwrap()
        .to_json();
    let ext = &incident["extensions"][stix::INCIDENT_CORE_EXTENSION_ID];
    assert_eq!(ext["extension_type"], "property-extension");
    assert_eq!(ext["determination"], "confirmed");
    assert_eq!(ext["investigation_status"], "open");
    assert_eq!(
        incident["external_references"][0]["external_id"],
        "INC-2026-0042"
    );
    assert!(
        incident["description"]
            .as_str()
            .unwrap()
            .contains("Vessel type: Container ship.")
    );
    for o in &b.objects {
        if let StixObject::Relationship(r) = o
            && r.source_ref == incident["id"]
        {
            assert_eq!(r.relationship_type, "related-to");
        }
    }
    // Every observable kind is present.
    let types: Vec<&str> = b.objects.iter().map(|o| o.object_type()).collect();
    for t in [
        "ipv4-addr",
        "ipv6-addr",
        "domain-name",
        "url",
        "email-addr",
        "file",
        "x-lookout-cryptocurrency-wallet",
        "vulnerability",
        "malware",
        "location",
        "extension-definition",
    ] {
        assert!(types.contains(&t), "missing {t}");
    }
    let patterns: Vec<Value> = b
        .objects
        .iter()
        .filter(|o| o.object_type() == "indicator")
        .map(|o| o.to_json()["pattern"].clone())
        .collect();
    assert!(patterns.contains(&json!("[ipv4-addr:value ISSUBSET '185.220.101.0/24']")));
    assert!(patterns.contains(&json!("[url:value = 'https://evil.example/it\\'s/login']")));
    assert!(patterns.contains(&json!(
        "[x-lookout-cryptocurrency-wallet:value = '0x52908400098527886e0f7030069857d2e4169ee7']"
    )));
}

#[test]
fn shared_observables_merge_to_the_most_restrictive_marking() {
    // The incident (GREEN) lists the MD5 of the sample the analysis (RED)
    // looked at: one file object, with all three hashes, marked RED.
    let b = everything();
    let files: Vec<&StixObject> = b
        .objects
        .iter()
        .filter(|o| {
            matches!(o, StixObject::File(f) if f.hashes.get("MD5").map(String::as_str) == Some("d41d8cd98f00b204e9800998ecf8427e"))
        })
        .collect();
    assert_eq!(files.len(), 1);
    let StixObject::File(f) = files[0] else {
        unreachable!()
    };
    assert_eq!(f.hashes.len(), 3);
    assert_eq!(f.object_marking_refs, [tlp_marking_id(Tlp::Red)]);
}

#[test]
fn advisory_report_refers_to_its_objects_and_incidents() {
    let portal = sample::portal();
    let objs = stix::advisory_objects(&portal, &sample::advisory().unwrap()).unwrap();
    let report = objs
        .iter()
        .find(|o| o.object_type() == "report")
        .unwrap()
        .to_json();
    let refs: Vec<&str> = report["object_refs"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(refs.contains(&stix::incident_id("incident/INC-2026-0042").as_str()));
    assert!(refs.iter().any(|r| r.starts_with("location--")));
    assert!(refs.iter().any(|r| r.starts_with("indicator--")));
    assert_eq!(report["report_types"], json!(["threat-report"]));
    assert_eq!(report["published"], "2026-11-04T11:00:00.000Z");

    let mut bare = sample::advisory().unwrap();
    bare.observables.clear();
    bare.sea_areas.clear();
    bare.incident_keys.clear();
    let objs = stix::advisory_objects(&portal, &bare).unwrap();
    let report = objs
        .iter()
        .find(|o| o.object_type() == "report")
        .unwrap()
        .to_json();
    assert_eq!(
        report["object_refs"],
        json!([stix::portal_identity_id(&portal)])
    );
}

#[test]
fn analysis_points_at_its_sample_and_families() {
    let portal = sample::portal();
    let objs = stix::analysis_objects(&portal, &sample::analysis().unwrap()).unwrap();
    let ma = objs
        .iter()
        .find(|o| o.object_type() == "malware-analysis")
        .unwrap()
        .to_json();
    assert_eq!(ma["product"], "lookout");
    assert_eq!(ma["result"], "malicious");
    let sample_ref = ma["sample_ref"].as_str().unwrap();
    assert_eq!(ma["analysis_sco_refs"][0], sample_ref);
    assert!(
        objs.iter()
            .any(|o| matches!(o, StixObject::Malware(m) if m.name == "LockBit" && m.is_family))
    );
    assert!(
        objs.iter().any(
            |o| matches!(o, StixObject::Relationship(r) if r.relationship_type == "analysis-of")
        )
    );
    assert!(
        objs.iter().any(
            |o| matches!(o, StixObject::Relationship(r) if r.relationship_type == "indicates")
        )
    );
}

#[test]
fn bad_input_is_refused() {
    let portal = sample::portal();
    let mut doc = sample::incident().unwrap();
    doc.sectors = vec!["shipping".into()];
    assert!(matches!(
        stix::incident_objects(&portal, &doc),
        Err(IntelError::InvalidInput {
            field: "sectors",
            ..
        })
    ));
    let mut doc = sample::incident().unwrap();
    doc.modified = doc.created - time::Duration::seconds(1);
    assert!(matches!(
        stix::incident_objects(&portal, &doc),
        Err(IntelError::InvalidInput {
            field: "modified",
            ..
        })
    ));
    let mut doc = sample::incident().unwrap();
    if let Some(a) = doc.sea_area.as_mut() {
        a.lat = f64::NAN;
    }
    assert!(stix::incident_objects(&portal, &doc).is_err());
    let mut a = sample::analysis().unwrap();
    a.verdict = "evil".into();
    assert!(matches!(
        stix::analysis_objects(&portal, &a),
        Err(IntelError::InvalidInput {
            field: "verdict",
            ..
        })
    ));
    let mut a = sample::analysis().unwrap();
    a.sha256 = "E3B0".into();
    assert!(stix::analysis_objects(&portal, &a).is_err());
}
