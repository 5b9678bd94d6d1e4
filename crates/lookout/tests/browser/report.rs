//! An anonymous report through the form with a photo, its receipt, an
//! analyst's question in triage, the reporter's answer by receipt, and the
//! incident published with the cleaned photo. JavaScript is off.

use lookout_testkit::browser::prelude::*;
use lookout_testkit::{PASSWORD, photo_path, totp_code};

use crate::journey;

/// An anonymous report through the form, its receipt, an analyst's
/// question in triage, and the reporter's answer by receipt.
#[tokio::test]
#[ignore = "needs chromedriver and Chromium; run with --ignored"]
async fn anonymous_report_in_a_browser() {
    const NARRATIVE: &str = "Bridge GPS jumped 40 nm inland twice during the night watch.";
    const QUESTION: &str = "Did the AIS positions jump at the same time?";
    let mut journey = journey();
    journey.staff("analyst@op.example", "analyst");
    journey.start_portal().await;
    let mut portal = journey.browser("chromium-profile", false).await;

    println!("1. a seafarer reports anonymously");
    portal.goto("/").await;
    portal.follow_header_link("Report anonymously").await;
    portal.expect_page("/report", "Report an incident").await;
    // A mistake first: the date in the wrong format. Everything typed
    // comes back.
    portal.fill_report(NARRATIVE, "11/02/2026").await;
    portal.attach("#attachments", &photo_path()).await;
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
    // The photo is kept for the reporter: no need to choose it again.
    assert!(
        portal
            .text_of("#held-files")
            .await
            .contains("photo-with-gps.jpg"),
        "the photo is listed as kept"
    );
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
    assert!(
        portal
            .text_of("#held-files")
            .await
            .contains("photo-with-gps.jpg"),
        "the preview keeps the photo"
    );
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
    assert_eq!(
        attachments.matches("photo-with-gps.jpg").count(),
        1,
        "sent once: {attachments}"
    );

    println!("2. the analyst asks a question");
    portal.driver.delete_all_cookies().await.unwrap();
    portal.goto("/").await;
    portal.sign_in("analyst@op.example", PASSWORD).await;
    let (secret, _) = portal.enrol_second_factor().await;
    portal.follow_header_link("Triage").await;
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
    portal.sign_in("analyst@op.example", PASSWORD).await;
    portal.expect_page("/login/mfa", "Second factor").await;
    // The next time step: the enrolment's code may not be used twice.
    portal.fill("#code", &totp_code(&secret, 1)).await;
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
    portal.follow_header_link("Incidents").await;
    portal.expect_page("/incidents", "Incidents").await;
    portal.follow(By::Css("main table a"), "the incident").await;
    portal.expect_page("/incidents/", "GNSS").await;
    assert!(
        portal
            .text_of("#attachments")
            .await
            .contains("Attachment 1")
    );

    let pages = portal.quit().await;
    println!("checked {} pages: {}", pages.len(), pages.join(" "));
}
