//! Who may open a page, as extractors: a handler that takes one runs only
//! for a visitor who passes its check, so no handler can forget it. Each
//! hands over the visitor (for templates and the CSRF token) and the
//! member. Refusals are those of [`Visitor::require_user`] and
//! [`authz::require`]: a visitor who is not signed in is sent to sign in, a
//! member without the right gets 403. Like every extractor but the body,
//! they run before the body is read.
//!
//! Checks on one object (may this member change *this* account, read
//! *this* report) stay in the handlers, as calls to [`authz`].

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::authz::{self, Capability};
use super::model::User;
use crate::state::AppState;
use crate::web::{AppError, Visitor};

/// Any signed-in member.
pub struct SignedIn {
    pub visitor: Visitor,
    pub user: User,
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let visitor = Visitor::from_request_parts(parts, state).await?;
        let user = visitor.require_user()?.clone();
        Ok(SignedIn { visitor, user })
    }
}

/// An extractor for members who hold one [`Capability`].
macro_rules! holding {
    ($(#[$doc:meta])* $name:ident, $capability:expr) => {
        $(#[$doc])*
        pub struct $name {
            pub visitor: Visitor,
            pub user: User,
        }

        impl FromRequestParts<AppState> for $name {
            type Rejection = AppError;

            async fn from_request_parts(
                parts: &mut Parts,
                state: &AppState,
            ) -> Result<Self, AppError> {
                let SignedIn { visitor, user } = SignedIn::from_request_parts(parts, state).await?;
                authz::require(&user, $capability)?;
                Ok($name { visitor, user })
            }
        }
    };
}

holding!(
    /// A member who may administer the portal ([`Capability::Administer`]).
    Admin,
    Capability::Administer
);
holding!(
    /// A member who may read the audit log ([`Capability::ReadAudit`]).
    Auditor,
    Capability::ReadAudit
);
holding!(
    /// A member who triages reports ([`Capability::Triage`]).
    Analyst,
    Capability::Triage
);
holding!(
    /// A member who curates the knowledge base and the news intake
    /// ([`Capability::Curate`]).
    Editor,
    Capability::Curate
);
holding!(
    /// A member who keeps order in the forum ([`Capability::Moderate`]).
    Moderator,
    Capability::Moderate
);

/// A member of a member organisation ([`authz::member_org`]), with it.
pub struct Member {
    pub visitor: Visitor,
    pub user: User,
    pub org_id: i64,
}

impl FromRequestParts<AppState> for Member {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let SignedIn { visitor, user } = SignedIn::from_request_parts(parts, state).await?;
        let org_id = authz::member_org(&user).ok_or(AppError::Forbidden)?;
        Ok(Member {
            visitor,
            user,
            org_id,
        })
    }
}

/// An org-admin of a member organisation ([`authz::administers_own_org`]),
/// with the organisation they administer.
pub struct OrgAdmin {
    pub visitor: Visitor,
    pub user: User,
    pub org_id: i64,
}

impl FromRequestParts<AppState> for OrgAdmin {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let SignedIn { visitor, user } = SignedIn::from_request_parts(parts, state).await?;
        let org_id = authz::member_org(&user)
            .filter(|_| authz::administers_own_org(&user))
            .ok_or(AppError::Forbidden)?;
        Ok(OrgAdmin {
            visitor,
            user,
            org_id,
        })
    }
}
