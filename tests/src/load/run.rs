//! One load run: register the phones, then rounds of "every phone records
//! K check-ins (not timed), then all sync at once (timed)", then check that
//! everything arrived.

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use laowu_core::app::Phone;
use laowu_core::sync::SyncOptions;
use laowu_server::{AppState, Config, Limits, PasswordHashParams};
use tokio::runtime::Runtime;

use super::report::{Report, Stored};
use super::stats::Latency;
use super::switch::Switch;
use super::{LoadError, Plan, Targets, phone};
use crate::sensors::now_ms;

/// A failed sync is counted, not retried here: the core already retries
/// within a call, and the outbox check at the end catches what was left.
const SYNC_OPTIONS: SyncOptions = SyncOptions {
    batch_size: 100,
    max_attempts: 4,
    base_delay_ms: 50,
    max_delay_ms: 1_000,
};

struct Sim {
    phone: Phone,
    switch: Option<Switch>,
}

pub fn run(plan: &Plan) -> Result<Report, LoadError> {
    let rt = Runtime::new().map_err(|e| LoadError::run("starting the async runtime", e))?;
    let tmp = tempfile::tempdir().map_err(|e| LoadError::run("making a temporary directory", e))?;
    let (servers, sms_logs, db) = match &plan.targets {
        Targets::InProcess => {
            let data = tmp.path().join("server");
            let url = start_in_process(&rt, &data)?;
            let sms = data.join(laowu_server::config::SMS_LOG_FILE);
            (
                vec![url],
                vec![sms],
                Some(data.join(laowu_server::config::DB_FILE)),
            )
        }
        Targets::External { servers, sms_logs } => (servers.clone(), sms_logs.clone(), None),
    };
    let upstreams: std::sync::Arc<[String]> = servers
        .iter()
        .map(|u| u.trim_start_matches("http://").to_string())
        .collect();
    let run_tag = run_tag();

    let started = Instant::now();
    let sims = parallel(plan.threads, plan.phones, |i| {
        let server = i % servers.len();
        let switch = match plan.alternate {
            true => Some(Switch::start(&rt, upstreams.clone(), server)?),
            false => None,
        };
        let url = switch
            .as_ref()
            .map_or(servers[server].as_str(), Switch::url);
        let sms_log = &sms_logs[if sms_logs.len() == 1 { 0 } else { server }];
        let home = tmp.path().join(format!("phone-{i}"));
        let phone = phone::register(&home, url, sms_log, &phone::number(run_tag, i))?;
        // Push what registration left (consent receipts, ledger entries) now,
        // so the timed syncs carry check-ins only.
        let options = SyncOptions {
            batch_size: plan.batch,
            ..SYNC_OPTIONS
        };
        phone
            .sync(&options, now_ms(), now_ms())
            .map_err(|e| LoadError::run("the first sync after registering", e))?;
        Ok(Sim { phone, switch })
    })
    .into_iter()
    .collect::<Result<Vec<Sim>, LoadError>>()?;
    let register_s = started.elapsed().as_secs_f64();

    let options = SyncOptions {
        batch_size: plan.batch,
        ..SYNC_OPTIONS
    };
    let mut sync_wall = Duration::ZERO;
    let mut samples = Vec::with_capacity(plan.phones * plan.rounds);
    let (mut accepted, mut requests, mut errors) = (0u64, 0u64, 0u64);
    let mut first_error = None;
    for _ in 0..plan.rounds {
        for recorded in parallel(plan.threads, plan.phones, |i| {
            (0..plan.per_round).try_for_each(|_| phone::check_in(&sims[i].phone))
        }) {
            recorded?;
        }
        let start = Instant::now();
        let results = parallel(plan.threads, plan.phones, |i| {
            if let Some(switch) = &sims[i].switch {
                switch.turn();
            }
            let t0 = Instant::now();
            let result = sims[i].phone.sync(&options, now_ms(), now_ms());
            (t0.elapsed(), result)
        });
        sync_wall += start.elapsed();
        for (took, result) in results {
            match result {
                Ok(report) => {
                    samples.push(took);
                    accepted += report.accepted;
                    requests += report.requests;
                }
                Err(e) => {
                    errors += 1;
                    first_error.get_or_insert_with(|| e.to_string());
                }
            }
        }
    }

    let recorded = (plan.phones * plan.rounds * plan.per_round) as u64;
    let stored = verify(&sims, recorded, db.as_deref())?;
    Ok(Report {
        phones: plan.phones,
        rounds: plan.rounds,
        per_round: plan.per_round,
        threads: plan.threads,
        servers: servers.len(),
        alternate: plan.alternate,
        in_process: db.is_some(),
        register_s,
        sync_s: sync_wall.as_secs_f64(),
        recorded,
        stored,
        items_accepted: accepted,
        requests,
        errors,
        first_error,
        latency: Latency::of(samples),
    })
}

/// Sets this run's phone numbers apart from earlier runs' on a server that
/// keeps its accounts (two runs in one second must not share numbers).
fn run_tag() -> u32 {
    let seed = (now_ms() as u64) ^ (u64::from(std::process::id()) << 40);
    let mixed = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (mixed >> 40) as u32
}

/// The real server on a free loopback port, serving until the runtime ends.
fn start_in_process(rt: &Runtime, data: &Path) -> Result<String, LoadError> {
    let step = "starting the in-process server";
    let mut config = Config::new(data);
    config.password_hash = PasswordHashParams::INSECURE_FAST;
    // Every phone asks for its code from 127.0.0.1: the per-address limit
    // (60 an hour) would stop a run of more phones than that.
    config.limits = Limits {
        code_per_ip: Vec::new(),
        ..Limits::default()
    };
    let state = rt
        .block_on(AppState::open(config))
        .map_err(|e| LoadError::run(step, e))?;
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .map_err(|e| LoadError::run(step, e))?;
    let addr = listener.local_addr().map_err(|e| LoadError::run(step, e))?;
    rt.spawn(laowu_server::serve(
        listener,
        state,
        std::future::pending::<()>(),
    ));
    Ok(format!("http://{addr}"))
}

/// Every outbox empty, nothing refused, every check-in in each phone's
/// history; the server's own count when its database is at hand.
fn verify(sims: &[Sim], recorded: u64, db: Option<&Path>) -> Result<Stored, LoadError> {
    let step = "checking the phones after the run";
    let (mut pending, mut refused, mut history) = (0u64, 0u64, 0u64);
    for sim in sims {
        let link = sim
            .phone
            .server_link()
            .map_err(|e| LoadError::run(step, e))?
            .ok_or_else(|| LoadError::run(step, "a phone lost its server link"))?;
        pending += sim
            .phone
            .outbox_len(&link)
            .map_err(|e| LoadError::run(step, e))?;
        refused += sim
            .phone
            .sync_refusals()
            .map_err(|e| LoadError::run(step, e))?
            .len() as u64;
        history += sim
            .phone
            .history()
            .map_err(|e| LoadError::run(step, e))?
            .len() as u64;
    }
    // (rows, distinct events): they differ only if an event was stored twice.
    let (server_rows, twice) = match db {
        Some(db) => {
            let (rows, distinct) = count_rows(db)?;
            (Some(rows), rows - distinct)
        }
        None => (None, 0),
    };
    // Without the database, an empty outbox with no refusals means the
    // server answered "accepted" or "duplicate" for every check-in.
    let stored = match server_rows {
        Some(rows) => rows,
        None if pending == 0 && refused == 0 => history,
        None => 0,
    };
    Ok(Stored {
        count: stored,
        from_server_db: server_rows.is_some(),
        pending,
        refused,
        ok: pending == 0 && refused == 0 && twice == 0 && history == recorded && stored == recorded,
    })
}

fn count_rows(db: &Path) -> Result<(u64, u64), LoadError> {
    let step = "counting the server's attendance rows";
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY;
    let conn =
        rusqlite::Connection::open_with_flags(db, flags).map_err(|e| LoadError::run(step, e))?;
    conn.query_row(
        "SELECT count(*), count(DISTINCT event_id) FROM attendance",
        [],
        |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64)),
    )
    .map_err(|e| LoadError::run(step, e))
}

/// `f(0..n)` on `threads` workers, results in index order.
fn parallel<T: Send>(threads: usize, n: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let next = AtomicUsize::new(0);
    let out: Mutex<Vec<Option<T>>> = Mutex::new((0..n).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..threads.min(n) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n {
                        break;
                    }
                    let value = f(i);
                    out.lock().unwrap_or_else(|p| p.into_inner())[i] = Some(value);
                }
            });
        }
    });
    out.into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .into_iter()
        .map(|v| v.expect("every index ran"))
        .collect()
}
