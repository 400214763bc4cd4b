//! The CLI's site file (`laowu site add --file`) and a pulled site: JSON text
//! through `SiteSpec::from_json` and `Site::new`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(json) = std::str::from_utf8(data) {
        laowu_fuzz::check_site(json);
    }
});
