//! Throwaway databases for tests, on the real local servers (never a mock).
//!
//! Each [`TestDb`] is a uniquely named database created for one test and dropped when the value
//! is dropped, so tests run in parallel and leave nothing behind. Where a server cannot be
//! reached, a test outside CI prints that it skipped and why; with `CI=true` it fails, because
//! CI must prove the server-backed behaviour.
//!
//! Server URLs come from `DBWARDEN_TEST_POSTGRES_URL` and `DBWARDEN_TEST_MYSQL_URL`, defaulting to
//! the local servers with trust / empty-password root access.

use dbwarden_engine::{ConnectionUrl, Engine, connect};
use std::sync::atomic::{AtomicU32, Ordering};

/// Default admin URL of the local PostgreSQL.
pub const DEFAULT_POSTGRES_URL: &str =
    "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable";
/// Default admin URL of the local MariaDB.
pub const DEFAULT_MYSQL_URL: &str = "mysql://root@127.0.0.1:3306/mysql?ssl-mode=DISABLED";

/// Which server a test database lives on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Server {
    /// The local PostgreSQL.
    Postgres,
    /// The local MariaDB / MySQL.
    Mysql,
    /// A temporary SQLite file.
    Sqlite,
}

/// A database that exists for one test.
pub struct TestDb {
    /// URL of the test database.
    pub url: ConnectionUrl,
    /// Which server it is on.
    pub server: Server,
    admin: Option<ConnectionUrl>,
    name: String,
    _dir: Option<tempfile::TempDir>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A database name no other test (in this or another process) uses.
pub fn unique_name(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// Whether this run is CI, where unreachable servers are failures rather than skips.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

fn admin_url(server: Server) -> ConnectionUrl {
    let (var, default) = match server {
        Server::Postgres => ("DBWARDEN_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        _ => ("DBWARDEN_TEST_MYSQL_URL", DEFAULT_MYSQL_URL),
    };
    let raw = std::env::var(var).unwrap_or_else(|_| default.to_owned());
    ConnectionUrl::parse(&raw).unwrap_or_else(|e| panic!("{var} is not a valid URL: {e}"))
}

/// The admin URL of a server, for tests that connect to it directly.
pub fn server_admin_url(server: Server) -> ConnectionUrl {
    admin_url(server)
}

impl TestDb {
    /// A fresh database on `server`, or `None` (after saying why) when the server cannot be
    /// reached outside CI. Panics in CI when the server cannot be reached.
    pub async fn create(server: Server) -> Option<TestDb> {
        if server == Server::Sqlite {
            return Some(Self::sqlite());
        }
        let admin = admin_url(server);
        let mut engine = match connect(&admin).await {
            Ok(e) => e,
            Err(e) => {
                if in_ci() {
                    panic!("CI=true and the {server:?} test server is unreachable: {e}");
                }
                eprintln!(
                    "SKIPPED: {server:?} server unreachable ({e}); start it to run this test"
                );
                return None;
            }
        };
        let name = unique_name("dbw_test");
        let create = format!("CREATE DATABASE {name}");
        if let Err(e) = engine.execute(&create).await {
            panic!("cannot create test database {name}: {e}");
        }
        Some(TestDb {
            url: admin.with_database(&name),
            server,
            admin: Some(admin),
            name,
            _dir: None,
        })
    }

    /// A fresh SQLite file in its own temporary folder.
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("cannot make a temp dir: {e}"));
        let path = dir.path().join("test.db");
        let url = ConnectionUrl::parse(&format!("sqlite:{}", path.display()))
            .unwrap_or_else(|e| panic!("bad sqlite url: {e}"));
        TestDb {
            url,
            server: Server::Sqlite,
            admin: None,
            name: path.display().to_string(),
            _dir: Some(dir),
        }
    }

    /// The database name (or SQLite file path).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A new connection to the test database.
    pub async fn connect(&self) -> Box<dyn Engine> {
        connect(&self.url)
            .await
            .unwrap_or_else(|e| panic!("cannot connect to test database {}: {e}", self.name))
    }

    /// The URL as a string (with the password, for passing to a child process).
    pub fn url_string(&self) -> String {
        match self.server {
            Server::Sqlite => format!("sqlite:{}", self.name),
            Server::Postgres => {
                let raw = std::env::var("DBWARDEN_TEST_POSTGRES_URL")
                    .unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_owned());
                replace_database(&raw, &self.name)
            }
            Server::Mysql => {
                let raw = std::env::var("DBWARDEN_TEST_MYSQL_URL")
                    .unwrap_or_else(|_| DEFAULT_MYSQL_URL.to_owned());
                replace_database(&raw, &self.name)
            }
        }
    }
}

/// Replaces the path (database) of a server URL string, keeping its query.
pub fn replace_database(raw: &str, database: &str) -> String {
    let (base, query) = raw
        .split_once('?')
        .map_or((raw, None), |(b, q)| (b, Some(q)));
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    let mut out = format!("{}/{database}", &base[..path_start]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(admin) = self.admin.clone() else {
            return;
        };
        let name = self.name.clone();
        let server = self.server;
        // Drop runs outside any async context we can rely on, so use a thread with its own
        // runtime. PostgreSQL needs other sessions gone first (WITH (FORCE), PostgreSQL 13+).
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                if let Ok(mut engine) = connect(&admin).await {
                    let sql = match server {
                        Server::Postgres => format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                        _ => format!("DROP DATABASE IF EXISTS {name}"),
                    };
                    if let Err(e) = engine.execute(&sql).await {
                        eprintln!("warning: could not drop test database {name}: {e}");
                    }
                }
            });
        })
        .join();
    }
}

/// Creates a test database or returns from the test (skip outside CI; panic in CI).
#[macro_export]
macro_rules! test_db {
    ($server:expr) => {
        match $crate::TestDb::create($server).await {
            Some(db) => db,
            None => return,
        }
    };
}
