//! A simulated phone for the sync and supervision tests: an Ed25519 device
//! key registered with the server, a hash chain of attendance events built
//! with the core's own code, and outbox items signed as the phone signs them.

#![allow(dead_code)] // each test binary uses part of this

use jiff::civil::Date;
use laowu_core::attendance::{
    ChainHead, CheckInBody, Event, EventBody, MakeupBody, Punch, TimeSource, Timing, Verdict,
};
use laowu_protocol::{OutboxItem, PushResponse, Stream, TokenPair};
use ring::digest::{SHA256, digest};
use ring::rand::SystemRandom;
use ring::signature::{Ed25519KeyPair, KeyPair};
use serde_json::{Value, json};

use crate::common::{Reply, TestServer};

pub struct SimPhone {
    key: Ed25519KeyPair,
    pub public_key: String,
    pub device_id: String,
    pub tokens: TokenPair,
    head: Option<ChainHead>,
    next_id: u64,
    tag: u32,
}

impl SimPhone {
    /// A new account for `phone` (11 digits) and a device registered to it.
    pub async fn register(server: &TestServer, phone: &str) -> SimPhone {
        let tokens = server.account(phone).await;
        Self::with_tokens(server, tokens).await
    }

    /// A new device key for an existing session.
    pub async fn with_tokens(server: &TestServer, tokens: TokenPair) -> SimPhone {
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).unwrap();
        let key = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
        let public_key = hex::encode(key.public_key().as_ref());
        let reply = server
            .post_authed(
                "/v1/devices",
                json!({"public_key": public_key, "platform": "android"}),
                &tokens.access_token,
            )
            .await
            .expect(201);
        let device_id = reply.json::<Value>()["device_id"]
            .as_str()
            .unwrap()
            .to_string();
        SimPhone {
            key,
            public_key,
            device_id,
            tokens,
            head: None,
            next_id: 0,
            tag: rand_tag(),
        }
    }

    pub fn token(&self) -> &str {
        &self.tokens.access_token
    }

    fn new_id(&mut self) -> String {
        self.next_id += 1;
        format!("{:08x}{:024x}", self.tag, self.next_id)
    }

    fn sign_hex(&self, bytes: &[u8]) -> String {
        hex::encode(self.key.sign(bytes).as_ref())
    }

    /// The next event of the chain, as an outbox item.
    pub fn event(&mut self, body: EventBody, detail: Option<String>) -> OutboxItem {
        let id = self.new_id();
        let event = Event::seal(id, self.head, self.public_key.clone(), body, |hash| {
            self.sign_hex(hash)
        });
        self.head = event.head();
        let payload = serde_json::to_string(&event).unwrap();
        self.item(&event.id, Stream::Attendance, &payload, detail)
    }

    /// A make-up request: always waits for a supervisor.
    pub fn makeup(&mut self, site: &str, date: &str, reason: &str, filed_at_ms: i64) -> OutboxItem {
        self.event(
            EventBody::Makeup(MakeupBody {
                site_id: site.into(),
                date: date.parse::<Date>().unwrap(),
                punch: Punch::In,
                reason: reason.into(),
                filed_at_ms,
            }),
            None,
        )
    }

    /// A check-in with its raw fix as the detail. `field` makes it a field
    /// check-in (outside, with a reason, waiting for review).
    pub fn check_in(&mut self, site: &str, at_ms: i64, field: bool) -> OutboxItem {
        let detail =
            json!({"lat": 31.2306, "lon": 121.4739, "accuracy_m": 15.0, "n": self.next_id})
                .to_string();
        let body = CheckInBody {
            site_id: site.into(),
            at_ms,
            time_source: TimeSource::Server,
            device_time_ms: at_ms,
            punch: Some(Punch::In),
            shift_date: None,
            verdict: if field {
                Verdict::Field
            } else {
                Verdict::Normal
            },
            timing: Timing::OnTime,
            inside: if field { "outside" } else { "inside" }.into(),
            distance_m: if field { 2500 } else { 20 },
            distance_band: if field { "over_1km" } else { "under_50m" }.into(),
            wifi_matched: !field,
            anomalies: Vec::new(),
            reason: field.then(|| "到材料市场采购钢筋".to_string()),
            needs_review: field,
            fix_digest: hex::encode(digest(&SHA256, detail.as_bytes())),
        };
        self.event(EventBody::CheckIn(body), Some(detail))
    }

    /// Any item, signed by this device.
    pub fn item(
        &self,
        key: &str,
        stream: Stream,
        payload: &str,
        detail: Option<String>,
    ) -> OutboxItem {
        OutboxItem {
            key: key.into(),
            stream,
            payload: payload.into(),
            detail,
            signature: self.sign_hex(&OutboxItem::signed_bytes(key, stream, payload)),
        }
    }

    pub async fn push(&self, server: &TestServer, items: &[OutboxItem]) -> Reply {
        server
            .post_authed(
                "/v1/sync/push",
                json!({"device_id": self.device_id, "items": items}),
                self.token(),
            )
            .await
    }

    /// Pushes and returns each item's (status, code).
    pub async fn push_ok(
        &self,
        server: &TestServer,
        items: &[OutboxItem],
    ) -> Vec<(String, String)> {
        let answer: PushResponse = self.push(server, items).await.expect(200).json();
        assert_eq!(answer.results.len(), items.len());
        answer
            .results
            .iter()
            .zip(items)
            .map(|(r, i)| {
                assert_eq!(r.key, i.key, "results come back in order");
                let status = serde_json::to_value(r.status).unwrap();
                (
                    status.as_str().unwrap().to_string(),
                    r.code.clone().unwrap_or_default(),
                )
            })
            .collect()
    }
}

fn rand_tag() -> u32 {
    let mut b = [0u8; 4];
    ring::rand::SecureRandom::fill(&SystemRandom::new(), &mut b).unwrap();
    u32::from_le_bytes(b)
}

/// `n` results of one status, for comparisons.
pub fn all(status: &str, n: usize) -> Vec<(String, String)> {
    vec![(status.to_string(), String::new()); n]
}

/// Runs `laowu-server admin ...` against the server's data directory.
pub async fn admin(
    server: &TestServer,
    args: &[&str],
) -> Result<Value, laowu_server::admin::AdminError> {
    use clap::Parser;
    #[derive(Parser)]
    struct Admin {
        #[command(subcommand)]
        command: laowu_server::admin::AdminCommand,
    }
    let mut argv = vec!["admin"];
    argv.extend_from_slice(args);
    let command = Admin::try_parse_from(argv)
        .expect("the test's admin command parses")
        .command;
    let config = crate::common::test_config(&server.data_dir(), server.clock.clone());
    let state = laowu_server::AppState::open(config).await.unwrap();
    laowu_server::admin::execute(&state, command).await
}

/// A one-circle site around the simulated fixes.
pub fn site_json(id: &str) -> String {
    json!({
        "id": id,
        "name": format!("工地 {id}"),
        "fences": [{"type": "circle", "lat": 31.2304, "lon": 121.4737, "radius_m": 300.0}],
        "wifi": [{"bssid": "a4:56:02:11:22:33", "ssid": "LAOWU-SITE"}],
    })
    .to_string()
}

pub async fn add_site(server: &TestServer, id: &str) {
    let file = server.data_dir().join(format!("site-{id}.json"));
    std::fs::write(&file, site_json(id)).unwrap();
    admin(server, &["site", "add", "--file", file.to_str().unwrap()])
        .await
        .unwrap();
}
