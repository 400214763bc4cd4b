//! The sealed store: plain SQLite (bundled, WAL) in which every personal value,
//! coordinate and event timestamp is sealed with AEAD before it is written.
//!
//! Only random ids, record kinds, categories, keyed-hash lookups and sync state
//! stay in clear. Each category has its own data key, wrapped by the platform's
//! [`KeyVault`]; [`Store::shred`] destroys a category's key and rows.

mod aead;
mod category;
mod error;
mod keyring;
mod ledger;
mod outbox;
mod records;
mod schema;
mod secrets;
mod software_vault;
mod vault;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use ring::rand::SystemRandom;
use rusqlite::{Connection, OpenFlags, Transaction};

pub use aead::OpenFailed;
pub use category::{DataCategory, UnknownCategory};
pub use error::{Result, StoreError};
pub use outbox::SyncState;
pub use records::{Record, RecordId};
pub use schema::{APPLICATION_ID, LATEST as SCHEMA_VERSION};
pub use software_vault::{SoftwareVault, VAULT_FILE};
pub use vault::{KeyVault, VaultError};

use aead::DataKey;
use keyring::Keyring;

/// The database file inside a phone's home directory.
pub const DB_FILE: &str = "laowu.db";

/// Tables that hold rows of a data category, each with its `category` column.
/// Shredding a category deletes its rows from every one of them.
const CATEGORY_TABLES: &[&str] = &["record", "ledger", "ledger_head"];

/// Whether [`Store::open`] may create a new store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenMode {
    /// Create the directory, the database and every category's key if absent.
    Create,
    /// Open only a store that already exists.
    Existing,
}

/// What a store reports about itself; no personal data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreStatus {
    pub path: PathBuf,
    pub schema_version: u32,
    pub keys: Vec<(DataCategory, bool)>,
}

struct Inner {
    conn: Connection,
    keys: Keyring,
    /// Set by [`Store::destroy`]: the files are gone and every call fails.
    destroyed: bool,
}

/// An open sealed store. Cheap to share (`Send + Sync`); calls are serialised.
pub struct Store {
    dir: PathBuf,
    inner: Mutex<Inner>,
    vault: Arc<dyn KeyVault>,
    rng: SystemRandom,
}

impl Store {
    /// Opens (or, with [`OpenMode::Create`], creates) the store in `dir`.
    ///
    /// The file is checked to be a laowu store and every data key is unwrapped
    /// and checked against its canary before anything is written: a wrong key
    /// or a foreign file leaves the directory exactly as it was.
    pub fn open(dir: &Path, vault: Arc<dyn KeyVault>, mode: OpenMode) -> Result<Self> {
        let path = dir.join(DB_FILE);
        match fs::metadata(dir) {
            Ok(meta) if !meta.is_dir() => return Err(not_a_directory()),
            Err(e) if e.kind() == io::ErrorKind::NotADirectory => return Err(not_a_directory()),
            _ => {}
        }
        // SQLite treats a file shorter than its 100-byte header as empty and
        // would write over it. Zero or one byte is what SQLite itself may leave
        // (its unix VFS counts one byte as empty); more is damage.
        if let Ok(meta) = fs::metadata(&path)
            && meta.len() > 1
            && meta.len() < 100
        {
            return Err(StoreError::Corrupt {
                reason: "file is shorter than a database header".into(),
            });
        }
        match mode {
            OpenMode::Create => fs::create_dir_all(dir).map_err(io_error)?,
            OpenMode::Existing if !path.exists() => return Err(StoreError::NotInitialised),
            OpenMode::Existing => {}
        }
        if !dir.is_dir() {
            return Err(not_a_directory());
        }
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if mode == OpenMode::Create {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let mut conn = Connection::open_with_flags(&path, flags)?;
        conn.busy_timeout(Duration::from_secs(5))?;
        let fresh = check_file(&conn)?;
        if fresh && mode == OpenMode::Existing {
            return Err(StoreError::NotInitialised);
        }
        // WAL for crash safety with concurrent readers; FULL so a returned write
        // survives power loss, not only a killed process; secure_delete so
        // shredded rows are overwritten, not left in free pages.
        let journal: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !journal.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Io {
                reason: "the file system does not support write-ahead logging".into(),
            });
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "secure_delete", "ON")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;

        let keys = if schema::user_version(&conn)? >= 1 {
            Keyring::unlock(&conn, vault.as_ref())?
        } else {
            Keyring::default()
        };
        schema::migrate_to(&mut conn, schema::LATEST)?;

        let store = Self {
            dir: dir.to_path_buf(),
            inner: Mutex::new(Inner {
                conn,
                keys,
                destroyed: false,
            }),
            vault,
            rng: SystemRandom::new(),
        };
        if mode == OpenMode::Create {
            // Every missing key in one transaction: one fsync, all or none.
            store.write(|tx, keys, s| {
                DataCategory::ALL
                    .into_iter()
                    .try_for_each(|c| s.key_for(tx, keys, c).map(|_| ()))
            })?;
        }
        Ok(store)
    }

    /// The directory holding the database and its WAL.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Path, schema version and which categories have a key.
    pub fn status(&self) -> Result<StoreStatus> {
        let inner = self.live()?;
        Ok(StoreStatus {
            path: self.dir.join(DB_FILE),
            schema_version: schema::user_version(&inner.conn)?,
            keys: DataCategory::ALL
                .into_iter()
                .map(|c| (c, inner.keys.contains(c)))
                .collect(),
        })
    }

    /// Destroys `category`: its rows in every table, its wrapped key, and any
    /// platform key the vault holds for it. Returns the number of rows removed.
    /// Afterwards nothing of it can be read back, and with secure_delete and a
    /// truncated WAL no sealed byte of it remains in any file.
    pub fn shred(&self, category: DataCategory) -> Result<u64> {
        let removed = self.write(|tx, keys, _| {
            let mut removed = 0u64;
            for table in CATEGORY_TABLES {
                removed += tx.execute(
                    &format!("DELETE FROM {table} WHERE category = ?1"),
                    [category.as_str()],
                )? as u64;
            }
            tx.execute(
                "DELETE FROM meta WHERE name LIKE ?1",
                [secrets::pattern(category)],
            )?;
            tx.execute(
                "DELETE FROM data_key WHERE category = ?1",
                [category.as_str()],
            )?;
            keys.remove(category);
            Ok(removed)
        })?;
        self.checkpoint()?;
        if let Err(e) = self.vault.destroy(category) {
            // The wrapped key is already gone from the store, so the data is
            // unreadable; the platform key is only an extra copy to forget.
            log::warn!("vault could not destroy the {category} key: {e}");
        }
        Ok(removed)
    }

    /// Destroys the whole store (account deletion): every category is shredded
    /// (rows, wrapped keys, the vault's platform keys), the database is closed
    /// and its files removed; every later call fails with `NotInitialised`.
    /// Returns the rows removed.
    pub fn destroy(&self) -> Result<u64> {
        let mut removed = 0;
        for category in DataCategory::ALL {
            removed += self.shred(category)?;
        }
        let mut inner = self.live()?;
        // Dropping the old connection closes the file before it is removed.
        drop(std::mem::replace(
            &mut inner.conn,
            Connection::open_in_memory()?,
        ));
        inner.destroyed = true;
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let path = self.dir.join(format!("{DB_FILE}{suffix}"));
            match fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(io_error(e)),
            }
        }
        Ok(removed)
    }

    /// Copies the WAL into the database and truncates it.
    pub fn checkpoint(&self) -> Result<()> {
        let inner = self.live()?;
        inner
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// SQLite's full integrity check: `"ok"` or the first problems found.
    pub fn integrity_check(&self) -> Result<String> {
        let inner = self.live()?;
        let mut stmt = inner.conn.prepare("PRAGMA integrity_check")?;
        let lines: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(lines.join("; "))
    }

    /// Caps the database at about `bytes`, so a runaway writer cannot fill the
    /// phone; writes beyond it fail with [`StoreError::Full`] and change nothing.
    pub fn set_size_limit(&self, bytes: u64) -> Result<()> {
        let inner = self.live()?;
        let page_size: i64 = inner.conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
        let pages = (bytes / page_size.max(1) as u64).max(1);
        inner
            .conn
            .query_row(&format!("PRAGMA max_page_count = {pages}"), [], |_| Ok(()))?;
        Ok(())
    }

    /// The lock, unless the store was destroyed.
    fn live(&self) -> Result<MutexGuard<'_, Inner>> {
        let guard = self.lock();
        if guard.destroyed {
            return Err(StoreError::NotInitialised);
        }
        Ok(guard)
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave SQLite half-written (the
        // transaction rolls back on drop), so a poisoned lock is safe to reuse.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` in one immediate transaction. Keys created inside it join the
    /// keyring only if it commits.
    fn write<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>, &mut PendingKeys<'_>, &Self) -> Result<T>,
    ) -> Result<T> {
        let mut guard = self.live()?;
        let Inner { conn, keys, .. } = &mut *guard;
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut pending = PendingKeys {
            ring: keys,
            created: Vec::new(),
            removed: Vec::new(),
        };
        let out = f(&tx, &mut pending, self)?;
        let PendingKeys {
            created, removed, ..
        } = pending;
        tx.commit()?;
        for category in removed {
            keys.remove(category);
        }
        for (category, key) in created {
            keys.insert(category, key);
        }
        Ok(out)
    }

    fn read<T>(&self, f: impl FnOnce(&Connection, &Keyring) -> Result<T>) -> Result<T> {
        let guard = self.live()?;
        f(&guard.conn, &guard.keys)
    }

    fn key_for(
        &self,
        tx: &Transaction<'_>,
        keys: &mut PendingKeys<'_>,
        category: DataCategory,
    ) -> Result<Arc<DataKey>> {
        if let Some((_, key)) = keys.created.iter().find(|(c, _)| *c == category) {
            return Ok(key.clone());
        }
        let (key, created) =
            keys.ring
                .get_or_create(tx, self.vault.as_ref(), &self.rng, category)?;
        if created {
            keys.created.push((category, key.clone()));
        }
        Ok(key)
    }
}

/// The keyring as seen from inside a write transaction.
struct PendingKeys<'a> {
    ring: &'a Keyring,
    created: Vec<(DataCategory, Arc<DataKey>)>,
    removed: Vec<DataCategory>,
}

impl PendingKeys<'_> {
    fn remove(&mut self, category: DataCategory) {
        self.removed.push(category);
    }
}

/// Checks the file is a laowu store (or an empty new file). Returns whether it is new.
fn check_file(conn: &Connection) -> Result<bool> {
    let app_id: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    let objects: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
    match app_id {
        schema::APPLICATION_ID => Ok(false),
        0 if objects == 0 && schema::user_version(conn)? == 0 => Ok(true),
        _ => Err(StoreError::Foreign),
    }
}

fn not_a_directory() -> StoreError {
    StoreError::Io {
        reason: "the store path is not a directory".into(),
    }
}

fn io_error(e: io::Error) -> StoreError {
    let reason = match e.kind() {
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        io::ErrorKind::NotADirectory | io::ErrorKind::AlreadyExists => return not_a_directory(),
        io::ErrorKind::StorageFull => return StoreError::Full,
        kind => format!("{kind}"),
    };
    StoreError::Io { reason }
}

#[cfg(test)]
mod tests;
