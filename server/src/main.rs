//! laowu-server: the reference server the phones sync with.
//!
//! Listens on 127.0.0.1:8080 by default, keeps its database, master secret
//! and SMS log in `./laowu-server-data`, logs to stderr (filter with
//! `LAOWU_LOG`, e.g. `LAOWU_LOG=debug`; `--log-format json` for a log
//! collector), and shuts down gracefully on SIGINT or SIGTERM. Every flag
//! can also come from the environment (`LAOWU_LISTEN`, `LAOWU_DATA`,
//! `LAOWU_DB`, `LAOWU_LOG_FORMAT`, `LAOWU_METRICS_LISTEN`), as container
//! platforms configure processes. `--db postgres://...` keeps the records in
//! PostgreSQL, where any number of processes may share them. Prometheus
//! metrics are served only when `--metrics-listen` names a (private) address
//! of their own.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use laowu_server::admin::AdminCommand;
use laowu_server::store::RateRule;
use laowu_server::{AppState, Config, Database};
use tracing_subscriber::EnvFilter;

#[derive(Parser, Debug)]
#[command(name = "laowu-server", version, about = "The laowu reference server")]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// Address to listen on.
    #[arg(
        long,
        global = true,
        env = "LAOWU_LISTEN",
        default_value = "127.0.0.1:8080",
        value_name = "ADDR"
    )]
    listen: SocketAddr,
    /// Directory of the database, the server key and the SMS log (created if missing).
    #[arg(
        long,
        global = true,
        env = "LAOWU_DATA",
        default_value = "./laowu-server-data",
        value_name = "DIR"
    )]
    data: PathBuf,
    /// Where records are kept: `sqlite` (server.db in the data directory) or a
    /// `postgres://user:password@host:port/database` URL shared by several processes.
    #[arg(
        long,
        global = true,
        env = "LAOWU_DB",
        default_value = "sqlite",
        value_name = "URL",
        value_parser = Database::parse,
        hide_env_values = true
    )]
    db: Database,
    /// How log lines are written: `text` for people, `json` (one object a line) for a collector.
    #[arg(long, global = true, env = "LAOWU_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    /// Serve Prometheus metrics at GET /metrics on this address (off unless given; keep it private).
    #[arg(long, global = true, env = "LAOWU_METRICS_LISTEN", value_name = "ADDR")]
    metrics_listen: Option<SocketAddr>,
    /// SMS codes one client address may ask for in an hour. A site office
    /// behind one NAT, or a load test, needs more than the default.
    #[arg(
        long,
        global = true,
        env = "LAOWU_CODES_PER_IP_PER_HOUR",
        default_value_t = 60,
        value_name = "N"
    )]
    codes_per_ip_per_hour: u32,
    /// A reverse proxy (TLS terminator, load balancer) whose X-Forwarded-For
    /// header names the client, so per-address limits count phones rather
    /// than the proxy. Repeatable; the environment takes a comma-separated list.
    #[arg(
        long,
        global = true,
        env = "LAOWU_TRUSTED_PROXIES",
        value_delimiter = ',',
        value_name = "IP"
    )]
    trusted_proxy: Vec<IpAddr>,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// The operator's commands: sites, supervisors, deletions, the policy.
    #[command(subcommand)]
    Admin(AdminCommand),
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let mut config = Config::new(&args.data);
    config.database = args.db.clone();
    config.trusted_proxies = args.trusted_proxy.clone();
    config.limits.code_per_ip = vec![RateRule::new(
        args.codes_per_ip_per_hour,
        Duration::from_secs(3600),
    )];
    if let Some(Command::Admin(command)) = args.command {
        return laowu_server::admin::run(config, command).await;
    }
    let filter = EnvFilter::try_from_env("LAOWU_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match args.log_format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().init(),
    }

    let state = match AppState::open(config).await {
        Ok(state) => state,
        Err(e) => {
            eprintln!("laowu-server: {e}");
            return ExitCode::from(4);
        }
    };
    let listener = match tokio::net::TcpListener::bind(args.listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!(
                "laowu-server: cannot listen on {} ({})",
                args.listen,
                e.kind()
            );
            return ExitCode::from(5);
        }
    };
    match listener.local_addr() {
        Ok(addr) => eprintln!("laowu-server: listening on {addr}"),
        Err(_) => eprintln!("laowu-server: listening"),
    }
    // One signal stops both listeners.
    let (stop, stopped) = tokio::sync::watch::channel(());
    let until_stopped = move || {
        let mut stopped = stopped.clone();
        async move {
            let _ = stopped.changed().await;
        }
    };
    let metrics = match args.metrics_listen {
        Some(addr) => match start_metrics(addr, state.clone(), until_stopped()).await {
            Ok(task) => Some(task),
            Err(code) => return code,
        },
        None => None,
    };
    tokio::spawn(async move {
        shutdown_signal().await;
        let _ = stop.send(());
    });
    let served = laowu_server::serve(listener, state, until_stopped()).await;
    if let Some(task) = metrics {
        let _ = task.await;
    }
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("laowu-server: {e}");
            ExitCode::from(1)
        }
    }
}

async fn start_metrics(
    addr: SocketAddr,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<tokio::task::JoinHandle<()>, ExitCode> {
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        eprintln!(
            "laowu-server: cannot listen on {addr} for metrics ({})",
            e.kind()
        );
        ExitCode::from(5)
    })?;
    match listener.local_addr() {
        Ok(addr) => eprintln!("laowu-server: metrics on {addr}"),
        Err(_) => eprintln!("laowu-server: metrics listening"),
    }
    Ok(tokio::spawn(async move {
        if let Err(e) = laowu_server::serve_metrics(listener, state, shutdown).await {
            eprintln!("laowu-server: metrics: {e}");
        }
    }))
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
    eprintln!("laowu-server: shutting down");
}
