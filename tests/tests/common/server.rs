//! The real server in-process on a free loopback port, and the SMS codes its
//! embedded sender writes, for the tests and benches that sync.

use std::path::Path;

use laowu_server::{AppState, Config, PasswordHashParams};
use tokio::runtime::Runtime;

/// Starts a server on `data` that serves until the runtime ends; its URL.
pub fn start_server(runtime: &Runtime, data: &Path) -> String {
    let mut config = Config::new(data);
    config.password_hash = PasswordHashParams::INSECURE_FAST;
    let state = runtime.block_on(AppState::open(config)).unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    runtime.spawn(laowu_server::serve(
        listener,
        state,
        std::future::pending::<()>(),
    ));
    url
}

/// The newest code `sms.log` holds for a number ending in `number`.
pub fn sms_code(sms_log: &Path, number: &str) -> String {
    laowu_tests::sms::code_for(sms_log, number).expect("a code was texted to sms.log")
}
