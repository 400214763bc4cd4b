//! Prometheus metrics over real HTTP: requests by route template, latency,
//! sync batches and item outcomes, served only on the metrics listener and
//! free of identifiers and personal data.

mod common;
mod sim;

use common::{Reply, TestServer, phone};
use laowu_protocol::Stream;
use sim::{SimPhone, all};

async fn scrape(server: &TestServer) -> Reply {
    let response = server
        .client
        .get(format!("http://{}/metrics", server.metrics_addr))
        .send()
        .await
        .unwrap();
    Reply::from(response).await.expect(200)
}

#[track_caller]
fn assert_sample(text: &str, sample: &str) {
    assert!(
        text.lines().any(|line| line == sample),
        "no line `{sample}` in:\n{text}"
    );
}

#[tokio::test]
async fn requests_pushes_and_outcomes_are_counted_by_route_template() {
    let server = TestServer::start().await;
    let number = phone(1);
    let worker = SimPhone::register(&server, &number).await;

    server
        .send(reqwest::Method::GET, "/v1/health", None, None)
        .await
        .expect(200);
    server
        .send(reqwest::Method::GET, "/v1/no-such-route", None, None)
        .await
        .expect(404);
    // A path parameter shows only as its template.
    server
        .send(
            reqwest::Method::GET,
            "/v1/deletions/del-4711-secret",
            None,
            None,
        )
        .await
        .expect(404);
    let items = vec![
        worker.item(
            "c1",
            Stream::Consent,
            r#"{"policy":"v1","accepted":true}"#,
            None,
        ),
        worker.item("l1", Stream::Ledger, r#"{"seq":1,"sdk":"amap"}"#, None),
    ];
    assert_eq!(worker.push_ok(&server, &items).await, all("accepted", 2));
    // The answer was lost: the phone resends the batch.
    assert_eq!(worker.push_ok(&server, &items).await, all("duplicate", 2));

    let reply = scrape(&server).await;
    assert_eq!(
        reply.headers["content-type"],
        "application/openmetrics-text; version=1.0.0; charset=utf-8"
    );
    let text = reply.body;
    assert_sample(
        &text,
        r#"laowu_http_requests_total{method="GET",route="/v1/health",status="200"} 1"#,
    );
    assert_sample(
        &text,
        r#"laowu_http_requests_total{method="GET",route="unmatched",status="404"} 1"#,
    );
    assert_sample(
        &text,
        r#"laowu_http_requests_total{method="GET",route="/v1/deletions/{id}",status="404"} 1"#,
    );
    assert_sample(
        &text,
        r#"laowu_http_requests_total{method="POST",route="/v1/sync/push",status="200"} 2"#,
    );
    assert_sample(
        &text,
        r#"laowu_http_requests_total{method="POST",route="/v1/devices",status="201"} 1"#,
    );
    assert_sample(
        &text,
        r#"laowu_http_request_duration_seconds_count{method="POST",route="/v1/sync/push"} 2"#,
    );
    assert_sample(
        &text,
        r#"laowu_http_request_duration_seconds_bucket{le="+Inf",method="POST",route="/v1/sync/push"} 2"#,
    );
    assert_sample(&text, "laowu_sync_push_batches_total 2");
    assert_sample(&text, r#"laowu_sync_items_total{outcome="accepted"} 2"#);
    assert_sample(&text, r#"laowu_sync_items_total{outcome="duplicate"} 2"#);
    assert_sample(&text, r#"laowu_sync_items_total{outcome="refused"} 0"#);
    assert_sample(&text, r#"laowu_errors_total{kind="server"} 0"#);
    assert_sample(&text, r#"laowu_errors_total{kind="store"} 0"#);
    assert!(text.ends_with("# EOF\n"));

    for private in [
        number.as_str(),
        worker.token(),
        &worker.tokens.refresh_token,
        &worker.device_id,
        "del-4711-secret",
        "no-such-route",
    ] {
        assert!(!text.contains(private), "`{private}` is in the metrics");
    }
}

#[tokio::test]
async fn the_public_listener_does_not_serve_metrics() {
    let server = TestServer::start().await;
    server
        .send(reqwest::Method::GET, "/metrics", None, None)
        .await
        .error(404, "not_found");
    // ...and counts the attempt like any unknown route.
    let text = scrape(&server).await.body;
    assert_sample(
        &text,
        r#"laowu_http_requests_total{method="GET",route="unmatched",status="404"} 1"#,
    );
    assert!(!text.contains("/metrics"), "{text}");
}
