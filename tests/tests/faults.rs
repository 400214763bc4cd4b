//! Exactly-once sync through a hostile network, end to end over real HTTP.
//!
//! 20 phones each record 500 check-ins (10,000 in all) in rounds, syncing
//! after each round through a proxy that drops 30% of requests, loses 10% of
//! answers after the server committed, and answers 503 to 5%; the server is
//! stopped and started again on the same port mid-run. Afterwards every
//! phone's outbox is empty, the server holds each event exactly once, and
//! the totals agree on both sides.

mod common;
#[path = "fault/phones.rs"]
mod phones;
#[path = "fault/proxy.rs"]
mod proxy;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use laowu_server::{AppState, Config, PasswordHashParams};
use phones::Workload;
use proxy::{Faults, Proxy};
use tokio::runtime::Runtime;
use tokio::sync::oneshot;

const WORK: Workload = Workload {
    phones: 20,
    rounds: 5,
    per_round: 100,
};

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

#[test]
fn ten_thousand_check_ins_arrive_exactly_once_through_faults_and_a_restart() {
    let runtime = Runtime::new().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("server");
    let mut server = runtime.block_on(Server::start(&data, "127.0.0.1:0".parse().unwrap()));
    let faults = Faults::HOSTILE;
    let seed = proxy::seed(0x1a0_u64);
    let proxy = runtime.block_on(Proxy::start(server.addr, faults, seed));

    // Accounts are made on a clean network; the faults start with the sync.
    let phones = phones::new_phones(tmp.path(), &WORK, &proxy.url(), &data.join("sms.log"));
    proxy.set_faults(true);

    // Restart the server once half the rounds are done, phones still busy.
    let mut failed_syncs =
        phones::run_rounds(&phones, &WORK, |_| runtime.block_on(server.restart()));
    failed_syncs += phones::drain(&phones);

    let counts = &proxy.counts;
    eprintln!(
        "proxy: {} passed, {} dropped, {} answers lost, {} unavailable, {} while the server was down; {} syncs gave up and were retried",
        counts.passed.load(Ordering::Relaxed),
        counts.dropped.load(Ordering::Relaxed),
        counts.answers_lost.load(Ordering::Relaxed),
        counts.unavailable.load(Ordering::Relaxed),
        counts.upstream_down.load(Ordering::Relaxed),
        failed_syncs,
    );
    assert!(counts.dropped.load(Ordering::Relaxed) > 0);
    assert!(counts.answers_lost.load(Ordering::Relaxed) > 0);
    assert!(counts.unavailable.load(Ordering::Relaxed) > 0);

    let local_events = phones::assert_phones_done(&phones, &WORK);

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
    assert_eq!(devices, WORK.phones as i64);
    // Every device's chain arrived whole: seqs 1..=500 with no gap.
    let gaps: i64 = db
        .query_row(
            "SELECT count(*) FROM (SELECT device_id, max(seq) AS m, count(*) AS n
             FROM attendance GROUP BY device_id) WHERE m != n OR n != ?1",
            [WORK.per_phone() as i64],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(gaps, 0);
    let heads: i64 = db
        .query_row(
            "SELECT count(*) FROM chain_heads WHERE seq = ?1",
            [WORK.per_phone() as i64],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(heads, WORK.phones as i64);
}
