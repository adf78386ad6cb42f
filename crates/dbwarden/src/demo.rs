//! The demo: an example project on SQLite (nothing to install) that shows the main job in one
//! command: the runner (apply, status, roll one back, re-apply), then a column rename planned
//! as expand + contract from a desired schema, applied by `apply` with lint, a verified
//! backup, a rehearsal on a scratch copy, the measured write stall, validation, and the report
//! and checklist written. Every figure is measured.

use crate::events::EventLog;
use crate::migrate::{DownTarget, MigrateError, MigrationSet, RunOptions, Runner, StatusReport};
use dbwarden_engine::{ConnectionUrl, Engine, Value};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Marks a folder as made by the demo, so a second run may replace it and nothing else.
const MARKER: &str = ".dbwarden-demo";

/// The demo's migrations: (file stem, up, down). `{rows}` is replaced by the row count.
const MIGRATIONS: &[(&str, &str, &str)] = &[
    (
        "0001_create_customers",
        "CREATE TABLE customers (\n    id INTEGER PRIMARY KEY,\n    name TEXT NOT NULL,\n    email TEXT NOT NULL UNIQUE,\n    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP\n);\n",
        "DROP TABLE customers;\n",
    ),
    (
        "0002_create_orders",
        "CREATE TABLE orders (\n    id INTEGER PRIMARY KEY,\n    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,\n    total_cents INTEGER NOT NULL CHECK (total_cents >= 0),\n    status TEXT NOT NULL DEFAULT 'new'\n);\nCREATE INDEX orders_customer_id ON orders (customer_id);\n",
        "DROP INDEX orders_customer_id;\nDROP TABLE orders;\n",
    ),
    (
        "0003_load_sample_data",
        "-- Sample rows; a semicolon inside a string; is not a statement end.\nWITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows})\nINSERT INTO customers (id, name, email)\nSELECT i, 'Customer ' || i, 'customer' || i || '@example.com' FROM n;\n\nWITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows} * 2)\nINSERT INTO orders (id, customer_id, total_cents, status)\nSELECT i, (i % {rows}) + 1, (i * 37) % 10000, CASE WHEN i % 3 = 0 THEN 'shipped' ELSE 'new' END FROM n;\n",
        "DELETE FROM orders WHERE id <= {rows} * 2;\nDELETE FROM customers WHERE id <= {rows};\n",
    ),
    (
        "0004_add_email_verification",
        "ALTER TABLE customers ADD COLUMN email_verified_at TEXT;\nCREATE INDEX customers_unverified ON customers (id) WHERE email_verified_at IS NULL;\n",
        "DROP INDEX customers_unverified;\nALTER TABLE customers DROP COLUMN email_verified_at;\n",
    ),
];

/// The desired schema the demo plans towards: `customers.name` renamed to `full_name`.
const DESIRED: &str = "CREATE TABLE customers (\n    id INTEGER PRIMARY KEY,\n    -- dbwarden:renamed-from name\n    full_name TEXT NOT NULL,\n    email TEXT NOT NULL UNIQUE,\n    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,\n    email_verified_at TEXT\n);\nCREATE INDEX customers_unverified ON customers (id) WHERE email_verified_at IS NULL;\n\nCREATE TABLE orders (\n    id INTEGER PRIMARY KEY,\n    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,\n    total_cents INTEGER NOT NULL CHECK (total_cents >= 0),\n    status TEXT NOT NULL DEFAULT 'new'\n);\nCREATE INDEX orders_customer_id ON orders (customer_id);\n";

/// What the demo did, with measured figures.
#[derive(Debug, Clone, Serialize)]
pub struct DemoReport {
    /// `success` when every step worked and the row counts matched.
    pub status: String,
    /// The project folder.
    pub project: PathBuf,
    /// The database URL.
    pub database_url: String,
    /// Steps in order, each with its measured duration.
    pub steps: Vec<DemoStep>,
    /// Status after the final step.
    pub final_status: StatusReport,
    /// Rows per table before the rollback and after the re-apply.
    pub validation: DemoValidation,
    /// The event log the run appended to.
    pub event_log: PathBuf,
    /// The planned expand/contract change, applied through `apply`.
    pub apply: Option<crate::apply::ApplyReport>,
}

/// One step of the demo.
#[derive(Debug, Clone, Serialize)]
pub struct DemoStep {
    /// What was done.
    pub action: String,
    /// Which migrations it touched.
    pub migrations: Vec<String>,
    /// Wall time.
    pub duration_ms: u64,
}

/// Row counts around the rollback and re-apply.
#[derive(Debug, Clone, Serialize)]
pub struct DemoValidation {
    /// Rows in the demo tables before the rollback.
    pub records_before_rollback: i64,
    /// Rows after rolling back and re-applying the last migration.
    pub records_after_reapply: i64,
    /// `verified` when the two counts match.
    pub data_integrity: String,
}

/// Why the demo stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DemoError {
    /// The folder exists and was not made by the demo.
    #[error("{0} exists and was not created by `dbwarden demo`: choose another --dir")]
    FolderInUse(PathBuf),
    /// Writing the project failed.
    #[error("cannot write the demo project in {path}: {message}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The OS error.
        message: String,
    },
    /// A migration step failed.
    #[error(transparent)]
    Migrate(#[from] MigrateError),
    /// Planning the change failed.
    #[error(transparent)]
    Plan(Box<crate::planner::PlanMigrationError>),
    /// `apply` failed.
    #[error(transparent)]
    Apply(Box<crate::apply::ApplyError>),
}

impl From<crate::planner::PlanMigrationError> for DemoError {
    fn from(e: crate::planner::PlanMigrationError) -> Self {
        DemoError::Plan(Box::new(e))
    }
}

impl From<crate::apply::ApplyError> for DemoError {
    fn from(e: crate::apply::ApplyError) -> Self {
        DemoError::Apply(Box::new(e))
    }
}

fn io_error(path: &Path) -> impl Fn(std::io::Error) -> DemoError + '_ {
    move |e| DemoError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// Writes the example project (migrations folder and README) into `dir`, replacing an earlier
/// demo there but refusing to touch any other folder.
pub fn write_project(dir: &Path, rows: u32) -> Result<(), DemoError> {
    if dir.exists() {
        let empty = std::fs::read_dir(dir)
            .map_err(io_error(dir))?
            .next()
            .is_none();
        if !empty && !dir.join(MARKER).is_file() {
            return Err(DemoError::FolderInUse(dir.to_path_buf()));
        }
        if !empty {
            std::fs::remove_dir_all(dir).map_err(io_error(dir))?;
        }
    }
    let migrations = dir.join("migrations");
    std::fs::create_dir_all(&migrations).map_err(io_error(&migrations))?;
    std::fs::write(
        dir.join(MARKER),
        "made by `dbwarden demo`; safe to delete\n",
    )
    .map_err(io_error(dir))?;
    let desired = dir.join("schema.sql");
    std::fs::write(&desired, DESIRED).map_err(io_error(&desired))?;
    let rows = rows.max(1).to_string();
    for (stem, up, down) in MIGRATIONS {
        let up_path = migrations.join(format!("{stem}.up.sql"));
        std::fs::write(&up_path, up.replace("{rows}", &rows)).map_err(io_error(&up_path))?;
        let down_path = migrations.join(format!("{stem}.down.sql"));
        std::fs::write(&down_path, down.replace("{rows}", &rows)).map_err(io_error(&down_path))?;
    }
    Ok(())
}

async fn count_rows(engine: &mut dyn Engine) -> Result<i64, MigrateError> {
    let rows = engine
        .query(
            "SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM orders)",
            &[],
        )
        .await?;
    Ok(rows
        .first()
        .and_then(|r| r.first())
        .and_then(Value::as_i64)
        .unwrap_or(0))
}

/// Runs the demo in `dir`: write the project, apply, show status, roll back the newest
/// migration, re-apply it, and check that no row was lost. `say` hears each step as it happens.
pub async fn run(
    dir: &Path,
    rows: u32,
    mut say: impl FnMut(&str),
) -> Result<DemoReport, DemoError> {
    write_project(dir, rows)?;
    let db_path = dir.join("demo.db");
    let url_text = format!("sqlite:{}", db_path.display());
    let url = ConnectionUrl::parse(&url_text).map_err(|e| MigrateError::Engine(e.into()))?;
    let engine = dbwarden_engine::connect(&url)
        .await
        .map_err(MigrateError::from)?;
    let set = MigrationSet::load(&dir.join("migrations"), url.dialect())?;
    let event_log = dir.join(".dbwarden/events.ndjson");
    let log = EventLog::open(&event_log).map_err(io_error(&event_log))?;
    let mut runner =
        Runner::new(engine, set, url.redacted(), RunOptions::default()).with_events(log);
    let mut steps = Vec::new();

    say(&format!(
        "created example project {} with {} migrations",
        dir.display(),
        MIGRATIONS.len()
    ));
    let t = Instant::now();
    let up = runner.up(None).await?;
    let names: Vec<String> = up
        .applied
        .iter()
        .map(|a| format!("{}_{}", a.version, a.name))
        .collect();
    say(&format!(
        "migrate up: applied {} in {} ms",
        names.join(", "),
        t.elapsed().as_millis()
    ));
    steps.push(DemoStep {
        action: "migrate up".into(),
        migrations: names,
        duration_ms: up.duration_ms,
    });

    let before = count_rows(runner.engine()).await?;
    let status = runner.status().await?;
    say(&format!(
        "migrate status: {} applied, {} pending; {before} rows in customers + orders",
        status.applied, status.pending
    ));

    let down = runner.down(DownTarget::Steps(1)).await?;
    let names: Vec<String> = down
        .rolled_back
        .iter()
        .map(|a| format!("{}_{}", a.version, a.name))
        .collect();
    say(&format!(
        "migrate down: rolled back {} in {} ms",
        names.join(", "),
        down.duration_ms
    ));
    steps.push(DemoStep {
        action: "migrate down --steps 1".into(),
        migrations: names,
        duration_ms: down.duration_ms,
    });

    let again = runner.up(None).await?;
    let names: Vec<String> = again
        .applied
        .iter()
        .map(|a| format!("{}_{}", a.version, a.name))
        .collect();
    say(&format!(
        "migrate up: re-applied {} in {} ms",
        names.join(", "),
        again.duration_ms
    ));
    steps.push(DemoStep {
        action: "migrate up".into(),
        migrations: names,
        duration_ms: again.duration_ms,
    });

    let after = count_rows(runner.engine()).await?;
    drop(runner);
    let applied = plan_and_apply(dir, &url, &mut say, &mut steps).await?;
    let engine = dbwarden_engine::connect(&url)
        .await
        .map_err(MigrateError::from)?;
    let set = MigrationSet::load(&dir.join("migrations"), url.dialect())?;
    let mut runner = Runner::new(engine, set, url.redacted(), RunOptions::default());
    let final_status = runner.status().await?;
    let verified = before == after && final_status.pending == 0 && applied.status == "success";
    Ok(DemoReport {
        status: if verified {
            "success".into()
        } else {
            "failed".into()
        },
        project: dir.to_path_buf(),
        database_url: url.redacted(),
        steps,
        final_status,
        validation: DemoValidation {
            records_before_rollback: before,
            records_after_reapply: after,
            data_integrity: if before == after {
                "verified".into()
            } else {
                "mismatch".into()
            },
        },
        event_log,
        apply: Some(applied),
    })
}

/// The main job: plan the rename in `schema.sql` as expand + contract, then `apply` both
/// (a contract step drops the old column, so apply takes and verifies a backup and rehearses
/// on a scratch copy first).
async fn plan_and_apply(
    dir: &Path,
    url: &ConnectionUrl,
    say: &mut impl FnMut(&str),
    steps: &mut Vec<DemoStep>,
) -> Result<crate::apply::ApplyReport, DemoError> {
    use crate::schema_source::SchemaSource;
    let migrations = dir.join("migrations");
    let t = Instant::now();
    let desired = SchemaSource::SqlFiles(dir.join("schema.sql"));
    let mut hints = dbwarden_core::diff::RenameHints::new();
    desired
        .add_rename_comments(&mut hints)
        .map_err(crate::planner::PlanMigrationError::from)?;
    let planned = crate::planner::plan_migration(
        &SchemaSource::Database(url.clone()),
        &desired,
        Some(url),
        &hints,
        &migrations,
        "rename_customer_name",
        crate::planner::PlanOptions::default(),
    )
    .await?;
    let written: Vec<String> = planned
        .migrations
        .iter()
        .filter_map(|m| m.up.file_name().map(|f| f.to_string_lossy().into_owned()))
        .collect();
    say(&format!(
        "plan: customers.name -> full_name from schema.sql, written as expand + contract: {}",
        written.join(", ")
    ));
    steps.push(DemoStep {
        action: "plan --to schema.sql".into(),
        migrations: written,
        duration_ms: u64::try_from(t.elapsed().as_millis()).unwrap_or(u64::MAX),
    });
    let t = Instant::now();
    let events = EventLog::open(&dir.join(".dbwarden/events.ndjson"))
        .map_err(io_error(&dir.join(".dbwarden")))?;
    let outcome = crate::apply::apply(
        url,
        &migrations,
        crate::apply::ApplyOptions {
            to: None,
            run: RunOptions {
                contract: true,
                ..RunOptions::default()
            },
            rehearse: crate::apply::Rehearse::Always,
            rehearse_rows: None,
            backup_dir: dir.join("backups"),
            report_dir: dir.join(".dbwarden/reports"),
            keep_backups: None,
            cancel: crate::interrupt::process_token(),
        },
        Some(events),
    )
    .await?;
    let report = match outcome {
        crate::apply::ApplyOutcome::Refused(_, e)
        | crate::apply::ApplyOutcome::Failed(_, Some(e)) => {
            return Err(e.into());
        }
        other => other.report().clone(),
    };
    for step in &report.steps {
        say(&format!("apply {}: {}", step.step, step.detail));
    }
    let json = report.to_json();
    say(&format!(
        "apply: {}; records {} -> {}; data integrity: {}; writes blocked at most {} ms; downtime: {}",
        report.status,
        report.pre_records.unwrap_or(0),
        report.post_records.unwrap_or(0),
        report.integrity,
        report.probe.map_or(0, |p| p.max_blocked_ms),
        json["performance"]["downtime"].as_str().unwrap_or("")
    ));
    steps.push(DemoStep {
        action: "apply --contract".into(),
        migrations: report.applied.clone(),
        duration_ms: u64::try_from(t.elapsed().as_millis()).unwrap_or(u64::MAX),
    });
    Ok(report)
}
