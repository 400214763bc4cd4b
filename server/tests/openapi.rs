//! `openapi.yaml` against the server: the same routes, every documented
//! required field enforced, and every response of a live session shaped as
//! documented.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::{PASSWORD, Reply, TestServer, phone};
use laowu_protocol::TokenPair;
use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn document() -> Value {
    let text = include_str!("../openapi.yaml");
    serde_saphyr::from_str(text).expect("openapi.yaml parses")
}

/// Every (METHOD, path) the document describes.
fn documented_routes(doc: &Value) -> BTreeSet<(String, String)> {
    let mut routes = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().unwrap().keys() {
            if METHODS.contains(&method.as_str()) {
                routes.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    routes
}

fn operation<'a>(doc: &'a Value, method: &str, path: &str) -> &'a Value {
    let op = &doc["paths"][path][method.to_lowercase()];
    assert!(op.is_object(), "{method} {path} is not documented");
    op
}

/// Follows `$ref`s within the document.
fn resolve<'a>(doc: &'a Value, mut node: &'a Value) -> &'a Value {
    while let Some(reference) = node.get("$ref").and_then(Value::as_str) {
        let pointer = reference.strip_prefix('#').expect("local $ref");
        node = doc
            .pointer(pointer)
            .unwrap_or_else(|| panic!("{reference} does not resolve"));
    }
    node
}

fn request_schema<'a>(doc: &'a Value, op: &'a Value) -> Option<&'a Value> {
    let body = op.get("requestBody")?;
    Some(resolve(
        doc,
        &resolve(doc, body)["content"]["application/json"]["schema"],
    ))
}

/// Checks `value` against the subset of JSON Schema the document uses.
/// Objects may carry only documented properties, so a field the server adds
/// without documenting it fails here.
fn check(doc: &Value, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    let schema = resolve(doc, schema);
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let type_of = match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    if !types.is_empty() && !types.contains(&type_of) {
        return Err(format!("{at}: {type_of} is not {types:?}"));
    }
    if let Some(expected) = schema.get("const")
        && expected != value
    {
        return Err(format!("{at}: {value} is not {expected}"));
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !allowed.contains(value)
    {
        return Err(format!("{at}: {value} is not one of {allowed:?}"));
    }
    match value {
        Value::Object(fields) => {
            let empty = serde_json::Map::new();
            let properties = schema["properties"].as_object().unwrap_or(&empty);
            for required in schema["required"].as_array().into_iter().flatten() {
                let name = required.as_str().unwrap();
                if !fields.contains_key(name) {
                    return Err(format!("{at}: required {name} is missing"));
                }
            }
            for (name, field) in fields {
                let property = properties
                    .get(name)
                    .ok_or_else(|| format!("{at}: {name} is not documented"))?;
                check(doc, property, field, &format!("{at}.{name}"))?;
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                check(doc, &schema["items"], item, &format!("{at}[{i}]"))?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Asserts that the reply's status is documented for the operation and
/// its body has the documented shape (or is empty where none is).
#[track_caller]
fn conforms(doc: &Value, method: &str, path: &str, reply: &Reply) {
    let op = operation(doc, method, path);
    let status = reply.status.as_str();
    let response = op["responses"]
        .get(status)
        .map(|r| resolve(doc, r))
        .unwrap_or_else(|| panic!("{method} {path} answered {status}, not documented"));
    match response.pointer("/content/application~1json/schema") {
        Some(schema) => {
            let body: Value = reply.json();
            if let Err(e) = check(doc, schema, &body, "body") {
                panic!("{method} {path} {status}: {e}");
            }
        }
        None => assert!(
            reply.body.is_empty(),
            "{method} {path} {status}: {}",
            reply.body
        ),
    }
}

#[test]
fn the_document_lists_exactly_the_routes_served() {
    let doc = document();
    let served: BTreeSet<(String, String)> = laowu_server::routes()
        .iter()
        .map(|r| (r.method.as_str().to_string(), r.path.to_string()))
        .collect();
    assert_eq!(documented_routes(&doc), served);
}

#[test]
fn every_operation_documents_its_errors_and_examples_fit_their_schemas() {
    let doc = document();
    for (method, path) in documented_routes(&doc) {
        let op = operation(&doc, &method, &path);
        let responses = op["responses"].as_object().unwrap();
        assert!(
            responses.keys().any(|s| s.starts_with('2')),
            "{method} {path}: no success"
        );
        assert!(responses.contains_key("500"), "{method} {path}: no 500");
        if let Some(schema) = request_schema(&doc, op) {
            for status in ["400", "413", "415"] {
                assert!(
                    responses.contains_key(status),
                    "{method} {path}: no {status}"
                );
            }
            assert_eq!(schema["additionalProperties"], false, "{method} {path}");
            let example = &schema["example"];
            assert!(example.is_object(), "{method} {path}: no example");
            check(&doc, schema, example, "example").unwrap();
        }
        if op.get("security").is_some() {
            assert!(responses.contains_key("401"), "{method} {path}: no 401");
        }
        for response in responses.values() {
            if let Some(schema) =
                resolve(&doc, response).pointer("/content/application~1json/schema")
            {
                resolve(&doc, schema);
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_required_field_is_enforced_by_name() {
    let doc = document();
    let server = TestServer::start().await;
    let session = server.account(&phone(100)).await;
    for (method, path) in documented_routes(&doc) {
        let op = operation(&doc, &method, &path);
        let Some(schema) = request_schema(&doc, op) else {
            continue;
        };
        let token = op.get("security").map(|_| session.access_token.as_str());
        for required in schema["required"].as_array().unwrap() {
            let name = required.as_str().unwrap();
            let mut body = schema["example"].clone();
            body.as_object_mut().unwrap().remove(name);
            let method = Method::from_bytes(method.as_bytes()).unwrap();
            let reply = server.send(method.clone(), &path, Some(&body), token).await;
            let err = reply.error(400, "invalid_input");
            assert_eq!(err.field.as_deref(), Some(name), "{method} {path}");
            conforms(&doc, method.as_str(), &path, &reply);
        }
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_session_is_shaped_as_documented() {
    let doc = document();
    let server = TestServer::start().await;
    let phone = phone(101);
    let (doc, srv) = (&doc, &server);
    let post = |path: &'static str, body: Value| async move {
        let reply = srv.post(path, body).await;
        conforms(doc, "POST", path, &reply);
        reply
    };

    let health = server.send(Method::GET, "/v1/health", None, None).await;
    conforms(doc, "GET", "/v1/health", &health);

    post(
        "/v1/accounts/code",
        json!({"phone": phone, "purpose": "register"}),
    )
    .await
    .expect(202);
    post(
        "/v1/accounts/code",
        json!({"phone": phone, "purpose": "register"}),
    )
    .await
    .expect(429);
    post(
        "/v1/accounts/code",
        json!({"phone": "1", "purpose": "register"}),
    )
    .await
    .expect(400);
    let code = server.last_code(&phone);
    let register = json!({"phone": phone, "code": code, "password": PASSWORD, "name": "李四"});
    post("/v1/accounts/register", register.clone())
        .await
        .expect(201);
    let login = json!({"phone": phone, "password": PASSWORD});
    let session: TokenPair = post("/v1/accounts/login", login).await.expect(200).json();
    post(
        "/v1/accounts/login",
        json!({"phone": phone, "password": "wrong password"}),
    )
    .await
    .expect(401);

    let device = json!({"public_key": "ab".repeat(32), "platform": "cli"});
    for status in [201, 409] {
        let reply = server
            .post_authed("/v1/devices", device.clone(), &session.access_token)
            .await;
        conforms(doc, "POST", "/v1/devices", &reply);
        reply.expect(status);
    }
    for token in [session.access_token.as_str(), "forged"] {
        let reply = server.get_authed("/v1/me", token).await;
        conforms(doc, "GET", "/v1/me", &reply);
    }

    let refresh = json!({"refresh_token": session.refresh_token});
    post("/v1/tokens/refresh", refresh.clone())
        .await
        .expect(200);
    post("/v1/tokens/refresh", refresh).await.expect(401);

    server.clock.advance(Duration::from_secs(61));
    post(
        "/v1/accounts/code",
        json!({"phone": phone, "purpose": "reset"}),
    )
    .await
    .expect(202);
    let reset = json!({"phone": phone, "code": server.last_code(&phone), "new_password": "another password"});
    post("/v1/accounts/reset-password", reset.clone())
        .await
        .expect(204);
    post("/v1/accounts/reset-password", reset).await.expect(400);

    // Bodies refused before parsing.
    let too_large = server
        .client
        .post(server.url("/v1/accounts/login"))
        .header("content-type", "application/json")
        .body(vec![b' '; 1024 * 1024 + 1])
        .send()
        .await
        .unwrap();
    conforms(
        doc,
        "POST",
        "/v1/accounts/login",
        &Reply::from(too_large).await.expect(413),
    );
    let text = server
        .client
        .post(server.url("/v1/accounts/login"))
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    conforms(
        doc,
        "POST",
        "/v1/accounts/login",
        &Reply::from(text).await.expect(415),
    );
    server.stop().await;
}

fn schema<'a>(doc: &'a Value, name: &str) -> &'a Value {
    let schema = &doc["components"]["schemas"][name];
    assert!(schema.is_object(), "{name} is not documented");
    schema
}

fn keys(value: &Value) -> BTreeSet<String> {
    value
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, _)| k.clone())
        .collect()
}

fn names(value: &Value) -> BTreeSet<String> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .map(|n| n.as_str().unwrap().to_string())
        .collect()
}

/// `additionalProperties: false` exactly where the type refuses unknown fields.
#[track_caller]
fn unknown_fields_as_documented<T: DeserializeOwned>(schema: &Value, name: &str, full: &Value) {
    let mut extra = full.clone();
    extra
        .as_object_mut()
        .unwrap()
        .insert("not_a_field".into(), json!(1));
    assert_eq!(
        serde_json::from_value::<T>(extra).is_err(),
        schema["additionalProperties"] == false,
        "{name}: additionalProperties"
    );
}

/// A response type: with every optional field set it shows every documented
/// property, with none set exactly the required ones.
#[track_caller]
fn response_shape<T: Serialize + DeserializeOwned>(doc: &Value, name: &str, full: &T, minimal: &T) {
    let schema = schema(doc, name);
    let full = serde_json::to_value(full).unwrap();
    let minimal = serde_json::to_value(minimal).unwrap();
    for value in [&full, &minimal] {
        check(doc, schema, value, name).unwrap_or_else(|e| panic!("{e}"));
    }
    assert_eq!(
        keys(&full),
        keys(&schema["properties"]),
        "{name}: properties"
    );
    assert_eq!(
        keys(&minimal),
        names(&schema["required"]),
        "{name}: required"
    );
    unknown_fields_as_documented::<T>(schema, name, &full);
}

/// A request type: every documented property, the required ones and only
/// they may not be left out, and the example parses.
#[track_caller]
fn request_shape<T: Serialize + DeserializeOwned>(doc: &Value, name: &str, full: &T) {
    let schema = schema(doc, name);
    let full = serde_json::to_value(full).unwrap();
    check(doc, schema, &full, name).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        keys(&full),
        keys(&schema["properties"]),
        "{name}: properties"
    );
    let required = names(&schema["required"]);
    let mut minimal = full.clone();
    minimal
        .as_object_mut()
        .unwrap()
        .retain(|k, _| required.contains(k));
    serde_json::from_value::<T>(minimal.clone())
        .unwrap_or_else(|e| panic!("{name}: only the required fields: {e}"));
    for field in &required {
        let mut without = minimal.clone();
        without.as_object_mut().unwrap().remove(field);
        assert!(
            serde_json::from_value::<T>(without).is_err(),
            "{name}: {field} is documented as required but may be left out"
        );
    }
    unknown_fields_as_documented::<T>(schema, name, &full);
    if let Some(example) = schema.get("example") {
        serde_json::from_value::<T>(example.clone())
            .unwrap_or_else(|e| panic!("{name}: the example does not parse: {e}"));
    }
}

#[test]
fn the_sync_supervision_and_deletion_schemas_match_the_wire_types() {
    use laowu_protocol::{
        DayEntry, DayView, Decision, DecisionRequest, DecisionResponse, DeletionCertificate,
        DeletionReceipt, DeletionStatus, DeletionSubmission, ItemResult, ItemStatus, OutboxItem,
        PullRequest, PullResponse, PushRequest, PushResponse, ReviewState, SignedPolicy, Stream,
        TimeToken,
    };

    let doc = document();
    let hex = |n: usize| "ab".repeat(n / 2);

    let item = OutboxItem {
        key: hex(32),
        stream: Stream::Attendance,
        payload: "{}".into(),
        detail: Some("{}".into()),
        signature: hex(128),
    };
    request_shape(&doc, "OutboxItem", &item);
    request_shape(
        &doc,
        "PushRequest",
        &PushRequest {
            device_id: hex(32),
            items: vec![item],
        },
    );
    request_shape(
        &doc,
        "PullRequest",
        &PullRequest {
            since: 7,
            nonce: hex(32),
        },
    );
    request_shape(
        &doc,
        "DecisionRequest",
        &DecisionRequest {
            event_id: hex(32),
            approved: true,
            note: Some("已核实".into()),
        },
    );
    request_shape(
        &doc,
        "DeletionSubmission",
        &DeletionSubmission {
            request: "{}".into(),
        },
    );

    let refused = ItemResult {
        key: hex(32),
        status: ItemStatus::Refused,
        code: Some("out_of_chain".into()),
        reason: Some("a gap".into()),
    };
    let accepted = ItemResult {
        status: ItemStatus::Accepted,
        code: None,
        reason: None,
        ..refused.clone()
    };
    response_shape(&doc, "ItemResult", &refused, &accepted);
    let push = PushResponse {
        results: vec![refused, accepted],
    };
    response_shape(&doc, "PushResponse", &push, &push);

    let decision = Decision {
        cursor: 3,
        event_id: hex(32),
        approved: false,
        note: Some("不在工地".into()),
        decided_at_ms: 1_772_409_600_000,
        signature: hex(128),
    };
    let bare_decision = Decision {
        note: None,
        ..decision.clone()
    };
    response_shape(&doc, "Decision", &decision, &bare_decision);
    let policy = SignedPolicy {
        version: "1".into(),
        text: "version = \"1\"".into(),
        signature: hex(128),
    };
    response_shape(&doc, "SignedPolicy", &policy, &policy);
    let time = TimeToken {
        server_ms: 1_772_409_600_000,
        nonce: hex(32),
        signature: hex(128),
    };
    response_shape(&doc, "TimeToken", &time, &time);
    let pulled = PullResponse {
        sites: vec!["{}".into()],
        policy: Some(policy),
        decisions: vec![decision],
        cursor: 3,
        time,
        server_key: hex(64),
    };
    let bare_pull = PullResponse {
        policy: None,
        ..pulled.clone()
    };
    response_shape(&doc, "PullResponse", &pulled, &bare_pull);

    let entry = DayEntry {
        event_id: hex(32),
        kind: "check_in".into(),
        worker: hex(32),
        worker_name: Some("张*".into()),
        at_ms: 1_772_409_600_000,
        punch: Some("clock_in".into()),
        verdict: Some("field".into()),
        anomalies: vec!["clock_skew".into()],
        distance_m: Some(420),
        wifi_matched: false,
        reason: Some("到材料市场".into()),
        review: ReviewState::Approved,
        note: Some("已核实".into()),
    };
    let bare_entry = DayEntry {
        kind: "makeup".into(),
        worker_name: None,
        punch: None,
        verdict: None,
        anomalies: vec![],
        distance_m: None,
        reason: None,
        review: ReviewState::Pending,
        note: None,
        ..entry.clone()
    };
    response_shape(&doc, "DayEntry", &entry, &bare_entry);
    let day = DayView {
        site: "site-1".into(),
        date: "2026-03-02".into(),
        entries: vec![entry, bare_entry],
        workers: 1,
        pending: 1,
    };
    response_shape(&doc, "DayView", &day, &day);
    let decided = DecisionResponse {
        event_id: hex(32),
        review: ReviewState::Rejected,
        cursor: 4,
    };
    response_shape(&doc, "DecisionResponse", &decided, &decided);

    let receipt = DeletionReceipt {
        request_id: hex(32),
        deadline: "2026-03-23".into(),
    };
    response_shape(&doc, "DeletionReceipt", &receipt, &receipt);
    let certificate = DeletionCertificate {
        request_id: hex(32),
        requested_at_ms: 1_772_409_600_000,
        deadline: "2026-03-23".into(),
        completed_at_ms: 1_772_496_000_000,
        anonymised_records: 12,
        deleted_records: 40,
        signature: hex(128),
    };
    response_shape(&doc, "DeletionCertificate", &certificate, &certificate);
    let done = DeletionStatus {
        request_id: hex(32),
        state: "done".into(),
        deadline: "2026-03-23".into(),
        certificate: Some(certificate),
    };
    let queued = DeletionStatus {
        state: "queued".into(),
        certificate: None,
        ..done.clone()
    };
    response_shape(&doc, "DeletionStatus", &done, &queued);
}
