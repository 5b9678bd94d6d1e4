//! "Seen before": what the portal already knows of a file, shown on its
//! analysis to those allowed to see it. Same content (SHA-256), similar
//! content (TLSH distance), shared indicators with earlier analyses, and
//! published incidents that name the file's hash or share an indicator.
//! Every related item is filtered by the viewer's clearance; only counts
//! of what they may not open are shown, and never who uploaded anything.

use std::collections::BTreeSet;

use lookout_analysis::{Analysis, tlsh_distance};

use super::store::{self, AnalysisRow, StoreError};
use crate::accounts::authz::{self, Capability};
use crate::accounts::model::User;
use crate::db::now;
use crate::sharing::clearance::Clearance;
use crate::state::AppState;

/// TLSH distance at or under which two files are shown as similar: under
/// about 70, files are usually variants of one another.
pub const SIMILAR_DISTANCE: i32 = 70;
/// Earlier analyses compared by fuzzy hash (newest first).
const TLSH_CANDIDATES: i64 = 5_000;

/// Domains in almost every document or program (XML namespaces,
/// certificate authorities, vendors): sharing one says nothing.
const UBIQUITOUS: &[&str] = &[
    "w3.org",
    "openxmlformats.org",
    "microsoft.com",
    "purl.org",
    "adobe.com",
    "apple.com",
    "digicert.com",
    "verisign.com",
    "symantec.com",
    "sectigo.com",
    "comodoca.com",
    "globalsign.com",
    "usertrust.com",
    "thawte.com",
    "entrust.net",
    "godaddy.com",
    "letsencrypt.org",
    "xmlsoap.org",
    "apache.org",
    "mozilla.org",
    "google.com",
    "gnu.org",
    "example.com",
];

fn ubiquitous(domain: &str) -> bool {
    UBIQUITOUS
        .iter()
        .any(|u| domain == *u || domain.ends_with(&format!(".{u}")))
}

/// The `(kind, value)` indicators worth correlating, from the file and
/// everything unpacked from it.
pub fn correlatable(analysis: &Analysis) -> Vec<(&'static str, String)> {
    let mut found = BTreeSet::new();
    collect(analysis, &mut found);
    found.into_iter().collect()
}

fn collect(analysis: &Analysis, found: &mut BTreeSet<(&'static str, String)>) {
    let i = &analysis.indicators;
    for url in &i.urls {
        let host = url::Url::parse(url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_lowercase));
        if !host.as_deref().is_some_and(ubiquitous) {
            found.insert(("url", url.clone()));
        }
    }
    for domain in i.domains.iter().filter(|d| !ubiquitous(d)) {
        found.insert(("domain", domain.clone()));
    }
    for ip in &i.ips {
        found.insert(("ip", ip.clone()));
    }
    for email in i
        .emails
        .iter()
        .filter(|e| !e.rsplit('@').next().is_some_and(ubiquitous))
    {
        found.insert(("email", email.clone()));
    }
    for wallet in &i.wallets {
        found.insert(("wallet", wallet.address.clone()));
    }
    let members = analysis
        .archive
        .iter()
        .flat_map(|a| &a.entries)
        .chain(analysis.pdf.iter().flat_map(|p| &p.embedded_files))
        .chain(analysis.office.iter().flat_map(|o| &o.embedded_files));
    for member in members {
        if let Some(inner) = &member.analysis {
            found.insert(("sha256", inner.hashes.sha256.clone()));
            collect(inner, found);
        }
    }
}

/// Who may open an analysis: its uploader and analysts always; at
/// AMBER+STRICT, their organisation; at GREEN and AMBER, members cleared
/// for the level; at RED, nobody else.
pub fn may_view(row: &AnalysisRow, user: &User, clearance: &Clearance) -> bool {
    if row.submitted_by == user.id || authz::allows(user, Capability::Triage) {
        return true;
    }
    match row.tlp.as_str() {
        "red" => false,
        "amber-strict" => row.org_id.is_some() && row.org_id == user.org_id,
        _ => clearance.allows(row.tlp_rank, row.org_id),
    }
}

/// Another analysis, as a viewer may see it listed.
pub struct Related {
    pub reference: String,
    pub created_at: i64,
    pub verdict: String,
    pub file_type: String,
}

impl Related {
    fn of(row: &AnalysisRow) -> Related {
        Related {
            reference: row.reference.clone(),
            created_at: row.created_at,
            verdict: row.verdict.clone().unwrap_or_default(),
            file_type: row.file_type.clone().unwrap_or_default(),
        }
    }
}

pub struct IncidentMatch {
    pub reference: String,
    pub title: String,
    pub shared: Vec<String>,
}

#[derive(Default)]
pub struct SeenBefore {
    pub same_file: Vec<Related>,
    /// Uploads of the same file the viewer may not open (RED ones not
    /// counted).
    pub same_file_hidden: usize,
    pub similar: Vec<(Related, i32)>,
    pub shared: Vec<(Related, Vec<String>)>,
    pub incidents: Vec<IncidentMatch>,
}

impl SeenBefore {
    pub fn is_empty(&self) -> bool {
        self.same_file.is_empty()
            && self.same_file_hidden == 0
            && self.similar.is_empty()
            && self.shared.is_empty()
            && self.incidents.is_empty()
    }
}

pub async fn find(
    state: &AppState,
    row: &AnalysisRow,
    analysis: &Analysis,
    user: &User,
    clearance: &Clearance,
) -> Result<SeenBefore, StoreError> {
    let mut seen = SeenBefore::default();
    for other in store::same_sample(&state.db, &row.sha256, row.id).await? {
        if may_view(&other, user, clearance) {
            seen.same_file.push(Related::of(&other));
        } else if other.tlp != "red" {
            // RED tells nobody anything, not even that it exists.
            seen.same_file_hidden += 1;
        }
    }

    if let Some(tlsh) = &analysis.hashes.tlsh {
        let mut similar: Vec<(Related, i32)> =
            store::with_tlsh(&state.db, &row.sha256, TLSH_CANDIDATES)
                .await?
                .iter()
                .filter(|other| may_view(other, user, clearance))
                .filter_map(|other| {
                    let distance = tlsh_distance(tlsh, other.tlsh.as_deref()?)?;
                    (distance <= SIMILAR_DISTANCE).then(|| (Related::of(other), distance))
                })
                .collect();
        similar.sort_by_key(|(_, distance)| *distance);
        similar.truncate(20);
        seen.similar = similar;
    }

    let indicators = correlatable(analysis);
    let by_lookup: std::collections::HashMap<String, String> = indicators
        .iter()
        .map(|(kind, value)| {
            (
                store::indicator_lookup(&state.key, kind, value),
                value.clone(),
            )
        })
        .collect();
    let lookups: Vec<String> = by_lookup.keys().cloned().collect();
    for (other, shared) in store::sharing_indicators(&state.db, row.id, &lookups).await? {
        if other.sha256 != row.sha256 && may_view(&other, user, clearance) {
            let values = shared
                .iter()
                .filter_map(|l| by_lookup.get(l).cloned())
                .collect();
            seen.shared.push((Related::of(&other), values));
        }
    }

    seen.incidents = incidents(state, row, &indicators, clearance).await?;
    Ok(seen)
}

/// Published incidents the viewer may read whose indicators name this
/// file's hashes or share one of its indicators.
async fn incidents(
    state: &AppState,
    row: &AnalysisRow,
    indicators: &[(&'static str, String)],
    clearance: &Clearance,
) -> Result<Vec<IncidentMatch>, StoreError> {
    let hashes = [
        ("sha256", &row.sha256),
        ("md5", &row.md5),
        ("sha1", &row.sha1),
    ];
    let wanted: Vec<(&str, String)> = hashes
        .iter()
        .map(|(kind, value)| (*kind, value.to_lowercase()))
        .chain(
            indicators
                .iter()
                .map(|(kind, value)| (*kind, value.to_lowercase())),
        )
        .collect();
    let mut found = Vec::new();
    for (reference, title, text) in
        crate::incidents::store::visible_indicators(&state.db, now(), clearance).await?
    {
        let text = lookout_indicators::refang(&text).to_lowercase();
        let mentions = lookout_indicators::extract(&text);
        // Hosts and addresses compare as parsed mentions (10.0.0.1 is not
        // in 110.0.0.15); hashes, URLs and wallets as text.
        let shared: Vec<String> = wanted
            .iter()
            .filter(|(kind, value)| match *kind {
                "domain" => mentions.domains().contains(value),
                "email" => mentions.emails().contains(value),
                "ip" => value.parse().is_ok_and(|ip| mentions.ips().contains(&ip)),
                _ => text.contains(value.as_str()),
            })
            .map(|(_, value)| value.clone())
            .collect();
        if !shared.is_empty() {
            found.push(IncidentMatch {
                reference,
                title,
                shared,
            });
        }
        if found.len() >= 20 {
            break;
        }
    }
    Ok(found)
}
