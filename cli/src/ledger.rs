//! `laowu sdk may-start` and `laowu ledger record|list|verify|export`.

use laowu_core::app::Phone;
use laowu_core::ledger::{Accessor, LedgerQuery, LedgerRecord};
use serde_json::json;

use crate::args::{LedgerCommand, SdkCommand};
use crate::commands::{now_ms, parse_category};
use crate::failure::Failure;
use crate::output::Report;

pub fn sdk(phone: &Phone, cmd: &SdkCommand) -> Result<Report, Failure> {
    let SdkCommand::MayStart { sdk } = cmd;
    let d = phone.may_start(sdk, now_ms())?;
    Ok(Report {
        json: json!({"sdk": sdk, "allowed": d.allowed, "purpose": d.purpose, "ledger_seq": d.seq.get()}),
        text: format!(
            "{sdk}: {} (purpose {}, ledger entry {})",
            if d.allowed {
                "may start"
            } else {
                "must not start"
            },
            d.purpose,
            d.seq
        ),
    })
}

pub fn run(phone: &Phone, cmd: &LedgerCommand) -> Result<Report, Failure> {
    match cmd {
        LedgerCommand::Record {
            accessor,
            purpose,
            category,
            detail,
        } => {
            let category = parse_category(category)?;
            let seq =
                phone.record_access(accessor, purpose, category, detail.as_deref(), now_ms())?;
            Ok(Report {
                json: json!({"ledger_seq": seq.get(), "outcome": "allowed"}),
                text: format!("recorded as ledger entry {seq}"),
            })
        }
        LedgerCommand::List { accessor, category } => {
            let mut query = LedgerQuery::all();
            if let Some(a) = accessor {
                query = query
                    .accessor(Accessor::parse(a).map_err(|e| Failure::invalid(e.field, e.reason))?);
            }
            if let Some(c) = category {
                query = query.category(parse_category(c)?);
            }
            let records = phone
                .store()
                .ledger_entries(&query)
                .map_err(laowu_core::app::AppError::from)?;
            Ok(Report {
                json: json!({"count": records.len(), "entries": records}),
                text: records.iter().map(line).collect::<Vec<_>>().join("\n"),
            })
        }
        LedgerCommand::Verify => {
            let report = phone
                .store()
                .verify_ledger()
                .map_err(laowu_core::app::AppError::from)?;
            Ok(Report {
                json: json!({"ok": true, "count": report.count, "head_hash": report.head_hash.to_hex()}),
                text: format!(
                    "ledger intact: {} entries, head {}",
                    report.count, report.head_hash
                ),
            })
        }
        LedgerCommand::Export => {
            let export = phone
                .store()
                .export_ledger()
                .map_err(laowu_core::app::AppError::from)?;
            let json = serde_json::to_value(&export).expect("an export always serialises");
            Ok(Report {
                text: serde_json::to_string_pretty(&json).expect("JSON always prints"),
                json,
            })
        }
    }
}

fn line(r: &LedgerRecord) -> String {
    let e = &r.entry;
    format!(
        "{}\t{}\t{}\t{}\t{}\tpolicy {}\t{:?}{}",
        r.seq,
        e.at_ms(),
        e.accessor().as_str(),
        e.category(),
        e.purpose(),
        e.policy_version(),
        e.outcome(),
        e.detail().map(|d| format!("\t{d}")).unwrap_or_default()
    )
}
