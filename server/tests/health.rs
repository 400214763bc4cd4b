//! The server answers over real HTTP on loopback.

use std::io::{Read, Write};
use std::net::TcpStream;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_over_loopback() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, laowu_server::router()).await });

    let response = tokio::task::spawn_blocking(move || {
        let mut s = TcpStream::connect(addr).unwrap();
        s.write_all(b"GET /v1/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut buf = String::new();
        s.read_to_string(&mut buf).unwrap();
        buf
    })
    .await
    .unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let body = response.split("\r\n\r\n").nth(1).unwrap();
    let health: laowu_protocol::Health = serde_json::from_str(body).unwrap();
    assert_eq!(health.status, "ok");
    assert_eq!(health.protocol, laowu_protocol::PROTOCOL_VERSION);
}
