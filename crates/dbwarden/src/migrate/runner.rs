//! The runner: `up`, `down`, `status`, `verify`, `baseline`, `rehash` and `dry_run`, each under
//! the database-level lock where it writes.
//!
//! Two ways to run a script:
//! - in one transaction with its history row (PostgreSQL, SQLite): a failure, or a killed
//!   process, leaves the database exactly as before the migration;
//! - statement by statement (MySQL/MariaDB, which commit DDL implicitly, and scripts marked
//!   `-- dbwarden:no-transaction`): a `running` row is written first and progress after every
//!   statement, so a failure leaves a row that says how far it got, and nothing else runs until
//!   the user chooses `up --resume` or `down`.

use super::history::{History, HistoryRow, ProgressUpdate, RowStatus};
use super::report::*;
use super::source::ProgressHasher;
use super::{Drift, MigrateError, Migration, MigrationSet, Script, check_drift, lock};
use crate::events::{EventLog, EventType};
use dbwarden_core::Dialect;
use dbwarden_engine::{Engine, EngineError};
use dbwarden_sql::Statement;
use serde_json::json;
use std::collections::HashSet;
use std::time::{Duration, Instant};

/// Options shared by the runner's commands.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// How long to wait for another runner's migration lock.
    pub runner_lock_timeout: Duration,
    /// How long a statement waits for a table lock, and how often it is tried again.
    pub lock_policy: crate::locks::LockPolicy,
    /// Apply pending migrations older than the newest applied one.
    pub allow_out_of_order: bool,
    /// Continue a migration that stopped part-way, from its first statement not done.
    pub resume: bool,
    /// Lint every pending migration before anything runs and refuse unallowed errors; `None`
    /// skips the lint (for callers that lint themselves).
    pub lint: Option<dbwarden_lint::LintConfig>,
    /// Whether destructive statements need a verified backup covering their tables.
    pub backup: BackupRequirement,
    /// Apply `-- dbwarden:contract` migrations too. Without it, `up` stops before the first
    /// pending one: a contract step drops the old shape, which only the user can know no
    /// running code still uses.
    pub contract: bool,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            runner_lock_timeout: Duration::from_secs(60),
            lock_policy: crate::locks::LockPolicy::default(),
            allow_out_of_order: false,
            resume: false,
            lint: Some(dbwarden_lint::LintConfig::default()),
            backup: BackupRequirement::Enforce(None),
            contract: false,
        }
    }
}

/// The backup rule for `up`: a destructive statement runs only when a verified backup holds
/// the tables it destroys.
#[derive(Debug, Clone)]
pub enum BackupRequirement {
    /// Refuse destructive statements the backup (if any) does not cover.
    Enforce(Option<crate::backup::BackupCover>),
    /// The caller has checked already.
    CheckedByCaller,
}

/// What `down` rolls back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DownTarget {
    /// The N most recently applied migrations.
    Steps(usize),
    /// Every applied migration newer than this version.
    To(u64),
}

/// Which script of a migration is running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Up,
    Down,
}

impl Direction {
    /// The events that mark the script's start, completion and failure.
    fn events(self) -> (EventType, EventType, EventType) {
        match self {
            Direction::Up => (
                EventType::MigrationStarted,
                EventType::MigrationComplete,
                EventType::MigrationFailed,
            ),
            Direction::Down => (
                EventType::RollbackStarted,
                EventType::RollbackComplete,
                EventType::RollbackFailed,
            ),
        }
    }

    /// `up` or `down`, for progress lines.
    fn word(self) -> &'static str {
        match self {
            Direction::Up => "up",
            Direction::Down => "down",
        }
    }
}

/// Work a caller adds to each migration's transaction: the first thing after `BEGIN` and the
/// last before the history row and `COMMIT`. An error from either rolls the migration back.
#[async_trait::async_trait]
pub trait TransactionHooks: Send + Sync {
    /// Runs right after the transaction began.
    async fn after_begin(&self, engine: &mut dyn Engine) -> Result<(), EngineError>;
    /// Runs after the script's last statement, before the history row and `COMMIT`.
    async fn before_commit(&self, engine: &mut dyn Engine) -> Result<(), EngineError>;
}

/// Runs the migrations of one folder against one database.
pub struct Runner {
    engine: Box<dyn Engine>,
    set: MigrationSet,
    options: RunOptions,
    events: Option<EventLog>,
    target: String,
    progress: Box<dyn FnMut(Progress) + Send>,
    history: Option<History>,
    hooks: Option<std::sync::Arc<dyn TransactionHooks>>,
    /// The migration lock is held across commands (see [`Runner::hold_lock`]).
    lock_held: bool,
    /// Cancelled to interrupt the run (see [`crate::interrupt`]).
    cancel: crate::interrupt::CancellationToken,
    /// The `running` row of the next migration, to write in the same commit as this one's
    /// `applied` row (MySQL: one commit fewer per migration; the record reads the same).
    next_running: Option<HistoryRow>,
    /// The migration whose `running` row that commit already wrote.
    registered: Option<u64>,
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

fn labels(done: &[AppliedMigration]) -> Vec<String> {
    done.iter().map(AppliedMigration::label).collect()
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
            history: None,
            hooks: None,
            lock_held: false,
            cancel: crate::interrupt::process_token(),
            next_running: None,
            registered: None,
        }
    }

    /// The `running` row of `next`, when it runs statement by statement after a migration that
    /// does too (MySQL): written with the previous migration's `applied` row. It then says what
    /// it would say right after its own insert: running, nothing done.
    fn early_running_row(&self, next: Option<&Migration>) -> Option<HistoryRow> {
        let next = next.filter(|n| {
            self.dialect() == Dialect::Mysql && !self.transactional(&n.up) && !self.in_parts(&n.up)
        })?;
        let total = next.up.statements().len() as u64;
        let mut row = self.history_row(next, RowStatus::Running, 0, total, 0);
        row.progress_checksum = Some(ProgressHasher::new(self.dialect()).checksum());
        Some(row)
    }

    /// Removes a `running` row written early for a migration that will not start now.
    async fn forget_registered(&mut self, history: &History) {
        if let Some(version) = self.registered.take()
            && let Err(e) = history.delete(self.engine.as_mut(), version).await
        {
            tracing::warn!(
                "could not remove the history row of {version}, which never started: {e}"
            );
        }
    }

    /// Interrupts the run when `token` is cancelled (instead of the process token).
    pub fn set_cancel(&mut self, token: crate::interrupt::CancellationToken) {
        self.cancel = token;
    }

    /// Whether the run was asked to stop.
    fn interrupted(&self) -> bool {
        self.cancel.is_cancelled()
    }

    /// The error for an interrupt after `done`, with `current` the error the interrupted
    /// migration ended with (if one was running).
    fn interrupt_error(
        &self,
        done: &[AppliedMigration],
        current: Option<MigrateError>,
        direction: Direction,
    ) -> MigrateError {
        let done_labels = labels(done);
        let before = if done_labels.is_empty() {
            "nothing was applied in this run".to_owned()
        } else {
            format!(
                "{} {} in this run",
                done_labels.join(", "),
                if direction == Direction::Up {
                    "stay applied"
                } else {
                    "were rolled back"
                }
            )
        };
        let state = match current {
            None => format!(
                "{before}; no further migration started. Run the same command again to continue"
            ),
            Some(MigrateError::StatementFailed {
                migration,
                rolled_back: true,
                ..
            }) => format!(
                "the statement in flight was cancelled and {migration} rolled back as a whole; {before}. Run the same command again to continue"
            ),
            Some(e) => format!(
                "the statement in flight was cancelled: {e}; {before}. `dbwarden migrate status` shows where it stands"
            ),
        };
        MigrateError::Interrupted {
            done: done_labels,
            state,
        }
    }

    /// Runs `hooks` inside every migration transaction.
    pub fn with_transaction_hooks(mut self, hooks: std::sync::Arc<dyn TransactionHooks>) -> Self {
        self.hooks = Some(hooks);
        self
    }

    /// Takes the migration lock and keeps it until [`Runner::release_lock`]: the commands run
    /// meanwhile on this runner do not take it again. `apply` holds it from before its backup
    /// to after its report, so that a second run waits and then sees what the first applied.
    pub async fn hold_lock(&mut self) -> Result<(), MigrateError> {
        if !self.lock_held {
            self.lock().await?;
            self.lock_held = true;
        }
        Ok(())
    }

    /// Releases a lock taken by [`Runner::hold_lock`].
    pub async fn release_lock(&mut self) {
        if self.lock_held {
            self.unlock().await;
            self.lock_held = false;
        }
    }

    /// The runner's options.
    pub fn options(&self) -> &RunOptions {
        &self.options
    }

    /// The runner's options, to change between commands.
    pub fn options_mut(&mut self) -> &mut RunOptions {
        &mut self.options
    }

    /// Runs `hooks` inside every migration transaction from now on.
    pub fn set_transaction_hooks(&mut self, hooks: std::sync::Arc<dyn TransactionHooks>) {
        self.hooks = Some(hooks);
    }

    /// Stops running transaction hooks.
    pub fn clear_transaction_hooks(&mut self) {
        self.hooks = None;
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

    /// Whether `script` runs inside one transaction on this engine.
    fn transactional(&self, script: &Script) -> bool {
        self.engine.capabilities().transactional_ddl && !script.directives.no_transaction
    }

    /// Whether `script` runs in parts, one transaction between `-- dbwarden:commit` points.
    /// Only on PostgreSQL, where a part's locks end with it; SQLite locks the whole file for
    /// any write anyway, so there the script keeps its one transaction (and its
    /// `PRAGMA foreign_keys` handling).
    fn in_parts(&self, script: &Script) -> bool {
        self.dialect() == Dialect::Postgres
            && self.transactional(script)
            && !script.commit_points().is_empty()
    }

    /// The history tables, located once per runner (before any migration can change the
    /// session's schema or database).
    async fn history(&mut self) -> Result<History, MigrateError> {
        if let Some(h) = &self.history {
            return Ok(h.clone());
        }
        let h = History::locate(self.engine.as_mut()).await?;
        self.history = Some(h.clone());
        Ok(h)
    }

    fn label(&self, version: u64, name: &str) -> String {
        self.set
            .get(version)
            .map_or_else(|| format!("{version:04}_{name}"), Migration::label)
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
        let timeout = self.options.runner_lock_timeout;
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

    /// Runs `work` under the migration lock, releasing it afterwards whatever happened, and
    /// logs how the command ended.
    async fn locked<T>(
        &mut self,
        command: &str,
        work: impl AsyncFnOnce(&mut Self) -> Result<T, MigrateError>,
    ) -> Result<T, MigrateError> {
        self.event(EventType::RunStarted, json!({"command": command}));
        let held = self.lock_held;
        let locked = if held { Ok(()) } else { self.lock().await };
        let result = match locked {
            Ok(()) => {
                let result = match self
                    .options
                    .lock_policy
                    .apply_to(self.engine.as_mut())
                    .await
                {
                    Ok(()) => work(self).await,
                    Err(e) => Err(e.into()),
                };
                if !held {
                    self.unlock().await;
                }
                result
            }
            Err(e) => Err(e),
        };
        match &result {
            Ok(_) => self.event(
                EventType::RunComplete,
                json!({"command": command, "status": "success"}),
            ),
            Err(e) if e.is_refusal() || matches!(e, MigrateError::Drift { .. }) => {
                self.event(
                    EventType::Refused,
                    json!({"command": command, "reason": e.to_string()}),
                );
            }
            Err(e) => self.event(
                EventType::RunFailed,
                json!({"command": command, "error": e.to_string()}),
            ),
        }
        result
    }

    /// Refuses to work on a database whose applied files changed since.
    fn refuse_drift(&self, rows: &[HistoryRow]) -> Result<(), MigrateError> {
        let drifts: Vec<Drift> = check_drift(&self.set, rows);
        if !drifts.is_empty() {
            self.event(EventType::DriftDetected, json!({"drifts": drifts}));
            return Err(MigrateError::Drift { drifts });
        }
        Ok(())
    }

    /// The refusal for a row that stopped part-way.
    fn blocked_error(&self, row: &HistoryRow) -> MigrateError {
        let migration = self.label(row.version, &row.name);
        let next = row.statements_done.saturating_add(1);
        if row.status.is_rolling_back() {
            return MigrateError::RollbackStopped {
                migration,
                done: row.statements_done,
                total: row.statements_total,
                error: row.error.clone().unwrap_or_else(|| {
                    "its runner stopped without recording an error (killed?)".into()
                }),
            };
        }
        let ran = match self.set.get(row.version) {
            Some(m) if row.statements_done > 0 => {
                let lines: Vec<String> =
                    m.up.statements()
                        .iter()
                        .take(usize::try_from(row.statements_done).unwrap_or(usize::MAX))
                        .map(|s| s.line.to_string())
                        .collect();
                let which = if lines.len() == 1 {
                    format!("the statement at line {}", lines[0])
                } else {
                    format!("the statements at lines {}", lines.join(", "))
                };
                format!(" ({which} of {})", m.up.path.display())
            }
            _ => String::new(),
        };
        let error = match &row.error {
            Some(e) => format!("; it failed with: {e}"),
            None => format!(
                "; its runner stopped without recording an error (killed?), so statement {next} may or may not have completed"
            ),
        };
        MigrateError::PartiallyApplied {
            migration,
            done: row.statements_done,
            total: row.statements_total,
            ran,
            error,
            next,
        }
    }

    /// Checks a script before anything runs: it splits, and, when it will run inside
    /// dbwarden's transaction, it does not open or close transactions itself (a `COMMIT` in
    /// the script would commit dbwarden's transaction half-way and break all-or-nothing).
    fn check_script(
        &self,
        script: &Script,
        in_transaction: bool,
    ) -> Result<Vec<Statement>, MigrateError> {
        let statements = script.statements().to_vec();
        if in_transaction && let Some(stmt) = statements.iter().find(|s| s.is_transaction_control())
        {
            return Err(MigrateError::InvalidFile {
                path: script.path.clone(),
                reason: format!(
                    "line {}: `{}` controls the transaction, but dbwarden already runs this script in one transaction \
                     with its history row. Remove the BEGIN/COMMIT lines, or put `-- dbwarden:no-transaction` first \
                     to run it statement by statement under your own control",
                    stmt.line,
                    stmt.sql.lines().next().unwrap_or("")
                ),
            });
        }
        Ok(statements)
    }

    /// A failed `CREATE INDEX CONCURRENTLY` leaves an INVALID index behind (PostgreSQL manual,
    /// "Building Indexes Concurrently"): it is maintained on every write but never used, and
    /// retrying the statement fails because the name is taken. Refuse to resume until it is
    /// dropped.
    async fn refuse_invalid_indexes(&mut self, m: &Migration) -> Result<(), MigrateError> {
        if self.dialect() != Dialect::Postgres {
            return Ok(());
        }
        let rows = self
            .engine
            .query(
                "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_index i \
                 JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE NOT i.indisvalid AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
                &[],
            )
            .await?;
        let names: Vec<String> = rows
            .iter()
            .filter_map(|r| r.first().and_then(dbwarden_engine::Value::as_string))
            .collect();
        if names.is_empty() {
            return Ok(());
        }
        let drops: Vec<String> = names
            .iter()
            .map(|n| format!("DROP INDEX CONCURRENTLY {n};"))
            .collect();
        Err(MigrateError::ResumeMismatch(format!(
            "{}: INVALID index(es) {} were left by a failed CREATE INDEX CONCURRENTLY; they slow every write and block a retry. \
             Drop them first ({}), fix the cause (e.g. duplicate values for a unique index), then run `dbwarden migrate up --resume`",
            m.label(),
            names.join(", "),
            drops.join(" ")
        )))
    }

    /// Pending migrations (not in the history) up to `to`, stopping before the first contract
    /// migration unless contract steps were asked for.
    fn pending(&self, rows: &[HistoryRow], to: Option<u64>) -> Vec<Migration> {
        let mut pending = self.pending_through(rows, to);
        hold_contract(&mut pending, self.options.contract);
        pending
    }

    /// Every pending migration up to `to`, contract steps included.
    fn pending_through(&self, rows: &[HistoryRow], to: Option<u64>) -> Vec<Migration> {
        let done: HashSet<u64> = rows.iter().map(|r| r.version).collect();
        self.set
            .migrations
            .iter()
            .filter(|m| !done.contains(&m.version))
            .filter(|m| to.is_none_or(|t| m.version <= t))
            .cloned()
            .collect()
    }

    /// Every refusal that applies to the pending migrations, checked before any of them runs.
    fn check_pending(
        &self,
        pending: &[Migration],
        rows: &[HistoryRow],
    ) -> Result<(), MigrateError> {
        let newest = rows.iter().max_by_key(|r| r.version);
        for m in pending {
            if let Some(newest) = newest
                && m.version < newest.version
                && !self.options.allow_out_of_order
            {
                return Err(MigrateError::OutOfOrder {
                    migration: m.label(),
                    newest: self.label(newest.version, &newest.name),
                });
            }
            if m.down.is_none() && !m.irreversible() {
                return Err(MigrateError::MissingDown {
                    migration: m.label(),
                    expected: m.up.path.with_file_name(format!("{}.down.sql", m.label())),
                });
            }
            self.check_script(&m.up, self.transactional(&m.up))?;
        }
        self.lint_pending(pending)
    }

    /// Lints the pending up scripts; refuses if any error is not allowed, and logs the
    /// allowed ones so the event log says who accepted what and why.
    fn lint_pending(&self, pending: &[Migration]) -> Result<(), MigrateError> {
        let Some(config) = &self.options.lint else {
            return Ok(());
        };
        let mut blocking = Vec::new();
        for m in pending {
            let path = m.up.path.display().to_string();
            let input = dbwarden_lint::LintInput {
                path: &path,
                source: &m.up.text,
                dialect: self.dialect(),
            };
            let report = dbwarden_lint::lint(&input, config);
            for f in &report.findings {
                if f.is_blocking() {
                    blocking.push(format!(
                        "  {}:{}: [{}] {}",
                        f.file,
                        f.line,
                        f.rule.id(),
                        f.message
                    ));
                } else if let Some(reason) = &f.allowed {
                    self.event(
                        EventType::LintAllowed,
                        json!({"version": m.version_text, "rule": f.rule.id(), "file": f.file, "line": f.line, "reason": reason}),
                    );
                }
            }
        }
        if blocking.is_empty() {
            Ok(())
        } else {
            Err(MigrateError::LintRefused {
                findings: blocking.join("\n"),
            })
        }
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
        self.fill_target_version().await;
        self.locked("up", async |r| r.up_locked(to, started).await)
            .await
    }

    /// Lints against the live server's version unless a target version was configured, so
    /// that what is safe follows the server (a constant default is instant from PostgreSQL 11).
    async fn fill_target_version(&mut self) {
        let Some(config) = &self.options.lint else {
            return;
        };
        if config.target_version.is_some() {
            return;
        }
        let Ok(info) = self.engine.server_info().await else {
            return;
        };
        let parsed = lint_target(&info);
        if let Some(config) = &mut self.options.lint {
            config.target_version = parsed;
        }
    }

    async fn up_locked(
        &mut self,
        to: Option<u64>,
        started: Instant,
    ) -> Result<UpReport, MigrateError> {
        let history = self.history().await?;
        history.ensure(self.engine.as_mut()).await?;
        let rows = history.rows(self.engine.as_mut()).await?;
        self.refuse_drift(&rows)?;

        // A migration that stopped part-way blocks everything until the user decides.
        let blocked = rows.iter().find(|r| !r.status.is_done());
        let resume = match blocked {
            Some(row) if !self.options.resume || row.status.is_rolling_back() => {
                return Err(self.blocked_error(row));
            }
            Some(row) => match self.set.get(row.version) {
                Some(m) => {
                    let m = m.clone();
                    self.refuse_invalid_indexes(&m).await?;
                    Some((m, row.clone()))
                }
                None => return Err(self.blocked_error(row)),
            },
            None => None,
        };
        let mut pending = self.pending_through(&rows, to);
        let held_contract = hold_contract(&mut pending, self.options.contract).map(|m| m.label());
        let remaining = self.pending_through(&rows, None).len() - pending.len();
        self.check_pending(&pending, &rows)?;
        if let BackupRequirement::Enforce(cover) = &self.options.backup {
            let mut to_check: Vec<Migration> = pending.clone();
            if let Some((m, _)) = &resume {
                to_check.push(m.clone());
            }
            let existing = self.engine.table_names().await?;
            let uncovered = crate::backup::uncovered_statements(
                &to_check,
                self.dialect(),
                cover.as_ref(),
                &existing,
            );
            if !uncovered.is_empty() {
                return Err(MigrateError::BackupRequired {
                    statements: uncovered.join("\n"),
                });
            }
        }

        let mut applied = Vec::new();
        if let Some((m, row)) = resume {
            applied.push(
                self.run_statement_by_statement(&m, Direction::Up, Some(&row), &applied)
                    .await?,
            );
        }
        if pending.is_empty() && applied.is_empty() {
            (self.progress)(Progress::UpToDate);
        }
        for (index, m) in pending.iter().enumerate() {
            if self.interrupted() {
                self.forget_registered(&history).await;
                return Err(self.interrupt_error(&applied, None, Direction::Up));
            }
            let one = if self.transactional(&m.up) && !self.in_parts(&m.up) {
                self.run_in_transaction(m, Direction::Up, &applied).await
            } else {
                self.next_running = self.early_running_row(pending.get(index + 1));
                let one = self
                    .run_statement_by_statement(m, Direction::Up, None, &applied)
                    .await;
                self.next_running = None;
                one
            };
            match one {
                Ok(one) => applied.push(one),
                Err(e) if self.interrupted() => {
                    self.forget_registered(&history).await;
                    return Err(self.interrupt_error(&applied, Some(e), Direction::Up));
                }
                Err(e) => {
                    self.forget_registered(&history).await;
                    return Err(e);
                }
            }
        }
        self.registered = None;
        Ok(UpReport {
            database: self.dialect().name().into(),
            target: self.target.clone(),
            applied,
            remaining,
            held_contract,
            duration_ms: millis(started.elapsed()),
        })
    }

    fn history_row(
        &self,
        m: &Migration,
        status: RowStatus,
        done: u64,
        total: u64,
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
            statements_done: done,
            statements_total: total,
            progress_checksum: None,
            error: None,
            applied_at: now_iso(),
            duration_ms: duration,
            applied_by: user,
            host,
        }
    }

    /// After a lock wait ran out on `statement` (1-based index, line) in try `tries`: lists
    /// the blockers, terminates the idle ones when asked to (`--kill-blockers-after`, and only
    /// if another try follows), and logs `LOCK_TIMEOUT`. Returns the blockers.
    async fn lock_wait_ran_out(
        &mut self,
        m: &Migration,
        (statement, line): (usize, usize),
        tries: u32,
        retry: bool,
    ) -> Vec<crate::locks::Blocker> {
        let policy = self.options.lock_policy.clone();
        let blockers = crate::locks::blockers(self.engine.as_mut(), policy.wait).await;
        let terminated = if retry {
            policy.end_blockers(self.engine.as_mut(), &blockers).await
        } else {
            Vec::new()
        };
        self.event(
            EventType::LockTimeout,
            json!({"version": m.version_text, "name": m.name, "statement": statement, "line": line, "try": tries, "tries": policy.tries, "wait_ms": millis(policy.wait), "blockers": blockers, "terminated": terminated, "retry": retry}),
        );
        blockers
    }

    /// A statement whose lock wait ran out, once (the caller decides about trying again).
    fn lock_wait_failure(
        m: &Migration,
        script: &Script,
        index: usize,
        stmt: &Statement,
        transactional: bool,
    ) -> MigrateError {
        MigrateError::LockWaitExhausted {
            migration: m.label(),
            file: script.path.clone(),
            line: stmt.line,
            statement: index + 1,
            tries: 1,
            wait_ms: 0,
            blockers: String::new(),
            transactional,
        }
    }

    /// Runs one statement of a no-transaction script: with the lock wait of the policy,
    /// retried while it runs out (a statement that timed out changed nothing), and without a
    /// lock timeout for concurrent index builds (see [`crate::locks::waits_without_blocking`]).
    async fn execute_with_retry(
        &mut self,
        m: &Migration,
        script: &Script,
        index: usize,
        stmt: &Statement,
    ) -> Result<dbwarden_engine::Executed, Result<EngineError, MigrateError>> {
        let policy = self.options.lock_policy.clone();
        let dialect = self.dialect();
        let unbounded =
            dialect == Dialect::Postgres && crate::locks::waits_without_blocking(&stmt.sql);
        if unbounded {
            self.engine
                .execute("SET lock_timeout = 0")
                .await
                .map_err(Ok)?;
        }
        let started = Instant::now();
        let mut tries = 0;
        let cancel = self.cancel.clone();
        let outcome = loop {
            tries += 1;
            match crate::interrupt::execute(self.engine.as_mut(), &stmt.sql, &cancel).await {
                Err(e) if crate::locks::is_lock_timeout(dialect, &e) => {
                    let retry = policy.may_retry(tries, started);
                    let blockers = self
                        .lock_wait_ran_out(m, (index + 1, stmt.line), tries, retry)
                        .await;
                    if !retry {
                        break Err(Err(MigrateError::LockWaitExhausted {
                            migration: m.label(),
                            file: script.path.clone(),
                            line: stmt.line,
                            statement: index + 1,
                            tries,
                            wait_ms: millis(policy.wait),
                            blockers: crate::locks::describe(&blockers),
                            transactional: false,
                        }));
                    }
                    tokio::time::sleep(policy.backoff(tries)).await;
                }
                other => break other.map_err(Ok),
            }
        };
        if unbounded && let Err(e) = policy.apply_to(self.engine.as_mut()).await {
            tracing::warn!("could not set the lock wait back after a concurrent index build: {e}");
        }
        outcome
    }

    #[allow(clippy::too_many_arguments)]
    fn failure(
        m: &Migration,
        script: &Script,
        index: usize,
        stmt: &Statement,
        error: &EngineError,
        rolled_back: bool,
        applied: &[AppliedMigration],
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
            applied: labels(applied),
        }
    }

    /// One transaction, tried again while a statement's lock wait runs out (within the lock
    /// policy): a rolled-back try released every lock it took, so waiting application queries
    /// ran meanwhile.
    async fn run_in_transaction(
        &mut self,
        m: &Migration,
        direction: Direction,
        before: &[AppliedMigration],
    ) -> Result<AppliedMigration, MigrateError> {
        let policy = self.options.lock_policy.clone();
        let started = Instant::now();
        let mut tries = 0;
        loop {
            tries += 1;
            match self.try_in_transaction(m, direction, before).await {
                Err(MigrateError::LockWaitExhausted {
                    migration,
                    file,
                    line,
                    statement,
                    transactional,
                    ..
                }) => {
                    let retry = policy.may_retry(tries, started);
                    let blockers = self
                        .lock_wait_ran_out(m, (statement, line), tries, retry)
                        .await;
                    let described = crate::locks::describe(&blockers);
                    if !policy.may_retry(tries, started) {
                        return Err(MigrateError::LockWaitExhausted {
                            migration,
                            file,
                            line,
                            statement,
                            tries,
                            wait_ms: millis(policy.wait),
                            blockers: described,
                            transactional,
                        });
                    }
                    tracing::warn!(
                        "{}: statement {statement} (line {line}) waited {} ms for a lock and was rolled back; try {} of {} after a pause; blocked by {described}",
                        m.label(),
                        policy.wait.as_millis(),
                        tries + 1,
                        policy.tries
                    );
                    tokio::time::sleep(policy.backoff(tries)).await;
                }
                other => return other,
            }
        }
    }

    /// One transaction: every statement, then the history change (insert for up, delete for
    /// down), then COMMIT. Any failure, or a killed process, rolls the whole script back.
    async fn try_in_transaction(
        &mut self,
        m: &Migration,
        direction: Direction,
        before: &[AppliedMigration],
    ) -> Result<AppliedMigration, MigrateError> {
        let history = self.history().await?;
        let script = match direction {
            Direction::Up => m.up.clone(),
            Direction::Down => m.down.clone().ok_or_else(|| irreversible_error(m))?,
        };
        let statements = self.check_script(&script, true)?;
        let (statements, foreign_keys_off) = hoist_foreign_key_pragmas(self.dialect(), statements);
        let (started_event, done_event, failed_event) = direction.events();
        let word = direction.word();
        let started = Instant::now();
        (self.progress)(Progress::Started {
            migration: m.label(),
            direction: word,
        });
        self.event(started_event, json!({"version": m.version_text, "name": m.name, "statements": statements.len(), "transactional": true}));
        if foreign_keys_off {
            self.engine.execute("PRAGMA foreign_keys = OFF").await?;
        }
        let outcome = match self.engine.begin().await {
            Ok(()) => {
                let outcome = self
                    .run_in_open_transaction(
                        m,
                        &script,
                        &history,
                        direction,
                        &statements,
                        foreign_keys_off,
                        before,
                        started,
                    )
                    .await;
                if outcome.is_err() {
                    // Whatever failed (a statement, the history change, the commit), the
                    // transaction must not stay open on this connection.
                    let _ = self.engine.rollback().await;
                }
                outcome
            }
            Err(e) => Err(e.into()),
        };
        if foreign_keys_off && let Err(e) = self.engine.execute("PRAGMA foreign_keys = ON").await {
            tracing::warn!("could not turn SQLite foreign key enforcement back on: {e}");
        }
        let rows_affected = match outcome {
            Ok(rows) => rows,
            Err(err) => {
                self.event(failed_event, json!({"version": m.version_text, "name": m.name, "status": "rolled_back", "error": err.to_string(), "duration_ms": millis(started.elapsed())}));
                return Err(err);
            }
        };
        let duration = millis(started.elapsed());
        self.event(done_event, json!({"version": m.version_text, "name": m.name, "duration_ms": duration, "statements": statements.len(), "records_affected": rows_affected, "status": if direction == Direction::Up { "applied" } else { "rolled_back" }}));
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

    #[allow(clippy::too_many_arguments)]
    async fn run_in_open_transaction(
        &mut self,
        m: &Migration,
        script: &Script,
        history: &History,
        direction: Direction,
        statements: &[Statement],
        check_foreign_keys: bool,
        before: &[AppliedMigration],
        started: Instant,
    ) -> Result<u64, MigrateError> {
        let mut rows_affected = 0;
        if let Some(hooks) = &self.hooks {
            hooks.after_begin(self.engine.as_mut()).await?;
        }
        let dialect = self.dialect();
        let cancel = self.cancel.clone();
        for (i, stmt) in statements.iter().enumerate() {
            match crate::interrupt::execute(self.engine.as_mut(), &stmt.sql, &cancel).await {
                Ok(done) => rows_affected += done.rows_affected,
                Err(e) if crate::locks::is_lock_timeout(dialect, &e) => {
                    return Err(Self::lock_wait_failure(m, script, i, stmt, true));
                }
                Err(e) => return Err(Self::failure(m, script, i, stmt, &e, true, before)),
            }
        }
        if let Some(hooks) = &self.hooks {
            hooks.before_commit(self.engine.as_mut()).await?;
        }
        if check_foreign_keys {
            // With enforcement off nothing stopped a dangling reference; refuse to commit one.
            let violations = self.engine.query("PRAGMA foreign_key_check", &[]).await?;
            if !violations.is_empty() {
                let listed: Vec<String> = violations
                    .iter()
                    .take(5)
                    .map(|v| {
                        let s = |i: usize| {
                            v.get(i)
                                .and_then(dbwarden_engine::Value::as_string)
                                .unwrap_or_default()
                        };
                        format!("{} row {} references missing {}", s(0), s(1), s(2))
                    })
                    .collect();
                return Err(MigrateError::ForeignKeyViolations {
                    migration: m.label(),
                    file: script.path.clone(),
                    count: violations.len(),
                    examples: listed.join("; "),
                });
            }
        }
        match direction {
            Direction::Up => {
                let total = statements.len() as u64;
                let row = self.history_row(
                    m,
                    RowStatus::Applied,
                    total,
                    total,
                    millis(started.elapsed()),
                );
                history.insert(self.engine.as_mut(), &row).await?;
            }
            Direction::Down => history.delete(self.engine.as_mut(), m.version).await?,
        }
        self.engine.commit().await?;
        Ok(rows_affected)
    }

    /// Statement by statement with progress recorded after each, for engines that commit DDL
    /// implicitly (MySQL) and for `-- dbwarden:no-transaction` scripts; `Down` runs the down
    /// script the same way. With `resume_from`, continues a stopped run after checking that
    /// the statements that already ran are unchanged.
    async fn run_statement_by_statement(
        &mut self,
        m: &Migration,
        direction: Direction,
        resume_from: Option<&HistoryRow>,
        before: &[AppliedMigration],
    ) -> Result<AppliedMigration, MigrateError> {
        let history = self.history().await?;
        let script = match direction {
            Direction::Up => m.up.clone(),
            Direction::Down => m.down.clone().ok_or_else(|| irreversible_error(m))?,
        };
        let dialect = self.dialect();
        let statements = script.statements();
        let total = statements.len() as u64;
        let start = match resume_from {
            Some(row) => usize::try_from(row.statements_done).unwrap_or(usize::MAX),
            None => 0,
        };
        let mut hasher = ProgressHasher::new(dialect);
        for stmt in statements.iter().take(start) {
            hasher.add(stmt);
        }
        if let Some(row) = resume_from {
            if start > statements.len() {
                return Err(MigrateError::ResumeMismatch(format!(
                    "{}: {} statements already ran, but {} now has only {}; restore the statements that ran",
                    m.label(),
                    start,
                    script.path.display(),
                    statements.len()
                )));
            }
            if row
                .progress_checksum
                .as_deref()
                .is_some_and(|sum| sum != hasher.checksum())
            {
                return Err(MigrateError::ResumeMismatch(format!(
                    "{}: the first {start} statements of {} already ran, but they were edited since; \
                     restore them (only statements after them may change before --resume)",
                    m.label(),
                    script.path.display()
                )));
            }
        }
        let (running, failed) = match direction {
            Direction::Up => (RowStatus::Running, RowStatus::Failed),
            Direction::Down => (RowStatus::RollingBack, RowStatus::RollbackFailed),
        };
        let (started_event, done_event, failed_event) = direction.events();
        let direction_word = direction.word();
        let started = Instant::now();
        (self.progress)(Progress::Started {
            migration: m.label(),
            direction: direction_word,
        });
        self.event(started_event, json!({"version": m.version_text, "name": m.name, "statements": total, "transactional": false, "from_statement": start + 1}));
        let progress =
            |status, done: usize, checksum: String, error: Option<String>, started: Instant| {
                ProgressUpdate {
                    status,
                    statements_done: done as u64,
                    statements_total: total,
                    progress_checksum: Some(checksum),
                    error,
                    duration_ms: millis(started.elapsed()),
                }
            };
        if direction == Direction::Up && resume_from.is_none() {
            // Written already with the previous migration's last record, or now.
            if self.registered.take() != Some(m.version) {
                let mut row = self.history_row(m, running, 0, total, 0);
                row.progress_checksum = Some(hasher.checksum());
                history.insert(self.engine.as_mut(), &row).await?;
            }
        } else {
            if direction == Direction::Up {
                // The file may have been fixed since the failure: record what is being applied.
                history.update_checksums(self.engine.as_mut(), m).await?;
            }
            history
                .update_progress(
                    self.engine.as_mut(),
                    m.version,
                    progress(running, start, hasher.checksum(), None, started),
                )
                .await?;
        }
        // With `-- dbwarden:commit` points on a transactional engine, each part between them
        // runs in its own transaction, its progress written inside it: a failure leaves the
        // database at the last commit point, and `--resume` starts the part again.
        let segmented = self.in_parts(&script);
        let ends_part = |i: usize| {
            !segmented || i + 1 == statements.len() || script.commit_points().contains(&(i + 1))
        };
        let policy = self.options.lock_policy.clone();
        // MySQL commits DDL by itself, but a data statement can share one transaction with its
        // progress row: the record is then exact (the statement and "it ran" commit together)
        // and costs one commit instead of two. Not when the script controls transactions.
        let own_transactions = statements.iter().any(Statement::is_transaction_control);
        let with_progress = |stmt: &Statement| {
            dialect == Dialect::Mysql && !segmented && !own_transactions && is_data_statement(stmt)
        };
        let mut rows_affected = 0;
        // Where the current part began: statement, checksum, rows, tries and when.
        let mut part = (start, hasher.clone(), 0u64, 0u32, Instant::now());
        let mut i = start;
        while i < statements.len() {
            let stmt = &statements[i];
            if segmented && i == part.0 {
                self.engine.begin().await?;
                if let Some(hooks) = self.hooks.clone()
                    && let Err(e) = hooks.after_begin(self.engine.as_mut()).await
                {
                    let _ = self.engine.rollback().await;
                    return Err(e.into());
                }
            }
            let in_transaction = segmented || with_progress(stmt);
            if with_progress(stmt) {
                self.engine.begin().await?;
            }
            let outcome = if segmented {
                let cancel = self.cancel.clone();
                crate::interrupt::execute(self.engine.as_mut(), &stmt.sql, &cancel)
                    .await
                    .map_err(Ok)
            } else {
                self.execute_with_retry(m, &script, i, stmt).await
            };
            let failure = match outcome {
                Ok(done) => {
                    rows_affected += done.rows_affected;
                    hasher.add(stmt);
                    if ends_part(i) {
                        // The last statement's progress is the applied row itself: one
                        // write fewer per migration, the same record.
                        let status = if i + 1 == statements.len() && direction == Direction::Up {
                            RowStatus::Applied
                        } else {
                            running
                        };
                        let update = progress(status, i + 1, hasher.checksum(), None, started);
                        // The next migration's `running` row shares this last commit.
                        let carry = (status == RowStatus::Applied)
                            .then(|| self.next_running.take())
                            .flatten();
                        let opened = carry.is_some() && !in_transaction;
                        if opened {
                            self.engine.begin().await?;
                        }
                        let in_transaction = in_transaction || opened;
                        let recorded = match (segmented, self.hooks.clone()) {
                            (true, Some(hooks)) => hooks
                                .before_commit(self.engine.as_mut())
                                .await
                                .map_err(MigrateError::from),
                            _ => Ok(()),
                        };
                        let recorded = match recorded {
                            Ok(()) => {
                                history
                                    .update_progress(self.engine.as_mut(), m.version, update)
                                    .await
                            }
                            Err(e) => Err(e),
                        };
                        let recorded = match (recorded, &carry) {
                            (Ok(()), Some(row)) => {
                                // Stamped now, after this migration's own row: `down` orders
                                // by applied time, and the next one was applied after this.
                                let row = HistoryRow {
                                    applied_at: now_iso(),
                                    ..row.clone()
                                };
                                history.insert(self.engine.as_mut(), &row).await
                            }
                            (other, _) => other,
                        };
                        let recorded = match recorded {
                            Ok(()) if in_transaction => {
                                self.engine.commit().await.map_err(MigrateError::from)
                            }
                            other => other,
                        };
                        if let Err(e) = recorded {
                            // Never leave the part's transaction open on this connection.
                            if in_transaction {
                                let _ = self.engine.rollback().await;
                            }
                            return Err(e);
                        }
                        self.registered = carry.map(|row| row.version);
                        if segmented {
                            part = (i + 1, hasher.clone(), rows_affected, 0, Instant::now());
                        }
                    }
                    i += 1;
                    continue;
                }
                Err(Ok(e)) if segmented && crate::locks::is_lock_timeout(dialect, &e) => {
                    let _ = self.engine.rollback().await;
                    part.3 += 1;
                    let retry = policy.may_retry(part.3, part.4);
                    let blockers = self
                        .lock_wait_ran_out(m, (i + 1, stmt.line), part.3, retry)
                        .await;
                    if retry {
                        tokio::time::sleep(policy.backoff(part.3)).await;
                        (i, hasher, rows_affected) = (part.0, part.1.clone(), part.2);
                        continue;
                    }
                    Err(MigrateError::LockWaitExhausted {
                        migration: m.label(),
                        file: script.path.clone(),
                        line: stmt.line,
                        statement: i + 1,
                        tries: part.3,
                        wait_ms: millis(policy.wait),
                        blockers: crate::locks::describe(&blockers),
                        transactional: false,
                    })
                }
                Err(failure) => failure,
            };
            // A script that opened its own transaction leaves it aborted; end it so the
            // progress update below can be written (harmless when none is open).
            let _ = self.engine.rollback().await;
            let (err, cause) = match failure {
                Ok(e) => (
                    Self::failure(m, &script, i, stmt, &e, false, before),
                    e.to_string(),
                ),
                Err(err) => {
                    let cause = err.to_string();
                    (err, cause)
                }
            };
            let note = format!(
                "statement {} at {}:{}: {cause}",
                i + 1,
                script.path.display(),
                stmt.line
            );
            // In a part, what ran of it was rolled back with it.
            let (done, checksum) = if segmented {
                (part.0, part.1.checksum())
            } else {
                (i, hasher.checksum())
            };
            // Interrupted before anything of it ran: it never started, so it leaves no row
            // (the database is as before it, and a plain `up` runs it later).
            if self.interrupted()
                && done == 0
                && direction == Direction::Up
                && resume_from.is_none()
            {
                history.delete(self.engine.as_mut(), m.version).await?;
                self.event(failed_event, json!({"version": m.version_text, "name": m.name, "statement": i + 1, "statements_done": 0, "status": "not_started", "error": err.to_string(), "duration_ms": millis(started.elapsed())}));
                return Err(err);
            }
            history
                .update_progress(
                    self.engine.as_mut(),
                    m.version,
                    progress(failed, done, checksum, Some(note), started),
                )
                .await?;
            self.event(failed_event, json!({"version": m.version_text, "name": m.name, "statement": i + 1, "statements_done": done, "status": "stopped_part_way", "error": err.to_string(), "duration_ms": millis(started.elapsed())}));
            return Err(err);
        }
        match direction {
            // An empty script (or a resume with nothing left) still needs its applied row.
            Direction::Up if start == statements.len() => {
                history
                    .update_progress(
                        self.engine.as_mut(),
                        m.version,
                        progress(
                            RowStatus::Applied,
                            statements.len(),
                            hasher.checksum(),
                            None,
                            started,
                        ),
                    )
                    .await?;
            }
            Direction::Up => {}
            Direction::Down => history.delete(self.engine.as_mut(), m.version).await?,
        }
        let duration = millis(started.elapsed());
        let ran = statements.len() - start;
        self.event(done_event, json!({"version": m.version_text, "name": m.name, "duration_ms": duration, "statements": ran, "records_affected": rows_affected, "status": if direction == Direction::Up { "applied" } else { "rolled_back" }}));
        (self.progress)(Progress::Finished {
            migration: m.label(),
            duration_ms: duration,
        });
        Ok(AppliedMigration {
            version: m.version_text.clone(),
            name: m.name.clone(),
            duration_ms: duration,
            statements: ran,
            rows_affected,
            transactional: false,
        })
    }

    /// Removes the history rows of `versions`, for migrations whose effects were undone another
    /// way (a restore from a verified backup after the down script could not bring data back).
    pub async fn forget(&mut self, versions: &[u64]) -> Result<(), MigrateError> {
        self.locked("forget", async |r| {
            let history = r.history().await?;
            for version in versions {
                history.delete(r.engine.as_mut(), *version).await?;
            }
            Ok(())
        })
        .await
    }

    /// Rolls back applied migrations, most recently applied first, by running their down
    /// scripts.
    pub async fn down(&mut self, target: DownTarget) -> Result<DownReport, MigrateError> {
        if target == DownTarget::Steps(0) {
            return Err(MigrateError::BadTarget("--steps must be at least 1".into()));
        }
        let started = Instant::now();
        self.locked("down", async |r| r.down_locked(target, started).await)
            .await
    }

    async fn down_locked(
        &mut self,
        target: DownTarget,
        started: Instant,
    ) -> Result<DownReport, MigrateError> {
        let history = self.history().await?;
        history.ensure(self.engine.as_mut()).await?;
        let rows = history.rows(self.engine.as_mut()).await?;
        self.refuse_drift(&rows)?;
        // Most recently applied first: after an out-of-order migration, that is not the
        // highest version.
        let mut newest_first: Vec<&HistoryRow> = rows.iter().collect();
        newest_first.sort_by(|a, b| (&b.applied_at, b.version).cmp(&(&a.applied_at, a.version)));
        // A row stopped part-way is always first in line: it is what needs undoing.
        newest_first.sort_by_key(|r| r.status.is_done());
        let chosen: Vec<HistoryRow> = match target {
            DownTarget::Steps(n) => newest_first.into_iter().take(n).cloned().collect(),
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
                    "{} has no files in {}: restore them to roll it back",
                    self.label(row.version, &row.name),
                    self.set.dir.display()
                )));
            };
            let down = m.down.as_ref().ok_or_else(|| irreversible_error(m))?;
            self.check_script(down, self.transactional(down))?;
            plan.push((m.clone(), row.clone()));
        }
        let mut rolled_back = Vec::new();
        for (m, row) in &plan {
            if self.interrupted() {
                return Err(self.interrupt_error(&rolled_back, None, Direction::Down));
            }
            let down_transactional = m
                .down
                .as_ref()
                .is_some_and(|d| self.transactional(d) && !self.in_parts(d));
            let one = if down_transactional {
                self.run_in_transaction(m, Direction::Down, &rolled_back)
                    .await
            } else {
                let resume = row.status.is_rolling_back().then_some(row);
                self.run_statement_by_statement(m, Direction::Down, resume, &rolled_back)
                    .await
            };
            match one {
                Ok(one) => rolled_back.push(one),
                Err(e) if self.interrupted() => {
                    return Err(self.interrupt_error(&rolled_back, Some(e), Direction::Down));
                }
                Err(e) => return Err(e),
            }
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

    /// Releases a migration lock left by a runner that died (SQLite's lock row; PostgreSQL and
    /// MySQL locks end with their session, so for them this only says who holds it). Returns
    /// who held it, and whether it was released.
    pub async fn force_unlock(&mut self) -> Result<(Option<String>, bool), MigrateError> {
        let holder = self
            .engine
            .force_unlock(super::LOCK_NAME)
            .await?
            .map(|h| h.description);
        let released = holder.is_some() && self.dialect() == Dialect::Sqlite;
        if released {
            self.event(EventType::LockReleased, json!({"holder": holder}));
        }
        Ok((holder, released))
    }

    /// Where every migration stands. Reads only; creates nothing.
    pub async fn status(&mut self) -> Result<StatusReport, MigrateError> {
        let history = self.history().await?;
        let rows = history.rows(self.engine.as_mut()).await?;
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
                    RowStatus::RollingBack | RowStatus::RollbackFailed => {
                        MigrationState::RollbackStopped
                    }
                },
            };
            let note = match (row, drift) {
                (_, Some(d)) => Some(d.to_string()),
                (Some(r), None) if !r.status.is_done() => Some(self.blocked_error(r).to_string()),
                (None, None) if m.up.directives.contract => {
                    Some("contract migration: applied only by `migrate up --contract`".into())
                }
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
        let history = self.history().await?;
        let rows = history.rows(self.engine.as_mut()).await?;
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
        self.locked("baseline", async |r| {
            let history = r.history().await?;
            history.ensure(r.engine.as_mut()).await?;
            let rows = history.rows(r.engine.as_mut()).await?;
            let todo: Vec<Migration> = r.pending(&rows, Some(version));
            let mut recorded = Vec::new();
            for m in &todo {
                let total = m.up.statements().len() as u64;
                let row = r.history_row(m, RowStatus::Baseline, total, total, 0);
                history.insert(r.engine.as_mut(), &row).await?;
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
        self.locked("rehash", async |r| {
            let history = r.history().await?;
            let rows = history.rows(r.engine.as_mut()).await?;
            let drifts = check_drift(&r.set, &rows);
            let real: Vec<Drift> = drifts
                .iter()
                .filter(|d| !d.cosmetic_only())
                .cloned()
                .collect();
            if !real.is_empty() {
                return Err(MigrateError::Drift { drifts: real });
            }
            let mut accepted: Vec<String> = Vec::new();
            for d in &drifts {
                if accepted.contains(&d.migration) {
                    continue;
                }
                if let Some(m) = r.set.get(d.version).cloned() {
                    history.update_checksums(r.engine.as_mut(), &m).await?;
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
    pub async fn dry_run(
        &mut self,
        to: Option<u64>,
        mode: DryRunMode,
    ) -> Result<DryRunReport, MigrateError> {
        self.fill_target_version().await;
        self.locked("dry_run", async |r| r.dry_run_locked(to, mode).await)
            .await
    }

    async fn dry_run_locked(
        &mut self,
        to: Option<u64>,
        mode: DryRunMode,
    ) -> Result<DryRunReport, MigrateError> {
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
        let history = self.history().await?;
        let rows = history.rows(self.engine.as_mut()).await?;
        self.refuse_drift(&rows)?;
        if let Some(row) = rows.iter().find(|r| !r.status.is_done()) {
            return Err(self.blocked_error(row));
        }
        let pending = self.pending(&rows, to);
        self.check_pending(&pending, &rows)?;
        if mode == DryRunMode::InPlace && !self.engine.capabilities().transactional_ddl {
            return Err(MigrateError::DryRunUnsupported(format!(
                "{} commits DDL implicitly, so a dry run cannot be rolled back in place; use `--dry-run` (a scratch copy)",
                dialect.name()
            )));
        }
        if mode == DryRunMode::Scratch {
            report.mode = "scratch_copy".into();
            self.rehearse_on_scratch(&rows, &pending, &mut report)
                .await?;
            self.event(
                EventType::DryRunComplete,
                json!({"migrations": report.migrations, "status": "rehearsed_on_scratch"}),
            );
            return Ok(report);
        }
        report.notes.push(format!(
            "ran inside a transaction on the target and rolled back: it took the real locks, each wait bounded by the lock timeout ({} ms); `--dry-run` alone runs on a scratch copy and blocks nobody",
            self.options.lock_policy.wait.as_millis()
        ));
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

    /// The dry run for real on a scratch database holding a copy of the schema, the history and
    /// a sample of the rows, dropped afterwards whatever happened. The target database is only
    /// read, so no application query waits for the dry run's locks.
    async fn rehearse_on_scratch(
        &mut self,
        rows: &[HistoryRow],
        pending: &[Migration],
        report: &mut DryRunReport,
    ) -> Result<(), MigrateError> {
        // A script that switches database or names the target explicitly would reach past the
        // scratch copy into the real database.
        // (On PostgreSQL a qualified name is a schema inside the scratch database.)
        let database = self.engine.server_info().await?.database;
        for m in pending.iter().filter(|_| self.dialect() == Dialect::Mysql) {
            for stmt in m.up.statements() {
                if stmt.is_use_database() || names_database(&stmt.sql, &database) {
                    return Err(MigrateError::DryRunUnsupported(format!(
                        "{}:{}: the statement switches database or names `{database}` explicitly, so a rehearsal on a \
                         scratch copy would change the real database; nothing was run. Remove the database name from \
                         the script (the connection already selects it) to rehearse it",
                        m.up.path.display(),
                        stmt.line
                    )));
                }
            }
        }
        let schema = self.engine.introspect().await?;
        let sample = sample_rows(self.engine.as_mut()).await?;
        let name = dbwarden_engine::scratch_name("dryrun");
        let mut scratch = self.engine.create_scratch(&name).await?;
        let outcome = rehearse(scratch.as_mut(), &schema, rows, pending, &sample, report).await;
        drop(scratch);
        let dropped = self.engine.drop_scratch(&name).await;
        outcome?;
        if let Err(e) = dropped {
            report.notes.push(format!(
                "could not drop scratch database {name}: {e}; drop it by hand"
            ));
        }
        report.notes.push(format!(
            "ran for real on scratch database {name} (a copy of the schema, the migration history and up to {DRY_RUN_SAMPLE} rows a table), \
             dropped afterwards; the target was only read. Row counts come from the sample; `--dry-run=in-place` runs on the target \
             inside a transaction instead (PostgreSQL, SQLite), taking the real locks"
        ));
        Ok(())
    }
}

/// SQLite ignores `PRAGMA foreign_keys` inside a transaction
/// (<https://www.sqlite.org/pragma.html#pragma_foreign_keys>), yet its documented table rebuild
/// (<https://www.sqlite.org/lang_altertable.html#otheralter>) turns enforcement off first so that
/// `DROP TABLE` does not cascade into child rows. Such statements are taken out of the script
/// and applied around the transaction instead; returns the rest, and whether enforcement goes
/// off for the duration.
pub(crate) fn hoist_foreign_key_pragmas(
    dialect: Dialect,
    statements: Vec<Statement>,
) -> (Vec<Statement>, bool) {
    if dialect != Dialect::Sqlite {
        return (statements, false);
    }
    let mut off = false;
    let mut kept = Vec::with_capacity(statements.len());
    for stmt in statements {
        let words: Vec<String> = stmt
            .sql
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_lowercase)
            .collect();
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        match words.as_slice() {
            ["pragma", "foreign_keys", value] | ["pragma", "main", "foreign_keys", value] => {
                if matches!(*value, "off" | "0" | "false" | "no") {
                    off = true;
                }
            }
            _ => kept.push(stmt),
        }
    }
    (kept, off)
}

fn irreversible_error(m: &Migration) -> MigrateError {
    MigrateError::Irreversible(format!(
        "{} is irreversible (it has no down script); nothing was rolled back. Restore from a backup, or write a new forward migration that undoes it",
        m.label()
    ))
}

/// Builds the scratch copy and runs the pending migrations on it.
async fn copy_schema(
    scratch: &mut dyn Engine,
    schema: &dbwarden_core::Schema,
) -> Result<(), MigrateError> {
    for statement in dbwarden_core::render::schema_statements(schema) {
        scratch.execute(&statement).await.map_err(|e| {
            MigrateError::DryRunUnsupported(format!(
                "could not copy the schema into the scratch database, so nothing was rehearsed: {e}\nstatement: {statement}"
            ))
        })?;
    }
    Ok(())
}

/// Whether a statement only changes rows (so it can share a transaction on MySQL).
fn is_data_statement(stmt: &Statement) -> bool {
    dbwarden_engine::changes_rows(&stmt.sql)
}

/// Rows per table a scratch dry run copies.
const DRY_RUN_SAMPLE: u64 = 1000;

/// A sample of the target's rows (foreign keys kept satisfied), as a backup in a temporary
/// folder, for a scratch dry run.
async fn sample_rows(
    engine: &mut dyn Engine,
) -> Result<
    (
        tempfile::TempDir,
        std::sync::Arc<crate::backup::BackupReader>,
    ),
    MigrateError,
> {
    let io = |e: std::io::Error| {
        MigrateError::DryRunUnsupported(format!(
            "cannot make a temporary folder for the row sample: {e}"
        ))
    };
    let folder = tempfile::tempdir().map_err(io)?;
    let file = folder.path().join("dry-run-sample.dbwb");
    let sampled = crate::backup::create(
        engine,
        &crate::backup::BackupOptions {
            file: file.clone(),
            tables: None,
            sample_rows: Some(DRY_RUN_SAMPLE),
        },
        None,
    )
    .await;
    let copy_failed = |e: crate::backup::BackupError| {
        MigrateError::DryRunUnsupported(format!(
            "could not copy a sample of the rows for the dry run, so nothing was run: {e}"
        ))
    };
    sampled.map_err(copy_failed)?;
    let reader = crate::backup::BackupReader::open(&file).map_err(copy_failed)?;
    Ok((folder, std::sync::Arc::new(reader)))
}

/// Whether `sql` names database `database` as a qualifier (`db.table`, `` `db`.table ``),
/// outside string literals: a scratch rehearsal of it would reach the real database.
fn names_database(sql: &str, database: &str) -> bool {
    let db = database.to_ascii_lowercase();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some('`') if c == '`' => {
                quote = None;
                if chars.peek() == Some(&'.') && word == db {
                    return true;
                }
                word.clear();
            }
            Some('`') => word.push(c.to_ascii_lowercase()),
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '`' || c == '\'' || c == '"' => {
                quote = Some(c);
                word.clear();
            }
            None if c.is_alphanumeric() || c == '_' || c == '$' => {
                word.push(c.to_ascii_lowercase())
            }
            None if c == '.' && word == db => return true,
            None => word.clear(),
        }
    }
    false
}

async fn rehearse(
    scratch: &mut dyn Engine,
    schema: &dbwarden_core::Schema,
    rows: &[HistoryRow],
    pending: &[Migration],
    sample: &(
        tempfile::TempDir,
        std::sync::Arc<crate::backup::BackupReader>,
    ),
    report: &mut DryRunReport,
) -> Result<(), MigrateError> {
    // The objects tables need first, then the tables with their sampled rows (a restore creates
    // them, keys after the rows), then the views over them.
    let mut before_tables = dbwarden_core::Schema {
        tables: Vec::new(),
        views: Vec::new(),
        triggers: Vec::new(),
        ..schema.clone()
    };
    for sequence in &mut before_tables.sequences {
        sequence.owned_by = None;
    }
    let after_tables = dbwarden_core::Schema {
        views: schema.views.clone(),
        triggers: schema.triggers.clone(),
        ..dbwarden_core::Schema::empty(schema.dialect)
    };
    copy_schema(scratch, &before_tables).await?;
    crate::backup::restore(
        scratch,
        std::sync::Arc::clone(&sample.1),
        &crate::backup::RestoreOptions::default(),
    )
    .await
    .map_err(|e| {
        MigrateError::DryRunUnsupported(format!(
            "could not load the row sample into the scratch database, so nothing was run: {e}"
        ))
    })?;
    copy_schema(scratch, &after_tables).await?;
    let history = History::locate(scratch).await?;
    history.ensure(scratch).await?;
    for row in rows {
        history.insert(scratch, row).await?;
    }
    let before = scratch.table_names().await?;
    dry_run_statements(scratch, pending, report, false).await?;
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
    for m in pending {
        report.migrations.push(m.label());
        let statements = m.up.statements();
        let run = !(in_transaction && m.no_transaction());
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

/// Cuts `pending` before its first `-- dbwarden:contract` migration unless contract steps
/// were asked for (`contract`), and returns the migration held back: a contract step drops
/// the old shape, and nothing after it may run before it.
pub fn hold_contract(pending: &mut Vec<Migration>, contract: bool) -> Option<Migration> {
    if contract {
        return None;
    }
    let at = pending.iter().position(|m| m.up.directives.contract)?;
    pending.drain(at..).next()
}

/// The lint target version of a live server (`postgres:15.4`, `mariadb:10.11.6`, ...).
pub(crate) fn lint_target(
    info: &dbwarden_engine::ServerInfo,
) -> Option<dbwarden_lint::TargetVersion> {
    dbwarden_lint::TargetVersion::of_server(info.dialect, &info.product, &info.version)
}

#[cfg(test)]
mod tests {
    use super::names_database;

    #[test]
    fn a_qualifier_names_the_database_a_substring_does_not() {
        assert!(names_database("ALTER TABLE app.users ADD c INT", "app"));
        assert!(names_database("ALTER TABLE `App`.users ADD c INT", "app"));
        assert!(!names_database("ALTER TABLE myapp.users ADD c INT", "app"));
        assert!(!names_database("INSERT INTO t VALUES ('app.users')", "app"));
        assert!(!names_database("ALTER TABLE users ADD app INT", "app"));
    }
}
