//! Health and metrics for operators, and the access log.
//!
//! Metrics count requests by route template and status, never by anything
//! identifying, and are served only to a scraper holding the operator's
//! `metrics_token`. What happens on an anonymous path (reporting, follow-up
//! with a receipt, membership tokens, the files the report form loads, the
//! opening of a confidential identity; see [`is_anonymous_path`]) must not
//! date a reporter: it writes no access-log line, its requests reach the
//! metrics only when the UTC hour they fell in has ended, and an internal
//! error there is logged once that hour is over. One layer ([`observe`])
//! decides this from the path, before any handler runs, so a new handler,
//! an error or a 404 on such a path is covered without marking it.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::Body;
use axum::extract::{MatchedPath, State};
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

use crate::state::AppState;

/// Paths whose every response would tell when a reporter was online, or
/// which reporter a member is: anonymous and confidential reporting and
/// follow-up (page and API, errors included), the API's catalogue that
/// `lookout report submit` reads first, membership tokens (fetching one is
/// the first step of a verified-anonymous report), the static files the
/// report form loads, and analysts opening a confidential identity.
pub fn is_anonymous_path(path: &str) -> bool {
    let under = |prefix: &str| {
        path == prefix
            || path
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with('/'))
    };
    under("/report")
        || under("/api/v1/reports")
        || under("/api/v1/uploads")
        || under("/api/v1/catalogue")
        || under("/api/v1/tokens")
        || under("/tokens")
        || under("/static")
        // An anonymous sighting (sightings/, api/sightings.rs).
        || under("/sightings")
        || under("/api/v1/sightings")
        // tokens::KEYS_PATH (a test there holds it anonymous).
        || path == "/.well-known/lookout-token-keys"
        || path.starts_with("/triage/") && path.ends_with("/identity")
}

tokio::task_local! {
    /// Set for the whole of a request on an anonymous path.
    static ANONYMOUS: ();
}

/// Whether the current request is on an anonymous path: its errors must
/// not be logged at once ([`log_error`]).
fn in_anonymous_request() -> bool {
    ANONYMOUS.try_with(|()| ()).is_ok()
}

/// Errors met on anonymous paths, held until their hour has ended, as
/// (hour, message). Bounded: a flood keeps its count, not its messages.
static HELD_ERRORS: Mutex<Vec<(i64, String)>> = Mutex::new(Vec::new());
const HELD_ERRORS_MAX: usize = 100;

/// Logs an internal error, or holds it until the hour ends when it happened
/// on an anonymous path (the log line's time would date the reporter).
pub fn log_error(message: &str) {
    if !in_anonymous_request() {
        tracing::error!(error = %message, "internal error");
        return;
    }
    if let Ok(mut held) = HELD_ERRORS.lock()
        && held.len() < HELD_ERRORS_MAX
    {
        held.push((current_hour(), message.to_string()));
    }
}

/// Writes the held errors of hours that have ended. Called by every
/// process's housekeeping and on each scrape.
pub fn release_held_errors() {
    let hour = current_hour();
    let due: Vec<(i64, String)> = match HELD_ERRORS.lock() {
        Ok(mut held) => {
            let (due, keep) = held.drain(..).partition(|(h, _)| *h < hour);
            *held = keep;
            due
        }
        Err(_) => return,
    };
    for (h, message) in due {
        tracing::error!(hour = h * 3600, error = %message, "internal error on an anonymous path during this hour");
    }
}

fn current_hour() -> i64 {
    crate::db::now().div_euclid(3600)
}

/// Latency buckets in seconds (Prometheus histogram).
const BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Default)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

/// Method, route template, status.
type SeriesKey = (String, String, u16);

impl Series {
    fn add(&mut self, seconds: f64) {
        self.count += 1;
        self.sum += seconds;
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                self.buckets[i] += 1;
            }
        }
    }

    fn merge(&mut self, other: &Series) {
        self.count += other.count;
        self.sum += other.sum;
        for (mine, theirs) in self.buckets.iter_mut().zip(other.buckets) {
            *mine += theirs;
        }
    }
}

#[derive(Default)]
struct Counts {
    /// What a scrape shows.
    shown: BTreeMap<SeriesKey, Series>,
    /// Anonymous paths' requests of the current hour, shown once it ends.
    held: BTreeMap<SeriesKey, Series>,
    held_hour: i64,
}

impl Counts {
    /// Moves the held counts into view once their hour has ended.
    fn release(&mut self, hour: i64) {
        if hour == self.held_hour {
            return;
        }
        for (key, series) in std::mem::take(&mut self.held) {
            self.shown.entry(key).or_default().merge(&series);
        }
        self.held_hour = hour;
    }
}

/// Per-process request metrics; Prometheus scrapes every process and sums.
#[derive(Clone, Default)]
pub struct Metrics {
    counts: Arc<Mutex<Counts>>,
}

impl Metrics {
    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64, anonymous: bool) {
        let Ok(mut counts) = self.counts.lock() else {
            return;
        };
        counts.release(current_hour());
        let key = (method.to_string(), route.to_string(), status);
        let series = if anonymous {
            &mut counts.held
        } else {
            &mut counts.shown
        };
        series.entry(key).or_default().add(seconds);
    }

    pub fn render(&self) -> String {
        use std::fmt::Write;
        let mut out = String::from(
            "# HELP lookout_http_requests_total HTTP requests served (anonymous paths: up to the last full UTC hour).\n\
             # TYPE lookout_http_requests_total counter\n",
        );
        let Ok(mut counts) = self.counts.lock() else {
            return out;
        };
        counts.release(current_hour());
        let series = &counts.shown;
        for ((method, route, status), s) in series.iter() {
            let _ = writeln!(
                out,
                "lookout_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {}",
                s.count
            );
        }
        out.push_str(
            "# HELP lookout_http_request_duration_seconds Time to answer HTTP requests.\n\
             # TYPE lookout_http_request_duration_seconds histogram\n",
        );
        for ((method, route, status), s) in series.iter() {
            let labels = format!("method=\"{method}\",route=\"{route}\",status=\"{status}\"");
            for (i, bound) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "lookout_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {}",
                    s.buckets[i]
                );
            }
            let _ = writeln!(
                out,
                "lookout_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(
                out,
                "lookout_http_request_duration_seconds_sum{{{labels}}} {}",
                s.sum
            );
            let _ = writeln!(
                out,
                "lookout_http_request_duration_seconds_count{{{labels}}} {}",
                s.count
            );
        }
        out
    }
}

/// Times every request and writes the access log line: method, route
/// template, status, duration. No address, user agent, query or id; and
/// nothing at all, at the time, for a request on an anonymous path.
pub async fn observe(
    State(state): State<AppState>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let anonymous = is_anonymous_path(request.uri().path());
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let response = if anonymous {
        ANONYMOUS.scope((), next.run(request)).await
    } else {
        next.run(request).await
    };
    let seconds = started.elapsed().as_secs_f64();
    let status = response.status().as_u16();
    state
        .metrics
        .observe(&method, &route, status, seconds, anonymous);
    if !anonymous {
        tracing::info!(target: "access", %method, %route, status, ms = (seconds * 1000.0).round() as u64);
    }
    response
}

pub async fn healthz(State(state): State<AppState>) -> Response {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(err) => {
            tracing::error!(error = %err, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable\n").into_response()
        }
    }
}

/// The Prometheus text, for a scraper that sends the operator's
/// `metrics_token` as a bearer token. Without that setting the endpoint
/// does not exist: request counts are for operators, not the public.
pub async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(expected) = state.config.metrics_token.as_deref() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !bool::from(presented.as_bytes().ct_eq(expected.as_bytes())) {
        let mut response = StatusCode::UNAUTHORIZED.into_response();
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"lookout-metrics\""),
        );
        return response;
    }
    release_held_errors();
    let mut response = state.metrics.render().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anonymous_paths_are_recognised_by_prefix() {
        for path in [
            "/report",
            "/report/follow-up",
            "/report/anything-else",
            "/api/v1/reports",
            "/api/v1/reports/R-1/messages",
            "/api/v1/uploads",
            "/api/v1/uploads/0a1b/report",
            "/api/v1/catalogue",
            "/api/v1/tokens",
            "/tokens",
            "/tokens/issue",
            "/static/lookout.css",
            "/static/tokens.js",
            "/.well-known/lookout-token-keys",
            "/triage/7/identity",
        ] {
            assert!(is_anonymous_path(path), "{path}");
        }
        for path in [
            "/",
            "/reports/mine",
            "/reporting",
            "/api/v1/me",
            "/triage/7",
            "/stats",
        ] {
            assert!(!is_anonymous_path(path), "{path}");
        }
    }

    #[test]
    fn anonymous_counts_wait_for_their_hour_to_end() {
        let mut counts = Counts {
            held_hour: 10,
            ..Counts::default()
        };
        counts
            .held
            .entry(("POST".into(), "/report".into(), 200))
            .or_default()
            .add(0.1);
        counts.release(10);
        assert!(counts.shown.is_empty());
        counts.release(11);
        assert_eq!(
            counts.shown[&("POST".into(), "/report".into(), 200)].count,
            1
        );
        assert!(counts.held.is_empty());
    }
}
