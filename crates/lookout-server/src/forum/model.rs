//! What the forum's forms carry and the checks they must pass: categories
//! and who may enter them, posts, mentions.

use std::sync::LazyLock;

use serde::Serialize;

use crate::accounts::authz;
use crate::accounts::model::{OrgKind, Role};
use crate::sharing::catalogue::stored_systems;
use crate::sharing::clearance::tlp_rank;

pub const TITLE_MAX: usize = 200;
/// A post's Markdown: a long incident write-up fits, a pasted log does not
/// (attach it instead).
pub const BODY_MAX: usize = 40_000;
pub const FLAG_REASON_MAX: usize = 1_000;
pub const HIDE_REASON_MAX: usize = 300;
pub const CATEGORY_NAME_MAX: usize = 80;
pub const CATEGORY_DESCRIPTION_MAX: usize = 500;
/// Posts on one page of a thread.
pub const POSTS_PER_PAGE: i64 = 30;
/// Threads on one page of a category.
pub const THREADS_PER_PAGE: i64 = 40;
/// Members one post may notify by name: more is a broadcast, not a mention.
pub const MENTIONS_MAX: usize = 10;

/// Sharing levels a thread may have. RED is for named recipients, which a
/// forum thread never is.
pub const THREAD_TLPS: [&str; 4] = ["clear", "green", "amber", "amber-strict"];

/// Who may read and post in a category, besides moderators and admins.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Category {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub position: i64,
    /// Role ids joined by spaces.
    pub roles: String,
    /// Organisation kinds joined by spaces.
    pub org_kinds: String,
    pub created_at: i64,
}

impl Category {
    pub fn is_open_to_all(&self) -> bool {
        self.roles.trim().is_empty() && self.org_kinds.trim().is_empty()
    }

    /// Whether a member with `role`, in an organisation of `org_kind`, may
    /// read and post here. Moderators and admins enter every category:
    /// they keep order in all of them.
    pub fn admits(&self, role: Role, org_kind: Option<OrgKind>) -> bool {
        if authz::enters_every_category(role) || self.is_open_to_all() {
            return true;
        }
        stored_systems(&self.roles).any(|r| r == role.as_str())
            || org_kind.is_some_and(|k| stored_systems(&self.org_kinds).any(|x| x == k.as_str()))
    }

    /// "Members of ports and flag states, analysts", for the category list.
    pub fn audience(&self) -> String {
        if self.is_open_to_all() {
            return "All members".into();
        }
        let mut parts: Vec<String> = stored_systems(&self.org_kinds)
            .filter_map(OrgKind::parse)
            .map(|k| k.label().to_string())
            .collect();
        parts.extend(
            stored_systems(&self.roles)
                .filter_map(|r| r.parse::<Role>().ok())
                .map(|r| format!("{}s", r.label())),
        );
        parts.join(", ")
    }

    pub fn has_role(&self, role: &str) -> bool {
        stored_systems(&self.roles).any(|r| r == role)
    }

    pub fn has_kind(&self, kind: &str) -> bool {
        stored_systems(&self.org_kinds).any(|k| k == kind)
    }
}

/// The admins' category form.
#[derive(Clone, Debug, Default)]
pub struct CategoryForm {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub position: i64,
    pub roles: String,
    pub org_kinds: String,
}

impl CategoryForm {
    pub fn from_pairs(body: &[u8]) -> CategoryForm {
        let mut form = CategoryForm::default();
        let mut roles = Vec::new();
        let mut kinds = Vec::new();
        for (key, value) in url::form_urlencoded::parse(body) {
            match key.as_ref() {
                "slug" => form.slug = value.trim().to_lowercase(),
                "name" => form.name = value.trim().to_string(),
                "description" => form.description = value.trim().to_string(),
                "position" => form.position = value.trim().parse().unwrap_or(0),
                "role" => roles.push(value.into_owned()),
                "org_kind" => kinds.push(value.into_owned()),
                _ => {}
            }
        }
        form.roles = roles
            .iter()
            .filter_map(|r| r.parse::<Role>().ok())
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        form.org_kinds = kinds
            .iter()
            .filter_map(|k| OrgKind::parse(k))
            .map(OrgKind::as_str)
            .collect::<Vec<_>>()
            .join(" ");
        form
    }

    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let slug_ok = !self.slug.is_empty()
            && self.slug.len() <= 40
            && self
                .slug
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !slug_ok {
            problems.push(
                "Give the category a short address of up to 40 lower-case letters, digits and \
                 hyphens, like port-security."
                    .into(),
            );
        }
        if let Err(problem) =
            crate::accounts::model::check_name(&self.name, "The name", CATEGORY_NAME_MAX)
        {
            problems.push(problem);
        }
        if self.description.chars().count() > CATEGORY_DESCRIPTION_MAX {
            problems.push(format!(
                "Keep the description to {CATEGORY_DESCRIPTION_MAX} characters."
            ));
        }
        problems
    }
}

/// A new thread or a reply, as the form carries it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PostForm {
    /// New threads only.
    pub title: String,
    pub tlp: String,
    pub body: String,
    /// Post under this thread's pseudonym instead of the member's name.
    pub pseudonymous: bool,
    /// The button pressed: `post` or `preview`.
    pub action: String,
}

impl PostForm {
    pub fn from_pairs(pairs: Vec<(String, String)>) -> PostForm {
        let mut form = PostForm::default();
        for (key, value) in pairs {
            match key.as_str() {
                "title" => form.title = value,
                "tlp" => form.tlp = value,
                "body" => form.body = value,
                "pseudonymous" => form.pseudonymous = value == "1" || value == "on",
                "action" => form.action = value,
                _ => {}
            }
        }
        form.title = form.title.trim().to_string();
        form
    }

    pub fn previewing(&self) -> bool {
        self.action == "preview"
    }

    pub fn tlp_rank(&self) -> i64 {
        tlp_rank(&self.tlp).unwrap_or(3)
    }

    /// What is wrong with a reply (or an edit): only its text.
    pub fn body_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.body.trim().is_empty() {
            problems.push("Write something: the post is empty.".into());
        }
        if self.body.len() > BODY_MAX {
            problems.push(format!(
                "The post is {} characters; keep it under {BODY_MAX}, or attach the rest as a file.",
                self.body.len()
            ));
        }
        if self.body.contains('\0') {
            problems.push("The post contains a NUL character; remove it and send again.".into());
        }
        problems
    }

    /// What is wrong with a new thread: its title, level and first post.
    pub fn thread_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if let Err(problem) =
            crate::accounts::model::check_name(&self.title, "The title", TITLE_MAX)
        {
            problems.push(problem);
        }
        if !THREAD_TLPS.contains(&self.tlp.as_str()) {
            problems.push(
                "Choose a sharing level: CLEAR, GREEN, AMBER or AMBER+STRICT (RED is for named \
                 recipients, which a forum thread never is)."
                    .into(),
            );
        }
        problems.extend(self.body_problems());
        problems
    }
}

/// How a member is named in mentions: their display name in lower case,
/// words joined by dots (`Nina Halvorsen` → `nina.halvorsen`).
pub fn handle_of(display_name: &str) -> String {
    display_name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(".")
}

static MENTION: LazyLock<regex::Regex> = LazyLock::new(|| {
    // Not after a letter, digit or dot: `crew@ship.example` is an address,
    // not a mention. Linear-time engine: hostile posts cannot blow it up.
    regex::Regex::new(r"(?:^|[^\p{L}\p{N}.@])@([\p{L}\p{N}]+(?:\.[\p{L}\p{N}]+){0,5})")
        .expect("mention pattern compiles")
});

/// The handles a post mentions (`@nina.halvorsen`), outside code, in order,
/// each once, at most [`MENTIONS_MAX`].
pub fn mentions(markdown: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut in_fence = false;
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        // Indented code and quoted text (someone else's words) mention no one.
        if in_fence
            || line.starts_with("    ")
            || line.starts_with('\t')
            || trimmed.starts_with('>')
        {
            continue;
        }
        let outside_code: String = line
            .split('`')
            .enumerate()
            .filter(|(i, _)| i % 2 == 0)
            .map(|(_, part)| part)
            .collect::<Vec<_>>()
            .join(" ");
        for capture in MENTION.captures_iter(&outside_code) {
            let handle = capture[1].to_lowercase();
            if !found.contains(&handle) {
                found.push(handle);
            }
            if found.len() == MENTIONS_MAX {
                return found;
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn role(name: &str) -> Role {
        name.parse().unwrap()
    }

    fn category(roles: &str, kinds: &str) -> Category {
        Category {
            roles: roles.into(),
            org_kinds: kinds.into(),
            ..Category::default()
        }
    }

    #[test]
    fn categories_admit_their_audience_and_the_moderators() {
        let ports = category("", "port flag-state");
        assert!(ports.admits(role("member"), Some(OrgKind::Port)));
        assert!(!ports.admits(role("member"), Some(OrgKind::ShipOwner)));
        assert!(!ports.admits(role("analyst"), None));
        assert!(ports.admits(role("moderator"), None));
        assert!(ports.admits(role("admin"), None));
        let staff = category("analyst editor", "");
        assert!(staff.admits(role("analyst"), None));
        assert!(!staff.admits(role("org-admin"), Some(OrgKind::Port)));
        assert!(category("", "").admits(role("member"), Some(OrgKind::Other)));
        assert_eq!(
            category("analyst", "port").audience(),
            "Port / terminal, Analysts"
        );
    }

    #[test]
    fn handles_are_names_in_lower_case_joined_by_dots() {
        assert_eq!(handle_of("Nina Halvorsen"), "nina.halvorsen");
        assert_eq!(
            handle_of("  Jörg  Müller-Lüdenscheidt "),
            "jörg.müller.lüdenscheidt"
        );
        assert_eq!(handle_of("O'Brien"), "o.brien");
    }

    #[test]
    fn mentions_skip_addresses_code_and_quotes() {
        let post = "Thanks @nina.halvorsen and @Tom.Brandt.\n\
                    Mail crew@ship.example, not @ here.\n\
                    > @quoted.person said\n\
                    `@in.code` and\n```\n@fenced.code\n```\n    @indented\n\
                    again @nina.halvorsen";
        assert_eq!(mentions(post), vec!["nina.halvorsen", "tom.brandt"]);
    }

    #[test]
    fn a_post_notifies_at_most_ten_members() {
        let post: String = (0..30).map(|i| format!("@member{i} ")).collect();
        assert_eq!(mentions(&post).len(), MENTIONS_MAX);
    }

    #[test]
    fn thread_forms_refuse_red_and_empty_posts() {
        let form = PostForm {
            title: "Port call phishing".into(),
            tlp: "red".into(),
            body: " ".into(),
            ..PostForm::default()
        };
        assert_eq!(form.thread_problems().len(), 2);
    }

    proptest! {
        #[test]
        fn mentions_never_panic_and_are_bounded(text in "\\PC{0,400}") {
            let found = mentions(&text);
            prop_assert!(found.len() <= MENTIONS_MAX);
            for handle in found {
                prop_assert!(!handle.is_empty() && !handle.starts_with('.') && !handle.ends_with('.'));
            }
        }
    }
}
