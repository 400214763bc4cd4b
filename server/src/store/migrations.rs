//! The schema: one list of migrations for both backends.
//!
//! Append a migration for every change; never edit one that has shipped.
//! They are written once, in SQLite's STRICT dialect (STRICT tables make
//! SQLite check column types as PostgreSQL would), and [`postgres`] renders
//! them for PostgreSQL by renaming the few types the two spell differently.
//! Integers are 64-bit and booleans are 0/1 integers on both, so the Rust
//! side reads the same types from either. Both backends record the number
//! of migrations applied and refuse a database newer than this list.

pub(super) const MIGRATIONS: &[&str] = &[
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

/// A migration in PostgreSQL's dialect: `BLOB` is `BYTEA`, `INTEGER` is
/// 64-bit `BIGINT`, an autoincrement key is an identity column, and tables
/// need no STRICT (PostgreSQL always checks types).
pub(super) fn postgres(sql: &str) -> String {
    sql.replace(
        "INTEGER PRIMARY KEY AUTOINCREMENT",
        "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
    )
    .replace(" INTEGER", " BIGINT")
    .replace(" BLOB", " BYTEA")
    .replace(") STRICT", ")")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_rendering_leaves_no_sqlite_words() {
        for sql in MIGRATIONS {
            let pg = postgres(sql);
            for word in ["STRICT", "BLOB", "INTEGER", "AUTOINCREMENT", "rowid"] {
                assert!(!pg.contains(word), "{word} left in {pg}");
            }
            assert!(pg.contains("BIGINT"));
        }
    }

    #[test]
    fn postgres_rendering_keeps_every_statement() {
        for sql in MIGRATIONS {
            assert_eq!(sql.matches(';').count(), postgres(sql).matches(';').count());
            assert_eq!(
                sql.matches("CREATE").count(),
                postgres(sql).matches("CREATE").count()
            );
        }
    }
}
