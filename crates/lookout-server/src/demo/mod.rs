//! The demo world for `lookout serve --demo`: a dozen member organisations
//! of every kind, their members, and the operator's staff; several hundred
//! published incidents over two years and a few reports in triage
//! (`incidents.rs`). Passwords are random, printed once, and never stored
//! anywhere but as argon2id hashes.

mod forum;
mod incidents;
mod knowledge;

pub use incidents::{DEMO_INCIDENTS, Synthetic};

use crate::accounts::operator::{self, NewMember};
use crate::accounts::store;
use crate::audit::Actor;

const ORGS: [(&str, &str); 12] = [
    ("Northwind Tankers", "ship-owner"),
    ("Baltic Bulk Carriers", "ship-owner"),
    ("Meridian Container Lines", "ship-owner"),
    ("Coral Sea Offshore", "ship-owner"),
    ("Aurora Ro-Ro Ferries", "ship-owner"),
    ("Nordhavn Shipmanagement", "ship-owner"),
    ("Port of Kestrel Bay", "port"),
    ("Harbourline Terminals", "port"),
    ("Tidewater Mutual P&I", "pi-club"),
    ("Valdoria Maritime Administration", "flag-state"),
    ("Lodestar Classification", "class-society"),
    ("Seaward Risk Consultants", "other"),
];

/// (email, name, role, organisation)
const PEOPLE: [(&str, &str, &str, Option<&str>); 12] = [
    ("admin@lookout.example", "Ada Admiral", "admin", None),
    ("analyst@lookout.example", "Ravi Analyst", "analyst", None),
    ("editor@lookout.example", "Elena Editor", "editor", None),
    (
        "moderator@lookout.example",
        "Mo Moderator",
        "moderator",
        None,
    ),
    (
        "cso@northwind-tankers.example",
        "Nina Halvorsen",
        "org-admin",
        Some("Northwind Tankers"),
    ),
    (
        "it@northwind-tankers.example",
        "Tom Brandt",
        "member",
        Some("Northwind Tankers"),
    ),
    (
        "ciso@meridian-lines.example",
        "Grace Okafor",
        "org-admin",
        Some("Meridian Container Lines"),
    ),
    (
        "security@kestrel-port.example",
        "Luis Ferreira",
        "org-admin",
        Some("Port of Kestrel Bay"),
    ),
    (
        "loss.prevention@tidewater-pi.example",
        "Hannah Price",
        "member",
        Some("Tidewater Mutual P&I"),
    ),
    (
        "cyber@valdoria-registry.example",
        "Jonas Weber",
        "member",
        Some("Valdoria Maritime Administration"),
    ),
    (
        "marine.cyber@lodestar-class.example",
        "Priya Nair",
        "member",
        Some("Lodestar Classification"),
    ),
    (
        "fleet.it@baltic-bulk.example",
        "Oskar Lind",
        "member",
        Some("Baltic Bulk Carriers"),
    ),
];

pub struct DemoAccount {
    pub email: String,
    pub role: String,
    pub password: String,
}

/// Seeds the demo world into an empty portal. Returns the accounts created,
/// or none when the portal already has organisations.
pub async fn seed(state: &crate::state::AppState) -> anyhow::Result<Vec<DemoAccount>> {
    let db = &state.db;
    if store::count_orgs(db).await? > 0 {
        return Ok(Vec::new());
    }
    for (name, kind) in ORGS {
        operator::create_org(db, &state.key, name, kind, Actor::System).await?;
    }
    let mut accounts = Vec::new();
    for (email, name, role, org) in PEOPLE {
        let password = demo_password()?;
        operator::create_user(
            db,
            &state.key,
            NewMember {
                email,
                display_name: name,
                role,
                org,
                password: &password,
            },
            Actor::System,
        )
        .await?;
        accounts.push(DemoAccount {
            email: email.into(),
            role: role.into(),
            password,
        });
    }
    incidents::seed_incidents(state).await?;
    incidents::seed_triage(state).await?;
    seed_advisories(state).await?;
    seed_analyses(state).await?;
    forum::seed_forum(state).await?;
    knowledge::seed_knowledge(state).await?;
    Ok(accounts)
}

/// A few uploads for the analysis pages, all harmless files built in code
/// (the workers analyse them once the portal runs): one file uploaded by
/// two organisations, so "seen before" has something to show.
async fn seed_analyses(state: &crate::state::AppState) -> anyhow::Result<()> {
    use crate::analysis::store::{NewAnalysis, queue};
    use lookout_analysis::samples;
    let dropper = samples::pe(
        &[
            ("KERNEL32.dll", &["ExitProcess", "GetProcAddress"]),
            ("urlmon.dll", &["URLDownloadToFileA"]),
            ("SHELL32.dll", &["ShellExecuteA"]),
        ],
        &[
            "hxxp://ecdis-charts-update[.]example/update.exe",
            "Chart update for all ECDIS units",
        ],
    );
    let uploads: [(&str, &str, Vec<u8>, &str); 4] = [
        (
            "it@northwind-tankers.example",
            "ECDIS_chart_update.exe",
            dropper.clone(),
            "green",
        ),
        (
            "it@northwind-tankers.example",
            "Bunker_invoice_0412.doc",
            samples::word_doc_with_macro(),
            "amber",
        ),
        (
            "it@northwind-tankers.example",
            "av-test.com",
            samples::EICAR.to_vec(),
            "amber-strict",
        ),
        ("ciso@meridian-lines.example", "update.exe", dropper, "red"),
    ];
    let mut tx = state.db.begin_write().await?;
    for (email, name, bytes, tlp) in uploads {
        let user: Option<(i64, Option<i64>)> =
            sqlx::query_as("SELECT id, org_id FROM users WHERE email = $1")
                .bind(email)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((user_id, org_id)) = user else {
            continue;
        };
        let reference = crate::analysis::store::new_reference()?;
        queue(
            &mut tx,
            &state.key,
            &NewAnalysis {
                reference: &reference,
                bytes: &bytes,
                digests: &lookout_analysis::digests(&bytes),
                file_name: name,
                submitted_by: user_id,
                org_id,
                tlp,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Two published advisories, so the alerts pages show something. The
/// demo's past incidents are marked announced: they were "published"
/// before the demo began, and no one should get 300 alerts at first start.
async fn seed_advisories(state: &crate::state::AppState) -> anyhow::Result<()> {
    use crate::advisories::model::Content;
    use crate::advisories::store::{self as advisories, Origin};
    let mut tx = state.db.begin_write().await?;
    sqlx::query("UPDATE incidents SET announced = 1 WHERE visible_from <= $1")
        .bind(crate::db::now())
        .execute(&mut *tx)
        .await?;
    let analyst: Option<i64> =
        sqlx::query_scalar("SELECT id FROM users WHERE role = 'analyst' ORDER BY id LIMIT 1")
            .fetch_optional(&mut *tx)
            .await?;
    let Some(analyst) = analyst else {
        return Ok(());
    };
    for content in [
        Content {
            title: "Fake bunker invoices asking for new bank details".into(),
            severity: 2,
            tlp: "green".into(),
            body: "Several members received invoices that copy a real bunker supplier's layout but ask for payment to a **new account**. The sender domains are look-alikes registered days before.".into(),
            actions: "- Confirm any change of bank details by phone, on a number you already had.\n- Add your own domains to the [watchlist](/watchlist) to hear of look-alikes.".into(),
            indicators: "bunkers-invoicing[.]example\nhxxps://pay-bunkers[.]example/invoice".into(),
            classes: "fraud".into(),
            systems: "email".into(),
            ..Content::default()
        },
        Content {
            title: "GNSS spoofing reports in the Black Sea".into(),
            severity: 3,
            tlp: "amber".into(),
            body: "Members report ships shown at an airport ashore while 20 to 30 nm offshore, with AIS repeating the false position. Expect it on the approaches to Odesa and Novorossiysk.".into(),
            actions: "1. Cross-check positions with radar and visual bearings.\n2. Report each occurrence, even short ones: the statistics show where it clusters.".into(),
            classes: "gnss-spoofing".into(),
            sea_areas: "black-sea".into(),
            ..Content::default()
        },
    ] {
        if let Some(advisory) = advisories::create(&mut tx, Origin::Analyst, &content, Some(analyst)).await?
            && let Some(revision) = advisories::latest(&mut *tx, advisory.id).await?
        {
            advisories::publish(&mut tx, &advisory, &revision, Some(analyst)).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Four random groups of five letters and digits (~100 bits).
fn demo_password() -> anyhow::Result<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let bytes = crate::secrets::random_bytes::<20>()?;
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    Ok(chars
        .chunks(5)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-"))
}

pub fn print_accounts(accounts: &[DemoAccount], public_url: &str) {
    if accounts.is_empty() {
        println!("Demo data is already present; sign-in details were printed when it was created.");
        return;
    }
    println!("\nDemo world created. Sign in at {public_url}/login with (shown only now):\n");
    println!("  {:<40} {:<10} password", "email", "role");
    for a in accounts {
        println!("  {:<40} {:<10} {}", a.email, a.role, a.password);
    }
    println!(
        "\nStaff (admin, analyst, editor, moderator) set up an authenticator app at first sign-in.\n"
    );
}
