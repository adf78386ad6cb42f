//! Reading a MySQL/MariaDB catalog into the model.
//!
//! The connected database (`DATABASE()`) is read from `information_schema` in one set-based
//! query per object kind (queries in `queries/*.sql`), then assembled and normalized:
//!
//! - **Names** are bare: a connection sees one database. A foreign key into another database
//!   keeps that database as the referenced table's namespace.
//! - **Types** are `COLUMN_TYPE` as the server prints it (`int(11)` on MariaDB, `int` on MySQL
//!   8; MariaDB's `json` is `longtext` plus a `json_valid` check).
//! - **Defaults** are the SQL text that goes after `DEFAULT`, in the form MariaDB's `SHOW
//!   CREATE TABLE` prints: string literals quoted (`'abc'`), numbers bare (`1.50`),
//!   expressions as the server prints them (`current_timestamp()`, `(1 + 1)`). "Defaults to
//!   NULL" is no default at all (`None`), which means the same thing. See [`column_default`].
//! - **Collations** are kept only where a column's differs from its table's default.
//! - **Unique keys**: MySQL has no unique constraint apart from its unique index. A unique
//!   index on plain ascending whole columns with the default method and no comment is a
//!   [`UniqueConstraint`]; any other unique index (prefix, `DESC`, expression, `HASH`,
//!   comment) is an [`Index`] with `unique` set.
//! - **Foreign-key indexes**: adding a foreign key creates an index named after it when none
//!   is usable (MySQL manual, "FOREIGN KEY Constraints"). An index with the foreign key's name
//!   and exactly its columns is that implicit index and is left out; the renderer's `ADD
//!   FOREIGN KEY` recreates it.
//! - **Views** lose the current database's qualifier (`` `db`.`t` `` becomes `` `t` ``), which
//!   the server adds to every table it stores in a view body; otherwise a copy of the schema
//!   in another database would read the original's tables.
//!
//! Not in the model, so not read: `ON UPDATE CURRENT_TIMESTAMP` (logged as a warning), table
//! engine, character set and row format, invisible columns and ignored/invisible indexes, view
//! algorithm, definer, security and check option, MySQL's `NOT ENFORCED` checks (read as
//! enforced), prefix and `DESC` parts of a primary key.

use super::sql_error;
use crate::EngineError;
use dbwarden_core::{
    CheckConstraint, Column, Dialect, ForeignKey, ForeignKeyAction, Generated, Identity, Index,
    IndexKey, IndexPart, PrimaryKey, QualifiedName, Schema, Table, UniqueConstraint, View,
    quote_literal,
};
use indexmap::IndexMap;
use mysql_async::prelude::{FromValue, Queryable};
use mysql_async::{Conn, Row};

const SERVER_QUERY: &str = include_str!("queries/server.sql");
const TABLES_QUERY: &str = include_str!("queries/tables.sql");
const COLUMNS_QUERY: &str = include_str!("queries/columns.sql");
const INDEX_PARTS_QUERY: &str = include_str!("queries/index_parts.sql");
const INDEX_PARTS_WITH_EXPRESSIONS_QUERY: &str =
    include_str!("queries/index_parts_with_expressions.sql");
const FOREIGN_KEYS_QUERY: &str = include_str!("queries/foreign_keys.sql");
const CHECKS_MARIADB_QUERY: &str = include_str!("queries/checks_mariadb.sql");
const CHECKS_MYSQL_QUERY: &str = include_str!("queries/checks_mysql.sql");
const VIEWS_QUERY: &str = include_str!("queries/views.sql");

/// Reads every user object of the connected database.
pub(crate) async fn introspect(conn: &mut Conn) -> Result<Schema, EngineError> {
    let server = read_server(conn).await?;
    let mut tables = read_tables(conn).await?;
    read_columns(conn, &server, &mut tables).await?;
    read_foreign_keys(conn, &server, &mut tables).await?;
    read_indexes(conn, &server, &mut tables).await?;
    read_checks(conn, &server, &mut tables).await?;
    let table_names: Vec<String> = tables.keys().cloned().collect();
    let views = read_views(conn, &server, &table_names).await?;
    let routines = super::programs::read_routines(conn).await?;
    let triggers = super::programs::read_triggers(conn).await?;
    let unmanaged = super::programs::read_unmanaged(conn).await?;

    let mut schema = Schema::empty(Dialect::Mysql);
    schema.tables = tables.into_values().map(|entry| entry.table).collect();
    schema.views = views;
    schema.routines = routines;
    schema.triggers = triggers;
    schema.unmanaged = unmanaged;
    schema.normalize();
    Ok(schema)
}

/// What the catalog's text looks like depends on the product and version.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Server {
    mariadb: bool,
    version: (u32, u32, u32),
    database: String,
}

impl Server {
    /// `STATISTICS.EXPRESSION` (functional key parts) exists from MySQL 8.0.13.
    fn has_index_expressions(&self) -> bool {
        !self.mariadb && self.version >= (8, 0, 13)
    }

    /// `CHECK_CONSTRAINTS` exists from MySQL 8.0.16; earlier MySQL parsed and ignored checks.
    fn has_check_constraints(&self) -> bool {
        self.mariadb || self.version >= (8, 0, 16)
    }
}

/// `8.0.36`, `10.11.19-MariaDB-0+deb12u1` → (major, minor, patch); missing parts are 0.
fn parse_version(version: &str) -> (u32, u32, u32) {
    let mut numbers = version.split(['.', '-']).map(|part| {
        part.chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .unwrap_or(0)
    });
    (
        numbers.next().unwrap_or(0),
        numbers.next().unwrap_or(0),
        numbers.next().unwrap_or(0),
    )
}

/// A table being assembled, with the default collation its columns are compared against.
struct TableEntry {
    table: Table,
    collation: Option<String>,
}

/// One row of a catalog query, read by column alias, with errors that say which query and
/// column could not be read.
struct CatalogRow {
    row: Row,
    query: &'static str,
}

impl CatalogRow {
    fn optional<T: FromValue>(&mut self, column: &str) -> Result<Option<T>, EngineError> {
        match self.row.take_opt::<Option<T>, _>(column) {
            Some(Ok(value)) => Ok(value),
            Some(Err(e)) => Err(EngineError::Driver(format!(
                "introspection query {}: cannot read column {column}: {e}",
                self.query
            ))),
            None => Err(EngineError::Driver(format!(
                "introspection query {} returned no column {column}",
                self.query
            ))),
        }
    }

    fn required<T: FromValue>(&mut self, column: &str) -> Result<T, EngineError> {
        self.optional(column)?.ok_or_else(|| {
            EngineError::Driver(format!(
                "introspection query {}: column {column} is unexpectedly NULL",
                self.query
            ))
        })
    }

    /// A text column where the catalog uses the empty string for "none".
    fn non_empty_text(&mut self, column: &str) -> Result<Option<String>, EngineError> {
        Ok(self
            .optional::<String>(column)?
            .filter(|text| !text.is_empty()))
    }
}

async fn catalog_rows(
    conn: &mut Conn,
    query: &'static str,
    sql: &'static str,
) -> Result<Vec<CatalogRow>, EngineError> {
    let rows: Vec<Row> = conn.query(sql).await.map_err(sql_error)?;
    Ok(rows
        .into_iter()
        .map(|row| CatalogRow { row, query })
        .collect())
}

async fn read_server(conn: &mut Conn) -> Result<Server, EngineError> {
    let mut rows = catalog_rows(conn, "server.sql", SERVER_QUERY).await?;
    let Some(row) = rows.first_mut() else {
        return Err(EngineError::Driver(
            "introspection query server.sql returned no row".into(),
        ));
    };
    let version: String = row.required("version")?;
    let Some(database) = row.optional::<String>("database_name")? else {
        return Err(EngineError::Driver(
            "no database is selected on this connection: name one in the URL path".into(),
        ));
    };
    Ok(Server {
        mariadb: version.to_ascii_lowercase().contains("mariadb"),
        version: parse_version(&version),
        database,
    })
}

async fn read_tables(conn: &mut Conn) -> Result<IndexMap<String, TableEntry>, EngineError> {
    let mut tables = IndexMap::new();
    for mut row in catalog_rows(conn, "tables.sql", TABLES_QUERY).await? {
        let name: String = row.required("table_name")?;
        let mut table = Table::new(QualifiedName::bare(name.clone()));
        table.comment = row.non_empty_text("table_comment")?;
        let collation = row.optional("table_collation")?;
        tables.insert(name, TableEntry { table, collation });
    }
    Ok(tables)
}

async fn read_columns(
    conn: &mut Conn,
    server: &Server,
    tables: &mut IndexMap<String, TableEntry>,
) -> Result<(), EngineError> {
    for mut row in catalog_rows(conn, "columns.sql", COLUMNS_QUERY).await? {
        let table_name: String = row.required("table_name")?;
        let Some(entry) = tables.get_mut(&table_name) else {
            continue; // a view's or an excluded table's column
        };
        let name: String = row.required("column_name")?;
        let extra = row
            .optional::<String>("extra")?
            .unwrap_or_default()
            .to_ascii_lowercase();
        let data_type: String = row.required("data_type")?;
        let raw_default: Option<String> = row.optional("column_default")?;
        let generated = if extra.contains("virtual generated") || extra.contains("stored generated")
        {
            Some(Generated {
                expression: row.required("generation_expression")?,
                stored: extra.contains("stored generated"),
            })
        } else {
            None
        };
        if extra.contains("on update") {
            tracing::warn!(
                table = %table_name,
                column = %name,
                "ON UPDATE of the column is not part of the schema model and is left out"
            );
        }
        let collation: Option<String> = row.optional("collation_name")?;
        let column = Column {
            data_type: row.required("column_type")?,
            nullable: row.required::<String>("is_nullable")? == "YES",
            // A generated column has no default; MariaDB still reports 'NULL' for it.
            default: if generated.is_some() {
                None
            } else {
                column_default(server, raw_default.as_deref(), &extra, &data_type)
            },
            identity: extra
                .contains("auto_increment")
                .then_some(Identity::AutoIncrement),
            generated,
            collation: collation.filter(|c| Some(c) != entry.collation.as_ref()),
            comment: row.non_empty_text("column_comment")?,
            name,
        };
        entry.table.columns.push(column);
    }
    Ok(())
}

/// The SQL text to put after `DEFAULT`, or `None` for no default (or a NULL default, which is
/// the same thing).
///
/// MariaDB 10.2.7+ already prints `COLUMN_DEFAULT` that way: quoted literals, bare numbers,
/// expressions, and the word `NULL` for a NULL default (MariaDB KB, "Information Schema
/// COLUMNS Table"). MySQL prints literals unquoted and expressions bare with `EXTRA`
/// `DEFAULT_GENERATED` (MySQL manual, "The INFORMATION_SCHEMA COLUMNS Table"), so its text is
/// quoted or parenthesized here to the same form.
fn column_default(
    server: &Server,
    raw: Option<&str>,
    extra: &str,
    data_type: &str,
) -> Option<String> {
    let raw = raw?;
    if server.mariadb {
        return (raw != "NULL").then(|| raw.to_owned());
    }
    let data_type = data_type.to_ascii_lowercase();
    let temporal = matches!(data_type.as_str(), "timestamp" | "datetime");
    if is_current_timestamp(raw) && (temporal || extra.contains("default_generated")) {
        // The CURRENT_TIMESTAMP family is the one expression MySQL takes without parentheses.
        return Some(raw.to_owned());
    }
    if extra.contains("default_generated") {
        // Other expression defaults must be parenthesized (MySQL manual, "Data Type Default
        // Values"). The catalog prints their quotes backslash-escaped (`_utf8mb4\'a\'`).
        return Some(format!("({})", unescape_backslashes(raw)));
    }
    let numeric = matches!(
        data_type.as_str(),
        "tinyint"
            | "smallint"
            | "mediumint"
            | "int"
            | "integer"
            | "bigint"
            | "decimal"
            | "numeric"
            | "float"
            | "double"
            | "real"
    );
    let bit_literal = data_type == "bit" && raw.starts_with("b'");
    let hex_literal =
        raw.starts_with("0x") && (data_type.contains("binary") || data_type.contains("blob"));
    if numeric || bit_literal || hex_literal {
        Some(raw.to_owned())
    } else {
        Some(quote_literal(Dialect::Mysql, raw))
    }
}

/// Undoes one level of backslash escaping of quotes and backslashes.
fn unescape_backslashes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('\\', Some(&next @ ('\'' | '\\'))) => {
                out.push(next);
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

/// `CURRENT_TIMESTAMP`, `current_timestamp(6)`, `now()`, `LOCALTIME`, ... in any case.
fn is_current_timestamp(text: &str) -> bool {
    let lower = text.trim().to_ascii_lowercase();
    let name = match lower.find('(') {
        Some(open) if lower.ends_with(')') => {
            let precision = &lower[open + 1..lower.len() - 1];
            if !precision.chars().all(|c| c.is_ascii_digit()) {
                return false;
            }
            &lower[..open]
        }
        Some(_) => return false,
        None => lower.as_str(),
    };
    matches!(
        name,
        "current_timestamp" | "now" | "localtime" | "localtimestamp"
    )
}

async fn read_foreign_keys(
    conn: &mut Conn,
    server: &Server,
    tables: &mut IndexMap<String, TableEntry>,
) -> Result<(), EngineError> {
    for mut row in catalog_rows(conn, "foreign_keys.sql", FOREIGN_KEYS_QUERY).await? {
        let table_name: String = row.required("table_name")?;
        let Some(entry) = tables.get_mut(&table_name) else {
            continue;
        };
        let name: String = row.required("constraint_name")?;
        let column: String = row.required("column_name")?;
        let referenced_column: String = row.required("referenced_column")?;
        let foreign_keys = &mut entry.table.foreign_keys;
        // Rows come ordered by constraint, then key position: a new name starts a new key.
        if let Some(last) = foreign_keys
            .last_mut()
            .filter(|fk| fk.name.as_deref() == Some(name.as_str()))
        {
            last.columns.push(column);
            last.referenced_columns.push(referenced_column);
            continue;
        }
        let referenced_schema: Option<String> = row.optional("referenced_schema")?;
        let referenced_name: String = row.required("referenced_table")?;
        let referenced_table = match referenced_schema {
            Some(schema) if schema != server.database => {
                QualifiedName::new(schema, referenced_name)
            }
            _ => QualifiedName::bare(referenced_name),
        };
        foreign_keys.push(ForeignKey {
            name: Some(name),
            columns: vec![column],
            referenced_table,
            referenced_columns: vec![referenced_column],
            on_delete: foreign_key_action(&mut row, "delete_rule")?,
            on_update: foreign_key_action(&mut row, "update_rule")?,
            match_full: false,
            deferrable: false,
            initially_deferred: false,
        });
    }
    Ok(())
}

fn foreign_key_action(row: &mut CatalogRow, column: &str) -> Result<ForeignKeyAction, EngineError> {
    let words: String = row.required(column)?;
    ForeignKeyAction::parse(&words).ok_or_else(|| {
        EngineError::Driver(format!(
            "introspection query foreign_keys.sql: unknown foreign key action {words:?} in {column}"
        ))
    })
}

/// An index as `STATISTICS` describes it, before it is sorted into primary key, unique
/// constraint, implicit foreign-key index or plain index.
struct CatalogIndex {
    table: String,
    name: String,
    unique: bool,
    method: Option<String>,
    comment: Option<String>,
    parts: Vec<IndexPart>,
}

impl CatalogIndex {
    /// Whole columns in ascending order with the default method and no comment: the shape a
    /// `UNIQUE KEY (a, b)` or an implicit foreign-key index has.
    fn plain_columns(&self) -> Option<Vec<String>> {
        if self.method.is_some() || self.comment.is_some() {
            return None;
        }
        self.parts
            .iter()
            .map(|part| match &part.key {
                IndexKey::Column(name) if !part.descending && part.prefix_length.is_none() => {
                    Some(name.clone())
                }
                _ => None,
            })
            .collect()
    }
}

async fn read_indexes(
    conn: &mut Conn,
    server: &Server,
    tables: &mut IndexMap<String, TableEntry>,
) -> Result<(), EngineError> {
    let (query, sql) = if server.has_index_expressions() {
        (
            "index_parts_with_expressions.sql",
            INDEX_PARTS_WITH_EXPRESSIONS_QUERY,
        )
    } else {
        ("index_parts.sql", INDEX_PARTS_QUERY)
    };
    let mut indexes: Vec<CatalogIndex> = Vec::new();
    for mut row in catalog_rows(conn, query, sql).await? {
        let table: String = row.required("table_name")?;
        if !tables.contains_key(&table) {
            continue;
        }
        let name: String = row.required("index_name")?;
        let key = match (
            row.non_empty_text("column_name")?,
            row.non_empty_text("key_expression")?,
        ) {
            (_, Some(expression)) => IndexKey::Expression(expression),
            (Some(column), None) => IndexKey::Column(column),
            (None, None) => {
                return Err(EngineError::Driver(format!(
                    "index {name} on table {table} has a key part with neither a column nor an expression"
                )));
            }
        };
        let part = IndexPart {
            key,
            descending: row.optional::<String>("sort_order")?.as_deref() == Some("D"),
            prefix_length: row.optional("sub_part")?,
            operator_class: None,
            nulls_first: None,
        };
        // Rows come ordered by table, index, then key position.
        if let Some(last) = indexes
            .last_mut()
            .filter(|i| i.table == table && i.name == name)
        {
            last.parts.push(part);
            continue;
        }
        let method = row
            .optional::<String>("index_type")?
            .map(|t| t.to_ascii_uppercase())
            .filter(|t| t != "BTREE");
        indexes.push(CatalogIndex {
            unique: row.required::<i64>("non_unique")? == 0,
            method,
            comment: row.non_empty_text("index_comment")?,
            parts: vec![part],
            table,
            name,
        });
    }
    for index in indexes {
        let Some(entry) = tables.get_mut(&index.table) else {
            continue;
        };
        place_index(&mut entry.table, index);
    }
    Ok(())
}

/// Files one catalog index under the table's primary key, unique constraints or indexes, or
/// drops it when it is a foreign key's implicit index (see the module docs).
fn place_index(table: &mut Table, index: CatalogIndex) {
    if index.name == "PRIMARY" {
        let columns = index
            .parts
            .into_iter()
            .filter_map(|part| match part.key {
                IndexKey::Column(name) => Some(name),
                IndexKey::Expression(_) => None,
            })
            .collect();
        table.primary_key = Some(PrimaryKey {
            name: None,
            columns,
        });
        return;
    }
    let plain_columns = index.plain_columns();
    if let Some(columns) = &plain_columns {
        if index.unique {
            table.uniques.push(UniqueConstraint {
                name: Some(index.name),
                columns: columns.clone(),
            });
            return;
        }
        let implicit_for_foreign_key = table
            .foreign_keys
            .iter()
            .any(|fk| fk.name.as_deref() == Some(index.name.as_str()) && &fk.columns == columns);
        if implicit_for_foreign_key {
            return;
        }
    }
    table.indexes.push(Index {
        name: index.name,
        unique: index.unique,
        parts: index.parts,
        predicate: None,
        method: index.method,
        comment: index.comment,
        include: Vec::new(),
        nulls_not_distinct: false,
        storage: Vec::new(),
    });
}

async fn read_checks(
    conn: &mut Conn,
    server: &Server,
    tables: &mut IndexMap<String, TableEntry>,
) -> Result<(), EngineError> {
    if !server.has_check_constraints() {
        return Ok(());
    }
    let (query, sql) = if server.mariadb {
        ("checks_mariadb.sql", CHECKS_MARIADB_QUERY)
    } else {
        ("checks_mysql.sql", CHECKS_MYSQL_QUERY)
    };
    for mut row in catalog_rows(conn, query, sql).await? {
        let table: String = row.required("table_name")?;
        let Some(entry) = tables.get_mut(&table) else {
            continue;
        };
        let name: String = row.required("constraint_name")?;
        let expression: String = row.required("check_clause")?;
        if server.mariadb && implicit_json_check(&mut entry.table, &name, &expression) {
            continue;
        }
        entry.table.checks.push(CheckConstraint {
            name: Some(name),
            expression,
        });
    }
    Ok(())
}

/// MariaDB stores a `JSON` column as `longtext` with a column-level check named after the
/// column, `json_valid(`col`)`, which goes with the column and cannot be dropped with `DROP
/// CONSTRAINT` (MariaDB manual, "JSON Data Type"). Such a column is read back as `json` and the
/// check is left out, so plans write `col JSON` and never drop the check on its own. Returns
/// whether the check was that one.
fn implicit_json_check(table: &mut dbwarden_core::Table, name: &str, expression: &str) -> bool {
    let Some(column) = table.columns.iter_mut().find(|c| c.name == name) else {
        return false;
    };
    let implicit = expression == format!("json_valid(`{}`)", name.replace('`', "``"))
        && column.data_type.eq_ignore_ascii_case("longtext");
    if implicit {
        column.data_type = "json".into();
        // MariaDB gives every JSON column this collation; `JSON` alone brings it back.
        if column
            .collation
            .as_deref()
            .is_some_and(|c| c.eq_ignore_ascii_case("utf8mb4_bin"))
        {
            column.collation = None;
        }
    }
    implicit
}

async fn read_views(
    conn: &mut Conn,
    server: &Server,
    table_names: &[String],
) -> Result<Vec<View>, EngineError> {
    let mut raw_views: Vec<(String, String)> = Vec::new();
    for mut row in catalog_rows(conn, "views.sql", VIEWS_QUERY).await? {
        raw_views.push((row.required("view_name")?, row.required("view_definition")?));
    }
    let mut views = Vec::with_capacity(raw_views.len());
    for (name, definition) in &raw_views {
        let (definition, referenced) = unqualify_view_definition(definition, &server.database);
        let mut depends_on: Vec<QualifiedName> = referenced
            .into_iter()
            .filter(|r| r != name)
            .filter(|r| table_names.contains(r) || raw_views.iter().any(|(v, _)| v == r))
            .map(QualifiedName::bare)
            .collect();
        depends_on.sort();
        depends_on.dedup();
        views.push(View {
            name: QualifiedName::bare(name.clone()),
            definition,
            depends_on,
            comment: None,
            grants: Vec::new(),
        });
    }
    Ok(views)
}

/// Removes the `` `database`. `` qualifier the server writes before every object of the
/// current database in a stored view body, and returns the names that followed it: the tables
/// and views (and functions) the view reads. String literals are copied untouched.
fn unqualify_view_definition(definition: &str, database: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(definition.len());
    let mut referenced = Vec::new();
    let mut rest = definition;
    while let Some(c) = rest.chars().next() {
        match c {
            '\'' | '"' => {
                let end = quoted_end(rest, c, true);
                out.push_str(&rest[..end]);
                rest = &rest[end..];
            }
            '`' => {
                let end = quoted_end(rest, '`', false);
                let after = &rest[end..];
                if unquote_identifier(&rest[..end]) == database && after.starts_with(".`") {
                    let next = &after[1..];
                    referenced.push(unquote_identifier(&next[..quoted_end(next, '`', false)]));
                    rest = next;
                } else {
                    out.push_str(&rest[..end]);
                    rest = after;
                }
            }
            _ => {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    (out, referenced)
}

/// The name inside a backquoted token (`` `a``b` `` → ``a`b``).
fn unquote_identifier(token: &str) -> String {
    let inner = token.strip_prefix('`').unwrap_or(token);
    let inner = if inner.is_empty() {
        inner
    } else {
        inner.strip_suffix('`').unwrap_or(inner)
    };
    inner.replace("``", "`")
}

/// The byte length of the quoted token at the start of `text` (opening and closing quote
/// included), where a doubled quote stands for itself and, in string literals, a backslash
/// escapes the next character. An unterminated token runs to the end.
fn quoted_end(text: &str, quote: char, backslash_escapes: bool) -> usize {
    let mut chars = text.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        if backslash_escapes && c == '\\' {
            chars.next();
        } else if c == quote {
            if text[i + 1..].starts_with(quote) {
                chars.next();
            } else {
                return i + 1;
            }
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mariadb() -> Server {
        Server {
            mariadb: true,
            version: (10, 11, 19),
            database: "app".into(),
        }
    }

    fn mysql() -> Server {
        Server {
            mariadb: false,
            version: (8, 0, 36),
            database: "app".into(),
        }
    }

    #[test]
    fn versions_parse_with_product_suffixes() {
        assert_eq!(parse_version("10.11.19-MariaDB-0+deb12u1"), (10, 11, 19));
        assert_eq!(parse_version("8.0.36"), (8, 0, 36));
        assert_eq!(parse_version("8.4"), (8, 4, 0));
        assert_eq!(parse_version("garbage"), (0, 0, 0));
        assert!(mysql().has_index_expressions() && mysql().has_check_constraints());
        assert!(mariadb().has_check_constraints() && !mariadb().has_index_expressions());
        let old_mysql = Server {
            version: (8, 0, 12),
            ..mysql()
        };
        assert!(!old_mysql.has_index_expressions() && !old_mysql.has_check_constraints());
    }

    #[test]
    fn mariadb_defaults_are_kept_except_null() {
        let s = mariadb();
        assert_eq!(column_default(&s, None, "", "int"), None);
        assert_eq!(column_default(&s, Some("NULL"), "", "int"), None);
        assert_eq!(
            column_default(&s, Some("'NULL'"), "", "varchar").as_deref(),
            Some("'NULL'")
        );
        assert_eq!(
            column_default(&s, Some("'it''s'"), "", "varchar").as_deref(),
            Some("'it''s'")
        );
        assert_eq!(
            column_default(&s, Some("current_timestamp()"), "", "timestamp").as_deref(),
            Some("current_timestamp()")
        );
        assert_eq!(
            column_default(&s, Some("1.50"), "", "decimal").as_deref(),
            Some("1.50")
        );
    }

    #[test]
    fn mysql_defaults_are_quoted_or_parenthesized_like_mariadb_prints_them() {
        let s = mysql();
        assert_eq!(column_default(&s, None, "", "varchar"), None);
        assert_eq!(
            column_default(&s, Some("it's"), "", "varchar").as_deref(),
            Some("'it''s'")
        );
        assert_eq!(
            column_default(&s, Some("NULL"), "", "varchar").as_deref(),
            Some("'NULL'")
        );
        assert_eq!(
            column_default(&s, Some("1.50"), "", "decimal").as_deref(),
            Some("1.50")
        );
        assert_eq!(
            column_default(
                &s,
                Some("CURRENT_TIMESTAMP"),
                "default_generated",
                "timestamp"
            )
            .as_deref(),
            Some("CURRENT_TIMESTAMP")
        );
        assert_eq!(
            column_default(&s, Some("CURRENT_TIMESTAMP(3)"), "", "datetime").as_deref(),
            Some("CURRENT_TIMESTAMP(3)")
        );
        assert_eq!(
            column_default(&s, Some("uuid()"), "default_generated", "char").as_deref(),
            Some("(uuid())")
        );
        assert_eq!(
            column_default(
                &s,
                Some(r"concat(_utf8mb4\'a\\\'b\')"),
                "default_generated",
                "text"
            )
            .as_deref(),
            Some(r"(concat(_utf8mb4'a\'b'))")
        );
        assert_eq!(
            column_default(&s, Some("b'101'"), "", "bit").as_deref(),
            Some("b'101'")
        );
        assert_eq!(
            column_default(&s, Some("2020-01-01"), "", "date").as_deref(),
            Some("'2020-01-01'")
        );
    }

    #[test]
    fn current_timestamp_family_is_recognized() {
        assert!(is_current_timestamp("current_timestamp()"));
        assert!(is_current_timestamp("CURRENT_TIMESTAMP(6)"));
        assert!(is_current_timestamp("now()"));
        assert!(!is_current_timestamp("now(x)"));
        assert!(!is_current_timestamp("uuid()"));
    }

    #[test]
    fn view_bodies_lose_the_current_database_and_name_what_they_read() {
        let (text, refs) = unqualify_view_definition(
            "select `app`.`c`.`id` AS `id` from (`app`.`c` join `other`.`p` \
             on(`other`.`p`.`id` = `app`.`c`.`pid`)) where `app`.`c`.`name` <> 'app`.`x' \
             and `app`.`odd``name`.`x` = \"it\\\"s\"",
            "app",
        );
        assert_eq!(
            text,
            "select `c`.`id` AS `id` from (`c` join `other`.`p` \
             on(`other`.`p`.`id` = `c`.`pid`)) where `c`.`name` <> 'app`.`x' \
             and `odd``name`.`x` = \"it\\\"s\""
        );
        assert_eq!(refs, ["c", "c", "c", "c", "odd`name"]);
    }

    #[test]
    fn a_database_name_needing_quotes_is_recognized() {
        let (text, refs) = unqualify_view_definition("select 1 from `a``b`.`t`", "a`b");
        assert_eq!(text, "select 1 from `t`");
        assert_eq!(refs, ["t"]);
    }

    fn catalog_index(name: &str, unique: bool, parts: Vec<IndexPart>) -> CatalogIndex {
        CatalogIndex {
            table: "t".into(),
            name: name.into(),
            unique,
            method: None,
            comment: None,
            parts,
        }
    }

    fn column_part(name: &str) -> IndexPart {
        IndexPart {
            key: IndexKey::Column(name.into()),
            descending: false,
            prefix_length: None,
            operator_class: None,
            nulls_first: None,
        }
    }

    #[test]
    fn indexes_are_sorted_into_keys_constraints_and_indexes() {
        let mut table = Table::new(QualifiedName::bare("t"));
        table.foreign_keys.push(ForeignKey {
            name: Some("fk_a".into()),
            columns: vec!["a".into()],
            referenced_table: QualifiedName::bare("p"),
            referenced_columns: vec!["id".into()],
            on_delete: ForeignKeyAction::Restrict,
            on_update: ForeignKeyAction::Restrict,
            match_full: false,
            deferrable: false,
            initially_deferred: false,
        });
        place_index(
            &mut table,
            catalog_index("PRIMARY", true, vec![column_part("id")]),
        );
        place_index(
            &mut table,
            catalog_index("uq", true, vec![column_part("a"), column_part("b")]),
        );
        place_index(
            &mut table,
            catalog_index("fk_a", false, vec![column_part("a")]),
        );
        place_index(
            &mut table,
            catalog_index(
                "ix_desc",
                true,
                vec![IndexPart {
                    descending: true,
                    ..column_part("b")
                }],
            ),
        );
        place_index(
            &mut table,
            catalog_index("ix_b", false, vec![column_part("b")]),
        );
        assert_eq!(
            table.primary_key,
            Some(PrimaryKey {
                name: None,
                columns: vec!["id".into()]
            })
        );
        assert_eq!(
            table.uniques,
            [UniqueConstraint {
                name: Some("uq".into()),
                columns: vec!["a".into(), "b".into()]
            }]
        );
        let names: Vec<&str> = table.indexes.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["ix_desc", "ix_b"]);
        assert!(table.indexes[0].unique);
    }
}
