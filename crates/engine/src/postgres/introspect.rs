//! Reading a PostgreSQL catalog into the model.
//!
//! A handful of set-based catalog queries (in `queries/`, one file each) read every user object
//! at once; tables are read first and their oids key the column, constraint and index queries.
//! Queries that do not depend on each other are pipelined on the connection. They are written
//! to stay fast on thousands of tables (joins rather than per-row SQL-function calls, deparsing
//! only what is read; see the comments in each file): a 1,000-table schema reads in well under
//! a second (docs/benchmarks.md).
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

use super::programs;
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
pub(super) struct CatalogQuery {
    /// What it reads, as the error message says it ("introspecting columns: ...").
    pub(super) what: &'static str,
    /// The SQL text, from `queries/`.
    pub(super) sql: &'static str,
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
const ATTRIBUTE_NAMES: CatalogQuery = CatalogQuery {
    what: "referenced columns",
    sql: include_str!("queries/attribute_names.sql"),
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
/// For the duration, the session's `search_path` is emptied, so that PostgreSQL qualifies every
/// name it prints, and JIT compilation is turned off: on thousands of tables the catalog queries
/// cross the planner's JIT cost threshold, and compiling them took longer than running them
/// (docs/benchmarks.md). Both settings are put back afterwards, even when a query fails.
pub(crate) async fn introspect(client: &Client) -> Result<Schema, EngineError> {
    let saved = set_session(
        client,
        &Session {
            search_path: String::new(),
            jit: "off".to_owned(),
        },
    )
    .await?;
    let schema = read_schema(client).await;
    let restored = set_session(client, &saved).await;
    let schema = schema?;
    restored?;
    Ok(schema)
}

/// The session settings introspection changes.
struct Session {
    search_path: String,
    jit: String,
}

/// Applies `settings` to the session and returns the previous values. `set_config(..., false)`
/// is session-wide, but inside a caller's transaction it still rolls back with it (manual,
/// "SET"), so a failed transaction cannot leave them changed either.
async fn set_session(client: &Client, settings: &Session) -> Result<Session, EngineError> {
    let row = client
        .query_one(
            "SELECT pg_catalog.current_setting('search_path'), \
             pg_catalog.current_setting('jit'), \
             pg_catalog.set_config('search_path', $1, false), \
             pg_catalog.set_config('jit', $2, false)",
            &[&settings.search_path, &settings.jit],
        )
        .await
        .map_err(|e| with_context("setting search_path and jit", sql_error(e)))?;
    let read = |i: usize, name: &str| {
        row.try_get(i)
            .map_err(|e| EngineError::Driver(format!("reading the current {name}: {e}")))
    };
    Ok(Session {
        search_path: read(0, "search_path")?,
        jit: read(1, "jit")?,
    })
}

/// Runs the catalog queries. Those that do not wait on another's result are issued together:
/// tokio-postgres pipelines the queries of concurrently polled futures on one connection, so
/// the server starts on the next query while the rows of the previous one are decoded here.
async fn read_schema(client: &Client) -> Result<Schema, EngineError> {
    let (
        (namespaces, enums, sequences, tables, views),
        (extensions, routines, triggers, policies, (domains, composites, materialized), unmanaged),
    ) = tokio::try_join!(
        async {
            tokio::try_join!(
                read_namespaces(client),
                read_enums(client),
                read_sequences(client),
                read_tables(client),
                read_views(client),
            )
        },
        async {
            tokio::try_join!(
                programs::read_extensions(client),
                programs::read_routines(client),
                programs::read_triggers(client),
                programs::read_policies(client),
                async {
                    tokio::try_join!(
                        programs::read_domains(client),
                        programs::read_composites(client),
                        programs::read_materialized_views(client)
                    )
                },
                programs::read_unmanaged(client),
            )
        },
    )?;
    let mut schema = Schema::empty(Dialect::Postgres);
    schema.namespaces = namespaces;
    schema.enums = enums;
    schema.sequences = sequences;
    schema.tables = tables;
    schema.views = views;
    schema.extensions = extensions;
    schema.routines = routines;
    schema.triggers = triggers;
    schema.policies = policies;
    schema.domains = domains;
    schema.composites = composites;
    schema.materialized_views = materialized;
    schema.unmanaged = unmanaged;
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
        table.row_security = dbwarden_core::RowSecurity {
            enabled: field(&row, &TABLES, "row_security")?,
            forced: field(&row, &TABLES, "force_row_security")?,
        };
        table.unlogged = field(&row, &TABLES, "unlogged")?;
        tables.insert(field(&row, &TABLES, "oid")?, table);
    }
    if tables.is_empty() {
        return Ok(Vec::new());
    }
    let oids: Vec<u32> = tables.keys().copied().collect();
    let params: [&(dyn ToSql + Sync); 1] = [&oids];
    let (column_rows, constraint_rows, index_rows) = tokio::try_join!(
        run(client, &COLUMNS, &params),
        run(client, &CONSTRAINTS, &params),
        run(client, &INDEXES, &params),
    )?;

    // The query returns columns unordered (see columns.sql); attnum order is put back here.
    let mut columns: Vec<(u32, i16, Column)> = Vec::new();
    for row in column_rows {
        columns.push((
            field(&row, &COLUMNS, "table_oid")?,
            field(&row, &COLUMNS, "attnum")?,
            column_from_row(&row)?,
        ));
    }
    columns.sort_unstable_by_key(|(oid, attnum, _)| (*oid, *attnum));
    let mut names = ColumnNames::default();
    for (oid, attnum, column) in columns {
        names.insert(oid, attnum, column.name.clone());
        table_by_oid(&mut tables, oid, &COLUMNS)?
            .columns
            .push(column);
    }

    // Foreign keys to tables outside the set (dbwarden's own, an extension's) name columns the
    // column query did not read.
    let mut outside: Vec<u32> = Vec::new();
    for row in &constraint_rows {
        let kind: String = field(row, &CONSTRAINTS, "kind")?;
        let referenced: u32 = field(row, &CONSTRAINTS, "referenced_oid")?;
        if kind == "f" && !tables.contains_key(&referenced) && !outside.contains(&referenced) {
            outside.push(referenced);
        }
    }
    if !outside.is_empty() {
        for row in run(client, &ATTRIBUTE_NAMES, &[&outside]).await? {
            names.insert(
                field(&row, &ATTRIBUTE_NAMES, "table_oid")?,
                field(&row, &ATTRIBUTE_NAMES, "attnum")?,
                field(&row, &ATTRIBUTE_NAMES, "name")?,
            );
        }
        names.sort();
    }

    for row in constraint_rows {
        let table = table_for(&mut tables, &row, &CONSTRAINTS)?;
        add_constraint(table, &row, &names)?;
    }
    for row in index_rows {
        let index = index_from_row(&row, &names)?;
        table_for(&mut tables, &row, &INDEXES)?.indexes.push(index);
    }
    Ok(tables.into_values().collect())
}

/// Column names by table oid and attnum, for the attnum lists of constraints and indexes.
#[derive(Default)]
struct ColumnNames(HashMap<u32, Vec<(i16, String)>>);

impl ColumnNames {
    /// Adds a column; a table's columns must come in attnum order, or [`Self::sort`] follow.
    fn insert(&mut self, table: u32, attnum: i16, name: String) {
        self.0.entry(table).or_default().push((attnum, name));
    }

    /// Puts every table's columns in attnum order.
    fn sort(&mut self) {
        for columns in self.0.values_mut() {
            columns.sort_unstable_by_key(|(attnum, _)| *attnum);
        }
    }

    /// The name of column `attnum` of `table`; `what` says who asks, in an error.
    fn name(&self, table: u32, attnum: i16, what: &str) -> Result<String, EngineError> {
        let columns = self.0.get(&table).map(Vec::as_slice).unwrap_or_default();
        columns
            .binary_search_by_key(&attnum, |(a, _)| *a)
            .ok()
            .and_then(|i| columns.get(i))
            .map(|(_, name)| name.clone())
            .ok_or_else(|| {
                EngineError::Driver(format!(
                    "introspecting {what}: no column {attnum} in table oid {table}"
                ))
            })
    }

    /// The names of `attnums` of `table`, in their order.
    fn names(&self, table: u32, attnums: &[i16], what: &str) -> Result<Vec<String>, EngineError> {
        attnums
            .iter()
            .map(|attnum| self.name(table, *attnum, what))
            .collect()
    }
}

/// The table a row of a per-table query belongs to (by its `table_oid` column).
fn table_for<'t>(
    tables: &'t mut HashMap<u32, Table>,
    row: &Row,
    query: &CatalogQuery,
) -> Result<&'t mut Table, EngineError> {
    table_by_oid(tables, field(row, query, "table_oid")?, query)
}

/// The table with oid `oid`, which a row of `query` names.
fn table_by_oid<'t>(
    tables: &'t mut HashMap<u32, Table>,
    oid: u32,
    query: &CatalogQuery,
) -> Result<&'t mut Table, EngineError> {
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

fn add_constraint(table: &mut Table, row: &Row, names: &ColumnNames) -> Result<(), EngineError> {
    let name: String = field(row, &CONSTRAINTS, "name")?;
    let kind: String = field(row, &CONSTRAINTS, "kind")?;
    let what = || format!("constraints (constraint {name} on {})", table.name);
    // Key columns in key order (conkey); a check's are not read.
    let columns = || -> Result<Vec<String>, EngineError> {
        let table_oid: u32 = field(row, &CONSTRAINTS, "table_oid")?;
        let attnums: Option<Vec<i16>> = field(row, &CONSTRAINTS, "key_attnums")?;
        names.names(table_oid, &attnums.unwrap_or_default(), &what())
    };
    match kind.as_str() {
        "p" => {
            let columns = columns()?;
            table.primary_key = Some(PrimaryKey {
                name: Some(name),
                columns,
            });
        }
        "u" => {
            let columns = columns()?;
            table.uniques.push(UniqueConstraint {
                name: Some(name),
                columns,
            });
        }
        "f" => {
            let columns = columns()?;
            let referenced_oid: u32 = field(row, &CONSTRAINTS, "referenced_oid")?;
            let referenced_attnums: Option<Vec<i16>> =
                field(row, &CONSTRAINTS, "referenced_attnums")?;
            let referenced_columns = names.names(
                referenced_oid,
                &referenced_attnums.unwrap_or_default(),
                &what(),
            )?;
            let foreign_key = ForeignKey {
                referenced_table: qualified(
                    row,
                    &CONSTRAINTS,
                    "referenced_schema",
                    "referenced_table",
                )?,
                referenced_columns,
                on_delete: foreign_key_action(row, &name, "on_delete")?,
                on_update: foreign_key_action(row, &name, "on_update")?,
                name: Some(name),
                columns,
                match_full: field(row, &CONSTRAINTS, "match_full")?,
                deferrable: field(row, &CONSTRAINTS, "deferrable")?,
                initially_deferred: field(row, &CONSTRAINTS, "initially_deferred")?,
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

fn index_from_row(row: &Row, names: &ColumnNames) -> Result<Index, EngineError> {
    let name: String = field(row, &INDEXES, "name")?;
    let table_oid: u32 = field(row, &INDEXES, "table_oid")?;
    let key_count: i16 = field(row, &INDEXES, "key_count")?;
    let key_attnums: Vec<i16> = field(row, &INDEXES, "key_attnums")?;
    let key_options: Vec<i16> = field(row, &INDEXES, "key_options")?;
    // Printed for the expression parts of an index that has some (NULL otherwise).
    let key_definitions: Option<Vec<Option<String>>> = field(row, &INDEXES, "key_definitions")?;
    let key_opclasses: Vec<Option<String>> = field(row, &INDEXES, "key_opclasses")?;
    let column_count: i16 = field(row, &INDEXES, "column_count")?;
    let key_count = usize::try_from(key_count).unwrap_or_default();
    let column_count = usize::try_from(column_count).unwrap_or_default();
    let mut definitions = key_definitions.unwrap_or_default();
    if key_attnums.len() < key_count || key_options.len() < key_count {
        return Err(EngineError::Driver(format!(
            "introspecting indexes: index {name} came back with {key_count} key parts but \
             {} attnums and {} options",
            key_attnums.len(),
            key_options.len()
        )));
    }
    let what = || format!("indexes (index {name})");
    let parts = key_attnums
        .iter()
        .zip(&key_options)
        .take(key_count)
        .enumerate()
        .map(|(k, (&attnum, &option))| {
            // A column part has its attnum; an expression part has 0 and a definition.
            let key = if attnum != 0 {
                IndexKey::Column(names.name(table_oid, attnum, &what())?)
            } else {
                match definitions.get_mut(k).and_then(Option::take) {
                    Some(definition) => IndexKey::Expression(definition),
                    None => {
                        return Err(EngineError::Driver(format!(
                            "introspecting indexes: index {name} has an expression part \
                             without a definition"
                        )));
                    }
                }
            };
            // Bit 0 of indoption is DESC, bit 1 NULLS FIRST (pg_index.h): kept only where
            // it is not the direction's default.
            let descending = option & 1 == 1;
            let nulls_first = option & 2 == 2;
            Ok(IndexPart {
                key,
                descending,
                prefix_length: None,
                operator_class: key_opclasses.get(k).cloned().flatten(),
                nulls_first: (nulls_first != descending).then_some(nulls_first),
            })
        })
        .collect::<Result<Vec<_>, EngineError>>()?;
    let method: String = field(row, &INDEXES, "method")?;
    let include = key_attnums
        .iter()
        .take(column_count)
        .skip(key_count)
        .map(|&attnum| names.name(table_oid, attnum, &what()))
        .collect::<Result<Vec<_>, EngineError>>()?;
    Ok(Index {
        unique: field(row, &INDEXES, "is_unique")?,
        parts,
        predicate: field(row, &INDEXES, "predicate")?,
        method: (method != "btree").then_some(method),
        comment: field(row, &INDEXES, "comment")?,
        name,
        include,
        nulls_not_distinct: field(row, &INDEXES, "nulls_not_distinct")?,
        storage: field(row, &INDEXES, "storage")?,
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
            grants: field(&row, &VIEWS, "grants")?,
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
pub(super) async fn run(
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
pub(super) fn field<'row, T: FromSql<'row>>(
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
pub(super) fn qualified(
    row: &Row,
    query: &CatalogQuery,
    schema_column: &str,
    name_column: &str,
) -> Result<QualifiedName, EngineError> {
    let schema: String = field(row, query, schema_column)?;
    let name: String = field(row, query, name_column)?;
    Ok(QualifiedName::new(schema, name))
}
