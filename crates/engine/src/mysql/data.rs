//! Row streams and fingerprints on MySQL/MariaDB: rows read over the text protocol (the values
//! as the server prints them, which it reads back exactly) and written back with batched,
//! parameterized multi-row INSERTs.

use super::sql_error;
use crate::EngineError;
use crate::data::{
    CHUNK_BYTES, ChunkReceiver, ChunkSender, FingerprintSpec, SequencePosition, TableFingerprint,
    key_label,
};
use crate::rowcodec::{FieldRef, RowDecoder, encode};
use crate::value::Value;
use dbwarden_core::dialect::quote_ident_list;
use dbwarden_core::{Dialect, Identity, QualifiedName, Table, quote_ident};
use mysql_async::Conn;
use mysql_async::prelude::Queryable;

/// Rows per INSERT at most, and bytes per INSERT at most (well under the default
/// `max_allowed_packet` of 16 MB; a single larger row goes alone).
const BATCH_ROWS: usize = 1000;
const BATCH_BYTES: usize = 4 * 1024 * 1024;

/// Text forms that do not depend on the session: TIMESTAMP values in UTC.
const SESSION_UTC: &str = "SET @dbw_saved_tz = @@session.time_zone, time_zone = '+00:00'";
const SESSION_RESTORE_TZ: &str = "SET time_zone = @dbw_saved_tz";

fn receiver_gone() -> EngineError {
    EngineError::Driver("the backup writer stopped reading rows".into())
}

fn table_sql(table: &QualifiedName) -> String {
    quote_ident(Dialect::Mysql, &table.name)
}

pub(super) async fn dump_rows(
    conn: &mut Conn,
    table: &QualifiedName,
    columns: &[String],
    limit: Option<u64>,
    out: ChunkSender,
) -> Result<u64, EngineError> {
    conn.query_drop(SESSION_UTC).await.map_err(sql_error)?;
    let result = dump_in_utc(conn, table, columns, limit, out).await;
    conn.query_drop(SESSION_RESTORE_TZ)
        .await
        .map_err(sql_error)?;
    result
}

async fn dump_in_utc(
    conn: &mut Conn,
    table: &QualifiedName,
    columns: &[String],
    limit: Option<u64>,
    out: ChunkSender,
) -> Result<u64, EngineError> {
    let sql = format!(
        "SELECT {} FROM {}{}",
        quote_ident_list(Dialect::Mysql, columns),
        table_sql(table),
        limit.map(|n| format!(" LIMIT {n}")).unwrap_or_default()
    );
    let mut result = conn.query_iter(sql).await.map_err(sql_error)?;
    let mut rows = 0u64;
    let mut buffer = Vec::with_capacity(CHUNK_BYTES + 64 * 1024);
    while let Some(row) = result.next().await.map_err(sql_error)? {
        for value in row.unwrap_raw() {
            let field = match &value {
                None | Some(mysql_async::Value::NULL) => FieldRef::Null,
                Some(mysql_async::Value::Bytes(b)) => FieldRef::Bytes(b),
                Some(mysql_async::Value::Int(i)) => FieldRef::Int(*i),
                Some(mysql_async::Value::Double(f)) => FieldRef::Float(*f),
                Some(other) => {
                    // The text protocol returns every value as bytes; anything else would be
                    // a driver change this code has not seen.
                    return Err(EngineError::Driver(format!(
                        "unexpected value kind from the text protocol: {other:?}"
                    )));
                }
            };
            encode(&mut buffer, field);
        }
        rows += 1;
        if buffer.len() >= CHUNK_BYTES {
            let full = std::mem::replace(&mut buffer, Vec::with_capacity(CHUNK_BYTES + 64 * 1024));
            out.send(full).await.map_err(|_| receiver_gone())?;
        }
    }
    if !buffer.is_empty() {
        out.send(buffer).await.map_err(|_| receiver_gone())?;
    }
    Ok(rows)
}

pub(super) async fn load_rows(
    conn: &mut Conn,
    table: &QualifiedName,
    columns: &[String],
    input: ChunkReceiver,
) -> Result<u64, EngineError> {
    // UTC as when dumped; a literal 0 in an AUTO_INCREMENT column stays 0; bad values fail
    // instead of being truncated.
    conn.query_drop(
        "SET @dbw_saved_mode = @@session.sql_mode, \
         sql_mode = 'NO_AUTO_VALUE_ON_ZERO,STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION'",
    )
    .await
    .map_err(sql_error)?;
    conn.query_drop(SESSION_UTC).await.map_err(sql_error)?;
    let result = load_in_utc(conn, table, columns, input).await;
    conn.query_drop(SESSION_RESTORE_TZ)
        .await
        .map_err(sql_error)?;
    conn.query_drop("SET sql_mode = @dbw_saved_mode")
        .await
        .map_err(sql_error)?;
    result
}

async fn load_in_utc(
    conn: &mut Conn,
    table: &QualifiedName,
    columns: &[String],
    mut input: ChunkReceiver,
) -> Result<u64, EngineError> {
    let width = columns.len().max(1);
    // The protocol allows 65,535 placeholders in one statement.
    let batch_rows = BATCH_ROWS.min(65_535 / width).max(1);
    let head = format!(
        "INSERT INTO {} ({}) VALUES ",
        table_sql(table),
        quote_ident_list(Dialect::Mysql, columns)
    );
    let tuple = format!("({})", vec!["?"; columns.len()].join(", "));
    let mut decoder = RowDecoder::new(columns.len());
    let mut batch: Vec<mysql_async::Value> = Vec::new();
    let mut batch_len = 0usize;
    let mut batch_bytes = 0usize;
    let mut loaded = 0u64;
    while let Some(chunk) = input.recv().await {
        decoder.push(&chunk);
        while let Some(row) = decoder.next_row()? {
            for value in row {
                batch_bytes += match &value {
                    Value::Text(s) => s.len(),
                    Value::Bytes(b) => b.len(),
                    _ => 8,
                };
                batch.push(super::to_mysql_owned(value));
            }
            batch_len += 1;
            loaded += 1;
            if batch_len >= batch_rows || batch_bytes >= BATCH_BYTES {
                insert_batch(conn, &head, &tuple, &mut batch, &mut batch_len).await?;
                batch_bytes = 0;
            }
        }
    }
    decoder.finish()?;
    insert_batch(conn, &head, &tuple, &mut batch, &mut batch_len).await?;
    Ok(loaded)
}

async fn insert_batch(
    conn: &mut Conn,
    head: &str,
    tuple: &str,
    batch: &mut Vec<mysql_async::Value>,
    len: &mut usize,
) -> Result<(), EngineError> {
    if *len == 0 {
        return Ok(());
    }
    let sql = format!("{head}{}", vec![tuple; *len].join(", "));
    conn.exec_drop(sql, mysql_async::Params::Positional(std::mem::take(batch)))
        .await
        .map_err(sql_error)?;
    *len = 0;
    Ok(())
}

fn as_u64(value: Option<&mysql_async::Value>, what: &str) -> Result<u64, EngineError> {
    let text = match value {
        Some(mysql_async::Value::Bytes(b)) => String::from_utf8_lossy(b).into_owned(),
        Some(mysql_async::Value::Int(i)) => i.to_string(),
        Some(mysql_async::Value::UInt(u)) => u.to_string(),
        _ => String::new(),
    };
    text.parse()
        .map_err(|_| EngineError::Driver(format!("fingerprint query returned no {what}")))
}

fn as_text(value: Option<&mysql_async::Value>) -> String {
    match value {
        Some(mysql_async::Value::Bytes(b)) => String::from_utf8_lossy(b).into_owned(),
        Some(mysql_async::Value::Int(i)) => i.to_string(),
        Some(mysql_async::Value::UInt(u)) => u.to_string(),
        _ => "0".into(),
    }
}

pub(super) async fn fingerprint(
    conn: &mut Conn,
    table: &QualifiedName,
    spec: &FingerprintSpec,
) -> Result<TableFingerprint, EngineError> {
    conn.query_drop(SESSION_UTC).await.map_err(sql_error)?;
    let result = fingerprint_in_utc(conn, table, spec).await;
    conn.query_drop(SESSION_RESTORE_TZ)
        .await
        .map_err(sql_error)?;
    result
}

async fn fingerprint_in_utc(
    conn: &mut Conn,
    table: &QualifiedName,
    spec: &FingerprintSpec,
) -> Result<TableFingerprint, EngineError> {
    let select = fingerprint_select(spec).join(", ");
    let Some(bucketing) = &spec.bucketing else {
        let sql = format!("SELECT {select} FROM {}", table_sql(table));
        let row: Option<mysql_async::Row> = conn.query_first(sql).await.map_err(sql_error)?;
        let values = row.map(|r| r.unwrap()).unwrap_or_default();
        return parse_fingerprint(spec, &values);
    };
    let sql = format!(
        "SELECT {} AS dbwarden_bucket, {select} FROM {} GROUP BY dbwarden_bucket",
        crate::capture::bucket_of_row(Dialect::Mysql, &bucketing.key, bucketing),
        table_sql(table)
    );
    let rows: Vec<mysql_async::Row> = conn.query(sql).await.map_err(sql_error)?;
    let mut parts = Vec::new();
    for row in rows {
        let values = row.unwrap();
        let bucket = as_u64(values.first(), "bucket")?;
        let part = parse_fingerprint(spec, values.get(1..).unwrap_or_default())?;
        parts.push((u32::try_from(bucket).unwrap_or(u32::MAX), part));
    }
    Ok(TableFingerprint::from_buckets(spec, parts))
}

/// The aggregates of a fingerprint, in the order [`parse_fingerprint`] reads them.
fn fingerprint_select(spec: &FingerprintSpec) -> Vec<String> {
    let q = |c: &String| quote_ident(Dialect::Mysql, c);
    let mut select = vec!["COUNT(*)".to_owned()];
    select.extend(spec.columns.iter().map(|c| format!("COUNT({})", q(c))));
    // A row's text is each value as binary with a NULL flag before it (CONCAT_WS skips NULLs,
    // so the flags keep `NULL, 'a'` apart from `'a', NULL`); the first 64 bits of its MD5 are
    // summed as an exact DECIMAL, so row order does not matter.
    let parts: Vec<String> = spec
        .columns
        .iter()
        .map(|c| format!("ISNULL({0}), CAST({0} AS BINARY)", q(c)))
        .collect();
    select.push(format!(
        "COALESCE(SUM(CAST(CONV(SUBSTRING(MD5(CONCAT_WS(0x1f, {})), 1, 16), 16, 10) AS UNSIGNED)), 0)",
        if parts.is_empty() { "''".to_owned() } else { parts.join(", ") }
    ));
    if spec.column_checksums {
        select.extend(spec.columns.iter().map(|c| {
            format!(
                "COALESCE(SUM(CAST(CONV(SUBSTRING(MD5(CAST({} AS BINARY)), 1, 16), 16, 10) AS UNSIGNED)), 0)",
                q(c)
            )
        }));
    }
    for key in &spec.unique_keys {
        let not_null = key
            .iter()
            .map(|c| format!("{} IS NOT NULL", q(c)))
            .collect::<Vec<_>>()
            .join(" AND ");
        select.push(format!("COALESCE(SUM({not_null}), 0)"));
    }
    select
}

fn parse_fingerprint(
    spec: &FingerprintSpec,
    values: &[mysql_async::Value],
) -> Result<TableFingerprint, EngineError> {
    let total = as_u64(values.first(), "row count")?;
    let mut nulls = indexmap::IndexMap::new();
    for (i, column) in spec.columns.iter().enumerate() {
        let non_null = as_u64(values.get(i + 1), "null count")?;
        nulls.insert(column.clone(), total.saturating_sub(non_null));
    }
    let checksum_at = spec.columns.len() + 1;
    let checksum = as_text(values.get(checksum_at));
    let mut column_checksums = indexmap::IndexMap::new();
    if spec.column_checksums {
        for (i, column) in spec.columns.iter().enumerate() {
            column_checksums.insert(column.clone(), as_text(values.get(checksum_at + 1 + i)));
        }
    }
    let keys_at = checksum_at
        + 1
        + if spec.column_checksums {
            spec.columns.len()
        } else {
            0
        };
    let mut distinct = indexmap::IndexMap::new();
    for (i, key) in spec.unique_keys.iter().enumerate() {
        distinct.insert(
            key_label(key),
            as_u64(values.get(keys_at + i), "distinct count")?,
        );
    }
    Ok(TableFingerprint {
        rows: total,
        nulls,
        distinct,
        checksum,
        column_checksums,
        buckets: indexmap::IndexMap::new(),
    })
}

/// The table's `AUTO_INCREMENT` counter, read from `SHOW CREATE TABLE` (MySQL 8 caches the
/// information_schema figure, which can be stale).
pub(super) async fn sequence_positions(
    conn: &mut Conn,
    table: &Table,
) -> Result<Vec<SequencePosition>, EngineError> {
    let Some(column) = table
        .columns
        .iter()
        .find(|c| c.identity == Some(Identity::AutoIncrement))
    else {
        return Ok(Vec::new());
    };
    let row: Option<(String, String)> = conn
        .query_first(format!("SHOW CREATE TABLE {}", table_sql(&table.name)))
        .await
        .map_err(sql_error)?;
    let ddl = row.map(|(_, ddl)| ddl).unwrap_or_default();
    let value = ddl
        .rsplit(')')
        .next()
        .and_then(|options| {
            options
                .split_whitespace()
                .find_map(|w| w.strip_prefix("AUTO_INCREMENT="))
        })
        .and_then(|v| v.parse::<i64>().ok());
    Ok(value
        .map(|value| SequencePosition {
            column: column.name.clone(),
            sequence: String::new(),
            value,
            is_called: false,
        })
        .into_iter()
        .collect())
}

pub(super) async fn restore_sequence_positions(
    conn: &mut Conn,
    table: &QualifiedName,
    positions: &[SequencePosition],
) -> Result<(), EngineError> {
    for position in positions {
        conn.query_drop(format!(
            "ALTER TABLE {} AUTO_INCREMENT = {}",
            table_sql(table),
            position.value
        ))
        .await
        .map_err(sql_error)?;
    }
    Ok(())
}

pub(super) async fn estimated_rows(
    conn: &mut Conn,
    table: &QualifiedName,
) -> Result<Option<u64>, EngineError> {
    let rows: Option<Option<u64>> = conn
        .exec_first(
            "SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
            (table.name.as_str(),),
        )
        .await
        .map_err(sql_error)?;
    match rows {
        // No such table.
        None => Ok(None),
        Some(Some(rows)) => Ok(Some(rows)),
        // No statistics: the optimizer's own estimate of a full scan, never "0 rows".
        Some(None) => explained_rows(conn, table).await,
    }
}

/// The `rows` column of `EXPLAIN SELECT * FROM table`.
async fn explained_rows(
    conn: &mut Conn,
    table: &QualifiedName,
) -> Result<Option<u64>, EngineError> {
    let plan: Option<mysql_async::Row> = conn
        .query_first(format!(
            "EXPLAIN SELECT * FROM {}",
            table.quoted(Dialect::Mysql)
        ))
        .await
        .map_err(sql_error)?;
    let rows = plan.and_then(|row| {
        let at = row
            .columns_ref()
            .iter()
            .position(|c| c.name_str() == "rows")?;
        row.get_opt::<Option<u64>, usize>(at)
            .and_then(Result::ok)
            .flatten()
    });
    if let Some(n) = rows {
        tracing::info!("{table} has no statistics: ~{n} rows by the optimizer's estimate");
    }
    Ok(rows)
}

/// `DATA_LENGTH + INDEX_LENGTH` from `information_schema.TABLES` (InnoDB's estimate).
pub(super) async fn table_bytes(
    conn: &mut Conn,
    table: &QualifiedName,
) -> Result<Option<u64>, EngineError> {
    let bytes: Option<Option<u64>> = conn
        .exec_first(
            "SELECT CAST(COALESCE(DATA_LENGTH, 0) + COALESCE(INDEX_LENGTH, 0) AS UNSIGNED) FROM information_schema.TABLES WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?",
            (table.schema.as_deref(), table.name.as_str()),
        )
        .await
        .map_err(sql_error)?;
    Ok(bytes.flatten())
}
