//! Exactly-once sync through a hostile network to two server processes
//! sharing one PostgreSQL database, one of them killed mid-run.
//!
//! Two real `laowu-server` processes run on the same database and data
//! directory behind the fault proxy, which hands connections to them in
//! turn, so every phone's syncs reach both. 10 phones (half of
//! `faults.rs`, to stay within a minute in a debug build) each record 500
//! check-ins in rounds, syncing after each; once half the rounds are done
//! one process is SIGKILLed (mid-transaction, as a crash would) and, after
//! the phones have felt it, started again on the same port. Afterwards every
//! outbox is empty and the database holds each event exactly once.
//!
//! Runs only when `LAOWU_TEST_POSTGRES` names a PostgreSQL server the test
//! may create a database on (`scripts/postgres.sh start` starts one).

// The server suite's way to make and reach a test database.
#[allow(dead_code)]
#[path = "../../server/tests/common/db.rs"]
mod db;
#[path = "fault/phones.rs"]
mod phones;
#[path = "fault/proxy.rs"]
mod proxy;

use std::ffi::OsString;
use std::fs::File;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use db::{connect, create_database};
use phones::Workload;
use proxy::{Faults, Proxy};
use tokio::runtime::Runtime;

const WORK: Workload = Workload {
    phones: 10,
    rounds: 5,
    per_round: 100,
};

/// Failed requests the killed process must have caused before it comes
/// back, so the phones really synced through its absence.
const FAILURES_WHILE_DEAD: u64 = 20;

/// A `laowu-server` process on a fixed port, restartable with the same
/// arguments; killed when dropped, so a failing test leaves none behind.
struct ServerProcess {
    bin: PathBuf,
    args: Vec<OsString>,
    addr: SocketAddr,
    log: PathBuf,
    child: Child,
}

impl ServerProcess {
    fn start(bin: &Path, db: &str, data: &Path, log: &Path) -> ServerProcess {
        let addr = free_port();
        let args = vec![
            "--db".into(),
            db.into(),
            "--data".into(),
            data.into(),
            "--listen".into(),
            addr.to_string().into(),
        ];
        let child = spawn(bin, &args, log);
        let mut server = ServerProcess {
            bin: bin.to_path_buf(),
            args,
            addr,
            log: log.to_path_buf(),
            child,
        };
        server.wait_ready();
        server
    }

    /// SIGKILL: no graceful shutdown, open transactions are cut off.
    fn kill(&mut self) {
        self.child.kill().expect("kill laowu-server");
        self.child.wait().expect("reap laowu-server");
    }

    fn restart(&mut self) {
        self.child = spawn(&self.bin, &self.args, &self.log);
        self.wait_ready();
    }

    fn wait_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while !ready(self.addr) {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!(
                    "laowu-server exited before it was ready ({status}); its log is {}",
                    self.log.display()
                );
            }
            assert!(Instant::now() < deadline, "laowu-server never became ready");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(bin: &Path, args: &[OsString], log: &Path) -> Child {
    // The log goes to a file in the test's directory: it names phone numbers.
    let log = File::options()
        .create(true)
        .append(true)
        .open(log)
        .expect("open the server log");
    Command::new(bin)
        .args(args)
        .env("LAOWU_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("start laowu-server")
}

/// A loopback port nothing listens on now; the server binds it itself, and
/// again after a restart.
fn free_port() -> SocketAddr {
    let probe = TcpListener::bind("127.0.0.1:0").unwrap();
    probe.local_addr().unwrap()
}

/// Whether `GET /v1/ready` answers 200: the process serves and reaches the database.
fn ready(addr: SocketAddr) -> bool {
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_secs(1)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let request = format!("GET /v1/ready HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\r\n");
    let mut answer = Vec::new();
    stream.write_all(request.as_bytes()).is_ok()
        && stream.read_to_end(&mut answer).is_ok()
        && answer.starts_with(b"HTTP/1.1 200")
}

/// The `laowu-server` binary of this test's profile, built first so that
/// `cargo test -p laowu-tests` alone is enough.
fn server_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    // <target>/<profile>/deps/<test exe>
    let profile_dir = exe.parent().unwrap().parent().unwrap();
    let mut build = Command::new(env!("CARGO"));
    build
        .args(["build", "-p", "laowu-server", "--bin", "laowu-server"])
        .env("CARGO_TARGET_DIR", profile_dir.parent().unwrap());
    // Cargo describes this test's package to it in the environment; build
    // scripts that watch those variables (ring's) would otherwise rerun, and
    // the next `cargo test` rebuild everything above them again.
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        if key.starts_with("CARGO_MANIFEST_")
            || key.starts_with("CARGO_PKG_")
            || key == "CARGO_CRATE_NAME"
            || key == "CARGO_PRIMARY_PACKAGE"
        {
            build.env_remove(&*key);
        }
    }
    if profile_dir.ends_with("release") {
        build.arg("--release");
    }
    let status = build.status().expect("run cargo build");
    assert!(status.success(), "building laowu-server failed");
    let bin = profile_dir.join(format!("laowu-server{}", std::env::consts::EXE_SUFFIX));
    assert!(bin.is_file(), "no laowu-server at {}", bin.display());
    bin
}

#[test]
fn check_ins_arrive_exactly_once_at_two_processes_through_faults_and_a_kill() {
    let Some(admin_url) = std::env::var("LAOWU_TEST_POSTGRES")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        eprintln!("skipped: set LAOWU_TEST_POSTGRES to a PostgreSQL admin URL to run it");
        return;
    };
    let bin = server_binary();
    let runtime = Runtime::new().unwrap();
    let db_url = runtime.block_on(create_database(&admin_url));
    let name = db_url.rsplit('/').next().unwrap_or_default().to_string();
    eprintln!("database {name}");

    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("server");
    // One after the other: the first creates server.key in the shared data
    // directory, which the second must then read rather than race to create.
    let mut servers: Vec<ServerProcess> = (0..2)
        .map(|i| {
            let log = tmp.path().join(format!("server-{i}.log"));
            ServerProcess::start(&bin, &db_url, &data, &log)
        })
        .collect();

    let faults = Faults::HOSTILE;
    let seed = proxy::seed(0x2b0_u64);
    let upstreams = servers.iter().map(|s| s.addr).collect();
    let proxy = runtime.block_on(Proxy::start_many(upstreams, faults, seed));
    let counts = &proxy.counts;

    // Accounts are made on a clean network (a code texted by one process is
    // checked by the other); the faults start with the sync.
    let phones = phones::new_phones(tmp.path(), &WORK, &proxy.url(), &data.join("sms.log"));
    proxy.set_faults(true);

    let started = Instant::now();
    let mut failed_while_dead = 0;
    let mut failed_syncs = phones::run_rounds(&phones, &WORK, |rounds_done| {
        let killed = &counts.upstreams[0].down;
        let before = killed.load(Ordering::Relaxed);
        servers[0].kill();
        // Stay dead until the phones have run into it (or have finished).
        let all_rounds = (WORK.phones * WORK.rounds) as u64;
        while killed.load(Ordering::Relaxed) < before + FAILURES_WHILE_DEAD
            && rounds_done.load(Ordering::Relaxed) < all_rounds
        {
            std::thread::sleep(Duration::from_millis(10));
        }
        servers[0].restart();
        failed_while_dead = killed.load(Ordering::Relaxed) - before;
    });
    failed_syncs += phones::drain(&phones);
    eprintln!(
        "{} check-ins from {} phones synced in {:.1} s",
        WORK.total(),
        WORK.phones,
        started.elapsed().as_secs_f64()
    );

    eprintln!(
        "proxy: {} passed, {} dropped, {} answers lost, {} unavailable, {} unanswered by a server; {} syncs gave up and were retried",
        counts.passed.load(Ordering::Relaxed),
        counts.dropped.load(Ordering::Relaxed),
        counts.answers_lost.load(Ordering::Relaxed),
        counts.unavailable.load(Ordering::Relaxed),
        counts.upstream_down.load(Ordering::Relaxed),
        failed_syncs,
    );
    for (i, upstream) in counts.upstreams.iter().enumerate() {
        eprintln!(
            "process {}: {} requests forwarded, {} unanswered",
            i + 1,
            upstream.forwarded.load(Ordering::Relaxed),
            upstream.down.load(Ordering::Relaxed),
        );
    }
    eprintln!("{failed_while_dead} requests failed while process 1 was dead or restarting");
    assert!(counts.dropped.load(Ordering::Relaxed) > 0);
    assert!(counts.answers_lost.load(Ordering::Relaxed) > 0);
    assert!(counts.unavailable.load(Ordering::Relaxed) > 0);
    for upstream in &counts.upstreams {
        assert!(
            upstream.forwarded.load(Ordering::Relaxed) > 0,
            "a process got no requests"
        );
    }
    assert!(
        failed_while_dead > 0,
        "the kill came too late to hit any request"
    );

    let local_events = phones::assert_phones_done(&phones, &WORK);

    // The server's side, counted in the database once both processes are gone.
    drop(servers);
    runtime.block_on(async {
        let db = connect(&db_url).await;
        let row = db
            .query_one(
                "SELECT count(*), count(DISTINCT event_id), count(DISTINCT device_id) FROM attendance",
                &[],
            )
            .await
            .unwrap();
        let (rows, distinct, devices): (i64, i64, i64) = (row.get(0), row.get(1), row.get(2));
        assert_eq!(rows, local_events as i64, "lost or duplicated events");
        assert_eq!(distinct, rows);
        assert_eq!(devices, WORK.phones as i64);
        // Every device's chain arrived whole: seqs 1..=n with no gap.
        let per_phone = WORK.per_phone() as i64;
        let gaps: i64 = db
            .query_one(
                "SELECT count(*) FROM (SELECT device_id, max(seq)::bigint AS m, count(*) AS n
                 FROM attendance GROUP BY device_id) AS chains WHERE m <> n OR n <> $1::bigint",
                &[&per_phone],
            )
            .await
            .unwrap()
            .get(0);
        assert_eq!(gaps, 0);
        let heads: i64 = db
            .query_one(
                "SELECT count(*) FROM chain_heads WHERE seq = $1::bigint",
                &[&per_phone],
            )
            .await
            .unwrap()
            .get(0);
        assert_eq!(heads, WORK.phones as i64);
        drop(db);
        // Tidy up only after a pass; a failed run's database stays to be read.
        let _ = connect(&admin_url)
            .await
            .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
            .await;
    });
}
