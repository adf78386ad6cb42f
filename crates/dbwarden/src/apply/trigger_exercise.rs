//! Firing the triggers of the rehearsal copy once the migration ran there. A trigger's body is
//! checked only when it fires (PostgreSQL records no dependency for PL/pgSQL, MySQL and SQLite
//! none for trigger bodies), so a trigger the migration broke passes every other check and
//! fails the application's next write. On the copy, each table with triggers takes one
//! `UPDATE` of a row onto itself and one `INSERT` of a copy of it, in a transaction rolled back:
//! row triggers of both events fire on real values.
//!
//! A constraint refusing the copied row (its key exists) is expected and says nothing about the
//! triggers; `BEFORE` triggers have fired by then. `AFTER INSERT` triggers are not reached that
//! way, which is a limit of this check.

use dbwarden_core::{Dialect, Identity, QualifiedName, Schema, Table, quote_ident};
use dbwarden_engine::{Engine, EngineError};

/// What failed, one line per table and statement; empty when every trigger ran.
pub(super) async fn exercise_triggers(engine: &mut dyn Engine) -> Result<Vec<String>, EngineError> {
    let schema = engine.introspect().await?;
    let dialect = engine.dialect();
    let mut failures = Vec::new();
    for table in tables_with_triggers(&schema) {
        for (what, sql) in statements(dialect, table) {
            engine.begin().await?;
            let outcome = engine.execute(&sql).await;
            engine.rollback().await?;
            if let Err(e) = outcome
                && !is_constraint_refusal(&e)
            {
                failures.push(format!(
                    "a trigger on {} fails on {what} after the migration: {e}",
                    table.name
                ));
            }
        }
    }
    Ok(failures)
}

fn tables_with_triggers(schema: &Schema) -> Vec<&Table> {
    schema
        .tables
        .iter()
        .filter(|t| {
            schema
                .triggers
                .iter()
                .any(|trigger| trigger.table == t.name)
        })
        .collect()
}

/// The `UPDATE` and `INSERT` that fire `table`'s row triggers on one of its rows.
fn statements(dialect: Dialect, table: &Table) -> Vec<(&'static str, String)> {
    let columns: Vec<String> = table
        .columns
        .iter()
        .filter(|c| c.generated.is_none())
        .map(|c| quote_ident(dialect, &c.name))
        .collect();
    if columns.is_empty() {
        return Vec::new();
    }
    let name = table.name.quoted(dialect);
    let one_row = one_row(dialect, &table.name);
    let list = columns.join(", ");
    let overriding = if dialect == Dialect::Postgres {
        " OVERRIDING SYSTEM VALUE"
    } else {
        ""
    };
    let mut out = Vec::new();
    // Any column the UPDATE may set to itself: not generated, not GENERATED ALWAYS.
    if let Some(column) = table
        .columns
        .iter()
        .find(|c| c.generated.is_none() && c.identity != Some(Identity::Always))
    {
        let c = quote_ident(dialect, &column.name);
        out.push(("UPDATE", format!("UPDATE {name} SET {c} = {c} {one_row}")));
    }
    out.push((
        "INSERT",
        format!("INSERT INTO {name} ({list}){overriding} SELECT {list} FROM {name} LIMIT 1"),
    ));
    out
}

/// The clause that limits an `UPDATE` to one row.
fn one_row(dialect: Dialect, table: &QualifiedName) -> String {
    let name = table.quoted(dialect);
    match dialect {
        Dialect::Postgres => format!("WHERE ctid = (SELECT ctid FROM {name} LIMIT 1)"),
        Dialect::Mysql => "LIMIT 1".to_owned(),
        Dialect::Sqlite => format!("WHERE rowid = (SELECT rowid FROM {name} LIMIT 1)"),
    }
}

/// A key, foreign key, NOT NULL or check refusing the row: not a trigger's failure.
fn is_constraint_refusal(error: &EngineError) -> bool {
    const MYSQL: &[&str] = &["1062", "1451", "1452", "1048", "3819", "4025", "1586"];
    match error.code() {
        Some(code) if code.len() == 5 => code.starts_with("23"),
        Some(code) => MYSQL.contains(&code),
        None => error.to_string().contains("constraint failed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dbwarden_core::{Column, Generated};

    #[test]
    fn generated_columns_are_left_out_of_the_copy() {
        let mut table = Table::new(QualifiedName::new("public", "items"));
        table.columns.push(Column::new("id", "integer"));
        table.columns.push(Column {
            generated: Some(Generated {
                expression: "id * 2".into(),
                stored: true,
            }),
            ..Column::new("double", "integer")
        });
        let sql = statements(Dialect::Postgres, &table);
        assert_eq!(
            sql[0].1,
            "UPDATE \"public\".\"items\" SET \"id\" = \"id\" WHERE ctid = (SELECT ctid FROM \"public\".\"items\" LIMIT 1)"
        );
        assert_eq!(
            sql[1].1,
            "INSERT INTO \"public\".\"items\" (\"id\") OVERRIDING SYSTEM VALUE SELECT \"id\" FROM \"public\".\"items\" LIMIT 1"
        );
    }
}
