//! The `lookout` binary as operators run it: several server processes on
//! one database, the admin CLI beside a running server, configuration,
//! TLS and shutdown.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const PASSWORD: &str = "ballast kettle orchid semaphore";

fn lookout() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lookout"));
    command.env("LOOKOUT_LOG", "warn");
    command
}

/// A database URL per backend: SQLite in `dir`, and a fresh PostgreSQL
/// database when `LOOKOUT_TEST_DATABASE_URL` is set.
fn backends(dir: &Path) -> Vec<Option<String>> {
    let mut urls = vec![None];
    if let Ok(base) = std::env::var("LOOKOUT_TEST_DATABASE_URL")
        && !base.is_empty()
    {
        let name = format!(
            "lookout_p_{}_{}",
            std::process::id(),
            dir.file_name()
                .unwrap()
                .to_string_lossy()
                .to_lowercase()
                .replace(|c: char| !c.is_ascii_alphanumeric(), "")
        );
        let status = Command::new("psql")
            .args([
                base.as_str(),
                "-q",
                "-c",
                &format!("CREATE DATABASE {name}"),
            ])
            .status()
            .expect("psql runs");
        assert!(status.success(), "create database {name}");
        let mut url = url::Url::parse(&base).unwrap();
        url.set_path(&format!("/{name}"));
        urls.push(Some(url.to_string()));
    }
    urls
}

fn storage_args(dir: &Path, db: &Option<String>) -> Vec<String> {
    let mut args = vec!["--data-dir".to_string(), dir.display().to_string()];
    if let Some(url) = db {
        args.push("--database-url".into());
        args.push(url.clone());
    }
    args
}

fn admin(dir: &Path, db: &Option<String>, args: &[&str], stdin: Option<&str>) -> String {
    let mut child = lookout()
        .arg("admin")
        .args(args)
        .args(storage_args(dir, db))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "lookout admin {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn serve(dir: &Path, db: &Option<String>, extra: &[&str]) -> Server {
    let port = free_port();
    let child = lookout()
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .args(storage_args(dir, db))
        .args(extra)
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let server = Server { child, base };
    for _ in 0..200 {
        if let Ok(r) = reqwest::get(format!("{}/healthz", server.base)).await
            && r.status().is_success()
        {
            return server;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("server did not come up");
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn csrf(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).unwrap() + marker.len();
    html[start..start + 64].to_string()
}

fn cookie_of(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get("set-cookie")
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
}

/// Posts the login form on `server` and returns the response (with the
/// pre-login cookie the form came with).
async fn login(server: &Server, email: &str, password: &str) -> reqwest::Response {
    let page = client()
        .get(format!("{}/login", server.base))
        .send()
        .await
        .unwrap();
    let cookie = cookie_of(&page).unwrap();
    let token = csrf(&page.text().await.unwrap());
    client()
        .post(format!("{}/login", server.base))
        .header("cookie", &cookie)
        .form(&[
            ("csrf", token.as_str()),
            ("email", email),
            ("password", password),
        ])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn two_server_processes_act_as_one_portal() {
    let dir = tempfile::tempdir().unwrap();
    for db in backends(dir.path()) {
        let data = tempfile::tempdir().unwrap();
        admin(
            data.path(),
            &db,
            &[
                "create-org",
                "--name",
                "Northwind Tankers",
                "--kind",
                "ship-owner",
            ],
            None,
        );
        admin(
            data.path(),
            &db,
            &[
                "create-user",
                "--email",
                "cso@northwind.example",
                "--role",
                "member",
                "--org",
                "Northwind Tankers",
                "--password-stdin",
            ],
            Some(PASSWORD),
        );
        let a = serve(data.path(), &db, &[]).await;
        let b = serve(data.path(), &db, &[]).await;

        // A session opened on A is honoured by B, and ended there for both.
        let response = login(&a, "cso@northwind.example", PASSWORD).await;
        assert_eq!(response.status().as_u16(), 303);
        let session = cookie_of(&response).unwrap();
        let on_b = client()
            .get(format!("{}/account", b.base))
            .header("cookie", &session)
            .send()
            .await
            .unwrap();
        assert_eq!(on_b.status().as_u16(), 200);
        let token = csrf(&on_b.text().await.unwrap());
        let out = client()
            .post(format!("{}/logout", b.base))
            .header("cookie", &session)
            .form(&[("csrf", token.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(out.status().as_u16(), 303);
        let on_a = client()
            .get(format!("{}/account", a.base))
            .header("cookie", &session)
            .send()
            .await
            .unwrap();
        assert_eq!(
            on_a.status().as_u16(),
            303,
            "signed out on B means signed out on A"
        );

        // Failed sign-ins on either process count towards one lock.
        for i in 0..5 {
            let server = if i % 2 == 0 { &a } else { &b };
            assert_eq!(
                login(server, "cso@northwind.example", "wrong wrong wrong")
                    .await
                    .status()
                    .as_u16(),
                422
            );
        }
        assert_eq!(
            login(&a, "cso@northwind.example", PASSWORD)
                .await
                .status()
                .as_u16(),
            429
        );
        assert_eq!(
            login(&b, "cso@northwind.example", PASSWORD)
                .await
                .status()
                .as_u16(),
            429
        );

        // Both appended to one audit chain without forking it.
        assert!(admin(data.path(), &db, &["verify-audit"], None).contains("intact"));
    }
}

#[tokio::test]
async fn admin_commands_work_beside_a_running_server() {
    let dir = tempfile::tempdir().unwrap();
    for db in backends(dir.path()) {
        let data = tempfile::tempdir().unwrap();
        let server = serve(data.path(), &db, &[]).await;
        let out = admin(
            data.path(),
            &db,
            &[
                "create-org",
                "--name",
                "Port of Kestrel Bay",
                "--kind",
                "port",
            ],
            None,
        );
        assert!(out.contains("created organisation Port of Kestrel Bay"));
        admin(
            data.path(),
            &db,
            &[
                "create-user",
                "--email",
                "sec@kestrel.example",
                "--role",
                "org-admin",
                "--org",
                "Port of Kestrel Bay",
                "--password-stdin",
            ],
            Some(&format!("{PASSWORD}\n")),
        );
        let out = admin(
            data.path(),
            &db,
            &[
                "create-api-token",
                "--email",
                "sec@kestrel.example",
                "--scope",
                "read",
            ],
            None,
        );
        let token = out.split_whitespace().last().unwrap().to_string();
        assert!(token.starts_with("lkt_"));
        let me = client()
            .get(format!("{}/api/v1/me", server.base))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(me.status().as_u16(), 200);

        let list = admin(data.path(), &db, &["list-users"], None);
        assert!(
            list.contains("sec@kestrel.example")
                && list.contains("org-admin")
                && list.contains("Port of Kestrel Bay")
        );
        admin(
            data.path(),
            &db,
            &["disable-user", "--email", "sec@kestrel.example"],
            None,
        );
        let me = client()
            .get(format!("{}/api/v1/me", server.base))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(me.status().as_u16(), 401);
        assert_eq!(
            login(&server, "sec@kestrel.example", PASSWORD)
                .await
                .status()
                .as_u16(),
            422
        );

        let verdict = admin(data.path(), &db, &["verify-audit"], None);
        assert!(verdict.contains("audit log intact: 5 entries"), "{verdict}");
    }
}

#[test]
fn bad_admin_input_is_explained() {
    let data = tempfile::tempdir().unwrap();
    let output = lookout()
        .args([
            "admin",
            "create-org",
            "--name",
            "X",
            "--kind",
            "yacht-club",
            "--data-dir",
        ])
        .arg(data.path())
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("unknown organisation kind 'yacht-club'")
    );
    let mut child = lookout()
        .args([
            "admin",
            "create-user",
            "--email",
            "a@b.example",
            "--role",
            "analyst",
            "--password-stdin",
            "--data-dir",
        ])
        .arg(data.path())
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"short").unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("at least 12 characters"));
}

#[test]
fn serve_help_documents_every_option() {
    let output = lookout().args(["serve", "--help"]).output().unwrap();
    let help = String::from_utf8(output.stdout).unwrap();
    for option in [
        "--data-dir",
        "--listen",
        "--database-url",
        "--config",
        "--tls-cert",
        "--tls-key",
        "--behind-proxy",
        "--demo",
        "--public-url",
        "LOOKOUT_SMTP__HOST",
    ] {
        assert!(help.contains(option), "serve --help lacks {option}");
    }
}

#[test]
fn refuses_to_listen_publicly_without_tls() {
    let data = tempfile::tempdir().unwrap();
    let output = lookout()
        .args(["serve", "--listen", "0.0.0.0:0", "--data-dir"])
        .arg(data.path())
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("without TLS"));
}

#[tokio::test]
async fn config_file_and_environment_are_read_in_order() {
    let data = tempfile::tempdir().unwrap();
    let file_port = free_port();
    let env_port = free_port();
    let config: PathBuf = data.path().join("lookout.toml");
    std::fs::write(
        &config,
        format!(
            "listen = \"127.0.0.1:{file_port}\"\ndata_dir = \"{}\"\n",
            data.path().display()
        ),
    )
    .unwrap();
    let mut child = lookout()
        .args(["serve", "--config"])
        .arg(&config)
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let up = wait_up(&format!("http://127.0.0.1:{file_port}")).await;
    let _ = child.kill();
    let _ = child.wait();
    assert!(up, "listens where the file says");
    let mut child = lookout()
        .args(["serve", "--config"])
        .arg(&config)
        .env("LOOKOUT_LISTEN", format!("127.0.0.1:{env_port}"))
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let up = wait_up(&format!("http://127.0.0.1:{env_port}")).await;
    let _ = child.kill();
    let _ = child.wait();
    assert!(up, "the environment wins over the file");
}

async fn wait_up(base: &str) -> bool {
    for _ in 0..200 {
        if let Ok(r) = reqwest::get(format!("{base}/healthz")).await
            && r.status().is_success()
        {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

#[tokio::test]
async fn serves_https_with_hsts_and_secure_host_cookies() {
    let data = tempfile::tempdir().unwrap();
    let cert = data.path().join("cert.pem");
    let key = data.path().join("key.pem");
    let status = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stderr(Stdio::null())
        .status()
        .expect("openssl is installed");
    assert!(status.success());
    let port = free_port();
    let mut child = lookout()
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--tls-cert",
        ])
        .arg(&cert)
        .arg("--tls-key")
        .arg(&key)
        .arg("--data-dir")
        .arg(data.path())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut headers = String::new();
    for _ in 0..100 {
        let output = Command::new("curl")
            .args([
                "-sk",
                "-D",
                "-",
                "-o",
                "/dev/null",
                &format!("https://127.0.0.1:{port}/login"),
            ])
            .output()
            .expect("curl is installed");
        headers = String::from_utf8_lossy(&output.stdout).to_lowercase();
        if headers.starts_with("http/") {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        headers.contains("strict-transport-security: max-age=31536000"),
        "{headers}"
    );
    assert!(headers.contains("set-cookie: __host-lookout="), "{headers}");
    assert!(headers.contains("; secure"), "{headers}");
}

#[tokio::test]
async fn sigterm_lets_the_server_stop_cleanly() {
    let data = tempfile::tempdir().unwrap();
    let mut server = serve(data.path(), &None, &[]).await;
    let pid = server.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    for _ in 0..100 {
        if let Some(status) = server.child.try_wait().unwrap() {
            assert!(status.success(), "exit status {status}");
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("server still running 5 s after SIGTERM");
}

#[test]
fn scrub_prints_text_and_character_offsets() {
    let dir = tempfile::tempdir().unwrap();
    let names = dir.path().join("names.txt");
    std::fs::write(&names, "vessel: Nordic Star\nNordkap Shipping AS\n").unwrap();
    let mut child = lookout()
        .args(["scrub", "--known-names"])
        .arg(&names)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let input = "Ärger on Nordic Star: mail to cso@nordkap.example from 185.220.101.4";
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        json["text"],
        "Ärger on [VESSEL]: mail to [EMAIL] from 185.220.101.4"
    );
    let first = &json["findings"][0];
    assert_eq!(
        (
            first["kind"].as_str(),
            first["start"].as_u64(),
            first["end"].as_u64()
        ),
        (Some("vessel"), Some(9), Some(20)),
        "offsets count characters, not bytes"
    );
}

/// Runs `lookout report submit` against `server` with `narrative` on
/// standard input; returns success, stdout and stderr.
fn report_submit(
    server: &Server,
    date: &str,
    extra: &[&str],
    narrative: &str,
) -> (bool, String, String) {
    let mut child = lookout()
        .args(["report", "submit", "--server", &server.base])
        .args([
            "--class",
            "gnss-spoofing",
            "--discovered-on",
            date,
            "--system",
            "navigation",
            "--system",
            "ecdis",
            "--vessel-type",
            "bulk-carrier",
            "--vessel-size",
            "large",
            "--sea-area",
            "black-sea",
            "--impact-safety",
            "minor",
        ])
        .args(extra)
        .env_remove("LOOKOUT_API_TOKEN")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(narrative.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn a_terminal_reports_through_the_api() {
    let dir = tempfile::tempdir().unwrap();
    let db = None;
    let server = serve(dir.path(), &db, &[]).await;

    let photo = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../lookout-attachments/tests/data/photo-with-gps.jpg");
    let (ok, out, err) = report_submit(
        &server,
        "2026-03-02",
        &["--attach", photo.to_str().unwrap()],
        "GPS showed the ship 20 nm inland.",
    );
    assert!(ok, "{err}");
    assert!(out.contains("Report R-"), "{out}");
    assert!(out.contains("photo-with-gps.jpg: removed"), "{out}");
    let receipt = out
        .lines()
        .map(str::trim)
        .find(|l| l.split(' ').count() == 12)
        .expect("a twelve-word receipt");
    assert!(receipt.chars().all(|c| c.is_ascii_lowercase() || c == ' '));

    // Refusals come back in the portal's words, and nothing is sent for
    // an attributed report without a token.
    let (ok, _, err) = report_submit(&server, "2999-01-01", &[], "x");
    assert!(!ok);
    assert!(err.contains("in the future"), "{err}");
    let (ok, _, err) = report_submit(&server, "2026-03-02", &["--mode", "attributed"], "x");
    assert!(!ok);
    assert!(err.contains("needs --api-token"), "{err}");
    let (ok, _, err) = report_submit(
        &Server {
            child: lookout().arg("--version").spawn().unwrap(),
            base: "http://lookout.example.org".into(),
        },
        "2026-03-02",
        &[],
        "x",
    );
    assert!(!ok);
    assert!(err.contains("https://"), "{err}");
}

fn token_fetch(
    server: &Server,
    api_token: &str,
    count: &str,
    out: &Path,
) -> (bool, String, String) {
    let output = lookout()
        .args(["token", "fetch", "--server", &server.base, "--count", count])
        .args(["--api-token", api_token, "--out"])
        .arg(out)
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn a_terminal_fetches_membership_tokens_and_spends_each_once() {
    let dir = tempfile::tempdir().unwrap();
    for db in backends(dir.path()) {
        let data = tempfile::tempdir().unwrap();
        let server = serve(data.path(), &db, &[]).await;
        admin(
            data.path(),
            &db,
            &[
                "create-org",
                "--name",
                "Nordkap Tankers",
                "--kind",
                "ship-owner",
            ],
            None,
        );
        admin(
            data.path(),
            &db,
            &[
                "create-user",
                "--email",
                "cso@nordkap.example",
                "--role",
                "member",
                "--org",
                "Nordkap Tankers",
                "--password-stdin",
            ],
            Some(&format!("{PASSWORD}\n")),
        );
        let out = admin(
            data.path(),
            &db,
            &[
                "create-api-token",
                "--email",
                "cso@nordkap.example",
                "--scope",
                "write",
            ],
            None,
        );
        let api_token = out.split_whitespace().last().unwrap().to_string();
        let file = data.path().join("tokens.txt");

        let (ok, out, err) = token_fetch(&server, &api_token, "2", &file);
        assert!(ok, "{err}");
        assert!(out.contains("2 tokens added to"), "{out}");
        assert!(out.contains("(2 of 10 taken this month)"), "{out}");
        let text = std::fs::read_to_string(&file).unwrap();
        let tokens: Vec<&str> = text.lines().filter(|l| l.starts_with("lmt1.")).collect();
        assert_eq!(tokens.len(), 2);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "the token file is private");
        }
        let first = tokens[0].to_string();

        // Spent with an anonymous report, then gone from the file.
        let args = ["--token-file", file.to_str().unwrap()];
        let (ok, out, err) = report_submit(&server, "2026-03-02", &args, "GPS jumped inland.");
        assert!(ok, "{err}");
        assert!(out.contains("as from a verified member"), "{out}");
        let left = std::fs::read_to_string(&file).unwrap();
        assert!(!left.contains(&first));
        assert_eq!(left.lines().filter(|l| l.starts_with("lmt1.")).count(), 1);

        // The same token again (a copy of the file kept elsewhere) is
        // refused in the portal's words and dropped from the file.
        let copy = data.path().join("copy.txt");
        std::fs::write(&copy, format!("{first}\n")).unwrap();
        let args = ["--token-file", copy.to_str().unwrap()];
        let (ok, _, err) = report_submit(&server, "2026-03-02", &args, "GPS jumped inland.");
        assert!(!ok);
        assert!(err.contains("already been used"), "{err}");
        assert!(!std::fs::read_to_string(&copy).unwrap().contains(&first));

        // Only anonymous; and over the allowance, the next month is named.
        let args = [
            "--mode",
            "attributed",
            "--api-token",
            &api_token,
            "--token-file",
            file.to_str().unwrap(),
        ];
        let (ok, _, err) = report_submit(&server, "2026-03-02", &args, "x");
        assert!(!ok);
        assert!(err.contains("anonymous reports only"), "{err}");
        let (ok, _, err) = token_fetch(&server, &api_token, "9", &file);
        assert!(!ok);
        assert!(err.contains("You have 8 of your 10 tokens for"), "{err}");
        assert!(err.contains("The next period starts on 1 "), "{err}");
        let (ok, _, err) = token_fetch(&server, "lkt_wrong", "1", &file);
        assert!(!ok);
        assert!(err.contains("401"), "{err}");
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// DESIGN.md's promise for anonymous reports, checked where an operator or
/// a thief would look: after one anonymous submission, neither the
/// database (the SQLite files, or a dump of the PostgreSQL database), the
/// data directory nor the server's log holds the client's address, its
/// user agent, or the submission time to the second.
#[tokio::test]
async fn an_anonymous_report_leaves_no_address_agent_or_time() {
    const AGENT: &str = "Mozilla/5.0 (BridgePC; ECDIS-7731) Marker/42";
    // Linux routes all of 127/8 to loopback: a client address that appears
    // nowhere else in this test.
    const CLIENT: &str = "127.0.0.2";
    let dir = tempfile::tempdir().unwrap();
    for db in backends(dir.path()) {
        let data = tempfile::tempdir().unwrap();
        let logs = tempfile::tempdir().unwrap();
        let port = free_port();
        let stdout = std::fs::File::create(logs.path().join("stdout.log")).unwrap();
        let stderr = std::fs::File::create(logs.path().join("stderr.log")).unwrap();
        let child = lookout()
            // What operators run: the default log level.
            .env_remove("LOOKOUT_LOG")
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .args(storage_args(data.path(), &db))
            .stdout(stdout)
            .stderr(stderr)
            .spawn()
            .unwrap();
        let server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        assert!(wait_up(&server.base).await);
        // Keep start-up writes out of the window searched below.
        tokio::time::sleep(Duration::from_millis(2100)).await;

        let client = reqwest::Client::builder()
            .cookie_store(true)
            .user_agent(AGENT)
            .local_address(CLIENT.parse::<std::net::IpAddr>().unwrap())
            .build()
            .unwrap();
        let start = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let page = client
            .get(format!("{}/report", server.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let response = client
            .post(format!("{}/report", server.base))
            .form(&[
                ("csrf", csrf(&page).as_str()),
                ("mode", "anonymous"),
                ("class", "gnss-spoofing"),
                ("discovered_on", "2026-03-02"),
                ("systems", "navigation"),
                ("vessel_type", "bulk-carrier"),
                ("vessel_size", "large"),
                ("sea_area", "black-sea"),
                ("impact_safety", "minor"),
                ("impact_operations", "minor"),
                ("impact_money", "none"),
                ("narrative", "GPS jumped 20 nm inland off Odesa."),
                ("tlp", "green"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
        let end = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        tokio::time::sleep(Duration::from_millis(500)).await;
        drop(server);

        let mut haystacks: Vec<(String, Vec<u8>)> = files_under(data.path())
            .into_iter()
            .chain(files_under(logs.path()))
            .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
            .collect();
        if let Some(url) = &db {
            let dump = Command::new("pg_dump")
                .args(["--data-only", url.as_str()])
                .output()
                .expect("pg_dump runs");
            assert!(dump.status.success());
            haystacks.push(("pg_dump".into(), dump.stdout));
        }
        let searched: usize = haystacks.iter().map(|(_, h)| h.len()).sum();
        assert!(searched > 1_000, "the database and logs were read");
        let mut needles: Vec<(String, Vec<u8>)> = vec![
            ("client address".into(), CLIENT.as_bytes().to_vec()),
            ("user agent".into(), b"ECDIS-7731".to_vec()),
        ];
        for second in start.saturating_sub(1)..=end + 1 {
            needles.push((format!("time {second}"), second.to_string().into_bytes()));
            // SQLite stores such an integer as 4 big-endian bytes.
            let be = (second as u32).to_be_bytes().to_vec();
            needles.push((format!("time {second} (binary)"), be));
            let clock = format!(
                "{:02}:{:02}:{:02}",
                second / 3600 % 24,
                second / 60 % 60,
                second % 60
            );
            needles.push((format!("time of day {clock}"), clock.into_bytes()));
        }
        for (file, haystack) in &haystacks {
            for (what, needle) in &needles {
                assert!(!contains(haystack, needle), "{what} found in {file}");
            }
        }
        // The search would have found a time: the hour the report keeps is
        // there, in the same encodings.
        let hour = start - start % 3600;
        let kept: [Vec<u8>; 2] = [
            hour.to_string().into_bytes(),
            (hour as u32).to_be_bytes().to_vec(),
        ];
        assert!(
            haystacks
                .iter()
                .any(|(_, h)| kept.iter().any(|k| contains(h, k))),
            "the received hour is stored"
        );
    }
}
