//! Verifying a backup: every byte re-read against its checksums, then a restore into a
//! scratch database whose fingerprints must equal the manifest's. Only then is the backup
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
    /// Seconds spent re-reading the file.
    pub read_seconds: f64,
    /// Seconds spent restoring into the scratch database and comparing fingerprints.
    pub restore_seconds: f64,
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
    let started = Instant::now();
    for entry in reader.manifest.tables.clone() {
        let source = Arc::clone(&reader);
        let format = reader.manifest.row_format;
        tokio::task::spawn_blocking(move || source.read_table(&entry, format, None))
            .await
            .map_err(|e| BackupError::Corrupt {
                what: format!("the reading thread failed: {e}"),
            })??;
    }
    let read_seconds = started.elapsed().as_secs_f64();
    if reader.manifest.source.dialect != dev.dialect() {
        return Err(BackupError::WrongEngine {
            backup: reader.manifest.source.product.clone(),
            target: dev.dialect().to_string(),
        });
    }
    let started = Instant::now();
    let restored = with_scratch(dev, async |scratch| {
        restore(scratch, Arc::clone(&reader), &RestoreOptions::default()).await
    })
    .await?;
    let report = VerifyReport {
        file: file.to_path_buf(),
        tables: restored.tables.len(),
        rows: restored.rows,
        read_seconds,
        restore_seconds: started.elapsed().as_secs_f64(),
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
