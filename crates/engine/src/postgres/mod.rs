//! PostgreSQL through `tokio-postgres`, with TLS through rustls.

mod data;
mod introspect;
mod programs;

use crate::data::{
    ChunkReceiver, ChunkSender, FingerprintSpec, SequencePosition, TableFingerprint,
};
use crate::tls::client_config;
use crate::url::{ConnectionUrl, TlsMode};
use crate::value::{Row, Value};
use crate::{Capabilities, Engine, EngineError, Executed, LockHolder, ServerInfo};
use async_trait::async_trait;
use dbwarden_core::{Dialect, QualifiedName, Schema, Table};
use tokio_postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use tokio_postgres::{Client, Config, SimpleQueryMessage};

/// A PostgreSQL connection.
pub struct PostgresEngine {
    client: Client,
    database: String,
    url: ConnectionUrl,
    /// dbwarden's own parameterized statements, prepared once per connection: the history
    /// insert runs once per migration, and preparing it each time costs a round trip.
    prepared: std::collections::HashMap<String, tokio_postgres::Statement>,
}

impl PostgresEngine {
    /// Connects as the URL says, with TLS per its `sslmode`.
    pub async fn connect(url: &ConnectionUrl) -> Result<Self, EngineError> {
        let mut config = Config::new();
        let user = url
            .user()
            .map(str::to_owned)
            .or_else(|| std::env::var("PGUSER").ok())
            .or_else(|| std::env::var("USER").ok())
            .unwrap_or_else(|| "postgres".into());
        let database = url.database().map_or_else(|| user.clone(), str::to_owned);
        config
            .host(url.host().unwrap_or("localhost"))
            .port(url.port().unwrap_or(5432))
            .user(&user)
            .dbname(&database)
            .application_name(url.param("application_name").unwrap_or("dbwarden"))
            .connect_timeout(std::time::Duration::from_secs(
                url.param("connect_timeout")
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(10),
            ));
        if let Some(password) = url.password() {
            config.password(password);
        }
        let mode = url.tls_mode()?;
        config.ssl_mode(match mode {
            TlsMode::Disable => tokio_postgres::config::SslMode::Disable,
            TlsMode::Prefer => tokio_postgres::config::SslMode::Prefer,
            TlsMode::Require | TlsMode::VerifyCa | TlsMode::VerifyFull => {
                tokio_postgres::config::SslMode::Require
            }
        });
        let connect_error = |e: tokio_postgres::Error| EngineError::Connect {
            target: url.redacted(),
            reason: describe_connect_error(&e, url),
        };
        let client = if mode == TlsMode::Disable {
            let (client, connection) = config
                .connect(tokio_postgres::NoTls)
                .await
                .map_err(connect_error)?;
            tokio::spawn(async move {
                if let Err(e) = connection.await {
                    tracing::debug!("postgres connection closed: {e}");
                }
            });
            client
        } else {
            let tls = tokio_postgres_rustls::MakeRustlsConnect::new(client_config(
                mode,
                url.tls_root_cert(),
            )?);
            let (client, connection) = config.connect(tls).await.map_err(connect_error)?;
            tokio::spawn(async move {
                if let Err(e) = connection.await {
                    tracing::debug!("postgres connection closed: {e}");
                }
            });
            client
        };
        Ok(PostgresEngine {
            client,
            database,
            url: url.clone(),
            prepared: std::collections::HashMap::new(),
        })
    }

    async fn statement(&mut self, sql: &str) -> Result<tokio_postgres::Statement, EngineError> {
        if let Some(stmt) = self.prepared.get(sql) {
            return Ok(stmt.clone());
        }
        let stmt = self
            .client
            .prepare(&numbered_placeholders(sql))
            .await
            .map_err(sql_error)?;
        self.prepared.insert(sql.to_owned(), stmt.clone());
        Ok(stmt)
    }

    /// The underlying client, for PostgreSQL-only work (COPY, notices).
    pub fn client(&self) -> &Client {
        &self.client
    }
}

/// PostgreSQL's cancel request, sent on a connection of its own with the same TLS mode.
struct PostgresCanceller {
    token: tokio_postgres::CancelToken,
    url: ConnectionUrl,
}

#[async_trait]
impl crate::Canceller for PostgresCanceller {
    async fn cancel(&self) -> Result<(), EngineError> {
        let mode = self.url.tls_mode()?;
        let sent = if mode == TlsMode::Disable {
            self.token.cancel_query(tokio_postgres::NoTls).await
        } else {
            let tls = tokio_postgres_rustls::MakeRustlsConnect::new(client_config(
                mode,
                self.url.tls_root_cert(),
            )?);
            self.token.cancel_query(tls).await
        };
        sent.map_err(sql_error)
    }
}

fn describe_connect_error(e: &tokio_postgres::Error, url: &ConnectionUrl) -> String {
    if let Some(db) = e.as_db_error() {
        let mut s = db.message().to_owned();
        match db.code().code() {
            "28P01" | "28000" => s.push_str(": check the user name and password in the URL"),
            "3D000" => s.push_str(": create the database first or fix its name in the URL"),
            _ => {}
        }
        return s;
    }
    let mut chain = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        chain.push_str(": ");
        chain.push_str(&inner.to_string());
        source = inner.source();
    }
    format!(
        "{chain} (is PostgreSQL running and reachable at {}:{}?)",
        url.host().unwrap_or("localhost"),
        url.port().unwrap_or(5432)
    )
}

/// Converts a driver error into an [`EngineError::Sql`] carrying the server's message, detail,
/// hint, SQLSTATE and position.
pub(crate) fn sql_error(e: tokio_postgres::Error) -> EngineError {
    match e.as_db_error() {
        Some(db) => {
            let mut message = db.message().to_owned();
            if let Some(detail) = db.detail() {
                message.push_str("\nDETAIL: ");
                message.push_str(detail);
            }
            if let Some(hint) = db.hint() {
                message.push_str("\nHINT: ");
                message.push_str(hint);
            }
            let position = match db.position() {
                Some(tokio_postgres::error::ErrorPosition::Original(p)) => Some(*p as usize),
                _ => None,
            };
            EngineError::Sql {
                message,
                code: Some(db.code().code().to_owned()),
                position,
            }
        }
        None => EngineError::Driver(e.to_string()),
    }
}

/// Rewrites dbwarden's `?` placeholders to PostgreSQL's `$n`. Only applied to dbwarden's own
/// queries, which never contain `?` inside literals.
fn numbered_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            n += 1;
            out.push('$');
            out.push_str(&n.to_string());
        } else {
            out.push(c);
        }
    }
    out
}

/// A stable 64-bit key for an advisory lock name (FNV-1a), so every runner computes the same.
fn advisory_key(name: &str) -> i64 {
    // The bits as they are: pg_advisory_lock takes any bigint.
    crate::stable_hash(name) as i64
}

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut tokio_postgres::types::private::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(i) => match *ty {
                Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
                Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
                Type::OID => u32::try_from(*i)?.to_sql(ty, out),
                Type::FLOAT8 => (*i as f64).to_sql(ty, out),
                Type::TEXT | Type::VARCHAR | Type::NAME => i.to_string().to_sql(ty, out),
                _ => i.to_sql(ty, out),
            },
            Value::Float(f) => f.to_sql(ty, out),
            Value::Text(s) => s.to_sql(ty, out),
            Value::Bytes(b) => b.to_sql(ty, out),
            Value::Bool(b) => b.to_sql(ty, out),
        }
    }

    fn accepts(_ty: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

fn row_values(row: &tokio_postgres::Row) -> Result<Row, EngineError> {
    let mut values = Vec::with_capacity(row.len());
    for (i, column) in row.columns().iter().enumerate() {
        let conv = |e: tokio_postgres::Error| EngineError::Driver(e.to_string());
        let value = match *column.type_() {
            Type::BOOL => row
                .try_get::<_, Option<bool>>(i)
                .map_err(conv)?
                .map(Value::Bool),
            Type::INT2 => row
                .try_get::<_, Option<i16>>(i)
                .map_err(conv)?
                .map(|v| Value::Int(v.into())),
            Type::INT4 => row
                .try_get::<_, Option<i32>>(i)
                .map_err(conv)?
                .map(|v| Value::Int(v.into())),
            Type::INT8 => row
                .try_get::<_, Option<i64>>(i)
                .map_err(conv)?
                .map(Value::Int),
            Type::OID => row
                .try_get::<_, Option<u32>>(i)
                .map_err(conv)?
                .map(|v| Value::Int(v.into())),
            Type::FLOAT4 => row
                .try_get::<_, Option<f32>>(i)
                .map_err(conv)?
                .map(|v| Value::Float(v.into())),
            Type::FLOAT8 => row
                .try_get::<_, Option<f64>>(i)
                .map_err(conv)?
                .map(Value::Float),
            Type::BYTEA => row
                .try_get::<_, Option<Vec<u8>>>(i)
                .map_err(conv)?
                .map(Value::Bytes),
            _ => row
                .try_get::<_, Option<String>>(i)
                .map_err(|_| {
                    EngineError::Driver(format!(
                        "column {} has type {}: cast it to text in the query",
                        column.name(),
                        column.type_()
                    ))
                })?
                .map(Value::Text),
        };
        values.push(value.unwrap_or(Value::Null));
    }
    Ok(values)
}

#[async_trait]
impl Engine for PostgresEngine {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            transactional_ddl: true,
            concurrent_index: true,
        }
    }

    fn canceller(&self) -> Option<std::sync::Arc<dyn crate::Canceller>> {
        Some(std::sync::Arc::new(PostgresCanceller {
            token: self.client.cancel_token(),
            url: self.url.clone(),
        }))
    }

    async fn server_info(&mut self) -> Result<ServerInfo, EngineError> {
        let row = self
            .client
            .query_one("SHOW server_version", &[])
            .await
            .map_err(sql_error)?;
        let version: String = row.try_get(0).map_err(sql_error)?;
        Ok(ServerInfo {
            dialect: Dialect::Postgres,
            product: "PostgreSQL".into(),
            version,
            database: self.database.clone(),
        })
    }

    async fn execute(&mut self, sql: &str) -> Result<Executed, EngineError> {
        let messages = self.client.simple_query(sql).await.map_err(sql_error)?;
        let rows_affected = if crate::changes_rows(sql) {
            messages
                .iter()
                .map(|m| match m {
                    SimpleQueryMessage::CommandComplete(n) => *n,
                    _ => 0,
                })
                .sum()
        } else {
            0
        };
        Ok(Executed { rows_affected })
    }

    async fn execute_with(&mut self, sql: &str, params: &[Value]) -> Result<Executed, EngineError> {
        let refs: Vec<&(dyn ToSql + Sync)> =
            params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
        let stmt = self.statement(sql).await?;
        let rows_affected = self.client.execute(&stmt, &refs).await.map_err(sql_error)?;
        Ok(Executed { rows_affected })
    }

    async fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, EngineError> {
        // A query without parameters is prepared afresh: it may read a table whose columns a
        // migration has since changed, and a cached statement then fails with "cached plan
        // must not change result type". dbwarden's own parameterized queries read its own
        // tables, whose shape does not change under it, and stay cached.
        if params.is_empty() {
            let rows = self.client.query(sql, &[]).await.map_err(sql_error)?;
            return rows.iter().map(row_values).collect();
        }
        let refs: Vec<&(dyn ToSql + Sync)> =
            params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
        let stmt = self.statement(sql).await?;
        let rows = self.client.query(&stmt, &refs).await.map_err(sql_error)?;
        rows.iter().map(row_values).collect()
    }

    async fn begin(&mut self) -> Result<(), EngineError> {
        self.client.batch_execute("BEGIN").await.map_err(sql_error)
    }

    async fn commit(&mut self) -> Result<(), EngineError> {
        self.client.batch_execute("COMMIT").await.map_err(sql_error)
    }

    async fn rollback(&mut self) -> Result<(), EngineError> {
        self.client
            .batch_execute("ROLLBACK")
            .await
            .map_err(sql_error)
    }

    async fn try_lock(&mut self, name: &str) -> Result<bool, EngineError> {
        // A session-level lock: it is not tied to a transaction, so the runner can commit
        // migrations and run CREATE INDEX CONCURRENTLY on this same connection while holding it
        // (an idle session has no snapshot for the concurrent build to wait on).
        let row = self
            .client
            .query_one("SELECT pg_try_advisory_lock($1)", &[&advisory_key(name)])
            .await
            .map_err(sql_error)?;
        row.try_get(0).map_err(sql_error)
    }

    async fn unlock(&mut self, name: &str) -> Result<(), EngineError> {
        self.client
            .execute("SELECT pg_advisory_unlock($1)", &[&advisory_key(name)])
            .await
            .map_err(sql_error)?;
        Ok(())
    }

    async fn lock_holder(&mut self, name: &str) -> Result<Option<LockHolder>, EngineError> {
        // pg_locks splits a bigint advisory key into classid (high half) and objid (low half).
        let key = advisory_key(name) as u64;
        let rows = self
            .client
            .query(
                "SELECT a.pid, coalesce(a.application_name, ''), coalesce(a.usename::text, ''), \
                 coalesce(host(a.client_addr), 'local'), \
                 coalesce(to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS TZ'), '') \
                 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
                 WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 \
                 AND l.classid::bigint = $1 AND l.objid::bigint = $2 \
                 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())",
                &[&((key >> 32) as i64), &((key & 0xffff_ffff) as i64)],
            )
            .await
            .map_err(sql_error)?;
        Ok(rows.first().map(|r| {
            let pid: i32 = r.get(0);
            let app: String = r.get(1);
            let user: String = r.get(2);
            let addr: String = r.get(3);
            let since: String = r.get(4);
            LockHolder {
                description: format!(
                    "PostgreSQL backend pid {pid} ({app}, user {user}, from {addr}, connected {since})"
                ),
            }
        }))
    }

    async fn introspect(&mut self) -> Result<Schema, EngineError> {
        introspect::introspect(&self.client).await
    }

    async fn create_scratch(&mut self, name: &str) -> Result<Box<dyn Engine>, EngineError> {
        let quoted = dbwarden_core::quote_ident(Dialect::Postgres, name);
        self.client
            .batch_execute(&format!("CREATE DATABASE {quoted}"))
            .await
            .map_err(sql_error)?;
        match PostgresEngine::connect(&self.url.with_database(name)).await {
            Ok(engine) => Ok(Box::new(engine)),
            Err(e) => {
                let _ = self.drop_scratch(name).await;
                Err(e)
            }
        }
    }

    async fn drop_scratch(&mut self, name: &str) -> Result<(), EngineError> {
        // WITH (FORCE) (PostgreSQL 13+) ends sessions still connected to it.
        let quoted = dbwarden_core::quote_ident(Dialect::Postgres, name);
        self.client
            .batch_execute(&format!("DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"))
            .await
            .map_err(sql_error)
    }

    async fn scratch_databases(&mut self) -> Result<Vec<String>, EngineError> {
        let rows = self
            .client
            .query(
                "SELECT datname::text FROM pg_database WHERE datname LIKE 'dbw\\_%' ORDER BY 1",
                &[],
            )
            .await
            .map_err(sql_error)?;
        Ok(rows.iter().map(|r| r.get::<_, String>(0)).collect())
    }

    async fn begin_snapshot(&mut self) -> Result<(), EngineError> {
        self.client
            .batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
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
        data::dump_rows(&self.client, table, columns, limit, out).await
    }

    async fn load_rows(
        &mut self,
        table: &QualifiedName,
        columns: &[String],
        input: ChunkReceiver,
    ) -> Result<u64, EngineError> {
        data::load_rows(&self.client, table, columns, input).await
    }

    async fn fingerprint(
        &mut self,
        table: &QualifiedName,
        spec: &FingerprintSpec,
    ) -> Result<TableFingerprint, EngineError> {
        data::fingerprint(&self.client, table, spec).await
    }

    async fn sequence_positions(
        &mut self,
        table: &Table,
    ) -> Result<Vec<SequencePosition>, EngineError> {
        data::sequence_positions(&self.client, table).await
    }

    async fn restore_sequence_positions(
        &mut self,
        table: &QualifiedName,
        positions: &[SequencePosition],
    ) -> Result<(), EngineError> {
        data::restore_sequence_positions(&self.client, table, positions).await
    }

    async fn estimated_rows(&mut self, table: &QualifiedName) -> Result<Option<u64>, EngineError> {
        data::estimated_rows(&self.client, table).await
    }

    async fn table_bytes(&mut self, table: &QualifiedName) -> Result<Option<u64>, EngineError> {
        data::table_bytes(&self.client, table).await
    }

    async fn table_names(&mut self) -> Result<Vec<String>, EngineError> {
        let rows = self
            .client
            .query(
                "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
                 AND n.nspname NOT LIKE 'pg\\_%' AND c.relname NOT LIKE 'dbwarden\\_%' ORDER BY 1",
                &[],
            )
            .await
            .map_err(sql_error)?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered() {
        assert_eq!(
            numbered_placeholders("a = ? AND b = ?"),
            "a = $1 AND b = $2"
        );
    }

    #[test]
    fn advisory_keys_are_stable() {
        assert_eq!(advisory_key("dbwarden"), advisory_key("dbwarden"));
        assert_ne!(advisory_key("a"), advisory_key("b"));
    }
}
