//! Policy files: `consent::Policy::from_toml` (the bundled file, or one the
//! server delivers).
#![no_main]

use laowu_core::consent::Policy;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(policy) = Policy::from_toml(source) {
        let _ = policy.hash();
        let _ = format!("{policy:?}");
        let again = Policy::from_toml(source).expect("a policy parses twice");
        assert_eq!(again.hash(), policy.hash(), "one file, two hashes");
    }
});
