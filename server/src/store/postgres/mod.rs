//! The PostgreSQL backend: a pool of connections shared by the handlers of
//! one process, and one database shared by any number of processes.
//!
//! Every repository method is one transaction. Where two processes could
//! race (the same device pushing to both, the same rate key, the same
//! refresh token), the transaction takes a row lock or a transaction-scoped
//! advisory lock first, and idempotency rests on unique constraints
//! (`ON CONFLICT DO NOTHING`), so the outcome is the one a single process
//! would give. Nothing a request needs is kept in a process's memory.

mod accounts;
mod codes;
mod deletions;
mod devices;
mod limits;
mod schema;
mod sessions;
mod supervision;
mod sync;

use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime, Timeouts};
use tokio_postgres::NoTls;
use tokio_postgres::error::SqlState;

use super::{Storage, StoreError, StoreFuture};

/// Connections one process keeps open. PostgreSQL's default limit is 100
/// connections in all; eight processes fit beside admin sessions.
const POOL_SIZE: usize = 10;
/// How long a request waits for a connection (or for PostgreSQL to come
/// back after a restart) before it is answered 503 and the phone retries.
const WAIT: Duration = Duration::from_secs(5);

/// Cheap to clone: clones share the pool.
#[derive(Clone)]
pub struct PostgresStore {
    pool: Pool,
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user:password@host:port/database`)
    /// and applies the migrations this database lacks.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let config: tokio_postgres::Config = url.parse().map_err(|_| StoreError::BadUrl)?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                // A connection PostgreSQL closed (a restart, a terminated
                // backend) is replaced rather than handed to a request. Fast
                // checks the client's own closed flag; Verified would add a
                // round trip to every store call, and a connection that dies
                // unnoticed still fails its step whole, answered 503.
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .timeouts(Timeouts {
                wait: Some(WAIT),
                create: Some(WAIT),
                recycle: Some(WAIT),
            })
            .build()
            .map_err(|_| StoreError::Unreachable("the connection pool cannot be built".into()))?;
        let store = PostgresStore { pool };
        let mut client = store.client().await?;
        schema::migrate(&mut client).await?;
        Ok(store)
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, StoreError> {
        self.pool.get().await.map_err(|e| match e {
            deadpool_postgres::PoolError::Backend(e) => e.into(),
            other => StoreError::Unreachable(other.to_string()),
        })
    }
}

impl Storage for PostgresStore {
    fn ping(&self) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            self.client().await?.simple_query("SELECT 1").await?;
            Ok(())
        })
    }

    fn housekeeping(&self, now_ms: i64, keep_events_ms: i64) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let tx = client.transaction().await?;
            codes::delete_expired(&tx, now_ms).await?;
            sessions::delete_expired(&tx, now_ms).await?;
            limits::delete_older_than(&tx, now_ms.saturating_sub(keep_events_ms)).await?;
            tx.commit().await?;
            Ok(())
        })
    }
}

impl From<tokio_postgres::Error> for StoreError {
    /// Keeps PostgreSQL's SQLSTATE and primary message only: its DETAIL
    /// line may quote a stored value (the key of a unique violation).
    fn from(e: tokio_postgres::Error) -> Self {
        match e.as_db_error() {
            Some(db) if is_transient(db.code()) => StoreError::Unreachable(db.message().into()),
            Some(db) => StoreError::Postgres {
                code: db.code().code().to_string(),
                message: db.message().to_string(),
            },
            // No answer from the server: refused, reset, or closed mid-query.
            None => StoreError::Unreachable(e.to_string()),
        }
    }
}

/// A server shutting down, starting up or out of connections, or a
/// transaction PostgreSQL rolled back to break a conflict: worth a retry
/// (the whole step was rolled back), not a bug.
fn is_transient(code: &SqlState) -> bool {
    [
        SqlState::ADMIN_SHUTDOWN,
        SqlState::CRASH_SHUTDOWN,
        SqlState::CANNOT_CONNECT_NOW,
        SqlState::TOO_MANY_CONNECTIONS,
        SqlState::T_R_SERIALIZATION_FAILURE,
        SqlState::T_R_DEADLOCK_DETECTED,
    ]
    .contains(code)
}

/// Serialises the transactions that name the same `scope` and `key` (across
/// processes) until the calling transaction ends.
async fn lock(
    tx: &deadpool_postgres::Transaction<'_>,
    scope: &str,
    key: &[u8],
) -> Result<(), StoreError> {
    let mut name = scope.as_bytes().to_vec();
    name.push(0);
    name.extend_from_slice(key);
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended(encode($1, 'hex'), 0))",
        &[&name],
    )
    .await?;
    Ok(())
}

/// 0/1 integers stand for booleans on both backends (see the migrations).
fn flag(value: bool) -> i64 {
    i64::from(value)
}
