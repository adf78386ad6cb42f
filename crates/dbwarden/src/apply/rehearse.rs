//! Rehearsal: the pending migrations run first on a scratch copy of the database (schema and
//! rows, at most a given number per table with foreign keys kept satisfied, through a sampled
//! backup and restore), are validated there, rolled back with their down
//! scripts, and validated again, so a migration that fails, breaks a check, or cannot bring
//! its data back is found before the target is touched.

use super::ApplyError;
use crate::backup::{BackupOptions, BackupReader, RestoreOptions};
use crate::migrate::{Migration, Script};
use crate::schema_source::with_scratch;
use crate::validate::{CheckFile, CheckPhase, Intent, compare, run_checks, snapshot};
use dbwarden_engine::{ConnectionUrl, Engine};
use serde::Serialize;
use std::sync::Arc;
use std::time::Instant;

/// What the rehearsal found.
#[derive(Debug, Clone, Serialize)]
pub struct RehearsalReport {
    /// Rows copied into the scratch database.
    pub rows_copied: u64,
    /// Every up script ran.
    pub up_succeeded: bool,
    /// Differences after up that the migrations did not intend.
    pub unexpected_differences: Vec<String>,
    /// Post checks that failed on the copy.
    pub failed_checks: Vec<String>,
    /// After the down scripts, every fingerprint equals the one before up (`None` when a
    /// migration has no down script).
    pub data_came_back: Option<bool>,
    /// What went wrong, when something did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Seconds.
    pub duration_seconds: f64,
}

impl RehearsalReport {
    /// Whether the target may be touched. A destructive migration's down script cannot bring
    /// the data back (the verified backup does), so there that check does not count.
    pub fn passed(&self, destructive: bool) -> bool {
        self.up_succeeded
            && self.unexpected_differences.is_empty()
            && self.failed_checks.is_empty()
            && (destructive || self.data_came_back != Some(false))
            && self.error.is_none()
    }
}

/// Runs a script on the copy as the runner runs it on the target: in one transaction where
/// the engine allows, and on SQLite with `PRAGMA foreign_keys` taken out and applied around
/// the transaction (inside one SQLite ignores it, and a rebuild's `DROP TABLE` would cascade
/// into child rows on the copy that the real run keeps).
async fn run_script(engine: &mut dyn Engine, script: &Script) -> Result<(), String> {
    let transactional =
        engine.capabilities().transactional_ddl && !script.directives.no_transaction;
    let (statements, foreign_keys_off) = if transactional {
        crate::migrate::hoist_foreign_key_pragmas(engine.dialect(), script.statements().to_vec())
    } else {
        (script.statements().to_vec(), false)
    };
    if foreign_keys_off {
        engine
            .execute("PRAGMA foreign_keys = OFF")
            .await
            .map_err(|e| e.to_string())?;
    }
    let outcome =
        run_statements(engine, script, &statements, transactional, foreign_keys_off).await;
    if foreign_keys_off {
        let _ = engine.execute("PRAGMA foreign_keys = ON").await;
    }
    outcome
}

async fn run_statements(
    engine: &mut dyn Engine,
    script: &Script,
    statements: &[dbwarden_sql::Statement],
    transactional: bool,
    check_foreign_keys: bool,
) -> Result<(), String> {
    if transactional {
        engine.begin().await.map_err(|e| e.to_string())?;
    }
    for statement in statements {
        if let Err(e) = engine.execute(&statement.sql).await {
            if transactional {
                let _ = engine.rollback().await;
            }
            return Err(format!("{}:{}: {e}", script.path.display(), statement.line));
        }
    }
    if check_foreign_keys {
        // As the runner does: with enforcement off nothing stopped a dangling reference.
        let dangling = engine
            .query("PRAGMA foreign_key_check", &[])
            .await
            .map_err(|e| e.to_string());
        match dangling {
            Ok(rows) if rows.is_empty() => {}
            Ok(rows) => {
                let _ = engine.rollback().await;
                return Err(format!(
                    "{}: {} row(s) would reference missing rows (PRAGMA foreign_key_check)",
                    script.path.display(),
                    rows.len()
                ));
            }
            Err(e) => {
                let _ = engine.rollback().await;
                return Err(e);
            }
        }
    }
    if transactional {
        engine.commit().await.map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Copies `source`'s database into a scratch database next to `url`, and runs `pending` there:
/// up, checks and comparison, down, comparison with the state before.
pub async fn rehearse(
    url: &ConnectionUrl,
    source: &mut dyn Engine,
    pending: &[Migration],
    checks: &[CheckFile],
    sample_rows: Option<u64>,
) -> Result<RehearsalReport, ApplyError> {
    let started = Instant::now();
    let folder = tempfile::tempdir().map_err(|e| ApplyError::Io(e.to_string()))?;
    let file = folder.path().join("rehearsal.dbwb");
    let copy = crate::backup::create(
        source,
        &BackupOptions {
            file: file.clone(),
            tables: None,
            sample_rows,
        },
        None,
    )
    .await?;
    let reader = Arc::new(BackupReader::open(&file)?);
    let dialect = source.dialect();
    let mut intent = Intent::default();
    for m in pending {
        let found = Intent::from_sql(&m.up.text, dialect);
        intent.schema_tables.extend(found.schema_tables);
        intent.data_tables.extend(found.data_tables);
    }
    let report = with_scratch(url, async |scratch: &mut dyn Engine| {
        crate::backup::restore(scratch, Arc::clone(&reader), &RestoreOptions::default()).await?;
        let mut report = RehearsalReport {
            rows_copied: copy.manifest.total_rows(),
            up_succeeded: false,
            unexpected_differences: Vec::new(),
            failed_checks: Vec::new(),
            data_came_back: None,
            error: None,
            duration_seconds: 0.0,
        };
        let before = snapshot(scratch, "rehearsal", None, true).await?;
        for m in pending {
            if let Err(e) = run_script(scratch, &m.up).await {
                report.error = Some(format!("up failed on the copy: {e}"));
                return Ok(report);
            }
        }
        report.up_succeeded = true;
        report
            .failed_checks
            .extend(super::trigger_exercise::exercise_triggers(scratch).await?);
        for file in checks {
            for outcome in run_checks(scratch, file, CheckPhase::Post).await {
                if !outcome.passed {
                    report
                        .failed_checks
                        .push(format!("{}: {}", outcome.location, outcome.detail));
                }
            }
        }
        let after = snapshot(scratch, "rehearsal", None, true).await?;
        report.unexpected_differences = compare(&before, &after, &intent)
            .into_iter()
            .filter(|d| d.intended.is_none())
            .map(|d| format!("{} {}: {} -> {}", d.table, d.figure, d.expected, d.found))
            .collect();
        if pending.iter().all(|m| m.down.is_some()) {
            for m in pending.iter().rev() {
                if let Some(down) = &m.down
                    && let Err(e) = run_script(scratch, down).await
                {
                    report.error = Some(format!("down failed on the copy: {e}"));
                    report.data_came_back = Some(false);
                    return Ok(report);
                }
            }
            let back = snapshot(scratch, "rehearsal", None, true).await?;
            report.data_came_back = Some(compare(&before, &back, &Intent::default()).is_empty());
        }
        Ok::<_, ApplyError>(report)
    })
    .await?;
    Ok(RehearsalReport {
        duration_seconds: started.elapsed().as_secs_f64(),
        ..report
    })
}
