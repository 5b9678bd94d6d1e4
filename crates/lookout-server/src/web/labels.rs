//! Words and tags templates show for stored ids and figures: one trait
//! every page implements (`impl Labels for MyPage {}`), so templates of
//! any feature name vocabulary the same way.

use crate::sharing::{catalogue, clearance, sea_areas};

pub trait Labels {
    fn when(&self, secs: &i64) -> String {
        super::templates::format_time(secs)
    }
    fn status_label(&self, id: &str) -> &'static str {
        catalogue::status_label(id)
    }
    fn statuses(&self) -> &'static [(&'static str, &'static str)] {
        &catalogue::STATUSES
    }
    fn class_label(&self, id: &str) -> &'static str {
        catalogue::class_by_id(id).map_or("?", |c| c.label)
    }
    fn entry(&self, list: &str, id: &str) -> &'static str {
        let list = match list {
            "vessel_type" => catalogue::VESSEL_TYPES,
            "vessel_size" => catalogue::VESSEL_SIZES,
            "impact" => catalogue::IMPACT_LEVELS,
            "tlp" => catalogue::TLP_LEVELS,
            _ => catalogue::SYSTEMS,
        };
        catalogue::find(list, id).map_or("?", |e| e.label)
    }
    fn area(&self, id: &str) -> &'static str {
        sea_areas::by_id(id).map_or("?", |a| a.name)
    }
    fn tlp_tag(&self, id: &str) -> String {
        clearance::tlp_tag(id)
    }
    /// The badge classes of a TLP level, in FIRST's TLP 2.0 colours.
    fn tlp_class(&self, id: &str) -> &'static str {
        match id {
            "red" => "tlp tlp-red",
            "amber" | "amber-strict" => "tlp tlp-amber",
            "green" => "tlp tlp-green",
            _ => "tlp tlp-clear",
        }
    }
    /// Who may read a level, without its name ("members' organisations,
    /// need to know"), for beside its badge.
    fn tlp_meaning(&self, id: &str) -> &'static str {
        let label = self.tlp_label(id);
        label
            .split_once(" — ")
            .map_or(label, |(_, meaning)| meaning)
    }
    fn tlp_label(&self, id: &str) -> &'static str {
        catalogue::find(catalogue::TLP_LEVELS, id).map_or("", |e| e.label)
    }
    fn system_labels(&self, systems: &str) -> String {
        catalogue::stored_systems(systems)
            .map(|s| self.entry("systems", s))
            .collect::<Vec<_>>()
            .join(", ")
    }
    fn size(&self, bytes: &i64) -> String {
        size_text(u64::try_from(*bytes).unwrap_or(0))
    }
    fn bytes(&self, bytes: &u64) -> String {
        size_text(*bytes)
    }
}

/// A file size in the one unit family the portal uses: bytes, KiB, MiB.
pub fn size_text(bytes: u64) -> String {
    if bytes < 1024 {
        format!("{bytes} bytes")
    } else if bytes >= 1024 * 1024 {
        format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KiB", bytes.div_ceil(1024))
    }
}
