//! Running the portal: listener, background housekeeping, graceful
//! shutdown on SIGTERM or Ctrl-C (in-flight requests finish).

use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::TcpListener;

use crate::state::AppState;

pub async fn run(state: AppState) -> anyhow::Result<()> {
    state.config.check().map_err(anyhow::Error::msg)?;
    let listener = TcpListener::bind(state.config.listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", state.config.listen))?;
    run_on(state, listener).await
}

/// Serves on an already bound listener (tests bind port 0).
pub async fn run_on(state: AppState, listener: TcpListener) -> anyhow::Result<()> {
    let addr = listener.local_addr()?;
    tokio::spawn(housekeeping(state.clone()));
    tokio::spawn(crate::alerts::outbox::run(state.clone()));
    tokio::spawn(crate::alerts::live::run(state.clone()));
    tokio::spawn(crate::news::run(state.clone()));
    crate::analysis::worker::run(state.clone()).await;
    let app = super::router(state.clone());
    if state.config.tls_enabled() {
        super::tls::serve(state, listener, app).await
    } else {
        tracing::info!(%addr, "Lookout is listening (HTTP)");
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(crate::runtime::shutdown_signal(state.stopping.clone()))
        .await?;
        Ok(())
    }
}

/// Deletes expired sessions and throttle rows, and once an hour rewrites
/// PostgreSQL's anonymous tables in key order. Every process runs it; the
/// deletes are idempotent and the rewrite claimed once an hour, so several
/// processes do no harm.
async fn housekeeping(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(300));
    loop {
        tick.tick().await;
        let idle = state.config.session_idle_minutes * 60;
        let max = state.config.session_max_hours * 3600;
        if let Err(err) = crate::accounts::sessions::purge_expired(&state.db, idle, max).await {
            tracing::warn!(error = %err, "session purge failed");
        }
        if let Err(err) = crate::accounts::throttle::purge(&state.db).await {
            tracing::warn!(error = %err, "throttle purge failed");
        }
        if let Err(err) = crate::reports::uploads::purge(&state.db).await {
            tracing::warn!(error = %err, "upload purge failed");
        }
        if let Err(err) = crate::reports::held::purge(&state.db).await {
            tracing::warn!(error = %err, "held-file purge failed");
        }
        if let Err(err) = crate::interop::export::sync(&state).await {
            tracing::warn!(error = %err, "exporting STIX and MISP failed");
        }
        if let Err(err) = state.db.scatter_write_order(crate::db::now()).await {
            tracing::warn!(error = %err, "rewriting tables in key order failed");
        }
        crate::ops::release_held_errors();
    }
}
