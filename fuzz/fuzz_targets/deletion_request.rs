//! `POST /v1/deletions`: the submission body, then its `request` text as the
//! phone's signed `app::DeletionRequest` and its signature check. The bytes
//! are tried both as the body and as the request itself.
#![no_main]

use laowu_core::app::DeletionRequest;
use laowu_protocol::DeletionSubmission;
use libfuzzer_sys::fuzz_target;

fn check_request(text: &[u8]) {
    if let Ok(request) = serde_json::from_slice::<DeletionRequest>(text) {
        let _ = request.signed_bytes();
        let _ = request.verify();
        laowu_fuzz::round_trip(&request);
    }
}

fuzz_target!(|data: &[u8]| {
    check_request(data);
    if let Some(submission) = laowu_fuzz::server_parse::<DeletionSubmission>(data) {
        laowu_fuzz::round_trip(&submission);
        check_request(submission.request.as_bytes());
    }
});
