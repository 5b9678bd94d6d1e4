//! Rapid alerts: an open alerts page shows an advisory an analyst
//! publishes in another session, without a reload; signing in again, the
//! start page shows the unread alert and the advisory; and the member
//! follows it to the advisory rendered from Markdown.

use std::path::Path;
use std::time::{Duration, Instant};

use lookout_testkit::browser::prelude::*;
use lookout_testkit::{PASSWORD, outbox_mails};

use crate::{ORG_NAME, journey};

/// Emails in the portal's file outbox addressed to `to` and containing
/// `needle` (quoted-printable soft breaks undone).
fn mails_to(outbox: &Path, to: &str, needle: &str) -> usize {
    outbox_mails(outbox)
        .iter()
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
    let mut journey = journey();
    journey.staff(ANALYST, "analyst");
    journey.org_with_member(ORG_NAME, MEMBER);
    journey.start_portal().await;
    // Two browser sessions, each with its own cookies: the member's and
    // the analyst's.
    let mut member = journey.browser("member-profile", true).await;
    let mut analyst = journey.browser("analyst-profile", true).await;

    println!("1. the member chooses what to receive and keeps the alerts page open");
    member.goto("/").await;
    member.sign_in(MEMBER, PASSWORD).await;
    member.follow_header_link("Alerts").await;
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
    analyst.sign_in(ANALYST, PASSWORD).await;
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

    println!("3b. signing in again, the start page shows the unread alert and the advisory");
    member.sign_out().await;
    member.sign_in(MEMBER, PASSWORD).await;
    member.expect_page("/", "Welcome aboard").await;
    let alerts = member.text_of("#home-alerts").await;
    assert!(
        alerts.contains("1 unread") && alerts.contains(TITLE),
        "the start page's alerts read {alerts:?}"
    );
    let latest = member.text_of("#home-advisories li:first-child").await;
    assert!(
        latest.contains(TITLE) && latest.contains("TLP:GREEN") && latest.contains("new"),
        "the newest advisory reads {latest:?}"
    );
    let menu = member.nav_items().await;
    assert!(
        menu.iter()
            .any(|item| item.contains("Alerts") && item.contains('1')),
        "the menu counts the unread alert: {menu:?}"
    );
    member.goto("/alerts").await;
    member.expect_page("/alerts", "Alerts").await;

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
    let outbox = journey.outbox();
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

    let pages = member.quit().await;
    analyst.quit().await;
    println!("member saw {} pages: {}", pages.len(), pages.join(" "));
}
