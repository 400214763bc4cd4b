//! The embedded backend: one SQLite connection owned by a dedicated thread.
//!
//! SQLite takes one writer at a time, so a single connection serving a queue
//! costs no throughput and keeps blocking I/O off tokio's workers; callers
//! await a reply channel. WAL lets a future read pool or a second process
//! (an admin command) read while the server writes; `synchronous=FULL` makes
//! every acknowledged write survive power loss.

mod accounts;
mod codes;
mod deletions;
mod devices;
mod limits;
mod schema;
mod sessions;
mod supervision;
mod sync;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;

use rusqlite::Connection;
use tokio::sync::oneshot;

use super::{Storage, StoreError, StoreFuture};

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// Cheap to clone; the connection closes when the last clone is dropped.
#[derive(Clone)]
pub struct SqliteStore {
    worker: Arc<Worker>,
}

struct Worker {
    jobs: Option<mpsc::Sender<Job>>,
    thread: Option<JoinHandle<()>>,
}

impl SqliteStore {
    /// Opens (creating if needed) and migrates the database. Blocking: call
    /// it at start-up, before serving.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let mut conn = Connection::open(path)?;
        configure(&conn)?;
        schema::migrate(&mut conn)?;
        let (jobs, queue) = mpsc::channel::<Job>();
        let thread = std::thread::Builder::new()
            .name("laowu-sqlite".into())
            .spawn(move || {
                for job in queue {
                    job(&mut conn);
                }
            })
            .map_err(|_| StoreError::Closed)?;
        Ok(SqliteStore {
            worker: Arc::new(Worker {
                jobs: Some(jobs),
                thread: Some(thread),
            }),
        })
    }

    /// Runs `f` on the store's thread. A panic inside `f` becomes an error
    /// for this call only; the thread and connection live on (rusqlite rolls
    /// back an open transaction as it unwinds).
    fn call<T, F>(&self, f: F) -> StoreFuture<'static, T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            let result =
                catch_unwind(AssertUnwindSafe(|| f(conn))).unwrap_or(Err(StoreError::Panicked));
            let _ = reply.send(result);
        });
        let queued = self
            .worker
            .jobs
            .as_ref()
            .map(|jobs| jobs.send(job).is_ok())
            .unwrap_or(false);
        Box::pin(async move {
            if !queued {
                return Err(StoreError::Closed);
            }
            answer.await.map_err(|_| StoreError::Closed)?
        })
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // Closing the queue ends the thread once queued jobs are done; joining
        // means the database is closed when the store is gone (a restart on
        // the same directory finds it checkpointed).
        self.jobs.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn configure(conn: &Connection) -> Result<(), StoreError> {
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Corrupt("the database refused WAL journaling"));
    }
    conn.execute_batch(
        "PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA secure_delete = ON;
         PRAGMA busy_timeout = 5000;",
    )?;
    Ok(())
}

impl Storage for SqliteStore {
    fn ping(&self) -> StoreFuture<'_, ()> {
        self.call(|conn| {
            conn.query_row("SELECT 1", [], |_| Ok(()))?;
            Ok(())
        })
    }

    fn housekeeping(&self, now_ms: i64, keep_events_ms: i64) -> StoreFuture<'_, ()> {
        self.call(move |conn| {
            let tx = conn.transaction()?;
            codes::delete_expired(&tx, now_ms)?;
            sessions::delete_expired(&tx, now_ms)?;
            limits::delete_older_than(&tx, now_ms.saturating_sub(keep_events_ms))?;
            tx.commit()?;
            Ok(())
        })
    }
}

/// Whether an insert failed on a UNIQUE or PRIMARY KEY constraint.
fn is_unique_violation(err: &rusqlite::Error) -> bool {
    matches!(
        err,
        rusqlite::Error::SqliteFailure(e, _)
            if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
    )
}

#[cfg(test)]
mod tests;
