//! Reads and validates a calendar file. The TOML is walked by hand rather than
//! through serde so that every refusal, a wrong type included, names the exact
//! field (`year[1].holiday[2].days[0]`), and unknown keys are refused so a
//! misspelt `work_days` cannot silently turn make-up days into rest days.

use std::collections::BTreeMap;

use jiff::civil::{Date, Weekday};
use toml::{Table, Value};

use super::{CalendarError, Holiday, YearArrangement};

/// Years a file may cover: wide enough for any real notice, narrow enough that
/// date arithmetic past the last covered year cannot overflow.
const YEARS: std::ops::RangeInclusive<i64> = 2000..=2999;

/// A file's content after validation.
pub(super) struct Parsed {
    pub version: String,
    pub version_key: (Date, u32),
    pub source: String,
    pub years: Vec<YearArrangement>,
}

pub(super) fn parse(text: &str) -> Result<Parsed, CalendarError> {
    let table: Table = text.parse().map_err(|e: toml::de::Error| {
        let at = e
            .span()
            .map(|span| {
                let (line, column) = line_column(text, span.start);
                format!(" at line {line}, column {column}")
            })
            .unwrap_or_default();
        invalid(
            "toml",
            format!("not valid TOML{at}: {}", e.message().trim()),
        )
    })?;
    let root = Node {
        table: &table,
        path: String::new(),
    };
    root.deny_unknown(&["version", "source", "year"])?;
    let version = root.text("version")?;
    let version_key = version_key(&version).ok_or_else(|| {
        invalid(
            "version",
            format!("{version:?} is not YYYY-MM-DD with an optional .N revision"),
        )
    })?;
    let source = root.text("source")?;

    let mut years: Vec<YearArrangement> = Vec::new();
    let mut year_paths: BTreeMap<i16, String> = BTreeMap::new();
    let year_nodes = root.tables("year")?;
    if year_nodes.is_empty() {
        return Err(invalid("year", "the calendar must cover at least one year"));
    }
    for node in year_nodes {
        node.deny_unknown(&["year", "provisional", "source", "note", "holiday"])?;
        let year = year_number(&node)?;
        if let Some(earlier) = year_paths.insert(year, node.field("year")) {
            return Err(invalid(
                node.field("year"),
                format!("{year} is listed twice (also {earlier})"),
            ));
        }
        years.push(parse_year(&node, year)?);
    }
    years.sort_by_key(|y| y.year);
    for pair in years.windows(2) {
        if pair[1].year != pair[0].year + 1 {
            return Err(invalid(
                "year",
                format!(
                    "the years must follow one another: {} is missing",
                    pair[0].year + 1
                ),
            ));
        }
    }
    Ok(Parsed {
        version,
        version_key,
        source,
        years,
    })
}

fn year_number(node: &Node) -> Result<i16, CalendarError> {
    let number = node.integer("year")?;
    if !YEARS.contains(&number) {
        return Err(invalid(
            node.field("year"),
            format!("{number} is outside {} to {}", YEARS.start(), YEARS.end()),
        ));
    }
    Ok(i16::try_from(number).expect("YEARS fits i16"))
}

/// The rest of a `[[year]]` table, its keys and number already checked.
fn parse_year(node: &Node, year: i16) -> Result<YearArrangement, CalendarError> {
    let provisional = node.optional_bool("provisional")?.unwrap_or(false);
    let source = node.text("source")?;
    let note = node.optional_text("note")?;

    // Every date of the year, with where it was seen and whether it rests.
    let mut seen: BTreeMap<Date, (String, bool)> = BTreeMap::new();
    let mut holidays = Vec::new();
    let holiday_nodes = node.tables("holiday")?;
    if holiday_nodes.is_empty() {
        return Err(invalid(
            node.field("holiday"),
            "a year lists its public holidays",
        ));
    }
    for h in holiday_nodes {
        h.deny_unknown(&["zh", "en", "days", "work_days"])?;
        let zh = h.text("zh")?;
        let en = h.text("en")?;
        let days = h.dates("days", year, true)?;
        let work_days = h.dates("work_days", year, false)?;
        if days.is_empty() {
            return Err(invalid(
                h.field("days"),
                "a holiday rests on at least one day",
            ));
        }
        for (path, date) in &work_days {
            if !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) {
                return Err(invalid(
                    path.clone(),
                    format!(
                        "{date} is a {:?}: make-up working days are on weekends, weekdays work anyway",
                        date.weekday()
                    ),
                ));
            }
        }
        let marked = days
            .iter()
            .map(|d| (d, true))
            .chain(work_days.iter().map(|d| (d, false)));
        for ((path, date), rests) in marked {
            if let Some((earlier, earlier_rests)) = seen.get(date) {
                let reason = if *earlier_rests == rests {
                    format!("{date} is listed twice (also {earlier})")
                } else {
                    format!("{date} is both a rest day and a make-up working day (also {earlier})")
                };
                return Err(invalid(path.clone(), reason));
            }
            seen.insert(*date, (path.clone(), rests));
        }
        holidays.push(Holiday {
            zh,
            en,
            days: days.into_iter().map(|(_, d)| d).collect(),
            work_days: work_days.into_iter().map(|(_, d)| d).collect(),
        });
    }
    Ok(YearArrangement {
        year,
        provisional,
        source,
        note,
        holidays,
    })
}

/// `YYYY-MM-DD` or `YYYY-MM-DD.N`, as (date, N) with N = 0 when absent.
fn version_key(version: &str) -> Option<(Date, u32)> {
    let (date, revision) = match version.split_once('.') {
        Some((date, revision)) => {
            if revision.is_empty() || !revision.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            (date, revision.parse().ok()?)
        }
        None => (version, 0),
    };
    Some((parse_date_text(date)?, revision))
}

/// A strict `YYYY-MM-DD` that is a real date.
fn parse_date_text(text: &str) -> Option<Date> {
    let b = text.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    let year = text[0..4].parse().ok()?;
    let month = text[5..7].parse().ok()?;
    let day = text[8..10].parse().ok()?;
    Date::new(year, month, day).ok()
}

fn invalid(field: impl Into<String>, reason: impl Into<String>) -> CalendarError {
    CalendarError::Invalid {
        field: field.into(),
        reason: reason.into(),
    }
}

fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let before = &source[..offset.min(source.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// A table of the file and its path, for naming fields in errors.
struct Node<'a> {
    table: &'a Table,
    path: String,
}

impl<'a> Node<'a> {
    fn field(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    fn deny_unknown(&self, known: &[&str]) -> Result<(), CalendarError> {
        match self.table.keys().find(|k| !known.contains(&k.as_str())) {
            Some(key) => Err(invalid(
                self.field(key),
                format!("unknown key (expected one of: {})", known.join(", ")),
            )),
            None => Ok(()),
        }
    }

    fn wrong_type(&self, key: &str, expected: &str, found: &Value) -> CalendarError {
        invalid(
            self.field(key),
            format!("expected {expected}, found {}", found.type_str()),
        )
    }

    fn required(&self, key: &str) -> Result<&'a Value, CalendarError> {
        self.table
            .get(key)
            .ok_or_else(|| invalid(self.field(key), "is missing"))
    }

    fn optional_text(&self, key: &str) -> Result<Option<String>, CalendarError> {
        match self.table.get(key) {
            None => Ok(None),
            Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.trim().to_string())),
            Some(Value::String(_)) => Err(invalid(self.field(key), "is empty")),
            Some(other) => Err(self.wrong_type(key, "a string", other)),
        }
    }

    /// A required, non-blank string.
    fn text(&self, key: &str) -> Result<String, CalendarError> {
        self.optional_text(key)?
            .ok_or_else(|| invalid(self.field(key), "is missing"))
    }

    fn optional_bool(&self, key: &str) -> Result<Option<bool>, CalendarError> {
        match self.table.get(key) {
            None => Ok(None),
            Some(Value::Boolean(b)) => Ok(Some(*b)),
            Some(other) => Err(self.wrong_type(key, "true or false", other)),
        }
    }

    fn integer(&self, key: &str) -> Result<i64, CalendarError> {
        match self.required(key)? {
            Value::Integer(i) => Ok(*i),
            other => Err(self.wrong_type(key, "an integer", other)),
        }
    }

    /// An array of tables (`[[key]]`), each with its indexed path.
    fn tables(&self, key: &str) -> Result<Vec<Node<'a>>, CalendarError> {
        let items = match self.required(key)? {
            Value::Array(items) => items,
            other => return Err(self.wrong_type(key, "an array of tables", other)),
        };
        items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let path = format!("{}[{i}]", self.field(key));
                match item {
                    Value::Table(table) => Ok(Node { table, path }),
                    other => Err(invalid(
                        path,
                        format!("expected a table, found {}", other.type_str()),
                    )),
                }
            })
            .collect()
    }

    /// An array of dates in `year`, each with its indexed path. Dates may be
    /// TOML local dates (`2025-01-01`) or strings (`"2025-01-01"`).
    fn dates(
        &self,
        key: &str,
        year: i16,
        required: bool,
    ) -> Result<Vec<(String, Date)>, CalendarError> {
        let items = match self.table.get(key) {
            None if required => return Err(invalid(self.field(key), "is missing")),
            None => return Ok(Vec::new()),
            Some(Value::Array(items)) => items,
            Some(other) => return Err(self.wrong_type(key, "an array of dates", other)),
        };
        let mut dates = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let path = format!("{}[{i}]", self.field(key));
            let date = match item {
                Value::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
                    (Some(d), None, None) => {
                        Date::new(d.year as i16, d.month as i8, d.day as i8).ok()
                    }
                    _ => None,
                }
                .ok_or_else(|| {
                    invalid(
                        &path,
                        format!("{dt} is not a plain date (YYYY-MM-DD, no time)"),
                    )
                })?,
                Value::String(s) => parse_date_text(s)
                    .ok_or_else(|| invalid(&path, format!("{s:?} is not a real date")))?,
                other => {
                    return Err(invalid(
                        path,
                        format!("expected a date, found {}", other.type_str()),
                    ));
                }
            };
            if date.year() != year {
                return Err(invalid(
                    path,
                    format!("{date} is not in {year}: each date goes under its own year"),
                ));
            }
            dates.push((path, date));
        }
        Ok(dates)
    }
}
