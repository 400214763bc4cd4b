//! Phone side of a pull: the server's `PullResponse`, each pulled site as a
//! site spec checked into a `Site`, and the pulled policy file.
#![no_main]

use laowu_core::consent::Policy;
use laowu_protocol::{Decision, PullResponse, SignedPolicy, TimeToken};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(response) = serde_json::from_slice::<PullResponse>(data) else {
        return;
    };
    laowu_fuzz::round_trip(&response);
    for site in &response.sites {
        laowu_fuzz::check_site(site);
    }
    if let Some(policy) = &response.policy {
        let _ = SignedPolicy::signed_bytes(&policy.version, &policy.text);
        if let Ok(parsed) = Policy::from_toml(&policy.text) {
            let _ = parsed.hash();
        }
    }
    for d in &response.decisions {
        let _ = Decision::signed_bytes(&d.event_id, d.approved, d.note.as_deref(), d.decided_at_ms);
    }
    let _ = TimeToken::signed_bytes(response.time.server_ms, &response.time.nonce);
});
