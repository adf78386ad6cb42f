//! Single objects rendered through the whole-schema renderers ([`render::schema_statements`]),
//! so a plan writes a column, a table, an index or a view exactly as a fresh schema would.
//!
//! The renderers keep their helpers private; each function here renders a schema holding just
//! the one object and picks its statements out. A table without columns stands in where only
//! its name matters (its `CREATE TABLE` is discarded).

use crate::render::schema_statements;
use crate::{
    Column, Dialect, EnumType, ForeignKey, Index, Namespace, QualifiedName, Schema, Sequence,
    Table, View,
};

fn schema_with(dialect: Dialect, fill: impl FnOnce(&mut Schema)) -> Vec<String> {
    let mut schema = Schema::empty(dialect);
    fill(&mut schema);
    schema_statements(&schema)
}

/// `CREATE TABLE` for `table` followed by its indexes and (PostgreSQL) comments. Foreign keys
/// are left to the caller on PostgreSQL and MySQL, which add them once every table exists;
/// SQLite declares them inside `CREATE TABLE`, the only place it accepts them.
pub(crate) fn table_statements(dialect: Dialect, table: &Table) -> Vec<String> {
    let mut table = table.clone();
    if dialect != Dialect::Sqlite {
        table.foreign_keys.clear();
    }
    schema_with(dialect, |schema| schema.tables.push(table))
}

/// The column's definition as it appears inside `CREATE TABLE` (name, type, default, ...).
/// `None` only if the renderer stopped writing one column per line.
pub(crate) fn column_definition(dialect: Dialect, column: &Column) -> Option<String> {
    let mut table = Table::new(QualifiedName::bare("t"));
    table.columns.push(column.clone());
    let statements = schema_with(dialect, |schema| schema.tables.push(table));
    let create = statements.first()?;
    let (_, body) = create.split_once("(\n")?;
    let (definition, _) = body.rsplit_once("\n)")?;
    let definition = definition.trim();
    (!definition.is_empty() && !definition.contains('\n')).then(|| definition.to_owned())
}

/// The statements that create `index` on `table`: `CREATE INDEX`, then (PostgreSQL) its
/// comment.
pub(crate) fn index_statements(
    dialect: Dialect,
    table: &QualifiedName,
    index: &Index,
) -> Vec<String> {
    let mut holder = Table::new(table.clone());
    holder.indexes.push(index.clone());
    let mut statements = schema_with(dialect, |schema| schema.tables.push(holder));
    statements.remove(0);
    statements
}

/// `ALTER TABLE ... ADD [CONSTRAINT ...] FOREIGN KEY ...` (PostgreSQL and MySQL).
pub(crate) fn add_foreign_key(
    dialect: Dialect,
    table: &QualifiedName,
    foreign_key: &ForeignKey,
) -> Option<String> {
    let mut holder = Table::new(table.clone());
    holder.foreign_keys.push(foreign_key.clone());
    let statements = schema_with(dialect, |schema| schema.tables.push(holder));
    statements
        .into_iter()
        .find(|s| s.starts_with("ALTER TABLE"))
}

/// `CREATE VIEW` and (PostgreSQL) its comment.
pub(crate) fn view_statements(dialect: Dialect, view: &View) -> Vec<String> {
    let mut view = view.clone();
    // Dependencies only order views inside one schema; a lone view has none to order by.
    view.depends_on.clear();
    schema_with(dialect, |schema| schema.views.push(view))
}

/// `CREATE TYPE ... AS ENUM` and its comment (PostgreSQL).
pub(crate) fn enum_statements(enum_type: &EnumType) -> Vec<String> {
    schema_with(Dialect::Postgres, |schema| {
        schema.enums.push(enum_type.clone())
    })
}

/// `CREATE SEQUENCE` and its comment (PostgreSQL), without `OWNED BY`: the owning column may
/// not exist yet.
pub(crate) fn sequence_statements(sequence: &Sequence) -> Vec<String> {
    let sequence = Sequence {
        owned_by: None,
        ..sequence.clone()
    };
    schema_with(Dialect::Postgres, |schema| schema.sequences.push(sequence))
}

/// `CREATE SCHEMA` and its comment (PostgreSQL; `public` only gets its comment).
pub(crate) fn namespace_statements(namespace: &Namespace) -> Vec<String> {
    schema_with(Dialect::Postgres, |schema| {
        schema.namespaces.push(namespace.clone())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Identity, IndexKey, IndexPart};

    #[test]
    fn column_definitions_come_out_of_create_table() {
        let column = Column {
            nullable: false,
            default: Some("0".into()),
            ..Column::new("n", "integer")
        };
        assert_eq!(
            column_definition(Dialect::Postgres, &column).as_deref(),
            Some("\"n\" integer DEFAULT 0 NOT NULL")
        );
        assert_eq!(
            column_definition(Dialect::Mysql, &column).as_deref(),
            Some("`n` integer NOT NULL DEFAULT 0")
        );
        assert_eq!(
            column_definition(Dialect::Sqlite, &column).as_deref(),
            Some("\"n\" integer NOT NULL DEFAULT 0")
        );
        let auto = Column {
            identity: Some(Identity::AutoIncrement),
            ..Column::new("id", "bigint")
        };
        assert_eq!(
            column_definition(Dialect::Mysql, &auto).as_deref(),
            Some("`id` bigint NULL AUTO_INCREMENT")
        );
    }

    #[test]
    fn an_index_keying_auto_increment_is_still_a_create_index() {
        let index = Index {
            name: "ix".into(),
            unique: false,
            parts: vec![IndexPart {
                key: IndexKey::Column("id".into()),
                descending: false,
                prefix_length: None,
                operator_class: None,
                nulls_first: None,
            }],
            predicate: None,
            method: None,
            comment: None,
            include: Vec::new(),
            nulls_not_distinct: false,
            storage: Vec::new(),
        };
        assert_eq!(
            index_statements(Dialect::Mysql, &QualifiedName::bare("t"), &index),
            ["CREATE INDEX `ix` ON `t` (`id`)"]
        );
    }
}
