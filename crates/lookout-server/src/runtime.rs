//! Per-process runtime handles every feature may take: the stop signal,
//! and a slot per feature for its own wakers, hubs and caches. The floor
//! names no feature: a feature asks [`Handles`] for a handle of its own
//! type, so `AppState` does not grow a field per feature.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::{Notify, watch};

/// Tells what runs for as long as a connection (live event streams) that
/// the server is stopping, so a graceful shutdown does not wait for pages
/// that never close. Shared by clones; one per process.
#[derive(Clone)]
pub struct Stopping(Arc<watch::Sender<bool>>);

impl Default for Stopping {
    fn default() -> Self {
        Stopping(Arc::new(watch::channel(false).0))
    }
}

impl Stopping {
    pub fn stop(&self) {
        self.0.send_replace(true);
    }

    /// Completes once the server is stopping.
    pub fn wait(&self) -> impl std::future::Future<Output = ()> + Send + use<> {
        let mut stopping = self.0.subscribe();
        async move {
            let _ = stopping.wait_for(|stopping| *stopping).await;
        }
    }
}

/// Waits for SIGTERM or Ctrl-C, then tells long-lived responses to end.
pub async fn shutdown_signal(stopping: Stopping) {
    os_signal().await;
    stopping.stop();
}

async fn os_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// Wakes a worker of this process when a request left it work. Several
/// kinds of work each get their own type (`Wake<Kind>`), taken from
/// [`Handles`].
pub struct Wake<Kind> {
    notify: Arc<Notify>,
    kind: std::marker::PhantomData<fn() -> Kind>,
}

impl<Kind> Clone for Wake<Kind> {
    fn clone(&self) -> Self {
        Wake {
            notify: Arc::clone(&self.notify),
            kind: std::marker::PhantomData,
        }
    }
}

impl<Kind> Default for Wake<Kind> {
    fn default() -> Self {
        Wake {
            notify: Arc::default(),
            kind: std::marker::PhantomData,
        }
    }
}

impl<Kind> Wake<Kind> {
    /// Wakes one waiting worker, or the next to wait if none is.
    pub fn wake_one(&self) {
        self.notify.notify_one();
    }

    /// Wakes every worker waiting now.
    pub fn wake_all(&self) {
        self.notify.notify_waiters();
    }

    pub async fn woken(&self) {
        self.notify.notified().await;
    }
}

/// One slot per type: each feature keeps its per-process handles here,
/// created on first use and shared by every clone of the state.
#[derive(Clone, Default)]
pub struct Handles(Arc<Mutex<HashMap<TypeId, Box<dyn Any + Send + Sync>>>>);

impl Handles {
    /// This server's handle of type `T`.
    pub fn get<T: Any + Clone + Default + Send + Sync>(&self) -> T {
        let mut slots = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let slot = slots
            .entry(TypeId::of::<T>())
            .or_insert_with(|| Box::new(T::default()));
        // The slot was made for this very type id, so the cast holds.
        slot.downcast_ref::<T>().cloned().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::Handles;

    #[derive(Clone, Default)]
    struct Counter(std::sync::Arc<std::sync::atomic::AtomicUsize>);

    #[test]
    fn clones_of_the_handles_share_one_handle_per_type() {
        let handles = Handles::default();
        let copy = handles.clone();
        handles
            .get::<Counter>()
            .0
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        assert_eq!(
            copy.get::<Counter>()
                .0
                .load(std::sync::atomic::Ordering::SeqCst),
            1
        );
        assert_eq!(
            Handles::default()
                .get::<Counter>()
                .0
                .load(std::sync::atomic::Ordering::SeqCst),
            0,
            "another server has its own"
        );
    }
}
