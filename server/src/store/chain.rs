//! The rules a push's items are held to, whichever database stores them:
//! how an attendance event must follow its device's chain, and what a key
//! seen before means. The backends run the queries; this decides.

use laowu_protocol::refusal_code;

use super::{AttendanceRow, Ingested};

/// The `prev_hash` of a device's first event.
pub(super) const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The device's chain as a batch walks it.
pub(super) struct Chain {
    pub(super) seq: u64,
    pub(super) hash: String,
    /// An event was accepted: the stored head must move.
    pub(super) moved: bool,
    /// An attendance item of this batch was refused: later links cannot follow.
    broken: bool,
}

impl Chain {
    /// The chain from the stored head, or a new device's empty one.
    pub(super) fn from_head(head: Option<(u64, String)>) -> Chain {
        let (seq, hash) = head.unwrap_or_else(|| (0, GENESIS.to_string()));
        Chain {
            seq,
            hash,
            moved: false,
            broken: false,
        }
    }

    /// An item refused before reaching the store; a link of the chain
    /// breaks it for the rest of the batch.
    pub(super) fn refused_early(&mut self, attendance: bool) {
        self.broken |= attendance;
    }

    /// Whether `row`, not stored before, may be stored next: `None` if so,
    /// else its refusal.
    pub(super) fn check(&mut self, row: &AttendanceRow) -> Option<Ingested> {
        if self.broken {
            return Some(Ingested::Refused {
                code: refusal_code::AFTER_REFUSAL,
                reason: "an earlier event of this device's chain in the batch was refused",
            });
        }
        if row.seq != self.seq + 1 || row.prev_hash != self.hash {
            self.broken = true;
            return Some(Ingested::Refused {
                code: refusal_code::OUT_OF_CHAIN,
                reason: if row.seq <= self.seq {
                    "another event already holds this place in the device's chain"
                } else if row.seq > self.seq + 1 {
                    "events before this one are missing"
                } else {
                    "the event does not link to the last one accepted from this device"
                },
            });
        }
        None
    }

    /// `row` was stored: it is the new head.
    pub(super) fn accepted(&mut self, row: AttendanceRow) -> Ingested {
        self.seq = row.seq;
        self.hash = row.event_hash;
        self.moved = true;
        Ingested::Accepted
    }

    /// Storing `row` hit a unique key after all: another event holds its place.
    pub(super) fn conflicted(&mut self) -> Ingested {
        self.broken = true;
        Ingested::Refused {
            code: refusal_code::OUT_OF_CHAIN,
            reason: "another event already holds this place in the device's chain",
        }
    }
}

/// A key stored before: a resend when the content is the same, else refused.
pub(super) fn seen_before(same_content: bool) -> Ingested {
    if same_content {
        Ingested::Duplicate
    } else {
        Ingested::Refused {
            code: refusal_code::KEY_REUSED,
            reason: "this key was used before for different content",
        }
    }
}
