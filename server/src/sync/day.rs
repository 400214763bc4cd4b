//! Which working day an instant counts for, in a site's time zone.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

/// The time zone of a site the server does not know yet: every site of this
/// product is in China, which keeps one zone.
pub const DEFAULT_TIME_ZONE: &str = "Asia/Shanghai";

/// The date of `at_ms` in `time_zone` (the default zone when the name is
/// unknown); `None` only for an instant outside jiff's range.
pub fn local_date(at_ms: i64, time_zone: &str) -> Option<Date> {
    let zone = TimeZone::get(time_zone)
        .or_else(|_| TimeZone::get(DEFAULT_TIME_ZONE))
        .ok()?;
    Some(
        zone.to_datetime(Timestamp::from_millisecond(at_ms).ok()?)
            .date(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_turn_at_local_midnight() {
        // 2026-03-01T16:30:00Z is 00:30 on 2 March in Shanghai.
        let ms = 1_772_382_600_000;
        assert_eq!(
            local_date(ms, "Asia/Shanghai").unwrap().to_string(),
            "2026-03-02"
        );
        assert_eq!(local_date(ms, "UTC").unwrap().to_string(), "2026-03-01");
        assert_eq!(
            local_date(ms, "Nowhere/Else").unwrap().to_string(),
            "2026-03-02"
        );
    }
}
