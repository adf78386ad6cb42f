//! The report of an `apply` run, in the brief's shape, and the zero-downtime checklist written
//! next to it. Every figure comes from the run: row counts from fingerprints, the backup's size
//! from the file, `locks_held` and `downtime` from the write probe.

use super::ApplyError;
use super::probe::{ProbeResult, downtime, locks_held};
use super::rehearse::RehearsalReport;
use crate::events::EventType;
use crate::migrate::Migration;
use crate::validate::{CheckOutcome, ConcurrentWrites, Difference};
use dbwarden_core::Dialect;
use indexmap::IndexMap;
use serde::Serialize;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// How a step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    /// Done.
    Ok,
    /// Not needed.
    Skipped,
    /// Failed.
    Failed,
}

/// One step of the sequence.
#[derive(Debug, Clone, Serialize)]
pub struct StepReport {
    /// `detect`, `lint`, `impact`, `backup`, `pre-validation`, `rehearsal`, `apply`,
    /// `post-validation`, `rollback`.
    pub step: String,
    /// How it ended.
    pub status: StepStatus,
    /// What it found or did.
    pub detail: String,
    /// Seconds.
    pub duration_seconds: f64,
}

/// The backup taken in the run.
#[derive(Debug, Clone, Serialize)]
pub struct BackupFigures {
    /// Written in this run.
    pub created: bool,
    /// The file.
    pub file: PathBuf,
    /// Its size.
    pub size_bytes: u64,
    /// Passed verification.
    pub verified: bool,
    /// Tables in it.
    pub tables: usize,
    /// Rows in it.
    pub rows: u64,
}

/// Items of the zero-downtime checklist, ticked where the run verified them.
#[derive(Debug, Clone, Serialize)]
pub struct Checklist {
    /// `(ticked, text)` before the migration.
    pub pre_migration: Vec<(bool, String)>,
    /// During it.
    pub migration: Vec<(bool, String)>,
    /// After it.
    pub post_migration: Vec<(bool, String)>,
}

/// Everything an `apply` run did and measured.
#[derive(Debug, Clone, Serialize)]
pub struct ApplyReport {
    /// `success`, `rolled_back` or `failed`.
    pub status: String,
    /// The engine.
    pub dialect: Dialect,
    /// The pending migrations the run took on.
    pub migrations: Vec<String>,
    /// Their scripts: `(up, down)`.
    pub scripts: Vec<(PathBuf, Option<PathBuf>)>,
    /// Applied in this run.
    pub applied: Vec<String>,
    /// Some statement destroys data.
    pub destructive: bool,
    /// Some change breaks code written for the old schema.
    pub breaking: bool,
    /// Expand-contract marked (`-- dbwarden:contract` or expand/contract in the name).
    pub expand_contract: bool,
    /// The backup, when one was taken.
    pub backup: Option<BackupFigures>,
    /// Rows before, after, and after a rollback.
    pub pre_records: Option<u64>,
    /// Rows after the migration.
    pub post_records: Option<u64>,
    /// Rows after a rollback.
    pub final_records: Option<u64>,
    /// `verified`, or what happened instead.
    pub integrity: String,
    /// What changed between the snapshots, each marked intended or not.
    pub differences: Vec<Difference>,
    /// The user's checks.
    pub checks: Vec<CheckOutcome>,
    /// The rehearsal, when there was one.
    pub rehearsal: Option<RehearsalReport>,
    /// A statement the lint could not parse (so the run is rehearsed).
    pub unreadable: bool,
    /// What the write probe saw while the migration ran.
    pub probe: Option<ProbeResult>,
    /// Writes other sessions made to the watched tables while the migration ran, per table.
    pub concurrent_writes: IndexMap<String, ConcurrentWrites>,
    /// Watched tables whose comparison could not leave concurrent writes out, and why.
    pub uncaptured: Vec<(String, String)>,
    /// Every step.
    pub steps: Vec<StepReport>,
    /// Why the run failed.
    pub error: Option<String>,
    /// Seconds, start to end.
    pub duration_seconds: f64,
    /// Where the report was written.
    pub report_file: Option<PathBuf>,
    /// Where the checklist was written.
    pub checklist_file: Option<PathBuf>,
}

impl ApplyReport {
    pub(super) fn new(dialect: Dialect) -> Self {
        ApplyReport {
            status: "failed".into(),
            dialect,
            migrations: Vec::new(),
            scripts: Vec::new(),
            applied: Vec::new(),
            destructive: false,
            breaking: false,
            expand_contract: false,
            backup: None,
            pre_records: None,
            post_records: None,
            final_records: None,
            integrity: "not checked".into(),
            differences: Vec::new(),
            checks: Vec::new(),
            rehearsal: None,
            unreadable: false,
            probe: None,
            concurrent_writes: IndexMap::new(),
            uncaptured: Vec::new(),
            steps: Vec::new(),
            error: None,
            duration_seconds: 0.0,
            report_file: None,
            checklist_file: None,
        }
    }

    pub(super) fn describe(&mut self, pending: &[Migration], _dir: &Path) {
        self.migrations = pending.iter().map(Migration::label).collect();
        self.scripts = pending
            .iter()
            .map(|m| (m.up.path.clone(), m.down.as_ref().map(|d| d.path.clone())))
            .collect();
        self.expand_contract = pending.iter().any(|m| {
            m.up.text.contains("-- dbwarden:contract")
                || m.up.text.contains("-- dbwarden:expand")
                || m.name.contains("expand")
                || m.name.contains("contract")
        });
    }

    pub(super) fn step(
        &mut self,
        step: &str,
        status: StepStatus,
        detail: String,
        started: Instant,
        log: &impl Fn(EventType, serde_json::Value),
    ) {
        let entry = StepReport {
            step: step.to_owned(),
            status,
            detail,
            duration_seconds: started.elapsed().as_secs_f64(),
        };
        log(EventType::ApplyStep, json!(entry));
        self.steps.push(entry);
    }

    fn migration_type(&self) -> &'static str {
        if self.expand_contract {
            "expand_contract"
        } else if self.destructive {
            "destructive"
        } else if self.breaking {
            "breaking"
        } else {
            "additive"
        }
    }

    /// The report in the brief's shape, plus the steps and the detail behind each figure.
    pub fn to_json(&self) -> serde_json::Value {
        let version = match self.migrations.as_slice() {
            [] => String::new(),
            [one] => one.clone(),
            [first, .., last] => format!("{first}..{last}"),
        };
        let (forward, rollback) = match self.scripts.as_slice() {
            [(up, down)] => (json!(up), json!(down)),
            many => (
                json!(many.iter().map(|(u, _)| u).collect::<Vec<_>>()),
                json!(many.iter().map(|(_, d)| d).collect::<Vec<_>>()),
            ),
        };
        json!({
            "status": self.status,
            "migration": {
                "version": version,
                "type": self.migration_type(),
                "database": self.dialect.name(),
            },
            "backup": match &self.backup {
                Some(b) => json!({
                    "created": b.created,
                    "file": b.file,
                    "size": crate::units::human_bytes(b.size_bytes),
                    "size_bytes": b.size_bytes,
                    "verified": b.verified,
                    "tables": b.tables,
                    "rows": b.rows,
                }),
                None => json!({"created": false, "file": null, "size": null, "verified": false}),
            },
            "validation": {
                "pre_migration_records": self.pre_records,
                "post_migration_records": self.post_records,
                "after_rollback_records": self.final_records,
                "data_integrity": self.integrity,
                "differences": self.differences,
                "checks": self.checks,
            },
            "scripts": {"forward": forward, "rollback": rollback},
            "performance": {
                "duration_seconds": (self.duration_seconds * 1000.0).round() / 1000.0,
                "locks_held": locks_held(self.probe),
                "downtime": downtime(self.probe),
                "max_write_blocked_ms": self.probe.map(|p| p.max_blocked_ms),
                "p99_write_blocked_ms": self.probe.map(|p| p.p99_blocked_ms),
                "writes_blocked_over_100ms": self.probe.map(|p| p.blocked_writes),
                "write_blocked_total_ms": self.probe.map(|p| p.blocked_total_ms),
                "probe_writes": self.probe.map(|p| p.writes),
                "probe": "from the first statement to the end of any rollback",
            },
            "concurrent_writes": self.concurrent_writes,
            "not_compared_under_writes": self.uncaptured,
            "rehearsal": self.rehearsal,
            "steps": self.steps,
            "error": self.error,
            "checklist": self.report_file.as_ref().map(|_| &self.checklist_file),
        })
    }

    /// The checklist, ticking what this run verified.
    pub fn checklist(&self) -> Checklist {
        let step_ok = |name: &str| {
            self.steps
                .iter()
                .any(|s| s.step == name && s.status == StepStatus::Ok)
        };
        let blocked = self.probe.map(|p| p.max_blocked_ms);
        Checklist {
            pre_migration: vec![
                (step_ok("lint"), "Lint: no unallowed unsafe operation".into()),
                (step_ok("impact"), "Impact assessed: tables touched and their size".into()),
                (
                    self.backup.as_ref().is_some_and(|b| b.verified) || !self.destructive,
                    "Verified backup of the tables a destructive statement touches (or none needed)".into(),
                ),
                (step_ok("pre-validation"), "Fingerprints taken and pre-migration checks passed".into()),
                (step_ok("rehearsal"), "Rehearsed on a scratch copy: up, validate, down, validate".into()),
                (false, "Application code deployed that works with both the old and the new schema".into()),
                (false, "The people who run the application know the migration is happening".into()),
            ],
            migration: vec![
                (step_ok("apply"), "Applied under the migration lock, one transaction per migration where the engine allows".into()),
                (
                    blocked.is_some_and(|b| b <= super::probe::BLOCKED_THRESHOLD_MS),
                    format!(
                        "Writes to the affected tables never blocked longer than {} ms (observed: {})",
                        super::probe::BLOCKED_THRESHOLD_MS,
                        blocked.map_or("not measured".into(), |b| format!("{b} ms"))
                    ),
                ),
                (false, "Error rates and latency watched while it ran".into()),
            ],
            post_migration: vec![
                (step_ok("post-validation"), "Fingerprints compared: every difference intended; post-migration checks passed".into()),
                (false, "Application behaviour checked against the new schema".into()),
                (
                    false,
                    if self.expand_contract {
                        "Contract step scheduled once no client uses the old shape".into()
                    } else {
                        "Backups and the down script kept until the change is settled".into()
                    },
                ),
            ],
        }
    }

    /// Sets the duration and writes the report and checklist under `dir`.
    pub(super) fn finish(&mut self, started: Instant, dir: &Path) -> Result<(), ApplyError> {
        self.duration_seconds = started.elapsed().as_secs_f64();
        std::fs::create_dir_all(dir)
            .map_err(|e| ApplyError::Io(format!("{}: {e}", dir.display())))?;
        // Milliseconds and the process id: two runs in the same second keep both reports.
        let stamp = chrono::Utc::now().format("%Y%m%d_%H%M%S%3f");
        let name = self
            .migrations
            .last()
            .cloned()
            .unwrap_or_else(|| "nothing".into());
        let pid = std::process::id();
        let report_file = dir.join(format!("{stamp}_{pid}_{name}.json"));
        let checklist_file = dir.join(format!("{stamp}_{pid}_{name}.checklist.md"));
        // The paths go into the report itself (its `checklist` field), so they are set first
        // and taken back if a write fails: the report never names a file that is not there.
        self.report_file = Some(report_file.clone());
        self.checklist_file = Some(checklist_file.clone());
        let json = serde_json::to_string_pretty(&self.to_json()).unwrap_or_default();
        let written = std::fs::write(&report_file, json)
            .map_err(|e| ApplyError::Io(format!("{}: {e}", report_file.display())))
            .and_then(|()| {
                std::fs::write(&checklist_file, self.checklist_markdown())
                    .map_err(|e| ApplyError::Io(format!("{}: {e}", checklist_file.display())))
            });
        if written.is_err() {
            self.report_file = None;
            self.checklist_file = None;
        }
        written
    }

    fn checklist_markdown(&self) -> String {
        let list = self.checklist();
        let mut out = format!(
            "# Zero-downtime checklist: {}\n\nStatus: {}. Ticked items were verified by dbwarden in this run; the others are for a person.\n",
            self.migrations.join(", "),
            self.status
        );
        for (title, items) in [
            ("Pre-migration", &list.pre_migration),
            ("Migration", &list.migration),
            ("Post-migration", &list.post_migration),
        ] {
            out.push_str(&format!("\n## {title}\n\n"));
            for (ticked, text) in items {
                out.push_str(&format!("- [{}] {text}\n", if *ticked { "x" } else { " " }));
            }
        }
        out
    }
}
