//! The start page: what Lookout is for, with public figures and the latest
//! TLP:CLEAR advisories, for visitors; for members, what waits for them
//! (advisories, unread alerts and watchlist hits, this week's incidents,
//! followed threads, reports waiting on them); for staff, their queues.
//! Each part reads through the feature that owns it.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use crate::accounts::authz::{self, Capability};
use crate::accounts::membership_store;
use crate::advisories::store::{self as advisories, Listed as Advisory};
use crate::alerts::notifications::{self, Shown as Alert};
use crate::db::now;
use crate::forum::access as forum;
use crate::forum::store::Thread;
use crate::reports::store::{self as reports, ReportRow};
use crate::sharing::clearance::Clearance;
use crate::state::AppState;
use crate::web::labels::Labels;
use crate::web::templates::{Page, render};
use crate::web::{AppError, Visitor};

/// How much of each list the start page shows; each links to the rest.
const SHOWN: usize = 5;
const WEEK: i64 = 7 * 24 * 3600;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    page: Page,
    /// Newest first; for visitors only TLP:CLEAR.
    advisories: Vec<Advisory>,
    /// Incidents counted this year on the public page, when shown.
    public_total: Option<u64>,
    public_classes: Vec<(String, u64)>,
    member: Option<MemberView>,
    staff: Option<StaffView>,
    week_ago: i64,
}
impl Labels for HomePage {}

struct MemberView {
    alerts: Vec<Alert>,
    unread: usize,
    /// This week's new incidents the member may read, by sea area.
    new_incidents: Vec<(String, i64)>,
    threads: Vec<Thread>,
    /// The member's own reports, newest first; those an analyst asked
    /// about first.
    reports: Vec<ReportRow>,
}

impl MemberView {
    fn asked(&self) -> usize {
        self.reports
            .iter()
            .filter(|r| r.status == "needs-information")
            .count()
    }
}

#[derive(Default)]
struct StaffView {
    triage: Option<Triage>,
    drafts: Vec<Advisory>,
    dead_deliveries: i64,
    applications: usize,
    article_drafts: usize,
    news_queued: usize,
    open_flags: usize,
}

struct Triage {
    by_status: Vec<(String, i64)>,
    /// When the oldest report nobody has looked at arrived (its hour).
    oldest_new: Option<i64>,
}

pub async fn home(State(state): State<AppState>, visitor: Visitor) -> Result<Response, AppError> {
    let Some(user) = &visitor.user else {
        return visitors_home(&state, &visitor).await;
    };
    let clearance = Clearance::of(&state.db, user).await?;
    let advisories =
        advisories::list_published(&state.db, clearance.max_rank, SHOWN as i64).await?;
    let member = match crate::alerts::outbox::member(&state.db, user.id).await? {
        Some(member) => {
            let alerts = notifications::notified(&state, &member, SHOWN as i64).await?;
            let unread = notifications::unread(&state, user.id).await?;
            let reader = forum::Reader::of(&state.db, user).await?;
            let mut reports = reports::list_for_reporter(&state.db, user.id).await?;
            reports.sort_by_key(|r| r.status != "needs-information");
            reports.truncate(SHOWN);
            Some(MemberView {
                alerts,
                unread,
                new_incidents: crate::incidents::store::new_by_sea_area(
                    &state.db,
                    now(),
                    &clearance,
                    now() - WEEK,
                )
                .await?,
                threads: forum::followed_threads(&state.db, &reader, SHOWN).await?,
                reports,
            })
        }
        None => None,
    };
    let staff = staff_view(&state, user).await?;
    render(&HomePage {
        page: Page::new(&visitor, "Dashboard"),
        advisories,
        public_total: None,
        public_classes: Vec::new(),
        member,
        staff,
        week_ago: now() - WEEK,
    })
}

async fn staff_view(
    state: &AppState,
    user: &crate::accounts::model::User,
) -> Result<Option<StaffView>, AppError> {
    let analyst = authz::allows(user, Capability::Triage);
    let admin = authz::allows(user, Capability::Administer);
    let editor = authz::allows(user, Capability::Curate);
    let moderator = authz::allows(user, Capability::Moderate);
    if !(analyst || admin || editor || moderator) {
        return Ok(None);
    }
    let mut view = StaffView::default();
    if analyst {
        view.triage = Some(Triage {
            by_status: reports::count_by_status(&state.db).await?,
            oldest_new: reports::oldest_received(&state.db, "new").await?,
        });
        view.drafts = advisories::list_drafts(&state.db, SHOWN as i64).await?;
    }
    if analyst || admin {
        view.dead_deliveries = crate::alerts::outbox::counts(&state.db)
            .await?
            .iter()
            .filter(|(s, _)| s == "dead")
            .map(|(_, n)| *n)
            .sum();
    }
    if admin {
        view.applications = membership_store::list_applications(&state.db)
            .await?
            .iter()
            .filter(|a| a.status == "pending")
            .count();
    }
    if editor {
        view.article_drafts = crate::kb::store::list_drafts(&state.db).await?.len();
        view.news_queued = crate::news::store::queue(&state.db, 500).await?.len();
    }
    if moderator {
        view.open_flags = crate::forum::store::open_flags(&state.db, 500).await?.len();
    }
    Ok(Some(view))
}

async fn visitors_home(state: &AppState, visitor: &Visitor) -> Result<Response, AppError> {
    let public = Clearance::PUBLIC;
    let figures = crate::stats::pages::figures_for(
        state,
        crate::stats::pages::this_year(),
        crate::stats::view::Focus::All,
        public.max_rank,
    )
    .await?;
    let public_total = match figures.total {
        lookout_privacy::suppress::Cell::Shown(n) if !figures.withheld => Some(n),
        _ => None,
    };
    let mut public_classes: Vec<(String, u64)> = figures
        .table("class")
        .map(|t| {
            t.rows
                .iter()
                .filter_map(|r| match r.incidents {
                    lookout_privacy::suppress::Cell::Shown(n) if n > 0 => {
                        Some((r.label.clone(), n))
                    }
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    public_classes.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    public_classes.truncate(3);
    render(&HomePage {
        page: Page::new(visitor, "Welcome"),
        advisories: advisories::list_published(&state.db, public.max_rank, SHOWN as i64).await?,
        public_total,
        public_classes,
        member: None,
        staff: None,
        week_ago: now() - WEEK,
    })
}
