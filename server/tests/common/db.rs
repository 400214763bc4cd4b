//! The backend a test server runs on, and direct access to what it stored.
//!
//! SQLite unless `LAOWU_TEST_POSTGRES` holds the URL of a PostgreSQL server
//! a test may create databases on (`scripts/postgres.sh` starts one); each
//! test server then gets a database of its own, named in a file in its data
//! directory so a restart, or an admin command, finds the same one.

use std::path::Path;

use laowu_server::Database;
use tokio_postgres::NoTls;
use tokio_postgres::types::{ToSql, Type};

/// Names the test server's PostgreSQL database, in its data directory.
const URL_FILE: &str = "test-postgres-url";

/// The database for the test server whose data directory is `data`: the one
/// already made for it, else a new one when the suite runs on PostgreSQL.
pub async fn database_for(data: &Path) -> Database {
    let file = data.join(URL_FILE);
    if let Ok(url) = std::fs::read_to_string(&file) {
        return Database::Postgres(url);
    }
    let Some(admin_url) = postgres_admin_url() else {
        return Database::Sqlite;
    };
    let url = create_database(&admin_url).await;
    std::fs::create_dir_all(data).unwrap();
    std::fs::write(&file, &url).unwrap();
    Database::Postgres(url)
}

/// A new, empty database on the PostgreSQL server at `admin_url`; its URL.
pub async fn create_database(admin_url: &str) -> String {
    let name = format!("laowu_test_{}", hex::encode(rand_bytes()));
    connect(admin_url)
        .await
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create a test database");
    with_database(admin_url, &name)
}

/// The database already chosen for `data` (see [`database_for`]).
pub fn database_of(data: &Path) -> Database {
    match std::fs::read_to_string(data.join(URL_FILE)) {
        Ok(url) => Database::Postgres(url),
        Err(_) => Database::Sqlite,
    }
}

pub fn postgres_admin_url() -> Option<String> {
    std::env::var("LAOWU_TEST_POSTGRES")
        .ok()
        .filter(|u| !u.is_empty())
}

/// `url` with its database name replaced.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, _) = url
        .rsplit_once('/')
        .filter(|(b, _)| b.contains("//") && !b.ends_with('/'))
        .unwrap_or((url, ""));
    format!("{base}/{name}")
}

fn rand_bytes() -> [u8; 8] {
    let mut bytes = [0u8; 8];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes).unwrap();
    bytes
}

pub async fn connect(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, NoTls)
        .await
        .expect("connect to the test PostgreSQL");
    tokio::spawn(connection);
    client
}

/// A value bound to a query, on either backend.
#[derive(Debug, Clone)]
pub enum Param {
    Int(i64),
    Text(String),
    Bytes(Vec<u8>),
}

/// A direct connection to a test server's database, as an operator's SQL
/// session would be. Queries use `$1`-style placeholders on both backends.
pub enum TestDb {
    Sqlite(rusqlite::Connection),
    Postgres(tokio_postgres::Client),
}

impl TestDb {
    pub async fn open(data: &Path) -> TestDb {
        match database_of(data) {
            Database::Sqlite => {
                let conn = rusqlite::Connection::open(data.join("server.db")).unwrap();
                conn.busy_timeout(std::time::Duration::from_secs(5))
                    .unwrap();
                TestDb::Sqlite(conn)
            }
            Database::Postgres(url) => TestDb::Postgres(connect(&url).await),
        }
    }

    pub async fn execute(&self, sql: &str, params: &[Param]) -> u64 {
        match self {
            TestDb::Sqlite(conn) => conn
                .execute(&sqlite_sql(sql), rusqlite::params_from_iter(sqlite(params)))
                .unwrap() as u64,
            TestDb::Postgres(client) => client.execute(sql, &postgres(params)).await.unwrap(),
        }
    }

    /// The first column of the one row `sql` returns, as an integer.
    pub async fn int(&self, sql: &str, params: &[Param]) -> i64 {
        self.scalar(sql, params).await
    }

    /// The first column of the one row `sql` returns, as text.
    pub async fn text(&self, sql: &str, params: &[Param]) -> String {
        self.scalar(sql, params).await
    }

    async fn scalar<T>(&self, sql: &str, params: &[Param]) -> T
    where
        T: rusqlite::types::FromSql + for<'a> tokio_postgres::types::FromSql<'a>,
    {
        match self {
            TestDb::Sqlite(conn) => conn
                .query_row(
                    &sqlite_sql(sql),
                    rusqlite::params_from_iter(sqlite(params)),
                    |r| r.get(0),
                )
                .unwrap(),
            TestDb::Postgres(client) => client
                .query_one(sql, &postgres(params))
                .await
                .unwrap()
                .get(0),
        }
    }

    /// Every byte stored: SQLite's files as they are on disk; every value of
    /// every PostgreSQL table in its raw form (bytea as its bytes, not hex),
    /// for scans that look for a value in clear.
    pub async fn raw_bytes(&self, data: &Path) -> Vec<u8> {
        match self {
            TestDb::Sqlite(_) => {
                let mut bytes = std::fs::read(data.join("server.db")).unwrap();
                bytes.extend(std::fs::read(data.join("server.db-wal")).unwrap_or_default());
                bytes
            }
            TestDb::Postgres(client) => {
                let tables = client
                    .query(
                        "SELECT table_name::text FROM information_schema.tables
                         WHERE table_schema = current_schema()",
                        &[],
                    )
                    .await
                    .unwrap();
                let mut bytes = Vec::new();
                for table in tables {
                    let name: String = table.get(0);
                    for row in client
                        .query(&format!("SELECT * FROM {name}"), &[])
                        .await
                        .unwrap()
                    {
                        for (i, column) in row.columns().iter().enumerate() {
                            match *column.type_() {
                                Type::BYTEA => bytes
                                    .extend(row.get::<_, Option<Vec<u8>>>(i).unwrap_or_default()),
                                Type::TEXT => bytes.extend(
                                    row.get::<_, Option<String>>(i)
                                        .unwrap_or_default()
                                        .into_bytes(),
                                ),
                                _ => {}
                            }
                            bytes.push(0);
                        }
                    }
                }
                bytes
            }
        }
    }
}

/// `$1` placeholders as SQLite numbers them (`?1`).
fn sqlite_sql(sql: &str) -> String {
    sql.replace('$', "?")
}

fn sqlite(params: &[Param]) -> Vec<rusqlite::types::Value> {
    params
        .iter()
        .map(|p| match p {
            Param::Int(i) => rusqlite::types::Value::Integer(*i),
            Param::Text(t) => rusqlite::types::Value::Text(t.clone()),
            Param::Bytes(b) => rusqlite::types::Value::Blob(b.clone()),
        })
        .collect()
}

fn postgres(params: &[Param]) -> Vec<&(dyn ToSql + Sync)> {
    params
        .iter()
        .map(|p| match p {
            Param::Int(i) => i as &(dyn ToSql + Sync),
            Param::Text(t) => t as &(dyn ToSql + Sync),
            Param::Bytes(b) => b as &(dyn ToSql + Sync),
        })
        .collect()
}
