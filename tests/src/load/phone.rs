//! One simulated phone: the real core on its own directory, with consent
//! given, a site, and an account registered with the code from `sms.log`.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use laowu_core::app::Phone;
use laowu_core::store::SoftwareVault;
use laowu_protocol::CodePurpose;

use super::LoadError;
use crate::sensors::now_ms;
use crate::sms;

const PASSWORD: &str = "load-test-password";
/// The server writes the code before it answers, but a shared file on
/// another machine may lag: look a few times before giving up.
const CODE_LOOKS: u32 = 50;

/// A made-up mobile number: `run` keeps numbers of runs apart on a server
/// that keeps its accounts, `i` keeps phones apart (below 10,000).
pub fn number(run: u32, i: usize) -> String {
    format!("13{:05}{i:04}", run % 100_000)
}

/// A phone signed in to `url` (whose codes land in `sms_log`).
pub fn register(home: &Path, url: &str, sms_log: &Path, number: &str) -> Result<Phone, LoadError> {
    let step = "registering a phone";
    std::fs::create_dir_all(home).map_err(|e| LoadError::run(step, e))?;
    let vault = SoftwareVault::open_or_create(home).map_err(|e| LoadError::run(step, e))?;
    let phone = crate::phone::at_site(home, Arc::new(vault), now_ms())
        .map_err(|e| LoadError::run(step, e))?;
    phone
        .request_code(Some(url), number, CodePurpose::Register, now_ms())
        .map_err(|e| LoadError::run("asking the server for a registration code", e))?;
    let code = (0..CODE_LOOKS)
        .find_map(|look| {
            if look > 0 {
                std::thread::sleep(Duration::from_millis(20));
            }
            sms::code_for(sms_log, number)
        })
        .ok_or_else(|| {
            LoadError::run(
                "reading the registration code",
                format!("no code for the phone in {}", sms_log.display()),
            )
        })?;
    phone
        .register_account(None, number, &code, PASSWORD, now_ms())
        .map_err(|e| LoadError::run("registering the account", e))?;
    Ok(phone)
}

/// Records one check-in at the site.
pub fn check_in(phone: &Phone) -> Result<(), LoadError> {
    let done = crate::phone::check_in_at_site(phone, now_ms())
        .map_err(|e| LoadError::run("checking in", e))?;
    match done.event {
        Some(_) => Ok(()),
        None => Err(LoadError::run("checking in", "no event was recorded")),
    }
}
