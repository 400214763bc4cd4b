//! laowu-server: the reference server the phones sync with.
//!
//! For now it answers `GET /v1/health`; accounts, sync and supervisor review
//! arrive with the sync work. It listens on 127.0.0.1:8080 by default and shuts
//! down gracefully on SIGINT or SIGTERM.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;

#[derive(Parser, Debug)]
#[command(name = "laowu-server", version, about = "The laowu reference server")]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    listen: SocketAddr,
    /// Directory of the embedded database.
    #[arg(long, default_value = "./laowu-server-data", value_name = "DIR")]
    data: PathBuf,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    if let Err(e) = std::fs::create_dir_all(&args.data) {
        eprintln!(
            "laowu-server: cannot create the data directory ({})",
            e.kind()
        );
        return std::process::ExitCode::from(4);
    }
    let listener = match tokio::net::TcpListener::bind(args.listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!(
                "laowu-server: cannot listen on {} ({})",
                args.listen,
                e.kind()
            );
            return std::process::ExitCode::from(5);
        }
    };
    match listener.local_addr() {
        Ok(addr) => eprintln!("laowu-server: listening on {addr}"),
        Err(_) => eprintln!("laowu-server: listening"),
    }
    let served = axum::serve(listener, laowu_server::router())
        .with_graceful_shutdown(shutdown_signal())
        .await;
    match served {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("laowu-server: {e}");
            std::process::ExitCode::from(1)
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
