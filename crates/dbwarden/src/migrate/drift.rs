//! Checksum drift: applied migrations whose files no longer match what was applied.

use super::{HistoryRow, MigrationSet};
use serde::Serialize;
use std::fmt;

/// What differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DriftKind {
    /// The up script changed.
    UpEdited,
    /// The down script changed.
    DownEdited,
    /// The down script was added or removed since.
    DownAddedOrRemoved,
    /// The migration's files are gone.
    FilesMissing,
}

/// One applied migration whose files differ from the history.
#[derive(Debug, Clone, Serialize)]
pub struct Drift {
    /// Version.
    pub version: u64,
    /// `0003_name`.
    pub migration: String,
    /// What differs.
    pub kind: DriftKind,
    /// Only comments or whitespace changed.
    pub cosmetic: bool,
    /// The file concerned.
    pub file: Option<String>,
}

impl Drift {
    /// Whether accepting it with `rehash` is allowed (comments/whitespace only).
    pub fn cosmetic_only(&self) -> bool {
        self.cosmetic
    }
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = self.file.as_deref().unwrap_or("");
        match self.kind {
            DriftKind::UpEdited | DriftKind::DownEdited => write!(
                f,
                "{}: {file} was edited after it was applied ({})",
                self.migration,
                if self.cosmetic {
                    "comments or whitespace only"
                } else {
                    "the SQL changed"
                }
            ),
            DriftKind::DownAddedOrRemoved => {
                write!(
                    f,
                    "{}: its down script was added or removed after it was applied",
                    self.migration
                )
            }
            DriftKind::FilesMissing => write!(
                f,
                "{}: applied, but its files are not in the migrations folder (restore them)",
                self.migration
            ),
        }
    }
}

/// Compares every applied or baselined row with the files.
pub fn check_drift(set: &MigrationSet, rows: &[HistoryRow]) -> Vec<Drift> {
    let mut drifts = Vec::new();
    for row in rows {
        let label = format!("{:04}_{}", row.version, row.name);
        let Some(m) = set.get(row.version) else {
            drifts.push(Drift {
                version: row.version,
                migration: label,
                kind: DriftKind::FilesMissing,
                cosmetic: false,
                file: None,
            });
            continue;
        };
        // A partly applied migration may be fixed before `--resume`; its checksums are
        // refreshed when it completes.
        if !row.status.is_done() {
            continue;
        }
        if m.up.checksum != row.checksum_up {
            drifts.push(Drift {
                version: row.version,
                migration: m.label(),
                kind: DriftKind::UpEdited,
                cosmetic: m.up.canonical_checksum == row.canonical_up,
                file: Some(m.up.path.display().to_string()),
            });
        }
        match (&m.down, &row.checksum_down) {
            (Some(down), Some(sum)) if &down.checksum != sum => drifts.push(Drift {
                version: row.version,
                migration: m.label(),
                kind: DriftKind::DownEdited,
                cosmetic: row.canonical_down.as_deref() == Some(down.canonical_checksum.as_str()),
                file: Some(down.path.display().to_string()),
            }),
            (Some(_), None) | (None, Some(_)) => drifts.push(Drift {
                version: row.version,
                migration: m.label(),
                kind: DriftKind::DownAddedOrRemoved,
                cosmetic: false,
                file: m.down.as_ref().map(|d| d.path.display().to_string()),
            }),
            _ => {}
        }
    }
    drifts
}
