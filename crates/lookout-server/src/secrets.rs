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

/// Encrypts with XChaCha20-Poly1305 under `key` (a random 192-bit nonce per
/// message); `context` (table, column, record) is bound as associated data
/// so a sealed value copied to another row does not open. Nonce, then
/// ciphertext and tag.
pub fn seal_bytes(key: &[u8; 32], context: &str, plaintext: &[u8]) -> Result<Vec<u8>, SecretError> {
    let cipher = XChaCha20Poly1305::new(&(*key).into());
    let nonce_bytes = random_bytes::<24>()?;
    let sealed = cipher
        .encrypt(
            &XNonce::from(nonce_bytes),
            Payload {
                msg: plaintext,
                aad: context.as_bytes(),
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
    XChaCha20Poly1305::new(&(*key).into())
        .decrypt(
            &XNonce::from(nonce),
            Payload {
                msg: ciphertext,
                aad: context.as_bytes(),
            },
        )
        .map_err(|_| SecretError::Crypto)
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
