//! Admins set the forum's categories and who may enter each.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::model::{Category, CategoryForm};
use super::store;
use crate::accounts::authz;
use crate::accounts::extract::Admin;
use crate::accounts::model::{OrgKind, Role};
use crate::audit::{self, Actor};
use crate::state::AppState;
use crate::web::AppError;
use crate::web::confirm::{Confirmation, Confirmed};
use crate::web::templates::{Page, render, render_invalid};

#[derive(Template)]
#[template(path = "forum/admin.html")]
struct CategoriesPage {
    page: Page,
    categories: Vec<Category>,
    form: CategoryForm,
    problems: Vec<String>,
}

impl CategoriesPage {
    fn roles(&self) -> Vec<Role> {
        authz::category_audience_roles()
    }
    fn kinds(&self) -> [OrgKind; 6] {
        OrgKind::ALL
    }
    fn form_has_role(&self, role: &Role) -> bool {
        self.form.roles.split(' ').any(|r| r == role.as_str())
    }
    fn form_has_kind(&self, kind: &OrgKind) -> bool {
        self.form.org_kinds.split(' ').any(|k| k == kind.as_str())
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct EditQuery {
    edit: String,
}

pub async fn categories(
    State(state): State<AppState>,
    Admin { visitor, .. }: Admin,
    axum::extract::Query(query): axum::extract::Query<EditQuery>,
) -> Result<Response, AppError> {
    let categories = store::categories(&state.db).await?;
    let form = categories
        .iter()
        .find(|c| c.slug == query.edit)
        .map(|c| CategoryForm {
            slug: c.slug.clone(),
            name: c.name.clone(),
            description: c.description.clone(),
            position: c.position,
            roles: c.roles.clone(),
            org_kinds: c.org_kinds.clone(),
        })
        .unwrap_or_default();
    render(&CategoriesPage {
        page: Page::new(&visitor, "Forum categories"),
        categories,
        form,
        problems: Vec::new(),
    })
}

pub async fn save(
    State(state): State<AppState>,
    Admin { visitor, user }: Admin,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = CategoryForm::from_pairs(&body);
    let problems = form.problems();
    if !problems.is_empty() {
        return render_invalid(&CategoriesPage {
            page: Page::new(&visitor, "Forum categories"),
            categories: store::categories(&state.db).await?,
            form,
            problems,
        });
    }
    let mut tx = state.db.begin_write().await?;
    store::save_category(&mut tx, &form).await?;
    audit::append(
        &mut tx,
        &state.key,
        Actor::User(user.id),
        "forum.category.saved",
        &form.slug,
        &format!("roles: {}; kinds: {}", form.roles, form.org_kinds),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/admin/forum").into_response())
}

pub async fn delete(
    State(state): State<AppState>,
    Admin { user, visitor }: Admin,
    Path(slug): Path<String>,
    axum::Form(confirm): axum::Form<Confirmed>,
) -> Result<Response, AppError> {
    let category = store::category_by_slug(&state.db.pool, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    if !confirm.given() {
        return Confirmation::new(
            format!("Delete the category “{}”?", category.name),
            &format!("/admin/forum/{slug}/delete"),
            "Delete the category",
            "/admin/forum",
        )
        .consequence(
            "Only an empty category can be deleted; members who followed it stop seeing it.",
        )
        .page(&visitor);
    }
    let mut tx = state.db.begin_write().await?;
    if !store::delete_empty_category(&mut tx, category.id).await? {
        return Err(AppError::Conflict(
            "This category still holds threads: move them to another category first.".into(),
        ));
    }
    audit::append(
        &mut tx,
        &state.key,
        Actor::User(user.id),
        "forum.category.deleted",
        &slug,
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/admin/forum").into_response())
}
