//! The state every handler shares, and how it comes to be at start-up.

use std::io;
use std::ops::Deref;
use std::sync::Arc;

use crate::accounts::{FileSmsSender, PasswordHasher, SmsSender};
use crate::config::{Config, DB_FILE, Database, SECRET_FILE, SMS_LOG_FILE};
use crate::crypto::{self, SecretFileError, ServerKeys};
use crate::http::Metrics;
use crate::store::{PostgresStore, SqliteStore, Storage, StoreError};

/// Cheap to clone: handlers each hold one.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub(crate) config: Config,
    pub(crate) store: Arc<dyn Storage>,
    pub(crate) keys: ServerKeys,
    pub(crate) sms: Arc<dyn SmsSender>,
    pub(crate) passwords: PasswordHasher,
    pub(crate) metrics: Metrics,
}

/// Why the server cannot start. Each names the fix an operator would make.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot create the data directory ({0})")]
    DataDir(io::ErrorKind),
    #[error(transparent)]
    Secret(#[from] SecretFileError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the password hash parameters are refused by argon2: {0}")]
    PasswordParams(String),
    #[error("start-up was interrupted")]
    Interrupted,
}

impl AppState {
    /// Creates the data directory, the master secret and the database on
    /// first start; opens and migrates them afterwards. Several processes
    /// over one PostgreSQL database share its data directory's secret (or a
    /// copy of it) so each signs and verifies as the others do.
    pub async fn open(config: Config) -> Result<Self, StartError> {
        let store: Arc<dyn Storage> = match &config.database {
            Database::Sqlite => {
                let path = config.data_dir.join(DB_FILE);
                let dir = config.data_dir.clone();
                // Opening runs migrations: blocking work.
                let open = move || -> Result<SqliteStore, StartError> {
                    create_dir(&dir)?;
                    Ok(SqliteStore::open(&path)?)
                };
                Arc::new(
                    tokio::task::spawn_blocking(open)
                        .await
                        .map_err(|_| StartError::Interrupted)??,
                )
            }
            Database::Postgres(url) => Arc::new(PostgresStore::open(url).await?),
        };
        let run = move || -> Result<AppState, StartError> {
            create_dir(&config.data_dir)?;
            let secret = crypto::load_or_create(&config.data_dir.join(SECRET_FILE))?;
            let keys = ServerKeys::derive(&secret[..]);
            let passwords = PasswordHasher::new(config.password_hash)
                .map_err(|e| StartError::PasswordParams(e.to_string()))?;
            let sms = config.sms.clone().unwrap_or_else(|| {
                Arc::new(FileSmsSender::new(config.data_dir.join(SMS_LOG_FILE)))
            });
            Ok(AppState(Arc::new(Shared {
                store,
                keys,
                sms,
                passwords,
                metrics: Metrics::new(),
                config,
            })))
        };
        // Reading the secret and a first argon2 hash: blocking work.
        tokio::task::spawn_blocking(run)
            .await
            .map_err(|_| StartError::Interrupted)?
    }

    pub fn now_ms(&self) -> i64 {
        self.config.clock.now_ms()
    }
}

fn create_dir(dir: &std::path::Path) -> Result<(), StartError> {
    std::fs::create_dir_all(dir).map_err(|e| StartError::DataDir(e.kind()))
}

impl Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}
