//! Exactly-once sync through a hostile network, end to end over real HTTP.
//!
//! 20 phones each record 500 check-ins (10,000 in all) in rounds, syncing
//! after each round through a proxy that drops 30% of requests, loses 10% of
//! answers after the server committed, and answers 503 to 5%; the server is
//! stopped and started again on the same port mid-run. Afterwards every
//! phone's outbox is empty, the server holds each event exactly once, and
//! the totals agree on both sides.

mod common;
#[path = "fault/proxy.rs"]
mod proxy;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use common::sensors::{FixAt, NoWifi, now_ms};
use common::server::sms_code;
use laowu_core::app::{CheckInRequest, Phone};
use laowu_core::attendance::{Datum, DeviceNow, SiteSpec};
use laowu_core::consent::Policy;
use laowu_core::store::{OpenMode, SoftwareVault};
use laowu_core::sync::SyncOptions;
use laowu_protocol::CodePurpose;
use laowu_server::{AppState, Config, PasswordHashParams};
use proxy::{Faults, Proxy};
use tokio::runtime::Runtime;
use tokio::sync::oneshot;

const PHONES: usize = 20;
const ROUNDS: usize = 5;
const PER_ROUND: usize = 100;
const LAT: f64 = 31.2304;
const LON: f64 = 121.4737;
const PASSWORD: &str = "fault-test-password";

/// The server on a fixed loopback port, restartable on the same data.
struct Server {
    data: PathBuf,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl Server {
    async fn start(data: &Path, addr: SocketAddr) -> Server {
        let mut config = Config::new(data);
        config.password_hash = PasswordHashParams::INSECURE_FAST;
        let state = AppState::open(config).await.expect("open the server");
        let listener = tokio::net::TcpListener::bind(addr).await.expect("bind");
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(laowu_server::serve(listener, state, async {
            let _ = stopped.await;
        }));
        Server {
            data: data.to_path_buf(),
            addr,
            stop: Some(stop),
            task: Some(task),
        }
    }

    async fn stop(&mut self) {
        let _ = self.stop.take().unwrap().send(());
        self.task.take().unwrap().await.unwrap().unwrap();
    }

    async fn restart(&mut self) {
        self.stop().await;
        *self = Server::start(&self.data, self.addr).await;
    }
}

fn mobile(i: usize) -> String {
    format!("1380013{i:04}")
}

/// A phone with consent given, an account and a site, signed in through the proxy.
fn new_phone(home: &Path, i: usize, proxy: &str, sms_log: &Path) -> Phone {
    std::fs::create_dir_all(home).unwrap();
    let vault = Arc::new(SoftwareVault::open_or_create(home).unwrap());
    let phone = Phone::open(home, vault, OpenMode::Create, Policy::bundled())
        .unwrap()
        .with_channel("cli");
    phone.accept_all(now_ms()).unwrap();
    phone
        .add_site(
            SiteSpec::circle(
                "site-1".into(),
                "一号工地".into(),
                Datum::Wgs84,
                LAT,
                LON,
                300.0,
            ),
            now_ms(),
        )
        .unwrap();
    let number = mobile(i);
    phone
        .request_code(Some(proxy), &number, CodePurpose::Register, now_ms())
        .unwrap();
    let code = sms_code(sms_log, &number);
    phone
        .register_account(None, &number, &code, PASSWORD, now_ms())
        .unwrap();
    phone
}

fn check_in(phone: &Phone) {
    let now = now_ms();
    let request = CheckInRequest {
        site: None,
        reason: None,
        preview: false,
    };
    let done = phone
        .check_in(
            &request,
            &FixAt::new(LAT, LON),
            &NoWifi,
            DeviceNow {
                device_ms: now,
                elapsed_ms: now,
            },
        )
        .unwrap();
    assert!(done.event.is_some());
}

#[test]
fn ten_thousand_check_ins_arrive_exactly_once_through_faults_and_a_restart() {
    let runtime = Runtime::new().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("server");
    let mut server = runtime.block_on(Server::start(&data, "127.0.0.1:0".parse().unwrap()));
    let faults = Faults {
        drop_request: 30,
        drop_response: 10,
        unavailable: 5,
    };
    let seed = std::env::var("LAOWU_FAULT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x1a0_u64 ^ now_ms() as u64);
    eprintln!("fault seed {seed} (set LAOWU_FAULT_SEED to replay)");
    let proxy = runtime.block_on(Proxy::start(server.addr, faults, seed));

    // Accounts are made on a clean network; the faults start with the sync.
    let sms_log = data.join("sms.log");
    let phones: Vec<Phone> = (0..PHONES)
        .map(|i| {
            new_phone(
                &tmp.path().join(format!("phone-{i}")),
                i,
                &proxy.url(),
                &sms_log,
            )
        })
        .collect();
    proxy.set_faults(true);

    let options = SyncOptions {
        batch_size: 100,
        max_attempts: 12,
        base_delay_ms: 5,
        max_delay_ms: 200,
    };
    let rounds_done = AtomicU64::new(0);
    let failed_syncs = AtomicU64::new(0);
    std::thread::scope(|scope| {
        for phone in &phones {
            let (rounds_done, failed_syncs, options) = (&rounds_done, &failed_syncs, &options);
            scope.spawn(move || {
                for _ in 0..ROUNDS {
                    for _ in 0..PER_ROUND {
                        check_in(phone);
                    }
                    if phone.sync(options, now_ms(), now_ms()).is_err() {
                        failed_syncs.fetch_add(1, Ordering::Relaxed);
                    }
                    rounds_done.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
        // Restart the server once half the rounds are done, phones still busy.
        while rounds_done.load(Ordering::Relaxed) < (PHONES * ROUNDS / 2) as u64 {
            std::thread::sleep(Duration::from_millis(20));
        }
        runtime.block_on(server.restart());
    });

    // Drain: sync until every outbox is empty, faults still on.
    for phone in &phones {
        let mut tries = 0;
        loop {
            tries += 1;
            assert!(tries < 200, "a phone could not empty its outbox");
            match phone.sync(&options, now_ms(), now_ms()) {
                Ok(report) if report.outbox == 0 => break,
                Ok(_) => {}
                Err(_) => {
                    failed_syncs.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    }
    let counts = &proxy.counts;
    eprintln!(
        "proxy: {} passed, {} dropped, {} answers lost, {} unavailable, {} while the server was down; {} syncs gave up and were retried",
        counts.passed.load(Ordering::Relaxed),
        counts.dropped.load(Ordering::Relaxed),
        counts.answers_lost.load(Ordering::Relaxed),
        counts.unavailable.load(Ordering::Relaxed),
        counts.upstream_down.load(Ordering::Relaxed),
        failed_syncs.load(Ordering::Relaxed),
    );
    assert!(counts.dropped.load(Ordering::Relaxed) > 0);
    assert!(counts.answers_lost.load(Ordering::Relaxed) > 0);
    assert!(counts.unavailable.load(Ordering::Relaxed) > 0);

    // The phones' side.
    let mut local_events = 0;
    for phone in &phones {
        let link = phone.server_link().unwrap().unwrap();
        assert_eq!(phone.outbox_len(&link).unwrap(), 0);
        assert!(
            phone.sync_refusals().unwrap().is_empty(),
            "an item was refused"
        );
        assert!(phone.verify_attendance().unwrap().problem.is_none());
        local_events += phone.history().unwrap().len();
    }
    assert_eq!(local_events, PHONES * ROUNDS * PER_ROUND);

    // The server's side, read from its database.
    runtime.block_on(server.stop());
    let db = rusqlite::Connection::open(data.join("server.db")).unwrap();
    let (rows, distinct, devices): (i64, i64, i64) = db
        .query_row(
            "SELECT count(*), count(DISTINCT event_id), count(DISTINCT device_id) FROM attendance",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(rows, local_events as i64, "lost or duplicated events");
    assert_eq!(distinct, rows);
    assert_eq!(devices, PHONES as i64);
    // Every device's chain arrived whole: seqs 1..=500 with no gap.
    let gaps: i64 = db
        .query_row(
            "SELECT count(*) FROM (SELECT device_id, max(seq) AS m, count(*) AS n
             FROM attendance GROUP BY device_id) WHERE m != n OR n != ?1",
            [(ROUNDS * PER_ROUND) as i64],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(gaps, 0);
    let heads: i64 = db
        .query_row(
            "SELECT count(*) FROM chain_heads WHERE seq = ?1",
            [(ROUNDS * PER_ROUND) as i64],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(heads, PHONES as i64);
}
