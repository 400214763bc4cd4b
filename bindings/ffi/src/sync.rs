//! The server through the FFI: the account (SMS code, registration, login,
//! password reset), sync, its status, and a supervisor's calls. Views are
//! copied from the core; nothing is decided here.
//!
//! Every call here but `sync_status` talks to the server and BLOCKS the
//! calling thread until the server answers or gives up (a sync may retry for
//! a while, see [`SyncOptions`]). Shells call them off the main thread:
//! Kotlin `withContext(Dispatchers.IO)` (or a WorkManager worker), Swift a
//! background `Task` or `DispatchQueue`. Calls on one store that talk to the
//! server run one at a time; a second waits for the first. `sync_status` is
//! local and never waits.
//!
//! Clocks follow the other calls: `at_ms` is the device's wall clock (ms
//! since the epoch) when the call is made; `sync` takes `device_ms` and
//! `elapsed_ms` like `check_in` (the time since boot, the clock of
//! `LocationFix.elapsed_ms`), to anchor trusted time to the server's signed
//! time token.

use std::sync::MutexGuard;

use laowu_core::app::{AppError, Refusal, SignedIn};
use laowu_core::sync::{Link, SyncError};
use laowu_protocol::{DayEntry, DayView, DecisionResponse, ReviewState};

use crate::{LaowuError, LaowuStore};

/// What an SMS code is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CodePurpose {
    /// Registering a new account ([`LaowuStore::register_account`]).
    Register,
    /// Setting a new password ([`LaowuStore::reset_password`]).
    Reset,
}

impl From<CodePurpose> for laowu_protocol::CodePurpose {
    fn from(p: CodePurpose) -> Self {
        match p {
            CodePurpose::Register => laowu_protocol::CodePurpose::Register,
            CodePurpose::Reset => laowu_protocol::CodePurpose::Reset,
        }
    }
}

/// The account this phone is signed in to.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ServerAccount {
    /// The server's base URL.
    pub server: String,
    pub account_id: String,
    /// worker, supervisor or admin.
    pub role: String,
    /// This phone's device id on the server (its records are signed by it).
    pub device_id: Option<String>,
}

impl From<SignedIn> for ServerAccount {
    fn from(s: SignedIn) -> Self {
        ServerAccount {
            server: s.server,
            account_id: s.account_id,
            role: s.role,
            device_id: s.device_id,
        }
    }
}

/// How a sync runs. `SyncOptions()` gives the defaults.
#[derive(Debug, Clone, uniffi::Record)]
pub struct SyncOptions {
    /// Items per push (1 to 500).
    #[uniffi(default = 100)]
    pub batch_size: u32,
    /// Tries of one request before the sync gives up (the rest stays in the
    /// outbox for next time).
    #[uniffi(default = 8)]
    pub max_attempts: u32,
    /// The first retry waits up to this long; each further one up to twice
    /// as long, capped at `max_delay_ms`.
    #[uniffi(default = 250)]
    pub base_delay_ms: u64,
    #[uniffi(default = 15000)]
    pub max_delay_ms: u64,
}

impl From<&SyncOptions> for laowu_core::sync::SyncOptions {
    fn from(o: &SyncOptions) -> Self {
        laowu_core::sync::SyncOptions {
            batch_size: o.batch_size as usize,
            max_attempts: o.max_attempts,
            base_delay_ms: o.base_delay_ms,
            max_delay_ms: o.max_delay_ms,
        }
    }
}

/// What one sync did.
#[derive(Debug, Clone, uniffi::Record)]
pub struct SyncReport {
    /// Items the server stored now.
    pub accepted: u64,
    /// Items it already had (a resend after a lost answer).
    pub duplicates: u64,
    /// Items it refused for good (see `SyncStatus.refusals`).
    pub refused: u64,
    /// Requests sent, counting retries.
    pub requests: u64,
    /// Items still waiting (0 after a complete sync).
    pub outbox: u64,
    /// Sites added or changed.
    pub sites: u64,
    /// Supervisors' decisions applied.
    pub decisions: u64,
    /// Whether the server's time token now anchors trusted time.
    pub time_anchored: bool,
    /// A newer policy version the server offers, to show and accept.
    pub policy_offered: Option<String>,
}

impl From<laowu_core::app::SyncReport> for SyncReport {
    fn from(r: laowu_core::app::SyncReport) -> Self {
        SyncReport {
            accepted: r.accepted,
            duplicates: r.duplicates,
            refused: r.refused,
            requests: r.requests,
            outbox: r.outbox,
            sites: r.sites,
            decisions: r.decisions,
            time_anchored: r.time_anchored,
            policy_offered: r.policy_offered,
        }
    }
}

/// An item the server refused for good.
#[derive(Debug, Clone, uniffi::Record)]
pub struct SyncRefusal {
    /// The item's idempotency key (an attendance event's id).
    pub key: String,
    /// attendance, consent, ledger or identity.
    pub stream: String,
    pub code: String,
    pub reason: String,
    pub at_ms: i64,
}

impl From<Refusal> for SyncRefusal {
    fn from(r: Refusal) -> Self {
        SyncRefusal {
            key: r.key,
            stream: r.stream,
            code: r.code,
            reason: r.reason,
            at_ms: r.at_ms,
        }
    }
}

/// Where the phone stands with its server. Read locally: no request.
#[derive(Debug, Clone, uniffi::Record)]
pub struct SyncStatus {
    /// The server's base URL, once one was used.
    pub server: Option<String>,
    pub signed_in: bool,
    pub account_id: Option<String>,
    /// worker, supervisor or admin, while signed in.
    pub role: Option<String>,
    pub device_id: Option<String>,
    /// Whether the server's key is pinned (after the first sync).
    pub server_key_pinned: bool,
    /// A newer policy version the server offered.
    pub policy_offered: Option<String>,
    /// Items waiting to be pushed.
    pub outbox: u64,
    /// Items the server refused, oldest first.
    pub refusals: Vec<SyncRefusal>,
}

/// One attendance event as a supervisor sees it: no coordinates.
#[derive(Debug, Clone, uniffi::Record)]
pub struct SupervisorEntry {
    pub event_id: String,
    /// check_in or makeup.
    pub kind: String,
    /// The worker's account id.
    pub worker: String,
    /// The worker's name, masked (张*), when known.
    pub worker_name: Option<String>,
    pub at_ms: i64,
    /// clock_in or clock_out, when the site has a shift.
    pub punch: Option<String>,
    /// For check-ins: normal, late, early_leave, field or rejected.
    pub verdict: Option<String>,
    pub anomalies: Vec<String>,
    pub distance_m: Option<u32>,
    pub wifi_matched: bool,
    /// The worker's reason (field check-in or make-up request).
    pub reason: Option<String>,
    /// none, pending, approved or rejected.
    pub review: String,
    pub note: Option<String>,
}

impl From<DayEntry> for SupervisorEntry {
    fn from(e: DayEntry) -> Self {
        SupervisorEntry {
            event_id: e.event_id,
            kind: e.kind,
            worker: e.worker,
            worker_name: e.worker_name,
            at_ms: e.at_ms,
            punch: e.punch,
            verdict: e.verdict,
            anomalies: e.anomalies,
            distance_m: e.distance_m,
            wifi_matched: e.wifi_matched,
            reason: e.reason,
            review: review(e.review).into(),
            note: e.note,
        }
    }
}

/// A site's day, for its supervisor.
#[derive(Debug, Clone, uniffi::Record)]
pub struct SupervisorDay {
    pub site: String,
    /// YYYY-MM-DD in the site's time zone.
    pub date: String,
    /// Every event of the day, oldest first.
    pub entries: Vec<SupervisorEntry>,
    /// How many workers checked in.
    pub workers: u32,
    /// How many entries wait for a decision.
    pub pending: u32,
}

impl From<DayView> for SupervisorDay {
    fn from(d: DayView) -> Self {
        SupervisorDay {
            site: d.site,
            date: d.date,
            entries: d.entries.into_iter().map(SupervisorEntry::from).collect(),
            workers: d.workers,
            pending: d.pending,
        }
    }
}

/// A decision as the server recorded it.
#[derive(Debug, Clone, uniffi::Record)]
pub struct SupervisorDecision {
    pub event_id: String,
    /// approved or rejected.
    pub review: String,
    /// The worker's phone receives the decision at its next sync.
    pub cursor: u64,
}

impl From<DecisionResponse> for SupervisorDecision {
    fn from(d: DecisionResponse) -> Self {
        SupervisorDecision {
            event_id: d.event_id,
            review: review(d.review).into(),
            cursor: d.cursor,
        }
    }
}

fn review(r: ReviewState) -> &'static str {
    match r {
        ReviewState::None => "none",
        ReviewState::Pending => "pending",
        ReviewState::Approved => "approved",
        ReviewState::Rejected => "rejected",
    }
}

/// A server address must be `http://` or `https://`; anything else is the
/// user's typo, not a network problem.
fn check_server(server: Option<&str>) -> Result<(), LaowuError> {
    match server.map(str::trim) {
        Some(url) if !(url.starts_with("http://") || url.starts_with("https://")) => {
            Err(LaowuError::InvalidInput {
                field: "server".into(),
                reason: "must start with http:// or https://".into(),
            })
        }
        _ => Ok(()),
    }
}

/// For calls made with the session: the server refusing the session (after
/// a refresh was tried) means signing in again.
fn session(e: AppError) -> LaowuError {
    match e {
        AppError::Sync(SyncError::Server { status: 401, .. }) => LaowuError::NotSignedIn,
        e => e.into(),
    }
}

#[uniffi::export]
impl LaowuStore {
    /// Asks the server to text a code to `mobile`, for registering or for a
    /// password reset, and remembers `server` (`None`: the server used last).
    /// Needs the `registration` grant (`ConsentRequired` otherwise): the
    /// number leaves the phone only under it. Returns the server's URL.
    /// Blocks until the server answers: call off the main thread.
    pub fn request_code(
        &self,
        server: Option<String>,
        mobile: String,
        purpose: CodePurpose,
        at_ms: i64,
    ) -> Result<String, LaowuError> {
        check_server(server.as_deref())?;
        let _one = self.server_call();
        Ok(self
            .phone
            .request_code(server.as_deref(), &mobile, purpose.into(), at_ms)?)
    }

    /// Registers with the code from the SMS, signs in and registers this
    /// phone's device key. A wrong code is `ServerRefused` with field `code`.
    /// Blocks until the server answers: call off the main thread.
    pub fn register_account(
        &self,
        server: Option<String>,
        mobile: String,
        code: String,
        password: String,
        at_ms: i64,
    ) -> Result<ServerAccount, LaowuError> {
        check_server(server.as_deref())?;
        let password = zeroize::Zeroizing::new(password);
        let _one = self.server_call();
        Ok(self
            .phone
            .register_account(server.as_deref(), &mobile, &code, &password, at_ms)?
            .into())
    }

    /// Signs in with the mobile number and password (a wrong one is
    /// `ServerRefused` with code `unauthorised`).
    /// Blocks until the server answers: call off the main thread.
    pub fn login(
        &self,
        server: Option<String>,
        mobile: String,
        password: String,
        at_ms: i64,
    ) -> Result<ServerAccount, LaowuError> {
        check_server(server.as_deref())?;
        let password = zeroize::Zeroizing::new(password);
        let _one = self.server_call();
        Ok(self
            .phone
            .login(server.as_deref(), &mobile, &password, at_ms)?
            .into())
    }

    /// Sets a new password with a reset code from the SMS; this phone's
    /// session ends (log in again).
    /// Blocks until the server answers: call off the main thread.
    pub fn reset_password(
        &self,
        server: Option<String>,
        mobile: String,
        code: String,
        new_password: String,
        at_ms: i64,
    ) -> Result<(), LaowuError> {
        check_server(server.as_deref())?;
        let new_password = zeroize::Zeroizing::new(new_password);
        let _one = self.server_call();
        Ok(self
            .phone
            .reset_password(server.as_deref(), &mobile, &code, &new_password, at_ms)?)
    }

    /// Pushes everything waiting (exactly once, in batches, retrying with
    /// backoff) and pulls sites, decisions, the policy and the server's time.
    /// `NotSignedIn` before an account is registered or after the session
    /// ended; `Offline` when the server cannot be reached (what was not
    /// pushed stays in the outbox). `device_ms` is the wall clock and
    /// `elapsed_ms` the time since boot, as for a check-in.
    /// Blocks, possibly for many seconds: call off the main thread.
    pub fn sync(
        &self,
        options: SyncOptions,
        device_ms: i64,
        elapsed_ms: i64,
    ) -> Result<SyncReport, LaowuError> {
        let _one = self.server_call();
        self.phone
            .sync(&(&options).into(), device_ms, elapsed_ms)
            .map(SyncReport::from)
            .map_err(session)
    }

    /// The server, the session, the outbox and the refusals, read on the
    /// phone: no request, and it does not wait for a sync in progress (it
    /// sees what that sync has written so far).
    pub fn sync_status(&self) -> Result<SyncStatus, LaowuError> {
        let link = self.phone.server_link()?;
        let outbox = self
            .phone
            .outbox_len(link.as_ref().unwrap_or(&Link::default()))?;
        let refusals = self
            .phone
            .sync_refusals()?
            .into_iter()
            .map(SyncRefusal::from)
            .collect();
        let auth = link.as_ref().and_then(|l| l.auth.as_ref());
        Ok(SyncStatus {
            server: link.as_ref().map(|l| l.server.clone()),
            signed_in: auth.is_some(),
            account_id: auth.map(|a| a.account_id.clone()),
            role: auth.map(|a| a.role.clone()),
            device_id: auth.and_then(|a| a.device_id.clone()),
            server_key_pinned: link.as_ref().is_some_and(|l| l.server_key.is_some()),
            policy_offered: link.as_ref().and_then(|l| l.offered_policy.clone()),
            outbox,
            refusals,
        })
    }

    /// Every check-in and make-up request at `site` on `date` (YYYY-MM-DD),
    /// for the site's supervisor (a worker gets `ServerRefused` `forbidden`).
    /// Blocks until the server answers: call off the main thread.
    pub fn supervisor_day(
        &self,
        site: String,
        date: String,
        at_ms: i64,
    ) -> Result<SupervisorDay, LaowuError> {
        let _one = self.server_call();
        self.phone
            .supervisor_day(&site, &date, at_ms)
            .map(SupervisorDay::from)
            .map_err(session)
    }

    /// Approves or rejects a field check-in or make-up request; the worker's
    /// phone receives it at its next sync.
    /// Blocks until the server answers: call off the main thread.
    pub fn supervisor_decide(
        &self,
        event_id: String,
        approved: bool,
        note: Option<String>,
        at_ms: i64,
    ) -> Result<SupervisorDecision, LaowuError> {
        let _one = self.server_call();
        self.phone
            .supervisor_decide(&event_id, approved, note.as_deref(), at_ms)
            .map(SupervisorDecision::from)
            .map_err(session)
    }

    /// The month's (YYYY-MM) attendance at `site` as CSV, for wages.
    /// Blocks until the server answers: call off the main thread.
    pub fn supervisor_export(
        &self,
        site: String,
        month: String,
        at_ms: i64,
    ) -> Result<String, LaowuError> {
        let _one = self.server_call();
        self.phone
            .supervisor_export(&site, &month, at_ms)
            .map_err(session)
    }
}

impl LaowuStore {
    /// Serialises the calls that read and rewrite the server link, so two
    /// threads (a background sync and a screen) do not lose each other's
    /// session or cursors.
    fn server_call(&self) -> MutexGuard<'_, ()> {
        self.server_calls
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_addresses_are_servers() {
        assert!(check_server(None).is_ok());
        assert!(check_server(Some("http://127.0.0.1:8080")).is_ok());
        assert!(check_server(Some(" https://laowu.example ")).is_ok());
        for bad in ["", "laowu.example", "ftp://laowu.example", "file:///etc"] {
            assert!(
                matches!(check_server(Some(bad)), Err(LaowuError::InvalidInput { field, .. }) if field == "server"),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_refused_session_means_signing_in_again() {
        let refused = || {
            AppError::Sync(SyncError::Server {
                status: 401,
                code: "unauthorised".into(),
                field: None,
                message: "the session has ended".into(),
                retry_after_s: None,
            })
        };
        assert!(matches!(session(refused()), LaowuError::NotSignedIn));
        assert!(matches!(
            LaowuError::from(refused()),
            LaowuError::ServerRefused { status: 401, .. }
        ));
    }
}
