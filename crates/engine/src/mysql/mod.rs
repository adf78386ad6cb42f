//! MySQL and MariaDB through `mysql_async`, with TLS through rustls.
//!
//! Both commit DDL implicitly (MySQL manual, "Statements That Cause an Implicit Commit"), so
//! [`Capabilities::transactional_ddl`] is false and the runner records progress per statement.

mod data;
mod introspect;
mod programs;

use crate::data::{
    ChunkReceiver, ChunkSender, FingerprintSpec, SequencePosition, TableFingerprint,
};
use crate::url::{ConnectionUrl, TlsMode};
use crate::value::{Row, Value};
use crate::{Capabilities, Engine, EngineError, Executed, LockHolder, ServerInfo};
use async_trait::async_trait;
use dbwarden_core::{Dialect, QualifiedName, Schema, Table};
use mysql_async::prelude::Queryable;
use mysql_async::{Conn, OptsBuilder, SslOpts};

/// A MySQL or MariaDB connection.
pub struct MysqlEngine {
    conn: Conn,
    database: String,
    url: ConnectionUrl,
}

/// `KILL QUERY` for one connection, sent from a second one.
struct MysqlCanceller {
    connection: u32,
    url: ConnectionUrl,
}

#[async_trait]
impl crate::Canceller for MysqlCanceller {
    async fn cancel(&self) -> Result<(), EngineError> {
        let mut other = MysqlEngine::connect(&self.url).await?;
        other
            .conn
            .query_drop(format!("KILL QUERY {}", self.connection))
            .await
            .map_err(sql_error)
    }
}

impl MysqlEngine {
    /// Connects as the URL says, with TLS per its `ssl-mode`.
    pub async fn connect(url: &ConnectionUrl) -> Result<Self, EngineError> {
        let Some(database) = url.database().map(str::to_owned) else {
            return Err(EngineError::Connect {
                target: url.redacted(),
                reason: "the URL names no database: add /DATABASE to its path".into(),
            });
        };
        let base = OptsBuilder::default()
            .ip_or_hostname(url.host().unwrap_or("localhost"))
            .tcp_port(url.port().unwrap_or(3306))
            .user(Some(url.user().unwrap_or("root")))
            .pass(url.password())
            .db_name(Some(database.clone()))
            .prefer_socket(false)
            .stmt_cache_size(64)
            // The handshake's character set is 3-byte utf8: a 4-byte character (an emoji in a
            // default, a comment, a row) would reach the server as `?`.
            .init(vec!["SET NAMES utf8mb4".to_owned()]);
        let mode = url.tls_mode()?;
        let attempt = |ssl: Option<SslOpts>| Conn::new(base.clone().ssl_opts(ssl));
        let result = match mode {
            TlsMode::Disable => attempt(None).await,
            TlsMode::Prefer => match attempt(Some(ssl_opts(mode, url))).await {
                // The server has no TLS configured: prefer falls back to plain, as the mysql
                // client does.
                Err(mysql_async::Error::Driver(
                    mysql_async::DriverError::NoClientSslFlagFromServer,
                )) => attempt(None).await,
                other => other,
            },
            _ => attempt(Some(ssl_opts(mode, url))).await,
        };
        let conn = result.map_err(|e| EngineError::Connect {
            target: url.redacted(),
            reason: describe_connect_error(&e, url, mode),
        })?;
        Ok(MysqlEngine {
            conn,
            database,
            url: url.clone(),
        })
    }

    /// The underlying connection, for MySQL-only work.
    pub fn conn(&mut self) -> &mut Conn {
        &mut self.conn
    }
}

fn ssl_opts(mode: TlsMode, url: &ConnectionUrl) -> SslOpts {
    let mut opts = SslOpts::default();
    if let Some(ca) = url.tls_root_cert() {
        opts = opts.with_root_certs(vec![std::path::PathBuf::from(ca).into()]);
    }
    match mode {
        TlsMode::VerifyFull => opts,
        TlsMode::VerifyCa => opts.with_danger_skip_domain_validation(true),
        _ => opts
            .with_danger_accept_invalid_certs(true)
            .with_danger_skip_domain_validation(true),
    }
}

fn describe_connect_error(e: &mysql_async::Error, url: &ConnectionUrl, mode: TlsMode) -> String {
    match e {
        mysql_async::Error::Server(s) => {
            let mut msg = format!("{} (error {})", s.message, s.code);
            match s.code {
                1045 => msg.push_str(": check the user name and password in the URL"),
                1049 => msg.push_str(": create the database first or fix its name in the URL"),
                _ => {}
            }
            msg
        }
        mysql_async::Error::Driver(mysql_async::DriverError::NoClientSslFlagFromServer) => format!(
            "the URL asks for TLS ({mode:?}) but the server does not offer it: enable TLS on the server or use ssl-mode=PREFERRED"
        ),
        other => format!(
            "{other} (is MySQL/MariaDB running and reachable at {}:{}?)",
            url.host().unwrap_or("localhost"),
            url.port().unwrap_or(3306)
        ),
    }
}

pub(crate) fn sql_error(e: mysql_async::Error) -> EngineError {
    match e {
        mysql_async::Error::Server(s) => EngineError::Sql {
            message: s.message,
            code: Some(format!("{} ({})", s.code, s.state)),
            position: None,
        },
        other => EngineError::Driver(other.to_string()),
    }
}

fn to_mysql(value: &Value) -> mysql_async::Value {
    match value {
        Value::Null => mysql_async::Value::NULL,
        Value::Int(i) => mysql_async::Value::Int(*i),
        Value::Float(f) => mysql_async::Value::Double(*f),
        Value::Text(s) => mysql_async::Value::Bytes(s.clone().into_bytes()),
        Value::Bytes(b) => mysql_async::Value::Bytes(b.clone()),
        Value::Bool(b) => mysql_async::Value::Int(i64::from(*b)),
    }
}

/// Like [`to_mysql`], without copying text and bytes.
pub(crate) fn to_mysql_owned(value: Value) -> mysql_async::Value {
    match value {
        Value::Text(s) => mysql_async::Value::Bytes(s.into_bytes()),
        Value::Bytes(b) => mysql_async::Value::Bytes(b),
        other => to_mysql(&other),
    }
}

fn from_mysql(value: mysql_async::Value) -> Value {
    match value {
        mysql_async::Value::NULL => Value::Null,
        mysql_async::Value::Int(i) => Value::Int(i),
        mysql_async::Value::UInt(u) => {
            i64::try_from(u).map_or(Value::Text(u.to_string()), Value::Int)
        }
        mysql_async::Value::Float(f) => Value::Float(f.into()),
        mysql_async::Value::Double(f) => Value::Float(f),
        mysql_async::Value::Bytes(b) => match String::from_utf8(b) {
            Ok(s) => Value::Text(s),
            Err(e) => Value::Bytes(e.into_bytes()),
        },
        mysql_async::Value::Date(y, mo, d, h, mi, s, us) => Value::Text(format!(
            "{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}{}",
            if us > 0 {
                format!(".{us:06}")
            } else {
                String::new()
            }
        )),
        mysql_async::Value::Time(neg, d, h, mi, s, _) => Value::Text(format!(
            "{}{:02}:{mi:02}:{s:02}",
            if neg { "-" } else { "" },
            u32::from(h) + d * 24
        )),
    }
}

#[async_trait]
impl Engine for MysqlEngine {
    fn dialect(&self) -> Dialect {
        Dialect::Mysql
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            transactional_ddl: false,
            concurrent_index: false,
        }
    }

    fn canceller(&self) -> Option<std::sync::Arc<dyn crate::Canceller>> {
        Some(std::sync::Arc::new(MysqlCanceller {
            connection: self.conn.id(),
            url: self.url.clone(),
        }))
    }

    async fn server_info(&mut self) -> Result<ServerInfo, EngineError> {
        let version: Option<String> = self
            .conn
            .query_first("SELECT VERSION()")
            .await
            .map_err(sql_error)?;
        let version = version.unwrap_or_default();
        let product = if version.to_ascii_lowercase().contains("mariadb") {
            "MariaDB"
        } else {
            "MySQL"
        };
        Ok(ServerInfo {
            dialect: Dialect::Mysql,
            product: product.into(),
            version,
            database: self.database.clone(),
        })
    }

    async fn execute(&mut self, sql: &str) -> Result<Executed, EngineError> {
        // The text protocol, as the mysql client would send it; every result set is drained.
        self.conn.query_drop(sql).await.map_err(sql_error)?;
        let rows_affected = if crate::changes_rows(sql) {
            self.conn.affected_rows()
        } else {
            0
        };
        Ok(Executed { rows_affected })
    }

    async fn execute_with(&mut self, sql: &str, params: &[Value]) -> Result<Executed, EngineError> {
        let params: Vec<mysql_async::Value> = params.iter().map(to_mysql).collect();
        self.conn.exec_drop(sql, params).await.map_err(sql_error)?;
        Ok(Executed {
            rows_affected: self.conn.affected_rows(),
        })
    }

    async fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, EngineError> {
        let params: Vec<mysql_async::Value> = params.iter().map(to_mysql).collect();
        let rows: Vec<mysql_async::Row> = self.conn.exec(sql, params).await.map_err(sql_error)?;
        Ok(rows
            .into_iter()
            .map(|r| r.unwrap().into_iter().map(from_mysql).collect())
            .collect())
    }

    async fn begin(&mut self) -> Result<(), EngineError> {
        self.conn
            .query_drop("START TRANSACTION")
            .await
            .map_err(sql_error)
    }

    async fn commit(&mut self) -> Result<(), EngineError> {
        self.conn.query_drop("COMMIT").await.map_err(sql_error)
    }

    async fn rollback(&mut self) -> Result<(), EngineError> {
        self.conn.query_drop("ROLLBACK").await.map_err(sql_error)
    }

    async fn try_lock(&mut self, name: &str) -> Result<bool, EngineError> {
        // GET_LOCK is per server, not per database: the name carries the database. The lock
        // lives as long as this session, and is released if the process dies.
        let got: Option<Option<i64>> = self
            .conn
            .exec_first("SELECT GET_LOCK(?, 0)", (lock_name(&self.database, name),))
            .await
            .map_err(sql_error)?;
        Ok(got.flatten() == Some(1))
    }

    async fn unlock(&mut self, name: &str) -> Result<(), EngineError> {
        self.conn
            .exec_drop("DO RELEASE_LOCK(?)", (lock_name(&self.database, name),))
            .await
            .map_err(sql_error)
    }

    async fn lock_holder(&mut self, name: &str) -> Result<Option<LockHolder>, EngineError> {
        let holder: Option<Option<u64>> = self
            .conn
            .exec_first("SELECT IS_USED_LOCK(?)", (lock_name(&self.database, name),))
            .await
            .map_err(sql_error)?;
        let Some(id) = holder.flatten() else {
            return Ok(None);
        };
        let row: Option<(String, String, i64)> = self
            .conn
            .exec_first(
                "SELECT COALESCE(USER, ''), COALESCE(HOST, ''), COALESCE(TIME, 0) \
                 FROM information_schema.PROCESSLIST WHERE ID = ?",
                (id,),
            )
            .await
            .map_err(sql_error)?;
        let description = match row {
            Some((user, host, time)) => {
                format!("connection {id} (user {user} from {host}, running {time} s)")
            }
            None => format!("connection {id}"),
        };
        Ok(Some(LockHolder { description }))
    }

    async fn introspect(&mut self) -> Result<Schema, EngineError> {
        introspect::introspect(&mut self.conn).await
    }

    async fn create_scratch(&mut self, name: &str) -> Result<Box<dyn Engine>, EngineError> {
        // Same character set and collation as the source, so copied DDL means the same there.
        let charset: Option<(String, String)> = self
            .conn
            .query_first(
                "SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA \
                 WHERE SCHEMA_NAME = DATABASE()",
            )
            .await
            .map_err(sql_error)?;
        let quoted = dbwarden_core::quote_ident(Dialect::Mysql, name);
        // Catalog values, but spliced into DDL: accept only plain names.
        let plain =
            |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        let charset = charset.filter(|(cs, coll)| plain(cs) && plain(coll));
        let options = charset
            .map(|(cs, coll)| format!(" CHARACTER SET {cs} COLLATE {coll}"))
            .unwrap_or_default();
        self.conn
            .query_drop(format!("CREATE DATABASE {quoted}{options}"))
            .await
            .map_err(sql_error)?;
        match MysqlEngine::connect(&self.url.with_database(name)).await {
            Ok(engine) => Ok(Box::new(engine)),
            Err(e) => {
                let _ = self.drop_scratch(name).await;
                Err(e)
            }
        }
    }

    async fn drop_scratch(&mut self, name: &str) -> Result<(), EngineError> {
        let quoted = dbwarden_core::quote_ident(Dialect::Mysql, name);
        self.conn
            .query_drop(format!("DROP DATABASE IF EXISTS {quoted}"))
            .await
            .map_err(sql_error)
    }

    async fn scratch_databases(&mut self) -> Result<Vec<String>, EngineError> {
        self.conn
            .query(
                "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'dbw\\_%' ORDER BY 1",
            )
            .await
            .map_err(sql_error)
    }

    async fn begin_snapshot(&mut self) -> Result<(), EngineError> {
        self.conn
            .query_drop("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            .await
            .map_err(sql_error)?;
        self.conn
            .query_drop("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
            .await
            .map_err(sql_error)
    }

    async fn dump_rows(
        &mut self,
        table: &QualifiedName,
        columns: &[String],
        limit: Option<u64>,
        out: ChunkSender,
    ) -> Result<u64, EngineError> {
        data::dump_rows(&mut self.conn, table, columns, limit, out).await
    }

    async fn load_rows(
        &mut self,
        table: &QualifiedName,
        columns: &[String],
        input: ChunkReceiver,
    ) -> Result<u64, EngineError> {
        data::load_rows(&mut self.conn, table, columns, input).await
    }

    async fn fingerprint(
        &mut self,
        table: &QualifiedName,
        spec: &FingerprintSpec,
    ) -> Result<TableFingerprint, EngineError> {
        data::fingerprint(&mut self.conn, table, spec).await
    }

    async fn sequence_positions(
        &mut self,
        table: &Table,
    ) -> Result<Vec<SequencePosition>, EngineError> {
        data::sequence_positions(&mut self.conn, table).await
    }

    async fn restore_sequence_positions(
        &mut self,
        table: &QualifiedName,
        positions: &[SequencePosition],
    ) -> Result<(), EngineError> {
        data::restore_sequence_positions(&mut self.conn, table, positions).await
    }

    async fn estimated_rows(&mut self, table: &QualifiedName) -> Result<Option<u64>, EngineError> {
        data::estimated_rows(&mut self.conn, table).await
    }

    async fn table_bytes(&mut self, table: &QualifiedName) -> Result<Option<u64>, EngineError> {
        data::table_bytes(&mut self.conn, table).await
    }

    async fn table_names(&mut self) -> Result<Vec<String>, EngineError> {
        let names: Vec<String> = self
            .conn
            .query(
                "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() \
                 AND TABLE_TYPE = 'BASE TABLE' AND TABLE_NAME NOT LIKE 'dbwarden\\_%' ORDER BY 1",
            )
            .await
            .map_err(sql_error)?;
        Ok(names)
    }
}

/// MySQL lock names are at most 64 characters; long database names are shortened with a hash.
fn lock_name(database: &str, name: &str) -> String {
    let full = format!("{name}:{database}");
    if full.len() <= 64 {
        return full;
    }
    let hash = crate::stable_hash(&full);
    let keep: String = full.chars().take(40).collect();
    format!("{keep}:{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_names_fit_mysql_limit() {
        assert_eq!(lock_name("app", "dbwarden_migrate"), "dbwarden_migrate:app");
        let long = lock_name(&"x".repeat(64), "dbwarden_migrate");
        assert!(long.len() <= 64, "{long}");
        assert_ne!(long, lock_name(&"y".repeat(64), "dbwarden_migrate"));
    }
}
