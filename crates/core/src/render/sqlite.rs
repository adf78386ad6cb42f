//! SQLite DDL. Foreign keys go inside `CREATE TABLE` (SQLite cannot add them later; it
//! resolves references lazily, so table order does not matter), and AUTOINCREMENT must sit on
//! the primary key column itself.

use crate::{Dialect, Identity, IndexKey, Schema, Table, quote_ident};

const D: Dialect = Dialect::Sqlite;

fn q(ident: &str) -> String {
    quote_ident(D, ident)
}

fn column_list(columns: &[String]) -> String {
    crate::dialect::quote_ident_list(Dialect::Sqlite, columns)
}

/// SQLite reports a default as written minus the parentheses an expression needs, so put them
/// back unless the text is a plain literal (<https://www.sqlite.org/lang_createtable.html>).
fn default_clause(default: &str) -> String {
    let d = default.trim();
    if is_literal_default(d) {
        format!("DEFAULT {d}")
    } else {
        format!("DEFAULT ({d})")
    }
}

/// Whether a default (as SQLite reports it) is written without parentheses: a number, a
/// string or blob literal, NULL, TRUE, FALSE, a `CURRENT_*` keyword, or already parenthesized.
/// Anything else is an expression.
pub(crate) fn is_literal_default(default: &str) -> bool {
    let d = default.trim();
    let upper = d.to_ascii_uppercase();
    let is_number = {
        let digits = d.trim_start_matches(['-', '+']);
        !digits.is_empty()
            && digits
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == 'e' || c == 'E')
    };
    is_number
        || (d.starts_with('\'') && d.ends_with('\'') && d.len() >= 2)
        || (upper.starts_with("X'") && d.ends_with('\''))
        || matches!(
            upper.as_str(),
            "NULL" | "TRUE" | "FALSE" | "CURRENT_TIME" | "CURRENT_DATE" | "CURRENT_TIMESTAMP"
        )
        || (d.starts_with('(') && d.ends_with(')'))
}

/// Whether `ALTER TABLE ADD COLUMN` accepts a column with this default: "the column may not
/// have a default of CURRENT_TIME, CURRENT_DATE, CURRENT_TIMESTAMP, or an expression in
/// parentheses" (<https://www.sqlite.org/lang_altertable.html#altertabaddcol>).
pub(crate) fn is_constant_default(default: &str) -> bool {
    let d = default.trim();
    let upper = d.to_ascii_uppercase();
    is_literal_default(d)
        && !d.starts_with('(')
        && !matches!(
            upper.as_str(),
            "CURRENT_TIME" | "CURRENT_DATE" | "CURRENT_TIMESTAMP"
        )
}

fn create_table(table: &Table) -> String {
    let mut lines = Vec::new();
    let inline_pk = table
        .columns
        .iter()
        .find(|c| c.identity == Some(Identity::AutoIncrement))
        .map(|c| c.name.clone());
    for c in &table.columns {
        let mut s = q(&c.name);
        if !c.data_type.is_empty() {
            s.push(' ');
            s.push_str(&c.data_type);
        }
        if inline_pk.as_deref() == Some(c.name.as_str()) {
            s.push_str(" PRIMARY KEY AUTOINCREMENT");
        }
        if let Some(coll) = &c.collation {
            s.push_str(&format!(" COLLATE {}", q(coll)));
        }
        if let Some(g) = &c.generated {
            s.push_str(&format!(
                " GENERATED ALWAYS AS ({}) {}",
                g.expression,
                if g.stored { "STORED" } else { "VIRTUAL" }
            ));
        }
        if !c.nullable {
            s.push_str(" NOT NULL");
        }
        if let Some(d) = &c.default {
            s.push(' ');
            s.push_str(&default_clause(d));
        }
        lines.push(s);
    }
    if let Some(pk) = &table.primary_key
        && inline_pk.is_none()
    {
        let name = pk
            .name
            .as_ref()
            .map(|n| format!("CONSTRAINT {} ", q(n)))
            .unwrap_or_default();
        lines.push(format!("{name}PRIMARY KEY ({})", column_list(&pk.columns)));
    }
    for u in &table.uniques {
        let name = u
            .name
            .as_ref()
            .map(|n| format!("CONSTRAINT {} ", q(n)))
            .unwrap_or_default();
        lines.push(format!("{name}UNIQUE ({})", column_list(&u.columns)));
    }
    for c in &table.checks {
        let name = c
            .name
            .as_ref()
            .map(|n| format!("CONSTRAINT {} ", q(n)))
            .unwrap_or_default();
        lines.push(format!("{name}CHECK ({})", c.expression));
    }
    for fk in &table.foreign_keys {
        let name = fk
            .name
            .as_ref()
            .map(|n| format!("CONSTRAINT {} ", q(n)))
            .unwrap_or_default();
        lines.push(format!(
            "{name}FOREIGN KEY ({}) REFERENCES {} ({}) ON DELETE {} ON UPDATE {}",
            column_list(&fk.columns),
            q(&fk.referenced_table.name),
            column_list(&fk.referenced_columns),
            fk.on_delete.sql(),
            fk.on_update.sql()
        ));
    }
    format!(
        "CREATE TABLE {} (\n    {}\n)",
        q(&table.name.name),
        lines.join(",\n    ")
    )
}

/// The schema's DDL statements in apply order.
pub(super) fn statements(schema: &Schema) -> Vec<String> {
    let mut out = body_statements(schema);
    out.extend(
        schema
            .triggers
            .iter()
            .map(crate::render::programs::create_trigger),
    );
    out
}

/// Tables, indexes and views; triggers follow them.
fn body_statements(schema: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    for table in &schema.tables {
        out.push(create_table(table));
    }
    for table in &schema.tables {
        for index in &table.indexes {
            let parts: Vec<String> = index
                .parts
                .iter()
                .map(|p| {
                    let key = match &p.key {
                        IndexKey::Column(c) => q(c),
                        IndexKey::Expression(e) => e.clone(),
                    };
                    if p.descending {
                        format!("{key} DESC")
                    } else {
                        key
                    }
                })
                .collect();
            let mut s = format!(
                "CREATE {}INDEX {} ON {} ({})",
                if index.unique { "UNIQUE " } else { "" },
                q(&index.name),
                q(&table.name.name),
                parts.join(", ")
            );
            if let Some(p) = &index.predicate {
                s.push_str(&format!(" WHERE {p}"));
            }
            out.push(s);
        }
    }
    for view in super::views_in_dependency_order(&schema.views) {
        out.push(format!(
            "CREATE VIEW {} AS {}",
            q(&view.name.name),
            view.definition
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Column, PrimaryKey, QualifiedName};

    #[test]
    fn expression_defaults_get_parentheses() {
        assert_eq!(
            default_clause("datetime('now')"),
            "DEFAULT (datetime('now'))"
        );
        assert_eq!(default_clause("'x'"), "DEFAULT 'x'");
        assert_eq!(default_clause("-1.5"), "DEFAULT -1.5");
        assert_eq!(
            default_clause("CURRENT_TIMESTAMP"),
            "DEFAULT CURRENT_TIMESTAMP"
        );
    }

    #[test]
    fn autoincrement_sits_on_the_column() {
        let mut t = Table::new(QualifiedName::bare("t"));
        let mut id = Column::new("id", "INTEGER");
        id.identity = Some(Identity::AutoIncrement);
        t.columns.push(id);
        t.primary_key = Some(PrimaryKey {
            name: None,
            columns: vec!["id".into()],
        });
        let mut s = Schema::empty(Dialect::Sqlite);
        s.tables.push(t);
        assert_eq!(
            statements(&s),
            vec!["CREATE TABLE \"t\" (\n    \"id\" INTEGER PRIMARY KEY AUTOINCREMENT\n)"]
        );
    }
}
