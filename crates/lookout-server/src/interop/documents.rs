//! What `lookout-intel` is given of an incident, advisory or analysis:
//! exactly what its page shows a member, never more. An incident's date is
//! its published period, its place the sea area (never a cell), its
//! reporter named only when they agreed (`named_org`).

use lookout_intel::{
    AdvisoryDoc, AnalysisDoc, Area, IncidentDoc, Observable, ObservableKind, Portal, Tlp,
};
use time::OffsetDateTime;

use crate::advisories::model::severity_label;
use crate::advisories::store::{AdvisoryRow, Revision};
use crate::analysis::store::AnalysisRow;
use crate::incidents::store::IncidentRow;
use crate::sharing::catalogue;
use crate::sharing::sea_areas;

/// The portal as the author of everything it exports. Its identity's id
/// derives from the public address, so that address must not change.
pub fn portal(public_url: &str) -> Portal {
    Portal {
        name: "Lookout".to_owned(),
        url: public_url.trim_end_matches('/').to_owned(),
    }
}

fn at(seconds: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(seconds).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn tlp(id: &str) -> Tlp {
    // An unknown level is exported as the most restricted one.
    Tlp::from_id(id).unwrap_or(Tlp::Red)
}

/// A sea area as a STIX location: its name and the middle of its outline.
pub fn area(id: &str) -> Option<Area> {
    let area = sea_areas::by_id(id)?;
    let points: Vec<[f64; 2]> = area
        .polygons
        .iter()
        .flat_map(|p| p.iter().copied())
        .collect();
    if points.is_empty() {
        return None;
    }
    let (mut west, mut east, mut south, mut north) = (180.0f64, -180.0f64, 90.0f64, -90.0f64);
    for [lon, lat] in points {
        west = west.min(lon);
        east = east.max(lon);
        south = south.min(lat);
        north = north.max(lat);
    }
    Some(Area {
        code: area.id.to_owned(),
        name: area.name.to_owned(),
        lat: (south + north) / 2.0,
        lon: (west + east) / 2.0,
    })
}

/// The typed indicators of a subject as written (not the hosts found
/// inside links, which the exports derive themselves).
fn stated(indicators: &str, prose: &str) -> Vec<Observable> {
    crate::search::indicators::of_subject(indicators, prose)
        .into_iter()
        .filter_map(|(observable, stated)| stated.then_some(observable))
        .collect()
}

/// The first day of a published period (`2026-11`, `2026-W45`,
/// `2026-11-03`).
fn period_start(period: &str) -> Option<time::Date> {
    let day = time::macros::format_description!("[year]-[month]-[day]");
    if let Ok(date) = time::Date::parse(period, day) {
        return Some(date);
    }
    if let Some((year, week)) = period.split_once("-W") {
        return time::Date::from_iso_week_date(
            year.parse().ok()?,
            week.parse().ok()?,
            time::Weekday::Monday,
        )
        .ok();
    }
    time::Date::parse(&format!("{period}-01"), day).ok()
}

pub fn incident(row: &IncidentRow, public_url: &str) -> Option<IncidentDoc> {
    let visible_from = row.visible_from?;
    let class = catalogue::class_by_id(&row.class);
    let label = |list: &'static [catalogue::Entry], id: &str| {
        catalogue::find(list, id).map(|e| e.label.to_owned())
    };
    let impacts = [
        ("Safety", &row.impact_safety),
        ("Operations", &row.impact_operations),
        ("Money", &row.impact_money),
    ]
    .into_iter()
    .filter_map(|(aspect, level)| {
        Some((aspect.to_owned(), label(catalogue::IMPACT_LEVELS, level)?))
    })
    .collect();
    let period = row.published_period.clone();
    Some(IncidentDoc {
        key: format!("incident/{}", row.reference),
        reference: row.reference.clone(),
        title: row.title.clone(),
        summary: row.summary.clone(),
        class_id: row.class.clone(),
        class_label: class.map_or_else(|| row.class.clone(), |c| c.label.to_owned()),
        occurred_on: period_start(&period)?,
        occurred_period: period,
        // The release, never the minute an analyst published it.
        created: at(visible_from),
        // Edits are known to the hour only, like everything of a report.
        modified: at(visible_from.max(row.updated_hour)),
        tlp: tlp(&row.tlp),
        sea_area: area(&row.sea_area),
        sectors: vec!["transportation".to_owned()],
        vessel_type: label(catalogue::VESSEL_TYPES, &row.vessel_type),
        systems: catalogue::stored_systems(&row.systems)
            .filter_map(|id| label(catalogue::SYSTEMS, id))
            .collect(),
        impacts,
        observables: stated(&row.indicators, ""),
        attributed_to: row.named_org.clone().filter(|name| !name.trim().is_empty()),
        closed: false,
        url: format!(
            "{}/incidents/{}",
            public_url.trim_end_matches('/'),
            row.reference
        ),
    })
}

pub fn advisory(row: &AdvisoryRow, revision: &Revision, public_url: &str) -> Option<AdvisoryDoc> {
    let published = row.published_at?;
    let content = &revision.content;
    let split =
        |text: &str| -> Vec<String> { text.split_whitespace().map(str::to_owned).collect() };
    Some(AdvisoryDoc {
        key: format!("advisory/{}", row.reference),
        reference: row.reference.clone(),
        title: content.title.clone(),
        body: content.body.clone(),
        actions: content.actions.clone(),
        severity: severity_label(content.severity).to_lowercase(),
        revision: revision.number,
        created: at(row.created_at.min(published)),
        modified: at(revision.created_at.max(published)),
        published: at(published),
        tlp: tlp(&content.tlp),
        classes: split(&content.classes),
        sea_areas: split(&content.sea_areas)
            .iter()
            .filter_map(|id| area(id))
            .collect(),
        observables: stated(
            &content.indicators,
            &format!("{}\n{}", content.body, content.actions),
        ),
        incident_keys: split(&content.incidents)
            .into_iter()
            .map(|reference| format!("incident/{reference}"))
            .collect(),
        url: format!(
            "{}/advisories/{}",
            public_url.trim_end_matches('/'),
            row.reference
        ),
    })
}

pub fn analysis(
    row: &AnalysisRow,
    result: &lookout_analysis::Analysis,
    public_url: &str,
) -> AnalysisDoc {
    let verdict = match row.verdict.as_deref() {
        Some("malicious") => "malicious",
        Some("suspicious") => "suspicious",
        Some("test_file") => "benign",
        _ => "unknown",
    };
    let observables = crate::analysis::seen::correlatable(result)
        .into_iter()
        .filter_map(|(kind, value)| {
            let kind = match kind {
                "url" => ObservableKind::Url,
                "domain" => ObservableKind::Domain,
                "email" => ObservableKind::Email,
                "wallet" => ObservableKind::Wallet,
                "sha256" => ObservableKind::Sha256,
                _ => return lookout_indicators::parse_observable(&value).ok(),
            };
            Observable::parse(kind, &value).ok()
        })
        .filter(|o| o.value() != row.sha256)
        .collect();
    AnalysisDoc {
        key: format!("analysis/{}", row.reference),
        reference: row.reference.clone(),
        sha256: row.sha256.to_ascii_lowercase(),
        md5: row.md5.to_ascii_lowercase(),
        sha1: row.sha1.to_ascii_lowercase(),
        file_type: row.file_type.clone(),
        verdict: verdict.to_owned(),
        families: Vec::new(),
        submitted: at(row.created_at),
        finished: row.finished_at.map(at),
        tlp: tlp(&row.tlp),
        observables,
        url: format!(
            "{}/analysis/{}",
            public_url.trim_end_matches('/'),
            row.reference
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_start_on_their_first_day() {
        let date = |s: &str| period_start(s).map(|d| d.to_string());
        assert_eq!(date("2026-11").as_deref(), Some("2026-11-01"));
        assert_eq!(date("2026-W45").as_deref(), Some("2026-11-02"));
        assert_eq!(date("2026-11-03").as_deref(), Some("2026-11-03"));
        assert_eq!(date("").as_deref(), None);
    }

    #[test]
    fn every_sea_area_is_a_valid_location() {
        for sea in sea_areas::all() {
            let a = area(sea.id).unwrap();
            assert!((-90.0..=90.0).contains(&a.lat) && (-180.0..=180.0).contains(&a.lon));
        }
    }
}
