//! Each command: open what it needs, call the core, describe the result.

use std::path::Path;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use laowu_core::app::Phone;
use laowu_core::consent::Policy;
use laowu_core::store::{
    DB_FILE, DataCategory, OpenMode, Record, RecordId, SoftwareVault, Store, StoreError,
};
use serde_json::{Map, Value, json};

use crate::args::{AccountCommand, Cli, Command, PolicyCommand, PrivacyCommand, RecordCommand};
use crate::failure::Failure;
use crate::output::Report;

pub fn run(cli: &Cli) -> Result<Report, Failure> {
    let home = cli.home.as_path();
    let policy = || crate::policy::load(cli.policy.as_deref());
    let open = |home: &Path| -> Result<Phone, Failure> { open(home, policy()?) };
    match &cli.command {
        Command::Init => init(home),
        Command::Status => status(home, &open),
        Command::Shred { category } => shred(open(home)?, parse_category(category)?),
        Command::Record(cmd) => record(&open, home, cmd),
        Command::Policy(PolicyCommand::Show { file, text }) => {
            crate::policy::show(file.as_deref(), *text)
        }
        Command::Consent(cmd) => crate::consent::run(&open(home)?, cmd),
        Command::Disclosures { format } => crate::disclosures::run(format, policy),
        Command::Sdk(cmd) => crate::ledger::sdk(&open(home)?, cmd),
        Command::Ledger(cmd) => crate::ledger::run(&open(home)?, cmd),
        Command::Site(cmd) => crate::attendance::site(&open(home)?, cmd),
        Command::Checkin(args) => crate::attendance::checkin(&open(home)?, args),
        Command::History => crate::attendance::history(&open(home)?),
        Command::Makeup(cmd) => crate::attendance::makeup(&open(home)?, cmd),
        Command::Review {
            id,
            approve,
            reject: _,
            note,
        } => crate::attendance::review(&open(home)?, id, *approve, note.as_deref()),
        Command::Attendance(cmd) => crate::attendance::attendance(&open(home)?, cmd),
        Command::Identity(cmd) => crate::identity::identity(&open(home)?, cmd),
        Command::Account(AccountCommand::Delete) => {
            crate::identity::delete_account(&open(home)?, home)
        }
        Command::Account(AccountCommand::DeletionStatus) => crate::server::deletion_status(home),
        Command::Account(cmd) => crate::server::account(&open(home)?, cli.server.as_deref(), cmd),
        Command::Sync(args) => crate::server::sync(&open(home)?, cli.server.as_deref(), args),
        Command::Supervisor(cmd) => crate::server::supervisor(&open(home)?, cmd),
        Command::Demo { keep } => crate::demo::run(keep.as_deref(), cli.json),
        Command::Calendar(cmd) => crate::identity::calendar(&open(home)?, cmd),
        Command::QuickLogin(cmd) => crate::identity::quick_login(&open(home)?, cmd),
        Command::Privacy(PrivacyCommand::Export) => {
            let doc = open(home)?.export(now_ms())?;
            Ok(Report {
                text: serde_json::to_string_pretty(&doc).expect("JSON always prints"),
                json: doc,
            })
        }
    }
}

pub fn parse_category(s: &str) -> Result<DataCategory, Failure> {
    s.parse().map_err(|e: laowu_core::store::UnknownCategory| {
        Failure::invalid("category", e.to_string())
    })
}

/// Opens an existing phone: its vault is never created here, so a missing
/// `vault.key` is reported rather than silently replaced.
fn open(home: &Path, policy: Policy) -> Result<Phone, Failure> {
    let vault = Arc::new(SoftwareVault::open(home));
    let phone = Phone::open(home, vault, OpenMode::Existing, policy)?;
    Ok(phone.with_channel("cli"))
}

fn init(home: &Path) -> Result<Report, Failure> {
    let vault = if home.join(DB_FILE).exists() {
        SoftwareVault::open(home)
    } else {
        SoftwareVault::open_or_create(home).map_err(|e| StoreError::Io {
            reason: format!("cannot create the vault key ({})", e.kind()),
        })?
    };
    let store = Store::open(home, Arc::new(vault), OpenMode::Create)?;
    let mut report = describe(&store)?;
    report.text = format!("initialised {}\n{}", home.display(), report.text);
    Ok(report)
}

fn status(home: &Path, open: &dyn Fn(&Path) -> Result<Phone, Failure>) -> Result<Report, Failure> {
    if !home.join(DB_FILE).exists() {
        return Ok(Report {
            json: json!({
                "home": home.display().to_string(),
                "initialised": false,
                "store": Value::Null,
                "schema_version": Value::Null,
                "categories": categories(|_| false),
            }),
            text: format!("no store in {} yet: run `laowu init`", home.display()),
        });
    }
    describe(open(home)?.store())
}

fn describe(store: &Store) -> Result<Report, Failure> {
    let status = store.status()?;
    let present = |c| status.keys.iter().any(|&(k, p)| k == c && p);
    let mut text = format!(
        "store: {}\nschema version: {}\n",
        status.path.display(),
        status.schema_version
    );
    for c in DataCategory::ALL {
        let state = if present(c) { "present" } else { "absent" };
        text.push_str(&format!("key {c}: {state}\n"));
    }
    Ok(Report {
        json: json!({
            "home": store.dir().display().to_string(),
            "initialised": true,
            "store": status.path.display().to_string(),
            "schema_version": status.schema_version,
            "categories": categories(present),
        }),
        text,
    })
}

fn categories(present: impl Fn(DataCategory) -> bool) -> Value {
    let map: Map<String, Value> = DataCategory::ALL
        .into_iter()
        .map(|c| (c.as_str().to_string(), json!({"key_present": present(c)})))
        .collect();
    Value::Object(map)
}

fn shred(phone: Phone, category: DataCategory) -> Result<Report, Failure> {
    let removed = phone.store().shred(category)?;
    Ok(Report {
        json: json!({"category": category.as_str(), "rows_removed": removed, "key_present": false}),
        text: format!("shredded {category}: {removed} rows removed, key destroyed"),
    })
}

fn record(
    open: &dyn Fn(&Path) -> Result<Phone, Failure>,
    home: &Path,
    cmd: &RecordCommand,
) -> Result<Report, Failure> {
    match cmd {
        RecordCommand::Put {
            purpose,
            category,
            kind,
            value,
            at_ms,
            lookup,
        } => {
            let category = parse_category(category)?;
            let at_ms = at_ms.unwrap_or_else(now_ms);
            let id = open(home)?.put(purpose, category, kind, value.as_bytes(), at_ms, *lookup)?;
            Ok(Report {
                json: json!({"id": id.as_str(), "purpose": purpose, "category": category.as_str(), "kind": kind, "at_ms": at_ms}),
                text: id.to_string(),
            })
        }
        RecordCommand::Get { id } => {
            let id = RecordId::parse(id)?;
            match open(home)?.store().get_record(&id)? {
                Some(r) => Ok(Report {
                    text: record_line(&r),
                    json: record_json(&r),
                }),
                None => Err(Failure {
                    exit: crate::failure::EXIT_INVALID,
                    code: "not_found",
                    field: Some("id".into()),
                    message: "no record with this id".into(),
                }),
            }
        }
        RecordCommand::List { category } => {
            let category = parse_category(category)?;
            let records = open(home)?.store().list_records(category)?;
            Ok(records_report(category, &records))
        }
        RecordCommand::Find {
            category,
            kind,
            value,
        } => {
            let category = parse_category(category)?;
            let records = open(home)?
                .store()
                .find_records(category, kind, value.as_bytes())?;
            Ok(records_report(category, &records))
        }
    }
}

fn records_report(category: DataCategory, records: &[Record]) -> Report {
    Report {
        json: json!({
            "category": category.as_str(),
            "records": records.iter().map(record_json).collect::<Vec<_>>(),
        }),
        text: records
            .iter()
            .map(record_line)
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

fn record_json(r: &Record) -> Value {
    json!({
        "id": r.id.as_str(),
        "category": r.category.as_str(),
        "kind": r.kind,
        "value": String::from_utf8_lossy(&r.value),
        "at_ms": r.at_ms,
    })
}

fn record_line(r: &Record) -> String {
    format!(
        "{}\t{}\t{}\t{}\t{}",
        r.id,
        r.category,
        r.kind,
        r.at_ms,
        String::from_utf8_lossy(&r.value)
    )
}

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
