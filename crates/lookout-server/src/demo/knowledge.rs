//! The knowledge base's first articles, written for the demo and as a
//! start for a real portal: incident playbooks, best practice, guidance,
//! tools and news, one Markdown file each under `knowledge/` with a few
//! header lines (`Kind:`, `Title:`, `Tags:`, `Summary:`, `TLP:`).

use crate::kb::model::{Content, normalise_tags, slug_of};
use crate::kb::store;
use crate::state::AppState;

pub const ARTICLES: [(&str, &str); 17] = [
    (
        "ransomware-on-shore-it",
        include_str!("knowledge/01-ransomware-on-shore-it.md"),
    ),
    (
        "ecdis-infection-on-board",
        include_str!("knowledge/02-ecdis-infection-on-board.md"),
    ),
    (
        "gnss-spoofing-or-jamming",
        include_str!("knowledge/03-gnss-spoofing-or-jamming.md"),
    ),
    (
        "bec-bunker-payment",
        include_str!("knowledge/04-bec-bunker-payment.md"),
    ),
    (
        "ais-manipulation",
        include_str!("knowledge/05-ais-manipulation.md"),
    ),
    (
        "infected-removable-media",
        include_str!("knowledge/06-infected-removable-media.md"),
    ),
    (
        "vsat-terminal-compromise",
        include_str!("knowledge/07-vsat-terminal-compromise.md"),
    ),
    (
        "phishing-against-crew",
        include_str!("knowledge/08-phishing-against-crew.md"),
    ),
    (
        "removable-media-policy",
        include_str!("knowledge/09-removable-media-policy.md"),
    ),
    (
        "separating-crew-wifi",
        include_str!("knowledge/10-separating-crew-wifi.md"),
    ),
    (
        "backups-that-survive-ransomware",
        include_str!("knowledge/11-backups-that-survive-ransomware.md"),
    ),
    (
        "reporting-to-lookout",
        include_str!("knowledge/12-reporting-to-lookout.md"),
    ),
    (
        "maritime-cyber-regulation-overview",
        include_str!("knowledge/13-maritime-cyber-regulation-overview.md"),
    ),
    (
        "file-analysis-before-opening",
        include_str!("knowledge/14-file-analysis-before-opening.md"),
    ),
    (
        "free-tools-worth-knowing",
        include_str!("knowledge/15-free-tools-worth-knowing.md"),
    ),
    (
        "news-confidential-forum-opens",
        include_str!("knowledge/16-news-confidential-forum-opens.md"),
    ),
    (
        "news-verified-anonymous-reports",
        include_str!("knowledge/17-news-verified-anonymous-reports.md"),
    ),
];

/// A file's kind and content; `None` when its header is malformed.
pub fn parse(text: &str) -> Option<(String, Content)> {
    let (header, body) = text.split_once("\n\n")?;
    let mut kind = String::new();
    let mut content = Content {
        body: body.trim().to_string(),
        tlp: "clear".into(),
        ..Content::default()
    };
    for line in header.lines() {
        let (key, value) = line.split_once(':')?;
        let value = value.trim().to_string();
        match key.trim() {
            "Kind" => kind = value,
            "Title" => content.title = value,
            "Tags" => content.tags = normalise_tags(&value),
            "Summary" => content.summary = value,
            "TLP" => content.tlp = value.to_lowercase(),
            _ => return None,
        }
    }
    (!kind.is_empty() && !content.title.is_empty()).then_some((kind, content))
}

/// Related items for the demo: the advisory and incidents whose subject a
/// playbook covers.
async fn related(
    tx: &mut crate::db::Tx,
    class: &str,
    advisory_title: &str,
) -> anyhow::Result<(String, String)> {
    let incidents: Vec<String> = sqlx::query_scalar(
        "SELECT ref FROM incidents WHERE class = $1 AND state = 'published' AND tlp_rank <= 1 \
         ORDER BY id LIMIT 2",
    )
    .bind(class)
    .fetch_all(&mut **tx)
    .await?;
    let advisories: Vec<String> = sqlx::query_scalar(
        "SELECT a.ref FROM advisories a JOIN advisory_revisions r ON r.advisory_id = a.id \
         WHERE r.title = $1 ORDER BY a.id LIMIT 1",
    )
    .bind(advisory_title)
    .fetch_all(&mut **tx)
    .await?;
    Ok((incidents.join(" "), advisories.join(" ")))
}

pub async fn seed_knowledge(state: &AppState) -> anyhow::Result<()> {
    let mut tx = state.db.begin_write().await?;
    let editor: Option<i64> =
        sqlx::query_scalar("SELECT id FROM users WHERE role = 'editor' ORDER BY id LIMIT 1")
            .fetch_optional(&mut *tx)
            .await?;
    for (file, text) in ARTICLES {
        let Some((kind, mut content)) = parse(text) else {
            anyhow::bail!("demo article {file} has a malformed header");
        };
        let links = match file {
            "gnss-spoofing-or-jamming" => {
                Some(("gnss-spoofing", "GNSS spoofing reports in the Black Sea"))
            }
            "bec-bunker-payment" => {
                Some(("fraud", "Fake bunker invoices asking for new bank details"))
            }
            "ecdis-infection-on-board" => Some(("ecdis-bridge-compromise", "")),
            _ => None,
        };
        if let Some((class, advisory)) = links {
            (content.incidents, content.advisories) = related(&mut tx, class, advisory).await?;
        }
        let Some(article) =
            store::create(&mut tx, &slug_of(&content.title), &kind, &content, editor).await?
        else {
            continue;
        };
        if let Some(version) = store::latest(&mut *tx, article.id).await? {
            store::publish(&mut tx, &article, &version, None).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_article_parses_passes_the_editors_checks_and_renders() {
        for (file, text) in ARTICLES {
            let (kind, content) = parse(text).unwrap_or_else(|| panic!("{file}: header"));
            assert!(
                crate::kb::model::KINDS.iter().any(|(k, _, _)| *k == kind),
                "{file}: kind {kind}"
            );
            assert_eq!(content.problems(), Vec::<String>::new(), "{file}");
            let rendered =
                lookout_markdown::render(&content.body, &lookout_markdown::Limits::default())
                    .unwrap();
            assert!(
                !rendered.html.contains("&lt;"),
                "{file}: raw HTML shown as text"
            );
        }
        let playbooks = ARTICLES
            .iter()
            .filter(|(_, t)| parse(t).is_some_and(|(k, _)| k == "playbook"))
            .count();
        assert!(playbooks >= 4);
    }
}
