//! From an alert to its recipients. One transaction per alert claims it
//! (`fanned_out` 0 → 1), writes a notification for every member who asked
//! for it and may read it, and queues their emails and webhooks in the
//! outbox; so an alert is fanned out once, by one process, completely or
//! not at all.

use std::collections::HashMap;

use super::events::{ALERT_COLUMNS, AlertRow};
use super::subscriptions::{EmailMode, STORED_COLUMNS, Stored};
use crate::accounts::model::Role;
use crate::db::{Backend, Db, DbError, Tx, now};
use crate::secrets::MasterKey;
use crate::sharing::clearance::Clearance;
use crate::watchlist::store::{self as watchlist, Hit, WatchError};

#[derive(Debug, thiserror::Error)]
pub enum FanOutError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    #[error(transparent)]
    Watch(#[from] WatchError),
    #[error("sealing a watchlist hit: {0}")]
    Secret(#[from] crate::secrets::SecretError),
}

#[derive(sqlx::FromRow)]
struct Candidate {
    id: i64,
    role: String,
    org_id: Option<i64>,
    tlp_clearance: Option<i64>,
    #[sqlx(flatten)]
    stored: Stored,
}

/// One member told about one alert.
#[derive(Debug)]
struct Recipient {
    user_id: i64,
    watch_hit: Option<String>,
    email: EmailMode,
}

const SEALED_HIT: &str = "notification";

pub fn hit_context(user_id: i64, alert_id: i64) -> String {
    format!("notifications:{user_id}:{alert_id}")
}

/// Fans out every alert not yet fanned out. Returns how many this process
/// did (another process may have taken some).
pub async fn fan_out_pending(db: &Db, key: &MasterKey) -> Result<usize, FanOutError> {
    let mut done = 0;
    loop {
        let pending: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM alerts WHERE fanned_out = 0 ORDER BY id LIMIT 20")
                .fetch_all(&db.pool)
                .await?;
        if pending.is_empty() {
            return Ok(done);
        }
        for id in pending {
            let mut tx = db.begin_write().await?;
            let claimed =
                sqlx::query("UPDATE alerts SET fanned_out = 1 WHERE id = $1 AND fanned_out = 0")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            if claimed == 0 {
                continue;
            }
            fan_out(&mut tx, db.backend, key, id).await?;
            tx.commit().await?;
            done += 1;
        }
    }
}

async fn fan_out(
    tx: &mut Tx,
    backend: Backend,
    key: &MasterKey,
    alert_id: i64,
) -> Result<(), FanOutError> {
    // Lock the version row first: fan-outs then commit one after another
    // in the order their notification ids were drawn, so a live reader
    // that reads "every id above the last one seen" never skips one that
    // commits late (PostgreSQL; SQLite has one writer anyway).
    super::live::bump(tx, backend).await?;
    let sql = format!("SELECT {ALERT_COLUMNS} FROM alerts WHERE id = $1");
    let alert: AlertRow = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(alert_id)
        .fetch_one(&mut **tx)
        .await?;
    let hits = if alert.kind == "advisory.withdrawn" || alert.is_forum() {
        // A withdrawal reaches whoever got the advisory through their
        // subscription; the hit was announced with the advisory itself.
        Vec::new()
    } else {
        watchlist::hits(tx, key, &lookout_indicators::extract(&alert.match_text)).await?
    };
    let recipients = if alert.is_forum() {
        addressed(tx, &alert).await?
    } else {
        recipients(tx, &alert, &hits).await?
    };
    let at = now();
    let mut rows = Vec::with_capacity(recipients.len());
    for r in &recipients {
        let sealed = match &r.watch_hit {
            Some(hit) => Some(key.seal(
                SEALED_HIT,
                &hit_context(r.user_id, alert.id),
                hit.as_bytes(),
            )?),
            None => None,
        };
        rows.push((r.user_id, sealed, i64::from(r.email == EmailMode::Digest)));
    }
    for chunk in rows.chunks(500) {
        let values = tuples(chunk.len(), 4, |p| {
            format!("({}, {alert_id}, {}, {}, {})", p[0], p[1], p[2], p[3])
        });
        let sql = format!(
            "INSERT INTO notifications (user_id, alert_id, watch_hit, in_digest, created_at) \
             VALUES {values} ON CONFLICT (user_id, alert_id) DO NOTHING"
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (user_id, sealed, in_digest) in chunk {
            query = query
                .bind(*user_id)
                .bind(sealed.clone())
                .bind(*in_digest)
                .bind(at);
        }
        query.execute(&mut **tx).await?;
    }
    // Webhooks feed members' security tools: forum chatter is not for them.
    let webhooks = if alert.is_forum() {
        HashMap::new()
    } else {
        webhooks_of(tx).await?
    };
    let mut deliveries: Vec<(&str, String, i64, Option<i64>)> = Vec::new();
    for r in &recipients {
        if r.email == EmailMode::Immediate {
            deliveries.push((
                "email",
                format!("email:{alert_id}:{}", r.user_id),
                r.user_id,
                None,
            ));
        }
        for webhook_id in webhooks.get(&r.user_id).into_iter().flatten() {
            deliveries.push((
                "webhook",
                format!("webhook:{alert_id}:{webhook_id}"),
                r.user_id,
                Some(*webhook_id),
            ));
        }
    }
    for chunk in deliveries.chunks(500) {
        let values = tuples(chunk.len(), 4, |p| {
            format!(
                "({}, {}, {}, {}, {alert_id}, 'pending', {at}, {at})",
                p[0], p[1], p[2], p[3]
            )
        });
        let sql = format!(
            "INSERT INTO outbox (channel, idempotency_key, user_id, webhook_id, alert_id, state, \
             next_attempt_at, created_at) VALUES {values} ON CONFLICT (idempotency_key) DO NOTHING"
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (channel, key, user_id, webhook_id) in chunk {
            query = query
                .bind(*channel)
                .bind(key.clone())
                .bind(*user_id)
                .bind(*webhook_id);
        }
        query.execute(&mut **tx).await?;
    }
    if !deliveries.is_empty() {
        super::outbox::announce(tx, backend).await?;
    }
    Ok(())
}

/// The tuples of a multi-row `VALUES`: `rows` rows of `per_row` numbered
/// placeholders each, shaped by `tuple`.
fn tuples(rows: usize, per_row: usize, tuple: impl Fn(&[String]) -> String) -> String {
    (0..rows)
        .map(|row| {
            let placeholders: Vec<String> = (1..=per_row)
                .map(|column| format!("${}", row * per_row + column))
                .collect();
            tuple(&placeholders)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

async fn webhooks_of(tx: &mut Tx) -> Result<HashMap<i64, Vec<i64>>, sqlx::Error> {
    let rows: Vec<(i64, i64)> = sqlx::query_as("SELECT user_id, id FROM webhooks ORDER BY id")
        .fetch_all(&mut **tx)
        .await?;
    let mut by_user: HashMap<i64, Vec<i64>> = HashMap::new();
    for (user_id, id) in rows {
        by_user.entry(user_id).or_default().push(id);
    }
    Ok(by_user)
}

/// Who receives `alert`: active users allowed to read it (their sharing
/// level, or their own organisation's incident), who either asked for
/// alerts like it or whose organisation's watchlist it matches.
async fn recipients(
    tx: &mut Tx,
    alert: &AlertRow,
    hits: &[Hit],
) -> Result<Vec<Recipient>, sqlx::Error> {
    let sql = format!(
        "SELECT u.id, u.role, u.org_id, o.tlp_clearance, {STORED_COLUMNS} FROM users u \
         LEFT JOIN organisations o ON o.id = u.org_id \
         LEFT JOIN alert_subscriptions s ON s.user_id = u.id WHERE u.disabled = 0 ORDER BY u.id"
    );
    let candidates: Vec<Candidate> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .fetch_all(&mut **tx)
        .await?;
    let mut recipients = Vec::new();
    for c in candidates {
        let Ok(role) = c.role.parse::<Role>() else {
            continue;
        };
        let clearance = Clearance::for_member(role, c.org_id, c.tlp_clearance);
        if !clearance.allows(alert.tlp_rank, alert.reporter_org_id) {
            continue;
        }
        let subscription = c.stored.subscription();
        let watch_hit = match c.org_id {
            Some(org) if subscription.watchlist_hits => describe_hits(hits, org),
            _ => None,
        };
        if watch_hit.is_some() || subscription.wants(alert) {
            recipients.push(Recipient {
                user_id: c.id,
                watch_hit,
                email: subscription.email,
            });
        }
    }
    Ok(recipients)
}

#[derive(sqlx::FromRow)]
struct Addressee {
    id: i64,
    role: String,
    org_id: Option<i64>,
    org_kind: Option<String>,
    tlp_clearance: Option<i64>,
    email: Option<String>,
}

/// The named members an alert is addressed to (a forum mention or a
/// followed thread), each only if they may still read its subject. Forum
/// news waits for the daily digest rather than mailing at once, whatever
/// the member chose for advisories; `off` still means no mail.
async fn addressed(tx: &mut Tx, alert: &AlertRow) -> Result<Vec<Recipient>, sqlx::Error> {
    let candidates: Vec<Addressee> = sqlx::query_as(
        "SELECT u.id, u.role, u.org_id, o.kind AS org_kind, o.tlp_clearance, s.email \
         FROM alert_recipients r JOIN users u ON u.id = r.user_id \
         LEFT JOIN organisations o ON o.id = u.org_id \
         LEFT JOIN alert_subscriptions s ON s.user_id = u.id \
         WHERE r.alert_id = $1 AND u.disabled = 0 ORDER BY u.id",
    )
    .bind(alert.id)
    .fetch_all(&mut **tx)
    .await?;
    let thread = alert
        .subject_ref
        .split_once('#')
        .map_or(alert.subject_ref.as_str(), |(thread, _)| thread);
    let mut recipients = Vec::new();
    for c in candidates {
        let Ok(role) = c.role.parse::<Role>() else {
            continue;
        };
        let readable = crate::forum::access::may_still_read(
            tx,
            thread,
            role,
            c.org_id,
            c.org_kind.as_deref(),
            c.tlp_clearance,
        )
        .await?;
        if !readable {
            continue;
        }
        let email = match c.email.as_deref().and_then(EmailMode::parse) {
            None | Some(EmailMode::Off) => EmailMode::Off,
            Some(_) => EmailMode::Digest,
        };
        recipients.push(Recipient {
            user_id: c.id,
            watch_hit: None,
            email,
        });
    }
    Ok(recipients)
}

/// What of an organisation's watchlist matched, in words, or `None`.
fn describe_hits(hits: &[Hit], org_id: i64) -> Option<String> {
    let own: Vec<String> = hits
        .iter()
        .filter(|h| h.org_id == org_id)
        .map(|h| format!("{} {}", h.kind.label(), h.value))
        .collect();
    (!own.is_empty()).then(|| own.join(", "))
}

/// Opens a notification's watchlist hit for its own member.
pub fn open_hit(key: &MasterKey, user_id: i64, alert_id: i64, sealed: &str) -> Option<String> {
    key.open(SEALED_HIT, &hit_context(user_id, alert_id), sealed)
        .ok()
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
}
