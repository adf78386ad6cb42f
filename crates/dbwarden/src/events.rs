//! The append-only event log: one JSON object per line (NDJSON), one line per event, never
//! rewritten. Default location `.dbwarden/events.ndjson`.

use serde::Serialize;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EventType {
    /// A command started working on a database.
    RunStarted,
    /// The command finished.
    RunComplete,
    /// The command stopped with an error.
    RunFailed,
    /// The migration lock is held by someone else; waiting.
    LockWait,
    /// A statement's lock wait ran out and it (or its transaction) will be tried again
    /// (payload: migration, statement, try, blockers).
    LockTimeout,
    /// A lock left by a dead runner was released by hand (`migrate unlock`).
    LockReleased,
    /// A lint finding was accepted (in-file allow with a reason, or `--allow`).
    LintAllowed,
    /// A migration started.
    MigrationStarted,
    /// A migration was applied.
    MigrationComplete,
    /// A migration failed.
    MigrationFailed,
    /// A rollback (down script) started.
    RollbackStarted,
    /// A rollback completed.
    RollbackComplete,
    /// A rollback failed.
    RollbackFailed,
    /// A dry run finished (and was rolled back).
    DryRunComplete,
    /// Applied files differ from the history.
    DriftDetected,
    /// Migrations were recorded as applied without running (`baseline`).
    BaselineRecorded,
    /// Checksums of cosmetically edited migrations were accepted (`rehash`).
    ChecksumsAccepted,
    /// A command refused to run because a safety rule said no.
    Refused,
    /// A backup was written.
    BackupCreated,
    /// A backup passed verification (checksums and a scratch restore).
    BackupVerified,
    /// A backup was restored.
    BackupRestored,
    /// One step of `apply` finished (payload: step, status, detail).
    ApplyStep,
    /// `apply` finished; the payload is its report.
    ApplyComplete,
}

/// One line of the log.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    /// A time-ordered unique id (UUID v7).
    pub event_id: String,
    /// What happened.
    #[serde(rename = "type")]
    pub kind: EventType,
    /// When, RFC 3339 UTC with milliseconds.
    pub timestamp: String,
    /// Details: version, duration, statements, status, database...
    pub payload: serde_json::Value,
}

/// An open event log. Appends are flushed at once so a killed process loses nothing it
/// logged.
pub struct EventLog {
    path: PathBuf,
    file: Mutex<File>,
}

impl EventLog {
    /// Opens (creating folders and file as needed) the log at `path`.
    pub fn open(path: &Path) -> std::io::Result<EventLog> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(EventLog {
            path: path.to_path_buf(),
            file: Mutex::new(file),
        })
    }

    /// Where the log is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one event. A failure to write the log is reported but never stops a migration
    /// half-way: the database state matters more than the log line.
    pub fn append(&self, kind: EventType, payload: serde_json::Value) {
        let event = Event {
            event_id: uuid::Uuid::now_v7().to_string(),
            kind,
            timestamp: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            payload,
        };
        let line = match serde_json::to_string(&event) {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!("cannot encode event: {e}");
                return;
            }
        };
        let Ok(mut file) = self.file.lock() else {
            return;
        };
        // One write call per line so concurrent runners appending to the same file (O_APPEND)
        // never interleave within a line.
        if let Err(e) = file.write_all(format!("{line}\n").as_bytes()) {
            tracing::warn!("cannot append to event log {}: {e}", self.path.display());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_one_json_object_per_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sub/events.ndjson");
        let log = EventLog::open(&path).expect("open");
        log.append(
            EventType::MigrationStarted,
            serde_json::json!({"version": "0001"}),
        );
        log.append(
            EventType::MigrationComplete,
            serde_json::json!({"version": "0001", "duration_ms": 3}),
        );
        let text = std::fs::read_to_string(&path).expect("read");
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).expect("json"))
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["type"], "MIGRATION_STARTED");
        assert_eq!(lines[1]["type"], "MIGRATION_COMPLETE");
        assert_eq!(lines[1]["payload"]["duration_ms"], 3);
        assert_ne!(lines[0]["event_id"], lines[1]["event_id"]);
        assert!(
            lines[0]["timestamp"]
                .as_str()
                .is_some_and(|t| t.ends_with('Z'))
        );
    }
}
