//! Unlinkable one-time membership tokens.
//!
//! A member's own software makes a random nonce, blinds it for the
//! portal's current key and sends only the blinded value; the portal signs
//! it blind (RFC 9474, RSABSSA-SHA384-PSS-Randomized, through the
//! `blind-rsa-signatures` crate) and counts the token against the member's
//! allowance. The client unblinds the signature, and later anyone holding
//! the public key can check the token without learning which issuance it
//! came from. The portal keeps only a fingerprint of spent tokens, so a
//! second use is refused.
//!
//! This crate holds the cryptography and the token's text form; periods,
//! allowances and storage are the server's.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use blind_rsa_signatures::{
    BlindingResult, DefaultRng, KeyPairSha384PSSRandomized, MessageRandomizer,
    PublicKeySha384PSSRandomized, SecretKeySha384PSSRandomized, Signature,
};
use sha2::{Digest, Sha256};

/// The RFC 9474 variant, as named there; published with the keys.
pub const ALGORITHM: &str = "RSABSSA-SHA384-PSS-Randomized";
/// RFC 9474 asks for at least 2048 bits.
pub const MODULUS_BITS: usize = 2048;
/// The random message a client signs blind.
pub const NONCE_LEN: usize = 32;
/// RFC 9474's message randomizer (prepended to the nonce before signing).
pub const RANDOMIZER_LEN: usize = 32;
/// Key ids are the first 8 bytes of SHA-256 of the key's SPKI, in hex.
pub const KEY_ID_LEN: usize = 16;
const PREFIX: &str = "lmt1";
/// Longest text form we read: a 4096-bit signature and some slack.
const MAX_TEXT_LEN: usize = 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("not a membership token ({0})")]
    Malformed(&'static str),
    #[error("the token was made for another key")]
    WrongKey,
    #[error("the token's signature does not verify")]
    BadSignature,
    #[error("the blinded value is not one this key can sign")]
    BadBlindedMessage,
    #[error("the key could not be made, read or written")]
    Key,
}

/// The portal's private key for one period: signs blinded messages.
pub struct IssuerKey {
    secret: SecretKeySha384PSSRandomized,
    public: PublicTokenKey,
}

impl fmt::Debug for IssuerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IssuerKey({})", self.public.id)
    }
}

impl IssuerKey {
    /// A fresh 2048-bit key pair (slow: a second or more).
    pub fn generate() -> Result<IssuerKey, TokenError> {
        let pair = KeyPairSha384PSSRandomized::generate(&mut DefaultRng, MODULUS_BITS)
            .map_err(|_| TokenError::Key)?;
        IssuerKey::from_secret(pair.sk)
    }

    /// Reads a PKCS#8 (or PKCS#1) DER private key, validating it.
    pub fn from_der(der: &[u8]) -> Result<IssuerKey, TokenError> {
        let secret = SecretKeySha384PSSRandomized::from_der(der).map_err(|_| TokenError::Key)?;
        IssuerKey::from_secret(secret)
    }

    fn from_secret(secret: SecretKeySha384PSSRandomized) -> Result<IssuerKey, TokenError> {
        let public = PublicTokenKey::new(secret.public_key().map_err(|_| TokenError::Key)?)?;
        Ok(IssuerKey { secret, public })
    }

    /// The private key as PKCS#8 DER, to be encrypted before it is stored.
    pub fn to_der(&self) -> Result<Vec<u8>, TokenError> {
        self.secret.to_der().map_err(|_| TokenError::Key)
    }

    pub fn public(&self) -> &PublicTokenKey {
        &self.public
    }

    /// Signs one blinded message. The signature is checked before it is
    /// returned (the crate's `rsa_decrypt_and_check`), so a fault cannot
    /// leak the key.
    pub fn sign_blinded(&self, blinded: &[u8]) -> Result<Vec<u8>, TokenError> {
        if blinded.len() != self.public.modulus_len() {
            return Err(TokenError::BadBlindedMessage);
        }
        self.secret
            .blind_sign(blinded)
            .map(|s| s.0)
            .map_err(|_| TokenError::BadBlindedMessage)
    }
}

/// A period's public key, as published and as used to check tokens.
#[derive(Clone)]
pub struct PublicTokenKey {
    key: PublicKeySha384PSSRandomized,
    id: String,
    spki: Vec<u8>,
}

impl fmt::Debug for PublicTokenKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicTokenKey({})", self.id)
    }
}

impl PublicTokenKey {
    fn new(key: PublicKeySha384PSSRandomized) -> Result<PublicTokenKey, TokenError> {
        let spki = key.to_spki().map_err(|_| TokenError::Key)?;
        let id = hex::encode(&Sha256::digest(&spki)[..KEY_ID_LEN / 2]);
        Ok(PublicTokenKey { key, id, spki })
    }

    /// Reads the RSASSA-PSS SubjectPublicKeyInfo that [`Self::spki`] gives.
    pub fn from_spki(spki: &[u8]) -> Result<PublicTokenKey, TokenError> {
        PublicTokenKey::new(
            PublicKeySha384PSSRandomized::from_spki(spki).map_err(|_| TokenError::Key)?,
        )
    }

    /// [`Self::from_spki`] from standard base64, as the key list carries it.
    pub fn from_spki_base64(text: &str) -> Result<PublicTokenKey, TokenError> {
        let spki = STANDARD.decode(text.trim()).map_err(|_| TokenError::Key)?;
        PublicTokenKey::from_spki(&spki)
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// DER SubjectPublicKeyInfo with the RSASSA-PSS algorithm identifier
    /// (SHA-384, MGF1-SHA-384, salt 48), as RFC 9578 publishes such keys.
    pub fn spki(&self) -> &[u8] {
        &self.spki
    }

    pub fn spki_base64(&self) -> String {
        STANDARD.encode(&self.spki)
    }

    /// Big-endian modulus, for clients that do the arithmetic themselves.
    pub fn modulus(&self) -> Vec<u8> {
        self.key.components().n()
    }

    pub fn exponent(&self) -> Vec<u8> {
        self.key.components().e()
    }

    pub fn modulus_len(&self) -> usize {
        self.modulus().len()
    }

    /// Checks `token` was signed with this key.
    pub fn verify(&self, token: &Token) -> Result<(), TokenError> {
        if token.key_id != self.id {
            return Err(TokenError::WrongKey);
        }
        self.verify_message(&token.randomizer, &token.nonce, &token.signature)
    }

    /// RSASSA-PSS verification of `randomizer ‖ message` (RFC 9474 §4.5).
    pub fn verify_message(
        &self,
        randomizer: &[u8; RANDOMIZER_LEN],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), TokenError> {
        self.key
            .verify(
                &Signature(signature.to_vec()),
                Some(MessageRandomizer(*randomizer)),
                message,
            )
            .map_err(|_| TokenError::BadSignature)
    }

    /// The client's first step: a random nonce, blinded for this key.
    pub fn blind(&self) -> Result<PendingToken, TokenError> {
        let mut nonce = [0u8; NONCE_LEN];
        blind_rsa_signatures::reexports::rand::fill(&mut nonce);
        let blinding = self
            .key
            .blind(&mut DefaultRng, nonce)
            .map_err(|_| TokenError::Key)?;
        Ok(PendingToken { nonce, blinding })
    }

    /// The client's last step: unblinds the portal's signature and checks
    /// it, giving a token the portal has never seen.
    pub fn finish(
        &self,
        pending: &PendingToken,
        blind_signature: &[u8],
    ) -> Result<Token, TokenError> {
        let signature = self
            .key
            .finalize(
                &blind_rsa_signatures::BlindSignature(blind_signature.to_vec()),
                &pending.blinding,
                pending.nonce,
            )
            .map_err(|_| TokenError::BadSignature)?;
        let randomizer = pending
            .blinding
            .msg_randomizer
            .ok_or(TokenError::BadSignature)?
            .0;
        Ok(Token {
            key_id: self.id.clone(),
            randomizer,
            nonce: pending.nonce,
            signature: signature.0,
        })
    }
}

/// A token being fetched: what the client keeps between sending the
/// blinded message and receiving the blind signature. Never sent.
pub struct PendingToken {
    nonce: [u8; NONCE_LEN],
    blinding: BlindingResult,
}

impl PendingToken {
    /// The only thing the portal sees at issuance.
    pub fn blinded_message(&self) -> &[u8] {
        &self.blinding.blind_message.0
    }
}

/// A spendable token: `lmt1.<key id>.<base64url(randomizer ‖ nonce ‖ signature)>`.
#[derive(Clone, PartialEq, Eq)]
pub struct Token {
    key_id: String,
    randomizer: [u8; RANDOMIZER_LEN],
    nonce: [u8; NONCE_LEN],
    signature: Vec<u8>,
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A token is a bearer credential until spent: never in logs.
        write!(f, "Token({}, ..)", self.key_id)
    }
}

impl Token {
    /// Reads the text form; surrounding white space is ignored.
    pub fn parse(text: &str) -> Result<Token, TokenError> {
        let text = text.trim();
        if text.len() > MAX_TEXT_LEN {
            return Err(TokenError::Malformed("too long"));
        }
        let mut parts = text.split('.');
        let (Some(prefix), Some(key_id), Some(payload), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(TokenError::Malformed(
                "expected three parts separated by dots",
            ));
        };
        if prefix != PREFIX {
            return Err(TokenError::Malformed("it does not start with lmt1."));
        }
        if key_id.len() != KEY_ID_LEN
            || !key_id
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err(TokenError::Malformed(
                "the key id is not 16 hexadecimal digits",
            ));
        }
        let bytes = URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| TokenError::Malformed("the body is not base64url"))?;
        let fixed = RANDOMIZER_LEN + NONCE_LEN;
        if bytes.len() < fixed + MODULUS_BITS / 8 {
            return Err(TokenError::Malformed("it is too short"));
        }
        let (randomizer, rest) = bytes.split_at(RANDOMIZER_LEN);
        let (nonce, signature) = rest.split_at(NONCE_LEN);
        Ok(Token {
            key_id: key_id.to_string(),
            randomizer: randomizer
                .try_into()
                .map_err(|_| TokenError::Malformed("length"))?,
            nonce: nonce
                .try_into()
                .map_err(|_| TokenError::Malformed("length"))?,
            signature: signature.to_vec(),
        })
    }

    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// What the portal stores once the token is spent. It depends only on
    /// the key and the nonce, so a token re-encoded or re-signed with
    /// another randomizer is still recognised; and it is a hash of values
    /// the portal never saw at issuance, so it matches nothing stored then.
    pub fn spent_fingerprint(&self) -> [u8; 32] {
        let mut hash = Sha256::new();
        hash.update(b"lookout spent token v1\0");
        hash.update(self.key_id.as_bytes());
        hash.update([0]);
        hash.update(self.nonce);
        hash.finalize().into()
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut body = Vec::with_capacity(RANDOMIZER_LEN + NONCE_LEN + self.signature.len());
        body.extend_from_slice(&self.randomizer);
        body.extend_from_slice(&self.nonce);
        body.extend_from_slice(&self.signature);
        write!(
            f,
            "{PREFIX}.{}.{}",
            self.key_id,
            URL_SAFE_NO_PAD.encode(body)
        )
    }
}

/// Base64url without padding, the encoding of blinded messages and blind
/// signatures on the wire.
pub fn encode_wire(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn decode_wire(text: &str) -> Result<Vec<u8>, TokenError> {
    URL_SAFE_NO_PAD
        .decode(text.trim())
        .map_err(|_| TokenError::Malformed("not base64url"))
}
