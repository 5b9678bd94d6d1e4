//! The server's own secret and the primitives built on it (all from audited
//! crates: getrandom for randomness, HMAC-SHA256 and SHA-256 from RustCrypto).
//!
//! The master key lives outside the database (a key file in the data
//! directory, or `LOOKOUT_SECRET_KEY`), so a copy of the database alone cannot
//! forge CSRF tokens or link throttling entries back to addresses.

use std::path::Path;

use chacha20poly1305::XChaCha20Poly1305;
use chacha20poly1305::XNonce;
use chacha20poly1305::aead::{Aead, Payload};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("cannot read or create the key file {0}: {1}")]
    Io(String, std::io::Error),
    #[error("the secret key must be 64 hexadecimal characters (32 bytes)")]
    Malformed,
    #[error("the operating system's random source failed")]
    Random,
    #[error("a sealed value could not be opened (wrong key or altered data)")]
    Crypto,
}

#[derive(Clone)]
pub struct MasterKey([u8; 32]);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(..)")
    }
}

impl MasterKey {
    pub fn from_hex(text: &str) -> Result<Self, SecretError> {
        let bytes = hex::decode(text.trim()).map_err(|_| SecretError::Malformed)?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| SecretError::Malformed)?;
        Ok(MasterKey(key))
    }

    /// Reads `path`, or creates it with a fresh random key (mode 0600).
    pub fn load_or_create(path: &Path) -> Result<Self, SecretError> {
        let io = |e| SecretError::Io(path.display().to_string(), e);
        match std::fs::read_to_string(path) {
            Ok(text) => Self::from_hex(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = random_bytes::<32>()?;
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir).map_err(io)?;
                }
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                match options.open(path) {
                    Ok(mut file) => {
                        std::io::Write::write_all(&mut file, hex::encode(key).as_bytes())
                            .map_err(io)?;
                        Ok(MasterKey(key))
                    }
                    // Another process created it first: use theirs.
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                        Self::from_hex(&std::fs::read_to_string(path).map_err(io)?)
                    }
                    Err(e) => Err(io(e)),
                }
            }
            Err(e) => Err(io(e)),
        }
    }

    /// A keyed digest of `data` under a purpose label, so each use of the key
    /// (CSRF, throttling, ...) gets an independent value.
    pub fn mac(&self, purpose: &str, data: &[u8]) -> String {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0)
            .expect("HMAC accepts keys of any length");
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(data);
        hex::encode(mac.finalize().into_bytes())
    }
}

impl MasterKey {
    /// A 256-bit subkey for one purpose.
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0)
            .expect("HMAC accepts keys of any length");
        mac.update(b"derive\0");
        mac.update(purpose.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// Encrypts `plaintext` under the `purpose` subkey; see [`seal_with`].
    pub fn seal(
        &self,
        purpose: &str,
        context: &str,
        plaintext: &[u8],
    ) -> Result<String, SecretError> {
        seal_with(&self.derive(purpose), context, plaintext)
    }

    pub fn open(&self, purpose: &str, context: &str, sealed: &str) -> Result<Vec<u8>, SecretError> {
        open_with(&self.derive(purpose), context, sealed)
    }
}

/// The smallest sealed plaintext: identities, names, short messages and
/// tokens all take this much, whatever their length.
const SMALLEST_PADDED: usize = 512;

/// What every sealed value is padded to: the next power of two of at
/// least [`SMALLEST_PADDED`] bytes, so a copy of the database learns a
/// value's length only to within a factor of two (a sealed identity or
/// file name could otherwise be matched to the member whose clear record
/// has that exact length).
pub fn padded_len(len: usize) -> usize {
    // One byte more for the 0x80 end marker.
    (len + 1).max(SMALLEST_PADDED).next_power_of_two()
}

/// ISO/IEC 7816-4 padding: the value, 0x80, then zeros.
fn pad(plaintext: &[u8]) -> Vec<u8> {
    let mut padded = Vec::with_capacity(padded_len(plaintext.len()));
    padded.extend_from_slice(plaintext);
    padded.push(0x80);
    padded.resize(padded_len(plaintext.len()), 0);
    padded
}

fn unpad(mut padded: Vec<u8>) -> Result<Vec<u8>, SecretError> {
    let end = padded
        .iter()
        .rposition(|&b| b != 0)
        .ok_or(SecretError::Crypto)?;
    if padded[end] != 0x80 {
        return Err(SecretError::Crypto);
    }
    padded.truncate(end);
    Ok(padded)
}

/// Padded values are bound to a context of their own, so a value sealed
/// before padding existed still opens (as written) and can never be taken
/// for a padded one.
fn padded_context(context: &str) -> String {
    format!("{context}\0padded")
}

/// Encrypts with XChaCha20-Poly1305 under `key` (a random 192-bit nonce per
/// message), padded to [`padded_len`]; `context` (table, column, record) is
/// bound as associated data so a sealed value copied to another row does
/// not open. Nonce, then ciphertext and tag.
pub fn seal_bytes(key: &[u8; 32], context: &str, plaintext: &[u8]) -> Result<Vec<u8>, SecretError> {
    let cipher = XChaCha20Poly1305::new(&(*key).into());
    let nonce_bytes = random_bytes::<24>()?;
    let sealed = cipher
        .encrypt(
            &XNonce::from(nonce_bytes),
            Payload {
                msg: &pad(plaintext),
                aad: padded_context(context).as_bytes(),
            },
        )
        .map_err(|_| SecretError::Crypto)?;
    let mut out = nonce_bytes.to_vec();
    out.extend_from_slice(&sealed);
    Ok(out)
}

pub fn open_bytes(key: &[u8; 32], context: &str, sealed: &[u8]) -> Result<Vec<u8>, SecretError> {
    if sealed.len() < 24 {
        return Err(SecretError::Crypto);
    }
    let (nonce, ciphertext) = sealed.split_at(24);
    let nonce: [u8; 24] = nonce.try_into().map_err(|_| SecretError::Crypto)?;
    let cipher = XChaCha20Poly1305::new(&(*key).into());
    let decrypt = |aad: &str| {
        cipher.decrypt(
            &XNonce::from(nonce),
            Payload {
                msg: ciphertext,
                aad: aad.as_bytes(),
            },
        )
    };
    match decrypt(&padded_context(context)) {
        Ok(padded) => unpad(padded),
        // Sealed before values were padded.
        Err(_) => decrypt(context).map_err(|_| SecretError::Crypto),
    }
}

/// [`seal_bytes`], hex-encoded for TEXT columns.
pub fn seal_with(key: &[u8; 32], context: &str, plaintext: &[u8]) -> Result<String, SecretError> {
    Ok(hex::encode(seal_bytes(key, context, plaintext)?))
}

pub fn open_with(key: &[u8; 32], context: &str, sealed: &str) -> Result<Vec<u8>, SecretError> {
    open_bytes(
        key,
        context,
        &hex::decode(sealed).map_err(|_| SecretError::Crypto)?,
    )
}

pub fn random_bytes<const N: usize>() -> Result<[u8; N], SecretError> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|_| SecretError::Random)?;
    Ok(buf)
}

/// A public reference such as `R-3F2A9C01BE`: the prefix and 40 random
/// bits in upper-case hex, so references reveal neither how many records
/// there are nor when they were made.
pub fn public_reference(prefix: &str) -> Result<String, SecretError> {
    Ok(format!(
        "{prefix}-{}",
        hex::encode(random_bytes::<5>()?).to_uppercase()
    ))
}

/// A random row id (53 bits, so it survives JSON as a number) for records
/// whose order must not show when they were made: unlike a sequence, it
/// cannot be set against the ids of timed records.
pub fn random_id() -> Result<i64, SecretError> {
    let bits = u64::from_le_bytes(random_bytes::<8>()?) >> 11;
    // Never 0, which no sequence gives either.
    Ok(i64::try_from(bits.max(1)).unwrap_or(1))
}

/// A 256-bit random token, hex-encoded, for sessions, invitations, resets and
/// API tokens.
pub fn random_token() -> Result<String, SecretError> {
    Ok(hex::encode(random_bytes::<32>()?))
}

/// Lookup hash of a high-entropy token. A plain SHA-256 suffices because the
/// token itself has 256 bits of entropy: nothing to brute-force.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// Constant-time comparison, so a guessed token leaks nothing through timing.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    subtle::ConstantTimeEq::ct_eq(a, b).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_file_is_created_once_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.key");
        let first = MasterKey::load_or_create(&path).unwrap();
        let second = MasterKey::load_or_create(&path).unwrap();
        assert_eq!(first.mac("t", b"x"), second.mac("t", b"x"));
        assert_ne!(first.mac("t", b"x"), first.mac("u", b"x"));
    }

    #[test]
    fn sealed_values_open_only_in_their_context() {
        let key = MasterKey::from_hex(&"11".repeat(32)).unwrap();
        let sealed = key.seal("totp", "users:1", b"JBSWY3DP").unwrap();
        assert_eq!(key.open("totp", "users:1", &sealed).unwrap(), b"JBSWY3DP");
        assert!(key.open("totp", "users:2", &sealed).is_err());
        assert!(key.open("other", "users:1", &sealed).is_err());
        let other = MasterKey::from_hex(&"22".repeat(32)).unwrap();
        assert!(other.open("totp", "users:1", &sealed).is_err());
    }

    #[test]
    fn sealed_lengths_reveal_only_a_power_of_two() {
        let key = [7u8; 32];
        let short = seal_bytes(&key, "c", b"alice").unwrap();
        let long = seal_bytes(&key, "c", &[b'x'; 500]).unwrap();
        assert_eq!(short.len(), long.len());
        assert_eq!(open_bytes(&key, "c", &short).unwrap(), b"alice");
        assert_eq!(open_bytes(&key, "c", &long).unwrap(), vec![b'x'; 500]);
        let file = seal_bytes(&key, "c", &[0u8; 70_000]).unwrap();
        assert_eq!(file.len(), 24 + 131_072 + 16);
        // Trailing zeros of the value itself survive the padding.
        assert_eq!(open_bytes(&key, "c", &file).unwrap(), vec![0u8; 70_000]);
        assert_eq!(
            open_bytes(&key, "c", &seal_bytes(&key, "c", b"").unwrap()).unwrap(),
            b""
        );
    }

    #[test]
    fn values_sealed_before_padding_still_open() {
        let key = [9u8; 32];
        let cipher = XChaCha20Poly1305::new(&key.into());
        let nonce = [3u8; 24];
        let mut legacy = nonce.to_vec();
        legacy.extend(
            cipher
                .encrypt(
                    &XNonce::from(nonce),
                    Payload {
                        msg: b"old",
                        aad: b"ctx",
                    },
                )
                .unwrap(),
        );
        assert_eq!(open_bytes(&key, "ctx", &legacy).unwrap(), b"old");
        assert!(open_bytes(&key, "other", &legacy).is_err());
    }

    proptest::proptest! {
        #[test]
        fn padding_round_trips(value in proptest::collection::vec(proptest::num::u8::ANY, 0..3000)) {
            let padded = pad(&value);
            proptest::prop_assert_eq!(padded.len(), padded_len(value.len()));
            proptest::prop_assert!(padded.len().is_power_of_two() && padded.len() > value.len());
            proptest::prop_assert_eq!(unpad(padded).unwrap(), value);
        }
    }

    #[test]
    fn malformed_key_is_refused() {
        assert!(MasterKey::from_hex("abcd").is_err());
    }

    #[test]
    fn constant_time_eq_compares() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
