//! `dbwarden apply`: the safe sequence, step by step, with the report in the brief's shape.

use crate::cli::{GlobalArgs, RehearseMode};
use crate::exit::{Exit, Failure};
use crate::output::{Style, paint, print_json, println_safe, table};
use dbwarden::apply::{ApplyError, ApplyOptions, ApplyOutcome, Rehearse, StepStatus};
use dbwarden::config::resolve_database_url;
use dbwarden::events::EventLog;
use dbwarden::migrate::RunOptions;
use std::path::PathBuf;
use std::time::Duration;

pub struct ApplyArgs {
    pub to: Option<String>,
    pub allow: Vec<String>,
    pub allow_destructive: bool,
    pub no_lint: bool,
    pub rehearse: RehearseMode,
    pub rehearse_rows: u64,
    pub backup_dir: PathBuf,
    pub report_dir: PathBuf,
    pub contract: bool,
    pub keep_backups: Option<usize>,
    pub lock: crate::cli::LockArgs,
}

pub async fn run(global: &GlobalArgs, args: ApplyArgs) -> Result<Exit, Failure> {
    let (url, _) = resolve_database_url(global.database_url.as_deref(), std::path::Path::new("."))?;
    let to = match &args.to {
        Some(v) => Some(super::migrate::parse_version(v)?),
        None => None,
    };
    let lint = if args.no_lint {
        None
    } else {
        Some(super::migrate::lint_config(
            &args.allow,
            args.allow_destructive,
        )?)
    };
    let options = ApplyOptions {
        to,
        run: RunOptions {
            runner_lock_timeout: Duration::from_secs(args.lock.runner_lock_timeout),
            lock_policy: args.lock.policy(),
            lint,
            contract: args.contract,
            ..RunOptions::default()
        },
        rehearse: match args.rehearse {
            RehearseMode::Auto => Rehearse::Auto,
            RehearseMode::Always => Rehearse::Always,
            RehearseMode::Never => Rehearse::Never,
        },
        rehearse_rows: (args.rehearse_rows > 0).then_some(args.rehearse_rows),
        backup_dir: args.backup_dir,
        report_dir: args.report_dir,
        keep_backups: args.keep_backups,
        cancel: dbwarden::interrupt::process_token(),
    };
    let events = if global.no_event_log {
        None
    } else {
        Some(EventLog::open(&global.event_log).map_err(|e| {
            Failure::new(
                Exit::Failure,
                "event_log",
                format!(
                    "cannot open event log {}: {e} (use --event-log PATH or --no-event-log)",
                    global.event_log.display()
                ),
            )
        })?)
    };
    let outcome = dbwarden::apply::apply(&url, &global.migrations_dir, options, events)
        .await
        .map_err(failure_of)?;
    let report = match outcome {
        // A refusal or a step's error is reported as the error it is (exit code, message);
        // the run's report was written all the same.
        ApplyOutcome::Refused(report, e) | ApplyOutcome::Failed(report, Some(e)) => {
            let mut failure = failure_of(e);
            if let Some(file) = &report.report_file {
                failure
                    .message
                    .push_str(&format!("\nreport: {}", file.display()));
            }
            return Err(failure);
        }
        ApplyOutcome::Interrupted(report)
            if report.migrations.is_empty() || report.steps.iter().all(|s| s.step != "apply") =>
        {
            return Err(Failure::new(
                Exit::Interrupted,
                "interrupted",
                "interrupted before anything was applied; scratch databases were dropped",
            ));
        }
        ApplyOutcome::Success(report)
        | ApplyOutcome::RolledBack(report)
        | ApplyOutcome::Failed(report, None)
        | ApplyOutcome::Interrupted(report) => report,
    };
    if global.json {
        print_json(&report.to_json());
    } else {
        let mut t = table(&["step", "result", "detail", "seconds"]);
        for step in &report.steps {
            t.add_row(vec![
                step.step.clone(),
                match step.status {
                    StepStatus::Ok => "ok".into(),
                    StepStatus::Skipped => "skipped".into(),
                    StepStatus::Failed => "FAILED".into(),
                },
                step.detail.clone(),
                format!("{:.2}", step.duration_seconds),
            ]);
        }
        println_safe(&t.to_string());
        let json = report.to_json();
        let verdict = match report.status.as_str() {
            "success" => paint("applied", Style::Ok, false),
            "rolled_back" => paint("rolled back", Style::Warn, false),
            "interrupted" => paint("interrupted", Style::Warn, false),
            _ => paint("FAILED", Style::Bad, false),
        };
        println_safe(&format!(
            "{verdict}: {}; records {} -> {}; data integrity: {}; locks held: {}; downtime: {}",
            report.migrations.join(", "),
            report.pre_records.map_or("-".into(), |r| r.to_string()),
            report.post_records.map_or("-".into(), |r| r.to_string()),
            report.integrity,
            json["performance"]["locks_held"].as_str().unwrap_or(""),
            json["performance"]["downtime"].as_str().unwrap_or(""),
        ));
        if let (Some(r), Some(c)) = (&report.report_file, &report.checklist_file) {
            println_safe(&format!(
                "report: {}\nchecklist: {}",
                r.display(),
                c.display()
            ));
        }
    }
    Ok(match report.status.as_str() {
        "success" => Exit::Success,
        "interrupted" => {
            if let Some(state) = &report.error {
                eprintln!("interrupted: {state}");
            }
            Exit::Interrupted
        }
        _ => Exit::Failure,
    })
}

/// The exit code and message of an error `apply` stopped with.
fn failure_of(e: ApplyError) -> Failure {
    match e {
        ApplyError::Migrate(e) => e.into(),
        ApplyError::Backup(e) => e.into(),
        ApplyError::Engine(e) => e.into(),
        ApplyError::Refused(message) => Failure::new(Exit::Refused, "refused", message),
        ApplyError::Interrupted => Failure::new(
            Exit::Interrupted,
            "interrupted",
            "interrupted before anything was applied; scratch databases were dropped",
        ),
        e => Failure::new(Exit::Failure, "failure", e.to_string()),
    }
}
