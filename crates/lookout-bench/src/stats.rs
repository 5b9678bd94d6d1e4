//! Statistics at scale: loads many synthetic incidents (the demo's world,
//! drawn many more times) with their roll-ups in bulk, then times what a
//! statistics page reads: every breakdown for a member's clearance over a
//! year, unfiltered and with one, two and three filters.

use std::collections::HashMap;
use std::time::Instant;

use lookout_server::db::Db;
use lookout_server::sharing::clearance::tlp_rank;
use lookout_server::stats::query::{Scope, breakdown};
use lookout_server::stats::rollup::{Counted, Dimension, tallies};
use sqlx::Arguments as _;

use lookout_server::stats::pages::this_year;
use lookout_server::stats::view::{Focus, Request, figures};

use super::{client, member, portal, report, session_cookie};

type Key = (&'static str, String, i64, String, String);

/// Inserts `rows` (each a list of text or integer values) into `table`,
/// several hundred to a statement.
async fn bulk(db: &Db, table: &str, columns: &[&str], rows: &[Vec<Value>]) -> anyhow::Result<()> {
    let per = (8000 / columns.len()).max(1);
    let mut tx = db.begin_write().await?;
    for chunk in rows.chunks(per) {
        // PostgreSQL's identity columns take given ids only when told to.
        let overriding =
            if db.backend == lookout_server::db::Backend::Postgres && columns.contains(&"id") {
                "OVERRIDING SYSTEM VALUE "
            } else {
                ""
            };
        let mut sql = format!(
            "INSERT INTO {table} ({}) {overriding}VALUES ",
            columns.join(", ")
        );
        let mut args = sqlx::any::AnyArguments::default();
        let mut n = 0;
        for (i, row) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            let marks: Vec<String> = row
                .iter()
                .map(|_| {
                    n += 1;
                    format!("${n}")
                })
                .collect();
            sql.push_str(&format!("({})", marks.join(", ")));
            for value in row {
                match value {
                    Value::Text(t) => args.add(t.clone()).map_err(anyhow::Error::msg)?,
                    Value::Int(i) => args.add(*i).map_err(anyhow::Error::msg)?,
                }
            }
        }
        sqlx::query_with(sqlx::AssertSqlSafe(sql), args)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

#[derive(Clone)]
enum Value {
    Text(String),
    Int(i64),
}

fn t(s: &str) -> Value {
    Value::Text(s.to_string())
}

pub async fn stats(
    database_url: &Option<String>,
    incidents: usize,
    iterations: usize,
) -> anyhow::Result<()> {
    let portal = portal(database_url).await?;
    let db = &portal.state.db;
    let now = lookout_server::db::now();
    let started = Instant::now();
    let mut synthetic = lookout_server::demo::Synthetic::new(0xB16_DA7A);
    let mut roll: HashMap<Key, i64> = HashMap::new();
    let batch = 20_000;
    let mut next_id: i64 = 1_000_000;
    let mut loaded = 0;
    while loaded < incidents {
        let take = batch.min(incidents - loaded);
        let mut reports = Vec::with_capacity(take);
        let mut rows = Vec::with_capacity(take);
        for _ in 0..take {
            let (c, _) = synthetic.draw(now);
            next_id += 1;
            let rank = tlp_rank(&c.tlp).unwrap_or(4);
            let systems = c.systems.join(" ");
            reports.push(vec![
                Value::Int(next_id),
                t(&format!("R-B{next_id}")),
                t("anonymous"),
                t("published"),
                Value::Int(0),
                Value::Int(0),
                t(&c.class),
                t(&c.occurred_on),
                t(&systems),
                t(&c.vessel_type),
                t(&c.vessel_size),
                t(&c.sea_area),
                t(&c.impact_safety),
                t(&c.impact_operations),
                t(&c.impact_money),
                t(&c.tlp),
                t("-"),
                t("-"),
            ]);
            rows.push(vec![
                t(&format!("I-B{next_id}")),
                Value::Int(next_id),
                t("published"),
                t(&c.title),
                t(&c.summary),
                t(&c.indicators),
                t(&c.class),
                t(&c.occurred_on),
                t(&systems),
                t(&c.vessel_type),
                t(&c.vessel_size),
                t(&c.sea_area),
                t(""),
                t(&c.impact_safety),
                t(&c.impact_operations),
                t(&c.impact_money),
                t(&c.tlp),
                Value::Int(rank),
                Value::Int(0),
                Value::Int(0),
                Value::Int(1),
            ]);
            let counted = Counted {
                id: next_id,
                class: c.class.clone(),
                sea_area: c.sea_area.clone(),
                vessel_type: c.vessel_type.clone(),
                systems,
                impact_safety: c.impact_safety.clone(),
                impact_operations: c.impact_operations.clone(),
                impact_money: c.impact_money.clone(),
                occurred_on: c.occurred_on.clone(),
                tlp_rank: rank,
            };
            for (dimension, filter, bucket, value) in tallies(&counted) {
                *roll
                    .entry((dimension, filter, rank, bucket, value))
                    .or_default() += 1;
            }
        }
        bulk(
            db,
            "reports",
            &[
                "id",
                "ref",
                "mode",
                "status",
                "received_hour",
                "updated_hour",
                "class",
                "discovered_on",
                "systems",
                "vessel_type",
                "vessel_size",
                "sea_area",
                "impact_safety",
                "impact_operations",
                "impact_money",
                "tlp",
                "wrapped_key",
                "sealed_body",
            ],
            &reports,
        )
        .await?;
        bulk(
            db,
            "incidents",
            &[
                "ref",
                "report_id",
                "state",
                "title",
                "summary",
                "indicators",
                "class",
                "occurred_on",
                "systems",
                "vessel_type",
                "vessel_size",
                "sea_area",
                "position_cell",
                "impact_safety",
                "impact_operations",
                "impact_money",
                "tlp",
                "tlp_rank",
                "visible_from",
                "updated_hour",
                "counted",
            ],
            &rows,
        )
        .await?;
        loaded += take;
    }
    let loading = started.elapsed();
    let counts: Vec<Vec<Value>> = roll
        .into_iter()
        .map(|((dimension, filter, rank, bucket, value), n)| {
            vec![
                t(dimension),
                Value::Text(filter),
                Value::Int(rank),
                Value::Text(bucket),
                Value::Text(value),
                Value::Int(n),
            ]
        })
        .collect();
    let rollup_rows = counts.len();
    bulk(
        db,
        "stat_counts",
        &["dimension", "filter", "tlp_rank", "bucket", "value", "n"],
        &counts,
    )
    .await?;
    // Pages read the released figures: release what was loaded as one batch.
    lookout_server::stats::rollup::release_due(
        db,
        lookout_server::config::Config::default().stats_min_count,
    )
    .await?;
    if db.backend == lookout_server::db::Backend::Postgres {
        sqlx::query("ANALYZE").execute(&db.pool).await?;
    }
    println!(
        "loaded {incidents} incidents in {:.0} s ({} roll-up rows, {:.1} a incident) in {:.0} s total",
        loading.as_secs_f64(),
        rollup_rows,
        rollup_rows as f64 / incidents as f64,
        started.elapsed().as_secs_f64()
    );

    // A statistics page: every breakdown for a year, at AMBER clearance.
    let year = |filters: (&str, &str, &str)| Scope {
        max_rank: 2,
        from_month: "2025-12".into(),
        to_month: "2026-11".into(),
        class: filters.0.into(),
        sea_area: filters.1.into(),
        vessel_type: filters.2.into(),
        released: true,
    };
    for (name, filters) in [
        ("unfiltered", ("", "", "")),
        ("class", ("gnss-jamming", "", "")),
        (
            "class + sea area",
            ("piracy-armed-robbery", "gulf-of-guinea", ""),
        ),
        (
            "class + sea area + vessel",
            ("gnss-jamming", "black-sea", "bulk-carrier"),
        ),
    ] {
        let scope = year(filters);
        let mut pages = Vec::with_capacity(iterations);
        let mut cells = 0;
        for _ in 0..iterations {
            let started = Instant::now();
            cells = 0;
            for dimension in Dimension::ALL {
                cells += breakdown(db, dimension, &scope).await?.len();
            }
            pages.push(started.elapsed());
        }
        report(
            &format!(
                "statistics page ({name}: {} breakdowns, {cells} figures)",
                Dimension::ALL.len()
            ),
            pages,
        );
    }

    // What the statistics page computes: every table of a year with
    // suppression, linked tables and the trends (two years read).
    for (name, focus) in [
        ("unfiltered", Focus::All),
        ("class", Focus::Class("gnss-jamming".into())),
        ("sea area", Focus::SeaArea("gulf-of-guinea".into())),
    ] {
        let request = Request {
            year: this_year(),
            max_rank: 2,
            focus,
            k: lookout_server::config::Config::default().stats_min_count,
        };
        let mut samples = Vec::with_capacity(iterations);
        for _ in 0..iterations {
            let started = Instant::now();
            figures(db, &request).await?;
            samples.push(started.elapsed());
        }
        report(
            &format!("published figures, with suppression ({name})"),
            samples,
        );
    }

    // The page itself, over HTTP, as a signed-in member at AMBER.
    let email = member(&portal).await?;
    let http = client();
    let cookie = session_cookie(&http, &portal.base, &email).await?;
    for (name, query) in [
        ("unfiltered", String::new()),
        ("class", "?class=gnss-jamming".to_string()),
        ("sea area", "?sea_area=gulf-of-guinea".to_string()),
    ] {
        let url = format!("{}/stats{query}", portal.base);
        let mut samples = Vec::with_capacity(iterations);
        let mut bytes = 0;
        for _ in 0..iterations {
            let started = Instant::now();
            let response = http
                .get(&url)
                .header("cookie", &cookie)
                .header("accept-encoding", "gzip")
                .send()
                .await?;
            anyhow::ensure!(
                response.status().is_success(),
                "GET /stats{query} answered {}",
                response.status()
            );
            bytes = response.bytes().await?.len();
            samples.push(started.elapsed());
        }
        report(
            &format!("GET /stats over HTTP ({name}, {bytes} B gzip)"),
            samples,
        );
    }
    drop(portal);
    Ok(())
}
