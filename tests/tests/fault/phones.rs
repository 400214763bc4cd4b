//! The phones of the fault tests and the workload they run: accounts made on
//! a clean network, then rounds of check-ins, each round ending in a sync
//! through the fault proxy, and a drain until every outbox is empty.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use laowu_core::app::Phone;
use laowu_core::store::SoftwareVault;
use laowu_core::sync::SyncOptions;
use laowu_protocol::CodePurpose;
use laowu_tests::phone::{at_site, check_in_at_site};
use laowu_tests::sensors::now_ms;

const PASSWORD: &str = "fault-test-password";

/// Short backoff and many attempts: the proxy fails about half of all
/// requests, and a test should not wait out a phone's real retry delays.
pub const SYNC: SyncOptions = SyncOptions {
    batch_size: 100,
    max_attempts: 12,
    base_delay_ms: 5,
    max_delay_ms: 200,
};

/// How much each phone records: `rounds` syncs of `per_round` check-ins.
#[derive(Clone, Copy, Debug)]
pub struct Workload {
    pub phones: usize,
    pub rounds: usize,
    pub per_round: usize,
}

impl Workload {
    pub fn per_phone(&self) -> usize {
        self.rounds * self.per_round
    }

    pub fn total(&self) -> usize {
        self.phones * self.per_phone()
    }
}

fn mobile(i: usize) -> String {
    format!("1380013{i:04}")
}

/// A phone with consent given, an account and a site, signed in through `url`.
pub fn new_phone(home: &Path, i: usize, url: &str, sms_log: &Path) -> Phone {
    std::fs::create_dir_all(home).unwrap();
    let vault = Arc::new(SoftwareVault::open_or_create(home).unwrap());
    let phone = at_site(home, vault, now_ms()).unwrap();
    let number = mobile(i);
    phone
        .request_code(Some(url), &number, CodePurpose::Register, now_ms())
        .unwrap();
    let code = laowu_tests::sms::code_for(sms_log, &number).expect("a code was texted to sms.log");
    phone
        .register_account(None, &number, &code, PASSWORD, now_ms())
        .unwrap();
    phone
}

/// The workload's phones, homes under `dir`, registered through `url`.
pub fn new_phones(dir: &Path, work: &Workload, url: &str, sms_log: &Path) -> Vec<Phone> {
    (0..work.phones)
        .map(|i| new_phone(&dir.join(format!("phone-{i}")), i, url, sms_log))
        .collect()
}

fn check_in(phone: &Phone) {
    let done = check_in_at_site(phone, now_ms()).unwrap();
    assert!(done.event.is_some());
}

/// Runs every phone's rounds in parallel. Once half of all rounds are done
/// `mid_run` runs on this thread while the phones keep going; it is given
/// the rounds done so far. Returns how many syncs gave up (to be retried by
/// the next round or [`drain`]).
pub fn run_rounds(phones: &[Phone], work: &Workload, mid_run: impl FnOnce(&AtomicU64)) -> u64 {
    let rounds_done = AtomicU64::new(0);
    let failed_syncs = AtomicU64::new(0);
    std::thread::scope(|scope| {
        for phone in phones {
            let (rounds_done, failed_syncs) = (&rounds_done, &failed_syncs);
            scope.spawn(move || {
                for _ in 0..work.rounds {
                    for _ in 0..work.per_round {
                        check_in(phone);
                    }
                    if phone.sync(&SYNC, now_ms(), now_ms()).is_err() {
                        failed_syncs.fetch_add(1, Ordering::Relaxed);
                    }
                    rounds_done.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
        while rounds_done.load(Ordering::Relaxed) < (work.phones * work.rounds / 2) as u64 {
            std::thread::sleep(Duration::from_millis(20));
        }
        mid_run(&rounds_done);
    });
    failed_syncs.into_inner()
}

/// Syncs each phone until its outbox is empty, faults still on; how many
/// syncs gave up on the way.
pub fn drain(phones: &[Phone]) -> u64 {
    let mut failed_syncs = 0;
    for phone in phones {
        let mut tries = 0;
        loop {
            tries += 1;
            assert!(tries < 200, "a phone could not empty its outbox");
            match phone.sync(&SYNC, now_ms(), now_ms()) {
                Ok(report) if report.outbox == 0 => break,
                Ok(_) => {}
                Err(_) => failed_syncs += 1,
            }
        }
    }
    failed_syncs
}

/// Checks every phone finished cleanly: outbox empty, nothing refused, its
/// own chain intact, and all of its check-ins kept. Returns the check-ins
/// the phones hold in all.
pub fn assert_phones_done(phones: &[Phone], work: &Workload) -> usize {
    let mut local_events = 0;
    for phone in phones {
        let link = phone.server_link().unwrap().unwrap();
        assert_eq!(phone.outbox_len(&link).unwrap(), 0);
        assert!(
            phone.sync_refusals().unwrap().is_empty(),
            "an item was refused"
        );
        assert!(phone.verify_attendance().unwrap().problem.is_none());
        local_events += phone.history().unwrap().len();
    }
    assert_eq!(local_events, work.total());
    local_events
}
