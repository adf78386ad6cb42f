//! Everything that can stop a migration run, typed so the CLI maps each to an exit code and a
//! message that says what failed, where, and what to do next.

use dbwarden_engine::EngineError;
use std::path::PathBuf;
use thiserror::Error;

/// Why a migration command stopped. Where migrations were applied before the failure, they are
/// listed in the error so a failure still says what changed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum MigrateError {
    /// The database could not be reached or refused a query.
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// A file could not be read.
    #[error("cannot read {path}: {message}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The OS error.
        message: String,
    },
    /// No migrations to work with.
    #[error("no migrations in {dir}: {reason}; create one with `dbwarden migrate new NAME`")]
    NoMigrations {
        /// The folder.
        dir: PathBuf,
        /// Why (missing, empty).
        reason: String,
    },
    /// A file in the migrations folder is not usable.
    #[error("{path}: {reason}")]
    InvalidFile {
        /// The file.
        path: PathBuf,
        /// What is wrong and how to fix it.
        reason: String,
    },
    /// Two migrations share a version number.
    #[error(
        "version {version} is used twice ({first} and {second}): renumber one of them so every version is unique"
    )]
    DuplicateVersion {
        /// The shared version.
        version: String,
        /// One migration.
        first: String,
        /// The other.
        second: String,
    },
    /// A history row dbwarden cannot make sense of (edited by hand?).
    #[error(
        "the history row for version {version} is not valid: {reason}. Fix or delete the row in dbwarden_migrations by hand after checking what that migration did"
    )]
    CorruptHistory {
        /// The row's version as stored.
        version: String,
        /// What is wrong.
        reason: String,
    },
    /// A version does not fit the history table's BIGINT.
    #[error("version {version} is too large (at most 19 digits, below 2^63)")]
    VersionTooLarge {
        /// The version.
        version: String,
    },
    /// A pending migration has no down script.
    #[error(
        "{migration} has no down script ({expected}): write one, or mark the migration irreversible on purpose with `-- dbwarden:irreversible` as the first line of its up script"
    )]
    MissingDown {
        /// The migration label.
        migration: String,
        /// The file that should exist.
        expected: PathBuf,
    },
    /// Applied migrations' files changed since they were applied.
    #[error("{}", drift_message(.drifts))]
    Drift {
        /// Every drifted migration.
        drifts: Vec<super::Drift>,
    },
    /// A pending migration is older than the newest applied one.
    #[error(
        "{migration} is older than the newest applied migration {newest}: it would run out of order. Renumber it after {newest}, or pass --allow-out-of-order if running it late is safe"
    )]
    OutOfOrder {
        /// The pending migration.
        migration: String,
        /// The newest applied migration.
        newest: String,
    },
    /// The history table was written by a newer dbwarden.
    #[error(
        "the history table was written by a newer dbwarden (history format {found}, this one understands up to {supported}); upgrade dbwarden"
    )]
    NewerHistory {
        /// The format found.
        found: i64,
        /// The newest format this build reads.
        supported: i64,
    },
    /// A non-transactional migration stopped part-way and needs a decision.
    #[error(
        "{migration} stopped part-way: {done} of {total} statements ran{ran}{error}. Nothing else will be applied until you choose: fix the script and run `dbwarden migrate up --resume` to continue from statement {next}, or run `dbwarden migrate down` to run its down script"
    )]
    PartiallyApplied {
        /// The migration label.
        migration: String,
        /// Statements that completed.
        done: u64,
        /// Statements in the script.
        total: u64,
        /// Which statements ran (file lines).
        ran: String,
        /// The recorded error, if any.
        error: String,
        /// The statement `--resume` starts from.
        next: u64,
    },
    /// A down script run statement by statement stopped part-way.
    #[error(
        "{migration}: its down script stopped part-way ({done} of {total} statements ran): {error}. Nothing will be applied until it is finished: fix the down script and run `dbwarden migrate down` again, which continues from statement {}",
        .done.saturating_add(1)
    )]
    RollbackStopped {
        /// The migration label.
        migration: String,
        /// Down statements that completed.
        done: u64,
        /// Statements in the down script.
        total: u64,
        /// What stopped it.
        error: String,
    },
    /// A script run with foreign key enforcement off left dangling references.
    #[error(
        "{migration} ({file}) would leave {count} rows whose foreign keys point at nothing ({examples}); it was rolled back. Fix the data in the script before re-enabling foreign keys"
    )]
    ForeignKeyViolations {
        /// The migration label.
        migration: String,
        /// The script.
        file: PathBuf,
        /// How many violations `PRAGMA foreign_key_check` found.
        count: usize,
        /// The first few.
        examples: String,
    },
    /// The lint found unsafe operations nobody allowed.
    #[error(
        "pending migrations have unsafe operations; nothing was applied:\n{findings}\nRun `dbwarden lint` for why and the safe alternative. To accept one, put `-- dbwarden:allow <rule> <reason>` above the statement, or pass --allow <rule>"
    )]
    LintRefused {
        /// One line per blocking finding.
        findings: String,
    },
    /// Destructive statements without a verified backup of their tables.
    #[error(
        "pending migrations destroy data that no verified backup holds; nothing was applied:\n{statements}\nTake a backup and verify it (`dbwarden backup create --table TABLE --verify -o FILE`), then pass `--backup FILE` (verified again before use); or run `dbwarden apply`, which takes and verifies one itself"
    )]
    BackupRequired {
        /// One line per uncovered statement.
        statements: String,
    },
    /// `--resume` cannot continue safely.
    #[error("cannot resume: {0}")]
    ResumeMismatch(String),
    /// A statement failed.
    #[error("{}", failure_message(.migration, .file, .line, .statement, .message, *.rolled_back, .applied))]
    StatementFailed {
        /// The migration label.
        migration: String,
        /// The script file.
        file: PathBuf,
        /// Line of the failing statement (or of the error position inside it).
        line: usize,
        /// 1-based index of the statement in the script.
        statement: usize,
        /// The database's message.
        message: String,
        /// Whether the migration's earlier statements were rolled back.
        rolled_back: bool,
        /// Migrations applied in this run before the failure.
        applied: Vec<String>,
    },
    /// The run was interrupted (SIGINT/SIGTERM, or the caller's token): the statement in
    /// flight was cancelled on the server and no further migration started.
    #[error("interrupted: {state}")]
    Interrupted {
        /// Migrations applied (or rolled back) in this run before the interrupt.
        done: Vec<String>,
        /// What state the database is in, and what to run next.
        state: String,
    },
    /// A statement kept waiting for a table lock: every try ran out of its lock wait.
    #[error(
        "{migration}: statement {statement} at {}:{line} could not get its lock in {tries} tries of {wait_ms} ms each \
         (nothing of this migration stayed applied{}); blocked by {blockers}. Find and end the long transaction \
         (or wait for it), then run the same command again; raise --lock-timeout / --lock-retries to wait longer",
        .file.display(),
        if *.transactional { "" } else { " after the statements before it" }
    )]
    LockWaitExhausted {
        /// The migration label.
        migration: String,
        /// The script file.
        file: PathBuf,
        /// Line of the statement.
        line: usize,
        /// 1-based index of the statement in the script.
        statement: usize,
        /// Tries made.
        tries: u32,
        /// The lock wait of each try, in milliseconds.
        wait_ms: u64,
        /// The sessions that held the lock, as far as the database told.
        blockers: String,
        /// Whether the migration ran in one transaction (and so left nothing behind).
        transactional: bool,
    },
    /// Waited too long for another runner's lock.
    #[error(
        "timed out after {seconds} s waiting for the migration lock{}: another dbwarden is migrating this database; wait for it or raise --runner-lock-timeout",
        .holder.as_ref().map(|h| format!(" held by {h}")).unwrap_or_default()
    )]
    LockTimeout {
        /// How long we waited.
        seconds: u64,
        /// Who holds it.
        holder: Option<String>,
    },
    /// A target version or step count that does not make sense.
    #[error("{0}")]
    BadTarget(String),
    /// Refusing to roll back something that cannot be.
    #[error("{0}")]
    Irreversible(String),
    /// Dry run is not possible as asked.
    #[error("{0}")]
    DryRunUnsupported(String),
}

fn drift_message(drifts: &[super::Drift]) -> String {
    let mut s = String::from("applied migrations changed since they were applied:");
    for d in drifts {
        s.push_str("\n  ");
        s.push_str(&d.to_string());
    }
    let cosmetic = drifts.iter().all(|d| d.cosmetic_only());
    if cosmetic {
        s.push_str("\nOnly comments or whitespace changed: review the files, then run `dbwarden migrate rehash` to accept them.");
    } else {
        s.push_str("\nAn applied migration must not be edited: restore the file (git checkout), and put new changes in a new migration.");
    }
    s
}

fn failure_message(
    migration: &str,
    file: &std::path::Path,
    line: &usize,
    statement: &usize,
    message: &str,
    rolled_back: bool,
    applied: &[String],
) -> String {
    let mut s = format!(
        "{migration} failed at {}:{line} (statement {statement}): {message}",
        file.display()
    );
    if rolled_back {
        s.push_str("\nthe migration was rolled back: the database is as it was before it");
    } else if *statement > 1 {
        s.push_str(&format!(
            "\nstatements 1 to {} of this script stay applied (they ran outside a transaction); \
             `dbwarden migrate status` shows where it stands",
            statement - 1
        ));
    }
    if !applied.is_empty() {
        s.push_str(&format!(
            "\napplied before the failure: {}",
            applied.join(", ")
        ));
    }
    s
}

impl MigrateError {
    /// Whether the error is a safety refusal (nothing was changed on purpose).
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            MigrateError::MissingDown { .. }
                | MigrateError::OutOfOrder { .. }
                | MigrateError::NewerHistory { .. }
                | MigrateError::PartiallyApplied { .. }
                | MigrateError::RollbackStopped { .. }
                | MigrateError::LintRefused { .. }
                | MigrateError::BackupRequired { .. }
                | MigrateError::ResumeMismatch(_)
                | MigrateError::Irreversible(_)
                | MigrateError::DryRunUnsupported(_)
        )
    }

    /// Whether the error is bad input (files, arguments) rather than a database failure.
    pub fn is_input_error(&self) -> bool {
        matches!(
            self,
            MigrateError::NoMigrations { .. }
                | MigrateError::InvalidFile { .. }
                | MigrateError::DuplicateVersion { .. }
                | MigrateError::VersionTooLarge { .. }
                | MigrateError::BadTarget(_)
                | MigrateError::Io { .. }
        )
    }
}
