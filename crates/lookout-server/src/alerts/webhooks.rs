//! Signed webhooks. Each delivery is a JSON `POST` with
//!
//! - `Lookout-Delivery`: the idempotency key, the same on every attempt;
//! - `Lookout-Event`: what happened (`advisory.published`, …, `ping`);
//! - `Lookout-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>` over
//!   `"<t>.<body>"` with the webhook's secret. Receivers recompute it,
//!   compare in constant time, and refuse a `t` more than five minutes from
//!   their clock (the replay window, [`REPLAY_WINDOW_SECONDS`]).
//!
//! Targets go through `lookout-outbound`: private, loopback, link-local and
//! metadata addresses are refused unless an admin allow-listed them, the
//! checked address is the one connected to, redirects are not followed.

use hmac::{Hmac, KeyInit, Mac};
use serde::Serialize;
use sha2::Sha256;

use super::events::AlertRow;
use super::outbox::{Claimed, Failure};
use crate::db::{Db, Tx, now};
use crate::secrets::MasterKey;
use crate::sharing::catalogue::stored_systems;
use crate::state::AppState;

/// How far a receiver should accept a signature's timestamp from its clock.
pub const REPLAY_WINDOW_SECONDS: i64 = 300;
/// Webhooks one member may register.
pub const PER_MEMBER: i64 = 5;
const PURPOSE: &str = "webhook";

fn context(user_id: i64) -> String {
    format!("webhooks:{user_id}")
}

/// The `Lookout-Signature` value for `body` sent at `timestamp`.
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

/// Checks a `Lookout-Signature` the way a receiver should: the HMAC in
/// constant time, and the timestamp within the replay window of `now`.
pub fn verify(secret: &str, header: &str, body: &[u8], now: i64) -> bool {
    let mut timestamp = None;
    let mut given = None;
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", v)) => given = Some(v.to_string()),
            _ => {}
        }
    }
    let (Some(timestamp), Some(given)) = (timestamp, given) else {
        return false;
    };
    if (now - timestamp).abs() > REPLAY_WINDOW_SECONDS {
        return false;
    }
    let expected = signature(secret, timestamp, body);
    let expected = expected.rsplit_once("v1=").map_or("", |(_, v)| v);
    crate::secrets::constant_time_eq(expected.as_bytes(), given.as_bytes())
}

#[derive(Serialize)]
struct Payload<'a> {
    delivery: &'a str,
    event: &'a str,
    alert: Option<AlertPayload<'a>>,
    /// Which of the receiving organisation's watched assets matched.
    watchlist_hit: Option<&'a str>,
}

#[derive(Serialize)]
struct AlertPayload<'a> {
    reference: &'a str,
    title: &'a str,
    summary: &'a str,
    /// 1 low … 4 critical; 0 for incidents.
    severity: i64,
    tlp: &'a str,
    classes: Vec<&'a str>,
    sea_areas: Vec<&'a str>,
    vessel_types: Vec<&'a str>,
    url: String,
    created_at: i64,
}

pub fn body(state: &AppState, delivery: &str, alert: &AlertRow, hit: Option<&str>) -> Vec<u8> {
    let payload = Payload {
        delivery,
        event: &alert.kind,
        alert: Some(AlertPayload {
            reference: &alert.subject_ref,
            title: &alert.title,
            summary: &alert.summary,
            severity: alert.severity,
            tlp: alert.tlp(),
            classes: stored_systems(&alert.classes).collect(),
            sea_areas: stored_systems(&alert.sea_areas).collect(),
            vessel_types: stored_systems(&alert.vessel_types).collect(),
            url: format!("{}{}", state.config.public_url(), alert.path()),
            created_at: alert.created_at,
        }),
        watchlist_hit: hit,
    };
    serde_json::to_vec(&payload).unwrap_or_default()
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Webhook {
    pub id: i64,
    pub user_id: i64,
    pub url: String,
    pub sealed_secret: String,
    pub created_at: i64,
    pub last_result: String,
}

pub async fn of_member(db: &Db, user_id: i64) -> Result<Vec<Webhook>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, user_id, url, sealed_secret, created_at, last_result FROM webhooks \
         WHERE user_id = $1 ORDER BY id",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await
}

async fn by_id(db: &Db, id: i64) -> Result<Option<Webhook>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, user_id, url, sealed_secret, created_at, last_result FROM webhooks WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await
}

/// POSTs `body` to `url`, signed with `secret`.
async fn post(
    state: &AppState,
    url: &str,
    secret: &str,
    delivery: &str,
    event: &str,
    body: Vec<u8>,
) -> Result<u16, lookout_outbound::OutboundError> {
    let policy = &*state.outbound;
    let url = lookout_outbound::check_url(url, policy)?;
    let timestamp = now();
    let request = lookout_outbound::Request {
        method: axum::http::Method::POST,
        url,
        headers: vec![
            ("Content-Type".into(), "application/json".into()),
            ("Lookout-Delivery".into(), delivery.into()),
            ("Lookout-Event".into(), event.into()),
            (
                "Lookout-Signature".into(),
                signature(secret, timestamp, &body),
            ),
        ],
        body,
    };
    Ok(lookout_outbound::send(request, policy).await?.status)
}

fn open_secret(key: &MasterKey, webhook: &Webhook) -> Option<String> {
    key.open(PURPOSE, &context(webhook.user_id), &webhook.sealed_secret)
        .ok()
        .map(|s| String::from_utf8_lossy(&s).into_owned())
}

async fn record_result(db: &Db, id: i64, result: &str) {
    let _ = sqlx::query("UPDATE webhooks SET last_result = $1 WHERE id = $2")
        .bind(result)
        .bind(id)
        .execute(&db.pool)
        .await;
}

pub async fn deliver(
    state: &AppState,
    alert: &AlertRow,
    hit: Option<&str>,
    row: &Claimed,
) -> Result<(), Failure> {
    let webhook_id = row
        .webhook_id
        .ok_or_else(|| Failure::Cancel("no webhook".into()))?;
    let webhook = by_id(&state.db, webhook_id)
        .await
        .map_err(|e| Failure::Retry(e.to_string()))?
        .ok_or_else(|| Failure::Cancel("the webhook was removed".into()))?;
    let secret = open_secret(&state.key, &webhook)
        .ok_or_else(|| Failure::Cancel("the webhook's secret cannot be opened".into()))?;
    let body = body(state, &row.idempotency_key, alert, hit);
    let at = crate::web::templates::format_time(&now());
    match post(
        state,
        &webhook.url,
        &secret,
        &row.idempotency_key,
        &alert.kind,
        body,
    )
    .await
    {
        Ok(status) if (200..300).contains(&status) => {
            record_result(
                &state.db,
                webhook.id,
                &format!("{at}: delivered ({status})"),
            )
            .await;
            Ok(())
        }
        Ok(status) => {
            let reason = format!("the receiver answered HTTP {status}");
            record_result(&state.db, webhook.id, &format!("{at}: {reason}")).await;
            Err(Failure::Retry(reason))
        }
        Err(err) => {
            record_result(&state.db, webhook.id, &format!("{at}: {err}")).await;
            Err(Failure::Retry(err.to_string()))
        }
    }
}

/// Why a new webhook was not added, for the form.
#[derive(Debug, thiserror::Error)]
pub enum AddError {
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Secret(#[from] crate::secrets::SecretError),
}

/// Checks the address, sends a signed `ping` to it, and adds it only if
/// the receiver accepted the ping, so a typo or an unreachable target is
/// reported while the member is still looking at the form. Returns the
/// secret, which is shown this once.
pub async fn add(state: &AppState, user_id: i64, url: &str) -> Result<String, AddError> {
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM webhooks WHERE user_id = $1")
        .bind(user_id)
        .fetch_one(&state.db.pool)
        .await?;
    if existing >= PER_MEMBER {
        return Err(AddError::Refused(format!(
            "You have {PER_MEMBER} webhooks already; remove one first."
        )));
    }
    let url = lookout_outbound::check_url(url, &state.outbound)
        .map_err(|e| AddError::Refused(e.to_string()))?;
    let secret = format!(
        "whsec_{}",
        hex::encode(crate::secrets::random_bytes::<24>()?)
    );
    let delivery = format!("ping:{}", hex::encode(crate::secrets::random_bytes::<8>()?));
    let body = serde_json::to_vec(&Payload {
        delivery: &delivery,
        event: "ping",
        alert: None,
        watchlist_hit: None,
    })
    .unwrap_or_default();
    match post(state, url.as_str(), &secret, &delivery, "ping", body).await {
        Ok(status) if (200..300).contains(&status) => {}
        Ok(status) => {
            return Err(AddError::Refused(format!(
                "The receiver answered our test message with HTTP {status}; it must answer 2xx. \
                 Check the address and that the receiver is running."
            )));
        }
        Err(err) => return Err(AddError::Refused(err.to_string())),
    }
    let sealed = state
        .key
        .seal(PURPOSE, &context(user_id), secret.as_bytes())?;
    sqlx::query(
        "INSERT INTO webhooks (user_id, url, sealed_secret, created_at, last_result) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(user_id)
    .bind(url.as_str())
    .bind(sealed)
    .bind(now())
    .bind(format!(
        "{}: test message accepted",
        crate::web::templates::format_time(&now())
    ))
    .execute(&state.db.pool)
    .await?;
    Ok(secret)
}

/// Removes a member's own webhook; false if it is not theirs.
pub async fn remove(tx: &mut Tx, user_id: i64, id: i64) -> Result<bool, sqlx::Error> {
    // Its queued deliveries go with it (ON DELETE CASCADE).
    let removed = sqlx::query("DELETE FROM webhooks WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    Ok(removed == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_within_the_replay_window_only() {
        let body = br#"{"event":"ping"}"#;
        let header = signature("whsec_1", 1_000_000, body);
        assert!(verify("whsec_1", &header, body, 1_000_000));
        assert!(verify(
            "whsec_1",
            &header,
            body,
            1_000_000 + REPLAY_WINDOW_SECONDS
        ));
        assert!(!verify(
            "whsec_1",
            &header,
            body,
            1_000_000 + REPLAY_WINDOW_SECONDS + 1
        ));
        assert!(!verify("whsec_2", &header, body, 1_000_000));
        assert!(!verify("whsec_1", &header, b"{}", 1_000_000));
        assert!(!verify("whsec_1", "t=1000000", body, 1_000_000));
    }

    #[test]
    fn the_signature_is_an_hmac_of_timestamp_and_body() {
        // Computed independently: printf '1700000000.{}' | openssl dgst -sha256 -hmac secret
        assert_eq!(
            signature("secret", 1_700_000_000, b"{}"),
            "t=1700000000,v1=b8569b78799ff9e3cbff0fc2d63a33a2b57f3282abd07c37ae5e8e7d79a5f163"
        );
    }
}
