//! What happened afterwards: the worker's history and days, make-up requests,
//! the supervisor's decisions (arriving through sync), the chain check, and
//! the retention of raw fixes.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::attendance::{EVENT_KIND, FIX_KIND, PURPOSE, check_text, corrupt, find_site, no_site};
use super::{AppError, Phone};
use crate::attendance::{
    ChainReport, DeviceNow, Event, EventBody, FixDetail, MakeupBody, Punch, Site, Timing,
    TrustedTime, check_makeup, verify_chain,
};
use crate::store::{DataCategory, RecordId};

const DECISION_KIND: &str = "attendance.decision";
const DAY_MS: i64 = 86_400_000;

/// A supervisor's decision on a field check-in or a make-up request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Decision {
    event_id: String,
    approved: bool,
    note: Option<String>,
    decided_at_ms: i64,
}

/// Where an event stands with the supervisor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Review {
    /// Nothing to review.
    None,
    Pending,
    Approved,
    Rejected,
}

impl Review {
    pub fn as_str(self) -> &'static str {
        match self {
            Review::None => "none",
            Review::Pending => "pending",
            Review::Approved => "approved",
            Review::Rejected => "rejected",
        }
    }
}

/// One event in the worker's history.
#[derive(Clone, Debug)]
pub struct HistoryItem {
    pub event: Event,
    pub site_name: Option<String>,
    pub review: Review,
    pub note: Option<String>,
    /// Whether the raw fix is still kept (it goes after the retention period).
    pub fix_kept: bool,
}

/// A worker's day at a site, with make-up decisions applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DaySummary {
    pub site_id: String,
    pub date: Date,
    pub clock_in_ms: Option<i64>,
    pub clock_out_ms: Option<i64>,
    /// `pending`, `missing_in`, `missing_out`, `late`, `early_leave` or `normal`:
    /// the first that applies.
    pub status: &'static str,
    /// Whether an approved make-up request filled a gap.
    pub made_up: bool,
}

impl Phone {
    /// Every attendance event, oldest first, with its review state.
    pub fn history(&self) -> Result<Vec<HistoryItem>, AppError> {
        let events = self.chain_events()?;
        let decisions = self.decisions()?;
        let sites = self.sites()?;
        let kept: Vec<String> = self
            .store
            .records_of_kind(DataCategory::Location, FIX_KIND)?
            .iter()
            .map(|r| FixDetail::digest_of(&r.value))
            .collect();
        Ok(events
            .into_iter()
            .map(|event| {
                let (review, note) = review_of(&event, &decisions);
                let (site_id, fix_kept) = match &event.body {
                    EventBody::CheckIn(c) => (&c.site_id, kept.contains(&c.fix_digest)),
                    EventBody::Makeup(m) => (&m.site_id, false),
                };
                let site_name = sites
                    .iter()
                    .find(|s| s.id() == site_id)
                    .map(|s| s.name().to_string());
                HistoryItem {
                    event,
                    site_name,
                    review,
                    note,
                    fix_kept,
                }
            })
            .collect())
    }

    /// The worker's days, oldest first: clock-in and clock-out, with
    /// supervisor decisions and approved make-up requests applied.
    pub fn days(&self) -> Result<Vec<DaySummary>, AppError> {
        #[derive(Default)]
        struct Day {
            first_in: Option<(i64, Timing)>,
            last_out: Option<(i64, Timing)>,
            pending: bool,
            makeup_in: bool,
            makeup_out: bool,
        }
        let decisions = self.decisions()?;
        let mut days: BTreeMap<(Date, String), Day> = BTreeMap::new();
        for event in self.chain_events()? {
            let (review, _) = review_of(&event, &decisions);
            match &event.body {
                EventBody::CheckIn(c) => {
                    let (Some(date), Some(punch)) = (c.shift_date, c.punch) else {
                        continue;
                    };
                    if !c.verdict.accepted() || review == Review::Rejected {
                        continue;
                    }
                    let day = days.entry((date, c.site_id.clone())).or_default();
                    day.pending |= review == Review::Pending;
                    match punch {
                        Punch::In if day.first_in.is_none() => {
                            day.first_in = Some((c.at_ms, c.timing))
                        }
                        Punch::In => {}
                        Punch::Out => day.last_out = Some((c.at_ms, c.timing)),
                    }
                }
                EventBody::Makeup(m) => {
                    let day = days.entry((m.date, m.site_id.clone())).or_default();
                    match (review, m.punch) {
                        (Review::Pending, _) => day.pending = true,
                        (Review::Approved, Punch::In) => day.makeup_in = true,
                        (Review::Approved, Punch::Out) => day.makeup_out = true,
                        _ => {}
                    }
                }
            }
        }
        Ok(days
            .into_iter()
            .map(|((date, site_id), day)| {
                let has_in = day.first_in.is_some() || day.makeup_in;
                let has_out = day.last_out.is_some() || day.makeup_out;
                let late = !day.makeup_in && matches!(day.first_in, Some((_, Timing::Late { .. })));
                let early =
                    !day.makeup_out && matches!(day.last_out, Some((_, Timing::EarlyLeave { .. })));
                let status = if day.pending {
                    "pending"
                } else if !has_in {
                    "missing_in"
                } else if !has_out {
                    "missing_out"
                } else if late {
                    "late"
                } else if early {
                    "early_leave"
                } else {
                    "normal"
                };
                DaySummary {
                    site_id,
                    date,
                    clock_in_ms: day.first_in.map(|(t, _)| t),
                    clock_out_ms: day.last_out.map(|(t, _)| t),
                    status,
                    made_up: day.makeup_in || day.makeup_out,
                }
            })
            .collect())
    }

    /// Files a make-up request for a missed clock-in or clock-out on `date`
    /// (the site's local date), within the site's quota and deadline. With no
    /// `punch`, the missing one: clock-out if the day has a clock-in, else clock-in.
    pub fn request_makeup(
        &self,
        site: Option<&str>,
        date: Date,
        punch: Option<Punch>,
        reason: &str,
        now: DeviceNow,
    ) -> Result<Event, AppError> {
        let gate = self.gate();
        let permit = gate.permit(PURPOSE)?;
        let reason = check_text("reason", reason)?;
        let sites = self.sites()?;
        let site = pick_site(&sites, site)?;
        let trusted = TrustedTime::now(self.time_anchor()?, now.device_ms, now.elapsed_ms);
        let now = jiff::Timestamp::from_millisecond(trusted.now_ms).map_err(|_| {
            AppError::InvalidInput {
                field: "now",
                reason: "is out of range".into(),
            }
        })?;
        let today = site.time_zone().to_datetime(now).date();

        let history = self.chain_events()?;
        let decisions = self.decisions()?;
        let standing: Vec<&MakeupBody> = history
            .iter()
            .filter(|e| review_of(e, &decisions).0 != Review::Rejected)
            .filter_map(|e| match &e.body {
                EventBody::Makeup(m) if m.site_id == site.id() => Some(m),
                _ => None,
            })
            .collect();
        // Without a punch, the missing one: clock-out if the day has a clock-in.
        let clocked_in = || -> Result<bool, AppError> {
            Ok(self
                .days()?
                .iter()
                .any(|d| d.site_id == site.id() && d.date == date && d.clock_in_ms.is_some()))
        };
        let punch = match punch {
            Some(p) => p,
            None if clocked_in()? => Punch::Out,
            None => Punch::In,
        };
        if standing.iter().any(|m| m.date == date && m.punch == punch) {
            return Err(AppError::InvalidInput {
                field: "date",
                reason: "a make-up request for this day is already filed".into(),
            });
        }
        let used = standing
            .iter()
            .filter(|m| m.date.year() == date.year() && m.date.month() == date.month())
            .count();
        check_makeup(site.makeup(), date, today, used as u32)
            .map_err(crate::attendance::AttendanceError::from)?;
        let body = EventBody::Makeup(MakeupBody {
            site_id: site.id().to_string(),
            date,
            punch,
            reason,
            filed_at_ms: trusted.now_ms,
        });
        self.append_event(&permit, &history, body, trusted.now_ms, None)
    }

    /// Applies a supervisor's decision on a field check-in or make-up request
    /// (delivered by sync). The same decision twice is a no-op.
    pub fn apply_decision(
        &self,
        event_id: &str,
        approved: bool,
        note: Option<&str>,
        at_ms: i64,
    ) -> Result<(), AppError> {
        let note = note.map(|n| check_text("note", n)).transpose()?;
        let events = self.chain_events()?;
        let event = events
            .iter()
            .find(|e| e.id == event_id)
            .ok_or(AppError::NotFound {
                what: "attendance record",
                field: "id",
            })?;
        let reviewable = match &event.body {
            EventBody::CheckIn(c) => c.needs_review,
            EventBody::Makeup(_) => true,
        };
        if !reviewable {
            return Err(AppError::InvalidInput {
                field: "id",
                reason: "this record needs no review".into(),
            });
        }
        let decisions = self.decisions()?;
        if decisions
            .iter()
            .rev()
            .find(|d| d.event_id == event_id)
            .is_some_and(|d| d.approved == approved && d.note == note)
        {
            return Ok(());
        }
        let decision = Decision {
            event_id: event_id.to_string(),
            approved,
            note,
            decided_at_ms: at_ms,
        };
        let json = serde_json::to_vec(&decision).expect("a decision always serialises");
        self.store
            .put_internal_records(&[(DataCategory::Location, DECISION_KIND, &json)], at_ms)?;
        Ok(())
    }

    /// Verifies every attendance event's signature and link, and the head.
    pub fn verify_attendance(&self) -> Result<ChainReport, AppError> {
        Ok(verify_chain(&self.chain_events()?, self.chain_head()?))
    }

    /// Deletes raw fixes older than the attendance purpose's retention period,
    /// except those behind a check-in still under review; the events keep the
    /// verdict and distance band. Returns how many were deleted.
    pub fn purge_expired_fixes(&self, now_ms: i64) -> Result<u64, AppError> {
        let days = self
            .gate()
            .policy()
            .purpose(PURPOSE)
            .map(|p| i64::from(p.retention_days))
            .unwrap_or(730);
        let cutoff = now_ms.saturating_sub(days.saturating_mul(DAY_MS));
        let history = self.history()?;
        let under_review: Vec<&str> = history
            .iter()
            .filter(|h| h.review == Review::Pending)
            .filter_map(|h| match &h.event.body {
                EventBody::CheckIn(c) => Some(c.fix_digest.as_str()),
                EventBody::Makeup(_) => None,
            })
            .collect();
        let expired: Vec<RecordId> = self
            .store
            .records_of_kind(DataCategory::Location, FIX_KIND)?
            .into_iter()
            .filter(|r| r.at_ms < cutoff)
            .filter(|r| !under_review.contains(&FixDetail::digest_of(&r.value).as_str()))
            .map(|r| r.id)
            .collect();
        Ok(self.store.delete_records(&expired)?)
    }

    /// How many attendance events wait in the outbox for sync.
    pub fn attendance_outbox(&self) -> Result<u64, AppError> {
        Ok(self
            .store
            .records_of_kind(DataCategory::Location, EVENT_KIND)?
            .len() as u64)
    }

    fn decisions(&self) -> Result<Vec<Decision>, AppError> {
        self.store
            .internal_records(DataCategory::Location, DECISION_KIND)?
            .iter()
            .map(|r| serde_json::from_slice(&r.value).map_err(|_| corrupt("a decision")))
            .collect()
    }
}

fn review_of(event: &Event, decisions: &[Decision]) -> (Review, Option<String>) {
    let needs = match &event.body {
        EventBody::CheckIn(c) => c.needs_review,
        EventBody::Makeup(_) => true,
    };
    if !needs {
        return (Review::None, None);
    }
    match decisions.iter().rev().find(|d| d.event_id == event.id) {
        Some(d) if d.approved => (Review::Approved, d.note.clone()),
        Some(d) => (Review::Rejected, d.note.clone()),
        None => (Review::Pending, None),
    }
}

fn pick_site<'s>(sites: &'s [Site], key: Option<&str>) -> Result<&'s Site, AppError> {
    match (key, sites) {
        (Some(key), _) => find_site(sites, key),
        (None, [only]) => Ok(only),
        (None, []) => Err(no_site()),
        (None, _) => Err(AppError::InvalidInput {
            field: "site",
            reason: "there are several sites: name one".into(),
        }),
    }
}
