//! The command line, as clap reads it.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// dbwarden: safe schema changes and data migrations for PostgreSQL, MySQL/MariaDB and SQLite.
#[derive(Parser)]
#[command(name = "dbwarden", version, about, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Not `Debug`: it holds the raw `--database-url`, password included.
#[derive(Args)]
pub struct GlobalArgs {
    /// Database URL: postgres://, mysql://, mariadb://, sqlite:PATH or sqlite::memory:.
    /// Defaults to DATABASE_URL, then DATABASE_URL in .env.
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
    /// Print machine-readable JSON on stdout.
    #[arg(long, global = true)]
    pub json: bool,
    /// The migrations folder.
    #[arg(long, global = true, default_value = "migrations", value_name = "DIR")]
    pub migrations_dir: PathBuf,
    /// The NDJSON event log every run appends to.
    #[arg(
        long,
        global = true,
        default_value = ".dbwarden/events.ndjson",
        value_name = "FILE",
        env = "DBWARDEN_EVENT_LOG"
    )]
    pub event_log: PathBuf,
    /// Do not write the event log.
    #[arg(long, global = true)]
    pub no_event_log: bool,
    /// More logging on stderr (-v, -vv).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// inspect, diff, plan: keep other migration tools' history tables (`_sqlx_migrations`,
    /// `schema_migrations`, ...), which are otherwise left out of the schema.
    #[arg(long, global = true)]
    pub include_tool_tables: bool,
    /// inspect, diff, plan: fail when the database holds objects dbwarden does not manage
    /// (policies, materialized views, ...) instead of warning about them.
    #[arg(long, global = true)]
    pub strict: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create an example SQLite project and run the main job on it: migrations up and down,
    /// then a rename planned as expand + contract and applied with backup, rehearsal,
    /// measured stall and validation.
    Demo {
        /// Where to create the example project (default: `dbwarden-demo` in the system's
        /// temporary folder, so nothing is left in the folder it runs from).
        #[arg(long)]
        dir: Option<PathBuf>,
        /// Rows to load into the example database.
        #[arg(long, default_value_t = 5000)]
        rows: u32,
    },
    /// Find out what database and migration tooling a project uses.
    Detect {
        /// The project folder.
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Compare two schemas (database URLs, SQL files or folders, migrations folders) and
    /// classify every change: safe, breaking or destructive, table rewrites, locks.
    Diff {
        /// The current schema.
        #[arg(long, value_name = "SRC")]
        from: String,
        /// The desired schema.
        #[arg(long, value_name = "SRC")]
        to: String,
        /// A rename: `table.old=new` for a column, `old_table=new_table` for a table. Repeatable.
        #[arg(long = "rename", value_name = "HINT")]
        renames: Vec<String>,
        /// Where SQL sources are applied to be read (a scratch database is created there and
        /// dropped). Defaults to the side given as a URL, then the configured database URL.
        #[arg(long, value_name = "URL")]
        dev_url: Option<String>,
        /// Exit with code 4 when the schemas differ (for drift checks in CI).
        #[arg(long)]
        fail_on_diff: bool,
    },
    /// Write the next migration pair (up and down) that turns the current schema into the
    /// desired one.
    Plan {
        /// The desired schema (SQL file or folder, or a database URL).
        #[arg(long, value_name = "SRC")]
        to: String,
        /// What the migration does, e.g. add_users.
        #[arg(long)]
        name: String,
        /// The current schema (default: the migrations folder replayed).
        #[arg(long, value_name = "SRC")]
        from: Option<String>,
        /// A rename: `table.old=new` for a column, `old_table=new_table` for a table. Repeatable.
        #[arg(long = "rename", value_name = "HINT")]
        renames: Vec<String>,
        /// Where SQL sources are applied to be read (a scratch database is created there and
        /// dropped). Defaults to the configured database URL.
        #[arg(long, value_name = "URL")]
        dev_url: Option<String>,
        /// Write destructive changes that no expand/contract split covers (or all of them,
        /// with --single-step) as an irreversible migration instead of refusing.
        #[arg(long)]
        allow_destructive: bool,
        /// Write one migration instead of splitting breaking and destructive changes (drops,
        /// renames) into an expand migration and a `-- dbwarden:contract` migration.
        #[arg(long)]
        single_step: bool,
        /// Write the plan even when routines or triggers of the desired schema still name a
        /// column or table it renames or drops (the scan of their bodies is conservative).
        #[arg(long)]
        ignore_dependents: bool,
    },
    /// Check migration files for unsafe operations (locks, rewrites, data loss, breaking
    /// changes) and print why and the safe alternative. Exit 3 on errors.
    Lint {
        /// Files or folders (default: the migrations folder; in a folder, the up scripts).
        paths: Vec<PathBuf>,
        /// The engine and server version the SQL is for.
        #[command(flatten)]
        dialect: LintTarget,
        /// Output format.
        #[arg(long, value_enum, default_value_t = LintFormat::Human)]
        format: LintFormat,
        /// Accept a rule's findings for this run (repeatable).
        #[arg(long, value_name = "RULE")]
        allow: Vec<String>,
        /// Assess each statement against the live database (table rows and bytes, lock,
        /// rewrite or scan, duration class), with the URL from --database-url, DATABASE_URL
        /// or .env. Implied by --database-url.
        #[arg(long)]
        impact: bool,
        /// With impact assessment: a warning on a statement that rewrites or scans a table of
        /// more rows than this becomes an error (default: `[lint] large_table_rows` in
        /// dbwarden.toml, else 1000000).
        #[arg(long, value_name = "N")]
        large_table_rows: Option<u64>,
    },
    /// Read the live schema into dbwarden's model and print it as DDL or JSON.
    Inspect {
        /// Output format (--json implies json).
        #[arg(long, value_enum, default_value_t = InspectFormat::Sql)]
        format: InspectFormat,
    },
    /// Versioned migrations: new, status, up, down, verify, baseline, rehash.
    #[command(subcommand)]
    Migrate(MigrateCommand),
    /// The safe sequence for pending migrations: lint, impact, verified backup (when
    /// destructive), validation, rehearsal on a scratch copy, apply, validation, report; rolled
    /// back (down scripts, then the backup) when a step after the backup fails.
    Apply {
        /// Stop after this version.
        #[arg(long, value_name = "VERSION")]
        to: Option<String>,
        /// Accept a lint rule's findings for this run (repeatable).
        #[arg(long, value_name = "RULE")]
        allow: Vec<String>,
        /// Accept destructive statements (a verified backup is still taken first).
        #[arg(long)]
        allow_destructive: bool,
        /// Do not lint.
        #[arg(long)]
        no_lint: bool,
        /// When to rehearse on a scratch copy first.
        #[arg(long, value_enum, default_value_t = RehearseMode::Auto)]
        rehearse: RehearseMode,
        /// Rows per table copied for the rehearsal, foreign keys kept satisfied (0: all).
        #[arg(long, default_value_t = 100_000, value_name = "N")]
        rehearse_rows: u64,
        /// Where backups are written.
        #[arg(long, default_value = "backups", value_name = "DIR")]
        backup_dir: PathBuf,
        /// Where the report and zero-downtime checklist are written.
        #[arg(long, default_value = ".dbwarden/reports", value_name = "DIR")]
        report_dir: PathBuf,
        /// Apply `-- dbwarden:contract` migrations too; without it, the run stops before the
        /// first one.
        #[arg(long)]
        contract: bool,
        /// After a successful run, keep only this many of the newest backups in the backup
        /// folder (default: keep all).
        #[arg(long, value_name = "N")]
        keep_backups: Option<usize>,
        #[command(flatten)]
        lock: LockArgs,
    },
    /// Native, compressed backups with checksums: create, verify, restore, list, prune.
    #[command(subcommand)]
    Backup(BackupCommand),
    /// List and remove what killed runs left: scratch databases, unfinished backup files,
    /// change-capture triggers.
    Clean {
        /// Only list them.
        #[arg(long)]
        dry_run: bool,
        /// Also remove scratch databases whose owner this host cannot check (made on another
        /// host, or named by an older dbwarden).
        #[arg(long)]
        all: bool,
        /// Folders to look in for unfinished backups (repeatable).
        #[arg(long = "dir", value_name = "DIR", default_values = ["backups", "."])]
        dirs: Vec<PathBuf>,
    },
    /// Fingerprints of every table (rows, NULLs, distinct keys, checksums), saved and compared.
    #[command(subcommand)]
    Validate(ValidateCommand),
}

#[derive(Debug, Subcommand)]
pub enum BackupCommand {
    /// Back up the whole database, or the tables named, into one file.
    Create {
        /// Only these tables (repeatable; `name` or `schema.name`).
        #[arg(long = "table", value_name = "TABLE")]
        tables: Vec<String>,
        /// The file to write (default: backups/YYYYMMDD_HHMMSS.dbwb).
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Verify the backup right after writing it.
        #[arg(long)]
        verify: bool,
    },
    /// Re-read every byte against the checksums, restore into a scratch database and compare
    /// fingerprints with the manifest; mark the backup verified.
    Verify {
        /// The backup file.
        file: PathBuf,
        /// Where the scratch database is created (default: the database URL).
        #[arg(long, value_name = "URL")]
        dev_url: Option<String>,
    },
    /// Restore a backup into the database (refuses to overwrite rows without --force).
    Restore {
        /// The backup file.
        file: PathBuf,
        /// Only these tables (repeatable).
        #[arg(long = "table", value_name = "TABLE")]
        tables: Vec<String>,
        /// Replace the rows of tables that already hold rows.
        #[arg(long)]
        force: bool,
    },
    /// List the backups in a folder with their tables, rows and verification.
    List {
        /// The folder.
        #[arg(default_value = "backups")]
        dir: PathBuf,
    },
    /// Keep the newest N backups in a folder and remove older ones (with their markers).
    Prune {
        /// The folder.
        #[arg(default_value = "backups")]
        dir: PathBuf,
        /// How many of the newest backups to keep whatever their age.
        #[arg(long, value_name = "N")]
        keep: usize,
        /// Remove only backups older than this (e.g. 7d is not accepted: write 168h).
        #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
        older_than: Option<std::time::Duration>,
        /// Only say what would be removed.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ValidateCommand {
    /// Fingerprint every table (or those named) and write the snapshot as JSON.
    Snapshot {
        /// Where to write it (default: stdout).
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Only these tables (repeatable).
        #[arg(long = "table", value_name = "TABLE")]
        tables: Vec<String>,
        /// Also a checksum per column (slower; lets a comparison name the column).
        #[arg(long)]
        column_checksums: bool,
    },
    /// Compare two snapshots (or a snapshot with the live database) and explain every
    /// difference. Exit 4 when they differ in ways the migration did not intend.
    Compare {
        /// The snapshot taken before.
        before: PathBuf,
        /// The snapshot after (default: the live database now).
        after: Option<PathBuf>,
        /// A migration script whose intended changes are expected (repeatable).
        #[arg(long, value_name = "FILE")]
        migration: Vec<PathBuf>,
    },
}

/// What `dbwarden lint` checks the SQL for: the engine, and the server version when known.
#[derive(Debug, Args, Clone)]
pub struct LintTarget {
    /// The engine the SQL is for (default: from --target-version or the database URL).
    #[arg(long)]
    pub dialect: Option<String>,
    /// The server version the migrations run on, for rules whose verdict depends on it:
    /// `postgres:11`, `11`, `mysql:8.0.28`, `mariadb:10.4`, `sqlite:3.35` (a bare number is for
    /// the dialect; on MySQL, 10 and later are MariaDB). Without it the rules assume
    /// PostgreSQL 12+, MySQL 8.0.29+, MariaDB 10.4+.
    #[arg(long, value_name = "VERSION")]
    pub target_version: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LintFormat {
    /// For people.
    Human,
    /// Machine-readable.
    Json,
    /// GitHub Actions annotations.
    Github,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
}

/// When `apply` rehearses.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RehearseMode {
    /// For destructive or breaking migrations.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum DryRunWhere {
    /// On a scratch copy (the default).
    Scratch,
    /// Inside a transaction on the target, rolled back.
    InPlace,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum InspectFormat {
    /// SQL DDL in the database's dialect.
    Sql,
    /// The normalized model as JSON.
    Json,
}

#[derive(Debug, Args, Clone)]
pub struct LockArgs {
    /// Seconds to wait for another runner's migration lock.
    #[arg(long, default_value_t = 60, value_name = "SECONDS")]
    pub runner_lock_timeout: u64,
    /// The longest one statement waits for a table lock before it gives up and is tried
    /// again (e.g. 2s, 500ms): a waiting ALTER blocks every query queued behind it.
    #[arg(long, default_value = "2s", value_name = "DURATION", value_parser = parse_lock_wait)]
    pub lock_timeout: std::time::Duration,
    /// How many tries a statement (or a transactional migration) gets in all.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub lock_retries: u32,
    /// No new try starts after this long (e.g. 10m).
    #[arg(long, default_value = "10m", value_name = "DURATION", value_parser = parse_duration)]
    pub lock_budget: std::time::Duration,
    /// Terminate sessions that have blocked the lock longer than this (e.g. 30s), never one
    /// whose transaction has written. Off unless given.
    #[arg(long, value_name = "DURATION", value_parser = parse_lock_wait)]
    pub kill_blockers_after: Option<std::time::Duration>,
}

impl Default for LockArgs {
    fn default() -> Self {
        let policy = dbwarden::locks::LockPolicy::default();
        LockArgs {
            runner_lock_timeout: 60,
            lock_timeout: policy.wait,
            lock_retries: policy.tries,
            lock_budget: policy.budget,
            kill_blockers_after: None,
        }
    }
}

impl LockArgs {
    /// The lock policy these flags describe.
    pub fn policy(&self) -> dbwarden::locks::LockPolicy {
        dbwarden::locks::LockPolicy {
            wait: self.lock_timeout,
            tries: self.lock_retries.max(1),
            budget: self.lock_budget,
            kill_blockers_after: self.kill_blockers_after,
        }
    }
}

/// `500ms`, `2s`, `10m`, `1h`, or a number of seconds.
pub fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration: write e.g. 500ms, 2s, 10m or 1h"))?;
    let seconds = match unit.trim() {
        "" | "s" => value,
        "ms" => value / 1000.0,
        "m" | "min" => value * 60.0,
        "h" => value * 3600.0,
        other => {
            return Err(format!(
                "`{other}` is not a unit of time: use ms, s, m or h"
            ));
        }
    };
    std::time::Duration::try_from_secs_f64(seconds)
        .map_err(|_| format!("`{text}` is not a duration"))
}

/// A lock wait needs its unit: `--lock-timeout` once meant the wait for another runner (in
/// seconds, now `--runner-lock-timeout`), and a bare `300` would now mean five minutes per
/// statement.
pub fn parse_lock_wait(text: &str) -> Result<std::time::Duration, String> {
    if !text.trim().is_empty() && text.trim().chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Err(format!(
            "`{text}` needs a unit (e.g. 2s or 500ms): --lock-timeout is how long each statement waits for a table lock; \
             the wait for another dbwarden is --runner-lock-timeout SECONDS"
        ));
    }
    parse_duration(text)
}

#[derive(Debug, Subcommand)]
pub enum MigrateCommand {
    /// Create the next NNNN_name.up.sql and NNNN_name.down.sql.
    New {
        /// What the migration does, e.g. add_users.
        name: String,
    },
    /// Show every migration and where it stands.
    Status,
    /// Apply pending migrations.
    Up {
        /// Stop after this version.
        #[arg(long, value_name = "VERSION")]
        to: Option<String>,
        /// Report what would change without changing anything. `--dry-run` (or `=scratch`)
        /// runs the statements on a scratch copy of the schema and a sample of the rows, so no
        /// application query waits; `--dry-run=in-place` runs them inside a transaction on the
        /// target and rolls back (PostgreSQL, SQLite), taking the real locks.
        #[arg(long, value_enum, num_args = 0..=1, default_missing_value = "scratch", require_equals = true, value_name = "WHERE")]
        dry_run: Option<DryRunWhere>,
        /// Continue a migration that stopped part-way, from its first statement not done.
        #[arg(long)]
        resume: bool,
        /// Apply pending migrations older than the newest applied one.
        #[arg(long)]
        allow_out_of_order: bool,
        /// Accept a lint rule's findings for this run (repeatable; see `dbwarden lint`).
        #[arg(long, value_name = "RULE")]
        allow: Vec<String>,
        /// Accept destructive statements (DROP TABLE/COLUMN, TRUNCATE, DELETE without WHERE...).
        #[arg(long)]
        allow_destructive: bool,
        /// Do not lint pending migrations before applying them.
        #[arg(long)]
        no_lint: bool,
        /// A backup holding the tables that destructive statements touch; it is verified
        /// (checksums and a scratch restore) before anything runs.
        #[arg(long, value_name = "FILE")]
        backup: Option<PathBuf>,
        /// Apply `-- dbwarden:contract` migrations too (the step that drops an old shape once
        /// no running code uses it). Without it, `up` stops before the first one.
        #[arg(long)]
        contract: bool,
        #[command(flatten)]
        lock: LockArgs,
    },
    /// Roll back applied migrations with their down scripts.
    Down {
        /// How many migrations to roll back (default 1).
        #[arg(long, conflicts_with = "to")]
        steps: Option<usize>,
        /// Roll back every migration newer than this version (0: all).
        #[arg(long, value_name = "VERSION")]
        to: Option<String>,
        #[command(flatten)]
        lock: LockArgs,
    },
    /// Check applied migrations against their files (exit 4 on drift).
    Verify,
    /// Record migrations up to VERSION as applied without running them (adopt an existing database).
    Baseline {
        /// The last version the database already has.
        #[arg(id = "baseline_version", value_name = "VERSION")]
        version: String,
        #[command(flatten)]
        lock: LockArgs,
    },
    /// Release the migration lock left by a runner that died (SQLite); on PostgreSQL and MySQL
    /// the lock ends with its session, so this shows who holds it.
    Unlock,
    /// Accept edits to applied migrations that touch only comments or whitespace.
    Rehash {
        #[command(flatten)]
        lock: LockArgs,
    },
}
