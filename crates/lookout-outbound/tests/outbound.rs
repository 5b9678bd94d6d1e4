//! End-to-end tests on real loopback sockets: a tiny hand-rolled HTTP/1.1
//! responder (so the tests can misbehave in ways a real server library would
//! not: lying lengths, silence, endless chunks), optionally behind rustls.

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lookout_outbound::{
    IpNet, Method, OutboundError, Policy, Request, Url, check_url, is_forbidden, resolve, send,
    send_trusting_extra_root_for_tests,
};
use proptest::prelude::*;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

// ---------------------------------------------------------------- server

/// What the test server does once it has read a request.
#[derive(Clone)]
enum Reply {
    /// Write these bytes and close.
    Raw(Vec<u8>),
    /// Write this head, then `count` chunks of `size` bytes in chunked
    /// encoding (stopping quietly when the client hangs up).
    Chunked {
        head: String,
        size: usize,
        count: usize,
    },
    /// Write this head, then `total` bytes and close (close-delimited body).
    Stream { head: String, total: usize },
    /// Say nothing and keep the connection open.
    Silent,
}

struct Server {
    addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

async fn serve(reply: Reply) -> Server {
    serve_on("127.0.0.1:0", reply, None).await
}

async fn serve_on(bind: &str, reply: Reply, tls: Option<tokio_rustls::TlsAcceptor>) -> Server {
    let listener = TcpListener::bind(bind).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let connections = Arc::new(AtomicUsize::new(0));
    let requests = Arc::new(Mutex::new(Vec::new()));
    let (c, r) = (Arc::clone(&connections), Arc::clone(&requests));
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            c.fetch_add(1, Ordering::SeqCst);
            let (reply, r, tls) = (reply.clone(), Arc::clone(&r), tls.clone());
            tokio::spawn(async move {
                match tls {
                    None => handle(stream, reply, r).await,
                    Some(acceptor) => {
                        if let Ok(stream) = acceptor.accept(stream).await {
                            handle(stream, reply, r).await;
                        }
                    }
                }
            });
        }
    });
    Server {
        addr,
        connections,
        requests,
    }
}

/// Reads one request (head plus a Content-Length body), logs it, replies.
async fn handle<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    reply: Reply,
    log: Arc<Mutex<Vec<String>>>,
) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos + 4;
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let body_len = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    while buf.len() < head_end + body_len {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    log.lock()
        .unwrap()
        .push(String::from_utf8_lossy(&buf).to_string());
    match reply {
        Reply::Raw(bytes) => {
            let _ = stream.write_all(&bytes).await;
        }
        Reply::Chunked { head, size, count } => {
            if stream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let data = vec![b'x'; size];
            for _ in 0..count {
                let mut piece = format!("{size:x}\r\n").into_bytes();
                piece.extend_from_slice(&data);
                piece.extend_from_slice(b"\r\n");
                if stream.write_all(&piece).await.is_err() {
                    return;
                }
            }
            let _ = stream.write_all(b"0\r\n\r\n").await;
        }
        Reply::Stream { head, total } => {
            if stream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let data = vec![b'y'; 16 * 1024];
            let mut sent = 0;
            while sent < total {
                let n = data.len().min(total - sent);
                if stream.write_all(&data[..n]).await.is_err() {
                    return;
                }
                sent += n;
            }
        }
        Reply::Silent => {
            tokio::time::sleep(Duration::from_secs(30)).await;
        }
    }
    let _ = stream.shutdown().await;
}

fn ok_reply(body: &str) -> Reply {
    Reply::Raw(
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .into_bytes(),
    )
}

// ---------------------------------------------------------------- helpers

fn loopback_policy() -> Policy {
    Policy {
        allow: vec!["127.0.0.0/8".parse::<IpNet>().unwrap()],
        https_only: false,
        max_response_bytes: 64 * 1024,
        total_timeout: Duration::from_secs(5),
        ..Policy::default()
    }
}

fn get(url: &str) -> Request {
    Request {
        method: Method::GET,
        url: Url::parse(url).unwrap(),
        headers: Vec::new(),
        body: Vec::new(),
    }
}

fn reason_of(err: &OutboundError) -> Option<(IpAddr, &'static str)> {
    match err {
        OutboundError::Forbidden { address, reason } => Some((*address, reason)),
        _ => None,
    }
}

// ---------------------------------------------------------------- (a) basic exchange

#[tokio::test]
async fn allow_listed_loopback_get_returns_body() {
    let server = serve(ok_reply("hello")).await;
    let url = format!("http://{}/feed?x=1", server.addr);
    let response = send(get(&url), &loopback_policy()).await.unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.body, b"hello");
    assert_eq!(response.header("content-type"), Some("text/plain"));
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = requests[0].to_ascii_lowercase();
    assert!(
        request.starts_with("get /feed?x=1 http/1.1\r\n"),
        "{request}"
    );
    assert!(
        request.contains(&format!("host: {}\r\n", server.addr)),
        "{request}"
    );
    assert!(request.contains("user-agent: lookout\r\n"), "{request}");
    assert!(request.contains("connection: close\r\n"), "{request}");
}

#[tokio::test]
async fn post_sends_body_and_caller_headers() {
    let server = serve(ok_reply("{}")).await;
    let request = Request {
        method: Method::POST,
        url: Url::parse(&format!("http://{}/hook", server.addr)).unwrap(),
        headers: vec![
            ("Content-Type".to_owned(), "application/json".to_owned()),
            ("X-Lookout-Signature".to_owned(), "sha256=abc".to_owned()),
        ],
        body: br#"{"event":"incident"}"#.to_vec(),
    };
    let response = send(request, &loopback_policy()).await.unwrap();
    assert_eq!(response.status, 200);
    let seen = server.requests()[0].to_ascii_lowercase();
    assert!(seen.starts_with("post /hook http/1.1\r\n"), "{seen}");
    assert!(seen.contains("content-length: 20\r\n"), "{seen}");
    assert!(
        seen.contains("x-lookout-signature: sha256=abc\r\n"),
        "{seen}"
    );
    assert!(seen.ends_with(r#"{"event":"incident"}"#), "{seen}");
}

#[tokio::test]
async fn allow_listed_name_resolves_to_permitted_address() {
    // "localhost" may resolve to ::1 first; only 127/8 is allow-listed, so
    // the resolver must skip ::1 and pick 127.0.0.1.
    let server = serve(ok_reply("via name")).await;
    let url = format!("http://localhost:{}/", server.addr.port());
    let addr = resolve(&Url::parse(&url).unwrap(), &loopback_policy())
        .await
        .unwrap();
    assert_eq!(addr, server.addr);
    let response = send(get(&url), &loopback_policy()).await.unwrap();
    assert_eq!(response.body, b"via name");
    let seen = server.requests()[0].to_ascii_lowercase();
    assert!(seen.contains(&format!("host: localhost:{}\r\n", server.addr.port())));
}

// ---------------------------------------------------------------- (b) forbidden, no connection

#[tokio::test]
async fn loopback_without_allow_list_is_forbidden_before_connecting() {
    let server = serve(ok_reply("secret")).await;
    let policy = Policy {
        allow: Vec::new(),
        ..loopback_policy()
    };
    let err = send(get(&format!("http://{}/", server.addr)), &policy)
        .await
        .unwrap_err();
    let (address, reason) = reason_of(&err).unwrap_or_else(|| panic!("{err:?}"));
    assert_eq!(address, IpAddr::from([127, 0, 0, 1]));
    assert!(reason.contains("loopback"));
    let message = err.to_string();
    assert!(
        message.contains("127.0.0.1 is a loopback address"),
        "{message}"
    );
    assert!(message.contains("allow-list"), "{message}");
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(server.connections(), 0);
}

#[tokio::test]
async fn literal_forms_of_loopback_are_forbidden() {
    let policy = Policy {
        https_only: false,
        ..Policy::default()
    };
    // The URL parser normalises these to 127.0.0.1 / ::ffff:127.0.0.1; the
    // check must see through them.
    for url in [
        "http://0x7f.1/",
        "http://2130706433/",
        "http://127.1/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::1]/",
        "http://0.0.0.0/",
        "http://169.254.169.254/latest/meta-data/",
    ] {
        let err = send(get(url), &policy).await.unwrap_err();
        assert!(reason_of(&err).is_some(), "{url}: {err:?}");
    }
}

// ---------------------------------------------------------------- (c) redirects

#[tokio::test]
async fn redirect_is_returned_not_followed() {
    let target = serve(ok_reply("elsewhere")).await;
    let server = serve(Reply::Raw(
        format!(
            "HTTP/1.1 302 Found\r\nLocation: http://{}/next\r\nContent-Length: 0\r\n\r\n",
            target.addr
        )
        .into_bytes(),
    ))
    .await;
    let response = send(get(&format!("http://{}/", server.addr)), &loopback_policy())
        .await
        .unwrap();
    assert_eq!(response.status, 302);
    assert_eq!(
        response.header("location"),
        Some(format!("http://{}/next", target.addr).as_str())
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(server.requests().len(), 1);
    assert_eq!(server.connections(), 1);
    assert_eq!(target.connections(), 0);
}

// ---------------------------------------------------------------- (d) size cap

#[tokio::test]
async fn declared_oversize_body_is_refused_before_reading() {
    let server = serve(Reply::Raw(
        b"HTTP/1.1 200 OK\r\nContent-Length: 2000000\r\n\r\nxx".to_vec(),
    ))
    .await;
    let err = send(get(&format!("http://{}/", server.addr)), &loopback_policy())
        .await
        .unwrap_err();
    assert!(
        matches!(err, OutboundError::TooLarge { limit: 65536 }),
        "{err:?}"
    );
}

#[tokio::test]
async fn chunked_body_without_length_is_capped_while_streaming() {
    let server = serve(Reply::Chunked {
        head: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_owned(),
        size: 8 * 1024,
        count: 1000,
    })
    .await;
    let err = send(get(&format!("http://{}/", server.addr)), &loopback_policy())
        .await
        .unwrap_err();
    assert!(matches!(err, OutboundError::TooLarge { .. }), "{err:?}");
}

#[tokio::test]
async fn lying_content_length_with_chunked_body_is_not_accepted_whole() {
    // Content-Length says 10, Transfer-Encoding says chunked and the chunks
    // run to 8 MB. Whatever hyper makes of the conflict, the big body must
    // never come back.
    let server = serve(Reply::Chunked {
        head: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\nTransfer-Encoding: chunked\r\n\r\n"
            .to_owned(),
        size: 8 * 1024,
        count: 1000,
    })
    .await;
    let result = send(get(&format!("http://{}/", server.addr)), &loopback_policy()).await;
    match result {
        Err(OutboundError::TooLarge { .. } | OutboundError::Http(_)) => {}
        Ok(response) => assert!(response.body.len() <= 10, "{} bytes", response.body.len()),
        Err(other) => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn close_delimited_body_is_capped_while_streaming() {
    let server = serve(Reply::Stream {
        head: "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".to_owned(),
        total: 8 * 1024 * 1024,
    })
    .await;
    let err = send(get(&format!("http://{}/", server.addr)), &loopback_policy())
        .await
        .unwrap_err();
    assert!(matches!(err, OutboundError::TooLarge { .. }), "{err:?}");
}

#[tokio::test]
async fn body_exactly_at_the_cap_is_accepted() {
    let limit = loopback_policy().max_response_bytes;
    let at_cap = serve(Reply::Stream {
        head: "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".to_owned(),
        total: limit,
    })
    .await;
    let response = send(get(&format!("http://{}/", at_cap.addr)), &loopback_policy())
        .await
        .unwrap();
    assert_eq!(response.body.len(), limit);

    let one_over = serve(Reply::Stream {
        head: "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".to_owned(),
        total: limit + 1,
    })
    .await;
    let err = send(
        get(&format!("http://{}/", one_over.addr)),
        &loopback_policy(),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, OutboundError::TooLarge { .. }), "{err:?}");
}

// ---------------------------------------------------------------- (e) timeouts

#[tokio::test]
async fn silent_server_times_out_within_total_timeout() {
    let server = serve(Reply::Silent).await;
    let policy = Policy {
        total_timeout: Duration::from_secs(1),
        ..loopback_policy()
    };
    let started = Instant::now();
    let err = send(get(&format!("http://{}/", server.addr)), &policy)
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(matches!(err, OutboundError::Timeout), "{err:?}");
    assert!(elapsed >= Duration::from_millis(900), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn slow_endless_body_times_out() {
    // Each chunk is small and the total would stay under the cap for long:
    // only the total deadline stops it.
    let server = serve(Reply::Chunked {
        head: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_owned(),
        size: 1,
        count: usize::MAX,
    })
    .await;
    let policy = Policy {
        total_timeout: Duration::from_secs(1),
        max_response_bytes: usize::MAX,
        ..loopback_policy()
    };
    let started = Instant::now();
    let err = send(get(&format!("http://{}/", server.addr)), &policy)
        .await
        .unwrap_err();
    assert!(
        matches!(err, OutboundError::Timeout | OutboundError::TooLarge { .. }),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn refused_connection_is_a_connect_error() {
    // Bind then drop, so the port is very likely closed.
    let addr = {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.local_addr().unwrap()
    };
    let err = send(get(&format!("http://{addr}/")), &loopback_policy())
        .await
        .unwrap_err();
    assert!(matches!(err, OutboundError::Connect(_)), "{err:?}");
}

// ---------------------------------------------------------------- (f) check_url

fn bad_url_message(input: &str, policy: &Policy) -> String {
    match check_url(input, policy) {
        Err(OutboundError::BadUrl(message)) => message,
        other => panic!("{input}: expected BadUrl, got {other:?}"),
    }
}

#[test]
fn check_url_accepts_ordinary_addresses() {
    let policy = Policy::default();
    let url = check_url("  https://Example.org:8443/hook?a=1 ", &policy).unwrap();
    assert_eq!(url.as_str(), "https://example.org:8443/hook?a=1");
    check_url("https://[2606:4700:4700::1111]/", &policy).unwrap();
    check_url("https://bücher.example/", &policy).unwrap();
    let relaxed = Policy {
        https_only: false,
        ..Policy::default()
    };
    check_url("http://example.org/feed.xml", &relaxed).unwrap();
}

#[test]
fn check_url_rejects_with_actionable_messages() {
    let policy = Policy::default();
    let relaxed = Policy {
        https_only: false,
        ..Policy::default()
    };
    let cases: &[(&str, &Policy, &str)] = &[
        ("javascript:alert(1)", &policy, "https://"),
        ("ftp://example.org/file", &policy, "https://"),
        ("file:///etc/passwd", &relaxed, "https://"),
        ("gopher://example.org/", &relaxed, "https://"),
        (
            "https://user:pass@example.org/",
            &policy,
            "user name and password",
        ),
        (
            "https://user@example.org/",
            &policy,
            "user name and password",
        ),
        (
            "https://:pass@example.org/",
            &policy,
            "user name and password",
        ),
        ("https://", &policy, "server name"),
        ("https://:443/", &policy, "server name"),
        (
            "example.org/hook",
            &policy,
            "Start the address with https://",
        ),
        ("", &policy, "Enter a web address"),
        ("   ", &policy, "Enter a web address"),
        ("http://example.org/", &policy, "Use an https:// address"),
        ("https://example.org/#section", &policy, "#"),
        ("https://example.org/#", &policy, "#"),
        ("https://example.org:0/", &policy, "Port 0"),
        ("https://example.org:65536/", &policy, "1 to 65535"),
        ("https://example.org:-1/", &policy, "1 to 65535"),
    ];
    for (input, policy, expected) in cases {
        let message = bad_url_message(input, policy);
        assert!(
            message.contains(expected),
            "{input}: {message:?} should mention {expected:?}"
        );
    }
}

#[test]
fn check_url_caps_length() {
    let policy = Policy::default();
    let base = "https://example.org/";
    let ok = format!("{base}{}", "a".repeat(2048 - base.len()));
    check_url(&ok, &policy).unwrap();
    let long = format!("{base}{}", "a".repeat(2049 - base.len()));
    assert!(bad_url_message(&long, &policy).contains("too long"));
    // Short as typed, long once percent-encoded.
    let expands = format!("{base}{}x", " ".repeat(1000));
    assert!(bad_url_message(&expands, &policy).contains("too long"));
}

#[tokio::test]
async fn send_rechecks_the_url_against_its_policy() {
    // A Url built in code (or checked under a laxer policy) is checked again.
    let err = send(get("http://example.org/"), &Policy::default())
        .await
        .unwrap_err();
    assert!(matches!(err, OutboundError::BadUrl(_)), "{err:?}");
    let err = send(get("https://u:p@example.org/"), &Policy::default())
        .await
        .unwrap_err();
    assert!(matches!(err, OutboundError::BadUrl(_)), "{err:?}");
}

#[tokio::test]
async fn unsupported_method_is_refused_before_any_connection() {
    let server = serve(ok_reply("x")).await;
    let mut request = get(&format!("http://{}/", server.addr));
    request.method = Method::DELETE;
    let err = send(request, &loopback_policy()).await.unwrap_err();
    assert!(matches!(err, OutboundError::BadRequest(_)), "{err:?}");
    assert_eq!(server.connections(), 0);
}

// ---------------------------------------------------------------- (g) is_forbidden

/// (first address, last address, words the reason must contain).
const FORBIDDEN_V4: &[(&str, &str, &str)] = &[
    ("0.0.0.0", "0.255.255.255", "unspecified"),
    ("10.0.0.0", "10.255.255.255", "private"),
    ("100.64.0.0", "100.127.255.255", "carrier-grade NAT"),
    ("127.0.0.0", "127.255.255.255", "loopback"),
    ("169.254.0.0", "169.254.255.255", "link-local"),
    ("169.254.169.254", "169.254.169.254", "metadata"),
    ("172.16.0.0", "172.31.255.255", "private"),
    ("192.0.0.0", "192.0.0.255", "IETF"),
    ("192.0.2.0", "192.0.2.255", "documentation"),
    ("192.88.99.0", "192.88.99.255", "6to4"),
    ("192.168.0.0", "192.168.255.255", "private"),
    ("198.18.0.0", "198.19.255.255", "benchmarking"),
    ("198.51.100.0", "198.51.100.255", "documentation"),
    ("203.0.113.0", "203.0.113.255", "documentation"),
    ("224.0.0.0", "239.255.255.255", "multicast"),
    ("240.0.0.0", "255.255.255.254", "reserved"),
    ("255.255.255.255", "255.255.255.255", "broadcast"),
];

const FORBIDDEN_V6: &[(&str, &str, &str)] = &[
    ("::", "::", "unspecified"),
    ("::1", "::1", "loopback"),
    ("::ffff:0.0.0.0", "::ffff:0.255.255.255", "unspecified"),
    ("::ffff:10.0.0.0", "::ffff:10.255.255.255", "private"),
    ("::ffff:127.0.0.0", "::ffff:127.255.255.255", "loopback"),
    (
        "::ffff:169.254.169.254",
        "::ffff:169.254.169.254",
        "link-local",
    ),
    ("::0.0.0.2", "::0.255.255.255", "unspecified"),
    ("::127.0.0.1", "::127.255.255.255", "loopback"),
    ("::8.8.8.8", "::8.8.8.8", "IPv4-compatible"),
    ("64:ff9b::7f00:1", "64:ff9b::7fff:ffff", "loopback"),
    ("64:ff9b::a00:1", "64:ff9b::a00:1", "private"),
    ("64:ff9b::a9fe:a9fe", "64:ff9b::a9fe:a9fe", "link-local"),
    ("64:ff9b:1::", "64:ff9b:1:ffff:ffff:ffff:ffff:ffff", "NAT64"),
    ("100::", "100::ffff:ffff:ffff:ffff", "discard"),
    ("2001::", "2001:0:ffff:ffff:ffff:ffff:ffff:ffff", "Teredo"),
    (
        "2001:2::",
        "2001:2:0:ffff:ffff:ffff:ffff:ffff",
        "benchmarking",
    ),
    (
        "2001:10::",
        "2001:1f:ffff:ffff:ffff:ffff:ffff:ffff",
        "reserved",
    ),
    (
        "2001:20::",
        "2001:2f:ffff:ffff:ffff:ffff:ffff:ffff",
        "reserved",
    ),
    (
        "2001:db8::",
        "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff",
        "documentation",
    ),
    (
        "2002:7f00:1::",
        "2002:7fff:ffff:ffff:ffff:ffff:ffff:ffff",
        "loopback",
    ),
    ("2002:c0a8:101::1", "2002:c0a8:101::1", "private"),
    ("2002:808:808::1", "2002:808:808::1", "6to4"),
    (
        "3fff::",
        "3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff",
        "documentation",
    ),
    (
        "5f00::",
        "5f00:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        "reserved",
    ),
    (
        "fc00::",
        "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        "unique local",
    ),
    (
        "fe80::",
        "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        "link-local",
    ),
    (
        "fec0::",
        "feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        "site-local",
    ),
    (
        "ff00::",
        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        "multicast",
    ),
    // Outside 2000::/3, the only block handed out as global unicast.
    (
        "100:0:0:1::",
        "1ff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        "reserved",
    ),
    (
        "4000::",
        "5eff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        "reserved",
    ),
    (
        "8000::",
        "fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        "reserved",
    ),
];

/// Public neighbours just outside the ranges above, and well-known public
/// resolvers.
const PUBLIC: &[&str] = &[
    "1.1.1.1",
    "8.8.8.8",
    "9.255.255.255",
    "11.0.0.0",
    "100.63.255.255",
    "100.128.0.0",
    "126.255.255.255",
    "128.0.0.0",
    "169.253.255.255",
    "169.255.0.0",
    "172.15.255.255",
    "172.32.0.0",
    "192.0.1.255",
    "192.0.3.0",
    "192.88.98.255",
    "192.167.255.255",
    "192.169.0.0",
    "198.17.255.255",
    "198.20.0.0",
    "198.51.99.255",
    "203.0.112.255",
    "223.255.255.255",
    "2606:4700:4700::1111",
    "2001:4860:4860::8888",
    "2001:1::1",
    "2001:3::1",
    "2001:db7:ffff::1",
    "2001:db9::1",
    "2003::1",
    "3ffe::1",
    "3fff:1000::1",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
    "64:ff9b::1.1.1.1",
];

#[test]
fn forbidden_ranges_first_and_last_address() {
    for (first, last, words) in FORBIDDEN_V4.iter().chain(FORBIDDEN_V6) {
        for text in [first, last] {
            let ip: IpAddr = text.parse().unwrap();
            let reason = is_forbidden(ip).unwrap_or_else(|| panic!("{ip} should be forbidden"));
            assert!(
                reason.contains(words),
                "{ip}: reason {reason:?} should mention {words:?}"
            );
        }
    }
}

#[test]
fn public_addresses_are_allowed() {
    for text in PUBLIC {
        let ip: IpAddr = text.parse().unwrap();
        assert_eq!(is_forbidden(ip), None, "{ip}");
    }
}

#[test]
fn mapped_and_nat64_loopback_are_forbidden() {
    let mapped: IpAddr = "::ffff:127.0.0.1".parse().unwrap();
    let nat64: IpAddr = "64:ff9b::7f00:1".parse().unwrap();
    assert_eq!(is_forbidden(mapped), Some("a loopback address"));
    assert_eq!(is_forbidden(nat64), Some("a loopback address"));
}

#[tokio::test]
async fn allow_list_overrides_and_only_for_its_network() {
    let policy = Policy {
        allow: vec!["10.20.0.0/16".parse().unwrap()],
        ..Policy::default()
    };
    let inside = Url::parse("https://10.20.1.2/").unwrap();
    assert_eq!(
        resolve(&inside, &policy).await.unwrap(),
        "10.20.1.2:443".parse().unwrap()
    );
    let mapped = Url::parse("https://[::ffff:10.20.1.2]:8443/").unwrap();
    assert!(resolve(&mapped, &policy).await.is_ok());
    let outside = Url::parse("https://10.21.0.1/").unwrap();
    let err = resolve(&outside, &policy).await.unwrap_err();
    assert!(reason_of(&err).unwrap().1.contains("private"), "{err:?}");
}

// ---------------------------------------------------------------- (h) DNS names

#[tokio::test]
async fn name_resolving_to_loopback_is_forbidden() {
    // Resolved once; `send` connects to the address that passed this check,
    // never to a second lookup, so DNS rebinding cannot swap it afterwards.
    let server = serve(ok_reply("secret")).await;
    let policy = Policy {
        allow: Vec::new(),
        ..loopback_policy()
    };
    let url = format!("http://localhost:{}/", server.addr.port());
    let err = resolve(&Url::parse(&url).unwrap(), &policy)
        .await
        .unwrap_err();
    let (address, reason) = reason_of(&err).unwrap_or_else(|| panic!("{err:?}"));
    assert!(address.is_loopback());
    assert_eq!(reason, "a loopback address");
    let err = send(get(&url), &policy).await.unwrap_err();
    assert!(reason_of(&err).is_some(), "{err:?}");
    assert_eq!(server.connections(), 0);
}

#[tokio::test]
async fn unknown_name_is_a_resolve_error() {
    let policy = Policy {
        connect_timeout: Duration::from_secs(3),
        ..Policy::default()
    };
    let url = Url::parse("https://does-not-exist.invalid/").unwrap();
    let err = resolve(&url, &policy).await.unwrap_err();
    assert!(
        matches!(err, OutboundError::Resolve(_) | OutboundError::Timeout),
        "{err:?}"
    );
}

// ---------------------------------------------------------------- TLS

const CA_PEM: &[u8] = include_bytes!("fixtures/ca.pem");
const LEAF_PEM: &[u8] = include_bytes!("fixtures/leaf.pem");
const LEAF_KEY: &[u8] = include_bytes!("fixtures/leaf.key");

fn test_root() -> CertificateDer<'static> {
    CertificateDer::from_pem_slice(CA_PEM).unwrap()
}

fn acceptor() -> tokio_rustls::TlsAcceptor {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from_pem_slice(LEAF_PEM).unwrap()],
            PrivateKeyDer::from_pem_slice(LEAF_KEY).unwrap(),
        )
        .unwrap();
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}

fn tls_policy() -> Policy {
    Policy {
        https_only: true,
        ..loopback_policy()
    }
}

#[tokio::test]
async fn https_with_trusted_root_verifies_name_and_succeeds() {
    let server = serve_on("127.0.0.1:0", ok_reply("over tls"), Some(acceptor())).await;
    for host in ["localhost", "127.0.0.1"] {
        let url = format!("https://{host}:{}/", server.addr.port());
        let response = send_trusting_extra_root_for_tests(get(&url), &tls_policy(), test_root())
            .await
            .unwrap();
        assert_eq!(response.body, b"over tls", "{host}");
    }
}

#[tokio::test]
async fn https_with_untrusted_certificate_fails() {
    // The normal entry point trusts only the platform store, which does not
    // know the test CA: verification is on.
    let server = serve_on("127.0.0.1:0", ok_reply("nope"), Some(acceptor())).await;
    let url = format!("https://localhost:{}/", server.addr.port());
    let err = send(get(&url), &tls_policy()).await.unwrap_err();
    assert!(matches!(err, OutboundError::Tls(_)), "{err:?}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn https_with_wrong_name_fails_even_with_trusted_root() {
    // The certificate covers localhost and 127.0.0.1, not 127.0.0.2.
    let server = serve_on("127.0.0.2:0", ok_reply("nope"), Some(acceptor())).await;
    let url = format!("https://127.0.0.2:{}/", server.addr.port());
    let err = send_trusting_extra_root_for_tests(get(&url), &tls_policy(), test_root())
        .await
        .unwrap_err();
    assert!(matches!(err, OutboundError::Tls(_)), "{err:?}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn https_to_plain_http_server_fails_cleanly() {
    // A plain server that answers at once, without waiting for a request
    // (the ClientHello would never look like one).
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        if let Ok((mut stream, _)) = listener.accept().await {
            let _ = stream
                .write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                .await;
            tokio::time::sleep(Duration::from_secs(5)).await;
        }
    });
    let url = format!("https://127.0.0.1:{port}/");
    let err = send_trusting_extra_root_for_tests(get(&url), &tls_policy(), test_root())
        .await
        .unwrap_err();
    assert!(matches!(err, OutboundError::Tls(_)), "{err:?}");
}

// ---------------------------------------------------------------- properties

fn any_ip() -> impl Strategy<Value = IpAddr> {
    prop_oneof![
        any::<u32>().prop_map(|b| IpAddr::from(std::net::Ipv4Addr::from(b))),
        any::<u128>().prop_map(|b| IpAddr::from(std::net::Ipv6Addr::from(b))),
        // Bias towards the interesting IPv6 prefixes.
        (
            any::<u32>(),
            prop::sample::select(vec![0u128, 0xffff, 0x64_ff9b << 64, 0x2002 << 80])
        )
            .prop_map(|(v4, prefix)| IpAddr::from(std::net::Ipv6Addr::from(
                (prefix << 32) | u128::from(v4)
            ))),
    ]
}

proptest! {
    #[test]
    fn is_forbidden_never_panics(ip in any_ip()) {
        let _ = is_forbidden(ip);
    }

    #[test]
    fn ipv4_and_its_mapped_form_agree(bits in any::<u32>()) {
        let v4 = std::net::Ipv4Addr::from(bits);
        prop_assert_eq!(is_forbidden(IpAddr::V4(v4)), is_forbidden(IpAddr::V6(v4.to_ipv6_mapped())));
    }

    #[test]
    fn check_url_never_panics(input in ".{0,300}") {
        let _ = check_url(&input, &Policy::default());
    }

    #[test]
    fn check_url_never_panics_on_url_like_input(
        scheme in prop::sample::select(vec!["http", "https", "HTTPS", "ftp", "javascript", ""]),
        rest in "[a-z0-9:@/?#%\\[\\].\\-_~ ]{0,80}",
    ) {
        let input = format!("{scheme}://{rest}");
        if let Ok(url) = check_url(&input, &Policy { https_only: false, ..Policy::default() }) {
            prop_assert!(url.scheme() == "http" || url.scheme() == "https");
            prop_assert!(url.host_str().is_some_and(|h| !h.is_empty()));
            prop_assert!(url.username().is_empty() && url.password().is_none());
            prop_assert!(url.fragment().is_none());
            prop_assert!(url.as_str().len() <= lookout_outbound::MAX_URL_LEN);
            // Storing the normalised form and checking it again is stable.
            let again = check_url(url.as_str(), &Policy { https_only: false, ..Policy::default() });
            prop_assert_eq!(again.ok(), Some(url));
        }
    }
}
