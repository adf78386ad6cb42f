//! Verifying a backup: every byte re-read against its checksums while it is restored into a
//! scratch database, whose fingerprints must then equal the manifest's. Only then is the backup
//! marked verified, in a small file beside it.

use super::{BackupError, BackupReader, RestoreOptions, restore};
use crate::schema_source::with_scratch;
use dbwarden_engine::ConnectionUrl;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// The outcome of a verification that passed.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    /// The backup.
    pub file: PathBuf,
    /// Tables checked.
    pub tables: usize,
    /// Rows checked (read from the file and restored).
    pub rows: u64,
    /// Seconds spent reading, restoring into the scratch database and comparing fingerprints.
    pub seconds: f64,
}

/// Written beside a backup (`FILE.verified`) once it passed verification.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VerifiedMarker {
    /// When.
    pub verified_at: String,
    /// The backup's size then.
    pub size: u64,
    /// Its creation time as the manifest says, which ties the marker to this backup.
    pub created_at: String,
    /// Rows restored and matched.
    pub rows: u64,
}

fn marker_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".verified");
    PathBuf::from(name)
}

/// The marker of a backup verified earlier, if it still describes this file.
pub fn read_marker(reader: &BackupReader) -> Option<VerifiedMarker> {
    let text = std::fs::read_to_string(marker_path(reader.path())).ok()?;
    let marker: VerifiedMarker = serde_json::from_str(&text).ok()?;
    (marker.size == reader.size && marker.created_at == reader.manifest.created_at)
        .then_some(marker)
}

/// Re-reads every table of `file` against its checksums and row counts, restores it into a
/// scratch database next to `dev` (dropped afterwards, also on failure or Ctrl-C), and compares
/// the restored fingerprints with the manifest's.
pub async fn verify(file: &Path, dev: &ConnectionUrl) -> Result<VerifyReport, BackupError> {
    let reader = Arc::new(BackupReader::open(file)?);
    if let Some(rows) = reader.manifest.sample_rows {
        return Err(BackupError::Corrupt {
            what: format!(
                "{} is a sample (at most {rows} rows per table) taken for a rehearsal, not a backup",
                file.display()
            ),
        });
    }
    let started = Instant::now();
    if reader.manifest.source.dialect != dev.dialect() {
        return Err(BackupError::WrongEngine {
            backup: reader.manifest.source.product.clone(),
            target: dev.dialect().to_string(),
        });
    }
    // One pass: the restore reads every byte of every table, checks both checksums and the
    // row count as it goes, and fails naming the table before the fingerprints are compared
    // (a second read pass only doubled the I/O).
    let restored = with_scratch(dev, async |scratch| {
        restore(scratch, Arc::clone(&reader), &RestoreOptions::default()).await
    })
    .await?;
    let report = VerifyReport {
        file: file.to_path_buf(),
        tables: restored.tables.len(),
        rows: restored.rows,
        seconds: started.elapsed().as_secs_f64(),
    };
    let marker = VerifiedMarker {
        verified_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        size: reader.size,
        created_at: reader.manifest.created_at.clone(),
        rows: restored.rows,
    };
    let path = marker_path(file);
    let json = serde_json::to_vec_pretty(&marker).map_err(|e| BackupError::Corrupt {
        what: e.to_string(),
    })?;
    std::fs::write(&path, json).map_err(|e| BackupError::Io {
        path,
        message: e.to_string(),
    })?;
    Ok(report)
}
