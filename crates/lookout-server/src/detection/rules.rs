//! The detection rules' settings, shared by every process through the
//! `detection_rules` table, and the admins' page that tunes them.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use serde::Serialize;

use crate::accounts::extract::Admin;
use crate::audit::{self, Actor};
use crate::db::Db;
use crate::state::AppState;
use crate::web::AppError;
use crate::web::templates::{Page, render, render_invalid};

/// What each rule looks for, for the admins' page and the drafts.
pub const RULES: [(&str, &str, &str); 3] = [
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
    pub fn uses_factor(&self) -> bool {
        self.id == "area-rate"
    }
    pub fn may_auto_publish(&self) -> bool {
        may_auto_publish(&self.id)
    }

    fn problems(&self) -> Vec<String> {
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

pub async fn all(db: &Db) -> Result<Vec<Rule>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, enabled, auto_publish, min_reports, window_hours, factor_percent \
         FROM detection_rules ORDER BY id",
    )
    .fetch_all(&db.pool)
    .await
}

#[derive(Template)]
#[template(path = "detection/rules.html")]
struct RulesPage {
    page: Page,
    rules: Vec<Rule>,
    problems: Vec<String>,
}

pub async fn show(
    State(state): State<AppState>,
    Admin { visitor, .. }: Admin,
) -> Result<Response, AppError> {
    render(&RulesPage {
        page: Page::new(&visitor, "Detection rules"),
        rules: all(&state.db).await?,
        problems: Vec::new(),
    })
}

/// Reads the form: fields are `<rule>.<setting>`; an unticked box is off.
fn parse(body: &[u8], current: &[Rule]) -> Vec<Rule> {
    let mut rules: Vec<Rule> = current
        .iter()
        .map(|r| Rule {
            enabled: 0,
            auto_publish: 0,
            ..r.clone()
        })
        .collect();
    for (key, value) in url::form_urlencoded::parse(body) {
        let Some((id, setting)) = key.split_once('.') else {
            continue;
        };
        let Some(rule) = rules.iter_mut().find(|r| r.id == id) else {
            continue;
        };
        let number = value.trim().parse::<i64>().unwrap_or(-1);
        match setting {
            "enabled" => rule.enabled = i64::from(value == "on"),
            "auto_publish" => rule.auto_publish = i64::from(value == "on"),
            "min_reports" => rule.min_reports = number,
            "window_hours" => rule.window_hours = number,
            "factor_percent" => rule.factor_percent = number,
            _ => {}
        }
    }
    rules
}

pub async fn save(
    State(state): State<AppState>,
    Admin { visitor, user }: Admin,
    body: Bytes,
) -> Result<Response, AppError> {
    let admin_id = user.id;
    let rules = parse(&body, &all(&state.db).await?);
    let problems: Vec<String> = rules.iter().flat_map(Rule::problems).collect();
    if !problems.is_empty() {
        return render_invalid(&RulesPage {
            page: Page::new(&visitor, "Detection rules"),
            rules,
            problems,
        });
    }
    let mut tx = state.db.begin_write().await?;
    for rule in &rules {
        sqlx::query(
            "UPDATE detection_rules SET enabled = $1, auto_publish = $2, min_reports = $3, \
             window_hours = $4, factor_percent = $5 WHERE id = $6",
        )
        .bind(rule.enabled)
        .bind(rule.auto_publish)
        .bind(rule.min_reports)
        .bind(rule.window_hours)
        .bind(rule.factor_percent)
        .bind(&rule.id)
        .execute(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            &state.key,
            Actor::User(admin_id),
            "detection.rule",
            &rule.id,
            &format!(
                "enabled={} auto_publish={} min_reports={} window_hours={} factor_percent={}",
                rule.enabled,
                rule.auto_publish,
                rule.min_reports,
                rule.window_hours,
                rule.factor_percent
            ),
        )
        .await?;
    }
    tx.commit().await?;
    render(&RulesPage {
        page: Page::new(&visitor, "Detection rules")
            .with_notice("Saved: the rules apply from the next triaged report."),
        rules: all(&state.db).await?,
        problems: Vec::new(),
    })
}
