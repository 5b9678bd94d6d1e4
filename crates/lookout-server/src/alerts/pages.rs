//! The member's alerts page: what they were told, what they want to be
//! told and how (email, webhooks, the Atom feed, the live stream).

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::sse::{Event, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use futures_util::Stream;

use super::events::AlertRow;
use super::feed;
use super::notifications::{self, Shown, notified, recent};
use super::subscriptions::{self, EmailMode, Subscription};
use super::webhooks::{self, AddError, Webhook};
use crate::accounts::extract::SignedIn;
use crate::accounts::model::User;
use crate::advisories::model::{SEVERITIES, severity_label};
use crate::audit::{self, Actor};
use crate::sharing::Catalogue;
use crate::state::AppState;
use crate::web::confirm::{Confirmation, Confirmed};
use crate::web::labels::Labels;
use crate::web::templates::{Page, render, render_invalid};
use crate::web::{AppError, Visitor};

/// Notifications the page lists.
const LISTED: i64 = 100;
/// Entries one feed carries.
const FEED_ENTRIES: i64 = 50;

#[derive(Template)]
#[template(path = "alerts/page.html")]
struct AlertsPage {
    page: Page,
    shown: Vec<Shown>,
    subscription: Subscription,
    webhooks: Vec<Webhook>,
    feed_path: Option<String>,
    base_url: String,
    /// A webhook secret, shown once after adding it.
    new_secret: Option<String>,
    webhook_url: String,
    webhook_problem: Option<String>,
    settings_problem: Option<String>,
}

impl Catalogue for AlertsPage {}
impl Labels for AlertsPage {}

impl AlertsPage {
    fn severities(&self) -> &'static [(i64, &'static str)] {
        &SEVERITIES
    }
    fn severity(&self, alert: &AlertRow) -> &'static str {
        severity_label(alert.severity)
    }
    fn email_is(&self, mode: &str) -> bool {
        self.subscription.email.id() == mode
    }
    fn unread(&self) -> usize {
        self.shown.iter().filter(|s| s.unread).count()
    }
}

async fn page(state: &AppState, visitor: &Visitor, user: &User) -> Result<AlertsPage, AppError> {
    let member = super::outbox::member(&state.db, user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(AlertsPage {
        page: Page::new(visitor, "Alerts"),
        shown: notified(state, &member, LISTED).await?,
        subscription: subscriptions::of(&state.db, user.id).await?,
        webhooks: webhooks::of_member(&state.db, user.id).await?,
        feed_path: super::feed::path_of(&state.db, &state.key, user.id).await?,
        base_url: state.config.public_url(),
        new_secret: None,
        webhook_url: String::new(),
        webhook_problem: None,
        settings_problem: None,
    })
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct Done {
    done: String,
}

pub async fn show(
    State(state): State<AppState>,
    SignedIn { visitor, user }: SignedIn,
    axum::extract::Query(done): axum::extract::Query<Done>,
) -> Result<Response, AppError> {
    let mut page = page(&state, &visitor, &user).await?;
    if done.done == "saved" {
        page.page = page
            .page
            .with_notice("Saved: you will receive alerts as chosen below.");
    }
    render(&page)
}

fn parse_settings(body: &[u8]) -> Subscription {
    let mut s = Subscription {
        advisories: false,
        incidents: false,
        watchlist_hits: false,
        ..Subscription::default()
    };
    let mut lists: [Vec<String>; 3] = Default::default();
    for (key, value) in url::form_urlencoded::parse(body) {
        match key.as_ref() {
            "advisories" => s.advisories = value == "on",
            "incidents" => s.incidents = value == "on",
            "watchlist_hits" => s.watchlist_hits = value == "on",
            "min_severity" => s.min_severity = value.parse().unwrap_or(0),
            "email" => {
                s.email = EmailMode::parse(&value).unwrap_or(EmailMode::Off);
            }
            "class" => lists[0].push(value.into_owned()),
            "sea_area" => lists[1].push(value.into_owned()),
            "vessel_type" => lists[2].push(value.into_owned()),
            _ => {}
        }
    }
    let [classes, areas, types] = lists;
    s.classes = classes.join(" ");
    s.sea_areas = areas.join(" ");
    s.vessel_types = types.join(" ");
    s
}

fn settings_problem(s: &Subscription) -> Option<String> {
    if !SEVERITIES.iter().any(|(n, _)| *n == s.min_severity) {
        return Some("Choose the lowest severity you want to hear about.".into());
    }
    let known =
        crate::advisories::model::all_in_catalogue(&s.classes, &s.sea_areas, &s.vessel_types, "");
    (!known).then(|| "Choose classes, sea areas and vessel types from the lists.".into())
}

pub async fn save_settings(
    State(state): State<AppState>,
    SignedIn { visitor, user }: SignedIn,
    body: Bytes,
) -> Result<Response, AppError> {
    let wanted = parse_settings(&body);
    if let Some(problem) = settings_problem(&wanted) {
        let mut page = page(&state, &visitor, &user).await?;
        page.subscription = wanted;
        page.settings_problem = Some(problem);
        return render_invalid(&page);
    }
    let mut tx = state.db.begin_write().await?;
    subscriptions::save(&mut tx, user.id, &wanted).await?;
    tx.commit().await?;
    Ok(Redirect::to("/alerts?done=saved").into_response())
}

pub async fn mark_read(
    State(state): State<AppState>,
    SignedIn { user, .. }: SignedIn,
) -> Result<Response, AppError> {
    notifications::mark_all_read(&state.db, user.id).await?;
    Ok(Redirect::to("/alerts").into_response())
}

pub async fn add_webhook(
    State(state): State<AppState>,
    SignedIn { visitor, user }: SignedIn,
    body: Bytes,
) -> Result<Response, AppError> {
    let url = url::form_urlencoded::parse(&body)
        .find(|(k, _)| k == "url")
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_default();
    match webhooks::add(&state, user.id, &url).await {
        Ok(secret) => {
            audit::record(
                &state.db,
                &state.key,
                Actor::User(user.id),
                "webhook.added",
                &format!("user:{}", user.id),
                "",
            )
            .await?;
            let mut page = page(&state, &visitor, &user).await?;
            page.new_secret = Some(secret);
            page.page = page.page.with_notice(
                "Webhook added: our test message was accepted. Copy the signing secret now; it is not shown again.",
            );
            render(&page)
        }
        Err(AddError::Refused(reason)) => {
            let mut page = page(&state, &visitor, &user).await?;
            page.webhook_url = url;
            page.webhook_problem = Some(reason);
            render_invalid(&page)
        }
        Err(AddError::Db(e)) => Err(e.into()),
        Err(AddError::Secret(e)) => Err(e.into()),
    }
}

pub async fn remove_webhook(
    State(state): State<AppState>,
    SignedIn { user, visitor }: SignedIn,
    Path(id): Path<i64>,
    axum::Form(confirm): axum::Form<Confirmed>,
) -> Result<Response, AppError> {
    if !confirm.given() {
        let hooks = webhooks::of_member(&state.db, user.id).await?;
        let hook = hooks
            .iter()
            .find(|h| h.id == id)
            .ok_or(AppError::NotFound)?;
        return Confirmation::new(
            format!("Delete the webhook to {}?", hook.url),
            &format!("/alerts/webhooks/{id}/delete"),
            "Delete the webhook",
            "/alerts#webhooks",
        )
        .consequence("Alerts stop going to its address at once.")
        .page(&visitor);
    }
    let mut tx = state.db.begin_write().await?;
    // Someone else's webhook is "not found", not "forbidden".
    if !webhooks::remove(&mut tx, user.id, id).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(Redirect::to("/alerts#webhooks").into_response())
}

pub async fn create_feed(
    State(state): State<AppState>,
    SignedIn { user, .. }: SignedIn,
) -> Result<Response, AppError> {
    let mut tx = state.db.begin_write().await?;
    super::feed::create(&mut tx, &state.key, user.id).await?;
    tx.commit().await?;
    Ok(Redirect::to("/alerts#feed").into_response())
}

pub async fn revoke_feed(
    State(state): State<AppState>,
    SignedIn { user, .. }: SignedIn,
) -> Result<Response, AppError> {
    let mut tx = state.db.begin_write().await?;
    super::feed::revoke(&mut tx, user.id).await?;
    tx.commit().await?;
    Ok(Redirect::to("/alerts#feed").into_response())
}

/// `GET /alerts/feed/{token}`.
pub async fn feed(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let Some(user_id) = feed::owner(&state.db, &token).await? else {
        return Err(AppError::NotFound);
    };
    let member = super::outbox::member(&state.db, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if member.disabled != 0 {
        return Err(AppError::NotFound);
    }
    let alerts = recent(&state, &member, FEED_ENTRIES).await?;
    let path = format!("/alerts/feed/{token}");
    let body = feed::document(
        &state.key,
        &state.config.public_url(),
        &member,
        &path,
        &alerts,
    );
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/atom+xml; charset=utf-8"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=60"),
    );
    Ok(response)
}

/// `GET /alerts/live`: the signed-in member's stream.
pub async fn stream(
    State(state): State<AppState>,
    SignedIn { user, .. }: SignedIn,
) -> Result<Sse<impl Stream<Item = Result<Event, std::convert::Infallible>>>, AppError> {
    super::live::stream_for(state, user.id)
}
