//! Objects that use a table or a column, found in the old schema, so that a report can say
//! what a drop or a type change touches and a planner can drop and recreate them around it.

use super::Dependent;
use crate::{IndexKey, Schema, Table};

/// Whether `expression` names `ident` as a whole word (an identifier character on neither
/// side), quoted or not. A name that is also a word of the expression's SQL (`value`, `key`)
/// matches too: a dependent too many is a note, one too few a failed migration.
pub(crate) fn mentions(expression: &str, ident: &str) -> bool {
    let is_ident_char = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    if ident.is_empty() {
        return false;
    }
    expression.match_indices(ident).any(|(at, _)| {
        let before = expression[..at].chars().next_back();
        let after = expression[at + ident.len()..].chars().next();
        !before.is_some_and(is_ident_char) && !after.is_some_and(is_ident_char)
    })
}

/// What uses `column` of `table` in `schema`: the table's keys, checks, indexes and generated
/// columns, foreign keys of any table referencing it, and views reading the table that name it.
pub(crate) fn column_dependents(schema: &Schema, table: &Table, column: &str) -> Vec<Dependent> {
    let mut found = Vec::new();
    let named = |columns: &[String]| columns.iter().any(|c| c == column);
    if table
        .primary_key
        .as_ref()
        .is_some_and(|pk| named(&pk.columns))
    {
        found.push(Dependent::PrimaryKey);
    }
    for unique in table.uniques.iter().filter(|u| named(&u.columns)) {
        found.push(Dependent::Unique {
            name: unique.name.clone(),
        });
    }
    for foreign_key in table.foreign_keys.iter().filter(|fk| named(&fk.columns)) {
        found.push(Dependent::ForeignKey {
            name: foreign_key.name.clone(),
        });
    }
    for other in &schema.tables {
        for foreign_key in &other.foreign_keys {
            if foreign_key.referenced_table == table.name && named(&foreign_key.referenced_columns)
            {
                found.push(Dependent::ReferencedBy {
                    table: other.name.clone(),
                    name: foreign_key.name.clone(),
                });
            }
        }
    }
    for check in table
        .checks
        .iter()
        .filter(|c| mentions(&c.expression, column))
    {
        found.push(Dependent::Check {
            name: check.name.clone(),
        });
    }
    for index in &table.indexes {
        let in_parts = index.parts.iter().any(|part| match &part.key {
            IndexKey::Column(name) => name == column,
            IndexKey::Expression(expression) => mentions(expression, column),
        });
        let in_predicate = index
            .predicate
            .as_deref()
            .is_some_and(|p| mentions(p, column));
        if in_parts || in_predicate {
            found.push(Dependent::Index {
                name: index.name.clone(),
            });
        }
    }
    for other in &table.columns {
        if other.name != column
            && other
                .generated
                .as_ref()
                .is_some_and(|g| mentions(&g.expression, column))
        {
            found.push(Dependent::GeneratedColumn {
                name: other.name.clone(),
            });
        }
    }
    for view in &schema.views {
        if view.depends_on.contains(&table.name) && mentions(&view.definition, column) {
            found.push(Dependent::View {
                name: view.name.clone(),
            });
        }
    }
    found
}

/// What uses `table` from outside: other tables' foreign keys into it, and views reading it.
pub(crate) fn table_dependents(schema: &Schema, table: &Table) -> Vec<Dependent> {
    let mut found = Vec::new();
    for other in schema.tables.iter().filter(|t| t.name != table.name) {
        for foreign_key in &other.foreign_keys {
            if foreign_key.referenced_table == table.name {
                found.push(Dependent::ReferencedBy {
                    table: other.name.clone(),
                    name: foreign_key.name.clone(),
                });
            }
        }
    }
    for view in &schema.views {
        if view.depends_on.contains(&table.name) {
            found.push(Dependent::View {
                name: view.name.clone(),
            });
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_whole_words_only() {
        assert!(mentions("(age > 0)", "age"));
        assert!(mentions("\"Display Name\" <> ''", "Display Name"));
        assert!(!mentions("(page > 0)", "age"));
        assert!(!mentions("(age_years > 0)", "age"));
        assert!(mentions("lower(email)", "email"));
        assert!(!mentions("anything", ""));
    }
}
