//! Shifts: when a worker is expected on site, and whether a clock-in or a
//! clock-out was on time.
//!
//! A site has one [`ShiftRules`]: a [`Shift`] (fixed hours, a roster of
//! days, or flexible hours) and the tolerances around it. Each day the shift
//! works gives a [`Slot`]: the shift's bounds as instants, plus a window in
//! which punches belong to it. [`ShiftRules::place`] finds the slot a punch
//! belongs to; [`ShiftRules::judge`] says whether it was late or early.
//!
//! Shift hours are wall-clock times in the site's time zone, not the phone's:
//! a worker travelling home keeps the site's rules. Instants are milliseconds
//! since the Unix epoch, as phones and servers report them. A slot belongs to
//! the date it starts on, so a night shift from 22:00 to 06:00 is a single
//! slot and its clock-out on the next morning is judged against it. Wall
//! times that a daylight-saving change skips or repeats resolve with jiff's
//! "compatible" rule (a skipped time moves forward, a repeated time takes its
//! first occurrence), the rule most calendars use.

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use super::AttendanceError;

/// The time zone of a site that does not name one. Most sites are in
/// mainland China, which has one zone and no daylight-saving time.
pub const DEFAULT_TIME_ZONE: &str = "Asia/Shanghai";

/// The largest grace, in minutes, for either lateness or early leave. A
/// longer grace would make the shift hours meaningless.
pub const MAX_GRACE_MIN: u32 = 240;

/// The longest check-in or check-out window, in minutes. Longer windows
/// would let a punch belong to a shift half a day away.
pub const MAX_WINDOW_MIN: u32 = 720;

/// The most days a roster may list: a bit over a year, which keeps rules
/// small enough to sync to every phone.
pub const MAX_SCHEDULED_DAYS: usize = 400;

const DEFAULT_GRACE_MIN: u32 = 5;
const DEFAULT_EARLIEST_CHECKIN_MIN: u32 = 120;
const DEFAULT_LATEST_CHECKOUT_MIN: u32 = 360;
/// Check-in window, shift and check-out window together stay under two days,
/// so a punch can only ever be claimed by the slots of a few nearby dates.
const MAX_SPAN_MIN: u64 = 48 * 60;
const MINUTES_PER_DAY: u64 = 24 * 60;
const MINUTE_MS: i64 = 60_000;

/// The kinds of shift a site may have.
///
/// Serialised internally tagged by `"type"` (`fixed`, `scheduled`,
/// `flexible`), times as `"HH:MM"` and dates as `"YYYY-MM-DD"`. Times are
/// whole minutes: that is what people set and what the format can carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Shift {
    /// The same hours on the given ISO weekdays (1 = Monday .. 7 = Sunday;
    /// empty = every day). An `end` at or before `start` ends on the next
    /// day (a night shift such as 22:00 to 06:00); the weekday is the one
    /// the shift starts on.
    Fixed {
        #[serde(with = "hhmm")]
        start: Time,
        #[serde(with = "hhmm")]
        end: Time,
        #[serde(default)]
        weekdays: Vec<u8>,
    },
    /// A roster: explicit days with their own hours, for sites whose crews
    /// rotate. At most [`MAX_SCHEDULED_DAYS`] days, each date once.
    Scheduled { days: Vec<ScheduledDay> },
    /// Flexible hours, every day: clock in any time from `earliest_start` to
    /// `latest_start`, then stay `required_minutes` (1..=1440).
    Flexible {
        #[serde(with = "hhmm")]
        earliest_start: Time,
        #[serde(with = "hhmm")]
        latest_start: Time,
        required_minutes: u32,
    },
}

/// One day of a roster. An `end` at or before `start` ends on the next day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduledDay {
    #[serde(with = "ymd")]
    pub date: Date,
    #[serde(with = "hhmm")]
    pub start: Time,
    #[serde(with = "hhmm")]
    pub end: Time,
}

/// A site's shift and the tolerances around it. Check with
/// [`ShiftRules::validate`] before storing; the other methods never panic,
/// but only promise sensible answers for valid rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShiftRules {
    pub shift: Shift,
    /// Minutes after the start a clock-in still counts as on time (default
    /// 5, at most [`MAX_GRACE_MIN`]).
    #[serde(default = "default_grace_min")]
    pub grace_late_min: u32,
    /// Minutes before the end a clock-out still counts as on time (default
    /// 5, at most [`MAX_GRACE_MIN`]).
    #[serde(default = "default_grace_min")]
    pub grace_early_min: u32,
    /// How long before the start a clock-in is accepted, in minutes (default
    /// 120, at most [`MAX_WINDOW_MIN`]).
    #[serde(default = "default_earliest_checkin_min")]
    pub earliest_checkin_min: u32,
    /// How long after the end a clock-out still belongs to this shift, in
    /// minutes (default 360, to cover overtime; at most [`MAX_WINDOW_MIN`]).
    #[serde(default = "default_latest_checkout_min")]
    pub latest_checkout_min: u32,
}

fn default_grace_min() -> u32 {
    DEFAULT_GRACE_MIN
}

fn default_earliest_checkin_min() -> u32 {
    DEFAULT_EARLIEST_CHECKIN_MIN
}

fn default_latest_checkout_min() -> u32 {
    DEFAULT_LATEST_CHECKOUT_MIN
}

impl Default for ShiftRules {
    /// 09:00 to 18:00 every day, the usual site day, with the default
    /// tolerances.
    fn default() -> Self {
        ShiftRules {
            shift: Shift::Fixed {
                start: Time::constant(9, 0, 0, 0),
                end: Time::constant(18, 0, 0, 0),
                weekdays: Vec::new(),
            },
            grace_late_min: DEFAULT_GRACE_MIN,
            grace_early_min: DEFAULT_GRACE_MIN,
            earliest_checkin_min: DEFAULT_EARLIEST_CHECKIN_MIN,
            latest_checkout_min: DEFAULT_LATEST_CHECKOUT_MIN,
        }
    }
}

/// One instance of a shift: the date it starts on and its bounds as
/// instants (milliseconds since the Unix epoch).
///
/// For a flexible shift, `start_ms` is the earliest start and `end_ms` the
/// latest normal end (latest start + required minutes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Slot {
    pub date: Date,
    pub start_ms: i64,
    pub end_ms: i64,
    /// `start_ms` minus the check-in window: the first instant that belongs
    /// to this slot.
    pub opens_ms: i64,
    /// `end_ms` plus the check-out window: the last instant that belongs to
    /// this slot.
    pub closes_ms: i64,
}

/// Where a punch falls with respect to the shifts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Placement {
    /// The punch falls in the slot's window (`opens_ms..=closes_ms`).
    Shift(Slot),
    /// A slot opens later on the punch's local date but has not opened yet;
    /// `slot.opens_ms` says when it does, so the app can tell the worker.
    TooEarly { slot: Slot },
    /// No shift works near the punch: a rest day, or after the day's last
    /// window.
    NoShift,
}

/// Which punch is being judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    In,
    /// `clock_in_ms` is the worker's clock-in for the same slot, if any.
    /// Only flexible shifts use it, because their end follows the clock-in.
    Out {
        clock_in_ms: Option<i64>,
    },
}

/// Whether a punch kept the shift's hours. Minutes count whole minutes past
/// the grace bound, rounded up, so they are at least 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeVerdict {
    OnTime,
    Late { minutes: u32 },
    EarlyLeave { minutes: u32 },
}

/// Looks up an IANA time zone name in the bundled database, so every phone
/// answers alike, offline.
pub fn parse_time_zone(name: &str) -> Result<TimeZone, AttendanceError> {
    TimeZone::get(name).map_err(|_| {
        AttendanceError::invalid(
            "time_zone",
            "unknown time zone (expected an IANA name such as Asia/Shanghai)",
        )
    })
}

impl ShiftRules {
    /// Checks every rule, naming the first field that breaks one.
    pub fn validate(&self) -> Result<(), AttendanceError> {
        let limits = [
            ("grace_late_min", self.grace_late_min, MAX_GRACE_MIN),
            ("grace_early_min", self.grace_early_min, MAX_GRACE_MIN),
            (
                "earliest_checkin_min",
                self.earliest_checkin_min,
                MAX_WINDOW_MIN,
            ),
            (
                "latest_checkout_min",
                self.latest_checkout_min,
                MAX_WINDOW_MIN,
            ),
        ];
        for (field, value, max) in limits {
            if value > max {
                return Err(AttendanceError::invalid(
                    field,
                    format!("must be at most {max} minutes"),
                ));
            }
        }
        let longest_min = self.shift.validate()?;
        let span_min = u64::from(self.earliest_checkin_min)
            + longest_min
            + u64::from(self.latest_checkout_min);
        if span_min >= MAX_SPAN_MIN {
            return Err(AttendanceError::invalid(
                "latest_checkout_min",
                "check-in window, shift and check-out window together must be shorter than 48 hours",
            ));
        }
        Ok(())
    }

    /// Finds the slot a punch at `at_ms` belongs to, in the site's zone `tz`.
    ///
    /// When several windows contain the punch (long windows, back-to-back
    /// shifts), the slot whose start is nearest wins; on a tie, the earlier
    /// one.
    pub fn place(&self, tz: &TimeZone, at_ms: i64) -> Placement {
        let Ok(at) = Timestamp::from_millisecond(at_ms) else {
            return Placement::NoShift;
        };
        let today = tz.to_datetime(at).date();
        // The day before and after cover ordinary shifts. Two days before is
        // needed too: a shift of nearly 24 hours that starts late in the
        // evening, plus a long check-out window, still closes two local
        // dates later. Within the limits of `validate` nothing older can.
        let day_before = today.yesterday().ok();
        let dates = [
            day_before.and_then(|d| d.yesterday().ok()),
            day_before,
            Some(today),
            today.tomorrow().ok(),
        ];
        let slots = dates.map(|d| d.and_then(|d| self.slot_on(tz, d)));
        let slots = slots.iter().flatten();

        let containing = slots
            .clone()
            .filter(|s| s.opens_ms <= at_ms && at_ms <= s.closes_ms)
            .min_by_key(|s| (s.start_ms.abs_diff(at_ms), s.start_ms));
        if let Some(slot) = containing {
            return Placement::Shift(*slot);
        }
        let opening_today = slots
            .filter(|s| s.opens_ms > at_ms && local_date(tz, s.opens_ms) == Some(today))
            .min_by_key(|s| s.opens_ms);
        match opening_today {
            Some(slot) => Placement::TooEarly { slot: *slot },
            None => Placement::NoShift,
        }
    }

    /// Judges a punch at `at_ms` against `slot` (from [`ShiftRules::place`]
    /// with the same rules).
    ///
    /// A clock-in is late after the start (for flexible shifts, the latest
    /// start) plus the late grace. A clock-out is early before the end minus
    /// the early grace; for flexible shifts the end is the clock-in (never
    /// counted before the earliest start) plus the required minutes, or the
    /// latest normal end when there was no clock-in.
    pub fn judge(&self, slot: &Slot, at_ms: i64, direction: Direction) -> TimeVerdict {
        let required_ms = match self.shift {
            Shift::Flexible {
                required_minutes, ..
            } => Some(minutes_ms(required_minutes)),
            Shift::Fixed { .. } | Shift::Scheduled { .. } => None,
        };
        match direction {
            Direction::In => {
                let due = match required_ms {
                    Some(required) => slot.end_ms.saturating_sub(required),
                    None => slot.start_ms,
                };
                let bound = due.saturating_add(minutes_ms(self.grace_late_min));
                if at_ms > bound {
                    TimeVerdict::Late {
                        minutes: minutes_rounded_up(bound, at_ms),
                    }
                } else {
                    TimeVerdict::OnTime
                }
            }
            Direction::Out { clock_in_ms } => {
                let due = match (required_ms, clock_in_ms) {
                    (Some(required), Some(clock_in)) => {
                        clock_in.max(slot.start_ms).saturating_add(required)
                    }
                    _ => slot.end_ms,
                };
                let bound = due.saturating_sub(minutes_ms(self.grace_early_min));
                if at_ms < bound {
                    TimeVerdict::EarlyLeave {
                        minutes: minutes_rounded_up(at_ms, bound),
                    }
                } else {
                    TimeVerdict::OnTime
                }
            }
        }
    }

    /// The slot of `date`, if the shift works that day.
    fn slot_on(&self, tz: &TimeZone, date: Date) -> Option<Slot> {
        let (start_ms, end_ms) = match &self.shift {
            Shift::Fixed {
                start,
                end,
                weekdays,
            } => {
                let weekday = date.weekday().to_monday_one_offset().unsigned_abs();
                if !weekdays.is_empty() && !weekdays.contains(&weekday) {
                    return None;
                }
                bounds(tz, date, *start, *end)?
            }
            Shift::Scheduled { days } => {
                let day = days.iter().find(|d| d.date == date)?;
                bounds(tz, date, day.start, day.end)?
            }
            Shift::Flexible {
                earliest_start,
                latest_start,
                required_minutes,
            } => {
                let start_ms = instant(tz, date, *earliest_start)?;
                // A daylight-saving jump can put the latest start before the
                // earliest; it never comes first.
                let latest_ms = instant(tz, date, *latest_start)?.max(start_ms);
                (
                    start_ms,
                    latest_ms.saturating_add(minutes_ms(*required_minutes)),
                )
            }
        };
        Some(Slot {
            date,
            start_ms,
            end_ms,
            opens_ms: start_ms.saturating_sub(minutes_ms(self.earliest_checkin_min)),
            closes_ms: end_ms.saturating_add(minutes_ms(self.latest_checkout_min)),
        })
    }
}

impl Shift {
    /// Checks the shift and returns its longest nominal length in minutes.
    fn validate(&self) -> Result<u64, AttendanceError> {
        match self {
            Shift::Fixed {
                start,
                end,
                weekdays,
            } => {
                whole_minute("shift.start", *start)?;
                whole_minute("shift.end", *end)?;
                if start == end {
                    return Err(AttendanceError::invalid(
                        "shift.end",
                        "must differ from the start (a shift lasts less than 24 hours)",
                    ));
                }
                let mut seen = [false; 8];
                for &day in weekdays {
                    let Some(slot) = seen.get_mut(usize::from(day)).filter(|_| day >= 1) else {
                        return Err(AttendanceError::invalid(
                            "shift.weekdays",
                            "weekdays are 1 (Monday) to 7 (Sunday)",
                        ));
                    };
                    if std::mem::replace(slot, true) {
                        return Err(AttendanceError::invalid(
                            "shift.weekdays",
                            "a weekday is listed twice",
                        ));
                    }
                }
                Ok(length_min(*start, *end))
            }
            Shift::Scheduled { days } => {
                if days.is_empty() {
                    return Err(AttendanceError::invalid(
                        "shift.days",
                        "at least one day is needed",
                    ));
                }
                if days.len() > MAX_SCHEDULED_DAYS {
                    return Err(AttendanceError::invalid(
                        "shift.days",
                        format!("at most {MAX_SCHEDULED_DAYS} days"),
                    ));
                }
                let mut longest = 0;
                for day in days {
                    if day.date.year() < 1 {
                        return Err(AttendanceError::invalid(
                            "shift.days",
                            "dates must be in years 1 to 9999",
                        ));
                    }
                    if whole_minute("shift.days", day.start).is_err()
                        || whole_minute("shift.days", day.end).is_err()
                    {
                        return Err(AttendanceError::invalid(
                            "shift.days",
                            "start and end must be whole minutes (HH:MM)",
                        ));
                    }
                    if day.start == day.end {
                        return Err(AttendanceError::invalid(
                            "shift.days",
                            "a day's end must differ from its start",
                        ));
                    }
                    longest = longest.max(length_min(day.start, day.end));
                }
                let mut dates: Vec<Date> = days.iter().map(|d| d.date).collect();
                dates.sort_unstable();
                if dates.windows(2).any(|w| w[0] == w[1]) {
                    return Err(AttendanceError::invalid(
                        "shift.days",
                        "a date is listed twice",
                    ));
                }
                Ok(longest)
            }
            Shift::Flexible {
                earliest_start,
                latest_start,
                required_minutes,
            } => {
                whole_minute("shift.earliest_start", *earliest_start)?;
                whole_minute("shift.latest_start", *latest_start)?;
                if latest_start < earliest_start {
                    return Err(AttendanceError::invalid(
                        "shift.latest_start",
                        "must not be before the earliest start",
                    ));
                }
                if !(1..=1440).contains(required_minutes) {
                    return Err(AttendanceError::invalid(
                        "shift.required_minutes",
                        "must be 1 to 1440 minutes",
                    ));
                }
                Ok(
                    minute_of_day(*latest_start) - minute_of_day(*earliest_start)
                        + u64::from(*required_minutes),
                )
            }
        }
    }
}

fn whole_minute(field: &'static str, time: Time) -> Result<(), AttendanceError> {
    if time.second() == 0 && time.subsec_nanosecond() == 0 {
        Ok(())
    } else {
        Err(AttendanceError::invalid(
            field,
            "must be a whole minute (HH:MM)",
        ))
    }
}

fn minute_of_day(time: Time) -> u64 {
    u64::from(time.hour().unsigned_abs()) * 60 + u64::from(time.minute().unsigned_abs())
}

/// Nominal length of a shift from `start` to `end`, crossing midnight when
/// `end` is not after `start`.
fn length_min(start: Time, end: Time) -> u64 {
    let (start, end) = (minute_of_day(start), minute_of_day(end));
    if end > start {
        end - start
    } else {
        end + MINUTES_PER_DAY - start
    }
}

fn minutes_ms(minutes: u32) -> i64 {
    i64::from(minutes) * MINUTE_MS
}

/// Whole minutes from `from` to `to`, rounded up: a second late is a minute
/// late.
fn minutes_rounded_up(from: i64, to: i64) -> u32 {
    let minutes = to.abs_diff(from).div_ceil(MINUTE_MS.unsigned_abs());
    u32::try_from(minutes).unwrap_or(u32::MAX).max(1)
}

fn instant(tz: &TimeZone, date: Date, time: Time) -> Option<i64> {
    tz.to_timestamp(date.to_datetime(time))
        .ok()
        .map(Timestamp::as_millisecond)
}

fn local_date(tz: &TimeZone, at_ms: i64) -> Option<Date> {
    let at = Timestamp::from_millisecond(at_ms).ok()?;
    Some(tz.to_datetime(at).date())
}

/// Start and end instants of a shift starting on `date`. A daylight-saving
/// jump can put the end before the start (02:30 to 03:00 on a
/// spring-forward day); the end then equals the start.
fn bounds(tz: &TimeZone, date: Date, start: Time, end: Time) -> Option<(i64, i64)> {
    let start_ms = instant(tz, date, start)?;
    let end_date = if end <= start {
        date.tomorrow().ok()?
    } else {
        date
    };
    let end_ms = instant(tz, end_date, end)?;
    Some((start_ms, end_ms.max(start_ms)))
}

/// Reads ASCII digits as a number (at most four, so it fits).
fn digits(bytes: &[u8]) -> Option<i16> {
    bytes.iter().try_fold(0i16, |acc, &b| {
        b.is_ascii_digit().then(|| acc * 10 + i16::from(b - b'0'))
    })
}

/// Times as `"HH:MM"`, strictly: rules are set in whole minutes, and one
/// spelling keeps stored rules comparable.
mod hhmm {
    use jiff::civil::Time;
    use serde::de::Error as _;
    use serde::ser::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(time: &Time, serializer: S) -> Result<S::Ok, S::Error> {
        if time.second() != 0 || time.subsec_nanosecond() != 0 {
            return Err(S::Error::custom("shift times must be whole minutes"));
        }
        serializer.collect_str(&format_args!("{:02}:{:02}", time.hour(), time.minute()))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Time, D::Error> {
        let text = String::deserialize(deserializer)?;
        parse(&text).ok_or_else(|| D::Error::custom("expected a time written HH:MM"))
    }

    fn parse(text: &str) -> Option<Time> {
        let bytes = text.as_bytes();
        if bytes.len() != 5 || bytes[2] != b':' {
            return None;
        }
        let hour = i8::try_from(super::digits(&bytes[..2])?).ok()?;
        let minute = i8::try_from(super::digits(&bytes[3..])?).ok()?;
        Time::new(hour, minute, 0, 0).ok()
    }
}

/// Dates as `"YYYY-MM-DD"`, strictly, for the same reason as `hhmm`.
mod ymd {
    use jiff::civil::Date;
    use serde::de::Error as _;
    use serde::ser::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(date: &Date, serializer: S) -> Result<S::Ok, S::Error> {
        if !(0..=9999).contains(&date.year()) {
            return Err(S::Error::custom("dates must have four-digit years"));
        }
        serializer.collect_str(&format_args!(
            "{:04}-{:02}-{:02}",
            date.year(),
            date.month(),
            date.day()
        ))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Date, D::Error> {
        let text = String::deserialize(deserializer)?;
        parse(&text).ok_or_else(|| D::Error::custom("expected a date written YYYY-MM-DD"))
    }

    fn parse(text: &str) -> Option<Date> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let year = super::digits(&bytes[..4])?;
        let month = i8::try_from(super::digits(&bytes[5..7])?).ok()?;
        let day = i8::try_from(super::digits(&bytes[8..])?).ok()?;
        Date::new(year, month, day).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};
    use proptest::prelude::*;

    fn shanghai() -> TimeZone {
        parse_time_zone(DEFAULT_TIME_ZONE).unwrap()
    }

    fn new_york() -> TimeZone {
        parse_time_zone("America/New_York").unwrap()
    }

    /// The instant of a wall-clock time in `tz` (compatible resolution).
    fn at(tz: &TimeZone, day: Date, h: i8, m: i8, s: i8) -> i64 {
        tz.to_timestamp(day.at(h, m, s, 0))
            .unwrap()
            .as_millisecond()
    }

    fn hm(h: i8, m: i8) -> Time {
        time(h, m, 0, 0)
    }

    fn fixed(start: Time, end: Time, weekdays: Vec<u8>) -> ShiftRules {
        ShiftRules {
            shift: Shift::Fixed {
                start,
                end,
                weekdays,
            },
            ..ShiftRules::default()
        }
    }

    fn flexible(earliest: Time, latest: Time, required_minutes: u32) -> ShiftRules {
        ShiftRules {
            shift: Shift::Flexible {
                earliest_start: earliest,
                latest_start: latest,
                required_minutes,
            },
            ..ShiftRules::default()
        }
    }

    fn tweak(change: impl FnOnce(&mut ShiftRules)) -> ShiftRules {
        let mut rules = ShiftRules::default();
        change(&mut rules);
        rules
    }

    fn slot_of(placement: Placement) -> Slot {
        match placement {
            Placement::Shift(slot) => slot,
            other => panic!("expected a shift, got {other:?}"),
        }
    }

    fn late(minutes: u32) -> TimeVerdict {
        TimeVerdict::Late { minutes }
    }

    fn early(minutes: u32) -> TimeVerdict {
        TimeVerdict::EarlyLeave { minutes }
    }

    const OUT: Direction = Direction::Out { clock_in_ms: None };
    const FRIDAY: Date = date(2024, 3, 1);
    const SATURDAY: Date = date(2024, 3, 2);

    #[test]
    fn clock_in_is_late_only_past_the_grace() {
        let tz = shanghai();
        let rules = ShiftRules::default();
        let cases = [
            ((7, 0, 0), TimeVerdict::OnTime),
            ((9, 0, 0), TimeVerdict::OnTime),
            ((9, 5, 0), TimeVerdict::OnTime),
            ((9, 5, 1), late(1)),
            ((9, 6, 0), late(1)),
            ((9, 6, 1), late(2)),
            ((10, 0, 0), late(55)),
        ];
        for ((h, m, s), expected) in cases {
            let t = at(&tz, FRIDAY, h, m, s);
            let slot = slot_of(rules.place(&tz, t));
            assert_eq!(slot.date, FRIDAY);
            assert_eq!(
                rules.judge(&slot, t, Direction::In),
                expected,
                "{h}:{m}:{s}"
            );
        }
        // A millisecond past the grace is already a minute late.
        let t = at(&tz, FRIDAY, 9, 5, 0) + 1;
        let slot = slot_of(rules.place(&tz, t));
        assert_eq!(rules.judge(&slot, t, Direction::In), late(1));
    }

    #[test]
    fn clock_out_is_early_only_before_the_grace() {
        let tz = shanghai();
        let rules = ShiftRules::default();
        let cases = [
            ((12, 0, 0), early(355)),
            ((17, 0, 0), early(55)),
            ((17, 53, 59), early(2)),
            ((17, 54, 0), early(1)),
            ((17, 54, 59), early(1)),
            ((17, 55, 0), TimeVerdict::OnTime),
            ((18, 0, 0), TimeVerdict::OnTime),
            ((23, 0, 0), TimeVerdict::OnTime),
        ];
        for ((h, m, s), expected) in cases {
            let t = at(&tz, FRIDAY, h, m, s);
            let slot = slot_of(rules.place(&tz, t));
            assert_eq!(slot.date, FRIDAY);
            assert_eq!(rules.judge(&slot, t, OUT), expected, "{h}:{m}:{s}");
        }
    }

    #[test]
    fn a_night_shift_is_one_slot_across_midnight() {
        let tz = shanghai();
        let rules = fixed(hm(22, 0), hm(6, 0), vec![]);
        let slot = slot_of(rules.place(&tz, at(&tz, FRIDAY, 23, 0, 0)));
        assert_eq!(
            slot,
            Slot {
                date: FRIDAY,
                start_ms: at(&tz, FRIDAY, 22, 0, 0),
                end_ms: at(&tz, SATURDAY, 6, 0, 0),
                opens_ms: at(&tz, FRIDAY, 20, 0, 0),
                closes_ms: at(&tz, SATURDAY, 12, 0, 0),
            }
        );
        // (time on Saturday, direction, slot date, verdict)
        let cases = [
            ((0, 30), OUT, FRIDAY, early(325)),
            ((5, 50), OUT, FRIDAY, early(5)),
            ((5, 58), OUT, FRIDAY, TimeVerdict::OnTime),
            ((11, 59), OUT, FRIDAY, TimeVerdict::OnTime),
            ((21, 0), Direction::In, SATURDAY, TimeVerdict::OnTime),
            ((22, 5), Direction::In, SATURDAY, TimeVerdict::OnTime),
            ((22, 6), Direction::In, SATURDAY, late(1)),
        ];
        for ((h, m), direction, day, expected) in cases {
            let t = at(&tz, SATURDAY, h, m, 0);
            let slot = slot_of(rules.place(&tz, t));
            assert_eq!(slot.date, day, "{h}:{m}");
            assert_eq!(rules.judge(&slot, t, direction), expected, "{h}:{m}");
        }
        // Between the check-out window and the next check-in window.
        match rules.place(&tz, at(&tz, SATURDAY, 12, 1, 0)) {
            Placement::TooEarly { slot } => {
                assert_eq!(slot.date, SATURDAY);
                assert_eq!(slot.opens_ms, at(&tz, SATURDAY, 20, 0, 0));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_window_reaching_back_over_midnight_belongs_to_the_next_date() {
        let tz = shanghai();
        let rules = ShiftRules {
            earliest_checkin_min: 60,
            ..fixed(hm(0, 30), hm(8, 30), vec![])
        };
        let t = at(&tz, FRIDAY, 23, 40, 0);
        let slot = slot_of(rules.place(&tz, t));
        assert_eq!(slot.date, SATURDAY);
        assert_eq!(slot.start_ms, at(&tz, SATURDAY, 0, 30, 0));
        assert_eq!(rules.judge(&slot, t, Direction::In), TimeVerdict::OnTime);

        let t = at(&tz, SATURDAY, 0, 40, 0);
        let slot = slot_of(rules.place(&tz, t));
        assert_eq!(slot.date, SATURDAY);
        assert_eq!(rules.judge(&slot, t, Direction::In), late(5));

        match rules.place(&tz, at(&tz, FRIDAY, 23, 29, 0)) {
            Placement::TooEarly { slot } => {
                assert_eq!(slot.date, SATURDAY);
                assert_eq!(slot.opens_ms, at(&tz, FRIDAY, 23, 30, 0));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn weekdays_pick_the_working_days_by_start_date() {
        let tz = shanghai();
        let office = fixed(hm(9, 0), hm(18, 0), vec![1, 2, 3, 4, 5]);
        let sunday = date(2024, 3, 3);
        let monday = date(2024, 3, 4);
        assert_eq!(
            office.place(&tz, at(&tz, SATURDAY, 10, 0, 0)),
            Placement::NoShift
        );
        assert_eq!(
            office.place(&tz, at(&tz, SATURDAY, 0, 0, 1)),
            Placement::NoShift
        );
        assert_eq!(
            office.place(&tz, at(&tz, sunday, 7, 30, 0)),
            Placement::NoShift
        );
        assert_eq!(
            slot_of(office.place(&tz, at(&tz, FRIDAY, 10, 0, 0))).date,
            FRIDAY
        );
        assert_eq!(
            slot_of(office.place(&tz, at(&tz, monday, 7, 30, 0))).date,
            monday
        );

        // Friday nights only: Saturday morning still closes Friday's slot.
        let friday_night = fixed(hm(22, 0), hm(6, 0), vec![5]);
        let slot = slot_of(friday_night.place(&tz, at(&tz, SATURDAY, 5, 0, 0)));
        assert_eq!(slot.date, FRIDAY);
        assert_eq!(
            friday_night.place(&tz, at(&tz, SATURDAY, 21, 0, 0)),
            Placement::NoShift
        );

        // A 23-hour Friday shift with a 12-hour check-out window still
        // closes on Sunday morning, two local dates after it started.
        let marathon = ShiftRules {
            latest_checkout_min: 720,
            ..fixed(hm(23, 0), hm(22, 0), vec![5])
        };
        marathon.validate().unwrap();
        let t = at(&tz, sunday, 9, 0, 0);
        let slot = slot_of(marathon.place(&tz, t));
        assert_eq!(slot.date, FRIDAY);
        assert_eq!(marathon.judge(&slot, t, OUT), TimeVerdict::OnTime);
        assert_eq!(
            marathon.place(&tz, at(&tz, sunday, 10, 0, 1)),
            Placement::NoShift
        );
    }

    #[test]
    fn too_early_says_when_the_window_opens() {
        let tz = shanghai();
        let rules = ShiftRules::default();
        for (h, m, s, ms) in [(6, 0, 0, 0), (0, 0, 0, 1), (6, 59, 59, 999)] {
            let t = at(&tz, FRIDAY, h, m, s) + ms;
            match rules.place(&tz, t) {
                Placement::TooEarly { slot } => {
                    assert_eq!(slot.date, FRIDAY);
                    assert_eq!(slot.opens_ms, at(&tz, FRIDAY, 7, 0, 0));
                    assert_eq!(slot.start_ms, at(&tz, FRIDAY, 9, 0, 0));
                }
                other => panic!("{h}:{m}:{s}: {other:?}"),
            }
        }
        // The window's first instant already belongs to the slot.
        let t = at(&tz, FRIDAY, 7, 0, 0);
        assert_eq!(slot_of(rules.place(&tz, t)).opens_ms, t);
    }

    #[test]
    fn after_the_checkout_window_there_is_no_shift() {
        let tz = shanghai();
        let rules = ShiftRules {
            latest_checkout_min: 60,
            ..ShiftRules::default()
        };
        let closes = at(&tz, FRIDAY, 19, 0, 0);
        assert_eq!(slot_of(rules.place(&tz, closes)).closes_ms, closes);
        for t in [closes + 1, at(&tz, FRIDAY, 23, 59, 59)] {
            assert_eq!(rules.place(&tz, t), Placement::NoShift);
        }
    }

    #[test]
    fn overlapping_windows_go_to_the_nearest_start() {
        let tz = shanghai();
        // Each window reaches 12 hours past the shift: Friday's closes at
        // 06:00 on Saturday, Saturday's opens at 21:00 on Friday.
        let rules = ShiftRules {
            earliest_checkin_min: 720,
            latest_checkout_min: 720,
            ..ShiftRules::default()
        };
        let cases = [
            (FRIDAY, 20, FRIDAY),
            // 12 hours after Friday's start and before Saturday's: the
            // earlier slot wins the tie.
            (FRIDAY, 21, FRIDAY),
            (FRIDAY, 22, SATURDAY),
            (SATURDAY, 5, SATURDAY),
        ];
        for (d, h, expected) in cases {
            let slot = slot_of(rules.place(&tz, at(&tz, d, h, 0, 0)));
            assert_eq!(slot.date, expected, "{d} {h}:00");
        }
    }

    #[test]
    fn a_roster_works_only_its_days() {
        let tz = shanghai();
        let day = |d, start, end| ScheduledDay {
            date: d,
            start,
            end,
        };
        let rules = ShiftRules {
            shift: Shift::Scheduled {
                days: vec![
                    day(FRIDAY, hm(8, 0), hm(17, 0)),
                    day(SATURDAY, hm(20, 0), hm(4, 0)),
                    day(date(2024, 3, 5), hm(8, 0), hm(12, 0)),
                ],
            },
            ..ShiftRules::default()
        };
        rules.validate().unwrap();
        let cases = [
            (FRIDAY, (8, 10), Direction::In, FRIDAY, late(5)),
            (FRIDAY, (17, 0), OUT, FRIDAY, TimeVerdict::OnTime),
            (
                SATURDAY,
                (19, 0),
                Direction::In,
                SATURDAY,
                TimeVerdict::OnTime,
            ),
            (date(2024, 3, 3), (3, 0), OUT, SATURDAY, early(55)),
            (
                date(2024, 3, 5),
                (6, 0),
                Direction::In,
                date(2024, 3, 5),
                TimeVerdict::OnTime,
            ),
        ];
        for (d, (h, m), direction, slot_date, expected) in cases {
            let t = at(&tz, d, h, m, 0);
            let slot = slot_of(rules.place(&tz, t));
            assert_eq!(slot.date, slot_date, "{d} {h}:{m}");
            assert_eq!(rules.judge(&slot, t, direction), expected, "{d} {h}:{m}");
        }
        for (d, h) in [
            (date(2024, 2, 29), 12),
            (date(2024, 3, 4), 12),
            (date(2024, 3, 6), 6),
        ] {
            assert_eq!(
                rules.place(&tz, at(&tz, d, h, 0, 0)),
                Placement::NoShift,
                "{d}"
            );
        }
        match rules.place(&tz, at(&tz, SATURDAY, 12, 0, 0)) {
            Placement::TooEarly { slot } => {
                assert_eq!(slot.date, SATURDAY);
                assert_eq!(slot.opens_ms, at(&tz, SATURDAY, 18, 0, 0));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn flexible_hours_follow_the_clock_in() {
        let tz = shanghai();
        let rules = flexible(hm(8, 0), hm(10, 0), 480);
        let t = at(&tz, FRIDAY, 6, 0, 0);
        let slot = slot_of(rules.place(&tz, t));
        assert_eq!(slot.start_ms, at(&tz, FRIDAY, 8, 0, 0));
        assert_eq!(slot.end_ms, at(&tz, FRIDAY, 18, 0, 0));
        assert_eq!(slot.opens_ms, t);
        assert_eq!(slot.closes_ms, at(&tz, SATURDAY, 0, 0, 0));

        let clock_in = |h, m| Direction::Out {
            clock_in_ms: Some(at(&tz, FRIDAY, h, m, 0)),
        };
        let cases = [
            ((7, 0, 0), Direction::In, TimeVerdict::OnTime),
            ((10, 5, 0), Direction::In, TimeVerdict::OnTime),
            ((10, 5, 1), Direction::In, late(1)),
            ((11, 0, 0), Direction::In, late(55)),
            // In at 09:00: 8 hours end at 17:00.
            ((16, 55, 0), clock_in(9, 0), TimeVerdict::OnTime),
            ((16, 54, 59), clock_in(9, 0), early(1)),
            ((16, 0, 0), clock_in(9, 0), early(55)),
            // In before the earliest start counts from 08:00.
            ((15, 55, 0), clock_in(7, 0), TimeVerdict::OnTime),
            ((15, 50, 0), clock_in(7, 0), early(5)),
            // In late at 11:00: the 8 hours still count.
            ((18, 55, 0), clock_in(11, 0), TimeVerdict::OnTime),
            ((18, 0, 0), clock_in(11, 0), early(55)),
            // No clock-in: the latest normal end, 18:00.
            ((17, 55, 0), OUT, TimeVerdict::OnTime),
            ((17, 50, 0), OUT, early(5)),
        ];
        for ((h, m, s), direction, expected) in cases {
            let t = at(&tz, FRIDAY, h, m, s);
            let slot = slot_of(rules.place(&tz, t));
            assert_eq!(slot.date, FRIDAY);
            assert_eq!(
                rules.judge(&slot, t, direction),
                expected,
                "{h}:{m}:{s} {direction:?}"
            );
        }
    }

    #[test]
    fn validation_names_the_field() {
        let roster = |days: Vec<(Date, Time, Time)>| ShiftRules {
            shift: Shift::Scheduled {
                days: days
                    .into_iter()
                    .map(|(date, start, end)| ScheduledDay { date, start, end })
                    .collect(),
            },
            ..ShiftRules::default()
        };
        let many_days: Vec<_> =
            std::iter::successors(Some(date(2024, 1, 1)), |d| d.tomorrow().ok())
                .take(MAX_SCHEDULED_DAYS + 1)
                .map(|d| (d, hm(8, 0), hm(17, 0)))
                .collect();
        let cases: Vec<(ShiftRules, &str)> = vec![
            (tweak(|r| r.grace_late_min = 241), "grace_late_min"),
            (tweak(|r| r.grace_early_min = 241), "grace_early_min"),
            (
                tweak(|r| r.earliest_checkin_min = 721),
                "earliest_checkin_min",
            ),
            (
                tweak(|r| r.latest_checkout_min = 721),
                "latest_checkout_min",
            ),
            (fixed(hm(9, 0), hm(18, 0), vec![0]), "shift.weekdays"),
            (fixed(hm(9, 0), hm(18, 0), vec![8]), "shift.weekdays"),
            (fixed(hm(9, 0), hm(18, 0), vec![1, 3, 1]), "shift.weekdays"),
            (fixed(hm(9, 0), hm(9, 0), vec![]), "shift.end"),
            (fixed(time(9, 0, 30, 0), hm(18, 0), vec![]), "shift.start"),
            (fixed(hm(9, 0), time(18, 0, 0, 1), vec![]), "shift.end"),
            (roster(vec![]), "shift.days"),
            (roster(many_days.clone()), "shift.days"),
            (
                roster(vec![
                    (FRIDAY, hm(8, 0), hm(17, 0)),
                    (FRIDAY, hm(20, 0), hm(4, 0)),
                ]),
                "shift.days",
            ),
            (roster(vec![(FRIDAY, hm(8, 0), hm(8, 0))]), "shift.days"),
            (
                roster(vec![(FRIDAY, time(8, 0, 1, 0), hm(17, 0))]),
                "shift.days",
            ),
            (
                roster(vec![(date(0, 1, 1), hm(8, 0), hm(17, 0))]),
                "shift.days",
            ),
            (flexible(hm(10, 0), hm(9, 59), 480), "shift.latest_start"),
            (flexible(hm(8, 0), hm(10, 0), 0), "shift.required_minutes"),
            (
                flexible(hm(8, 0), hm(10, 0), 1441),
                "shift.required_minutes",
            ),
            (
                flexible(time(8, 0, 0, 1), hm(10, 0), 480),
                "shift.earliest_start",
            ),
            // 12 h + 23:59 + 24 h + 0 h: over two days.
            (
                ShiftRules {
                    earliest_checkin_min: 720,
                    latest_checkout_min: 0,
                    ..flexible(hm(0, 0), hm(23, 59), 1440)
                },
                "latest_checkout_min",
            ),
        ];
        for (rules, field) in cases {
            let err = rules.validate().unwrap_err();
            assert_eq!(err.field(), field, "{rules:?}");
            let message = err.to_string();
            assert!(message.len() < 120, "{message}");
        }

        let ok = [
            ShiftRules::default(),
            fixed(hm(22, 0), hm(6, 0), vec![7, 1, 5]),
            ShiftRules {
                grace_late_min: MAX_GRACE_MIN,
                grace_early_min: MAX_GRACE_MIN,
                earliest_checkin_min: MAX_WINDOW_MIN,
                latest_checkout_min: MAX_WINDOW_MIN,
                ..fixed(hm(23, 0), hm(22, 59), vec![])
            },
            roster(many_days[..MAX_SCHEDULED_DAYS].to_vec()),
            flexible(hm(9, 0), hm(9, 0), 1),
            ShiftRules {
                earliest_checkin_min: 0,
                latest_checkout_min: 0,
                ..flexible(hm(0, 0), hm(23, 59), 1440)
            },
        ];
        for rules in ok {
            assert_eq!(rules.validate(), Ok(()), "{rules:?}");
        }
    }

    #[test]
    fn time_zones_are_iana_names() {
        assert!(parse_time_zone("Asia/Shanghai").is_ok());
        assert!(parse_time_zone("America/New_York").is_ok());
        for name in ["", "Mars/Olympus", "Asia/Beijing", "+08:00"] {
            let err = parse_time_zone(name).unwrap_err();
            assert_eq!(err.field(), "time_zone");
            assert_eq!(
                err.to_string(),
                "invalid time_zone: unknown time zone (expected an IANA name such as Asia/Shanghai)"
            );
        }
    }

    #[test]
    fn serde_uses_short_times_and_dates_and_fills_defaults() {
        let json =
            r#"{"shift":{"type":"fixed","start":"22:00","end":"06:00","weekdays":[1,2,3,4,5]}}"#;
        let rules: ShiftRules = serde_json::from_str(json).unwrap();
        assert_eq!(
            rules,
            ShiftRules {
                grace_late_min: 5,
                grace_early_min: 5,
                earliest_checkin_min: 120,
                latest_checkout_min: 360,
                ..fixed(hm(22, 0), hm(6, 0), vec![1, 2, 3, 4, 5])
            }
        );
        assert_eq!(
            serde_json::to_value(&rules).unwrap(),
            serde_json::json!({
                "shift": {"type": "fixed", "start": "22:00", "end": "06:00", "weekdays": [1, 2, 3, 4, 5]},
                "grace_late_min": 5,
                "grace_early_min": 5,
                "earliest_checkin_min": 120,
                "latest_checkout_min": 360,
            })
        );
        let json = r#"{"shift":{"type":"fixed","start":"09:00","end":"18:00"}}"#;
        assert_eq!(
            serde_json::from_str::<ShiftRules>(json).unwrap(),
            ShiftRules::default()
        );

        let json = r#"{"shift":{"type":"scheduled","days":[{"date":"2024-03-01","start":"08:00","end":"17:30"}]},"grace_late_min":0}"#;
        let rules: ShiftRules = serde_json::from_str(json).unwrap();
        assert_eq!(
            rules.shift,
            Shift::Scheduled {
                days: vec![ScheduledDay {
                    date: FRIDAY,
                    start: hm(8, 0),
                    end: hm(17, 30)
                }]
            }
        );
        assert_eq!(rules.grace_late_min, 0);
        assert_eq!(
            serde_json::to_value(&rules.shift).unwrap(),
            serde_json::json!({"type": "scheduled", "days": [{"date": "2024-03-01", "start": "08:00", "end": "17:30"}]})
        );

        let all = [
            ShiftRules::default(),
            rules,
            flexible(hm(7, 30), hm(10, 0), 510),
            fixed(hm(0, 0), hm(23, 59), vec![6, 7]),
        ];
        for rules in all {
            let text = serde_json::to_string(&rules).unwrap();
            assert_eq!(
                serde_json::from_str::<ShiftRules>(&text).unwrap(),
                rules,
                "{text}"
            );
        }
    }

    #[test]
    fn serde_rejects_unknown_fields_and_loose_formats() {
        let bad = [
            r#"{"shift":{"type":"fixed","start":"09:00","end":"18:00"},"grace_minutes":5}"#,
            r#"{"shift":{"type":"fixed","start":"09:00","end":"18:00","time_zone":"UTC"}}"#,
            r#"{"shift":{"type":"flexible","earliest_start":"08:00","latest_start":"10:00","required_minutes":480,"weekdays":[]}}"#,
            r#"{"shift":{"type":"scheduled","days":[{"date":"2024-03-01","start":"08:00","end":"17:00","note":""}]}}"#,
            r#"{"shift":{"type":"rotating"}}"#,
            r#"{"grace_late_min":5}"#,
            r#"{"shift":{"type":"fixed","start":"9:00","end":"18:00"}}"#,
            r#"{"shift":{"type":"fixed","start":"09:00:00","end":"18:00"}}"#,
            r#"{"shift":{"type":"fixed","start":"24:00","end":"18:00"}}"#,
            r#"{"shift":{"type":"fixed","start":"09:60","end":"18:00"}}"#,
            r#"{"shift":{"type":"fixed","start":"+9:00","end":"18:00"}}"#,
            r#"{"shift":{"type":"scheduled","days":[{"date":"2024-3-01","start":"08:00","end":"17:00"}]}}"#,
            r#"{"shift":{"type":"scheduled","days":[{"date":"2023-02-29","start":"08:00","end":"17:00"}]}}"#,
            r#"{"shift":{"type":"scheduled","days":[{"date":"2024-03-01T08:00","start":"08:00","end":"17:00"}]}}"#,
            r#"{"shift":{"type":"fixed","start":"09:00","end":"18:00"},"grace_late_min":-1}"#,
        ];
        for json in bad {
            assert!(serde_json::from_str::<ShiftRules>(json).is_err(), "{json}");
        }
        // What cannot be written as HH:MM is not written at all.
        assert!(serde_json::to_string(&fixed(time(9, 0, 1, 0), hm(18, 0), vec![])).is_err());
    }

    #[test]
    fn spring_forward_and_fall_back_give_sensible_slots() {
        let tz = new_york();
        let eve = date(2024, 3, 9);
        let spring = date(2024, 3, 10);
        let utc = |h: i8, m: i8| {
            jiff::tz::TimeZone::UTC
                .to_timestamp(spring.at(h, m, 0, 0))
                .unwrap()
                .as_millisecond()
        };

        // The night across the change lasts 7 real hours, not 8.
        let night = fixed(hm(22, 0), hm(6, 0), vec![]);
        let t = at(&tz, spring, 5, 58, 0);
        let slot = slot_of(night.place(&tz, t));
        assert_eq!(slot.date, eve);
        assert_eq!((slot.start_ms, slot.end_ms), (utc(3, 0), utc(10, 0)));
        assert_eq!(night.judge(&slot, t, OUT), TimeVerdict::OnTime);

        // 02:30 does not exist that day; the shift starts at 03:30 EDT.
        let skipped = fixed(hm(2, 30), hm(11, 0), vec![]);
        let t = at(&tz, spring, 3, 0, 0);
        let slot = slot_of(skipped.place(&tz, t));
        assert_eq!(
            (slot.date, slot.start_ms, slot.end_ms),
            (spring, utc(7, 30), utc(15, 0))
        );
        assert_eq!(skipped.judge(&slot, t, Direction::In), TimeVerdict::OnTime);

        // A shift entirely inside the gap: its end never precedes its start.
        let vanished = fixed(hm(2, 30), hm(3, 0), vec![]);
        let slot = slot_of(vanished.place(&tz, t));
        assert_eq!((slot.start_ms, slot.end_ms), (utc(7, 30), utc(7, 30)));

        // Flexible hours whose latest start falls before the earliest one
        // once resolved: the latest start is moved up to the earliest.
        let squeezed = flexible(hm(2, 30), hm(3, 0), 10);
        let slot = slot_of(squeezed.place(&tz, t));
        assert_eq!((slot.start_ms, slot.end_ms), (utc(7, 30), utc(7, 40)));

        // 01:30 happens twice on the fall-back day; the first one counts.
        let fall = date(2024, 11, 3);
        let repeated = fixed(hm(1, 30), hm(9, 0), vec![]);
        let slot = slot_of(repeated.place(&tz, at(&tz, fall, 1, 30, 0)));
        let first_0130 = jiff::tz::TimeZone::UTC
            .to_timestamp(fall.at(5, 30, 0, 0))
            .unwrap()
            .as_millisecond();
        assert_eq!(slot.start_ms, first_0130);
        // From the first 01:30 (EDT) to 09:00 (EST): the repeated hour is
        // worked too.
        assert_eq!(slot.end_ms - slot.start_ms, 8 * 3_600_000 + 30 * MINUTE_MS);

        // A sweep over both changes, every 7 minutes.
        let flex = flexible(hm(1, 0), hm(3, 0), 480);
        for rules in [night, skipped, vanished, repeated, flex] {
            for day in [eve, fall.yesterday().unwrap()] {
                let from = at(&tz, day, 0, 0, 0);
                for step in 0..(3 * 24 * 60 / 7) {
                    let t = from + step * 7 * MINUTE_MS;
                    if let Placement::Shift(slot) = rules.place(&tz, t) {
                        assert!(slot.opens_ms <= t && t <= slot.closes_ms);
                        assert!(slot.start_ms <= slot.end_ms);
                    }
                }
            }
        }
    }

    fn any_time() -> impl Strategy<Value = Time> {
        (0i8..24, 0i8..60).prop_map(|(h, m)| hm(h, m))
    }

    fn any_shift() -> impl Strategy<Value = Shift> {
        let roster_day = (0i64..60, any_time(), any_time()).prop_map(|(offset, start, end)| {
            let date = date(2024, 2, 1)
                .checked_add(jiff::Span::new().days(offset))
                .unwrap();
            ScheduledDay { date, start, end }
        });
        prop_oneof![
            (
                any_time(),
                any_time(),
                proptest::collection::vec(0u8..=8, 0..4)
            )
                .prop_map(|(start, end, weekdays)| Shift::Fixed {
                    start,
                    end,
                    weekdays
                }),
            proptest::collection::vec(roster_day, 0..8).prop_map(|days| Shift::Scheduled { days }),
            (
                any_time(),
                any_time(),
                prop_oneof![1u32..=1440, any::<u32>()]
            )
                .prop_map(|(earliest_start, latest_start, required_minutes)| {
                    Shift::Flexible {
                        earliest_start,
                        latest_start,
                        required_minutes,
                    }
                }),
        ]
    }

    fn any_rules() -> impl Strategy<Value = ShiftRules> {
        let minutes = || prop_oneof![4 => 0u32..=720, 1 => any::<u32>()];
        (any_shift(), minutes(), minutes(), minutes(), minutes()).prop_map(
            |(
                shift,
                grace_late_min,
                grace_early_min,
                earliest_checkin_min,
                latest_checkout_min,
            )| {
                ShiftRules {
                    shift,
                    grace_late_min,
                    grace_early_min,
                    earliest_checkin_min,
                    latest_checkout_min,
                }
            },
        )
    }

    fn any_zone() -> impl Strategy<Value = TimeZone> {
        prop::sample::select(vec![
            "Asia/Shanghai",
            "America/New_York",
            "Europe/London",
            "Australia/Lord_Howe",
            "Pacific/Apia",
            "America/Santiago",
            "Asia/Kathmandu",
            "UTC",
        ])
        .prop_map(|name| parse_time_zone(name).unwrap())
    }

    fn any_instant() -> impl Strategy<Value = i64> {
        prop_oneof![
            // Around the generated rosters (February to April 2024).
            4 => 1_706_600_000_000i64..1_713_000_000_000,
            // 1906 to 2128.
            2 => -2_000_000_000_000i64..5_000_000_000_000,
            1 => any::<i64>(),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn place_never_panics_and_a_slot_contains_the_punch(
            rules in any_rules(),
            tz in any_zone(),
            at_ms in any_instant(),
            clock_in_ms in proptest::option::of(any_instant()),
        ) {
            match rules.place(&tz, at_ms) {
                Placement::Shift(slot) => {
                    prop_assert!(slot.opens_ms <= at_ms && at_ms <= slot.closes_ms);
                    prop_assert!(slot.opens_ms <= slot.start_ms);
                    prop_assert!(slot.start_ms <= slot.end_ms);
                    prop_assert!(slot.end_ms <= slot.closes_ms);
                    for direction in [Direction::In, Direction::Out { clock_in_ms }] {
                        let verdict = rules.judge(&slot, at_ms, direction);
                        if let TimeVerdict::Late { minutes } | TimeVerdict::EarlyLeave { minutes } = verdict {
                            prop_assert!(minutes >= 1);
                        }
                    }
                }
                Placement::TooEarly { slot } => {
                    prop_assert!(at_ms < slot.opens_ms);
                    prop_assert_eq!(local_date(&tz, slot.opens_ms), local_date(&tz, at_ms));
                }
                Placement::NoShift => {}
            }
            // For valid rules, `place` agrees with a search over a wider
            // range of dates: the nearest start among the containing slots.
            if rules.validate().is_ok()
                && let Some(today) = local_date(&tz, at_ms)
            {
                let days = std::iter::successors(
                    today.checked_sub(jiff::Span::new().days(4)).ok(),
                    |d| d.tomorrow().ok(),
                );
                let nearest = days
                    .take(9)
                    .filter_map(|d| rules.slot_on(&tz, d))
                    .filter(|s| s.opens_ms <= at_ms && at_ms <= s.closes_ms)
                    .map(|s| s.start_ms.abs_diff(at_ms))
                    .min();
                let placed = match rules.place(&tz, at_ms) {
                    Placement::Shift(slot) => Some(slot.start_ms.abs_diff(at_ms)),
                    _ => None,
                };
                prop_assert_eq!(placed, nearest);
            }
        }
    }
}
