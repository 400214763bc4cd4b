//! The schema, as migrations numbered by `PRAGMA user_version`.
//!
//! Append a migration for every change; never edit one that has shipped. A
//! database newer than the last migration here is refused rather than
//! guessed at. STRICT tables make SQLite check column types as PostgreSQL
//! would.

use rusqlite::Connection;

use crate::store::StoreError;

/// "LWSV": marks the file as a laowu server database (the phone's differs).
const APPLICATION_ID: i64 = 0x4C57_5356;

const MIGRATIONS: &[&str] = &[
    // 1: accounts, devices, SMS codes, refresh tokens, rate events.
    "CREATE TABLE accounts (
        id TEXT PRIMARY KEY,
        phone_key BLOB NOT NULL UNIQUE,
        phone_sealed BLOB NOT NULL,
        name_sealed BLOB,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('worker', 'supervisor', 'admin')),
        created_ms INTEGER NOT NULL,
        password_changed_ms INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE devices (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        public_key BLOB NOT NULL UNIQUE,
        platform TEXT NOT NULL,
        registered_ms INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX devices_by_account ON devices(account_id);

    CREATE TABLE sms_codes (
        id TEXT PRIMARY KEY,
        phone_key BLOB NOT NULL,
        purpose TEXT NOT NULL,
        mac BLOB NOT NULL,
        expires_ms INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        used INTEGER NOT NULL DEFAULT 0
    ) STRICT;
    CREATE INDEX sms_codes_by_phone ON sms_codes(phone_key, purpose);

    CREATE TABLE refresh_tokens (
        token_hash BLOB PRIMARY KEY,
        family_id TEXT NOT NULL,
        account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        device_id TEXT REFERENCES devices(id) ON DELETE CASCADE,
        issued_ms INTEGER NOT NULL,
        expires_ms INTEGER NOT NULL,
        revoked_ms INTEGER
    ) STRICT;
    CREATE INDEX refresh_tokens_by_family ON refresh_tokens(family_id);
    CREATE INDEX refresh_tokens_by_account ON refresh_tokens(account_id);

    CREATE TABLE rate_events (
        key TEXT NOT NULL,
        at_ms INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX rate_events_by_key ON rate_events(key, at_ms);
    CREATE INDEX rate_events_by_time ON rate_events(at_ms);",
    // 2: sync, sites, supervision, deletion. Attendance rows keep in clear
    // only what queries need (ids, site, day, kind, time); the signed event,
    // the raw fix and notes are sealed. `account_id` is NULL once a deleted
    // account's attendance is anonymised.
    "CREATE TABLE sites (
        id TEXT PRIMARY KEY,
        spec TEXT NOT NULL,
        time_zone TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        updated_ms INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE site_supervisors (
        site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
        account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        PRIMARY KEY (site_id, account_id)
    ) STRICT;
    CREATE INDEX site_supervisors_by_account ON site_supervisors(account_id);

    CREATE TABLE attendance (
        event_id TEXT PRIMARY KEY,
        device_id TEXT NOT NULL,
        account_id TEXT,
        seq INTEGER NOT NULL,
        event_hash TEXT NOT NULL,
        site_id TEXT NOT NULL,
        day TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('check_in', 'makeup')),
        at_ms INTEGER NOT NULL,
        needs_review INTEGER NOT NULL,
        event_sealed BLOB NOT NULL,
        fix_sealed BLOB,
        received_ms INTEGER NOT NULL,
        UNIQUE (device_id, seq)
    ) STRICT;
    CREATE INDEX attendance_by_site_day ON attendance(site_id, day);
    CREATE INDEX attendance_by_account ON attendance(account_id);
    CREATE INDEX attendance_fix_by_time ON attendance(at_ms) WHERE fix_sealed IS NOT NULL;

    CREATE TABLE chain_heads (
        device_id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL,
        hash TEXT NOT NULL
    ) STRICT;

    CREATE TABLE items (
        device_id TEXT NOT NULL,
        key TEXT NOT NULL,
        account_id TEXT,
        stream TEXT NOT NULL,
        content_hash BLOB NOT NULL,
        payload_sealed BLOB NOT NULL,
        received_ms INTEGER NOT NULL,
        PRIMARY KEY (device_id, key)
    ) STRICT;
    CREATE INDEX items_by_account ON items(account_id);

    CREATE TABLE decisions (
        cursor INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id TEXT NOT NULL UNIQUE REFERENCES attendance(event_id),
        account_id TEXT,
        approved INTEGER NOT NULL,
        note_sealed BLOB,
        supervisor_id TEXT,
        decided_ms INTEGER NOT NULL,
        signature TEXT NOT NULL
    ) STRICT;
    CREATE INDEX decisions_by_account ON decisions(account_id, cursor);

    CREATE TABLE deletions (
        id TEXT PRIMARY KEY,
        account_id TEXT,
        requested_ms INTEGER NOT NULL,
        deadline TEXT NOT NULL,
        completed_ms INTEGER,
        certificate TEXT
    ) STRICT;
    CREATE UNIQUE INDEX deletions_one_open ON deletions(account_id) WHERE completed_ms IS NULL;

    CREATE TABLE policies (
        version TEXT PRIMARY KEY,
        text TEXT NOT NULL,
        published_ms INTEGER NOT NULL
    ) STRICT;",
];

/// The schema version this binary writes.
pub(super) fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

pub(super) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let app_id: i64 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
    if app_id != 0 && app_id != APPLICATION_ID {
        return Err(StoreError::ForeignDatabase(app_id));
    }
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let known = latest_version();
    if found > known {
        return Err(StoreError::NewerSchema { found, known });
    }
    if found == 0 {
        let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
        if tables > 0 {
            return Err(StoreError::ForeignDatabase(app_id));
        }
    }
    for (done, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        // Each migration and its version number commit together.
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", done as i64 + 1)?;
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.commit()?;
    }
    Ok(())
}
