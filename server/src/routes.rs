//! Every route the server serves, as one table: the router is built from it
//! and the OpenAPI test compares the document against it.

use axum::Router;
use axum::http::Method;
use axum::routing::{MethodFilter, MethodRouter, on};

use crate::accounts;
use crate::app::AppState;
use crate::deletion;
use crate::health;
use crate::http::harden;
use crate::supervision;
use crate::sync;

pub struct Route {
    pub method: Method,
    pub path: &'static str,
    handler: fn(MethodFilter) -> MethodRouter<AppState>,
}

static ROUTES: &[Route] = &[
    Route {
        method: Method::GET,
        path: "/v1/health",
        handler: |m| on(m, health::health),
    },
    Route {
        method: Method::GET,
        path: "/v1/ready",
        handler: |m| on(m, health::ready),
    },
    Route {
        method: Method::POST,
        path: "/v1/accounts/code",
        handler: |m| on(m, accounts::request_code),
    },
    Route {
        method: Method::POST,
        path: "/v1/accounts/register",
        handler: |m| on(m, accounts::register),
    },
    Route {
        method: Method::POST,
        path: "/v1/accounts/login",
        handler: |m| on(m, accounts::login),
    },
    Route {
        method: Method::POST,
        path: "/v1/accounts/reset-password",
        handler: |m| on(m, accounts::reset_password),
    },
    Route {
        method: Method::POST,
        path: "/v1/tokens/refresh",
        handler: |m| on(m, accounts::refresh),
    },
    Route {
        method: Method::POST,
        path: "/v1/devices",
        handler: |m| on(m, accounts::register_device),
    },
    Route {
        method: Method::GET,
        path: "/v1/me",
        handler: |m| on(m, accounts::me),
    },
    Route {
        method: Method::POST,
        path: "/v1/sync/push",
        handler: |m| on(m, sync::push),
    },
    Route {
        method: Method::POST,
        path: "/v1/sync/pull",
        handler: |m| on(m, sync::pull),
    },
    Route {
        method: Method::GET,
        path: "/v1/supervisor/sites/{site}/days/{date}",
        handler: |m| on(m, supervision::day),
    },
    Route {
        method: Method::POST,
        path: "/v1/supervisor/decisions",
        handler: |m| on(m, supervision::decide),
    },
    Route {
        method: Method::GET,
        path: "/v1/supervisor/sites/{site}/export",
        handler: |m| on(m, supervision::export),
    },
    Route {
        method: Method::POST,
        path: "/v1/deletions",
        handler: |m| on(m, deletion::submit),
    },
    Route {
        method: Method::GET,
        path: "/v1/deletions/{id}",
        handler: |m| on(m, deletion::status),
    },
];

/// (method, path) of every route served.
pub fn routes() -> &'static [Route] {
    ROUTES
}

pub fn router(state: AppState) -> Router {
    let body_limit = state.config.body_limit_bytes;
    let mut router = Router::new();
    for route in ROUTES {
        let filter = MethodFilter::try_from(route.method.clone())
            .expect("every method in the route table is one axum routes by");
        router = router.route(route.path, (route.handler)(filter));
    }
    let metrics = state.metrics.clone();
    harden(router, body_limit, metrics).with_state(state)
}
