//! Sample documents shared by the examples: one incident with every
//! observable kind, one advisory and one analysis.

use lookout_intel::{
    AdvisoryDoc, AnalysisDoc, Area, IncidentDoc, Observable, ObservableKind, Portal, Tlp,
};
use time::macros::{date, datetime};

pub fn portal() -> Portal {
    Portal {
        name: "Lookout Maritime Cyber Portal".into(),
        url: "https://lookout.example".into(),
    }
}

fn obs(kind: ObservableKind, value: &str) -> Result<Observable, String> {
    Observable::parse(kind, value).map_err(|e| format!("{value}: {e}"))
}

/// One observable of every kind, including both ranges and all three chains.
pub fn every_observable() -> Result<Vec<Observable>, String> {
    use ObservableKind::*;
    Ok(vec![
        obs(Ipv4, "185.220.101.4")?,
        obs(Ipv6, "2001:db8::1")?,
        obs(Ipv4Net, "185.220.101.0/24")?,
        obs(Ipv6Net, "2001:db8::/32")?,
        obs(Domain, "evil.example")?,
        obs(Url, "https://evil.example/it's/login")?,
        obs(Email, "billing@evil.example")?,
        obs(Md5, "d41d8cd98f00b204e9800998ecf8427e")?,
        obs(Sha1, "da39a3ee5e6b4b0d3255bfef95601890afd80709")?,
        obs(
            Sha256,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        )?,
        obs(
            Sha512,
            "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
        )?,
        obs(Wallet, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")?,
        obs(Wallet, "0x52908400098527886E0F7030069857D2E4169EE7")?,
        obs(
            Wallet,
            "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A",
        )?,
        obs(Cve, "CVE-2024-3400")?,
        obs(Malware, "LockBit")?,
    ])
}

pub fn gulf_of_guinea() -> Area {
    Area {
        code: "gulf-of-guinea".into(),
        name: "Gulf of Guinea".into(),
        lat: 2.0,
        lon: 4.0,
    }
}

pub fn incident() -> Result<IncidentDoc, String> {
    Ok(IncidentDoc {
        key: "incident/INC-2026-0042".into(),
        reference: "INC-2026-0042".into(),
        title: "Ransomware on the crew network of a container ship".into(),
        summary: "Crew PCs were encrypted after a phishing e-mail; navigation was not affected."
            .into(),
        class_id: "malicious-code".into(),
        class_label: "Malicious code".into(),
        occurred_on: date!(2026 - 10 - 01),
        occurred_period: "2026-10".into(),
        created: datetime!(2026-11-02 08:00:00 UTC),
        modified: datetime!(2026-11-03 09:30:00.250 UTC),
        tlp: Tlp::Green,
        sea_area: Some(gulf_of_guinea()),
        sectors: vec!["transportation".into()],
        vessel_type: Some("Container ship".into()),
        systems: vec!["Ship IT (office PCs, crew network)".into(), "Email".into()],
        impacts: vec![
            ("Safety".into(), "None".into()),
            ("Operations".into(), "Minor".into()),
        ],
        observables: every_observable()?,
        attributed_to: Some("Example Shipping Ltd (named with consent)".into()),
        closed: false,
        url: "https://lookout.example/incidents/INC-2026-0042".into(),
    })
}

pub fn advisory() -> Result<AdvisoryDoc, String> {
    Ok(AdvisoryDoc {
        key: "advisory/ADV-2026-0007".into(),
        reference: "ADV-2026-0007".into(),
        title: "LockBit affiliates phishing ship operators".into(),
        body: "Several operators reported **phishing** leading to ransomware.".into(),
        actions: "- Block the listed domains.\n- Check crew PCs for the listed hashes.".into(),
        severity: "high".into(),
        revision: 2,
        created: datetime!(2026-11-04 10:00:00 UTC),
        modified: datetime!(2026-11-05 12:00:00 UTC),
        published: datetime!(2026-11-04 11:00:00 UTC),
        tlp: Tlp::AmberStrict,
        classes: vec!["malicious-code".into(), "fraud".into()],
        sea_areas: vec![gulf_of_guinea()],
        observables: vec![
            obs(ObservableKind::Domain, "evil.example")?,
            obs(ObservableKind::Ipv4, "185.220.101.4")?,
            obs(ObservableKind::Md5, "d41d8cd98f00b204e9800998ecf8427e")?,
            obs(ObservableKind::Cve, "CVE-2024-3400")?,
            obs(ObservableKind::Malware, "LockBit")?,
        ],
        incident_keys: vec!["incident/INC-2026-0042".into()],
        url: "https://lookout.example/advisories/ADV-2026-0007".into(),
    })
}

pub fn analysis() -> Result<AnalysisDoc, String> {
    Ok(AnalysisDoc {
        key: "analysis/ANA-2026-0100".into(),
        reference: "ANA-2026-0100".into(),
        sha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855".into(),
        md5: "d41d8cd98f00b204e9800998ecf8427e".into(),
        sha1: "da39a3ee5e6b4b0d3255bfef95601890afd80709".into(),
        file_type: Some("PE32 executable (GUI) Intel 80386".into()),
        verdict: "malicious".into(),
        families: vec!["LockBit".into()],
        submitted: datetime!(2026-11-01 07:00:00 UTC),
        finished: Some(datetime!(2026-11-01 07:05:00 UTC)),
        tlp: Tlp::Red,
        observables: vec![
            obs(ObservableKind::Domain, "c2.evil.example")?,
            obs(ObservableKind::Url, "http://c2.evil.example/gate.php")?,
        ],
        url: "https://lookout.example/analysis/ANA-2026-0100".into(),
    })
}
