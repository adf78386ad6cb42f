//! `dbwarden plan --to SRC --name NAME`: the next migration pair from a desired schema.

use super::diff::{rename_hints, source_failure};
use crate::cli::GlobalArgs;
use crate::exit::{Exit, Failure};
use crate::output::{print_json, println_safe};
use dbwarden::config::resolve_database_url;
use dbwarden::engine::ConnectionUrl;
use dbwarden::planner::{MigrationRole, PlanMigrationError, PlanOptions, plan_migration};
use dbwarden::schema_source::SchemaSource;

pub struct PlanArgs {
    pub to: String,
    pub name: String,
    pub from: Option<String>,
    pub renames: Vec<String>,
    pub dev_url: Option<String>,
    pub allow_destructive: bool,
    pub single_step: bool,
    pub ignore_dependents: bool,
}

pub async fn run(global: &GlobalArgs, args: PlanArgs) -> Result<Exit, Failure> {
    let to = SchemaSource::parse(&args.to).map_err(source_failure)?;
    let hints = rename_hints(&args.renames, &to)?;
    let dir = &global.migrations_dir;
    let from = match &args.from {
        Some(f) => SchemaSource::parse(f).map_err(source_failure)?,
        None => {
            // The migrations folder replayed; an empty or missing folder is an empty schema.
            std::fs::create_dir_all(dir).map_err(|e| {
                Failure::new(
                    Exit::Failure,
                    "io",
                    format!("cannot create {}: {e}", dir.display()),
                )
            })?;
            SchemaSource::Migrations(dir.clone())
        }
    };
    let dev = match &args.dev_url {
        Some(u) => Some(
            ConnectionUrl::parse(u)
                .map_err(|e| Failure::new(Exit::Usage, "invalid_url", format!("--dev-url: {e}")))?,
        ),
        None => match (&to, &from) {
            (SchemaSource::Database(u), _) | (_, SchemaSource::Database(u)) => Some(u.clone()),
            _ => resolve_database_url(global.database_url.as_deref(), std::path::Path::new("."))
                .ok()
                .map(|(u, _)| u),
        },
    };
    let planned = plan_migration(
        &from,
        &to,
        dev.as_ref(),
        &hints,
        dir,
        &args.name,
        PlanOptions {
            expand_contract: !args.single_step,
            allow_destructive: args.allow_destructive,
            server: None,
            load: super::load_options(global),
            ignore_dependents: args.ignore_dependents,
        },
    )
    .await
    .map_err(|e| match e {
        PlanMigrationError::Source(s) => source_failure(s),
        PlanMigrationError::Files(f) => Failure::from(f),
        PlanMigrationError::Destructive(_) => Failure::new(Exit::Refused, "refused", e.to_string()),
        PlanMigrationError::BrokenDependents(_) => {
            Failure::new(Exit::Refused, "broken_dependents", e.to_string())
        }
        other => Failure::new(Exit::Failure, "unsupported", other.to_string()),
    })?;
    super::report_unmanaged(global, &planned.unmanaged)?;
    if global.json {
        print_json(&serde_json::json!({"status": "success", "plan": planned}));
        return Ok(Exit::Success);
    }
    if planned.migrations.is_empty() {
        println_safe("no differences: nothing to write");
        return Ok(Exit::Success);
    }
    for line in &planned.changes {
        println_safe(&format!("  {line}"));
    }
    for written in &planned.migrations {
        let role = match written.role {
            MigrationRole::Single => "",
            MigrationRole::Expand => " (expand: adds the new shape, keeps the old one working)",
            MigrationRole::Contract => {
                " (contract: drops the old shape; applied only by `migrate up --contract`)"
            }
        };
        println_safe(&format!("wrote {}{role}", written.up.display()));
        match &written.down {
            Some(down) => println_safe(&format!("wrote {}", down.display())),
            None => println_safe(&format!(
                "no down script for {}: marked irreversible (it deletes data; `migrate up` requires a verified backup)",
                written.up.display()
            )),
        }
    }
    Ok(Exit::Success)
}
