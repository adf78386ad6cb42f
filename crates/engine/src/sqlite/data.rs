//! Row streams and fingerprints on SQLite: values read with their storage class (exact, no text
//! round trip) and written back through one prepared INSERT. SQLite runs in-process, so the
//! fingerprint hashes rows here as it steps through them.

use super::sql_error;
use crate::EngineError;
use crate::data::{
    BucketFigures, CHUNK_BYTES, ChunkReceiver, ChunkSender, FingerprintSpec, SequencePosition,
    TableFingerprint, key_label,
};
use crate::rowcodec::{FieldRef, RowDecoder, encode};
use dbwarden_core::dialect::quote_ident_list;
use dbwarden_core::{Dialect, Identity, QualifiedName, Table, quote_ident};
use rusqlite::Connection;
use rusqlite::types::ValueRef;

fn receiver_gone() -> EngineError {
    EngineError::Driver("the backup writer stopped reading rows".into())
}

fn field(value: ValueRef<'_>) -> FieldRef<'_> {
    match value {
        ValueRef::Null => FieldRef::Null,
        ValueRef::Integer(i) => FieldRef::Int(i),
        ValueRef::Real(f) => FieldRef::Float(f),
        ValueRef::Text(t) => FieldRef::Text(t),
        ValueRef::Blob(b) => FieldRef::Bytes(b),
    }
}

fn select(table: &QualifiedName, columns: &[String]) -> String {
    format!(
        "SELECT {} FROM {}",
        quote_ident_list(Dialect::Sqlite, columns),
        quote_ident(Dialect::Sqlite, &table.name)
    )
}

pub(super) fn dump_rows(
    conn: &Connection,
    table: &QualifiedName,
    columns: &[String],
    limit: Option<u64>,
    out: &ChunkSender,
) -> Result<u64, EngineError> {
    let sql = match limit {
        Some(n) => format!("{} LIMIT {n}", select(table, columns)),
        None => select(table, columns),
    };
    let mut stmt = conn.prepare(&sql).map_err(sql_error)?;
    let mut rows = stmt.raw_query();
    let mut count = 0u64;
    let mut buffer = Vec::with_capacity(CHUNK_BYTES + 64 * 1024);
    while let Some(row) = rows.next().map_err(sql_error)? {
        for i in 0..columns.len() {
            encode(&mut buffer, field(row.get_ref(i).map_err(sql_error)?));
        }
        count += 1;
        if buffer.len() >= CHUNK_BYTES {
            let full = std::mem::replace(&mut buffer, Vec::with_capacity(CHUNK_BYTES + 64 * 1024));
            out.blocking_send(full).map_err(|_| receiver_gone())?;
        }
    }
    if !buffer.is_empty() {
        out.blocking_send(buffer).map_err(|_| receiver_gone())?;
    }
    Ok(count)
}

pub(super) fn load_rows(
    conn: &Connection,
    table: &QualifiedName,
    columns: &[String],
    input: &mut ChunkReceiver,
) -> Result<u64, EngineError> {
    let sql = format!(
        "INSERT INTO {} ({}) VALUES ({})",
        quote_ident(Dialect::Sqlite, &table.name),
        quote_ident_list(Dialect::Sqlite, columns),
        vec!["?"; columns.len()].join(", ")
    );
    let mut stmt = conn.prepare(&sql).map_err(sql_error)?;
    let mut decoder = RowDecoder::new(columns.len());
    let mut loaded = 0u64;
    while let Some(chunk) = input.blocking_recv() {
        decoder.push(&chunk);
        while let Some(row) = decoder.next_row()? {
            stmt.execute(rusqlite::params_from_iter(row.iter()))
                .map_err(sql_error)?;
            loaded += 1;
        }
    }
    decoder.finish()?;
    Ok(loaded)
}

/// FNV-1a, 64 bits: stable across builds and platforms, which a fingerprint must be.
fn fnv(hash: &mut u64, bytes: &[u8]) {
    for &b in bytes {
        *hash ^= u64::from(b);
        *hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
}

fn hash_value(hash: &mut u64, value: ValueRef<'_>) {
    match value {
        ValueRef::Null => fnv(hash, &[0]),
        ValueRef::Integer(i) => {
            fnv(hash, &[1]);
            fnv(hash, &i.to_le_bytes());
        }
        ValueRef::Real(f) => {
            fnv(hash, &[2]);
            fnv(hash, &f.to_bits().to_le_bytes());
        }
        ValueRef::Text(t) => {
            fnv(hash, &[3]);
            fnv(hash, &(t.len() as u64).to_le_bytes());
            fnv(hash, t);
        }
        ValueRef::Blob(b) => {
            fnv(hash, &[4]);
            fnv(hash, &(b.len() as u64).to_le_bytes());
            fnv(hash, b);
        }
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// Running sums of one group of rows (the whole table when not bucketed).
#[derive(Default)]
struct Sums {
    rows: u64,
    row_sum: u128,
    column_sums: Vec<u128>,
}

impl Sums {
    fn figures(&self, spec: &FingerprintSpec) -> BucketFigures {
        BucketFigures {
            rows: self.rows,
            checksum: self.row_sum.to_string(),
            column_checksums: column_sums(spec, &self.column_sums),
        }
    }
}

fn column_sums(spec: &FingerprintSpec, sums: &[u128]) -> indexmap::IndexMap<String, String> {
    if !spec.column_checksums {
        return indexmap::IndexMap::new();
    }
    spec.columns
        .iter()
        .cloned()
        .zip(sums.iter().map(u128::to_string))
        .collect()
}

pub(super) fn fingerprint(
    conn: &Connection,
    table: &QualifiedName,
    spec: &FingerprintSpec,
) -> Result<TableFingerprint, EngineError> {
    let width = spec.columns.len();
    let mut sql = select(table, &spec.columns);
    if let Some(bucketing) = &spec.bucketing {
        // The key's text as the capture triggers record it, read as one more column.
        let key = crate::capture::key_text(Dialect::Sqlite, None, &bucketing.key);
        sql = sql.replacen(" FROM ", &format!(", {key} FROM "), 1);
    }
    let mut stmt = conn.prepare(&sql).map_err(sql_error)?;
    let mut rows = stmt.raw_query();
    let mut nulls = vec![0u64; width];
    let mut total = Sums {
        column_sums: vec![0; width],
        ..Sums::default()
    };
    let mut buckets: indexmap::IndexMap<u32, Sums> = indexmap::IndexMap::new();
    let key_columns: Vec<Vec<usize>> = spec
        .unique_keys
        .iter()
        .map(|key| {
            key.iter()
                .filter_map(|k| spec.columns.iter().position(|c| c == k))
                .collect()
        })
        .collect();
    let mut key_rows = vec![0u64; key_columns.len()];
    let mut column_hashes = vec![0u64; width];
    while let Some(row) = rows.next().map_err(sql_error)? {
        for (k, columns) in key_columns.iter().enumerate() {
            let mut complete = true;
            for &i in columns {
                if matches!(row.get_ref(i).map_err(sql_error)?, ValueRef::Null) {
                    complete = false;
                }
            }
            key_rows[k] += u64::from(complete);
        }
        let mut row_hash = FNV_OFFSET;
        for i in 0..width {
            let value = row.get_ref(i).map_err(sql_error)?;
            column_hashes[i] = 0;
            if matches!(value, ValueRef::Null) {
                nulls[i] += 1;
            } else if spec.column_checksums {
                let mut h = FNV_OFFSET;
                hash_value(&mut h, value);
                column_hashes[i] = h;
            }
            hash_value(&mut row_hash, value);
        }
        let add = |sums: &mut Sums| {
            sums.rows += 1;
            sums.row_sum = sums.row_sum.wrapping_add(u128::from(row_hash));
            sums.column_sums.resize(width, 0);
            for (sum, h) in sums.column_sums.iter_mut().zip(&column_hashes) {
                *sum = sum.wrapping_add(u128::from(*h));
            }
        };
        add(&mut total);
        if let Some(bucketing) = &spec.bucketing {
            let key = match row.get_ref(width).map_err(sql_error)? {
                ValueRef::Text(t) | ValueRef::Blob(t) => t.to_vec(),
                _ => Vec::new(),
            };
            let bucket = crate::capture::bucket_of_text(&key, bucketing);
            add(buckets.entry(bucket).or_default());
        }
    }
    drop(rows);
    drop(stmt);
    let distinct = spec
        .unique_keys
        .iter()
        .zip(key_rows)
        .map(|(key, n)| (key_label(key), n))
        .collect();
    Ok(TableFingerprint {
        rows: total.rows,
        nulls: spec.columns.iter().cloned().zip(nulls).collect(),
        distinct,
        checksum: total.row_sum.to_string(),
        column_checksums: column_sums(spec, &total.column_sums),
        buckets: buckets
            .iter()
            .map(|(b, sums)| (*b, sums.figures(spec)))
            .collect(),
    })
}

fn has_sequence_table(conn: &Connection) -> Result<bool, EngineError> {
    conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'",
        [],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n > 0)
    .map_err(sql_error)
}

pub(super) fn sequence_positions(
    conn: &Connection,
    table: &Table,
) -> Result<Vec<SequencePosition>, EngineError> {
    let Some(column) = table
        .columns
        .iter()
        .find(|c| c.identity == Some(Identity::AutoIncrement))
    else {
        return Ok(Vec::new());
    };
    if !has_sequence_table(conn)? {
        return Ok(Vec::new());
    }
    let value: Option<i64> = conn
        .query_row(
            "SELECT seq FROM sqlite_sequence WHERE name = ?",
            [&table.name.name],
            |r| r.get(0),
        )
        .map(Some)
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            other => Err(sql_error(other)),
        })?;
    Ok(value
        .map(|value| SequencePosition {
            column: column.name.clone(),
            sequence: String::new(),
            value,
            is_called: true,
        })
        .into_iter()
        .collect())
}

pub(super) fn restore_sequence_positions(
    conn: &Connection,
    table: &QualifiedName,
    positions: &[SequencePosition],
) -> Result<(), EngineError> {
    if positions.is_empty() || !has_sequence_table(conn)? {
        return Ok(());
    }
    for position in positions {
        conn.execute("DELETE FROM sqlite_sequence WHERE name = ?", [&table.name])
            .map_err(sql_error)?;
        conn.execute(
            "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)",
            rusqlite::params![table.name, position.value],
        )
        .map_err(sql_error)?;
    }
    Ok(())
}

/// The pages of the table and its indexes, from the `dbstat` virtual table; `None` when this
/// SQLite is built without it or the table is unknown.
pub(super) fn table_bytes(conn: &Connection, table: &QualifiedName) -> Option<u64> {
    let bytes: Option<i64> = conn
        .query_row(
            "SELECT sum(pgsize) FROM dbstat WHERE name = ?1 \
             OR name IN (SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = ?1)",
            [table.name.as_str()],
            |row| row.get(0),
        )
        .ok()
        .flatten();
    bytes.and_then(|b| u64::try_from(b).ok())
}
