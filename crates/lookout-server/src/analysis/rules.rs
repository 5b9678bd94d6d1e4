//! Analysts' rule files: uploaded as text, compiled with the starter rules
//! and every other file before they are kept, so a broken file is refused
//! with its errors and never reaches the workers.

use askama::Template;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use lookout_analysis::{RuleSource, Rules, STARTER_RULES};

use super::store::{self, RulesetRow};
use crate::accounts::extract::Analyst;
use crate::audit::{self, Actor};
use crate::state::AppState;
use crate::web::confirm::{Confirmation, Confirmed};
use crate::web::labels::Labels;
use crate::web::templates::{Page, render};
use crate::web::{AppError, Visitor};

#[derive(Template)]
#[template(path = "analysis/rules.html")]
struct RulesPage {
    page: Page,
    starter: Vec<(&'static str, usize)>,
    files: Vec<RulesetRow>,
    name: String,
    body: String,
    problems: Vec<String>,
}

impl Labels for RulesPage {}

async fn rules_page(state: &AppState, visitor: &Visitor) -> Result<RulesPage, AppError> {
    // Counted in the set the workers use: nothing compiled for the page.
    let compiled = super::worker::rules(state).await?;
    let starter = STARTER_RULES
        .iter()
        .map(|(name, text)| {
            (
                *name,
                compiled.count_in(RuleSource::new(*name, *text).namespace()),
            )
        })
        .collect();
    Ok(RulesPage {
        page: Page::new(visitor, "Analysis rules"),
        starter,
        files: store::rulesets(&state.db).await?,
        name: String::new(),
        body: String::new(),
        problems: Vec::new(),
    })
}

pub async fn page(
    State(state): State<AppState>,
    Analyst { visitor, .. }: Analyst,
) -> Result<Response, AppError> {
    render(&rules_page(&state, &visitor).await?)
}

/// A rule file's name: letters, digits, `-`, `_`, ending in `.yar` or `.yara`.
fn valid_name(name: &str) -> bool {
    let stem = name
        .strip_suffix(".yara")
        .or_else(|| name.strip_suffix(".yar"));
    stem.is_some_and(|s| {
        !s.is_empty()
            && s.len() <= 64
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    }) && !STARTER_RULES.iter().any(|(starter, _)| *starter == name)
}

pub async fn upload(
    State(state): State<AppState>,
    Analyst { visitor, user }: Analyst,
    request: Request,
) -> Result<Response, AppError> {
    let (mut name, mut text) = (String::new(), String::new());
    let mut multipart = Multipart::from_request(request, &state)
        .await
        .map_err(|_| AppError::BadRequest("Send the form from the Analysis rules page.".into()))?;
    let mut not_text = false;
    while let Some(field) = multipart.next_field().await? {
        match field.name().unwrap_or_default() {
            "name" => name = field.text().await?.trim().to_owned(),
            "body" => {
                let typed = field.text().await?;
                if !typed.trim().is_empty() {
                    text = typed;
                }
            }
            "file" => {
                let file_name = field.file_name().map(str::to_owned).unwrap_or_default();
                let bytes = field.bytes().await?;
                if !bytes.is_empty() {
                    match String::from_utf8(bytes.to_vec()) {
                        Ok(uploaded) => text = uploaded,
                        Err(_) => not_text = true,
                    }
                    if name.is_empty() {
                        name = file_name;
                    }
                }
            }
            _ => {}
        }
    }
    let mut problems = Vec::new();
    if !valid_name(&name) {
        problems.push(
            "Name the file like `phishing-2026.yar`: letters, digits, - and _, ending in .yar or .yara, and not the name of a starter file."
                .to_string(),
        );
    }
    if not_text {
        problems.push("The file is not text (UTF-8): choose the .yar file itself.".to_string());
    } else if text.trim().is_empty() {
        problems.push("Paste the rules or choose a .yar file.".to_string());
    }
    let mut rule_count = 0;
    if problems.is_empty() {
        // Checked together with the files already kept (minus the one this
        // replaces), exactly as the workers will compile them.
        let mut files: Vec<RuleSource> = store::rulesets(&state.db)
            .await?
            .into_iter()
            .filter(|f| f.name != name)
            .map(|f| RuleSource::new(f.name, f.body))
            .collect();
        let added = RuleSource::new(name.clone(), text.clone());
        let namespace = added.namespace().to_owned();
        files.push(added);
        let compiled = tokio::task::spawn_blocking(move || {
            Rules::starter_and(&files).map(|rules| rules.count_in(&namespace))
        })
        .await
        .map_err(AppError::internal)?;
        match compiled {
            Ok(0) => problems.push("The file holds no rules.".to_string()),
            Ok(count) => rule_count = count,
            Err(lookout_analysis::Error::Rules(errors)) => {
                problems.extend(errors.iter().map(ToString::to_string))
            }
            Err(other) => problems.push(other.to_string()),
        }
    }
    if !problems.is_empty() {
        let mut page = rules_page(&state, &visitor).await?;
        page.name = name;
        page.body = text;
        page.problems = problems;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response());
    }
    let mut tx = state.db.begin_write().await?;
    store::save_ruleset(
        &mut tx,
        &name,
        &text,
        i64::try_from(rule_count).unwrap_or(i64::MAX),
        user.id,
    )
    .await?;
    audit::append(
        &mut tx,
        &state.key,
        Actor::User(user.id),
        "analysis.rules_saved",
        &format!("rules:{name}"),
        &format!("{rule_count} rules"),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/analysis-rules").into_response())
}

pub async fn delete(
    State(state): State<AppState>,
    Analyst { user, visitor }: Analyst,
    Path(id): Path<i64>,
    axum::Form(confirm): axum::Form<Confirmed>,
) -> Result<Response, AppError> {
    if !confirm.given() {
        let sets = store::rulesets(&state.db).await?;
        let set = sets.iter().find(|r| r.id == id).ok_or(AppError::NotFound)?;
        return Confirmation::new(
            format!("Delete the rule set “{}”?", set.name),
            &format!("/analysis-rules/{id}/delete"),
            "Delete the rule set",
            "/analysis-rules",
        )
        .consequence("Files sent from now on are no longer matched against it.")
        .page(&visitor);
    }
    let mut tx = state.db.begin_write().await?;
    let Some(name) = store::delete_ruleset(&mut tx, id).await? else {
        return Err(AppError::NotFound);
    };
    audit::append(
        &mut tx,
        &state.key,
        Actor::User(user.id),
        "analysis.rules_deleted",
        &format!("rules:{name}"),
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/analysis-rules").into_response())
}
