//! Moving and measuring table rows: the streams that backups write and restores read, and the
//! fingerprints that prove two copies of a table hold the same data.
//!
//! Rows travel as byte chunks over a bounded channel, so memory stays flat whatever the table
//! size: the engine produces chunks as it reads rows, the consumer compresses and writes them.
//! PostgreSQL's chunks are its own `COPY` text format; MySQL/MariaDB and SQLite rows use
//! dbwarden's row encoding (see [`crate::rowcodec`]).

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// How a table's rows are encoded in a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowFormat {
    /// PostgreSQL `COPY ... TO STDOUT` text format, written with ISO dates, UTC and hex bytea.
    PostgresCopyText,
    /// dbwarden's typed row encoding (one tag per value, lengths prefixed).
    TypedRows,
}

impl RowFormat {
    /// The format an engine of `dialect` reads and writes.
    pub fn of(dialect: dbwarden_core::Dialect) -> Self {
        match dialect {
            dbwarden_core::Dialect::Postgres => RowFormat::PostgresCopyText,
            _ => RowFormat::TypedRows,
        }
    }
}

/// Chunks of a row stream on their way out of an engine.
pub type ChunkSender = tokio::sync::mpsc::Sender<Vec<u8>>;
/// Chunks of a row stream on their way into an engine.
pub type ChunkReceiver = tokio::sync::mpsc::Receiver<Vec<u8>>;

/// About how many bytes an engine gathers before it sends a chunk.
pub const CHUNK_BYTES: usize = 256 * 1024;

/// How many chunks may wait in a channel: bounds the memory a stream holds.
pub const CHANNEL_CHUNKS: usize = 8;

/// What to measure in a table.
#[derive(Debug, Clone, Default)]
pub struct FingerprintSpec {
    /// Columns in table order; the content checksum and null counts cover these.
    pub columns: Vec<String>,
    /// Unique keys the database enforces (primary key first). Their distinct non-NULL values
    /// are the rows with no NULL in the key, counted in the same scan as everything else (a
    /// separate `SELECT DISTINCT` would sort the table once more for the same number).
    pub unique_keys: Vec<Vec<String>>,
    /// Also compute a checksum per column, so that a comparison can name the column that
    /// differs even when the table's column set changed. Costs one more hash per value.
    pub column_checksums: bool,
    /// Also split the figures by a hash of each row's key, so that a comparison can leave out
    /// the groups holding rows the application wrote meanwhile (see [`crate::capture`]).
    pub bucketing: Option<Bucketing>,
}

/// How rows are grouped for a bucketed fingerprint: by a hash of `key`'s values, into
/// `buckets` groups (a power of two). The same hash of the same key text is what
/// [`crate::capture`] computes for the keys the application wrote, so both sides agree on
/// which group a row is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucketing {
    /// The key columns (primary key, else a unique key of NOT NULL columns).
    pub key: Vec<String>,
    /// How many groups; a power of two.
    pub buckets: u32,
}

impl Bucketing {
    /// Groups for a table of about `rows` rows: about eight rows a group, between 64 and
    /// 65,536 groups, so that a few thousand application writes leave most groups clean.
    pub fn for_rows(key: Vec<String>, rows: u64) -> Bucketing {
        let wanted = (rows / 8).clamp(64, 65_536);
        let buckets = u32::try_from(wanted.next_power_of_two()).unwrap_or(65_536);
        Bucketing { key, buckets }
    }

    /// The mask that maps a 64-bit hash to a group.
    pub fn mask(&self) -> u64 {
        u64::from(self.buckets.max(1) - 1)
    }
}

/// The figures of one group of a bucketed fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BucketFigures {
    /// Rows in the group.
    pub rows: u64,
    /// Order-independent checksum of the group's rows over the measured columns.
    pub checksum: String,
    /// Per column, when column checksums were asked for.
    pub column_checksums: IndexMap<String, String>,
}

/// Figures that identify a table's content without holding it. Equal fingerprints mean, with
/// overwhelming probability, equal rows; the checksums are order-independent sums of per-row
/// hashes, so they do not depend on the physical order in which rows come back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableFingerprint {
    /// Rows in the table.
    pub rows: u64,
    /// NULLs per column.
    pub nulls: IndexMap<String, u64>,
    /// Distinct non-NULL values per unique key (key columns joined with `,`).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub distinct: IndexMap<String, u64>,
    /// Order-independent checksum of every row over the measured columns.
    pub checksum: String,
    /// Order-independent checksum per column, when asked for.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub column_checksums: IndexMap<String, String>,
    /// Per group, when the spec asked for [`Bucketing`]; not serialized (it is working data of
    /// one run's comparison).
    #[serde(skip)]
    pub buckets: IndexMap<u32, BucketFigures>,
}

impl TableFingerprint {
    /// Adds up per-group fingerprints (each computed over one group of rows) into the whole
    /// table's, keeping the groups. Checksums are sums of per-row hashes, so they add; the
    /// server prints them as integers, added here as 128-bit integers.
    pub fn from_buckets(spec: &FingerprintSpec, parts: Vec<(u32, TableFingerprint)>) -> Self {
        let add = |a: &str, b: &str| -> String {
            let x: i128 = a.parse().unwrap_or(0);
            let y: i128 = b.parse().unwrap_or(0);
            x.wrapping_add(y).to_string()
        };
        let mut total = TableFingerprint {
            rows: 0,
            nulls: spec.columns.iter().map(|c| (c.clone(), 0)).collect(),
            distinct: spec.unique_keys.iter().map(|k| (key_label(k), 0)).collect(),
            checksum: "0".into(),
            column_checksums: if spec.column_checksums {
                spec.columns
                    .iter()
                    .map(|c| (c.clone(), "0".into()))
                    .collect()
            } else {
                IndexMap::new()
            },
            buckets: IndexMap::new(),
        };
        for (bucket, part) in parts {
            total.rows += part.rows;
            for (c, n) in &part.nulls {
                *total.nulls.entry(c.clone()).or_default() += n;
            }
            for (k, n) in &part.distinct {
                *total.distinct.entry(k.clone()).or_default() += n;
            }
            total.checksum = add(&total.checksum, &part.checksum);
            for (c, sum) in &part.column_checksums {
                let entry = total.column_checksums.entry(c.clone()).or_default();
                *entry = add(entry, sum);
            }
            total.buckets.insert(
                bucket,
                BucketFigures {
                    rows: part.rows,
                    checksum: part.checksum,
                    column_checksums: part.column_checksums,
                },
            );
        }
        total
    }
}

/// Where a table's number generator stands (a PostgreSQL sequence behind an identity or serial
/// column, MySQL's `AUTO_INCREMENT` counter, SQLite's `sqlite_sequence` row), so a restore
/// continues numbering where the original would have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SequencePosition {
    /// The column it numbers.
    pub column: String,
    /// The sequence's own name (PostgreSQL), empty elsewhere.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sequence: String,
    /// The last value handed out (PostgreSQL, SQLite) or the next one (MySQL).
    pub value: i64,
    /// PostgreSQL's `is_called`: whether `value` was already handed out.
    #[serde(default)]
    pub is_called: bool,
}

/// The name used for a unique key in [`TableFingerprint::distinct`].
pub fn key_label(columns: &[String]) -> String {
    columns.join(",")
}
