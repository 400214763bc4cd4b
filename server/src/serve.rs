//! Serving: the routes with client addresses attached, graceful shutdown,
//! and the periodic clean-up of what no request can use any more.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::TcpListener;

use crate::app::AppState;
use crate::clock::duration_ms;
use crate::routes::router;

const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(3600);

/// Serves until `shutdown` completes, then lets in-flight requests finish.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let housekeeping = tokio::spawn(housekeeping(state.clone()));
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    housekeeping.abort();
    // Its state handle must be gone before the caller's is the last one.
    let _ = housekeeping.await;
    served
}

async fn housekeeping(state: AppState) {
    let keep_events_ms = duration_ms(state.config.limits.longest_window());
    let mut every = tokio::time::interval(HOUSEKEEPING_EVERY);
    loop {
        every.tick().await;
        if let Err(e) = state
            .store
            .housekeeping(state.now_ms(), keep_events_ms)
            .await
        {
            state.metrics.store_error();
            tracing::error!(error = %e, "housekeeping failed");
        }
        if let Err(e) = crate::deletion::sweep(&state).await {
            state.metrics.store_error();
            tracing::error!(error = %e, "deletion sweep failed");
        }
        match crate::sync::purge_expired_fixes(&state).await {
            Ok(0) => {}
            Ok(purged) => tracing::info!(purged, "raw fixes past their retention deleted"),
            Err(e) => {
                state.metrics.store_error();
                tracing::error!(error = %e, "the retention purge failed");
            }
        }
    }
}
