//! The admins' page that tunes the detection rules.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;

use super::rules::Rule;
use super::store;
use crate::accounts::extract::Admin;
use crate::audit::{self, Actor};
use crate::state::AppState;
use crate::web::AppError;
use crate::web::templates::{Page, render, render_invalid};

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
        rules: store::all(&state.db).await?,
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
    let rules = parse(&body, &store::all(&state.db).await?);
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
        store::save_rule(&mut tx, rule).await?;
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
        rules: store::all(&state.db).await?,
        problems: Vec::new(),
    })
}
