//! Typed indicators: every published incident and advisory keeps its
//! indicators as canonical values (`indicator_index`), beside its search
//! document, so "have we seen 185.220.101.4?" is an indexed look-up that
//! finds it however it was typed. Who may see a hit is the search
//! document's rule; analyses are found through their own keyed index
//! (`analysis_indicators`) and their own rule.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use ipnet::IpNet;
use lookout_indicators::{Observable, ObservableKind};

use crate::analysis::{seen as analysis_seen, store as analysis_store};
use crate::db::{Tx, now};
use crate::forum::access::Reader;
use crate::state::AppState;
use crate::web::AppError;

/// Most places one look-up lists; the count and the dates cover more.
pub const MAX_LISTED: usize = 100;
/// Most rows a look-up reads to count and date.
const MAX_READ: i64 = 5_000;

/// The typed indicators of a subject: everything in its indicators field,
/// and from its prose only CVE identifiers (an advisory's body names the
/// flaw to patch; its other domains are vendors' and references').
/// Hosts of URLs and e-mail addresses come too, as not stated, so that a
/// domain finds the phishing link that used it.
pub fn of_subject(indicators: &str, prose: &str) -> Vec<(Observable, bool)> {
    let mut stated: BTreeSet<Observable> = lookout_indicators::extract(indicators)
        .observables()
        .into_iter()
        .collect();
    stated.extend(
        lookout_indicators::extract(prose)
            .observables()
            .into_iter()
            .filter(|o| o.kind() == ObservableKind::Cve),
    );
    let hosts: BTreeSet<Observable> = stated
        .iter()
        .filter(|o| o.kind() != ObservableKind::Domain)
        .filter_map(|o| Observable::parse(ObservableKind::Domain, o.host()?).ok())
        .filter(|host| !stated.contains(host))
        .collect();
    stated
        .into_iter()
        .map(|o| (o, true))
        .chain(hosts.into_iter().map(|o| (o, false)))
        .collect()
}

/// Puts a subject's indicators in the index, replacing what it held.
pub(super) async fn replace(
    tx: &mut Tx,
    subject_kind: &str,
    subject_id: i64,
    found: &[(Observable, bool)],
    seen_at: i64,
) -> Result<(), sqlx::Error> {
    clear(tx, subject_kind, subject_id).await?;
    for (observable, stated) in found {
        sqlx::query(
            "INSERT INTO indicator_index (subject_kind, subject_id, kind, match_value, value, \
             stated, seen_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
        )
        .bind(subject_kind)
        .bind(subject_id)
        .bind(observable.kind().id())
        .bind(observable.match_text())
        .bind(observable.value())
        .bind(i64::from(*stated))
        .bind(seen_at)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

pub(super) async fn clear(
    tx: &mut Tx,
    subject_kind: &str,
    subject_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM indicator_index WHERE subject_kind = $1 AND subject_id = $2")
        .bind(subject_kind)
        .bind(subject_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// One place an indicator was seen that the reader may open.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct SeenIn {
    /// `incident`, `advisory` or `analysis`.
    pub kind: String,
    /// The page, from the portal's root.
    pub path: String,
    pub title: String,
    /// When it was seen there, in seconds since 1970: an incident's
    /// release (never finer than its report allows), an advisory's
    /// publication, an analysis's end.
    pub seen_at: i64,
}

/// What the portal knows of one indicator, as one reader may see it.
#[derive(Debug, Clone)]
pub struct Found {
    pub observable: Observable,
    /// Newest first, at most [`MAX_LISTED`].
    pub seen_in: Vec<SeenIn>,
    /// How many places in all (at most the rows read).
    pub total: usize,
    pub first_seen: Option<i64>,
    pub last_seen: Option<i64>,
}

/// The `(kind, match_value)` pairs that carry `observable`: the value
/// itself and, for an address or range, every range an indicator may be
/// that holds it.
fn match_keys(observable: &Observable) -> Vec<(&'static str, String)> {
    let mut keys = vec![(observable.kind().id(), observable.match_text())];
    if let Some(net) = observable.ip_net() {
        let (kind, min) = match net {
            IpNet::V4(_) => (ObservableKind::Ipv4Net, 8),
            IpNet::V6(_) => (ObservableKind::Ipv6Net, 16),
        };
        for prefix in min..net.prefix_len() {
            if let Ok(wider) = IpNet::new(net.addr(), prefix) {
                keys.push((kind.id(), wider.trunc().to_string()));
            }
        }
    }
    keys
}

/// Every incident, advisory and analysis the reader may open that carries
/// `observable`, with the first and last time it was seen.
pub async fn look_up(
    state: &AppState,
    reader: &Reader,
    observable: &Observable,
) -> Result<Found, AppError> {
    let keys = match_keys(observable);
    let mut condition = String::new();
    for (i, _) in keys.iter().enumerate() {
        if i > 0 {
            condition.push_str(" OR ");
        }
        let _ = write!(
            condition,
            "(i.kind = ${} AND i.match_value = ${})",
            4 + 2 * i,
            5 + 2 * i
        );
    }
    let sql = format!(
        "SELECT d.kind, d.path, d.title, MAX(i.seen_at) AS seen_at FROM indicator_index i \
         JOIN search_documents d ON d.kind = i.subject_kind AND d.subject_id = i.subject_id \
         WHERE ({condition}) AND ((d.kind = 'advisory' AND d.tlp_rank <= $1) \
         OR (d.kind = 'incident' AND d.visible_from <= $3 AND (d.tlp_rank <= $1 OR d.org_id = $2))) \
         GROUP BY d.kind, d.path, d.title ORDER BY seen_at DESC LIMIT {MAX_READ}"
    );
    let mut query = sqlx::query_as::<_, SeenIn>(sqlx::AssertSqlSafe(sql))
        .bind(reader.clearance.max_rank)
        .bind(reader.clearance.org_id.unwrap_or(-1))
        .bind(now());
    for (kind, value) in &keys {
        query = query.bind(*kind).bind(value.as_str());
    }
    let mut seen_in = query.fetch_all(&state.db.pool).await?;
    seen_in.extend(in_analyses(state, reader, observable).await?);
    seen_in.sort_by(|a, b| b.seen_at.cmp(&a.seen_at).then_with(|| a.path.cmp(&b.path)));
    let first_seen = seen_in.iter().map(|s| s.seen_at).min();
    let last_seen = seen_in.iter().map(|s| s.seen_at).max();
    let total = seen_in.len();
    seen_in.truncate(MAX_LISTED);
    Ok(Found {
        observable: observable.clone(),
        seen_in,
        total,
        first_seen,
        last_seen,
    })
}

/// [`look_up`] for a member known only by their account (the API).
pub async fn look_up_for(
    state: &AppState,
    user: &crate::accounts::model::User,
    observable: &Observable,
) -> Result<Found, AppError> {
    let reader = Reader::of(&state.db, user).await?;
    look_up(state, &reader, observable).await
}

/// Finished analyses that found `observable` (or are of that file), which
/// the reader may open.
async fn in_analyses(
    state: &AppState,
    reader: &Reader,
    observable: &Observable,
) -> Result<Vec<SeenIn>, AppError> {
    let value = observable.value();
    let rows = match observable.kind() {
        ObservableKind::Md5 | ObservableKind::Sha1 | ObservableKind::Sha256 => {
            let column = match observable.kind() {
                ObservableKind::Md5 => "md5",
                ObservableKind::Sha1 => "sha1",
                _ => "sha256",
            };
            let mut rows = analysis_store::with_hash(&state.db, column, value)
                .await
                .map_err(AppError::internal)?;
            if observable.kind() == ObservableKind::Sha256 {
                rows.extend(
                    analysis_store::with_indicator(&state.db, &state.key, "sha256", value)
                        .await
                        .map_err(AppError::internal)?,
                );
            }
            rows
        }
        kind => {
            let Some(analysis_kind) = (match kind {
                ObservableKind::Ipv4 | ObservableKind::Ipv6 => Some("ip"),
                ObservableKind::Domain => Some("domain"),
                ObservableKind::Url => Some("url"),
                ObservableKind::Email => Some("email"),
                ObservableKind::Wallet => Some("wallet"),
                _ => None,
            }) else {
                return Ok(Vec::new());
            };
            analysis_store::with_indicator(&state.db, &state.key, analysis_kind, value)
                .await
                .map_err(AppError::internal)?
        }
    };
    let mut seen = BTreeSet::new();
    Ok(rows
        .into_iter()
        .filter(|row| row.state == "done" && seen.insert(row.id))
        .filter(|row| analysis_seen::may_view(row, &reader.user, &reader.clearance))
        .map(|row| SeenIn {
            kind: "analysis".to_owned(),
            path: format!("/analysis/{}", row.reference),
            title: format!(
                "Analysis of a {} file",
                row.file_type.as_deref().unwrap_or("submitted")
            ),
            seen_at: row.finished_at.unwrap_or(row.created_at),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(input: &str) -> Vec<(&'static str, String)> {
        match_keys(&lookout_indicators::parse_observable(input).unwrap())
    }

    #[test]
    fn an_address_is_found_in_the_ranges_that_hold_it() {
        let found = keys("185.220.101.4");
        assert_eq!(found[0], ("ipv4", "185.220.101.4".to_owned()));
        assert!(found.contains(&("ipv4-net", "185.220.101.0/24".to_owned())));
        assert!(found.contains(&("ipv4-net", "185.0.0.0/8".to_owned())));
        assert_eq!(found.len(), 1 + 24);
        let range = keys("185.220.101.0/24");
        assert!(range.contains(&("ipv4-net", "185.220.0.0/16".to_owned())));
        assert!(!range.iter().any(|(k, _)| *k == "ipv4"));
        assert_eq!(keys("LockBit"), [("malware", "lockbit".to_owned())]);
    }

    #[test]
    fn hosts_of_links_are_found_but_not_stated() {
        let found = of_subject(
            "hxxps://login.evil[.]example/x and billing@evil.example, evil.example",
            "Patch CVE-2024-3400 as https://vendor.example/advice says.",
        );
        let shown: Vec<(&str, &str, bool)> = found
            .iter()
            .map(|(o, stated)| (o.kind().id(), o.value(), *stated))
            .collect();
        assert_eq!(
            shown,
            [
                ("domain", "evil.example", true),
                ("url", "https://login.evil.example/x", true),
                ("email", "billing@evil.example", true),
                ("cve", "CVE-2024-3400", true),
                ("domain", "login.evil.example", false),
            ]
        );
    }
}
