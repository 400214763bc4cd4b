//! Server side of a pushed attendance item: the payload text as an
//! `attendance::Event`, `Event::verify` and the chain head.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(payload) = std::str::from_utf8(data) {
        laowu_fuzz::check_event(payload);
    }
});
