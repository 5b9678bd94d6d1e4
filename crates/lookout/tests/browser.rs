//! The membership journey in a real browser: headless Chromium, driven
//! through chromedriver, against the real `lookout` binary.
//!
//! A visitor applies, the admin signs in (enrolling a second factor on the
//! way, as staff must), approves the application, and the applicant accepts
//! the emailed invitation, makes a second factor compulsory for their
//! organisation, and enrols one at their next sign-in. Every page on the way
//! is checked to load nothing from outside the portal and to carry no
//! script, and the whole journey runs with JavaScript turned off in the
//! browser.
//!
//! Needs `chromedriver` and Chromium (Debian: `apt-get install chromium
//! chromium-driver`); `CHROMEDRIVER` and `CHROMIUM` override their paths.
//! Run with `cargo test -p lookout --test browser -- --ignored`.

use std::collections::HashMap;
use std::io::Write as _;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use thirtyfour::prelude::*;

const ADMIN_EMAIL: &str = "admin@op.example";
const ADMIN_PASSWORD: &str = "ballast kettle orchid semaphore";
const ORG_NAME: &str = "Gulf Star Shipping";
const APPLICANT_EMAIL: &str = "sam@gulfstar.example";
const APPLICANT_NAME: &str = "Samira Haddad";
const APPLICANT_PASSWORD: &str = "harbour lantern quietly drifting";

/// How long a page may take to appear after a click.
const PAGE_WAIT: Duration = Duration::from_secs(20);
/// How long a fully loaded page that is not the expected one is given to
/// change (a redirect still under way) before the test fails.
const SETTLE: Duration = Duration::from_secs(2);

/// A child process killed (and reaped) when the test ends, however it ends.
struct KillOnDrop {
    child: Child,
    /// Where its output went, shown when the test fails.
    log: Option<PathBuf>,
}

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking()
            && let Some(log) = &self.log
            && let Ok(text) = std::fs::read_to_string(log)
        {
            eprintln!("---- {} ----\n{text}", log.display());
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free local port")
        .port()
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// The code an authenticator app shows at `unix_seconds` for `secret`.
fn totp_code(secret: &str, unix_seconds: u64) -> String {
    totp_rs::Builder::new()
        .with_secret(totp_rs::Secret::try_from_base32(secret).expect("base32 TOTP key"))
        .with_account_name("x".to_string())
        .with_issuer(Some("Lookout".to_string()))
        .build()
        .expect("TOTP parameters")
        .generate(unix_seconds)
        .to_string()
}

/// `lookout` with a clean environment: no `LOOKOUT_*` from the caller, no
/// `lookout.toml` picked up from the working directory.
fn lookout(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lookout"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("LOOKOUT_") {
            command.env_remove(key);
        }
    }
    command.env("LOOKOUT_LOG", "warn").current_dir(dir);
    command
}

fn create_admin(dir: &Path, data_dir: &Path) {
    create_staff(dir, data_dir, ADMIN_EMAIL, "admin");
}

/// An operator account (no organisation) with the shared test password.
/// A photo carrying EXIF (with a GPS position), XMP and a name.
fn photo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../lookout-attachments/tests/data/photo-with-gps.jpg")
        .canonicalize()
        .unwrap()
}

/// A ship-owner organisation with one member (password [`ADMIN_PASSWORD`]).
fn create_org_with_member(dir: &Path, data_dir: &Path, org: &str, email: &str) {
    lookout_admin(
        dir,
        data_dir,
        &["create-org", "--name", org, "--kind", "ship-owner"],
        "",
    );
    lookout_admin(
        dir,
        data_dir,
        &[
            "create-user",
            "--email",
            email,
            "--role",
            "member",
            "--org",
            org,
            "--password-stdin",
        ],
        &format!("{ADMIN_PASSWORD}\n"),
    );
}

fn create_staff(dir: &Path, data_dir: &Path, email: &str, role: &str) {
    let mut child = lookout(dir)
        .args(["admin", "create-user", "--data-dir"])
        .arg(data_dir)
        .args(["--email", email, "--role", role, "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run lookout admin create-user");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{ADMIN_PASSWORD}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "lookout admin create-user failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Polls `url` until it answers 200, or fails the test after `limit`.
async fn wait_until_up(url: &str, what: &str, process: &mut KillOnDrop, limit: Duration) {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let started = Instant::now();
    loop {
        if let Ok(response) = client.get(url).send().await
            && response.status() == reqwest::StatusCode::OK
        {
            return;
        }
        if let Ok(Some(status)) = process.child.try_wait() {
            panic!("{what} exited before answering: {status}");
        }
        assert!(
            started.elapsed() < limit,
            "{what} did not answer {url} within {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The portal, running from the real binary on a free port.
async fn start_portal(dir: &Path, data_dir: &Path) -> (KillOnDrop, String) {
    start_portal_with(dir, data_dir, &[], &[]).await
}

async fn start_portal_with(
    dir: &Path,
    data_dir: &Path,
    extra: &[&str],
    settings: &[(&str, &str)],
) -> (KillOnDrop, String) {
    let addr = format!("127.0.0.1:{}", free_port());
    let log = dir.join("server.log");
    let output = std::fs::File::create(&log).unwrap();
    let child = lookout(dir)
        .args(["serve", "--data-dir"])
        .arg(data_dir)
        .args(["--listen", &addr])
        .args(extra)
        // Publish anonymous reports' incidents at once, so the test can
        // see them (the delay has its own tests).
        .env("LOOKOUT_PUBLICATION_DELAY_MIN_HOURS", "0")
        .env("LOOKOUT_PUBLICATION_DELAY_MAX_HOURS", "0")
        .env("LOOKOUT_PUBLICATION_BATCH_HOURS", "0")
        .envs(settings.iter().copied())
        .stdin(Stdio::null())
        .stdout(output.try_clone().unwrap())
        .stderr(output)
        .spawn()
        .expect("start lookout serve");
    let mut server = KillOnDrop {
        child,
        log: Some(log),
    };
    let base = format!("http://{addr}");
    wait_until_up(
        &format!("{base}/healthz"),
        "lookout serve",
        &mut server,
        Duration::from_secs(60),
    )
    .await;
    (server, base)
}

/// chromedriver on a free port. A missing chromedriver fails the test: it
/// only runs when asked for, so it must not pass without a browser.
async fn start_chromedriver(dir: &Path) -> (KillOnDrop, String) {
    let program = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
    let port = free_port();
    let log = dir.join("chromedriver.log");
    let output = std::fs::File::create(&log).unwrap();
    let child = Command::new(&program)
        .arg(format!("--port={port}"))
        .stdin(Stdio::null())
        .stdout(output.try_clone().unwrap())
        .stderr(output)
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot start {program} ({e}): this test needs chromedriver and Chromium \
                 (Debian: apt-get install chromium chromium-driver)"
            )
        });
    let mut driver = KillOnDrop {
        child,
        log: Some(log),
    };
    let url = format!("http://127.0.0.1:{port}");
    wait_until_up(
        &format!("{url}/status"),
        "chromedriver",
        &mut driver,
        Duration::from_secs(30),
    )
    .await;
    (driver, url)
}

async fn start_browser(driver_url: &str, profile: &Path, javascript: bool) -> WebDriver {
    let binary = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let mut caps = DesiredCapabilities::chrome();
    caps.set_binary(&binary).unwrap();
    for arg in [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,1024",
    ] {
        caps.add_arg(arg).unwrap();
    }
    caps.add_arg(&format!("--user-data-dir={}", profile.display()))
        .unwrap();
    // The portal must work without JavaScript: turn it off for pages (the
    // driver's own probes still run), except where a journey needs the
    // membership-token script.
    if !javascript {
        caps.add_experimental_option(
            "prefs",
            HashMap::from([("profile.managed_default_content_settings.javascript", 2)]),
        )
        .unwrap();
    }
    WebDriver::new(driver_url, caps)
        .await
        .expect("a Chromium session from chromedriver")
}

/// Every URL the current page asked for or points a subresource at: the
/// page itself, resource timing entries (stylesheets, images, fonts, ...),
/// and the `src`/`href`/`data`/`action` of elements that load things.
const PAGE_URLS_JS: &str = r#"
const urls = [];
const add = (value) => { if (value) urls.push(new URL(value, document.baseURI).href); };
for (const e of performance.getEntriesByType('navigation')) add(e.name);
for (const e of performance.getEntriesByType('resource')) add(e.name);
for (const e of document.querySelectorAll('link[href]')) add(e.getAttribute('href'));
for (const e of document.querySelectorAll('[src]')) add(e.getAttribute('src'));
for (const e of document.querySelectorAll('[srcset]')) urls.push('srcset:' + e.getAttribute('srcset'));
for (const e of document.querySelectorAll('object[data]')) add(e.getAttribute('data'));
for (const e of document.querySelectorAll('svg [href], svg [*|href]'))
  add(e.getAttribute('href') || e.getAttributeNS('http://www.w3.org/1999/xlink', 'href'));
for (const e of document.querySelectorAll('form[action]')) add(e.getAttribute('action'));
for (const e of document.querySelectorAll('meta[http-equiv]')) urls.push('meta:' + e.getAttribute('http-equiv'));
return urls;
"#;

/// The browser, pointed at the portal, with checks for what a member sees.
struct Portal {
    driver: WebDriver,
    base: String,
    pages: Vec<String>,
}

impl Portal {
    async fn goto(&mut self, path: &str) {
        self.driver
            .goto(format!("{}{path}", self.base))
            .await
            .unwrap_or_else(|e| panic!("open {path}: {e}"));
    }

    /// Waits until the browser shows `path` (a prefix when it ends in `/`)
    /// with a heading containing `heading`, then checks the page.
    async fn expect_page(&mut self, path: &str, heading: &str) {
        let started = Instant::now();
        loop {
            let url = self.driver.current_url().await.ok();
            let at = url
                .as_ref()
                .map(|u| u.path().to_string())
                .unwrap_or_default();
            let path_ok = at == path || (path.ends_with('/') && at.starts_with(path));
            let h1 = match self.driver.find(By::Tag("h1")).await {
                Ok(h1) => h1.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if path_ok && h1.contains(heading) {
                break;
            }
            let loaded = self
                .driver
                .execute("return document.readyState", Vec::new())
                .await
                .ok()
                .and_then(|r| r.convert::<String>().ok())
                .is_some_and(|state| state == "complete");
            if started.elapsed() > PAGE_WAIT || (loaded && started.elapsed() > SETTLE) {
                let body = self.body_text().await;
                panic!(
                    "expected {path} with heading {heading:?}; the browser shows {} \
                     with heading {h1:?}:\n{body}",
                    url.map(|u| u.to_string()).unwrap_or_default()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.check_self_contained().await;
        let url = self.driver.current_url().await.unwrap();
        println!("  page {} ({heading})", url.path());
        self.pages.push(url.path().to_string());
    }

    /// No script but the portal's own (the token client, the statistics'
    /// and the alerts' live updates; none inline), and nothing requested
    /// from another origin.
    async fn check_self_contained(&self) {
        let url = self.driver.current_url().await.unwrap();
        for script in self.driver.find_all(By::Tag("script")).await.unwrap() {
            let src = script.attr("src").await.unwrap().unwrap_or_default();
            let inline = script.prop("text").await.unwrap().unwrap_or_default();
            assert!(
                (src == "/static/tokens.js"
                    || src == "/static/stats.js"
                    || src == "/static/alerts.js")
                    && inline.trim().is_empty(),
                "{url} has a <script> other than the portal's own ({src:?}, inline {inline:?})"
            );
        }
        let urls: Vec<String> = self
            .driver
            .execute(PAGE_URLS_JS, Vec::new())
            .await
            .unwrap()
            .convert()
            .unwrap();
        assert!(!urls.is_empty(), "no URLs gathered on {url}");
        let origin = &self.base;
        for u in &urls {
            let local =
                u == origin || u.starts_with(&format!("{origin}/")) || u.starts_with("data:image/");
            assert!(local, "{url} refers to {u}, outside the portal ({origin})");
        }
    }

    async fn body_text(&self) -> String {
        match self.driver.find(By::Tag("body")).await {
            Ok(body) => body.text().await.unwrap_or_default(),
            Err(e) => format!("(no body: {e})"),
        }
    }

    async fn notice(&self) -> String {
        match self.driver.find(By::Css("main .notice")).await {
            Ok(notice) => notice.text().await.unwrap(),
            Err(_) => panic!("no notice on the page:\n{}", self.body_text().await),
        }
    }

    async fn expect_notice(&self, expected: &str) {
        let notice = self.notice().await;
        assert!(
            notice.contains(expected),
            "the notice reads {notice:?}, expected it to contain {expected:?}"
        );
    }

    /// Chooses a file in a file input, as a person would in the dialog.
    async fn attach(&self, css: &str, path: &Path) {
        let input = self
            .driver
            .find(By::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no file input {css}: {e}"));
        input.send_keys(path.display().to_string()).await.unwrap();
    }

    async fn fill(&self, css: &str, text: &str) {
        let field = self
            .driver
            .find(By::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no field {css}: {e}"));
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    async fn click(&self, by: By, what: &str) {
        self.driver
            .find(by)
            .await
            .unwrap_or_else(|e| panic!("cannot find {what}: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("cannot click {what}: {e}"));
    }

    /// Clicks a link or a submit button and waits until the browser has
    /// left the current page, so that the next check sees the new one even
    /// when it has the same address and heading.
    async fn follow(&self, by: By, what: &str) {
        let old = self.driver.find(By::Tag("html")).await.unwrap();
        self.click(by, what).await;
        let started = Instant::now();
        while old.is_present().await.unwrap_or(false) {
            assert!(
                started.elapsed() < PAGE_WAIT,
                "clicking {what} did not lead to a new page"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Fills the report form as a seafarer would (GNSS spoofing in the
    /// Black Sea).
    async fn fill_report(&self, narrative: &str, discovered_on: &str) {
        for (select, value) in [
            ("class", "gnss-spoofing"),
            ("vessel_type", "bulk-carrier"),
            ("vessel_size", "large"),
            ("sea_area", "black-sea"),
            ("impact_safety", "significant"),
            ("impact_operations", "minor"),
            ("impact_money", "none"),
        ] {
            self.click(
                By::Css(format!("#{select} option[value='{value}']")),
                select,
            )
            .await;
        }
        self.click(
            By::Css("input[name=systems][value='navigation']"),
            "the navigation box",
        )
        .await;
        self.fill("#narrative", narrative).await;
        self.fill("#discovered_on", discovered_on).await;
    }

    /// The current value of a form field.
    async fn value_of(&self, css: &str) -> String {
        self.driver
            .find(By::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css}: {e}"))
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default()
    }

    /// Waits until the element's text contains `expected` (the page's
    /// script writes it).
    async fn wait_for_text(&self, css: &str, expected: &str) {
        let started = Instant::now();
        loop {
            let text = match self.driver.find(By::Css(css)).await {
                Ok(e) => e.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if text.contains(expected) {
                return;
            }
            assert!(
                started.elapsed() < PAGE_WAIT,
                "{css} reads {text:?}, expected {expected:?}:\n{}",
                self.body_text().await
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// From a report in triage, opens the editor of its sanitised incident.
    async fn prepare_incident(&mut self) {
        self.follow(
            By::XPath("//a[normalize-space()='Prepare the sanitised incident']"),
            "Prepare the sanitised incident",
        )
        .await;
        self.expect_page("/triage/", "Incident from report R-")
            .await;
    }

    async fn text_of(&self, css: &str) -> String {
        self.driver
            .find(By::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css}: {e}"))
            .text()
            .await
            .unwrap()
    }

    /// The links and buttons in the header navigation, by their text.
    async fn nav_items(&self) -> Vec<String> {
        let mut items = Vec::new();
        for e in self
            .driver
            .find_all(By::Css("header nav a, header nav button"))
            .await
            .unwrap()
        {
            items.push(e.text().await.unwrap().trim().to_string());
        }
        items
    }

    async fn sign_in(&mut self, email: &str, password: &str) {
        self.follow(
            By::XPath("//header//a[normalize-space()='Sign in']"),
            "the Sign in link",
        )
        .await;
        self.expect_page("/login", "Sign in").await;
        self.fill("#email", email).await;
        self.fill("#password", password).await;
        self.follow(
            By::Css("form[action='/login'] button[type=submit]"),
            "the Sign in button",
        )
        .await;
    }

    async fn sign_out(&mut self) {
        self.follow(
            By::XPath("//header//button[normalize-space()='Sign out']"),
            "the Sign out button",
        )
        .await;
        self.expect_page("/", "Security through community").await;
        let nav = self.nav_items().await;
        assert!(
            nav.iter().any(|i| i == "Sign in") && !nav.iter().any(|i| i == "Sign out"),
            "after signing out the header shows {nav:?}"
        );
    }

    /// On the set-up page the portal sends a member to when a second factor
    /// is required: type the code for the key shown, and get recovery codes.
    /// Returns the key and the code used.
    async fn enrol_second_factor(&mut self) -> (String, String) {
        self.expect_page("/account/mfa", "Set up a second factor")
            .await;
        self.expect_notice("requires a second factor").await;
        let svg = self.driver.find_all(By::Css(".qr svg")).await.unwrap();
        assert_eq!(svg.len(), 1, "the QR code is an inline SVG");
        let secret = self.text_of("#totp-secret").await.trim().to_string();
        assert!(!secret.is_empty(), "no TOTP key on the page");
        let code = totp_code(&secret, unix_now());
        self.fill("input[name=code]", &code).await;
        self.follow(
            By::Css("form[action='/account/mfa'] button[type=submit]"),
            "the Turn on button",
        )
        .await;
        self.expect_page("/account/mfa", "Your recovery codes")
            .await;
        self.expect_notice("Your second factor is set up").await;
        let codes = self
            .driver
            .find_all(By::Css("#recovery-codes li"))
            .await
            .unwrap();
        assert_eq!(codes.len(), 10, "ten recovery codes are shown");
        self.follow(By::LinkText("Continue"), "the Continue link")
            .await;
        (secret, code)
    }
}

/// The invitation link in the mail the outbox holds for `to`.
fn invitation_link(outbox: &Path, to: &str, base: &str) -> String {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(outbox)
        .unwrap_or_else(|e| panic!("no outbox at {}: {e}", outbox.display()))
    {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "eml") {
            continue;
        }
        let raw = std::fs::read_to_string(&path).unwrap();
        // Quoted-printable: undo soft line breaks and the escaped `=`.
        let text = raw
            .replace("=\r\n", "")
            .replace("=\n", "")
            .replace("=3D", "=");
        let addressed = text
            .lines()
            .any(|l| l.to_ascii_lowercase().starts_with("to:") && l.contains(to));
        if addressed && let Some(at) = text.find("/invite/") {
            let start = text[..at].rfind(char::is_whitespace).map_or(0, |i| i + 1);
            let end = text[at..]
                .find(char::is_whitespace)
                .map_or(text.len(), |i| at + i);
            found.push(text[start..end].to_string());
        }
    }
    assert_eq!(
        found.len(),
        1,
        "expected one invitation to {to} in {}, found {found:?}",
        outbox.display()
    );
    let link = found.remove(0);
    assert!(
        link.starts_with(&format!("{base}/invite/")),
        "the invitation link {link} does not lead to the portal at {base}"
    );
    link
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs chromedriver and Chromium; run with --ignored"]
async fn membership_journey_in_a_browser() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("data");
    let profile = dir.path().join("chromium-profile");
    std::fs::create_dir_all(&data_dir).unwrap();
    std::fs::create_dir_all(&profile).unwrap();

    create_admin(dir.path(), &data_dir);
    let (_server, base) = start_portal(dir.path(), &data_dir).await;
    let (_chromedriver, driver_url) = start_chromedriver(dir.path()).await;
    let driver = start_browser(&driver_url, &profile, false).await;
    let mut portal = Portal {
        driver,
        base: base.clone(),
        pages: Vec::new(),
    };

    // JavaScript really is off in this browser.
    portal
        .driver
        .goto("data:text/html,<title>off</title><script>document.title='on'</script>")
        .await
        .unwrap();
    assert_eq!(
        portal.driver.title().await.unwrap(),
        "off",
        "JavaScript should be disabled in the browser"
    );

    // 1. A visitor applies for membership.
    println!("1. the visitor applies");
    portal.goto("/").await;
    portal.expect_page("/", "Security through community").await;
    let urls: Vec<String> = portal
        .driver
        .execute(PAGE_URLS_JS, Vec::new())
        .await
        .unwrap()
        .convert()
        .unwrap();
    assert!(
        urls.contains(&format!("{base}/static/lookout.css")),
        "the request check sees the stylesheet: {urls:?}"
    );
    portal
        .follow(
            By::XPath("//header//a[normalize-space()='Apply for membership']"),
            "the Apply link",
        )
        .await;
    portal.expect_page("/apply", "Apply for membership").await;
    portal.fill("#org_name", ORG_NAME).await;
    portal
        .click(
            By::Css("#org_kind option[value='ship-owner']"),
            "the ship-owner option",
        )
        .await;
    let kind = portal
        .driver
        .find(By::Id("org_kind"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kind.as_deref(), Some("ship-owner"));
    portal.fill("#contact_name", APPLICANT_NAME).await;
    portal.fill("#email", APPLICANT_EMAIL).await;
    portal
        .fill(
            "#message",
            "Company security officer for a fleet of twelve product tankers.",
        )
        .await;
    portal
        .follow(
            By::Css("form[action='/apply'] button[type=submit]"),
            "the Send application button",
        )
        .await;
    portal.expect_page("/apply", "Thank you").await;
    portal
        .expect_notice("Your application has been received")
        .await;

    // 2. The admin signs in and must enrol a second factor first.
    println!("2. the admin signs in and enrols a second factor");
    portal.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    portal.enrol_second_factor().await;
    portal.expect_page("/", "Welcome aboard, admin").await;
    let nav = portal.nav_items().await;
    assert!(
        nav.iter().any(|i| i == "Admin"),
        "the admin's header offers Admin: {nav:?}"
    );

    // 3. The admin approves the application.
    println!("3. the admin approves the application");
    portal.goto("/admin/applications").await;
    portal
        .expect_page("/admin/applications", "Applications")
        .await;
    let row = format!("//tr[td[contains(., '{ORG_NAME}')]]");
    let row_text = portal
        .driver
        .find(By::XPath(&row))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        row_text.contains(APPLICANT_EMAIL) && row_text.contains("Ship owner / operator"),
        "the application row reads {row_text:?}"
    );
    portal
        .follow(
            By::XPath(format!("{row}//button[normalize-space()='Approve']")),
            "the Approve button",
        )
        .await;
    portal
        .expect_page("/admin/applications/", "Applications")
        .await;
    portal
        .expect_notice(&format!("an invitation went to {APPLICANT_EMAIL}"))
        .await;
    let row_text = portal
        .driver
        .find(By::XPath(&row))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        row_text.contains("approved"),
        "the application now reads {row_text:?}"
    );

    // 4. The admin signs out.
    println!("4. the admin signs out");
    portal.sign_out().await;

    // 5. In a fresh session the applicant follows the emailed invitation.
    println!("5. the applicant accepts the invitation");
    portal.driver.delete_all_cookies().await.unwrap();
    let link = invitation_link(&data_dir.join("outbox"), APPLICANT_EMAIL, &base);
    portal.driver.goto(&link).await.unwrap();
    portal.expect_page("/invite/", "Join Lookout").await;
    let intro = portal.text_of("main p").await;
    assert!(
        intro.contains(APPLICANT_EMAIL) && intro.contains(ORG_NAME),
        "the invitation page reads {intro:?}"
    );
    portal.fill("#display_name", APPLICANT_NAME).await;
    portal.fill("#password", APPLICANT_PASSWORD).await;
    portal.fill("#confirm", APPLICANT_PASSWORD).await;
    portal
        .follow(
            By::Css("form[action^='/invite/'] button[type=submit]"),
            "the Create my account button",
        )
        .await;
    portal
        .expect_page("/", &format!("Welcome aboard, {APPLICANT_NAME}"))
        .await;

    // 6. The org-admin makes a second factor compulsory, and enrols one at
    // the next sign-in.
    println!("6. the org-admin requires a second factor of the organisation");
    portal
        .follow(
            By::XPath("//header//a[normalize-space()='Our members']"),
            "the Our members link",
        )
        .await;
    portal
        .expect_page("/org/members", &format!("{ORG_NAME}: members"))
        .await;
    let checkbox = By::Css("input[type=checkbox][name=mfa_required]");
    let ticked = portal.driver.find(checkbox.clone()).await.unwrap();
    assert!(!ticked.is_selected().await.unwrap(), "off to begin with");
    portal
        .click(
            By::XPath("//label[contains(., 'Require a second factor of all our members')]"),
            "the Require a second factor label",
        )
        .await;
    let ticked = portal.driver.find(checkbox.clone()).await.unwrap();
    assert!(ticked.is_selected().await.unwrap(), "ticking the box");
    portal
        .follow(
            By::XPath("//form[.//input[@name='mfa_required']]//button[normalize-space()='Save']"),
            "the Save button",
        )
        .await;
    portal
        .expect_page("/org/members", &format!("{ORG_NAME}: members"))
        .await;
    portal.goto("/org/members").await;
    portal
        .expect_page("/org/members", &format!("{ORG_NAME}: members"))
        .await;
    let ticked = portal.driver.find(checkbox.clone()).await.unwrap();
    assert!(
        ticked.is_selected().await.unwrap(),
        "the requirement is saved"
    );
    portal.sign_out().await;

    portal.sign_in(APPLICANT_EMAIL, APPLICANT_PASSWORD).await;
    let (secret, enrolment_code) = portal.enrol_second_factor().await;
    portal
        .expect_page("/", &format!("Welcome aboard, {APPLICANT_NAME}"))
        .await;
    portal.sign_out().await;

    // 7. From now on signing in asks for the second factor; the code used to
    // enrol is refused, the next one works.
    println!("7. the org-admin signs in with the second factor");
    portal.sign_in(APPLICANT_EMAIL, APPLICANT_PASSWORD).await;
    portal.expect_page("/login/mfa", "Second factor").await;
    portal.fill("#code", &enrolment_code).await;
    portal
        .follow(
            By::Css("form[action='/login/mfa'] button[type=submit]"),
            "the Continue button",
        )
        .await;
    portal.expect_page("/login/mfa", "Second factor").await;
    let error = portal.text_of("main .error").await;
    assert!(error.contains("code"), "a used code is refused: {error:?}");
    // A code from the next 30-second step: one the portal has not yet seen.
    portal
        .fill("#code", &totp_code(&secret, unix_now() + 30))
        .await;
    portal
        .follow(
            By::Css("form[action='/login/mfa'] button[type=submit]"),
            "the Continue button",
        )
        .await;
    portal
        .expect_page("/", &format!("Welcome aboard, {APPLICANT_NAME}"))
        .await;
    portal.sign_out().await;

    let Portal { driver, pages, .. } = portal;
    driver.quit().await.unwrap();
    println!(
        "checked {} pages in {:.1?}: {}",
        pages.len(),
        started.elapsed(),
        pages.join(" ")
    );
}

/// An anonymous report through the form, its receipt, an analyst's
/// question in triage, and the reporter's answer by receipt.
#[tokio::test]
#[ignore = "needs chromedriver and Chromium; run with --ignored"]
async fn anonymous_report_in_a_browser() {
    const NARRATIVE: &str = "Bridge GPS jumped 40 nm inland twice during the night watch.";
    const QUESTION: &str = "Did the AIS positions jump at the same time?";
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("data");
    let profile = dir.path().join("chromium-profile");
    std::fs::create_dir_all(&data_dir).unwrap();
    std::fs::create_dir_all(&profile).unwrap();
    create_staff(dir.path(), &data_dir, "analyst@op.example", "analyst");
    let (_server, base) = start_portal(dir.path(), &data_dir).await;
    let (_chromedriver, driver_url) = start_chromedriver(dir.path()).await;
    let driver = start_browser(&driver_url, &profile, false).await;
    let mut portal = Portal {
        driver,
        base,
        pages: Vec::new(),
    };

    println!("1. a seafarer reports anonymously");
    portal.goto("/").await;
    portal
        .follow(
            By::XPath("//header//a[normalize-space()='Report anonymously']"),
            "the Report link",
        )
        .await;
    portal.expect_page("/report", "Report an incident").await;
    // A mistake first: the date in the wrong format. Everything typed
    // comes back.
    portal.fill_report(NARRATIVE, "11/02/2026").await;
    portal.attach("#attachments", &photo()).await;
    portal
        .follow(By::Css("button[value=send]"), "Send report")
        .await;
    portal.expect_page("/report", "Report an incident").await;
    assert!(
        portal
            .body_text()
            .await
            .contains("Give the date of discovery as YYYY-MM-DD")
    );
    let kept = portal
        .driver
        .find(By::Id("narrative"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some(NARRATIVE));
    portal.fill("#discovered_on", "2026-02-11").await;
    // A look at the scrubbed text before sending.
    portal
        .follow(
            By::Css("button[value=preview]"),
            "Preview the scrubbed text",
        )
        .await;
    portal.expect_page("/report", "Report an incident").await;
    assert!(
        portal
            .text_of("#preview-narrative")
            .await
            .contains("inland")
    );
    // Browsers do not keep files on a form sent back: attach again.
    portal.attach("#attachments", &photo()).await;
    portal
        .follow(By::Css("button[value=send]"), "Send report")
        .await;
    portal.expect_page("/report", "Report received").await;
    let receipt = portal.text_of("#receipt").await;
    assert_eq!(
        receipt.split_whitespace().count(),
        12,
        "a twelve-word receipt: {receipt}"
    );
    let attachments = portal.text_of("#attachments").await;
    assert!(
        attachments.contains("photo-with-gps.jpg: removed"),
        "{attachments}"
    );

    println!("2. the analyst asks a question");
    portal.driver.delete_all_cookies().await.unwrap();
    portal.goto("/").await;
    portal.sign_in("analyst@op.example", ADMIN_PASSWORD).await;
    let (secret, _) = portal.enrol_second_factor().await;
    portal
        .follow(
            By::XPath("//header//a[normalize-space()='Triage']"),
            "the Triage link",
        )
        .await;
    portal.expect_page("/triage", "Triage").await;
    portal.follow(By::Css("main table a"), "the report").await;
    portal.expect_page("/triage/", "Report R-").await;
    assert!(portal.text_of("#narrative").await.contains(NARRATIVE));
    portal.fill("#body", QUESTION).await;
    portal
        .follow(
            By::Css("form[action$='/message'] button[type=submit]"),
            "Send",
        )
        .await;
    portal.expect_page("/triage/", "Report R-").await;
    portal.sign_out().await;

    println!("3. the seafarer returns with the receipt and answers");
    portal.driver.delete_all_cookies().await.unwrap();
    portal.goto("/report/follow-up").await;
    portal
        .expect_page("/report/follow-up", "Follow up a report")
        .await;
    portal.fill("#receipt", &receipt).await;
    portal
        .follow(
            By::Css("form[action^='/report/follow-up'] button[type=submit]"),
            "Open my report",
        )
        .await;
    portal
        .expect_page("/report/follow-up", "Follow up a report")
        .await;
    assert!(portal.body_text().await.contains(QUESTION));
    portal
        .fill(
            "#reply",
            "Yes, AIS showed us at the airport as well. Call me, Zebedee, on +47 912 34 567.",
        )
        .await;
    // Scrubbed like the report: previewed first, then sent as shown.
    portal
        .follow(
            By::Css("form[action^='/report/follow-up'] button[value=preview]"),
            "Preview the scrubbed answer",
        )
        .await;
    portal
        .expect_page("/report/follow-up", "Follow up a report")
        .await;
    portal.fill("#scrub_terms", "Zebedee").await;
    portal
        .follow(
            By::Css("form[action^='/report/follow-up'] button[value=send]"),
            "Send",
        )
        .await;
    portal
        .expect_page("/report/follow-up", "Follow up a report")
        .await;
    portal.expect_notice("Your answer was sent").await;
    let page = portal.body_text().await;
    assert!(page.contains("AIS showed us at the airport"), "{page}");
    assert!(
        !page.contains("912 34 567"),
        "the phone number was scrubbed: {page}"
    );
    assert!(
        !page.contains("Call me, Zebedee"),
        "the reporter's word was removed: {page}"
    );

    println!("4. the analyst publishes it with the cleaned photo");
    portal.driver.delete_all_cookies().await.unwrap();
    portal.goto("/").await;
    portal.sign_in("analyst@op.example", ADMIN_PASSWORD).await;
    portal.expect_page("/login/mfa", "Second factor").await;
    // The next time step: the enrolment's code may not be used twice.
    portal
        .fill("#code", &totp_code(&secret, unix_now() + 30))
        .await;
    portal
        .follow(
            By::Css("form[action='/login/mfa'] button[type=submit]"),
            "Confirm",
        )
        .await;
    portal.goto("/triage").await;
    portal.follow(By::Css("main table a"), "the report").await;
    portal.expect_page("/triage/", "Report R-").await;
    assert!(portal.text_of("#attachments").await.contains("JPEG"));
    portal.prepare_incident().await;
    portal
        .click(By::Css("input[name=publish_attachment]"), "the photo's box")
        .await;
    // The only incident: the publication check warns and asks to confirm.
    portal
        .click(By::Css("input[name=publish_anyway]"), "Publish anyway")
        .await;
    portal
        .follow(By::Css("button[value=publish]"), "Publish")
        .await;
    portal
        .expect_page("/triage/", "Incident from report R-")
        .await;
    portal.expect_notice("Published.").await;
    portal
        .follow(
            By::XPath("//header//a[normalize-space()='Incidents']"),
            "the Incidents link",
        )
        .await;
    portal.expect_page("/incidents", "Incidents").await;
    portal.follow(By::Css("main table a"), "the incident").await;
    portal.expect_page("/incidents/", "GNSS").await;
    assert!(
        portal
            .text_of("#attachments")
            .await
            .contains("Attachment 1")
    );

    let Portal { driver, pages, .. } = portal;
    driver.quit().await.unwrap();
    println!("checked {} pages: {}", pages.len(), pages.join(" "));
}

fn lookout_admin(dir: &Path, data_dir: &Path, args: &[&str], stdin: &str) {
    let mut child = lookout(dir)
        .args(["admin"])
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run lookout admin");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "lookout admin {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs chromedriver and Chromium; run with --ignored"]
async fn membership_tokens_in_a_browser() {
    const MEMBER: &str = "cso@gulfstar.example";
    const NARRATIVE: &str = "Our AIS showed a second vessel with our MMSI off Novorossiysk.";
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("data");
    let profile = dir.path().join("chromium-profile");
    std::fs::create_dir_all(&data_dir).unwrap();
    std::fs::create_dir_all(&profile).unwrap();
    create_staff(dir.path(), &data_dir, "analyst@op.example", "analyst");
    create_org_with_member(dir.path(), &data_dir, ORG_NAME, MEMBER);
    let (_server, base) = start_portal(dir.path(), &data_dir).await;
    let (_chromedriver, driver_url) = start_chromedriver(dir.path()).await;
    // The tokens are blinded by the page's script: JavaScript on.
    let driver = start_browser(&driver_url, &profile, true).await;
    let mut portal = Portal {
        driver,
        base,
        pages: Vec::new(),
    };

    println!("1. a member fetches two tokens in the browser");
    portal.goto("/").await;
    portal.sign_in(MEMBER, ADMIN_PASSWORD).await;
    portal
        .follow(
            By::XPath("//header//a[normalize-space()='Tokens']"),
            "the Tokens link",
        )
        .await;
    portal.expect_page("/tokens", "Membership tokens").await;
    assert_eq!(portal.text_of("#token-taken").await, "0");
    portal.fill("#token-count", "2").await;
    portal
        .click(By::Css("#token-fetch button[type=submit]"), "Fetch tokens")
        .await;
    portal
        .wait_for_text("#token-status", "2 tokens saved")
        .await;
    // The key list fetched without the cookie names the key this page does.
    portal
        .wait_for_text("#token-key-checked", "names the same key")
        .await;
    assert!(
        portal
            .text_of("#token-key-checked")
            .await
            .contains(&portal.text_of("#token-key-id").await)
    );
    assert_eq!(portal.text_of("#token-saved-count").await, "2");
    assert_eq!(portal.text_of("#token-taken").await, "2");

    println!("2. spending one in the same session is refused, nothing lost");
    portal.goto("/report").await;
    portal.expect_page("/report", "Report an incident").await;
    portal.wait_for_text("#token-use", "2 left").await;
    portal
        .click(By::Id("token-use-button"), "Use a saved token")
        .await;
    let token = portal.value_of("#membership_token").await;
    assert!(token.starts_with("lmt1."), "{token}");
    portal
        .click(By::Css("input[name=mode][value=anonymous]"), "Anonymous")
        .await;
    portal.fill_report(NARRATIVE, "2026-02-11").await;
    portal
        .follow(By::Css("button[value=send]"), "Send report")
        .await;
    portal.expect_page("/report", "Report an incident").await;
    assert!(
        portal
            .body_text()
            .await
            .contains("You fetched membership tokens while signed in")
    );
    assert_eq!(portal.value_of("#narrative").await, NARRATIVE);
    assert_eq!(portal.value_of("#membership_token").await, token);

    println!("3. signed out, the token is accepted");
    portal.sign_out().await;
    portal.goto("/report").await;
    portal.expect_page("/report", "Report an incident").await;
    portal.wait_for_text("#token-use", "2 left").await;
    portal
        .click(By::Id("token-use-button"), "Use a saved token")
        .await;
    assert_eq!(portal.value_of("#membership_token").await, token);
    portal.fill_report(NARRATIVE, "2026-02-11").await;
    portal
        .follow(By::Css("button[value=send]"), "Send report")
        .await;
    // Told first how many members hold tokens of the key; then sent.
    portal.expect_page("/report", "Report an incident").await;
    let told = portal.text_of("#token-set").await;
    assert!(
        told.contains("Nothing was sent yet") && told.contains("held by 1 member"),
        "{told}"
    );
    assert_eq!(portal.value_of("#membership_token").await, token);
    portal
        .follow(By::Css("button[value=send]"), "Send report")
        .await;
    portal.expect_page("/report", "Report received").await;
    assert!(
        portal
            .text_of("#token-accepted")
            .await
            .contains("verified member")
    );

    println!("4. the same token again is refused, the report text kept");
    portal.goto("/report").await;
    portal.expect_page("/report", "Report an incident").await;
    portal.wait_for_text("#token-use", "1 left").await;
    portal.fill("#membership_token", &token).await;
    portal.fill_report(NARRATIVE, "2026-02-11").await;
    portal
        .follow(By::Css("button[value=send]"), "Send report")
        .await;
    portal.expect_page("/report", "Report an incident").await;
    assert!(portal.body_text().await.contains("already been used"));
    assert_eq!(portal.value_of("#narrative").await, NARRATIVE);

    println!("5. the analyst sees a report from a verified member");
    portal.driver.delete_all_cookies().await.unwrap();
    portal.goto("/").await;
    portal.sign_in("analyst@op.example", ADMIN_PASSWORD).await;
    portal.enrol_second_factor().await;
    portal.goto("/triage").await;
    portal.expect_page("/triage", "Triage").await;
    assert_eq!(
        portal.body_text().await.matches("verified member").count(),
        1
    );

    let Portal { driver, pages, .. } = portal;
    driver.quit().await.unwrap();
    println!("checked {} pages: {}", pages.len(), pages.join(" "));
}

/// The calendar year of a Unix time (UTC).
fn year_of(unix_seconds: u64) -> i64 {
    // Howard Hinnant's days-to-civil, enough of it for the year.
    let days = i64::try_from(unix_seconds / 86_400).unwrap() + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    year_of_era + era * 400 + i64::from(month_index >= 10)
}

/// Statistics as the industry and an analyst see them: the public summary
/// with its charts, tables and downloads, updating by itself when the
/// analyst publishes a TLP:CLEAR incident in another tab; then the members'
/// statistics narrowed to one class, and the incident map. JavaScript is on
/// here (the live update needs it); the pages work without it, which the
/// page-weight crawl and the other journeys show.
#[tokio::test]
#[ignore = "needs chromium and chromedriver; run in CI"]
async fn statistics_in_a_browser() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("data");
    let profile = dir.path().join("chromium-profile");
    std::fs::create_dir_all(&data_dir).unwrap();
    std::fs::create_dir_all(&profile).unwrap();
    create_staff(dir.path(), &data_dir, "analyst@op.example", "analyst");
    // Figures move in batches of k incidents: k = 2 lets two publications
    // show the live update.
    let (_server, base) = start_portal_with(
        dir.path(),
        &data_dir,
        &["--demo"],
        &[("LOOKOUT_STATS_MIN_COUNT", "2")],
    )
    .await;
    let (_chromedriver, driver_url) = start_chromedriver(dir.path()).await;
    let driver = start_browser(&driver_url, &profile, true).await;
    let mut portal = Portal {
        driver,
        base: base.clone(),
        pages: Vec::new(),
    };

    println!("1. anyone reads the public summary");
    portal.goto("/").await;
    portal
        .follow(
            By::XPath("//header//a[normalize-space()='Statistics']"),
            "the Statistics link",
        )
        .await;
    portal
        .expect_page("/stats/public", "Maritime crime at a glance")
        .await;
    let charts = portal
        .driver
        .find_all(By::Css("figure.chart svg"))
        .await
        .unwrap();
    assert!(charts.len() >= 3, "{} charts", charts.len());
    let class_rows = portal
        .driver
        .find_all(By::Css("#h-class ~ .pair table tbody tr"))
        .await
        .unwrap();
    assert!(
        !class_rows.is_empty(),
        "a data table beside the class chart"
    );
    let csv_link = portal
        .driver
        .find(By::Css("a[href*='class.csv']"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let csv = reqwest::get(format!("{base}{}", csv_link.trim_start_matches(&base)))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.starts_with("id,label,incidents,suppressed"), "{csv}");

    // The year of the demo's reports waiting in triage (two days ago).
    let year = year_of(unix_now() - 2 * 86_400);
    portal.goto(&format!("/stats/public?year={year}")).await;
    portal
        .expect_page("/stats/public", "Maritime crime at a glance")
        .await;
    portal.wait_for_text("#live-status", "Updates live").await;
    let before: u64 = portal
        .text_of("#stats-total strong")
        .await
        .parse()
        .expect("the year's total is shown");
    let public_tab = portal.driver.window().await.unwrap();

    println!("2. an analyst publishes two TLP:CLEAR incidents in another tab");
    let analyst_tab = portal.driver.new_tab().await.unwrap();
    portal.driver.switch_to_window(analyst_tab).await.unwrap();
    portal.goto("/").await;
    portal.sign_in("analyst@op.example", ADMIN_PASSWORD).await;
    portal.enrol_second_factor().await;
    for _ in 0..2 {
        portal.goto("/triage?status=new").await;
        portal.follow(By::Css("main table a"), "a new report").await;
        portal.expect_page("/triage/", "Report R-").await;
        portal.prepare_incident().await;
        portal
            .click(By::Css("#tlp option[value='clear']"), "TLP:CLEAR")
            .await;
        for confirmation in ["confirmed", "publish_anyway"] {
            let css = format!("input[name={confirmation}]");
            if portal.driver.find(By::Css(&css)).await.is_ok() {
                portal.click(By::Css(&css), "the confirmation box").await;
            }
        }
        portal
            .follow(By::Css("button[value=publish]"), "Publish")
            .await;
        portal.expect_notice("Published.").await;
    }

    println!("3. the public page updates by itself");
    portal.driver.switch_to_window(public_tab).await.unwrap();
    portal.wait_for_text("#live-status", "Updated at").await;
    let after: u64 = portal.text_of("#stats-total strong").await.parse().unwrap();
    assert_eq!(after, before + 2, "the batch of new incidents is counted");

    println!("4. the analyst narrows the statistics to one class, then the map");
    portal.goto("/").await;
    portal
        .follow(
            By::XPath("//header//a[normalize-space()='Statistics']"),
            "the Statistics link",
        )
        .await;
    portal.expect_page("/stats", "Statistics").await;
    portal
        .click(
            By::Css("#class option[value='gnss-jamming']"),
            "GNSS jamming",
        )
        .await;
    portal
        .follow(By::Css("form.filters button[type=submit]"), "Show")
        .await;
    portal.expect_page("/stats", "Statistics").await;
    assert!(
        portal
            .text_of("#stats-total")
            .await
            .contains("for GNSS jamming")
    );
    assert!(
        portal.driver.find(By::Css("#h-sea_area")).await.is_ok(),
        "the class's sea areas are shown"
    );
    portal
        .follow(
            By::XPath("//a[normalize-space()='Incident map for this view']"),
            "the map link",
        )
        .await;
    portal.expect_page("/stats/map", "Incident map").await;
    assert!(
        portal
            .driver
            .find(By::Css("figure.map svg.incident-map"))
            .await
            .is_ok()
    );

    let Portal { driver, pages, .. } = portal;
    driver.quit().await.unwrap();
    println!("checked {} pages: {}", pages.len(), pages.join(" "));
}

/// Emails in the portal's file outbox addressed to `to` and containing
/// `needle` (quoted-printable soft breaks undone).
fn mails_to(outbox: &Path, to: &str, needle: &str) -> usize {
    let Ok(entries) = std::fs::read_dir(outbox) else {
        return 0;
    };
    entries
        .filter_map(|e| std::fs::read_to_string(e.unwrap().path()).ok())
        .map(|raw| {
            raw.replace("=\r\n", "")
                .replace("=\n", "")
                .replace("=3D", "=")
        })
        .filter(|text| {
            text.lines()
                .any(|l| l.to_ascii_lowercase().starts_with("to:") && l.contains(to))
                && text.contains(needle)
        })
        .count()
}

/// Rapid alerts as a member sees them: the member chooses what to receive
/// on /alerts and keeps the page open; an analyst, in another browser
/// session, publishes a moderate advisory (one analyst suffices); the
/// member's open page shows the new alert at the top of the list without
/// a reload (server-sent events, `static/alerts.js`), and the member
/// follows it to the advisory, rendered from Markdown. JavaScript is on
/// (the live update needs it); without it the page shows new alerts on
/// reload, which the end of the journey checks too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs chromedriver and Chromium; run with --ignored"]
async fn alerts_in_a_browser() {
    const MEMBER: &str = "cso@gulfstar.example";
    const ANALYST: &str = "analyst@op.example";
    const TITLE: &str = "Fake chart updates on USB sticks";
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("data");
    let member_profile = dir.path().join("member-profile");
    let analyst_profile = dir.path().join("analyst-profile");
    for path in [&data_dir, &member_profile, &analyst_profile] {
        std::fs::create_dir_all(path).unwrap();
    }
    create_staff(dir.path(), &data_dir, ANALYST, "analyst");
    create_org_with_member(dir.path(), &data_dir, ORG_NAME, MEMBER);
    let (_server, base) = start_portal(dir.path(), &data_dir).await;
    let (_chromedriver, driver_url) = start_chromedriver(dir.path()).await;
    // Two browser sessions, each with its own cookies: the member's and
    // the analyst's.
    let mut member = Portal {
        driver: start_browser(&driver_url, &member_profile, true).await,
        base: base.clone(),
        pages: Vec::new(),
    };
    let mut analyst = Portal {
        driver: start_browser(&driver_url, &analyst_profile, true).await,
        base: base.clone(),
        pages: Vec::new(),
    };

    println!("1. the member chooses what to receive and keeps the alerts page open");
    member.goto("/").await;
    member.sign_in(MEMBER, ADMIN_PASSWORD).await;
    member
        .follow(
            By::XPath("//header//a[normalize-space()='Alerts']"),
            "the Alerts link",
        )
        .await;
    member.expect_page("/alerts", "Alerts").await;
    assert!(
        member.driver.find(By::Id("no-alerts")).await.is_ok(),
        "nothing received yet"
    );
    member
        .click(
            By::XPath("//label[contains(., 'Every newly published incident')]"),
            "the incidents box",
        )
        .await;
    member
        .click(By::Css("#min_severity option[value='1']"), "Low")
        .await;
    member
        .click(
            By::XPath("//label[contains(., 'Each alert as it happens')]"),
            "email for each alert",
        )
        .await;
    member
        .follow(
            By::Css("form[action='/alerts/settings'] button[type=submit]"),
            "Save what I receive",
        )
        .await;
    // Saved, then back on the alerts page; the member keeps it open.
    member.expect_page("/alerts", "Alerts").await;
    member
        .expect_notice("Saved: you will receive alerts as chosen below.")
        .await;
    for (css, what) in [
        ("input[name=advisories]", "advisories"),
        ("input[name=incidents]", "incidents"),
        ("input[name=email][value=immediate]", "email for each alert"),
    ] {
        let field = member.driver.find(By::Css(css)).await.unwrap();
        assert!(field.is_selected().await.unwrap(), "{what} is kept");
    }
    member
        .wait_for_text("#live-status", "Live: new alerts appear here")
        .await;
    // Gone if the page were loaded again.
    member
        .driver
        .execute("window.lookoutSamePage = 'yes'; return 1;", Vec::new())
        .await
        .unwrap();

    println!("2. an analyst publishes a moderate advisory in another session");
    analyst.goto("/").await;
    analyst.sign_in(ANALYST, ADMIN_PASSWORD).await;
    analyst.enrol_second_factor().await;
    analyst.goto("/advisories/new").await;
    analyst.expect_page("/advisories/new", "New advisory").await;
    analyst.fill("#title", TITLE).await;
    analyst
        .click(By::Css("#severity option[value='2']"), "Moderate")
        .await;
    analyst
        .click(By::Css("#tlp option[value='green']"), "TLP:GREEN")
        .await;
    analyst
        .fill(
            "#body",
            "Crews report **fake** chart updates handed over on USB sticks.\n\n\
             See [the supplier's notice](https://charts.example/notice).\n\n\
             <script>document.title = 'injected'</script>",
        )
        .await;
    analyst
        .fill(
            "#actions",
            "- Load charts only from the supplier's portal.\n- Report every stick offered.",
        )
        .await;
    analyst
        .follow(By::Css("button[value=publish]"), "Publish")
        .await;
    analyst.expect_page("/advisories/", TITLE).await;
    let path = analyst
        .driver
        .current_url()
        .await
        .unwrap()
        .path()
        .to_string();

    println!("3. the member's open page shows it without a reload");
    member.wait_for_text("#live-status", "New alert at").await;
    let first = member.text_of("#alert-list li:first-child").await;
    assert!(
        first.contains(&format!("New advisory: {TITLE}")) && first.contains("TLP:GREEN"),
        "the newest alert reads {first:?}"
    );
    let items = member
        .driver
        .find_all(By::Css("#alert-list li"))
        .await
        .unwrap();
    assert_eq!(items.len(), 1, "one alert, shown once");
    assert_eq!(
        items[0].class_name().await.unwrap().as_deref(),
        Some("unread")
    );
    assert!(
        member.driver.find(By::Id("no-alerts")).await.is_err(),
        "the empty-list note is gone"
    );
    let same: String = member
        .driver
        .execute("return String(window.lookoutSamePage);", Vec::new())
        .await
        .unwrap()
        .convert()
        .unwrap();
    assert_eq!(same, "yes", "the page was not reloaded");

    println!("4. the member follows the alert to the advisory");
    member
        .follow(By::Css("#alert-list li:first-child a"), "the new alert")
        .await;
    member.expect_page(&path, TITLE).await;
    assert_eq!(
        member.text_of("#advisory .prose strong").await,
        "fake",
        "Markdown emphasis is rendered"
    );
    let link = member
        .driver
        .find(By::Css("#advisory .prose a"))
        .await
        .unwrap();
    assert_eq!(link.text().await.unwrap(), "the supplier's notice");
    assert_eq!(
        link.attr("href").await.unwrap().as_deref(),
        Some("https://charts.example/notice")
    );
    let rel = link.attr("rel").await.unwrap().unwrap_or_default();
    for word in ["noopener", "noreferrer", "nofollow"] {
        assert!(rel.split(' ').any(|w| w == word), "rel={rel:?}");
    }
    let actions = member
        .driver
        .find_all(By::Css("#actions li"))
        .await
        .unwrap();
    assert_eq!(actions.len(), 2, "the recommended actions are a list");
    assert!(
        !member.body_text().await.contains("**"),
        "no Markdown left raw"
    );
    assert_ne!(
        member.driver.title().await.unwrap(),
        "injected",
        "raw HTML in Markdown does not run"
    );
    assert_eq!(member.text_of("#severity").await, "Moderate");

    println!("5. the alert is on the page after a reload, and came by email");
    member.goto("/alerts").await;
    member.expect_page("/alerts", "Alerts").await;
    assert!(
        member
            .text_of("#alert-list li:first-child")
            .await
            .contains(TITLE)
    );
    let outbox = data_dir.join("outbox");
    let started = Instant::now();
    while mails_to(&outbox, MEMBER, TITLE) == 0 {
        assert!(
            started.elapsed() < PAGE_WAIT,
            "no alert email to {MEMBER} in {}",
            outbox.display()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(mails_to(&outbox, MEMBER, TITLE), 1, "one email per alert");

    let Portal { driver, pages, .. } = member;
    driver.quit().await.unwrap();
    analyst.driver.quit().await.unwrap();
    println!("member saw {} pages: {}", pages.len(), pages.join(" "));
}

/// A member analyses a macro document with JavaScript off (the result page
/// reloads itself), reads the verdict and starts a report from it; an
/// analyst finds the upload and the sample download.
#[tokio::test]
#[ignore = "needs chromedriver and Chromium; run with --ignored"]
async fn file_analysis_in_a_browser() {
    const MEMBER: &str = "cso@gulfstar.example";
    const ANALYST: &str = "analyst@op.example";
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("data");
    let member_profile = dir.path().join("member-profile");
    let analyst_profile = dir.path().join("analyst-profile");
    for path in [&data_dir, &member_profile, &analyst_profile] {
        std::fs::create_dir_all(path).unwrap();
    }
    let document = dir.path().join("Bunker_invoice_0412.doc");
    std::fs::write(&document, lookout_analysis::samples::word_doc_with_macro()).unwrap();
    create_staff(dir.path(), &data_dir, ANALYST, "analyst");
    create_org_with_member(dir.path(), &data_dir, ORG_NAME, MEMBER);
    let (_server, base) = start_portal(dir.path(), &data_dir).await;
    let (_chromedriver, driver_url) = start_chromedriver(dir.path()).await;
    let mut member = Portal {
        driver: start_browser(&driver_url, &member_profile, false).await,
        base: base.clone(),
        pages: Vec::new(),
    };

    println!("1. the member uploads the document, sharing it with all members");
    member.goto("/").await;
    member.sign_in(MEMBER, ADMIN_PASSWORD).await;
    member
        .follow(
            By::XPath("//header//a[normalize-space()='File analysis']"),
            "the File analysis link",
        )
        .await;
    member.expect_page("/analysis", "File analysis").await;
    member.attach("#file", &document).await;
    member
        .click(By::Css("input[name=tlp][value=green]"), "TLP:GREEN")
        .await;
    member
        .follow(
            By::XPath("//button[normalize-space()='Analyse']"),
            "Analyse",
        )
        .await;
    member.expect_page("/analysis/", "Analysis A-").await;

    println!("2. the page reloads by itself until the verdict is in");
    member
        .wait_for_text("#summary", "behaves like malware")
        .await;
    member.check_self_contained().await;
    let reasons = member.text_of("#reasons").await;
    assert!(
        reasons.contains("AutoOpen") && reasons.contains("Shell"),
        "the reasons name the auto-run macro and what it calls: {reasons}"
    );
    assert_eq!(
        member.text_of("#file-name").await,
        "Bunker_invoice_0412.doc"
    );
    let sha256 = member.text_of("#sha256").await;
    assert_eq!(sha256.len(), 64);
    assert!(
        member.driver.find(By::Id("sample-zip")).await.is_err(),
        "members are never offered the sample"
    );
    let analysis_path = member
        .driver
        .current_url()
        .await
        .unwrap()
        .path()
        .to_string();

    println!(
        "3. one link starts a report with the file's indicators, never its analysis; \
         its hashes once the member, told what they reveal, asks"
    );
    member
        .follow(By::Id("attach"), "Report an incident with this file")
        .await;
    member.expect_page("/report", "Report").await;
    let reference = analysis_path.trim_start_matches("/analysis/").to_string();
    let indicators = member.value_of("#indicators").await;
    assert!(!indicators.contains(&sha256), "{indicators}");
    let narrative = member.value_of("#narrative").await;
    assert!(!narrative.contains(&reference), "{narrative}");
    assert!(
        member
            .text_of("#started-from")
            .await
            .contains("tie an anonymous or confidential report to your account")
    );
    member
        .follow(By::Id("include-hashes"), "Add the file's hashes anyway")
        .await;
    member.expect_page("/report", "Report").await;
    let indicators = member.value_of("#indicators").await;
    assert!(
        indicators.contains(&format!("SHA-256 {sha256}")),
        "{indicators}"
    );
    assert!(!member.value_of("#narrative").await.contains(&reference));

    println!("4. an analyst finds the upload and may take the sample");
    let mut analyst = Portal {
        driver: start_browser(&driver_url, &analyst_profile, false).await,
        base: base.clone(),
        pages: Vec::new(),
    };
    analyst.goto("/").await;
    analyst.sign_in(ANALYST, ADMIN_PASSWORD).await;
    analyst.enrol_second_factor().await;
    analyst.goto("/analysis").await;
    analyst.expect_page("/analysis", "File analysis").await;
    analyst
        .follow(By::Css("#everyone a"), "the member's upload")
        .await;
    analyst.expect_page(&analysis_path, "Analysis A-").await;
    let link = analyst.driver.find(By::Id("sample-zip")).await.unwrap();
    assert_eq!(
        link.attr("href").await.unwrap().as_deref(),
        Some(format!("{analysis_path}/sample.zip").as_str())
    );
    assert!(
        analyst.driver.find(By::Id("file-name")).await.is_ok(),
        "analysts see the file name"
    );

    let Portal { driver, pages, .. } = member;
    driver.quit().await.unwrap();
    analyst.driver.quit().await.unwrap();
    println!("member saw {} pages: {}", pages.len(), pages.join(" "));
}

/// The forum and the knowledge base in a browser with JavaScript off: an
/// admin opens a category; a member starts a thread mentioning another,
/// who answers under a pseudonym and then under their name; the first
/// reports the pseudonymous post, a moderator hides it and locks the
/// thread; an editor writes a playbook that a second editor reviews and
/// publishes; a member finds it with the search.
#[tokio::test]
#[ignore = "needs chromedriver and Chromium; run with --ignored"]
async fn forum_and_knowledge_base_in_a_browser() {
    const TOM: &str = "tom@northwind.example";
    const OSKAR: &str = "oskar@baltic.example";
    const MODERATOR: &str = "mo@op.example";
    const EDITOR: &str = "elena@op.example";
    const REVIEWER: &str = "omar@op.example";
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("data");
    let profile = dir.path().join("profile");
    for path in [&data_dir, &profile] {
        std::fs::create_dir_all(path).unwrap();
    }
    create_admin(dir.path(), &data_dir);
    create_staff(dir.path(), &data_dir, MODERATOR, "moderator");
    create_staff(dir.path(), &data_dir, EDITOR, "editor");
    create_staff(dir.path(), &data_dir, REVIEWER, "editor");
    create_org_with_member(dir.path(), &data_dir, "Northwind Tankers", TOM);
    create_org_with_member(dir.path(), &data_dir, "Baltic Bulk", OSKAR);
    let (_server, base) = start_portal(dir.path(), &data_dir).await;
    let (_chromedriver, driver_url) = start_chromedriver(dir.path()).await;
    let mut portal = Portal {
        driver: start_browser(&driver_url, &profile, false).await,
        base,
        pages: Vec::new(),
    };
    let button = |text: &str| By::XPath(format!("//button[normalize-space()='{text}']"));

    println!("1. the admin opens a category");
    portal.goto("/").await;
    portal.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    portal.enrol_second_factor().await;
    portal.goto("/admin/forum").await;
    portal.expect_page("/admin/forum", "Forum categories").await;
    portal.fill("#slug", "general").await;
    portal.fill("#name", "General discussion").await;
    portal
        .follow(button("Save category"), "Save category")
        .await;
    portal.expect_page("/admin/forum", "Forum categories").await;
    portal.sign_out().await;

    println!("2. a member starts a thread and mentions another");
    portal.sign_in(TOM, ADMIN_PASSWORD).await;
    portal
        .follow(
            By::XPath("//header//a[normalize-space()='Forum']"),
            "the Forum link",
        )
        .await;
    portal.expect_page("/forum", "Forum").await;
    portal
        .follow(By::LinkText("General discussion"), "the category")
        .await;
    portal
        .expect_page("/forum/c/general", "General discussion")
        .await;
    portal
        .follow(By::LinkText("Start a thread"), "Start a thread")
        .await;
    portal
        .expect_page("/forum/c/general/new", "New thread")
        .await;
    portal.fill("#title", "Fake bunker invoices").await;
    portal
        .fill(
            "#body",
            "Two invoices asked for **new bank details**. @oskar have you seen them?",
        )
        .await;
    portal
        .follow(button("Post the thread"), "Post the thread")
        .await;
    portal
        .expect_page("/forum/t/", "Fake bunker invoices")
        .await;
    portal.expect_notice("Posted.").await;
    let thread = portal
        .driver
        .current_url()
        .await
        .unwrap()
        .path()
        .to_string();
    assert_eq!(portal.text_of("#p1 .author").await, "tom");
    portal.sign_out().await;

    println!("3. the other answers under a pseudonym, then under his name");
    portal.sign_in(OSKAR, ADMIN_PASSWORD).await;
    portal.goto("/alerts").await;
    portal.expect_page("/alerts", "Alerts").await;
    assert!(
        portal.body_text().await.contains("Mentioned in the forum"),
        "the mention reached the alerts page"
    );
    portal.goto(&thread).await;
    portal.expect_page(&thread, "Fake bunker invoices").await;
    let pseudonym = portal.text_of("#my-pseudonym").await;
    portal.fill("#body", "Yes: from a look-alike domain.").await;
    portal
        .click(By::Css("input[name=pseudonymous]"), "the pseudonym box")
        .await;
    portal.follow(button("Post reply"), "Post reply").await;
    portal.expect_page(&thread, "Fake bunker invoices").await;
    assert_eq!(portal.text_of("#p2 .author").await, pseudonym);
    assert!(!portal.text_of("#p2").await.contains("oskar"));
    portal
        .fill(
            "#body",
            "Speaking for Baltic Bulk: we call back on known numbers.",
        )
        .await;
    portal.follow(button("Post reply"), "Post reply").await;
    portal.expect_page(&thread, "Fake bunker invoices").await;
    assert_eq!(portal.text_of("#p3 .author").await, "oskar");
    portal.sign_out().await;

    println!("4. the first member reports the pseudonymous post");
    portal.sign_in(TOM, ADMIN_PASSWORD).await;
    portal.goto(&thread).await;
    portal.expect_page(&thread, "Fake bunker invoices").await;
    portal
        .follow(By::Css("#p2 a[href$='/report']"), "Report")
        .await;
    portal
        .expect_page(&format!("{thread}/2/report"), "Report post #2")
        .await;
    portal.fill("#reason", "Names a supplier's domain.").await;
    portal
        .follow(
            button("Report to the moderators"),
            "Report to the moderators",
        )
        .await;
    portal
        .expect_page(&format!("{thread}/2/report"), "Report post #2")
        .await;
    portal.sign_out().await;

    println!("5. a moderator hides it and locks the thread");
    portal.sign_in(MODERATOR, ADMIN_PASSWORD).await;
    portal.enrol_second_factor().await;
    portal.goto("/forum/moderation").await;
    portal
        .expect_page("/forum/moderation", "Reported posts")
        .await;
    assert!(
        portal
            .text_of("#flags")
            .await
            .contains("Names a supplier's domain.")
    );
    portal.follow(By::LinkText("Moderate"), "Moderate").await;
    portal
        .expect_page(&format!("{thread}/2/moderate"), "Moderate post #2")
        .await;
    portal.fill("#reason", "Names a company").await;
    portal
        .follow(button("Hide this post"), "Hide this post")
        .await;
    portal.expect_page(&thread, "Fake bunker invoices").await;
    portal.follow(button("Lock"), "Lock").await;
    portal.expect_page(&thread, "Fake bunker invoices").await;
    portal.sign_out().await;
    portal.sign_in(TOM, ADMIN_PASSWORD).await;
    portal.goto(&thread).await;
    portal.expect_page(&thread, "Fake bunker invoices").await;
    assert!(
        portal
            .text_of("#p2")
            .await
            .contains("Hidden by a moderator: Names a company")
    );
    assert!(!portal.text_of("#p2").await.contains("look-alike domain"));
    assert!(portal.text_of("#locked").await.contains("locked"));
    assert!(
        portal.driver.find(By::Id("reply")).await.is_err(),
        "no reply form"
    );
    portal.sign_out().await;

    println!("6. an editor writes a playbook; a second editor publishes it");
    portal.sign_in(EDITOR, ADMIN_PASSWORD).await;
    portal.enrol_second_factor().await;
    portal
        .follow(
            By::XPath("//header//a[normalize-space()='Knowledge base']"),
            "the Knowledge base link",
        )
        .await;
    portal.expect_page("/kb", "Knowledge base").await;
    portal
        .follow(By::LinkText("Write an article"), "Write an article")
        .await;
    portal.expect_page("/kb/new", "New article").await;
    portal.fill("#title", "GNSS spoofing near port").await;
    portal
        .fill("#summary", "What the bridge team does when positions jump.")
        .await;
    portal
        .fill(
            "#body",
            "## First hour\n\n1. Cross-check the position by radar.\n2. Tell the master.",
        )
        .await;
    portal.fill("#tags", "gnss, navigation").await;
    portal
        .follow(button("Submit for review"), "Submit for review")
        .await;
    portal
        .expect_page("/kb/gnss-spoofing-near-port/edit", "Edit")
        .await;
    portal.expect_notice("Submitted for review").await;
    portal.sign_out().await;
    portal.sign_in(REVIEWER, ADMIN_PASSWORD).await;
    portal.enrol_second_factor().await;
    portal.goto("/kb/drafts").await;
    portal.expect_page("/kb/drafts", "Drafts and reviews").await;
    assert!(
        portal
            .text_of("#drafts")
            .await
            .contains("waiting for your review")
    );
    portal
        .follow(By::LinkText("GNSS spoofing near port"), "the draft")
        .await;
    portal
        .expect_page("/kb/gnss-spoofing-near-port/edit", "Edit")
        .await;
    portal.follow(button("Publish"), "Publish").await;
    portal
        .expect_page("/kb/gnss-spoofing-near-port", "GNSS spoofing near port")
        .await;
    portal.sign_out().await;

    println!("7. a member finds it with the search");
    portal.sign_in(OSKAR, ADMIN_PASSWORD).await;
    portal
        .follow(
            By::XPath("//header//a[normalize-space()='Search']"),
            "the Search link",
        )
        .await;
    portal.expect_page("/search", "Search").await;
    portal.fill("#q", "spoof radar").await;
    portal.follow(button("Search"), "Search").await;
    portal.expect_page("/search", "Search").await;
    let found = portal.text_of("#hits-kb").await;
    assert!(found.contains("GNSS spoofing near port"), "{found}");
    assert!(
        portal.driver.find(By::Css("#hits-kb mark")).await.is_ok(),
        "the words found are highlighted"
    );
    portal
        .follow(By::LinkText("GNSS spoofing near port"), "the hit")
        .await;
    portal
        .expect_page("/kb/gnss-spoofing-near-port", "GNSS spoofing near port")
        .await;
    assert!(
        portal
            .body_text()
            .await
            .contains("Cross-check the position by radar.")
    );

    let Portal { driver, pages, .. } = portal;
    driver.quit().await.unwrap();
    println!("saw {} pages: {}", pages.len(), pages.join(" "));
}
