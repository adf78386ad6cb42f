//! MySQL and MariaDB statements for each change (MySQL 8.0.29+, MariaDB 10.5.2+ for
//! `RENAME COLUMN`). `ALTER TABLE` statements ask for the online DDL algorithm [`classify`]
//! allows, so a server that cannot honour it refuses instead of blocking writes.
//!
//! [`classify`]: crate::diff::classify

use super::{PlanError, Planner, comment_literal, mysql_alter_options, objects};
use crate::diff::{
    Change, ColumnChanges, ColumnPosition, CommentTarget, LockInfo, MysqlAlgorithm, MysqlLock,
};
use crate::version::TargetVersion;
use crate::{Column, Dialect, ForeignKey, Identity, IndexKey, QualifiedName, Table, quote_ident};

const D: Dialect = Dialect::Mysql;

fn ident(name: &str) -> String {
    quote_ident(D, name)
}

fn name(name: &QualifiedName) -> String {
    name.quoted(D)
}

fn column_list(columns: &[String]) -> String {
    crate::dialect::quote_ident_list(Dialect::Mysql, columns)
}

/// Writes `change` into `p`.
pub(super) fn render(p: &mut Planner<'_>, change: &Change) -> Result<(), PlanError> {
    let options = mysql_alter_options(change, p.version.as_ref());
    match change {
        Change::CreateNamespace { .. } | Change::DropNamespace { .. } => {
            return Err(p.unsupported("MySQL has no namespaces inside a database"));
        }
        Change::CreateEnum { .. }
        | Change::DropEnum { .. }
        | Change::AddEnumValue { .. }
        | Change::RecreateEnum { .. } => {
            return Err(
                p.unsupported("MySQL enums are column types; their changes are column changes")
            );
        }
        Change::CreateSequence { .. }
        | Change::DropSequence { .. }
        | Change::AlterSequence { .. } => {
            return Err(p.unsupported("sequences are not part of the MySQL model"));
        }
        Change::CreateTable { table } => {
            p.push_all(objects::table_statements(D, table));
            for foreign_key in &table.foreign_keys {
                if let Some(sql) = objects::add_foreign_key(D, &table.name, foreign_key) {
                    p.after_tables_exist(sql);
                }
            }
        }
        Change::DropTable { table, dependents } => {
            for (other, key) in p.keys_from_tables_dropped_later(dependents) {
                let key_name = named(p, key.as_deref())?;
                p.push(format!(
                    "ALTER TABLE {} DROP FOREIGN KEY {}",
                    name(&other),
                    ident(key_name)
                ));
            }
            p.push(format!("DROP TABLE {}", name(&table.name)));
        }
        Change::RenameTable { from, to } => {
            p.push(format!("RENAME TABLE {} TO {}", name(from), name(to)))
        }
        Change::AddColumn {
            table,
            column,
            position,
        } => {
            let definition = definition(p, column)?;
            let place = match position {
                ColumnPosition::Last => String::new(),
                ColumnPosition::First => " FIRST".to_owned(),
                ColumnPosition::After { column } => format!(" AFTER {}", ident(column)),
            };
            let key = if column.identity == Some(Identity::AutoIncrement) {
                key_for_auto_increment(p, table, &column.name)
            } else {
                None
            };
            match key {
                // Without its key the server refuses the column ("there can be only one auto
                // column and it must be defined as a key"), so the key comes in the same
                // statement, which the online DDL options do not describe.
                Some(key) => p.push(format!(
                    "ALTER TABLE {} ADD COLUMN {definition}{place}, {key}",
                    name(table)
                )),
                None => p.push(format!(
                    "ALTER TABLE {} ADD COLUMN {definition}{place}{options}",
                    name(table)
                )),
            }
        }
        Change::DropColumn { table, column, .. } => {
            match key_replaced_with_dropped_column(p, table, &column.name) {
                // A column of a composite key cannot go while the key stands (MariaDB:
                // "Key column ... doesn't exist in table"), and the old key waits for the new.
                Some(add) => p.push(format!(
                    "ALTER TABLE {} DROP PRIMARY KEY, DROP COLUMN {}, {add}",
                    name(table),
                    ident(&column.name)
                )),
                None => p.push(format!(
                    "ALTER TABLE {} DROP COLUMN {}{options}",
                    name(table),
                    ident(&column.name)
                )),
            }
        }
        Change::RenameColumn { table, from, to } => p.push(format!(
            "ALTER TABLE {} RENAME COLUMN {} TO {}{options}",
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
        } => {
            if changes.data_type || changes.collation {
                // "Cannot change column ...: used in a foreign key constraint".
                let column = p.old_column_name(table, &to.name);
                p.drop_foreign_keys_around(foreign_keys_using_column(p, table, &column))?;
            }
            if let (Some(old), Some(new)) = (&from.generated, &to.generated)
                && old.stored != new.stored
            {
                return regenerate_column(p, table, to, dependents);
            }
            if to.identity == Some(Identity::AutoIncrement)
                && from.identity != Some(Identity::AutoIncrement)
                && let Some(key) = key_for_auto_increment(p, table, &to.name)
            {
                p.push(format!(
                    "ALTER TABLE {} MODIFY COLUMN {}, {key}",
                    name(table),
                    definition(p, to)?
                ));
                return Ok(());
            }
            let sql = match literal_default_change(to, changes) {
                Some(action) => format!(
                    "ALTER TABLE {} ALTER COLUMN {} {action}{options}",
                    name(table),
                    ident(&to.name)
                ),
                None => format!(
                    "ALTER TABLE {} MODIFY COLUMN {}{options}",
                    name(table),
                    definition(p, to)?
                ),
            };
            p.push(sql);
        }
        Change::ReorderColumns { table, .. } => {
            let (_, new_schema) = p.schemas("reordering columns")?;
            let Some(new_table) = new_schema.table(table) else {
                return Err(p.unsupported("the table is missing from the new schema"));
            };
            // Each MODIFY places one column after the one before it, first to last.
            let mut moves = Vec::new();
            for (i, column) in new_table.columns.iter().enumerate() {
                let place = match i {
                    0 => " FIRST".to_owned(),
                    _ => format!(" AFTER {}", ident(&new_table.columns[i - 1].name)),
                };
                moves.push(format!("MODIFY COLUMN {}{place}", definition(p, column)?));
            }
            p.push(format!(
                "ALTER TABLE {} {}{options}",
                name(table),
                moves.join(", ")
            ));
        }
        Change::AddPrimaryKey { table, primary_key } => {
            if old_key_waits_for_new(p, table) {
                p.push(format!(
                    "ALTER TABLE {} DROP PRIMARY KEY, ADD PRIMARY KEY ({})",
                    name(table),
                    column_list(&primary_key.columns)
                ));
            } else {
                p.push(format!(
                    "ALTER TABLE {} ADD PRIMARY KEY ({}){options}",
                    name(table),
                    column_list(&primary_key.columns)
                ));
            }
        }
        Change::DropPrimaryKey { table, .. } => {
            p.drop_foreign_keys_around(foreign_keys_needing_index(p, table, Key::Primary))?;
            if old_key_waits_for_new(p, table) {
                // Dropped with the new key's `ADD PRIMARY KEY`, once its columns exist.
                return Ok(());
            }
            match key_changes_with_auto_increment(p, table)? {
                Some(clauses) => p.push(format!(
                    "ALTER TABLE {} DROP PRIMARY KEY, {}",
                    name(table),
                    clauses.join(", ")
                )),
                None => p.push(format!(
                    "ALTER TABLE {} DROP PRIMARY KEY{options}",
                    name(table)
                )),
            }
        }
        Change::AddUnique { table, unique } => {
            let key_name = unique
                .name
                .as_deref()
                .map(|n| format!("{} ", ident(n)))
                .unwrap_or_default();
            p.push(format!(
                "ALTER TABLE {} ADD UNIQUE KEY {key_name}({}){options}",
                name(table),
                column_list(&unique.columns)
            ));
        }
        Change::DropUnique { table, unique } => {
            let key_name = named(p, unique.name.as_deref())?;
            p.drop_foreign_keys_around(foreign_keys_needing_index(p, table, Key::Named(key_name)))?;
            p.push(format!(
                "ALTER TABLE {} DROP INDEX {}{options}",
                name(table),
                ident(key_name)
            ));
        }
        Change::AddForeignKey { table, foreign_key } => {
            let Some(sql) = objects::add_foreign_key(D, table, foreign_key) else {
                return Err(p.unsupported("the renderer wrote no ADD FOREIGN KEY"));
            };
            p.push(format!("{sql}{options}"));
        }
        Change::DropForeignKey { table, foreign_key } => {
            let key_name = named(p, foreign_key.name.as_deref())?;
            p.push(format!(
                "ALTER TABLE {} DROP FOREIGN KEY {}{options}",
                name(table),
                ident(key_name)
            ));
            if leaves_implicit_index(p, table, key_name) {
                p.push(format!(
                    "ALTER TABLE {} DROP INDEX {}{options}",
                    name(table),
                    ident(key_name)
                ));
            }
        }
        Change::AddCheck { table, check } => {
            let constraint = check
                .name
                .as_deref()
                .map(|n| format!("CONSTRAINT {} ", ident(n)))
                .unwrap_or_default();
            p.push(format!(
                "ALTER TABLE {} ADD {constraint}CHECK ({}){options}",
                name(table),
                check.expression
            ));
        }
        Change::DropCheck { table, check } => {
            // DROP CONSTRAINT is the spelling both servers accept (MySQL 8.0.19+, MariaDB);
            // MariaDB has no DROP CHECK.
            let check_name = named(p, check.name.as_deref())?;
            p.push(format!(
                "ALTER TABLE {} DROP CONSTRAINT {}{options}",
                name(table),
                ident(check_name)
            ));
        }
        Change::CreateIndex { table, index } => {
            let index_options = create_index_options(change, p.version.as_ref());
            for sql in objects::index_statements(D, table, index) {
                p.push(format!("{sql}{index_options}"));
            }
        }
        Change::DropIndex { table, index } => {
            p.drop_foreign_keys_around(foreign_keys_needing_index(
                p,
                table,
                Key::Named(&index.name),
            ))?;
            p.push(format!(
                "ALTER TABLE {} DROP INDEX {}{options}",
                name(table),
                ident(&index.name)
            ));
        }
        Change::CreateView { view } => p.create_view(view),
        Change::DropView { view } => p.drop_view(view),
        // Written by the shared module before this one is asked.
        crate::diff::program_change!() => {}
        Change::ReplaceView { to, .. } => p.replace_view(to)?,
        Change::SetComment { target, to, .. } => match target {
            CommentTarget::Table { name: table } => p.push(format!(
                "ALTER TABLE {} COMMENT = {}{options}",
                name(table),
                // An empty comment is how MySQL removes one.
                comment_literal(D, Some(to.as_deref().unwrap_or("")))
            )),
            CommentTarget::Namespace { .. }
            | CommentTarget::Enum { .. }
            | CommentTarget::Sequence { .. }
            | CommentTarget::View { .. }
            | CommentTarget::Routine { .. }
            | CommentTarget::Trigger { .. }
            | CommentTarget::Domain { .. }
            | CommentTarget::Composite { .. } => {
                return Err(p.unsupported("MySQL keeps no comment on this kind of object"));
            }
        },
    }
    Ok(())
}

/// The `ADD PRIMARY KEY` / `ADD UNIQUE KEY` clause of the key this diff gives `table` (a new
/// name) that starts with `column`, which an AUTO_INCREMENT column needs from the moment it
/// is one; that key's own change is taken over.
fn key_for_auto_increment(
    p: &mut Planner<'_>,
    table: &QualifiedName,
    column: &str,
) -> Option<String> {
    let starts_with = |columns: &[String]| columns.first().is_some_and(|c| c == column);
    let found = p
        .changes()
        .iter()
        .enumerate()
        .skip(p.current() + 1)
        .find_map(|(at, change)| match change {
            Change::AddPrimaryKey {
                table: t,
                primary_key,
            } if t == table && starts_with(&primary_key.columns) && !p.is_taken_over(at) => {
                // An old key waiting for this one goes in the same statement.
                let drop_old = if old_key_waits_for_new(p, table) {
                    "DROP PRIMARY KEY, "
                } else {
                    ""
                };
                Some((
                    at,
                    format!(
                        "{drop_old}ADD PRIMARY KEY ({})",
                        column_list(&primary_key.columns)
                    ),
                ))
            }
            Change::AddUnique { table: t, unique }
                if t == table && starts_with(&unique.columns) =>
            {
                let key_name = unique
                    .name
                    .as_deref()
                    .map(|n| format!("{} ", ident(n)))
                    .unwrap_or_default();
                Some((
                    at,
                    format!(
                        "ADD UNIQUE KEY {key_name}({})",
                        column_list(&unique.columns)
                    ),
                ))
            }
            _ => None,
        });
    let (at, clause) = found?;
    p.take_over(at);
    Some(clause)
}

/// Whether the primary key of `table` (a new name) holds an AUTO_INCREMENT column, which the
/// server refuses to leave without a key even between two statements.
fn key_holds_auto_increment(p: &Planner<'_>, table: &QualifiedName) -> bool {
    p.old_table(table).is_some_and(|old| {
        old.primary_key.as_ref().is_some_and(|pk| {
            old.columns.iter().any(|c| {
                c.identity == Some(Identity::AutoIncrement) && pk.columns.contains(&c.name)
            })
        })
    })
}

/// Whether the diff replaces the primary key of `table` (a new name), and the old one holds an
/// AUTO_INCREMENT column: then the old key is dropped in the statement adding the new one,
/// after the table's columns are added, renamed and altered.
fn old_key_waits_for_new(p: &Planner<'_>, table: &QualifiedName) -> bool {
    let replaced = p
        .changes()
        .iter()
        .any(|c| matches!(c, Change::DropPrimaryKey { table: t, .. } if t == table))
        && p.changes()
            .iter()
            .any(|c| matches!(c, Change::AddPrimaryKey { table: t, .. } if t == table));
    replaced && key_holds_auto_increment(p, table)
}

/// When the old key of `table` waits for the new one (see [`old_key_waits_for_new`]) and
/// `column`, being dropped, is the first column of the old key the diff drops: the new key's
/// `ADD PRIMARY KEY` clause, whose change is taken over, to drop the old key, the column and
/// add the new key in one statement.
fn key_replaced_with_dropped_column(
    p: &mut Planner<'_>,
    table: &QualifiedName,
    column: &str,
) -> Option<String> {
    if !old_key_waits_for_new(p, table) {
        return None;
    }
    let old_key = p.old_table(table)?.primary_key.as_ref()?;
    let in_old_key = |c: &str| old_key.columns.iter().any(|k| k == c);
    let earlier_drop = p.changes()[..p.current()].iter().any(|c| {
        matches!(c, Change::DropColumn { table: t, column: dropped, .. }
            if t == table && in_old_key(&dropped.name))
    });
    if !in_old_key(column) || earlier_drop {
        return None;
    }
    let (at, new_key) = p.changes().iter().enumerate().find_map(|(at, c)| match c {
        Change::AddPrimaryKey {
            table: t,
            primary_key,
        } if t == table => Some((at, primary_key)),
        _ => None,
    })?;
    p.take_over(at);
    Some(format!(
        "ADD PRIMARY KEY ({})",
        column_list(&new_key.columns)
    ))
}

/// When the primary key being dropped (and not replaced) holds an AUTO_INCREMENT column: the
/// diff's later changes of the table that take AUTO_INCREMENT off that column or drop it go
/// into the `DROP PRIMARY KEY` statement, and are taken over. `None` when no AUTO_INCREMENT
/// column is in the key.
fn key_changes_with_auto_increment(
    p: &mut Planner<'_>,
    table: &QualifiedName,
) -> Result<Option<Vec<String>>, PlanError> {
    if !key_holds_auto_increment(p, table) {
        return Ok(None);
    }
    let mut clauses = Vec::new();
    let mut taken = Vec::new();
    for (at, change) in p.changes().iter().enumerate().skip(p.current() + 1) {
        match change {
            // Column renames run after key drops: the column still has its old name here.
            Change::AlterColumn {
                table: t,
                to,
                changes,
                ..
            } if t == table
                && changes.identity
                && to.identity != Some(Identity::AutoIncrement)
                && p.old_column_name(table, &to.name) == to.name =>
            {
                clauses.push(format!("MODIFY COLUMN {}", definition(p, to)?));
                taken.push(at);
            }
            Change::DropColumn {
                table: t, column, ..
            } if t == table && column.identity == Some(Identity::AutoIncrement) => {
                clauses.push(format!("DROP COLUMN {}", ident(&column.name)));
                taken.push(at);
            }
            _ => {}
        }
    }
    for at in taken {
        p.take_over(at);
    }
    Ok(Some(clauses).filter(|c| !c.is_empty()))
}

/// MySQL cannot switch a generated column between STORED and VIRTUAL in place ("This is not
/// yet supported for generated columns"): the column is dropped and added again at its
/// place, in one statement, which computes it anew. Dropping it would also drop or shrink the
/// keys and indexes on it, so anything but a view using the column makes the plan refuse.
fn regenerate_column(
    p: &mut Planner<'_>,
    table: &QualifiedName,
    to: &Column,
    dependents: &[crate::diff::Dependent],
) -> Result<(), PlanError> {
    if dependents
        .iter()
        .any(|d| !matches!(d, crate::diff::Dependent::View { .. }))
    {
        return Err(p.unsupported(
            "MySQL cannot switch a generated column between STORED and VIRTUAL in place, and dropping it to add it again would drop the keys, indexes or checks that use it; drop them first in a separate migration",
        ));
    }
    let (_, new_schema) = p.schemas("switching a generated column between STORED and VIRTUAL")?;
    let Some(new_table) = new_schema.table(table) else {
        return Err(p.unsupported("the table is missing from the new schema"));
    };
    let place = match new_table.columns.iter().position(|c| c.name == to.name) {
        Some(0) | None => " FIRST".to_owned(),
        Some(at) => format!(" AFTER {}", ident(&new_table.columns[at - 1].name)),
    };
    p.push(format!(
        "ALTER TABLE {} DROP COLUMN {}, ADD COLUMN {}{place}",
        name(table),
        ident(&to.name),
        definition(p, to)?
    ));
    Ok(())
}

/// A key of a table: its primary key, or a unique key or index by name.
#[derive(Clone, Copy)]
enum Key<'n> {
    Primary,
    Named(&'n str),
}

/// The column lists (old names) of the old table's keys and indexes other than `except` that
/// can serve a foreign key: whole plain columns, as the index's leading columns.
fn other_key_columns(old: &Table, except: Key<'_>) -> Vec<Vec<String>> {
    let mut keys = Vec::new();
    if !matches!(except, Key::Primary)
        && let Some(pk) = &old.primary_key
    {
        keys.push(pk.columns.clone());
    }
    let other = |name: &str| !matches!(except, Key::Named(n) if n == name);
    for unique in &old.uniques {
        if unique.name.as_deref().is_none_or(other) {
            keys.push(unique.columns.clone());
        }
    }
    for index in old.indexes.iter().filter(|i| other(&i.name)) {
        let leading: Vec<String> = index
            .parts
            .iter()
            .map_while(|part| match &part.key {
                IndexKey::Column(c) if part.prefix_length.is_none() => Some(c.clone()),
                _ => None,
            })
            .collect();
        keys.push(leading);
    }
    keys
}

/// The columns (old names) of key `key` of the old table.
fn key_columns(old: &Table, key: Key<'_>) -> Vec<String> {
    match key {
        Key::Primary => old
            .primary_key
            .as_ref()
            .map(|pk| pk.columns.clone())
            .unwrap_or_default(),
        Key::Named(name) => old
            .uniques
            .iter()
            .find(|u| u.name.as_deref() == Some(name))
            .map(|u| u.columns.clone())
            .or_else(|| {
                old.indexes.iter().find(|i| i.name == name).map(|i| {
                    i.parts
                        .iter()
                        .filter_map(|part| match &part.key {
                            IndexKey::Column(c) => Some(c.clone()),
                            IndexKey::Expression(_) => None,
                        })
                        .collect()
                })
            })
            .unwrap_or_default(),
    }
}

/// Foreign keys still in place that need key `key` of `table` (a new name): InnoDB wants an
/// index starting with a foreign key's columns on both sides, and refuses to drop the only
/// one ("needed in a foreign key constraint"). Dropped around the change, a referencing key
/// comes back with an index of its own.
fn foreign_keys_needing_index<'a>(
    p: &Planner<'a>,
    table: &QualifiedName,
    key: Key<'_>,
) -> Vec<(&'a Table, &'a ForeignKey)> {
    let Some(old) = p.old_table(table) else {
        return Vec::new();
    };
    let columns = key_columns(old, key);
    let others = other_key_columns(old, key);
    let needs = |wanted: &[String]| {
        !wanted.is_empty()
            && columns.starts_with(wanted)
            && !others.iter().any(|other| other.starts_with(wanted))
    };
    p.existing_foreign_keys(|holder, fk| {
        (holder.name == old.name && needs(&fk.columns))
            || (fk.referenced_table == old.name && needs(&fk.referenced_columns))
    })
}

/// Foreign keys still in place with `column` (an old name) of `table` (a new name) on either
/// side: MySQL refuses to change such a column's type.
fn foreign_keys_using_column<'a>(
    p: &Planner<'a>,
    table: &QualifiedName,
    column: &str,
) -> Vec<(&'a Table, &'a ForeignKey)> {
    let old_name = p.old_table_name(table);
    let named = |columns: &[String]| columns.iter().any(|c| c == column);
    p.existing_foreign_keys(|holder, fk| {
        (holder.name == old_name && named(&fk.columns))
            || (fk.referenced_table == old_name && named(&fk.referenced_columns))
    })
}

/// Whether dropping foreign key `key_name` of `table` leaves behind the index the server
/// created for it. `ADD FOREIGN KEY` creates an index named after the key when no index starts
/// with its columns, and drops it by itself once another such index appears (MySQL manual,
/// "FOREIGN KEY Constraints"); `DROP FOREIGN KEY` keeps it. The model leaves that index out
/// (see the MySQL introspection), so it exists exactly when no index of the old table starts
/// with the key's columns.
fn leaves_implicit_index(p: &Planner<'_>, table: &QualifiedName, key_name: &str) -> bool {
    let Some(old) = p.old_table(table) else {
        return false;
    };
    let Some(foreign_key) = old
        .foreign_keys
        .iter()
        .find(|fk| fk.name.as_deref() == Some(key_name))
    else {
        return false;
    };
    let columns = &foreign_key.columns;
    let starts_with_key = |key: &[String]| key.starts_with(columns);
    let by_primary_key = old
        .primary_key
        .as_ref()
        .is_some_and(|pk| starts_with_key(&pk.columns));
    let by_unique = old.uniques.iter().any(|u| starts_with_key(&u.columns));
    let by_index = old.indexes.iter().any(|index| {
        index.parts.len() >= columns.len()
            && index.parts.iter().zip(columns).all(|(part, column)| {
                part.prefix_length.is_none()
                    && matches!(&part.key, IndexKey::Column(c) if c == column)
            })
    });
    !(by_primary_key || by_unique || by_index)
}

fn definition(p: &Planner<'_>, column: &Column) -> Result<String, PlanError> {
    objects::column_definition(D, column)
        .ok_or_else(|| p.unsupported("the renderer wrote no column definition"))
}

fn named<'n>(p: &Planner<'_>, object_name: Option<&'n str>) -> Result<&'n str, PlanError> {
    object_name.ok_or_else(|| p.unsupported("MySQL drops it by name, and this one has none"))
}

/// `SET DEFAULT` / `DROP DEFAULT` when only a literal default changes: the documented INSTANT
/// form (MySQL manual, "Online DDL Operations", "Setting a column default value"). An
/// expression default goes through `MODIFY COLUMN`, whose grammar takes any default.
fn literal_default_change(to: &Column, changes: &ColumnChanges) -> Option<String> {
    let only_default = changes.names().all(|part| part == "default");
    if !only_default || to.generated.is_some() {
        return None;
    }
    match to.default.as_deref().map(str::trim) {
        None => Some("DROP DEFAULT".to_owned()),
        Some(default) if is_literal(default) => Some(format!("SET DEFAULT {default}")),
        Some(_) => None,
    }
}

fn is_literal(default: &str) -> bool {
    let digits = default.trim_start_matches(['-', '+']);
    let number = !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit() || c == '.');
    let quoted = default.len() >= 2 && default.starts_with('\'') && default.ends_with('\'');
    number || quoted || default.eq_ignore_ascii_case("NULL")
}

/// `CREATE INDEX` takes its options after the key list, space-separated and without
/// INSTANT (MySQL manual, "CREATE INDEX Statement").
fn create_index_options(change: &Change, version: Option<&TargetVersion>) -> &'static str {
    match crate::diff::classify_on(change, D, version).lock {
        LockInfo::Mysql {
            algorithm: Some(MysqlAlgorithm::Inplace),
            lock: Some(MysqlLock::None) | None,
        } => " ALGORITHM=INPLACE LOCK=NONE",
        _ => "",
    }
}
