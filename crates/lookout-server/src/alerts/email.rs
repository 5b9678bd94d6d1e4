//! Alerts by email: one message per alert for members who chose
//! "immediately", one daily digest for those who chose "daily". Plain text
//! only (no tracking, no remote content); the sharing level leads the
//! subject so mail filters and readers see it first.

use super::events::{AlertRow, NOTIFIED_ALERT_COLUMNS};
use super::outbox::{Claimed, Failure, Member};
use super::subscriptions::EmailMode;
use crate::advisories::model::severity_label;
use crate::db::{DbError, now};
use crate::state::AppState;

/// A `Message-ID` that is the same for every attempt at one delivery.
fn message_id(row: &Claimed) -> String {
    let digest = crate::secrets::sha256_hex(row.idempotency_key.as_bytes());
    format!("<{}@lookout.alerts>", &digest[..32])
}

fn describe(state: &AppState, alert: &AlertRow, hit: Option<&str>) -> String {
    let mut text = format!("{} — {}", alert.kind_label(), alert.subject_ref);
    if alert.is_advisory() {
        text.push_str(&format!(" — severity {}", severity_label(alert.severity)));
    }
    text.push_str(&format!(" — {}\n{}\n", alert.tlp_tag(), alert.title));
    if let Some(hit) = hit {
        text.push_str(&format!(
            "\nThis matches your organisation's watchlist: {hit}.\n"
        ));
    }
    if !alert.summary.is_empty() {
        text.push_str(&format!("\n{}\n", alert.summary));
    }
    text.push_str(&format!(
        "\nRead it in the portal: {}{}\n",
        state.config.public_url(),
        alert.path()
    ));
    text
}

fn footer(state: &AppState) -> String {
    format!(
        "\n--\nYou receive this because of your alert settings on Lookout. Change them at {}/alerts\n\
         Handle this message according to its sharing level.\n",
        state.config.public_url()
    )
}

pub async fn send_alert(
    state: &AppState,
    member: &Member,
    alert: &AlertRow,
    hit: Option<&str>,
    row: &Claimed,
) -> Result<(), Failure> {
    let subject = format!(
        "[Lookout {}] {}: {}",
        alert.tlp_tag(),
        alert.kind_label(),
        alert.title
    );
    let body = format!(
        "Hello {},\n\n{}{}",
        member.display_name,
        describe(state, alert, hit),
        footer(state)
    );
    state
        .mailer
        .send_with_id(&member.email, &subject, &body, Some(message_id(row)))
        .await
        .map_err(|e| Failure::Retry(e.to_string()))
}

#[derive(sqlx::FromRow)]
struct Waiting {
    notification_id: i64,
    #[sqlx(flatten)]
    alert: AlertRow,
}

/// The most alerts one digest lists; the rest wait for the next one.
const DIGEST_MAX: i64 = 200;

pub async fn send_digest(state: &AppState, member: &Member, row: &Claimed) -> Result<(), Failure> {
    let retry = |e: sqlx::Error| Failure::Retry(e.to_string());
    let sql = format!(
        "SELECT n.id AS notification_id, {NOTIFIED_ALERT_COLUMNS} FROM notifications n \
         JOIN alerts a ON a.id = n.alert_id \
         WHERE n.user_id = $1 AND n.in_digest = 1 ORDER BY n.id LIMIT $2"
    );
    let waiting: Vec<Waiting> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(member.id)
        .bind(DIGEST_MAX)
        .fetch_all(&state.db.pool)
        .await
        .map_err(retry)?;
    let Some(last) = waiting.last().map(|w| w.notification_id) else {
        return Ok(());
    };
    // What the digest tells is what the member may read now; its subject
    // line counts and ranks only that.
    let shown = super::current::keep_current(&state.db, member, waiting, |w| &w.alert)
        .await
        .map_err(retry)?;
    let mut sections = Vec::new();
    for w in &shown {
        let hit = super::outbox::watch_hit(state, member.id, w.alert.id)
            .await
            .map_err(retry)?;
        sections.push(describe(state, &w.alert, hit.as_deref()));
    }
    if !sections.is_empty() {
        let highest = shown.iter().map(|w| w.alert.tlp_rank).max().unwrap_or(0);
        let subject = format!(
            "[Lookout {}] Your daily alerts: {} new",
            crate::sharing::clearance::tlp_tag(crate::sharing::clearance::tlp_of_rank(highest)),
            sections.len()
        );
        let body = format!(
            "Hello {},\n\nHere is what happened since your last digest.\n\n{}{}",
            member.display_name,
            sections.join("\n* * *\n\n"),
            footer(state)
        );
        state
            .mailer
            .send_with_id(&member.email, &subject, &body, Some(message_id(row)))
            .await
            .map_err(|e| Failure::Retry(e.to_string()))?;
    }
    sqlx::query(
        "UPDATE notifications SET in_digest = 0 WHERE user_id = $1 AND in_digest = 1 AND id <= $2",
    )
    .bind(member.id)
    .bind(last)
    .execute(&state.db.pool)
    .await
    .map_err(retry)?;
    Ok(())
}

/// The start of the digest period that `at` falls in: today's digest hour,
/// or yesterday's if it has not come yet.
pub fn digest_due_since(at: i64, hour: u32) -> i64 {
    let day = at - at.rem_euclid(86_400);
    let today = day + i64::from(hour) * 3600;
    if at >= today { today } else { today - 86_400 }
}

/// Queues a digest for every member who chose one, has alerts waiting, and
/// has not had one since the digest hour last passed. The key names the
/// day, so however many processes do this, one digest is queued.
pub async fn queue_digests(state: &AppState, at: i64) -> Result<usize, DbError> {
    let since = digest_due_since(at, state.config.digest_hour_utc);
    let due: Vec<i64> = sqlx::query_scalar(
        "SELECT s.user_id FROM alert_subscriptions s WHERE s.email = $1 AND s.last_digest_at < $2 \
         AND EXISTS (SELECT 1 FROM notifications n WHERE n.user_id = s.user_id AND n.in_digest = 1)",
    )
    .bind(EmailMode::Digest.id())
    .bind(since)
    .fetch_all(&state.db.pool)
    .await?;
    if due.is_empty() {
        return Ok(0);
    }
    let day = time::OffsetDateTime::from_unix_timestamp(since)
        .map(|t| t.date().to_string())
        .unwrap_or_default();
    let mut tx = state.db.begin_write().await?;
    for user_id in &due {
        sqlx::query(
            "INSERT INTO outbox (channel, idempotency_key, user_id, state, next_attempt_at, created_at) \
             VALUES ('digest', $1, $2, 'pending', $3, $3) ON CONFLICT (idempotency_key) DO NOTHING",
        )
        .bind(format!("digest:{user_id}:{day}"))
        .bind(user_id)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE alert_subscriptions SET last_digest_at = $1 WHERE user_id = $2")
            .bind(at)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
    }
    super::outbox::announce(&mut tx, state.db.backend).await?;
    tx.commit().await?;
    Ok(due.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_period_starts_at_the_last_digest_hour() {
        let day = 20_000 * 86_400;
        assert_eq!(digest_due_since(day + 7 * 3600, 6), day + 6 * 3600);
        assert_eq!(digest_due_since(day + 5 * 3600, 6), day + 6 * 3600 - 86_400);
        assert_eq!(digest_due_since(day + 6 * 3600, 6), day + 6 * 3600);
    }
}
