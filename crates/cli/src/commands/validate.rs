//! `dbwarden validate snapshot|compare`.

use super::connect;
use crate::cli::{GlobalArgs, ValidateCommand};
use crate::exit::{Exit, Failure};
use crate::output::{Style, paint, print_json, println_safe, table};
use dbwarden::validate::{Intent, Snapshot, compare, snapshot};
use serde_json::json;
use std::path::Path;

pub async fn run(global: &GlobalArgs, cmd: ValidateCommand) -> Result<Exit, Failure> {
    match cmd {
        ValidateCommand::Snapshot {
            output,
            tables,
            column_checksums,
        } => {
            let (url, mut engine) = connect(global).await?;
            let only = (!tables.is_empty()).then_some(tables.as_slice());
            let taken = snapshot(engine.as_mut(), &url.redacted(), only, column_checksums).await?;
            let text = serde_json::to_string_pretty(&taken)
                .map_err(|e| Failure::new(Exit::Failure, "json", e.to_string()))?;
            match output {
                Some(path) => {
                    std::fs::write(&path, text).map_err(|e| {
                        Failure::new(
                            Exit::Failure,
                            "io",
                            format!("cannot write {}: {e}", path.display()),
                        )
                    })?;
                    if global.json {
                        print_json(
                            &json!({"status": "success", "snapshot": path, "tables": taken.tables.len(), "rows": taken.total_rows()}),
                        );
                    } else {
                        println_safe(&format!(
                            "snapshot of {} tables ({} rows) written to {}",
                            taken.tables.len(),
                            taken.total_rows(),
                            path.display()
                        ));
                    }
                }
                None => println_safe(&text),
            }
            Ok(Exit::Success)
        }
        ValidateCommand::Compare {
            before,
            after,
            migration,
        } => {
            let before = read_snapshot(&before)?;
            let after = match after {
                Some(path) => read_snapshot(&path)?,
                None => {
                    let (url, mut engine) = connect(global).await?;
                    let column_checksums = before
                        .tables
                        .values()
                        .any(|t| !t.column_checksums.is_empty());
                    snapshot(engine.as_mut(), &url.redacted(), None, column_checksums).await?
                }
            };
            let mut intent = Intent::default();
            for path in &migration {
                let sql = std::fs::read_to_string(path).map_err(|e| {
                    Failure::new(
                        Exit::Usage,
                        "invalid_input",
                        format!("cannot read migration {}: {e}", path.display()),
                    )
                })?;
                let dialect = global
                    .database_url
                    .as_deref()
                    .and_then(|u| dbwarden::engine::ConnectionUrl::parse(u).ok())
                    .map_or(dbwarden::core::Dialect::Postgres, |u| u.dialect());
                let found = Intent::from_sql(&sql, dialect);
                intent.schema_tables.extend(found.schema_tables);
                intent.data_tables.extend(found.data_tables);
            }
            let differences = compare(&before, &after, &intent);
            let unexpected = differences.iter().filter(|d| d.intended.is_none()).count();
            if global.json {
                print_json(&json!({
                    "status": if unexpected == 0 { "success" } else { "differs" },
                    "differences": differences,
                    "unexpected": unexpected,
                }));
            } else if differences.is_empty() {
                println_safe(&format!(
                    "{} {} tables, {} rows: every fingerprint is equal",
                    paint("equal:", Style::Ok, false),
                    after.tables.len(),
                    after.total_rows()
                ));
            } else {
                let mut t = table(&["table", "figure", "before", "after", "verdict"]);
                for d in &differences {
                    t.add_row(vec![
                        d.table.clone(),
                        d.figure.clone(),
                        d.expected.clone(),
                        d.found.clone(),
                        d.intended
                            .clone()
                            .map_or_else(|| "UNEXPECTED".to_owned(), |w| format!("expected: {w}")),
                    ]);
                }
                println_safe(&t.to_string());
                println_safe(&format!(
                    "{} differences, {unexpected} unexpected",
                    differences.len()
                ));
            }
            Ok(if unexpected == 0 {
                Exit::Success
            } else {
                Exit::Drift
            })
        }
    }
}

fn read_snapshot(path: &Path) -> Result<Snapshot, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Failure::new(
            Exit::Usage,
            "invalid_input",
            format!("cannot read snapshot {}: {e}", path.display()),
        )
    })?;
    serde_json::from_str(&text).map_err(|e| {
        Failure::new(
            Exit::Usage,
            "invalid_input",
            format!(
                "{} is not a snapshot written by `dbwarden validate snapshot`: {e}",
                path.display()
            ),
        )
    })
}
