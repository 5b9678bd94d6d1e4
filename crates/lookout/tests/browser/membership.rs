//! The membership journey: a visitor applies, the admin signs in
//! (enrolling a second factor on the way, as staff must), approves the
//! application, and the applicant accepts the emailed invitation, makes a
//! second factor compulsory for their organisation, and enrols one at their
//! next sign-in. JavaScript is off.

use std::path::Path;
use std::time::Instant;

use lookout_testkit::browser::prelude::*;
use lookout_testkit::{PASSWORD, outbox_mails, totp_code};

use crate::{ADMIN_EMAIL, ORG_NAME, journey};

const APPLICANT_EMAIL: &str = "sam@gulfstar.example";
const APPLICANT_NAME: &str = "Samira Haddad";
const APPLICANT_PASSWORD: &str = "harbour lantern quietly drifting";

/// The invitation link in the mail the outbox holds for `to`.
fn invitation_link(outbox: &Path, to: &str, base: &str) -> String {
    let mut found = Vec::new();
    for text in outbox_mails(outbox) {
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
    let mut journey = journey();
    journey.staff(ADMIN_EMAIL, "admin");
    let base = journey.start_portal().await;
    let mut portal = journey.browser("chromium-profile", false).await;

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
    let urls = portal.page_urls().await;
    assert!(
        urls.contains(&format!("{base}/static/lookout.css")),
        "the request check sees the stylesheet: {urls:?}"
    );
    portal.follow_header_link("Apply for membership").await;
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
    portal.sign_in(ADMIN_EMAIL, PASSWORD).await;
    portal.enrol_second_factor().await;
    portal.expect_page("/", "Welcome aboard, admin").await;
    let nav = portal.nav_items().await;
    assert!(
        nav.iter().any(|i| i == "Administration"),
        "the admin's header offers Administration: {nav:?}"
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
    let link = invitation_link(&journey.outbox(), APPLICANT_EMAIL, &base);
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
    portal.follow_header_link("Our members").await;
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
    portal.fill("#code", &totp_code(&secret, 1)).await;
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

    let pages = portal.quit().await;
    println!(
        "checked {} pages in {:.1?}: {}",
        pages.len(),
        started.elapsed(),
        pages.join(" ")
    );
}
