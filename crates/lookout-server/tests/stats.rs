//! Statistics roll-ups: after any sequence of publications, edits,
//! withdrawals and delayed releases, every breakdown read from the
//! roll-ups equals a count over the incidents themselves.

use std::collections::BTreeMap;

use lookout_privacy::suppress::Cell;
use lookout_server::incidents::publish::{save_within as save, withdraw_within as withdraw};
use lookout_server::incidents::release::catch_up;
use lookout_server::incidents::store::Content;
use lookout_server::incidents::store::{Publication, new_reference};
use lookout_server::reports::model::{Mode, ReportForm};
use lookout_server::reports::store::{Reporter, insert};
use lookout_server::stats::pages::this_year;
use lookout_server::stats::query::{Scope, breakdown};
use lookout_server::stats::rollup::{Dimension, release_due, week_of};
use lookout_server::stats::view::{Figures, Focus, Request, figures};
use lookout_testkit::*;

const CLASSES: [&str; 3] = ["gnss-spoofing", "malicious-code", "piracy-armed-robbery"];
const AREAS: [&str; 3] = ["black-sea", "gulf-of-aden", "north-sea"];
const VESSELS: [&str; 2] = ["bulk-carrier", "oil-tanker"];
const SYSTEMS: [&str; 3] = ["navigation", "email", "ship-ot"];
const IMPACTS: [&str; 3] = ["none", "minor", "severe"];
const TLPS: [&str; 4] = ["clear", "green", "amber", "amber-strict"];

/// A small deterministic generator: the sequence is the same every run.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.below(list.len())]
    }
}

fn content(dice: &mut Dice) -> Content {
    let mut systems: Vec<String> = SYSTEMS
        .iter()
        .filter(|_| dice.below(2) == 0)
        .map(|s| s.to_string())
        .collect();
    if systems.is_empty() {
        systems.push("navigation".into());
    }
    Content {
        title: "t".into(),
        class: dice.pick(&CLASSES).into(),
        occurred_on: format!("2026-{:02}-{:02}", 1 + dice.below(4), 1 + dice.below(28)),
        systems,
        vessel_type: dice.pick(&VESSELS).into(),
        sea_area: dice.pick(&AREAS).into(),
        impact_safety: dice.pick(&IMPACTS).into(),
        impact_operations: dice.pick(&IMPACTS).into(),
        impact_money: dice.pick(&IMPACTS).into(),
        tlp: dice.pick(&TLPS).into(),
        ..Content::default()
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    state: String,
    visible_from: Option<i64>,
    tlp_rank: i64,
    class: String,
    sea_area: String,
    vessel_type: String,
    systems: String,
    impact_safety: String,
    impact_operations: String,
    impact_money: String,
    occurred_on: String,
}

/// An anonymous report to publish an incident from.
async fn new_report(tx: &mut lookout_server::db::Tx, server: &TestServer) -> i64 {
    let reporter = Reporter::Anonymous {
        receipt_lookup: hex::encode(lookout_server::secrets::random_bytes::<16>().unwrap()),
    };
    let form = ReportForm::default();
    let (id, _, _) = insert(
        tx,
        &server.state.key,
        &form,
        Mode::Anonymous,
        reporter,
        None,
        false,
    )
    .await
    .unwrap();
    id
}

fn published(visible_from: Option<i64>) -> Publication {
    Publication {
        state: "published",
        visible_from,
        reporter_org_id: None,
        named_org: None,
    }
}

/// What the incidents table says, counted directly.
async fn expected(
    server: &TestServer,
    now: i64,
    dimension: Dimension,
    scope: &Scope,
) -> Vec<(String, i64)> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT state, visible_from, tlp_rank, class, sea_area, vessel_type, systems, \
         impact_safety, impact_operations, impact_money, occurred_on FROM incidents",
    )
    .fetch_all(&server.state.db.pool)
    .await
    .unwrap();
    let mut counts: BTreeMap<String, i64> = BTreeMap::new();
    for Row {
        state,
        visible_from: visible,
        tlp_rank: rank,
        class,
        sea_area: area,
        vessel_type: vessel,
        systems,
        impact_safety: safety,
        impact_operations: operations,
        impact_money: money,
        occurred_on: on,
    } in rows
    {
        let month = &on[..7];
        // The weekly series takes the weeks whose Monday is in the period.
        let week = week_of(&on).unwrap();
        let (at, from, to) = if dimension == Dimension::Week {
            (
                week.as_str(),
                format!("{}-01", scope.from_month),
                format!("{}-31", scope.to_month),
            )
        } else if scope.from_month.len() == 4 {
            // A calendar year's own rows.
            (&on[..4], scope.from_month.clone(), scope.to_month.clone())
        } else {
            (month, scope.from_month.clone(), scope.to_month.clone())
        };
        if state != "published"
            || visible.is_none_or(|v| v > now)
            || rank > scope.max_rank
            || at < from.as_str()
            || at > to.as_str()
            || (!scope.class.is_empty() && class != scope.class)
            || (!scope.sea_area.is_empty() && area != scope.sea_area)
            || (!scope.vessel_type.is_empty() && vessel != scope.vessel_type)
        {
            continue;
        }
        let values: Vec<String> = match dimension {
            Dimension::Class => vec![class],
            Dimension::SeaArea => vec![area],
            Dimension::VesselType => vec![vessel],
            Dimension::System => systems.split(' ').map(str::to_string).collect(),
            Dimension::ImpactSafety => vec![safety],
            Dimension::ImpactOperations => vec![operations],
            Dimension::ImpactMoney => vec![money],
            Dimension::Month => vec![month.to_string()],
            Dimension::Week => vec![week.clone()],
            Dimension::Family => vec![
                lookout_server::stats::rollup::family_id(
                    lookout_server::sharing::catalogue::class_by_id(&class)
                        .unwrap()
                        .family,
                )
                .to_string(),
            ],
        };
        for value in values {
            *counts.entry(value).or_default() += 1;
        }
    }
    counts.into_iter().collect()
}

#[tokio::test]
async fn roll_ups_always_equal_a_count_of_the_incidents() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        let db = &server.state.db;
        let mut dice = Dice(7);
        // Reports to publish incidents from.
        let mut tx = db.begin_write().await.unwrap();
        let mut reports = Vec::new();
        for _ in 0..30 {
            reports.push(new_report(&mut tx, &server).await);
        }
        tx.commit().await.unwrap();

        // A clock of its own, years ahead: the server's background worker
        // catches up with the real time, and so never releases what this
        // test schedules.
        let mut now = lookout_server::db::now() + 10 * 365 * 86_400;
        for step in 0..120 {
            now += 600;
            let report = reports[dice.below(reports.len())];
            let mut tx = db.begin_write().await.unwrap();
            match dice.below(6) {
                // Withdrawn (or never published: nothing happens).
                0 => {
                    withdraw(&mut tx, report, now).await.unwrap();
                }
                // A draft.
                1 => {
                    let publication = Publication {
                        state: "draft",
                        ..published(None)
                    };
                    save(
                        &mut tx,
                        report,
                        &new_reference().unwrap(),
                        &content(&mut dice),
                        &publication,
                        now,
                    )
                    .await
                    .unwrap();
                }
                // Published now, or released later.
                _ => {
                    let delay = [0, 0, 3_000, 20_000][dice.below(4)];
                    let publication = published(Some(now + delay));
                    save(
                        &mut tx,
                        report,
                        &new_reference().unwrap(),
                        &content(&mut dice),
                        &publication,
                        now,
                    )
                    .await
                    .unwrap();
                }
            }
            tx.commit().await.unwrap();
            if step % 10 != 9 {
                continue;
            }
            catch_up(db, now).await.unwrap();
            for (rank, class, area, vessel) in [
                (4, "", "", ""),
                (1, "", "", ""),
                (3, "malicious-code", "", ""),
                (4, "", "black-sea", "oil-tanker"),
                (2, "gnss-spoofing", "north-sea", "bulk-carrier"),
            ] {
                for (from, to) in [
                    ("2026-01", "2026-12"),
                    ("2026-02", "2026-03"),
                    ("2026", "2026"),
                ] {
                    let scope = Scope {
                        max_rank: rank,
                        from_month: from.into(),
                        to_month: to.into(),
                        class: class.into(),
                        sea_area: area.into(),
                        vessel_type: vessel.into(),
                        // The roll-ups themselves, not what was released.
                        released: false,
                    };
                    for dimension in Dimension::ALL {
                        let fixed = (dimension == Dimension::Class && !class.is_empty())
                            || (dimension == Dimension::SeaArea && !area.is_empty())
                            || (dimension == Dimension::VesselType && !vessel.is_empty());
                        let series = matches!(dimension, Dimension::Month | Dimension::Week);
                        if fixed || (series && from.len() == 4) {
                            continue;
                        }
                        let read = breakdown(db, dimension, &scope).await.unwrap();
                        let want = expected(&server, now, dimension, &scope).await;
                        assert_eq!(read, want, "step {step}: {dimension:?} {scope:?}");
                    }
                }
            }
        }
        let counted: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM incidents WHERE counted = 1")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert!(counted > 5, "the sequence published something ({counted})");
    })
    .await;
}

#[tokio::test]
async fn two_processes_catching_up_at_once_count_each_release_once() {
    each_backend(async |url| {
        let data = tempfile::tempdir().unwrap();
        let first = TestServer::start_in(&url, data.path().to_path_buf(), None).await;
        let second = TestServer::start_in(&url, data.path().to_path_buf(), None).await;
        let mut dice = Dice(11);
        // Years ahead, so the servers' own workers (which catch up with the
        // real time every second) never release these first.
        let now = lookout_server::db::now() + 10 * 365 * 86_400;
        let mut tx = first.state.db.begin_write().await.unwrap();
        for _ in 0..40 {
            let id = new_report(&mut tx, &first).await;
            let publication = published(Some(now + 100));
            save(
                &mut tx,
                id,
                &new_reference().unwrap(),
                &content(&mut dice),
                &publication,
                now,
            )
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        let scope = Scope {
            max_rank: 4,
            from_month: "2026-01".into(),
            to_month: "2026-12".into(),
            ..Scope::default()
        };
        // Not released yet: nothing counted.
        assert_eq!(catch_up(&first.state.db, now).await.unwrap(), 0);
        assert!(
            breakdown(&first.state.db, Dimension::Month, &scope)
                .await
                .unwrap()
                .is_empty()
        );
        let (a, b) = tokio::join!(
            catch_up(&first.state.db, now + 200),
            catch_up(&second.state.db, now + 200)
        );
        assert_eq!(a.unwrap() + b.unwrap(), 40);
        let total: i64 = breakdown(&second.state.db, Dimension::Month, &scope)
            .await
            .unwrap()
            .iter()
            .map(|(_, n)| n)
            .sum();
        assert_eq!(total, 40);
    })
    .await;
}

/// Publishes one incident with this content, released now.
async fn publish(server: &TestServer, content: &Content, now: i64) {
    let mut tx = server.state.db.begin_write().await.unwrap();
    let id = new_report(&mut tx, server).await;
    save(
        &mut tx,
        id,
        &new_reference().unwrap(),
        content,
        &published(Some(now)),
        now,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

fn cells(figures: &Figures, table: &str) -> Vec<(String, Cell)> {
    figures
        .table(table)
        .map(|t| t.rows.iter().map(|r| (r.id.clone(), r.incidents)).collect())
        .unwrap_or_default()
}

fn cell(figures: &Figures, table: &str, id: &str) -> Option<Cell> {
    if figures.withheld {
        return Some(Cell::Suppressed);
    }
    cells(figures, table)
        .into_iter()
        .find(|(v, _)| v == id)
        .map(|(_, c)| c)
}

#[tokio::test]
async fn published_views_show_no_small_figure_and_agree_with_each_other() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        let db = &server.state.db;
        let mut dice = Dice(23);
        let now = 1_780_000_000;
        // Skewed so that some cells are small and some large.
        for _ in 0..160 {
            let mut c = content(&mut dice);
            if dice.below(3) == 0 {
                c.class = "gnss-spoofing".into();
                c.sea_area = "black-sea".into();
            }
            c.occurred_on = format!("2026-{:02}-{:02}", 1 + dice.below(12), 1 + dice.below(28));
            publish(&server, &c, now).await;
        }
        for _ in 0..30 {
            let mut c = content(&mut dice);
            c.occurred_on = format!("2025-{:02}-{:02}", 1 + dice.below(12), 1 + dice.below(28));
            publish(&server, &c, now).await;
        }
        catch_up(db, now).await.unwrap();
        let k = 5;
        // Readers see the released figures: release what was published.
        release_due(db, k).await.unwrap();
        for rank in [0, 2, 4] {
            let view = |focus: Focus| Request {
                year: 2026,
                max_rank: rank,
                focus,
                k,
            };
            let all = figures(db, &view(Focus::All)).await.unwrap();
            let truth = |scope: &Scope, dimension| {
                let scope = scope.clone();
                async move { breakdown(db, dimension, &scope).await.unwrap() }
            };
            let base = Scope {
                max_rank: rank,
                from_month: "2026-01".into(),
                to_month: "2026-12".into(),
                ..Scope::default()
            };
            let mut views = vec![(Focus::All, all.clone(), base.clone())];
            for class in CLASSES {
                views.push((
                    Focus::Class(class.into()),
                    figures(db, &view(Focus::Class(class.into())))
                        .await
                        .unwrap(),
                    Scope {
                        class: class.into(),
                        ..base.clone()
                    },
                ));
            }
            for area in AREAS {
                views.push((
                    Focus::SeaArea(area.into()),
                    figures(db, &view(Focus::SeaArea(area.into())))
                        .await
                        .unwrap(),
                    Scope {
                        sea_area: area.into(),
                        ..base.clone()
                    },
                ));
            }
            for vessel in VESSELS {
                views.push((
                    Focus::VesselType(vessel.into()),
                    figures(db, &view(Focus::VesselType(vessel.into())))
                        .await
                        .unwrap(),
                    Scope {
                        vessel_type: vessel.into(),
                        ..base.clone()
                    },
                ));
            }
            for (focus, figures, scope) in &views {
                // No figure below k is shown, and every shown one is true.
                for table in &figures.tables {
                    let dimension = Dimension::parse(table.id);
                    let truth = match dimension {
                        Some(d) => truth(scope, d).await,
                        None => Vec::new(),
                    };
                    for row in &table.rows {
                        if let Cell::Shown(n) = row.incidents {
                            assert!(n == 0 || n >= k, "{focus:?} {} {}: {n}", table.id, row.id);
                            if let Some(d) = dimension
                                && d != Dimension::Week
                            {
                                let want = truth
                                    .iter()
                                    .find(|(v, _)| *v == row.id)
                                    .map_or(0, |(_, n)| *n as u64);
                                assert_eq!(n, want, "{focus:?} {} {}", table.id, row.id);
                            }
                        }
                    }
                }
                if let Cell::Shown(n) = figures.total {
                    assert!(n >= k);
                }
            }
            // A focus view exists exactly when its figure is shown in the
            // unfocused view, and shows the same total.
            for class in CLASSES {
                let focused = &views
                    .iter()
                    .find(|(f, _, _)| *f == Focus::Class(class.into()))
                    .unwrap()
                    .1;
                let margin = cell(&all, "class", class).unwrap();
                assert_eq!(margin.is_suppressed(), focused.withheld, "{class}");
                if !focused.withheld {
                    assert_eq!(focused.total, margin);
                }
            }
            // The same cell seen from both sides agrees: "this class in
            // this area" in the class view and in the area view.
            for class in CLASSES {
                for area in AREAS {
                    let by_class = views
                        .iter()
                        .find(|(f, _, _)| *f == Focus::Class(class.into()))
                        .unwrap();
                    let by_area = views
                        .iter()
                        .find(|(f, _, _)| *f == Focus::SeaArea(area.into()))
                        .unwrap();
                    let a = cell(&by_class.1, "sea_area", area).unwrap();
                    let b = cell(&by_area.1, "class", class).unwrap();
                    if !by_class.1.withheld && !by_area.1.withheld {
                        assert_eq!(a, b, "rank {rank}: {class} in {area}");
                    }
                }
            }
            // Some figure is hidden and some shown, or the test says little.
            let hidden = views
                .iter()
                .flat_map(|(_, f, _)| f.tables.iter().flat_map(|t| t.rows.iter()))
                .filter(|r| r.incidents.is_suppressed())
                .count();
            assert!(
                hidden > 0 && all.total.value().is_some_and(|n| n > 20),
                "rank {rank}"
            );
            // Trends compare with the figures of the year before.
            assert_eq!(all.trends.len(), 12);
        }
    })
    .await;
}

/// `(status, content type, body)`.
async fn fetch(client: &reqwest::Client, url: &str) -> (u16, String, String) {
    let response = client.get(url).send().await.unwrap();
    let status = response.status().as_u16();
    let kind = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, kind, response.text().await.unwrap())
}

#[tokio::test]
async fn statistics_pages_downloads_api_and_live_updates() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        server.org("Coral Sea Offshore", "ship-owner").await;
        server
            .user("cso@coralsea.example", "member", Some("Coral Sea Offshore"))
            .await;
        let now = lookout_server::db::now();
        let year = this_year();
        // Today is never in the future, whatever the date.
        let today = time::OffsetDateTime::from_unix_timestamp(now)
            .unwrap()
            .date()
            .to_string();
        let incident = |class: &str, tlp: &str| Content {
            title: "t".into(),
            class: class.into(),
            occurred_on: today.clone(),
            systems: vec!["navigation".into()],
            vessel_type: "oil-tanker".into(),
            sea_area: "black-sea".into(),
            impact_safety: "none".into(),
            impact_operations: "minor".into(),
            impact_money: "none".into(),
            tlp: tlp.into(),
            ..Content::default()
        };
        for _ in 0..12 {
            publish(&server, &incident("gnss-spoofing", "clear"), now).await;
        }
        for _ in 0..9 {
            publish(&server, &incident("gnss-spoofing", "amber"), now).await;
        }
        // Two of a class: never shown, nor worked out from the total.
        for _ in 0..2 {
            publish(&server, &incident("malicious-code", "amber"), now).await;
        }

        // Signed out: only the public summary, with TLP:CLEAR figures.
        let visitor = browser();
        let (status, _, _) = fetch(&visitor, &server.url("/stats")).await;
        assert_eq!(status, 303, "members' statistics need a sign-in");
        let (status, _, html) = fetch(&visitor, &server.url("/stats/public")).await;
        assert_eq!(status, 200);
        assert!(html.contains("<strong>12</strong> incidents in"), "{html}");
        assert!(html.contains("<svg"), "charts are inline");
        assert!(!html.contains("style=\""), "no inline styles (CSP)");
        let (status, kind, csv) = fetch(&visitor, &server.url("/stats/public/class.csv")).await;
        assert_eq!(status, 200);
        assert!(kind.starts_with("text/csv"));
        assert!(
            csv.contains("gnss-spoofing,GNSS spoofing,12,false"),
            "{csv}"
        );
        let (status, _, _) = fetch(&visitor, &server.url("/stats/public/system.csv")).await;
        assert_eq!(status, 404, "the public summary has no system table");

        // A member at AMBER: everything up to AMBER, small classes hidden.
        let member = browser();
        sign_in(&server, &member, "cso@coralsea.example", PASSWORD).await;
        let (status, _, html) = fetch(&member, &server.url("/stats")).await;
        assert_eq!(status, 200);
        assert!(html.contains("<strong>23</strong> incidents in"), "{html}");
        let (_, _, csv) = fetch(&member, &server.url("/stats/class.csv")).await;
        assert!(
            csv.contains("malicious-code,\"Malicious code (malware, ransomware)\",,true"),
            "{csv}"
        );
        assert!(!csv.contains(",21,"), "the 21 would give the 2 away: {csv}");
        let (_, kind, json) = fetch(
            &member,
            &server.url(&format!("/stats/month.json?year={year}")),
        )
        .await;
        assert!(kind.starts_with("application/json"));
        let json: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(json["table"]["total"], 23);
        // One focus at a time, with the reason.
        let (_, _, html) = fetch(
            &member,
            &server.url("/stats?class=gnss-spoofing&sea_area=black-sea"),
        )
        .await;
        assert!(html.contains("Choose one of class, sea area or vessel type"));
        let (_, _, html) = fetch(&member, &server.url("/stats?class=malicious-code")).await;
        assert!(html.contains("Too few incidents match this view"));
        let (status, _, html) = fetch(&member, &server.url("/stats/map")).await;
        assert_eq!(status, 200);
        assert!(html.contains("Black Sea"));
        // Beside the map, the areas as a list, most first, each a link;
        // the legend offers no band below what can be shown; the land is
        // a file the browser keeps, not 16 KB in every page.
        let list = &html[html.find("id=\"map-areas\"").expect("area list")..];
        let list = &list[..list.find("</table>").unwrap()];
        assert!(list.contains("<a href=\"/stats?year="), "{list}");
        let (_, _, page) = fetch(&member, &server.url("/stats")).await;
        let k: u64 = page
            .split("at least ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse().ok())
            .expect("the threshold in words");
        let legend = &html[html.find("class=\"legend\"").unwrap()..];
        let legend = &legend[..legend.find("</ul>").unwrap()];
        for item in legend.split("</span>").skip(1) {
            let low: String = item.chars().take_while(char::is_ascii_digit).collect();
            if let Ok(low) = low.parse::<u64>() {
                assert!(
                    low >= k,
                    "legend offers {low} under a threshold of {k}: {legend}"
                );
            }
        }
        assert!(html.contains("href=\"/static/land.svg\""));
        assert!(!html.contains("<path class=\"land\""));
        let (status, kind, land) = fetch(&member, &server.url("/static/land.svg")).await;
        assert_eq!((status, kind.as_str()), (200, "image/svg+xml"));
        assert!(land.contains("<path class=\"land\""));
        // Breakdowns are tables with bars, largest first.
        let areas = &page[page.find("id=\"h-sea_area\"").expect("sea areas")..];
        let areas = &areas[..areas.find("</table>").unwrap()];
        let figures: Vec<u64> = areas
            .split("<span class=\"figure\">")
            .skip(1)
            .filter_map(|rest| rest.split('<').next()?.parse().ok())
            .collect();
        assert!(!figures.is_empty(), "{areas}");
        assert!(figures.windows(2).all(|w| w[0] >= w[1]), "{figures:?}");

        // The API gives the same figures, null where hidden.
        let token = lookout_server::accounts::operator::create_api_token(
            &server.state.db,
            &server.state.key,
            "cso@coralsea.example",
            "stats",
            &["read".into()],
            lookout_server::audit::Actor::Cli,
        )
        .await
        .unwrap();
        let api = reqwest::Client::new();
        let body: serde_json::Value = api
            .get(server.url("/api/v1/statistics"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(body["total"], 23);
        assert_eq!(body["sharing"], "amber-strict");
        let class = body["tables"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == "class")
            .unwrap();
        let small = class["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == "malicious-code")
            .unwrap();
        assert!(small["incidents"].is_null());
        let refused = api
            .get(server.url("/api/v1/statistics?year=1999"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status().as_u16(), 422);
        assert!(
            refused
                .headers()
                .get("content-type")
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("application/problem+json")
        );

        // Live: an open public page served by another process hears of a
        // batch of new TLP:CLEAR incidents published through this one.
        let other = TestServer::start_in(&url, server.data_dir.clone(), None).await;
        let mut stream = visitor
            .get(other.url("/stats/public/live"))
            .send()
            .await
            .unwrap();
        assert!(
            stream.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/event-stream")
        );
        // A second listener on the same view shares the first one's
        // computation of what changed, and hears it too.
        let mut second = browser()
            .get(other.url("/stats/public/live"))
            .send()
            .await
            .unwrap();
        for _ in 0..server.state.config.stats_min_count {
            publish(&server, &incident("gnss-spoofing", "clear"), now).await;
        }
        for stream in [&mut stream, &mut second] {
            let heard = read_stream_until(
                stream,
                "event: figures",
                "the live stream reports the new figures",
            )
            .await;
            assert!(heard.contains("event: figures"));
        }
    })
    .await;
}

/// The public stream may reveal only changes of figures the public page
/// shows: a TLP:CLEAR incident in a year whose every figure is still below
/// k changes nothing there, so nothing is sent; and what is sent says only
/// "changed", never the statistics version, which counts every change
/// behind every level's figures.
#[tokio::test]
async fn the_public_stream_tells_only_what_the_public_page_shows() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        let now = lookout_server::db::now();
        let today = time::OffsetDateTime::from_unix_timestamp(now)
            .unwrap()
            .date()
            .to_string();
        let incident = |tlp: &str| Content {
            title: "t".into(),
            class: "gnss-spoofing".into(),
            occurred_on: today.clone(),
            systems: vec!["navigation".into()],
            vessel_type: "oil-tanker".into(),
            sea_area: "black-sea".into(),
            impact_safety: "none".into(),
            impact_operations: "minor".into(),
            impact_money: "none".into(),
            tlp: tlp.into(),
            ..Content::default()
        };
        // One incident: the public figures it touches show as hidden.
        publish(&server, &incident("clear"), now).await;
        catch_up(&server.state.db, now).await.unwrap();
        let mut stream = browser()
            .get(server.url("/stats/public/live"))
            .send()
            .await
            .unwrap();
        // Two more in the same cells, one beyond the public level: still
        // hidden, so the public page shows nothing new.
        for tlp in ["amber", "clear"] {
            publish(&server, &incident(tlp), now).await;
        }
        let early = tokio::time::timeout(
            std::time::Duration::from_secs(6),
            read_stream_until(&mut stream, "event: figures", "public stream"),
        )
        .await;
        assert!(
            early.is_err(),
            "told of a change the public page does not show: {early:?}"
        );
        for _ in 0..5 {
            publish(&server, &incident("clear"), now).await;
        }
        let heard = read_stream_until(&mut stream, "event: figures", "public stream").await;
        assert!(heard.contains("data: changed"), "{heard}");
        assert!(
            !heard.lines().any(|line| line
                .strip_prefix("data:")
                .is_some_and(|d| d.trim().parse::<i64>().is_ok())),
            "{heard}"
        );
    })
    .await;
}

/// Every figure of a downloaded JSON table, by row id ("total" for its
/// total): a number, or `None` when hidden.
fn json_figures(json: &str) -> BTreeMap<String, Option<u64>> {
    let json: serde_json::Value = serde_json::from_str(json).unwrap();
    let table = &json["table"];
    let mut figures: BTreeMap<String, Option<u64>> = table["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["incidents"].as_u64(),
            )
        })
        .collect();
    figures.insert("total".into(), table["total"].as_u64());
    figures
}

/// Issue 25, item 8: consecutive public versions could be subtracted to
/// learn each newly counted incident's class (a shown 0 turned "hidden"
/// while the total rose by one). Figures now change only when a batch of
/// at least k incidents is released, and zero is hidden like a small count.
#[tokio::test]
async fn public_figures_change_only_in_batches_of_k() {
    each_backend(async |url| {
        let server = TestServer::start(&url).await;
        let k = usize::try_from(server.state.config.stats_min_count).unwrap();
        let now = lookout_server::db::now();
        let year = this_year();
        let today = time::OffsetDateTime::from_unix_timestamp(now)
            .unwrap()
            .date()
            .to_string();
        let classes = ["gnss-spoofing", "malicious-code", "piracy-armed-robbery"];
        let visitor = browser();
        let version = || async {
            let (status, _, json) = fetch(
                &visitor,
                &server.url(&format!("/stats/public/class.json?year={year}")),
            )
            .await;
            assert_eq!(status, 200);
            let (_, _, html) =
                fetch(&visitor, &server.url(&format!("/stats/public?year={year}"))).await;
            let start = html.find("<div id=\"figures\"").unwrap();
            (json_figures(&json), html[start..].to_string())
        };
        let mut shown = version().await;
        assert!(
            shown.0.values().all(Option::is_none),
            "nothing yet: zero is hidden like a small count: {:?}",
            shown.0
        );
        let mut since_release = 0;
        let mut releases = 0;
        for i in 0..3 * k {
            let content = Content {
                title: "t".into(),
                class: classes[i % classes.len()].into(),
                occurred_on: today.clone(),
                systems: vec!["navigation".into()],
                vessel_type: "oil-tanker".into(),
                sea_area: "black-sea".into(),
                impact_safety: "none".into(),
                impact_operations: "minor".into(),
                impact_money: "none".into(),
                tlp: "clear".into(),
                ..Content::default()
            };
            publish(&server, &content, now).await;
            since_release += 1;
            let next = version().await;
            if since_release < k {
                assert_eq!(
                    next, shown,
                    "incident {} of a batch changed the public figures",
                    since_release
                );
                continue;
            }
            assert_ne!(next.0, shown.0, "a batch of {k} is released");
            for (id, after) in &next.0 {
                if let (Some(Some(before)), Some(after)) = (shown.0.get(id), after) {
                    let moved = before.abs_diff(*after);
                    assert!(
                        moved == 0 || moved >= k as u64,
                        "{id} moved by {moved} between two versions"
                    );
                }
            }
            releases += 1;
            since_release = 0;
            shown = next;
        }
        assert_eq!(releases, 3);
        assert_eq!(shown.0["total"], Some(3 * k as u64));
        // The members' figures at CLEAR are released alike, from the same
        // stored version whichever process serves them.
        let stored: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM stat_released WHERE reader_rank = 0 AND dimension = 'class'",
        )
        .fetch_one(&server.state.db.pool)
        .await
        .unwrap();
        assert!(stored > 0);
    })
    .await;
}
