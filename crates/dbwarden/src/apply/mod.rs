//! `apply`: the whole safe sequence for pending migrations, each step visible.
//!
//! detect → lint → impact → verified backup of the affected tables (when a statement is
//! destructive) → pre-validation → rehearsal on a scratch copy (by default for destructive or
//! breaking migrations) → apply under the lock, with a probe measuring how long writes were
//! blocked → post-validation → report. When a step after the backup fails, the migrations of
//! this run are rolled back (down scripts, then the verified backup for data the down scripts
//! cannot bring back) and fingerprints prove the database equals its state before.

mod probe;
mod rehearse;
mod report;
mod trigger_exercise;

pub use probe::ProbeResult;
pub use rehearse::RehearsalReport;
pub use report::{ApplyReport, Checklist, StepReport, StepStatus};

use crate::backup::{
    BackupCover, BackupError, BackupOptions, BackupReader, RestoreOptions, destructive_statements,
};
use crate::events::{EventLog, EventType};
use crate::migrate::{
    BackupRequirement, DownTarget, MigrateError, Migration, MigrationSet, MigrationState,
    RunOptions, Runner, hold_contract,
};
use crate::validate::{
    CheckFile, CheckPhase, Intent, LiveCapture, Snapshot, compare, run_checks, snapshot_live,
    without_concurrent_writes,
};
use dbwarden_engine::{ConnectionUrl, EngineError};
use serde_json::json;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;
use thiserror::Error;

/// Why `apply` could not run or refused to.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ApplyError {
    /// The runner failed or refused.
    #[error(transparent)]
    Migrate(#[from] MigrateError),
    /// A backup step failed.
    #[error(transparent)]
    Backup(#[from] BackupError),
    /// The database failed.
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// A file could not be written.
    #[error("{0}")]
    Io(String),
    /// A safety step said no before anything changed.
    #[error("{0}")]
    Refused(String),
    /// Ctrl-C.
    #[error("interrupted; scratch databases were dropped")]
    Interrupted,
}

impl From<crate::schema_source::Interrupted> for ApplyError {
    fn from(_: crate::schema_source::Interrupted) -> Self {
        ApplyError::Interrupted
    }
}

/// When to rehearse on a scratch copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rehearse {
    /// For destructive or breaking migrations.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// How to apply.
#[derive(Debug, Clone)]
pub struct ApplyOptions {
    /// Stop after this version.
    pub to: Option<u64>,
    /// The runner's options (lock timeout, lint configuration).
    pub run: RunOptions,
    /// When to rehearse.
    pub rehearse: Rehearse,
    /// Rows per table copied for the rehearsal (`None`: all); foreign keys stay satisfied.
    pub rehearse_rows: Option<u64>,
    /// Where backups are written.
    pub backup_dir: PathBuf,
    /// Where the report and checklist are written.
    pub report_dir: PathBuf,
    /// After a successful run, keep only this many of the newest backups in `backup_dir`.
    pub keep_backups: Option<usize>,
    /// Cancelled to stop the run at its next safe point (see [`crate::interrupt`]).
    pub cancel: crate::interrupt::CancellationToken,
}

/// How a run of [`apply`] ended; every case carries the report (also written to
/// `report_dir`, with the checklist).
#[derive(Debug)]
pub enum ApplyOutcome {
    /// Applied and validated.
    Success(ApplyReport),
    /// A safety step said no before anything changed (lint, pre-checks, rehearsal, capture);
    /// the error says why.
    Refused(ApplyReport, ApplyError),
    /// Something failed after a change; the run was undone and that was proven.
    RolledBack(ApplyReport),
    /// Something failed and the database could not be proven back as before (see the
    /// report's steps); or a step failed with `ApplyError` after the run had started.
    Failed(ApplyReport, Option<ApplyError>),
    /// Stopped by the caller's token; the report says where the database stands.
    Interrupted(ApplyReport),
}

impl ApplyOutcome {
    /// The report, whatever the outcome.
    pub fn report(&self) -> &ApplyReport {
        match self {
            ApplyOutcome::Success(r)
            | ApplyOutcome::Refused(r, _)
            | ApplyOutcome::RolledBack(r)
            | ApplyOutcome::Failed(r, _)
            | ApplyOutcome::Interrupted(r) => r,
        }
    }

    /// Records `error` in the report (status and message).
    fn record(report: &mut ApplyReport, error: &ApplyError) {
        report.status = match error {
            ApplyError::Interrupted => "interrupted",
            e if e.is_refusal() => "refused",
            _ => "failed",
        }
        .into();
        report.error = Some(error.to_string());
    }

    fn of(report: ApplyReport, error: Option<ApplyError>) -> ApplyOutcome {
        match error {
            Some(ApplyError::Interrupted) => ApplyOutcome::Interrupted(report),
            Some(e) if e.is_refusal() => ApplyOutcome::Refused(report, e),
            Some(e) => ApplyOutcome::Failed(report, Some(e)),
            None => match report.status.as_str() {
                "success" => ApplyOutcome::Success(report),
                "rolled_back" => ApplyOutcome::RolledBack(report),
                "interrupted" => ApplyOutcome::Interrupted(report),
                _ => ApplyOutcome::Failed(report, None),
            },
        }
    }
}

impl ApplyError {
    /// Whether a safety step refused before anything changed.
    pub fn is_refusal(&self) -> bool {
        match self {
            ApplyError::Refused(_) => true,
            ApplyError::Migrate(e) => e.is_refusal(),
            _ => false,
        }
    }
}

/// Runs the sequence. Every outcome carries the report (see [`ApplyOutcome`]); an error means
/// it could not start (no connection, no migrations folder, the runner's lock not had).
pub async fn apply(
    url: &ConnectionUrl,
    migrations_dir: &std::path::Path,
    options: ApplyOptions,
    events: Option<EventLog>,
) -> Result<ApplyOutcome, ApplyError> {
    let started = Instant::now();
    let mut report = ApplyReport::new(url.dialect());
    let log = |kind: EventType, payload: serde_json::Value| {
        if let Some(log) = &events {
            log.append(kind, payload);
        }
    };

    // detect
    let step = Instant::now();
    let engine = dbwarden_engine::connect(url).await?;
    let set = MigrationSet::load(migrations_dir, url.dialect())?;
    let mut run_options = options.run.clone();
    let lint = run_options.lint.take();
    let mut runner = Runner::new(engine, set.clone(), url.redacted(), run_options);
    if let Some(events) = &events
        && let Ok(second) = EventLog::open(events.path())
    {
        runner = runner.with_events(second);
    }
    // The runner's lock before anything else, held to the end: a second `apply` waits here
    // (saying who holds it), then reads what is pending once the first one is done, so its
    // backup, fingerprints and report never describe the other run's migration.
    runner.set_cancel(options.cancel.clone());
    runner.hold_lock().await?;
    for name in crate::clean::sweep_dead_scratch(runner.engine()).await {
        tracing::info!("dropped scratch database {name}, left by a run that died");
    }
    let outcome = apply_locked(
        &mut runner,
        url,
        migrations_dir,
        &options,
        lint,
        &mut report,
        &log,
        (started, step),
    )
    .await;
    runner.release_lock().await;
    let error = outcome.err();
    if let Some(e) = &error {
        // The report of a refused or stopped run is kept too (it may name a backup taken).
        ApplyOutcome::record(&mut report, e);
        if let Err(e) = report.finish(started, &options.report_dir) {
            tracing::warn!("could not write the report: {e}");
        }
    }
    let outcome = ApplyOutcome::of(report, error);
    log(
        EventType::ApplyComplete,
        serde_json::to_value(outcome.report()).unwrap_or_default(),
    );
    Ok(outcome)
}

/// [`apply`] once the runner holds the migration lock.
#[allow(clippy::too_many_arguments)]
async fn apply_locked(
    runner: &mut Runner,
    url: &ConnectionUrl,
    migrations_dir: &std::path::Path,
    options: &ApplyOptions,
    lint: Option<dbwarden_lint::LintConfig>,
    report: &mut ApplyReport,
    log: &(impl Fn(EventType, serde_json::Value) + Sync),
    (started, step): (Instant, Instant),
) -> Result<(), ApplyError> {
    let dialect = url.dialect();
    let set = runner.migrations().clone();
    let status = runner.status().await?;
    let pending: Vec<Migration> = status
        .migrations
        .iter()
        .filter(|e| e.state == MigrationState::Pending)
        .filter_map(|e| {
            let v: u64 = e.version.parse().ok()?;
            set.get(v).cloned()
        })
        .filter(|m| options.to.is_none_or(|to| m.version <= to))
        .collect();
    // Like `migrate up`: a contract step runs only when asked for, and nothing after it.
    let mut pending = pending;
    let held = hold_contract(&mut pending, options.run.contract)
        .map(|m| {
            format!(
                "; stopped before {}, a contract migration: run with --contract once no deployed code uses the old shape",
                m.label()
            )
        })
        .unwrap_or_default();
    let info = runner.engine().server_info().await?;
    report.step(
        "detect",
        StepStatus::Ok,
        format!(
            "{} {} ({}), {} pending migration(s){held}",
            info.product,
            info.version,
            info.database,
            pending.len()
        ),
        step,
        log,
    );
    if pending.is_empty() {
        report.status = "success".into();
        if let Err(e) = report.finish(started, &options.report_dir) {
            tracing::warn!("nothing to apply, and the report could not be written: {e}");
        }
        return Ok(());
    }
    report.describe(&pending, migrations_dir);

    // lint, against the live server's version unless one was configured
    let step = Instant::now();
    let mut lint_findings = 0;
    let lint = lint.map(|mut config| {
        if config.target_version.is_none() {
            config.target_version = crate::migrate::lint_target(&info);
        }
        config
    });
    if let Some(config) = &lint {
        let mut blocking = Vec::new();
        for m in &pending {
            let path = m.up.path.display().to_string();
            let input = dbwarden_lint::LintInput {
                path: &path,
                source: &m.up.text,
                dialect,
            };
            let linted = dbwarden_lint::lint(&input, config);
            // What the lint could not read may be anything: rehearse it.
            report.unreadable |= !linted.unparsed.is_empty();
            for f in linted.findings {
                lint_findings += 1;
                if f.is_blocking() {
                    blocking.push(format!(
                        "  {}:{}: [{}] {}",
                        f.file,
                        f.line,
                        f.rule.id(),
                        f.message
                    ));
                }
                if f.rule.category() == dbwarden_lint::Category::Breaking {
                    report.breaking = true;
                }
            }
        }
        if !blocking.is_empty() {
            report.step("lint", StepStatus::Failed, blocking.join("\n"), step, log);
            return Err(MigrateError::LintRefused {
                findings: blocking.join("\n"),
            }
            .into());
        }
    }
    report.step(
        "lint",
        if lint.is_some() {
            StepStatus::Ok
        } else {
            StepStatus::Skipped
        },
        format!("{lint_findings} finding(s), none blocking"),
        step,
        log,
    );

    // impact
    let step = Instant::now();
    let schema = runner.engine().introspect().await?;
    let mut intent = Intent::default();
    let mut destructive = Vec::new();
    for m in &pending {
        let found = Intent::from_sql(&m.up.text, dialect);
        intent.schema_tables.extend(found.schema_tables);
        intent.data_tables.extend(found.data_tables);
        intent.opaque.extend(found.opaque);
        destructive.extend(destructive_statements(m, dialect));
    }
    let mut affected: Vec<&dbwarden_core::Table> = schema
        .tables
        .iter()
        .filter(|t| {
            intent.schema_tables.contains(&t.name.name) || intent.data_tables.contains(&t.name.name)
        })
        .collect();
    affected.dedup_by(|a, b| a.name == b.name);
    let mut impact = Vec::new();
    for table in &affected {
        let rows = runner
            .engine()
            .estimated_rows(&table.name)
            .await
            .ok()
            .flatten();
        impact.push(format!(
            "{} (~{} rows)",
            table.name,
            rows.map_or("?".into(), |r| r.to_string())
        ));
    }
    report.destructive = !destructive.is_empty();
    report.step(
        "impact",
        StepStatus::Ok,
        format!(
            "tables: {}; {} destructive statement(s){}",
            if impact.is_empty() {
                "none existing".into()
            } else {
                impact.join(", ")
            },
            destructive.len(),
            if report.breaking {
                "; breaking changes"
            } else {
                ""
            }
        ),
        step,
        log,
    );

    // Change capture before the first fingerprint: from here on, rows other sessions write
    // to the watched tables are known, so validation can tell them from the migration's work.
    // Code dbwarden cannot read (a DO block, EXECUTE, CALL) may change any table: watch all.
    let watched: Vec<String> = if intent.opaque.is_empty() {
        intent
            .schema_tables
            .iter()
            .chain(&intent.data_tables)
            .cloned()
            .collect()
    } else {
        schema.tables.iter().map(|t| t.name.to_string()).collect()
    };
    let key_changing = tables_whose_key_changes(&pending, &schema, dialect);
    let policy = options.run.lock_policy.clone();
    let on_wait = |wait: &crate::locks::LockWait| {
        log(
            EventType::LockTimeout,
            json!({"step": "change capture", "statement": wait.statement, "try": wait.attempt, "tries": wait.tries, "wait_ms": wait.wait_ms, "blockers": wait.blockers, "terminated": wait.terminated, "retry": wait.retry}),
        );
    };
    let capture = match LiveCapture::install(
        runner.engine(),
        &schema,
        &watched,
        &key_changing,
        &policy,
        &on_wait,
    )
    .await
    {
        Ok(capture) => capture,
        Err(e) => {
            return Err(ApplyError::Refused(format!(
                "could not install change capture on the tables the migrations touch ({e}); nothing was applied"
            )));
        }
    };
    if let Some(hooks) = capture.transaction_hooks() {
        runner.set_transaction_hooks(Arc::new(hooks));
    }
    report.uncaptured = capture.uncaptured.clone();
    let protected = Protected {
        url,
        options,
        pending: &pending,
        intent: &intent,
        watched: &watched,
        capture: &capture,
    };
    let outcome = protected
        .run(runner, &schema, &destructive, &affected, report, log)
        .await;
    capture.remove(runner.engine(), &policy).await;
    runner.clear_transaction_hooks();
    outcome?;
    if let (Some(keep), "success", true) = (
        options.keep_backups,
        report.status.as_str(),
        options.backup_dir.is_dir(),
    ) {
        match crate::clean::prune_backups(&options.backup_dir, keep.max(1), None, false) {
            Ok(seen) => {
                let removed = seen.iter().filter(|b| b.removed).count();
                if removed > 0 {
                    tracing::info!("removed {removed} old backup(s), keeping the newest {keep}");
                }
            }
            Err(e) => tracing::warn!("could not prune {}: {e}", options.backup_dir.display()),
        }
    }
    // A report that cannot be written does not undo a successful run: said, not failed.
    if let Err(e) = report.finish(started, &options.report_dir) {
        tracing::warn!("the run succeeded but its report could not be written: {e}");
    }
    Ok(())
}

/// Tables whose key columns a pending migration drops, renames or changes (by the words of
/// its ALTER statements): a MySQL capture trigger names the key, so it would break them.
fn tables_whose_key_changes(
    pending: &[Migration],
    schema: &dbwarden_core::Schema,
    dialect: dbwarden_core::Dialect,
) -> Vec<String> {
    let mut out = Vec::new();
    for table in &schema.tables {
        // The key the capture triggers would name (primary key, else a unique key).
        let key: Vec<String> = crate::validate::row_key(table)
            .unwrap_or_default()
            .iter()
            .map(|c| c.to_ascii_lowercase())
            .collect();
        let touched = pending.iter().any(|m| {
            m.up.statements().iter().any(|s| {
                let words: Vec<String> = s
                    .sql
                    .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .filter(|w| !w.is_empty())
                    .map(str::to_ascii_lowercase)
                    .collect();
                let has = |w: &str| words.iter().any(|x| x == w);
                has(&table.name.name.to_ascii_lowercase())
                    && (has("drop") || has("change") || has("rename"))
                    && key.iter().any(|k| has(k))
            })
        });
        if touched && dialect == dbwarden_core::Dialect::Mysql {
            out.push(table.name.name.clone());
        }
    }
    out
}

/// The steps of `apply` that run with change capture installed: backup, pre-validation,
/// rehearsal, execution, post-validation and, on failure, the rollback.
struct Protected<'a> {
    url: &'a ConnectionUrl,
    options: &'a ApplyOptions,
    pending: &'a [Migration],
    intent: &'a Intent,
    watched: &'a [String],
    capture: &'a LiveCapture,
}

impl Protected<'_> {
    /// Fingerprints of the watched tables, grouped by key where captured.
    async fn snapshot(&self, runner: &mut Runner) -> Result<Snapshot, EngineError> {
        snapshot_live(
            runner.engine(),
            &self.url.redacted(),
            self.watched,
            self.capture,
        )
        .await
    }

    /// `before` against the database now, leaving out what other sessions wrote meanwhile.
    async fn compare_now(
        &self,
        runner: &mut Runner,
        before: &Snapshot,
        intent: &Intent,
        report: &mut ApplyReport,
    ) -> Result<(Snapshot, Vec<crate::validate::Difference>), EngineError> {
        let after = self.snapshot(runner).await?;
        let writes = self.capture.writes(runner.engine()).await?;
        let (b, a) = without_concurrent_writes(before, &after, &writes);
        report.concurrent_writes = writes;
        Ok((after.clone(), compare(&b, &a, intent)))
    }

    #[allow(clippy::too_many_arguments)]
    /// The steps, in order; between them an interrupt stops the run before the next.
    #[allow(clippy::too_many_arguments)]
    async fn run(
        &self,
        runner: &mut Runner,
        schema: &dbwarden_core::Schema,
        destructive: &[crate::backup::DestructiveStatement],
        affected: &[&dbwarden_core::Table],
        report: &mut ApplyReport,
        log: &impl Fn(EventType, serde_json::Value),
    ) -> Result<(), ApplyError> {
        let backup = self
            .backup_step(runner, schema, destructive, affected, report, log)
            .await?;
        self.stop_if_interrupted()?;
        let (before, check_files) = self.pre_validation_step(runner, report, log).await?;
        self.stop_if_interrupted()?;
        self.rehearsal_step(runner, &check_files, report, log)
            .await?;
        self.stop_if_interrupted()?;
        let (cover, backup_reader) = match backup {
            Some((cover, reader)) => (Some(cover), Some(reader)),
            None => (None, None),
        };
        self.execute_step(
            runner,
            affected,
            (cover, backup_reader),
            &before,
            &check_files,
            report,
            log,
        )
        .await
    }

    fn stop_if_interrupted(&self) -> Result<(), ApplyError> {
        if self.options.cancel.is_cancelled() {
            return Err(ApplyError::Interrupted);
        }
        Ok(())
    }

    /// A verified backup of the tables a destructive (or unreadable) statement touches.
    #[allow(clippy::too_many_arguments)]
    async fn backup_step(
        &self,
        runner: &mut Runner,
        schema: &dbwarden_core::Schema,
        destructive: &[crate::backup::DestructiveStatement],
        affected: &[&dbwarden_core::Table],
        report: &mut ApplyReport,
        log: &impl Fn(EventType, serde_json::Value),
    ) -> Result<Option<(BackupCover, Arc<BackupReader>)>, ApplyError> {
        let (url, options, pending) = (self.url, self.options, self.pending);
        // backup
        let step = Instant::now();
        let mut cover: Option<BackupCover> = None;
        let mut backup_reader: Option<Arc<BackupReader>> = None;
        // Code dbwarden cannot read may destroy data as well as any DROP: back up everything.
        let opaque = !self.intent.opaque.is_empty();
        if destructive.is_empty() && !opaque {
            report.step(
                "backup",
                StepStatus::Skipped,
                "no destructive statement".into(),
                step,
                log,
            );
        } else {
            let mut tables: Vec<String> = destructive
                .iter()
                .flat_map(|d| d.tables.clone())
                .chain(affected.iter().map(|t| t.name.name.clone()))
                .filter(|name| schema.tables.iter().any(|t| &t.name.name == name))
                .collect();
            tables.sort();
            tables.dedup();
            let whole = opaque || destructive.iter().any(|d| d.whole_database);
            // Unique per run: two runs in the same second never share a file name.
            let file = options.backup_dir.join(format!(
                "{}_{}_{}.dbwb",
                chrono::Utc::now().format("%Y%m%d_%H%M%S%3f"),
                pending.first().map(|m| m.label()).unwrap_or_default(),
                std::process::id()
            ));
            let summary = crate::backup::create(
                runner.engine(),
                &BackupOptions {
                    file: file.clone(),
                    tables: (!whole).then_some(tables),
                    sample_rows: None,
                },
                None,
            )
            .await?;
            log(
                EventType::BackupCreated,
                json!({"file": file, "rows": summary.manifest.total_rows(), "size_bytes": summary.size}),
            );
            let verified = crate::backup::verify(&file, url).await?;
            log(
                EventType::BackupVerified,
                json!({"file": file, "rows": verified.rows}),
            );
            cover = Some(BackupCover::of(file.clone(), &summary.manifest));
            backup_reader = Some(Arc::new(BackupReader::open(&file)?));
            report.backup = Some(report::BackupFigures {
                created: true,
                file: file.clone(),
                size_bytes: summary.size,
                verified: true,
                tables: summary.manifest.tables.len(),
                rows: summary.manifest.total_rows(),
            });
            report.step(
                "backup",
                StepStatus::Ok,
                format!(
                    "{} ({} tables, {} rows), verified by a scratch restore",
                    file.display(),
                    summary.manifest.tables.len(),
                    summary.manifest.total_rows()
                ),
                step,
                log,
            );
        }

        Ok(cover.zip(backup_reader))
    }

    /// Fingerprints of the watched tables and the `-- dbwarden:pre` checks.
    async fn pre_validation_step(
        &self,
        runner: &mut Runner,
        report: &mut ApplyReport,
        log: &impl Fn(EventType, serde_json::Value),
    ) -> Result<(Snapshot, Vec<CheckFile>), ApplyError> {
        let (url, pending) = (self.url, self.pending);
        let dialect = url.dialect();
        let step = Instant::now();
        let mut check_files = Vec::new();
        for m in pending {
            if let Some(file) =
                CheckFile::beside(&m.up.path, dialect).map_err(ApplyError::Refused)?
            {
                check_files.push(file);
            }
        }
        // Only the tables the migrations name are compared: the application may go on writing
        // the others meanwhile, and their changes are not the migration's.
        let before = self.snapshot(runner).await?;
        let mut failed = Vec::new();
        for file in &check_files {
            for outcome in run_checks(runner.engine(), file, CheckPhase::Pre).await {
                report.checks.push(outcome.clone());
                if !outcome.passed {
                    failed.push(format!("{}: {}", outcome.location, outcome.detail));
                }
            }
        }
        report.pre_records = Some(before.total_rows());
        if !failed.is_empty() {
            report.step(
                "pre-validation",
                StepStatus::Failed,
                failed.join("; "),
                step,
                log,
            );
            return Err(ApplyError::Refused(format!(
                "pre-migration checks failed; nothing was applied:\n  {}",
                failed.join("\n  ")
            )));
        }
        report.step(
            "pre-validation",
            StepStatus::Ok,
            format!(
                "{} tables, {} rows fingerprinted",
                before.tables.len(),
                before.total_rows()
            ),
            step,
            log,
        );

        Ok((before, check_files))
    }

    /// The run on a scratch copy first, when wanted.
    async fn rehearsal_step(
        &self,
        runner: &mut Runner,
        check_files: &[CheckFile],
        report: &mut ApplyReport,
        log: &impl Fn(EventType, serde_json::Value),
    ) -> Result<(), ApplyError> {
        let (url, options, pending) = (self.url, self.options, self.pending);
        let step = Instant::now();
        let wanted = match options.rehearse {
            Rehearse::Always => true,
            Rehearse::Never => false,
            Rehearse::Auto => report.destructive || report.breaking || report.unreadable,
        };
        if wanted {
            let rehearsal = rehearse::rehearse(
                url,
                runner.engine(),
                pending,
                check_files,
                options.rehearse_rows,
            )
            .await?;
            let passed = rehearsal.passed(report.destructive);
            let detail = format!(
                "{} rows copied; up {}; {} unexpected difference(s); {} failed check(s); data after down: {}{}",
                rehearsal.rows_copied,
                if rehearsal.up_succeeded {
                    "ran"
                } else {
                    "failed"
                },
                rehearsal.unexpected_differences.len(),
                rehearsal.failed_checks.len(),
                match (rehearsal.data_came_back, rehearsal.up_succeeded) {
                    (Some(true), _) => "equal to before",
                    (Some(false), _) => "differs (the verified backup covers it)",
                    (None, false) => "not tried (up failed on the copy)",
                    (None, true) => "not tried (a migration has no down script)",
                },
                rehearsal
                    .error
                    .as_ref()
                    .map(|e| format!("; {e}"))
                    .unwrap_or_default()
            );
            // What failed, named, so that the refusal says which check or trigger to fix.
            let failures: String = rehearsal
                .failed_checks
                .iter()
                .chain(&rehearsal.unexpected_differences)
                .take(5)
                .map(|f| format!("\n  {f}"))
                .collect();
            report.rehearsal = Some(rehearsal);
            if !passed {
                report.step("rehearsal", StepStatus::Failed, detail.clone(), step, log);
                return Err(ApplyError::Refused(format!(
                    "the rehearsal on a scratch copy failed; nothing was applied: {detail}{failures}"
                )));
            }
            report.step("rehearsal", StepStatus::Ok, detail, step, log);
        } else {
            let why = if options.rehearse == Rehearse::Never {
                "not requested (--rehearse never)"
            } else {
                "no destructive or breaking change"
            };
            report.step("rehearsal", StepStatus::Skipped, why.into(), step, log);
        }

        Ok(())
    }

    /// The migrations under the probe, post-validation, and the rollback when either fails.
    #[allow(clippy::too_many_arguments)]
    async fn execute_step(
        &self,
        runner: &mut Runner,
        affected: &[&dbwarden_core::Table],
        (cover, backup_reader): (Option<BackupCover>, Option<Arc<BackupReader>>),
        before: &Snapshot,
        check_files: &[CheckFile],
        report: &mut ApplyReport,
        log: &impl Fn(EventType, serde_json::Value),
    ) -> Result<(), ApplyError> {
        let (url, options) = (self.url, self.options);
        // apply, with the write probe watching the affected tables from the first statement
        // to the end of any rollback
        let step = Instant::now();
        let probe_tables = affected
            .iter()
            .filter_map(|t| t.columns.first().map(|c| (t.name.clone(), c.name.clone())))
            .collect();
        let write_probe = probe::WriteProbe::start(url, probe_tables).await;
        runner.options_mut().backup = BackupRequirement::Enforce(cover.clone());
        let outcome = runner.up(options.to).await;
        // A table replaced outside a transaction (MySQL) lost its capture: put it back now,
        // and remember that writes in between went unrecorded.
        let gaps = self.capture.reinstall_lost(runner.engine()).await;
        if !gaps.is_empty() {
            report.uncaptured.extend(gaps.iter().map(|t| {
                (
                    t.clone(),
                    "a migration replaced the table, so writes to it until dbwarden put its capture back went unrecorded".to_owned(),
                )
            }));
        }
        if let Err(MigrateError::Interrupted { done, state }) = &outcome {
            // Asked to stop: no validation, no rollback of what finished; say where it stands.
            report.step("apply", StepStatus::Failed, state.clone(), step, log);
            report.applied.clone_from(done);
            report.status = "interrupted".into();
            report.integrity = "not checked: interrupted".into();
            report.error = Some(state.clone());
            report.probe = match write_probe {
                Some(p) => Some(p.stop().await),
                None => None,
            };
            return Ok(());
        }
        let failure = match outcome {
            Ok(up) => {
                report.step(
                    "apply",
                    StepStatus::Ok,
                    format!("{} migration(s) applied", up.applied.len()),
                    step,
                    log,
                );
                report.applied = up
                    .applied
                    .iter()
                    .map(|a| format!("{}_{}", a.version, a.name))
                    .collect();
                None
            }
            Err(e) => {
                report.step("apply", StepStatus::Failed, e.to_string(), step, log);
                Some(e.to_string())
            }
        };

        // post-validation; a failure to measure is a failure too, and rolls back
        let failure = match failure {
            Some(f) => Some(f),
            None => self
                .post_validate(runner, before, check_files, report, log)
                .await
                .err(),
        };

        match failure {
            None => {
                report.status = "success".into();
                report.integrity = "verified".into();
            }
            Some(reason) => {
                let restored = self
                    .roll_back(runner, backup_reader, before, &gaps, report, log)
                    .await;
                report.status = if restored {
                    "rolled_back".into()
                } else {
                    "failed".into()
                };
                report.integrity = if restored {
                    "restored: fingerprints equal to before".into()
                } else {
                    "NOT restored: see the steps".into()
                };
                // Undone: a note that statements "stay applied" is no longer true.
                report.error = Some(if restored {
                    let kept: Vec<&str> = reason
                        .lines()
                        .filter(|l| !l.contains("stay applied"))
                        .collect();
                    format!(
                        "{}\nthis run was rolled back since: see the rollback step",
                        kept.join("\n")
                    )
                } else {
                    reason
                });
            }
        }
        report.probe = match write_probe {
            Some(p) => Some(p.stop().await),
            None => None,
        };
        Ok(())
    }

    /// Fingerprints and post checks after the migrations ran. `Err` says what failed.
    async fn post_validate(
        &self,
        runner: &mut Runner,
        before: &Snapshot,
        check_files: &[CheckFile],
        report: &mut ApplyReport,
        log: &impl Fn(EventType, serde_json::Value),
    ) -> Result<(), String> {
        let step = Instant::now();
        let measured = match inject_fault("post-fingerprint") {
            Some(e) => Err(e),
            None => self.compare_now(runner, before, self.intent, report).await,
        };
        let (after, differences) = match measured {
            Ok(found) => found,
            Err(e) => {
                let why = format!("cannot fingerprint the result: {e}");
                report.step(
                    "post-validation",
                    StepStatus::Failed,
                    why.clone(),
                    step,
                    log,
                );
                return Err(why);
            }
        };
        report.post_records = Some(after.total_rows());
        let mut problems: Vec<String> = differences
            .iter()
            .filter(|d| d.intended.is_none())
            .map(|d| {
                format!(
                    "{} {}: expected {}, found {}",
                    d.table, d.figure, d.expected, d.found
                )
            })
            .collect();
        report.differences = differences;
        for file in check_files {
            for outcome in run_checks(runner.engine(), file, CheckPhase::Post).await {
                if !outcome.passed {
                    problems.push(format!("check {}: {}", outcome.location, outcome.detail));
                }
                report.checks.push(outcome);
            }
        }
        let writes: u64 = report.concurrent_writes.values().map(|w| w.writes).sum();
        if problems.is_empty() {
            report.step(
                "post-validation",
                StepStatus::Ok,
                format!(
                    "{} tables, {} rows; every difference intended; {writes} concurrent row write(s) by other sessions left out",
                    after.tables.len(),
                    after.total_rows()
                ),
                step,
                log,
            );
            Ok(())
        } else {
            report.step(
                "post-validation",
                StepStatus::Failed,
                problems.join("; "),
                step,
                log,
            );
            Err(problems.join("; "))
        }
    }

    /// Puts back the backup's data: merged into the captured tables (rows other sessions
    /// wrote during the run are kept as they are), restored whole into the others (a table
    /// without a key, or one the migrations dropped).
    async fn put_back(
        &self,
        runner: &mut Runner,
        reader: Arc<BackupReader>,
        gaps: &[String],
        after_run: Option<&dbwarden_core::Schema>,
        notes: &mut Vec<String>,
        log: &impl Fn(EventType, serde_json::Value),
    ) {
        let merged = match after_run {
            Some(shape) => {
                crate::backup::merge_back(runner.engine(), Arc::clone(&reader), |t| {
                    self.capture.merge_scope(t, gaps, shape)
                })
                .await
            }
            None => Ok((
                Vec::new(),
                reader
                    .manifest
                    .tables
                    .iter()
                    .map(|t| t.name.to_string())
                    .collect(),
            )),
        };
        let left_out: Vec<String> = match merged {
            Ok((merged, left_out)) => {
                for m in &merged {
                    notes.push(format!(
                        "{}: {} row(s) put back and {} set back from the backup, rows other sessions wrote kept",
                        m.name, m.inserted, m.updated
                    ));
                }
                if !merged.is_empty() {
                    log(EventType::BackupRestored, json!({"merged": merged}));
                }
                left_out
            }
            Err(e) => {
                notes.push(format!("merging the backup back failed: {e}"));
                return;
            }
        };
        // A whole-database backup also holds tables the run never touched: restoring those
        // would replace the application's rows for nothing. Only the run's own tables, and
        // tables it dropped, are restored.
        let dropped = |name: &str| {
            after_run.is_some_and(|shape| !shape.tables.iter().any(|t| t.name.to_string() == name))
        };
        let (left_out, untouched): (Vec<String>, Vec<String>) =
            left_out.into_iter().partition(|name| {
                dropped(name)
                    || self
                        .watched
                        .iter()
                        .any(|w| w == name || name.rsplit('.').next() == Some(w.as_str()))
            });
        if !untouched.is_empty() {
            notes.push(format!(
                "not restored (the run did not touch them): {}",
                untouched.join(", ")
            ));
        }
        if left_out.is_empty() {
            return;
        }
        match crate::backup::restore(
            runner.engine(),
            reader,
            &RestoreOptions {
                force: true,
                tables: Some(left_out),
            },
        )
        .await
        {
            Ok(summary) => {
                // Said plainly: a restore puts back the rows as they were at the backup.
                notes.push(format!(
                    "backup restored into {} ({} rows; rows written to them after the backup were replaced)",
                    summary
                        .tables
                        .iter()
                        .map(|t| t.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    summary.rows
                ));
                log(EventType::BackupRestored, json!({"rows": summary.rows}));
            }
            Err(e) => notes.push(format!("restore from the backup failed: {e}")),
        }
    }

    /// Undoes this run: down scripts for what they can undo, the verified backup for the
    /// rest, the history rows of what the backup undid; then proves it with fingerprints
    /// (leaving out what other sessions wrote meanwhile). Returns whether the database equals
    /// its state before.
    async fn roll_back(
        &self,
        runner: &mut Runner,
        backup: Option<Arc<BackupReader>>,
        before: &Snapshot,
        earlier_gaps: &[String],
        report: &mut ApplyReport,
        log: &impl Fn(EventType, serde_json::Value),
    ) -> bool {
        let pending = self.pending;
        let step = Instant::now();
        let status = match runner.status().await {
            Ok(s) => s,
            Err(e) => {
                report.step(
                    "rollback",
                    StepStatus::Failed,
                    format!("cannot read the history: {e}"),
                    step,
                    log,
                );
                return false;
            }
        };
        // This run's migrations that left a history row (applied, or stopped part-way).
        let touched = touched_versions(&status, pending);
        let mut notes = Vec::new();
        // Before any down script: which tables lost their capture (writes went unrecorded),
        // and the shape the migrations left (columns they dropped).
        let mut gaps = earlier_gaps.to_vec();
        gaps.extend(self.capture.reinstall_lost(runner.engine()).await);
        if !gaps.is_empty() {
            notes.push(format!(
                "change capture was lost for a while on {} (a migration replaced the table): only rows missing there are put back",
                gaps.join(", ")
            ));
        }
        let after_run = runner.engine().introspect().await.ok();
        let reversible = pending
            .iter()
            .filter(|m| touched.contains(&m.version))
            .all(|m| m.down.is_some());
        if !touched.is_empty() && reversible {
            match runner.down(DownTarget::Steps(touched.len())).await {
                Ok(down) => notes.push(format!("{} down script(s) ran", down.rolled_back.len())),
                Err(e) => notes.push(format!("down scripts stopped: {e}")),
            }
            // A down script that rebuilt or swapped a table outside a transaction dropped its
            // capture too.
            gaps.extend(self.capture.reinstall_lost(runner.engine()).await);
        } else if !touched.is_empty() {
            notes.push("no down script for every migration: the backup restores the data".into());
        }
        // Only what this run changed is restored: when nothing was applied (a transactional
        // migration rolled itself back, or the runner refused), the rows are as they were, and a
        // restore would only overwrite writes made since the backup.
        if let Some(reader) = backup.filter(|_| !touched.is_empty()) {
            self.put_back(runner, reader, &gaps, after_run.as_ref(), &mut notes, log)
                .await;
            // Whatever the down scripts did not remove from the history, the restore undid.
            if let Ok(status) = runner.status().await {
                let left = touched_versions(&status, pending);
                if !left.is_empty() {
                    match runner.forget(&left).await {
                        Ok(()) => notes.push(format!(
                            "history rows of {} migration(s) removed",
                            left.len()
                        )),
                        Err(e) => notes.push(format!("history rows not removed: {e}")),
                    }
                }
            }
        }
        let equal = match self
            .compare_now(runner, before, &Intent::default(), report)
            .await
        {
            Ok((now, differences)) => {
                if !differences.is_empty() {
                    notes.push(format!(
                        "{} fingerprint difference(s) remain: {}",
                        differences.len(),
                        differences
                            .iter()
                            .map(|d| format!("{} {}", d.table, d.figure))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
                report.final_records = Some(now.total_rows());
                differences.is_empty()
            }
            Err(e) => {
                notes.push(format!("cannot fingerprint the result: {e}"));
                false
            }
        };
        report.step(
            "rollback",
            if equal {
                StepStatus::Ok
            } else {
                StepStatus::Failed
            },
            format!(
                "{}; {}",
                notes.join("; "),
                if equal {
                    "fingerprints equal to before"
                } else {
                    "fingerprints differ from before"
                }
            ),
            step,
            log,
        );
        equal
    }
}

/// This run's migrations that have a history row (applied, or stopped part-way).
fn touched_versions(status: &crate::migrate::StatusReport, pending: &[Migration]) -> Vec<u64> {
    status
        .migrations
        .iter()
        .filter(|e| e.state != MigrationState::Pending)
        .filter_map(|e| e.version.parse().ok())
        .filter(|v| pending.iter().any(|m| m.version == *v))
        .collect()
}

/// A fault forced by the test suite: `DBWARDEN_FAULT=<point>` makes the named point fail as if
/// the database had (the regression tests of failure paths that real servers rarely take).
fn inject_fault(point: &str) -> Option<EngineError> {
    let wanted = std::env::var("DBWARDEN_FAULT").ok()?;
    (wanted == point)
        .then(|| EngineError::Driver(format!("fault injected at {point} (DBWARDEN_FAULT)")))
}
