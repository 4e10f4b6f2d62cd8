//! Prometheus metrics at `/metrics`: requests by route pattern, method and status, and their
//! latency. Route patterns (not raw paths) keep the label set small.

use crate::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use std::time::Instant;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HttpLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

pub struct Metrics {
    registry: Registry,
    requests: Family<HttpLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("benteng");
        let requests = Family::<HttpLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.001, 2.0, 14))
        });
        registry.register("http_requests", "HTTP requests answered", requests.clone());
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request",
            latency.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
        }
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}

pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    // Only the standard methods become labels: a client inventing methods must not grow the set.
    let method = match req.method().as_str() {
        m @ ("GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS") => m.to_string(),
        _ => "OTHER".to_string(),
    };
    let start = Instant::now();
    let res = next.run(req).await;
    state
        .metrics
        .requests
        .get_or_create(&HttpLabels {
            method,
            route: route.clone(),
            status: res.status().as_u16(),
        })
        .inc();
    state
        .metrics
        .latency
        .get_or_create(&RouteLabels { route })
        .observe(start.elapsed().as_secs_f64());
    res
}

pub async fn endpoint(State(state): State<AppState>) -> impl IntoResponse {
    let mut text = state.metrics.render();
    // Outbox rows for e-mail, WhatsApp and SMS by state, read at each scrape.
    if let Ok(counts) = benteng_app::system::delivery_counts(&state.db).await {
        let mut extra = String::from(
            "# HELP benteng_outbox_rows Outbox rows outside the app by state.\n# TYPE benteng_outbox_rows gauge\n",
        );
        for (status, n) in counts {
            let status: String = status.chars().filter(char::is_ascii_alphanumeric).collect();
            extra.push_str(&format!("benteng_outbox_rows{{status=\"{status}\"}} {n}\n"));
        }
        match text.rfind("# EOF") {
            Some(at) => text.insert_str(at, &extra),
            None => text.push_str(&extra),
        }
    }
    // Free space on the volumes Benteng writes to (the database's, the uploads').
    let mut disk = String::from(
        "# HELP benteng_disk_free_bytes Bytes still free for Benteng on the volume.\n# TYPE benteng_disk_free_bytes gauge\n",
    );
    for (volume, free) in benteng_app::system::disk_free(&state.db, &state.config.upload_dir) {
        if let Some(b) = free {
            disk.push_str(&format!(
                "benteng_disk_free_bytes{{volume=\"{volume}\"}} {b}\n"
            ));
        }
    }
    match text.rfind("# EOF") {
        Some(at) => text.insert_str(at, &disk),
        None => text.push_str(&disk),
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        text,
    )
}
