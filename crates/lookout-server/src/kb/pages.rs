//! Knowledge-base pages: members read published articles within their
//! sharing level, by kind and tag; editors write drafts, ask a second
//! editor to review, publish new versions and archive.

use askama::Template;
use axum::body::Bytes;

use super::checklist::{self, Checklist};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::model::{ARTICLE_TLPS, ArticleForm, Content, KINDS, kind_label, normalise_tags};
use super::store::{self, Article, Listed, Version};
use crate::accounts::authz::{self, Capability};
use crate::accounts::extract::Editor;
use crate::db::now;
use crate::review::Content as _;
use crate::review::flow::{self, Done, Settled, Standing, Workflow};
use crate::sharing::clearance::Clearance;
use crate::state::AppState;
use crate::web::labels::Labels;
use crate::web::paging::{Pages, page_base, rows_of};
use crate::web::templates::{Page, markdown_html_under, render, render_invalid};
use crate::web::{AppError, Visitor};

impl Workflow for Article {
    const PATH: &'static str = "/kb";
    const AUDIT: &'static str = "kb";
    const VERSION_WORD: &'static str = "version";
    const SETTLED: Settled = Settled::Editor;
    const NOTICES: &'static [(&'static str, &'static str)] = &[
        ("archived", "Archived: members no longer see it."),
        ("restored", "Published again."),
        (
            "submitted",
            "Submitted for review: another editor publishes it.",
        ),
        (
            "waiting",
            "It still waits for another editor: you submitted it.",
        ),
    ];

    /// Every article waits for a second editor.
    fn needs_review(_: &AppState, _: &Content) -> bool {
        true
    }
}

/// Labels the knowledge-base templates use.
pub trait KbLabels {
    fn kind_label(&self, id: &str) -> &'static str {
        kind_label(id)
    }
    fn kinds(&self) -> &'static [(&'static str, &'static str, &'static str)] {
        &KINDS
    }
    fn levels(&self) -> &'static [&'static str] {
        &ARTICLE_TLPS
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    kind: String,
    tag: String,
    page: i64,
}

/// Articles on one page of the list.
const LIST_PAGE: i64 = 30;

#[derive(Template)]
#[template(path = "kb/list.html")]
struct ListPage {
    page: Page,
    articles: Vec<Listed>,
    kind: String,
    tag: String,
    is_editor: bool,
    pages: Pages,
}
impl KbLabels for ListPage {}
impl ListPage {
    fn page_base(&self) -> String {
        page_base("/kb", &[("kind", &self.kind), ("tag", &self.tag)])
    }
}
impl Labels for ListPage {}

pub async fn list(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let user = visitor.require_user()?;
    let clearance = Clearance::of(&state.db, user).await?;
    let kind = KINDS
        .iter()
        .map(|(k, _, _)| *k)
        .find(|k| *k == query.kind)
        .unwrap_or("");
    // One tag, cleaned like stored tags (no wildcard reaches the LIKE).
    let tag = normalise_tags(&query.tag)
        .split(' ')
        .next()
        .unwrap_or_default()
        .to_string();
    let articles = store::list_published(
        &state.db,
        clearance.max_rank,
        Some(kind),
        Some(tag.as_str()),
    )
    .await?;
    let pages = Pages::new(
        query.page,
        i64::try_from(articles.len()).unwrap_or(0),
        LIST_PAGE,
    );
    let list = ListPage {
        page: Page::new(&visitor, "Knowledge base"),
        articles: rows_of(articles, &pages),
        kind: kind.to_string(),
        tag,
        is_editor: authz::allows(user, Capability::Curate),
        pages,
    };
    if let Some(page) = pages.moved(query.page) {
        return Ok(Redirect::to(&format!("{}{page}", list.page_base())).into_response());
    }
    render(&list)
}

#[derive(Template)]
#[template(path = "kb/article.html")]
pub(super) struct ArticlePage {
    page: Page,
    pub(super) article: Article,
    version: Version,
    body_html: String,
    /// The body's sections, for a table of contents.
    contents: Vec<lookout_markdown::Heading>,
    /// A playbook's checklist with this member's ticks, shown as a form in
    /// place of its list.
    pub(super) checklist: Option<Checklist>,
    /// Just saved the checklist.
    saved: bool,
    /// Related incidents and advisories the reader may open.
    incidents: Vec<String>,
    advisories: Vec<(String, String)>,
    is_editor: bool,
    /// An editor reading an older or unpublished version.
    viewing_other: bool,
}
impl KbLabels for ArticlePage {}
impl Labels for ArticlePage {}

/// An article as one self-contained file to keep on board, where the link
/// to the portal may be down when it is needed most.
#[derive(Template)]
#[template(path = "kb/offline.html")]
struct OfflineArticle<'a> {
    article: &'a ArticlePage,
    saved: String,
    portal: String,
}
impl Labels for OfflineArticle<'_> {}

/// Sections a body needs before it gets a table of contents.
const CONTENTS_FROM: usize = 3;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VersionQuery {
    version: i64,
    saved: String,
}

/// The article `slug` as a file to keep offline: the same version and the
/// same access checks as its page.
pub async fn offline(
    state: State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
    query: Query<VersionQuery>,
) -> Result<Response, AppError> {
    let portal = state.config.public_url().trim_end_matches('/').to_string();
    let page = article_page(&state, &visitor, &slug, &query).await?;
    let file = OfflineArticle {
        article: &page,
        saved: crate::web::templates::format_time(&now()),
        portal,
    }
    .render()?;
    Ok(crate::web::attachment(
        file,
        "text/html; charset=utf-8",
        &format!("{}.html", page.article.slug),
    ))
}

pub async fn article(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
    Query(query): Query<VersionQuery>,
) -> Result<Response, AppError> {
    render(&article_page(&state, &visitor, &slug, &query).await?)
}

/// The published article `slug` as this member reads it.
pub(super) async fn article_for(
    state: &AppState,
    visitor: &Visitor,
    slug: &str,
) -> Result<ArticlePage, AppError> {
    article_page(state, visitor, slug, &VersionQuery::default()).await
}

async fn article_page(
    state: &AppState,
    visitor: &Visitor,
    slug: &str,
    query: &VersionQuery,
) -> Result<ArticlePage, AppError> {
    let user = visitor.require_user()?;
    let is_editor = authz::allows(user, Capability::Curate);
    let clearance = Clearance::of(&state.db, user).await?;
    let article = store::by_slug(&state.db.pool, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    // Members read the published version of a published article within
    // their level; editors any version.
    let number = if is_editor && query.version > 0 {
        Some(query.version)
    } else if article.state == "published" {
        article.published_version
    } else if is_editor {
        store::latest(&state.db.pool, article.id)
            .await?
            .map(|v| v.number)
    } else {
        None
    };
    let version = match number {
        Some(n) => store::version(&state.db.pool, article.id, n).await?,
        None => None,
    }
    .filter(|v| is_editor || v.content.tlp_rank() <= clearance.max_rank)
    .ok_or(AppError::NotFound)?;
    let mut incidents = Vec::new();
    for reference in version.content.incident_refs() {
        if crate::incidents::store::visible_by_ref(&state.db, now(), &clearance, reference)
            .await?
            .is_some()
        {
            incidents.push(reference.to_string());
        }
    }
    let mut advisories = Vec::new();
    for reference in version.content.advisory_refs() {
        if let Some(advisory) = crate::advisories::store::by_reference(&state.db, reference).await?
            && advisory.state == "published"
            && let Some(revision) =
                crate::advisories::store::published(&state.db, &advisory).await?
            && revision.content.tlp_rank() <= clearance.max_rank
        {
            advisories.push((reference.to_string(), revision.content.title));
        }
    }
    let (body_html, contents) =
        lookout_markdown::with_anchors(&markdown_html_under(&version.content.body, 2));
    let contents = if contents.len() >= CONTENTS_FROM {
        contents
    } else {
        Vec::new()
    };
    let mut checklist = checklist::find(&body_html);
    if let Some(list) = checklist.as_mut() {
        let ticked = store::ticks(&state.db, user.id, article.id).await?;
        for item in &mut list.items {
            item.done = ticked.contains(&item.key);
        }
    }
    Ok(ArticlePage {
        page: Page::new(visitor, &version.content.title),
        body_html,
        contents,
        checklist,
        saved: query.saved == "checklist",
        viewing_other: Some(version.number) != article.published_version,
        article,
        version,
        incidents,
        advisories,
        is_editor,
    })
}

#[derive(Template)]
#[template(path = "kb/drafts.html")]
struct DraftsPage {
    page: Page,
    drafts: Vec<Listed>,
    me: i64,
}
impl KbLabels for DraftsPage {}
impl Labels for DraftsPage {}

pub async fn drafts(
    Editor { visitor, user }: Editor,
    State(state): State<AppState>,
) -> Result<Response, AppError> {
    render(&DraftsPage {
        page: Page::new(&visitor, "Knowledge-base drafts"),
        drafts: store::list_drafts(&state.db).await?,
        me: user.id,
    })
}

#[derive(Template)]
#[template(path = "kb/editor.html")]
struct EditorPage {
    page: Page,
    article: Option<Article>,
    form: ArticleForm,
    versions: Vec<Version>,
    /// Submitted by another editor: this one may review and publish it.
    can_review: bool,
    waiting_for_other: bool,
    problems: Vec<String>,
    preview_html: String,
}
impl KbLabels for EditorPage {}
impl Labels for EditorPage {}

impl EditorPage {
    fn action_path(&self) -> String {
        match &self.article {
            Some(a) => format!("/kb/{}/edit", a.slug),
            None => "/kb/new".into(),
        }
    }
}

fn editor_page(visitor: &Visitor, article: Option<Article>, form: ArticleForm) -> EditorPage {
    EditorPage {
        page: Page::new(visitor, "Article"),
        preview_html: markdown_html_under(&form.content.body, 3),
        article,
        form,
        versions: Vec::new(),
        can_review: false,
        waiting_for_other: false,
        problems: Vec::new(),
    }
}

/// The form's problems, including related items that do not exist.
async fn problems(state: &AppState, content: &Content) -> Result<Vec<String>, AppError> {
    let mut problems = content.problems();
    problems.extend(
        crate::advisories::store::unknown_incidents(&state.db, content.incident_refs()).await?,
    );
    for reference in content.advisory_refs() {
        if crate::advisories::store::by_reference(&state.db, reference)
            .await?
            .is_none()
        {
            problems.push(format!(
                "There is no advisory {reference}: check the reference (like ADV-2026-0001)."
            ));
        }
    }
    Ok(problems)
}

pub async fn new_form(Editor { visitor, .. }: Editor) -> Result<Response, AppError> {
    let form = ArticleForm {
        kind: "playbook".into(),
        content: Content {
            tlp: "green".into(),
            ..Content::default()
        },
        ..ArticleForm::default()
    };
    render(&editor_page(&visitor, None, form))
}

pub async fn create(
    Editor { visitor, user }: Editor,
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Response, AppError> {
    let mut form = ArticleForm::from_form(&body);
    if form.slug.is_empty() {
        form.slug = super::model::slug_of(&form.content.title);
    }
    let mut problems = problems(&state, &form.content).await?;
    problems.extend(form.new_article_problems());
    if store::by_slug(&state.db.pool, &form.slug).await?.is_some() {
        problems.push(format!(
            "An article already lives at /kb/{}: choose another address.",
            form.slug
        ));
    }
    if !problems.is_empty() || form.action == "preview" {
        let invalid = !problems.is_empty();
        let mut page = editor_page(&visitor, None, form);
        page.problems = problems;
        return if invalid {
            render_invalid(&page)
        } else {
            render(&page)
        };
    }
    let mut tx = state.db.begin_write().await?;
    let article = store::create(
        &mut tx,
        &form.slug,
        &form.kind,
        &form.content,
        Some(user.id),
    )
    .await?
    .ok_or_else(|| {
        AppError::Conflict("Another editor just took this address: choose another.".into())
    })?;
    flow::audit::<Article>(&mut tx, &state, &user, "created", &article.slug, "").await?;
    tx.commit().await?;
    flow::advance::<Article>(&state, &user, &article.slug, &form.action).await
}

pub async fn edit(
    Editor { visitor, user }: Editor,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    let (article, latest) = flow::load::<Article>(&state, &slug).await?;
    let standing = Standing::of(&article, &latest, user.id);
    let form = ArticleForm {
        content: latest.content.clone(),
        kind: article.kind.clone(),
        slug: article.slug.clone(),
        action: String::new(),
    };
    let mut page = editor_page(&visitor, Some(article.clone()), form);
    page.versions = store::versions(&state.db, article.id).await?;
    page.can_review = standing.can_review;
    page.waiting_for_other = standing.waiting_for_other;
    page.page = done.told::<Article>(page.page);
    render(&page)
}

pub async fn save(
    Editor { visitor, user }: Editor,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let (article, latest) = flow::load::<Article>(&state, &slug).await?;
    let mut form = ArticleForm::from_form(&body);
    form.kind = article.kind.clone();
    form.slug = article.slug.clone();
    let problems = problems(&state, &form.content).await?;
    if !problems.is_empty() || form.action == "preview" {
        let invalid = !problems.is_empty();
        let mut page = editor_page(&visitor, Some(article.clone()), form);
        page.versions = store::versions(&state.db, article.id).await?;
        page.problems = problems;
        return if invalid {
            render_invalid(&page)
        } else {
            render(&page)
        };
    }
    flow::save::<Article>(&state, &user, &article, &latest, &form.content).await?;
    flow::advance::<Article>(&state, &user, &slug, &form.action).await
}

#[derive(Deserialize)]
pub struct ArchiveForm {
    archived: String,
}

pub async fn archive(
    Editor { user, .. }: Editor,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    axum::Form(form): axum::Form<ArchiveForm>,
) -> Result<Response, AppError> {
    let (article, _) = flow::load::<Article>(&state, &slug).await?;
    let archived = form.archived == "1";
    let mut tx = state.db.begin_write().await?;
    if store::set_archived(&mut tx, article.id, archived).await? {
        let what = if archived { "archived" } else { "restored" };
        flow::audit::<Article>(&mut tx, &state, &user, what, &slug, "").await?;
    }
    tx.commit().await?;
    let done = if archived { "archived" } else { "restored" };
    Ok(Redirect::to(&format!("/kb/{slug}/edit?done={done}")).into_response())
}
