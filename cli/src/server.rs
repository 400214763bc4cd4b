//! Commands that talk to the server: the account, sync, and a supervisor's
//! review. The core makes every request; this file only shapes the output.

use laowu_core::app::{Phone, SignedIn, china_date};
use laowu_core::sync::SyncOptions;
use laowu_protocol::{CodePurpose, DayView, ReviewState};
use serde_json::json;

use crate::args::{AccountCommand, SupervisorCommand, SyncArgs};
use crate::commands::now_ms;
use crate::failure::Failure;
use crate::output::Report;

pub fn account(
    phone: &Phone,
    server: Option<&str>,
    cmd: &AccountCommand,
) -> Result<Report, Failure> {
    let now = now_ms();
    match cmd {
        AccountCommand::Register { phone: number } => {
            let server = phone.request_code(server, number, CodePurpose::Register, now)?;
            Ok(Report {
                text: format!("a registration code was sent by SMS (server {server})"),
                json: json!({"sent": true, "purpose": "register", "server": server}),
            })
        }
        AccountCommand::Verify {
            phone: number,
            code,
            password,
        } => signed_in(
            phone.register_account(server, number, code, password, now)?,
            "registered",
        ),
        AccountCommand::Login {
            phone: number,
            password,
        } => signed_in(phone.login(server, number, password, now)?, "signed in"),
        AccountCommand::ResetPassword {
            phone: number,
            code: None,
            ..
        } => {
            let server = phone.request_code(server, number, CodePurpose::Reset, now)?;
            Ok(Report {
                text: format!("a reset code was sent by SMS (server {server})"),
                json: json!({"sent": true, "purpose": "reset", "server": server}),
            })
        }
        AccountCommand::ResetPassword {
            phone: number,
            code: Some(code),
            new_password,
        } => {
            let new_password = new_password.as_deref().unwrap_or_default();
            phone.reset_password(server, number, code, new_password, now)?;
            Ok(Report {
                text: "password changed; sign in again with account login".into(),
                json: json!({"reset": true}),
            })
        }
        AccountCommand::Delete | AccountCommand::DeletionStatus => {
            unreachable!("handled without a phone session")
        }
    }
}

fn signed_in(s: SignedIn, what: &str) -> Result<Report, Failure> {
    Ok(Report {
        text: format!(
            "{what}: account {} ({}) on {}, device {}",
            s.account_id,
            s.role,
            s.server,
            s.device_id.as_deref().unwrap_or("-")
        ),
        json: json!({
            "server": s.server,
            "account_id": s.account_id,
            "role": s.role,
            "device_id": s.device_id,
        }),
    })
}

pub fn sync(phone: &Phone, server: Option<&str>, args: &SyncArgs) -> Result<Report, Failure> {
    if server.is_some() {
        return Err(Failure::invalid(
            "server",
            "sync uses the server the phone signed in to; sign in again to switch",
        ));
    }
    if args.status {
        return status(phone);
    }
    let options = SyncOptions {
        batch_size: args.batch_size,
        max_attempts: args.max_attempts.max(1),
        base_delay_ms: args.base_delay_ms,
        ..SyncOptions::default()
    };
    let r = phone.sync(&options, now_ms(), now_ms())?;
    Ok(Report {
        text: format!(
            "pushed {} new, {} already there, {} refused; outbox {}; pulled {} site(s), {} decision(s){}{}",
            r.accepted,
            r.duplicates,
            r.refused,
            r.outbox,
            r.sites,
            r.decisions,
            if r.time_anchored {
                "; clock anchored to the server"
            } else {
                ""
            },
            r.policy_offered
                .as_deref()
                .map(|v| format!("; policy {v} offered: review it with `policy show`"))
                .unwrap_or_default()
        ),
        json: serde_json::to_value(&r).expect("a report always serialises"),
    })
}

fn status(phone: &Phone) -> Result<Report, Failure> {
    let link = phone.server_link()?;
    let outbox = match &link {
        Some(link) => phone.outbox_len(link)?,
        None => phone.outbox_len(&Default::default())?,
    };
    let refusals = phone.sync_refusals()?;
    Ok(Report {
        text: format!(
            "server {}; {}; outbox {outbox}; {} refused item(s)",
            link.as_ref().map(|l| l.server.as_str()).unwrap_or("none"),
            if link.as_ref().is_some_and(|l| l.auth.is_some()) {
                "signed in"
            } else {
                "not signed in"
            },
            refusals.len()
        ),
        json: json!({
            "server": link.as_ref().map(|l| l.server.clone()),
            "signed_in": link.as_ref().is_some_and(|l| l.auth.is_some()),
            "role": link.as_ref().and_then(|l| l.auth.as_ref()).map(|a| a.role.clone()),
            "outbox": outbox,
            "refusals": refusals,
        }),
    })
}

pub fn supervisor(phone: &Phone, cmd: &SupervisorCommand) -> Result<Report, Failure> {
    let now = now_ms();
    match cmd {
        SupervisorCommand::Day { site, date } => {
            let date = match date {
                Some(d) => d.clone(),
                None => china_date(now)?.to_string(),
            };
            let day = phone.supervisor_day(site, &date, now)?;
            Ok(Report {
                text: day_text(&day),
                json: serde_json::to_value(&day).expect("a day always serialises"),
            })
        }
        SupervisorCommand::Approve { id, note } | SupervisorCommand::Reject { id, note } => {
            let approved = matches!(cmd, SupervisorCommand::Approve { .. });
            let d = phone.supervisor_decide(id, approved, note.as_deref(), now)?;
            Ok(Report {
                text: format!(
                    "{} {}: the worker's phone receives it at its next sync",
                    if approved { "approved" } else { "rejected" },
                    d.event_id
                ),
                json: serde_json::to_value(&d).expect("a decision always serialises"),
            })
        }
        SupervisorCommand::Export { site, month, out } => {
            let csv = phone.supervisor_export(site, month, now)?;
            let rows = csv.lines().count().saturating_sub(1);
            match out {
                Some(path) => {
                    std::fs::write(path, &csv).map_err(|e| {
                        Failure::invalid("out", format!("cannot write the file ({})", e.kind()))
                    })?;
                    Ok(Report {
                        text: format!("{rows} row(s) written to {}", path.display()),
                        json: json!({"rows": rows, "file": path.display().to_string()}),
                    })
                }
                None => Ok(Report {
                    json: json!({"rows": rows, "csv": csv}),
                    text: csv,
                }),
            }
        }
    }
}

fn day_text(day: &DayView) -> String {
    let mut lines = vec![format!(
        "{} on {}: {} worker(s), {} entr(ies), {} pending",
        day.site,
        day.date,
        day.workers,
        day.entries.len(),
        day.pending
    )];
    for e in &day.entries {
        let review = match e.review {
            ReviewState::None => "",
            ReviewState::Pending => " [pending review]",
            ReviewState::Approved => " [approved]",
            ReviewState::Rejected => " [rejected]",
        };
        lines.push(format!(
            "  {}  {} {} {} {}{}{}{}",
            e.event_id,
            e.worker_name.as_deref().unwrap_or(&e.worker),
            e.kind,
            e.punch.as_deref().unwrap_or("-"),
            e.verdict.as_deref().unwrap_or("-"),
            if e.anomalies.is_empty() {
                String::new()
            } else {
                format!(" ({})", e.anomalies.join(", "))
            },
            e.reason
                .as_deref()
                .map(|r| format!(" reason: {r}"))
                .unwrap_or_default(),
            review
        ));
    }
    lines.join("\n")
}

/// Where the server's receipt for a deletion request is kept, beside the request.
const RECEIPT_FILE: &str = "deletion-receipt.json";

#[derive(serde::Serialize, serde::Deserialize)]
struct KeptReceipt {
    server: String,
    request_id: Option<String>,
    deadline: Option<String>,
}

/// Gives the signed request left in `home` to `server`, and remembers the
/// server (and its receipt, once given) for `account deletion-status`.
pub fn hand_over_deletion(
    home: &std::path::Path,
    server: &str,
) -> Result<laowu_protocol::DeletionReceipt, Failure> {
    let write = |kept: &KeptReceipt| {
        let _ = std::fs::write(
            home.join(RECEIPT_FILE),
            serde_json::to_vec_pretty(kept).expect("a receipt always serialises"),
        );
    };
    write(&KeptReceipt {
        server: server.to_string(),
        request_id: None,
        deadline: None,
    });
    let request = std::fs::read_to_string(home.join(laowu_core::app::DELETION_REQUEST_FILE))
        .map_err(|e| {
            Failure::invalid("home", format!("no deletion request here ({})", e.kind()))
        })?;
    let receipt = laowu_core::app::submit_deletion(server, &request)?;
    write(&KeptReceipt {
        server: server.to_string(),
        request_id: Some(receipt.request_id.clone()),
        deadline: Some(receipt.deadline.clone()),
    });
    Ok(receipt)
}

pub fn deletion_status(home: &std::path::Path) -> Result<Report, Failure> {
    let kept: KeptReceipt = std::fs::read(home.join(RECEIPT_FILE))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(|| {
            Failure::invalid("home", "no deletion was handed to a server from this phone")
        })?;
    let request_id = match kept.request_id {
        Some(id) => id,
        None => hand_over_deletion(home, &kept.server)?.request_id,
    };
    let status = laowu_core::app::deletion_status(&kept.server, &request_id)?;
    Ok(Report {
        text: match &status.certificate {
            Some(c) => format!(
                "deleted by the server on {} ms (deadline {}): {} attendance record(s) anonymised for wages, {} row(s) deleted; certificate signed",
                c.completed_at_ms, c.deadline, c.anonymised_records, c.deleted_records
            ),
            None => format!("queued at the server; deadline {}", status.deadline),
        },
        json: serde_json::to_value(&status).expect("a status always serialises"),
    })
}
