//! A report as the reporter fills it in, and its validation.

use serde::{Deserialize, Serialize};

use crate::sharing::catalogue::{
    self, IMPACT_LEVELS, SYSTEMS, TLP_LEVELS, VESSEL_SIZES, VESSEL_TYPES,
};

/// Who the reporter is to the portal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Member and organisation stored, visible to analysts.
    Attributed,
    /// Identity stored only sealed to the analysts' keys; each opening is
    /// audited and shown to the reporter. Follow-up by receipt code.
    Confidential,
    /// No identity stored at all; follow-up by receipt code.
    Anonymous,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Attributed => "attributed",
            Mode::Confidential => "confidential",
            Mode::Anonymous => "anonymous",
        }
    }

    pub fn parse(text: &str) -> Option<Mode> {
        [Mode::Attributed, Mode::Confidential, Mode::Anonymous]
            .into_iter()
            .find(|m| m.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Mode::Attributed => "Attributed",
            Mode::Confidential => "Confidential",
            Mode::Anonymous => "Anonymous",
        }
    }
}

/// Exactly what the reporter typed; every field a string so a form with
/// mistakes comes back whole.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ReportForm {
    pub mode: String,
    pub class: String,
    pub discovered_on: String,
    pub discovered_time: String,
    pub systems: Vec<String>,
    pub vessel_type: String,
    pub vessel_size: String,
    pub sea_area: String,
    pub position: String,
    pub impact_safety: String,
    pub impact_operations: String,
    pub impact_money: String,
    pub narrative: String,
    pub indicators: String,
    pub tlp: String,
    pub share_name: bool,
    /// Words or phrases the reporter asks to remove, one a line (preview).
    /// Never stored.
    pub scrub_terms: String,
    /// A membership token (anonymous reports only): checked and recorded
    /// spent by fingerprint, never stored with the report.
    pub membership_token: String,
    /// Keep only the cleaned copies of the files, not the files as sent
    /// (whose metadata and bytes can say who sent them).
    pub discard_originals: bool,
}

/// The parts only analysts may read, sealed at rest.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct SealedBody {
    pub narrative: String,
    pub indicators: String,
    pub position: String,
    pub discovered_time: String,
}

pub const NARRATIVE_MAX: usize = 20_000;
pub const INDICATORS_MAX: usize = 20_000;

impl ReportForm {
    /// Parses an urlencoded body, keeping repeated `systems` boxes.
    pub fn from_urlencoded(body: &[u8]) -> ReportForm {
        ReportForm::from_pairs(
            url::form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())),
        )
    }

    /// Builds the form from its fields in order (urlencoded or multipart).
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> ReportForm {
        let mut form = ReportForm::default();
        for (key, value) in pairs {
            match key.as_str() {
                "mode" => form.mode = value,
                "class" => form.class = value,
                "discovered_on" => form.discovered_on = value,
                "discovered_time" => form.discovered_time = value,
                "systems" => form.systems.push(value),
                "vessel_type" => form.vessel_type = value,
                "vessel_size" => form.vessel_size = value,
                "sea_area" => form.sea_area = value,
                "position" => form.position = value,
                "impact_safety" => form.impact_safety = value,
                "impact_operations" => form.impact_operations = value,
                "impact_money" => form.impact_money = value,
                "narrative" => form.narrative = value,
                "indicators" => form.indicators = value,
                "tlp" => form.tlp = value,
                "share_name" => form.share_name = value == "on" || value == "true",
                "scrub_terms" => form.scrub_terms = value,
                "membership_token" => form.membership_token = value,
                "discard_originals" => form.discard_originals = value == "on" || value == "true",
                _ => {}
            }
        }
        form
    }

    pub fn has_system(&self, id: &str) -> bool {
        self.systems.iter().any(|s| s == id)
    }

    /// Every problem, in words a reporter can act on; empty when valid.
    /// `signed_in` decides which disclosure modes are open.
    pub fn problems(&self, signed_in: bool) -> Vec<String> {
        self.field_problems(signed_in)
            .into_iter()
            .map(|(_, problem)| problem)
            .collect()
    }

    /// Each problem with the form field it belongs to (the field's `id`),
    /// so the page can say it beside the field, in the words of its label.
    pub fn field_problems(&self, signed_in: bool) -> Vec<(&'static str, String)> {
        let mut problems: Vec<(&'static str, String)> = Vec::new();
        match Mode::parse(&self.mode) {
            None => problems.push((
                "mode",
                "Choose how you want to report: attributed, confidential or anonymous.".into(),
            )),
            Some(Mode::Attributed | Mode::Confidential) if !signed_in => problems.push((
                "mode",
                "Sign in to report under your name or confidentially; without an account you can report anonymously."
                    .into(),
            )),
            Some(_) => {}
        }
        if catalogue::class_by_id(&self.class).is_none() {
            problems.push(("class", "Choose what kind of incident it was.".into()));
        }
        match time::Date::parse(
            &self.discovered_on,
            time::macros::format_description!("[year]-[month]-[day]"),
        ) {
            Ok(date) => {
                let today = time::OffsetDateTime::now_utc().date();
                if date > today {
                    problems.push((
                        "discovered_on",
                        "The date of discovery is in the future.".into(),
                    ));
                } else if date.year() < 1990 {
                    problems.push((
                        "discovered_on",
                        "Give the date of discovery (year 1990 or later).".into(),
                    ));
                }
            }
            Err(_) => problems.push((
                "discovered_on",
                "Give the date of discovery as YYYY-MM-DD.".into(),
            )),
        }
        if !self.discovered_time.is_empty()
            && time::Time::parse(
                &self.discovered_time,
                time::macros::format_description!("[hour]:[minute]"),
            )
            .is_err()
        {
            problems.push((
                "discovered_time",
                "Give the time of discovery as HH:MM (24-hour, UTC), or leave it empty.".into(),
            ));
        }
        if self.systems.is_empty() {
            problems.push((
                "systems",
                "Tick at least one affected system (\"Physical security\" if none).".into(),
            ));
        } else if self
            .systems
            .iter()
            .any(|s| catalogue::find(SYSTEMS, s).is_none())
        {
            problems.push((
                "systems",
                "One of the affected systems is not on the list.".into(),
            ));
        }
        if catalogue::find(VESSEL_TYPES, &self.vessel_type).is_none() {
            problems.push((
                "vessel_type",
                "Choose the vessel type (or \"Not a vessel\").".into(),
            ));
        }
        if catalogue::find(VESSEL_SIZES, &self.vessel_size).is_none() {
            problems.push(("vessel_size", "Choose the vessel's size class.".into()));
        }
        if crate::sharing::sea_areas::by_id(&self.sea_area).is_none() {
            problems.push(("sea_area", "Choose the sea area or port region.".into()));
        }
        if !self.position.trim().is_empty()
            && let Err(err) = crate::sharing::sea_areas::parse_position(&self.position)
        {
            problems.push(("position", format!("The position could not be read: {err}")));
        }
        for (field, value, what) in [
            (
                "impact_safety",
                &self.impact_safety,
                "Choose the impact on safety.",
            ),
            (
                "impact_operations",
                &self.impact_operations,
                "Choose the impact on operations.",
            ),
            (
                "impact_money",
                &self.impact_money,
                "Choose the financial impact.",
            ),
        ] {
            if catalogue::find(IMPACT_LEVELS, value).is_none() {
                problems.push((field, what.into()));
            }
        }
        if self.narrative.trim().is_empty() {
            problems.push(("narrative", "Describe what happened.".into()));
        } else if self.narrative.chars().count() > NARRATIVE_MAX {
            problems.push((
                "narrative",
                format!("Keep the description under {NARRATIVE_MAX} characters."),
            ));
        }
        if self.indicators.chars().count() > INDICATORS_MAX {
            problems.push((
                "indicators",
                format!("Keep the indicators under {INDICATORS_MAX} characters."),
            ));
        }
        if catalogue::find(TLP_LEVELS, &self.tlp).is_none() {
            problems.push((
                "tlp",
                "Choose how widely the sanitised incident may be shared (TLP).".into(),
            ));
        }
        problems
    }

    pub fn sealed_body(&self) -> SealedBody {
        SealedBody {
            narrative: self.narrative.clone(),
            indicators: self.indicators.clone(),
            position: self.position.clone(),
            discovered_time: self.discovered_time.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> ReportForm {
        ReportForm {
            mode: "anonymous".into(),
            class: "gnss-spoofing".into(),
            discovered_on: "2026-01-15".into(),
            discovered_time: "04:10".into(),
            systems: vec!["navigation".into()],
            vessel_type: "bulk-carrier".into(),
            vessel_size: "large".into(),
            sea_area: "black-sea".into(),
            position: String::new(),
            impact_safety: "minor".into(),
            impact_operations: "minor".into(),
            impact_money: "none".into(),
            narrative: "GPS position jumped 20 nm inland.".into(),
            indicators: String::new(),
            tlp: "green".into(),
            share_name: false,
            scrub_terms: String::new(),
            membership_token: String::new(),
            discard_originals: false,
        }
    }

    #[test]
    fn a_complete_report_is_valid() {
        assert_eq!(valid().problems(false), Vec::<String>::new());
    }

    #[test]
    fn anonymous_visitors_cannot_claim_an_identity() {
        let form = ReportForm {
            mode: "attributed".into(),
            ..valid()
        };
        assert_eq!(form.problems(false).len(), 1);
        assert!(form.problems(true).is_empty());
    }

    #[test]
    fn bad_fields_are_each_named() {
        let form = ReportForm {
            position: "somewhere off Odesa".into(),
            discovered_on: "15/01/2026".into(),
            discovered_time: "4pm".into(),
            systems: vec!["toaster".into()],
            tlp: "purple".into(),
            narrative: " ".into(),
            ..valid()
        };
        assert_eq!(form.problems(false).len(), 6);
    }

    #[test]
    fn repeated_systems_boxes_are_kept() {
        let form = ReportForm::from_urlencoded(
            b"systems=ecdis&systems=vsat&narrative=a%26b&share_name=on",
        );
        assert_eq!(form.systems, vec!["ecdis", "vsat"]);
        assert_eq!(form.narrative, "a&b");
        assert!(form.share_name);
    }
}
