//! Other migration tools' bookkeeping: history and lock tables that live next to the
//! application's tables but are no part of its schema. `inspect`, `diff` and `plan` leave them
//! out (listed as [`UnmanagedObject`]s with their tool), unless asked to keep them; backups
//! still carry them, since restoring a database without its history would break that tool.

use crate::{QualifiedName, Schema, UnmanagedObject};

/// Tables kept by migration tools, with the tool that keeps each.
pub const TOOL_TABLES: &[(&str, &str)] = &[
    ("_sqlx_migrations", "sqlx"),
    ("_prisma_migrations", "Prisma Migrate"),
    ("flyway_schema_history", "Flyway"),
    ("databasechangelog", "Liquibase"),
    ("databasechangeloglock", "Liquibase"),
    ("schema_migrations", "dbmate, golang-migrate or Rails"),
    ("ar_internal_metadata", "Rails"),
    ("django_migrations", "Django"),
    ("knex_migrations", "knex"),
    ("knex_migrations_lock", "knex"),
    ("goose_db_version", "goose"),
    ("__diesel_schema_migrations", "diesel"),
    ("alembic_version", "Alembic"),
    ("atlas_schema_revisions", "Atlas"),
    ("SequelizeMeta", "Sequelize"),
];

/// Namespaces that belong to a migration tool as a whole.
pub const TOOL_NAMESPACES: &[(&str, &str)] =
    &[("pgroll", "pgroll"), ("atlas_schema_revisions", "Atlas")];

/// The tool that keeps `table`, if it is a known bookkeeping table. Liquibase's names are
/// matched in any case, as it creates them upper case on some engines.
pub fn tool_of(table: &QualifiedName) -> Option<&'static str> {
    if let Some(schema) = &table.schema
        && let Some((_, tool)) = TOOL_NAMESPACES.iter().find(|(n, _)| n == schema)
    {
        return Some(tool);
    }
    TOOL_TABLES
        .iter()
        .find(|(name, _)| {
            *name == table.name
                || (name.starts_with("databasechangelog") && name.eq_ignore_ascii_case(&table.name))
        })
        .map(|(_, tool)| *tool)
}

/// Moves other tools' bookkeeping out of `schema` into its `unmanaged` list: their tables
/// (with the sequences they own) and their namespaces (with every object in them).
pub fn set_aside(schema: &mut Schema) {
    let mut left_out = Vec::new();
    let mut note = |kind: &str, name: String, tool: &str| {
        left_out.push(UnmanagedObject {
            kind: kind.into(),
            name,
            tool: Some(tool.into()),
        });
    };
    let in_tool_namespace = |name: &QualifiedName| {
        name.schema
            .as_deref()
            .is_some_and(|s| TOOL_NAMESPACES.iter().any(|(n, _)| *n == s))
    };
    let mut gone_tables = Vec::new();
    schema.tables.retain(|table| match tool_of(&table.name) {
        Some(tool) => {
            note("table", table.name.to_string(), tool);
            gone_tables.push(table.name.clone());
            false
        }
        None => true,
    });
    schema.sequences.retain(|sequence| {
        let owned = sequence
            .owned_by
            .as_ref()
            .is_some_and(|(table, _)| gone_tables.contains(table));
        !(owned || in_tool_namespace(&sequence.name))
    });
    schema.views.retain(|v| !in_tool_namespace(&v.name));
    schema.routines.retain(|r| !in_tool_namespace(&r.name));
    schema
        .triggers
        .retain(|t| !gone_tables.contains(&t.table) && !in_tool_namespace(&t.table));
    schema.enums.retain(|e| !in_tool_namespace(&e.name));
    schema.namespaces.retain(|namespace| {
        match TOOL_NAMESPACES.iter().find(|(n, _)| *n == namespace.name) {
            Some((_, tool)) => {
                note("schema", namespace.name.clone(), tool);
                false
            }
            None => true,
        }
    });
    schema.unmanaged.extend(left_out);
    schema.normalize();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Dialect, Sequence, Table};

    #[test]
    fn tool_tables_and_their_sequences_are_set_aside() {
        let mut schema = Schema::empty(Dialect::Postgres);
        for name in ["users", "knex_migrations", "_sqlx_migrations"] {
            schema
                .tables
                .push(Table::new(QualifiedName::new("public", name)));
        }
        schema.sequences.push(Sequence {
            name: QualifiedName::new("public", "knex_migrations_id_seq"),
            data_type: "integer".into(),
            start: 1,
            increment: 1,
            min_value: 1,
            max_value: i64::from(i32::MAX),
            cache: 1,
            cycle: false,
            owned_by: Some((QualifiedName::new("public", "knex_migrations"), "id".into())),
            comment: None,
        });
        schema
            .tables
            .push(Table::new(QualifiedName::new("pgroll", "migrations")));
        set_aside(&mut schema);
        let tables: Vec<String> = schema.tables.iter().map(|t| t.name.to_string()).collect();
        assert_eq!(tables, ["public.users"]);
        assert!(schema.sequences.is_empty());
        let tools: Vec<(&str, Option<&str>)> = schema
            .unmanaged
            .iter()
            .map(|u| (u.name.as_str(), u.tool.as_deref()))
            .collect();
        assert_eq!(
            tools,
            [
                ("pgroll.migrations", Some("pgroll")),
                ("public._sqlx_migrations", Some("sqlx")),
                ("public.knex_migrations", Some("knex")),
            ]
        );
    }
}
