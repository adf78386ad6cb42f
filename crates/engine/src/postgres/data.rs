//! Row streams and fingerprints on PostgreSQL: `COPY ... TO STDOUT` / `FROM STDIN` in text
//! format, and fingerprints computed by the server in one scan.

use super::sql_error;
use crate::EngineError;
use crate::data::{
    CHUNK_BYTES, ChunkReceiver, ChunkSender, FingerprintSpec, SequencePosition, TableFingerprint,
    key_label,
};
use dbwarden_core::dialect::quote_ident_list;
use dbwarden_core::{Dialect, QualifiedName, Table, quote_ident, quote_literal};
use futures_util::{SinkExt, StreamExt};
use tokio_postgres::{Client, SimpleQueryMessage};

/// Settings that make the text format the same whatever the server's or role's defaults:
/// ISO dates, UTC offsets, hex bytea, floats at full precision. `SET LOCAL` ends with the
/// transaction the caller holds, so the session is left as it was.
const STABLE_TEXT: &str = "SET LOCAL datestyle = 'ISO, YMD'; SET LOCAL intervalstyle = 'postgres'; \
     SET LOCAL extra_float_digits = 3; SET LOCAL bytea_output = 'hex'; SET LOCAL timezone = 'UTC'";

fn receiver_gone() -> EngineError {
    EngineError::Driver("the backup writer stopped reading rows".into())
}

pub(super) async fn dump_rows(
    client: &Client,
    table: &QualifiedName,
    columns: &[String],
    limit: Option<u64>,
    out: ChunkSender,
) -> Result<u64, EngineError> {
    client.batch_execute(STABLE_TEXT).await.map_err(sql_error)?;
    let sql = match limit {
        None => format!(
            "COPY {} ({}) TO STDOUT",
            table.quoted(Dialect::Postgres),
            quote_ident_list(Dialect::Postgres, columns)
        ),
        Some(n) => format!(
            "COPY (SELECT {} FROM {} LIMIT {n}) TO STDOUT",
            quote_ident_list(Dialect::Postgres, columns),
            table.quoted(Dialect::Postgres)
        ),
    };
    let stream = client.copy_out(&sql).await.map_err(sql_error)?;
    let mut stream = std::pin::pin!(stream);
    let mut rows = 0u64;
    let mut buffer = Vec::with_capacity(CHUNK_BYTES + 64 * 1024);
    while let Some(data) = stream.next().await {
        let data = data.map_err(sql_error)?;
        // Text format escapes newlines inside values, so each raw newline ends a row.
        rows += data.iter().filter(|&&b| b == b'\n').count() as u64;
        buffer.extend_from_slice(&data);
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
    client: &Client,
    table: &QualifiedName,
    columns: &[String],
    mut input: ChunkReceiver,
) -> Result<u64, EngineError> {
    client.batch_execute(STABLE_TEXT).await.map_err(sql_error)?;
    let sql = format!(
        "COPY {} ({}) FROM STDIN",
        table.quoted(Dialect::Postgres),
        quote_ident_list(Dialect::Postgres, columns)
    );
    let sink = client.copy_in(&sql).await.map_err(sql_error)?;
    let mut sink = std::pin::pin!(sink);
    while let Some(chunk) = input.recv().await {
        sink.send(bytes::Bytes::from(chunk))
            .await
            .map_err(sql_error)?;
    }
    sink.as_mut().finish().await.map_err(sql_error)
}

/// Runs a query of text results (the simple protocol returns every value as text).
async fn text_rows(client: &Client, sql: &str) -> Result<Vec<Vec<Option<String>>>, EngineError> {
    let messages = client.simple_query(sql).await.map_err(sql_error)?;
    Ok(messages
        .into_iter()
        .filter_map(|m| match m {
            SimpleQueryMessage::Row(row) => Some(
                (0..row.len())
                    .map(|i| row.get(i).map(str::to_owned))
                    .collect(),
            ),
            _ => None,
        })
        .collect())
}

fn number(value: Option<&Option<String>>, what: &str) -> Result<u64, EngineError> {
    value
        .and_then(|v| v.as_deref())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| EngineError::Driver(format!("fingerprint query returned no {what}")))
}

pub(super) async fn fingerprint(
    client: &Client,
    table: &QualifiedName,
    spec: &FingerprintSpec,
) -> Result<TableFingerprint, EngineError> {
    client.batch_execute(STABLE_TEXT).await.map_err(sql_error)?;
    let select = fingerprint_select(spec).join(", ");
    let table_sql = table.quoted(Dialect::Postgres);
    let Some(bucketing) = &spec.bucketing else {
        let sql = format!("SELECT {select} FROM {table_sql}");
        let rows = text_rows(client, &sql).await?;
        let values = rows.into_iter().next().unwrap_or_default();
        return parse_fingerprint(spec, &values);
    };
    let sql = format!(
        "SELECT ({})::text, {select} FROM {table_sql} GROUP BY 1",
        crate::capture::bucket_of_row(Dialect::Postgres, &bucketing.key, bucketing)
    );
    let mut parts = Vec::new();
    for values in text_rows(client, &sql).await? {
        let bucket = number(values.first(), "bucket")?;
        let part = parse_fingerprint(spec, values.get(1..).unwrap_or_default())?;
        parts.push((u32::try_from(bucket).unwrap_or(u32::MAX), part));
    }
    Ok(TableFingerprint::from_buckets(spec, parts))
}

/// The aggregates of a fingerprint, in the order [`parse_fingerprint`] reads them.
fn fingerprint_select(spec: &FingerprintSpec) -> Vec<String> {
    let q = |c: &String| quote_ident(Dialect::Postgres, c);
    // hashtextextended (PostgreSQL 11+) is the server's own 64-bit text hash: cheap enough to
    // run over every row, and summed as numeric so the order of rows does not matter.
    let mut select = vec!["count(*)::text".to_owned()];
    select.extend(
        spec.columns
            .iter()
            .map(|c| format!("count({})::text", q(c))),
    );
    let row = format!(
        "ROW({})",
        spec.columns.iter().map(q).collect::<Vec<_>>().join(", ")
    );
    select.push(format!(
        "coalesce(sum(hashtextextended({row}::text, 0)), 0)::text"
    ));
    if spec.column_checksums {
        select.extend(spec.columns.iter().map(|c| {
            format!(
                "coalesce(sum(hashtextextended({}::text, 0)), 0)::text",
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
        select.push(format!("count(*) FILTER (WHERE {not_null})::text"));
    }
    select
}

fn parse_fingerprint(
    spec: &FingerprintSpec,
    values: &[Option<String>],
) -> Result<TableFingerprint, EngineError> {
    let total = number(values.first(), "row count")?;
    let mut nulls = indexmap::IndexMap::new();
    for (i, column) in spec.columns.iter().enumerate() {
        let non_null = number(values.get(i + 1), "null count")?;
        nulls.insert(column.clone(), total.saturating_sub(non_null));
    }
    let text = |i: usize| values.get(i).cloned().flatten().unwrap_or_default();
    let checksum_at = spec.columns.len() + 1;
    let checksum = text(checksum_at);
    let mut column_checksums = indexmap::IndexMap::new();
    if spec.column_checksums {
        for (i, column) in spec.columns.iter().enumerate() {
            column_checksums.insert(column.clone(), text(checksum_at + 1 + i));
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
            number(values.get(keys_at + i), "distinct count")?,
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

/// The sequence behind a column (identity or serial), as a quoted qualified name.
async fn column_sequence(
    client: &Client,
    table: &QualifiedName,
    column: &str,
) -> Result<Option<String>, EngineError> {
    let sql = format!(
        "SELECT pg_get_serial_sequence({}, {})",
        quote_literal(Dialect::Postgres, &table.quoted(Dialect::Postgres)),
        quote_literal(Dialect::Postgres, column)
    );
    let rows = text_rows(client, &sql).await?;
    Ok(rows
        .into_iter()
        .next()
        .and_then(|r| r.into_iter().next().flatten()))
}

pub(super) async fn sequence_positions(
    client: &Client,
    table: &Table,
) -> Result<Vec<SequencePosition>, EngineError> {
    let mut positions = Vec::new();
    for column in &table.columns {
        let numbered = column.identity.is_some()
            || column
                .default
                .as_deref()
                .is_some_and(|d| d.contains("nextval("));
        if !numbered {
            continue;
        }
        let Some(sequence) = column_sequence(client, &table.name, &column.name).await? else {
            continue;
        };
        let rows = text_rows(
            client,
            &format!("SELECT last_value::text, is_called::text FROM {sequence}"),
        )
        .await?;
        let row = rows.into_iter().next().unwrap_or_default();
        let value = number(row.first(), "sequence value")?;
        positions.push(SequencePosition {
            column: column.name.clone(),
            sequence,
            value: i64::try_from(value).unwrap_or(i64::MAX),
            is_called: matches!(row.get(1).cloned().flatten().as_deref(), Some("true" | "t")),
        });
    }
    Ok(positions)
}

pub(super) async fn restore_sequence_positions(
    client: &Client,
    table: &QualifiedName,
    positions: &[SequencePosition],
) -> Result<(), EngineError> {
    for position in positions {
        // Look the sequence up again: in another database it may have another name.
        let Some(sequence) = column_sequence(client, table, &position.column).await? else {
            continue;
        };
        client
            .batch_execute(&format!(
                "SELECT setval({}, {}, {})",
                quote_literal(Dialect::Postgres, &sequence),
                position.value,
                position.is_called
            ))
            .await
            .map_err(sql_error)?;
    }
    Ok(())
}

/// `pg_class.reltuples`; for a table never analyzed (`-1`, PostgreSQL 14+; `0` with no pages
/// counted but bytes on disk before), the planner's own estimate, which it makes from the
/// table's size on disk and its columns' widths: never the "0 rows" that would hide a large
/// table. Cheap and read-only, so safe inside a caller's transaction.
pub(super) async fn estimated_rows(
    client: &Client,
    table: &QualifiedName,
) -> Result<Option<u64>, EngineError> {
    let literal = quote_literal(Dialect::Postgres, &table.quoted(Dialect::Postgres));
    let rows = text_rows(
        client,
        &format!(
            "SELECT reltuples::bigint::text, relpages::text, pg_relation_size(oid)::text \
             FROM pg_class WHERE oid = {literal}::regclass"
        ),
    )
    .await?;
    let number = |i: usize| -> Option<i64> {
        rows.first()
            .and_then(|r| r.get(i).cloned().flatten())
            .and_then(|v| v.parse().ok())
    };
    let Some(tuples) = number(0) else {
        return Ok(None);
    };
    let never_analyzed = tuples < 0 || (tuples == 0 && number(1) == Some(0) && number(2) > Some(0));
    if !never_analyzed {
        return Ok(Some(u64::try_from(tuples).unwrap_or(0)));
    }
    let plan = text_rows(
        client,
        &format!("EXPLAIN SELECT * FROM {}", table.quoted(Dialect::Postgres)),
    )
    .await?;
    let estimate = plan
        .first()
        .and_then(|r| r.first().cloned().flatten())
        .and_then(|line| planned_rows(&line));
    if let Some(n) = estimate {
        tracing::info!(
            "{table} was never analyzed: ~{n} rows by the planner's estimate from its size on disk"
        );
    }
    Ok(estimate)
}

/// The `rows=N` of an `EXPLAIN` line.
fn planned_rows(line: &str) -> Option<u64> {
    let at = line.find("rows=")? + "rows=".len();
    let digits: String = line[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// `pg_total_relation_size`: the table, its indexes and its TOAST data.
pub(super) async fn table_bytes(
    client: &Client,
    table: &QualifiedName,
) -> Result<Option<u64>, EngineError> {
    catalog_number(client, table, |t| {
        format!("SELECT pg_total_relation_size({t}::regclass)::text")
    })
    .await
}

/// One number about `table` from the catalog; `query` gets the table as a quoted literal.
async fn catalog_number(
    client: &Client,
    table: &QualifiedName,
    query: impl Fn(&str) -> String,
) -> Result<Option<u64>, EngineError> {
    let literal = quote_literal(Dialect::Postgres, &table.quoted(Dialect::Postgres));
    let rows = text_rows(client, &query(&literal)).await?;
    Ok(rows
        .first()
        .and_then(|r| r.first().cloned().flatten())
        .and_then(|v| v.parse().ok()))
}
