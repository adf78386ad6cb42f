//! MySQL and MariaDB statements for each change (MySQL 8.0.29+, MariaDB 10.5.2+ for
//! `RENAME COLUMN`). `ALTER TABLE` statements ask for the online DDL algorithm [`classify`]
//! allows, so a server that cannot honour it refuses instead of blocking writes.
//!
//! [`classify`]: crate::diff::classify

use super::{PlanError, Planner, comment_literal, mysql_alter_options, objects};
use crate::diff::{
    Change, ColumnChanges, ColumnPosition, CommentTarget, LockInfo, MysqlAlgorithm, MysqlLock,
};
use crate::{Column, Dialect, QualifiedName, quote_ident};

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
    let options = mysql_alter_options(change);
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
        Change::DropTable { table, .. } => p.push(format!("DROP TABLE {}", name(&table.name))),
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
            p.push(format!(
                "ALTER TABLE {} ADD COLUMN {definition}{place}{options}",
                name(table)
            ));
        }
        Change::DropColumn { table, column, .. } => p.push(format!(
            "ALTER TABLE {} DROP COLUMN {}{options}",
            name(table),
            ident(&column.name)
        )),
        Change::RenameColumn { table, from, to } => p.push(format!(
            "ALTER TABLE {} RENAME COLUMN {} TO {}{options}",
            name(table),
            ident(from),
            ident(to)
        )),
        Change::AlterColumn {
            table, to, changes, ..
        } => {
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
        Change::AddPrimaryKey { table, primary_key } => p.push(format!(
            "ALTER TABLE {} ADD PRIMARY KEY ({}){options}",
            name(table),
            column_list(&primary_key.columns)
        )),
        Change::DropPrimaryKey { table, .. } => p.push(format!(
            "ALTER TABLE {} DROP PRIMARY KEY{options}",
            name(table)
        )),
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
            let index_options = create_index_options(change);
            for sql in objects::index_statements(D, table, index) {
                p.push(format!("{sql}{index_options}"));
            }
        }
        Change::DropIndex { table, index } => p.push(format!(
            "ALTER TABLE {} DROP INDEX {}{options}",
            name(table),
            ident(&index.name)
        )),
        Change::CreateView { view } => p.create_view(view),
        Change::DropView { view } => p.drop_view(view),
        Change::ReplaceView { to, .. } => p.replace_view(to),
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
            | CommentTarget::View { .. } => {
                return Err(p.unsupported("MySQL keeps no comment on this kind of object"));
            }
        },
    }
    Ok(())
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
fn create_index_options(change: &Change) -> &'static str {
    match crate::diff::classify(change, D).lock {
        LockInfo::Mysql {
            algorithm: Some(MysqlAlgorithm::Inplace),
            lock: Some(MysqlLock::None) | None,
        } => " ALGORITHM=INPLACE LOCK=NONE",
        _ => "",
    }
}
