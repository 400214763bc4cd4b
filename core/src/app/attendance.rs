//! Check-ins on the phone: sites, the check-in itself (preview or submit),
//! and trusted time. History, make-up requests and decisions are in
//! `attendance_history.rs`.
//!
//! Storage: sites and the time anchor are the core's own records in the device
//! category (not personal: a site's fence is the employer's); events, raw fixes,
//! decisions and the chain head live in the location category, so withdrawing
//! the attendance grant shreds them all.

use super::device_key::DeviceKey;
use super::sensors::{LocationSensor, WifiSensor, read_location, read_wifi};
use super::{AppError, Phone};
use crate::attendance::{
    ChainHead, CheckInBody, DeviceNow, Evaluation, Event, EventBody, FixDetail, Inputs,
    Observation, PriorCheckIn, PriorFix, Reading, Site, SiteSpec, TimeAnchor, distance_band,
    evaluate, fence_state_str,
};
use crate::consent::{ConsentError, Permit};
use crate::ledger::{Accessor, Capability, LedgerEntry, Outcome};
use crate::store::DataCategory;

pub(crate) const PURPOSE: &str = "attendance";
/// How much history a check-in reads at least: weeks of punches at several
/// a day.
const RECENT_EVENTS: usize = 256;
/// How far before the newest event a check-in's history must reach: the shift
/// days a punch can belong to (a night shift, yesterday) and more.
const LOOKBACK_MS: i64 = 3 * 86_400_000;

/// When an event happened: a check-in's trusted time, a request's filing time.
fn event_ms(e: &Event) -> i64 {
    match &e.body {
        EventBody::CheckIn(c) => c.at_ms,
        EventBody::Makeup(m) => m.filed_at_ms,
    }
}
const SITE_KIND: &str = "attendance.site";
const ANCHOR_KIND: &str = "attendance.time_anchor";
pub(crate) const EVENT_KIND: &str = "attendance.event";
pub(crate) const FIX_KIND: &str = "attendance.fix";
pub(crate) const HEAD_SECRET: &str = "attendance.head";
/// The longest reason a worker may type for a field check-in or make-up.
const MAX_REASON_CHARS: usize = 200;

/// What a check-in found and, when submitted, what was recorded.
#[derive(Clone, Debug)]
pub struct CheckIn {
    pub evaluation: Evaluation,
    pub site_name: String,
    /// The event, when submitted (not for a preview).
    pub event: Option<Event>,
}

/// A check-in request from a shell.
#[derive(Clone, Debug, Default)]
pub struct CheckInRequest {
    /// A site's id or name; `None` picks the site the fix fits best.
    pub site: Option<String>,
    /// The worker's reason, for a check-in away from the site.
    pub reason: Option<String>,
    /// Evaluate only, record nothing but the ledger entries of the sensor reads.
    pub preview: bool,
}

impl Phone {
    /// Adds a site, or replaces the one with the same id (sites arriving
    /// from sync replace local ones). Names must be unique.
    pub fn add_site(&self, spec: SiteSpec, at_ms: i64) -> Result<Site, AppError> {
        let site = Site::new(spec)?;
        if self
            .sites()?
            .iter()
            .any(|s| s.name() == site.name() && s.id() != site.id())
        {
            return Err(AppError::InvalidInput {
                field: "name",
                reason: "another site already has this name".into(),
            });
        }
        let json = serde_json::to_vec(site.spec()).expect("a site spec always serialises");
        self.store
            .put_internal_records(&[(DataCategory::Device, SITE_KIND, &json)], at_ms)?;
        Ok(site)
    }

    /// Every site, the newest version of each, in the order first added.
    pub fn sites(&self) -> Result<Vec<Site>, AppError> {
        let mut sites: Vec<Site> = Vec::new();
        for record in self
            .store
            .internal_records(DataCategory::Device, SITE_KIND)?
        {
            let spec: SiteSpec =
                serde_json::from_slice(&record.value).map_err(|_| corrupt("a stored site"))?;
            let site = Site::new(spec).map_err(|_| corrupt("a stored site"))?;
            match sites.iter_mut().find(|s| s.id() == site.id()) {
                Some(old) => *old = site,
                None => sites.push(site),
            }
        }
        Ok(sites)
    }

    /// Takes the server's time (from a verified, signed time token) as the
    /// anchor for trusted time, at the phone's current time since boot.
    pub fn set_time_anchor(&self, anchor: TimeAnchor) -> Result<(), AppError> {
        if anchor.server_ms <= 0 || anchor.elapsed_ms < 0 {
            return Err(AppError::InvalidInput {
                field: "time_anchor",
                reason: "the server time and the time since boot must be positive".into(),
            });
        }
        let json = serde_json::to_vec(&anchor).expect("an anchor always serialises");
        self.store.put_internal_records(
            &[(DataCategory::Device, ANCHOR_KIND, &json)],
            anchor.server_ms,
        )?;
        Ok(())
    }

    /// Checks a server time token (signed by `server_key`, answering the
    /// request that carried `nonce`) and makes it the trusted-time anchor.
    pub fn accept_time_token(
        &self,
        token: &laowu_protocol::TimeToken,
        server_key: &[u8],
        nonce: &str,
        elapsed_ms: i64,
    ) -> Result<TimeAnchor, AppError> {
        let anchor = crate::attendance::anchor_from_token(
            token,
            server_key,
            nonce,
            elapsed_ms,
            self.time_anchor()?,
        )?;
        self.set_time_anchor(anchor)?;
        Ok(anchor)
    }

    pub(crate) fn time_anchor(&self) -> Result<Option<TimeAnchor>, AppError> {
        self.store
            .latest_internal_record(DataCategory::Device, ANCHOR_KIND)?
            .map(|r| serde_json::from_slice(&r.value).map_err(|_| corrupt("the time anchor")))
            .transpose()
    }

    /// Checks in (or previews a check-in): needs the attendance grant; reads
    /// the location and WiFi sensors (each read a ledger entry), evaluates the
    /// fix against the site and, unless previewing, records a signed, chained
    /// event with the raw fix sealed beside it.
    pub fn check_in(
        &self,
        request: &CheckInRequest,
        location: &dyn LocationSensor,
        wifi: &dyn WifiSensor,
        now: DeviceNow,
    ) -> Result<CheckIn, AppError> {
        let gate = self.gate();
        let permit = self.attendance_permit(&gate, now.device_ms)?;
        let reason = request
            .reason
            .as_deref()
            .map(|r| check_text("reason", r))
            .transpose()?;
        let sites = self.sites()?;
        let chosen = match &request.site {
            Some(key) => Some(find_site(&sites, key)?),
            None if sites.is_empty() => return Err(no_site()),
            None => None,
        };

        let detail = if request.preview {
            "checkin preview"
        } else {
            "checkin"
        };
        self.log_read(&permit, Capability::Location, detail, now.device_ms)?;
        let reading = read_location(&permit, location)?;
        self.log_read(&permit, Capability::WifiScan, detail, now.device_ms)?;
        let scan = read_wifi(&permit, wifi)?;

        let anchor = self.time_anchor()?;
        let history = self.recent_chain_events()?;
        let prior = prior_check_ins(&history);
        let previous = self.previous_fix(&history)?;
        let inputs = Inputs {
            reading: &reading,
            scan: &scan,
            now,
            anchor,
            previous: previous.as_ref(),
            prior: &prior,
            field_reason: reason.as_deref(),
        };
        let (site, evaluation) = match chosen {
            Some(site) => (site, evaluate(site, inputs)),
            None => best_site(&sites, inputs),
        };
        log::debug!(
            "check-in at site {}: {} ({:?}), anomalies {:?}",
            site.id(),
            evaluation.verdict.as_str(),
            evaluation.inside,
            evaluation.anomalies
        );
        let site_name = site.name().to_string();
        if request.preview {
            return Ok(CheckIn {
                evaluation,
                site_name,
                event: None,
            });
        }
        let event = self.record_check_in(&permit, &history, &evaluation, &reading, scan, reason)?;
        Ok(CheckIn {
            evaluation,
            site_name,
            event: Some(event),
        })
    }

    /// The attendance permit, or a refusal recorded in the ledger.
    pub(crate) fn attendance_permit<'g>(
        &self,
        gate: &'g crate::consent::Gate,
        at_ms: i64,
    ) -> Result<Permit<'g>, AppError> {
        match gate.permit(PURPOSE) {
            Ok(permit) => Ok(permit),
            Err(e @ ConsentError::ConsentRequired { .. }) => {
                let entry = LedgerEntry::new(
                    Accessor::Capability(Capability::Location),
                    DataCategory::Location,
                    PURPOSE,
                    &gate.policy().version,
                    at_ms,
                    Outcome::Refused,
                )?
                .with_detail("checkin")?;
                self.store.append_ledger(&entry)?;
                Err(e.into())
            }
            Err(e) => Err(e.into()),
        }
    }

    fn log_read(
        &self,
        permit: &Permit<'_>,
        capability: Capability,
        detail: &str,
        at_ms: i64,
    ) -> Result<(), AppError> {
        let entry = LedgerEntry::new(
            Accessor::Capability(capability),
            DataCategory::Location,
            PURPOSE,
            permit.policy_version(),
            at_ms,
            Outcome::Allowed,
        )?
        .with_detail(detail)?;
        self.store.append_ledger(&entry)?;
        Ok(())
    }

    /// Signs and chains an event, and stores it with its raw fix and the new
    /// head in one transaction.
    fn record_check_in(
        &self,
        permit: &Permit<'_>,
        history: &[Event],
        evaluation: &Evaluation,
        reading: &Reading,
        scan: Vec<Observation>,
        reason: Option<String>,
    ) -> Result<Event, AppError> {
        let position = reading.fix.position();
        let detail = FixDetail {
            nonce: super::random_id()?,
            lat: position.lat(),
            lon: position.lon(),
            accuracy_m: reading.fix.accuracy_m(),
            datum: reading.fix.datum(),
            provider: reading.provider,
            device_time_ms: reading.device_time_ms,
            elapsed_ms: reading.elapsed_ms,
            mock: reading.mock,
            speed_mps: reading.speed_mps,
            wifi: scan,
        };
        let (detail_bytes, fix_digest) = detail.encode();
        let detail_bytes = zeroize::Zeroizing::new(detail_bytes);
        let body = EventBody::CheckIn(CheckInBody {
            site_id: evaluation.site_id.clone(),
            at_ms: evaluation.at_ms,
            time_source: evaluation.time_source,
            device_time_ms: reading.device_time_ms,
            punch: evaluation.punch,
            shift_date: evaluation.shift_date,
            verdict: evaluation.verdict,
            timing: evaluation.timing,
            inside: fence_state_str(evaluation.inside).into(),
            distance_m: evaluation.distance_m.round().min(f64::from(u32::MAX)) as u32,
            distance_band: distance_band(evaluation.distance_m).into(),
            wifi_matched: evaluation.wifi_matched,
            anomalies: evaluation.anomalies.clone(),
            reason,
            needs_review: evaluation.needs_review,
            fix_digest,
        });
        self.append_event(permit, history, body, evaluation.at_ms, Some(&detail_bytes))
    }

    /// Appends an event to the chain (with an optional raw fix record).
    pub(crate) fn append_event(
        &self,
        permit: &Permit<'_>,
        history: &[Event],
        body: EventBody,
        at_ms: i64,
        fix: Option<&[u8]>,
    ) -> Result<Event, AppError> {
        let key = DeviceKey::load_or_create(&self.store)?;
        let head = self.chain_head()?;
        // A cheap check before chaining on: no gap in what was read (from the
        // first event, or a recent window of RECENT_EVENTS), and the end is the
        // sealed head (signatures are checked by `verify_attendance`).
        let contiguous = history.windows(2).all(|w| w[1].seq == w[0].seq + 1)
            && history
                .first()
                .is_none_or(|e| e.seq == 1 || history.len() >= RECENT_EVENTS);
        if !contiguous || head != history.last().and_then(Event::head) {
            return Err(AppError::Store(crate::store::StoreError::Corrupt {
                reason: "the attendance chain does not end at its sealed head".into(),
            }));
        }
        let event = Event::seal(super::random_id()?, head, key.public_hex(), body, |hash| {
            key.sign_hex(hash)
        });
        let json = serde_json::to_vec(&event).expect("an event always serialises");
        let new_head = serde_json::to_vec(&event.head().expect("a sealed event has a head"))
            .expect("a head always serialises");
        let mut records: Vec<(DataCategory, &str, &[u8])> =
            vec![(DataCategory::Location, EVENT_KIND, &json)];
        if let Some(fix) = fix {
            records.push((DataCategory::Location, FIX_KIND, fix));
        }
        self.store.put_records_with_secret(
            permit,
            &records,
            at_ms,
            (DataCategory::Location, HEAD_SECRET, &new_head),
        )?;
        Ok(event)
    }

    pub(crate) fn chain_head(&self) -> Result<Option<ChainHead>, AppError> {
        self.store
            .get_secret(DataCategory::Location, HEAD_SECRET)?
            .map(|bytes| serde_json::from_slice(&bytes).map_err(|_| corrupt("the chain head")))
            .transpose()
    }

    /// The newest events, oldest first: at least [`RECENT_EVENTS`], and back
    /// at least [`LOOKBACK_MS`] before the newest, which is all a check-in
    /// needs (the punches of the shift days around now, the last fix). Its
    /// cost so does not grow with years of history.
    fn recent_chain_events(&self) -> Result<Vec<Event>, AppError> {
        let mut limit = RECENT_EVENTS;
        loop {
            let events: Vec<Event> = self
                .store
                .recent_records_of_kind(DataCategory::Location, EVENT_KIND, limit)?
                .iter()
                .map(|r| {
                    serde_json::from_slice(&r.value).map_err(|_| corrupt("an attendance event"))
                })
                .collect::<Result<_, _>>()?;
            let reaches_back = match (events.first(), events.last()) {
                (Some(first), Some(last)) => event_ms(first) < event_ms(last) - LOOKBACK_MS,
                _ => true,
            };
            if events.len() < limit || reaches_back {
                return Ok(events);
            }
            limit = limit.saturating_mul(4);
        }
    }

    /// Every attendance event, in stored order.
    pub(crate) fn chain_events(&self) -> Result<Vec<Event>, AppError> {
        self.store
            .records_of_kind(DataCategory::Location, EVENT_KIND)?
            .iter()
            .map(|r| serde_json::from_slice(&r.value).map_err(|_| corrupt("an attendance event")))
            .collect()
    }

    /// The raw fix of the newest accepted check-in, for the speed check (a
    /// rejected one, such as a mock position, says nothing about where the
    /// worker was).
    fn previous_fix(&self, history: &[Event]) -> Result<Option<PriorFix>, AppError> {
        let Some(last) = history.iter().rev().find_map(|e| match &e.body {
            EventBody::CheckIn(c) if c.verdict.accepted() => Some(c),
            _ => None,
        }) else {
            return Ok(None);
        };
        let fixes =
            self.store
                .recent_records_of_kind(DataCategory::Location, FIX_KIND, RECENT_EVENTS)?;
        let Some(record) = fixes
            .iter()
            .rev()
            .find(|r| FixDetail::digest_of(&r.value) == last.fix_digest)
        else {
            return Ok(None); // past retention
        };
        let detail: FixDetail =
            serde_json::from_slice(&record.value).map_err(|_| corrupt("a stored fix"))?;
        let fix =
            crate::attendance::Fix::new(detail.lat, detail.lon, detail.accuracy_m, detail.datum)
                .map_err(|_| corrupt("a stored fix"))?;
        Ok(Some(PriorFix {
            position: fix.position_in(crate::attendance::Datum::Wgs84),
            accuracy_m: detail.accuracy_m,
            at_ms: last.at_ms,
            elapsed_ms: detail.elapsed_ms,
        }))
    }
}

/// Accepted check-ins, for telling clock-in from clock-out.
fn prior_check_ins(history: &[Event]) -> Vec<PriorCheckIn> {
    history
        .iter()
        .filter_map(|e| match &e.body {
            EventBody::CheckIn(c) if c.verdict.accepted() => Some(PriorCheckIn {
                site_id: c.site_id.clone(),
                shift_date: c.shift_date?,
                punch: c.punch?,
                at_ms: c.at_ms,
            }),
            _ => None,
        })
        .collect()
}

/// With no site named, the site whose fences the fix fits best.
fn best_site<'s>(sites: &'s [Site], inputs: Inputs<'_>) -> (&'s Site, Evaluation) {
    let rank = |e: &Evaluation| {
        let state = match e.inside {
            crate::attendance::FenceState::Inside => 0,
            crate::attendance::FenceState::Uncertain => 1,
            crate::attendance::FenceState::Outside => 2,
        };
        // A matched access point is as good as being inside a fence.
        let state = if e.wifi_matched { 0 } else { state };
        (state, e.outside_by_m)
    };
    sites
        .iter()
        .map(|s| (s, evaluate(s, inputs)))
        .min_by(|a, b| {
            rank(&a.1)
                .partial_cmp(&rank(&b.1))
                .unwrap_or(std::cmp::Ordering::Equal)
        })
        .expect("at least one site")
}

/// The site with this id or name.
pub(crate) fn find_site<'s>(sites: &'s [Site], key: &str) -> Result<&'s Site, AppError> {
    sites
        .iter()
        .find(|s| s.id() == key || s.name() == key)
        .ok_or(AppError::NotFound {
            what: "site",
            field: "site",
        })
}

pub(crate) fn no_site() -> AppError {
    AppError::InvalidInput {
        field: "site",
        reason: "no site is set up on this phone yet".into(),
    }
}

/// Checks free text a worker typed: trimmed, 1 to 200 characters, no control
/// characters.
pub(crate) fn check_text(field: &'static str, text: &str) -> Result<String, AppError> {
    let text = text.trim();
    let chars = text.chars().count();
    if chars == 0 || chars > MAX_REASON_CHARS {
        return Err(AppError::InvalidInput {
            field,
            reason: format!("must be 1 to {MAX_REASON_CHARS} characters"),
        });
    }
    if text.chars().any(char::is_control) {
        return Err(AppError::InvalidInput {
            field,
            reason: "must not contain control characters".into(),
        });
    }
    Ok(text.to_string())
}

pub(crate) fn corrupt(what: &str) -> AppError {
    AppError::Store(crate::store::StoreError::Corrupt {
        reason: format!("{what} is unreadable"),
    })
}
