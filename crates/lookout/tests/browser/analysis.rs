//! File analysis with JavaScript off: a member's macro document, its
//! verdict, a report started from it; an analyst's view with the sample.

use lookout_testkit::PASSWORD;
use lookout_testkit::browser::prelude::*;

use crate::{ORG_NAME, journey};

/// A member analyses a macro document with JavaScript off (the result page
/// reloads itself), reads the verdict and starts a report from it; an
/// analyst finds the upload and the sample download.
#[tokio::test]
#[ignore = "needs chromedriver and Chromium; run with --ignored"]
async fn file_analysis_in_a_browser() {
    const MEMBER: &str = "cso@gulfstar.example";
    const ANALYST: &str = "analyst@op.example";
    let mut journey = journey();
    let document = journey.dir.path().join("Bunker_invoice_0412.doc");
    std::fs::write(&document, lookout_analysis::samples::word_doc_with_macro()).unwrap();
    journey.staff(ANALYST, "analyst");
    journey.org_with_member(ORG_NAME, MEMBER);
    journey.start_portal().await;
    let mut member = journey.browser("member-profile", false).await;

    println!("1. the member uploads the document, sharing it with all members");
    member.goto("/").await;
    member.sign_in(MEMBER, PASSWORD).await;
    member.follow_header_link("File analysis").await;
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
    let mut analyst = journey.browser("analyst-profile", false).await;
    analyst.goto("/").await;
    analyst.sign_in(ANALYST, PASSWORD).await;
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

    let pages = member.quit().await;
    analyst.quit().await;
    println!("member saw {} pages: {}", pages.len(), pages.join(" "));
}
