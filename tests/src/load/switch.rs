//! A per-phone TCP forwarder for `--alternate`: the phone keeps one server
//! URL (its session and cursors belong to that link), and the forwarder
//! sends each new connection to the server it currently points at. The
//! core opens a fresh connection for every request, so turning the switch
//! before a sync moves that whole sync to the next server.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::copy_bidirectional;
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;

use super::LoadError;

pub struct Switch {
    url: String,
    current: Arc<AtomicUsize>,
    upstreams: usize,
}

impl Switch {
    /// Listens on a free loopback port, pointing at `upstreams[first]`
    /// (each `host:port`).
    pub fn start(
        rt: &Runtime,
        upstreams: Arc<[String]>,
        first: usize,
    ) -> Result<Switch, LoadError> {
        let listener = rt
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .map_err(|e| LoadError::run("starting the --alternate switch", e))?;
        let addr = listener
            .local_addr()
            .map_err(|e| LoadError::run("starting the --alternate switch", e))?;
        let current = Arc::new(AtomicUsize::new(first % upstreams.len()));
        let switch = Switch {
            url: format!("http://{addr}"),
            current: current.clone(),
            upstreams: upstreams.len(),
        };
        rt.spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let target = upstreams[current.load(Ordering::Relaxed)].clone();
                tokio::spawn(async move {
                    // A refused upstream closes the phone's connection: it sees a network error.
                    if let Ok(mut outbound) = TcpStream::connect(target).await {
                        let _ = copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        });
        Ok(switch)
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Points at the next server.
    pub fn turn(&self) {
        let next = (self.current.load(Ordering::Relaxed) + 1) % self.upstreams;
        self.current.store(next, Ordering::Relaxed);
    }
}
