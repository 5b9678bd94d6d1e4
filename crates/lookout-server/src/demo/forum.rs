//! The demo forum: categories for everyone and for some kinds of
//! organisation, and a few conversations, one of them with pseudonymous
//! posts.

use crate::forum::model::CategoryForm;
use crate::forum::pages::pseudonym_in;
use crate::forum::store::{self, Author};
use crate::state::AppState;

const CATEGORIES: [(&str, &str, &str, &str); 4] = [
    (
        "general",
        "General discussion",
        "Anything security officers want to talk over with their peers.",
        "",
    ),
    (
        "threats",
        "Threats and incidents",
        "What you are seeing now: campaigns, suspicious mail, interference at sea.",
        "",
    ),
    (
        "ports",
        "Ports and terminals",
        "For port and terminal security officers.",
        "port",
    ),
    (
        "regulators",
        "Flag states, class and P&I",
        "Regulation, surveys and claims, among flag administrations, class societies and P&I clubs.",
        "flag-state class-society pi-club",
    ),
];

/// (category, title, sharing level, posts: (author email, pseudonymous, text))
type Conversation = (
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, bool, &'static str)],
);

const THREADS: [Conversation; 4] = [
    (
        "threats",
        "Fake bunker supplier invoices: anyone else?",
        "amber",
        &[
            (
                "it@northwind-tankers.example",
                false,
                "We received two invoices this week that copy our bunker supplier's layout but ask for payment to a **new account**. The sender domain differs by one letter.\n\nWe called the supplier on the number we already had: they never sent them. Has anyone else seen this?",
            ),
            (
                "fleet.it@baltic-bulk.example",
                true,
                "Same here, three weeks ago. Our accounts team nearly paid. What worked for us:\n\n1. No change of bank details without a call-back on a known number.\n2. A banner on external mail that looks like a supplier's.\n\n@tom.brandt did yours come through a shared mailbox?",
            ),
            (
                "it@northwind-tankers.example",
                false,
                "Yes, the shared operations mailbox. We have added the look-alike domain to our watchlist.",
            ),
        ],
    ),
    (
        "threats",
        "GNSS interference in the eastern Mediterranean",
        "green",
        &[
            (
                "marine.cyber@lodestar-class.example",
                false,
                "Several masters have reported positions jumping inland for minutes at a time near the Levant coast. Please report every occurrence, even short ones, so the statistics show where it clusters.",
            ),
            (
                "cso@northwind-tankers.example",
                true,
                "Our bridge teams now log each event with the time, the displayed position and a radar fix. The *Playbooks* section of the knowledge base has a good checklist.",
            ),
        ],
    ),
    (
        "ports",
        "Port community system phishing",
        "amber",
        &[(
            "security@kestrel-port.example",
            false,
            "Agents received mail asking them to \"re-validate\" their port community system accounts on a look-alike page. We reset the affected accounts and turned on a second factor for everyone.",
        )],
    ),
    (
        "general",
        "USB policy for visiting engineers",
        "green",
        &[
            (
                "ciso@meridian-lines.example",
                false,
                "How do you handle service engineers who arrive with their own USB sticks for ECDIS or engine-room updates?",
            ),
            (
                "it@northwind-tankers.example",
                false,
                "A scanning kiosk in the ship's office, and the master signs off each stick. Updates from the maker's portal go on our own sticks.",
            ),
        ],
    ),
];

pub async fn seed_forum(state: &AppState) -> anyhow::Result<()> {
    let mut tx = state.db.begin_write().await?;
    for (position, (slug, name, description, kinds)) in CATEGORIES.iter().enumerate() {
        store::save_category(
            &mut tx,
            &CategoryForm {
                slug: (*slug).into(),
                name: (*name).into(),
                description: (*description).into(),
                position: i64::try_from(position).unwrap_or(0),
                roles: String::new(),
                org_kinds: (*kinds).into(),
            },
        )
        .await?;
    }
    for (slug, title, tlp, posts) in THREADS {
        let Some(category) = store::category_by_slug(&mut *tx, slug).await? else {
            continue;
        };
        let thread = store::create_thread(&mut tx, category.id, title, tlp).await?;
        for (email, pseudonymous, body) in posts {
            let user: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
                .bind(*email)
                .fetch_optional(&mut *tx)
                .await?;
            let Some(user_id) = user else {
                continue;
            };
            let author = if *pseudonymous {
                let (tag, name) = pseudonym_in(&mut tx, &state.key, thread.id, user_id).await?;
                Author::Pseudonym { tag, name }
            } else {
                Author::Named(user_id)
            };
            store::add_post(&mut tx, thread.id, &author, body).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}
