//! Shared checks for the fuzz targets: each decoder of outside input must
//! answer `Ok` or `Err` for any bytes, never panic; where the type can be
//! written back, a value that parses must serialise and parse to itself.

use std::fmt::Debug;

use laowu_core::attendance::{Event, Site, SiteSpec};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A parsed value re-serialises and parses to the same value.
pub fn round_trip<T>(value: &T)
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let text = serde_json::to_string(value).expect("a parsed value serialises");
    let again: T = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("a parsed value does not parse back: {e}\n{text}"));
    assert_eq!(&again, value, "round trip changed the value: {text}");
    // Debug must not panic either (the protocol types redact by hand).
    let _ = format!("{value:?}");
}

/// A request body as the server reads it: serde_path_to_error over
/// serde_json, then nothing but whitespace after the document.
pub fn server_parse<T: DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: Result<T, _> = serde_path_to_error::deserialize(&mut de);
    match value {
        Ok(v) => de.end().ok().map(|()| v),
        Err(e) => {
            // The server builds its error message from the path and the text.
            let _ = e.path().to_string();
            let _ = e.inner().to_string();
            let _ = e.inner().classify();
            None
        }
    }
}

/// An attendance payload as the server checks it: the event, its own
/// verification, its chain head.
pub fn check_event(payload: &str) {
    let Ok(event) = serde_json::from_str::<Event>(payload) else {
        return;
    };
    let _ = event.verify();
    let _ = event.head();
    round_trip(&event);
}

/// A site spec as the phone takes it (pulled, or `site add --file`): parse,
/// then check. A spec that parses must write back to the same spec.
pub fn check_site(json: &str) {
    let Ok(spec) = SiteSpec::from_json(json) else {
        return;
    };
    let text = serde_json::to_string(&spec).expect("a parsed site serialises");
    let again = SiteSpec::from_json(&text)
        .unwrap_or_else(|e| panic!("a parsed site does not parse back: {e}\n{text}"));
    assert!(
        same_json(&again, &spec),
        "round trip changed the site: {text}"
    );
    let _ = format!("{spec:?}");
    let _ = Site::new(spec);
}

/// Equality by serialised form, so a NaN cannot make a value unequal to itself
/// (JSON has no NaN, so one never parses in the first place).
fn same_json<T: Serialize>(a: &T, b: &T) -> bool {
    serde_json::to_string(a).ok() == serde_json::to_string(b).ok()
}
