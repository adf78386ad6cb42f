//! One human line per change, for reports and migration file headers.

use std::fmt::Write;

use super::{Change, ColumnPosition, CommentTarget};
use crate::{Column, ForeignKey, Index, IndexKey, QualifiedName, Routine};

impl Change {
    /// One human line, with names unquoted: `add column public.users.email text NULL`.
    pub fn summary(&self) -> String {
        match self {
            Change::CreateNamespace { namespace } => format!("create schema {}", namespace.name),
            Change::DropNamespace { namespace } => format!("drop schema {}", namespace.name),
            Change::CreateEnum { enum_type } => format!(
                "create enum {} ({})",
                enum_type.name,
                labels(&enum_type.values)
            ),
            Change::DropEnum { enum_type } => format!("drop enum {}", enum_type.name),
            Change::AddEnumValue {
                enum_name,
                value,
                before,
            } => match before {
                Some(before) => format!("add enum value {enum_name} '{value}' before '{before}'"),
                None => format!("add enum value {enum_name} '{value}'"),
            },
            Change::RecreateEnum { from, to } => format!(
                "recreate enum {} ({}) -> ({})",
                to.name,
                labels(&from.values),
                labels(&to.values)
            ),
            Change::CreateSequence { sequence } => format!("create sequence {}", sequence.name),
            Change::DropSequence { sequence } => format!("drop sequence {}", sequence.name),
            Change::AlterSequence { to, .. } => format!("alter sequence {}", to.name),
            Change::CreateTable { table } => {
                let count = table.columns.len();
                let noun = if count == 1 { "column" } else { "columns" };
                format!("create table {} ({count} {noun})", table.name)
            }
            Change::DropTable { table, .. } => format!("drop table {}", table.name),
            Change::RenameTable { from, to } => format!("rename table {from} to {to}"),
            Change::AddColumn {
                table,
                column,
                position,
            } => {
                let mut line = format!("add column {table}.{}", column_definition(column));
                match position {
                    ColumnPosition::Last => {}
                    ColumnPosition::First => line.push_str(" FIRST"),
                    ColumnPosition::After { column } => {
                        let _ = write!(line, " AFTER {column}");
                    }
                }
                line
            }
            Change::DropColumn { table, column, .. } => {
                format!("drop column {table}.{}", column.name)
            }
            Change::RenameColumn { table, from, to } => {
                format!("rename column {table}.{from} to {to}")
            }
            Change::AlterColumn {
                table,
                from,
                to,
                changes,
                ..
            } => {
                let mut parts = Vec::new();
                if changes.data_type {
                    parts.push(format!("type {} -> {}", from.data_type, to.data_type));
                }
                if changes.nullable {
                    parts.push(null_word(to.nullable).to_owned());
                }
                if changes.default {
                    parts.push(match &to.default {
                        Some(default) => format!("default {default}"),
                        None => "drop default".to_owned(),
                    });
                }
                // The other parts are too long for one line; the change holds both columns.
                parts.extend(
                    changes
                        .names()
                        .filter(|name| !matches!(*name, "type" | "nullability" | "default"))
                        .map(str::to_owned),
                );
                format!("alter column {table}.{}: {}", to.name, parts.join(", "))
            }
            Change::ReorderColumns { table, to, .. } => {
                format!("reorder columns {table} ({})", to.join(", "))
            }
            Change::AddPrimaryKey { table, primary_key } => {
                format!(
                    "add primary key {table} ({})",
                    primary_key.columns.join(", ")
                )
            }
            Change::DropPrimaryKey { table, primary_key } => format!(
                "drop primary key {table} ({})",
                primary_key.columns.join(", ")
            ),
            Change::AddUnique { table, unique } => format!(
                "add unique {table}{} ({})",
                named(unique.name.as_deref()),
                unique.columns.join(", ")
            ),
            Change::DropUnique { table, unique } => format!(
                "drop unique {table}{} ({})",
                named(unique.name.as_deref()),
                unique.columns.join(", ")
            ),
            Change::AddForeignKey { table, foreign_key } => {
                format!("add foreign key {table}{}", foreign_key_text(foreign_key))
            }
            Change::DropForeignKey { table, foreign_key } => {
                format!("drop foreign key {table}{}", foreign_key_text(foreign_key))
            }
            Change::AddCheck { table, check } => format!(
                "add check {table}{} ({})",
                named(check.name.as_deref()),
                check.expression
            ),
            Change::DropCheck { table, check } => format!(
                "drop check {table}{} ({})",
                named(check.name.as_deref()),
                check.expression
            ),
            Change::CreateIndex { table, index } => format!("create {}", index_text(table, index)),
            Change::DropIndex { table, index } => format!("drop {}", index_text(table, index)),
            Change::CreateView { view } => format!("create view {}", view.name),
            Change::DropView { view } => format!("drop view {}", view.name),
            Change::ReplaceView { to, .. } => format!("replace view {}", to.name),
            Change::CreateExtension { extension } => format!("create extension {}", extension.name),
            Change::DropExtension { extension } => format!("drop extension {}", extension.name),
            Change::UpdateExtension { from, to } => format!(
                "update extension {} from {} to {}",
                to.name, from.version, to.version
            ),
            Change::CreateRoutine { routine } => format!("create {}", routine_text(routine)),
            Change::DropRoutine { routine } => format!("drop {}", routine_text(routine)),
            Change::ReplaceRoutine { to, .. } => format!("replace {}", routine_text(to)),
            Change::CreateTrigger { trigger } => {
                format!("create trigger {} on {}", trigger.name, trigger.table)
            }
            Change::DropTrigger { trigger } => {
                format!("drop trigger {} on {}", trigger.name, trigger.table)
            }
            Change::ReplaceTrigger { to, .. } => {
                format!("replace trigger {} on {}", to.name, to.table)
            }
            Change::SetTriggerState { trigger, .. } => format!(
                "{} trigger {} on {}",
                trigger.state.as_deref().unwrap_or("ENABLE").to_lowercase(),
                trigger.name,
                trigger.table
            ),
            Change::CreateMaterializedView { view } => {
                format!("create materialized view {}", view.name)
            }
            Change::DropMaterializedView { view } => {
                format!("drop materialized view {}", view.name)
            }
            Change::AlterMaterializedView { to, .. } => {
                format!("alter materialized view {} (indexes or comment)", to.name)
            }
            Change::CreateDomain { domain } => format!("create domain {}", domain.name),
            Change::DropDomain { domain } => format!("drop domain {}", domain.name),
            Change::AlterDomain { to, .. } => format!("alter domain {}", to.name),
            Change::CreateComposite { composite } => format!("create type {}", composite.name),
            Change::DropComposite { composite } => format!("drop type {}", composite.name),
            Change::AlterComposite { to, .. } => format!("alter type {}", to.name),
            Change::CreatePolicy { policy } => {
                format!("create policy {} on {}", policy.name, policy.table)
            }
            Change::DropPolicy { policy } => {
                format!("drop policy {} on {}", policy.name, policy.table)
            }
            Change::ReplacePolicy { to, .. } => {
                format!("replace policy {} on {}", to.name, to.table)
            }
            Change::SetLogged { table, unlogged } => format!(
                "set table {table} {}",
                if *unlogged { "unlogged" } else { "logged" }
            ),
            Change::SetRowSecurity { table, to, .. } => format!(
                "set row-level security on {table}: {}{}",
                if to.enabled { "enabled" } else { "disabled" },
                if to.forced { ", forced" } else { "" }
            ),
            Change::SetComment { target, to, .. } => {
                let verb = if to.is_some() {
                    "set comment on"
                } else {
                    "remove comment on"
                };
                format!("{verb} {}", comment_target(target))
            }
        }
    }
}

fn labels(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("'{v}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn null_word(nullable: bool) -> &'static str {
    if nullable { "NULL" } else { "NOT NULL" }
}

fn column_definition(column: &Column) -> String {
    let mut text = format!(
        "{} {} {}",
        column.name,
        column.data_type,
        null_word(column.nullable)
    );
    if let Some(default) = &column.default {
        let _ = write!(text, " DEFAULT {default}");
    }
    if let Some(generated) = &column.generated {
        let _ = write!(text, " GENERATED AS ({})", generated.expression);
    }
    if column.identity.is_some() {
        text.push_str(" IDENTITY");
    }
    text
}

fn named(name: Option<&str>) -> String {
    name.map(|name| format!(" {name}")).unwrap_or_default()
}

fn foreign_key_text(foreign_key: &ForeignKey) -> String {
    format!(
        "{} ({}) -> {} ({})",
        named(foreign_key.name.as_deref()),
        foreign_key.columns.join(", "),
        foreign_key.referenced_table,
        foreign_key.referenced_columns.join(", ")
    )
}

fn index_text(table: &QualifiedName, index: &Index) -> String {
    let parts: Vec<String> = index
        .parts
        .iter()
        .map(|part| match &part.key {
            IndexKey::Column(name) => name.clone(),
            IndexKey::Expression(expression) => format!("({expression})"),
        })
        .collect();
    let unique = if index.unique { "unique " } else { "" };
    format!(
        "{unique}index {} on {table} ({})",
        index.name,
        parts.join(", ")
    )
}

fn comment_target(target: &CommentTarget) -> String {
    match target {
        CommentTarget::Namespace { name } => format!("schema {name}"),
        CommentTarget::Enum { name } => format!("enum {name}"),
        CommentTarget::Sequence { name } => format!("sequence {name}"),
        CommentTarget::Table { name } => format!("table {name}"),
        CommentTarget::View { name } => format!("view {name}"),
        CommentTarget::Domain { name } => format!("domain {name}"),
        CommentTarget::Composite { name } => format!("type {name}"),
        CommentTarget::Routine { routine } => routine_text(routine),
        CommentTarget::Trigger { trigger } => {
            format!("trigger {} on {}", trigger.name, trigger.table)
        }
    }
}

fn routine_text(routine: &Routine) -> String {
    format!(
        "{} {}({})",
        routine.kind.keyword().to_lowercase(),
        routine.name,
        routine.arguments
    )
}
