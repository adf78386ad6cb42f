//! PostgreSQL statements for each change (PostgreSQL 11+; where a statement needs a newer
//! release its comment says so).

use super::{PlanError, Planner, comment_literal, objects};
use crate::diff::{Change, ColumnChanges, CommentTarget, Dependent};
use crate::{
    Column, Dialect, EnumType, Identity, QualifiedName, Sequence, quote_ident, quote_literal,
};

const D: Dialect = Dialect::Postgres;

fn ident(name: &str) -> String {
    quote_ident(D, name)
}

fn name(name: &QualifiedName) -> String {
    name.quoted(D)
}

fn column_list(columns: &[String]) -> String {
    crate::dialect::quote_ident_list(Dialect::Postgres, columns)
}

/// Writes `change` into `p`.
pub(super) fn render(p: &mut Planner<'_>, change: &Change) -> Result<(), PlanError> {
    match change {
        Change::CreateNamespace { namespace } => {
            p.push_all(objects::namespace_statements(namespace))
        }
        Change::DropNamespace { namespace } => {
            if namespace.name == "public" {
                // `public` cannot go; the model drops it from the list when its comment is
                // back to the one every new database has (PostgreSQL 15+).
                p.push("COMMENT ON SCHEMA \"public\" IS 'standard public schema'");
            } else {
                p.push(format!("DROP SCHEMA {}", ident(&namespace.name)));
            }
        }
        Change::CreateEnum { enum_type } => p.push_all(objects::enum_statements(enum_type)),
        Change::DropEnum { enum_type } => p.push(format!("DROP TYPE {}", name(&enum_type.name))),
        Change::AddEnumValue {
            enum_name,
            value,
            before,
        } => {
            // Allowed in a transaction since PostgreSQL 12, but the new label cannot be used
            // before the transaction commits ("unsafe use of new value").
            let mut sql = format!(
                "ALTER TYPE {} ADD VALUE {}",
                name(enum_name),
                quote_literal(D, value)
            );
            if let Some(before) = before {
                sql.push_str(&format!(" BEFORE {}", quote_literal(D, before)));
            }
            p.push(sql);
        }
        Change::RecreateEnum { from, to } => recreate_enum(p, from, to)?,
        Change::CreateSequence { sequence } => {
            p.push_all(objects::sequence_statements(sequence));
            if let Some(owner) = owned_by(sequence) {
                p.after_tables_exist(owner);
            }
        }
        Change::DropSequence { sequence } => {
            p.push(format!("DROP SEQUENCE {}", name(&sequence.name)));
        }
        Change::AlterSequence { from, to } => alter_sequence(p, from, to),
        Change::CreateTable { table } => {
            p.push_all(objects::table_statements(D, table));
            for foreign_key in &table.foreign_keys {
                if let Some(sql) = objects::add_foreign_key(D, &table.name, foreign_key) {
                    p.after_tables_exist(sql);
                }
            }
        }
        Change::DropTable { table, dependents } => {
            p.drop_views_around(view_dependents(dependents))?;
            p.push(format!("DROP TABLE {}", name(&table.name)));
        }
        Change::RenameTable { from, to } => {
            let mut current = from.clone();
            if from.schema != to.schema {
                let Some(schema) = &to.schema else {
                    return Err(p.unsupported("a table cannot leave its schema"));
                };
                p.push(format!(
                    "ALTER TABLE {} SET SCHEMA {}",
                    name(from),
                    ident(schema)
                ));
                current.schema = to.schema.clone();
            }
            if from.name != to.name {
                p.push(format!(
                    "ALTER TABLE {} RENAME TO {}",
                    name(&current),
                    ident(&to.name)
                ));
            }
        }
        Change::AddColumn { table, column, .. } => {
            // PostgreSQL can only append a column; a position is lost.
            let definition = definition(p, column)?;
            p.push(format!(
                "ALTER TABLE {} ADD COLUMN {definition}",
                name(table)
            ));
            if let Some(comment) = &column.comment {
                p.push(column_comment(table, &column.name, Some(comment)));
            }
        }
        Change::DropColumn {
            table,
            column,
            dependents,
        } => {
            p.drop_views_around(view_dependents(dependents))?;
            p.push(format!(
                "ALTER TABLE {} DROP COLUMN {}",
                name(table),
                ident(&column.name)
            ));
        }
        Change::RenameColumn { table, from, to } => p.push(format!(
            "ALTER TABLE {} RENAME COLUMN {} TO {}",
            name(table),
            ident(from),
            ident(to)
        )),
        Change::AlterColumn {
            table,
            from,
            to,
            changes,
            dependents,
        } => alter_column(p, table, from, to, changes, dependents)?,
        Change::ReorderColumns { .. } => {
            return Err(p.unsupported(
                "PostgreSQL cannot reorder columns; recreate the table, or keep the old order in the desired schema",
            ));
        }
        Change::AddPrimaryKey { table, primary_key } => p.push(format!(
            "ALTER TABLE {} ADD {}PRIMARY KEY ({})",
            name(table),
            constraint(primary_key.name.as_deref()),
            column_list(&primary_key.columns)
        )),
        Change::DropPrimaryKey { table, primary_key } => {
            drop_constraint(p, table, primary_key.name.as_deref())?
        }
        Change::AddUnique { table, unique } => match &unique.name {
            // The index is built without blocking writes, then becomes the constraint
            // (manual, "ALTER TABLE ... ADD table_constraint_using_index").
            Some(unique_name) if !p.created_in_diff(table) => {
                p.push_outside_transaction(format!(
                    "CREATE UNIQUE INDEX CONCURRENTLY {} ON {} ({})",
                    ident(unique_name),
                    name(table),
                    column_list(&unique.columns)
                ));
                p.push(format!(
                    "ALTER TABLE {} ADD CONSTRAINT {} UNIQUE USING INDEX {}",
                    name(table),
                    ident(unique_name),
                    ident(unique_name)
                ));
            }
            _ => p.push(format!(
                "ALTER TABLE {} ADD {}UNIQUE ({})",
                name(table),
                constraint(unique.name.as_deref()),
                column_list(&unique.columns)
            )),
        },
        Change::DropUnique { table, unique } => drop_constraint(p, table, unique.name.as_deref())?,
        Change::AddForeignKey { table, foreign_key } => {
            let Some(sql) = objects::add_foreign_key(D, table, foreign_key) else {
                return Err(p.unsupported("the renderer wrote no ADD FOREIGN KEY"));
            };
            add_then_validate(p, table, foreign_key.name.as_deref(), sql);
        }
        Change::DropForeignKey { table, foreign_key } => {
            drop_constraint(p, table, foreign_key.name.as_deref())?
        }
        Change::AddCheck { table, check } => {
            let sql = format!(
                "ALTER TABLE {} ADD {}CHECK ({})",
                name(table),
                constraint(check.name.as_deref()),
                check.expression
            );
            add_then_validate(p, table, check.name.as_deref(), sql);
        }
        Change::DropCheck { table, check } => drop_constraint(p, table, check.name.as_deref())?,
        Change::CreateIndex { table, index } => {
            let statements = objects::index_statements(D, table, index);
            let concurrently = !p.created_in_diff(table);
            for (i, sql) in statements.into_iter().enumerate() {
                if i == 0 && concurrently {
                    // Builds without blocking writes; refuses to run in a transaction.
                    p.push_outside_transaction(sql.replacen("INDEX ", "INDEX CONCURRENTLY ", 1));
                } else {
                    p.push(sql);
                }
            }
        }
        Change::DropIndex { table, index } => {
            // An index lives in its table's schema.
            let index_name = QualifiedName {
                schema: table.schema.clone(),
                name: index.name.clone(),
            };
            p.push_outside_transaction(format!("DROP INDEX CONCURRENTLY {}", name(&index_name)));
        }
        Change::CreateView { view } => p.create_view(view),
        Change::DropView { view } => p.drop_view(view),
        Change::ReplaceView { to, .. } => p.replace_view(to),
        Change::SetComment { target, to, .. } => {
            let object = match target {
                CommentTarget::Namespace { name } => format!("SCHEMA {}", ident(name)),
                CommentTarget::Enum { name: n } => format!("TYPE {}", name(n)),
                CommentTarget::Sequence { name: n } => format!("SEQUENCE {}", name(n)),
                CommentTarget::Table { name: n } => format!("TABLE {}", name(n)),
                CommentTarget::View { name: n } => format!("VIEW {}", name(n)),
            };
            p.push(format!(
                "COMMENT ON {object} IS {}",
                comment_literal(D, to.as_deref())
            ));
        }
    }
    Ok(())
}

fn definition(p: &Planner<'_>, column: &Column) -> Result<String, PlanError> {
    objects::column_definition(D, column)
        .ok_or_else(|| p.unsupported("the renderer wrote no column definition"))
}

fn constraint(constraint_name: Option<&str>) -> String {
    constraint_name.map_or_else(String::new, |n| format!("CONSTRAINT {} ", ident(n)))
}

fn column_comment(table: &QualifiedName, column: &str, comment: Option<&str>) -> String {
    format!(
        "COMMENT ON COLUMN {}.{} IS {}",
        name(table),
        ident(column),
        comment_literal(D, comment)
    )
}

fn view_dependents(dependents: &[Dependent]) -> Vec<QualifiedName> {
    dependents
        .iter()
        .filter_map(|d| match d {
            Dependent::View { name } => Some(name.clone()),
            _ => None,
        })
        .collect()
}

fn drop_constraint(
    p: &mut Planner<'_>,
    table: &QualifiedName,
    constraint_name: Option<&str>,
) -> Result<(), PlanError> {
    let Some(constraint_name) = constraint_name else {
        return Err(p.unsupported("PostgreSQL drops a constraint by name, and this one has none"));
    };
    p.push(format!(
        "ALTER TABLE {} DROP CONSTRAINT {}",
        name(table),
        ident(constraint_name)
    ));
    Ok(())
}

/// A foreign key or check on an existing table is added `NOT VALID`, which takes its lock
/// only briefly, then validated under a lock that lets writes go on (manual, "ALTER TABLE",
/// "VALIDATE CONSTRAINT").
fn add_then_validate(
    p: &mut Planner<'_>,
    table: &QualifiedName,
    constraint_name: Option<&str>,
    add: String,
) {
    match constraint_name {
        Some(constraint_name) if !p.created_in_diff(table) => {
            p.push(format!("{add} NOT VALID"));
            p.push(format!(
                "ALTER TABLE {} VALIDATE CONSTRAINT {}",
                name(table),
                ident(constraint_name)
            ));
        }
        _ => p.push(add),
    }
}

fn owned_by(sequence: &Sequence) -> Option<String> {
    let (table, column) = sequence.owned_by.as_ref()?;
    Some(format!(
        "ALTER SEQUENCE {} OWNED BY {}.{}",
        name(&sequence.name),
        name(table),
        ident(column)
    ))
}

/// Every option is restated: the defaults depend on the type and the sign of the increment.
fn alter_sequence(p: &mut Planner<'_>, from: &Sequence, to: &Sequence) {
    let unowned = |s: &Sequence| Sequence {
        owned_by: None,
        comment: None,
        ..s.clone()
    };
    if unowned(from) != unowned(to) {
        p.push(format!(
            "ALTER SEQUENCE {} AS {} INCREMENT BY {} MINVALUE {} MAXVALUE {} START WITH {} CACHE {} {}",
            name(&to.name),
            to.data_type,
            to.increment,
            to.min_value,
            to.max_value,
            to.start,
            to.cache,
            if to.cycle { "CYCLE" } else { "NO CYCLE" },
        ));
    }
    if from.owned_by != to.owned_by {
        // The owning column may be added later in the plan.
        let sql = owned_by(to)
            .unwrap_or_else(|| format!("ALTER SEQUENCE {} OWNED BY NONE", name(&to.name)));
        p.after_tables_exist(sql);
    }
}

/// PostgreSQL cannot remove or reorder enum labels, so the type is renamed away, created
/// anew, every column using it converted through text, and the old type dropped. A value no
/// longer in the type makes the conversion fail, which is the point: the data must be
/// changed first.
fn recreate_enum(p: &mut Planner<'_>, from: &EnumType, to: &EnumType) -> Result<(), PlanError> {
    let (old_schema, new_schema) = p.schemas("recreating an enum type")?;
    let retired = QualifiedName {
        schema: from.name.schema.clone(),
        name: format!("{}_dbw_old", from.name.name),
    };
    let spellings = type_spellings(&from.name);
    let mut columns: Vec<(QualifiedName, &Column)> = Vec::new();
    for table in &old_schema.tables {
        for column in &table.columns {
            if spellings.contains(&column.data_type) {
                columns.push((table.name.clone(), column));
            }
        }
    }
    // Tables are renamed later in the plan, so they still have their old names here.
    let mut views = Vec::new();
    for (table, _) in &columns {
        views.extend(p.views_reading(&p.new_table_name(table)));
    }
    p.drop_views_around(views)?;
    p.push(format!(
        "ALTER TYPE {} RENAME TO {}",
        name(&from.name),
        ident(&retired.name)
    ));
    p.push_all(objects::enum_statements(to));
    let new_type = name(&to.name);
    for (table, column) in &columns {
        let alter = format!(
            "ALTER TABLE {} ALTER COLUMN {}",
            name(table),
            ident(&column.name)
        );
        if column.default.is_some() {
            // The old default is typed with the old enum and cannot be cast automatically.
            p.push(format!("{alter} DROP DEFAULT"));
        }
        p.push(format!(
            "{alter} TYPE {new_type} USING {}::text::{new_type}",
            ident(&column.name)
        ));
        if let Some(default) = new_default(p, new_schema, table, column, &spellings) {
            p.push(format!("{alter} SET DEFAULT {default}"));
        }
    }
    p.push(format!("DROP TYPE {}", name(&retired)));
    Ok(())
}

/// How a column type can name the enum `name`: qualified as printed, bare (in the search
/// path), or quoted.
fn type_spellings(enum_name: &QualifiedName) -> Vec<String> {
    vec![
        enum_name.to_string(),
        enum_name.name.clone(),
        name(enum_name),
        ident(&enum_name.name),
    ]
}

/// The default the column has in the new schema while it still uses the enum; a column that
/// stops using it gets its new default from its own change.
fn new_default(
    p: &Planner<'_>,
    new_schema: &crate::Schema,
    old_table: &QualifiedName,
    column: &Column,
    spellings: &[String],
) -> Option<String> {
    column.default.as_ref()?;
    let table = p.new_table_name(old_table);
    let column_name = p
        .changes()
        .iter()
        .find_map(|c| match c {
            Change::RenameColumn { table: t, from, to } if t == &table && from == &column.name => {
                Some(to.clone())
            }
            _ => None,
        })
        .unwrap_or_else(|| column.name.clone());
    let new_column = new_schema.table(&table)?.column(&column_name)?;
    if spellings.contains(&new_column.data_type) {
        new_column.default.clone()
    } else {
        None
    }
}

/// One statement per part, in an order each can run in: the default goes before a type
/// change (it would have to be cast) and before an identity is added (a column cannot have
/// both); NOT NULL is in place before an identity needs it.
fn alter_column(
    p: &mut Planner<'_>,
    table: &QualifiedName,
    from: &Column,
    to: &Column,
    changes: &ColumnChanges,
    dependents: &[Dependent],
) -> Result<(), PlanError> {
    let alter = format!(
        "ALTER TABLE {} ALTER COLUMN {}",
        name(table),
        ident(&to.name)
    );
    let retyped = changes.data_type || changes.collation;
    if retyped || changes.generated {
        // PostgreSQL refuses to change a column that a view reads.
        p.drop_views_around(view_dependents(dependents))?;
    }
    let set_expression = match (changes.generated, &from.generated, &to.generated) {
        (false, _, _) | (true, Some(_), None) => None,
        (true, Some(old), Some(new)) if old.stored == new.stored => Some(new.expression.clone()),
        _ => {
            return Err(p.unsupported(
                "PostgreSQL cannot make an existing column generated or switch it between STORED and VIRTUAL; add a new column instead",
            ));
        }
    };
    let identity = |identity: Option<Identity>| match identity {
        Some(Identity::Always) => Ok(Some("ALWAYS")),
        Some(Identity::ByDefault) => Ok(Some("BY DEFAULT")),
        None => Ok(None),
        Some(Identity::AutoIncrement) => Err(p.unsupported(
            "AUTO_INCREMENT is not a PostgreSQL identity; use GENERATED ... AS IDENTITY",
        )),
    };
    let (old_identity, new_identity) = if changes.identity {
        (identity(from.identity)?, identity(to.identity)?)
    } else {
        (None, None)
    };

    if from.default.is_some() && (retyped || (changes.default && to.default.is_none())) {
        p.push(format!("{alter} DROP DEFAULT"));
    }
    if old_identity.is_some() && new_identity.is_none() {
        p.push(format!("{alter} DROP IDENTITY"));
    }
    if changes.generated && to.generated.is_none() {
        // PostgreSQL 13+: the column keeps its values and becomes a plain one.
        p.push(format!("{alter} DROP EXPRESSION"));
    }
    if retyped {
        let mut sql = format!("{alter} TYPE {}", to.data_type);
        match (&to.collation, changes.collation) {
            (Some(collation), _) => sql.push_str(&format!(" COLLATE {collation}")),
            (None, true) => sql.push_str(" COLLATE \"default\""),
            (None, false) => {}
        }
        if changes.data_type && to.generated.is_none() {
            sql.push_str(&format!(" USING {}::{}", ident(&to.name), to.data_type));
        }
        p.push(sql);
    }
    if changes.nullable {
        if to.nullable {
            p.push(format!("{alter} DROP NOT NULL"));
        } else {
            set_not_null(p, table, &to.name, &alter);
        }
    }
    if let Some(default) = &to.default
        && (changes.default || retyped)
    {
        p.push(format!("{alter} SET DEFAULT {default}"));
    }
    match (old_identity, new_identity) {
        (None, Some(kind)) => p.push(format!("{alter} ADD GENERATED {kind} AS IDENTITY")),
        (Some(_), Some(kind)) => p.push(format!("{alter} SET GENERATED {kind}")),
        _ => {}
    }
    if let Some(expression) = set_expression {
        // PostgreSQL 17+; rewrites a STORED column.
        p.push(format!("{alter} SET EXPRESSION AS ({expression})"));
    }
    if changes.comment {
        p.push(column_comment(table, &to.name, to.comment.as_deref()));
    }
    Ok(())
}

/// `SET NOT NULL` scans the table under ACCESS EXCLUSIVE unless a validated check already
/// proves it (PostgreSQL 12+, manual, "ALTER TABLE ... SET NOT NULL"); a `NOT VALID` check
/// validated under a weaker lock gives that proof, and goes once it has served.
fn set_not_null(p: &mut Planner<'_>, table: &QualifiedName, column: &str, alter: &str) {
    let mut check = format!("dbw_nn_{column}");
    // Identifiers longer than 63 bytes are truncated by the server; cut on a char boundary.
    while check.len() > 63 {
        check.pop();
    }
    let table_sql = name(table);
    p.push(format!(
        "ALTER TABLE {table_sql} ADD CONSTRAINT {} CHECK ({} IS NOT NULL) NOT VALID",
        ident(&check),
        ident(column)
    ));
    p.push(format!(
        "ALTER TABLE {table_sql} VALIDATE CONSTRAINT {}",
        ident(&check)
    ));
    p.push(format!("{alter} SET NOT NULL"));
    p.push(format!(
        "ALTER TABLE {table_sql} DROP CONSTRAINT {}",
        ident(&check)
    ));
}
