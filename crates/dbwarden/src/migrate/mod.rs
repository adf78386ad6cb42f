//! The versioned migration runner: a folder of `NNNN_name.up.sql` / `.down.sql` pairs, a
//! history table in the target, one transaction per migration where the engine allows, a
//! database-level lock, per-statement progress where it does not, and refusals that keep a
//! database from drifting away from its files.

mod drift;
mod error;
mod history;
mod lock;
mod new;
mod report;
mod runner;
mod source;

pub use drift::{Drift, DriftKind, check_drift};
pub use error::MigrateError;
pub use history::{HISTORY_FORMAT, History, HistoryRow, ProgressUpdate, RowStatus};
pub use new::create_migration;
pub use report::{
    AppliedMigration, DownReport, DryRunMode, DryRunReport, DryRunStatement, MigrationState,
    Progress, StatusEntry, StatusReport, UpReport,
};
pub use runner::{
    BackupRequirement, DownTarget, RunOptions, Runner, TransactionHooks, hold_contract,
};
pub(crate) use runner::{hoist_foreign_key_pragmas, lint_target};
pub use source::{Migration, MigrationSet, Script, sha256_hex, slug};

/// The name of the database-level lock every runner takes.
pub const LOCK_NAME: &str = "dbwarden_migrate";
