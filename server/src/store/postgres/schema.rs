//! The shared migrations applied to PostgreSQL, numbered in `laowu_schema`.
//!
//! Processes starting together take one advisory lock, so exactly one
//! applies a pending migration and the others find it done. DDL is
//! transactional in PostgreSQL: a migration and its number commit together.

use crate::store::StoreError;
use crate::store::migrations::{MIGRATIONS, postgres};

/// "LWSV", as the SQLite file's application_id: the lock all migrating
/// processes queue on.
const MIGRATION_LOCK: i64 = 0x4C57_5356;
/// Names the database's owner in `laowu_schema`.
const APPLICATION: &str = "laowu-server";

pub(super) async fn migrate(client: &mut deadpool_postgres::Object) -> Result<(), StoreError> {
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    let known = MIGRATIONS.len() as i64;
    let marked = tx
        .query_one("SELECT to_regclass('laowu_schema') IS NOT NULL", &[])
        .await?
        .get::<_, bool>(0);
    let found = if marked {
        let row = tx
            .query_one("SELECT application, version FROM laowu_schema", &[])
            .await?;
        if row.get::<_, String>(0) != APPLICATION {
            return Err(StoreError::ForeignSchema);
        }
        row.get::<_, i64>(1)
    } else {
        // A database holding tables but no mark belongs to something else.
        let tables: i64 = tx
            .query_one(
                "SELECT count(*) FROM information_schema.tables
                 WHERE table_schema = current_schema()",
                &[],
            )
            .await?
            .get(0);
        if tables > 0 {
            return Err(StoreError::ForeignSchema);
        }
        tx.batch_execute(
            "CREATE TABLE laowu_schema (application TEXT NOT NULL, version BIGINT NOT NULL)",
        )
        .await?;
        tx.execute(
            "INSERT INTO laowu_schema (application, version) VALUES ($1, 0)",
            &[&APPLICATION],
        )
        .await?;
        0
    };
    if found > known {
        return Err(StoreError::NewerSchema { found, known });
    }
    for (done, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        tx.batch_execute(&postgres(sql)).await?;
        tx.execute(
            "UPDATE laowu_schema SET version = $1",
            &[&(done as i64 + 1)],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
