//! `laowu consent status|accept|withdraw`.

use std::collections::BTreeSet;

use laowu_core::app::Phone;
use laowu_core::consent::ConsentStatus;
use serde_json::json;

use crate::args::ConsentCommand;
use crate::commands::now_ms;
use crate::failure::Failure;
use crate::output::Report;

pub fn run(phone: &Phone, cmd: &ConsentCommand) -> Result<Report, Failure> {
    match cmd {
        ConsentCommand::Status => Ok(status_report(&phone.consent_status())),
        ConsentCommand::Accept { all: true, .. } => Ok(status_report(&phone.accept_all(now_ms())?)),
        ConsentCommand::Accept { purpose, .. } => {
            let granted: BTreeSet<String> = purpose.iter().cloned().collect();
            Ok(status_report(&phone.decide(&granted, now_ms())?))
        }
        ConsentCommand::Receipts => {
            let receipts = phone.receipts()?;
            let json: Vec<_> = receipts
                .iter()
                .map(|(r, valid)| json!({"receipt": r, "signature_valid": valid}))
                .collect();
            let text = receipts
                .iter()
                .map(|(r, valid)| {
                    let granted: Vec<_> = r
                        .body
                        .purposes
                        .iter()
                        .filter(|p| p.granted)
                        .map(|p| p.id.as_str())
                        .collect();
                    format!(
                        "{} {} {:?} policy {} granted [{}] signature {}",
                        r.body.receipt_id,
                        r.body.at_ms,
                        r.body.event,
                        r.body.policy_version,
                        granted.join(", "),
                        if *valid { "valid" } else { "INVALID" }
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            Ok(Report {
                json: json!({"receipts": json}),
                text,
            })
        }
        ConsentCommand::Withdraw { purpose } => {
            let w = phone.withdraw(purpose, now_ms())?;
            let shredded: Vec<_> = w
                .shredded
                .iter()
                .map(|(c, rows)| json!({"category": c.as_str(), "rows_removed": rows}))
                .collect();
            let mut report = status_report(&phone.consent_status());
            report.json["withdrawn"] = json!(w.purpose);
            report.json["shredded"] = json!(shredded);
            report.json["purpose_rows_removed"] = json!(w.purpose_rows_removed);
            let lines: Vec<_> = w
                .shredded
                .iter()
                .map(|(c, rows)| format!("shredded {c}: {rows} rows"))
                .collect();
            report.text = format!(
                "withdrew {}\n{}\n{}",
                w.purpose,
                lines.join("\n"),
                report.text
            );
            Ok(report)
        }
    }
}

fn status_report(status: &ConsentStatus) -> Report {
    let json = serde_json::to_value(status).expect("a status always serialises");
    let mut text = format!(
        "gate: {}\npolicy version {} ({})\n",
        json["state"].as_str().unwrap_or_default(),
        status.policy_version,
        status.policy_hash
    );
    for p in &status.purposes {
        text.push_str(&format!(
            "{} {}: {}{}{}\n",
            p.id,
            p.name,
            if p.granted { "granted" } else { "not granted" },
            if p.essential { ", essential" } else { "" },
            if p.needs_decision { ", to decide" } else { "" },
        ));
    }
    Report { json, text }
}
