//! The normalized schema model: one shape for what PostgreSQL, MySQL/MariaDB and SQLite hold.
//!
//! Engines fill it by introspection and keep it deterministic: tables, views, sequences and
//! enums sorted by qualified name; columns in their ordinal order; constraints and indexes sorted
//! by name. Two models compare equal exactly when the databases hold the same definitions, which
//! is what the inspect → render → apply → inspect round trip checks.
//!
//! Expressions (defaults, checks, index predicates, generated columns, view bodies) are kept as
//! the database itself prints them, because the database is the only authority on how it
//! normalizes SQL text.

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::Dialect;

/// A whole database as seen through one connection: the objects of its user namespaces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schema {
    /// The dialect the definitions are written in.
    pub dialect: Dialect,
    /// User namespaces (PostgreSQL schemas). Empty for MySQL (one database) and SQLite (`main`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub namespaces: Vec<Namespace>,
    /// Enum types (PostgreSQL `CREATE TYPE ... AS ENUM`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enums: Vec<EnumType>,
    /// Free-standing sequences (PostgreSQL); identity columns' own sequences are not listed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sequences: Vec<Sequence>,
    /// Tables.
    pub tables: Vec<Table>,
    /// Views.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub views: Vec<View>,
    /// Extensions (PostgreSQL `CREATE EXTENSION`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<Extension>,
    /// Functions and procedures (PostgreSQL, MySQL/MariaDB).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routines: Vec<Routine>,
    /// Triggers on tables and views.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub triggers: Vec<Trigger>,
    /// Row-level security policies (PostgreSQL).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<Policy>,
    /// Materialized views (PostgreSQL).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub materialized_views: Vec<MaterializedView>,
    /// Domains (PostgreSQL `CREATE DOMAIN`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<Domain>,
    /// Composite types (PostgreSQL `CREATE TYPE ... AS (...)`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub composites: Vec<CompositeType>,
    /// Objects the database holds that the model does not manage (or leaves out on purpose,
    /// such as another tool's history table): listed so that nothing is silently ignored.
    /// Never compared by `diff`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unmanaged: Vec<UnmanagedObject>,
}

impl Schema {
    /// An empty schema in `dialect`.
    pub fn empty(dialect: Dialect) -> Self {
        Schema {
            dialect,
            namespaces: Vec::new(),
            enums: Vec::new(),
            sequences: Vec::new(),
            tables: Vec::new(),
            views: Vec::new(),
            extensions: Vec::new(),
            routines: Vec::new(),
            triggers: Vec::new(),
            policies: Vec::new(),
            materialized_views: Vec::new(),
            domains: Vec::new(),
            composites: Vec::new(),
            unmanaged: Vec::new(),
        }
    }

    /// The table called `name`, if any.
    pub fn table(&self, name: &QualifiedName) -> Option<&Table> {
        self.tables.iter().find(|t| &t.name == name)
    }

    /// Sorts every collection into the model's canonical order (see the module docs). Engines
    /// call this last, so equal databases give equal models whatever order the catalog used.
    pub fn normalize(&mut self) {
        self.namespaces.sort_by(|a, b| a.name.cmp(&b.name));
        self.enums.sort_by(|a, b| a.name.cmp(&b.name));
        self.sequences.sort_by(|a, b| a.name.cmp(&b.name));
        self.tables.sort_by(|a, b| a.name.cmp(&b.name));
        self.views.sort_by(|a, b| a.name.cmp(&b.name));
        self.extensions.sort_by(|a, b| a.name.cmp(&b.name));
        self.routines
            .sort_by(|a, b| (&a.name, &a.arguments).cmp(&(&b.name, &b.arguments)));
        self.triggers
            .sort_by(|a, b| (&a.table, &a.name).cmp(&(&b.table, &b.name)));
        self.policies
            .sort_by(|a, b| (&a.table, &a.name).cmp(&(&b.table, &b.name)));
        self.materialized_views.sort_by(|a, b| a.name.cmp(&b.name));
        self.domains.sort_by(|a, b| a.name.cmp(&b.name));
        self.composites.sort_by(|a, b| a.name.cmp(&b.name));
        self.unmanaged
            .sort_by(|a, b| (&a.kind, &a.name).cmp(&(&b.kind, &b.name)));
        for table in &mut self.tables {
            table
                .uniques
                .sort_by(|a, b| (&a.name, &a.columns).cmp(&(&b.name, &b.columns)));
            table
                .foreign_keys
                .sort_by(|a, b| (&a.name, &a.columns).cmp(&(&b.name, &b.columns)));
            table
                .checks
                .sort_by(|a, b| (&a.name, &a.expression).cmp(&(&b.name, &b.expression)));
            table.indexes.sort_by(|a, b| a.name.cmp(&b.name));
        }
    }

    /// Every unmanaged object of `schemas`, once each, in the model's order.
    pub fn unmanaged_of(schemas: &[&Schema]) -> Vec<UnmanagedObject> {
        let mut all: Vec<UnmanagedObject> = schemas
            .iter()
            .flat_map(|s| s.unmanaged.iter().cloned())
            .collect();
        all.sort_by(|a, b| (&a.kind, &a.name).cmp(&(&b.kind, &b.name)));
        all.dedup();
        all
    }

    /// Number of objects of every kind, for summaries.
    pub fn counts(&self) -> ObjectCounts {
        ObjectCounts {
            tables: self.tables.len(),
            columns: self.tables.iter().map(|t| t.columns.len()).sum(),
            indexes: self.tables.iter().map(|t| t.indexes.len()).sum(),
            foreign_keys: self.tables.iter().map(|t| t.foreign_keys.len()).sum(),
            views: self.views.len(),
            sequences: self.sequences.len(),
            enums: self.enums.len(),
            extensions: self.extensions.len(),
            routines: self.routines.len(),
            triggers: self.triggers.len(),
        }
    }
}

/// How many objects of each kind a schema holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ObjectCounts {
    /// Tables.
    pub tables: usize,
    /// Columns over all tables.
    pub columns: usize,
    /// Indexes over all tables (not counting those that back constraints).
    pub indexes: usize,
    /// Foreign keys over all tables.
    pub foreign_keys: usize,
    /// Views.
    pub views: usize,
    /// Sequences.
    pub sequences: usize,
    /// Enum types.
    pub enums: usize,
    /// Extensions.
    #[serde(default)]
    pub extensions: usize,
    /// Functions and procedures.
    #[serde(default)]
    pub routines: usize,
    /// Triggers.
    #[serde(default)]
    pub triggers: usize,
}

/// A name inside an optional namespace (`public.users`, or just `users` on MySQL and SQLite).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct QualifiedName {
    /// The namespace (PostgreSQL schema); `None` where the engine has one per connection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// The object's own name.
    pub name: String,
}

impl QualifiedName {
    /// A name with no namespace.
    pub fn bare(name: impl Into<String>) -> Self {
        QualifiedName {
            schema: None,
            name: name.into(),
        }
    }

    /// A name inside `schema`.
    pub fn new(schema: impl Into<String>, name: impl Into<String>) -> Self {
        QualifiedName {
            schema: Some(schema.into()),
            name: name.into(),
        }
    }

    /// The name quoted for `dialect`, qualified when it has a namespace.
    pub fn quoted(&self, dialect: Dialect) -> String {
        match &self.schema {
            Some(s) => format!(
                "{}.{}",
                crate::quote_ident(dialect, s),
                crate::quote_ident(dialect, &self.name)
            ),
            None => crate::quote_ident(dialect, &self.name),
        }
    }
}

impl fmt::Display for QualifiedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.schema {
            Some(s) => write!(f, "{s}.{}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// A user namespace (PostgreSQL `CREATE SCHEMA`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Namespace {
    /// Its name.
    pub name: String,
    /// `COMMENT ON SCHEMA`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A PostgreSQL enum type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumType {
    /// Its name.
    pub name: QualifiedName,
    /// Labels in their sort order.
    pub values: Vec<String>,
    /// `COMMENT ON TYPE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A free-standing sequence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sequence {
    /// Its name.
    pub name: QualifiedName,
    /// The integer type (`bigint`, `integer`, `smallint`).
    pub data_type: String,
    /// `START WITH`.
    pub start: i64,
    /// `INCREMENT BY`.
    pub increment: i64,
    /// `MINVALUE`.
    pub min_value: i64,
    /// `MAXVALUE`.
    pub max_value: i64,
    /// `CACHE`.
    pub cache: i64,
    /// `CYCLE`.
    pub cycle: bool,
    /// The column that owns it (`OWNED BY table.column`), as for `serial` columns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owned_by: Option<(QualifiedName, String)>,
    /// `COMMENT ON SEQUENCE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A table and everything attached to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// Its name.
    pub name: QualifiedName,
    /// Columns in ordinal order.
    pub columns: Vec<Column>,
    /// The primary key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<PrimaryKey>,
    /// Unique constraints (a unique index not declared as a constraint is in `indexes`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uniques: Vec<UniqueConstraint>,
    /// Foreign keys.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foreign_keys: Vec<ForeignKey>,
    /// Check constraints.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<CheckConstraint>,
    /// Indexes that do not back a primary key or unique constraint.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<Index>,
    /// Table comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// PostgreSQL row-level security: enabled, and forced on the table's owner too.
    #[serde(default, skip_serializing_if = "RowSecurity::is_off")]
    pub row_security: RowSecurity,
    /// PostgreSQL `UNLOGGED`: not written to the WAL, emptied after a crash, not replicated.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unlogged: bool,
}

/// Whether a table's policies apply (`ENABLE ROW LEVEL SECURITY`) and whether they bind its
/// owner as well (`FORCE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RowSecurity {
    /// `ENABLE ROW LEVEL SECURITY`.
    pub enabled: bool,
    /// `FORCE ROW LEVEL SECURITY`.
    pub forced: bool,
}

impl RowSecurity {
    /// Neither enabled nor forced (every table's default).
    pub fn is_off(&self) -> bool {
        !self.enabled && !self.forced
    }
}

impl Table {
    /// A table with no columns or constraints yet.
    pub fn new(name: QualifiedName) -> Self {
        Table {
            name,
            columns: Vec::new(),
            primary_key: None,
            uniques: Vec::new(),
            foreign_keys: Vec::new(),
            checks: Vec::new(),
            indexes: Vec::new(),
            comment: None,
            row_security: RowSecurity::default(),
            unlogged: false,
        }
    }

    /// The column called `name`, if any.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// A column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    /// Its name.
    pub name: String,
    /// The type as the engine prints it (`integer`, `character varying(40)`, `varchar(40)`,
    /// `public.mood` for an enum).
    pub data_type: String,
    /// Whether NULL is allowed.
    pub nullable: bool,
    /// The default expression as the engine prints it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Identity or auto-increment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<Identity>,
    /// A generated column's expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated: Option<Generated>,
    /// A collation that differs from the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    /// Column comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Column {
    /// A nullable column of `data_type` with nothing else set.
    pub fn new(name: impl Into<String>, data_type: impl Into<String>) -> Self {
        Column {
            name: name.into(),
            data_type: data_type.into(),
            nullable: true,
            default: None,
            identity: None,
            generated: None,
            collation: None,
            comment: None,
        }
    }
}

/// How a column numbers itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Identity {
    /// PostgreSQL `GENERATED ALWAYS AS IDENTITY`.
    Always,
    /// PostgreSQL `GENERATED BY DEFAULT AS IDENTITY`.
    ByDefault,
    /// MySQL `AUTO_INCREMENT`, SQLite `AUTOINCREMENT`.
    AutoIncrement,
}

/// A generated (computed) column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Generated {
    /// The expression as the engine prints it.
    pub expression: String,
    /// `STORED` (kept on disk) rather than `VIRTUAL` (computed on read).
    pub stored: bool,
}

/// A primary key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrimaryKey {
    /// Constraint name where the engine keeps one (not MySQL, not SQLite).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Key columns in order.
    pub columns: Vec<String>,
}

/// A unique constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UniqueConstraint {
    /// Constraint name (none for an unnamed SQLite constraint).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Columns in order.
    pub columns: Vec<String>,
}

/// What a foreign key does when the referenced row changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ForeignKeyAction {
    /// `NO ACTION` (the default).
    #[default]
    NoAction,
    /// `RESTRICT`.
    Restrict,
    /// `CASCADE`.
    Cascade,
    /// `SET NULL`.
    SetNull,
    /// `SET DEFAULT`.
    SetDefault,
}

impl ForeignKeyAction {
    /// The SQL words for the action.
    pub fn sql(self) -> &'static str {
        match self {
            ForeignKeyAction::NoAction => "NO ACTION",
            ForeignKeyAction::Restrict => "RESTRICT",
            ForeignKeyAction::Cascade => "CASCADE",
            ForeignKeyAction::SetNull => "SET NULL",
            ForeignKeyAction::SetDefault => "SET DEFAULT",
        }
    }

    /// Parses the SQL words (any case, single spaces), as catalogs report them.
    pub fn parse(words: &str) -> Option<Self> {
        match words.trim().to_ascii_uppercase().as_str() {
            "NO ACTION" => Some(ForeignKeyAction::NoAction),
            "RESTRICT" => Some(ForeignKeyAction::Restrict),
            "CASCADE" => Some(ForeignKeyAction::Cascade),
            "SET NULL" => Some(ForeignKeyAction::SetNull),
            "SET DEFAULT" => Some(ForeignKeyAction::SetDefault),
            _ => None,
        }
    }
}

/// A foreign key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignKey {
    /// Constraint name (none for an unnamed SQLite constraint).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Referencing columns in order.
    pub columns: Vec<String>,
    /// The referenced table.
    pub referenced_table: QualifiedName,
    /// Referenced columns, matching `columns` one to one.
    pub referenced_columns: Vec<String>,
    /// `ON DELETE`.
    pub on_delete: ForeignKeyAction,
    /// `ON UPDATE`.
    pub on_update: ForeignKeyAction,
    /// `MATCH FULL` (a key with a NULL part must be all NULL) rather than `MATCH SIMPLE`
    /// (PostgreSQL).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub match_full: bool,
    /// `DEFERRABLE` (PostgreSQL).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deferrable: bool,
    /// `INITIALLY DEFERRED`: checked at commit unless the transaction says otherwise.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub initially_deferred: bool,
}

/// A check constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckConstraint {
    /// Constraint name (none for an unnamed SQLite constraint).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The boolean expression as the engine prints it, without the `CHECK` keyword.
    pub expression: String,
}

/// One key part of an index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndexKey {
    /// A plain column.
    Column(String),
    /// An expression, as the engine prints it.
    Expression(String),
}

/// An index key with its ordering.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexPart {
    /// What is indexed.
    pub key: IndexKey,
    /// `DESC`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub descending: bool,
    /// MySQL prefix length (`name(10)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix_length: Option<u32>,
    /// A PostgreSQL operator class other than the key type's default for the index method
    /// (`public.gin_trgm_ops`, `jsonb_path_ops`), as PostgreSQL prints it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator_class: Option<String>,
    /// PostgreSQL `NULLS FIRST` (`true`) or `NULLS LAST` (`false`), only where it is not the
    /// default for the direction (last when ascending, first when descending).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nulls_first: Option<bool>,
}

/// An index that does not back a constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    /// Its name.
    pub name: String,
    /// `UNIQUE`.
    pub unique: bool,
    /// Key parts in order.
    pub parts: Vec<IndexPart>,
    /// A partial index's `WHERE` predicate, as the engine prints it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predicate: Option<String>,
    /// The access method when not the engine's default (`gin`, `hash`, `FULLTEXT`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Index comment (MySQL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// PostgreSQL `INCLUDE` columns, carried in the index but not part of its key.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
    /// PostgreSQL 15+ `NULLS NOT DISTINCT`: a unique index counting NULLs as equal.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub nulls_not_distinct: bool,
    /// PostgreSQL storage parameters (`fillfactor=70`), as the catalog lists them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub storage: Vec<String>,
}

/// A view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct View {
    /// Its name.
    pub name: QualifiedName,
    /// The `SELECT` body as the engine prints it.
    pub definition: String,
    /// Views and tables it reads, so views render after what they depend on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<QualifiedName>,
    /// View comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Privileges granted on the view to roles other than its owner (PostgreSQL), as
    /// `SELECT TO reporting`. Not compared by `diff` (privileges are often managed
    /// elsewhere); a plan that drops and recreates the view grants them again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grants: Vec<String>,
}

/// A PostgreSQL extension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    /// Its name (`pg_trgm`).
    pub name: String,
    /// The schema its objects live in.
    pub schema: String,
    /// The installed version. Rendered DDL leaves it out (a new database gets the server's
    /// default, as after `pg_dump`); `diff` updates to it when both sides name one.
    pub version: String,
}

/// Whether a routine is a function or a procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoutineKind {
    /// `CREATE FUNCTION`.
    Function,
    /// `CREATE PROCEDURE`.
    Procedure,
}

impl RoutineKind {
    /// The SQL keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            RoutineKind::Function => "FUNCTION",
            RoutineKind::Procedure => "PROCEDURE",
        }
    }
}

/// A function or procedure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Routine {
    /// Its name.
    pub name: QualifiedName,
    /// Function or procedure.
    pub kind: RoutineKind,
    /// The argument types that identify it among overloads, as the engine prints them
    /// (`a integer, b text`; PostgreSQL). Empty on MySQL, which has no overloads.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub arguments: String,
    /// The result type as the engine prints it (`trigger`, `SETOF public.users`); none for a
    /// procedure. A change of it cannot be made with `CREATE OR REPLACE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returns: Option<String>,
    /// The body's language (`plpgsql`, `sql`, `SQL` on MySQL).
    pub language: String,
    /// The complete `CREATE` statement as the engine prints it (`pg_get_functiondef`; MySQL's
    /// `SHOW CREATE` without its `DEFINER` clause), compared as text.
    pub definition: String,
    /// `COMMENT ON FUNCTION`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Routine {
    /// The name with its argument types, as `DROP FUNCTION` and `COMMENT ON` want it.
    pub fn signature(&self, dialect: Dialect) -> String {
        match dialect {
            Dialect::Postgres => format!("{}({})", self.name.quoted(dialect), self.arguments),
            _ => self.name.quoted(dialect),
        }
    }
}

/// A trigger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trigger {
    /// Its name (unique per table on PostgreSQL, per database on MySQL and SQLite).
    pub name: String,
    /// The table or view it fires on.
    pub table: QualifiedName,
    /// The complete `CREATE TRIGGER` statement as the engine prints it (`pg_get_triggerdef`;
    /// MySQL's `SHOW CREATE TRIGGER` without `DEFINER`; SQLite's stored text).
    pub definition: String,
    /// The function it executes (PostgreSQL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function: Option<QualifiedName>,
    /// PostgreSQL's firing state when not the default `ENABLE` (`DISABLE`, `ENABLE REPLICA`,
    /// `ENABLE ALWAYS`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// `COMMENT ON TRIGGER`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// An object the model does not manage, reported instead of ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnmanagedObject {
    /// What it is (`policy`, `materialized view`, `table`, ...).
    pub kind: String,
    /// Its name, qualified as the engine shows it.
    pub name: String,
    /// The migration tool whose bookkeeping it is, when it was left out for that reason
    /// rather than because the model cannot hold it (see [`crate::bookkeeping`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool: Option<String>,
}

/// A PostgreSQL row-level security policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    /// Its name (unique per table).
    pub name: String,
    /// The table it applies to.
    pub table: QualifiedName,
    /// `ALL`, `SELECT`, `INSERT`, `UPDATE` or `DELETE`.
    pub command: String,
    /// `PERMISSIVE` (combined with OR) rather than `RESTRICTIVE` (with AND).
    pub permissive: bool,
    /// The roles it applies to, as SQL (`PUBLIC`, quoted role names), sorted.
    pub roles: Vec<String>,
    /// The `USING` expression, as PostgreSQL prints it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub using: Option<String>,
    /// The `WITH CHECK` expression, as PostgreSQL prints it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with_check: Option<String>,
}

/// A PostgreSQL domain: a base type with a default, NOT NULL and checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Domain {
    /// Its name.
    pub name: QualifiedName,
    /// The base type as PostgreSQL prints it (`integer`, `character varying(40)`).
    pub base_type: String,
    /// The default expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// `NOT NULL`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_null: bool,
    /// Check constraints (`VALUE > 0`), by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<CheckConstraint>,
    /// `COMMENT ON DOMAIN`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A PostgreSQL composite type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompositeType {
    /// Its name.
    pub name: QualifiedName,
    /// Attributes in order: (name, type as PostgreSQL prints it).
    pub attributes: Vec<(String, String)>,
    /// `COMMENT ON TYPE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A PostgreSQL materialized view with its indexes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterializedView {
    /// Its name.
    pub name: QualifiedName,
    /// The `SELECT` body as PostgreSQL prints it.
    pub definition: String,
    /// Its indexes as (name, `CREATE INDEX` statement as `pg_get_indexdef` prints it), by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<(String, String)>,
    /// `COMMENT ON MATERIALIZED VIEW`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}
