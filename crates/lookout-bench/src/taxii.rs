//! TAXII at scale: a collection of many objects paged to its end over
//! HTTP by a member's API token, as a SOC's first pull does; the time to
//! the first page and the rate of the whole walk. The objects are loaded
//! straight into the export table (as the exporter leaves them), each a
//! realistic indicator of about 700 bytes.

use std::time::{Duration, Instant};

use lookout_server::accounts::operator;
use lookout_server::audit::Actor;
use serde_json::Value;

use super::{member, portal, report};

/// Rows per INSERT while loading.
const CHUNK: usize = 500;

fn indicator(n: usize) -> (String, String) {
    let id = format!("indicator--{:08x}-0000-4000-8000-{:012x}", n / 65_536, n);
    let octets = [
        45 + n % 150,
        (n / 150) % 256,
        (n / 38_400) % 256,
        1 + n % 254,
    ];
    let body = serde_json::json!({
        "type": "indicator",
        "spec_version": "2.1",
        "id": id,
        "created": "2026-11-02T08:00:00.000Z",
        "modified": "2026-11-02T08:00:00.000Z",
        "created_by_ref": "identity--d687bafa-1d31-57df-8410-2a8d180d3ba6",
        "name": format!("C2 address {}.{}.{}.{}", octets[0], octets[1], octets[2], octets[3]),
        "description": "Address seen in incident INC-2026-0042 (command and control of a loader).",
        "indicator_types": ["malicious-activity"],
        "pattern": format!("[ipv4-addr:value = '{}.{}.{}.{}']", octets[0], octets[1], octets[2], octets[3]),
        "pattern_type": "stix",
        "pattern_version": "2.1",
        "valid_from": "2026-11-01T00:00:00.000Z",
        "object_marking_refs": ["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"],
    });
    (id, body.to_string())
}

async fn load(db: &lookout_server::db::Db, objects: usize) -> anyhow::Result<()> {
    let started = Instant::now();
    let base: i64 = 1_780_000_000_000_000;
    let mut n = 0;
    while n < objects {
        let mut tx = db.begin_write().await?;
        for _ in 0..20 {
            if n >= objects {
                break;
            }
            let rows = CHUNK.min(objects - n);
            let mut sql = String::from(
                "INSERT INTO intel_objects (collection, subject_kind, subject_id, stix_id, \
                 stix_type, version, spec_version, date_added, body) VALUES ",
            );
            for i in 0..rows {
                let p = i * 4;
                if i > 0 {
                    sql.push(',');
                }
                sql.push_str(&format!(
                    "('green', 'bench', ${}, ${}, 'indicator', '2026-11-02T08:00:00.000Z', '2.1', ${}, ${})",
                    p + 1,
                    p + 2,
                    p + 3,
                    p + 4
                ));
            }
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for i in 0..rows {
                let (id, body) = indicator(n + i);
                // A few objects share each microsecond, as a burst of
                // exports does: paging must not lose or repeat them.
                query = query
                    .bind((n + i) as i64)
                    .bind(id)
                    .bind(base + ((n + i) / 3) as i64)
                    .bind(body);
            }
            query.execute(&mut *tx).await?;
            n += rows;
        }
        tx.commit().await?;
    }
    println!(
        "loaded {objects} objects into the GREEN collection in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

pub async fn taxii(
    database_url: &Option<String>,
    objects: usize,
    page: usize,
) -> anyhow::Result<()> {
    let portal = portal(database_url).await?;
    let email = member(&portal).await?;
    let token = operator::create_api_token(
        &portal.state.db,
        &portal.state.key,
        &email,
        "bench",
        &["read".into()],
        Actor::Cli,
    )
    .await?;
    load(&portal.state.db, objects).await?;
    let client = reqwest::Client::new();
    let green = lookout_intel_collection("green");
    let first_url = portal.url(&format!(
        "/taxii2/api/collections/{green}/objects/?limit={page}"
    ));

    // The first page, as a client sees it when it starts (several times).
    let mut firsts = Vec::new();
    for _ in 0..10 {
        let started = Instant::now();
        let response = client
            .get(&first_url)
            .bearer_auth(&token)
            .header("accept", "application/taxii+json;version=2.1")
            .send()
            .await?;
        anyhow::ensure!(
            response.status().is_success(),
            "first page: {}",
            response.status()
        );
        response.bytes().await?;
        firsts.push(started.elapsed());
    }
    report(&format!("taxii first page of {page}"), firsts);

    // The whole collection, page after page.
    let started = Instant::now();
    let mut seen = 0usize;
    let mut pages = 0usize;
    let mut bytes = 0usize;
    let mut page_times: Vec<Duration> = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let url = match &next {
            Some(token) => format!("{first_url}&next={token}"),
            None => first_url.clone(),
        };
        let page_started = Instant::now();
        let response = client
            .get(&url)
            .bearer_auth(&token)
            .header("accept", "application/taxii+json;version=2.1")
            .send()
            .await?;
        anyhow::ensure!(
            response.status().is_success(),
            "page {pages}: {}",
            response.status()
        );
        let body = response.bytes().await?;
        page_times.push(page_started.elapsed());
        bytes += body.len();
        let envelope: Value = serde_json::from_slice(&body)?;
        seen += envelope["objects"].as_array().map_or(0, Vec::len);
        pages += 1;
        match envelope["next"].as_str() {
            Some(token) if envelope["more"] == true => next = Some(token.to_owned()),
            _ => break,
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    anyhow::ensure!(seen == objects, "walked {seen} objects of {objects}");
    println!(
        "taxii walk: {seen} objects in {pages} pages of {page}, {:.1} MB, {elapsed:.1} s: {:.0} objects/s",
        bytes as f64 / 1e6,
        seen as f64 / elapsed
    );
    report(&format!("taxii page of {page}"), page_times);
    Ok(())
}

/// The id of a level's collection, as the server derives it.
fn lookout_intel_collection(level: &str) -> String {
    lookout_intel::derived_uuid(&format!("taxii/collection/{level}")).to_string()
}
