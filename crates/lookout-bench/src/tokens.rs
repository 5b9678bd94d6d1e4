//! Membership tokens: the RSA work on each side, then issuance and
//! spending over HTTP as a client sees them.

use std::time::{Duration, Instant};

use anyhow::Context as _;
use lookout_server::accounts::operator;
use lookout_server::audit::Actor;
use lookout_tokens::{IssuerKey, PublicTokenKey};
use serde_json::{Value, json};

use super::{member, portal, report};

fn timed<T>(samples: &mut Vec<Duration>, work: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let out = work();
    samples.push(started.elapsed());
    out
}

pub async fn tokens(database_url: &Option<String>, batches: usize) -> anyhow::Result<()> {
    // The cryptography alone, on one core.
    let mut keygen = Vec::new();
    for _ in 0..3 {
        timed(&mut keygen, IssuerKey::generate).map_err(anyhow::Error::msg)?;
    }
    report("token key generation (RSA-2048)", keygen);
    let issuer = IssuerKey::generate().map_err(anyhow::Error::msg)?;
    let public = issuer.public().clone();
    let (mut blind, mut sign, mut finish, mut verify) = (vec![], vec![], vec![], vec![]);
    for _ in 0..200 {
        let pending = timed(&mut blind, || public.blind()).map_err(anyhow::Error::msg)?;
        let signature = timed(&mut sign, || issuer.sign_blinded(pending.blinded_message()))
            .map_err(anyhow::Error::msg)?;
        let token = timed(&mut finish, || public.finish(&pending, &signature))
            .map_err(anyhow::Error::msg)?;
        timed(&mut verify, || public.verify(&token)).map_err(anyhow::Error::msg)?;
    }
    report("client blind", blind);
    report("portal blind signature", sign);
    report("client finish (unblind + verify)", finish);
    report("portal verify at spending", verify);

    // Over HTTP: batches of 10 through the API, then spending each with an
    // anonymous report.
    let portal = portal(database_url).await?;
    let client = reqwest::Client::new();
    let keys: Value = client
        .get(format!("{}/.well-known/lookout-token-keys", portal.base))
        .send()
        .await?
        .json()
        .await?;
    let issuing = keys["issuing"].as_str().context("no issuing key")?;
    let entry = keys["keys"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|k| k["id"] == issuing)
        .context("issuing key not listed")?;
    let key = PublicTokenKey::from_spki_base64(entry["spki"].as_str().unwrap_or_default())
        .map_err(anyhow::Error::msg)?;
    let mut fetches = Vec::new();
    let mut tokens = Vec::new();
    for _ in 0..batches {
        // The default allowance is 10 a month: a new member per batch.
        let email = member(&portal).await?;
        let api_token = operator::create_api_token(
            &portal.state.db,
            &portal.state.key,
            &email,
            "bench",
            &["write".into()],
            Actor::Cli,
        )
        .await?;
        let pending: Vec<_> = (0..10)
            .map(|_| key.blind())
            .collect::<Result<_, _>>()
            .map_err(anyhow::Error::msg)?;
        let blinded: Vec<String> = pending
            .iter()
            .map(|p| lookout_tokens::encode_wire(p.blinded_message()))
            .collect();
        let started = Instant::now();
        let response = client
            .post(format!("{}/api/v1/tokens", portal.base))
            .bearer_auth(&api_token)
            .json(&json!({ "key_id": key.id(), "blinded": blinded }))
            .send()
            .await?;
        anyhow::ensure!(
            response.status() == 200,
            "fetch answered {}",
            response.status()
        );
        let issued: Value = response.json().await?;
        fetches.push(started.elapsed());
        for (p, s) in pending
            .iter()
            .zip(issued["blind_signatures"].as_array().into_iter().flatten())
        {
            let s = lookout_tokens::decode_wire(s.as_str().unwrap_or_default())
                .map_err(anyhow::Error::msg)?;
            tokens.push(key.finish(p, &s).map_err(anyhow::Error::msg)?);
        }
    }
    report("POST /api/v1/tokens, 10 tokens a request", fetches);
    let mut spends = Vec::new();
    for token in &tokens {
        let body = json!({
            "mode": "anonymous", "class": "gnss-spoofing", "discovered_on": "2026-03-02",
            "systems": ["navigation"], "vessel_type": "bulk-carrier", "vessel_size": "large",
            "sea_area": "black-sea", "impact_safety": "minor", "impact_operations": "minor",
            "impact_money": "none", "narrative": "GPS showed the ship 20 nm inland.",
            "tlp": "green", "membership_token": token.to_string(),
        });
        let started = Instant::now();
        let response = client
            .post(format!("{}/api/v1/reports", portal.base))
            .json(&body)
            .send()
            .await?;
        anyhow::ensure!(
            response.status() == 201,
            "report answered {}",
            response.status()
        );
        spends.push(started.elapsed());
    }
    report(
        "POST /api/v1/reports with a token (check, spend, store)",
        spends,
    );
    Ok(())
}
