//! Fetching one feed through the same SSRF-safe client as webhooks
//! (`lookout-outbound`: public addresses only unless allow-listed, the
//! checked address is the one connected to, deadlines, a body cap), then
//! parsing it with `lookout-feeds`. Redirects are followed by hand, a few
//! at most, each target checked again like the first: a feed that
//! redirects to the portal's own network is refused with the reason.

use lookout_outbound::{Method, Policy, Request, Url};

/// Redirects followed before giving up.
const MAX_REDIRECTS: usize = 3;

/// What a feed's server may send: the parser's own limit, so a huge feed
/// is stopped while it streams in.
pub fn policy(base: &Policy, config: &crate::Config) -> Policy {
    Policy {
        max_response_bytes: lookout_feeds::Limits::default().max_bytes,
        total_timeout: std::time::Duration::from_secs(config.news_fetch_timeout_secs.clamp(1, 25)),
        ..base.clone()
    }
}

/// The feed at `url`, or why it cannot be read, worded for the editor.
pub async fn fetch(url: &str, policy: &Policy) -> Result<lookout_feeds::Feed, String> {
    let mut target = lookout_outbound::check_url(url, policy).map_err(|e| e.to_string())?;
    for hop in 0..=MAX_REDIRECTS {
        let request = Request {
            method: Method::GET,
            url: target.clone(),
            headers: vec![(
                "Accept".into(),
                "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, \
                 application/xml;q=0.8, text/xml;q=0.8"
                    .into(),
            )],
            body: Vec::new(),
        };
        let response = lookout_outbound::send(request, policy)
            .await
            .map_err(|e| match hop {
                0 => e.to_string(),
                _ => format!("The feed redirected to {target}, which failed: {e}"),
            })?;
        match response.status {
            200 => {
                return lookout_feeds::parse_with_base(
                    &response.body,
                    &lookout_feeds::Limits::default(),
                    &target,
                )
                .map_err(|e| e.to_string());
            }
            301 | 302 | 303 | 307 | 308 => {
                let location = response.header("location").ok_or_else(|| {
                    format!(
                        "The feed's server answered {} (moved) without saying where to.",
                        response.status
                    )
                })?;
                let next = target.join(location).map_err(|_| {
                    format!("The feed redirected to {location:?}, which is not an address.")
                })?;
                target = checked(next, policy)?;
            }
            status => {
                return Err(format!(
                    "The feed's server answered {status} instead of the feed; check the \
                     address in a browser."
                ));
            }
        }
    }
    Err(format!(
        "The feed redirected more than {MAX_REDIRECTS} times; use the address it ends at."
    ))
}

fn checked(next: Url, policy: &Policy) -> Result<Url, String> {
    lookout_outbound::check_url(next.as_str(), policy)
        .map_err(|e| format!("The feed redirected to {next}, which is refused: {e}"))
}
