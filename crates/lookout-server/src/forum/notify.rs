//! Who hears of a new post: the members it mentions, and those who follow
//! its thread (or, for a new thread, its category). Alerts are written in
//! the post's transaction and addressed to those members only; the alert
//! worker checks each may still read the thread, then notifies them in the
//! portal and in their daily digest (`alerts::fanout::addressed`).
//!
//! A pseudonymous post notifies every follower, its author included if they
//! follow the thread: leaving the author out would name them to anyone who
//! compares the followers with the notifications.

use super::access::Reader;
use super::model::{Category, handle_of, mentions};
use super::store::{self, Follow, Thread};
use crate::alerts::events::{self, NewAlert};
use crate::db::Tx;

/// A post just added, as notifications describe it.
pub struct NewPost<'a> {
    pub thread: &'a Thread,
    pub category: &'a Category,
    pub number: i64,
    pub body: &'a str,
    /// The name the post shows: the member's or the pseudonym.
    pub byline: &'a str,
    /// The author, when the post carries their name.
    pub named_author: Option<i64>,
    pub starts_thread: bool,
}

#[derive(sqlx::FromRow)]
struct Member {
    id: i64,
    display_name: String,
    role: String,
    org_id: Option<i64>,
    org_kind: Option<String>,
    tlp_clearance: Option<i64>,
}

impl Member {
    fn reader(&self) -> Option<Reader> {
        let role = self.role.parse().ok()?;
        Some(Reader::from_parts(
            crate::accounts::model::User {
                id: self.id,
                email: String::new(),
                display_name: self.display_name.clone(),
                role,
                org_id: self.org_id,
                mfa_enabled: false,
            },
            self.org_kind.as_deref(),
            self.tlp_clearance,
        ))
    }
}

const MEMBERS: &str = "SELECT u.id, u.display_name, u.role, u.org_id, o.kind AS org_kind, \
     o.tlp_clearance FROM users u LEFT JOIN organisations o ON o.id = u.org_id \
     WHERE u.disabled = 0";

/// Writes the alerts a new post causes. Returns the handles it mentioned
/// that matched no member who may read the thread, so the author can be
/// told.
pub async fn post_added(tx: &mut Tx, post: &NewPost<'_>) -> Result<Vec<String>, sqlx::Error> {
    let may_read = |m: &Member| {
        m.reader()
            .is_some_and(|r| r.may_read(post.category, post.thread))
    };
    let handles = mentions(post.body);
    let mut mentioned = Vec::new();
    let mut unknown = Vec::new();
    if !handles.is_empty() {
        let members: Vec<Member> = sqlx::query_as(sqlx::AssertSqlSafe(MEMBERS))
            .fetch_all(&mut **tx)
            .await?;
        for handle in &handles {
            // A handle two members share names neither: no one is told
            // about a post meant for someone else.
            let matching: Vec<&Member> = members
                .iter()
                .filter(|m| &handle_of(&m.display_name) == handle)
                .collect();
            match matching.as_slice() {
                [member] if may_read(member) => {
                    if post.named_author != Some(member.id) {
                        mentioned.push(member.id);
                    }
                }
                _ => unknown.push(handle.clone()),
            }
        }
    }
    let (follow, target) = if post.starts_thread {
        (Follow::Category, post.category.id)
    } else {
        (Follow::Thread, post.thread.id)
    };
    let mut followers = Vec::new();
    for user_id in store::followers(tx, follow, target).await? {
        if Some(user_id) != post.named_author && !mentioned.contains(&user_id) {
            followers.push(user_id);
        }
    }
    let plain = lookout_markdown::render(post.body, &lookout_markdown::Limits::default())
        .map(|r| r.plain_text)
        .unwrap_or_default();
    let alert = |kind: &str, summary: String| NewAlert {
        kind: kind.into(),
        subject_ref: format!("{}#p{}", post.thread.reference, post.number),
        title: post.thread.title.clone(),
        summary: events::shorten(&summary),
        severity: 0,
        tlp_rank: post.thread.tlp_rank,
        ..NewAlert::default()
    };
    events::record_for(
        tx,
        &alert(
            "forum.mention",
            format!("{} mentioned you: {plain}", post.byline),
        ),
        &mentioned,
    )
    .await?;
    let (kind, said) = if post.starts_thread {
        ("forum.thread", "started the thread")
    } else {
        ("forum.reply", "wrote")
    };
    events::record_for(
        tx,
        &alert(kind, format!("{} {said}: {plain}", post.byline)),
        &followers,
    )
    .await?;
    Ok(unknown)
}
