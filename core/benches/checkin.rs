//! The cost of evaluating one check-in at a busy site: 10 fences (circles
//! and polygons, one polygon with a hole), 50 access points, a 20-entry WiFi
//! scan, a previous fix, a time anchor and 60 earlier check-ins.
//!
//! Besides criterion's estimate, prints the median and 99th percentile of
//! single calls timed one by one (the target is a p99 under 50 µs):
//!
//! ```text
//! cargo bench -p laowu-core --bench checkin
//! ```

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::Criterion;
use jiff::civil::{Date, date};
use jiff::tz::TimeZone;
use laowu_core::attendance::{
    Datum, DeviceNow, Evaluation, FenceState, Inputs, LatLon, Observation, PriorCheckIn, PriorFix,
    Provider, Punch, RawReading, Reading, Site, SiteSpec, TimeAnchor, evaluate,
};
use serde_json::{Value, json};

const SITE_ID: &str = "gy-bench";
const CENTRE: (f64, f64) = (26.6470, 106.6302);
const METRES_PER_DEGREE: f64 = 111_195.0;
/// The phone's monotonic clock at the check-in: twelve hours after boot.
const ELAPSED_MS: i64 = 12 * 3_600_000;
const TIMED_CALLS: usize = 100_000;
const WARM_UP_CALLS: usize = 10_000;
const TARGET_P99: Duration = Duration::from_micros(50);

/// The position `north` and `east` metres from `from`.
fn offset(from: (f64, f64), north: f64, east: f64) -> (f64, f64) {
    let lat = from.0 + north / METRES_PER_DEGREE;
    let lon = from.1 + east / (METRES_PER_DEGREE * from.0.to_radians().cos());
    (lat, lon)
}

/// A regular polygon of `vertices` corners, `radius` metres around `centre`.
fn ring(centre: (f64, f64), radius: f64, vertices: usize) -> Vec<Value> {
    (0..vertices)
        .map(|k| {
            let angle = std::f64::consts::TAU * k as f64 / vertices as f64;
            let (lat, lon) = offset(centre, radius * angle.cos(), radius * angle.sin());
            json!({"lat": lat, "lon": lon})
        })
        .collect()
}

/// The centre of fence `i`: a 5 by 2 grid with 1.5 km between fences.
fn fence_centre(i: usize) -> (f64, f64) {
    offset(CENTRE, (i / 5) as f64 * 1_500.0, (i % 5) as f64 * 1_500.0)
}

/// The fence holding the check-in: the polygon with a hole.
const HOLED: usize = 7;

fn site() -> Site {
    let fences: Vec<Value> = (0..10)
        .map(|i| {
            let c = fence_centre(i);
            match i {
                HOLED => json!({"type": "polygon",
                    "exterior": ring(c, 600.0, 48),
                    "holes": [ring(c, 150.0, 16)]}),
                1 | 3 | 5 => json!({"type": "polygon", "exterior": ring(c, 500.0, 32)}),
                _ => json!({"type": "circle", "lat": c.0, "lon": c.1, "radius_m": 400.0}),
            }
        })
        .collect();
    let wifi: Vec<Value> = (0..50)
        .map(|i| json!({"bssid": format!("02:00:5e:00:01:{i:02x}"), "ssid": format!("工地-{}", i % 5)}))
        .collect();
    let spec = json!({
        "id": SITE_ID,
        "name": "基准工地",
        "datum": "wgs84",
        "fences": fences,
        "wifi": wifi,
        "rule": "either",
        "shift": {"shift": {"type": "fixed", "start": "08:00", "end": "17:30", "weekdays": [1, 2, 3, 4, 5, 6]}},
    });
    let spec: SiteSpec = serde_json::from_value(spec).expect("a well-formed site");
    Site::new(spec).expect("a valid site")
}

fn ms(day: Date, hour: i8, minute: i8) -> i64 {
    TimeZone::get("Asia/Shanghai")
        .expect("bundled zone")
        .to_timestamp(day.at(hour, minute, 0, 0))
        .expect("in range")
        .as_millisecond()
}

/// Everything one check-in needs, owned.
struct Fixture {
    site: Site,
    reading: Reading,
    scan: Vec<Observation>,
    now: DeviceNow,
    anchor: TimeAnchor,
    previous: PriorFix,
    prior: Vec<PriorCheckIn>,
}

impl Fixture {
    fn new() -> Fixture {
        // A clock-out at 17:20 on a Monday, after a clock-in at 07:55.
        let today = date(2026, 11, 23);
        let now_ms = ms(today, 17, 20);
        // Between the hole and the outer ring of the holed polygon.
        let (lat, lon) = offset(fence_centre(HOLED), 350.0, 0.0);
        let reading = Reading::new(RawReading {
            lat,
            lon,
            accuracy_m: 15.0,
            datum: Datum::Wgs84,
            provider: Provider::Fused,
            device_time_ms: now_ms - 2_000,
            elapsed_ms: ELAPSED_MS - 2_000,
            mock: false,
            speed_mps: Some(0.8),
        })
        .expect("a valid reading");
        // 19 strangers, then one of the site's access points.
        let mut scan: Vec<Observation> = (0..19)
            .map(|i| {
                Observation::new(&format!("0a:11:22:33:44:{i:02x}"), "ChinaNet-xyz", -70)
                    .expect("a valid observation")
            })
            .collect();
        scan.push(Observation::new("02:00:5E:00:01:2a", "工地-2", -55).expect("valid"));
        // The previous check-in, 2 km away, at 07:55 on this boot.
        let (prev_lat, prev_lon) = offset(fence_centre(HOLED), -2_000.0, 0.0);
        let clock_in_ms = ms(today, 7, 55);
        let previous = PriorFix {
            position: LatLon::new(prev_lat, prev_lon).expect("valid"),
            accuracy_m: 20.0,
            at_ms: clock_in_ms,
            elapsed_ms: ELAPSED_MS - (now_ms - clock_in_ms),
        };
        // Synced with the server an hour ago.
        let anchor = TimeAnchor {
            server_ms: now_ms - 3_600_000 + 1_500,
            elapsed_ms: ELAPSED_MS - 3_600_000,
        };
        // 30 days of clock-ins and clock-outs, the last one today's clock-in.
        let mut prior = Vec::with_capacity(60);
        let mut day = today;
        for k in 0..30 {
            if k > 0 {
                prior.push(PriorCheckIn {
                    site_id: SITE_ID.into(),
                    shift_date: day,
                    punch: Punch::Out,
                    at_ms: ms(day, 17, 35),
                });
            }
            prior.push(PriorCheckIn {
                site_id: if k % 7 == 3 { "other-site" } else { SITE_ID }.into(),
                shift_date: day,
                punch: Punch::In,
                at_ms: ms(day, 7, 55),
            });
            day = day.yesterday().expect("in range");
        }
        prior.push(PriorCheckIn {
            site_id: SITE_ID.into(),
            shift_date: day,
            punch: Punch::Out,
            at_ms: ms(day, 17, 35),
        });
        prior.reverse();
        assert_eq!(prior.len(), 60);

        Fixture {
            site: site(),
            reading,
            scan,
            now: DeviceNow {
                device_ms: now_ms,
                elapsed_ms: ELAPSED_MS,
            },
            anchor,
            previous,
            prior,
        }
    }

    fn inputs(&self) -> Inputs<'_> {
        Inputs {
            reading: &self.reading,
            scan: &self.scan,
            now: self.now,
            anchor: Some(self.anchor),
            previous: Some(&self.previous),
            prior: &self.prior,
            field_reason: None,
        }
    }

    fn evaluate(&self) -> Evaluation {
        evaluate(black_box(&self.site), black_box(self.inputs()))
    }
}

fn bench_checkin(c: &mut Criterion, fixture: &Fixture) {
    c.bench_function("checkin evaluate", |b| b.iter(|| fixture.evaluate()));
}

/// Times single calls one by one and prints their median and p99.
fn percentiles(fixture: &Fixture) {
    for _ in 0..WARM_UP_CALLS {
        black_box(fixture.evaluate());
    }
    let mut times: Vec<Duration> = (0..TIMED_CALLS)
        .map(|_| {
            let start = Instant::now();
            let e = fixture.evaluate();
            let took = start.elapsed();
            drop(black_box(e));
            took
        })
        .collect();
    times.sort_unstable();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    let (median, p99) = (at(0.50), at(0.99));
    let micros = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "checkin evaluate: median {:.2} µs, p99 {:.2} µs (target p99 < {} µs){}",
        micros(median),
        micros(p99),
        TARGET_P99.as_micros(),
        if p99 < TARGET_P99 {
            ""
        } else {
            " — OVER TARGET"
        },
    );
    println!(
        "FIGURE\tcheck-in evaluation, p99\t{:.2}\tµs\t< {} µs\t{}",
        micros(p99),
        TARGET_P99.as_micros(),
        if p99 < TARGET_P99 { "met" } else { "missed" },
    );
    println!(
        "  over {TIMED_CALLS} calls: min {:.2} µs, p90 {:.2} µs, p99.9 {:.2} µs, max {:.2} µs",
        micros(times[0]),
        micros(at(0.90)),
        micros(at(0.999)),
        micros(times[times.len() - 1]),
    );
}

fn main() {
    let fixture = Fixture::new();
    // The fixture is the case it claims to be: a clock-out inside the holed
    // polygon, matched by WiFi too, with the clock in step.
    let e = fixture.evaluate();
    assert_eq!(e.inside, FenceState::Inside, "{e:?}");
    assert!(e.wifi_matched, "{e:?}");
    assert_eq!(e.punch, Some(Punch::Out), "{e:?}");
    assert!(e.anomalies.is_empty(), "{e:?}");
    assert!(e.verdict.accepted(), "{e:?}");

    let mut c = Criterion::default().configure_from_args();
    bench_checkin(&mut c, &fixture);
    c.final_summary();

    // Only under `cargo bench`; `cargo test --benches` runs each benchmark once.
    if std::env::args().any(|a| a == "--bench") {
        percentiles(&fixture);
    }
}
