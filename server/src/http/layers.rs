//! What wraps every route: answers for unknown routes and methods, the body
//! limit, the panic guard, and the access log with the request metrics.

use std::any::Any;
use std::time::Instant;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower_http::catch_panic::CatchPanicLayer;

use super::error::StoreFailed;
use super::{ApiError, Metrics};

pub fn harden<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
    body_limit: usize,
    metrics: Metrics,
) -> Router<S> {
    router
        .fallback(|| async { ApiError::not_found("no such route") })
        .method_not_allowed_fallback(|| async { ApiError::method_not_allowed() })
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(CatchPanicLayer::custom(panic_response))
        // Outermost, so it also logs and counts the 500 a caught panic became.
        .layer(middleware::from_fn_with_state(metrics, access_log))
}

fn panic_response(_payload: Box<dyn Any + Send + 'static>) -> Response {
    // The payload is not logged: a panic message may quote a value being
    // handled. The default panic hook has already reported where it was.
    tracing::error!("a request handler panicked");
    ApiError::internal().into_response()
}

/// One line a request: method, route template (never the raw path or query,
/// which could carry identifiers), status and time taken; the same labels
/// go to the metrics.
async fn access_log(State(metrics): State<Metrics>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let response = next.run(request).await;
    let status = response.status().as_u16();
    let elapsed = started.elapsed();
    metrics.request(&method, &route, status, elapsed);
    if response.extensions().get::<StoreFailed>().is_some() {
        metrics.store_error();
    }
    let ms = elapsed.as_millis();
    if response.status().is_server_error() {
        tracing::error!(%method, %route, status, ms, "request");
    } else {
        tracing::info!(%method, %route, status, ms, "request");
    }
    response
}

#[cfg(test)]
mod tests {
    use axum::routing::get;

    use super::*;

    async fn boom() -> &'static str {
        panic!("boom")
    }

    #[tokio::test]
    async fn a_panicking_handler_is_a_500_error_body_and_the_server_lives_on() {
        let app = harden(
            Router::new()
                .route("/boom", get(boom))
                .route("/ok", get(|| async { "ok" })),
            1024,
            Metrics::new(),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        laowu_core::sync::install_tls_provider();
        let client = reqwest::Client::new();

        let boom = client
            .get(format!("http://{addr}/boom"))
            .send()
            .await
            .unwrap();
        assert_eq!(boom.status(), 500);
        let body: laowu_protocol::ErrorBody = boom.json().await.unwrap();
        assert_eq!(body.code, "internal");

        let ok = client
            .get(format!("http://{addr}/ok"))
            .send()
            .await
            .unwrap();
        assert_eq!(ok.status(), 200);
        let missing = client
            .get(format!("http://{addr}/nope"))
            .send()
            .await
            .unwrap();
        assert_eq!(missing.status(), 404);
        let wrong = client
            .post(format!("http://{addr}/ok"))
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), 405);
        let body: laowu_protocol::ErrorBody = wrong.json().await.unwrap();
        assert_eq!(body.code, "method_not_allowed");
    }

    #[tokio::test]
    async fn a_store_error_and_a_panic_are_counted_under_their_route_templates() {
        async fn broken() -> Result<&'static str, ApiError> {
            Err(crate::store::StoreError::Corrupt("test").into())
        }
        let metrics = Metrics::new();
        let app = harden(
            Router::new()
                .route("/broken/{id}", get(broken))
                .route("/boom", get(boom)),
            1024,
            metrics.clone(),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        laowu_core::sync::install_tls_provider();
        let client = reqwest::Client::new();
        for path in ["/broken/13800000001", "/boom"] {
            let reply = client
                .get(format!("http://{addr}{path}"))
                .send()
                .await
                .unwrap();
            assert_eq!(reply.status(), 500);
        }

        let text = metrics.encode().unwrap();
        for sample in [
            r#"laowu_http_requests_total{method="GET",route="/broken/{id}",status="500"} 1"#,
            r#"laowu_http_requests_total{method="GET",route="/boom",status="500"} 1"#,
            r#"laowu_errors_total{kind="server"} 2"#,
            r#"laowu_errors_total{kind="store"} 1"#,
        ] {
            assert!(text.lines().any(|l| l == sample), "{sample} in:\n{text}");
        }
        assert!(!text.contains("13800000001"));
    }
}
