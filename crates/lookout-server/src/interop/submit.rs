// Handlers answer a refusal as the response itself, once per request.
#![allow(clippy::result_large_err)]
//! Adding a STIX bundle over TAXII: each incident, indicator and observed
//! data in it becomes a report in triage, under the name of the token's
//! owner (never shown to members), its text scrubbed as an anonymous
//! report's is, since a feed from elsewhere may name people and ships.
//! Everything else in the bundle (identities, relationships, markings) is
//! context, listed as not taken. The status resource says which became a
//! report.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use lookout_intel::taxii::{MEDIA_TYPE_TAXII, Status, StatusDetails, StatusState};
use serde_json::Value;
use time::OffsetDateTime;

use super::taxii::{error, find, member, submissions_id, taxii_json};
use crate::reports::model::{Mode, ReportForm};
use crate::state::AppState;

/// Objects that may become reports in one request: each is a transaction
/// and a scrub, and the request has 30 seconds.
const MAX_REPORTS: usize = 100;
/// Longest narrative built from one object.
const NARRATIVE_MAX_CHARS: usize = 8_000;

/// `POST {api-root}/collections/{id}/objects/`.
pub async fn add_objects(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(collection): Path<String>,
    body: Bytes,
) -> Response {
    let member = match member(&state, &headers).await {
        Ok(m) => m,
        Err(response) => return response,
    };
    let target = match find(&member, &collection) {
        Ok(c) => c,
        Err(response) => return response,
    };
    if target.id != submissions_id() || !target.can_write {
        return error(
            StatusCode::FORBIDDEN,
            "Not writable",
            "Add bundles to the collection \"Lookout: reports\", with a token that has the \
             'write' scope.",
        );
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .replace(' ', "");
    if !content_type.starts_with(MEDIA_TYPE_TAXII) {
        return error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Unsupported media type",
            "Send the envelope as application/taxii+json;version=2.1.",
        );
    }
    let envelope: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                "Not JSON",
                &format!("The body is not a TAXII envelope: {e}."),
            );
        }
    };
    let Some(objects) = envelope.get("objects").and_then(Value::as_array) else {
        return error(
            StatusCode::BAD_REQUEST,
            "No objects",
            "The envelope has no \"objects\" list.",
        );
    };
    let reportable = objects.iter().filter(|o| is_reportable(o)).count();
    if reportable > MAX_REPORTS {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Too many reports",
            &format!(
                "This envelope holds {reportable} incidents, indicators and observed data; send at \
                 most {MAX_REPORTS} at a time."
            ),
        );
    }
    let requested = OffsetDateTime::now_utc();
    let known = match crate::reports::directory::known_names(&state.db).await {
        Ok(k) => k,
        Err(e) => return internal(e),
    };
    let mut status = Status {
        id: String::new(),
        status: StatusState::Complete,
        request_timestamp: Some(requested),
        total_count: objects.len() as u64,
        success_count: 0,
        successes: Vec::new(),
        failure_count: 0,
        failures: Vec::new(),
        pending_count: 0,
        pendings: Vec::new(),
    };
    for object in objects {
        let details = |message: String| StatusDetails {
            id: text(object, "id").to_owned(),
            version: version(object),
            message: Some(message),
        };
        if !is_reportable(object) {
            status.failures.push(details(format!(
                "Not taken: a {} is not a report (Lookout takes incidents, indicators and \
                 observed data; send the rest with them as context).",
                text(object, "type")
            )));
            continue;
        }
        let form = form_of(object, requested.date());
        let mut problems = form.field_problems(true);
        // A bundle rarely says where or on which ship: analysts fill in
        // what the report lacks when they write the incident.
        problems.retain(|(field, _)| !LEFT_TO_ANALYSTS.contains(field));
        if let Some((_, problem)) = problems.first() {
            status.failures.push(details(problem.clone()));
            continue;
        }
        let scrubbed = match crate::reports::preview::scrubbed_form(&form, &known) {
            Ok(f) => f,
            Err(problem) => {
                status.failures.push(details(problem));
                continue;
            }
        };
        match crate::reports::accept::accept(
            &state,
            &scrubbed,
            Mode::Attributed,
            Some(&member.user),
            &[],
            None,
            None,
        )
        .await
        {
            Ok(accepted) => status.successes.push(details(format!(
                "Report {} is waiting for triage.",
                accepted.reference
            ))),
            Err(e) => {
                tracing::error!(error = %e, "a TAXII object could not be stored as a report");
                status.failures.push(details(
                    "The portal could not store it; send it again later.".into(),
                ));
            }
        }
    }
    status.success_count = status.successes.len() as u64;
    status.failure_count = status.failures.len() as u64;
    let id = match crate::secrets::random_bytes::<16>() {
        Ok(bytes) => uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .to_string(),
        Err(e) => return internal(e),
    };
    status.id = id.clone();
    let Ok(body) = serde_json::to_string(&status) else {
        return internal("status could not be written");
    };
    if let Err(e) =
        super::store::save_status(&state.db, &id, member.user.id, &body, crate::db::now()).await
    {
        return internal(e);
    }
    taxii_json(StatusCode::ACCEPTED, body)
}

/// Fields a report from a bundle may leave empty.
const LEFT_TO_ANALYSTS: [&str; 7] = [
    "systems",
    "vessel_type",
    "vessel_size",
    "sea_area",
    "impact_safety",
    "impact_operations",
    "impact_money",
];

fn is_reportable(object: &Value) -> bool {
    matches!(
        text(object, "type"),
        "incident" | "indicator" | "observed-data"
    )
}

fn text<'a>(object: &'a Value, field: &str) -> &'a str {
    object
        .get(field)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

fn version(object: &Value) -> String {
    ["modified", "created"]
        .iter()
        .map(|f| text(object, f))
        .find(|v| !v.is_empty())
        .unwrap_or_default()
        .to_owned()
}

/// The day something was first seen, as a report's discovery date: never
/// after today.
fn discovered_on(object: &Value, today: time::Date) -> String {
    let date = ["first_seen", "first_observed", "valid_from", "created"]
        .iter()
        .find_map(|f| {
            let text = text(object, f);
            OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
        })
        .map_or(today, |t| t.date().min(today));
    date.to_string()
}

fn tlp_of(object: &Value) -> &'static str {
    object
        .get("object_marking_refs")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter_map(lookout_intel::stix::tlp_of_marking)
        .max()
        // Unmarked intelligence is kept to members' organisations.
        .map_or("amber", |tlp| tlp.id())
}

/// What an object says, as a report's narrative and indicators.
fn form_of(object: &Value, today: time::Date) -> ReportForm {
    let kind = text(object, "type");
    let mut narrative = format!("Received over TAXII as a STIX {kind}.");
    for field in ["name", "description"] {
        let value = text(object, field).trim();
        if !value.is_empty() {
            narrative.push_str("\n\n");
            narrative.push_str(value);
        }
    }
    let labels: Vec<&str> = ["labels", "indicator_types"]
        .iter()
        .flat_map(|f| {
            object
                .get(*f)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        })
        .filter_map(Value::as_str)
        .collect();
    if !labels.is_empty() {
        narrative.push_str(&format!("\n\nLabels: {}.", labels.join(", ")));
    }
    let mut indicators = Vec::new();
    let pattern = text(object, "pattern");
    if !pattern.is_empty() {
        indicators.push(pattern.to_owned());
    }
    if let Some(observed) = object.get("objects").and_then(Value::as_object) {
        for sco in observed.values() {
            if let Some(value) = sco.get("value").and_then(Value::as_str) {
                indicators.push(value.to_owned());
            }
            if let Some(hashes) = sco.get("hashes").and_then(Value::as_object) {
                indicators.extend(hashes.values().filter_map(Value::as_str).map(str::to_owned));
            }
        }
    }
    if kind == "observed-data" {
        narrative.push_str(&format!(
            "\n\nObserved {} time(s).",
            object
                .get("number_observed")
                .and_then(Value::as_u64)
                .unwrap_or(1)
        ));
    }
    ReportForm {
        mode: Mode::Attributed.as_str().into(),
        class: "other-cyber".into(),
        discovered_on: discovered_on(object, today),
        narrative: narrative.chars().take(NARRATIVE_MAX_CHARS).collect(),
        indicators: indicators.join("\n"),
        tlp: tlp_of(object).into(),
        ..ReportForm::default()
    }
}

fn internal(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "taxii add-objects failed");
    error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Internal error",
        "The portal could not take the bundle; send it again later.",
    )
}

/// `GET {api-root}/status/{id}/`: the member's own requests only.
pub async fn status(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let member = match member(&state, &headers).await {
        Ok(m) => m,
        Err(response) => return response,
    };
    match super::store::status(&state.db, &id, member.user.id).await {
        Ok(Some(body)) => taxii_json(StatusCode::OK, body),
        Ok(None) => error(
            StatusCode::NOT_FOUND,
            "No such status",
            "There is no request of yours with this id.",
        ),
        Err(e) => internal(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_indicator_becomes_a_report_form() {
        let indicator = serde_json::json!({
            "type": "indicator", "id": "indicator--1", "spec_version": "2.1",
            "created": "2026-11-02T08:00:00.000Z", "modified": "2026-11-02T08:00:00.000Z",
            "name": "Phishing host", "pattern": "[domain-name:value = 'evil.example']",
            "pattern_type": "stix", "valid_from": "2026-11-01T00:00:00Z",
            "object_marking_refs": ["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]
        });
        let today = time::macros::date!(2026 - 12 - 01);
        let form = form_of(&indicator, today);
        assert_eq!(form.discovered_on, "2026-11-01");
        assert_eq!(form.tlp, "green");
        assert!(form.narrative.contains("Phishing host"));
        assert_eq!(form.indicators, "[domain-name:value = 'evil.example']");
        let unmarked = serde_json::json!({"type": "incident", "created": "2030-01-01T00:00:00Z"});
        let form = form_of(&unmarked, today);
        assert_eq!(
            (form.tlp.as_str(), form.discovered_on.as_str()),
            ("amber", "2026-12-01")
        );
    }
}
