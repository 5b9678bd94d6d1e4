//! `lookout report`: send a report to a portal from a terminal, for ships
//! whose only link is a slow satellite connection and a shell. It speaks
//! the portal's JSON API (`POST /api/v1/reports`).

use std::io::Read as _;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand, ValueEnum};
use serde_json::{Value, json};

#[derive(Subcommand)]
pub enum ReportCommand {
    /// Send a report. Prints its reference and, unless attributed, the
    /// receipt code: write it down, it is shown once. The report waits in
    /// the outbox (encrypted) until the portal has it: a dropped link is
    /// resumed where it stopped, and a link that stays down leaves it for
    /// `lookout report send`.
    Submit(Box<SubmitArgs>),
    /// Send the reports waiting in the outbox (queued with `submit --queue`,
    /// or left there by a link that stayed down).
    Send(crate::outbox::OutboxArgs),
    /// List the ids `submit` accepts (classes, systems, vessels, sea areas,
    /// impact and sharing levels).
    Catalogue(ServerArgs),
}

#[derive(Args)]
pub struct ServerArgs {
    /// The portal, e.g. https://lookout.example.org
    #[arg(long, env = "LOOKOUT_SERVER", value_name = "URL")]
    server: String,
    /// An API token with the write scope; needed for attributed and
    /// confidential reports, never sent with an anonymous one.
    #[arg(
        long,
        env = "LOOKOUT_API_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    api_token: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Mode {
    Attributed,
    Confidential,
    Anonymous,
}

impl Mode {
    fn as_str(self) -> &'static str {
        match self {
            Mode::Attributed => "attributed",
            Mode::Confidential => "confidential",
            Mode::Anonymous => "anonymous",
        }
    }
}

#[derive(Args)]
pub struct SubmitArgs {
    #[command(flatten)]
    server: ServerArgs,
    /// Who stands behind the report.
    #[arg(long, value_enum, default_value_t = Mode::Anonymous)]
    mode: Mode,
    /// Incident class id (see `lookout report catalogue`).
    #[arg(long)]
    class: String,
    /// UTC date of discovery, YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    discovered_on: String,
    /// UTC time of discovery, HH:MM (analysts only).
    #[arg(long, value_name = "HH:MM")]
    discovered_time: Option<String>,
    /// An affected system id; repeat for several.
    #[arg(long = "system", value_name = "ID", required = true)]
    systems: Vec<String>,
    #[arg(long)]
    vessel_type: String,
    #[arg(long)]
    vessel_size: String,
    /// Sea area or port region id.
    #[arg(long)]
    sea_area: String,
    /// Position (analysts only), e.g. "12°34.5'N 045°12.3'E".
    #[arg(long)]
    position: Option<String>,
    #[arg(long, default_value = "none")]
    impact_safety: String,
    #[arg(long, default_value = "none")]
    impact_operations: String,
    #[arg(long, default_value = "none")]
    impact_money: String,
    /// Sharing level of the sanitised incident: clear, green, amber,
    /// amber-strict or red.
    #[arg(long, default_value = "green")]
    tlp: String,
    /// Attributed only: name your organisation with the published incident.
    #[arg(long)]
    share_name: bool,
    /// Keep only the cleaned copies of the attachments: analysts never get
    /// the files as sent. A file that cannot be cleaned is then refused.
    #[arg(long)]
    discard_originals: bool,
    /// The narrative; read from standard input when absent or `-`.
    #[arg(long, value_name = "FILE")]
    narrative_file: Option<PathBuf>,
    /// Indicators of compromise, one a line.
    #[arg(long, value_name = "FILE")]
    indicators_file: Option<PathBuf>,
    /// A file to attach (photo, PDF, log...); repeat for several. The
    /// portal removes hidden details before anyone but analysts sees it.
    #[arg(long = "attach", value_name = "FILE")]
    attachments: Vec<PathBuf>,
    /// Anonymous only: spend the first membership token in this file (from
    /// `lookout token fetch`) to show the report comes from a member. It is
    /// removed from the file once the report is accepted.
    #[arg(long, value_name = "FILE")]
    token_file: Option<PathBuf>,
    /// Only put the report in the outbox, for `lookout report send` when
    /// the link is back.
    #[arg(long)]
    queue: bool,
    #[command(flatten)]
    outbox: crate::outbox::OutboxArgs,
}

pub async fn run(command: ReportCommand) -> anyhow::Result<()> {
    // One request, blocking: off the async runtime's threads.
    tokio::task::spawn_blocking(move || match command {
        ReportCommand::Submit(args) => submit(*args),
        ReportCommand::Send(args) => send(&args),
        ReportCommand::Catalogue(server) => catalogue(server),
    })
    .await
    .context("the report command stopped unexpectedly")?
}

/// The portal's base URL, refusing plain HTTP except to this machine: a
/// report in clear over a satellite link is no longer confidential.
pub(crate) fn base_url(server: &str) -> anyhow::Result<url::Url> {
    let url = url::Url::parse(server.trim_end_matches('/')).with_context(|| {
        format!("--server {server} is not a URL (e.g. https://lookout.example.org)")
    })?;
    let loopback = matches!(url.host(), Some(url::Host::Domain("localhost")))
        || matches!(url.host(), Some(url::Host::Ipv4(ip)) if ip.is_loopback())
        || matches!(url.host(), Some(url::Host::Ipv6(ip)) if ip.is_loopback());
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback => Ok(url),
        _ => bail!("--server must be an https:// URL (plain http only to this machine)"),
    }
}

pub(crate) fn agent() -> ureq::Agent {
    // Satellite links: slow, but a report must not hang for ever.
    agent_within(Duration::from_secs(300))
}

/// An agent that gives up after `global`, for what may be skipped.
pub(crate) fn agent_within(global: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_connect(Some(global.min(Duration::from_secs(60))))
        .timeout_global(Some(global))
        // Refusals carry the portal's explanation: read them.
        .http_status_as_error(false)
        .user_agent("lookout-cli")
        .tls_config(
            ureq::tls::TlsConfig::builder()
                .root_certs(ureq::tls::RootCerts::PlatformVerifier)
                .build(),
        )
        .build()
        .into()
}

fn read_text(path: Option<&PathBuf>, what: &str) -> anyhow::Result<String> {
    match path {
        Some(path) if path.as_os_str() != "-" => std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the {what} from {}", path.display())),
        _ => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .with_context(|| format!("cannot read the {what} from standard input"))?;
            Ok(text)
        }
    }
}

/// The portal's own words for a refusal (problem details), or the status.
pub(crate) fn refusal(mut response: ureq::http::Response<ureq::Body>) -> anyhow::Error {
    let status = response.status();
    let text = response.body_mut().read_to_string().unwrap_or_default();
    let detail = serde_json::from_str::<Value>(&text)
        .ok()
        .and_then(|v| v["detail"].as_str().map(str::to_string))
        .unwrap_or_else(|| text.chars().take(300).collect());
    anyhow::anyhow!("the portal refused ({status}): {detail}")
}

fn submit(args: SubmitArgs) -> anyhow::Result<()> {
    let base = base_url(&args.server.server)?;
    let narrative = read_text(args.narrative_file.as_ref(), "narrative")?;
    let indicators = match &args.indicators_file {
        Some(path) => read_text(Some(path), "indicators")?,
        None => String::new(),
    };
    let mut attachments = Vec::new();
    for path in &args.attachments {
        use base64::Engine as _;
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let filename = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "attachment".into());
        attachments.push(json!({
            "filename": filename,
            "content_base64": base64::engine::general_purpose::STANDARD.encode(bytes),
        }));
    }
    let membership_token = match (&args.token_file, args.mode) {
        (None, _) => None,
        (Some(path), Mode::Anonymous) => Some(crate::token::first_token(path)?),
        (Some(_), _) => bail!(
            "--token-file is for anonymous reports only: a report under your name already says who you are"
        ),
    };
    let mut body = json!({
        "mode": args.mode.as_str(),
        "class": args.class,
        "discovered_on": args.discovered_on,
        "discovered_time": args.discovered_time.unwrap_or_default(),
        "systems": args.systems,
        "vessel_type": args.vessel_type,
        "vessel_size": args.vessel_size,
        "sea_area": args.sea_area,
        "position": args.position.unwrap_or_default(),
        "impact_safety": args.impact_safety,
        "impact_operations": args.impact_operations,
        "impact_money": args.impact_money,
        "narrative": narrative,
        "indicators": indicators,
        "tlp": args.tlp,
        "share_name": args.share_name,
        "discard_originals": args.discard_originals,
        "attachments": attachments,
    });
    if let Some(token) = &membership_token {
        body["membership_token"] = json!(token);
    }
    let api_token = match (args.mode, &args.server.api_token) {
        // An anonymous report carries nothing that names the sender.
        (Mode::Anonymous, _) => None,
        (_, Some(token)) => Some(token.clone()),
        (_, None) => bail!(
            "an {} report needs --api-token (or LOOKOUT_API_TOKEN) with the write scope; \
             without one, send it with --mode anonymous",
            args.mode.as_str()
        ),
    };
    // The member is told what the token hides them among before it is
    // spent (the key list is public: fetched without credentials).
    if let Some(token) = &membership_token {
        let quick = agent_within(Duration::from_secs(20));
        match crate::token::anonymity_set(&quick, &base, token) {
            Some(said) => eprintln!("{said}"),
            None => eprintln!(
                "The portal's key list could not be read: see how many members hold tokens of \
                 this key on its tokens page before relying on the mark."
            ),
        }
    }
    let outbox = crate::outbox::Outbox::open(&args.outbox)?;
    let queued = outbox.queue(&crate::outbox::Item {
        server: base.to_string(),
        api_token,
        report: body,
        token_file: args.token_file.filter(|_| membership_token.is_some()),
        upload: None,
        asked: false,
    })?;
    if args.queue {
        println!(
            "The report waits in the outbox, encrypted ({}). Send it with `lookout report send` \
             when the link is back.",
            queued.display()
        );
        return Ok(());
    }
    finish(&outbox, &queued)
}

/// Sends one queued report and says what became of it; an error when it
/// was refused or is still waiting.
fn finish(outbox: &crate::outbox::Outbox, queued: &std::path::Path) -> anyhow::Result<()> {
    match outbox.send(queued)? {
        crate::outbox::Sent::Answered {
            answer,
            verified,
            follow_up,
        } => {
            print_answer(&answer, verified, &follow_up);
            Ok(())
        }
        crate::outbox::Sent::Refused { refusal, kept } => bail!(
            "{refusal}\nNothing was stored. The report is kept, encrypted, in {}.",
            kept.display()
        ),
        crate::outbox::Sent::Waiting(trouble) => bail!(
            "the portal could not be reached ({trouble}).\nThe report waits in the outbox, \
             encrypted ({}); `lookout report send` sends it when the link is back, never twice.",
            queued.display()
        ),
    }
}

fn send(args: &crate::outbox::OutboxArgs) -> anyhow::Result<()> {
    let outbox = crate::outbox::Outbox::open(args)?;
    let waiting = outbox.waiting()?;
    if waiting.is_empty() {
        println!("The outbox is empty: every report has been sent.");
        return Ok(());
    }
    let mut failed = 0;
    for queued in &waiting {
        if let Err(trouble) = finish(&outbox, queued) {
            eprintln!("{trouble:#}");
            failed += 1;
        }
    }
    if failed > 0 {
        bail!("{failed} of {} reports were not sent", waiting.len());
    }
    Ok(())
}

fn print_answer(received: &Value, verified: bool, follow_up: &str) {
    println!(
        "Report {} received{}.",
        received["reference"].as_str().unwrap_or("?"),
        if verified {
            ", as from a verified member"
        } else {
            ""
        }
    );
    for file in received["attachments"].as_array().into_iter().flatten() {
        println!(
            "  {}: {}",
            file["filename"].as_str().unwrap_or("?"),
            file["outcome"].as_str().unwrap_or("?")
        );
    }
    if let Some(receipt) = received["receipt"].as_str() {
        println!();
        println!("Your receipt code (shown once, stored nowhere; write it down):");
        println!();
        println!("    {receipt}");
        println!();
        println!("With it you can read the analysts' questions at {follow_up}");
    }
}

/// GETs `path` under the portal and reads the JSON answer; a refusal comes
/// back in the portal's words.
pub(crate) fn get_json(agent: &ureq::Agent, base: &url::Url, path: &str) -> anyhow::Result<Value> {
    let mut response = agent
        .get(base.join(path)?.as_str())
        .call()
        .with_context(|| format!("cannot reach {base}"))?;
    if !response.status().is_success() {
        return Err(refusal(response));
    }
    response
        .body_mut()
        .read_json()
        .with_context(|| format!("the portal's answer to {path} is not JSON"))
}

fn catalogue(server: ServerArgs) -> anyhow::Result<()> {
    let base = base_url(&server.server)?;
    let lists = get_json(&agent(), &base, "api/v1/catalogue")?;
    for (key, title) in [
        ("classes", "--class"),
        ("systems", "--system"),
        ("vessel_types", "--vessel-type"),
        ("vessel_sizes", "--vessel-size"),
        ("sea_areas", "--sea-area"),
        (
            "impact_levels",
            "--impact-safety / --impact-operations / --impact-money",
        ),
        ("tlp_levels", "--tlp"),
    ] {
        println!("{title}");
        for entry in lists[key].as_array().into_iter().flatten() {
            println!(
                "  {:<36} {}",
                entry["id"].as_str().unwrap_or_default(),
                entry["label"].as_str().unwrap_or_default()
            );
        }
        println!();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::base_url;

    #[test]
    fn plain_http_only_to_this_machine() {
        assert!(base_url("https://lookout.example.org").is_ok());
        assert!(base_url("http://127.0.0.1:8080").is_ok());
        assert!(base_url("http://localhost:8080/").is_ok());
        assert!(base_url("http://lookout.example.org").is_err());
        assert!(base_url("ftp://lookout.example.org").is_err());
        assert!(base_url("lookout.example.org").is_err());
    }
}
