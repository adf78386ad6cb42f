//! One module per command; each parses nothing and prints its own result.

mod apply;
mod backup;
mod clean;
mod demo;
mod detect;
mod diff;
mod inspect;
mod lint;
mod migrate;
mod plan;
mod validate;

use crate::cli::{Cli, Command, GlobalArgs};
use crate::exit::{Exit, Failure};
use dbwarden::config::resolve_database_url;
use dbwarden::engine::{ConnectionUrl, Engine};

/// Runs the parsed command.
pub async fn run(cli: Cli) -> Result<Exit, Failure> {
    match cli.command {
        Command::Demo { dir, rows } => {
            let dir = dir.unwrap_or_else(|| std::env::temp_dir().join("dbwarden-demo"));
            demo::run(&cli.global, &dir, rows).await
        }
        Command::Detect { dir } => detect::run(&cli.global, &dir).await,
        Command::Diff {
            from,
            to,
            renames,
            dev_url,
            fail_on_diff,
        } => {
            diff::run(
                &cli.global,
                diff::DiffArgs {
                    from,
                    to,
                    renames,
                    dev_url,
                    fail_on_diff,
                },
            )
            .await
        }
        Command::Plan {
            to,
            name,
            from,
            renames,
            dev_url,
            allow_destructive,
            single_step,
            ignore_dependents,
        } => {
            plan::run(
                &cli.global,
                plan::PlanArgs {
                    to,
                    name,
                    from,
                    renames,
                    dev_url,
                    allow_destructive,
                    single_step,
                    ignore_dependents,
                },
            )
            .await
        }
        Command::Lint {
            paths,
            dialect,
            format,
            allow,
            impact,
            large_table_rows,
        } => {
            lint::run(
                &cli.global,
                lint::LintArgs {
                    paths,
                    dialect,
                    format,
                    allow,
                    impact,
                    large_table_rows,
                },
            )
            .await
        }
        Command::Inspect { format } => inspect::run(&cli.global, format).await,
        Command::Migrate(cmd) => migrate::run(&cli.global, cmd).await,
        Command::Apply {
            to,
            allow,
            allow_destructive,
            no_lint,
            rehearse,
            rehearse_rows,
            backup_dir,
            report_dir,
            contract,
            keep_backups,
            lock,
        } => {
            apply::run(
                &cli.global,
                apply::ApplyArgs {
                    to,
                    allow,
                    allow_destructive,
                    no_lint,
                    rehearse,
                    rehearse_rows,
                    backup_dir,
                    report_dir,
                    contract,
                    keep_backups,
                    lock,
                },
            )
            .await
        }
        Command::Backup(cmd) => backup::run(&cli.global, cmd).await,
        Command::Clean { dry_run, all, dirs } => clean::run(&cli.global, dry_run, all, &dirs).await,
        Command::Validate(cmd) => validate::run(&cli.global, cmd).await,
    }
}

/// What `inspect`, `diff` and `plan` keep of a schema they read (see `--include-tool-tables`).
pub fn load_options(global: &GlobalArgs) -> dbwarden::schema_source::LoadOptions {
    dbwarden::schema_source::LoadOptions {
        include_tool_tables: global.include_tool_tables,
    }
}

/// Says on stderr what was read but not compared: objects of kinds the model does not manage
/// (an error with `--strict`), and other tools' bookkeeping left out on purpose.
pub fn report_unmanaged(
    global: &GlobalArgs,
    objects: &[dbwarden::core::UnmanagedObject],
) -> Result<(), Failure> {
    let (tools, unknown): (Vec<_>, Vec<_>) = objects.iter().partition(|o| o.tool.is_some());
    for o in &tools {
        eprintln!(
            "note: left out {} {} (kept by {}; --include-tool-tables compares it)",
            o.kind,
            o.name,
            o.tool.as_deref().unwrap_or_default()
        );
    }
    if unknown.is_empty() {
        return Ok(());
    }
    let listed: Vec<String> = unknown
        .iter()
        .map(|o| format!("{} {}", o.kind, o.name))
        .collect();
    let message = format!(
        "{} object(s) of kinds dbwarden does not manage yet were not compared: {}",
        unknown.len(),
        listed.join(", ")
    );
    if global.strict {
        return Err(Failure::new(
            Exit::Refused,
            "unmanaged_objects",
            format!("{message} (--strict); manage them outside dbwarden, or drop --strict"),
        ));
    }
    eprintln!("warning: {message}");
    Ok(())
}

/// Resolves the URL and connects.
pub async fn connect(global: &GlobalArgs) -> Result<(ConnectionUrl, Box<dyn Engine>), Failure> {
    let (url, _source) =
        resolve_database_url(global.database_url.as_deref(), std::path::Path::new("."))?;
    let mut engine = dbwarden::engine::connect(&url).await?;
    // Scratch databases of runs that were killed hold copies of production rows: every
    // command that connects drops those whose owner is gone from this host.
    for name in dbwarden::clean::sweep_dead_scratch(engine.as_mut()).await {
        tracing::info!("dropped scratch database {name}, left by a run that died");
    }
    Ok((url, engine))
}
