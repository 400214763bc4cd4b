//! Sync: push the outbox in batches, then pull what the server decided.
//!
//! Exactly once, through bad networks: every item keeps the key it was
//! created with, and is marked synced only after the server's answer names
//! it accepted or duplicate. A sync killed at any point leaves the items it
//! had not heard back about pending; resending them makes the server answer
//! `duplicate`, never store them twice.

use std::collections::HashMap;
use std::thread::sleep;

use laowu_protocol::{
    ItemStatus, OutboxItem, PullRequest, PullResponse, PushRequest, PushResponse, Stream,
};
use ring::rand::{SecureRandom, SystemRandom};
use serde::Serialize;

use super::attendance::{EVENT_KIND, FIX_KIND};
use super::device_key::DeviceKey;
use super::server_link::post;
use super::{AppError, Phone};
use crate::attendance::{Event, EventBody, FixDetail};
use crate::identity::profile::{
    BANK_CARD_KIND, BANK_HOLDER_KIND, COMPANY_KIND, ID_PATH_KIND, REGISTRATION_KIND,
};
use crate::ledger::LedgerQuery;
use crate::store::{DataCategory, RecordId, SyncState};
use crate::sync::{Backoff, Link, SyncError, SyncOptions};

const REFUSAL_KIND: &str = "sync.refusal";

/// What the outbox holds, by stream: (category, kind) of each record kind.
const RECORD_STREAMS: &[(Stream, DataCategory, &str)] = &[
    (Stream::Attendance, DataCategory::Location, EVENT_KIND),
    (Stream::Consent, DataCategory::Consent, super::RECEIPT_KIND),
    (Stream::Identity, DataCategory::Identity, REGISTRATION_KIND),
    (Stream::Identity, DataCategory::Identity, ID_PATH_KIND),
    (Stream::Identity, DataCategory::Financial, BANK_CARD_KIND),
    (Stream::Identity, DataCategory::Identity, BANK_HOLDER_KIND),
    (Stream::Identity, DataCategory::Identity, COMPANY_KIND),
];

/// What one sync did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    /// Items the server stored now.
    pub accepted: u64,
    /// Items it already had (a resend after a lost answer).
    pub duplicates: u64,
    /// Items it refused for good (see `refusals`).
    pub refused: u64,
    /// Pushes sent (batches, counting retries).
    pub requests: u64,
    /// Items still waiting (0 after a complete sync).
    pub outbox: u64,
    /// Sites added or changed by the pull.
    pub sites: u64,
    /// Supervisors' decisions applied.
    pub decisions: u64,
    /// Whether the server's time token was taken as the time anchor.
    pub time_anchored: bool,
    /// A newer policy version the server offers, to review and accept.
    pub policy_offered: Option<String>,
}

/// An item the server refused, as recorded on the phone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Refusal {
    pub key: String,
    pub stream: String,
    pub code: String,
    pub reason: String,
    pub at_ms: i64,
}

/// Where an outbox item came from, to mark it after the answer.
enum Source {
    Record(RecordId),
    Ledger(u64),
}

impl Phone {
    /// Pushes everything pending and pulls. `elapsed_ms` is the time since
    /// boot, for anchoring trusted time to the server's token.
    pub fn sync(
        &self,
        options: &SyncOptions,
        now_ms: i64,
        elapsed_ms: i64,
    ) -> Result<SyncReport, AppError> {
        let mut link = self.link_for(None)?;
        let auth = link.auth.clone().ok_or(SyncError::NoSession)?;
        let device_id = auth.device_id.ok_or(SyncError::NoSession)?;
        let key = DeviceKey::load_or_create(&self.store)?;
        let mut report = SyncReport::default();
        let mut backoff = Backoff::new(options.base_delay_ms, options.max_delay_ms);
        loop {
            let (items, sources) =
                self.next_batch(&key, &link, options.batch_size.clamp(1, 500))?;
            if items.is_empty() {
                break;
            }
            let request = PushRequest {
                device_id: device_id.clone(),
                items,
            };
            let answer: PushResponse =
                self.with_retries(options, &mut backoff, &mut report, || {
                    self.authed(&mut link, now_ms, post("/v1/sync/push", &request))
                })?;
            self.apply_push(&request, &answer, sources, &mut link, &mut report, now_ms)?;
        }
        report.outbox = self.outbox_len(&link)?;
        let nonce = random_hex()?;
        let pull = PullRequest {
            since: link.decision_cursor,
            nonce: nonce.clone(),
        };
        let pulled: PullResponse = self.with_retries(options, &mut backoff, &mut report, || {
            self.authed(&mut link, now_ms, post("/v1/sync/pull", &pull))
        })?;
        self.apply_pull(&pulled, &nonce, &mut link, &mut report, now_ms, elapsed_ms)?;
        self.save_link(&link, now_ms)?;
        Ok(report)
    }

    /// How many items wait for the server.
    pub fn outbox_len(&self, link: &Link) -> Result<u64, AppError> {
        let kinds: Vec<(DataCategory, &str)> =
            RECORD_STREAMS.iter().map(|(_, c, k)| (*c, *k)).collect();
        let ledger = self
            .store
            .ledger_entries(&LedgerQuery::seqs(link.ledger_cursor + 1..))?
            .len() as u64;
        Ok(self.store.pending_count(&kinds)? + ledger)
    }

    /// Items the server refused, oldest first.
    pub fn sync_refusals(&self) -> Result<Vec<Refusal>, AppError> {
        self.store
            .internal_records(DataCategory::Device, REFUSAL_KIND)?
            .iter()
            .map(|r| {
                serde_json::from_slice(&r.value)
                    .map_err(|_| super::attendance::corrupt("a sync refusal"))
            })
            .collect()
    }

    fn with_retries<T>(
        &self,
        options: &SyncOptions,
        backoff: &mut Backoff,
        report: &mut SyncReport,
        mut call: impl FnMut() -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            report.requests += 1;
            match call() {
                Ok(value) => {
                    backoff.reset();
                    return Ok(value);
                }
                Err(AppError::Sync(e)) if e.is_retryable() && attempt < options.max_attempts => {
                    log::debug!("sync: attempt {attempt} failed ({e}); backing off");
                    sleep(backoff.next_delay(e.retry_after_s()));
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// The next items in creation order: attendance events with their fixes,
    /// consent receipts, identity changes, then ledger entries.
    fn next_batch(
        &self,
        key: &DeviceKey,
        link: &Link,
        size: usize,
    ) -> Result<(Vec<OutboxItem>, Vec<Source>), AppError> {
        let kinds: Vec<(DataCategory, &str)> =
            RECORD_STREAMS.iter().map(|(_, c, k)| (*c, *k)).collect();
        let records = self.store.pending_sync(&kinds, size)?;
        let needs_fixes = records.iter().any(|r| r.kind == EVENT_KIND);
        let fixes: HashMap<String, String> = if needs_fixes {
            self.store
                .records_of_kind(DataCategory::Location, FIX_KIND)?
                .into_iter()
                .filter_map(|r| {
                    let text = String::from_utf8(r.value.to_vec()).ok()?;
                    Some((FixDetail::digest_of(&r.value), text))
                })
                .collect()
        } else {
            HashMap::new()
        };
        let mut items = Vec::with_capacity(records.len());
        let mut sources = Vec::with_capacity(records.len());
        for record in records {
            let stream = RECORD_STREAMS
                .iter()
                .find(|(_, c, k)| *c == record.category && *k == record.kind)
                .map(|(s, _, _)| *s)
                .expect("pending_sync returns only the kinds asked for");
            let (item_key, payload, detail) = match stream {
                Stream::Attendance => {
                    let event: Event = serde_json::from_slice(&record.value)
                        .map_err(|_| super::attendance::corrupt("an attendance event"))?;
                    let detail = match &event.body {
                        EventBody::CheckIn(c) => fixes.get(&c.fix_digest).cloned(),
                        EventBody::Makeup(_) => None,
                    };
                    (event.id, utf8(&record.value)?, detail)
                }
                Stream::Identity => {
                    let value: serde_json::Value = serde_json::from_slice(&record.value)
                        .map_err(|_| super::attendance::corrupt("an identity record"))?;
                    let payload = serde_json::json!({
                        "kind": record.kind,
                        "at_ms": record.at_ms,
                        "record": value,
                    });
                    (record.id.to_string(), payload.to_string(), None)
                }
                _ => (record.id.to_string(), utf8(&record.value)?, None),
            };
            items.push(signed_item(key, item_key, stream, payload, detail));
            sources.push(Source::Record(record.id));
        }
        if items.len() < size {
            let room = (size - items.len()) as u64;
            let from = link.ledger_cursor + 1;
            for entry in self
                .store
                .ledger_entries(&LedgerQuery::seqs(from..from + room))?
            {
                let payload = serde_json::to_string(&entry).expect("an entry always serialises");
                let item_key = entry.hash.to_hex()[..32].to_string();
                items.push(signed_item(key, item_key, Stream::Ledger, payload, None));
                sources.push(Source::Ledger(entry.seq.get()));
            }
        }
        Ok((items, sources))
    }

    fn apply_push(
        &self,
        request: &PushRequest,
        answer: &PushResponse,
        sources: Vec<Source>,
        link: &mut Link,
        report: &mut SyncReport,
        now_ms: i64,
    ) -> Result<(), AppError> {
        if answer.results.len() != request.items.len()
            || answer
                .results
                .iter()
                .zip(&request.items)
                .any(|(r, i)| r.key != i.key)
        {
            return Err(SyncError::BadAnswer("the push answer does not match the batch").into());
        }
        let mut synced = Vec::new();
        let mut refused = Vec::new();
        let mut refusals = Vec::new();
        let mut ledger_done = link.ledger_cursor;
        for ((result, item), source) in answer.results.iter().zip(&request.items).zip(sources) {
            match result.status {
                ItemStatus::Accepted => report.accepted += 1,
                ItemStatus::Duplicate => report.duplicates += 1,
                ItemStatus::Refused => {
                    report.refused += 1;
                    refusals.push(Refusal {
                        key: item.key.clone(),
                        stream: item.stream.as_str().to_string(),
                        code: result.code.clone().unwrap_or_default(),
                        reason: result.reason.clone().unwrap_or_default(),
                        at_ms: now_ms,
                    });
                }
            }
            match source {
                Source::Record(id) if result.status == ItemStatus::Refused => refused.push(id),
                Source::Record(id) => synced.push(id),
                Source::Ledger(seq) => ledger_done = ledger_done.max(seq),
            }
        }
        // Refusals are recorded before the items leave the outbox: a crash
        // in between resends them, and the server refuses them again.
        if !refusals.is_empty() {
            let rows: Vec<Vec<u8>> = refusals
                .iter()
                .map(|r| serde_json::to_vec(r).expect("a refusal always serialises"))
                .collect();
            let records: Vec<(DataCategory, &str, &[u8])> = rows
                .iter()
                .map(|r| (DataCategory::Device, REFUSAL_KIND, r.as_slice()))
                .collect();
            self.store.put_internal_records(&records, now_ms)?;
        }
        self.store.set_sync_state(&synced, SyncState::Synced)?;
        self.store.set_sync_state(&refused, SyncState::Refused)?;
        if ledger_done != link.ledger_cursor {
            link.ledger_cursor = ledger_done;
            self.save_link(link, now_ms)?;
        }
        Ok(())
    }

    fn apply_pull(
        &self,
        pulled: &PullResponse,
        nonce: &str,
        link: &mut Link,
        report: &mut SyncReport,
        now_ms: i64,
        elapsed_ms: i64,
    ) -> Result<(), AppError> {
        match &link.server_key {
            Some(pinned) if *pinned != pulled.server_key => {
                return Err(SyncError::ServerKeyChanged.into());
            }
            Some(_) => {}
            None => link.server_key = Some(pulled.server_key.clone()),
        }
        let server_key = hex::decode(&pulled.server_key)
            .map_err(|_| SyncError::BadAnswer("the server key is not hexadecimal"))?;
        // A token the clock rules refuse (older than the time already held)
        // leaves the anchor as it was; the rest of the pull still applies.
        match self.accept_time_token(&pulled.time, &server_key, nonce, elapsed_ms) {
            Ok(_) => report.time_anchored = true,
            Err(AppError::Attendance(e)) if e.field() == "time_token.server_ms" => {
                log::warn!(
                    "sync: the server's time token was not taken ({})",
                    e.reason()
                );
            }
            Err(AppError::Attendance(_)) => {
                return Err(SyncError::BadServerSignature("time token").into());
            }
            Err(e) => return Err(e),
        }
        report.sites = self.apply_sites(&pulled.sites, now_ms)?;
        for decision in &pulled.decisions {
            let signed = laowu_protocol::Decision::signed_bytes(
                &decision.event_id,
                decision.approved,
                decision.note.as_deref(),
                decision.decided_at_ms,
            );
            if !verifies(&server_key, &signed, &decision.signature) {
                return Err(SyncError::BadServerSignature("decision").into());
            }
            match self.apply_decision(
                &decision.event_id,
                decision.approved,
                decision.note.as_deref(),
                decision.decided_at_ms,
            ) {
                Ok(()) => report.decisions += 1,
                // A decision on an event this phone no longer holds (a
                // reinstall, a withdrawal): nothing to show it on.
                Err(AppError::NotFound { .. }) => {}
                Err(e) => return Err(e),
            }
            link.decision_cursor = link.decision_cursor.max(decision.cursor);
        }
        link.decision_cursor = link.decision_cursor.max(pulled.cursor);
        if let Some(policy) = &pulled.policy {
            let signed = laowu_protocol::SignedPolicy::signed_bytes(&policy.version, &policy.text);
            if !verifies(&server_key, &signed, &policy.signature) {
                return Err(SyncError::BadServerSignature("policy").into());
            }
            if policy.version != self.gate().policy().version {
                report.policy_offered = Some(policy.version.clone());
                link.offered_policy = Some(policy.version.clone());
            }
        }
        Ok(())
    }

    /// Adds the pulled sites that are new or changed; one the phone cannot
    /// take (a name clash with a site added by hand) is skipped, not fatal.
    fn apply_sites(&self, specs: &[String], now_ms: i64) -> Result<u64, AppError> {
        let known = self.sites()?;
        let mut changed = 0;
        for text in specs {
            let Ok(spec) = crate::attendance::SiteSpec::from_json(text) else {
                log::warn!("sync: a pulled site is not a valid site spec; skipped");
                continue;
            };
            let same = known.iter().any(|s| {
                s.id() == spec.id.as_str()
                    && serde_json::to_value(s.spec()).ok() == serde_json::to_value(&spec).ok()
            });
            if same {
                continue;
            }
            match self.add_site(spec, now_ms) {
                Ok(_) => changed += 1,
                Err(AppError::InvalidInput { .. } | AppError::Attendance(_)) => {
                    log::warn!("sync: a pulled site was refused; skipped");
                }
                Err(e) => return Err(e),
            }
        }
        Ok(changed)
    }
}

fn signed_item(
    key: &DeviceKey,
    item_key: String,
    stream: Stream,
    payload: String,
    detail: Option<String>,
) -> OutboxItem {
    let signature = key.sign_hex(&OutboxItem::signed_bytes(&item_key, stream, &payload));
    OutboxItem {
        key: item_key,
        stream,
        payload,
        detail,
        signature,
    }
}

fn utf8(bytes: &[u8]) -> Result<String, AppError> {
    String::from_utf8(bytes.to_vec()).map_err(|_| super::attendance::corrupt("an outbox item"))
}

fn verifies(key: &[u8], message: &[u8], signature_hex: &str) -> bool {
    hex::decode(signature_hex).is_ok_and(|sig| {
        ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, key)
            .verify(message, &sig)
            .is_ok()
    })
}

fn random_hex() -> Result<String, AppError> {
    let mut bytes = [0u8; 16];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| SyncError::BadAnswer("no randomness for the nonce"))?;
    Ok(hex::encode(bytes))
}
