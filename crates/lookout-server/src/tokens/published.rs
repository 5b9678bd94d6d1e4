//! `GET /.well-known/lookout-token-keys`: the token keys as published, for
//! members' software to blind for and check against.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::keys::{all, fingerprint, holders, issuing, public_key};
use crate::db::now;
use crate::state::AppState;
use crate::web::AppError;

/// One published key.
#[derive(Serialize)]
pub struct PublishedKey {
    pub id: String,
    pub period: String,
    pub issue_from: String,
    pub issue_until: String,
    pub spend_until: String,
    pub modulus_bits: usize,
    /// Big-endian modulus and exponent, base64url without padding.
    pub n: String,
    pub e: String,
    /// DER SubjectPublicKeyInfo (RSASSA-PSS), standard base64.
    pub spki: String,
    /// SHA-256 of the DER SubjectPublicKeyInfo, hex: what members compare
    /// with each other (its first 16 digits are the id).
    pub fingerprint: String,
    /// Members who fetched tokens of this key so far: a verified report
    /// made with one hides among at most this many.
    pub holders: i64,
}

#[derive(Serialize)]
pub struct KeyList {
    pub algorithm: &'static str,
    /// The key to blind new tokens for.
    pub issuing: Option<String>,
    pub keys: Vec<PublishedKey>,
}

fn rfc3339(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// `GET /.well-known/lookout-token-keys`: every key that still accepts
/// spending, and which one issues now.
pub async fn key_list(State(state): State<AppState>) -> Result<Response, AppError> {
    let (issuing, _) = issuing(&state).await?;
    let now = now();
    let mut keys = Vec::new();
    for row in all(&state.db).await? {
        if row.issue_from > now || row.spend_until <= now {
            continue;
        }
        let key = public_key(&row)?;
        let holders = holders(&state.db, &row).await?;
        keys.push(PublishedKey {
            fingerprint: fingerprint(&row),
            holders,
            modulus_bits: key.modulus_len() * 8,
            n: lookout_tokens::encode_wire(&key.modulus()),
            e: lookout_tokens::encode_wire(&key.exponent()),
            spki: row.spki,
            period: row.period,
            issue_from: rfc3339(row.issue_from),
            issue_until: rfc3339(row.issue_until),
            spend_until: rfc3339(row.spend_until),
            id: row.id,
        });
    }
    let mut response = Json(KeyList {
        algorithm: lookout_tokens::ALGORITHM,
        issuing: Some(issuing.id),
        keys,
    })
    .into_response();
    // Short: a client that blinds for last month's key is told to reload.
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    Ok(response)
}
