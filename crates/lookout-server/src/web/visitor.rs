//! Who is asking: the session cookie, the signed-in member, and the CSRF
//! check on every state-changing browser request.
//!
//! Every browser visitor carries one cookie holding a random 256-bit value.
//! When it names a session in the database the visitor is signed in;
//! otherwise it only anchors the CSRF token, which is an HMAC of the cookie
//! under the server key, so nothing is stored for anonymous visitors. Signing
//! in replaces the value (session fixation is impossible).

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, Request, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::accounts::model::User;
use crate::accounts::sessions::{self, Stage};
use crate::accounts::store;
use crate::db::now;
use crate::secrets::{constant_time_eq, random_token};
use crate::state::AppState;
use crate::web::AppError;

/// Largest urlencoded form the CSRF check reads. File uploads (multipart)
/// carry their token in the `X-CSRF-Token` header or `csrf` query parameter
/// and are limited by their own routes.
const FORM_LIMIT: usize = 256 * 1024;

#[derive(Clone, Debug)]
pub struct Visitor {
    /// The cookie value: the session id when signed in.
    cookie: String,
    pub csrf: String,
    /// Set only when fully signed in (password and, where due, second factor).
    pub user: Option<User>,
    /// A session that passed the password but still owes a second factor.
    pub pending: Option<(User, Stage)>,
    /// When the password was last entered in this session.
    pub reauth_at: i64,
    /// The path asked for, so the menu can mark where the visitor is.
    pub path: String,
    /// What waits for the member, shown in the menu (the roof fills it in
    /// for signed-in page views).
    pub waiting: Waiting,
}

/// Counts the menu shows beside its items.
#[derive(Clone, Debug, Default)]
pub struct Waiting {
    /// Alerts the member may still read and has not seen.
    pub alerts: usize,
    /// Reports an analyst has not yet looked at.
    pub triage: usize,
}

impl Visitor {
    pub fn session_token(&self) -> &str {
        &self.cookie
    }

    pub fn require_user(&self) -> Result<&User, AppError> {
        self.user.as_ref().ok_or(AppError::Unauthenticated)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Visitor {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Visitor>()
            .cloned()
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("visitor layer missing")))
    }
}

/// A response extension asking the layer to set a new session cookie
/// (sign-in) or to clear it (sign-out).
#[derive(Clone, Debug)]
pub enum CookieChange {
    Set(String),
    Clear,
}

pub fn cookie_name(state: &AppState) -> &'static str {
    if state.config.secure_cookies() {
        "__Host-lookout"
    } else {
        // `__Host-` requires `Secure`, which a browser refuses over plain
        // HTTP; without TLS (loopback only) the plain name is used.
        "lookout"
    }
}

fn cookie_header(state: &AppState, value: &str, max_age: Option<i64>) -> Option<HeaderValue> {
    let secure = if state.config.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    let age = max_age
        .map(|a| format!("; Max-Age={a}"))
        .unwrap_or_default();
    HeaderValue::from_str(&format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Strict{secure}{age}",
        cookie_name(state)
    ))
    .ok()
}

fn read_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

pub fn csrf_token(state: &AppState, cookie: &str) -> String {
    state.key.mac("csrf", cookie.as_bytes())
}

/// The client address, for throttling only (never stored or logged).
/// `None` when it cannot be known: behind a proxy that is not among the
/// operator's `trusted_proxies`, every request would carry the proxy's
/// address, and throttling that would let one client lock out everyone.
#[derive(Clone, Copy, Debug)]
pub struct ClientAddr(pub Option<std::net::IpAddr>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(ClientAddr(peer.and_then(|peer| {
            client_address(
                peer,
                &parts.headers,
                &state.config.trusted_proxy_networks(),
                state.config.behind_proxy,
            )
        })))
    }
}

/// Who sent the request. A connection from a trusted proxy is answered by
/// the `X-Forwarded-For` chain read from the right, skipping the trusted
/// proxies' own addresses (anything left of the first untrusted address
/// was written by the client and proves nothing). A connection from anyone
/// else is that peer, unless the operator said a proxy stands in front but
/// named none: then the peer is that proxy and the client is unknown.
pub fn client_address(
    peer: std::net::IpAddr,
    headers: &HeaderMap,
    trusted: &[ipnet::IpNet],
    behind_proxy: bool,
) -> Option<std::net::IpAddr> {
    let is_trusted = |ip: &std::net::IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return (!behind_proxy || !trusted.is_empty()).then_some(peer);
    }
    let mut hops: Vec<&str> = Vec::new();
    for value in headers.get_all("x-forwarded-for") {
        let value = value.to_str().ok()?;
        hops.extend(value.split(',').map(str::trim));
    }
    for hop in hops.iter().rev() {
        let ip: std::net::IpAddr = hop.parse().ok()?;
        if !is_trusted(&ip) {
            return Some(ip);
        }
    }
    None
}

pub async fn visitor_layer(
    State(state): State<AppState>,
    request: Request<Body>,
    next: Next,
) -> Response {
    match visit(state, request, next).await {
        Ok(response) => response,
        Err(err) => err.into_response(),
    }
}

async fn visit(state: AppState, request: Request<Body>, next: Next) -> Result<Response, AppError> {
    let (mut parts, body) = request.into_parts();
    let existing = read_cookie(&parts.headers, cookie_name(&state));
    let mut set_cookie = None;
    let cookie = match existing {
        Some(value) => value,
        None => {
            let value = random_token()?;
            set_cookie = Some(value.clone());
            value
        }
    };
    let csrf = csrf_token(&state, &cookie);

    let mut visitor = Visitor {
        cookie: cookie.clone(),
        csrf: csrf.clone(),
        user: None,
        pending: None,
        reauth_at: 0,
        path: parts.uri.path().to_string(),
        waiting: Waiting::default(),
    };
    if set_cookie.is_none() {
        load_session(&state, &mut visitor, !is_state_changing(&parts.method)).await?;
    }

    let body = if is_state_changing(&parts.method) {
        check_origin(&state, &parts.headers)?;
        let upload = parts.extensions.get::<super::UploadRoute>().copied();
        // Who may send files here is known from the session: a stranger's
        // upload to a members' route is refused before a byte of it is read.
        if upload.is_some_and(|route| route.members_only) && visitor.user.is_none() {
            return Err(AppError::Unauthenticated);
        }
        let upload = upload.map(|route| route.limit);
        let bytes = read_form_body(&parts.headers, body, upload).await?;
        let sent = parts
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .or_else(|| field(parts.uri.query().unwrap_or("").as_bytes(), "csrf"))
            .or_else(|| field(&bytes, "csrf"));
        match sent {
            Some(token) if constant_time_eq(token.as_bytes(), csrf.as_bytes()) => {}
            _ => {
                return Err(AppError::BadRequest(
                    "This form has expired or was not sent from this portal. \
                     Go back, reload the page and send it again."
                        .into(),
                ));
            }
        }
        Body::from(bytes)
    } else {
        body
    };
    parts.extensions.insert(visitor);
    let mut response = next.run(Request::from_parts(parts, body)).await;

    let change = response.extensions_mut().remove::<CookieChange>();
    let header = match change {
        Some(CookieChange::Set(value)) => cookie_header(&state, &value, None),
        Some(CookieChange::Clear) => {
            // A fresh anonymous value rather than none, so the next form
            // already has a token.
            random_token()
                .ok()
                .and_then(|v| cookie_header(&state, &v, None))
        }
        None => set_cookie.and_then(|v| cookie_header(&state, &v, None)),
    };
    if let Some(header) = header {
        response.headers_mut().append(header::SET_COOKIE, header);
    }
    Ok(response)
}

/// `reading`: the request only reads, and may record the session's
/// activity; a write (a pseudonymous post, an anonymous report sent while
/// signed in) never does, so its time is not written beside the member.
async fn load_session(
    state: &AppState,
    visitor: &mut Visitor,
    reading: bool,
) -> Result<(), AppError> {
    let Some(session) = sessions::find(&state.db, &visitor.cookie).await? else {
        return Ok(());
    };
    let at = now();
    let idle = state.config.session_idle_minutes * 60;
    let max = state.config.session_max_hours * 3600;
    if sessions::idle_expired(session.last_seen_at, at, idle) || at - session.created_at > max {
        sessions::delete(&state.db, &visitor.cookie).await?;
        return Ok(());
    }
    let Some(row) = store::user_by_id(&state.db, session.user_id).await? else {
        return Ok(());
    };
    if row.disabled != 0 {
        sessions::delete(&state.db, &visitor.cookie).await?;
        return Ok(());
    }
    let Some(user) = row.to_user() else {
        return Ok(());
    };
    // Kept to the hour (`sessions::ACTIVITY_STEP`): one write per session
    // and hour, and nothing finer for a copy of the database to set
    // against the minute a post shows.
    if reading && sessions::activity_mark(at) > session.last_seen_at {
        sessions::touch(&state.db, &visitor.cookie, at).await?;
    }
    visitor.reauth_at = session.reauth_at;
    match session.stage {
        Stage::SignedIn => visitor.user = Some(user),
        stage => visitor.pending = Some((user, stage)),
    }
    Ok(())
}

fn is_state_changing(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Refuses cross-site requests even before the token is checked: browsers
/// send `Sec-Fetch-Site`, and `Origin` on every POST.
fn check_origin(state: &AppState, headers: &HeaderMap) -> Result<(), AppError> {
    let forbidden = || {
        AppError::BadRequest(
            "This request came from another site and was refused. \
             Open the portal directly and try again."
                .into(),
        )
    };
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && site != "same-origin"
        && site != "none"
    {
        return Err(forbidden());
    }
    // Under `Referrer-Policy: no-referrer` browsers send `Origin: null` even
    // for same-origin forms; a null origin from another site comes with
    // `Sec-Fetch-Site: cross-site` and was refused above, and the CSRF token
    // still has to match.
    if let Some(origin) = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .filter(|o| *o != "null")
    {
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
        let origin_host = origin.split_once("://").map(|(_, rest)| rest);
        let matches_host = origin_host.is_some() && origin_host == host;
        let matches_public = origin.trim_end_matches('/') == state.config.public_url();
        if !(matches_host || matches_public) {
            return Err(forbidden());
        }
    }
    Ok(())
}

async fn read_form_body(
    headers: &HeaderMap,
    body: Body,
    upload: Option<usize>,
) -> Result<Bytes, AppError> {
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        // Other bodies pass through untouched (the token comes in a header or
        // the query), within their route's limit.
        let limit = upload.unwrap_or(super::BODY_LIMIT);
        return axum::body::to_bytes(body, limit).await.map_err(body_error);
    }
    axum::body::to_bytes(body, FORM_LIMIT)
        .await
        .map_err(body_error)
}

/// A body that could not be read: too large, or its sender stalled.
fn body_error(error: axum::Error) -> AppError {
    if super::idle::is_stalled(&error) {
        AppError::Stalled
    } else {
        AppError::PayloadTooLarge
    }
}

fn field(encoded: &[u8], name: &str) -> Option<String> {
    url::form_urlencoded::parse(encoded)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn headers(cookie: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_str(cookie) {
            map.insert(header::COOKIE, value);
        }
        map
    }

    #[test]
    fn finds_our_cookie_among_others() {
        let id = "ab".repeat(32);
        let map = headers(&format!("theme=dark; lookout={id}; other=1"));
        assert_eq!(read_cookie(&map, "lookout"), Some(id));
        assert_eq!(read_cookie(&map, "__Host-lookout"), None);
        assert_eq!(read_cookie(&headers("lookout=short"), "lookout"), None);
    }

    proptest! {
        #[test]
        fn cookie_values_are_only_ever_64_hex_digits(raw in "[ -~]{0,200}") {
            if let Some(value) = read_cookie(&headers(&raw), "lookout") {
                prop_assert_eq!(value.len(), 64);
                prop_assert!(value.bytes().all(|b| b.is_ascii_hexdigit()));
            }
        }

        #[test]
        fn form_fields_parse_without_panicking(body in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = field(&body, "csrf");
        }
    }

    #[test]
    fn the_client_is_named_only_by_a_trusted_proxy() {
        use super::client_address;
        let trusted: Vec<ipnet::IpNet> = vec!["10.0.0.0/24".parse().unwrap()];
        let proxy: std::net::IpAddr = "10.0.0.5".parse().unwrap();
        let mut headers = axum::http::HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            "6.6.6.6, 203.0.113.9, 10.0.0.7".parse().unwrap(),
        );
        // The rightmost untrusted hop; what the client wrote to the left is ignored.
        assert_eq!(
            client_address(proxy, &headers, &trusted, true),
            Some("203.0.113.9".parse().unwrap())
        );
        // A client talking to us directly cannot name someone else.
        let direct: std::net::IpAddr = "198.51.100.1".parse().unwrap();
        assert_eq!(
            client_address(direct, &headers, &trusted, true),
            Some(direct)
        );
        // Behind a proxy nobody named: unknown, never the proxy for everyone.
        assert_eq!(client_address(proxy, &headers, &[], true), None);
        assert_eq!(client_address(proxy, &headers, &[], false), Some(proxy));
        // A trusted proxy that sent no usable header: unknown.
        assert_eq!(
            client_address(proxy, &axum::http::HeaderMap::new(), &trusted, true),
            None
        );
        let mut garbage = axum::http::HeaderMap::new();
        garbage.insert("x-forwarded-for", "not-an-address".parse().unwrap());
        assert_eq!(client_address(proxy, &garbage, &trusted, true), None);
    }
}
