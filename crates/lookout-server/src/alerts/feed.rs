//! A member's personal Atom feed. Feed readers cannot sign in, so the URL
//! carries a random token: the portal keeps its hash to find it and a
//! sealed copy to show the URL on the alerts page again. Revoking deletes
//! it; making a new one replaces it. The feed lists the member's own
//! notifications, re-checked against their sharing level at every read.

use atom_syndication::{Content, Entry, Feed, FixedDateTime, Link, Person, Text};

use super::events::AlertRow;
use super::outbox::Member;
use crate::db::{Db, Tx, now};
use crate::secrets::{MasterKey, token_hash};
use crate::web::AppError;

const PURPOSE: &str = "feed";

fn context(user_id: i64) -> String {
    format!("feed_tokens:{user_id}")
}

/// Makes (or replaces) the member's feed token; returns it.
pub async fn create(tx: &mut Tx, key: &MasterKey, user_id: i64) -> Result<String, AppError> {
    let token = crate::secrets::random_token()?;
    let sealed = key.seal(PURPOSE, &context(user_id), token.as_bytes())?;
    sqlx::query(
        "INSERT INTO feed_tokens (user_id, token_hash, sealed_token, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, \
         sealed_token = excluded.sealed_token, created_at = excluded.created_at",
    )
    .bind(user_id)
    .bind(token_hash(&token))
    .bind(sealed)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(token)
}

pub async fn revoke(tx: &mut Tx, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM feed_tokens WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The member's feed path, if they made one.
pub async fn path_of(
    db: &Db,
    key: &MasterKey,
    user_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    let sealed: Option<String> =
        sqlx::query_scalar("SELECT sealed_token FROM feed_tokens WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(&db.pool)
            .await?;
    Ok(sealed
        .and_then(|s| key.open(PURPOSE, &context(user_id), &s).ok())
        .map(|t| format!("/alerts/feed/{}", String::from_utf8_lossy(&t))))
}

fn time(secs: i64) -> FixedDateTime {
    time::OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .and_then(|t| {
            let text = t
                .format(&time::format_description::well_known::Rfc3339)
                .ok()?;
            FixedDateTime::parse_from_rfc3339(&text).ok()
        })
        .unwrap_or_default()
}

/// The feed document for `member`, from their newest notifications.
/// Entry and feed ids are keyed digests, stable for feed readers: the rows'
/// own ids count every alert (a forum post's in threads the member cannot
/// see included) and every account.
/// The member whose feed `token` opens, if any.
pub async fn owner(db: &Db, token: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT user_id FROM feed_tokens WHERE token_hash = $1")
        .bind(token_hash(token))
        .fetch_optional(&db.pool)
        .await
}

pub fn document(
    key: &MasterKey,
    base: &str,
    member: &Member,
    feed_path: &str,
    alerts: &[(AlertRow, Option<String>)],
) -> String {
    let updated = alerts.first().map_or(0, |(a, _)| a.created_at);
    let entries: Vec<Entry> = alerts
        .iter()
        .map(|(alert, hit)| {
            let mut text = format!(
                "{} · {} · {}",
                alert.kind_label(),
                alert.subject_ref,
                alert.tlp_tag()
            );
            if let Some(hit) = hit {
                text.push_str(&format!(" · matches your watchlist: {hit}"));
            }
            text.push_str("\n\n");
            text.push_str(&alert.summary);
            Entry {
                id: format!(
                    "{base}/alerts/{}",
                    key.mac("alerts-feed-entry", &alert.id.to_be_bytes())
                ),
                title: Text::plain(format!("{}: {}", alert.kind_label(), alert.title)),
                updated: time(alert.created_at),
                links: vec![Link {
                    href: format!("{base}{}", alert.path()),
                    rel: "alternate".into(),
                    ..Link::default()
                }],
                content: Some(Content {
                    value: Some(text),
                    content_type: Some("text".into()),
                    ..Content::default()
                }),
                ..Entry::default()
            }
        })
        .collect();
    let feed = Feed {
        id: format!(
            "{base}/alerts/feed/member-{}",
            key.mac("alerts-feed-member", &member.id.to_be_bytes())
        ),
        title: Text::plain(format!("Lookout alerts for {}", member.display_name)),
        updated: time(updated),
        authors: vec![Person {
            name: "Lookout".into(),
            ..Person::default()
        }],
        links: vec![
            Link {
                href: format!("{base}{feed_path}"),
                rel: "self".into(),
                mime_type: Some("application/atom+xml".into()),
                ..Link::default()
            },
            Link {
                href: format!("{base}/alerts"),
                rel: "alternate".into(),
                ..Link::default()
            },
        ],
        entries,
        ..Feed::default()
    };
    feed.to_string()
}
