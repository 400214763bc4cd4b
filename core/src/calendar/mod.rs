//! The Chinese working-day calendar (工作日), for promises counted in working
//! days, such as handling an account deletion request within 15 working days.
//!
//! Which weekdays rest and which weekend days are worked changes every year
//! with the State Council's holiday notice, so the arrangement is data
//! (`core/calendars/cn.toml`), not code: a newer file delivered later replaces
//! the bundled one without a release (see [`WorkCalendar::newer_than`]).
//! A date in a year the file does not cover is an error, never a guess.
//!
//! Dates are civil dates in China (Asia/Shanghai): convert a request's
//! timestamp to that zone before counting, or a request made late in the
//! evening there would be counted from the wrong day.

mod file;
#[cfg(test)]
mod tests;

use std::collections::BTreeSet;

use jiff::civil::{Date, Weekday};

/// The calendar this build ships with.
const BUNDLED: &str = include_str!("../../calendars/cn.toml");

/// Why a calendar file was refused, or a date could not be judged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// `field` is a path into the file such as `year[1].holiday[2].days[0]`.
    #[error("invalid {field}: {reason}")]
    Invalid { field: String, reason: String },
    /// The date falls in a year the calendar has no arrangement for.
    #[error(
        "year {year} is not covered by the working-day calendar; a newer calendar file is needed"
    )]
    NotCovered { year: i16 },
}

/// One holiday of one year, as the notice arranges it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    pub zh: String,
    pub en: String,
    /// Rest dates: the whole block, bridged weekdays included.
    pub days: Vec<Date>,
    /// Make-up working days (调休上班日) the notice ties to this holiday,
    /// each a Saturday or Sunday.
    pub work_days: Vec<Date>,
}

/// One calendar year's arrangement and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearArrangement {
    pub year: i16,
    /// Statutory holidays only, awaiting the State Council's notice: bridged
    /// rest days and make-up working days are still missing.
    pub provisional: bool,
    pub source: String,
    pub note: Option<String>,
    pub holidays: Vec<Holiday>,
}

/// A validated working-day calendar covering consecutive years.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkCalendar {
    version: String,
    /// `version` parsed, for ordering: a date and a same-day revision.
    version_key: (Date, u32),
    source: String,
    /// Sorted by year, consecutive, at least one.
    years: Vec<YearArrangement>,
    rest: BTreeSet<Date>,
    work: BTreeSet<Date>,
}

impl WorkCalendar {
    /// The calendar bundled with this build.
    pub fn bundled() -> Self {
        Self::from_toml(BUNDLED).expect("the bundled calendar is validated by tests")
    }

    /// Parses and validates a calendar file (the bundled one or a newer one
    /// delivered later).
    pub fn from_toml(source: &str) -> Result<Self, CalendarError> {
        let parsed = file::parse(source)?;
        let mut rest = BTreeSet::new();
        let mut work = BTreeSet::new();
        for holiday in parsed.years.iter().flat_map(|y| &y.holidays) {
            rest.extend(holiday.days.iter().copied());
            work.extend(holiday.work_days.iter().copied());
        }
        Ok(WorkCalendar {
            version: parsed.version,
            version_key: parsed.version_key,
            source: parsed.source,
            years: parsed.years,
            rest,
            work,
        })
    }

    /// The file's version, `YYYY-MM-DD` with an optional `.N` revision.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The file's note on where its data comes from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The first and last year covered, both inclusive.
    pub fn covers(&self) -> (i16, i16) {
        let first = self.years.first().expect("a calendar covers a year");
        let last = self.years.last().expect("a calendar covers a year");
        (first.year, last.year)
    }

    /// One year's arrangement, for showing which holidays a deadline crossed.
    pub fn arrangement(&self, year: i16) -> Option<&YearArrangement> {
        self.years.iter().find(|y| y.year == year)
    }

    /// Whether `year` holds statutory holidays only, so counts in it are an
    /// estimate until the notice is added. False for years not covered at all:
    /// those are errors for [`Self::is_working_day`], not estimates.
    pub fn is_provisional(&self, year: i16) -> bool {
        self.arrangement(year).is_some_and(|y| y.provisional)
    }

    /// Whether this calendar is a later edition than `other`, so a delivered
    /// file replaces the bundled one only when it is actually newer.
    pub fn newer_than(&self, other: &WorkCalendar) -> bool {
        self.version_key > other.version_key
    }

    /// Whether `d` is a working day: a make-up working day, or a weekday that
    /// is not a holiday rest day.
    pub fn is_working_day(&self, d: Date) -> Result<bool, CalendarError> {
        let (first, last) = self.covers();
        if !(first..=last).contains(&d.year()) {
            return Err(CalendarError::NotCovered { year: d.year() });
        }
        if self.work.contains(&d) {
            return Ok(true);
        }
        if self.rest.contains(&d) {
            return Ok(false);
        }
        Ok(!matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday))
    }

    /// The date of the `n`-th working day after `start`; `start` itself never
    /// counts (a request made on a working day starts the count the next day).
    /// `n = 0` gives `start`. Errs with [`CalendarError::NotCovered`] when
    /// `start` or any day counted lies outside the covered years.
    pub fn add_working_days(&self, start: Date, n: u32) -> Result<Date, CalendarError> {
        self.is_working_day(start)?;
        let mut day = start;
        let mut left = n;
        while left > 0 {
            day = day.tomorrow().map_err(|_| CalendarError::NotCovered {
                year: day.year().saturating_add(1),
            })?;
            if self.is_working_day(day)? {
                left -= 1;
            }
        }
        Ok(day)
    }
}
