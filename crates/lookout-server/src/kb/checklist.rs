//! A playbook's checklist that a member ticks off as they work through an
//! incident, kept for them without JavaScript: the list under a heading
//! called "Checklist" becomes a form of boxes, and saving it stores which
//! items are done (by their text), for that member only.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use crate::state::AppState;
use crate::web::{AppError, Visitor};

/// Items kept of one checklist, at most, and characters of an item's text.
const MAX_ITEMS: usize = 100;
const MAX_ITEM: usize = 300;

/// A checklist found in an article's HTML: the HTML before and after its
/// list, and its items.
#[derive(Debug, Default)]
pub struct Checklist {
    pub before: String,
    pub after: String,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone)]
pub struct Item {
    /// The item as safe HTML, as the Markdown renderer wrote it.
    pub html: String,
    /// Its text without tags: what a tick is stored by.
    pub key: String,
    pub done: bool,
}

impl Checklist {
    pub fn done(&self) -> usize {
        self.items.iter().filter(|i| i.done).count()
    }
}

/// The first list right under a heading that reads "Checklist", cut out of
/// `html` (rendered by `lookout-markdown`, whose tags are exact); `None`
/// when the article has none.
pub fn find(html: &str) -> Option<Checklist> {
    let mut from = 0;
    while let Some(found) = html[from..].find(">Checklist</h") {
        let heading_end = from + found + ">Checklist</h".len() + 2;
        from = heading_end;
        let rest = html.get(heading_end..)?;
        let list_start = heading_end + (rest.len() - rest.trim_start().len());
        if !html[list_start..].starts_with("<ul>") {
            continue;
        }
        let (items, list_end) = top_items(&html[list_start..])?;
        return Some(Checklist {
            before: html[..list_start].to_string(),
            after: html[list_start + list_end..].to_string(),
            items: items
                .into_iter()
                .take(MAX_ITEMS)
                .map(|inner| Item {
                    key: text_of(&inner).chars().take(MAX_ITEM).collect(),
                    html: inner,
                    done: false,
                })
                .collect(),
        });
    }
    None
}

/// The inner HTML of the top-level items of the `<ul>` that `html` starts
/// with, and where that list ends.
fn top_items(html: &str) -> Option<(Vec<String>, usize)> {
    let mut depth = 0usize;
    let mut items = Vec::new();
    let mut item_start = None;
    let mut at = 0;
    while at < html.len() {
        let rest = &html[at..];
        let step = if rest.starts_with("<ul>") || rest.starts_with("<ol>") {
            depth += 1;
            4
        } else if rest.starts_with("</ul>") || rest.starts_with("</ol>") {
            depth = depth.checked_sub(1)?;
            if depth == 0 {
                return Some((items, at + 5));
            }
            5
        } else if depth == 1 && rest.starts_with("<li>") {
            item_start = Some(at + 4);
            4
        } else if depth == 1 && rest.starts_with("</li>") {
            if let Some(start) = item_start.take() {
                items.push(html[start..at].trim().to_string());
            }
            5
        } else {
            rest.chars().next().map_or(1, char::len_utf8)
        };
        at += step;
    }
    None
}

/// `html`'s text: tags dropped, the renderer's entities read back, spaces
/// folded.
fn text_of(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Saves a member's ticks: the boxes sent (`done`, by item text) among the
/// items the article's checklist has now; "clear" unticks all.
pub async fn save(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let user = visitor.require_user()?;
    // The same version and access checks as the page the form was on.
    let page = super::pages::article_for(&state, &visitor, &slug).await?;
    let Some(list) = page.checklist else {
        return Err(AppError::NotFound);
    };
    let clear = url::form_urlencoded::parse(&body).any(|(k, v)| k == "action" && v == "clear");
    let sent: Vec<String> = url::form_urlencoded::parse(&body)
        .filter(|(k, _)| k == "done")
        .map(|(_, v)| v.into_owned())
        .collect();
    let keep: Vec<&Item> = list
        .items
        .iter()
        .filter(|item| !clear && sent.contains(&item.key))
        .collect();
    let keys: Vec<&str> = keep.iter().map(|item| item.key.as_str()).collect();
    let mut tx = state.db.begin_write().await?;
    super::store::save_ticks(&mut tx, user.id, page.article.id, &keys).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/kb/{slug}?saved=checklist#checklist")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rendered(markdown: &str) -> String {
        let html = lookout_markdown::render(markdown, &Default::default())
            .unwrap()
            .html;
        lookout_markdown::with_anchors(&lookout_markdown::headings_from(&html, 2)).0
    }

    #[test]
    fn the_list_under_checklist_is_found_and_cut_out() {
        let html = rendered(
            "## Signs\n\n- not this\n\n## Checklist\n\n- Master **called**\n- VDR saved\n  - nested stays inside\n\nAfter.",
        );
        let list = find(&html).expect("a checklist");
        let keys: Vec<&str> = list.items.iter().map(|i| i.key.as_str()).collect();
        assert_eq!(keys, ["Master called", "VDR saved nested stays inside"]);
        assert!(list.items[0].html.contains("<strong>called</strong>"));
        assert!(list.before.contains("not this") && list.before.ends_with('\n'));
        assert!(list.after.contains("After.") && !list.after.contains("VDR"));
    }

    #[test]
    fn no_heading_no_checklist() {
        assert!(find(&rendered("## Steps\n\n- one\n- two")).is_none());
        assert!(find(&rendered("## Checklist\n\nJust words.")).is_none());
    }

    proptest! {
        #[test]
        fn any_text_cuts_cleanly(body in "\\PC{0,300}") {
            let html = rendered(&format!("## Checklist\n\n{body}"));
            if let Some(list) = find(&html) {
                prop_assert!(list.before.len() + list.after.len() <= html.len());
                prop_assert!(list.items.len() <= MAX_ITEMS);
            }
        }
    }
}
