//! What the runner reports: progress while it works, and serializable results at the end.
//! Every figure here is measured in the run.

use serde::Serialize;

/// Progress, for the CLI to show on stderr while the runner works.
#[derive(Debug, Clone)]
pub enum Progress {
    /// Another session holds the migration lock.
    WaitingForLock {
        /// Who, as far as the database can tell.
        holder: Option<String>,
    },
    /// The lock was taken.
    LockAcquired,
    /// A migration is starting.
    Started {
        /// `0003_name`.
        migration: String,
        /// Up or down.
        direction: &'static str,
    },
    /// A migration finished.
    Finished {
        /// `0003_name`.
        migration: String,
        /// Milliseconds.
        duration_ms: u64,
    },
    /// Nothing to do.
    UpToDate,
}

/// One migration applied (or rolled back) in this run.
#[derive(Debug, Clone, Serialize)]
pub struct AppliedMigration {
    /// Version as written.
    pub version: String,
    /// Name.
    pub name: String,
    /// Wall time.
    pub duration_ms: u64,
    /// Statements executed.
    pub statements: usize,
    /// Rows the statements reported as affected.
    pub rows_affected: u64,
    /// Ran inside one transaction.
    pub transactional: bool,
}

impl AppliedMigration {
    /// `0003_name`.
    pub fn label(&self) -> String {
        format!("{}_{}", self.version, self.name)
    }
}

/// The result of `migrate up`.
#[derive(Debug, Clone, Serialize)]
pub struct UpReport {
    /// `postgresql`, `mysql`, `sqlite`.
    pub database: String,
    /// The target, redacted.
    pub target: String,
    /// Applied in this run, in order.
    pub applied: Vec<AppliedMigration>,
    /// Pending migrations left after the run (beyond `--to`, or after a held contract step).
    pub remaining: usize,
    /// The `-- dbwarden:contract` migration the run stopped before (without `--contract`).
    pub held_contract: Option<String>,
    /// Wall time of the whole run.
    pub duration_ms: u64,
}

/// The result of `migrate down`.
#[derive(Debug, Clone, Serialize)]
pub struct DownReport {
    /// `postgresql`, `mysql`, `sqlite`.
    pub database: String,
    /// The target, redacted.
    pub target: String,
    /// Rolled back in this run, newest first.
    pub rolled_back: Vec<AppliedMigration>,
    /// Wall time of the whole run.
    pub duration_ms: u64,
}

/// One statement of a dry run.
#[derive(Debug, Clone, Serialize)]
pub struct DryRunStatement {
    /// `0003_name`.
    pub migration: String,
    /// File and line.
    pub location: String,
    /// Rows the statement affected inside the rolled-back transaction (None: not executed).
    pub rows_affected: Option<u64>,
    /// The first line of the statement.
    pub summary: String,
}

/// Where a dry run runs the statements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DryRunMode {
    /// On a scratch database holding a copy of the schema, the history and a sample of the
    /// rows: the target is only read, so no application query waits for it.
    #[default]
    Scratch,
    /// Inside a transaction on the target, rolled back (PostgreSQL, SQLite): exact, but it
    /// takes the real locks (each wait bounded by the lock timeout).
    InPlace,
}

/// The result of `migrate up --dry-run`.
#[derive(Debug, Clone, Serialize)]
pub struct DryRunReport {
    /// `postgresql`, `mysql`, `sqlite`.
    pub database: String,
    /// The target, redacted.
    pub target: String,
    /// How the statements ran: `rolled_back` (inside a transaction on the target, then rolled
    /// back) or `scratch_copy` (for real on a scratch copy of the schema and a sample of the
    /// rows, then dropped).
    pub mode: String,
    /// Migrations that would be applied.
    pub migrations: Vec<String>,
    /// Statement by statement.
    pub statements: Vec<DryRunStatement>,
    /// Tables that would be created.
    pub tables_created: Vec<String>,
    /// Tables that would be dropped.
    pub tables_dropped: Vec<String>,
    /// Anything the user should know (migrations that could not run inside the transaction,
    /// engines that cannot roll DDL back).
    pub notes: Vec<String>,
}

impl DryRunReport {
    /// Fills `tables_created` / `tables_dropped` from the table names before and after.
    pub fn set_table_changes(&mut self, before: &[String], after: &[String]) {
        self.tables_created = after
            .iter()
            .filter(|t| !before.contains(t))
            .cloned()
            .collect();
        self.tables_dropped = before
            .iter()
            .filter(|t| !after.contains(t))
            .cloned()
            .collect();
    }
}

/// Where one migration stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MigrationState {
    /// Applied and unchanged.
    Applied,
    /// Recorded by `baseline`.
    Baseline,
    /// Not applied yet.
    Pending,
    /// Stopped part-way (non-transactional).
    Failed,
    /// Marked running, but no runner holds the lock: interrupted.
    Running,
    /// Its down script stopped part-way.
    RollbackStopped,
    /// Applied, but its file changed since.
    Drifted,
    /// In the history, but its files are gone.
    Missing,
}

/// One line of `migrate status`.
#[derive(Debug, Clone, Serialize)]
pub struct StatusEntry {
    /// Version as written.
    pub version: String,
    /// Name.
    pub name: String,
    /// Where it stands.
    pub state: MigrationState,
    /// When it was applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applied_at: Option<String>,
    /// How long it took.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
    /// Who applied it, from where.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applied_by: Option<String>,
    /// Failure detail or drift description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The result of `migrate status`.
#[derive(Debug, Clone, Serialize)]
pub struct StatusReport {
    /// `postgresql`, `mysql`, `sqlite`.
    pub database: String,
    /// The target, redacted.
    pub target: String,
    /// Every migration in the folder or the history, by version.
    pub migrations: Vec<StatusEntry>,
    /// How many are pending.
    pub pending: usize,
    /// How many are applied (or baselined); drifted and missing ones count, half-applied ones
    /// do not.
    pub applied: usize,
}
