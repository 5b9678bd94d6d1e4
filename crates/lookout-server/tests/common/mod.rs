//! A real portal on a real port for each test: SQLite always, and
//! PostgreSQL too when `LOOKOUT_TEST_DATABASE_URL` names a server (each
//! test gets a fresh database there).

#![allow(dead_code)]

use std::path::PathBuf;

use lookout_server::accounts::operator::{self, NewMember};
use lookout_server::audit::Actor;
use lookout_server::{AppState, Config};
use reqwest::redirect::Policy;
use sqlx::Connection as _;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt};

pub const PASSWORD: &str = "ballast kettle orchid semaphore";

/// Database URLs to run a test against: a fresh SQLite file in `dir`, and a
/// fresh PostgreSQL database when configured.
pub async fn backends(dir: &std::path::Path) -> Vec<String> {
    let mut urls = vec![format!(
        "sqlite://{}?mode=rwc",
        dir.join("test.sqlite3").display()
    )];
    if let Ok(base) = std::env::var("LOOKOUT_TEST_DATABASE_URL")
        && !base.is_empty()
    {
        urls.push(fresh_postgres(&base).await);
    }
    urls
}

pub async fn fresh_postgres(base: &str) -> String {
    let name = format!(
        "lookout_t_{}",
        hex::encode(lookout_server::secrets::random_bytes::<6>().unwrap())
    );
    let mut conn = sqlx::PgConnection::connect(base)
        .await
        .expect("connect to PostgreSQL");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .expect("create test database");
    let mut url = url::Url::parse(base).expect("LOOKOUT_TEST_DATABASE_URL is a URL");
    url.set_path(&format!("/{name}"));
    url.to_string()
}

pub struct TestServer {
    pub base: String,
    pub state: AppState,
    pub data_dir: PathBuf,
    _dir: Option<tempfile::TempDir>,
}

impl TestServer {
    pub async fn start(database_url: &str) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let data_dir = dir.path().to_path_buf();
        let mut server = Self::start_in(database_url, data_dir, None).await;
        server._dir = Some(dir);
        server
    }

    /// A server over `data_dir`, sharing its key file with any other server
    /// started on the same directory.
    pub async fn start_in(
        database_url: &str,
        data_dir: PathBuf,
        tweak: Option<&dyn Fn(&mut Config)>,
    ) -> TestServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut config = Config {
            data_dir: data_dir.clone(),
            database_url: Some(database_url.to_string()),
            listen: addr,
            hash_concurrency: 2,
            ..Config::default()
        };
        if let Some(tweak) = tweak {
            tweak(&mut config);
        }
        let state = lookout_server::app::open(config)
            .await
            .expect("open portal");
        tokio::spawn(lookout_server::app::run_on(state.clone(), listener));
        TestServer {
            base: format!("http://{addr}"),
            state,
            data_dir,
            _dir: None,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn org(&self, name: &str, kind: &str) -> i64 {
        operator::create_org(&self.state.db, &self.state.key, name, kind, Actor::Cli)
            .await
            .unwrap()
            .id
    }

    pub async fn user(&self, email: &str, role: &str, org: Option<&str>) -> i64 {
        operator::create_user(
            &self.state.db,
            &self.state.key,
            NewMember {
                email,
                display_name: email.split('@').next().unwrap(),
                role,
                org,
                password: PASSWORD,
            },
            Actor::Cli,
        )
        .await
        .unwrap()
        .id
    }

    /// Mail written to the outbox, oldest first.
    pub fn mails(&self) -> Vec<String> {
        let dir = self.data_dir.join("outbox");
        let mut names: Vec<_> = std::fs::read_dir(&dir)
            .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        names.sort();
        // Undo quoted-printable soft breaks so links read whole.
        names
            .iter()
            .map(|p| {
                std::fs::read_to_string(p)
                    .unwrap()
                    .replace("=\r\n", "")
                    .replace("=\n", "")
                    .replace("=3D", "=")
            })
            .collect()
    }

    /// [`Self::link_in_mail`] for mail sent after the answer (password
    /// resets): waits up to 20 s for a mail to `to` with such a link.
    pub async fn wait_link_in_mail(&self, to: &str, path_prefix: &str) -> String {
        let needle = format!("{}{path_prefix}", self.base);
        for _ in 0..200 {
            if self
                .mails()
                .iter()
                .any(|m| m.contains(&format!("To: {to}")) && m.contains(&needle))
            {
                return self.link_in_mail(to, path_prefix);
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("no mail to {to} with a {path_prefix} link within 20 s")
    }

    /// The first link under `path_prefix` in the newest mail to `to`.
    pub fn link_in_mail(&self, to: &str, path_prefix: &str) -> String {
        let mail = self
            .mails()
            .into_iter()
            .rev()
            .find(|m| m.contains(&format!("To: {to}")))
            .unwrap_or_else(|| panic!("no mail to {to}"));
        let needle = format!("{}{path_prefix}", self.base);
        let start = mail
            .find(&needle)
            .unwrap_or_else(|| panic!("no {path_prefix} link in mail:\n{mail}"));
        mail[start..].split_whitespace().next().unwrap().to_string()
    }
}

pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

/// The CSRF token in a page's first form.
pub fn csrf(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("page has a CSRF field") + marker.len();
    html[start..start + 64].to_string()
}

pub async fn get(client: &reqwest::Client, url: &str) -> (u16, String) {
    let response = client.get(url).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// Fetches `form_page`, then posts `fields` (with its CSRF token) to
/// `action`. Returns status, Location header and body.
pub async fn submit(
    client: &reqwest::Client,
    form_page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> (u16, Option<String>, String) {
    let (_, html) = get(client, form_page).await;
    let token = csrf(&html);
    let mut form: Vec<(&str, &str)> = vec![("csrf", &token)];
    form.extend_from_slice(fields);
    let response = client.post(action).form(&form).send().await.unwrap();
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string());
    (status, location, response.text().await.unwrap())
}

pub async fn sign_in(
    server: &TestServer,
    client: &reqwest::Client,
    email: &str,
    password: &str,
) -> (u16, Option<String>, String) {
    submit(
        client,
        &server.url("/login"),
        &server.url("/login"),
        &[("email", email), ("password", password)],
    )
    .await
}

/// The current TOTP code for a base32 secret.
pub fn totp_code(secret: &str, offset_steps: i64) -> String {
    let totp = totp_rs::Builder::new()
        .with_secret(totp_rs::Secret::try_from_base32(secret).unwrap())
        .with_account_name("x".to_string())
        .with_issuer(Some("Lookout".to_string()))
        .build()
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    totp.generate((now + offset_steps * 30) as u64).to_string()
}

/// Text between `id="ID">` and the next `<`.
pub fn element_text(html: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\">");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no #{id} in page"))
        + marker.len();
    html[start..].split('<').next().unwrap().trim().to_string()
}

/// Signs in a member whose role needs a second factor, enrolling it.
/// Returns the TOTP secret.
pub async fn sign_in_enrolling(
    server: &TestServer,
    client: &reqwest::Client,
    email: &str,
) -> String {
    let (status, location, _) = sign_in(server, client, email, PASSWORD).await;
    assert_eq!(status, 303);
    assert_eq!(location.as_deref(), Some("/account/mfa"));
    let (_, page) = get(client, &server.url("/account/mfa")).await;
    let secret = element_text(&page, "totp-secret");
    let marker = "name=\"signature\" value=\"";
    let start = page.find(marker).unwrap() + marker.len();
    let signature = page[start..start + 64].to_string();
    let code = totp_code(&secret, 0);
    let (status, _, body) = submit(
        client,
        &server.url("/account/mfa"),
        &server.url("/account/mfa"),
        &[
            ("secret", &secret),
            ("signature", &signature),
            ("code", &code),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("recovery-codes"));
    secret
}

/// A complete report form, as the tests' reporters fill it in.
pub fn report_fields<'a>(mode: &'a str, narrative: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("mode", mode),
        ("class", "ecdis-bridge-compromise"),
        ("discovered_on", "2026-03-02"),
        ("discovered_time", "03:40"),
        ("systems", "ecdis"),
        ("systems", "ship-ot"),
        ("vessel_type", "container-ship"),
        ("vessel_size", "large"),
        ("sea_area", "north-sea"),
        ("position", "53°58.1'N 006°12.4'E"),
        ("impact_safety", "significant"),
        ("impact_operations", "severe"),
        ("impact_money", "minor"),
        ("narrative", narrative),
        ("indicators", "185.220.101.4\nupdate-charts.example"),
        ("tlp", "amber"),
    ]
}

/// The JPEG with EXIF GPS and an author that the attachment tests send.
pub fn photo_with_gps() -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../lookout-attachments/tests/data/photo-with-gps.jpg");
    std::fs::read(path).unwrap()
}

/// Posts the report form as a browser does (multipart): [`report_fields`]
/// for `mode`, then `extra` fields and `files`. Returns status and page.
pub async fn send_report_form(
    server: &TestServer,
    client: &reqwest::Client,
    mode: &str,
    narrative: &str,
    extra: &[(&str, &str)],
    files: &[(&str, Vec<u8>)],
) -> (u16, String) {
    let (_, page) = get(client, &server.url("/report")).await;
    let token = csrf(&page);
    let mut form = reqwest::multipart::Form::new();
    for (key, value) in report_fields(mode, narrative)
        .into_iter()
        .chain(extra.iter().copied())
    {
        form = form.text(key.to_string(), value.to_string());
    }
    for (name, bytes) in files {
        form = form.part(
            "attachments",
            reqwest::multipart::Part::bytes(bytes.clone()).file_name(name.to_string()),
        );
    }
    let response = client
        .post(server.url(&format!("/report?csrf={token}")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// A minimal SMTP receiver: accepts every message and hands its DATA to the
/// test. Enough of RFC 5321 for lettre's client (EHLO, MAIL, RCPT, DATA,
/// QUIT).
/// Settings for the local SMTP receiver of [`smtp_sink`].
pub fn local_smtp(port: u16) -> lookout_server::config::SmtpConfig {
    lookout_server::config::SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        security: "none".into(),
        username: None,
        password: None,
    }
}

/// Reads a server-sent-event stream until its text contains `needle`
/// (panics after 20 s); returns what it read.
pub async fn read_stream_until(stream: &mut reqwest::Response, needle: &str, what: &str) -> String {
    tokio::time::timeout(std::time::Duration::from_secs(20), async {
        let mut seen = String::new();
        while let Some(chunk) = stream.chunk().await.unwrap() {
            seen.push_str(&String::from_utf8_lossy(&chunk));
            if seen.contains(needle) {
                break;
            }
        }
        seen
    })
    .await
    .unwrap_or_else(|_| panic!("{what}: not within 20 s"))
}

pub async fn smtp_sink() -> (u16, tokio::sync::mpsc::UnboundedReceiver<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let sender = sender.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = tokio::io::BufReader::new(read).lines();
                write.write_all(b"220 sink ESMTP\r\n").await.unwrap();
                while let Ok(Some(line)) = lines.next_line().await {
                    let verb = line
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                        .to_ascii_uppercase();
                    match verb.as_str() {
                        "EHLO" | "HELO" => write
                            .write_all(b"250-sink\r\n250 8BITMIME\r\n")
                            .await
                            .unwrap(),
                        "DATA" => {
                            write.write_all(b"354 go ahead\r\n").await.unwrap();
                            let mut message = String::new();
                            while let Ok(Some(data)) = lines.next_line().await {
                                if data == "." {
                                    break;
                                }
                                message.push_str(&data);
                                message.push('\n');
                            }
                            let _ = sender.send(message);
                            write.write_all(b"250 queued\r\n").await.unwrap();
                        }
                        "QUIT" => {
                            write.write_all(b"221 bye\r\n").await.unwrap();
                            return;
                        }
                        _ => write.write_all(b"250 ok\r\n").await.unwrap(),
                    }
                }
            });
        }
    });
    (port, receiver)
}
