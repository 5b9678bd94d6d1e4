//! The whole exchange as the portal and a member's client run it.

use std::sync::OnceLock;

use lookout_tokens::{IssuerKey, PublicTokenKey, Token, TokenError};
use proptest::prelude::*;

/// Key generation takes a while: one key per test binary.
fn issuer() -> &'static IssuerKey {
    static KEY: OnceLock<IssuerKey> = OnceLock::new();
    KEY.get_or_init(|| IssuerKey::generate().unwrap())
}

fn fetch(issuer: &IssuerKey) -> Token {
    let public = PublicTokenKey::from_spki_base64(&issuer.public().spki_base64()).unwrap();
    let pending = public.blind().unwrap();
    let blind_sig = issuer.sign_blinded(pending.blinded_message()).unwrap();
    public.finish(&pending, &blind_sig).unwrap()
}

#[test]
fn a_fetched_token_survives_its_text_form_and_verifies() {
    let token = fetch(issuer());
    let text = token.to_string();
    assert!(text.starts_with(&format!("lmt1.{}.", issuer().public().id())));
    let parsed = Token::parse(&format!("  {text}\n")).unwrap();
    assert_eq!(parsed, token);
    issuer().public().verify(&parsed).unwrap();
    assert_eq!(parsed.spent_fingerprint(), token.spent_fingerprint());
}

#[test]
fn the_portal_never_sees_the_token_it_signs() {
    let public = issuer().public().clone();
    let pending = public.blind().unwrap();
    let blinded = pending.blinded_message().to_vec();
    let blind_sig = issuer().sign_blinded(&blinded).unwrap();
    let token = public.finish(&pending, &blind_sig).unwrap();
    let text = token.to_string();
    let body = lookout_tokens::decode_wire(text.rsplit('.').next().unwrap()).unwrap();
    // Neither the blinded message nor the blind signature appears in the
    // token, nor does the token's fingerprint match either.
    for seen in [&blinded, &blind_sig] {
        assert!(!body.windows(32).any(|w| seen.windows(32).any(|s| s == w)));
    }
    assert_ne!(&token.spent_fingerprint()[..], &blinded[..32]);
}

#[test]
fn forged_and_foreign_tokens_are_refused() {
    let token = fetch(issuer());
    let text = token.to_string();
    // Flip one bit of the signature (the last bytes of the body).
    let (head, body) = text.rsplit_once('.').unwrap();
    let mut bytes = lookout_tokens::decode_wire(body).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    let forged = Token::parse(&format!("{head}.{}", lookout_tokens::encode_wire(&bytes))).unwrap();
    assert_eq!(
        issuer().public().verify(&forged),
        Err(TokenError::BadSignature)
    );

    let other = IssuerKey::generate().unwrap();
    assert_eq!(other.public().verify(&token), Err(TokenError::WrongKey));
    // A token re-labelled with the other key's id still fails: the
    // signature is the first key's.
    let relabelled =
        Token::parse(&text.replace(issuer().public().id(), other.public().id())).unwrap();
    assert_eq!(
        other.public().verify(&relabelled),
        Err(TokenError::BadSignature)
    );
}

#[test]
fn a_blind_signature_from_another_key_is_caught_by_the_client() {
    let public = issuer().public().clone();
    let pending = public.blind().unwrap();
    let other = IssuerKey::generate().unwrap();
    let wrong = other.sign_blinded(pending.blinded_message());
    // Either the other key cannot sign this value at all, or the client
    // notices the result does not verify under the published key.
    if let Ok(wrong) = wrong {
        assert_eq!(
            public.finish(&pending, &wrong),
            Err(TokenError::BadSignature)
        );
    }
    assert_eq!(
        public.finish(&pending, &[0u8; 10]),
        Err(TokenError::BadSignature)
    );
}

#[test]
fn the_private_key_round_trips_through_der() {
    let der = issuer().to_der().unwrap();
    let again = IssuerKey::from_der(&der).unwrap();
    assert_eq!(again.public().id(), issuer().public().id());
    assert_eq!(
        IssuerKey::from_der(&der[..der.len() - 1]).unwrap_err(),
        TokenError::Key
    );
}

#[test]
fn malformed_text_is_named() {
    for (text, why) in [
        ("", "expected three parts separated by dots"),
        ("lmt1.abc", "expected three parts separated by dots"),
        ("lmt2.0123456789abcdef.AAAA", "it does not start with lmt1."),
        (
            "lmt1.0123456789ABCDEF.AAAA",
            "the key id is not 16 hexadecimal digits",
        ),
        ("lmt1.0123456789abcdef.!!!!", "the body is not base64url"),
        ("lmt1.0123456789abcdef.AAAA", "it is too short"),
    ] {
        assert_eq!(
            Token::parse(text),
            Err(TokenError::Malformed(why)),
            "{text}"
        );
    }
    assert_eq!(
        Token::parse(&"a".repeat(5000)),
        Err(TokenError::Malformed("too long"))
    );
}

proptest! {
    #[test]
    fn parsing_never_panics(text in "\\PC{0,1100}") {
        let _ = Token::parse(&text);
    }

    #[test]
    fn well_formed_tokens_round_trip(
        key_id in "[0-9a-f]{16}",
        body in proptest::collection::vec(any::<u8>(), 320..600),
    ) {
        let text = format!("lmt1.{key_id}.{}", lookout_tokens::encode_wire(&body));
        let token = Token::parse(&text).unwrap();
        prop_assert_eq!(token.to_string(), text);
        prop_assert_eq!(token.key_id(), key_id.as_str());
    }
}
