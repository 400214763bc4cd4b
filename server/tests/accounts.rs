//! Accounts over real HTTP on loopback: the whole journey, codes, rate
//! limits, token expiry and rotation, persistence, and what never reaches
//! logs or disk in clear.

mod common;

use std::time::Duration;

use common::{PASSWORD, TestServer, captured_logs, phone};
use laowu_protocol::{Me, RegisterDeviceResponse, RegisterResponse, Role, TokenPair};
use reqwest::Method;
use serde_json::json;

const DEVICE_KEY: &str = "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_journey() {
    let server = TestServer::start().await;
    let phone = phone(1);
    let new_password = "a new password 新密码";

    // Code → sms.log → register.
    server
        .request_code(&format!("+86 {phone}"), "register")
        .await
        .expect(202);
    let code = server.last_code(&phone);
    assert_eq!(code.len(), 6);
    let registered: RegisterResponse = server
        .post(
            "/v1/accounts/register",
            json!({"phone": phone, "code": code, "password": PASSWORD, "name": "张三"}),
        )
        .await
        .expect(201)
        .json();

    // Login → register a device → me.
    let session: TokenPair = server.login(&phone, PASSWORD).await.expect(200).json();
    assert_eq!(session.token_type, "Bearer");
    assert_eq!(session.account_id, registered.account_id);
    assert_eq!(session.role, Role::Worker);
    assert_eq!(session.expires_in_s, 15 * 60);
    assert_eq!(session.refresh_expires_in_s, 30 * 24 * 3600);
    let device: RegisterDeviceResponse = server
        .post_authed(
            "/v1/devices",
            json!({"public_key": DEVICE_KEY, "platform": "android"}),
            &session.access_token,
        )
        .await
        .expect(201)
        .json();
    let me: Me = server
        .get_authed("/v1/me", &session.access_token)
        .await
        .expect(200)
        .json();
    assert_eq!(me.account_id, registered.account_id);
    assert_eq!(me.role, Role::Worker);
    assert_eq!(me.devices.len(), 1);
    assert_eq!(me.devices[0].device_id, device.device_id);
    assert_eq!(me.devices[0].public_key, DEVICE_KEY);

    // A login bound to the device carries it through refreshes.
    let bound: TokenPair = server
        .post(
            "/v1/accounts/login",
            json!({"phone": phone, "password": PASSWORD, "device_id": device.device_id}),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(bound.device_id.as_deref(), Some(device.device_id.as_str()));

    // Refresh rotates; the new pair works.
    let refreshed: TokenPair = server
        .post(
            "/v1/tokens/refresh",
            json!({"refresh_token": bound.refresh_token}),
        )
        .await
        .expect(200)
        .json();
    assert_ne!(refreshed.refresh_token, bound.refresh_token);
    assert_eq!(refreshed.device_id, bound.device_id);
    server
        .get_authed("/v1/me", &refreshed.access_token)
        .await
        .expect(200);

    // The spent token presented again: refused, and the whole family ends,
    // including the replacement it was rotated into.
    server
        .post(
            "/v1/tokens/refresh",
            json!({"refresh_token": bound.refresh_token}),
        )
        .await
        .error(401, "unauthorised");
    server
        .post(
            "/v1/tokens/refresh",
            json!({"refresh_token": refreshed.refresh_token}),
        )
        .await
        .error(401, "unauthorised");
    // Another login's family is untouched.
    let other: TokenPair = server
        .post(
            "/v1/tokens/refresh",
            json!({"refresh_token": session.refresh_token}),
        )
        .await
        .expect(200)
        .json();

    // Reset the password (codes are 1 a minute per number) → old password fails.
    server.clock.advance(Duration::from_secs(61));
    server.request_code(&phone, "reset").await.expect(202);
    let reset_code = server.last_code(&phone);
    server
        .post(
            "/v1/accounts/reset-password",
            json!({"phone": phone, "code": reset_code, "new_password": new_password}),
        )
        .await
        .expect(204);
    server
        .login(&phone, PASSWORD)
        .await
        .error(401, "unauthorised");
    server.login(&phone, new_password).await.expect(200);
    // The reset ended every session.
    server
        .post(
            "/v1/tokens/refresh",
            json!({"refresh_token": other.refresh_token}),
        )
        .await
        .error(401, "unauthorised");
    // A code is good once.
    server
        .post(
            "/v1/accounts/reset-password",
            json!({"phone": phone, "code": reset_code, "new_password": "yet another one"}),
        )
        .await
        .error(400, "invalid_input");

    let data_dir = server.data_dir();
    let db = server.db().await;
    let _dir = server.stop().await;

    // Stored: an argon2id hash, and neither the number, the name nor a password in clear.
    let hash = db.text("SELECT password_hash FROM accounts", &[]).await;
    assert!(hash.starts_with("$argon2id$v=19$"), "{hash}");
    let bytes = db.raw_bytes(&data_dir).await;
    for secret in [phone.as_str(), "张三", PASSWORD, new_password] {
        assert!(!contains(&bytes, secret.as_bytes()), "{secret} in clear");
    }
    // sms.log holds exactly the "<phone> <code>" lines sent.
    let sms = std::fs::read_to_string(data_dir.join("sms.log")).unwrap();
    assert_eq!(sms, format!("{phone} {code}\n{phone} {reset_code}\n"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(data_dir.join("sms.log"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "sms.log holds phone numbers");
    }

    // The logs name no number, name, password, code or token.
    let logs = captured_logs();
    assert!(logs.contains("account registered"), "logs were captured");
    for secret in [
        phone.as_str(),
        "张三",
        PASSWORD,
        new_password,
        &code,
        &reset_code,
        &session.refresh_token,
        &session.access_token,
    ] {
        assert!(!logs.contains(secret), "{secret} in logs");
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_wrong_codes_lock_the_code() {
    let server = TestServer::start().await;
    let phone = phone(2);
    server.request_code(&phone, "register").await.expect(202);
    let code = server.last_code(&phone);
    let wrong = if code == "000000" { "000001" } else { "000000" };
    let register = |code: &str| {
        server.post(
            "/v1/accounts/register",
            json!({"phone": phone, "code": code, "password": PASSWORD}),
        )
    };
    for _ in 0..5 {
        let err = register(wrong).await.error(400, "invalid_input");
        assert_eq!(err.field.as_deref(), Some("code"));
    }
    // The right code is now refused too: it is spent.
    register(&code).await.error(400, "invalid_input");

    // A new code works (after the per-number wait).
    server.clock.advance(Duration::from_secs(60));
    server.request_code(&phone, "register").await.expect(202);
    register(&server.last_code(&phone)).await.expect(201);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codes_expire_after_five_minutes_and_only_the_latest_counts() {
    let server = TestServer::start().await;
    let phone = phone(3);
    let register = |code: String| {
        server.post(
            "/v1/accounts/register",
            json!({"phone": phone, "code": code, "password": PASSWORD}),
        )
    };
    server.request_code(&phone, "register").await.expect(202);
    let first = server.last_code(&phone);
    server.clock.advance(Duration::from_secs(5 * 60));
    register(first.clone()).await.error(400, "invalid_input");

    server.request_code(&phone, "register").await.expect(202);
    let second = server.last_code(&phone);
    server.clock.advance(Duration::from_secs(60));
    server.request_code(&phone, "register").await.expect(202);
    let third = server.last_code(&phone);
    if second != third {
        register(second).await.error(400, "invalid_input");
    }
    register(third).await.expect(201);
    server.stop().await;
}

/// Code requests from distinct numbers, each claiming to come via a proxy
/// for the address `forwarded`: the statuses.
async fn codes_forwarded_for(server: &TestServer, first: u32, forwarded: &[&str]) -> Vec<u16> {
    let mut statuses = Vec::new();
    for (n, ip) in (first..).zip(forwarded) {
        let reply = server
            .client
            .post(server.url("/v1/accounts/code"))
            .header("x-forwarded-for", format!("198.51.100.7, {ip}"))
            .json(&json!({"phone": phone(n), "purpose": "register"}))
            .send()
            .await
            .unwrap();
        statuses.push(reply.status().as_u16());
    }
    statuses
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn x_forwarded_for_names_the_client_only_when_the_peer_is_a_trusted_proxy() {
    let one_an_hour = |c: &mut laowu_server::Config| {
        c.limits.code_per_ip = vec![laowu_server::store::RateRule::new(
            1,
            Duration::from_secs(3600),
        )];
    };
    // Untrusted: the header is the client's own words, and every request
    // counts against the one TCP peer.
    let server = TestServer::start_with(one_an_hour).await;
    assert_eq!(
        codes_forwarded_for(&server, 801, &["203.0.113.1", "203.0.113.2"]).await,
        [202, 429]
    );
    server.stop().await;
    // Behind a trusted proxy on loopback: the nearest untrusted hop counts.
    let server = TestServer::start_with(|c| {
        one_an_hour(c);
        c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    assert_eq!(
        codes_forwarded_for(
            &server,
            811,
            &["203.0.113.1", "203.0.113.2", "203.0.113.1", "not-an-ip"]
        )
        .await,
        [202, 202, 429, 202],
        "two clients once each, the first again, then the proxy itself for a garbled header"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_requests_are_rate_limited_per_number_and_per_address() {
    let server = TestServer::start_with(|c| {
        c.limits.code_per_ip = vec![laowu_server::store::RateRule::new(
            12,
            Duration::from_secs(3600),
        )];
    })
    .await;
    let phone = phone(4);
    server.request_code(&phone, "register").await.expect(202);
    let limited = server.request_code(&phone, "register").await;
    let err = limited.error(429, "rate_limited");
    assert_eq!(err.retry_after_s, Some(60));
    assert_eq!(limited.headers.get("retry-after").unwrap(), "60");
    // The purpose does not matter: it is the number's SMS budget.
    server
        .request_code(&phone, "reset")
        .await
        .error(429, "rate_limited");
    server.clock.advance(Duration::from_secs(30));
    let err = server
        .request_code(&phone, "register")
        .await
        .error(429, "rate_limited");
    assert_eq!(err.retry_after_s, Some(30));
    server.clock.advance(Duration::from_secs(30));
    server.request_code(&phone, "register").await.expect(202);

    // Ten a day per number.
    for _ in 2..10 {
        server.clock.advance(Duration::from_secs(61));
        server.request_code(&phone, "register").await.expect(202);
    }
    server.clock.advance(Duration::from_secs(61));
    let err = server
        .request_code(&phone, "register")
        .await
        .error(429, "rate_limited");
    assert!(err.retry_after_s.unwrap() > 20 * 3600, "{err:?}");

    // Per address: 12 an hour here (set above), 10 of them spent on the number above.
    server
        .request_code(&common::phone(5), "register")
        .await
        .expect(202);
    server
        .request_code(&common::phone(6), "register")
        .await
        .expect(202);
    server
        .request_code(&common::phone(7), "register")
        .await
        .error(429, "rate_limited");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_failed_logins_lock_the_number_for_fifteen_minutes() {
    let server = TestServer::start().await;
    let phone = phone(8);
    server.account(&phone).await;
    for _ in 0..5 {
        server
            .login(&phone, "not the password")
            .await
            .error(401, "unauthorised");
    }
    // Even the right password waits now.
    let err = server
        .login(&phone, PASSWORD)
        .await
        .error(429, "rate_limited");
    assert_eq!(err.retry_after_s, Some(15 * 60));
    // Unknown numbers are counted the same way (and answered the same way).
    let stranger = common::phone(9);
    for _ in 0..5 {
        server
            .login(&stranger, PASSWORD)
            .await
            .error(401, "unauthorised");
    }
    server
        .login(&stranger, PASSWORD)
        .await
        .error(429, "rate_limited");

    server.clock.advance(Duration::from_secs(15 * 60));
    server.login(&phone, PASSWORD).await.expect(200);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_guesses_get_no_more_than_five_tries() {
    let server = TestServer::start().await;
    let phone = phone(14);
    server.account(&phone).await;
    let mut guesses = tokio::task::JoinSet::new();
    for i in 0..20 {
        let request = server
            .client
            .post(server.url("/v1/accounts/login"))
            .json(&json!({"phone": phone, "password": format!("guess number {i}")}));
        guesses.spawn(async move { request.send().await.unwrap().status().as_u16() });
    }
    let statuses = guesses.join_all().await;
    let tried = statuses.iter().filter(|&&s| s == 401).count();
    let limited = statuses.iter().filter(|&&s| s == 429).count();
    assert_eq!((tried, limited), (5, 15));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_tokens_expire_and_forgeries_fail() {
    let server = TestServer::start().await;
    let session = server.account(&phone(10)).await;
    server
        .get_authed("/v1/me", &session.access_token)
        .await
        .expect(200);

    server.clock.advance(Duration::from_secs(15 * 60));
    let expired = server.get_authed("/v1/me", &session.access_token).await;
    let err = expired.error(401, "unauthorised");
    assert!(err.message.contains("expired"), "{err:?}");
    assert_eq!(expired.headers.get("www-authenticate").unwrap(), "Bearer");

    // The refresh token outlives it.
    let fresh: TokenPair = server
        .post(
            "/v1/tokens/refresh",
            json!({"refresh_token": session.refresh_token}),
        )
        .await
        .expect(200)
        .json();
    server
        .get_authed("/v1/me", &fresh.access_token)
        .await
        .expect(200);

    let mut tampered = fresh.access_token.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    for token in [tampered.as_str(), "not-a-token", "a.b.c", ""] {
        server
            .get_authed("/v1/me", token)
            .await
            .error(401, "unauthorised");
    }
    let basic = server
        .client
        .get(server.url("/v1/me"))
        .header("authorization", "Basic dXNlcjpwYXNz")
        .send()
        .await
        .unwrap();
    common::Reply::from(basic).await.error(401, "unauthorised");

    // Refresh tokens die after 30 days.
    server.clock.advance(Duration::from_secs(30 * 24 * 3600));
    server
        .post(
            "/v1/tokens/refresh",
            json!({"refresh_token": fresh.refresh_token}),
        )
        .await
        .error(401, "unauthorised");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conflicts_and_refusals() {
    let server = TestServer::start().await;
    let phone = phone(11);
    let session = server.account(&phone).await;

    // The number is taken: a second registration is 409 (only its owner sees the code).
    server.clock.advance(Duration::from_secs(61));
    server.request_code(&phone, "register").await.expect(202);
    server
        .post(
            "/v1/accounts/register",
            json!({"phone": phone, "code": server.last_code(&phone), "password": PASSWORD}),
        )
        .await
        .error(409, "conflict");

    // One key, one device.
    let device = json!({"public_key": DEVICE_KEY, "platform": "ios"});
    server
        .post_authed("/v1/devices", device.clone(), &session.access_token)
        .await
        .expect(201);
    server
        .post_authed("/v1/devices", device, &session.access_token)
        .await
        .error(409, "conflict");
    let err = server
        .post_authed(
            "/v1/devices",
            json!({"public_key": "zz", "platform": "ios"}),
            &session.access_token,
        )
        .await
        .error(400, "invalid_input");
    assert_eq!(err.field.as_deref(), Some("public_key"));

    // Login with another account's (or no) device is refused.
    let err = server
        .post(
            "/v1/accounts/login",
            json!({"phone": phone, "password": PASSWORD, "device_id": "nope"}),
        )
        .await
        .error(400, "invalid_input");
    assert_eq!(err.field.as_deref(), Some("device_id"));

    // Reset codes go only to registered numbers, yet the answer is the same.
    let stranger = common::phone(12);
    server.request_code(&stranger, "reset").await.expect(202);
    assert!(server.sms_lines().iter().all(|l| !l.starts_with(&stranger)));

    // Field rules, each naming its field.
    for (path, body, field) in [
        (
            "/v1/accounts/code",
            json!({"phone": "12345", "purpose": "register"}),
            "phone",
        ),
        (
            "/v1/accounts/register",
            json!({"phone": phone, "code": "12", "password": PASSWORD}),
            "code",
        ),
        (
            "/v1/accounts/register",
            json!({"phone": phone, "code": "123456", "password": "short"}),
            "password",
        ),
        (
            "/v1/accounts/register",
            json!({"phone": phone, "code": "123456", "password": PASSWORD, "name": " "}),
            "name",
        ),
        (
            "/v1/accounts/reset-password",
            json!({"phone": phone, "code": "123456", "new_password": "x".repeat(129)}),
            "new_password",
        ),
    ] {
        let err = server.post(path, body).await.error(400, "invalid_input");
        assert_eq!(err.field.as_deref(), Some(field), "{path}");
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_survive_a_restart() {
    let server = TestServer::start().await;
    let phone = phone(13);
    let session = server.account(&phone).await;
    let dir = server.stop().await;

    let server = TestServer::start_in(dir, |_| {}).await;
    server.login(&phone, PASSWORD).await.expect(200);
    // Tokens issued before the restart still hold: the key persisted too.
    server
        .get_authed("/v1/me", &session.access_token)
        .await
        .expect(200);
    server
        .post(
            "/v1/tokens/refresh",
            json!({"refresh_token": session.refresh_token}),
        )
        .await
        .expect(200);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_routes_and_methods_are_error_bodies() {
    let server = TestServer::start().await;
    server
        .send(Method::GET, "/v1/nope", None, None)
        .await
        .error(404, "not_found");
    server
        .send(Method::GET, "/v1/accounts/login", None, None)
        .await
        .error(405, "method_not_allowed");
    server.stop().await;
}
