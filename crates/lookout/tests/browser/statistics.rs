//! Statistics: the public summary updating live while an analyst
//! publishes in another tab, the members' statistics narrowed to one
//! class, and the incident map.

use lookout_testkit::browser::prelude::*;
use lookout_testkit::{PASSWORD, unix_now};

use crate::journey;

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
    let mut journey = journey();
    journey.staff("analyst@op.example", "analyst");
    // Figures move in batches of k incidents: k = 2 lets two publications
    // show the live update.
    let base = journey
        .start_portal_with(&["--demo"], &[("LOOKOUT_STATS_MIN_COUNT", "2")])
        .await;
    let mut portal = journey.browser("chromium-profile", true).await;

    println!("1. anyone reads the public summary");
    portal.goto("/").await;
    portal.follow_header_link("Statistics").await;
    portal
        .expect_page("/stats/public", "Maritime crime at a glance")
        .await;
    // Months as a chart; each breakdown one table with a bar in each
    // row, largest first.
    let charts = portal
        .driver
        .find_all(By::Css("figure.chart svg"))
        .await
        .unwrap();
    assert!(!charts.is_empty(), "the months' chart");
    let class_rows = portal
        .driver
        .find_all(By::Css("#h-class ~ table.bars tbody tr"))
        .await
        .unwrap();
    assert!(!class_rows.is_empty(), "a table of the classes");
    let mut figures = Vec::new();
    for row in &class_rows {
        let figure = row.find(By::Css("td")).await.unwrap().text().await.unwrap();
        if let Ok(n) = figure.trim().parse::<u64>() {
            figures.push(n);
            assert!(
                row.find(By::Css("svg.bar")).await.is_ok(),
                "a bar beside {n}"
            );
        }
    }
    assert!(!figures.is_empty(), "some class figures shown");
    assert!(
        figures.windows(2).all(|w| w[0] >= w[1]),
        "largest first: {figures:?}"
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
    portal.sign_in("analyst@op.example", PASSWORD).await;
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
    portal.follow_header_link("Statistics").await;
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

    let pages = portal.quit().await;
    println!("checked {} pages: {}", pages.len(), pages.join(" "));
}
