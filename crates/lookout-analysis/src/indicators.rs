//! Indicators of compromise in a file's printable strings.
//!
//! Host names, IP addresses and email addresses are found by
//! `lookout-indicators`, the same extraction the portal runs on incident
//! text, so an indicator found in a sample and one written by an analyst
//! compare equal. URLs, wallet addresses and registry keys are added here.
//! Everything is refanged first (`hxxp`, `[.]`, `[@]`), because droppers and
//! phishing kits carry defanged text as often as analysts do.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;
use sha2::{Digest, Sha256};

use crate::{Indicators, Wallet, strings};

/// Most values kept per kind.
pub(crate) const MAX_PER_KIND: usize = 1_000;
/// Longest URL or registry key reported.
const MAX_VALUE: usize = 2_000;
/// Most text gathered from one file's strings for matching.
const MAX_TEXT: usize = 16 * 1024 * 1024;

struct Patterns {
    url: Regex,
    registry: Regex,
    bitcoin: Regex,
    bech32: Regex,
    ethereum: Regex,
    monero: Regex,
}

static PATTERNS: LazyLock<Result<Patterns, regex::Error>> = LazyLock::new(|| {
    Ok(Patterns {
        // Unbounded runs (and lengths checked after) keep the compiled
        // automata small; counted repetitions of classes multiply them.
        url: Regex::new(r#"(?i)\b(?:https?|ftps?)://[^\s"'<>`{}|\\^]+"#)?,
        registry: Regex::new(
            r"(?i)\b(?:HKEY_LOCAL_MACHINE|HKEY_CURRENT_USER|HKEY_CLASSES_ROOT|HKEY_USERS|HKEY_CURRENT_CONFIG|HKLM|HKCU|HKCR|HKU)\\[^\s\x22*?<>|]+|\b(?:SOFTWARE|SYSTEM)\\[A-Za-z0-9_.{}\\-]+",
        )?,
        bitcoin: Regex::new(r"\b[13][1-9A-HJ-NP-Za-km-z]{25,34}\b")?,
        bech32: Regex::new(r"\bbc1[ac-hj-np-z02-9]{11,71}\b")?,
        ethereum: Regex::new(r"\b0x[0-9a-fA-F]{40}\b")?,
        monero: Regex::new(r"\b4[0-9AB][1-9A-HJ-NP-Za-km-z]{93}\b")?,
    })
});

pub(crate) fn extract(data: &[u8]) -> Indicators {
    let mut text = String::new();
    strings::for_each_run(data, |_, _, run| {
        if text.len() + run.len() < MAX_TEXT {
            // Runs are printable ASCII, so this is valid UTF-8.
            text.extend(run.iter().map(|&b| char::from(b)));
            text.push('\n');
        }
    });
    from_text(&text)
}

pub(crate) fn from_text(text: &str) -> Indicators {
    let mut found = Indicators::default();
    let mentions = lookout_indicators::extract(text);
    found.truncated |= mentions.is_truncated();
    found.domains = capped(mentions.domains().iter().cloned(), &mut found.truncated);
    found.ips = capped(
        mentions.ips().iter().map(ToString::to_string),
        &mut found.truncated,
    );
    found.emails = capped(mentions.emails().iter().cloned(), &mut found.truncated);

    let Ok(patterns) = PATTERNS.as_ref() else {
        return found;
    };
    let text = lookout_indicators::refang(text);
    let urls = patterns
        .url
        .find_iter(&text)
        .map(|m| m.as_str().trim_end_matches(['.', ',', ')', ']', ';']))
        .filter(|u| u.len() <= MAX_VALUE)
        .map(str::to_owned);
    found.urls = capped(urls, &mut found.truncated);
    // A hive-less path needs two levels (`SOFTWARE\Vendor\...`) to be
    // a registry key rather than a word and a backslash.
    let keys = patterns
        .registry
        .find_iter(&text)
        .map(|m| m.as_str().trim_end_matches(['\\', '.']))
        .filter(|k| {
            k.len() <= MAX_VALUE && (k.starts_with(['H', 'h']) || k.matches('\\').count() >= 2)
        })
        .map(str::to_owned);
    found.registry_keys = capped(keys, &mut found.truncated);

    let mut wallets = BTreeSet::new();
    let candidates = [
        (
            "bitcoin",
            &patterns.bitcoin,
            is_base58check as fn(&str) -> bool,
        ),
        ("bitcoin", &patterns.bech32, |_: &str| true),
        ("ethereum", &patterns.ethereum, |_: &str| true),
        ("monero", &patterns.monero, |_: &str| true),
    ];
    for (currency, pattern, valid) in candidates {
        for address in pattern
            .find_iter(&text)
            .map(|m| m.as_str())
            .filter(|a| valid(a))
        {
            if wallets.len() >= MAX_PER_KIND {
                found.truncated = true;
                break;
            }
            wallets.insert(Wallet {
                currency: currency.to_owned(),
                address: address.to_owned(),
            });
        }
    }
    found.wallets = wallets.into_iter().collect();
    found
}

fn capped(values: impl Iterator<Item = String>, truncated: &mut bool) -> Vec<String> {
    let mut set = BTreeSet::new();
    for value in values {
        if set.len() >= MAX_PER_KIND {
            *truncated = true;
            break;
        }
        set.insert(value);
    }
    set.into_iter().collect()
}

/// A legacy Bitcoin address carries a checksum (the first four bytes of a
/// double SHA-256); checking it keeps random base58-looking runs in
/// binaries from being reported as wallets.
fn is_base58check(address: &str) -> bool {
    const ALPHABET: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    // Big-endian base-256 number built digit by digit; 25 bytes for an address.
    let mut bytes = [0u8; 25];
    for c in address.bytes() {
        let Some(digit) = ALPHABET.iter().position(|&a| a == c) else {
            return false;
        };
        let mut carry = digit as u32;
        for byte in bytes.iter_mut().rev() {
            carry += u32::from(*byte) * 58;
            *byte = (carry & 0xff) as u8;
            carry >>= 8;
        }
        if carry != 0 {
            return false;
        }
    }
    let (payload, checksum) = bytes.split_at(21);
    let digest = Sha256::digest(Sha256::digest(payload));
    digest.get(..4) == Some(checksum)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_defanged_urls_wallets_and_registry_keys() {
        let text = "fetch hxxps://cdn-update[.]example/payload.bin then\n\
            pay 1A1zP1eLcHM1nS1oN5vKsNzfRyJwn8h4pZ... no: 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa or bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq\n\
            eth 0x52908400098527886E0F7030069857D2E4169EE7\n\
            persist HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\updater and SOFTWARE\\Classes\\mscfile\\shell\n\
            mail ops[@]bunker-pay[.]example from 203.0.113[.]7";
        let found = from_text(text);
        assert_eq!(found.urls, ["https://cdn-update.example/payload.bin"]);
        assert!(
            found.domains.contains(&"cdn-update.example".to_owned()),
            "{:?}",
            found.domains
        );
        assert_eq!(found.emails, ["ops@bunker-pay.example"]);
        assert_eq!(found.ips, ["203.0.113.7"]);
        let wallets: Vec<(&str, &str)> = found
            .wallets
            .iter()
            .map(|w| (w.currency.as_str(), w.address.as_str()))
            .collect();
        assert_eq!(
            wallets,
            [
                ("bitcoin", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"),
                ("bitcoin", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"),
                ("ethereum", "0x52908400098527886E0F7030069857D2E4169EE7"),
            ]
        );
        assert_eq!(
            found.registry_keys,
            [
                "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\updater",
                "SOFTWARE\\Classes\\mscfile\\shell"
            ]
        );
    }

    #[test]
    fn every_pattern_compiles() {
        if let Err(error) = PATTERNS.as_ref() {
            panic!("{error}");
        }
    }

    #[test]
    fn base58_checksum_rejects_lookalikes() {
        assert!(is_base58check("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"));
        assert!(!is_base58check("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb"));
        assert!(!is_base58check("1A1zP1eLcHM1nS1oN5vKsNzfRyJwn8h4pZ"));
    }
}
