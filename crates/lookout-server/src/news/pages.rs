//! The editors' news intake: feeds with what their last fetch brought (or
//! why it failed), adding a feed (fetched at once, refused with the reason
//! when it cannot be read), and the queue of items to publish or dismiss.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::store::{self, FeedRow, QueuedItem};
use crate::accounts::extract::Editor;
use crate::audit::{self, Actor};
use crate::db::now;
use crate::kb::model::{Content, normalise_tags, slug_of};
use crate::state::AppState;
use crate::web::confirm::{self, Confirmation};
use crate::web::labels::Labels;
use crate::web::templates::{Page, render, render_invalid};
use crate::web::{AppError, Visitor};

#[derive(Template)]
#[template(path = "kb/news.html")]
struct IntakePage {
    page: Page,
    feeds: Vec<FeedRow>,
    items: Vec<QueuedItem>,
    url: String,
    problems: Vec<String>,
}
impl Labels for IntakePage {}

impl IntakePage {
    fn levels(&self) -> &'static [&'static str] {
        &crate::kb::model::ARTICLE_TLPS
    }
}

async fn intake_page(
    state: &AppState,
    visitor: &Visitor,
    url: String,
    problems: Vec<String>,
) -> Result<IntakePage, AppError> {
    Ok(IntakePage {
        page: Page::new(visitor, "News intake"),
        feeds: store::feeds(&state.db).await?,
        items: store::queue(&state.db, 100).await?,
        url,
        problems,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DoneQuery {
    done: String,
}

pub async fn intake(
    State(state): State<AppState>,
    Editor { visitor, .. }: Editor,
    axum::extract::Query(query): axum::extract::Query<DoneQuery>,
) -> Result<Response, AppError> {
    let mut page = intake_page(&state, &visitor, String::new(), Vec::new()).await?;
    let notice = match query.done.as_str() {
        "added" => Some("Feed added: its newest items are in the queue below."),
        "removed" => Some("Feed removed; articles published from it stay."),
        "fetching" => Some("It will be fetched within a minute."),
        "dismissed" => Some("Dismissed."),
        _ => None,
    };
    if let Some(notice) = notice {
        page.page = page.page.with_notice(notice);
    }
    render(&page)
}

#[derive(Deserialize)]
pub struct FeedForm {
    #[serde(default)]
    url: String,
}

pub async fn add_feed(
    State(state): State<AppState>,
    Editor { visitor, user }: Editor,
    axum::Form(form): axum::Form<FeedForm>,
) -> Result<Response, AppError> {
    let url = form.url.trim().to_string();
    let policy = super::fetch::policy(&state.outbound, &state.config);
    // Fetched now, so a feed that cannot be read is refused with the
    // reason while the editor is still on the page.
    let checked = match lookout_outbound::check_url(&url, &policy) {
        Ok(checked) => checked,
        Err(err) => {
            let page = intake_page(&state, &visitor, url, vec![err.to_string()]).await?;
            return render_invalid(&page);
        }
    };
    // Within the request's own 30 s, redirects included.
    let fetched = tokio::time::timeout(
        std::time::Duration::from_secs(25),
        super::fetch::fetch(checked.as_str(), &policy),
    )
    .await
    .unwrap_or_else(|_| {
        Err(
            "The feed's server took too long to answer; try again later or ask the publisher."
                .into(),
        )
    });
    let feed = match fetched {
        Ok(feed) => feed,
        Err(reason) => {
            let page =
                intake_page(&state, &visitor, url, vec![format!("Not added: {reason}")]).await?;
            return render_invalid(&page);
        }
    };
    let interval = super::interval(&state.config);
    let mut tx = state.db.begin_write().await?;
    let title: String = feed.title.chars().take(200).collect();
    let Some(feed_id) = store::add_feed(&mut tx, checked.as_str(), &title, user.id).await? else {
        drop(tx);
        let page = intake_page(
            &state,
            &visitor,
            url,
            vec!["This feed is already registered.".into()],
        )
        .await?;
        return render_invalid(&page);
    };
    store::record_success(&mut tx, feed_id, &feed, now() + interval).await?;
    audit::append(
        &mut tx,
        &state.key,
        Actor::User(user.id),
        "news.feed.added",
        checked.as_str(),
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/kb/news?done=added").into_response())
}

#[derive(Deserialize)]
pub struct FeedAction {
    action: String,
    #[serde(default)]
    confirmed: String,
}

pub async fn feed_action(
    State(state): State<AppState>,
    Editor { user, visitor }: Editor,
    Path(feed_id): Path<i64>,
    axum::Form(form): axum::Form<FeedAction>,
) -> Result<Response, AppError> {
    if form.action == "remove" && !confirm::given(&form.confirmed) {
        let feeds = store::feeds(&state.db).await?;
        let feed = feeds
            .iter()
            .find(|f| f.id == feed_id)
            .ok_or(AppError::NotFound)?;
        return Confirmation::new(
            format!("Remove the news feed {}?", feed.url),
            &format!("/kb/news/feeds/{feed_id}"),
            "Remove the feed",
            "/kb/news",
        )
        .consequence("It is no longer fetched; items already kept stay.")
        .keep("action", "remove")
        .page(&visitor);
    }
    let mut tx = state.db.begin_write().await?;
    let done = match form.action.as_str() {
        "remove" => {
            let url = store::remove_feed(&mut tx, feed_id)
                .await?
                .ok_or(AppError::NotFound)?;
            audit::append(
                &mut tx,
                &state.key,
                Actor::User(user.id),
                "news.feed.removed",
                &url,
                "",
            )
            .await?;
            "removed"
        }
        "fetch" => {
            store::fetch_soon(&mut tx, feed_id).await?;
            "fetching"
        }
        _ => return Err(AppError::BadRequest("Choose fetch or remove.".into())),
    };
    tx.commit().await?;
    super::wake(&state);
    Ok(Redirect::to(&format!("/kb/news?done={done}")).into_response())
}

#[derive(Deserialize)]
pub struct DecideForm {
    action: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    tlp: String,
    #[serde(default)]
    tags: String,
}

/// An approved item as a news article: the editor's note, the item's
/// summary quoted, and a link to the source.
fn article_of(item: &QueuedItem, form: &DecideForm) -> Content {
    let summary: String = item.summary.chars().take(280).collect();
    let mut body = String::new();
    if !form.note.trim().is_empty() {
        body.push_str(form.note.trim());
        body.push_str("\n\n");
    }
    if !item.summary.is_empty() {
        body.push_str(&lookout_markdown::quote(&item.summary, 2_000));
        body.push('\n');
    }
    if let Some(link) = &item.link {
        let source = if item.feed_title.is_empty() {
            "the source"
        } else {
            item.feed_title.as_str()
        };
        // Angle brackets: a URL's parentheses cannot end the link early.
        body.push_str(&format!("Read the full item at [{source}](<{link}>)."));
    }
    let mut tags = normalise_tags(&format!("news {}", form.tags));
    if tags.split(' ').count() > crate::kb::model::TAGS_MAX {
        tags = tags
            .split(' ')
            .take(crate::kb::model::TAGS_MAX)
            .collect::<Vec<_>>()
            .join(" ");
    }
    Content {
        title: item
            .title
            .chars()
            .take(crate::kb::model::TITLE_MAX)
            .collect(),
        summary,
        body,
        tags,
        tlp: if form.tlp.is_empty() {
            "clear".into()
        } else {
            form.tlp.clone()
        },
        incidents: String::new(),
        advisories: String::new(),
    }
}

pub async fn decide(
    State(state): State<AppState>,
    Editor { visitor, user }: Editor,
    Path(item_id): Path<i64>,
    axum::Form(form): axum::Form<DecideForm>,
) -> Result<Response, AppError> {
    let mut tx = state.db.begin_write().await?;
    let item = store::queued_item(&mut tx, item_id).await?.ok_or_else(|| {
        AppError::Conflict("This item is no longer in the queue: another editor took it.".into())
    })?;
    match form.action.as_str() {
        "dismiss" => {
            store::decide(&mut tx, item.id, "dismissed", user.id, None).await?;
            tx.commit().await?;
            Ok(Redirect::to("/kb/news?done=dismissed").into_response())
        }
        "publish" => {
            let content = article_of(&item, &form);
            let problems = content.problems();
            if !problems.is_empty() {
                drop(tx);
                let page = intake_page(&state, &visitor, String::new(), problems).await?;
                return render_invalid(&page);
            }
            let slug = format!("{}-{}", slug_of(&content.title), item.id)
                .trim_start_matches('-')
                .to_string();
            let article = crate::kb::store::create(&mut tx, &slug, "news", &content, Some(user.id))
                .await?
                .ok_or_else(|| {
                    AppError::Conflict(format!("An article already lives at /kb/{slug}."))
                })?;
            // Submitted, not published: like every article, news reaches
            // members only once a second editor has read it. The note is the
            // editor's own free text, and the item's words come from a feed
            // an editor chose; neither may go out on one person's say.
            if let Some(version) = crate::kb::store::latest(&mut *tx, article.id).await? {
                crate::kb::store::submit(&mut tx, version.id, user.id).await?;
            }
            store::decide(&mut tx, item.id, "published", user.id, Some(article.id)).await?;
            audit::append(
                &mut tx,
                &state.key,
                Actor::User(user.id),
                "news.submitted",
                &article.slug,
                item.link.as_deref().unwrap_or(""),
            )
            .await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!("/kb/{}/edit?done=submitted", article.slug)).into_response())
        }
        _ => Err(AppError::BadRequest("Choose publish or dismiss.".into())),
    }
}
