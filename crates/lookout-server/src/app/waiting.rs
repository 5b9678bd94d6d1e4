//! The counts the menu shows (unread alerts, reports to triage), filled in
//! for a signed-in member's page views after the visitor layer has found
//! them. The roof does it because the counts belong to features, which the
//! floor's page shell may not name.

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;

use crate::accounts::authz::{self, Capability};
use crate::state::AppState;
use crate::web::{Visitor, Waiting};

pub async fn fill(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    if request.method() == Method::GET
        && let Some(visitor) = request.extensions_mut().get_mut::<Visitor>()
        && let Some(user) = &visitor.user
    {
        // A count that cannot be read is left out: the page matters more.
        let alerts = crate::alerts::notifications::unread(&state, user.id)
            .await
            .unwrap_or(0);
        let triage = if authz::allows(user, Capability::Triage) {
            crate::reports::store::count_by_status(&state.db)
                .await
                .map(|counts| {
                    counts
                        .iter()
                        .filter(|(status, _)| status == "new")
                        .map(|(_, n)| usize::try_from(*n).unwrap_or(0))
                        .sum()
                })
                .unwrap_or(0)
        } else {
            0
        };
        visitor.waiting = Waiting { alerts, triage };
    }
    next.run(request).await
}
