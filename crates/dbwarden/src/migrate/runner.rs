//! The runner: `up`, `down`, `status`, `verify`, `baseline`, `rehash`, each under the
//! database-level lock where it writes.

use super::history::{History, HistoryRow, RowStatus};
use super::report::*;
use super::{Drift, MigrateError, Migration, MigrationSet, check_drift, lock};
use crate::events::{EventLog, EventType};
use dbwarden_core::Dialect;
use dbwarden_engine::{Engine, EngineError};
use dbwarden_sql::Statement;
use serde_json::json;
use std::time::{Duration, Instant};

/// Options shared by the runner's commands.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// How long to wait for another runner's lock.
    pub lock_timeout: Duration,
    /// Apply pending migrations older than the newest applied one.
    pub allow_out_of_order: bool,
    /// Continue a migration that stopped part-way, from its first statement not done.
    pub resume: bool,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            lock_timeout: Duration::from_secs(60),
            allow_out_of_order: false,
            resume: false,
        }
    }
}

/// What `down` rolls back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DownTarget {
    /// The newest N applied migrations.
    Steps(usize),
    /// Every applied migration newer than this version.
    To(u64),
}

/// Runs the migrations of one folder against one database.
pub struct Runner {
    engine: Box<dyn Engine>,
    set: MigrationSet,
    options: RunOptions,
    events: Option<EventLog>,
    target: String,
    progress: Box<dyn FnMut(Progress) + Send>,
}

/// Who is running, for the history table.
fn applied_by() -> (String, String) {
    let user = whoami::username();
    let host = gethostname::gethostname().to_string_lossy().into_owned();
    (user, host)
}

fn now_iso() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl Runner {
    /// A runner for `set` on `engine`. `target` is the redacted URL, for reports and events.
    pub fn new(
        engine: Box<dyn Engine>,
        set: MigrationSet,
        target: String,
        options: RunOptions,
    ) -> Self {
        Runner {
            engine,
            set,
            options,
            events: None,
            target,
            progress: Box::new(|_| {}),
        }
    }

    /// Logs events to `log`.
    pub fn with_events(mut self, log: EventLog) -> Self {
        self.events = Some(log);
        self
    }

    /// Calls `f` with progress as the runner works.
    pub fn with_progress(mut self, f: impl FnMut(Progress) + Send + 'static) -> Self {
        self.progress = Box::new(f);
        self
    }

    /// The migrations this runner works with.
    pub fn migrations(&self) -> &MigrationSet {
        &self.set
    }

    /// The engine, for callers that need the connection after a run.
    pub fn engine(&mut self) -> &mut dyn Engine {
        self.engine.as_mut()
    }

    fn dialect(&self) -> Dialect {
        self.engine.dialect()
    }

    fn event(&self, kind: EventType, mut payload: serde_json::Value) {
        if let Some(log) = &self.events {
            if let Some(obj) = payload.as_object_mut() {
                obj.insert("database".into(), json!(self.engine.dialect().name()));
                obj.insert("target".into(), json!(self.target));
            }
            log.append(kind, payload);
        }
    }

    async fn lock(&mut self) -> Result<(), MigrateError> {
        let timeout = self.options.lock_timeout;
        let events = &self.events;
        let target = &self.target;
        let progress = &mut self.progress;
        let mut on_wait = |p: Progress| {
            if let (Progress::WaitingForLock { holder }, Some(log)) = (&p, events) {
                log.append(
                    EventType::LockWait,
                    json!({"holder": holder, "target": target}),
                );
            }
            progress(p);
        };
        lock::acquire(self.engine.as_mut(), timeout, &mut on_wait).await
    }

    async fn unlock(&mut self) {
        if let Err(e) = self.engine.unlock(super::LOCK_NAME).await {
            tracing::warn!("could not release the migration lock (it goes with the session): {e}");
        }
    }

    /// Runs `work` under the migration lock, releasing it afterwards whatever happened.
    async fn locked<T>(
        &mut self,
        work: impl AsyncFnOnce(&mut Self) -> Result<T, MigrateError>,
    ) -> Result<T, MigrateError> {
        self.lock().await?;
        let result = work(self).await;
        self.unlock().await;
        if let Err(e) = &result
            && (e.is_refusal() || matches!(e, MigrateError::Drift { .. }))
        {
            self.event(EventType::Refused, json!({"reason": e.to_string()}));
        }
        result
    }

    /// Refusals that apply before any change: newer history, drift, a half-applied
    /// migration (unless resuming it).
    fn check_history(&self, rows: &[HistoryRow]) -> Result<(), MigrateError> {
        let drifts: Vec<Drift> = check_drift(&self.set, rows);
        if !drifts.is_empty() {
            self.event(EventType::DriftDetected, json!({"drifts": drifts}));
            return Err(MigrateError::Drift { drifts });
        }
        Ok(())
    }

    fn partial_error(&self, row: &HistoryRow) -> MigrateError {
        let label = format!("{}_{}", self.label_version(row.version), row.name);
        let ran = match self
            .set
            .get(row.version)
            .map(|m| m.up.statements(self.dialect()))
        {
            Some(Ok(stmts)) if row.statements_done > 0 => {
                let lines: Vec<String> = stmts
                    .iter()
                    .take(usize::try_from(row.statements_done).unwrap_or(0))
                    .map(|s| format!("line {}", s.line))
                    .collect();
                format!(
                    " (the statements at {} of {})",
                    lines.join(", "),
                    row_file(self, row)
                )
            }
            _ => String::new(),
        };
        let error = match (&row.status, &row.error) {
            (_, Some(e)) => format!("; it failed with: {e}"),
            (RowStatus::Running, None) => format!(
                "; its runner stopped without recording an error (killed?), so statement {} may or may not have completed",
                row.statements_done + 1
            ),
            _ => String::new(),
        };
        MigrateError::PartiallyApplied {
            migration: label,
            done: row.statements_done,
            total: row.statements_total,
            ran,
            error,
            next: row.statements_done + 1,
        }
    }

    fn label_version(&self, version: u64) -> String {
        self.set
            .get(version)
            .map_or_else(|| format!("{version:04}"), |m| m.version_text.clone())
    }

    /// Applies pending migrations up to `to` (all when `None`).
    pub async fn up(&mut self, to: Option<u64>) -> Result<UpReport, MigrateError> {
        if self.set.migrations.is_empty() {
            return Err(MigrateError::NoMigrations {
                dir: self.set.dir.clone(),
                reason: "the folder holds no NNNN_name.up.sql files".into(),
            });
        }
        if let Some(v) = to
            && self.set.get(v).is_none()
        {
            return Err(MigrateError::BadTarget(format!(
                "--to {v}: no migration has that version in {}",
                self.set.dir.display()
            )));
        }
        let started = Instant::now();
        self.event(EventType::RunStarted, json!({"command": "up"}));
        let result = self.locked(async |r| r.up_locked(to, started).await).await;
        if let Ok(report) = &result {
            self.event(
                EventType::RunComplete,
                json!({"command": "up", "status": "success", "applied": report.applied.len(), "duration_ms": report.duration_ms}),
            );
        }
        result
    }

    async fn up_locked(
        &mut self,
        to: Option<u64>,
        started: Instant,
    ) -> Result<UpReport, MigrateError> {
        History::ensure(self.engine.as_mut()).await?;
        let rows = History::rows(self.engine.as_mut()).await?;
        self.check_history(&rows)?;

        let mut applied = Vec::new();
        // A migration that stopped part-way blocks everything until the user decides.
        if let Some(row) = rows.iter().find(|r| !r.status.is_done()) {
            if !self.options.resume {
                return Err(self.partial_error(row));
            }
            let Some(m) = self.set.get(row.version).cloned() else {
                return Err(self.partial_error(row));
            };
            let start = usize::try_from(row.statements_done).unwrap_or(0);
            applied.push(
                self.apply_statement_by_statement(&m, start, true, &applied)
                    .await?,
            );
        }

        let done: std::collections::HashSet<u64> = rows.iter().map(|r| r.version).collect();
        let newest_applied = rows.iter().map(|r| r.version).max();
        let pending: Vec<Migration> = self
            .set
            .migrations
            .iter()
            .filter(|m| !done.contains(&m.version))
            .filter(|m| to.is_none_or(|t| m.version <= t))
            .cloned()
            .collect();
        let remaining = self
            .set
            .migrations
            .iter()
            .filter(|m| !done.contains(&m.version))
            .count()
            - pending.len();

        for m in &pending {
            if let Some(newest) = newest_applied
                && m.version < newest
                && !self.options.allow_out_of_order
            {
                return Err(MigrateError::OutOfOrder {
                    migration: m.label(),
                    newest: format!(
                        "{}_{}",
                        self.label_version(newest),
                        rows.iter()
                            .find(|r| r.version == newest)
                            .map(|r| r.name.as_str())
                            .unwrap_or("")
                    ),
                });
            }
            if m.down.is_none() && !m.irreversible() {
                return Err(MigrateError::MissingDown {
                    migration: m.label(),
                    expected: m.up.path.with_file_name(format!("{}.down.sql", m.label())),
                });
            }
            // Split every pending script before running any, so a broken file stops the run
            // before the first change.
            m.up.statements(self.dialect())?;
        }
        if pending.is_empty() && applied.is_empty() {
            (self.progress)(Progress::UpToDate);
        }
        for m in &pending {
            let names: Vec<String> = applied
                .iter()
                .map(|a: &AppliedMigration| format!("{}_{}", a.version, a.name))
                .collect();
            let one = if self.dialect().transactional_ddl() && !m.no_transaction() {
                self.apply_in_transaction(m, &names).await?
            } else {
                self.apply_statement_by_statement(m, 0, false, &applied)
                    .await?
            };
            applied.push(one);
        }
        Ok(UpReport {
            database: self.dialect().name().into(),
            target: self.target.clone(),
            applied,
            remaining,
            duration_ms: millis(started.elapsed()),
        })
    }

    fn history_row(
        &self,
        m: &Migration,
        status: RowStatus,
        done: usize,
        total: usize,
        duration: u64,
    ) -> HistoryRow {
        let (user, host) = applied_by();
        HistoryRow {
            version: m.version,
            name: m.name.clone(),
            checksum_up: m.up.checksum.clone(),
            checksum_down: m.down.as_ref().map(|d| d.checksum.clone()),
            canonical_up: m.up.canonical_checksum.clone(),
            canonical_down: m.down.as_ref().map(|d| d.canonical_checksum.clone()),
            status,
            statements_done: i64::try_from(done).unwrap_or(i64::MAX),
            statements_total: i64::try_from(total).unwrap_or(i64::MAX),
            error: None,
            applied_at: now_iso(),
            duration_ms: i64::try_from(duration).unwrap_or(i64::MAX),
            applied_by: user,
            host,
        }
    }

    fn failure(
        m: &Migration,
        script: &super::Script,
        index: usize,
        stmt: &Statement,
        error: &EngineError,
        rolled_back: bool,
        applied: &[String],
    ) -> MigrateError {
        let line = match error {
            EngineError::Sql {
                position: Some(p), ..
            } => stmt.line_of_offset(*p),
            _ => stmt.line,
        };
        MigrateError::StatementFailed {
            migration: m.label(),
            file: script.path.clone(),
            line,
            statement: index + 1,
            message: error.to_string(),
            rolled_back,
            applied: applied.to_vec(),
        }
    }

    /// One transaction: every statement, then the history row, then COMMIT. A failure (or a
    /// killed process) leaves the database exactly as before the migration.
    async fn apply_in_transaction(
        &mut self,
        m: &Migration,
        applied: &[String],
    ) -> Result<AppliedMigration, MigrateError> {
        let statements = m.up.statements(self.dialect())?;
        let started = Instant::now();
        (self.progress)(Progress::Started {
            migration: m.label(),
            direction: "up",
        });
        self.event(EventType::MigrationStarted, json!({"version": m.version_text, "name": m.name, "statements": statements.len(), "transactional": true}));
        self.engine.begin().await?;
        let mut rows_affected = 0;
        for (i, stmt) in statements.iter().enumerate() {
            match self.engine.execute(&stmt.sql).await {
                Ok(done) => rows_affected += done.rows_affected,
                Err(e) => {
                    let _ = self.engine.rollback().await;
                    let err = Self::failure(m, &m.up, i, stmt, &e, true, applied);
                    self.event(EventType::MigrationFailed, json!({"version": m.version_text, "name": m.name, "statement": i + 1, "status": "rolled_back", "error": err.to_string(), "duration_ms": millis(started.elapsed())}));
                    return Err(err);
                }
            }
        }
        let duration = millis(started.elapsed());
        let row = self.history_row(
            m,
            RowStatus::Applied,
            statements.len(),
            statements.len(),
            duration,
        );
        if let Err(e) = History::insert(self.engine.as_mut(), &row).await {
            let _ = self.engine.rollback().await;
            return Err(e);
        }
        if let Err(e) = self.engine.commit().await {
            let _ = self.engine.rollback().await;
            self.event(EventType::MigrationFailed, json!({"version": m.version_text, "name": m.name, "status": "commit_failed", "error": e.to_string()}));
            return Err(e.into());
        }
        let duration = millis(started.elapsed());
        self.event(EventType::MigrationComplete, json!({"version": m.version_text, "name": m.name, "duration_ms": duration, "statements": statements.len(), "records_affected": rows_affected, "status": "applied"}));
        (self.progress)(Progress::Finished {
            migration: m.label(),
            duration_ms: duration,
        });
        Ok(AppliedMigration {
            version: m.version_text.clone(),
            name: m.name.clone(),
            duration_ms: duration,
            statements: statements.len(),
            rows_affected,
            transactional: true,
        })
    }

    /// Statement by statement with progress recorded after each, for engines that commit DDL
    /// implicitly (MySQL) and for `-- dbwarden:no-transaction` scripts. A failure leaves a
    /// `failed` row that says how far it got.
    async fn apply_statement_by_statement(
        &mut self,
        m: &Migration,
        start: usize,
        resuming: bool,
        applied: &[AppliedMigration],
    ) -> Result<AppliedMigration, MigrateError> {
        let statements = m.up.statements(self.dialect())?;
        let started = Instant::now();
        let total = statements.len();
        (self.progress)(Progress::Started {
            migration: m.label(),
            direction: "up",
        });
        self.event(EventType::MigrationStarted, json!({"version": m.version_text, "name": m.name, "statements": total, "transactional": false, "resume_from": start + 1}));
        if resuming {
            // The file may have been fixed since the failure; record what is being applied.
            History::update_checksums(
                self.engine.as_mut(),
                m.version,
                &m.up.checksum,
                m.down.as_ref().map(|d| d.checksum.as_str()),
                &m.up.canonical_checksum,
                m.down.as_ref().map(|d| d.canonical_checksum.as_str()),
            )
            .await?;
            History::update_progress(
                self.engine.as_mut(),
                m.version,
                RowStatus::Running,
                i64::try_from(start).unwrap_or(0),
                None,
                0,
            )
            .await?;
        } else {
            let row = self.history_row(m, RowStatus::Running, 0, total, 0);
            History::insert(self.engine.as_mut(), &row).await?;
        }
        let mut rows_affected = 0;
        for (i, stmt) in statements.iter().enumerate().skip(start) {
            match self.engine.execute(&stmt.sql).await {
                Ok(done) => rows_affected += done.rows_affected,
                Err(e) => {
                    let names: Vec<String> = applied
                        .iter()
                        .map(|a| format!("{}_{}", a.version, a.name))
                        .collect();
                    let err = Self::failure(m, &m.up, i, stmt, &e, false, &names);
                    let message = format!(
                        "statement {} at {}:{}: {e}",
                        i + 1,
                        m.up.path.display(),
                        stmt.line
                    );
                    History::update_progress(
                        self.engine.as_mut(),
                        m.version,
                        RowStatus::Failed,
                        i64::try_from(i).unwrap_or(0),
                        Some(message),
                        i64::try_from(millis(started.elapsed())).unwrap_or(0),
                    )
                    .await?;
                    self.event(EventType::MigrationFailed, json!({"version": m.version_text, "name": m.name, "statement": i + 1, "statements_done": i, "status": "partially_applied", "error": err.to_string(), "duration_ms": millis(started.elapsed())}));
                    return Err(err);
                }
            }
            let status = if i + 1 == total {
                RowStatus::Applied
            } else {
                RowStatus::Running
            };
            History::update_progress(
                self.engine.as_mut(),
                m.version,
                status,
                i64::try_from(i + 1).unwrap_or(0),
                None,
                i64::try_from(millis(started.elapsed())).unwrap_or(0),
            )
            .await?;
        }
        if total == start {
            History::update_progress(
                self.engine.as_mut(),
                m.version,
                RowStatus::Applied,
                i64::try_from(total).unwrap_or(0),
                None,
                0,
            )
            .await?;
        }
        let duration = millis(started.elapsed());
        self.event(EventType::MigrationComplete, json!({"version": m.version_text, "name": m.name, "duration_ms": duration, "statements": total - start, "records_affected": rows_affected, "status": "applied"}));
        (self.progress)(Progress::Finished {
            migration: m.label(),
            duration_ms: duration,
        });
        Ok(AppliedMigration {
            version: m.version_text.clone(),
            name: m.name.clone(),
            duration_ms: duration,
            statements: total - start,
            rows_affected,
            transactional: false,
        })
    }

    /// Rolls back applied migrations, newest first, by running their down scripts.
    pub async fn down(&mut self, target: DownTarget) -> Result<DownReport, MigrateError> {
        let started = Instant::now();
        self.event(EventType::RunStarted, json!({"command": "down"}));
        let result = self
            .locked(async |r| r.down_locked(target, started).await)
            .await;
        if let Ok(report) = &result {
            self.event(EventType::RunComplete, json!({"command": "down", "status": "success", "rolled_back": report.rolled_back.len(), "duration_ms": report.duration_ms}));
        }
        result
    }

    async fn down_locked(
        &mut self,
        target: DownTarget,
        started: Instant,
    ) -> Result<DownReport, MigrateError> {
        History::ensure(self.engine.as_mut()).await?;
        let rows = History::rows(self.engine.as_mut()).await?;
        self.check_history(&rows)?;
        let mut newest_first: Vec<&HistoryRow> = rows.iter().rev().collect();
        let chosen: Vec<HistoryRow> = match target {
            DownTarget::Steps(0) => {
                return Err(MigrateError::BadTarget("--steps must be at least 1".into()));
            }
            DownTarget::Steps(n) => newest_first
                .drain(..n.min(newest_first.len()))
                .cloned()
                .collect(),
            DownTarget::To(v) => {
                if v != 0 && !rows.iter().any(|r| r.version == v) {
                    return Err(MigrateError::BadTarget(format!(
                        "--to {v}: that version is not applied; `dbwarden migrate status` lists the applied ones (use --to 0 to roll back everything)"
                    )));
                }
                newest_first
                    .into_iter()
                    .filter(|r| r.version > v)
                    .cloned()
                    .collect()
            }
        };
        // Check every chosen migration can be rolled back before rolling back any.
        let mut plan = Vec::new();
        for row in &chosen {
            let Some(m) = self.set.get(row.version) else {
                return Err(MigrateError::Irreversible(format!(
                    "{:04}_{} has no files in {}: restore them to roll it back",
                    row.version,
                    row.name,
                    self.set.dir.display()
                )));
            };
            let Some(down) = &m.down else {
                return Err(MigrateError::Irreversible(format!(
                    "{} is irreversible (it has no down script); nothing was rolled back. Restore from a backup, or write a new forward migration that undoes it",
                    m.label()
                )));
            };
            down.statements(self.dialect())?;
            plan.push(m.clone());
        }
        let mut rolled_back = Vec::new();
        for m in &plan {
            rolled_back.push(self.revert(m, &rolled_back).await?);
        }
        if plan.is_empty() {
            (self.progress)(Progress::UpToDate);
        }
        Ok(DownReport {
            database: self.dialect().name().into(),
            target: self.target.clone(),
            rolled_back,
            duration_ms: millis(started.elapsed()),
        })
    }

    async fn revert(
        &mut self,
        m: &Migration,
        before: &[AppliedMigration],
    ) -> Result<AppliedMigration, MigrateError> {
        let Some(down) = m.down.clone() else {
            return Err(MigrateError::Irreversible(format!(
                "{} has no down script",
                m.label()
            )));
        };
        let statements = down.statements(self.dialect())?;
        let transactional = self.dialect().transactional_ddl() && !down.directives.no_transaction;
        let started = Instant::now();
        let names: Vec<String> = before
            .iter()
            .map(|a| format!("{}_{}", a.version, a.name))
            .collect();
        (self.progress)(Progress::Started {
            migration: m.label(),
            direction: "down",
        });
        self.event(EventType::RollbackStarted, json!({"version": m.version_text, "name": m.name, "statements": statements.len(), "transactional": transactional}));
        if transactional {
            self.engine.begin().await?;
        }
        let mut rows_affected = 0;
        for (i, stmt) in statements.iter().enumerate() {
            match self.engine.execute(&stmt.sql).await {
                Ok(done) => rows_affected += done.rows_affected,
                Err(e) => {
                    if transactional {
                        let _ = self.engine.rollback().await;
                    } else {
                        let note = format!(
                            "down script failed at statement {} of {} ({}:{}): {e}; statements before it ran",
                            i + 1,
                            statements.len(),
                            down.path.display(),
                            stmt.line
                        );
                        History::update_progress(
                            self.engine.as_mut(),
                            m.version,
                            RowStatus::Failed,
                            0,
                            Some(note),
                            0,
                        )
                        .await?;
                    }
                    let err = Self::failure(m, &down, i, stmt, &e, transactional, &names);
                    self.event(EventType::RollbackFailed, json!({"version": m.version_text, "name": m.name, "statement": i + 1, "error": err.to_string()}));
                    return Err(err);
                }
            }
        }
        if let Err(e) = History::delete(self.engine.as_mut(), m.version).await {
            if transactional {
                let _ = self.engine.rollback().await;
            }
            return Err(e);
        }
        if transactional {
            self.engine.commit().await?;
        }
        let duration = millis(started.elapsed());
        self.event(EventType::RollbackComplete, json!({"version": m.version_text, "name": m.name, "duration_ms": duration, "statements": statements.len(), "records_affected": rows_affected, "status": "rolled_back"}));
        (self.progress)(Progress::Finished {
            migration: m.label(),
            duration_ms: duration,
        });
        Ok(AppliedMigration {
            version: m.version_text.clone(),
            name: m.name.clone(),
            duration_ms: duration,
            statements: statements.len(),
            rows_affected,
            transactional,
        })
    }

    /// Where every migration stands. Reads only; creates nothing.
    pub async fn status(&mut self) -> Result<StatusReport, MigrateError> {
        let rows = History::rows(self.engine.as_mut()).await?;
        let drifts = check_drift(&self.set, &rows);
        let mut entries = Vec::new();
        for m in &self.set.migrations {
            let row = rows.iter().find(|r| r.version == m.version);
            let drift = drifts.iter().find(|d| d.version == m.version);
            let state = match (row, drift) {
                (None, _) => MigrationState::Pending,
                (Some(_), Some(_)) => MigrationState::Drifted,
                (Some(r), None) => match r.status {
                    RowStatus::Applied => MigrationState::Applied,
                    RowStatus::Baseline => MigrationState::Baseline,
                    RowStatus::Running => MigrationState::Running,
                    RowStatus::Failed => MigrationState::Failed,
                },
            };
            let note = match (row, drift) {
                (_, Some(d)) => Some(d.to_string()),
                (Some(r), None) if !r.status.is_done() => Some(self.partial_error(r).to_string()),
                _ => None,
            };
            entries.push(StatusEntry {
                version: m.version_text.clone(),
                name: m.name.clone(),
                state,
                applied_at: row.map(|r| r.applied_at.clone()),
                duration_ms: row.map(|r| r.duration_ms),
                applied_by: row.map(|r| format!("{}@{}", r.applied_by, r.host)),
                note,
            });
        }
        for r in rows.iter().filter(|r| self.set.get(r.version).is_none()) {
            entries.push(StatusEntry {
                version: format!("{:04}", r.version),
                name: r.name.clone(),
                state: MigrationState::Missing,
                applied_at: Some(r.applied_at.clone()),
                duration_ms: Some(r.duration_ms),
                applied_by: Some(format!("{}@{}", r.applied_by, r.host)),
                note: Some("applied, but its files are not in the migrations folder".into()),
            });
        }
        entries.sort_by_key(|e| e.version.parse::<u64>().unwrap_or(0));
        let pending = entries
            .iter()
            .filter(|e| e.state == MigrationState::Pending)
            .count();
        // Half-applied migrations are neither applied nor pending: they need a decision.
        let applied = entries
            .iter()
            .filter(|e| {
                matches!(
                    e.state,
                    MigrationState::Applied
                        | MigrationState::Baseline
                        | MigrationState::Drifted
                        | MigrationState::Missing
                )
            })
            .count();
        Ok(StatusReport {
            database: self.dialect().name().into(),
            target: self.target.clone(),
            migrations: entries,
            pending,
            applied,
        })
    }

    /// Every applied migration whose files changed since it was applied.
    pub async fn verify(&mut self) -> Result<Vec<Drift>, MigrateError> {
        let rows = History::rows(self.engine.as_mut()).await?;
        let drifts = check_drift(&self.set, &rows);
        if !drifts.is_empty() {
            self.event(EventType::DriftDetected, json!({"drifts": drifts}));
        }
        Ok(drifts)
    }

    /// Records every migration up to `version` as applied without running it, to adopt a
    /// database whose schema already has them.
    pub async fn baseline(&mut self, version: u64) -> Result<Vec<String>, MigrateError> {
        if self.set.get(version).is_none() {
            return Err(MigrateError::BadTarget(format!(
                "baseline {version}: no migration has that version in {}",
                self.set.dir.display()
            )));
        }
        self.locked(async |r| {
            History::ensure(r.engine.as_mut()).await?;
            let rows = History::rows(r.engine.as_mut()).await?;
            let mut recorded = Vec::new();
            let todo: Vec<Migration> = r
                .set
                .migrations
                .iter()
                .filter(|m| {
                    m.version <= version && !rows.iter().any(|row| row.version == m.version)
                })
                .cloned()
                .collect();
            for m in &todo {
                let total = m.up.statements(r.dialect())?.len();
                let row = r.history_row(m, RowStatus::Baseline, total, total, 0);
                History::insert(r.engine.as_mut(), &row).await?;
                recorded.push(m.label());
            }
            r.event(
                EventType::BaselineRecorded,
                json!({"version": version, "recorded": recorded}),
            );
            Ok(recorded)
        })
        .await
    }

    /// Accepts edits to applied migrations that touch only comments or whitespace. Refuses if
    /// any drift changed the SQL.
    pub async fn rehash(&mut self) -> Result<Vec<String>, MigrateError> {
        self.locked(async |r| {
            let rows = History::rows(r.engine.as_mut()).await?;
            let drifts = check_drift(&r.set, &rows);
            if drifts.iter().any(|d| !d.cosmetic_only()) {
                let real: Vec<Drift> = drifts.into_iter().filter(|d| !d.cosmetic_only()).collect();
                return Err(MigrateError::Drift { drifts: real });
            }
            let mut accepted = Vec::new();
            for d in &drifts {
                if accepted.contains(&d.migration) {
                    continue;
                }
                if let Some(m) = r.set.get(d.version).cloned() {
                    History::update_checksums(
                        r.engine.as_mut(),
                        m.version,
                        &m.up.checksum,
                        m.down.as_ref().map(|x| x.checksum.as_str()),
                        &m.up.canonical_checksum,
                        m.down.as_ref().map(|x| x.canonical_checksum.as_str()),
                    )
                    .await?;
                    accepted.push(d.migration.clone());
                }
            }
            r.event(
                EventType::ChecksumsAccepted,
                json!({"migrations": accepted}),
            );
            Ok(accepted)
        })
        .await
    }

    /// Runs the pending migrations inside one transaction and rolls it back, reporting what
    /// would change. On MySQL/MariaDB DDL cannot be rolled back, so the migrations run on a
    /// scratch copy of the schema instead, and the report says so.
    pub async fn dry_run(&mut self, to: Option<u64>) -> Result<DryRunReport, MigrateError> {
        self.locked(async |r| r.dry_run_locked(to).await).await
    }

    async fn dry_run_locked(&mut self, to: Option<u64>) -> Result<DryRunReport, MigrateError> {
        let dialect = self.dialect();
        let mut report = DryRunReport {
            database: dialect.name().into(),
            target: self.target.clone(),
            mode: "rolled_back".into(),
            migrations: Vec::new(),
            statements: Vec::new(),
            tables_created: Vec::new(),
            tables_dropped: Vec::new(),
            notes: Vec::new(),
        };
        let rows = History::rows(self.engine.as_mut()).await?;
        self.check_history(&rows)?;
        if let Some(row) = rows.iter().find(|r| !r.status.is_done()) {
            return Err(self.partial_error(row));
        }
        let pending: Vec<Migration> = self
            .set
            .migrations
            .iter()
            .filter(|m| !rows.iter().any(|r| r.version == m.version))
            .filter(|m| to.is_none_or(|t| m.version <= t))
            .cloned()
            .collect();
        if !dialect.transactional_ddl() {
            report.mode = "scratch_copy".into();
            self.rehearse_on_scratch(&rows, &pending, &mut report)
                .await?;
            self.event(
                EventType::DryRunComplete,
                json!({"migrations": report.migrations, "status": "rehearsed_on_scratch"}),
            );
            return Ok(report);
        }
        self.engine.begin().await?;
        let before = match self.engine.table_names().await {
            Ok(names) => names,
            Err(e) => {
                let _ = self.engine.rollback().await;
                return Err(e.into());
            }
        };
        let outcome = dry_run_statements(self.engine.as_mut(), &pending, &mut report, true).await;
        let after = self.engine.table_names().await;
        self.engine.rollback().await?;
        outcome?;
        report.set_table_changes(&before, &after?);
        self.event(
            EventType::DryRunComplete,
            json!({"migrations": report.migrations, "status": "rolled_back"}),
        );
        Ok(report)
    }

    /// MySQL/MariaDB cannot roll DDL back, so the dry run happens for real on a scratch
    /// database holding a copy of the schema (no rows) and the history, which is dropped
    /// afterwards whatever happened. The target database is only read.
    async fn rehearse_on_scratch(
        &mut self,
        rows: &[HistoryRow],
        pending: &[Migration],
        report: &mut DryRunReport,
    ) -> Result<(), MigrateError> {
        let schema = self.engine.introspect().await?;
        let name = dbwarden_engine::scratch_name("dryrun");
        let mut scratch = self.engine.create_scratch(&name).await?;
        let outcome = rehearse(scratch.as_mut(), &schema, rows, pending, report).await;
        drop(scratch);
        let dropped = self.engine.drop_scratch(&name).await;
        outcome?;
        if let Err(e) = dropped {
            report.notes.push(format!(
                "could not drop scratch database {name}: {e}; drop it by hand"
            ));
        }
        report.notes.push(format!(
            "{} commits DDL implicitly, so this dry run could not be rolled back in place: it ran for real on scratch \
             database {name} (a copy of the schema and migration history, without rows), dropped afterwards. \
             The target database was only read; row counts come from the empty copy.",
            self.dialect().name()
        ));
        Ok(())
    }
}

/// Builds the scratch copy and runs the pending migrations on it.
async fn rehearse(
    scratch: &mut dyn Engine,
    schema: &dbwarden_core::Schema,
    rows: &[HistoryRow],
    pending: &[Migration],
    report: &mut DryRunReport,
) -> Result<(), MigrateError> {
    for statement in dbwarden_core::render::schema_statements(schema) {
        scratch.execute(&statement).await.map_err(|e| {
            MigrateError::DryRunUnsupported(format!(
                "could not copy the schema into the scratch database, so nothing was rehearsed: {e}\nstatement: {statement}"
            ))
        })?;
    }
    History::ensure(scratch).await?;
    for row in rows {
        History::insert(scratch, row).await?;
    }
    let before = scratch.table_names().await?;
    dry_run_statements(scratch, pending, report, true).await?;
    let after = scratch.table_names().await?;
    report.set_table_changes(&before, &after);
    Ok(())
}

/// Runs (or, for `no-transaction` scripts inside a transaction, only lists) the pending
/// migrations' statements, recording each in the report.
async fn dry_run_statements(
    engine: &mut dyn Engine,
    pending: &[Migration],
    report: &mut DryRunReport,
    in_transaction: bool,
) -> Result<(), MigrateError> {
    let dialect = engine.dialect();
    for m in pending {
        report.migrations.push(m.label());
        let statements = m.up.statements(dialect)?;
        let run = !(in_transaction && dialect.transactional_ddl() && m.no_transaction());
        if !run {
            report.notes.push(format!(
                "{} runs outside a transaction (-- dbwarden:no-transaction), so the dry run lists its statements without executing them",
                m.label()
            ));
        }
        for (i, stmt) in statements.iter().enumerate() {
            let rows_affected = if run {
                match engine.execute(&stmt.sql).await {
                    Ok(done) => Some(done.rows_affected),
                    Err(e) => return Err(Runner::failure(m, &m.up, i, stmt, &e, true, &[])),
                }
            } else {
                None
            };
            report.statements.push(DryRunStatement {
                migration: m.label(),
                location: format!("{}:{}", m.up.path.display(), stmt.line),
                rows_affected,
                summary: stmt
                    .sql
                    .lines()
                    .next()
                    .unwrap_or("")
                    .chars()
                    .take(100)
                    .collect(),
            });
        }
    }
    Ok(())
}

fn row_file(runner: &Runner, row: &HistoryRow) -> String {
    runner
        .set
        .get(row.version)
        .map(|m| m.up.path.display().to_string())
        .unwrap_or_default()
}
