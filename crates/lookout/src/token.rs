//! `lookout token fetch`: membership tokens from a terminal. The tokens are
//! made and blinded here (RFC 9474, through `lookout-tokens`); the portal
//! signs only the blinded values and never sees a token before it is
//! spent. They are kept in a text file, one a line, which
//! `lookout report submit --token-file` spends from.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand};
use lookout_tokens::{PublicTokenKey, Token};
use serde_json::{Value, json};

use crate::report::{agent, base_url, get_json, refusal};

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Fetch tokens for this month and append them to a file.
    Fetch(FetchArgs),
}

#[derive(Args)]
pub struct FetchArgs {
    /// The portal, e.g. https://lookout.example.org
    #[arg(long, env = "LOOKOUT_SERVER", value_name = "URL")]
    server: String,
    /// An API token with the write scope, owned by a member.
    #[arg(
        long,
        env = "LOOKOUT_API_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    api_token: String,
    /// How many tokens (at most what is left of this month's allowance).
    #[arg(long, default_value_t = 5)]
    count: usize,
    /// The token file; tokens are appended, and it is created readable by
    /// you alone.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

pub async fn run(command: TokenCommand) -> anyhow::Result<()> {
    tokio::task::spawn_blocking(move || match command {
        TokenCommand::Fetch(args) => fetch(args),
    })
    .await
    .context("the token command stopped unexpectedly")?
}

const FILE_HEADER: &str = "# Lookout membership tokens: one a line; each works once.\n\
    # Spend them with anonymous reports, some time after fetching, without your API token.\n";

fn fetch(args: FetchArgs) -> anyhow::Result<()> {
    if args.count == 0 || args.count > 100 {
        bail!("--count must be between 1 and 100");
    }
    let base = base_url(&args.server)?;
    let agent = agent();
    let list = get_json(&agent, &base, ".well-known/lookout-token-keys")?;
    if list["algorithm"] != lookout_tokens::ALGORITHM {
        bail!(
            "the portal's tokens use {}, which this client does not speak",
            list["algorithm"]
        );
    }
    let issuing = list["issuing"]
        .as_str()
        .context("the portal's key list names no key to fetch tokens for")?;
    let entry = list["keys"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|k| k["id"] == issuing)
        .context("the portal's key list does not contain its issuing key")?;
    let key = PublicTokenKey::from_spki_base64(entry["spki"].as_str().unwrap_or_default())
        .context("the portal's key cannot be read")?;
    // The id is a hash of the key: a list that lies about it is refused.
    if key.id() != issuing {
        bail!("the portal's key does not match its id {issuing}");
    }
    let pending = (0..args.count)
        .map(|_| key.blind())
        .collect::<Result<Vec<_>, _>>()
        .context("cannot blind the tokens")?;
    let blinded: Vec<String> = pending
        .iter()
        .map(|p| lookout_tokens::encode_wire(p.blinded_message()))
        .collect();
    let mut response = agent
        .post(base.join("api/v1/tokens")?.as_str())
        .header("Authorization", format!("Bearer {}", args.api_token))
        .send_json(json!({ "key_id": key.id(), "blinded": blinded }))
        .with_context(|| format!("cannot reach {base}"))?;
    if !response.status().is_success() {
        return Err(refusal(response));
    }
    let issued: Value = response
        .body_mut()
        .read_json()
        .context("the portal's answer is not JSON")?;
    let signatures = issued["blind_signatures"]
        .as_array()
        .context("the portal's answer has no signatures")?;
    if signatures.len() != pending.len() {
        bail!(
            "the portal signed {} of {} tokens",
            signatures.len(),
            pending.len()
        );
    }
    let mut tokens = Vec::with_capacity(pending.len());
    for (pending, signature) in pending.iter().zip(signatures) {
        let signature = lookout_tokens::decode_wire(signature.as_str().unwrap_or_default())
            .context("a signature in the portal's answer is not base64url")?;
        // `finish` checks each signature against the published key.
        tokens.push(
            key.finish(pending, &signature)
                .context("a signature from the portal does not verify; no token was kept")?,
        );
    }
    append_tokens(&args.out, &tokens)?;
    println!(
        "{} token{} added to {} ({} of {} taken this month).",
        tokens.len(),
        if tokens.len() == 1 { "" } else { "s" },
        args.out.display(),
        issued["taken"],
        issued["allowance"]
    );
    // Counted after this fetch: the member is now one of them.
    if let Some(holders) = issued["holders"].as_i64() {
        println!(
            "{holders} member{} hold{} tokens of key {issuing}: a report made with one hides among them{}.",
            if holders == 1 { "" } else { "s" },
            if holders == 1 { "s" } else { "" },
            if holders < lookout_server::tokens::SMALL_ANONYMITY_SET {
                " (few yet: spend it later in the month)"
            } else {
                ""
            }
        );
    }
    println!(
        "Spend one later, without your API token: lookout report submit --token-file {} ...",
        args.out.display()
    );
    Ok(())
}

/// What a verified report made with `token` hides among, from the portal's
/// public key list (fetched without credentials): the key, its month and
/// how many members hold tokens of it. `None` when the list cannot be had.
pub fn anonymity_set(agent: &ureq::Agent, base: &url::Url, token: &str) -> Option<String> {
    let key_id = Token::parse(token).ok()?.key_id().to_string();
    let list = get_json(agent, base, ".well-known/lookout-token-keys").ok()?;
    let entry = list["keys"]
        .as_array()?
        .iter()
        .find(|k| k["id"] == key_id.as_str())?;
    let holders = entry["holders"].as_i64()?;
    let mut said = format!(
        "This token is from key {key_id} ({}), held by {holders} member{}: the analysts learn \
         that the report comes from one of them.",
        entry["period"].as_str().unwrap_or("?"),
        if holders == 1 { "" } else { "s" }
    );
    if holders < lookout_server::tokens::SMALL_ANONYMITY_SET {
        said.push_str(
            " That is few: wait until more members have fetched tokens of this key, or send \
             the report without a token.",
        );
    }
    Some(said)
}

fn append_tokens(path: &Path, tokens: &[Token]) -> anyhow::Result<()> {
    let new = !path.exists();
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    let mut text = String::new();
    if new {
        text.push_str(FILE_HEADER);
    }
    for token in tokens {
        text.push_str(&token.to_string());
        text.push('\n');
    }
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// The first token in a token file (comments and blank lines skipped).
pub fn first_token(path: &Path) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the token file {}", path.display()))?;
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .with_context(|| {
            format!(
                "{} holds no tokens: fetch some with `lookout token fetch`",
                path.display()
            )
        })
}

/// Removes a spent token from its file, by writing the rest to a new file
/// and renaming it over the old, so a crash leaves one or the other.
pub fn remove_token(path: &Path, spent: &str) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the token file {}", path.display()))?;
    let rest: String = text
        .lines()
        .filter(|l| l.trim() != spent)
        .map(|l| format!("{l}\n"))
        .collect();
    let temporary = path.with_extension("tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(&temporary)
        .with_context(|| format!("cannot write {}", temporary.display()))?;
    file.write_all(rest.as_bytes())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write {}", temporary.display()))?;
    std::fs::rename(&temporary, path).with_context(|| format!("cannot replace {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_token_is_taken_and_removed_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tokens.txt");
        std::fs::write(&path, format!("{FILE_HEADER}\nlmt1.a.b\nlmt1.c.d\n")).unwrap();
        assert_eq!(first_token(&path).unwrap(), "lmt1.a.b");
        remove_token(&path, "lmt1.a.b").unwrap();
        assert_eq!(first_token(&path).unwrap(), "lmt1.c.d");
        assert!(
            std::fs::read_to_string(&path)
                .unwrap()
                .starts_with("# Lookout")
        );
        remove_token(&path, "lmt1.c.d").unwrap();
        let err = first_token(&path).unwrap_err().to_string();
        assert!(err.contains("holds no tokens"), "{err}");
    }
}
