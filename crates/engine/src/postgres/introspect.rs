//! Reading a PostgreSQL catalog into the model.
//!
//! A handful of set-based catalog queries (in `queries/`, one file each) read every user object
//! at once; tables are read first and their oids key the column, constraint and index queries.
//! Works on PostgreSQL 12 and later (`pg_sequence` is 10+, `indnkeyatts` and `conparentid` 11+,
//! `attgenerated` 12+).
//!
//! What counts as a user object: anything in a schema other than `pg_catalog`,
//! `information_schema` and the reserved `pg_*` schemas (`pg_toast`, `pg_temp_N`, ...), that no
//! extension owns (`pg_depend` deptype `'e'`), except dbwarden's own `dbwarden_*` tables and the
//! sequences they own.
//!
//! Normalizations, so that the inspect → render → apply → inspect round trip is exact:
//!
//! - Expressions (defaults, generation expressions, checks, index keys and predicates, view
//!   bodies) are printed by PostgreSQL in pretty mode with an empty `search_path`, so every
//!   name outside `pg_catalog` comes out schema-qualified (`'pending'::app.order_status`,
//!   `nextval('app.orders_id_seq'::regclass)`) and the text means the same whatever the
//!   `search_path` of the session that later applies it.
//! - A check's expression is the text between `CHECK (` and `)` of
//!   `pg_get_constraintdef(oid, true)`, read directly as `pg_get_expr(conbin, conrelid, true)`.
//! - A view's body has no surrounding whitespace and no trailing `;`.
//! - A collation is SQL text (`"C"`, `app."de-x-icu"`), reported only where it differs from the
//!   column type's default collation.
//! - `public` is listed in `namespaces` only when its comment differs from the one every new
//!   database gets, because the renderer never creates it but must then set its comment.

use super::sql_error;
use crate::EngineError;
use dbwarden_core::{
    CheckConstraint, Column, Dialect, EnumType, ForeignKey, ForeignKeyAction, Generated, Identity,
    Index, IndexKey, IndexPart, Namespace, PrimaryKey, QualifiedName, Schema, Sequence, Table,
    UniqueConstraint, View,
};
use std::collections::HashMap;
use tokio_postgres::types::{FromSql, ToSql};
use tokio_postgres::{Client, Row};

/// The comment `initdb` gives the `public` schema of the template databases (the same text in
/// every supported version), which therefore every new database starts with.
const DEFAULT_PUBLIC_COMMENT: &str = "standard public schema";

/// One catalog query, named for error messages.
struct CatalogQuery {
    /// What it reads, as the error message says it ("introspecting columns: ...").
    what: &'static str,
    /// The SQL text, from `queries/`.
    sql: &'static str,
}

const NAMESPACES: CatalogQuery = CatalogQuery {
    what: "schemas",
    sql: include_str!("queries/namespaces.sql"),
};
const ENUMS: CatalogQuery = CatalogQuery {
    what: "enum types",
    sql: include_str!("queries/enums.sql"),
};
const SEQUENCES: CatalogQuery = CatalogQuery {
    what: "sequences",
    sql: include_str!("queries/sequences.sql"),
};
const TABLES: CatalogQuery = CatalogQuery {
    what: "tables",
    sql: include_str!("queries/tables.sql"),
};
const COLUMNS: CatalogQuery = CatalogQuery {
    what: "columns",
    sql: include_str!("queries/columns.sql"),
};
const CONSTRAINTS: CatalogQuery = CatalogQuery {
    what: "constraints",
    sql: include_str!("queries/constraints.sql"),
};
const INDEXES: CatalogQuery = CatalogQuery {
    what: "indexes",
    sql: include_str!("queries/indexes.sql"),
};
const VIEWS: CatalogQuery = CatalogQuery {
    what: "views",
    sql: include_str!("queries/views.sql"),
};
const VIEW_DEPENDENCIES: CatalogQuery = CatalogQuery {
    what: "view dependencies",
    sql: include_str!("queries/view_dependencies.sql"),
};

/// Reads every user object of the connected database (see the module docs for what that is).
///
/// The session's `search_path` is emptied for the duration, so that PostgreSQL qualifies every
/// name it prints, and put back afterwards even when a query fails.
pub(crate) async fn introspect(client: &Client) -> Result<Schema, EngineError> {
    let saved_search_path = set_search_path(client, "").await?;
    let schema = read_schema(client).await;
    let restored = set_search_path(client, &saved_search_path).await;
    let schema = schema?;
    restored?;
    Ok(schema)
}

/// Sets the session's `search_path` and returns the previous value. `set_config(..., false)`
/// is session-wide, but inside a caller's transaction it still rolls back with it (manual,
/// "SET"), so a failed transaction cannot leave it changed either.
async fn set_search_path(client: &Client, value: &str) -> Result<String, EngineError> {
    let row = client
        .query_one(
            "SELECT pg_catalog.current_setting('search_path'), \
             pg_catalog.set_config('search_path', $1, false)",
            &[&value],
        )
        .await
        .map_err(|e| with_context("setting search_path", sql_error(e)))?;
    row.try_get(0)
        .map_err(|e| EngineError::Driver(format!("reading the current search_path: {e}")))
}

async fn read_schema(client: &Client) -> Result<Schema, EngineError> {
    let mut schema = Schema::empty(Dialect::Postgres);
    schema.namespaces = read_namespaces(client).await?;
    schema.enums = read_enums(client).await?;
    schema.sequences = read_sequences(client).await?;
    schema.tables = read_tables(client).await?;
    schema.views = read_views(client).await?;
    schema.normalize();
    Ok(schema)
}

async fn read_namespaces(client: &Client) -> Result<Vec<Namespace>, EngineError> {
    let mut namespaces = Vec::new();
    for row in run(client, &NAMESPACES, &[]).await? {
        let namespace = Namespace {
            name: field(&row, &NAMESPACES, "name")?,
            comment: field(&row, &NAMESPACES, "comment")?,
        };
        let is_default_public = namespace.name == "public"
            && namespace.comment.as_deref() == Some(DEFAULT_PUBLIC_COMMENT);
        if !is_default_public {
            namespaces.push(namespace);
        }
    }
    Ok(namespaces)
}

async fn read_enums(client: &Client) -> Result<Vec<EnumType>, EngineError> {
    run(client, &ENUMS, &[])
        .await?
        .iter()
        .map(|row| {
            Ok(EnumType {
                name: qualified(row, &ENUMS, "schema", "name")?,
                values: field(row, &ENUMS, "labels")?,
                comment: field(row, &ENUMS, "comment")?,
            })
        })
        .collect()
}

async fn read_sequences(client: &Client) -> Result<Vec<Sequence>, EngineError> {
    run(client, &SEQUENCES, &[])
        .await?
        .iter()
        .map(|row| {
            let owner_schema: Option<String> = field(row, &SEQUENCES, "owner_schema")?;
            let owner_table: Option<String> = field(row, &SEQUENCES, "owner_table")?;
            let owner_column: Option<String> = field(row, &SEQUENCES, "owner_column")?;
            let owned_by = match (owner_schema, owner_table, owner_column) {
                (Some(schema), Some(table), Some(column)) => {
                    Some((QualifiedName::new(schema, table), column))
                }
                _ => None,
            };
            Ok(Sequence {
                name: qualified(row, &SEQUENCES, "schema", "name")?,
                data_type: field(row, &SEQUENCES, "data_type")?,
                start: field(row, &SEQUENCES, "start")?,
                increment: field(row, &SEQUENCES, "increment")?,
                min_value: field(row, &SEQUENCES, "min_value")?,
                max_value: field(row, &SEQUENCES, "max_value")?,
                cache: field(row, &SEQUENCES, "cache")?,
                cycle: field(row, &SEQUENCES, "cycle")?,
                owned_by,
                comment: field(row, &SEQUENCES, "comment")?,
            })
        })
        .collect()
}

/// Tables with their columns, constraints and indexes: one query per kind for all tables.
async fn read_tables(client: &Client) -> Result<Vec<Table>, EngineError> {
    let mut tables: HashMap<u32, Table> = HashMap::new();
    for row in run(client, &TABLES, &[]).await? {
        let mut table = Table::new(qualified(&row, &TABLES, "schema", "name")?);
        table.comment = field(&row, &TABLES, "comment")?;
        tables.insert(field(&row, &TABLES, "oid")?, table);
    }
    if tables.is_empty() {
        return Ok(Vec::new());
    }
    let oids: Vec<u32> = tables.keys().copied().collect();

    for row in run(client, &COLUMNS, &[&oids]).await? {
        let column = column_from_row(&row)?;
        table_for(&mut tables, &row, &COLUMNS)?.columns.push(column);
    }
    for row in run(client, &CONSTRAINTS, &[&oids]).await? {
        let table = table_for(&mut tables, &row, &CONSTRAINTS)?;
        add_constraint(table, &row)?;
    }
    for row in run(client, &INDEXES, &[&oids]).await? {
        let index = index_from_row(&row)?;
        table_for(&mut tables, &row, &INDEXES)?.indexes.push(index);
    }
    Ok(tables.into_values().collect())
}

/// The table a row of a per-table query belongs to (by its `table_oid` column).
fn table_for<'t>(
    tables: &'t mut HashMap<u32, Table>,
    row: &Row,
    query: &CatalogQuery,
) -> Result<&'t mut Table, EngineError> {
    let oid: u32 = field(row, query, "table_oid")?;
    tables.get_mut(&oid).ok_or_else(|| {
        EngineError::Driver(format!(
            "introspecting {}: row for table oid {oid}, which the table query did not return",
            query.what
        ))
    })
}

fn column_from_row(row: &Row) -> Result<Column, EngineError> {
    let name: String = field(row, &COLUMNS, "name")?;
    let expression: Option<String> = field(row, &COLUMNS, "expression")?;
    let identity_code: String = field(row, &COLUMNS, "identity")?;
    let generated_code: String = field(row, &COLUMNS, "generated")?;
    let not_null: bool = field(row, &COLUMNS, "not_null")?;
    let unknown = |what: &str, code: &str| {
        EngineError::Driver(format!(
            "introspecting columns: column {name} has {what} code {code:?}, which dbwarden does \
             not know (is the server newer than dbwarden?)"
        ))
    };
    // pg_attribute.attidentity: '' none, 'a' ALWAYS, 'd' BY DEFAULT.
    let identity = match identity_code.as_str() {
        "" => None,
        "a" => Some(Identity::Always),
        "d" => Some(Identity::ByDefault),
        other => return Err(unknown("identity", other)),
    };
    // pg_attribute.attgenerated: '' none, 's' STORED, 'v' VIRTUAL (PostgreSQL 18). The
    // generation expression lives where a default would (pg_attrdef).
    let (default, generated) = match generated_code.as_str() {
        "" => (expression, None),
        "s" | "v" => {
            let generated = Generated {
                expression: expression.unwrap_or_default(),
                stored: generated_code == "s",
            };
            (None, Some(generated))
        }
        other => return Err(unknown("generated", other)),
    };
    Ok(Column {
        data_type: field(row, &COLUMNS, "data_type")?,
        nullable: !not_null,
        default,
        identity,
        generated,
        collation: field(row, &COLUMNS, "collation")?,
        comment: field(row, &COLUMNS, "comment")?,
        name,
    })
}

fn add_constraint(table: &mut Table, row: &Row) -> Result<(), EngineError> {
    let name: String = field(row, &CONSTRAINTS, "name")?;
    let kind: String = field(row, &CONSTRAINTS, "kind")?;
    let columns: Vec<String> = field(row, &CONSTRAINTS, "columns")?;
    match kind.as_str() {
        "p" => {
            table.primary_key = Some(PrimaryKey {
                name: Some(name),
                columns,
            });
        }
        "u" => table.uniques.push(UniqueConstraint {
            name: Some(name),
            columns,
        }),
        "f" => {
            let foreign_key = ForeignKey {
                referenced_table: qualified(
                    row,
                    &CONSTRAINTS,
                    "referenced_schema",
                    "referenced_table",
                )?,
                referenced_columns: field(row, &CONSTRAINTS, "referenced_columns")?,
                on_delete: foreign_key_action(row, &name, "on_delete")?,
                on_update: foreign_key_action(row, &name, "on_update")?,
                name: Some(name),
                columns,
            };
            table.foreign_keys.push(foreign_key);
        }
        "c" => {
            let expression: Option<String> = field(row, &CONSTRAINTS, "check_expression")?;
            table.checks.push(CheckConstraint {
                expression: expression.unwrap_or_default(),
                name: Some(name),
            });
        }
        other => {
            return Err(EngineError::Driver(format!(
                "introspecting constraints: constraint {name} on {} has kind {other:?}, which \
                 the query does not select",
                table.name
            )));
        }
    }
    Ok(())
}

/// `confdeltype` / `confupdtype` codes (manual, "pg_constraint").
fn foreign_key_action(
    row: &Row,
    constraint: &str,
    column: &str,
) -> Result<ForeignKeyAction, EngineError> {
    let code: String = field(row, &CONSTRAINTS, column)?;
    match code.as_str() {
        "a" => Ok(ForeignKeyAction::NoAction),
        "r" => Ok(ForeignKeyAction::Restrict),
        "c" => Ok(ForeignKeyAction::Cascade),
        "n" => Ok(ForeignKeyAction::SetNull),
        "d" => Ok(ForeignKeyAction::SetDefault),
        other => Err(EngineError::Driver(format!(
            "introspecting constraints: foreign key {constraint} has {column} code {other:?}, \
             which dbwarden does not know"
        ))),
    }
}

fn index_from_row(row: &Row) -> Result<Index, EngineError> {
    let name: String = field(row, &INDEXES, "name")?;
    let key_columns: Vec<Option<String>> = field(row, &INDEXES, "key_columns")?;
    let key_definitions: Vec<String> = field(row, &INDEXES, "key_definitions")?;
    let key_descending: Vec<bool> = field(row, &INDEXES, "key_descending")?;
    if key_definitions.len() != key_columns.len() || key_descending.len() != key_columns.len() {
        return Err(EngineError::Driver(format!(
            "introspecting indexes: index {name} came back with key lists of different lengths"
        )));
    }
    let parts = key_columns
        .into_iter()
        .zip(key_definitions)
        .zip(key_descending)
        .map(|((column, definition), descending)| IndexPart {
            // A column part has a pg_attribute row; an expression part (indkey 0) has none.
            key: match column {
                Some(column) => IndexKey::Column(column),
                None => IndexKey::Expression(definition),
            },
            descending,
            prefix_length: None,
        })
        .collect();
    let method: String = field(row, &INDEXES, "method")?;
    Ok(Index {
        unique: field(row, &INDEXES, "is_unique")?,
        parts,
        predicate: field(row, &INDEXES, "predicate")?,
        method: (method != "btree").then_some(method),
        comment: field(row, &INDEXES, "comment")?,
        name,
    })
}

async fn read_views(client: &Client) -> Result<Vec<View>, EngineError> {
    let mut views: HashMap<u32, View> = HashMap::new();
    for row in run(client, &VIEWS, &[]).await? {
        let definition: String = field(&row, &VIEWS, "definition")?;
        // pg_get_viewdef prints a leading space and a terminating semicolon; the renderer
        // adds its own terminator.
        let definition = definition.trim();
        let definition = definition
            .strip_suffix(';')
            .unwrap_or(definition)
            .trim_end();
        let view = View {
            name: qualified(&row, &VIEWS, "schema", "name")?,
            definition: definition.to_owned(),
            depends_on: Vec::new(),
            comment: field(&row, &VIEWS, "comment")?,
        };
        views.insert(field(&row, &VIEWS, "oid")?, view);
    }
    if views.is_empty() {
        return Ok(Vec::new());
    }
    let oids: Vec<u32> = views.keys().copied().collect();
    for row in run(client, &VIEW_DEPENDENCIES, &[&oids]).await? {
        let oid: u32 = field(&row, &VIEW_DEPENDENCIES, "view_oid")?;
        let dependency = qualified(&row, &VIEW_DEPENDENCIES, "schema", "name")?;
        if let Some(view) = views.get_mut(&oid) {
            view.depends_on.push(dependency);
        }
    }
    // Sorted here rather than by ORDER BY, whose text order follows the database's collation.
    for view in views.values_mut() {
        view.depends_on.sort();
        view.depends_on.dedup();
    }
    Ok(views.into_values().collect())
}

/// Runs a catalog query, saying which one failed.
async fn run(
    client: &Client,
    query: &CatalogQuery,
    params: &[&(dyn ToSql + Sync)],
) -> Result<Vec<Row>, EngineError> {
    client
        .query(query.sql, params)
        .await
        .map_err(|e| with_context(&format!("introspecting {}", query.what), sql_error(e)))
}

/// Prefixes an error's message with what dbwarden was doing.
fn with_context(doing: &str, error: EngineError) -> EngineError {
    match error {
        EngineError::Sql {
            message,
            code,
            position,
        } => EngineError::Sql {
            message: format!("{doing}: {message}"),
            code,
            position,
        },
        EngineError::Driver(message) => EngineError::Driver(format!("{doing}: {message}")),
        other => other,
    }
}

/// One column of a catalog row, with an error naming the query and column on a type mismatch.
fn field<'row, T: FromSql<'row>>(
    row: &'row Row,
    query: &CatalogQuery,
    column: &str,
) -> Result<T, EngineError> {
    row.try_get(column).map_err(|e| {
        EngineError::Driver(format!(
            "introspecting {}: cannot read column {column}: {e}",
            query.what
        ))
    })
}

/// A schema-qualified name from two columns of a catalog row.
fn qualified(
    row: &Row,
    query: &CatalogQuery,
    schema_column: &str,
    name_column: &str,
) -> Result<QualifiedName, EngineError> {
    let schema: String = field(row, query, schema_column)?;
    let name: String = field(row, query, name_column)?;
    Ok(QualifiedName::new(schema, name))
}
