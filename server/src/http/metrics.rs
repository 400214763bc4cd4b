//! The server's Prometheus metrics. The registry belongs to the app state,
//! not to a global, so each server (and each test) counts on its own.
//! Label values are route templates and fixed words only: never a raw path,
//! an identifier or anything personal.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use axum::http::Method;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};

/// The content type of what [`Metrics::encode`] writes.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Seconds, 1 ms to 10 s: from a health check to a full push batch on a slow disk.
const LATENCY_BUCKETS: [f64; 13] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: &'static str,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabels {
    kind: &'static str,
}

/// Cheap to clone: every clone counts into the same registry.
#[derive(Clone)]
pub struct Metrics {
    registry: Arc<Registry>,
    requests: Family<RequestLabels, Counter>,
    durations: Family<RouteLabels, Histogram, fn() -> Histogram>,
    push_batches: Counter,
    sync_items: Family<OutcomeLabels, Counter>,
    errors: Family<KindLabels, Counter>,
}

impl Metrics {
    pub fn new() -> Self {
        let requests = Family::<RequestLabels, Counter>::default();
        let durations: Family<RouteLabels, Histogram, fn() -> Histogram> =
            Family::new_with_constructor(|| Histogram::new(LATENCY_BUCKETS));
        let push_batches = Counter::default();
        let sync_items = Family::<OutcomeLabels, Counter>::default();
        let errors = Family::<KindLabels, Counter>::default();
        // Fixed label sets start at zero, so a rate() has a series before the first event.
        for outcome in ["accepted", "duplicate", "refused"] {
            drop(sync_items.get_or_create(&OutcomeLabels { outcome }));
        }
        for kind in ["server", "store"] {
            drop(errors.get_or_create(&KindLabels { kind }));
        }

        let mut registry = Registry::default();
        // Counters are registered without "_total": the encoder appends it.
        registry.register(
            "laowu_http_requests",
            "HTTP requests answered, by method, route template and status",
            requests.clone(),
        );
        registry.register_with_unit(
            "laowu_http_request_duration",
            "Time from a request's arrival to its response, by method and route template",
            Unit::Seconds,
            durations.clone(),
        );
        registry.register(
            "laowu_sync_push_batches",
            "Sync push batches ingested",
            push_batches.clone(),
        );
        registry.register(
            "laowu_sync_items",
            "Pushed items by outcome: accepted, duplicate (a resend) or refused",
            sync_items.clone(),
        );
        registry.register(
            "laowu_errors",
            "Failures: server (a 5xx response) or store (a database operation failed)",
            errors.clone(),
        );
        Metrics {
            registry: Arc::new(registry),
            requests,
            durations,
            push_batches,
            sync_items,
            errors,
        }
    }

    /// One answered request. `route` must be a route template or "unmatched".
    pub fn request(&self, method: &Method, route: &str, status: u16, elapsed: Duration) {
        let method = method_label(method);
        self.requests
            .get_or_create(&RequestLabels {
                method,
                route: route.to_string(),
                status,
            })
            .inc();
        self.durations
            .get_or_create(&RouteLabels {
                method,
                route: route.to_string(),
            })
            .observe(elapsed.as_secs_f64());
        if (500..600).contains(&status) {
            self.error("server");
        }
    }

    pub fn store_error(&self) {
        self.error("store");
    }

    /// One ingested push batch and what became of its items.
    pub fn push_batch(&self, accepted: u64, duplicate: u64, refused: u64) {
        self.push_batches.inc();
        for (outcome, n) in [
            ("accepted", accepted),
            ("duplicate", duplicate),
            ("refused", refused),
        ] {
            self.sync_items
                .get_or_create(&OutcomeLabels { outcome })
                .inc_by(n);
        }
    }

    /// The OpenMetrics text exposition, as [`CONTENT_TYPE`].
    pub fn encode(&self) -> Result<String, fmt::Error> {
        let mut text = String::new();
        encode(&mut text, &self.registry)?;
        Ok(text)
    }

    fn error(&self, kind: &'static str) {
        self.errors.get_or_create(&KindLabels { kind }).inc();
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

/// Any method a client invents would be a new series; those share one.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        Method::PATCH => "PATCH",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_appear_under_their_names_with_fixed_labels() {
        let metrics = Metrics::new();
        let method = Method::from_bytes(b"BREW").unwrap();
        metrics.request(&method, "unmatched", 503, Duration::from_millis(3));
        metrics.push_batch(2, 1, 0);
        let text = metrics.encode().unwrap();
        assert!(text.contains(
            r#"laowu_http_requests_total{method="other",route="unmatched",status="503"} 1"#
        ));
        assert!(text.contains(
            r#"laowu_http_request_duration_seconds_count{method="other",route="unmatched"} 1"#
        ));
        assert!(text.contains(r#"laowu_errors_total{kind="server"} 1"#));
        assert!(text.contains(r#"laowu_errors_total{kind="store"} 0"#));
        assert!(text.contains("laowu_sync_push_batches_total 1"));
        assert!(text.contains(r#"laowu_sync_items_total{outcome="duplicate"} 1"#));
        assert!(text.ends_with("# EOF\n"));
    }
}
