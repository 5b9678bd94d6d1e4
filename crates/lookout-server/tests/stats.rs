//! Statistics roll-ups: after any sequence of publications, edits,
//! withdrawals and delayed releases, every breakdown read from the
//! roll-ups equals a count over the incidents themselves.

mod common;

use std::collections::BTreeMap;

use common::*;
use lookout_server::incidents::store::{Content, Publication, new_reference, save, withdraw};
use lookout_server::reports::model::{Mode, ReportForm};
use lookout_server::reports::store::{Reporter, insert};
use lookout_server::stats::query::{Scope, breakdown};
use lookout_server::stats::rollup::{Dimension, catch_up, week_of};

const CLASSES: [&str; 3] = ["gnss-spoofing", "malicious-code", "piracy-armed-robbery"];
const AREAS: [&str; 3] = ["black-sea", "gulf-of-aden", "north-sea"];
const VESSELS: [&str; 2] = ["bulk-carrier", "tanker"];
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
                    lookout_server::reports::catalogue::class_by_id(&class)
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
    let dir = tempfile::tempdir().unwrap();
    for url in backends(dir.path()).await {
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

        let mut now = 1_780_000_000;
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
                (4, "", "black-sea", "tanker"),
                (2, "gnss-spoofing", "north-sea", "bulk-carrier"),
            ] {
                for (from, to) in [("2026-01", "2026-12"), ("2026-02", "2026-03")] {
                    let scope = Scope {
                        max_rank: rank,
                        from_month: from.into(),
                        to_month: to.into(),
                        class: class.into(),
                        sea_area: area.into(),
                        vessel_type: vessel.into(),
                    };
                    for dimension in Dimension::ALL {
                        let fixed = (dimension == Dimension::Class && !class.is_empty())
                            || (dimension == Dimension::SeaArea && !area.is_empty())
                            || (dimension == Dimension::VesselType && !vessel.is_empty());
                        if fixed {
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
    }
}

#[tokio::test]
async fn two_processes_catching_up_at_once_count_each_release_once() {
    let dir = tempfile::tempdir().unwrap();
    for url in backends(dir.path()).await {
        let data = tempfile::tempdir().unwrap();
        let first = TestServer::start_in(&url, data.path().to_path_buf(), None).await;
        let second = TestServer::start_in(&url, data.path().to_path_buf(), None).await;
        let mut dice = Dice(11);
        let now = 1_780_000_000;
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
    }
}
