//! The client's address, for per-address rate limits.
//!
//! This is the TCP peer, unless the peer is one of the operator's trusted
//! proxies (`--trusted-proxy`): then it is the nearest address in
//! `X-Forwarded-For` that is not a trusted proxy. The header is never
//! believed from anyone else, since a client can write any address in it.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

use crate::app::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        let trusted = &state.config.trusted_proxies;
        Ok(ClientIp(match peer {
            Some(peer) if trusted.contains(&peer) => {
                Some(forwarded_client(parts, trusted).unwrap_or(peer))
            }
            other => other,
        }))
    }
}

/// Walks `X-Forwarded-For` from the right (each proxy appends the address
/// it received from) past the trusted proxies; `None` if the header is
/// missing or an entry is not an address.
fn forwarded_client(parts: &Parts, trusted: &[IpAddr]) -> Option<IpAddr> {
    let mut hops = Vec::new();
    for value in parts.headers.get_all("x-forwarded-for") {
        for hop in value.to_str().ok()?.split(',') {
            hops.push(hop.trim().parse::<IpAddr>().ok()?);
        }
    }
    hops.into_iter().rev().find(|hop| !trusted.contains(hop))
}
