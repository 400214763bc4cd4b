//! Server side of `POST /v1/sync/push`: the body as a `PushRequest`, then each
//! item as the server checks it (attendance payloads as signed events,
//! everything else as a JSON object).
#![no_main]

use laowu_protocol::{OutboxItem, PushRequest, Stream};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(request) = laowu_fuzz::server_parse::<PushRequest>(data) else {
        return;
    };
    laowu_fuzz::round_trip(&request);
    for item in &request.items {
        let _ = OutboxItem::signed_bytes(&item.key, item.stream, &item.payload);
        assert_eq!(Stream::parse(item.stream.as_str()), Some(item.stream));
        match item.stream {
            Stream::Attendance => laowu_fuzz::check_event(&item.payload),
            _ => {
                let _ = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(
                    &item.payload,
                );
            }
        }
    }
});
