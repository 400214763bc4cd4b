//! Every route, fed every kind of bad request, answers the right 4xx
//! `ErrorBody` — never a 5xx, never a dropped connection.

mod common;

use common::{Reply, TestServer, phone};
use reqwest::Method;
use serde_json::{Value, json};

/// A well-formed body for each route that takes one, and whether it needs a token.
fn bodies() -> Vec<(&'static str, Value, bool)> {
    vec![
        (
            "/v1/accounts/code",
            json!({"phone": "13800000001", "purpose": "register"}),
            false,
        ),
        (
            "/v1/accounts/register",
            json!({"phone": "13800000001", "code": "123456", "password": "long enough", "name": "王五"}),
            false,
        ),
        (
            "/v1/accounts/login",
            json!({"phone": "13800000001", "password": "long enough", "device_id": "d"}),
            false,
        ),
        (
            "/v1/accounts/reset-password",
            json!({"phone": "13800000001", "code": "123456", "new_password": "long enough"}),
            false,
        ),
        ("/v1/tokens/refresh", json!({"refresh_token": "abc"}), false),
        (
            "/v1/devices",
            json!({"public_key": "ab".repeat(32), "platform": "ios"}),
            true,
        ),
    ]
}

async fn raw(
    server: &TestServer,
    path: &str,
    content_type: Option<&str>,
    body: impl Into<reqwest::Body>,
    token: Option<&str>,
) -> Reply {
    let mut request = server.client.post(server.url(path)).body(body);
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    Reply::from(request.send().await.unwrap()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_refuses_bad_bodies_with_4xx_error_bodies() {
    let server = TestServer::start().await;
    let session = server.account(&phone(200)).await;
    let json = Some("application/json");

    for (path, good, needs_token) in bodies() {
        let token = needs_token.then_some(session.access_token.as_str());
        let good_text = good.to_string();

        // Not JSON, or not an object.
        for text in ["", "{", "{\"", "nul", "[]", "\"text\"", "42", "null"] {
            let err = raw(&server, path, json, text, token)
                .await
                .error(400, "invalid_input");
            assert_eq!(err.field, None, "{path} {text:?}");
        }
        // A good body with more after it.
        let trailing = format!("{good_text} {{}}");
        let err = raw(&server, path, json, trailing, token)
            .await
            .error(400, "invalid_input");
        assert_eq!(err.field, None, "{path}");
        // Not UTF-8.
        raw(&server, path, json, vec![b'{', 0xff, b'}'], token)
            .await
            .error(400, "invalid_input");

        // Each field of the wrong type, then absent-with-null where it is required.
        for (name, _) in good.as_object().unwrap() {
            for wrong in [json!(1), json!(true), json!([]), json!({"a": 1})] {
                let mut body = good.clone();
                body[name] = wrong;
                let err = raw(&server, path, json, body.to_string(), token)
                    .await
                    .error(400, "invalid_input");
                assert_eq!(err.field.as_deref(), Some(name.as_str()), "{path}");
            }
        }

        // An unknown field, at the top and repeated.
        let mut body = good.clone();
        body["role"] = json!("admin");
        let err = raw(&server, path, json, body.to_string(), token)
            .await
            .error(400, "invalid_input");
        assert_eq!(err.field.as_deref(), Some("role"), "{path}");
        let first = good.as_object().unwrap().keys().next().unwrap().clone();
        let twice = format!("{{\"{first}\":\"x\",{}", &good_text[1..]);
        let err = raw(&server, path, json, twice, token)
            .await
            .error(400, "invalid_input");
        assert_eq!(err.field.as_deref(), Some(first.as_str()), "{path}");

        // Oversized: over 1 MiB, whether or not the length is announced.
        let huge = format!("{{\"pad\":\"{}\"}}", "x".repeat(1024 * 1024));
        raw(&server, path, json, huge.clone(), token)
            .await
            .error(413, "payload_too_large");
        chunked(&server, path, token, huge)
            .await
            .error(413, "payload_too_large");

        // Not sent as JSON.
        for content_type in [
            None,
            Some("text/plain"),
            Some("application/x-www-form-urlencoded"),
        ] {
            raw(&server, path, content_type, good_text.clone(), token)
                .await
                .error(415, "unsupported_media_type");
        }
        // The wrong method.
        server
            .send(Method::GET, path, None, token)
            .await
            .error(405, "method_not_allowed");
    }
    server.stop().await;
}

/// Sends `body` chunked (no Content-Length), so the limit must hold while
/// reading rather than from the header; returns the status and body.
async fn chunked(server: &TestServer, path: &str, token: Option<&str>, body: String) -> Reply {
    use std::io::{Read, Write};
    let addr = server.addr;
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n"
    );
    if let Some(token) = token {
        head.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    head.push_str("\r\n");
    let response = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream.write_all(head.as_bytes()).unwrap();
        // The server may answer and stop reading before the end: later
        // writes failing is expected.
        for chunk in body.as_bytes().chunks(64 * 1024) {
            let framed = [format!("{:x}\r\n", chunk.len()).as_bytes(), chunk, b"\r\n"].concat();
            if stream.write_all(&framed).is_err() {
                break;
            }
        }
        let _ = stream.write_all(b"0\r\n\r\n");
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response);
        String::from_utf8_lossy(&response).into_owned()
    })
    .await
    .unwrap();
    let status: u16 = response[9..12].parse().unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let mut headers = reqwest::header::HeaderMap::new();
    for line in head.lines().skip(1) {
        let (name, value) = line.split_once(':').unwrap();
        headers.insert(
            reqwest::header::HeaderName::from_bytes(name.trim().as_bytes()).unwrap(),
            value.trim().parse().unwrap(),
        );
    }
    Reply {
        status: reqwest::StatusCode::from_u16(status).unwrap(),
        headers,
        body: body.to_string(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authenticated_routes_refuse_missing_and_bad_tokens_before_the_body() {
    let server = TestServer::start().await;
    let device = json!({"public_key": "ab".repeat(32), "platform": "android"});
    for token in [None, Some(""), Some("garbage"), Some("a.b.c")] {
        let reply = server.send(Method::GET, "/v1/me", None, token).await;
        reply.error(401, "unauthorised");
        assert_eq!(reply.headers.get("www-authenticate").unwrap(), "Bearer");
        server
            .send(Method::POST, "/v1/devices", Some(&device), token)
            .await
            .error(401, "unauthorised");
        // Even a malformed or oversized body is refused for want of a token first.
        raw(&server, "/v1/devices", Some("application/json"), "{", token)
            .await
            .error(401, "unauthorised");
    }
    server.stop().await;
}
