//! Membership tokens: a member fetches them in the browser (the page's
//! script blinds them, so JavaScript is on), spending one signed in is
//! refused, signed out it is accepted once, and the analyst sees a report
//! from a verified member.

use lookout_testkit::PASSWORD;
use lookout_testkit::browser::prelude::*;

use crate::{ORG_NAME, journey};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs chromedriver and Chromium; run with --ignored"]
async fn membership_tokens_in_a_browser() {
    const MEMBER: &str = "cso@gulfstar.example";
    const NARRATIVE: &str = "Our AIS showed a second vessel with our MMSI off Novorossiysk.";
    let mut journey = journey();
    journey.staff("analyst@op.example", "analyst");
    journey.org_with_member(ORG_NAME, MEMBER);
    journey.start_portal().await;
    // The tokens are blinded by the page's script: JavaScript on.
    let mut portal = journey.browser("chromium-profile", true).await;

    println!("1. a member fetches two tokens in the browser");
    portal.goto("/").await;
    portal.sign_in(MEMBER, PASSWORD).await;
    portal.follow_header_link("Membership tokens").await;
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
    portal.sign_in("analyst@op.example", PASSWORD).await;
    portal.enrol_second_factor().await;
    portal.goto("/triage").await;
    portal.expect_page("/triage", "Triage").await;
    assert_eq!(
        portal.body_text().await.matches("verified member").count(),
        1
    );

    let pages = portal.quit().await;
    println!("checked {} pages: {}", pages.len(), pages.join(" "));
}
