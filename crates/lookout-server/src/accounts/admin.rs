//! Vetting and managing members: the operator's admin pages, and each
//! organisation's own member page for its org-admins.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::authz;
use super::extract::{Admin, OrgAdmin};
use super::login::reauth_redirect;
use super::membership;
use super::membership_store::{self, Application, Invitation};
use super::model::{OrgKind, Organisation, Role, User, UserRow, check_name, looks_like_email};
use super::store;
use crate::audit::{self, Actor};
use crate::state::AppState;
use crate::web::confirm::{self, Confirmation, Confirmed};
use crate::web::paging::{Pages, page_base};
use crate::web::templates::{Page, format_time, render, render_invalid};
use crate::web::{AppError, Visitor};

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
struct DashboardPage {
    page: Page,
    pending: usize,
    orgs: usize,
    users: usize,
}

pub async fn dashboard(
    State(state): State<AppState>,
    Admin { visitor, .. }: Admin,
) -> Result<Response, AppError> {
    let applications = membership_store::list_applications(&state.db).await?;
    render(&DashboardPage {
        page: Page::new(&visitor, "Administration"),
        pending: applications
            .iter()
            .filter(|a| a.status == "pending")
            .count(),
        orgs: store::list_orgs(&state.db).await?.len(),
        users: store::list_users(&state.db, None).await?.len(),
    })
}

#[derive(Template)]
#[template(path = "admin/applications.html")]
struct ApplicationsPage {
    page: Page,
    applications: Vec<Application>,
}

impl ApplicationsPage {
    fn when(&self, secs: &i64) -> String {
        format_time(secs)
    }
    fn kind(&self, kind: &str) -> &'static str {
        OrgKind::parse(kind).map_or("Other", OrgKind::label)
    }
}

pub async fn applications(
    State(state): State<AppState>,
    Admin { visitor, .. }: Admin,
) -> Result<Response, AppError> {
    render(&ApplicationsPage {
        page: Page::new(&visitor, "Applications"),
        applications: membership_store::list_applications(&state.db).await?,
    })
}

/// Approving creates the organisation and invites the applicant as its
/// org-admin, in one transaction.
pub async fn approve_application(
    State(state): State<AppState>,
    Admin {
        visitor,
        user: actor,
    }: Admin,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let mut tx = state.db.begin_write().await?;
    let Some(app) = membership_store::decide_application(&mut tx, id, "approved", actor.id).await?
    else {
        return Err(AppError::Conflict(
            "This application was already decided.".into(),
        ));
    };
    let kind = OrgKind::parse(&app.org_kind).unwrap_or(OrgKind::Other);
    let org = match store::create_org(&mut tx, &app.org_name, kind).await {
        Ok(org) => org,
        Err(store::StoreError::Duplicate(_)) => {
            return Err(AppError::Conflict(format!(
                "An organisation named \"{}\" already exists. Refuse this application, or invite {} \
                 to the existing organisation from the Invitations page.",
                app.org_name, app.email
            )));
        }
        Err(e) => return Err(e.into()),
    };
    let (invitation, token) = membership_store::create_invitation(
        &mut tx,
        &app.email,
        Some(org.id),
        Role::OrgAdmin,
        Some(actor.id),
        state.config.invitation_days,
    )
    .await?;
    audit::append(
        &mut tx,
        &state.key,
        Actor::User(actor.id),
        "application.approved",
        &format!("application:{id}"),
        &format!("organisation:{}", org.id),
    )
    .await?;
    audit::append(
        &mut tx,
        &state.key,
        Actor::User(actor.id),
        "invitation.created",
        &format!("invitation:{}", invitation.id),
        "role:org-admin",
    )
    .await?;
    tx.commit().await?;
    membership::send_invitation(&state, &app.email, Some(&org.name), &token).await?;
    let page = Page::new(&visitor, "Applications").with_notice(format!(
        "Approved {}; an invitation went to {}.",
        org.name, app.email
    ));
    render(&ApplicationsPage {
        page,
        applications: membership_store::list_applications(&state.db).await?,
    })
}

pub async fn refuse_application(
    State(state): State<AppState>,
    Admin {
        visitor,
        user: actor,
    }: Admin,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let mut tx = state.db.begin_write().await?;
    let Some(app) = membership_store::decide_application(&mut tx, id, "refused", actor.id).await?
    else {
        return Err(AppError::Conflict(
            "This application was already decided.".into(),
        ));
    };
    audit::append(
        &mut tx,
        &state.key,
        Actor::User(actor.id),
        "application.refused",
        &format!("application:{id}"),
        "",
    )
    .await?;
    tx.commit().await?;
    let body = "Thank you for your interest in Lookout. We could not accept your organisation's \
                application at this time. Reply to this message if you think we got it wrong.\n";
    state
        .mailer
        .send(&app.email, "Your Lookout application", body)
        .await
        .map_err(AppError::internal)?;
    let page = Page::new(&visitor, "Applications")
        .with_notice(format!("Refused the application from {}.", app.org_name));
    render(&ApplicationsPage {
        page,
        applications: membership_store::list_applications(&state.db).await?,
    })
}

#[derive(Template)]
#[template(path = "admin/organisations.html")]
struct OrganisationsPage {
    page: Page,
    orgs: Vec<Organisation>,
    members: Vec<(i64, i64)>,
    /// The piece of a name the list is narrowed to.
    q: String,
    kinds: Vec<(&'static str, &'static str)>,
    name: String,
    kind: String,
    error: Option<String>,
    clearances: [(&'static str, &'static str); 4],
}

impl OrganisationsPage {
    fn member_count(&self, org: &i64) -> i64 {
        self.members
            .iter()
            .find(|(id, _)| id == org)
            .map_or(0, |(_, n)| *n)
    }

    /// The page, its list narrowed to names containing `q`, with the add
    /// form holding `name` and `kind`.
    async fn build(
        state: &AppState,
        visitor: &Visitor,
        q: &str,
        (name, kind): (String, String),
        error: Option<String>,
    ) -> Result<OrganisationsPage, AppError> {
        let q: String = q.trim().chars().take(100).collect();
        let needle = q.to_lowercase();
        let orgs = store::list_orgs(&state.db)
            .await?
            .into_iter()
            .filter(|o| o.name.to_lowercase().contains(&needle))
            .collect();
        Ok(OrganisationsPage {
            page: Page::new(visitor, "Organisations"),
            orgs,
            members: store::member_counts(&state.db).await?,
            q,
            kinds: org_kinds(),
            name,
            kind,
            error,
            clearances: CLEARANCES,
        })
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OrganisationsQuery {
    q: String,
}

const CLEARANCES: [(&str, &str); 4] = [
    ("clear", "TLP:CLEAR"),
    ("green", "TLP:GREEN"),
    ("amber", "TLP:AMBER"),
    ("amber-strict", "TLP:AMBER+STRICT"),
];

fn org_kinds() -> Vec<(&'static str, &'static str)> {
    OrgKind::ALL
        .iter()
        .map(|k| (k.as_str(), k.label()))
        .collect()
}

pub async fn organisations(
    State(state): State<AppState>,
    Admin { visitor, .. }: Admin,
    Query(query): Query<OrganisationsQuery>,
) -> Result<Response, AppError> {
    let page = OrganisationsPage::build(
        &state,
        &visitor,
        &query.q,
        (String::new(), String::new()),
        None,
    )
    .await?;
    render(&page)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OrgForm {
    name: String,
    kind: String,
}

pub async fn create_organisation(
    State(state): State<AppState>,
    Admin {
        visitor,
        user: actor,
    }: Admin,
    Form(form): Form<OrgForm>,
) -> Result<Response, AppError> {
    let name_check = check_name(&form.name, "the organisation's name", 200);
    let outcome = match (name_check, OrgKind::parse(&form.kind)) {
        (Err(message), _) => Err(message),
        (Ok(()), None) => Err("Choose the kind of organisation.".to_string()),
        (Ok(()), Some(kind)) => {
            let mut tx = state.db.begin_write().await?;
            match store::create_org(&mut tx, &form.name, kind).await {
                Ok(org) => {
                    audit::append(
                        &mut tx,
                        &state.key,
                        Actor::User(actor.id),
                        "organisation.created",
                        &format!("organisation:{}", org.id),
                        &org.kind,
                    )
                    .await?;
                    tx.commit().await?;
                    Ok(())
                }
                Err(store::StoreError::Duplicate(message)) => Err(message.to_string()),
                Err(e) => return Err(e.into()),
            }
        }
    };
    match outcome {
        Ok(()) => Ok(Redirect::to("/admin/organisations").into_response()),
        Err(message) => render_invalid(
            &OrganisationsPage::build(&state, &visitor, "", (form.name, form.kind), Some(message))
                .await?,
        ),
    }
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    page: Page,
    users: Vec<UserRow>,
    orgs: Vec<Organisation>,
    roles: Vec<Role>,
    query: UsersQuery,
    pages: Pages,
}

impl UsersPage {
    fn org_name(&self, id: &Option<i64>) -> String {
        id.and_then(|id| self.orgs.iter().find(|o| o.id == id))
            .map_or_else(|| "—".into(), |o| o.name.clone())
    }
    fn role_label(&self, role: &str) -> &'static str {
        Role::parse(role).map_or("?", Role::label)
    }
    fn page_base(&self) -> String {
        self.query.page_base()
    }
}

/// Accounts on one page of the members' list.
const USERS_PAGE: i64 = 50;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct UsersQuery {
    /// A piece of the name or e-mail address.
    q: String,
    /// An organisation's id; anything else means any organisation.
    org: String,
    page: i64,
}

impl UsersQuery {
    fn org_id(&self) -> Option<i64> {
        self.org.parse().ok()
    }
    fn page_base(&self) -> String {
        let org = self.org_id().map(|o| o.to_string()).unwrap_or_default();
        page_base("/admin/users", &[("q", self.q.trim()), ("org", &org)])
    }
}

pub async fn users(
    State(state): State<AppState>,
    Admin { visitor, .. }: Admin,
    Query(query): Query<UsersQuery>,
) -> Result<Response, AppError> {
    let text: String = query.q.trim().chars().take(100).collect();
    let requested = query.page.max(1);
    let (users, total) = store::find_users(
        &state.db,
        &text,
        query.org_id(),
        USERS_PAGE,
        (requested - 1).saturating_mul(USERS_PAGE),
    )
    .await?;
    let pages = Pages::new(query.page, total, USERS_PAGE);
    if let Some(page) = pages.moved(query.page) {
        return Ok(Redirect::to(&format!("{}{page}", query.page_base())).into_response());
    }
    render(&UsersPage {
        page: Page::new(&visitor, "Members"),
        users,
        orgs: store::list_orgs(&state.db).await?,
        roles: Role::ALL.to_vec(),
        query,
        pages,
    })
}

async fn managed_target(state: &AppState, actor: &User, id: i64) -> Result<UserRow, AppError> {
    let target = store::user_by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    authz::require_manage_member(actor, &target)?;
    Ok(target)
}

/// How a disabling was asked for: the form to post again once confirmed.
struct DisableForm<'a> {
    action: &'a str,
    kept: &'a [(&'a str, String)],
    confirmed: bool,
}

async fn set_disabled(
    state: &AppState,
    visitor: &Visitor,
    actor: &User,
    id: i64,
    disabled: bool,
    back: &str,
    form: DisableForm<'_>,
) -> Result<Response, AppError> {
    let target = managed_target(state, actor, id).await?;
    if let Some(redirect) = reauth_redirect(state, visitor, back) {
        return Ok(redirect);
    }
    if target.id == actor.id {
        return Err(AppError::Conflict(
            "You cannot disable your own account.".into(),
        ));
    }
    if disabled && !form.confirmed {
        let ask = form.kept.iter().fold(
            Confirmation::new(
                format!("Disable {} ({})?", target.display_name, target.email),
                form.action,
                "Disable the account",
                back,
            )
            .consequence(
                "They are signed out at once and cannot sign in until the account is enabled \
                 again. Their reports, posts and history stay.",
            ),
            |ask, (name, value)| ask.keep(name, value.clone()),
        );
        return ask.page(visitor);
    }
    let by = if actor.role == Role::Admin {
        store::DisabledBy::Operator
    } else {
        store::DisabledBy::Organisation
    };
    if !disabled
        && target.disabled_by == store::DisabledBy::Operator.as_str()
        && by != store::DisabledBy::Operator
    {
        return Err(AppError::Conflict(
            "The portal's administrators disabled this account; only they can enable it again."
                .into(),
        ));
    }
    let mut tx = state.db.begin_write().await?;
    store::set_disabled(&mut tx, target.id, disabled.then_some(by)).await?;
    let action = if disabled {
        "user.disabled"
    } else {
        "user.enabled"
    };
    audit::append(
        &mut tx,
        &state.key,
        Actor::User(actor.id),
        action,
        &format!("user:{}", target.id),
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(back).into_response())
}

pub async fn disable_user(
    State(state): State<AppState>,
    Admin { visitor, user }: Admin,
    Path(id): Path<i64>,
    Form(confirm): Form<Confirmed>,
) -> Result<Response, AppError> {
    let action = format!("/admin/users/{id}/disable");
    let form = DisableForm {
        action: &action,
        kept: &[],
        confirmed: confirm.given(),
    };
    set_disabled(&state, &visitor, &user, id, true, "/admin/users", form).await
}

pub async fn enable_user(
    State(state): State<AppState>,
    Admin { visitor, user }: Admin,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let form = DisableForm {
        action: "",
        kept: &[],
        confirmed: true,
    };
    set_disabled(&state, &visitor, &user, id, false, "/admin/users", form).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RoleForm {
    role: String,
    confirmed: String,
}

pub async fn change_role(
    State(state): State<AppState>,
    Admin {
        visitor,
        user: actor,
    }: Admin,
    Path(id): Path<i64>,
    Form(form): Form<RoleForm>,
) -> Result<Response, AppError> {
    let target = managed_target(&state, &actor, id).await?;
    if let Some(redirect) = reauth_redirect(&state, &visitor, "/admin/users") {
        return Ok(redirect);
    }
    let role = Role::parse(&form.role)
        .ok_or_else(|| AppError::BadRequest("Choose one of the listed roles.".into()))?;
    if target.id == actor.id {
        return Err(AppError::Conflict(
            "You cannot change your own role; ask another administrator.".into(),
        ));
    }
    if !role.is_staff() && target.org_id.is_none() {
        return Err(AppError::Conflict(
            "Member roles need an organisation; this account has none.".into(),
        ));
    }
    if !confirm::given(&form.confirmed) {
        return Confirmation::new(
            format!(
                "Make {} ({}) {}?",
                target.display_name,
                target.email,
                role.label().to_lowercase()
            ),
            &format!("/admin/users/{id}/role"),
            "Change the role",
            "/admin/users",
        )
        .consequence(
            "They are signed out at once; the new role takes effect when they sign in again.",
        )
        .keep("role", role.as_str())
        .page(&visitor);
    }
    let mut tx = state.db.begin_write().await?;
    store::set_role(&mut tx, target.id, role).await?;
    // New privileges take effect at the next sign-in, with MFA if required.
    super::sessions::delete_all_for_user(&mut tx, target.id).await?;
    audit::append(
        &mut tx,
        &state.key,
        Actor::User(actor.id),
        "user.role-changed",
        &format!("user:{}", target.id),
        &format!("{} -> {}", target.role, role),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/admin/users").into_response())
}

#[derive(Template)]
#[template(path = "admin/invitations.html")]
struct InvitationsPage {
    page: Page,
    invitations: Vec<Invitation>,
    orgs: Vec<Organisation>,
    roles: Vec<Role>,
    form: InvitationForm,
    error: Option<String>,
    action: &'static str,
}

impl InvitationsPage {
    fn when(&self, secs: &i64) -> String {
        format_time(secs)
    }
    fn org_name(&self, id: &Option<i64>) -> String {
        id.and_then(|id| self.orgs.iter().find(|o| o.id == id))
            .map_or_else(|| "—".into(), |o| o.name.clone())
    }
    fn status(&self, i: &Invitation) -> &'static str {
        if i.used_at.is_some() {
            "accepted"
        } else if i.expires_at < crate::db::now() {
            "expired"
        } else {
            "waiting"
        }
    }
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct InvitationForm {
    email: String,
    role: String,
    org_id: String,
}

async fn invitations_page(
    state: &AppState,
    actor: &User,
    page: Page,
) -> Result<InvitationsPage, AppError> {
    let scope = if actor.role == Role::Admin {
        None
    } else {
        actor.org_id
    };
    Ok(InvitationsPage {
        page,
        invitations: membership_store::list_invitations(&state.db, scope).await?,
        orgs: store::list_orgs(&state.db).await?,
        roles: authz::grantable_roles(actor),
        form: InvitationForm {
            role: "member".into(),
            ..InvitationForm::default()
        },
        error: None,
        action: if actor.role == Role::Admin {
            "/admin/invitations"
        } else {
            "/org/members"
        },
    })
}

pub async fn invitations(
    State(state): State<AppState>,
    Admin {
        visitor,
        user: actor,
    }: Admin,
) -> Result<Response, AppError> {
    render(&invitations_page(&state, &actor, Page::new(&visitor, "Invitations")).await?)
}

/// Validates and sends an invitation on behalf of an admin or org-admin.
async fn invite(
    state: &AppState,
    actor: &User,
    form: &InvitationForm,
) -> Result<Result<String, String>, AppError> {
    if !looks_like_email(&form.email) {
        return Ok(Err(
            "Give the email address to send the invitation to.".into()
        ));
    }
    let Some(role) = Role::parse(&form.role) else {
        return Ok(Err("Choose a role.".into()));
    };
    let org_id = match actor.role {
        Role::Admin => form.org_id.trim().parse::<i64>().ok(),
        _ => actor.org_id,
    };
    let org = match org_id {
        Some(id) => Some(
            store::org_by_id(&state.db, id)
                .await?
                .ok_or_else(|| AppError::BadRequest("No such organisation.".into()))?,
        ),
        None => None,
    };
    if !role.is_staff() && org.is_none() {
        return Ok(Err(
            "Members and org-admins belong to an organisation: choose one.".into(),
        ));
    }
    if !authz::can_invite(actor, role, org_id) {
        return Err(AppError::Forbidden);
    }
    if store::user_by_email(&state.db, &form.email)
        .await?
        .is_some()
    {
        return Ok(Err(
            "Someone with this email address is already a member.".into()
        ));
    }
    let mut tx = state.db.begin_write().await?;
    let (invitation, token) = membership_store::create_invitation(
        &mut tx,
        &form.email,
        org_id,
        role,
        Some(actor.id),
        state.config.invitation_days,
    )
    .await?;
    audit::append(
        &mut tx,
        &state.key,
        Actor::User(actor.id),
        "invitation.created",
        &format!("invitation:{}", invitation.id),
        &format!("role:{role}"),
    )
    .await?;
    tx.commit().await?;
    membership::send_invitation(
        state,
        &form.email,
        org.as_ref().map(|o| o.name.as_str()),
        &token,
    )
    .await?;
    Ok(Ok(format!("Invitation sent to {}.", form.email.trim())))
}

pub async fn create_invitation(
    State(state): State<AppState>,
    Admin {
        visitor,
        user: actor,
    }: Admin,
    Form(form): Form<InvitationForm>,
) -> Result<Response, AppError> {
    match invite(&state, &actor, &form).await? {
        Ok(notice) => render(
            &invitations_page(
                &state,
                &actor,
                Page::new(&visitor, "Invitations").with_notice(notice),
            )
            .await?,
        ),
        Err(problem) => {
            let mut page =
                invitations_page(&state, &actor, Page::new(&visitor, "Invitations")).await?;
            page.form = form;
            page.error = Some(problem);
            render_invalid(&page)
        }
    }
}

// ------------------------------------------------- an organisation's own page

#[derive(Template)]
#[template(path = "admin/org_members.html")]
struct OrgMembersPage {
    page: Page,
    org: Organisation,
    members: Vec<UserRow>,
    invite: InvitationsPage,
}

impl OrgMembersPage {
    fn is_me(&self, id: &i64) -> bool {
        self.page.user.as_ref().is_some_and(|me| me.id == *id)
    }
    fn role_label(&self, role: &str) -> &'static str {
        Role::parse(role).map_or("?", Role::label)
    }
}

async fn org_members_page(
    state: &AppState,
    visitor: &Visitor,
    actor: &User,
    org_id: i64,
    page: Page,
) -> Result<OrgMembersPage, AppError> {
    let org = store::org_by_id(&state.db, org_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(OrgMembersPage {
        invite: invitations_page(state, actor, Page::new(visitor, "")).await?,
        page,
        members: store::list_users(&state.db, Some(org_id)).await?,
        org,
    })
}

pub async fn org_members(
    State(state): State<AppState>,
    OrgAdmin {
        visitor,
        user: actor,
        org_id,
    }: OrgAdmin,
) -> Result<Response, AppError> {
    let page = Page::new(&visitor, "Our members");
    render(&org_members_page(&state, &visitor, &actor, org_id, page).await?)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OrgAction {
    action: String,
    email: String,
    role: String,
    user_id: i64,
    mfa_required: String,
    confirmed: String,
}

/// The org-admin's actions on their own organisation: invite, disable,
/// enable, and requiring a second factor of all its members.
pub async fn org_settings(
    State(state): State<AppState>,
    OrgAdmin {
        visitor,
        user: actor,
        org_id,
    }: OrgAdmin,
    Form(form): Form<OrgAction>,
) -> Result<Response, AppError> {
    match form.action.as_str() {
        "invite" => {
            let invitation = InvitationForm {
                email: form.email.clone(),
                role: form.role.clone(),
                org_id: org_id.to_string(),
            };
            match invite(&state, &actor, &invitation).await? {
                Ok(notice) => render(
                    &org_members_page(
                        &state,
                        &visitor,
                        &actor,
                        org_id,
                        Page::new(&visitor, "Our members").with_notice(notice),
                    )
                    .await?,
                ),
                Err(problem) => {
                    let mut page = org_members_page(
                        &state,
                        &visitor,
                        &actor,
                        org_id,
                        Page::new(&visitor, "Our members"),
                    )
                    .await?;
                    page.invite.form = invitation;
                    page.invite.error = Some(problem);
                    render_invalid(&page)
                }
            }
        }
        "disable" | "enable" => {
            let kept = [
                ("user_id", form.user_id.to_string()),
                ("action", form.action.clone()),
            ];
            let asked = DisableForm {
                action: "/org/members",
                kept: &kept,
                confirmed: confirm::given(&form.confirmed),
            };
            let disabled = form.action == "disable";
            set_disabled(
                &state,
                &visitor,
                &actor,
                form.user_id,
                disabled,
                "/org/members",
                asked,
            )
            .await
        }
        "mfa" => {
            let required = form.mfa_required == "on";
            let mut tx = state.db.begin_write().await?;
            store::set_org_mfa_required(&mut tx, org_id, required).await?;
            audit::append(
                &mut tx,
                &state.key,
                Actor::User(actor.id),
                "organisation.mfa-required",
                &format!("organisation:{org_id}"),
                if required { "on" } else { "off" },
            )
            .await?;
            tx.commit().await?;
            Ok(Redirect::to("/org/members").into_response())
        }
        _ => Err(AppError::BadRequest("Unknown action.".into())),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ClearanceForm {
    tlp: String,
}

/// Sets the most restricted sharing level an organisation's members may
/// read. RED is not offered: it goes to named recipients, not to a whole
/// organisation.
pub async fn set_clearance(
    State(state): State<AppState>,
    Admin { user: actor, .. }: Admin,
    Path(id): Path<i64>,
    Form(form): Form<ClearanceForm>,
) -> Result<Response, AppError> {
    let rank = crate::sharing::clearance::tlp_rank(&form.tlp)
        .filter(|r| *r <= 3)
        .ok_or_else(|| {
            AppError::BadRequest("Choose CLEAR, GREEN, AMBER or AMBER+STRICT.".into())
        })?;
    let mut tx = state.db.begin_write().await?;
    if !store::set_org_clearance(&mut tx, id, rank).await? {
        return Err(AppError::NotFound);
    }
    audit::append(
        &mut tx,
        &state.key,
        Actor::User(actor.id),
        "organisation.clearance",
        &format!("organisation:{id}"),
        &form.tlp,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/admin/organisations").into_response())
}
