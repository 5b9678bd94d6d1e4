//! TOTP second factor (RFC 6238 through totp-rs) and recovery codes.
//!
//! Secrets are sealed with the server key before they reach the database.
//! Each accepted time step is recorded, and a code from the same or an
//! earlier step is refused, so an observed code cannot be replayed.

use totp_rs::{Algorithm, Secret, Totp};

use crate::db::{Db, Tx};
use crate::secrets::MasterKey;

pub const ISSUER: &str = "Lookout";
const RECOVERY_CODES: usize = 10;
/// Unambiguous characters for codes read off paper.
const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

fn totp(secret_b32: &str, account: &str) -> Option<Totp> {
    let secret = Secret::try_from_base32(secret_b32).ok()?;
    // SHA-1, 6 digits, 30 s steps: what every authenticator app reads.
    totp_rs::Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(secret)
        .with_account_name(account.to_string())
        .with_issuer(Some(ISSUER.to_string()))
        .build()
        .ok()
}

pub fn new_secret() -> String {
    Secret::generate().to_base32()
}

/// The `otpauth://` URI an authenticator app reads from the QR code.
pub fn provisioning_uri(secret_b32: &str, account: &str) -> Option<String> {
    totp(secret_b32, account)?.to_url().ok()
}

/// The QR code as an inline SVG (no image request, no script).
pub fn qr_svg(uri: &str) -> Option<String> {
    let code = qrcode::QrCode::new(uri.as_bytes()).ok()?;
    let document = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    // The renderer writes a standalone document; inside HTML its XML
    // declaration is a parse error.
    let start = document.find("<svg")?;
    Some(document[start..].to_string())
}

/// The time step `code` matches now, if any.
pub fn matching_step(secret_b32: &str, account: &str, code: &str) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let now = u64::try_from(crate::db::now()).ok()?;
    totp(secret_b32, account)?
        .check(&code, now)
        .and_then(|step| i64::try_from(step).ok())
}

pub fn seal_secret(
    key: &MasterKey,
    user_id: i64,
    secret_b32: &str,
) -> Result<String, crate::secrets::SecretError> {
    key.seal(
        "totp",
        &format!("users.totp_secret:{user_id}"),
        secret_b32.as_bytes(),
    )
}

pub fn open_secret(key: &MasterKey, user_id: i64, sealed: &str) -> Option<String> {
    let bytes = key
        .open("totp", &format!("users.totp_secret:{user_id}"), sealed)
        .ok()?;
    String::from_utf8(bytes).ok()
}

/// Accepts `step` for the member only if it is later than the last accepted
/// one. A single conditional UPDATE, so two processes racing with the same
/// code cannot both win.
pub async fn consume_step(db: &Db, user_id: i64, step: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE users SET totp_last_step = $1 WHERE id = $2 \
         AND (totp_last_step IS NULL OR totp_last_step < $1)",
    )
    .bind(step)
    .bind(user_id)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn enable(tx: &mut Tx, user_id: i64, sealed: &str, step: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET totp_secret = $1, totp_last_step = $2 WHERE id = $3")
        .bind(sealed)
        .bind(step)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn disable(tx: &mut Tx, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET totp_secret = NULL, totp_last_step = NULL WHERE id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

fn recovery_hash(key: &MasterKey, user_id: i64, code: &str) -> String {
    let normalised: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    key.mac(
        "recovery-code",
        format!("{user_id}:{normalised}").as_bytes(),
    )
}

/// Replaces the member's recovery codes; returns the new ones to show once.
pub async fn new_recovery_codes(
    tx: &mut Tx,
    key: &MasterKey,
    user_id: i64,
) -> Result<Vec<String>, super::store::StoreError> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    let mut codes = Vec::with_capacity(RECOVERY_CODES);
    for _ in 0..RECOVERY_CODES {
        // 10 characters of a 31-letter alphabet: ~49 bits, and each code is
        // throttled and single-use.
        let bytes = crate::secrets::random_bytes::<10>()?;
        let raw: String = bytes
            .iter()
            .map(|b| RECOVERY_ALPHABET[usize::from(*b) % RECOVERY_ALPHABET.len()] as char)
            .collect();
        let code = format!("{}-{}", &raw[..5], &raw[5..]);
        sqlx::query(
            "INSERT INTO recovery_codes (user_id, code_hash, used_at) VALUES ($1, $2, NULL)",
        )
        .bind(user_id)
        .bind(recovery_hash(key, user_id, &code))
        .execute(&mut **tx)
        .await?;
        codes.push(code);
    }
    Ok(codes)
}

/// Spends a recovery code; true if it was valid and unused.
pub async fn use_recovery_code(
    db: &Db,
    key: &MasterKey,
    user_id: i64,
    code: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
    )
    .bind(crate::db::now())
    .bind(user_id)
    .bind(recovery_hash(key, user_id, code))
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn remaining_recovery_codes(db: &Db, user_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL")
        .bind(user_id)
        .fetch_one(&db.pool)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn current_code_matches_and_wrong_code_does_not() {
        let secret = new_secret();
        let t = totp(&secret, "a@b.example").unwrap();
        let code = t.generate(u64::try_from(crate::db::now()).unwrap());
        assert!(matching_step(&secret, "a@b.example", &code.to_string()).is_some());
        assert!(matching_step(&secret, "a@b.example", "12345").is_none());
    }

    #[test]
    fn qr_is_svg() {
        let uri = provisioning_uri(&new_secret(), "a@b.example").unwrap();
        assert!(uri.starts_with("otpauth://totp/"));
        assert!(qr_svg(&uri).unwrap().starts_with("<svg"));
    }
}
