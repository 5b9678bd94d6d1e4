//! RFC 9474 Appendix A test vectors (the file shipped with the
//! `blind-rsa-signatures` crate) through Lookout's own signing and
//! verification path: the key goes in as the DER the portal stores, the
//! blinded message through `IssuerKey::sign_blinded`, the signature through
//! `PublicTokenKey::verify_message`.

use blind_rsa_signatures::SecretKeySha384PSSRandomized;
use blind_rsa_signatures::reexports::rsa::{BoxedUint, RsaPrivateKey};
use lookout_tokens::{IssuerKey, TokenError};

fn field<'a>(vector: &'a serde_json::Value, name: &str) -> &'a str {
    vector[name].as_str().unwrap().trim_start_matches("0x")
}

fn uint(vector: &serde_json::Value, name: &str) -> BoxedUint {
    BoxedUint::from_str_radix_vartime(field(vector, name), 16).unwrap()
}

fn bytes(vector: &serde_json::Value, name: &str, len: usize) -> Vec<u8> {
    let text = field(vector, name);
    let padded = format!("{text:0>width$}", width = len * 2);
    hex::decode(padded).unwrap()
}

#[test]
fn rfc9474_sha384_pss_randomized_vector_signs_and_verifies_through_our_keys() {
    let vectors: Vec<serde_json::Value> =
        serde_json::from_str(include_str!("data/rfc9474-vectors.json")).unwrap();
    let vector = vectors
        .iter()
        .find(|v| v["name"] == lookout_tokens::ALGORITHM)
        .expect("the file has the variant Lookout uses");
    let inner = RsaPrivateKey::from_components(
        uint(vector, "n"),
        uint(vector, "e"),
        uint(vector, "d"),
        vec![uint(vector, "p"), uint(vector, "q")],
    )
    .unwrap();
    let der = SecretKeySha384PSSRandomized::new(inner).to_der().unwrap();
    let issuer = IssuerKey::from_der(&der).unwrap();
    let modulus_len = issuer.public().modulus_len();
    // The RFC's vectors use a 4096-bit key.
    assert_eq!(modulus_len, 512);
    assert_eq!(issuer.public().modulus(), bytes(vector, "n", modulus_len));

    let blinded = bytes(vector, "blinded_msg", modulus_len);
    let blind_sig = issuer.sign_blinded(&blinded).unwrap();
    assert_eq!(blind_sig, bytes(vector, "blind_sig", modulus_len));

    let randomizer: [u8; 32] = bytes(vector, "msg_prefix", 32).try_into().unwrap();
    let message = hex::decode(field(vector, "msg")).unwrap();
    let signature = bytes(vector, "sig", modulus_len);
    issuer
        .public()
        .verify_message(&randomizer, &message, &signature)
        .unwrap();

    let mut forged = signature.clone();
    forged[100] ^= 1;
    assert_eq!(
        issuer
            .public()
            .verify_message(&randomizer, &message, &forged),
        Err(TokenError::BadSignature)
    );
    let mut other_randomizer = randomizer;
    other_randomizer[0] ^= 1;
    assert_eq!(
        issuer
            .public()
            .verify_message(&other_randomizer, &message, &signature),
        Err(TokenError::BadSignature)
    );
    // A blinded value as long as the modulus but not below it is refused.
    assert_eq!(
        issuer.sign_blinded(&vec![0xff; modulus_len]),
        Err(TokenError::BadBlindedMessage)
    );
    assert_eq!(
        issuer.sign_blinded(&blinded[1..]),
        Err(TokenError::BadBlindedMessage)
    );
}
