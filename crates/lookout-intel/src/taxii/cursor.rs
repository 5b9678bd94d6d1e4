//! The stateless, signed `next` token.
//!
//! A TAXII `next` token must survive across server processes and
//! restarts without a table of open cursors, and a client must not be able
//! to forge one to jump past the filters it was given. So the token *is*
//! the cursor — the position (`date_added` in microseconds and a row id
//! tie-breaker), an expiry and the fingerprint of the query — followed by
//! an HMAC-SHA256 tag under a key only the server knows, in URL-safe
//! base64 without padding.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::IntelError;

/// Shortest key accepted: a shorter one is a configuration mistake.
pub const MIN_KEY_LEN: usize = 16;

const VERSION: u8 = 1;
const BODY_LEN: usize = 1 + 8 + 8 + 8 + 16;
const TAG_LEN: usize = 32;

/// Where the next page starts, and for which query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cursor {
    /// `date_added` of the last object served, µs since the Unix epoch.
    pub after_added: i64,
    /// The server's row id of the last object served: orders objects
    /// added in the same microsecond.
    pub after_id: i64,
    /// Unix seconds after which the token is refused.
    pub expires: i64,
    /// [`super::Filter::fingerprint`] of the query the token continues.
    pub filter_hash: [u8; 16],
}

fn mac(key: &[u8]) -> Result<Hmac<Sha256>, IntelError> {
    if key.len() < MIN_KEY_LEN {
        return Err(IntelError::TokenKey);
    }
    <Hmac<Sha256> as KeyInit>::new_from_slice(key).map_err(|_| IntelError::TokenKey)
}

impl Cursor {
    fn body(&self) -> [u8; BODY_LEN] {
        let mut b = [0u8; BODY_LEN];
        b[0] = VERSION;
        b[1..9].copy_from_slice(&self.after_added.to_be_bytes());
        b[9..17].copy_from_slice(&self.after_id.to_be_bytes());
        b[17..25].copy_from_slice(&self.expires.to_be_bytes());
        b[25..41].copy_from_slice(&self.filter_hash);
        b
    }

    /// The token text (98 characters, URL-safe).
    pub fn encode(&self, key: &[u8]) -> Result<String, IntelError> {
        let body = self.body();
        let mut m = mac(key)?;
        m.update(&body);
        let tag = m.finalize().into_bytes();
        let mut bytes = Vec::with_capacity(BODY_LEN + TAG_LEN);
        bytes.extend_from_slice(&body);
        bytes.extend_from_slice(&tag);
        Ok(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Checks and opens a token: [`IntelError::TokenMalformed`] if it is
    /// not one of ours in shape, [`IntelError::TokenForged`] if the tag
    /// does not verify (compared in constant time), then
    /// [`IntelError::TokenExpired`] if `now` (Unix seconds) is past its
    /// expiry and [`IntelError::TokenWrongQuery`] if it was issued for a
    /// query with another fingerprint than `filter_hash`.
    pub fn decode(
        token: &str,
        key: &[u8],
        now: i64,
        filter_hash: &[u8; 16],
    ) -> Result<Cursor, IntelError> {
        let mut m = mac(key)?;
        if token.len() > 2 * (BODY_LEN + TAG_LEN) {
            return Err(IntelError::TokenMalformed);
        }
        let bytes = URL_SAFE_NO_PAD
            .decode(token.as_bytes())
            .map_err(|_| IntelError::TokenMalformed)?;
        if bytes.len() != BODY_LEN + TAG_LEN {
            return Err(IntelError::TokenMalformed);
        }
        let (body, tag) = bytes.split_at(BODY_LEN);
        m.update(body);
        m.verify_slice(tag).map_err(|_| IntelError::TokenForged)?;
        if body.first() != Some(&VERSION) {
            return Err(IntelError::TokenMalformed);
        }
        let word = |at: usize| -> Result<i64, IntelError> {
            let chunk: [u8; 8] = body
                .get(at..at + 8)
                .and_then(|s| s.try_into().ok())
                .ok_or(IntelError::TokenMalformed)?;
            Ok(i64::from_be_bytes(chunk))
        };
        let mut hash = [0u8; 16];
        hash.copy_from_slice(body.get(25..41).ok_or(IntelError::TokenMalformed)?);
        let cursor = Cursor {
            after_added: word(1)?,
            after_id: word(9)?,
            expires: word(17)?,
            filter_hash: hash,
        };
        if now > cursor.expires {
            return Err(IntelError::TokenExpired);
        }
        if &cursor.filter_hash != filter_hash {
            return Err(IntelError::TokenWrongQuery);
        }
        Ok(cursor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn cursor() -> Cursor {
        Cursor {
            after_added: 1_793_606_400_123_456,
            after_id: 42,
            expires: 2_000_000_000,
            filter_hash: [7; 16],
        }
    }

    #[test]
    fn round_trips() {
        let token = cursor().encode(KEY).unwrap();
        assert!(
            token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(
            Cursor::decode(&token, KEY, 1_900_000_000, &[7; 16]),
            Ok(cursor())
        );
    }

    #[test]
    fn refuses_tampering_expiry_other_queries_and_other_keys() {
        let token = cursor().encode(KEY).unwrap();
        // Flip one bit of the body: the tag no longer verifies.
        let mut bytes = URL_SAFE_NO_PAD.decode(&token).unwrap();
        bytes[12] ^= 1;
        let forged = URL_SAFE_NO_PAD.encode(&bytes);
        assert_eq!(
            Cursor::decode(&forged, KEY, 0, &[7; 16]),
            Err(IntelError::TokenForged)
        );
        assert_eq!(
            Cursor::decode(&token, b"another key, 32 bytes long......", 0, &[7; 16]),
            Err(IntelError::TokenForged)
        );
        assert_eq!(
            Cursor::decode(&token, KEY, 2_000_000_001, &[7; 16]),
            Err(IntelError::TokenExpired)
        );
        assert_eq!(
            Cursor::decode(&token, KEY, 0, &[8; 16]),
            Err(IntelError::TokenWrongQuery)
        );
        assert_eq!(
            Cursor::decode("not a token!", KEY, 0, &[7; 16]),
            Err(IntelError::TokenMalformed)
        );
        assert_eq!(
            Cursor::decode(&token[..40], KEY, 0, &[7; 16]),
            Err(IntelError::TokenMalformed)
        );
        assert_eq!(cursor().encode(b"short"), Err(IntelError::TokenKey));
    }

    proptest! {
        #[test]
        fn any_text_is_refused_without_panicking(token in "\\PC{0,200}") {
            prop_assert!(Cursor::decode(&token, KEY, 0, &[7; 16]).is_err());
        }

        #[test]
        fn any_cursor_round_trips(a in any::<i64>(), b in any::<i64>(), e in 0i64..i64::MAX, h in any::<[u8; 16]>()) {
            let c = Cursor { after_added: a, after_id: b, expires: e, filter_hash: h };
            let token = c.encode(KEY).unwrap();
            prop_assert_eq!(Cursor::decode(&token, KEY, 0, &h), Ok(c));
        }

        #[test]
        fn any_single_byte_change_is_refused(pos in 0usize..73, flip in 1u8..=255) {
            let token = cursor().encode(KEY).unwrap();
            let mut bytes = URL_SAFE_NO_PAD.decode(&token).unwrap();
            bytes[pos] ^= flip;
            let changed = URL_SAFE_NO_PAD.encode(&bytes);
            prop_assert_eq!(Cursor::decode(&changed, KEY, 0, &[7; 16]), Err(IntelError::TokenForged));
        }
    }
}
