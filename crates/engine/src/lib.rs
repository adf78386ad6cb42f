//! dbwarden's database engines: PostgreSQL, MySQL/MariaDB and SQLite, each behind the one
//! [`Engine`] trait, so that everything above this crate is written once.
//!
//! An engine owns one connection. It runs single statements (dbwarden splits scripts itself, so
//! that it knows which statement failed and can record progress), runs dbwarden's own queries
//! with bound parameters, takes the database-level migration lock, and introspects the
//! database into the core [`Schema`](dbwarden_core::Schema) model.

pub mod capture;
pub mod data;
pub mod error;
pub mod mysql;
pub mod postgres;
pub mod rowcodec;
pub mod scratch;
pub mod sqlite;
mod tls;
pub mod url;
pub mod value;

use async_trait::async_trait;
use dbwarden_core::{Dialect, QualifiedName, Schema, Table};

pub use data::{
    BucketFigures, Bucketing, ChunkReceiver, ChunkSender, FingerprintSpec, RowFormat,
    SequencePosition, TableFingerprint,
};

pub use error::EngineError;
pub use url::{ConnectionUrl, TlsMode};
pub use value::{Row, Value};

/// What an engine can do, derived from its dialect and server version, so that callers ask the
/// engine instead of scattering version checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// DDL runs inside transactions and rolls back with them.
    pub transactional_ddl: bool,
    /// `CREATE INDEX CONCURRENTLY` exists (and must run outside a transaction).
    pub concurrent_index: bool,
}

/// Facts about the server at the other end of a connection.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ServerInfo {
    /// The dialect.
    pub dialect: Dialect,
    /// The product (`PostgreSQL`, `MariaDB`, `MySQL`, `SQLite`).
    pub product: String,
    /// The version string the server reports.
    pub version: String,
    /// The database (or file) connected to.
    pub database: String,
}

/// Who holds the migration lock, as far as the database can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockHolder {
    /// A human description: application name, user, client address, process id.
    pub description: String,
}

/// The outcome of one statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Executed {
    /// Rows inserted, updated or deleted, as the server reports them.
    pub rows_affected: u64,
}

/// Stops the statement an engine is running, from outside it (the engine itself is busy
/// awaiting the statement): PostgreSQL's cancel request, MySQL's `KILL QUERY` from a second
/// connection, SQLite's interrupt.
#[async_trait]
pub trait Canceller: Send + Sync {
    /// Asks the server to cancel the running statement; the statement then fails with a
    /// cancellation error (or completes, if it was about to).
    async fn cancel(&self) -> Result<(), EngineError>;
}

/// One database connection of some engine.
///
/// Statements passed to [`Engine::execute`] are single statements as the splitter returns them.
/// dbwarden's own queries use `?` placeholders in every dialect; the PostgreSQL engine rewrites
/// them to `$n`.
#[async_trait]
pub trait Engine: Send {
    /// The dialect this engine speaks.
    fn dialect(&self) -> Dialect;

    /// What the engine supports on this server.
    fn capabilities(&self) -> Capabilities;

    /// A handle that cancels this connection's running statement from another task.
    fn canceller(&self) -> Option<std::sync::Arc<dyn Canceller>> {
        None
    }

    /// Product, version and database name.
    async fn server_info(&mut self) -> Result<ServerInfo, EngineError>;

    /// Runs one statement as a script would (no parameters).
    async fn execute(&mut self, sql: &str) -> Result<Executed, EngineError>;

    /// Runs one statement of dbwarden's own with bound parameters (`?` placeholders).
    async fn execute_with(&mut self, sql: &str, params: &[Value]) -> Result<Executed, EngineError>;

    /// Runs a query of dbwarden's own with bound parameters and returns all rows.
    async fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, EngineError>;

    /// Starts a transaction. On SQLite this takes the write lock at once (`BEGIN IMMEDIATE`), so
    /// that two writers serialize at the start rather than fail at commit.
    async fn begin(&mut self) -> Result<(), EngineError>;

    /// Commits the open transaction.
    async fn commit(&mut self) -> Result<(), EngineError>;

    /// Rolls back the open transaction.
    async fn rollback(&mut self) -> Result<(), EngineError>;

    /// Tries once to take the named database-level lock for this session. Returns false when
    /// another session holds it.
    async fn try_lock(&mut self, name: &str) -> Result<bool, EngineError>;

    /// Releases the named lock.
    async fn unlock(&mut self, name: &str) -> Result<(), EngineError>;

    /// Describes the session holding the named lock, when the database can tell.
    async fn lock_holder(&mut self, name: &str) -> Result<Option<LockHolder>, EngineError>;

    /// Releases a lock left behind by a runner that no longer exists. Only SQLite's lock row
    /// can outlive its process; PostgreSQL and MySQL locks end with their session, so there
    /// this reports the holder and releases nothing. Returns who held it.
    async fn force_unlock(&mut self, name: &str) -> Result<Option<LockHolder>, EngineError> {
        self.lock_holder(name).await
    }

    /// Reads the database's user objects into the normalized model. System objects and
    /// dbwarden's own tables (`dbwarden_*`) are left out.
    async fn introspect(&mut self) -> Result<Schema, EngineError>;

    /// Names of the user tables, cheaper than a full introspection.
    async fn table_names(&mut self) -> Result<Vec<String>, EngineError>;

    /// Creates an empty scratch database next to this one (same server and credentials; an
    /// in-memory database for SQLite) and connects to it. The caller must call
    /// [`Engine::drop_scratch`] with the same name when done, also on failure.
    async fn create_scratch(&mut self, name: &str) -> Result<Box<dyn Engine>, EngineError>;

    /// Drops a scratch database made by [`Engine::create_scratch`].
    async fn drop_scratch(&mut self, name: &str) -> Result<(), EngineError>;

    /// The scratch databases on this server (`dbw_*`, see [`scratch`]), for sweeping what
    /// killed runs left. Empty where scratch databases live in memory (SQLite).
    async fn scratch_databases(&mut self) -> Result<Vec<String>, EngineError> {
        Ok(Vec::new())
    }

    /// Starts a read-only transaction that sees one consistent snapshot of every table, so a
    /// backup's tables and fingerprints agree with each other. End it with `rollback`.
    async fn begin_snapshot(&mut self) -> Result<(), EngineError>;

    /// Streams the rows of `table` (only `columns`, in that order; at most `limit` rows when
    /// given, for sampled copies) into `out` in this engine's [`RowFormat`], and returns how
    /// many rows went out.
    async fn dump_rows(
        &mut self,
        table: &QualifiedName,
        columns: &[String],
        limit: Option<u64>,
        out: ChunkSender,
    ) -> Result<u64, EngineError>;

    /// Inserts the rows arriving on `input` (as [`Engine::dump_rows`] wrote them) into
    /// `table`, and returns how many were inserted. The caller owns the transaction, and must
    /// not commit when the producer of `input` failed: a stream cut short looks complete here.
    async fn load_rows(
        &mut self,
        table: &QualifiedName,
        columns: &[String],
        input: ChunkReceiver,
    ) -> Result<u64, EngineError>;

    /// Measures a table: rows, NULLs per column, distinct keys, content checksums.
    async fn fingerprint(
        &mut self,
        table: &QualifiedName,
        spec: &FingerprintSpec,
    ) -> Result<TableFingerprint, EngineError>;

    /// Where the table's identity, serial or auto-increment numbering stands.
    async fn sequence_positions(
        &mut self,
        table: &Table,
    ) -> Result<Vec<SequencePosition>, EngineError>;

    /// Sets the table's numbering back to `positions` after a restore.
    async fn restore_sequence_positions(
        &mut self,
        table: &QualifiedName,
        positions: &[SequencePosition],
    ) -> Result<(), EngineError>;

    /// The catalog's estimate of the table's rows (for progress and impact; not exact), when
    /// the engine keeps one.
    async fn estimated_rows(&mut self, table: &QualifiedName) -> Result<Option<u64>, EngineError>;

    /// The bytes the table takes on disk with its indexes (and TOAST on PostgreSQL), from the
    /// catalog, when the engine reports it. An error when the table does not exist on
    /// PostgreSQL; `None` where the size is not available.
    async fn table_bytes(&mut self, table: &QualifiedName) -> Result<Option<u64>, EngineError>;
}

pub use scratch::scratch_name;

/// Opens a connection to whatever `url` names.
pub async fn connect(url: &ConnectionUrl) -> Result<Box<dyn Engine>, EngineError> {
    match url.dialect() {
        Dialect::Postgres => Ok(Box::new(postgres::PostgresEngine::connect(url).await?)),
        Dialect::Mysql => Ok(Box::new(mysql::MysqlEngine::connect(url).await?)),
        Dialect::Sqlite => Ok(Box::new(sqlite::SqliteEngine::connect(url).await?)),
    }
}

/// A stable 64-bit hash (FNV-1a) of `text`: the same on every build and platform, so every
/// runner derives the same lock key, trigger name or group.
pub fn stable_hash(text: &str) -> u64 {
    stable_hash_bytes(text.as_bytes())
}

/// [`stable_hash`] of bytes.
pub fn stable_hash_bytes(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// Whether a statement's reported row count means rows changed: only for data-changing
/// statements. For DDL and queries the drivers report other numbers (rows returned, or a
/// stale count from the previous statement on SQLite), which are not rows affected.
pub fn changes_rows(sql: &str) -> bool {
    let first = sql
        .split(|c: char| !c.is_ascii_alphabetic())
        .find(|w| !w.is_empty())
        .unwrap_or("")
        .to_ascii_uppercase();
    matches!(
        first.as_str(),
        "INSERT" | "UPDATE" | "DELETE" | "MERGE" | "REPLACE" | "COPY" | "WITH"
    )
}

/// Tables dbwarden keeps for itself; introspection never reports them.
pub fn is_dbwarden_table(name: &str) -> bool {
    name.starts_with("dbwarden_")
}
