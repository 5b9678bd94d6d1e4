//! The admins' view of the audit log, filterable by action and actor.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

use std::collections::BTreeMap;

use super::{Entry, Filter, Verdict};
use crate::accounts::authz::{self, Capability};
use crate::accounts::extract::Auditor;
use crate::accounts::model::User;
use crate::accounts::store;
use crate::state::AppState;
use crate::web::AppError;
use crate::web::templates::{Page, format_time, render};

const PAGE_SIZE: i64 = 100;

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/audit", get(audit_page))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AuditQuery {
    action: String,
    actor: String,
    before: Option<i64>,
}

/// Who or what an entry names, as a reader knows it: a person's name for
/// `user:3`, with a link to where the auditor may look further.
struct Named {
    text: String,
    raw: String,
    link: Option<String>,
}

struct Shown {
    entry: Entry,
    actor: Named,
    subject: Named,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    page: Page,
    entries: Vec<Shown>,
    newer: bool,
    action: String,
    actor: String,
    verdict: String,
    older: Option<i64>,
}

impl AuditPage {
    fn when(&self, secs: &i64) -> String {
        format_time(secs)
    }
}

/// Names for the ids in entries, looked up once each.
struct Names<'a> {
    state: &'a AppState,
    reader: &'a User,
    users: BTreeMap<i64, Option<(String, String)>>,
    orgs: BTreeMap<i64, Option<String>>,
}

impl Names<'_> {
    async fn user(&mut self, id: i64) -> Result<Option<(String, String)>, AppError> {
        if !self.users.contains_key(&id) {
            let found = store::user_by_id(&self.state.db, id)
                .await?
                .map(|u| (u.display_name, u.email));
            self.users.insert(id, found);
        }
        Ok(self.users.get(&id).cloned().flatten())
    }

    async fn org(&mut self, id: i64) -> Result<Option<String>, AppError> {
        if !self.orgs.contains_key(&id) {
            let found = store::org_by_id(&self.state.db, id).await?.map(|o| o.name);
            self.orgs.insert(id, found);
        }
        Ok(self.orgs.get(&id).cloned().flatten())
    }

    /// `raw` (`user:3`, `report:12`, `cli`) in words, linked where the
    /// reader may follow.
    async fn name(&mut self, raw: &str) -> Result<Named, AppError> {
        let may = |capability| authz::allows(self.reader, capability);
        let (admin, triage) = (may(Capability::Administer), may(Capability::Triage));
        let mut named = Named {
            text: raw.to_string(),
            raw: String::new(),
            link: None,
        };
        let Some((kind, id)) = raw.split_once(':') else {
            named.text = match raw {
                "cli" => "An operator at the command line".into(),
                "system" => "The portal".into(),
                "anonymous" => "Someone not signed in".into(),
                _ => raw.to_string(),
            };
            return Ok(named);
        };
        let number = id.parse::<i64>().ok();
        match (kind, number) {
            ("user", Some(n)) => {
                if let Some((name, email)) = self.user(n).await? {
                    named.text = format!("{name} ({email})");
                    named.raw = raw.to_string();
                    if admin {
                        let email: String =
                            url::form_urlencoded::byte_serialize(email.as_bytes()).collect();
                        named.link = Some(format!("/admin/users?q={email}"));
                    }
                }
            }
            ("org" | "organisation", Some(n)) => {
                if let Some(org) = self.org(n).await? {
                    named.text = org;
                    named.raw = raw.to_string();
                    if admin {
                        named.link = Some(format!("/admin/users?org={n}"));
                    }
                }
            }
            ("report", Some(n)) if triage => named.link = Some(format!("/triage/{n}")),
            // Incidents and analyses are not linked: whether this reader
            // may open one depends on its sharing level or its owner.
            ("application", _) if admin => named.link = Some("/admin/applications".into()),
            _ => {}
        }
        Ok(named)
    }
}

async fn audit_page(
    State(state): State<AppState>,
    Auditor { visitor, user }: Auditor,
    Query(q): Query<AuditQuery>,
) -> Result<Response, AppError> {
    // An auditor looks for a person by e-mail, not by a row id.
    let actor = q.actor.trim();
    let actor = if actor.contains('@') {
        match store::user_by_email(&state.db, actor).await? {
            Some(found) => format!("user:{}", found.id),
            None => actor.to_string(),
        }
    } else {
        actor.to_string()
    };
    let filter = Filter {
        action: Some(q.action.trim().to_string()).filter(|s| !s.is_empty()),
        actor: Some(actor).filter(|s| !s.is_empty()),
        before_seq: q.before,
    };
    let entries = super::list(&state.db, &filter, PAGE_SIZE).await?;
    let verdict = match super::verify(&state.db, &state.key).await? {
        Verdict::Intact { entries } => format!("Chain intact: {entries} entries verified."),
        Verdict::Broken { seq, reason } => format!("CHAIN BROKEN at entry {seq}: {reason}."),
    };
    let older = if entries.len() as i64 == PAGE_SIZE {
        entries.last().map(|e| e.seq)
    } else {
        None
    };
    let mut names = Names {
        state: &state,
        reader: &user,
        users: BTreeMap::new(),
        orgs: BTreeMap::new(),
    };
    let mut shown = Vec::with_capacity(entries.len());
    for entry in entries {
        shown.push(Shown {
            actor: names.name(&entry.actor).await?,
            subject: names.name(&entry.subject).await?,
            entry,
        });
    }
    render(&AuditPage {
        page: Page::new(&visitor, "Audit log"),
        entries: shown,
        newer: q.before.is_some(),
        action: q.action,
        actor: q.actor,
        verdict,
        older,
    })
}
