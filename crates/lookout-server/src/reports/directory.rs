//! The member directory as the scrubber sees it: organisation names,
//! people's names and e-mail domains, so that a narrative naming a member
//! loses the name before anyone else reads it.

use std::sync::{Arc, LazyLock, Mutex};

use lookout_privacy::{KnownNames, NameLists};

use crate::db::Db;

/// Public mail providers: members use them, attackers too. Scrubbing them
/// would destroy sender indicators and protect no one.
const SHARED_MAIL_DOMAINS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "yahoo.com",
    "icloud.com",
    "proton.me",
    "protonmail.com",
    "gmx.net",
    "gmx.de",
    "mail.ru",
    "yandex.ru",
    "qq.com",
    "163.com",
    "localhost",
];

fn plausible_domain(domain: &str) -> bool {
    domain.contains('.')
        && domain.len() >= 4
        && domain
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        && !SHARED_MAIL_DOMAINS.contains(&domain)
}

/// Name lists from organisations and active people. A person's surname
/// alone is listed too when it is long enough not to be an ordinary word
/// at the start of a sentence.
pub async fn lists(db: &Db) -> Result<NameLists, sqlx::Error> {
    let organisations: Vec<String> = sqlx::query_scalar("SELECT name FROM organisations")
        .fetch_all(&db.pool)
        .await?;
    let people: Vec<(String, String)> =
        sqlx::query_as("SELECT display_name, email FROM users WHERE disabled = 0")
            .fetch_all(&db.pool)
            .await?;
    let mut lists = NameLists {
        organisations: organisations
            .into_iter()
            .map(|n| n.trim().to_string())
            .filter(|n| n.chars().count() >= 2)
            .collect(),
        ..NameLists::default()
    };
    for (name, email) in people {
        let name = name.trim();
        if name.chars().count() >= 2 {
            lists.people.push(name.to_string());
        }
        if let Some(surname) = name.split_whitespace().last()
            && surname != name
            && surname.chars().count() >= 5
        {
            lists.people.push(surname.to_string());
        }
        if let Some((_, domain)) = email.rsplit_once('@') {
            let domain = domain.to_ascii_lowercase();
            if plausible_domain(&domain) {
                lists.domains.push(domain);
            }
        }
    }
    for list in [
        &mut lists.organisations,
        &mut lists.people,
        &mut lists.domains,
    ] {
        list.sort();
        list.dedup();
    }
    Ok(lists)
}

/// The lists compiled lately, and what they compiled to, newest last.
/// Compiling the directory's names into one matcher takes far longer than
/// reading them, so every request reads the lists (two small queries, so a
/// change made by any process is seen at once) and compiles only lists it
/// has not seen. A few entries, for portals sharing one process (tests).
type Compiled = Vec<(NameLists, Arc<KnownNames>)>;
static COMPILED: LazyLock<Mutex<Compiled>> = LazyLock::new(|| Mutex::new(Vec::new()));
const REMEMBERED: usize = 4;

#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error("the directory could not be compiled for scrubbing: {0}")]
    Compile(String),
}

impl From<DirectoryError> for crate::web::AppError {
    fn from(err: DirectoryError) -> Self {
        crate::web::AppError::internal(err)
    }
}

/// The directory compiled for scrubbing.
pub async fn known_names(db: &Db) -> Result<Arc<KnownNames>, DirectoryError> {
    let lists = lists(db).await?;
    if let Ok(cache) = COMPILED.lock()
        && let Some((_, known)) = cache.iter().find(|(cached, _)| *cached == lists)
    {
        return Ok(Arc::clone(known));
    }
    let compiled = {
        let lists = lists.clone();
        tokio::task::spawn_blocking(move || KnownNames::new(lists))
            .await
            .map_err(|err| DirectoryError::Compile(err.to_string()))?
            .map_err(|err| DirectoryError::Compile(err.to_string()))?
    };
    let known = Arc::new(compiled);
    if let Ok(mut cache) = COMPILED.lock() {
        if cache.len() >= REMEMBERED {
            cache.remove(0);
        }
        cache.push((lists, Arc::clone(&known)));
    }
    Ok(known)
}

#[cfg(test)]
mod tests {
    use super::plausible_domain;

    #[test]
    fn public_mail_providers_are_not_member_domains() {
        assert!(plausible_domain("nordkap-shipping.no"));
        assert!(!plausible_domain("gmail.com"));
        assert!(!plausible_domain("localhost"));
        assert!(!plausible_domain("bad domain.com"));
    }
}
