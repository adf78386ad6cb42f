//! SQLite through `rusqlite` (bundled, so nothing needs installing). Calls run on tokio's
//! blocking pool because SQLite does its I/O on the calling thread.

mod data;
mod ddl_text;
mod introspect;

use crate::data::{
    ChunkReceiver, ChunkSender, FingerprintSpec, SequencePosition, TableFingerprint,
};
use crate::url::ConnectionUrl;
use crate::value::{Row, Value};
use crate::{Capabilities, Engine, EngineError, Executed, LockHolder, ServerInfo};
use async_trait::async_trait;
use dbwarden_core::{Dialect, QualifiedName, Schema, Table};
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, OpenFlags, ToSql};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// An SQLite database connection.
pub struct SqliteEngine {
    conn: Arc<Mutex<Connection>>,
    interrupt: Arc<rusqlite::InterruptHandle>,
    label: String,
    read_only_url: bool,
}

/// SQLite's interrupt: the running statement stops at its next step with SQLITE_INTERRUPT.
struct SqliteCanceller(Arc<rusqlite::InterruptHandle>);

#[async_trait]
impl crate::Canceller for SqliteCanceller {
    async fn cancel(&self) -> Result<(), EngineError> {
        self.0.interrupt();
        Ok(())
    }
}

impl SqliteEngine {
    /// Opens (creating if missing) the file the URL names, or an in-memory database.
    pub async fn connect(url: &ConnectionUrl) -> Result<Self, EngineError> {
        let label = url.redacted();
        let conn = if url.is_memory() {
            Connection::open_in_memory()
        } else {
            let path = url
                .sqlite_path()
                .map(|p| p.to_path_buf())
                .unwrap_or_default();
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
                && !parent.is_dir()
            {
                return Err(EngineError::Connect {
                    target: label,
                    reason: format!(
                        "folder {} does not exist: create it or fix the path",
                        parent.display()
                    ),
                });
            }
            let flags = if url.param("mode") == Some("ro") {
                OpenFlags::SQLITE_OPEN_READ_ONLY
            } else {
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE
            };
            Connection::open_with_flags(&path, flags | OpenFlags::SQLITE_OPEN_URI)
        }
        .map_err(|e| EngineError::Connect {
            target: label.clone(),
            reason: e.to_string(),
        })?;
        conn.busy_timeout(Duration::from_secs(30))
            .and_then(|_| conn.execute_batch("PRAGMA foreign_keys = ON"))
            .map_err(|e| EngineError::Connect {
                target: label.clone(),
                reason: e.to_string(),
            })?;
        Ok(SqliteEngine {
            interrupt: Arc::new(conn.get_interrupt_handle()),
            conn: Arc::new(Mutex::new(conn)),
            label,
            read_only_url: url.param("mode") == Some("ro"),
        })
    }

    /// Runs `f` with the connection on the blocking pool.
    pub async fn with_conn<T, F>(&self, f: F) -> Result<T, EngineError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, EngineError> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        let result = tokio::task::spawn_blocking(move || {
            let mut guard = conn
                .lock()
                .map_err(|_| EngineError::Driver("SQLite connection poisoned by a panic".into()))?;
            f(&mut guard)
        })
        .await
        .map_err(|e| EngineError::Driver(format!("SQLite worker failed: {e}")))?;
        result.map_err(|e| match e {
            EngineError::ReadOnly(message) => {
                EngineError::ReadOnly(self.read_only_message(&message))
            }
            other => other,
        })
    }

    /// Says which file refused the write and the likely reason: the URL's `mode=ro`, or
    /// permissions on the file or on its folder (where SQLite writes its journal).
    fn read_only_message(&self, message: &str) -> String {
        let reason = if self.read_only_url {
            "the URL opens it read-only (mode=ro); drop mode=ro to let dbwarden write".to_owned()
        } else {
            "the file or its folder (where SQLite writes its journal) is not writable; fix the \
             permissions or use a writable copy"
                .to_owned()
        };
        format!(
            "{message}: {} is read-only: {reason}. Nothing was changed.",
            self.label
        )
    }
}

pub(crate) fn sql_error(e: rusqlite::Error) -> EngineError {
    match &e {
        rusqlite::Error::SqliteFailure(f, msg) => {
            let message = msg.clone().unwrap_or_else(|| f.to_string());
            if f.code == rusqlite::ErrorCode::ReadOnly {
                return EngineError::ReadOnly(message);
            }
            EngineError::Sql {
                message,
                code: Some(format!("{:?}", f.code)),
                position: None,
            }
        }
        rusqlite::Error::SqlInputError { msg, offset, .. } => EngineError::Sql {
            message: msg.clone(),
            code: Some("SQLITE_ERROR".into()),
            position: usize::try_from(*offset).ok().map(|o| o + 1),
        },
        _ => EngineError::Driver(e.to_string()),
    }
}

impl ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(i) => ToSqlOutput::Borrowed(ValueRef::Integer(*i)),
            Value::Float(f) => ToSqlOutput::Borrowed(ValueRef::Real(*f)),
            Value::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Value::Bytes(b) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
            Value::Bool(b) => ToSqlOutput::Borrowed(ValueRef::Integer(i64::from(*b))),
        })
    }
}

fn from_sqlite(value: ValueRef<'_>) -> Value {
    match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Int(i),
        ValueRef::Real(f) => Value::Float(f),
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::Bytes(b.to_vec()),
    }
}

/// Runs a query and collects every row (used by the engine and by introspection).
pub(crate) fn query_rows(
    conn: &Connection,
    sql: &str,
    params: &[Value],
) -> Result<Vec<Row>, EngineError> {
    let mut stmt = conn.prepare(sql).map_err(sql_error)?;
    let width = stmt.column_count();
    let mut rows = stmt
        .query(rusqlite::params_from_iter(params.iter()))
        .map_err(sql_error)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(sql_error)? {
        let mut values = Vec::with_capacity(width);
        for i in 0..width {
            values.push(from_sqlite(row.get_ref(i).map_err(sql_error)?));
        }
        out.push(values);
    }
    Ok(out)
}

/// Whether a process with this id is alive on this host (signal 0 checks without sending).
fn process_alive(pid: i64) -> bool {
    let Ok(pid) = i32::try_from(pid) else {
        return false;
    };
    if pid <= 0 {
        return false;
    }
    std::path::Path::new(&format!("/proc/{pid}")).exists()
}

fn this_host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_owned())
        .or_else(|_| std::env::var("HOSTNAME"))
        .unwrap_or_else(|_| "unknown-host".into())
}

#[async_trait]
impl Engine for SqliteEngine {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            transactional_ddl: true,
            concurrent_index: false,
        }
    }

    fn canceller(&self) -> Option<Arc<dyn crate::Canceller>> {
        Some(Arc::new(SqliteCanceller(Arc::clone(&self.interrupt))))
    }

    async fn server_info(&mut self) -> Result<ServerInfo, EngineError> {
        Ok(ServerInfo {
            dialect: Dialect::Sqlite,
            product: "SQLite".into(),
            version: rusqlite::version().to_owned(),
            database: self.label.trim_start_matches("sqlite:").to_owned(),
        })
    }

    async fn execute(&mut self, sql: &str) -> Result<Executed, EngineError> {
        let sql = sql.to_owned();
        self.with_conn(move |conn| {
            // `execute` refuses statements that return rows (PRAGMA, SELECT in a script), so
            // step through them instead, as the sqlite3 shell does.
            let mut stmt = conn.prepare(&sql).map_err(sql_error)?;
            let mut rows = stmt.raw_query();
            while rows.next().map_err(sql_error)?.is_some() {}
            drop(rows);
            drop(stmt);
            Ok(Executed {
                rows_affected: if crate::changes_rows(&sql) {
                    conn.changes()
                } else {
                    0
                },
            })
        })
        .await
    }

    async fn execute_with(&mut self, sql: &str, params: &[Value]) -> Result<Executed, EngineError> {
        let sql = sql.to_owned();
        let params = params.to_vec();
        self.with_conn(move |conn| {
            let n = conn
                .execute(&sql, rusqlite::params_from_iter(params.iter()))
                .map_err(sql_error)?;
            Ok(Executed {
                rows_affected: n as u64,
            })
        })
        .await
    }

    async fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, EngineError> {
        let sql = sql.to_owned();
        let params = params.to_vec();
        self.with_conn(move |conn| query_rows(conn, &sql, &params))
            .await
    }

    async fn begin(&mut self) -> Result<(), EngineError> {
        self.with_conn(|conn| conn.execute_batch("BEGIN IMMEDIATE").map_err(sql_error))
            .await
    }

    async fn commit(&mut self) -> Result<(), EngineError> {
        self.with_conn(|conn| conn.execute_batch("COMMIT").map_err(sql_error))
            .await
    }

    async fn rollback(&mut self) -> Result<(), EngineError> {
        self.with_conn(|conn| conn.execute_batch("ROLLBACK").map_err(sql_error))
            .await
    }

    async fn try_lock(&mut self, name: &str) -> Result<bool, EngineError> {
        // SQLite has no session locks: a lock row, written under BEGIN IMMEDIATE so that two
        // runners serialize on it. A row left by a process that died on this host is stale
        // and taken over; SQLite files are local, so the host check is meaningful.
        let name = name.to_owned();
        self.with_conn(move |conn| {
            let tx = conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .map_err(sql_error)?;
            tx.execute_batch(
                "CREATE TABLE IF NOT EXISTS dbwarden_lock (name TEXT PRIMARY KEY, pid INTEGER NOT NULL, \
                 host TEXT NOT NULL, acquired_at TEXT NOT NULL)",
            )
            .map_err(sql_error)?;
            let holder = query_rows(
                &tx,
                "SELECT pid, host FROM dbwarden_lock WHERE name = ?",
                &[Value::Text(name.clone())],
            )?;
            let host = this_host();
            if let Some(row) = holder.first() {
                let pid = row.first().and_then(Value::as_i64).unwrap_or(0);
                let holder_host = row.get(1).and_then(Value::as_string).unwrap_or_default();
                let stale = holder_host == host && !process_alive(pid);
                if !stale {
                    return Ok(false);
                }
                tracing::warn!("taking over a stale migration lock left by dead process {pid}");
                tx.execute("DELETE FROM dbwarden_lock WHERE name = ?", [&name]).map_err(sql_error)?;
            }
            tx.execute(
                "INSERT INTO dbwarden_lock (name, pid, host, acquired_at) VALUES (?, ?, ?, datetime('now'))",
                rusqlite::params![name, i64::from(std::process::id()), host],
            )
            .map_err(sql_error)?;
            tx.commit().map_err(sql_error)?;
            Ok(true)
        })
        .await
    }

    async fn unlock(&mut self, name: &str) -> Result<(), EngineError> {
        let name = name.to_owned();
        self.with_conn(move |conn| {
            conn.execute(
                "DELETE FROM dbwarden_lock WHERE name = ? AND pid = ?",
                rusqlite::params![name, i64::from(std::process::id())],
            )
            .map_err(sql_error)?;
            Ok(())
        })
        .await
    }

    async fn lock_holder(&mut self, name: &str) -> Result<Option<LockHolder>, EngineError> {
        let name = name.to_owned();
        self.with_conn(move |conn| {
            let rows = query_rows(
                conn,
                "SELECT pid, host, acquired_at FROM dbwarden_lock WHERE name = ?",
                &[Value::Text(name)],
            )
            .unwrap_or_default();
            Ok(rows.first().map(|r| {
                let s = |i: usize| r.get(i).and_then(Value::as_string).unwrap_or_default();
                LockHolder {
                    description: format!("process {} on {} (since {} UTC)", s(0), s(1), s(2)),
                }
            }))
        })
        .await
    }

    async fn introspect(&mut self) -> Result<Schema, EngineError> {
        self.with_conn(|conn| introspect::introspect(conn)).await
    }

    async fn force_unlock(&mut self, name: &str) -> Result<Option<LockHolder>, EngineError> {
        let holder = self.lock_holder(name).await?;
        if holder.is_some() {
            let name = name.to_owned();
            self.with_conn(move |conn| {
                conn.execute("DELETE FROM dbwarden_lock WHERE name = ?", [&name])
                    .map_err(sql_error)?;
                Ok(())
            })
            .await?;
        }
        Ok(holder)
    }

    async fn create_scratch(&mut self, _name: &str) -> Result<Box<dyn Engine>, EngineError> {
        let url = ConnectionUrl::parse("sqlite::memory:")?;
        Ok(Box::new(SqliteEngine::connect(&url).await?))
    }

    async fn drop_scratch(&mut self, _name: &str) -> Result<(), EngineError> {
        // An in-memory database goes with its connection.
        Ok(())
    }

    async fn begin_snapshot(&mut self) -> Result<(), EngineError> {
        // A deferred transaction takes its snapshot at the first read and keeps it.
        self.with_conn(|conn| conn.execute_batch("BEGIN DEFERRED").map_err(sql_error))
            .await
    }

    async fn dump_rows(
        &mut self,
        table: &QualifiedName,
        columns: &[String],
        limit: Option<u64>,
        out: ChunkSender,
    ) -> Result<u64, EngineError> {
        let (table, columns) = (table.clone(), columns.to_vec());
        self.with_conn(move |conn| data::dump_rows(conn, &table, &columns, limit, &out))
            .await
    }

    async fn load_rows(
        &mut self,
        table: &QualifiedName,
        columns: &[String],
        mut input: ChunkReceiver,
    ) -> Result<u64, EngineError> {
        let (table, columns) = (table.clone(), columns.to_vec());
        self.with_conn(move |conn| data::load_rows(conn, &table, &columns, &mut input))
            .await
    }

    async fn fingerprint(
        &mut self,
        table: &QualifiedName,
        spec: &FingerprintSpec,
    ) -> Result<TableFingerprint, EngineError> {
        let (table, spec) = (table.clone(), spec.clone());
        self.with_conn(move |conn| data::fingerprint(conn, &table, &spec))
            .await
    }

    async fn sequence_positions(
        &mut self,
        table: &Table,
    ) -> Result<Vec<SequencePosition>, EngineError> {
        let table = table.clone();
        self.with_conn(move |conn| data::sequence_positions(conn, &table))
            .await
    }

    async fn restore_sequence_positions(
        &mut self,
        table: &QualifiedName,
        positions: &[SequencePosition],
    ) -> Result<(), EngineError> {
        let (table, positions) = (table.clone(), positions.to_vec());
        self.with_conn(move |conn| data::restore_sequence_positions(conn, &table, &positions))
            .await
    }

    async fn estimated_rows(&mut self, _table: &QualifiedName) -> Result<Option<u64>, EngineError> {
        // SQLite keeps no row estimate outside ANALYZE's sqlite_stat1, which is often absent.
        Ok(None)
    }

    async fn table_bytes(&mut self, table: &QualifiedName) -> Result<Option<u64>, EngineError> {
        let table = table.clone();
        self.with_conn(move |conn| Ok(data::table_bytes(conn, &table)))
            .await
    }

    async fn table_names(&mut self) -> Result<Vec<String>, EngineError> {
        self.with_conn(|conn| {
            let rows = query_rows(
                conn,
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
                 AND name NOT LIKE 'dbwarden\\_%' ESCAPE '\\' ORDER BY name",
                &[],
            )?;
            Ok(rows.into_iter().filter_map(|r| r.into_iter().next().and_then(|v| v.as_string())).collect())
        })
        .await
    }
}
