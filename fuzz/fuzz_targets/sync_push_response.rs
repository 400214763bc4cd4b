//! Phone side of a push: the server's `PushResponse`.
#![no_main]

use laowu_protocol::PushResponse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(response) = serde_json::from_slice::<PushResponse>(data) {
        laowu_fuzz::round_trip(&response);
    }
});
