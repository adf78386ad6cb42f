//! `plan`: the next migration from the difference between the current schema (the migrations
//! folder replayed, or a database) and a desired one.
//!
//! The up script is the rendered diff from current to desired; the down script is the
//! rendered diff back. A breaking or destructive change (a dropped column or table, a renamed
//! column or table) is planned as expand → contract (see
//! [`dbwarden_core::plan::expand_contract`]): an expand migration that adds the new shape and
//! keeps the old one working, and a contract migration, marked `-- dbwarden:contract`, that
//! removes the old shape and that `migrate up` applies only with `--contract`. A contract step
//! that deletes data has no down script (`-- dbwarden:irreversible`): the runner then requires
//! a verified backup of the tables it touches.
//!
//! Without the split (`expand_contract: false`), destructive changes are refused unless
//! allowed, then written as one irreversible migration.

use crate::migrate::{MigrateError, create_migration};
use crate::schema_source::{SchemaSource, SourceError, load_schemas};
use dbwarden_core::diff::{
    Change, Classification, Diff, LockInfo, RenameHints, Safety, classify_on, diff,
};
use dbwarden_core::plan::{
    ExpandContract, ExpandContractPlans, Plan, PlanError, expand_contract, render_diff_on, script,
    script_with,
};
use dbwarden_core::version::TargetVersion;
use dbwarden_core::{Dialect, Schema};
use dbwarden_engine::ConnectionUrl;
use serde::Serialize;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// How `plan` writes migrations.
#[derive(Debug, Clone, Copy)]
pub struct PlanOptions {
    /// Split breaking and destructive changes into expand and contract migrations.
    pub expand_contract: bool,
    /// Write destructive changes that no split covers as an irreversible migration instead
    /// of refusing.
    pub allow_destructive: bool,
    /// The server release to plan for (locks, MySQL `ALGORITHM`); when `None`,
    /// [`plan_migration`] reads it from `--from` when that is a database, else from the dev
    /// database.
    pub server: Option<TargetVersion>,
    /// What of the two schemas is compared (other tools' bookkeeping is left out by default).
    pub load: crate::schema_source::LoadOptions,
    /// Write the plan even though routines or triggers of the desired schema still name a
    /// column or table it renames or drops (the scan is conservative: a name in a body that
    /// means something else counts too).
    pub ignore_dependents: bool,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            expand_contract: true,
            allow_destructive: false,
            server: None,
            load: Default::default(),
            ignore_dependents: false,
        }
    }
}

/// What `plan` wrote.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedMigration {
    /// The migrations written, in order; none when the schemas are the same.
    pub migrations: Vec<WrittenMigration>,
    /// One line per change from the current to the desired schema, with its classification.
    pub changes: Vec<String>,
    /// What either schema holds that was not compared (see
    /// [`dbwarden_core::UnmanagedObject`]), once each.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unmanaged: Vec<dbwarden_core::UnmanagedObject>,
}

/// One migration `plan` wrote.
#[derive(Debug, Clone, Serialize)]
pub struct WrittenMigration {
    /// Its part in the plan.
    pub role: MigrationRole,
    /// The up script.
    pub up: PathBuf,
    /// The down script (none for an irreversible migration).
    pub down: Option<PathBuf>,
    /// One line per change it makes, with its classification.
    pub changes: Vec<String>,
    /// Whether it deletes data a down script could not bring back.
    pub irreversible: bool,
}

/// A written migration's part in the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MigrationRole {
    /// The whole change in one migration.
    Single,
    /// Adds the new shape and keeps the old one working.
    Expand,
    /// Removes the old shape (`-- dbwarden:contract`).
    Contract,
}

/// Why no migration was written.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum PlanMigrationError {
    /// A schema could not be read.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// A change cannot be rendered for this engine yet.
    #[error(transparent)]
    Render(#[from] PlanError),
    /// Writing the files failed.
    #[error(transparent)]
    Files(#[from] MigrateError),
    /// Destructive changes without `--allow-destructive`.
    #[error(
        "the plan would lose data:\n{0}\nNothing was written. Split the change (add the new shape, copy the data, switch the code, then drop the old in a later migration), or pass --allow-destructive to write it as an irreversible migration after taking a backup"
    )]
    Destructive(String),
    /// Routines or triggers that the changes would leave broken.
    #[error(
        "the plan would break code inside the database:\n{0}\nNothing was written. Change those routines and triggers in the desired schema so that they use the new names (the plan then replaces them), or pass --ignore-dependents if they do not really use what goes"
    )]
    BrokenDependents(String),
}

/// Plans the next migration(s) in `dir` named `name`, from `from` to `to`.
pub async fn plan_migration(
    from: &SchemaSource,
    to: &SchemaSource,
    dev: Option<&ConnectionUrl>,
    hints: &RenameHints,
    dir: &Path,
    name: &str,
    mut options: PlanOptions,
) -> Result<PlannedMigration, PlanMigrationError> {
    let release_source = match from {
        SchemaSource::Database(url) => Some(url),
        _ => dev,
    };
    let release = async {
        match (options.server, release_source) {
            (Some(known), _) => Some(known),
            (None, Some(url)) => server_release(url).await,
            (None, None) => None,
        }
    };
    let (schemas, release) = tokio::join!(load_schemas(from, to, dev, &options.load), release);
    let (from_schema, to_schema) = schemas?;
    let dialect = to_schema.dialect;
    // A release of another engine (a dev URL of the wrong kind) says nothing about this one.
    options.server = release.filter(|v| v.engine.dialect() == dialect);
    let forward = diff(&from_schema, &to_schema, hints);
    let mut planned = PlannedMigration {
        migrations: Vec::new(),
        changes: describe(&forward, dialect, options.server).lines,
        unmanaged: dbwarden_core::Schema::unmanaged_of(&[&from_schema, &to_schema]),
    };
    if forward.is_empty() {
        return Ok(planned);
    }
    if !forward.broken_dependents.is_empty() && !options.ignore_dependents {
        let listed: Vec<String> = forward
            .broken_dependents
            .iter()
            .map(|b| {
                format!(
                    "  {} (line {} of its definition) still uses {}, which `{}` takes away",
                    b.object, b.line, b.uses, b.change
                )
            })
            .collect();
        return Err(PlanMigrationError::BrokenDependents(listed.join("\n")));
    }
    let split = if options.expand_contract {
        expand_contract(&from_schema, &to_schema, &forward, hints)
    } else {
        None
    };
    match split {
        None => planned.migrations.push(write_single(
            &from_schema,
            &to_schema,
            &forward,
            hints,
            dir,
            name,
            options,
        )?),
        Some(split) => {
            planned.migrations = write_split(&from_schema, &to_schema, &split, dir, name, options)?
        }
    }
    Ok(planned)
}

/// Classification lines of a diff, and the destructive ones with their reasons.
struct Described {
    lines: Vec<String>,
    destructive: Vec<String>,
}

/// The release of the server at `url`, or `None` when it cannot be read (the plan then assumes
/// a current release).
async fn server_release(url: &ConnectionUrl) -> Option<TargetVersion> {
    let mut engine = dbwarden_engine::connect(url).await.ok()?;
    let info = engine.server_info().await.ok()?;
    TargetVersion::of_server(info.dialect, &info.product, &info.version)
}

/// The server a plan is for, as its header names it.
fn target_name(dialect: Dialect, server: Option<TargetVersion>) -> String {
    server.map_or_else(|| dialect.name().to_string(), |v| v.to_string())
}

fn describe(changes: &Diff, dialect: Dialect, server: Option<TargetVersion>) -> Described {
    let mut described = Described {
        lines: Vec::new(),
        destructive: Vec::new(),
    };
    for change in &changes.changes {
        let c = classify_on(change, dialect, server.as_ref());
        let word = match c.safety {
            Safety::Safe => "safe",
            Safety::Breaking => "breaking",
            Safety::Destructive => "DESTRUCTIVE",
        };
        let rewrite = if c.rewrites_table {
            ", rewrites the table"
        } else {
            ""
        };
        described.lines.push(format!(
            "{word}: {} [{}{rewrite}]",
            change.summary(),
            c.lock.describe()
        ));
        if c.safety == Safety::Destructive {
            described
                .destructive
                .push(format!("  {}: {}", change.summary(), c.reason));
        }
    }
    described
}

/// The whole change as one migration (no split, or nothing to split).
fn write_single(
    from: &Schema,
    to: &Schema,
    forward: &Diff,
    hints: &RenameHints,
    dir: &Path,
    name: &str,
    options: PlanOptions,
) -> Result<WrittenMigration, PlanMigrationError> {
    let dialect = to.dialect;
    let described = describe(forward, dialect, options.server);
    if !described.destructive.is_empty() && !options.allow_destructive {
        return Err(PlanMigrationError::Destructive(
            described.destructive.join("\n"),
        ));
    }
    let irreversible = !described.destructive.is_empty();
    let server = options.server.as_ref();
    let up = render_diff_on(from, to, forward, server)?;
    let down = if irreversible {
        None
    } else {
        Some(render_diff_on(
            to,
            from,
            &diff(to, from, &hints.reversed()),
            server,
        )?)
    };
    let mut header = format!(
        "Generated by dbwarden plan ({}): {} change(s)\n",
        target_name(dialect, options.server),
        described.lines.len()
    );
    push_lines(&mut header, &described.lines);
    if irreversible {
        header.push_str("Irreversible: it deletes data that a down script could not bring back; take a backup first.\n");
    }
    let allow = Allowances {
        destructive: options
            .allow_destructive
            .then_some("destructive change accepted with --allow-destructive when planning"),
        unmapped: None,
    };
    let up_text = annotated_script(&up, &header, forward, dialect, server, &allow);
    write_pair(
        dir,
        name,
        MigrationRole::Single,
        &with_directives(false, irreversible, up_text),
        down.map(|plan| {
            script(
                &plan,
                "Generated by dbwarden plan: restores the schema before the up script",
            )
        }),
        described.lines,
        irreversible,
    )
}

/// The change as an expand migration (unless it has nothing to do) and a contract migration.
fn write_split(
    from: &Schema,
    to: &Schema,
    split: &ExpandContract,
    dir: &Path,
    name: &str,
    options: PlanOptions,
) -> Result<Vec<WrittenMigration>, PlanMigrationError> {
    let dialect = to.dialect;
    let plans = split.render(from, to, options.server.as_ref())?;
    let expand = describe(&plans.expand_diff, dialect, options.server);
    let contract = describe(&plans.contract_diff, dialect, options.server);
    // What the split does not carry (a narrowing type change, say) is refused as without one.
    if !expand.destructive.is_empty() && !options.allow_destructive {
        return Err(PlanMigrationError::Destructive(
            expand.destructive.join("\n"),
        ));
    }
    let expand_irreversible = !expand.destructive.is_empty();
    let ExpandContractPlans {
        expand_diff,
        contract_diff,
        expand_up,
        expand_down,
        contract_up,
        contract_down,
    } = plans;
    let expand_down = (!expand_irreversible).then_some(expand_down);

    let mut written = Vec::new();
    let contract_name = format!("{name}_contract");
    if !expand_up.steps.is_empty() {
        let mut header = format!(
            "Generated by dbwarden plan ({}): expand step, {} change(s)\n",
            target_name(dialect, options.server),
            expand.lines.len()
        );
        push_lines(&mut header, &expand.lines);
        for sync in &split.syncs {
            header.push_str(&format!(
                "Column {}.{} is renamed to {} in two steps: {} is added, kept equal to {} by triggers on every write, and backfilled (one UPDATE: on a large table, backfill in batches first); the contract step drops {}.\n",
                sync.table, sync.old, sync.new, sync.new, sync.old, sync.old
            ));
        }
        header.push_str(&format!(
            "The old shape stays until the contract migration ({contract_name}), which `dbwarden migrate up` applies only with --contract: deploy code that uses the new shape first.\n"
        ));
        if expand_irreversible {
            header.push_str("Irreversible: it deletes data that a down script could not bring back; take a backup first.\n");
        }
        let allow = Allowances {
            destructive: options
                .allow_destructive
                .then_some("destructive change accepted with --allow-destructive when planning"),
            unmapped: Some(
                "keeps the old and new column equal until the contract step (expand/contract planned by dbwarden)",
            ),
        };
        let up_text = annotated_script(
            &expand_up,
            &header,
            &expand_diff,
            dialect,
            options.server.as_ref(),
            &allow,
        );
        written.push(write_pair(
            dir,
            name,
            MigrationRole::Expand,
            &with_directives(false, expand_irreversible, up_text),
            expand_down.map(|plan| {
                script(
                    &plan,
                    "Generated by dbwarden plan: undoes the expand step (drops the new shape; the old one was kept)",
                )
            }),
            expand.lines,
            expand_irreversible,
        )?);
    }

    let mut header = format!(
        "Generated by dbwarden plan ({}): contract step{}, {} change(s)\n",
        target_name(dialect, options.server),
        if written.is_empty() {
            String::new()
        } else {
            format!(" of {name}")
        },
        contract.lines.len()
    );
    push_lines(&mut header, &contract.lines);
    header.push_str("Apply with `dbwarden migrate up --contract` once no deployed code reads or writes the old shape.\n");
    if split.loses_data {
        header.push_str("Irreversible: it deletes data that a down script could not bring back, so it has none; `migrate up` requires a verified backup of the tables it drops from (--backup FILE), and `dbwarden backup restore FILE --table TABLE` brings dropped columns and tables back with their rows.\n");
    }
    let allow = Allowances {
        destructive: Some(
            "contract step of an expand/contract change planned by dbwarden: runs only with --contract, after a verified backup",
        ),
        unmapped: Some(
            "removes the triggers of the expand step (expand/contract planned by dbwarden)",
        ),
    };
    let up_text = annotated_script(
        &contract_up,
        &header,
        &contract_diff,
        dialect,
        options.server.as_ref(),
        &allow,
    );
    written.push(write_pair(
        dir,
        &contract_name,
        MigrationRole::Contract,
        &with_directives(true, split.loses_data, up_text),
        contract_down.map(|plan| {
            script(
                &plan,
                "Generated by dbwarden plan: undoes the contract step (brings the old shape back and refills it from the new one)",
            )
        }),
        contract.lines,
        split.loses_data,
    )?);
    Ok(written)
}

fn push_lines(header: &mut String, lines: &[String]) {
    for line in lines {
        header.push_str(line);
        header.push('\n');
    }
}

/// `script` under the `-- dbwarden:contract` and `-- dbwarden:irreversible` lines it needs
/// (directives must come before the first statement).
fn with_directives(contract: bool, irreversible: bool, script: String) -> String {
    let mut out = String::new();
    if contract {
        out.push_str("-- dbwarden:contract\n");
    }
    if irreversible {
        out.push_str("-- dbwarden:irreversible\n");
    }
    out.push_str(&script);
    out
}

/// Writes `NNNN_name.up.sql` and, when there is one, `NNNN_name.down.sql`.
fn write_pair(
    dir: &Path,
    name: &str,
    role: MigrationRole,
    up_text: &str,
    down_text: Option<String>,
    changes: Vec<String>,
    irreversible: bool,
) -> Result<WrittenMigration, PlanMigrationError> {
    let (up_path, down_path) = create_migration(dir, name)?;
    write(&up_path, up_text)?;
    let down = match down_text {
        Some(text) => {
            write(&down_path, &text)?;
            Some(down_path)
        }
        None => {
            std::fs::remove_file(&down_path).map_err(|e| MigrateError::Io {
                path: down_path.clone(),
                message: e.to_string(),
            })?;
            None
        }
    };
    Ok(WrittenMigration {
        role,
        up: up_path,
        down,
        changes,
        irreversible,
    })
}

/// Which statements flagged by the lint the plan allows beyond the always-intended ones.
struct Allowances<'a> {
    /// The reason written for destructive changes, when they are accepted.
    destructive: Option<&'a str>,
    /// The reason written for statements no change stands for (sync triggers, backfills).
    unmapped: Option<&'a str>,
}

/// The up script, with `-- dbwarden:allow <rule> <reason>` above each statement the lint
/// would stop but that the plan knows is intended: a rename the user asked for, a change the
/// classification finds safe without a rewrite (the lint cannot see the old type), a SQLite
/// table rebuild (its DROP TABLE follows the copy), destructive changes accepted with
/// --allow-destructive or in a contract step, and the statements an expand/contract split adds.
/// Anything else stays unallowed, for a person to review. A SQLite rebuild also gets a
/// warning in the header: its triggers go with the old table.
fn annotated_script(
    plan: &Plan,
    header: &str,
    forward: &Diff,
    dialect: Dialect,
    server: Option<&TargetVersion>,
    allow: &Allowances<'_>,
) -> String {
    let header = header.to_string();
    let (plain, starts) = script_with(plan, &header, |_, _| Vec::new());
    let report = dbwarden_lint::lint(
        &dbwarden_lint::LintInput {
            path: "plan",
            source: &plain,
            dialect,
        },
        &dbwarden_lint::LintConfig::default(),
    );
    let mut allows: Vec<Vec<String>> = vec![Vec::new(); plan.steps.len()];
    for finding in report.findings.iter().filter(|f| f.is_blocking()) {
        let Some(step) = starts.iter().rposition(|&start| start <= finding.line) else {
            continue;
        };
        let reason = match forward.changes.get(plan.steps[step].change) {
            Some(change) => intended(
                change,
                &classify_on(change, dialect, server),
                allow.destructive,
            ),
            None => allow.unmapped.map(str::to_string),
        };
        if let Some(reason) = reason {
            let line = format!(
                "dbwarden:allow {} {}",
                finding.rule.id(),
                reason.replace('\n', " ")
            );
            if !allows[step].contains(&line) {
                allows[step].push(line);
            }
        }
    }
    script_with(plan, &header, |i, _| {
        allows.get(i).cloned().unwrap_or_default()
    })
    .0
}

/// Why the plan means a statement the lint flags, or `None` when a person should decide.
fn intended(
    change: &Change,
    classification: &Classification,
    destructive: Option<&str>,
) -> Option<String> {
    match change {
        Change::RenameColumn { .. } | Change::RenameTable { .. } => {
            return Some("rename requested with --rename when planning".into());
        }
        _ => {}
    }
    if matches!(classification.lock, LockInfo::Sqlite { rebuild: true }) {
        return Some("SQLite table rebuild planned by dbwarden: rows are copied to the new table before the old one is dropped".into());
    }
    match classification.safety {
        Safety::Safe if !classification.rewrites_table => Some(format!(
            "planned by dbwarden as safe: {}",
            classification.reason
        )),
        Safety::Destructive => destructive.map(str::to_string),
        _ => None,
    }
}

fn write(path: &Path, text: &str) -> Result<(), MigrateError> {
    std::fs::write(path, text).map_err(|e| MigrateError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}
