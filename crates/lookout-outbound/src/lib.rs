//! The portal's only way to make HTTP requests to addresses that users or
//! admins type in (webhook targets, later RSS/Atom feeds), built to resist
//! server-side request forgery (SSRF).
//!
//! # What a request goes through
//!
//! 1. [`check_url`]: syntax and scheme only, so a form can reject a bad
//!    address the moment it is typed.
//! 2. [`resolve`]: the host name is looked up **once**, and the first address
//!    that is public (see [`is_forbidden`]) or inside an admin's
//!    [`Policy::allow`] list is chosen.
//! 3. [`send`] connects to exactly that address. The name is never looked up
//!    again, so a DNS server that answers "public" to the check and "private"
//!    to the connection (DNS rebinding) cannot swap the target.
//! 4. For `https://`, TLS is verified against the platform's trust store with
//!    the URL's host as SNI and certificate name; there is no switch to turn
//!    verification off.
//! 5. One HTTP/1.1 request, `Connection: close`. Redirects are **not**
//!    followed: a 3xx comes back as a [`Response`], because following it
//!    would need the whole check again and most webhook targets never
//!    redirect. Proxy environment variables, cookies and compression are not
//!    used.
//! 6. The whole exchange has a deadline ([`Policy::total_timeout`]) and the
//!    body a size cap ([`Policy::max_response_bytes`]), so a slow or huge
//!    answer cannot tie up a worker or fill memory.
//!
//! # Trust roots
//!
//! Certificates are checked with `rustls-platform-verifier` (already used by
//! the workspace's mail transport), which on Linux reads the system store
//! (`ca-certificates`). That keeps the CA list updated with the OS and lets
//! an admin trust an internal CA for allow-listed internal targets, at the
//! cost of failing with [`OutboundError::Tls`] on a machine with no CA store.
//! The roots are read once per process.

mod ranges;

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use bytes::Bytes;
use http::header::{self, HeaderName, HeaderValue};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::{self, ClientConfig, pki_types::CertificateDer, pki_types::ServerName};
use url::{Host, Position};

pub use http::Method;
pub use ipnet::IpNet;
pub use ranges::is_forbidden;
pub use url::Url;

/// Longest address [`check_url`] accepts, in bytes, before and after
/// normalisation. Generous for any real webhook or feed, small enough that
/// a stored address never bloats a page or a log line.
pub const MAX_URL_LEN: usize = 2048;

/// The `User-Agent` every request carries, so receivers can recognise and
/// filter the portal's traffic.
pub const USER_AGENT: &str = "Lookout";

/// What outbound requests may do. Build it from configuration once and share
/// it; [`Policy::default`] is the safe setting for production.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Networks an admin allow-listed: addresses in them are allowed even if
    /// private or loopback (for example an internal chat server's webhook).
    /// An IPv4 network also covers the IPv4-mapped IPv6 form of its addresses.
    pub allow: Vec<IpNet>,
    /// Deadline for the name lookup, and again for the TCP connect and the
    /// TLS handshake. Default 5 s.
    pub connect_timeout: Duration,
    /// Deadline for the whole exchange, from lookup to the last body byte.
    /// Default 10 s.
    pub total_timeout: Duration,
    /// Largest response body accepted, in bytes. Default 1 MiB.
    pub max_response_bytes: usize,
    /// Refuse `http://` addresses. Default `true`: webhook payloads and feed
    /// contents should not travel in clear text. Tests and allow-listed
    /// internal plain-HTTP services may turn it off.
    pub https_only: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            allow: Vec::new(),
            connect_timeout: Duration::from_secs(5),
            total_timeout: Duration::from_secs(10),
            max_response_bytes: 1024 * 1024,
            https_only: true,
        }
    }
}

impl Policy {
    /// Whether an admin allow-listed `ip`. The canonical form is checked too
    /// so that allow-listing `10.0.0.0/8` also covers `::ffff:10.1.2.3`,
    /// which a dual-stack socket delivers to the same IPv4 host.
    fn allows(&self, ip: IpAddr) -> bool {
        let canonical = ip.to_canonical();
        self.allow
            .iter()
            .any(|net| net.contains(&ip) || net.contains(&canonical))
    }
}

/// Everything that can go wrong, worded for the admin or user who typed the
/// address: what happened and what to do about it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OutboundError {
    /// The address cannot be used as typed; the message says what to change.
    #[error("{0}")]
    BadUrl(String),
    /// The request itself is not acceptable (method, header); the message
    /// says what to change. Raised before any network traffic.
    #[error("{0}")]
    BadRequest(String),
    /// The address resolves only to addresses outside the public internet.
    #[error("{address} is {reason}; ask an admin to allow-list it if this is intended")]
    Forbidden {
        /// The first refused address the name resolved to.
        address: IpAddr,
        /// Its class, as returned by [`is_forbidden`].
        reason: &'static str,
    },
    /// The host name could not be looked up.
    #[error("Could not look up the server name ({0}); check the address for typos")]
    Resolve(String),
    /// The TCP connection could not be opened.
    #[error(
        "Could not connect to the server ({0}); check that it is running and reachable from this portal"
    )]
    Connect(String),
    /// The TLS handshake failed, usually because of the certificate.
    #[error(
        "The secure connection failed ({0}); the server's certificate may be expired, self-signed or issued for a different name"
    )]
    Tls(String),
    /// A deadline of the [`Policy`] passed.
    #[error("The server did not answer in time; check the address or try again later")]
    Timeout,
    /// The response body is, or announced it would be, larger than allowed.
    #[error("The server's answer is larger than the limit of {limit} bytes")]
    TooLarge {
        /// [`Policy::max_response_bytes`] at the time of the request.
        limit: usize,
    },
    /// The server's answer was not valid HTTP/1.1, or the connection broke.
    #[error(
        "The server's answer could not be read ({0}); check that the address points to a web server"
    )]
    Http(String),
}

/// An outbound request. Only `GET` and `POST` are sent.
#[derive(Debug, Clone)]
pub struct Request {
    /// `GET` or `POST`.
    pub method: Method,
    /// Target; checked again by [`send`] against its policy.
    pub url: Url,
    /// Extra headers. The transport headers (`Host`, `Connection`,
    /// `Content-Length`, `Transfer-Encoding`, `TE`, `Upgrade`, `Keep-Alive`,
    /// `Proxy-Connection`, `Trailer`, `Expect`) and `User-Agent` are set by
    /// this crate and refused here, so a caller cannot smuggle a second
    /// request or a different virtual host.
    pub headers: Vec<(String, String)>,
    /// Body; must be empty for `GET`.
    pub body: Vec<u8>,
}

/// What the server answered. A redirect (3xx) is returned as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// HTTP status code.
    pub status: u16,
    /// Response headers in the order received; values that are not UTF-8
    /// are converted lossily.
    pub headers: Vec<(String, String)>,
    /// The whole body, at most [`Policy::max_response_bytes`] long.
    pub body: Vec<u8>,
}

impl Response {
    /// The first header with this name (ASCII case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn bad_url(message: impl Into<String>) -> OutboundError {
    OutboundError::BadUrl(message.into())
}

/// Syntax and scheme check only, for the moment a user types an address:
/// `http(s)` only (`https` only when [`Policy::https_only`]), a host, no user
/// name or password, no `#fragment`, a port from 1 to 65535, at most
/// [`MAX_URL_LEN`] bytes. Leading and trailing whitespace is ignored.
///
/// Returns the normalised URL to store. Does not look anything up: whether
/// the host is reachable and public is [`resolve`]'s job, at send time,
/// because DNS answers change.
pub fn check_url(input: &str, policy: &Policy) -> Result<Url, OutboundError> {
    const EXAMPLE: &str = "such as https://example.org/hook";
    let input = input.trim();
    if input.is_empty() {
        return Err(bad_url(format!("Enter a web address, {EXAMPLE}")));
    }
    if input.len() > MAX_URL_LEN {
        return Err(bad_url(format!(
            "The address is too long; use at most {MAX_URL_LEN} characters"
        )));
    }
    let url = Url::parse(input).map_err(|e| match e {
        url::ParseError::RelativeUrlWithoutBase => {
            bad_url(format!("Start the address with https://, {EXAMPLE}"))
        }
        url::ParseError::EmptyHost => {
            bad_url(format!("The address needs a server name, {EXAMPLE}"))
        }
        url::ParseError::InvalidPort => {
            bad_url("The port number is not valid; use a number from 1 to 65535")
        }
        other => bad_url(format!(
            "This is not a valid web address ({other}); use a full address, {EXAMPLE}"
        )),
    })?;
    match url.scheme() {
        "https" => {}
        "http" if !policy.https_only => {}
        "http" => {
            return Err(bad_url(
                "Use an https:// address; plain http:// is not allowed here",
            ));
        }
        _ => {
            return Err(bad_url(format!(
                "Use an https:// address; only web addresses can be used here, {EXAMPLE}"
            )));
        }
    }
    match url.host() {
        None | Some(Host::Domain("")) => {
            return Err(bad_url(format!(
                "The address needs a server name, {EXAMPLE}"
            )));
        }
        Some(_) => {}
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad_url(
            "Remove the user name and password (the part ending in @) from the address; \
             send credentials in a header instead",
        ));
    }
    if url.fragment().is_some() {
        return Err(bad_url(
            "Remove the part starting with # from the address; it is never sent to the server",
        ));
    }
    if url.port() == Some(0) {
        return Err(bad_url(
            "Port 0 cannot be used; remove it or use a port from 1 to 65535",
        ));
    }
    // Percent-encoding and IDNA can make the stored form longer than what
    // was typed.
    if url.as_str().len() > MAX_URL_LEN {
        return Err(bad_url(format!(
            "The address is too long; use at most {MAX_URL_LEN} characters"
        )));
    }
    Ok(url)
}

/// Resolves the URL's host once (or takes the literal IP) and returns the
/// first address that is public or allow-listed, with the URL's port.
///
/// When every address is refused, the error names the first one and its
/// class. Lookup is bounded by [`Policy::connect_timeout`]. Callers must
/// connect to the returned address and not resolve the name again; [`send`]
/// does exactly that.
pub async fn resolve(url: &Url, policy: &Policy) -> Result<SocketAddr, OutboundError> {
    let port = url
        .port_or_known_default()
        .ok_or_else(|| bad_url("The address needs a port or an http(s):// scheme"))?;
    let (name, candidates): (String, Vec<SocketAddr>) = match url.host() {
        Some(Host::Ipv4(ip)) => (ip.to_string(), vec![SocketAddr::new(ip.into(), port)]),
        Some(Host::Ipv6(ip)) => (ip.to_string(), vec![SocketAddr::new(ip.into(), port)]),
        Some(Host::Domain(name)) => {
            let lookup = tokio::net::lookup_host((name, port));
            let addrs = tokio::time::timeout(policy.connect_timeout, lookup)
                .await
                .map_err(|_| OutboundError::Timeout)?
                .map_err(|e| OutboundError::Resolve(format!("{name}: {e}")))?;
            (name.to_owned(), addrs.collect())
        }
        None => return Err(bad_url("The address needs a server name")),
    };
    let mut first_refusal = None;
    for addr in candidates {
        let ip = addr.ip();
        if policy.allows(ip) {
            return Ok(addr);
        }
        match is_forbidden(ip) {
            None => return Ok(addr),
            Some(reason) => {
                first_refusal.get_or_insert(OutboundError::Forbidden {
                    address: ip,
                    reason,
                });
            }
        }
    }
    Err(first_refusal.unwrap_or_else(|| OutboundError::Resolve(format!("{name} has no addresses"))))
}

/// Sends one request and returns the answer, following the steps in the
/// [crate documentation](crate): check, resolve once, connect to that
/// address, verified TLS for `https`, HTTP/1.1, no redirects, deadlines and
/// a body cap (a `Content-Length` above the cap is refused before reading).
///
/// The returned future is `Send`, and dropping it closes the connection:
/// no task is left behind.
pub async fn send(request: Request, policy: &Policy) -> Result<Response, OutboundError> {
    send_with_trust(request, policy, Trust::Platform).await
}

/// Test hook: like [`send`], but also trusts `root` for this one request, so
/// the test suite can run a TLS server with a self-signed certificate.
/// Verification stays fully on (chain, name, validity); the platform roots
/// are still trusted. Not part of the supported API.
#[doc(hidden)]
pub async fn send_trusting_extra_root_for_tests(
    request: Request,
    policy: &Policy,
    root: CertificateDer<'static>,
) -> Result<Response, OutboundError> {
    send_with_trust(request, policy, Trust::PlatformAnd(root)).await
}

/// Which certificate authorities a request trusts.
enum Trust {
    Platform,
    PlatformAnd(CertificateDer<'static>),
}

impl Trust {
    fn client_config(self) -> Result<Arc<ClientConfig>, OutboundError> {
        match self {
            Trust::Platform => {
                // Reading and parsing the system store costs milliseconds;
                // do it once. Only success is cached, so installing CA
                // certificates later fixes the error without a restart.
                static CONFIG: OnceLock<Arc<ClientConfig>> = OnceLock::new();
                if let Some(config) = CONFIG.get() {
                    return Ok(Arc::clone(config));
                }
                let built = Arc::new(tls_config(None)?);
                Ok(Arc::clone(CONFIG.get_or_init(|| built)))
            }
            Trust::PlatformAnd(root) => Ok(Arc::new(tls_config(Some(root))?)),
        }
    }
}

/// A rustls client configuration on the `ring` provider, passed explicitly so
/// that whatever process-wide default another crate installs (or fails to)
/// does not change what this crate accepts.
fn tls_config(extra_root: Option<CertificateDer<'static>>) -> Result<ClientConfig, OutboundError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = match extra_root {
        None => rustls_platform_verifier::Verifier::new(Arc::clone(&provider)),
        Some(root) => {
            rustls_platform_verifier::Verifier::new_with_extra_roots([root], Arc::clone(&provider))
        }
    }
    .map_err(|e| {
        OutboundError::Tls(format!(
            "no trusted certificate authorities could be loaded: {e}"
        ))
    })?;
    // `dangerous()` is rustls's only door for plugging in a verifier; the
    // platform verifier performs full WebPKI chain, name and validity checks.
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| OutboundError::Tls(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    // Announce HTTP/1.1 only: that is all the client speaks.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

async fn send_with_trust(
    request: Request,
    policy: &Policy,
    trust: Trust,
) -> Result<Response, OutboundError> {
    tokio::time::timeout(policy.total_timeout, exchange(request, policy, trust))
        .await
        .unwrap_or(Err(OutboundError::Timeout))
}

async fn exchange(
    request: Request,
    policy: &Policy,
    trust: Trust,
) -> Result<Response, OutboundError> {
    // The URL may have been checked under another policy, or built in code.
    let url = check_url(request.url.as_str(), policy)?;
    // Refuse a malformed request before touching the network.
    let http_request = build_request(&url, request)?;
    let addr = resolve(&url, policy).await?;
    let tcp = tokio::time::timeout(policy.connect_timeout, TcpStream::connect(addr))
        .await
        .map_err(|_| OutboundError::Timeout)?
        .map_err(|e| OutboundError::Connect(format!("{addr}: {e}")))?;
    // Small request written in one go; waiting for Nagle only adds latency.
    let _ = tcp.set_nodelay(true);
    if url.scheme() == "https" {
        let name = server_name(&url)?;
        let connector = TlsConnector::from(trust.client_config()?);
        let tls = tokio::time::timeout(policy.connect_timeout, connector.connect(name, tcp))
            .await
            .map_err(|_| OutboundError::Timeout)?
            .map_err(|e| OutboundError::Tls(error_chain(&e)))?;
        http1(tls, http_request, policy.max_response_bytes).await
    } else {
        http1(tcp, http_request, policy.max_response_bytes).await
    }
}

/// SNI and certificate name: the host exactly as in the URL, never the
/// resolved address (unless the URL names an IP, whose certificate must then
/// list that IP).
fn server_name(url: &Url) -> Result<ServerName<'static>, OutboundError> {
    match url.host() {
        Some(Host::Domain(name)) => ServerName::try_from(name.to_owned())
            .map_err(|_| bad_url(format!("{name} is not a valid server name for https"))),
        Some(Host::Ipv4(ip)) => Ok(ServerName::IpAddress(IpAddr::V4(ip).into())),
        Some(Host::Ipv6(ip)) => Ok(ServerName::IpAddress(IpAddr::V6(ip).into())),
        None => Err(bad_url("The address needs a server name")),
    }
}

/// Headers this crate owns: framing and connection handling (a caller's
/// value could desynchronise the exchange or smuggle a request) plus `Host`
/// (must match the checked URL) and `User-Agent`.
const RESERVED_HEADERS: &[HeaderName] = &[
    header::HOST,
    header::CONNECTION,
    header::CONTENT_LENGTH,
    header::TRANSFER_ENCODING,
    header::TE,
    header::UPGRADE,
    header::TRAILER,
    header::EXPECT,
    header::USER_AGENT,
    header::PROXY_AUTHORIZATION,
];

/// Reserved names that `http` has no constant for.
const RESERVED_HEADER_NAMES: &[&str] = &["keep-alive", "proxy-connection"];

fn build_request(url: &Url, request: Request) -> Result<http::Request<Full<Bytes>>, OutboundError> {
    let bad = |message: String| OutboundError::BadRequest(message);
    if request.method != Method::GET && request.method != Method::POST {
        return Err(bad(format!(
            "{} requests are not supported; use GET or POST",
            request.method
        )));
    }
    if request.method == Method::GET && !request.body.is_empty() {
        return Err(bad("A GET request cannot carry a body; use POST".to_owned()));
    }
    let host = url
        .host_str()
        .ok_or_else(|| bad_url("The address needs a server name"))?;
    // `port()` is None for the scheme's default port, which HTTP says to omit.
    let host_header = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    };
    let target = &url[Position::BeforePath..Position::AfterQuery];
    let mut builder = http::Request::builder()
        .method(request.method)
        .uri(target)
        .header(header::HOST, host_header)
        .header(header::USER_AGENT, USER_AGENT)
        .header(header::CONNECTION, "close");
    for (name, value) in request.headers {
        let header_name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| bad(format!("{name:?} is not a valid header name")))?;
        if RESERVED_HEADERS.contains(&header_name)
            || RESERVED_HEADER_NAMES.contains(&header_name.as_str())
        {
            return Err(bad(format!(
                "The {header_name} header is set by the portal itself; remove it"
            )));
        }
        let header_value = HeaderValue::from_str(&value).map_err(|_| {
            bad(format!(
                "The value of the {header_name} header contains characters that are not allowed"
            ))
        })?;
        builder = builder.header(header_name, header_value);
    }
    builder
        .body(Full::new(Bytes::from(request.body)))
        .map_err(|e| bad(format!("The request could not be built: {e}")))
}

/// One HTTP/1.1 exchange on an open connection.
///
/// The connection future is driven in this task, alongside the request,
/// instead of being spawned: when this future ends or is dropped (timeout,
/// size cap), the socket is closed with it.
async fn http1<S>(
    io: S,
    request: http::Request<Full<Bytes>>,
    limit: usize,
) -> Result<Response, OutboundError>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, conn) = hyper::client::conn::http1::Builder::new()
        .max_headers(100)
        .max_header_size(64 * 1024)
        .handshake::<_, Full<Bytes>>(TokioIo::new(io))
        .await
        .map_err(|e| OutboundError::Http(error_chain(&e)))?;
    let work = async move {
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| OutboundError::Http(error_chain(&e)))?;
        let (parts, mut body) = response.into_parts();
        // Refuse an announced oversize body without reading any of it.
        let declared = parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        if declared.is_some_and(|len| len > limit as u64) {
            return Err(OutboundError::TooLarge { limit });
        }
        // Content-Length may be absent (chunked, close-delimited) or the
        // server may misbehave, so the cap is enforced while streaming too.
        let mut collected = Vec::new();
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| OutboundError::Http(error_chain(&e)))?;
            if let Some(chunk) = frame.data_ref() {
                if chunk.len() > limit - collected.len() {
                    return Err(OutboundError::TooLarge { limit });
                }
                collected.extend_from_slice(chunk);
            }
        }
        let headers = parts
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        Ok(Response {
            status: parts.status.as_u16(),
            headers,
            body: collected,
        })
    };
    tokio::pin!(conn);
    tokio::pin!(work);
    tokio::select! {
        result = &mut work => result,
        _ = &mut conn => {
            // The connection ended first: normal after the last byte of a
            // `Connection: close` exchange, or an error that the request
            // side reports in its own words. Either way its result decides.
            work.await
        }
    }
}

/// An error with its sources, so "connection error" also says why.
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn send_future_is_send() {
        fn assert_send<T: Send>(_: &T) {}
        let policy = Policy::default();
        let request = Request {
            method: Method::GET,
            url: Url::parse("https://example.org/").unwrap(),
            headers: Vec::new(),
            body: Vec::new(),
        };
        assert_send(&send(request, &policy));
    }

    #[test]
    fn allow_list_covers_mapped_form() {
        let policy = Policy {
            allow: vec!["10.0.0.0/8".parse().unwrap()],
            ..Policy::default()
        };
        assert!(policy.allows("10.1.2.3".parse().unwrap()));
        assert!(policy.allows("::ffff:10.1.2.3".parse().unwrap()));
        assert!(!policy.allows("11.1.2.3".parse().unwrap()));
        assert!(!policy.allows("::ffff:11.1.2.3".parse().unwrap()));
    }

    #[test]
    fn reserved_headers_are_refused() {
        let url = Url::parse("https://example.org:8443/a?b=c").unwrap();
        for name in [
            "Host",
            "content-length",
            "Transfer-Encoding",
            "keep-alive",
            "User-Agent",
        ] {
            let request = Request {
                method: Method::POST,
                url: url.clone(),
                headers: vec![(name.to_owned(), "x".to_owned())],
                body: Vec::new(),
            };
            assert!(
                matches!(
                    build_request(&url, request),
                    Err(OutboundError::BadRequest(_))
                ),
                "{name}"
            );
        }
    }

    #[test]
    fn header_injection_is_refused() {
        let url = Url::parse("https://example.org/").unwrap();
        let request = Request {
            method: Method::POST,
            url: url.clone(),
            headers: vec![("X-A".to_owned(), "1\r\nHost: evil".to_owned())],
            body: Vec::new(),
        };
        assert!(matches!(
            build_request(&url, request),
            Err(OutboundError::BadRequest(_))
        ));
    }

    #[test]
    fn request_line_and_host() {
        let url = Url::parse("https://example.org:8443/a%20b?c=d").unwrap();
        let request = Request {
            method: Method::POST,
            url: url.clone(),
            headers: vec![("X-Signature".to_owned(), "abc".to_owned())],
            body: b"{}".to_vec(),
        };
        let built = build_request(&url, request).unwrap();
        assert_eq!(built.uri().to_string(), "/a%20b?c=d");
        assert_eq!(built.headers()[header::HOST], "example.org:8443");
        assert_eq!(built.headers()[header::USER_AGENT], "Lookout");
        assert_eq!(built.headers()[header::CONNECTION], "close");
        assert_eq!(built.headers()["x-signature"], "abc");

        let default_port = Url::parse("https://[2001:db8::1]:443/").unwrap();
        let request = Request {
            method: Method::GET,
            url: default_port.clone(),
            headers: Vec::new(),
            body: Vec::new(),
        };
        let built = build_request(&default_port, request).unwrap();
        assert_eq!(built.headers()[header::HOST], "[2001:db8::1]");
    }

    #[test]
    fn only_get_and_post() {
        let url = Url::parse("https://example.org/").unwrap();
        for method in [Method::PUT, Method::DELETE, Method::CONNECT, Method::TRACE] {
            let request = Request {
                method,
                url: url.clone(),
                headers: Vec::new(),
                body: Vec::new(),
            };
            assert!(matches!(
                build_request(&url, request),
                Err(OutboundError::BadRequest(_))
            ));
        }
    }
}
