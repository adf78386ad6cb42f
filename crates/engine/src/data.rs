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
