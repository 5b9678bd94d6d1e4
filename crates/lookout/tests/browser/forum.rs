//! The forum and the knowledge base with JavaScript off: a thread with a
//! mention and a pseudonymous reply, moderation, a reviewed playbook, and
//! the search finding it.

use lookout_testkit::PASSWORD;
use lookout_testkit::browser::prelude::*;

use crate::{ADMIN_EMAIL, journey};

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
    let mut journey = journey();
    journey.staff(ADMIN_EMAIL, "admin");
    journey.staff(MODERATOR, "moderator");
    journey.staff(EDITOR, "editor");
    journey.staff(REVIEWER, "editor");
    journey.org_with_member("Northwind Tankers", TOM);
    journey.org_with_member("Baltic Bulk", OSKAR);
    journey.start_portal().await;
    let mut portal = journey.browser("profile", false).await;
    let button = |text: &str| By::XPath(format!("//button[normalize-space()='{text}']"));

    println!("1. the admin opens a category");
    portal.goto("/").await;
    portal.sign_in(ADMIN_EMAIL, PASSWORD).await;
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
    portal.sign_in(TOM, PASSWORD).await;
    portal.follow_header_link("Forum").await;
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
    portal.sign_in(OSKAR, PASSWORD).await;
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
    portal.sign_in(TOM, PASSWORD).await;
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
    portal.sign_in(MODERATOR, PASSWORD).await;
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
    portal.sign_in(TOM, PASSWORD).await;
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
    portal.sign_in(EDITOR, PASSWORD).await;
    portal.enrol_second_factor().await;
    portal.follow_header_link("Knowledge base").await;
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
    portal.sign_in(REVIEWER, PASSWORD).await;
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
    portal.sign_in(OSKAR, PASSWORD).await;
    portal.fill("#find-q", "spoof radar").await;
    portal
        .follow(By::Css("header form.find button"), "the header's Search")
        .await;
    portal.expect_page("/search", "Search").await;
    // The search page has its own form (the header's gives way to it).
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

    let pages = portal.quit().await;
    println!("saw {} pages: {}", pages.len(), pages.join(" "));
}
