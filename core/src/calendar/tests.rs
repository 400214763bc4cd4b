//! The expected answers below are typed by hand from the State Council notices
//! (2025: 国办发明电〔2024〕12号; 2026: 国办发明电〔2025〕7号) and the statutory
//! holidays of 2027, not read from `cn.toml`, so a wrong date in the file fails.

use std::sync::OnceLock;

use jiff::civil::{Date, Weekday, date};
use proptest::prelude::*;

use super::{CalendarError, WorkCalendar};

fn cal() -> &'static WorkCalendar {
    static CAL: OnceLock<WorkCalendar> = OnceLock::new();
    CAL.get_or_init(WorkCalendar::bundled)
}

/// Rest blocks, inclusive, as the notices give them.
const REST: [(Date, Date); 21] = [
    // 2025
    (date(2025, 1, 1), date(2025, 1, 1)),
    (date(2025, 1, 28), date(2025, 2, 4)),
    (date(2025, 4, 4), date(2025, 4, 6)),
    (date(2025, 5, 1), date(2025, 5, 5)),
    (date(2025, 5, 31), date(2025, 6, 2)),
    (date(2025, 10, 1), date(2025, 10, 8)),
    // 2026
    (date(2026, 1, 1), date(2026, 1, 3)),
    (date(2026, 2, 15), date(2026, 2, 23)),
    (date(2026, 4, 4), date(2026, 4, 6)),
    (date(2026, 5, 1), date(2026, 5, 5)),
    (date(2026, 6, 19), date(2026, 6, 21)),
    (date(2026, 9, 25), date(2026, 9, 27)),
    (date(2026, 10, 1), date(2026, 10, 7)),
    // 2027, statutory days only (provisional)
    (date(2027, 1, 1), date(2027, 1, 1)),
    (date(2027, 2, 5), date(2027, 2, 8)),
    (date(2027, 4, 5), date(2027, 4, 5)),
    (date(2027, 5, 1), date(2027, 5, 2)),
    (date(2027, 6, 9), date(2027, 6, 9)),
    (date(2027, 9, 15), date(2027, 9, 15)),
    (date(2027, 10, 1), date(2027, 10, 3)),
    // Listed twice on purpose: Mid-Autumn 2025 sits inside the National Day block.
    (date(2025, 10, 6), date(2025, 10, 6)),
];

/// Make-up working days (调休上班日) as the notices give them.
const MAKEUP: [Date; 11] = [
    date(2025, 1, 26),
    date(2025, 2, 8),
    date(2025, 4, 27),
    date(2025, 9, 28),
    date(2025, 10, 11),
    date(2026, 1, 4),
    date(2026, 2, 14),
    date(2026, 2, 28),
    date(2026, 5, 9),
    date(2026, 9, 20),
    date(2026, 10, 10),
];

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

fn in_rest_block(d: Date) -> bool {
    REST.iter().any(|(from, to)| (*from..=*to).contains(&d))
}

fn days(from: Date, to: Date) -> impl Iterator<Item = Date> {
    std::iter::successors(Some(from), move |d| {
        d.tomorrow().ok().filter(|next| *next <= to)
    })
}

/// Working days in (after, through].
fn working_days_in(after: Date, through: Date) -> u32 {
    if through <= after {
        return 0;
    }
    days(after.tomorrow().unwrap(), through)
        .filter(|d| cal().is_working_day(*d).unwrap())
        .count() as u32
}

#[test]
fn bundled_calendar_covers_2025_to_2027() {
    let cal = cal();
    assert_eq!(cal.version(), "2026-11-23");
    assert_eq!(cal.covers(), (2025, 2027));
    assert!(!cal.source().is_empty());
    for year in 2025..=2027 {
        let arrangement = cal.arrangement(year).unwrap();
        assert!(!arrangement.source.is_empty());
        for h in &arrangement.holidays {
            assert!(!h.zh.is_empty() && !h.en.is_empty());
        }
    }
}

#[test]
fn only_2027_is_provisional() {
    let cal = cal();
    assert!(!cal.is_provisional(2025));
    assert!(!cal.is_provisional(2026));
    assert!(cal.is_provisional(2027));
    assert!(cal.arrangement(2027).unwrap().note.is_some());
    // Not covered is not "provisional": it is an error for is_working_day.
    assert!(!cal.is_provisional(2028));
}

#[test]
fn every_holiday_date_is_a_rest_day() {
    for (from, to) in REST {
        for d in days(from, to) {
            assert_eq!(cal().is_working_day(d), Ok(false), "{d}");
        }
    }
}

#[test]
fn every_make_up_day_is_a_working_weekend_day() {
    for d in MAKEUP {
        assert!(is_weekend(d), "{d} should be a weekend day");
        assert_eq!(cal().is_working_day(d), Ok(true), "{d}");
    }
}

#[test]
fn every_covered_day_matches_the_notices() {
    // Weekends not in the make-up list rest, weekdays outside the blocks work.
    for d in days(date(2025, 1, 1), date(2027, 12, 31)) {
        let expected = MAKEUP.contains(&d) || (!is_weekend(d) && !in_rest_block(d));
        assert_eq!(cal().is_working_day(d), Ok(expected), "{d}");
    }
    assert_eq!(cal().is_working_day(date(2025, 3, 8)), Ok(false)); // a plain Saturday
    assert_eq!(cal().is_working_day(date(2025, 3, 9)), Ok(false)); // a plain Sunday
    assert_eq!(cal().is_working_day(date(2025, 3, 10)), Ok(true)); // a plain Monday
}

#[test]
fn official_years_have_248_working_days() {
    // 365 days - 104 weekend days - 13 statutory days: a statutory day on a
    // weekend is made up on a weekday, and every bridged weekday is paid back
    // by a make-up weekend day, so the notices move rest days but keep the sum.
    let full_year = |y: i16| {
        days(date(y, 1, 1), date(y, 12, 31))
            .filter(|d| cal().is_working_day(*d).unwrap())
            .count()
    };
    assert_eq!(full_year(2025), 248);
    assert_eq!(full_year(2026), 248);
    // Provisional 2027 lacks the weekday compensation for the six statutory
    // days on weekends (Feb 6, 7, May 1, 2, Oct 2, 3): 254 until the notice.
    assert_eq!(full_year(2027), 254);
}

#[test]
fn worked_examples() {
    let cases = [
        // National Day / Mid-Autumn 2025: Fri 26 Sep. Sun 28 (make-up) 1, Mon 29 2,
        // Tue 30 3, Oct 1-8 rest, Thu 9 4, Fri 10 5, Sat 11 (make-up) 6,
        // Oct 13-17 7-11, Oct 20-23 12-15.
        (date(2025, 9, 26), 15, date(2025, 10, 23)),
        // Inside the 2026 Spring Festival (Wed 18 Feb): rest to Mon 23, Feb 24-27
        // 1-4, Sat 28 (make-up) 5, Mar 2-6 6-10, Mar 9-13 11-15.
        (date(2026, 2, 18), 15, date(2026, 3, 13)),
        // Fri 13 Feb 2026, the day before the make-up Saturday: Sat 14 1,
        // Feb 15-23 rest, Feb 24-27 2-5, Sat 28 6, Mar 2-6 7-11, Mar 9-12 12-15.
        (date(2026, 2, 13), 15, date(2026, 3, 12)),
        // Plain weeks: 15 working days are three weeks.
        (date(2025, 3, 3), 15, date(2025, 3, 24)),
        (date(2026, 11, 23), 15, date(2026, 12, 14)),
        // Across New Year 2026: Dec 25-26 1-2, Dec 29-31 3-5, Jan 1-3 rest,
        // Sun 4 Jan (make-up) 6, Jan 5-9 7-11, Jan 12-15 12-15.
        (date(2025, 12, 24), 15, date(2026, 1, 15)),
        // Labour Day 2025: Wed 30 Apr, May 1-5 rest, Tue 6 May is the first.
        (date(2025, 4, 30), 1, date(2025, 5, 6)),
        // A request on a make-up Sunday counts from Monday.
        (date(2025, 9, 28), 1, date(2025, 9, 29)),
        // A request on a Saturday: the next working day is Monday.
        (date(2025, 3, 8), 1, date(2025, 3, 10)),
        // Zero working days: the request day itself.
        (date(2025, 3, 8), 0, date(2025, 3, 8)),
        // Late 2027, still inside the covered range: Dec 9-10 1-2, 13-17 3-7,
        // 20-24 8-12, 27-29 13-15.
        (date(2027, 12, 8), 15, date(2027, 12, 29)),
        (date(2027, 12, 30), 1, date(2027, 12, 31)),
    ];
    for (start, n, expected) in cases {
        assert_eq!(
            cal().add_working_days(start, n),
            Ok(expected),
            "{n} working days after {start}"
        );
    }
}

#[test]
fn counting_past_the_covered_years_is_an_error() {
    let past_end = CalendarError::NotCovered { year: 2028 };
    // Dec 21-24 and 27-31 2027 give only 9 working days.
    assert_eq!(
        cal().add_working_days(date(2027, 12, 20), 15),
        Err(past_end.clone())
    );
    assert_eq!(
        cal().add_working_days(date(2027, 12, 31), 1),
        Err(past_end.clone())
    );
    assert_eq!(
        cal().add_working_days(date(2025, 1, 1), u32::MAX),
        Err(past_end.clone())
    );
    assert_eq!(cal().is_working_day(date(2028, 1, 3)), Err(past_end));
    let before = CalendarError::NotCovered { year: 2024 };
    assert_eq!(
        cal().add_working_days(date(2024, 12, 31), 1),
        Err(before.clone())
    );
    assert_eq!(cal().is_working_day(date(2024, 12, 31)), Err(before));
    let message = CalendarError::NotCovered { year: 2028 }.to_string();
    assert!(message.contains("2028"), "{message}");
}

#[test]
fn newer_than_compares_versions() {
    let bundled = cal();
    let text = include_str!("../../calendars/cn.toml");
    let with_version = |v: &str| {
        WorkCalendar::from_toml(
            &text.replace("version = \"2026-11-23\"", &format!("version = \"{v}\"")),
        )
        .unwrap()
    };
    assert!(with_version("2026-12-01").newer_than(bundled));
    assert!(with_version("2026-11-23.1").newer_than(bundled));
    assert!(!with_version("2026-11-23").newer_than(bundled));
    assert!(!with_version("2026-11-22.9").newer_than(bundled));
    assert!(!bundled.newer_than(&with_version("2027-01-05")));
    assert!(!bundled.newer_than(bundled));
}

#[test]
fn dates_may_be_written_as_strings() {
    let cal = WorkCalendar::from_toml(
        r#"
version = "2030-01-01"
source = "test"
[[year]]
year = 2025
source = "test"
[[year.holiday]]
zh = "春节"
en = "Spring Festival"
days = ["2025-01-28"]
work_days = ["2025-01-26"]
"#,
    )
    .unwrap();
    assert_eq!(cal.is_working_day(date(2025, 1, 28)), Ok(false));
    assert_eq!(cal.is_working_day(date(2025, 1, 26)), Ok(true));
    assert_eq!(cal.covers(), (2025, 2025));
}

/// A two-year file whose `year[1].holiday[2]` is `holiday`.
fn with_holiday(holiday: &str) -> String {
    format!(
        r#"
version = "2030-01-01"
source = "test"

[[year]]
year = 2025
source = "test"
[[year.holiday]]
zh = "元旦"
en = "New Year's Day"
days = [2025-01-01]

[[year]]
year = 2026
source = "test"
[[year.holiday]]
zh = "元旦"
en = "New Year's Day"
days = [2026-01-01]
[[year.holiday]]
zh = "春节"
en = "Spring Festival"
days = [2026-02-16]
work_days = [2026-02-14]
[[year.holiday]]
{holiday}
"#
    )
}

fn refusal(source: &str) -> (String, String) {
    match WorkCalendar::from_toml(source) {
        Err(CalendarError::Invalid { field, reason }) => (field, reason),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn holiday_errors_name_the_field() {
    let h = "year[1].holiday[2]";
    let cases = [
        (
            "zh = \"x\"\nen = \"x\"\ndays = [2025-12-31]",
            format!("{h}.days[0]"),
            "not in 2026",
        ),
        (
            "zh = \"x\"\nen = \"x\"\ndays = [2026-05-01, 2026-05-02, 2027-05-03]",
            format!("{h}.days[2]"),
            "not in 2026",
        ),
        (
            "zh = \"x\"\nen = \"x\"\ndays = [2026-05-01]\nwork_days = [2026-05-06]",
            format!("{h}.work_days[0]"),
            "weekends",
        ),
        (
            "zh = \"x\"\nen = \"x\"\ndays = [2026-02-14]",
            format!("{h}.days[0]"),
            "both a rest day and a make-up working day (also year[1].holiday[1].work_days[0])",
        ),
        (
            "zh = \"x\"\nen = \"x\"\ndays = [2026-05-02]\nwork_days = [2026-05-02]",
            format!("{h}.work_days[0]"),
            "both a rest day and a make-up working day",
        ),
        (
            "zh = \"x\"\nen = \"x\"\ndays = [2026-02-16]",
            format!("{h}.days[0]"),
            "listed twice (also year[1].holiday[1].days[0])",
        ),
        (
            "zh = \"x\"\nen = \"x\"\ndays = [\"2026-02-30\"]",
            format!("{h}.days[0]"),
            "not a real date",
        ),
        (
            "zh = \"x\"\nen = \"x\"\ndays = [\"2026-5-1\"]",
            format!("{h}.days[0]"),
            "not a real date",
        ),
        (
            "zh = \"x\"\nen = \"x\"\ndays = [20260501]",
            format!("{h}.days[0]"),
            "expected a date, found integer",
        ),
        (
            "zh = \"x\"\nen = \"x\"\ndays = [2026-05-01T09:00:00]",
            format!("{h}.days[0]"),
            "not a plain date",
        ),
        (
            "zh = \"x\"\nen = \"x\"\ndays = 2026-05-01",
            format!("{h}.days"),
            "expected an array of dates",
        ),
        (
            "zh = \"x\"\nen = \"x\"\ndays = []",
            format!("{h}.days"),
            "at least one day",
        ),
        (
            "zh = \"x\"\ndays = [2026-05-01]",
            format!("{h}.en"),
            "is missing",
        ),
        (
            "zh = \" \"\nen = \"x\"\ndays = [2026-05-01]",
            format!("{h}.zh"),
            "is empty",
        ),
        (
            "zh = \"x\"\nen = \"x\"\nday = [2026-05-01]",
            format!("{h}.day"),
            "unknown key",
        ),
    ];
    for (holiday, field, reason) in cases {
        let (got_field, got_reason) = refusal(&with_holiday(holiday));
        assert_eq!(got_field, field, "{holiday}");
        assert!(got_reason.contains(reason), "{holiday}: {got_reason}");
    }
}

#[test]
fn file_errors_name_the_field() {
    let valid = with_holiday("zh = \"x\"\nen = \"x\"\ndays = [2026-05-01]");
    assert!(WorkCalendar::from_toml(&valid).is_ok());
    let cases = [
        (
            valid.replace("year = 2026", "year = 2025"),
            "year[1].year",
            "2025 is listed twice (also year[0].year)",
        ),
        (valid.replace("2026", "2027"), "year", "2026 is missing"),
        (
            valid.replace("\"2030-01-01\"", "\"v3\""),
            "version",
            "YYYY-MM-DD",
        ),
        (
            valid.replace("\"2030-01-01\"", "\"2030-02-30\""),
            "version",
            "YYYY-MM-DD",
        ),
        (
            valid.replace("\"2030-01-01\"", "\"2030-01-01.\""),
            "version",
            "YYYY-MM-DD",
        ),
        (
            valid.replace("version = \"2030-01-01\"\n", ""),
            "version",
            "is missing",
        ),
        (
            valid.replace("version =", "versoin ="),
            "versoin",
            "unknown key",
        ),
        (
            valid.replace("year = 2025", "year = \"2025\""),
            "year[0].year",
            "expected an integer, found string",
        ),
        (
            valid.replace("year = 2025", "year = 1999"),
            "year[0].year",
            "outside",
        ),
        (
            valid.replace("year = 2026\n", "year = 2026\nprovisional = \"yes\"\n"),
            "year[1].provisional",
            "expected true or false",
        ),
        (
            valid.replace(
                "[[year]]\nyear = 2025",
                "[[year]]\nyear = 2025\nnotes = \"x\"",
            ),
            "year[0].notes",
            "unknown key",
        ),
        (
            valid.replace("days = [2026-05-01]", "days = [2026-02-30]"),
            "toml",
            "not valid TOML at line",
        ),
        (
            valid.replace("days = [2026-05-01]", "days = [2026-05-01"),
            "toml",
            "not valid TOML at line",
        ),
        (
            "version = \"2030-01-01\"\nsource = \"x\"\n".to_string(),
            "year",
            "is missing",
        ),
        (
            "version = \"2030-01-01\"\nsource = \"x\"\nyear = []\n".to_string(),
            "year",
            "at least one year",
        ),
        (
            "version = \"2030-01-01\"\nsource = \"x\"\n[[year]]\nyear = 2025\nsource = \"x\"\n"
                .to_string(),
            "year[0].holiday",
            "is missing",
        ),
    ];
    for (source, field, reason) in cases {
        let (got_field, got_reason) = refusal(&source);
        assert_eq!(got_field, field, "{got_reason}");
        assert!(got_reason.contains(reason), "{field}: {got_reason}");
    }
}

#[test]
fn refusals_print_their_field() {
    let err = WorkCalendar::from_toml(&with_holiday("zh = \"x\"\nen = \"x\"\ndays = [2025-12-31]"))
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("invalid year[1].holiday[2].days[0]: "),
        "{err}"
    );
}

const COVERED_DAYS: i32 = 3 * 365; // 2025-01-01 ..= 2027-12-31, no leap year

proptest! {
    #[test]
    fn add_working_days_counts_exactly(offset in 0..COVERED_DAYS, n in 0u32..70) {
        let start = date(2025, 1, 1).checked_add(jiff::Span::new().days(offset)).unwrap();
        let last = date(2027, 12, 31);
        match (cal().add_working_days(start, n), cal().add_working_days(start, n + 1)) {
            (Ok(a), Ok(b)) => {
                prop_assert!(a < b);
                prop_assert_eq!(cal().is_working_day(b), Ok(true));
                prop_assert_eq!(working_days_in(start, a), n);
                prop_assert_eq!(working_days_in(start, b), n + 1);
                // Nothing is skipped: the days between a and b rest.
                prop_assert_eq!(working_days_in(a, b), 1);
            }
            (Ok(a), Err(e)) => {
                prop_assert_eq!(e, CalendarError::NotCovered { year: 2028 });
                prop_assert_eq!(working_days_in(start, a), n);
                prop_assert_eq!(working_days_in(start, last), n);
            }
            (Err(e), later) => {
                prop_assert_eq!(e.clone(), CalendarError::NotCovered { year: 2028 });
                prop_assert_eq!(later, Err(e));
                prop_assert!(working_days_in(start, last) < n);
            }
        }
        if n > 0 && let Ok(a) = cal().add_working_days(start, n) {
            prop_assert_eq!(cal().is_working_day(a), Ok(true));
        }
    }
}
