//! The rate limits accounts are held to, as checks on keyed hashes of the
//! phone number and the client address (never either in clear).

use std::net::IpAddr;

use crate::app::AppState;
use crate::http::ApiError;
use crate::store::{Admission, RateCheck, RateRule};

fn key(state: &AppState, scope: &str, kind: &str, value: &str) -> String {
    format!(
        "{scope}.{kind}:{}",
        hex::encode(state.keys.lookup_key(kind, value))
    )
}

fn checks(
    state: &AppState,
    scope: &str,
    phone: &str,
    phone_rules: &[RateRule],
    ip: Option<IpAddr>,
    ip_rules: &[RateRule],
) -> Vec<RateCheck> {
    let mut checks = vec![RateCheck {
        key: key(state, scope, "phone", phone),
        rules: phone_rules.to_vec(),
    }];
    if let Some(ip) = ip {
        checks.push(RateCheck {
            key: key(state, scope, "ip", &address_block(ip)),
            rules: ip_rules.to_vec(),
        });
    }
    checks
}

/// What one client's address budget is counted under: an IPv4 address, or
/// an IPv6 /64 (one subscriber's allocation, which can hold many addresses).
fn address_block(ip: IpAddr) -> String {
    match ip.to_canonical() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

async fn admit(state: &AppState, checks: Vec<RateCheck>, now_ms: i64) -> Result<(), ApiError> {
    match state.store.admit(checks, now_ms).await? {
        Admission::Admitted => Ok(()),
        Admission::Refused { retry_after_ms } => Err(ApiError::rate_limited(retry_after_ms)),
    }
}

/// Counts a code request against the number and the address, or refuses it.
pub async fn admit_code_request(
    state: &AppState,
    phone: &str,
    ip: Option<IpAddr>,
) -> Result<(), ApiError> {
    let l = &state.config.limits;
    let checks = checks(state, "code", phone, &l.code_per_phone, ip, &l.code_per_ip);
    admit(state, checks, state.now_ms()).await
}

/// Counts a login attempt against the number and the address, or refuses
/// it while either has too many recent failures. Counting before the
/// password is checked means parallel guesses cannot slip past the limit;
/// a successful attempt is then taken back ([`forget_login_attempt`]), so
/// only failures remain counted. Returns the time it was counted at.
pub async fn admit_login_attempt(
    state: &AppState,
    phone: &str,
    ip: Option<IpAddr>,
) -> Result<i64, ApiError> {
    let l = &state.config.limits;
    let checks = checks(
        state,
        "login",
        phone,
        &l.login_failures_per_phone,
        ip,
        &l.login_failures_per_ip,
    );
    let now_ms = state.now_ms();
    admit(state, checks, now_ms).await?;
    Ok(now_ms)
}

pub async fn forget_login_attempt(
    state: &AppState,
    phone: &str,
    ip: Option<IpAddr>,
    counted_at_ms: i64,
) -> Result<(), ApiError> {
    let keys = checks(state, "login", phone, &[], ip, &[])
        .into_iter()
        .map(|c| c.key)
        .collect();
    state.store.forget_rate_event(keys, counted_at_ms).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_counted_by_subscriber_block() {
        let block = |s: &str| address_block(s.parse().unwrap());
        assert_eq!(block("203.0.113.7"), "203.0.113.7");
        assert_eq!(block("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(block("2001:db8:1:2:aaaa::1"), block("2001:db8:1:2:bbbb::9"));
        assert_ne!(block("2001:db8:1:2::1"), block("2001:db8:1:3::1"));
    }
}
