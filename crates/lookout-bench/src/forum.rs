//! The forum and search at scale: loads many synthetic posts through the
//! forum's own store (so each is numbered and indexed as a real one), then
//! times over HTTP what members do: read a page of a thread, reply, and
//! search for a common word, a rare one and two words together.

use std::time::{Duration, Instant};

use lookout_server::forum::model::CategoryForm;
use lookout_server::forum::store::{self, Author};

use super::{client, csrf_field, member, portal, report, session_cookie};

const WORDS: [&str; 48] = [
    "vessel",
    "bridge",
    "ecdis",
    "phishing",
    "invoice",
    "bunker",
    "port",
    "terminal",
    "crew",
    "master",
    "usb",
    "update",
    "chart",
    "spoofing",
    "jamming",
    "position",
    "radar",
    "ais",
    "vsat",
    "firewall",
    "password",
    "account",
    "agent",
    "supplier",
    "payment",
    "bank",
    "domain",
    "mail",
    "malware",
    "ransomware",
    "backup",
    "server",
    "office",
    "engine",
    "ballast",
    "cargo",
    "pilot",
    "anchorage",
    "harbour",
    "report",
    "analyst",
    "advisory",
    "incident",
    "network",
    "switch",
    "laptop",
    "tablet",
    "satellite",
];

/// A post of 40 to 120 words drawn from the vocabulary by a small PRNG;
/// every 1000th mentions the rare word.
fn post_text(seed: u64) -> String {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let n = 40 + (next() % 81) as usize;
    let mut words: Vec<&str> = (0..n)
        .map(|_| WORDS[(next() % WORDS.len() as u64) as usize])
        .collect();
    if seed.is_multiple_of(1000) {
        words.push("quetzalcoatl");
    }
    words.join(" ")
}

pub async fn forum(
    database_url: &Option<String>,
    posts: usize,
    iterations: usize,
) -> anyhow::Result<()> {
    let portal = portal(database_url).await?;
    let db = &portal.state.db;
    let slug = format!(
        "bench-{}",
        hex::encode(lookout_server::secrets::random_bytes::<3>()?)
    );
    let mut tx = db.begin_write().await?;
    store::save_category(
        &mut tx,
        &CategoryForm {
            slug: slug.clone(),
            name: "Bench".into(),
            ..CategoryForm::default()
        },
    )
    .await?;
    tx.commit().await?;
    let category = store::category_by_slug(&db.pool, &slug)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the bench category vanished"))?;
    let email = member(&portal).await?;
    let author: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(&email)
        .fetch_one(&db.pool)
        .await?;

    // 50 posts a thread, 500 posts a transaction.
    let started = Instant::now();
    let mut threads = Vec::new();
    let mut written = 0;
    while written < posts {
        let mut tx = db.begin_write().await?;
        for _ in 0..10 {
            let thread = store::create_thread(
                &mut tx,
                category.id,
                &format!("Thread {}", threads.len()),
                "green",
            )
            .await?;
            for _ in 0..50 {
                store::add_post(
                    &mut tx,
                    thread.id,
                    &Author::Named(author),
                    &post_text(written as u64),
                )
                .await?;
                written += 1;
            }
            threads.push(thread.reference);
        }
        tx.commit().await?;
    }
    let load = started.elapsed();
    // As autovacuum would soon after a bulk load: PostgreSQL plans the
    // searches with the index's real size.
    if db.backend == lookout_server::db::Backend::Postgres {
        sqlx::query("ANALYZE search_documents")
            .execute(&db.pool)
            .await?;
    }
    println!(
        "forum: {written} posts in {} threads written and indexed in {:.1} s ({:.0} posts/s)",
        threads.len(),
        load.as_secs_f64(),
        written as f64 / load.as_secs_f64()
    );

    let http = client();
    let cookie = session_cookie(&http, &portal.base, &email).await?;
    let get = async |path: &str| -> anyhow::Result<(Duration, String)> {
        let started = Instant::now();
        let response = http
            .get(format!("{}{path}", portal.base))
            .header("cookie", &cookie)
            .send()
            .await?;
        anyhow::ensure!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        let body = response.text().await?;
        Ok((started.elapsed(), body))
    };

    let mut pages = Vec::new();
    for i in 0..iterations {
        let thread = &threads[(i * 7919) % threads.len()];
        pages.push(get(&format!("/forum/t/{thread}")).await?.0);
    }
    report("thread page (30 posts, over HTTP)", pages);

    let mut replies = Vec::new();
    let thread = &threads[threads.len() / 2];
    for i in 0..iterations {
        let (_, page) = get(&format!("/forum/t/{thread}")).await?;
        let token = csrf_field(&page)?;
        let form = reqwest::multipart::Form::new()
            .text("csrf", token.clone())
            .text("body", post_text(i as u64 + 7))
            .text("action", "post");
        let started = Instant::now();
        let response = http
            .post(format!("{}/forum/t/{thread}?csrf={token}", portal.base))
            .header("cookie", &cookie)
            .multipart(form)
            .send()
            .await?;
        anyhow::ensure!(
            response.status().as_u16() == 303,
            "reply: {}",
            response.status()
        );
        replies.push(started.elapsed());
    }
    report(
        "reply (POST with index and notifications, over HTTP)",
        replies,
    );

    for (what, query) in [
        ("search, common word (everything)", "ransomware"),
        ("search, common word (forum only)", "ransomware&scope=forum"),
        ("search, two words", "bunker+invoice"),
        ("search, rare word", "quetzalcoatl"),
        ("search, prefix", "sat"),
    ] {
        let mut samples = Vec::new();
        for _ in 0..iterations {
            let (took, body) = get(&format!("/search?q={query}")).await?;
            anyhow::ensure!(body.contains("id=\"hits\""), "{what}: nothing found");
            samples.push(took);
        }
        report(&format!("{what}, {written} posts"), samples);
    }
    Ok(())
}
