//! Every request body the server takes, read as the server reads it
//! (serde_path_to_error, nothing after the document): each request type in
//! laowu_protocol from the same bytes, round-tripping what parses.
#![no_main]

use laowu_fuzz::{round_trip, server_parse};
use laowu_protocol::{
    CodeRequest, DecisionRequest, DeletionSubmission, LoginRequest, PullRequest, PushRequest,
    RefreshRequest, RegisterDeviceRequest, RegisterRequest, ResetPasswordRequest, TimeToken,
};
use libfuzzer_sys::fuzz_target;

macro_rules! each {
    ($data:expr, $($t:ty),+ $(,)?) => {
        $( if let Some(v) = server_parse::<$t>($data) { round_trip(&v); } )+
    };
}

fuzz_target!(|data: &[u8]| {
    each!(
        data,
        CodeRequest,
        RegisterRequest,
        LoginRequest,
        ResetPasswordRequest,
        RefreshRequest,
        RegisterDeviceRequest,
        PushRequest,
        PullRequest,
        DecisionRequest,
        DeletionSubmission,
        TimeToken,
    );
});
