//! `laowu identity`, `account`, `calendar` and `quick-login`.

use std::path::Path;

use laowu_core::app::{
    BankPathInput, BiometricResult, BiometricUnlock, FaceInput, IdPathInput, Phone,
    deletion_deadline,
};
use laowu_core::identity::profile::IdentityView;
use serde_json::json;

use crate::args::{CalendarCommand, IdentityCommand, IdentitySetArgs, QuickLoginCommand};
use crate::commands::now_ms;
use crate::failure::Failure;
use crate::output::Report;

pub fn identity(phone: &Phone, cmd: &IdentityCommand) -> Result<Report, Failure> {
    let at = now_ms();
    let view = match cmd {
        IdentityCommand::Register { name, mobile } => phone.register(name, mobile, at)?,
        IdentityCommand::Set(args) => set(phone, args, at)?,
        IdentityCommand::Company { name, credit_code } => {
            phone.set_company(name, credit_code, at)?
        }
        IdentityCommand::Show => phone.identity()?,
        IdentityCommand::Correct { field, value } => phone.correct(field, value, at)?,
    };
    Ok(view_report(&view))
}

fn set(phone: &Phone, args: &IdentitySetArgs, at: i64) -> Result<IdentityView, Failure> {
    if let Some(card) = &args.bank_card {
        let input = BankPathInput {
            name: &args.name,
            bank_card: card,
            bank: args.bank.as_deref().unwrap_or_default(),
            occupation: args.occupation.as_deref().unwrap_or_default(),
            address: args.address.as_deref().unwrap_or_default(),
        };
        return Ok(phone.set_bank_path(&input, at)?);
    }
    let front = args
        .id_front
        .as_deref()
        .map(|p| read("id_front", p))
        .transpose()?;
    let back = args
        .id_back
        .as_deref()
        .map(|p| read("id_back", p))
        .transpose()?;
    let image = args
        .face_image
        .as_deref()
        .map(|p| read("face_image", p))
        .transpose()?;
    let face = match args.face_verdict.as_deref() {
        None => None,
        Some(v @ ("pass" | "fail")) => Some(FaceInput {
            passed: v == "pass",
            score: args.face_score.unwrap_or(f64::NAN),
            sdk_version: &args.face_sdk_version,
            image: image.as_deref(),
        }),
        Some(_) => return Err(Failure::invalid("face_verdict", "must be pass or fail")),
    };
    let input = IdPathInput {
        name: &args.name,
        id_number: args.id_number.as_deref().unwrap_or_default(),
        front_photo: front.as_deref(),
        back_photo: back.as_deref(),
        face,
    };
    Ok(phone.set_id_path(&input, at)?)
}

fn read(field: &str, path: &Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path)
        .map_err(|e| Failure::invalid(field, format!("cannot read the file ({})", e.kind())))
}

fn view_report(view: &IdentityView) -> Report {
    let json = serde_json::to_value(view).expect("a view always serialises");
    Report {
        text: serde_json::to_string_pretty(&json).expect("JSON always prints"),
        json,
    }
}

/// Deletes the account: the core shreds and removes the store and leaves the
/// signed request; the CLI's software vault key goes too.
pub fn delete_account(phone: &Phone, home: &Path) -> Result<Report, Failure> {
    let server = phone.server_link()?.map(|link| link.server);
    let (request, path) = phone.delete_account(now_ms())?;
    let vault = home.join("vault.key");
    if vault.exists() {
        std::fs::remove_file(&vault).map_err(|e| {
            Failure::invalid(
                "home",
                format!("cannot remove the vault key ({})", e.kind()),
            )
        })?;
    }
    let handed = server.map(|server| crate::server::hand_over_deletion(home, &server));
    let server_line = match &handed {
        Some(Ok(r)) => format!(
            "\nthe server queued it as {} (deadline {})",
            r.request_id, r.deadline
        ),
        Some(Err(f)) => format!(
            "\nthe server could not be told yet ({}): run `laowu account deletion-status` to retry",
            f.code
        ),
        None => String::new(),
    };
    let server_json = match &handed {
        Some(Ok(r)) => {
            json!({"submitted": true, "request_id": r.request_id, "deadline": r.deadline})
        }
        Some(Err(f)) => json!({"submitted": false, "code": f.code}),
        None => json!(null),
    };
    Ok(Report {
        text: format!(
            "account deleted on this phone; the server must delete it by {} ({} from {}); request in {}{server_line}",
            request.deadline,
            if request.deadline_basis == "working_days" {
                "15 working days"
            } else {
                "30 calendar days"
            },
            request.requested_on,
            path.display()
        ),
        json: json!({
            "deleted": true,
            "account_id": request.account_id,
            "requested_on": request.requested_on.to_string(),
            "deadline": request.deadline.to_string(),
            "deadline_basis": request.deadline_basis,
            "calendar_version": request.calendar_version,
            "request_file": path.display().to_string(),
            "server": server_json,
        }),
    })
}

pub fn calendar(phone: &Phone, cmd: &CalendarCommand) -> Result<Report, Failure> {
    let calendar = match cmd {
        CalendarCommand::Update { file } => {
            let text = std::fs::read_to_string(file).map_err(|e| {
                Failure::invalid("file", format!("cannot read the calendar ({})", e.kind()))
            })?;
            phone.update_calendar(&text, now_ms())?
        }
        CalendarCommand::Show { .. } => phone.calendar()?,
    };
    let from = match cmd {
        CalendarCommand::Show { from: Some(d) } => d
            .parse()
            .map_err(|_| Failure::invalid("from", "must be a date written YYYY-MM-DD"))?,
        _ => laowu_core::app::china_date(now_ms())?,
    };
    let (deadline, basis) = deletion_deadline(&calendar, from)?;
    let (first, last) = calendar.covers();
    Ok(Report {
        text: format!(
            "calendar {} covers {first} to {last}; a deletion requested on {from} is due by {deadline} ({basis})",
            calendar.version()
        ),
        json: json!({
            "version": calendar.version(),
            "covers": [first, last],
            "from": from.to_string(),
            "deletion_deadline": deadline.to_string(),
            "deadline_basis": basis,
        }),
    })
}

/// The simulated biometric prompt: answers what `--simulate` says.
struct Simulated(BiometricResult);
impl BiometricUnlock for Simulated {
    fn authenticate(&self, _title: &str) -> BiometricResult {
        self.0
    }
}

fn simulated(s: &str) -> Result<Simulated, Failure> {
    Ok(Simulated(match s {
        "pass" => BiometricResult::Passed,
        "fail" => BiometricResult::Failed,
        "unavailable" => BiometricResult::Unavailable,
        _ => {
            return Err(Failure::invalid(
                "simulate",
                "must be pass, fail or unavailable",
            ));
        }
    }))
}

pub fn quick_login(phone: &Phone, cmd: &QuickLoginCommand) -> Result<Report, Failure> {
    let (action, ok) = match cmd {
        QuickLoginCommand::Enable { simulate } => (
            "enable",
            phone.enable_quick_login(&simulated(simulate)?, now_ms())?,
        ),
        QuickLoginCommand::Login { simulate } => {
            ("login", phone.quick_login(&simulated(simulate)?, now_ms())?)
        }
        QuickLoginCommand::Disable => {
            phone.disable_quick_login()?;
            ("disable", true)
        }
    };
    let enabled = phone.quick_login_enabled()?;
    Ok(Report {
        text: format!(
            "quick login {action}: {}; enabled: {enabled}",
            if ok { "ok" } else { "refused by the prompt" }
        ),
        json: json!({"action": action, "ok": ok, "enabled": enabled}),
    })
}
