//! Roles, organisation kinds and the member record.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Member,
    OrgAdmin,
    Analyst,
    Editor,
    Moderator,
    Admin,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Member,
        Role::OrgAdmin,
        Role::Analyst,
        Role::Editor,
        Role::Moderator,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::OrgAdmin => "org-admin",
            Role::Analyst => "analyst",
            Role::Editor => "editor",
            Role::Moderator => "moderator",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Member => "Member",
            Role::OrgAdmin => "Organisation admin",
            Role::Analyst => "Analyst",
            Role::Editor => "Editor",
            Role::Moderator => "Moderator",
            Role::Admin => "Administrator",
        }
    }

    /// Operator staff must use a second factor.
    pub fn requires_mfa(self) -> bool {
        matches!(
            self,
            Role::Analyst | Role::Editor | Role::Moderator | Role::Admin
        )
    }

    /// Staff roles belong to the operator, not to a member organisation.
    pub fn is_staff(self) -> bool {
        self.requires_mfa()
    }
}

/// A role as stored, e.g. `org-admin`.
impl std::str::FromStr for Role {
    type Err = UnknownRole;

    fn from_str(text: &str) -> Result<Role, UnknownRole> {
        Role::parse(text).ok_or(UnknownRole)
    }
}

#[derive(Debug, thiserror::Error)]
#[error("unknown role")]
pub struct UnknownRole;

/// A member's role as the API (v1) names it: the API's own type, so the
/// wire format does not move when `Role` does. It lives here, beside
/// `Role`, so that a new role cannot be forgotten in the mapping.
#[derive(Clone, Copy, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
#[schema(as = Role)]
pub enum ApiRole {
    Member,
    OrgAdmin,
    Analyst,
    Editor,
    Moderator,
    Admin,
}

impl From<Role> for ApiRole {
    fn from(role: Role) -> Self {
        match role {
            Role::Member => ApiRole::Member,
            Role::OrgAdmin => ApiRole::OrgAdmin,
            Role::Analyst => ApiRole::Analyst,
            Role::Editor => ApiRole::Editor,
            Role::Moderator => ApiRole::Moderator,
            Role::Admin => ApiRole::Admin,
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OrgKind {
    ShipOwner,
    Port,
    PiClub,
    FlagState,
    ClassSociety,
    Other,
}

impl OrgKind {
    pub const ALL: [OrgKind; 6] = [
        OrgKind::ShipOwner,
        OrgKind::Port,
        OrgKind::PiClub,
        OrgKind::FlagState,
        OrgKind::ClassSociety,
        OrgKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::ShipOwner => "ship-owner",
            OrgKind::Port => "port",
            OrgKind::PiClub => "pi-club",
            OrgKind::FlagState => "flag-state",
            OrgKind::ClassSociety => "class-society",
            OrgKind::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<OrgKind> {
        OrgKind::ALL.into_iter().find(|k| k.as_str() == text.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            OrgKind::ShipOwner => "Ship owner / operator",
            OrgKind::Port => "Port / terminal",
            OrgKind::PiClub => "P&I club",
            OrgKind::FlagState => "Flag state administration",
            OrgKind::ClassSociety => "Classification society",
            OrgKind::Other => "Other",
        }
    }
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub org_id: Option<i64>,
    pub disabled: i64,
    /// `organisation` or `operator` while disabled (see `DisabledBy`).
    pub disabled_by: String,
    pub totp_secret: Option<String>,
    pub totp_last_step: Option<i64>,
    pub created_at: i64,
    pub password_changed_at: i64,
}

/// A signed-in member as the rest of the server sees them.
#[derive(Clone, Debug, Serialize)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub org_id: Option<i64>,
    pub mfa_enabled: bool,
}

impl UserRow {
    pub fn to_user(&self) -> Option<User> {
        Some(User {
            id: self.id,
            email: self.email.clone(),
            display_name: self.display_name.clone(),
            role: Role::parse(&self.role)?,
            org_id: self.org_id,
            mfa_enabled: self.totp_secret.is_some(),
        })
    }
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Organisation {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub mfa_required: i64,
    /// TLP rank its members may read; see `sharing::clearance`.
    pub tlp_clearance: i64,
    pub created_at: i64,
}

impl Organisation {
    pub fn clearance_tlp(&self) -> &'static str {
        crate::sharing::clearance::tlp_of_rank(self.tlp_clearance)
    }

    pub fn kind_label(&self) -> &'static str {
        OrgKind::parse(&self.kind).map_or("Other", OrgKind::label)
    }
}

/// Checks a name people typed (organisation, person): `what` names the
/// field in the message. Counts characters, not bytes, and refuses control
/// characters (PostgreSQL cannot even store NUL in text).
pub fn check_name(name: &str, what: &str, max: usize) -> Result<(), String> {
    if name.chars().any(char::is_control) {
        return Err(format!(
            "{what} must not contain line breaks, tabs or other control characters."
        ));
    }
    let length = name.trim().chars().count();
    if length == 0 {
        return Err(format!(
            "{what} must contain at least one character that is not white space."
        ));
    }
    if length > max {
        return Err(format!(
            "{what} must be at most {max} characters (it has {length})."
        ));
    }
    Ok(())
}

/// Emails compare case-insensitively; store them one way.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// A light sanity check: real validation is the invitation mail arriving.
pub fn looks_like_email(email: &str) -> bool {
    let email = email.trim();
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && email.len() <= 254
                && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_count_characters_not_bytes() {
        assert!(check_name(&"é".repeat(200), "the name", 200).is_ok());
        assert!(check_name(&"é".repeat(201), "the name", 200).is_err());
        assert!(check_name("  ", "the name", 200).is_err());
        assert!(check_name("Gulf\0Star", "the name", 200).is_err());
    }

    proptest! {
        #[test]
        fn accepted_names_are_storable(name in "\\PC{0,60}") {
            if check_name(&name, "the name", 50).is_ok() {
                prop_assert!(!name.contains('\0'));
                prop_assert!(!name.trim().is_empty());
                prop_assert!(name.trim().chars().count() <= 50);
            }
        }

        #[test]
        fn email_check_never_panics(email in "\\PC{0,80}") {
            let _ = looks_like_email(&email);
        }
    }
}
