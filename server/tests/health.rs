//! The server answers over real HTTP on loopback.

mod common;

use common::TestServer;
use reqwest::Method;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_over_loopback() {
    let server = TestServer::start().await;
    let reply = server
        .send(Method::GET, "/v1/health", None, None)
        .await
        .expect(200);
    let health: laowu_protocol::Health = reply.json();
    assert_eq!(health.status, "ok");
    assert_eq!(health.protocol, laowu_protocol::PROTOCOL_VERSION);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ready_when_the_database_answers() {
    let server = TestServer::start().await;
    let reply = server
        .send(Method::GET, "/v1/ready", None, None)
        .await
        .expect(200);
    let ready: laowu_protocol::Health = reply.json();
    assert_eq!(ready.status, "ready");
    server.stop().await;
}
