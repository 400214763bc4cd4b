//! A check-in reads only a recent window of the attendance history, so its
//! cost does not grow with years of use. This proves that past the window the
//! chain still links and verifies whole, and each day still has one clock-in:
//! 280 check-ins ten days ago (more than the window), then 20 today.

mod common;

use std::sync::atomic::{AtomicI64, Ordering};

use common::sensors::{self, FixAt, NoWifi};
use common::vault;
use laowu_core::app::CheckInRequest;
use laowu_core::attendance::{DeviceNow, EventBody};
use laowu_tests::phone::at_site;

/// More than the window a check-in reads (256 events), ten days ago.
const OLD_CHECK_INS: usize = 280;
const CHECK_INS: usize = 300;
const DAY_MS: i64 = 86_400_000;

/// How far the simulated clock is behind the real one.
static BACK_MS: AtomicI64 = AtomicI64::new(0);

/// The simulated phone's clock: wall time, [`BACK_MS`] ago.
fn now_ms() -> i64 {
    sensors::now_ms() - BACK_MS.load(Ordering::Relaxed)
}

#[test]
fn check_ins_past_the_read_window_still_chain_and_verify() {
    let home = tempfile::tempdir().unwrap();
    let phone = at_site(home.path(), vault(home.path()), now_ms()).unwrap();
    let mut last_seq = 0;
    for i in 0..CHECK_INS {
        // Noon in China, ten days ago, then the real now.
        let back = if i < OLD_CHECK_INS {
            let real = sensors::now_ms();
            let noon = real - (real + 8 * 3_600_000).rem_euclid(DAY_MS) + 12 * 3_600_000;
            real - (noon - 10 * DAY_MS)
        } else {
            0
        };
        BACK_MS.store(back, Ordering::Relaxed);
        let now = now_ms();
        let done = phone
            .check_in(
                &CheckInRequest::default(),
                &FixAt {
                    lat: 31.2305,
                    lon: 121.4738,
                    clock: now_ms,
                },
                &NoWifi,
                DeviceNow {
                    device_ms: now,
                    elapsed_ms: now,
                },
            )
            .unwrap();
        let event = done.event.unwrap();
        assert_eq!(
            event.seq,
            last_seq + 1,
            "each check-in follows the one before"
        );
        last_seq = event.seq;
    }
    let report = phone.verify_attendance().unwrap();
    assert_eq!(report.events, CHECK_INS as u64);
    assert_eq!(report.problem, None);
    // Each day's first check-in was a clock-in; the ones after it clock out.
    let history = phone.history().unwrap();
    let punches: Vec<_> = history
        .iter()
        .filter_map(|h| match &h.event.body {
            EventBody::CheckIn(c) => c.punch,
            EventBody::Makeup(_) => None,
        })
        .collect();
    assert_eq!(punches.len(), CHECK_INS);
    assert_eq!(
        punches.iter().filter(|p| format!("{p:?}") == "In").count(),
        2,
        "one clock-in ten days ago and one today, even past the window"
    );
}
