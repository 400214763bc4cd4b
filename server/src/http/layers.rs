//! What wraps every route: answers for unknown routes and methods, the body
//! limit, the panic guard and the access log.

use std::any::Any;
use std::time::Instant;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower_http::catch_panic::CatchPanicLayer;

use super::ApiError;

pub fn harden<S: Clone + Send + Sync + 'static>(router: Router<S>, body_limit: usize) -> Router<S> {
    router
        .fallback(|| async { ApiError::not_found("no such route") })
        .method_not_allowed_fallback(|| async { ApiError::method_not_allowed() })
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(CatchPanicLayer::custom(panic_response))
        // Outermost, so it also logs the 500 a caught panic became.
        .layer(middleware::from_fn(access_log))
}

fn panic_response(_payload: Box<dyn Any + Send + 'static>) -> Response {
    // The payload is not logged: a panic message may quote a value being
    // handled. The default panic hook has already reported where it was.
    tracing::error!("a request handler panicked");
    ApiError::internal().into_response()
}

/// One line a request: method, route template (never the raw path or query,
/// which could carry identifiers), status and time taken.
async fn access_log(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let response = next.run(request).await;
    let status = response.status().as_u16();
    let ms = started.elapsed().as_millis();
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
}
