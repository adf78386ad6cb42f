//! What a backup file says about itself.

use dbwarden_core::{QualifiedName, Schema};
use dbwarden_engine::{RowFormat, SequencePosition, ServerInfo, TableFingerprint};
use serde::{Deserialize, Serialize};

/// The manifest format this build writes and reads.
pub const FORMAT: u32 = 1;

/// The manifest at the end of a backup file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: u32,
    /// The dbwarden that wrote it.
    pub dbwarden_version: String,
    /// When the snapshot was taken (RFC 3339, UTC).
    pub created_at: String,
    /// The server the rows came from.
    pub source: SourceInfo,
    /// Whether every user table was taken, or the tables named.
    pub scope: Scope,
    /// How each table's rows are encoded.
    pub row_format: RowFormat,
    /// The definitions of the tables taken (and the enums and sequences they use), so a
    /// restore can create them where they are missing.
    pub schema: Schema,
    /// The same definitions as DDL in the source's dialect, for people reading the manifest.
    #[serde(default)]
    pub schema_ddl: String,
    /// The tables, in the order their rows appear in the file (referenced tables first).
    pub tables: Vec<TableEntry>,
    /// Seconds the backup took.
    pub duration_seconds: f64,
    /// At most this many rows per table were taken: a sample for rehearsals, not a backup
    /// (it never passes `verify` and never covers a destructive statement).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample_rows: Option<u64>,
}

/// The server a backup came from.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SourceInfo {
    /// `postgresql`, `mysql` or `sqlite`.
    pub dialect: dbwarden_core::Dialect,
    /// The product.
    pub product: String,
    /// Its version.
    pub version: String,
    /// The database (or file) name.
    pub database: String,
}

impl From<ServerInfo> for SourceInfo {
    fn from(info: ServerInfo) -> Self {
        SourceInfo {
            dialect: info.dialect,
            product: info.product,
            version: info.version,
            database: info.database,
        }
    }
}

/// What a backup covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Every user table.
    Database,
    /// The tables named.
    Tables,
}

/// One table in a backup.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TableEntry {
    /// The table.
    pub name: QualifiedName,
    /// The columns whose values are stored, in stream order (generated columns are left out:
    /// the database computes them again).
    pub columns: Vec<String>,
    /// Rows stored.
    pub rows: u64,
    /// Where its compressed rows start in the file.
    pub offset: u64,
    /// Compressed size.
    pub compressed_bytes: u64,
    /// SHA-256 of the compressed bytes.
    pub sha256_compressed: String,
    /// Uncompressed size.
    pub raw_bytes: u64,
    /// SHA-256 of the uncompressed row stream.
    pub sha256_raw: String,
    /// The table's fingerprint, taken in the same snapshot as its rows.
    pub fingerprint: TableFingerprint,
    /// Rows whose foreign keys pointed nowhere in the source (SQLite, where enforcement can
    /// be off): a restore reproduces them and must not find more.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub broken_foreign_keys: u64,
    /// Where its identity/serial/auto-increment numbering stood.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sequences: Vec<SequencePosition>,
}

impl Manifest {
    /// Total rows over all tables.
    pub fn total_rows(&self) -> u64 {
        self.tables.iter().map(|t| t.rows).sum()
    }

    /// The entry for `name`, if the backup holds it.
    pub fn table(&self, name: &QualifiedName) -> Option<&TableEntry> {
        self.tables.iter().find(|t| &t.name == name)
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}
