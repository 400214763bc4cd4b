//! The rules a make-up request (补卡) must meet before it is filed.

use jiff::civil::Date;

use super::AttendanceError;
use super::site::MakeupRules;

/// Why a make-up request cannot be filed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MakeupRefusal {
    /// The day is in the future.
    Future,
    /// The day is more than `deadline_days` ago.
    PastDeadline { deadline_days: u32 },
    /// This month's quota is used up.
    QuotaUsed { quota: u32 },
}

impl From<MakeupRefusal> for AttendanceError {
    fn from(r: MakeupRefusal) -> Self {
        match r {
            MakeupRefusal::Future => AttendanceError::invalid("date", "must not be in the future"),
            MakeupRefusal::PastDeadline { deadline_days } => AttendanceError::invalid(
                "date",
                format!("make-up requests must be filed within {deadline_days} days"),
            ),
            MakeupRefusal::QuotaUsed { quota } => AttendanceError::invalid(
                "date",
                format!("this month's quota of {quota} make-up requests is used up"),
            ),
        }
    }
}

/// Checks a request for `date`, filed on `today` (both in the site's time
/// zone), when `used_in_month` requests for days of the same month stand
/// (pending or approved).
pub fn check_makeup(
    rules: MakeupRules,
    date: Date,
    today: Date,
    used_in_month: u32,
) -> Result<(), MakeupRefusal> {
    if date > today {
        return Err(MakeupRefusal::Future);
    }
    let days_ago = (today - date).get_days();
    if days_ago > i32::try_from(rules.deadline_days).unwrap_or(i32::MAX) {
        return Err(MakeupRefusal::PastDeadline {
            deadline_days: rules.deadline_days,
        });
    }
    if used_in_month >= rules.quota_per_month {
        return Err(MakeupRefusal::QuotaUsed {
            quota: rules.quota_per_month,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const RULES: MakeupRules = MakeupRules {
        quota_per_month: 2,
        deadline_days: 7,
    };

    #[test]
    fn within_deadline_and_quota() {
        let today = date(2026, 11, 23);
        assert_eq!(check_makeup(RULES, today, today, 0), Ok(()));
        assert_eq!(check_makeup(RULES, date(2026, 11, 16), today, 1), Ok(()));
    }

    #[test]
    fn refusals() {
        let today = date(2026, 11, 23);
        assert_eq!(
            check_makeup(RULES, date(2026, 11, 24), today, 0),
            Err(MakeupRefusal::Future)
        );
        assert_eq!(
            check_makeup(RULES, date(2026, 11, 15), today, 0),
            Err(MakeupRefusal::PastDeadline { deadline_days: 7 })
        );
        assert_eq!(
            check_makeup(RULES, date(2026, 11, 20), today, 2),
            Err(MakeupRefusal::QuotaUsed { quota: 2 })
        );
        let disabled = MakeupRules {
            quota_per_month: 0,
            ..RULES
        };
        assert!(check_makeup(disabled, today, today, 0).is_err());
        let err: AttendanceError = MakeupRefusal::QuotaUsed { quota: 2 }.into();
        assert_eq!(err.field(), "date");
    }
}
