//! Reading a PostgreSQL catalog's extensions, functions, procedures and triggers into the
//! model, and listing the objects it does not manage (see `queries/unmanaged.sql`).
//!
//! Definitions are kept as PostgreSQL prints them (`pg_get_functiondef`,
//! `pg_get_triggerdef`), with the empty `search_path` introspection runs under, so every name
//! outside `pg_catalog` comes out qualified. Bodies are the text as written: PostgreSQL does
//! not normalize them.

use super::introspect::{CatalogQuery, field, qualified, run};
use crate::EngineError;
use dbwarden_core::{
    CheckConstraint, CompositeType, Domain, Extension, MaterializedView, Policy, QualifiedName,
    Routine, RoutineKind, Trigger, UnmanagedObject,
};
use tokio_postgres::Client;

const EXTENSIONS: CatalogQuery = CatalogQuery {
    what: "extensions",
    sql: include_str!("queries/extensions.sql"),
};
const ROUTINES: CatalogQuery = CatalogQuery {
    what: "functions and procedures",
    sql: include_str!("queries/routines.sql"),
};
const TRIGGERS: CatalogQuery = CatalogQuery {
    what: "triggers",
    sql: include_str!("queries/triggers.sql"),
};
const POLICIES: CatalogQuery = CatalogQuery {
    what: "row-level security policies",
    sql: include_str!("queries/policies.sql"),
};
const DOMAINS: CatalogQuery = CatalogQuery {
    what: "domains",
    sql: include_str!("queries/domains.sql"),
};
const COMPOSITES: CatalogQuery = CatalogQuery {
    what: "composite types",
    sql: include_str!("queries/composites.sql"),
};
const MATERIALIZED_VIEWS: CatalogQuery = CatalogQuery {
    what: "materialized views",
    sql: include_str!("queries/materialized_views.sql"),
};
const UNMANAGED: CatalogQuery = CatalogQuery {
    what: "objects the model does not manage",
    sql: include_str!("queries/unmanaged.sql"),
};

pub(super) async fn read_extensions(client: &Client) -> Result<Vec<Extension>, EngineError> {
    run(client, &EXTENSIONS, &[])
        .await?
        .iter()
        .map(|row| {
            Ok(Extension {
                name: field(row, &EXTENSIONS, "name")?,
                schema: field(row, &EXTENSIONS, "schema")?,
                version: field(row, &EXTENSIONS, "version")?,
            })
        })
        .collect()
}

pub(super) async fn read_routines(client: &Client) -> Result<Vec<Routine>, EngineError> {
    run(client, &ROUTINES, &[])
        .await?
        .iter()
        .map(|row| {
            let kind: String = field(row, &ROUTINES, "kind")?;
            let definition: String = field(row, &ROUTINES, "definition")?;
            Ok(Routine {
                name: qualified(row, &ROUTINES, "schema", "name")?,
                kind: if kind == "p" {
                    RoutineKind::Procedure
                } else {
                    RoutineKind::Function
                },
                arguments: field(row, &ROUTINES, "arguments")?,
                returns: field(row, &ROUTINES, "returns")?,
                language: field(row, &ROUTINES, "language")?,
                definition: definition.trim_end().to_owned(),
                comment: field(row, &ROUTINES, "comment")?,
            })
        })
        .collect()
}

pub(super) async fn read_triggers(client: &Client) -> Result<Vec<Trigger>, EngineError> {
    run(client, &TRIGGERS, &[])
        .await?
        .iter()
        .map(|row| {
            let enabled: String = field(row, &TRIGGERS, "enabled")?;
            Ok(Trigger {
                name: field(row, &TRIGGERS, "name")?,
                table: qualified(row, &TRIGGERS, "schema", "table_name")?,
                definition: field(row, &TRIGGERS, "definition")?,
                function: Some(QualifiedName::new(
                    field::<String>(row, &TRIGGERS, "function_schema")?,
                    field::<String>(row, &TRIGGERS, "function_name")?,
                )),
                state: firing_state(&enabled).map(str::to_owned),
                comment: field(row, &TRIGGERS, "comment")?,
            })
        })
        .collect()
}

/// `pg_trigger.tgenabled` as the `ALTER TABLE` words that set it; none for the default.
fn firing_state(enabled: &str) -> Option<&'static str> {
    match enabled {
        "D" => Some("DISABLE"),
        "R" => Some("ENABLE REPLICA"),
        "A" => Some("ENABLE ALWAYS"),
        _ => None,
    }
}

pub(super) async fn read_policies(client: &Client) -> Result<Vec<Policy>, EngineError> {
    run(client, &POLICIES, &[])
        .await?
        .iter()
        .map(|row| {
            Ok(Policy {
                name: field(row, &POLICIES, "name")?,
                table: qualified(row, &POLICIES, "schema", "table_name")?,
                command: field(row, &POLICIES, "command")?,
                permissive: field(row, &POLICIES, "permissive")?,
                roles: field(row, &POLICIES, "roles")?,
                using: field(row, &POLICIES, "using_expression")?,
                with_check: field(row, &POLICIES, "check_expression")?,
            })
        })
        .collect()
}

pub(super) async fn read_domains(client: &Client) -> Result<Vec<Domain>, EngineError> {
    run(client, &DOMAINS, &[])
        .await?
        .iter()
        .map(|row| {
            let names: Vec<String> = field(row, &DOMAINS, "check_names")?;
            let expressions: Vec<String> = field(row, &DOMAINS, "check_expressions")?;
            let checks = names
                .into_iter()
                .zip(expressions)
                .map(|(name, expression)| CheckConstraint {
                    name: Some(name),
                    // `CHECK (...)` as pg_get_constraintdef would have it, without the words.
                    expression,
                })
                .collect();
            Ok(Domain {
                name: qualified(row, &DOMAINS, "schema", "name")?,
                base_type: field(row, &DOMAINS, "base_type")?,
                default: field(row, &DOMAINS, "default_expression")?,
                not_null: field(row, &DOMAINS, "not_null")?,
                checks,
                comment: field(row, &DOMAINS, "comment")?,
            })
        })
        .collect()
}

pub(super) async fn read_composites(client: &Client) -> Result<Vec<CompositeType>, EngineError> {
    run(client, &COMPOSITES, &[])
        .await?
        .iter()
        .map(|row| {
            let names: Vec<String> = field(row, &COMPOSITES, "attribute_names")?;
            let types: Vec<String> = field(row, &COMPOSITES, "attribute_types")?;
            Ok(CompositeType {
                name: qualified(row, &COMPOSITES, "schema", "name")?,
                attributes: names.into_iter().zip(types).collect(),
                comment: field(row, &COMPOSITES, "comment")?,
            })
        })
        .collect()
}

pub(super) async fn read_materialized_views(
    client: &Client,
) -> Result<Vec<MaterializedView>, EngineError> {
    run(client, &MATERIALIZED_VIEWS, &[])
        .await?
        .iter()
        .map(|row| {
            let definition: String = field(row, &MATERIALIZED_VIEWS, "definition")?;
            let definition = definition.trim();
            let names: Vec<String> = field(row, &MATERIALIZED_VIEWS, "index_names")?;
            let definitions: Vec<String> = field(row, &MATERIALIZED_VIEWS, "index_definitions")?;
            Ok(MaterializedView {
                name: qualified(row, &MATERIALIZED_VIEWS, "schema", "name")?,
                definition: definition
                    .strip_suffix(';')
                    .unwrap_or(definition)
                    .trim_end()
                    .to_owned(),
                indexes: names.into_iter().zip(definitions).collect(),
                comment: field(row, &MATERIALIZED_VIEWS, "comment")?,
            })
        })
        .collect()
}

pub(super) async fn read_unmanaged(client: &Client) -> Result<Vec<UnmanagedObject>, EngineError> {
    run(client, &UNMANAGED, &[])
        .await?
        .iter()
        .map(|row| {
            Ok(UnmanagedObject {
                kind: field(row, &UNMANAGED, "kind")?,
                name: field(row, &UNMANAGED, "name")?,
                tool: None,
            })
        })
        .collect()
}
