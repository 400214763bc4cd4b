//! What a run measured, as a table with FIGURE lines (the format
//! scripts/bench.sh collects) or as one JSON object. Server URLs and the
//! phones' numbers are left out: counts and timings only.

use serde_json::json;

use super::stats::Latency;

/// What the server holds after the run, and how that was found out.
#[derive(Clone, Debug, PartialEq)]
pub struct Stored {
    /// Check-ins stored; 0 when it cannot be told (no database at hand and
    /// items left in an outbox or refused).
    pub count: u64,
    /// Counted in the server's database (in-process runs); otherwise
    /// inferred from the phones: empty outboxes and no refusals.
    pub from_server_db: bool,
    /// Items still in the phones' outboxes.
    pub pending: u64,
    /// Items the server refused.
    pub refused: u64,
    /// Everything recorded arrived, once.
    pub ok: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub phones: usize,
    pub rounds: usize,
    pub per_round: usize,
    pub threads: usize,
    pub servers: usize,
    pub alternate: bool,
    pub in_process: bool,
    pub register_s: f64,
    /// Wall time of the sync phases only (recording is not timed).
    pub sync_s: f64,
    pub recorded: u64,
    pub stored: Stored,
    /// Items the server stored in the timed syncs: check-ins and their ledger entries.
    pub items_accepted: u64,
    /// HTTP requests of the timed syncs: pushes (with retries) and pulls.
    pub requests: u64,
    /// Sync calls that failed.
    pub errors: u64,
    pub first_error: Option<String>,
    /// Each `Phone::sync` call, whole: its pushes and the pull after them.
    pub latency: Latency,
}

impl Report {
    /// Check-ins stored per second of sync wall time.
    pub fn throughput(&self) -> f64 {
        per_second(self.stored.count, self.sync_s)
    }

    /// The run did what it should: no failed sync, everything stored.
    pub fn ok(&self) -> bool {
        self.errors == 0 && self.stored.ok
    }

    pub fn to_json(&self) -> serde_json::Value {
        let l = &self.latency;
        json!({
            "phones": self.phones,
            "rounds": self.rounds,
            "per_round": self.per_round,
            "threads": self.threads,
            "servers": self.servers,
            "alternate": self.alternate,
            "in_process": self.in_process,
            "register_s": self.register_s,
            "sync_s": self.sync_s,
            "recorded": self.recorded,
            "stored": self.stored.count,
            "stored_counted_by": if self.stored.from_server_db { "server database" } else { "phones" },
            "pending": self.stored.pending,
            "refused": self.stored.refused,
            "items_accepted": self.items_accepted,
            "requests": self.requests,
            "throughput_check_ins_per_s": self.throughput(),
            "items_per_s": per_second(self.items_accepted, self.sync_s),
            "sync_latency_ms": {
                "samples": l.samples,
                "p50": l.p50_ms,
                "p90": l.p90_ms,
                "p99": l.p99_ms,
                "max": l.max_ms,
                "mean": l.mean_ms,
            },
            "errors": self.errors,
            "first_error": self.first_error,
            "ok": self.ok(),
        })
    }

    /// The human table, then FIGURE lines.
    pub fn to_text(&self) -> String {
        let l = &self.latency;
        let target = if self.in_process {
            "1 in-process server (SQLite)".to_string()
        } else {
            format!(
                "{} server(s){}",
                self.servers,
                if self.alternate {
                    ", switching every sync"
                } else {
                    ""
                }
            )
        };
        let counted = if self.stored.from_server_db {
            "server database"
        } else {
            "phones: outboxes empty, nothing refused"
        };
        let rows = [
            ("target", target),
            (
                "load",
                format!(
                    "{} phones x {} rounds x {} check-ins, {} syncing at once",
                    self.phones, self.rounds, self.per_round, self.threads
                ),
            ),
            (
                "registration",
                format!("{:.2} s (not counted)", self.register_s),
            ),
            ("sync wall time", format!("{:.3} s", self.sync_s)),
            (
                "stored",
                format!(
                    "{} of {} check-ins ({counted})",
                    self.stored.count, self.recorded
                ),
            ),
            (
                "throughput",
                format!("{:.0} check-ins/s", self.throughput()),
            ),
            (
                "items",
                format!(
                    "{} accepted ({:.0}/s), {} requests",
                    self.items_accepted,
                    per_second(self.items_accepted, self.sync_s),
                    self.requests
                ),
            ),
            (
                "sync call latency",
                format!(
                    "p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({} calls)",
                    l.p50_ms, l.p90_ms, l.p99_ms, l.max_ms, l.samples
                ),
            ),
            ("errors", self.errors.to_string()),
            ("verified", if self.ok() { "yes" } else { "NO" }.to_string()),
        ];
        let mut out = String::new();
        for (name, value) in rows {
            out.push_str(&format!("{name:<18} {value}\n"));
        }
        if let Some(e) = &self.first_error {
            out.push_str(&format!("{:<18} {e}\n", "first error"));
        }
        let n = self.phones;
        for (name, value, unit) in [
            (
                format!("load: sync throughput, {n} phones"),
                format!("{:.0}", self.throughput()),
                "check-ins/s",
            ),
            (
                format!("load: sync call p50, {n} phones"),
                format!("{:.1}", l.p50_ms),
                "ms",
            ),
            (
                format!("load: sync call p90, {n} phones"),
                format!("{:.1}", l.p90_ms),
                "ms",
            ),
            (
                format!("load: sync call p99, {n} phones"),
                format!("{:.1}", l.p99_ms),
                "ms",
            ),
            (
                format!("load: sync call max, {n} phones"),
                format!("{:.1}", l.max_ms),
                "ms",
            ),
        ] {
            out.push_str(&format!("FIGURE\t{name}\t{value}\t{unit}\t—\t—\n"));
        }
        out
    }
}

fn per_second(count: u64, seconds: f64) -> f64 {
    if seconds > 0.0 {
        count as f64 / seconds
    } else {
        0.0
    }
}
