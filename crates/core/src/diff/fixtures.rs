//! Small builders for the diff tests.

use crate::{Column, Dialect, QualifiedName, Schema, Table};

/// A PostgreSQL schema holding `tables` (sorted, as engines give them).
pub(crate) fn schema(tables: Vec<Table>) -> Schema {
    let mut schema = Schema::empty(Dialect::Postgres);
    schema.tables = tables;
    schema.normalize();
    schema
}

/// A table `public.<name>`.
pub(crate) fn table(name: &str, columns: Vec<Column>) -> Table {
    let mut table = Table::new(QualifiedName::new("public", name));
    table.columns = columns;
    table
}

/// A nullable column.
pub(crate) fn column(name: &str, data_type: &str) -> Column {
    Column::new(name, data_type)
}

/// The name `public.<name>`.
pub(crate) fn public(name: &str) -> QualifiedName {
    QualifiedName::new("public", name)
}
