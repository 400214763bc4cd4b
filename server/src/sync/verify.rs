//! The checks on a pushed item that need no stored state: its key, the
//! device's signature over it, and for attendance the event's own hash and
//! signature and the fix it commits to. What passes is sealed for the store.

use std::collections::HashMap;

use laowu_core::attendance::{Event, EventBody};
use laowu_protocol::{OutboxItem, Stream, refusal_code};
use ring::digest::{SHA256, digest};
use ring::signature::{ED25519, UnparsedPublicKey};

use super::day::{DEFAULT_TIME_ZONE, local_date};
use crate::crypto::ServerKeys;
use crate::store::{AttendanceRow, Incoming, ItemRow};

/// An item that passed the stateless checks, before sealing.
pub enum Checked {
    Refused {
        code: &'static str,
        reason: &'static str,
        attendance: bool,
    },
    Event {
        event: Box<Event>,
        /// The event exactly as signed.
        payload: String,
        detail: Option<String>,
    },
    Other {
        key: String,
        stream: Stream,
        content_hash: Vec<u8>,
        payload: String,
    },
}

fn refused(code: &'static str, reason: &'static str, stream: Stream) -> Checked {
    Checked::Refused {
        code,
        reason,
        attendance: stream == Stream::Attendance,
    }
}

/// Keys are the phone's random ids or entry hashes: short plain tokens.
fn key_is_plain(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 64
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

pub fn check(item: OutboxItem, device_key: &[u8]) -> Checked {
    let stream = item.stream;
    if !key_is_plain(&item.key) {
        return refused(
            refusal_code::MALFORMED,
            "the key must be 1 to 64 letters, digits, '-' or '_'",
            stream,
        );
    }
    let signed = OutboxItem::signed_bytes(&item.key, stream, &item.payload);
    let signature_ok = hex::decode(&item.signature).is_ok_and(|sig| {
        UnparsedPublicKey::new(&ED25519, device_key)
            .verify(&signed, &sig)
            .is_ok()
    });
    if !signature_ok {
        return refused(
            refusal_code::BAD_SIGNATURE,
            "the item's signature does not verify under this device's key",
            stream,
        );
    }
    match stream {
        Stream::Attendance => check_event(item, device_key),
        _ => {
            if item.detail.is_some() {
                return refused(
                    refusal_code::MALFORMED,
                    "only a check-in carries a detail",
                    stream,
                );
            }
            if serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&item.payload)
                .is_err()
            {
                return refused(
                    refusal_code::MALFORMED,
                    "the payload must be a JSON object",
                    stream,
                );
            }
            Checked::Other {
                content_hash: digest(&SHA256, &signed).as_ref().to_vec(),
                key: item.key,
                stream,
                payload: item.payload,
            }
        }
    }
}

fn check_event(item: OutboxItem, device_key: &[u8]) -> Checked {
    let malformed = |reason| refused(refusal_code::MALFORMED, reason, Stream::Attendance);
    let Ok(event) = serde_json::from_str::<Event>(&item.payload) else {
        return malformed("the payload is not an attendance event");
    };
    if event.id != item.key {
        return malformed("the key is not the event's id");
    }
    if let Err(problem) = event.verify() {
        return if problem.contains("version") {
            malformed("the event has a version this server does not know")
        } else {
            refused(
                refusal_code::BAD_SIGNATURE,
                "the event's hash or signature does not verify",
                Stream::Attendance,
            )
        };
    }
    if hex::decode(&event.device_key).ok().as_deref() != Some(device_key) {
        return refused(
            refusal_code::BAD_SIGNATURE,
            "the event is signed by another device",
            Stream::Attendance,
        );
    }
    match (&event.body, &item.detail) {
        (EventBody::Makeup(_), Some(_)) => {
            return malformed("only a check-in carries a detail");
        }
        (EventBody::CheckIn(c), Some(detail))
            if hex::encode(digest(&SHA256, detail.as_bytes())) != c.fix_digest =>
        {
            return malformed("the detail is not the fix the event commits to");
        }
        _ => {}
    }
    Checked::Event {
        event: Box::new(event),
        payload: item.payload,
        detail: item.detail,
    }
}

impl Checked {
    /// The site an event is for, to look up its time zone.
    pub fn site_id(&self) -> Option<&str> {
        match self {
            Checked::Event { event, .. } => Some(match &event.body {
                EventBody::CheckIn(c) => c.site_id.as_str(),
                EventBody::Makeup(m) => m.site_id.as_str(),
            }),
            _ => None,
        }
    }

    /// Seals what the store keeps; `zones` maps known sites to their zone.
    pub fn seal(
        self,
        keys: &ServerKeys,
        device_id: &str,
        zones: &HashMap<String, String>,
    ) -> Incoming {
        match self {
            Checked::Refused {
                code,
                reason,
                attendance,
            } => Incoming::Refused {
                code,
                reason,
                attendance,
            },
            Checked::Other {
                key,
                stream,
                content_hash,
                payload,
            } => Incoming::Other(ItemRow {
                payload_sealed: keys.seal(&item_context(device_id, &key), payload.as_bytes()),
                key,
                stream: stream.as_str(),
                content_hash,
            }),
            Checked::Event {
                event,
                payload,
                detail,
            } => seal_event(keys, *event, &payload, detail, zones),
        }
    }
}

fn seal_event(
    keys: &ServerKeys,
    event: Event,
    payload: &str,
    detail: Option<String>,
    zones: &HashMap<String, String>,
) -> Incoming {
    let (site_id, kind, at_ms, needs_review, day) = match &event.body {
        EventBody::CheckIn(c) => {
            let zone = zones
                .get(&c.site_id)
                .map(String::as_str)
                .unwrap_or(DEFAULT_TIME_ZONE);
            let day = c.shift_date.or_else(|| local_date(c.at_ms, zone));
            (&c.site_id, "check_in", c.at_ms, c.needs_review, day)
        }
        // A make-up request counts for the day it makes up, and always
        // waits for a supervisor.
        EventBody::Makeup(m) => (&m.site_id, "makeup", m.filed_at_ms, true, Some(m.date)),
    };
    let Some(day) = day else {
        return Incoming::Refused {
            code: refusal_code::MALFORMED,
            reason: "the event's time is out of range",
            attendance: true,
        };
    };
    Incoming::Attendance(AttendanceRow {
        site_id: site_id.clone(),
        day: day.to_string(),
        kind,
        at_ms,
        needs_review,
        event_sealed: keys.seal(&event_context(&event.id), payload.as_bytes()),
        fix_sealed: detail.map(|d| keys.seal(&fix_context(&event.id), d.as_bytes())),
        seq: event.seq,
        prev_hash: event.prev_hash,
        event_hash: event.hash,
        event_id: event.id,
    })
}

/// Sealing contexts: a sealed value copied to another row does not open.
pub fn event_context(event_id: &str) -> String {
    format!("attendance.event:{event_id}")
}

pub fn fix_context(event_id: &str) -> String {
    format!("attendance.fix:{event_id}")
}

pub fn item_context(device_id: &str, key: &str) -> String {
    format!("items.payload:{device_id}:{key}")
}
