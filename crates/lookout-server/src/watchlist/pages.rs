//! The watchlist page of an organisation's members and org-admins.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use lookout_indicators::{EntryKind, parse_entries};

use super::store::{self, Listed};
use crate::accounts::authz;
use crate::accounts::extract::{Member, SignedIn};
use crate::audit::{self, Actor};
use crate::state::AppState;
use crate::web::confirm::{Confirmation, Confirmed};
use crate::web::labels::Labels;
use crate::web::templates::{Page, render, render_invalid};
use crate::web::{AppError, Visitor};

#[derive(Template)]
#[template(path = "watchlist/page.html")]
struct WatchlistPage {
    page: Page,
    entries: Vec<Listed>,
    kind: String,
    text: String,
    problems: Vec<String>,
}

impl Labels for WatchlistPage {}

impl WatchlistPage {
    fn kinds(&self) -> &'static [EntryKind] {
        &EntryKind::ALL
    }
    fn of_kind(&self, kind: &EntryKind) -> Vec<&Listed> {
        self.entries.iter().filter(|e| e.kind == *kind).collect()
    }
}

async fn page(state: &AppState, visitor: &Visitor, org: i64) -> Result<WatchlistPage, AppError> {
    Ok(WatchlistPage {
        page: Page::new(visitor, "Watchlist"),
        entries: store::list(&state.db, &state.key, org).await?,
        kind: EntryKind::ALL[0].id().to_string(),
        text: String::new(),
        problems: Vec::new(),
    })
}

pub async fn show(
    State(state): State<AppState>,
    SignedIn { visitor, user }: SignedIn,
) -> Result<Response, AppError> {
    // Members of a member organisation keep its watchlist; staff have none.
    match authz::member_org(&user) {
        Some(org) => render(&page(&state, &visitor, org).await?),
        // Staff follow links to it from advisories: say why there is none.
        None => render(&NoWatchlist {
            page: Page::new(&visitor, "Watchlist"),
        }),
    }
}

#[derive(Template)]
#[template(
    source = "{% extends \"base.html\" %}{% block content %}<h1>Watchlist</h1>\
<p id=\"no-watchlist\">Watchlists belong to member organisations: their members register their own \
ships, networks and domains, and only they see them. Staff accounts have none.</p>{% endblock %}",
    ext = "html"
)]
struct NoWatchlist {
    page: Page,
}

pub async fn add(
    State(state): State<AppState>,
    Member {
        visitor,
        user,
        org_id: org,
    }: Member,
    body: Bytes,
) -> Result<Response, AppError> {
    let mut kind_id = String::new();
    let mut text = String::new();
    for (key, value) in url::form_urlencoded::parse(&body) {
        match key.as_ref() {
            "kind" => kind_id = value.into_owned(),
            "entries" => text = value.into_owned(),
            _ => {}
        }
    }
    let parsed = match EntryKind::parse(&kind_id) {
        None => Err(vec!["Choose what kind of entries these are.".to_string()]),
        Some(kind) => parse_entries(kind, &text)
            .map_err(|errors| errors.iter().map(ToString::to_string).collect::<Vec<_>>()),
    };
    let entries = match parsed {
        Ok(entries) if entries.is_empty() => Err(vec!["Enter at least one entry.".to_string()]),
        other => other,
    };
    let entries = match entries {
        Ok(entries) => entries,
        Err(problems) => {
            let mut page = page(&state, &visitor, org).await?;
            page.kind = kind_id;
            page.text = text;
            page.problems = problems;
            return render_invalid(&page);
        }
    };
    let mut tx = state.db.begin_write().await?;
    let added = store::add(&mut tx, &state.key, org, user.id, &entries).await?;
    // The audit names the count, never the values.
    audit::append(
        &mut tx,
        &state.key,
        Actor::User(user.id),
        "watchlist.added",
        &format!("org:{org}"),
        &format!("{added} entries"),
    )
    .await?;
    tx.commit().await?;
    let mut page = page(&state, &visitor, org).await?;
    let skipped = entries.len() - added;
    let entries = |n: usize| {
        if n == 1 {
            "1 entry".to_string()
        } else {
            format!("{n} entries")
        }
    };
    page.page = page.page.with_notice(if skipped == 0 {
        format!("Added {}.", entries(added))
    } else {
        format!(
            "Added {}; {} already on the watchlist.",
            entries(added),
            entries(skipped)
        )
    });
    render(&page)
}

pub async fn remove(
    State(state): State<AppState>,
    Member {
        user,
        org_id: org,
        visitor,
        ..
    }: Member,
    Path(id): Path<i64>,
    axum::Form(confirm): axum::Form<Confirmed>,
) -> Result<Response, AppError> {
    if !confirm.given() {
        let entries = store::list(&state.db, &state.key, org).await?;
        let entry = entries
            .iter()
            .find(|e| e.id == id)
            .ok_or(AppError::NotFound)?;
        return Confirmation::new(
            format!(
                "Remove “{}” from your organisation's watchlist?",
                entry.value
            ),
            &format!("/watchlist/{id}/delete"),
            "Remove the entry",
            "/watchlist",
        )
        .consequence("Nobody in your organisation is alerted about it any more.")
        .page(&visitor);
    }
    let mut tx = state.db.begin_write().await?;
    // Another organisation's entry is "not found": its existence is not
    // this member's business.
    if !store::remove(&mut tx, org, id).await? {
        return Err(AppError::NotFound);
    }
    audit::append(
        &mut tx,
        &state.key,
        Actor::User(user.id),
        "watchlist.removed",
        &format!("org:{org}"),
        "1 entry",
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/watchlist").into_response())
}
