//! Authorisation, in one place. Every route that touches an object asks
//! here, with the object, before acting on it.

use super::model::{Role, User, UserRow};
use crate::web::AppError;

/// Portal-wide capabilities.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Capability {
    /// Vet applications, manage organisations, users, invitations.
    Administer,
    /// Read the audit log.
    ReadAudit,
    /// Read and triage incoming reports, talk with reporters.
    Triage,
    /// Keep order in the forum: hide posts, lock, pin and move threads,
    /// handle members' reports. Also enter every forum category.
    Moderate,
    /// Write, review and publish knowledge-base articles; run the news
    /// intake.
    Curate,
}

/// Whether `user` holds `capability`: for pages that show more to those
/// who do, rather than refusing those who do not.
pub fn allows(user: &User, capability: Capability) -> bool {
    role_allows(user.role, capability)
}

fn role_allows(role: Role, capability: Capability) -> bool {
    match capability {
        Capability::Administer | Capability::ReadAudit => role == Role::Admin,
        Capability::Triage => role == Role::Analyst,
        Capability::Moderate => matches!(role, Role::Moderator | Role::Admin),
        Capability::Curate => role == Role::Editor,
    }
}

/// Whether members with `role` enter every forum category, whatever its
/// audience: those who moderate keep order in all of them.
pub fn enters_every_category(role: Role) -> bool {
    role_allows(role, Capability::Moderate)
}

/// The roles a forum category's audience may name: the others enter every
/// category anyway.
pub fn category_audience_roles() -> Vec<Role> {
    Role::ALL
        .into_iter()
        .filter(|r| !enters_every_category(*r))
        .collect()
}

/// The member organisation `user` speaks for: members' and org-admins'
/// own; staff (analysts, editors, moderators, admins) have none, even
/// when attached to one.
pub fn member_org(user: &User) -> Option<i64> {
    match (user.role, user.org_id) {
        (Role::Member | Role::OrgAdmin, Some(org)) => Some(org),
        _ => None,
    }
}

/// Whether `user` manages their own organisation's members (see
/// [`can_manage_member`] for which ones).
pub fn administers_own_org(user: &User) -> bool {
    user.role == Role::OrgAdmin
}

pub fn require(user: &User, capability: Capability) -> Result<(), AppError> {
    if allows(user, capability) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// May `actor` manage `target`'s membership (disable, invite to, change
/// role within) — admins anyone, org-admins only their own organisation's
/// members and never staff.
pub fn can_manage_member(actor: &User, target: &UserRow) -> bool {
    match actor.role {
        Role::Admin => true,
        Role::OrgAdmin => {
            actor.org_id.is_some()
                && actor.org_id == target.org_id
                && Role::parse(&target.role)
                    .is_some_and(|r| matches!(r, Role::Member | Role::OrgAdmin))
        }
        _ => false,
    }
}

pub fn require_manage_member(actor: &User, target: &UserRow) -> Result<(), AppError> {
    // Not Forbidden: whether a member of another organisation exists is
    // itself not the actor's business.
    if can_manage_member(actor, target) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Which roles `actor` may hand out, in an invitation or a role change.
pub fn grantable_roles(actor: &User) -> Vec<Role> {
    match actor.role {
        Role::Admin => Role::ALL.to_vec(),
        Role::OrgAdmin => vec![Role::Member, Role::OrgAdmin],
        _ => Vec::new(),
    }
}

/// May `actor` invite someone with `role` into organisation `org_id`?
pub fn can_invite(actor: &User, role: Role, org_id: Option<i64>) -> bool {
    if !grantable_roles(actor).contains(&role) {
        return false;
    }
    match actor.role {
        // Members belong to an organisation; staff need not.
        Role::Admin => role.is_staff() || org_id.is_some(),
        Role::OrgAdmin => org_id.is_some() && org_id == actor.org_id,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role, org: Option<i64>) -> User {
        User {
            id: 1,
            email: "a@b.example".into(),
            display_name: "A".into(),
            role,
            org_id: org,
            mfa_enabled: false,
        }
    }

    fn row(role: Role, org: Option<i64>) -> UserRow {
        UserRow {
            id: 2,
            email: "c@d.example".into(),
            display_name: "C".into(),
            password_hash: String::new(),
            role: role.as_str().into(),
            org_id: org,
            disabled: 0,
            disabled_by: String::new(),
            totp_secret: None,
            totp_last_step: None,
            created_at: 0,
            password_changed_at: 0,
        }
    }

    #[test]
    fn org_admin_manages_only_own_members() {
        let org_admin = user(Role::OrgAdmin, Some(7));
        assert!(can_manage_member(&org_admin, &row(Role::Member, Some(7))));
        assert!(!can_manage_member(&org_admin, &row(Role::Member, Some(8))));
        assert!(!can_manage_member(&org_admin, &row(Role::Analyst, Some(7))));
        assert!(!can_manage_member(
            &user(Role::Member, Some(7)),
            &row(Role::Member, Some(7))
        ));
        assert!(can_manage_member(
            &user(Role::Admin, None),
            &row(Role::Member, Some(8))
        ));
    }

    #[test]
    fn those_who_moderate_enter_every_forum_category() {
        assert!(enters_every_category(Role::Moderator));
        assert!(enters_every_category(Role::Admin));
        assert!(!enters_every_category(Role::Analyst));
        assert!(!enters_every_category(Role::Member));
        let audience = category_audience_roles();
        assert!(audience.contains(&Role::Member) && audience.contains(&Role::Analyst));
        assert!(!audience.contains(&Role::Moderator) && !audience.contains(&Role::Admin));
    }

    #[test]
    fn org_admin_invites_only_members_of_own_org() {
        let org_admin = user(Role::OrgAdmin, Some(7));
        assert!(can_invite(&org_admin, Role::Member, Some(7)));
        assert!(!can_invite(&org_admin, Role::Member, Some(8)));
        assert!(!can_invite(&org_admin, Role::Admin, Some(7)));
        assert!(!can_invite(
            &user(Role::Analyst, None),
            Role::Member,
            Some(7)
        ));
    }
}
