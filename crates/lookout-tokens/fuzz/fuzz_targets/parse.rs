//! Reads arbitrary text as a membership token, as the portal does with
//! whatever a reporter pastes: never a panic; what parses prints back to
//! the same text and is checked against a real key without panicking
//! (and, being random, without verifying).

#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use lookout_tokens::{IssuerKey, Token};

static KEY: LazyLock<IssuerKey> =
    LazyLock::new(|| IssuerKey::generate().expect("a key can be made"));

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(token) = Token::parse(text) {
        assert_eq!(Token::parse(&token.to_string()).as_ref(), Ok(&token));
        assert!(KEY.public().verify(&token).is_err());
        let _ = token.spent_fingerprint();
    }
});
