//! Server side of `POST /v1/sync/pull`: the body as a `PullRequest`.
#![no_main]

use laowu_protocol::PullRequest;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(request) = laowu_fuzz::server_parse::<PullRequest>(data) {
        laowu_fuzz::round_trip(&request);
    }
});
