//! PostgreSQL statements for each change (PostgreSQL 11+; where a statement needs a newer
//! release its comment says so).

use super::{PlanError, Planner, comment_literal, objects};
use crate::diff::{Change, ColumnChanges, CommentTarget, Dependent};
use crate::{
    Column, Dialect, EnumType, Identity, QualifiedName, Sequence, Table, quote_ident, quote_literal,
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

/// Whether `data_type` (as a column holds it, maybe an array) is an enum type of either schema.
fn is_enum(p: &Planner<'_>, data_type: &str) -> bool {
    let Ok((from, to)) = p.schemas("an enum type check") else {
        return false;
    };
    let base = data_type.trim_end_matches("[]");
    from.enums
        .iter()
        .chain(&to.enums)
        .any(|e| base == e.name.to_string() || base == e.name.quoted(D) || base == name(&e.name))
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
            // before the transaction commits ("unsafe use of new value"): the planner runs it
            // outside the transaction when a later step uses it.
            let mut sql = format!(
                "ALTER TYPE {} ADD VALUE {}",
                name(enum_name),
                quote_literal(D, value)
            );
            if let Some(before) = before {
                sql.push_str(&format!(" BEFORE {}", quote_literal(D, before)));
            }
            p.push_enum_label(sql, value);
        }
        Change::RecreateEnum { from, to } => recreate_enum(p, from, to)?,
        Change::CreateSequence { sequence } => {
            p.push_all(objects::sequence_statements(sequence));
            if let Some(owner) = owned_by(sequence) {
                p.after_tables_exist(owner);
            }
        }
        Change::DropSequence { sequence } => {
            // A sequence owned by a column goes with it (serial columns).
            if !owner_dropped(p, sequence) {
                p.push(format!("DROP SEQUENCE {}", name(&sequence.name)));
            }
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
            for (other, key) in p.keys_from_tables_dropped_later(dependents) {
                drop_constraint(p, &other, key.as_deref())?;
            }
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
            if let Some(old) = p.old_table(table).and_then(|t| t.primary_key.as_ref()) {
                p.drop_foreign_keys_around(foreign_keys_relying_on(p, table, &old.columns))?;
            }
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
        Change::DropUnique { table, unique } => {
            let old = p
                .old_table(table)
                .and_then(|t| t.uniques.iter().find(|u| u.name == unique.name));
            if let Some(old) = old {
                p.drop_foreign_keys_around(foreign_keys_relying_on(p, table, &old.columns))?;
            }
            drop_constraint(p, table, unique.name.as_deref())?
        }
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
        Change::DropCheck { table, check } => {
            if !check
                .name
                .as_deref()
                .is_some_and(|n| p.dropped_around(table, n))
            {
                drop_constraint(p, table, check.name.as_deref())?
            }
        }
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
        Change::DropIndex { table, index } if p.dropped_around(table, &index.name) => {}
        Change::DropIndex { table, index } => {
            if let Some(columns) = unique_columns(p, table, &index.name) {
                p.drop_foreign_keys_around(foreign_keys_relying_on(p, table, &columns))?;
            }
            // An index lives in its table's schema.
            let index_name = QualifiedName {
                schema: table.schema.clone(),
                name: index.name.clone(),
            };
            p.push_outside_transaction(format!("DROP INDEX CONCURRENTLY {}", name(&index_name)));
        }
        Change::CreateView { view } => p.create_view(view),
        Change::DropView { view } => p.drop_view(view),
        // Written by the shared module before this one is asked.
        crate::diff::program_change!() => {}
        Change::ReplaceView { to, .. } => p.replace_view(to)?,
        Change::SetComment { target, to, .. } => {
            let object = match target {
                CommentTarget::Namespace { name } => format!("SCHEMA {}", ident(name)),
                CommentTarget::Enum { name: n } => format!("TYPE {}", name(n)),
                CommentTarget::Sequence { name: n } => format!("SEQUENCE {}", name(n)),
                CommentTarget::Table { name: n } => format!("TABLE {}", name(n)),
                CommentTarget::View { name: n } => format!("VIEW {}", name(n)),
                // Written by the shared module before this one is asked.
                CommentTarget::Domain { name: n } => format!("DOMAIN {}", name(n)),
                CommentTarget::Composite { name: n } => format!("TYPE {}", name(n)),
                CommentTarget::Routine { .. } | CommentTarget::Trigger { .. } => return Ok(()),
            };
            p.push(format!(
                "COMMENT ON {object} IS {}",
                comment_literal(D, to.as_deref())
            ));
        }
    }
    Ok(())
}

/// Foreign keys still in place that rely on the unique key of `table` (a new name) over
/// `columns` (old names): PostgreSQL ties a foreign key to the unique index whose columns are
/// exactly the referenced ones, and refuses to drop that index while the key exists.
fn foreign_keys_relying_on<'a>(
    p: &Planner<'a>,
    table: &QualifiedName,
    columns: &[String],
) -> Vec<(&'a crate::Table, &'a crate::ForeignKey)> {
    let old = p.old_table_name(table);
    p.existing_foreign_keys(|_, fk| {
        fk.referenced_table == old
            && fk.referenced_columns.len() == columns.len()
            && fk.referenced_columns.iter().all(|c| columns.contains(c))
    })
}

/// The plain columns (old names) of `table`'s unique index `index_name` in the old schema,
/// which a foreign key may rely on; `None` for other indexes.
fn unique_columns(p: &Planner<'_>, table: &QualifiedName, index_name: &str) -> Option<Vec<String>> {
    let index = p
        .old_table(table)?
        .indexes
        .iter()
        .find(|i| i.name == index_name && i.unique && i.predicate.is_none())?;
    index
        .parts
        .iter()
        .map(|part| match &part.key {
            crate::IndexKey::Column(column) => Some(column.clone()),
            crate::IndexKey::Expression(_) => None,
        })
        .collect()
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
            p.push_after_commit(format!(
                "ALTER TABLE {} VALIDATE CONSTRAINT {}",
                name(table),
                ident(constraint_name)
            ));
        }
        _ => p.push(add),
    }
}

/// Whether the diff drops the column or table that owns `sequence`, which drops the sequence
/// too (manual, "ALTER SEQUENCE ... OWNED BY").
fn owner_dropped(p: &Planner<'_>, sequence: &Sequence) -> bool {
    let Some((owner, owner_column)) = &sequence.owned_by else {
        return false;
    };
    let owner_new_name = p.new_table_name(owner);
    p.changes().iter().any(|change| match change {
        Change::DropTable { table, .. } => &table.name == owner,
        Change::DropColumn { table, column, .. } => {
            table == &owner_new_name && &column.name == owner_column
        }
        _ => false,
    })
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
    let mut columns: Vec<(&Table, &Column, bool)> = Vec::new();
    for table in &old_schema.tables {
        for column in &table.columns {
            if let Some(array) = enum_use(&column.data_type, &spellings) {
                columns.push((table, column, array));
            }
        }
    }
    // Tables are renamed later in the plan, so they still have their old names here.
    let mut views = Vec::new();
    for (table, _, _) in &columns {
        views.extend(p.views_reading(&p.new_table_name(&table.name)));
    }
    p.drop_views_around(views)?;
    // Checks and index expressions or predicates compare the column with labels of the old
    // type; once the column has the new type no operator matches, so they go first.
    let mut readd = Vec::new();
    for (table, column, _) in &columns {
        readd.extend(drop_label_comparisons(p, old_schema, table, &column.name));
    }
    p.push(format!(
        "ALTER TYPE {} RENAME TO {}",
        name(&from.name),
        ident(&retired.name)
    ));
    p.push_all(objects::enum_statements(to));
    let new_type = name(&to.name);
    for (table, column, array) in &columns {
        let alter = format!(
            "ALTER TABLE {} ALTER COLUMN {}",
            name(&table.name),
            ident(&column.name)
        );
        if column.default.is_some() {
            // The old default is typed with the old enum and cannot be cast automatically.
            p.push(format!("{alter} DROP DEFAULT"));
        }
        let (text, target) = if *array {
            ("text[]", format!("{new_type}[]"))
        } else {
            ("text", new_type.clone())
        };
        p.push(format!(
            "{alter} TYPE {target} USING {}::{text}::{target}",
            ident(&column.name)
        ));
        if let Some(default) = new_default(p, new_schema, &table.name, column, &spellings) {
            p.push(format!("{alter} SET DEFAULT {default}"));
        }
    }
    p.push_all(readd);
    p.push(format!("DROP TYPE {}", name(&retired)));
    Ok(())
}

/// Whether a column of type `data_type` uses the enum spelled one of `spellings`: `Some(false)`
/// for the enum itself, `Some(true)` for an array of it.
fn enum_use(data_type: &str, spellings: &[String]) -> Option<bool> {
    if spellings.iter().any(|s| s == data_type) {
        Some(false)
    } else if let Some(element) = data_type.strip_suffix("[]")
        && spellings.iter().any(|s| s == element)
    {
        Some(true)
    } else {
        None
    }
}

/// Drops the checks of `table` (old schema, old name) that name `column`, and its indexes
/// with an expression or predicate naming it; returns the statements that add back those the
/// diff keeps (the diff's own drop of the others is skipped later, see
/// [`Planner::drop_table_part_around`]).
fn drop_label_comparisons(
    p: &mut Planner<'_>,
    old_schema: &crate::Schema,
    table: &Table,
    column: &str,
) -> Vec<String> {
    let mut readd = Vec::new();
    for dependent in crate::diff::column_dependents(old_schema, table, column) {
        match dependent {
            Dependent::Check {
                name: Some(check_name),
            } => {
                let Some(check) = table
                    .checks
                    .iter()
                    .find(|c| c.name.as_deref() == Some(check_name.as_str()))
                else {
                    continue;
                };
                if !p.drop_table_part_around(&table.name, &check_name) {
                    continue;
                }
                p.push(format!(
                    "ALTER TABLE {} DROP CONSTRAINT {}",
                    name(&table.name),
                    ident(&check_name)
                ));
                if p.diff_keeps(&table.name, &check_name) {
                    readd.push(format!(
                        "ALTER TABLE {} ADD CONSTRAINT {} CHECK ({})",
                        name(&table.name),
                        ident(&check_name),
                        check.expression
                    ));
                }
            }
            Dependent::Index { name: index_name } => {
                let Some(index) = table.indexes.iter().find(|i| i.name == index_name) else {
                    continue;
                };
                let compares = index.predicate.is_some()
                    || index
                        .parts
                        .iter()
                        .any(|part| matches!(part.key, crate::IndexKey::Expression(_)));
                if !compares || !p.drop_table_part_around(&table.name, &index_name) {
                    continue;
                }
                let qualified = QualifiedName {
                    schema: table.name.schema.clone(),
                    name: index_name.clone(),
                };
                p.push(format!("DROP INDEX {}", name(&qualified)));
                if p.diff_keeps(&table.name, &index_name) {
                    readd.extend(objects::index_statements(D, &table.name, index));
                }
            }
            _ => {}
        }
    }
    readd
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
    if enum_use(&new_column.data_type, spellings).is_some() {
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
    let regenerated = if retyped {
        drop_generated_readers(p, table, dependents)?
    } else {
        Vec::new()
    };
    match (changes.generated, &from.generated, &to.generated) {
        (false, _, _) | (true, Some(_), None) => {}
        (true, Some(old), Some(new)) if old.stored == new.stored => {
            return regenerate_column(p, table, to, dependents);
        }
        _ => {
            return Err(p.unsupported(
                "PostgreSQL cannot make an existing column generated or switch it between STORED and VIRTUAL; add a new column instead",
            ));
        }
    }
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
            // No cast joins two enum types, or an enum and most types: text joins them all.
            let via = if is_enum(p, &from.data_type) || is_enum(p, &to.data_type) {
                "::text"
            } else {
                ""
            };
            sql.push_str(&format!(
                " USING {}{via}::{}",
                ident(&to.name),
                to.data_type
            ));
        }
        p.push(sql);
    }
    if changes.nullable {
        if to.nullable {
            // The up step's helper check stays committed when it stopped after its first
            // part (`SET NOT NULL` runs in parts): a down step from there removes it too.
            p.push(format!(
                "ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}",
                name(table),
                ident(&not_null_check(&to.name))
            ));
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
    if changes.comment {
        p.push(column_comment(table, &to.name, to.comment.as_deref()));
    }
    for column in regenerated {
        p.push(format!(
            "ALTER TABLE {} ADD COLUMN {}",
            name(table),
            definition(p, &column)?
        ));
        if let Some(comment) = &column.comment {
            p.push(column_comment(table, &column.name, Some(comment)));
        }
    }
    Ok(())
}

/// PostgreSQL refuses to retype a column that a generated column reads, so those generated
/// columns are dropped first and, once the type changed, added again from the new schema
/// (which computes them anew). Added columns go last: that keeps the table's shape only when
/// they are its last columns; and their own indexes and constraints would go with them, so
/// anything but views reading them makes the plan refuse. Returns the columns to add again,
/// in table order.
fn drop_generated_readers(
    p: &mut Planner<'_>,
    table: &QualifiedName,
    dependents: &[Dependent],
) -> Result<Vec<Column>, PlanError> {
    let readers: Vec<&str> = dependents
        .iter()
        .filter_map(|d| match d {
            Dependent::GeneratedColumn { name } => Some(name.as_str()),
            _ => None,
        })
        .collect();
    if readers.is_empty() {
        return Ok(Vec::new());
    }
    let (old_schema, new_schema) = p.schemas("retyping a column that generated columns read")?;
    let (Some(old), Some(new)) = (p.old_table(table), new_schema.table(table)) else {
        return Err(p.unsupported("the table is missing from the old or the new schema"));
    };
    // Readers the diff drops are gone already (drops come before alters).
    let kept: Vec<&Column> = new
        .columns
        .iter()
        .filter(|c| readers.contains(&c.name.as_str()))
        .collect();
    let trailing = new.columns[new.columns.len() - kept.len()..]
        .iter()
        .all(|c| readers.contains(&c.name.as_str()));
    if !trailing {
        return Err(p.unsupported(
            "PostgreSQL cannot retype a column that a generated column reads, and dropping and adding the generated column would move it to the end of the table; drop the generated column in a separate migration first",
        ));
    }
    let mut views = Vec::new();
    for column in &kept {
        for dependent in crate::diff::column_dependents(old_schema, old, &column.name) {
            match dependent {
                Dependent::View { name } => views.push(name),
                Dependent::GeneratedColumn { name } if readers.contains(&name.as_str()) => {}
                _ => {
                    return Err(p.unsupported(format!(
                        "PostgreSQL cannot retype a column that generated column {} reads, and dropping that column to add it again would drop the keys, checks or indexes that use it; drop them first in a separate migration",
                        column.name
                    )));
                }
            }
        }
    }
    p.drop_views_around(views)?;
    for column in &kept {
        p.push(format!(
            "ALTER TABLE {} DROP COLUMN {}",
            name(table),
            ident(&column.name)
        ));
    }
    Ok(kept.into_iter().cloned().collect())
}

/// A generation expression changes in place only from PostgreSQL 17 (`SET EXPRESSION`), so
/// the column is dropped and added again with its new definition, which computes every row
/// anew (the same rewrite `SET EXPRESSION` does). An added column goes last, so this keeps the
/// table's shape only for its last column; and dropping the column drops the indexes and
/// constraints on it, so anything but a view (dropped and created again around it) using the
/// column makes the plan refuse.
fn regenerate_column(
    p: &mut Planner<'_>,
    table: &QualifiedName,
    to: &Column,
    dependents: &[Dependent],
) -> Result<(), PlanError> {
    let (_, new_schema) = p.schemas("changing a generation expression")?;
    let is_last = new_schema
        .table(table)
        .and_then(|t| t.columns.last())
        .is_some_and(|last| last.name == to.name);
    if !is_last {
        return Err(p.unsupported(
            "PostgreSQL before 17 cannot change a generation expression in place, and dropping and adding the column would move it to the end of the table; add a new generated column instead",
        ));
    }
    if dependents
        .iter()
        .any(|d| !matches!(d, Dependent::View { .. }))
    {
        return Err(p.unsupported(
            "PostgreSQL before 17 cannot change a generation expression in place, and dropping the column to add it again would drop the keys, checks or indexes that use it; drop them first in a separate migration",
        ));
    }
    let definition = definition(p, to)?;
    p.push(format!(
        "ALTER TABLE {} DROP COLUMN {}",
        name(table),
        ident(&to.name)
    ));
    p.push(format!(
        "ALTER TABLE {} ADD COLUMN {definition}",
        name(table)
    ));
    if let Some(comment) = &to.comment {
        p.push(column_comment(table, &to.name, Some(comment)));
    }
    Ok(())
}

/// The name of the helper check [`set_not_null`] adds for `column`.
fn not_null_check(column: &str) -> String {
    let mut check = format!("dbw_nn_{column}");
    // Identifiers longer than 63 bytes are truncated by the server; cut on a char boundary.
    while check.len() > 63 {
        check.pop();
    }
    check
}

/// `SET NOT NULL` scans the table under ACCESS EXCLUSIVE unless a validated check already
/// proves it (PostgreSQL 12+, manual, "ALTER TABLE ... SET NOT NULL"); a `NOT VALID` check
/// validated under a weaker lock gives that proof, and goes once it has served.
fn set_not_null(p: &mut Planner<'_>, table: &QualifiedName, column: &str, alter: &str) {
    let check = not_null_check(column);
    let table_sql = name(table);
    p.push(format!(
        "ALTER TABLE {table_sql} ADD CONSTRAINT {} CHECK ({} IS NOT NULL) NOT VALID",
        ident(&check),
        ident(column)
    ));
    p.push_after_commit(format!(
        "ALTER TABLE {table_sql} VALIDATE CONSTRAINT {}",
        ident(&check)
    ));
    p.push_after_commit(format!("{alter} SET NOT NULL"));
    p.push(format!(
        "ALTER TABLE {table_sql} DROP CONSTRAINT {}",
        ident(&check)
    ));
}
