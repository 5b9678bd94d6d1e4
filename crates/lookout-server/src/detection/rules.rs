//! The detection rules' settings, shared by every process through the
//! `detection_rules` table (`pages.rs` has the admins' page that tunes
//! them).

use serde::Serialize;

/// What each rule looks for, for the admins' page and the drafts.
pub const RULES: [(&str, &str, &str); 4] = [
    (
        "shared-indicator",
        "The same indicator in several reports",
        "An IP address, domain or email address appears in at least N triaged reports from different reporters within the window.",
    ),
    (
        "area-rate",
        "A class above its usual rate in one sea area",
        "At least N triaged reports of one class in one sea area within the window, and more than the factor times its usual count per window over the twelve windows before.",
    ),
    (
        "gnss-burst",
        "A burst of GNSS interference in one sea area",
        "At least N triaged reports of GNSS jamming or spoofing in one sea area within the window.",
    ),
    (
        "sightings",
        "Members keep seeing the same thing",
        "At least N organisations (each anonymous sighting counts as one) say \"we saw this too\" about one advisory or indicator within the window; never fewer than the statistics' threshold k.",
    ),
];

/// Rules whose drafts say only counts, classes and areas, which an
/// admin may let publish themselves. A shared indicator comes from
/// reporters' own text and always needs an analyst's eye.
pub fn may_auto_publish(rule: &str) -> bool {
    matches!(rule, "area-rate" | "gnss-burst")
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Rule {
    pub id: String,
    pub enabled: i64,
    pub auto_publish: i64,
    pub min_reports: i64,
    pub window_hours: i64,
    pub factor_percent: i64,
}

impl Rule {
    pub fn name(&self) -> &'static str {
        RULES
            .iter()
            .find(|(id, _, _)| *id == self.id)
            .map_or("Unknown rule", |(_, name, _)| name)
    }
    pub fn description(&self) -> &'static str {
        RULES
            .iter()
            .find(|(id, _, _)| *id == self.id)
            .map_or("", |(_, _, description)| description)
    }
    pub fn window_seconds(&self) -> i64 {
        self.window_hours * 3600
    }
    /// What N counts, for the admins' page.
    pub fn counts(&self) -> &'static str {
        if self.id == super::SIGHTINGS {
            "Organisations (N)"
        } else {
            "Reports (N)"
        }
    }
    pub fn uses_factor(&self) -> bool {
        self.id == "area-rate"
    }
    pub fn may_auto_publish(&self) -> bool {
        may_auto_publish(&self.id)
    }

    pub(super) fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if !(2..=1000).contains(&self.min_reports) {
            problems.push(format!(
                "{}: the number of reports must be from 2 to 1000 (one report is not a cluster).",
                self.name()
            ));
        }
        if !(1..=24 * 90).contains(&self.window_hours) {
            problems.push(format!(
                "{}: the window must be from 1 hour to 2160 hours (90 days).",
                self.name()
            ));
        }
        if self.uses_factor() && !(101..=10_000).contains(&self.factor_percent) {
            problems.push(format!(
                "{}: the factor must be above 100 % (the usual rate) and at most 10,000 %.",
                self.name()
            ));
        }
        if self.auto_publish == 1 && !self.may_auto_publish() {
            problems.push(format!(
                "{}: drafts from reporters' own text always need an analyst; it cannot publish by itself.",
                self.name()
            ));
        }
        problems
    }
}
