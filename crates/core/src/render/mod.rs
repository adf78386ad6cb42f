//! Rendering the model back into DDL, one module per dialect.
//!
//! The output is deterministic and ordered so that it applies to an empty database as is:
//! namespaces, enum types and sequences first, then tables with their columns and inline
//! constraints, then foreign keys (so tables may reference each other in any order), indexes,
//! views in dependency order, and comments.

mod mysql;
mod postgres;
pub mod programs;
pub(crate) mod sqlite;

use crate::{Dialect, QualifiedName, Schema, View};

/// The whole schema as DDL in its own dialect: statements separated by `;` and blank lines.
pub fn schema_ddl(schema: &Schema) -> String {
    let statements = schema_statements(schema);
    let mut out = String::new();
    for statement in statements {
        out.push_str(&programs::terminated(schema.dialect, &statement));
        out.push_str("\n\n");
    }
    out
}

/// The whole schema as a list of DDL statements (without terminators) in apply order.
pub fn schema_statements(schema: &Schema) -> Vec<String> {
    match schema.dialect {
        Dialect::Postgres => postgres::statements(schema),
        Dialect::Mysql => mysql::statements(schema),
        Dialect::Sqlite => sqlite::statements(schema),
    }
}

/// Views ordered so that every view comes after the views it depends on; ties keep name order.
/// A dependency cycle cannot exist in a real catalog, but if one shows up the remaining views
/// are emitted in name order rather than lost.
pub fn views_in_dependency_order(views: &[View]) -> Vec<&View> {
    let mut done: Vec<&QualifiedName> = Vec::new();
    let mut ordered: Vec<&View> = Vec::with_capacity(views.len());
    let mut remaining: Vec<&View> = views.iter().collect();
    while !remaining.is_empty() {
        let before = remaining.len();
        remaining.retain(|view| {
            let ready = view.depends_on.iter().all(|dep| {
                dep == &view.name || done.contains(&dep) || !views.iter().any(|v| &v.name == dep)
            });
            if ready {
                ordered.push(view);
                done.push(&view.name);
            }
            !ready
        });
        if remaining.len() == before {
            ordered.append(&mut remaining);
        }
    }
    ordered
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(name: &str, deps: &[&str]) -> View {
        View {
            name: QualifiedName::bare(name),
            definition: "SELECT 1".into(),
            depends_on: deps.iter().map(|d| QualifiedName::bare(*d)).collect(),
            comment: None,
            grants: Vec::new(),
        }
    }

    #[test]
    fn views_come_after_their_dependencies() {
        let views = vec![view("a", &["c"]), view("b", &["t"]), view("c", &["b"])];
        let names: Vec<_> = views_in_dependency_order(&views)
            .iter()
            .map(|v| v.name.name.clone())
            .collect();
        assert_eq!(names, ["b", "c", "a"]);
    }
}
