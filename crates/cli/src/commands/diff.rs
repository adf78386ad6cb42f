//! `dbwarden diff --from SRC --to SRC`: every change between two schemas, grouped by table,
//! each classified for the engine.

use crate::cli::GlobalArgs;
use crate::exit::{Exit, Failure};
use crate::output::{Style, paint, print_json, println_safe};
use dbwarden::config::resolve_database_url;
use dbwarden::core::diff::{Change, Classification, Dependent, RenameHints, Safety, diff};
use dbwarden::engine::ConnectionUrl;
use dbwarden::live_facts::{LiveFacts, open_live_source};
use dbwarden::schema_source::{SchemaSource, SourceError, load_schemas};
use serde::Serialize;

pub struct DiffArgs {
    pub from: String,
    pub to: String,
    pub renames: Vec<String>,
    pub dev_url: Option<String>,
    pub fail_on_diff: bool,
}

#[derive(Serialize)]
struct ClassifiedChange<'a> {
    change: &'a Change,
    summary: String,
    classification: Classification,
    lock: String,
    /// The catalog's estimate of the rows of the table it touches, from a live `--from`.
    #[serde(skip_serializing_if = "Option::is_none")]
    rows_affected: Option<u64>,
}

/// `--rename` hints plus the `-- dbwarden:renamed-from` comments of the desired SQL.
pub(super) fn rename_hints(
    flags: &[String],
    desired: &SchemaSource,
) -> Result<RenameHints, Failure> {
    let mut hints = RenameHints::parse(flags)
        .map_err(|e| Failure::new(Exit::Usage, "invalid_input", e.to_string()))?;
    desired
        .add_rename_comments(&mut hints)
        .map_err(source_failure)?;
    Ok(hints)
}

pub(super) fn source_failure(e: SourceError) -> Failure {
    let (exit, kind) = match &e {
        SourceError::NotFound(_)
        | SourceError::NoDevDatabase(_)
        | SourceError::RenameComment(_) => (Exit::Usage, "invalid_input"),
        SourceError::Apply { .. } => (Exit::Failure, "sql"),
        SourceError::Engine(dbwarden::engine::EngineError::Url(_)) => (Exit::Usage, "invalid_url"),
        _ => (Exit::Failure, "failure"),
    };
    Failure::new(exit, kind, e.to_string())
}

/// The database that SQL sources are applied to: `--dev-url`, else a side given as a URL, else
/// the configured database URL.
fn dev_url(
    args: &DiffArgs,
    from: &SchemaSource,
    to: &SchemaSource,
    global: &GlobalArgs,
) -> Result<Option<ConnectionUrl>, Failure> {
    if let Some(url) = &args.dev_url {
        return ConnectionUrl::parse(url)
            .map(Some)
            .map_err(|e| Failure::new(Exit::Usage, "invalid_url", format!("--dev-url: {e}")));
    }
    for side in [from, to] {
        if let SchemaSource::Database(url) = side {
            return Ok(Some(url.clone()));
        }
    }
    Ok(
        resolve_database_url(global.database_url.as_deref(), std::path::Path::new("."))
            .ok()
            .map(|(url, _)| url),
    )
}

pub async fn run(global: &GlobalArgs, args: DiffArgs) -> Result<Exit, Failure> {
    let from = SchemaSource::parse(&args.from).map_err(source_failure)?;
    let to = SchemaSource::parse(&args.to).map_err(source_failure)?;
    let hints = rename_hints(&args.renames, &to)?;
    if let (Some(a), Some(b)) = (from.dialect(), to.dialect())
        && a != b
    {
        return Err(Failure::new(
            Exit::Usage,
            "invalid_input",
            format!(
                "cannot compare a {a} schema with a {b} schema: both sides must be the same engine"
            ),
        ));
    }
    let dev = dev_url(&args, &from, &to, global)?;
    // A live database being changed tells its release (locks differ between releases) and
    // its tables' sizes; read while the schemas are.
    let live = async {
        match &from {
            SchemaSource::Database(url) => Some(open_live_source(url).await),
            _ => None,
        }
    };
    let load = super::load_options(global);
    let (schemas, live) = tokio::join!(load_schemas(&from, &to, dev.as_ref(), &load), live);
    let (from_schema, to_schema) = schemas.map_err(source_failure)?;
    let unmanaged = dbwarden::core::Schema::unmanaged_of(&[&from_schema, &to_schema]);
    super::report_unmanaged(global, &unmanaged)?;
    let dialect = to_schema.dialect;
    let result = diff(&from_schema, &to_schema, &hints);
    let facts = match live {
        Some(Ok(source)) if !result.is_empty() => source.facts(&result).await,
        Some(Err(e)) => {
            return Err(Failure::new(
                Exit::Failure,
                "database",
                format!("cannot read the server version and table sizes of --from: {e}"),
            ));
        }
        _ => LiveFacts::default(),
    };
    let classified: Vec<ClassifiedChange> = result
        .changes
        .iter()
        .map(|change| {
            let classification = facts.classify(change, dialect);
            ClassifiedChange {
                change,
                summary: change.summary(),
                lock: classification.lock.describe(),
                classification,
                rows_affected: facts.rows_affected(change),
            }
        })
        .collect();
    let exit = if args.fail_on_diff && !result.is_empty() {
        Exit::Drift
    } else {
        Exit::Success
    };
    if global.json {
        print_json(&serde_json::json!({
            "status": if result.is_empty() { "same" } else { "different" },
            "from": from.describe(),
            "to": to.describe(),
            "database": dialect.name(),
            "server_version": facts.version.map(|v| v.to_string()),
            "changes": classified,
            "rename_suspects": result.rename_suspects,
            "unused_hints": result.unused_hints,
            "unmanaged": unmanaged,
            "broken_dependents": result.broken_dependents,
        }));
        return Ok(exit);
    }
    println_safe(&format!(
        "{} → {} ({})",
        from.describe(),
        to.describe(),
        facts
            .version
            .map_or_else(|| dialect.name().to_string(), |v| v.to_string())
    ));
    if result.is_empty() && unmanaged.iter().all(|o| o.tool.is_some()) {
        println_safe("no differences");
    } else if result.is_empty() {
        println_safe(
            "no differences in the objects dbwarden manages (the objects warned about were not compared)",
        );
    }
    // Grouped by table, in the order they would run.
    let mut groups: Vec<(String, Vec<&ClassifiedChange>)> = Vec::new();
    for c in &classified {
        let key = c
            .change
            .table()
            .map_or_else(|| "(schema objects)".to_owned(), |t| t.to_string());
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push(c),
            None => groups.push((key, vec![c])),
        }
    }
    for (table, changes) in &groups {
        println_safe(&format!("\n{table}"));
        for c in changes {
            let (word, style) = match c.classification.safety {
                Safety::Safe => ("safe", Style::Ok),
                Safety::Breaking => ("BREAKING", Style::Warn),
                Safety::Destructive => ("DESTRUCTIVE", Style::Bad),
            };
            let rewrite = if c.classification.rewrites_table {
                ", rewrites table"
            } else {
                ""
            };
            let rows = c
                .rows_affected
                .map(|n| format!(", ~{n} rows"))
                .unwrap_or_default();
            println_safe(&format!(
                "  {:<12} {}  [{}{rewrite}{rows}]",
                paint(word, style, false),
                c.summary,
                c.lock
            ));
            println_safe(&format!("               {}", c.classification.reason));
            let dependents = dependents_of(c.change);
            if !dependents.is_empty() {
                let names: Vec<String> = dependents.iter().map(describe_dependent).collect();
                println_safe(&format!("               touches: {}", names.join(", ")));
            }
        }
    }
    for s in &result.rename_suspects {
        println_safe(&format!(
            "{} {}",
            paint("rename?", Style::Warn, false),
            s.message()
        ));
    }
    for b in &result.broken_dependents {
        println_safe(&format!(
            "{} {} (line {} of its definition) still uses {}, which `{}` takes away",
            paint("breaks:", Style::Bad, false),
            b.object,
            b.line,
            b.uses,
            b.change
        ));
    }
    for h in &result.unused_hints {
        println_safe(&format!(
            "{} --rename {}: {}",
            paint("unused:", Style::Warn, false),
            h.hint,
            h.reason
        ));
    }
    let count = |s: Safety| {
        classified
            .iter()
            .filter(|c| c.classification.safety == s)
            .count()
    };
    if !result.is_empty() {
        println_safe(&format!(
            "\n{} changes: {} safe, {} breaking, {} destructive",
            classified.len(),
            count(Safety::Safe),
            count(Safety::Breaking),
            count(Safety::Destructive)
        ));
    }
    Ok(exit)
}

/// What uses the dropped or changed object, as the diff found it in the old schema.
fn dependents_of(change: &Change) -> &[Dependent] {
    match change {
        Change::DropTable { dependents, .. }
        | Change::DropColumn { dependents, .. }
        | Change::AlterColumn { dependents, .. } => dependents,
        _ => &[],
    }
}

fn describe_dependent(dependent: &Dependent) -> String {
    let named = |kind: &str, name: &Option<String>| match name {
        Some(name) => format!("{kind} {name}"),
        None => format!("unnamed {kind}"),
    };
    match dependent {
        Dependent::PrimaryKey => "primary key".into(),
        Dependent::Unique { name } => named("unique constraint", name),
        Dependent::ForeignKey { name } => named("foreign key", name),
        Dependent::ReferencedBy { table, name } => match name {
            Some(name) => format!("foreign key {name} of {table}"),
            None => format!("a foreign key of {table}"),
        },
        Dependent::Check { name } => named("check", name),
        Dependent::Index { name } => format!("index {name}"),
        Dependent::GeneratedColumn { name } => format!("generated column {name}"),
        Dependent::View { name } => format!("view {name}"),
    }
}
