//! `laowu site`, `checkin`, `history`, `makeup`, `review` and `attendance`:
//! the flags become the simulated phone's sensors; the core decides.

use laowu_core::app::{
    CheckInRequest, CheckInView, DayRow, HistoryRow, LocationSensor, Phone, RawObservation,
    SiteRow, WifiSensor,
};
use laowu_core::attendance::shift::{Shift, ShiftRules};
use laowu_core::attendance::{
    AccessPoint, Bssid, CheckRule, Datum, DeviceNow, Observation, Provider, Punch, RawReading,
    Reading, SiteSpec, TimeAnchor,
};
use serde_json::json;

use crate::args::{AttendanceCommand, CheckinArgs, MakeupCommand, SiteAddArgs, SiteCommand};
use crate::commands::now_ms;
use crate::failure::{EXIT_KEY_OR_STORE, Failure};
use crate::output::Report;

pub fn site(phone: &Phone, cmd: &SiteCommand) -> Result<Report, Failure> {
    match cmd {
        SiteCommand::Add(args) => {
            let spec = site_spec(args)?;
            let site = phone.add_site(spec, now_ms()).map_err(|e| {
                let f = Failure::from(e);
                if args.file.is_some() {
                    f
                } else {
                    flag_names(f)
                }
            })?;
            let row = SiteRow::from(&site);
            Ok(Report {
                text: format!("site {} ({}) added", row.name, row.id),
                json: serde_json::to_value(&row).expect("a site always serialises"),
            })
        }
        SiteCommand::List => {
            let rows: Vec<SiteRow> = phone.sites()?.iter().map(SiteRow::from).collect();
            Ok(Report {
                text: rows
                    .iter()
                    .map(|r| {
                        format!(
                            "{}\t{}\t{} fence(s)\t{} access point(s)\trule {}\t{}",
                            r.id, r.name, r.fences, r.access_points, r.rule, r.datum
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
                json: json!({"count": rows.len(), "sites": rows}),
            })
        }
    }
}

/// A site built from flags reports its fence's fields by the flag names.
fn flag_names(mut f: Failure) -> Failure {
    let flag = match f.field.as_deref() {
        Some("fences[0].lat") => "lat",
        Some("fences[0].lon") => "lon",
        Some("fences[0].radius_m") => "radius",
        _ => return f,
    };
    f.field = Some(flag.to_string());
    f
}

fn site_spec(args: &SiteAddArgs) -> Result<SiteSpec, Failure> {
    if let Some(path) = &args.file {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Failure::invalid("file", format!("cannot read the site file ({})", e.kind()))
        })?;
        return Ok(SiteSpec::from_json(&text).map_err(laowu_core::app::AppError::from)?);
    }
    let required = |v: Option<f64>, field: &str| {
        v.ok_or_else(|| Failure::invalid(field, "is required without --file"))
    };
    let datum = Datum::parse("datum", &args.datum).map_err(laowu_core::app::AppError::from)?;
    let wifi = args
        .wifi
        .iter()
        .map(|w| {
            let (bssid, ssid) = w.split_once(',').unwrap_or((w.as_str(), ""));
            Ok(AccessPoint {
                bssid: Bssid::parse("wifi", bssid).map_err(laowu_core::app::AppError::from)?,
                ssid: ssid.to_string(),
            })
        })
        .collect::<Result<Vec<_>, Failure>>()?;
    let rule = match args.rule.as_deref() {
        None => CheckRule::default(),
        Some("location") => CheckRule::Location,
        Some("wifi") => CheckRule::Wifi,
        Some("either") => CheckRule::Either,
        Some("both") => CheckRule::Both,
        Some(_) => {
            return Err(Failure::invalid(
                "rule",
                "must be location, wifi, either or both",
            ));
        }
    };
    let mut shift = None;
    if let Some(hours) = &args.shift {
        let parsed = hours.split_once('-').and_then(|(a, b)| {
            Some((
                jiff::civil::Time::strptime("%H:%M", a.trim()).ok()?,
                jiff::civil::Time::strptime("%H:%M", b.trim()).ok()?,
            ))
        });
        let Some((start, end)) = parsed else {
            return Err(Failure::invalid(
                "shift",
                "must be HH:MM-HH:MM, e.g. 09:00-18:00",
            ));
        };
        shift = Some(ShiftRules {
            shift: Shift::Fixed {
                start,
                end,
                weekdays: Vec::new(),
            },
            ..ShiftRules::default()
        });
    }
    let name = args.name.clone().unwrap_or_default();
    let id = match &args.id {
        Some(id) => id.clone(),
        None => laowu_core::app::new_site_id()?,
    };
    let mut spec = SiteSpec::circle(
        id,
        name,
        datum,
        required(args.lat, "lat")?,
        required(args.lon, "lon")?,
        required(args.radius, "radius")?,
    );
    spec.wifi = wifi;
    spec.rule = rule;
    spec.shift = shift;
    Ok(spec)
}

/// The simulated phone's location sensor: the fix given on the command line.
struct FlagLocation(RawReading);
impl LocationSensor for FlagLocation {
    fn current_fix(&self) -> Option<RawReading> {
        Some(self.0)
    }
}

/// The simulated phone's WiFi sensor: the access points given on the command line.
struct FlagWifi(Vec<RawObservation>);
impl WifiSensor for FlagWifi {
    fn scan(&self) -> Vec<RawObservation> {
        self.0.clone()
    }
}

pub fn checkin(phone: &Phone, args: &CheckinArgs) -> Result<Report, Failure> {
    let device_ms = args.at_ms.unwrap_or_else(now_ms);
    let elapsed_ms = args.elapsed_ms.unwrap_or_else(now_ms);
    let age_ms = args.age_s.saturating_mul(1000);
    let invalid = laowu_core::app::AppError::from;
    let raw = RawReading {
        lat: args.lat,
        lon: args.lon,
        accuracy_m: args.accuracy,
        datum: Datum::parse("datum", &args.datum).map_err(invalid)?,
        provider: Provider::parse(&args.provider).map_err(invalid)?,
        device_time_ms: device_ms.saturating_sub(age_ms),
        elapsed_ms: elapsed_ms.saturating_sub(age_ms),
        mock: args.mock,
        speed_mps: args.speed,
    };
    let scan = args
        .wifi
        .iter()
        .map(|w| parse_scanned(w))
        .collect::<Result<Vec<_>, _>>()?;
    // Bad flags are refused before the core is asked, so nothing is recorded.
    Reading::new(raw).map_err(invalid)?;
    for o in &scan {
        Observation::new(&o.bssid, &o.ssid, o.rssi_dbm).map_err(invalid)?;
    }
    let request = CheckInRequest {
        site: args.site.clone(),
        reason: args.reason.clone(),
        preview: args.dry_run,
    };
    let done = phone.check_in(
        &request,
        &FlagLocation(raw),
        &FlagWifi(scan),
        DeviceNow {
            device_ms,
            elapsed_ms,
        },
    )?;
    let view = CheckInView::from(&done);
    Ok(Report {
        text: checkin_text(&view),
        json: serde_json::to_value(&view).expect("a check-in always serialises"),
    })
}

/// `BSSID,SSID,RSSI`; the SSID may itself contain commas.
fn parse_scanned(w: &str) -> Result<RawObservation, Failure> {
    let (bssid, rest) = w
        .split_once(',')
        .ok_or_else(|| Failure::invalid("wifi", "must be BSSID,SSID,RSSI"))?;
    let (ssid, rssi) = rest
        .rsplit_once(',')
        .ok_or_else(|| Failure::invalid("wifi", "must be BSSID,SSID,RSSI"))?;
    let rssi_dbm = rssi
        .trim()
        .parse()
        .map_err(|_| Failure::invalid("wifi.rssi", "must be a whole number of dBm"))?;
    Ok(RawObservation {
        bssid: bssid.to_string(),
        ssid: ssid.to_string(),
        rssi_dbm,
    })
}

fn checkin_text(v: &CheckInView) -> String {
    let mut lines = vec![format!(
        "{} at {}: {} ({}, {:.0} m, WiFi {})",
        if v.record_id.is_some() {
            "checked in"
        } else {
            "preview"
        },
        v.site_name,
        v.verdict,
        v.inside,
        v.distance_m,
        if v.wifi_matched {
            "matched"
        } else {
            "not matched"
        }
    )];
    if !v.anomalies.is_empty() {
        lines.push(format!("anomalies: {}", v.anomalies.join(", ")));
    }
    lines.extend(v.reasons.iter().map(|r| format!("- {} / {}", r.zh, r.en)));
    if let Some(id) = &v.record_id {
        lines.push(format!("record {id}"));
    }
    lines.join("\n")
}

pub fn history(phone: &Phone) -> Result<Report, Failure> {
    let rows: Vec<HistoryRow> = phone.history()?.iter().map(HistoryRow::from).collect();
    let days: Vec<DayRow> = phone.days()?.iter().map(DayRow::from).collect();
    let mut text: Vec<String> = rows
        .iter()
        .map(|r| {
            format!(
                "{}\t{}\t{}\t{}\t{}\t{}\treview {}",
                r.seq,
                r.kind,
                r.site_name.as_deref().unwrap_or(&r.site_id),
                r.date.as_deref().unwrap_or("-"),
                r.punch.unwrap_or("-"),
                r.verdict,
                r.review
            )
        })
        .collect();
    text.extend(
        days.iter()
            .map(|d| format!("day {}\t{}\t{}", d.date, d.site_id, d.status)),
    );
    Ok(Report {
        text: text.join("\n"),
        json: json!({"count": rows.len(), "records": rows, "days": days}),
    })
}

pub fn makeup(phone: &Phone, cmd: &MakeupCommand) -> Result<Report, Failure> {
    let MakeupCommand::Request {
        date,
        reason,
        site,
        punch,
        at_ms,
    } = cmd;
    let date: jiff::civil::Date = date
        .parse()
        .map_err(|_| Failure::invalid("date", "must be a date written YYYY-MM-DD"))?;
    let punch = match punch.as_deref() {
        None => None,
        Some("in") => Some(Punch::In),
        Some("out") => Some(Punch::Out),
        Some(_) => return Err(Failure::invalid("punch", "must be in or out")),
    };
    let device_ms = at_ms.unwrap_or_else(now_ms);
    let event = phone.request_makeup(
        site.as_deref(),
        date,
        punch,
        reason,
        DeviceNow {
            device_ms,
            elapsed_ms: now_ms(),
        },
    )?;
    row_report(phone, &event.id, "make-up request filed")
}

pub fn review(
    phone: &Phone,
    id: &str,
    approve: bool,
    note: Option<&str>,
) -> Result<Report, Failure> {
    phone.apply_decision(id, approve, note, now_ms())?;
    row_report(phone, id, if approve { "approved" } else { "rejected" })
}

fn row_report(phone: &Phone, id: &str, what: &str) -> Result<Report, Failure> {
    let row = phone
        .history()?
        .iter()
        .find(|h| h.event.id == id)
        .map(HistoryRow::from)
        .ok_or_else(|| Failure::invalid("id", "no attendance record with this id"))?;
    Ok(Report {
        text: format!("{what}: record {} (review {})", row.record_id, row.review),
        json: serde_json::to_value(&row).expect("a row always serialises"),
    })
}

pub fn attendance(phone: &Phone, cmd: &AttendanceCommand) -> Result<Report, Failure> {
    match cmd {
        AttendanceCommand::Verify => {
            let report = phone.verify_attendance()?;
            match report.problem {
                None => Ok(Report {
                    text: format!("attendance records intact: {} events", report.events),
                    json: json!({"ok": true, "events": report.events}),
                }),
                Some(problem) => Err(Failure {
                    exit: EXIT_KEY_OR_STORE,
                    code: "attendance_tampered",
                    field: None,
                    message: problem,
                }),
            }
        }
        AttendanceCommand::Purge { now_ms: at } => {
            let deleted = phone.purge_expired_fixes(at.unwrap_or_else(now_ms))?;
            Ok(Report {
                text: format!("{deleted} raw fix(es) past retention deleted"),
                json: json!({"deleted": deleted}),
            })
        }
        AttendanceCommand::Anchor {
            server_ms,
            elapsed_ms,
        } => {
            let anchor = TimeAnchor {
                server_ms: *server_ms,
                elapsed_ms: elapsed_ms.unwrap_or_else(now_ms),
            };
            phone.set_time_anchor(anchor)?;
            Ok(Report {
                text: "trusted time anchored".into(),
                json: json!({"server_ms": anchor.server_ms, "elapsed_ms": anchor.elapsed_ms}),
            })
        }
    }
}
