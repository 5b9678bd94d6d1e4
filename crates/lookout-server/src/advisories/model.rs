//! What an advisory says, as the analysts' form carries it and as a
//! revision stores it, and the checks it must pass.

use serde::Serialize;

use crate::sharing::catalogue::{self, stored_systems};
use crate::sharing::clearance::tlp_rank;
use crate::sharing::sea_areas;

pub const TITLE_MAX: usize = 200;
pub const BODY_MAX: usize = 50_000;
pub const ACTIONS_MAX: usize = 20_000;
pub const INDICATORS_MAX: usize = 50_000;
/// Incidents one advisory may cite.
pub const INCIDENTS_MAX: usize = 50;

/// Severity by number, so subscriptions can ask for "this or above".
pub const SEVERITIES: [(i64, &str); 4] =
    [(1, "Low"), (2, "Moderate"), (3, "High"), (4, "Critical")];

pub fn severity_label(severity: i64) -> &'static str {
    SEVERITIES
        .iter()
        .find(|(n, _)| *n == severity)
        .map_or("Unknown", |(_, label)| label)
}

/// Whether every id in these space-joined lists is in its catalogue (an
/// advisory's affected lists, a subscription's filters).
pub fn all_in_catalogue(classes: &str, areas: &str, vessel_types: &str, systems: &str) -> bool {
    stored_systems(classes).all(|id| catalogue::class_by_id(id).is_some())
        && stored_systems(areas).all(|id| sea_areas::by_id(id).is_some())
        && stored_systems(vessel_types)
            .all(|id| catalogue::find(catalogue::VESSEL_TYPES, id).is_some())
        && stored_systems(systems).all(|id| catalogue::find(catalogue::SYSTEMS, id).is_some())
}

/// The content of one revision of an advisory. Lists are catalogue ids.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Content {
    pub title: String,
    pub severity: i64,
    pub tlp: String,
    /// Markdown.
    pub body: String,
    /// Markdown: what members should do.
    pub actions: String,
    /// One a line.
    pub indicators: String,
    /// Ids joined by spaces, as incidents store systems.
    pub classes: String,
    pub sea_areas: String,
    pub vessel_types: String,
    pub systems: String,
    /// Incident references joined by spaces.
    pub incidents: String,
}

impl crate::review::Content for Content {
    const COLUMNS: &'static str = "title, severity, tlp, body, actions, indicators, classes, \
         sea_areas, vessel_types, systems, incidents";

    fn tlp_rank(&self) -> i64 {
        tlp_rank(&self.tlp).unwrap_or(4)
    }
}

impl Content {
    pub fn class_ids(&self) -> Vec<&str> {
        stored_systems(&self.classes).collect()
    }
    pub fn sea_area_ids(&self) -> Vec<&str> {
        stored_systems(&self.sea_areas).collect()
    }
    pub fn vessel_type_ids(&self) -> Vec<&str> {
        stored_systems(&self.vessel_types).collect()
    }
    pub fn system_ids(&self) -> Vec<&str> {
        stored_systems(&self.systems).collect()
    }
    pub fn incident_refs(&self) -> Vec<&str> {
        stored_systems(&self.incidents).collect()
    }

    /// The text watchlists are matched against.
    pub fn match_text(&self) -> String {
        format!(
            "{}\n{}\n{}\n{}",
            self.indicators, self.title, self.body, self.actions
        )
    }

    /// What the form got wrong, worded for the analyst; empty when it may
    /// be saved. Incident references are checked against the database
    /// separately.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let title = self.title.trim();
        if title.is_empty() || title.chars().count() > TITLE_MAX {
            problems.push(format!(
                "Give the advisory a title of up to {TITLE_MAX} characters."
            ));
        }
        if !SEVERITIES.iter().any(|(n, _)| *n == self.severity) {
            problems.push("Choose a severity.".into());
        }
        if tlp_rank(&self.tlp).is_none() {
            problems.push("Choose a sharing level.".into());
        }
        if self.body.trim().is_empty() {
            problems.push("Say what members need to know: the advisory text is empty.".into());
        }
        for (text, max, what) in [
            (&self.body, BODY_MAX, "advisory text"),
            (&self.actions, ACTIONS_MAX, "recommended actions"),
            (&self.indicators, INDICATORS_MAX, "indicators"),
        ] {
            if text.len() > max {
                problems.push(format!(
                    "The {what} is longer than {max} characters; shorten it or link to an incident."
                ));
            }
        }
        if !all_in_catalogue(
            &self.classes,
            &self.sea_areas,
            &self.vessel_types,
            &self.systems,
        ) {
            problems
                .push("Choose classes, sea areas, vessel types and systems from the lists.".into());
        }
        if self.incident_refs().len() > INCIDENTS_MAX {
            problems.push(format!("Cite at most {INCIDENTS_MAX} incidents."));
        }
        problems
    }

    /// Reads the analysts' form. Unknown fields are ignored.
    pub fn from_form(body: &[u8]) -> (Content, String) {
        let mut content = Content::default();
        let mut action = String::new();
        let mut lists: [Vec<String>; 4] = Default::default();
        let mut incidents = String::new();
        for (key, value) in url::form_urlencoded::parse(body) {
            // Ticked candidates and typed references are one list.
            if key == "incident" {
                incidents.push(' ');
                incidents.push_str(&value);
                continue;
            }
            let value = value.into_owned();
            match key.as_ref() {
                "title" => content.title = value,
                "severity" => content.severity = value.parse().unwrap_or(0),
                "tlp" => content.tlp = value,
                "body" => content.body = value,
                "actions" => content.actions = value,
                "indicators" => content.indicators = value,
                "class" => lists[0].push(value),
                "sea_area" => lists[1].push(value),
                "vessel_type" => lists[2].push(value),
                "system" => lists[3].push(value),
                "incidents" => {
                    incidents.push(' ');
                    incidents.push_str(&value);
                }
                "action" => action = value,
                _ => {}
            }
        }
        let join = |ids: &[String]| {
            ids.iter()
                .map(|id| id.trim())
                .filter(|id| !id.is_empty() && !id.contains(' '))
                .collect::<Vec<_>>()
                .join(" ")
        };
        content.classes = join(&lists[0]);
        content.sea_areas = join(&lists[1]);
        content.vessel_types = join(&lists[2]);
        content.systems = join(&lists[3]);
        let mut references: Vec<String> = Vec::new();
        for reference in incidents
            .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
            .filter(|r| !r.is_empty())
            .map(str::to_uppercase)
        {
            if !references.contains(&reference) {
                references.push(reference);
            }
        }
        content.incidents = references.join(" ");
        content.title = content.title.trim().to_string();
        (content, action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> Content {
        Content {
            title: "Phishing wave against crew mail".into(),
            severity: 2,
            tlp: "amber".into(),
            body: "Crews report **fake** webmail pages.".into(),
            classes: "fraud".into(),
            ..Content::default()
        }
    }

    #[test]
    fn a_complete_advisory_has_no_problems() {
        assert_eq!(valid().problems(), Vec::<String>::new());
    }

    #[test]
    fn unknown_catalogue_ids_and_missing_text_are_refused() {
        let mut content = valid();
        content.classes = "fraud made-up".into();
        content.body = " ".into();
        content.severity = 9;
        let problems = content.problems();
        assert_eq!(problems.len(), 3, "{problems:?}");
    }

    #[test]
    fn the_form_keeps_lists_and_normalises_incident_references() {
        let (content, action) = Content::from_form(
            b"title=+T+&severity=3&tlp=green&body=b&class=fraud&class=malicious-code\
              &incidents=inc-2026-0001%2C+INC-2026-0002&action=publish",
        );
        assert_eq!(content.title, "T");
        assert_eq!(content.classes, "fraud malicious-code");
        assert_eq!(content.incidents, "INC-2026-0001 INC-2026-0002");
        assert_eq!(action, "publish");
    }

    #[test]
    fn ticked_and_typed_incidents_are_one_list_without_repeats() {
        let (content, _) = Content::from_form(
            b"title=T&incident=INC-2026-0003&incident=INC-2026-0001\
              &incidents=inc-2026-0001+INC-2026-0009",
        );
        assert_eq!(
            content.incidents,
            "INC-2026-0003 INC-2026-0001 INC-2026-0009"
        );
    }
}
