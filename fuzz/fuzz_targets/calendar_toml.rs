//! Calendar files: `calendar::WorkCalendar::from_toml`, then the questions the
//! app asks of one (working day or not, N working days on) across its years.
#![no_main]

use jiff::civil::Date;
use laowu_core::calendar::WorkCalendar;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(calendar) = WorkCalendar::from_toml(source) else {
        return;
    };
    let _ = calendar.version();
    let _ = calendar.source();
    let _ = calendar.newer_than(&WorkCalendar::bundled());
    let (first, last) = calendar.covers();
    for year in [first, last, first.saturating_sub(1), last.saturating_add(1)] {
        let _ = calendar.arrangement(year);
        let _ = calendar.is_provisional(year);
        for (month, day) in [(1, 1), (2, 10), (10, 1), (12, 31)] {
            if let Ok(date) = Date::new(year, month, day) {
                let _ = calendar.is_working_day(date);
                let _ = calendar.add_working_days(date, 15);
            }
        }
    }
});
