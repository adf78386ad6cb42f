//! `dbwarden migrate ...`: the runner's commands and their human and JSON output.

use super::connect;
use crate::cli::{GlobalArgs, LockArgs, MigrateCommand};
use crate::exit::{Exit, Failure};
use crate::output::{Style, paint, print_json, println_safe, progress, table};
use dbwarden::events::EventLog;
use dbwarden::migrate::{
    BackupRequirement, DownTarget, MigrationSet, MigrationState, Progress, RunOptions, Runner,
    create_migration,
};
use serde_json::json;
use std::time::Duration;

pub async fn run(global: &GlobalArgs, cmd: MigrateCommand) -> Result<Exit, Failure> {
    if let MigrateCommand::New { name } = &cmd {
        let (up, down) = create_migration(&global.migrations_dir, name)?;
        if global.json {
            print_json(&json!({"status": "success", "up": up, "down": down}));
        } else {
            println_safe(&format!(
                "created {}\ncreated {}",
                up.display(),
                down.display()
            ));
        }
        return Ok(Exit::Success);
    }
    let (url, engine) = connect(global).await?;
    let set = MigrationSet::load(&global.migrations_dir, url.dialect())?;
    for warning in set.directive_warnings() {
        eprintln!("{} {warning}", paint("warning:", Style::Warn, true));
    }
    let lock = match &cmd {
        MigrateCommand::Up { lock, .. }
        | MigrateCommand::Down { lock, .. }
        | MigrateCommand::Baseline { lock, .. }
        | MigrateCommand::Rehash { lock } => lock.clone(),
        _ => LockArgs::default(),
    };
    let (resume, allow_out_of_order, contract) = match &cmd {
        MigrateCommand::Up {
            resume,
            allow_out_of_order,
            contract,
            ..
        } => (*resume, *allow_out_of_order, *contract),
        _ => (false, false, false),
    };
    let lint = match &cmd {
        MigrateCommand::Up { no_lint: true, .. } => None,
        MigrateCommand::Up {
            allow,
            allow_destructive,
            ..
        } => {
            let config = lint_config(allow, *allow_destructive)?;
            Some(config)
        }
        _ => None,
    };
    let backup = match &cmd {
        MigrateCommand::Up {
            backup: Some(file),
            dry_run: None,
            ..
        } => {
            let mut engine_for_name = dbwarden::engine::connect(&url).await?;
            let database = engine_for_name.server_info().await?.database;
            Some(verified_cover(&url, file, &database, global.json).await?)
        }
        _ => None,
    };
    let options = RunOptions {
        runner_lock_timeout: Duration::from_secs(lock.runner_lock_timeout),
        lock_policy: lock.policy(),
        allow_out_of_order,
        resume,
        lint,
        backup: BackupRequirement::Enforce(backup),
        contract,
    };
    let json = global.json;
    let mut runner = Runner::new(engine, set, url.redacted(), options)
        .with_progress(move |p| report_progress(json, p));
    if !global.no_event_log {
        let log = EventLog::open(&global.event_log).map_err(|e| {
            Failure::new(
                Exit::Failure,
                "event_log",
                format!(
                    "cannot open event log {}: {e} (use --event-log PATH or --no-event-log)",
                    global.event_log.display()
                ),
            )
        })?;
        runner = runner.with_events(log);
    }
    match cmd {
        MigrateCommand::New { .. } => Ok(Exit::Success),
        MigrateCommand::Status => status(&mut runner, json).await,
        MigrateCommand::Up { to, dry_run, .. } => {
            let to = to.as_deref().map(parse_version).transpose()?;
            if let Some(place) = dry_run {
                let mode = match place {
                    crate::cli::DryRunWhere::Scratch => dbwarden::migrate::DryRunMode::Scratch,
                    crate::cli::DryRunWhere::InPlace => dbwarden::migrate::DryRunMode::InPlace,
                };
                let report = runner.dry_run(to, mode).await?;
                if json {
                    print_json(&json!({"status": "success", "dry_run": report}));
                } else {
                    print_dry_run(&report);
                }
                return Ok(Exit::Success);
            }
            let report = runner.up(to).await?;
            let held = report.held_contract.as_ref().map(|label| {
                format!(
                    "stopped before {label}, a contract migration (it drops the old shape): \
                     run `dbwarden migrate up --contract` once no running code uses it"
                )
            });
            if json {
                print_json(&json!({"status": "success", "up": report}));
            } else if report.applied.is_empty() {
                println_safe(
                    held.as_deref()
                        .unwrap_or("nothing to apply: the database is up to date"),
                );
            } else {
                let total_rows: u64 = report.applied.iter().map(|a| a.rows_affected).sum();
                println_safe(&format!(
                    "{} applied {} migration(s) in {} ms ({} rows affected){}",
                    paint("✔", Style::Ok, false),
                    report.applied.len(),
                    report.duration_ms,
                    total_rows,
                    if report.remaining > 0 {
                        format!("; {} still pending", report.remaining)
                    } else {
                        String::new()
                    }
                ));
                if let Some(held) = held {
                    println_safe(&held);
                }
            }
            Ok(Exit::Success)
        }
        MigrateCommand::Down { steps, to, .. } => {
            let target = match (steps, to) {
                (_, Some(v)) => DownTarget::To(parse_version(&v)?),
                (Some(n), None) => DownTarget::Steps(n),
                (None, None) => DownTarget::Steps(1),
            };
            let report = runner.down(target).await?;
            if json {
                print_json(&json!({"status": "success", "down": report}));
            } else if report.rolled_back.is_empty() {
                println_safe("nothing to roll back");
            } else {
                println_safe(&format!(
                    "{} rolled back {} migration(s) in {} ms",
                    paint("✔", Style::Ok, false),
                    report.rolled_back.len(),
                    report.duration_ms
                ));
            }
            Ok(Exit::Success)
        }
        MigrateCommand::Verify => {
            let drifts = runner.verify().await?;
            if json {
                print_json(
                    &json!({"status": if drifts.is_empty() { "success" } else { "drift" }, "drifts": drifts}),
                );
            } else if drifts.is_empty() {
                println_safe(&format!(
                    "{} every applied migration matches its files",
                    paint("✔", Style::Ok, false)
                ));
            } else {
                for d in &drifts {
                    println_safe(&format!("{} {d}", paint("✘", Style::Bad, false)));
                }
                if drifts.iter().all(|d| d.cosmetic_only()) {
                    println_safe(
                        "only comments or whitespace changed: review, then `dbwarden migrate rehash` accepts them",
                    );
                }
            }
            Ok(if drifts.is_empty() {
                Exit::Success
            } else {
                Exit::Drift
            })
        }
        MigrateCommand::Baseline { version, .. } => {
            let v = parse_version(&version)?;
            let recorded = runner.baseline(v).await?;
            if json {
                print_json(&json!({"status": "success", "baseline": recorded}));
            } else {
                println_safe(&format!(
                    "recorded {} migration(s) as applied without running them",
                    recorded.len()
                ));
            }
            Ok(Exit::Success)
        }
        MigrateCommand::Unlock => {
            let (holder, released) = runner.force_unlock().await?;
            if json {
                print_json(&json!({"status": "success", "holder": holder, "released": released}));
            } else {
                match (holder, released) {
                    (None, _) => println_safe("no runner holds the migration lock"),
                    (Some(h), true) => {
                        println_safe(&format!("released the migration lock held by {h}"))
                    }
                    (Some(h), false) => println_safe(&format!(
                        "the migration lock is held by {h}; it ends with that session (stop that runner, or end its session on the server)"
                    )),
                }
            }
            Ok(Exit::Success)
        }
        MigrateCommand::Rehash { .. } => {
            let accepted = runner.rehash().await?;
            if json {
                print_json(&json!({"status": "success", "accepted": accepted}));
            } else if accepted.is_empty() {
                println_safe("no checksum differences: nothing to accept");
            } else {
                println_safe(&format!(
                    "accepted new checksums for {}",
                    accepted.join(", ")
                ));
            }
            Ok(Exit::Success)
        }
    }
}

fn report_progress(json: bool, p: Progress) {
    match p {
        Progress::WaitingForLock { holder } => progress(
            json,
            &format!(
                "waiting for the migration lock{}",
                holder.map(|h| format!(" held by {h}")).unwrap_or_default()
            ),
        ),
        Progress::LockAcquired => progress(json, "migration lock acquired"),
        Progress::Started {
            migration,
            direction,
        } => progress(
            json,
            &format!(
                "{} {migration} ...",
                if direction == "up" {
                    "applying"
                } else {
                    "rolling back"
                }
            ),
        ),
        Progress::Finished {
            migration,
            duration_ms,
        } => progress(
            json,
            &format!(
                "  {} {migration} ({duration_ms} ms)",
                paint("done", Style::Ok, true)
            ),
        ),
        Progress::UpToDate => {}
    }
}

async fn status(runner: &mut Runner, json: bool) -> Result<Exit, Failure> {
    let report = runner.status().await?;
    if json {
        print_json(&json!({"status": "success", "migrations": report}));
        return Ok(Exit::Success);
    }
    let mut t = table(&["version", "name", "state", "applied at", "ms", "by"]);
    for e in &report.migrations {
        let (state, style) = match e.state {
            MigrationState::Applied => ("applied", Style::Ok),
            MigrationState::Baseline => ("baseline", Style::Ok),
            MigrationState::Pending => ("pending", Style::Warn),
            MigrationState::Failed => ("FAILED", Style::Bad),
            MigrationState::Running => ("INTERRUPTED", Style::Bad),
            MigrationState::RollbackStopped => ("ROLLBACK STOPPED", Style::Bad),
            MigrationState::Drifted => ("DRIFTED", Style::Bad),
            MigrationState::Missing => ("FILES MISSING", Style::Bad),
        };
        t.add_row(vec![
            e.version.clone(),
            e.name.clone(),
            paint(state, style, false),
            e.applied_at.clone().unwrap_or_default(),
            e.duration_ms.map(|d| d.to_string()).unwrap_or_default(),
            e.applied_by.clone().unwrap_or_default(),
        ]);
    }
    println_safe(&format!("{} ({})", report.target, report.database));
    println_safe(&t.to_string());
    println_safe(&format!(
        "{} applied, {} pending",
        report.applied, report.pending
    ));
    for e in report
        .migrations
        .iter()
        .filter_map(|e| e.note.as_ref().map(|n| (e, n)))
    {
        println_safe(&format!(
            "{} {}: {}",
            paint("!", Style::Bad, false),
            e.0.version,
            e.1
        ));
    }
    Ok(Exit::Success)
}

fn print_dry_run(report: &dbwarden::migrate::DryRunReport) {
    if report.migrations.is_empty() {
        println_safe("dry run: nothing to apply, the database is up to date");
    }
    let mut t = table(&["migration", "location", "rows", "statement"]);
    for s in &report.statements {
        t.add_row(vec![
            s.migration.clone(),
            s.location.clone(),
            s.rows_affected
                .map_or_else(|| "not run".into(), |r| r.to_string()),
            s.summary.clone(),
        ]);
    }
    if !report.statements.is_empty() {
        println_safe(&t.to_string());
    }
    if report.mode == "rolled_back" && !report.migrations.is_empty() {
        println_safe(&format!(
            "dry run of {} migration(s): executed inside a transaction and rolled back; nothing changed",
            report.migrations.len()
        ));
    }
    if !report.tables_created.is_empty() {
        println_safe(&format!(
            "would create tables: {}",
            report.tables_created.join(", ")
        ));
    }
    if !report.tables_dropped.is_empty() {
        println_safe(&format!(
            "would drop tables: {}",
            report.tables_dropped.join(", ")
        ));
    }
    for n in &report.notes {
        println_safe(&format!("{} {n}", paint("note:", Style::Warn, false)));
    }
}

/// Verifies `file` (checksums, then a scratch restore) and checks it was taken from this
/// database; returns what it covers.
async fn verified_cover(
    url: &dbwarden::engine::ConnectionUrl,
    file: &std::path::Path,
    database: &str,
    json: bool,
) -> Result<dbwarden::backup::BackupCover, Failure> {
    progress(json, &format!("verifying backup {} ...", file.display()));
    let report = dbwarden::backup::verify(file, url).await?;
    let reader = dbwarden::backup::BackupReader::open(file)?;
    if reader.manifest.source.database != database {
        return Err(Failure::new(
            Exit::Usage,
            "invalid_input",
            format!(
                "backup {} was taken from database {}, not {database}: take a backup of this database",
                file.display(),
                reader.manifest.source.database
            ),
        ));
    }
    progress(
        json,
        &format!(
            "backup verified: {} tables, {} rows restored into a scratch database with equal fingerprints",
            report.tables, report.rows
        ),
    );
    Ok(dbwarden::backup::BackupCover::of(
        file.to_path_buf(),
        &reader.manifest,
    ))
}

/// The project's lint configuration with `--allow` rules and `--allow-destructive` added.
pub fn lint_config(
    allow: &[String],
    allow_destructive: bool,
) -> Result<dbwarden_lint::LintConfig, Failure> {
    let mut config =
        dbwarden::config::ProjectConfig::load(std::path::Path::new("."))?.lint_config()?;
    for id in allow {
        let rule = dbwarden_lint::Rule::from_id(id).ok_or_else(|| {
            Failure::new(
                Exit::Usage,
                "invalid_input",
                format!("--allow {id}: no such lint rule (see docs/lint/)"),
            )
        })?;
        config.allowed.push(rule);
    }
    if allow_destructive {
        config.allowed.extend(
            dbwarden_lint::Rule::all()
                .iter()
                .copied()
                .filter(|r| r.is_destructive()),
        );
    }
    Ok(config)
}

/// Reads a migration version given on the command line (`0003` or `0003_name`).
pub fn parse_version(v: &str) -> Result<u64, Failure> {
    let digits: String = v.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().map_err(|_| {
        Failure::new(
            Exit::Usage,
            "invalid_input",
            format!("`{v}` is not a migration version (expected digits such as 0003)"),
        )
    })
}
