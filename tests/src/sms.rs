//! The SMS codes the server's embedded sender appends to `sms.log`, one
//! `"<phone> <code>"` line each.

use std::path::Path;

/// The newest code `sms_log` holds for a number ending in `number`; `None`
/// when the file cannot be read or holds none.
pub fn code_for(sms_log: &Path, number: &str) -> Option<String> {
    std::fs::read_to_string(sms_log)
        .ok()?
        .lines()
        .rev()
        .find_map(|l| {
            let (to, code) = l.split_once(' ')?;
            to.ends_with(number).then(|| code.trim().to_string())
        })
}
