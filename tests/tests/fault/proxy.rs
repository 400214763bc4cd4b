//! A fault-injecting HTTP/1.1 proxy on loopback. Each request gets one fate,
//! drawn from a seeded generator so a failing run can be replayed:
//!
//! - dropped: the connection is closed before anything reaches the server;
//! - answer lost: the server handles the request (and commits), then the
//!   connection is closed before the answer reaches the phone;
//! - unavailable: the proxy answers 503 itself;
//! - passed: the request and its answer go through.
//!
//! One request per connection (`Connection: close` both ways), so a fate
//! never leaks into the next request. With several upstreams (server
//! processes sharing one database) connections take turns among them, so
//! every phone's requests reach each process.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Fault rates in percent.
#[derive(Clone, Copy, Debug)]
pub struct Faults {
    pub drop_request: u64,
    pub drop_response: u64,
    pub unavailable: u64,
}

impl Faults {
    /// The fault tests' network: 30% of requests dropped, 10% of answers
    /// lost after the server committed, 5% answered 503.
    pub const HOSTILE: Faults = Faults {
        drop_request: 30,
        drop_response: 10,
        unavailable: 5,
    };
}

/// `LAOWU_FAULT_SEED`, else a seed drawn from the clock and `salt`; printed
/// so a failing run can be replayed.
pub fn seed(salt: u64) -> u64 {
    let seed = std::env::var("LAOWU_FAULT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(salt ^ laowu_tests::sensors::now_ms() as u64);
    eprintln!("fault seed {seed} (set LAOWU_FAULT_SEED to replay)");
    seed
}

#[derive(Default, Debug)]
pub struct Counts {
    pub passed: AtomicU64,
    pub dropped: AtomicU64,
    pub answers_lost: AtomicU64,
    pub unavailable: AtomicU64,
    /// The server could not be reached (it was restarting).
    pub upstream_down: AtomicU64,
    /// Per upstream, in the order given to [`Proxy::start_many`].
    pub upstreams: Vec<UpstreamCounts>,
}

#[derive(Default, Debug)]
pub struct UpstreamCounts {
    /// Requests sent on to this upstream (passed or answer lost).
    pub forwarded: AtomicU64,
    /// Requests this upstream did not answer (down, killed or restarting).
    pub down: AtomicU64,
}

pub struct Proxy {
    pub addr: SocketAddr,
    pub counts: Arc<Counts>,
    enabled: Arc<AtomicBool>,
}

impl Proxy {
    /// Listens on a free loopback port and forwards to `upstream`.
    #[allow(dead_code)] // not every test binary has a single server
    pub async fn start(upstream: SocketAddr, faults: Faults, seed: u64) -> Proxy {
        Proxy::start_many(vec![upstream], faults, seed).await
    }

    /// Listens on a free loopback port and forwards each connection to the
    /// next of `upstreams` in turn.
    pub async fn start_many(upstreams: Vec<SocketAddr>, faults: Faults, seed: u64) -> Proxy {
        assert!(!upstreams.is_empty(), "the proxy needs an upstream");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let addr = listener.local_addr().expect("proxy addr");
        let counts = Arc::new(Counts {
            upstreams: upstreams
                .iter()
                .map(|_| UpstreamCounts::default())
                .collect(),
            ..Counts::default()
        });
        let mut next = 0;
        let enabled = Arc::new(AtomicBool::new(false));
        let rng = Arc::new(Mutex::new(seed | 1));
        let (c, e) = (counts.clone(), enabled.clone());
        tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    continue;
                };
                let fate = if e.load(Ordering::Relaxed) {
                    draw(&rng, faults)
                } else {
                    Fate::Pass
                };
                let turn = next % upstreams.len();
                next += 1;
                tokio::spawn(handle(client, upstreams[turn], turn, fate, c.clone()));
            }
        });
        Proxy {
            addr,
            counts,
            enabled,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn set_faults(&self, on: bool) {
        self.enabled.store(on, Ordering::Relaxed);
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fate {
    Pass,
    Drop,
    LoseAnswer,
    Unavailable,
}

/// xorshift64*: small, seeded, good enough to pick fates.
fn draw(rng: &Mutex<u64>, f: Faults) -> Fate {
    let mut state = rng.lock().unwrap();
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    let roll = state.wrapping_mul(0x2545_F491_4F6C_DD1D) % 100;
    if roll < f.drop_request {
        Fate::Drop
    } else if roll < f.drop_request + f.drop_response {
        Fate::LoseAnswer
    } else if roll < f.drop_request + f.drop_response + f.unavailable {
        Fate::Unavailable
    } else {
        Fate::Pass
    }
}

async fn handle(
    mut client: TcpStream,
    upstream: SocketAddr,
    turn: usize,
    fate: Fate,
    counts: Arc<Counts>,
) {
    let Some(request) = read_request(&mut client).await else {
        return;
    };
    match fate {
        Fate::Drop => {
            counts.dropped.fetch_add(1, Ordering::Relaxed);
            return; // closing the socket is the fault
        }
        Fate::Unavailable => {
            counts.unavailable.fetch_add(1, Ordering::Relaxed);
            let body =
                r#"{"code":"unavailable","field":null,"message":"injected by the fault proxy"}"#;
            let answer = format!(
                "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = client.write_all(answer.as_bytes()).await;
            let _ = client.shutdown().await;
            return;
        }
        Fate::Pass | Fate::LoseAnswer => {}
    }
    let this = &counts.upstreams[turn];
    this.forwarded.fetch_add(1, Ordering::Relaxed);
    let down = || {
        counts.upstream_down.fetch_add(1, Ordering::Relaxed);
        this.down.fetch_add(1, Ordering::Relaxed);
    };
    let Ok(mut server) = TcpStream::connect(upstream).await else {
        return down();
    };
    if server.write_all(&request).await.is_err() {
        return down();
    }
    let mut answer = Vec::new();
    if server.read_to_end(&mut answer).await.is_err() || answer.is_empty() {
        return down();
    }
    if fate == Fate::LoseAnswer {
        counts.answers_lost.fetch_add(1, Ordering::Relaxed);
        return;
    }
    counts.passed.fetch_add(1, Ordering::Relaxed);
    let _ = client.write_all(&answer).await;
    let _ = client.shutdown().await;
}

/// Reads one request (head and Content-Length body) and rewrites it to ask
/// the server to close the connection after answering.
async fn read_request(client: &mut TcpStream) -> Option<Vec<u8>> {
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        let n = client.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > 64 * 1024 {
            return None;
        }
    };
    let head = std::str::from_utf8(&buf[..head_end]).ok()?.to_string();
    let mut length = 0usize;
    let mut lines: Vec<&str> = Vec::new();
    for line in head.trim_end().split("\r\n") {
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().ok()?;
        }
        if lower.starts_with("connection:") {
            continue;
        }
        lines.push(line);
    }
    while buf.len() < head_end + length {
        let n = client.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let mut out = lines.join("\r\n").into_bytes();
    out.extend_from_slice(b"\r\nconnection: close\r\n\r\n");
    out.extend_from_slice(&buf[head_end..head_end + length]);
    Some(out)
}
