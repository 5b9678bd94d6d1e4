//! Receipt codes for anonymous reporters: 128 random bits written as twelve
//! BIP-39 words (its last word carries a checksum, so a mistyped code is
//! caught before any lookup). The database holds only an HMAC of the
//! entropy under the server key, which lives outside the database: a copy
//! of the database cannot test guessed codes.

use crate::secrets::{MasterKey, SecretError, random_bytes};

pub struct Receipt {
    pub words: String,
    pub lookup: String,
}

pub fn new(key: &MasterKey) -> Result<Receipt, SecretError> {
    let entropy = random_bytes::<16>()?;
    let mnemonic = bip39::Mnemonic::from_entropy(&entropy).map_err(|_| SecretError::Random)?;
    let words = mnemonic.words().collect::<Vec<_>>().join(" ");
    Ok(Receipt {
        words,
        lookup: lookup_hash(key, &entropy),
    })
}

/// The lookup hash for a typed code, or `None` when it cannot be a receipt
/// (unknown words, wrong length, failed checksum).
pub fn lookup_for(key: &MasterKey, typed: &str) -> Option<String> {
    let normalised = typed
        .split(|c: char| c.is_whitespace() || c == ',' || c == '-' || c == '.')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ");
    let mnemonic = bip39::Mnemonic::parse_normalized(&normalised).ok()?;
    let entropy = mnemonic.to_entropy();
    (entropy.len() == 16).then(|| lookup_hash(key, &entropy))
}

fn lookup_hash(key: &MasterKey, entropy: &[u8]) -> String {
    key.mac("receipt", entropy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key() -> MasterKey {
        MasterKey::from_hex(&"42".repeat(32)).unwrap()
    }

    #[test]
    fn a_receipt_is_twelve_words_and_finds_itself() {
        let receipt = new(&key()).unwrap();
        assert_eq!(receipt.words.split(' ').count(), 12);
        assert_eq!(
            lookup_for(&key(), &receipt.words),
            Some(receipt.lookup.clone())
        );
        let shouted = receipt.words.to_uppercase().replace(' ', ",  ");
        assert_eq!(lookup_for(&key(), &shouted), Some(receipt.lookup));
    }

    #[test]
    fn a_typo_never_opens_the_report() {
        // BIP-39's 4-bit checksum refuses most typos outright; the rest
        // are another code, so they never find this report.
        let receipt = new(&key()).unwrap();
        let mut words: Vec<&str> = receipt.words.split(' ').collect();
        words.swap(0, 1);
        if words[0] != words[1] {
            assert_ne!(
                lookup_for(&key(), &words.join(" ")),
                Some(receipt.lookup.clone())
            );
        }
        assert_eq!(lookup_for(&key(), "abandon abandon"), None);
    }

    proptest! {
        #[test]
        fn typed_codes_never_panic(typed in "\\\\PC{0,200}") {
            let _ = lookup_for(&key(), &typed);
        }
    }
}
