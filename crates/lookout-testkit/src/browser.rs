//! The page object of the browser journeys: a portal started from the
//! real binary, chromedriver, headless Chromium, and [`Portal`], the browser
//! pointed at the portal with the checks every page must pass.
//!
//! Needs `chromedriver` and Chromium (Debian: `apt-get install chromium
//! chromium-driver`); `CHROMEDRIVER` and `CHROMIUM` override their paths.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use thirtyfour::prelude::*;

use crate::{KillOnDrop, Lookout, PortalProcess, totp_code, wait_until_up};

/// How long a page may take to appear after a click.
pub const PAGE_WAIT: Duration = Duration::from_secs(20);
/// How long a fully loaded page that is not the expected one is given to
/// change (a redirect still under way) before the test fails.
const SETTLE: Duration = Duration::from_secs(2);

/// What one journey runs on: a temporary directory holding the portal's
/// data directory and the browsers' profiles, the portal, and
/// chromedriver. Everything it started stops when it is dropped.
pub struct Journey {
    pub dir: tempfile::TempDir,
    pub data_dir: PathBuf,
    lookout: Lookout,
    portal: Option<PortalProcess>,
    chromedriver: Option<(KillOnDrop, String)>,
}

impl Journey {
    /// `bin` is the test's `env!("CARGO_BIN_EXE_lookout")`.
    pub fn new(bin: &str) -> Journey {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let data_dir = dir.path().join("data");
        std::fs::create_dir_all(&data_dir).expect("create the data directory");
        let lookout = Lookout::new(bin).in_dir(dir.path());
        Journey {
            dir,
            data_dir,
            lookout,
            portal: None,
            chromedriver: None,
        }
    }

    /// Where the portal writes mail when no SMTP server is configured.
    pub fn outbox(&self) -> PathBuf {
        self.data_dir.join("outbox")
    }

    /// `lookout admin ARGS` on the portal's data directory.
    pub fn admin(&self, args: &[&str], stdin: &str) {
        self.lookout.admin(&self.data_dir, None, args, Some(stdin));
    }

    /// An operator account (no organisation) with [`PASSWORD`](crate::PASSWORD).
    pub fn staff(&self, email: &str, role: &str) {
        self.lookout
            .create_user(&self.data_dir, None, email, role, None);
    }

    /// A ship-owner organisation with one member (password [`PASSWORD`](crate::PASSWORD)).
    pub fn org_with_member(&self, org: &str, email: &str) {
        self.admin(&["create-org", "--name", org, "--kind", "ship-owner"], "");
        self.lookout
            .create_user(&self.data_dir, None, email, "member", Some(org));
    }

    /// The portal, running from the real binary on a free port; its base
    /// URL.
    pub async fn start_portal(&mut self) -> String {
        self.start_portal_with(&[], &[]).await
    }

    /// [`Self::start_portal`] with more arguments to `lookout serve` and
    /// settings as environment variables.
    pub async fn start_portal_with(&mut self, extra: &[&str], settings: &[(&str, &str)]) -> String {
        let portal = self
            .lookout
            .serve(&self.data_dir)
            .args(extra)
            // Publish anonymous reports' incidents at once, so the test can
            // see them (the delay has its own tests).
            .envs(&[
                ("LOOKOUT_PUBLICATION_DELAY_MIN_HOURS", "0"),
                ("LOOKOUT_PUBLICATION_DELAY_MAX_HOURS", "0"),
                ("LOOKOUT_PUBLICATION_BATCH_HOURS", "0"),
            ])
            .envs(settings)
            .log_to(&self.dir.path().join("server.log"))
            .start()
            .await;
        let base = portal.base.clone();
        self.portal = Some(portal);
        base
    }

    /// A browser session of its own (cookies, profile) on the portal,
    /// with JavaScript on or off; chromedriver starts with the first.
    pub async fn browser(&mut self, profile: &str, javascript: bool) -> Portal {
        let base = match &self.portal {
            Some(portal) => portal.base.clone(),
            None => panic!("start the portal before a browser"),
        };
        let driver_url = match &self.chromedriver {
            Some((_, url)) => url.clone(),
            None => {
                let (driver, url) = start_chromedriver(self.dir.path()).await;
                self.chromedriver = Some((driver, url.clone()));
                url
            }
        };
        let profile = self.dir.path().join(profile);
        std::fs::create_dir_all(&profile).expect("create the browser profile");
        Portal {
            driver: start_browser(&driver_url, &profile, javascript).await,
            base,
            pages: Vec::new(),
        }
    }
}

/// chromedriver on a free port. A missing chromedriver fails the test: it
/// only runs when asked for, so it must not pass without a browser.
async fn start_chromedriver(dir: &Path) -> (KillOnDrop, String) {
    let program = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
    let port = crate::free_port();
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
    let mut driver = KillOnDrop::new(child, Some(log));
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
pub const PAGE_URLS_JS: &str = r#"
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
pub struct Portal {
    pub driver: WebDriver,
    pub base: String,
    /// The paths of the pages checked so far.
    pub pages: Vec<String>,
}

impl Portal {
    pub async fn goto(&mut self, path: &str) {
        self.driver
            .goto(format!("{}{path}", self.base))
            .await
            .unwrap_or_else(|e| panic!("open {path}: {e}"));
    }

    /// Waits until the browser shows `path` (a prefix when it ends in `/`)
    /// with a heading containing `heading`, then checks the page.
    pub async fn expect_page(&mut self, path: &str, heading: &str) {
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
    pub async fn check_self_contained(&self) {
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
        let urls = self.page_urls().await;
        assert!(!urls.is_empty(), "no URLs gathered on {url}");
        let origin = &self.base;
        for u in &urls {
            let local =
                u == origin || u.starts_with(&format!("{origin}/")) || u.starts_with("data:image/");
            assert!(local, "{url} refers to {u}, outside the portal ({origin})");
        }
    }

    /// Every URL the current page asked for or points a subresource at
    /// ([`PAGE_URLS_JS`]).
    pub async fn page_urls(&self) -> Vec<String> {
        self.driver
            .execute(PAGE_URLS_JS, Vec::new())
            .await
            .expect("gather the page's URLs")
            .convert()
            .expect("a list of URLs")
    }

    pub async fn body_text(&self) -> String {
        match self.driver.find(By::Tag("body")).await {
            Ok(body) => body.text().await.unwrap_or_default(),
            Err(e) => format!("(no body: {e})"),
        }
    }

    pub async fn notice(&self) -> String {
        match self.driver.find(By::Css("main .notice")).await {
            Ok(notice) => notice.text().await.unwrap(),
            Err(_) => panic!("no notice on the page:\n{}", self.body_text().await),
        }
    }

    pub async fn expect_notice(&self, expected: &str) {
        let notice = self.notice().await;
        assert!(
            notice.contains(expected),
            "the notice reads {notice:?}, expected it to contain {expected:?}"
        );
    }

    /// Chooses a file in a file input, as a person would in the dialog.
    pub async fn attach(&self, css: &str, path: &Path) {
        let input = self
            .driver
            .find(By::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no file input {css}: {e}"));
        input.send_keys(path.display().to_string()).await.unwrap();
    }

    pub async fn fill(&self, css: &str, text: &str) {
        let field = self
            .driver
            .find(By::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no field {css}: {e}"));
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    pub async fn click(&self, by: By, what: &str) {
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
    pub async fn follow(&self, by: By, what: &str) {
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

    /// Follows the header's link named `text` (its own words, without a
    /// count beside them), opening the menu group that holds it first, as
    /// a member would.
    pub async fn follow_header_link(&self, text: &str) {
        let link = By::XPath(format!("//header//a[normalize-space(text()[1])='{text}']"));
        self.open_menu_group_of(link.clone()).await;
        self.follow(link, &format!("the {text} link in the header"))
            .await;
    }

    /// Opens the header menu's group (a `<details>`) that holds `item`
    /// when the item is not displayed.
    async fn open_menu_group_of(&self, item: By) {
        let found = self
            .driver
            .find(item)
            .await
            .unwrap_or_else(|e| panic!("not in the header: {e}"));
        if !found.is_displayed().await.unwrap_or(false)
            && let Ok(group) = found.find(By::XPath("ancestor::details[1]/summary")).await
        {
            group.click().await.unwrap();
        }
    }

    /// Fills the report form as a seafarer would (GNSS spoofing in the
    /// Black Sea).
    pub async fn fill_report(&self, narrative: &str, discovered_on: &str) {
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
    pub async fn value_of(&self, css: &str) -> String {
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
    pub async fn wait_for_text(&self, css: &str, expected: &str) {
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
    pub async fn prepare_incident(&mut self) {
        self.follow(
            By::XPath("//a[normalize-space()='Prepare the sanitised incident']"),
            "Prepare the sanitised incident",
        )
        .await;
        self.expect_page("/triage/", "Incident from report R-")
            .await;
    }

    pub async fn text_of(&self, css: &str) -> String {
        self.driver
            .find(By::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css}: {e}"))
            .text()
            .await
            .unwrap()
    }

    /// The links and buttons in the header navigation, by their text.
    pub async fn nav_items(&self) -> Vec<String> {
        let mut items = Vec::new();
        for e in self
            .driver
            .find_all(By::Css("header nav a, header nav button"))
            .await
            .unwrap()
        {
            // Items of a closed menu group are not displayed: read what
            // they say, not what is visible.
            let text = e.prop("textContent").await.unwrap().unwrap_or_default();
            items.push(text.split_whitespace().collect::<Vec<_>>().join(" "));
        }
        items
    }

    pub async fn sign_in(&mut self, email: &str, password: &str) {
        self.follow_header_link("Sign in").await;
        self.expect_page("/login", "Sign in").await;
        self.fill("#email", email).await;
        self.fill("#password", password).await;
        self.follow(
            By::Css("form[action='/login'] button[type=submit]"),
            "the Sign in button",
        )
        .await;
    }

    pub async fn sign_out(&mut self) {
        let button = By::XPath("//header//button[normalize-space()='Sign out']");
        self.open_menu_group_of(button.clone()).await;
        self.follow(button, "the Sign out button").await;
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
    pub async fn enrol_second_factor(&mut self) -> (String, String) {
        self.expect_page("/account/mfa", "Set up a second factor")
            .await;
        self.expect_notice("requires a second factor").await;
        let svg = self.driver.find_all(By::Css(".qr svg")).await.unwrap();
        assert_eq!(svg.len(), 1, "the QR code is an inline SVG");
        let secret = self.text_of("#totp-secret").await.trim().to_string();
        assert!(!secret.is_empty(), "no TOTP key on the page");
        let code = totp_code(&secret, 0);
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

impl Portal {
    /// Ends the browser session; the pages checked on the way.
    pub async fn quit(self) -> Vec<String> {
        self.driver.quit().await.expect("end the browser session");
        self.pages
    }
}

/// What a journey needs: the page object and the WebDriver vocabulary
/// (`By`, elements).
pub mod prelude {
    pub use super::{Journey, PAGE_WAIT, Portal};
    pub use thirtyfour::prelude::*;
}
