//! DDL for extensions, functions, procedures, triggers, domains, composite types and row-level
//! security, shared by the renderers and the planners. Routine and trigger definitions are
//! written as the model holds them (the engine's own text), so only the statements around them
//! differ by dialect.

use crate::MaterializedView;
use crate::{
    CompositeType, Dialect, Domain, Extension, Policy, QualifiedName, Routine, RowSecurity, Schema,
    Trigger, quote_ident, quote_literal,
};

/// `SET check_function_bodies = false`, as pg_dump does before creating functions: a body may
/// name tables and functions created after it.
pub const POSTGRES_DEFER_BODY_CHECKS: &str = "SET check_function_bodies = false";

/// `CREATE EXTENSION`, without a version: a new database gets the server's default, as after a
/// `pg_dump` restore.
pub fn create_extension(extension: &Extension) -> String {
    format!(
        "CREATE EXTENSION IF NOT EXISTS {} WITH SCHEMA {}",
        quote_ident(Dialect::Postgres, &extension.name),
        quote_ident(Dialect::Postgres, &extension.schema)
    )
}

/// `DROP EXTENSION`.
pub fn drop_extension(extension: &Extension) -> String {
    format!(
        "DROP EXTENSION {}",
        quote_ident(Dialect::Postgres, &extension.name)
    )
}

/// `ALTER EXTENSION ... UPDATE TO`.
pub fn update_extension(extension: &Extension) -> String {
    format!(
        "ALTER EXTENSION {} UPDATE TO {}",
        quote_ident(Dialect::Postgres, &extension.name),
        quote_literal(Dialect::Postgres, &extension.version)
    )
}

/// The routine's own `CREATE` statement.
pub fn create_routine(routine: &Routine) -> String {
    routine.definition.trim_end().to_owned()
}

/// `DROP FUNCTION` / `DROP PROCEDURE` of exactly this overload.
pub fn drop_routine(routine: &Routine, dialect: Dialect) -> String {
    format!(
        "DROP {} {}",
        routine.kind.keyword(),
        routine.signature(dialect)
    )
}

/// The trigger's own `CREATE TRIGGER` statement.
pub fn create_trigger(trigger: &Trigger) -> String {
    trigger.definition.trim_end().to_owned()
}

/// `DROP TRIGGER` (on its table where the engine names triggers per table).
pub fn drop_trigger(trigger: &Trigger, dialect: Dialect) -> String {
    match dialect {
        Dialect::Postgres => format!(
            "DROP TRIGGER {} ON {}",
            quote_ident(dialect, &trigger.name),
            trigger.table.quoted(dialect)
        ),
        Dialect::Mysql | Dialect::Sqlite => {
            format!("DROP TRIGGER {}", quote_ident(dialect, &trigger.name))
        }
    }
}

/// `ALTER TABLE ... DISABLE TRIGGER` (or `ENABLE REPLICA/ALWAYS`) where the trigger does not
/// fire in the default way (PostgreSQL).
pub fn trigger_state(trigger: &Trigger) -> Option<String> {
    let state = trigger.state.as_deref()?;
    Some(set_trigger_state(trigger, state))
}

/// `ALTER TABLE ... <state> TRIGGER`, `state` being `ENABLE`, `DISABLE`, `ENABLE REPLICA` or
/// `ENABLE ALWAYS`.
pub fn set_trigger_state(trigger: &Trigger, state: &str) -> String {
    format!(
        "ALTER TABLE {} {state} TRIGGER {}",
        trigger.table.quoted(Dialect::Postgres),
        quote_ident(Dialect::Postgres, &trigger.name)
    )
}

/// `CREATE DOMAIN` with its default, NOT NULL and named checks.
pub fn create_domain(domain: &Domain) -> String {
    let mut sql = format!(
        "CREATE DOMAIN {} AS {}",
        domain.name.quoted(Dialect::Postgres),
        domain.base_type
    );
    if let Some(default) = &domain.default {
        sql.push_str(&format!(" DEFAULT {default}"));
    }
    if domain.not_null {
        sql.push_str(" NOT NULL");
    }
    for check in &domain.checks {
        sql.push(' ');
        sql.push_str(&domain_check(check));
    }
    sql
}

/// `CONSTRAINT name CHECK (expr)` of a domain.
pub fn domain_check(check: &crate::CheckConstraint) -> String {
    match &check.name {
        Some(name) => format!(
            "CONSTRAINT {} CHECK ({})",
            quote_ident(Dialect::Postgres, name),
            check.expression
        ),
        None => format!("CHECK ({})", check.expression),
    }
}

/// `CREATE TYPE ... AS (...)`.
pub fn create_composite(composite: &CompositeType) -> String {
    let attributes: Vec<String> = composite
        .attributes
        .iter()
        .map(|(name, data_type)| format!("{} {data_type}", quote_ident(Dialect::Postgres, name)))
        .collect();
    format!(
        "CREATE TYPE {} AS ({})",
        composite.name.quoted(Dialect::Postgres),
        attributes.join(", ")
    )
}

/// Whether a domain's default or checks call one of `schema`'s routines, so that it must be
/// created after them.
pub fn domain_calls_routines(domain: &Domain, schema: &Schema) -> bool {
    let texts: Vec<&str> = domain
        .default
        .iter()
        .map(String::as_str)
        .chain(domain.checks.iter().map(|c| c.expression.as_str()))
        .collect();
    // Called as `name(` or `schema.name(`: what precedes the name is no part of it.
    let calls = |text: &str, name: &str| {
        text.match_indices(&format!("{name}(")).any(|(at, _)| {
            !text[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$')
        })
    };
    schema
        .routines
        .iter()
        .any(|r| texts.iter().any(|t| calls(t, &r.name.name)))
}

/// `CREATE MATERIALIZED VIEW` (filled at once), its indexes and its comment.
pub fn materialized_view_statements(view: &MaterializedView) -> Vec<String> {
    let mut out = vec![format!(
        "CREATE MATERIALIZED VIEW {} AS\n{}",
        view.name.quoted(Dialect::Postgres),
        view.definition
    )];
    out.extend(
        view.indexes
            .iter()
            .map(|(_, definition)| definition.clone()),
    );
    if view.comment.is_some() {
        out.push(materialized_view_comment(view));
    }
    out
}

/// `COMMENT ON MATERIALIZED VIEW`.
pub fn materialized_view_comment(view: &MaterializedView) -> String {
    format!(
        "COMMENT ON MATERIALIZED VIEW {} IS {}",
        view.name.quoted(Dialect::Postgres),
        comment_text(&view.comment)
    )
}

/// `CREATE POLICY`.
pub fn create_policy(policy: &Policy) -> String {
    let mut sql = format!(
        "CREATE POLICY {} ON {} AS {} FOR {} TO {}",
        quote_ident(Dialect::Postgres, &policy.name),
        policy.table.quoted(Dialect::Postgres),
        if policy.permissive {
            "PERMISSIVE"
        } else {
            "RESTRICTIVE"
        },
        policy.command,
        policy.roles.join(", ")
    );
    if let Some(using) = &policy.using {
        sql.push_str(&format!(" USING ({using})"));
    }
    if let Some(check) = &policy.with_check {
        sql.push_str(&format!(" WITH CHECK ({check})"));
    }
    sql
}

/// `DROP POLICY`.
pub fn drop_policy(policy: &Policy) -> String {
    format!(
        "DROP POLICY {} ON {}",
        quote_ident(Dialect::Postgres, &policy.name),
        policy.table.quoted(Dialect::Postgres)
    )
}

/// The `ALTER TABLE` statements that take `table` from row security `from` to `to`.
pub fn row_security(table: &QualifiedName, from: RowSecurity, to: RowSecurity) -> Vec<String> {
    let name = table.quoted(Dialect::Postgres);
    let mut out = Vec::new();
    if from.enabled != to.enabled {
        let verb = if to.enabled { "ENABLE" } else { "DISABLE" };
        out.push(format!("ALTER TABLE {name} {verb} ROW LEVEL SECURITY"));
    }
    if from.forced != to.forced {
        let verb = if to.forced { "FORCE" } else { "NO FORCE" };
        out.push(format!("ALTER TABLE {name} {verb} ROW LEVEL SECURITY"));
    }
    out
}

/// `COMMENT ON FUNCTION` (PostgreSQL; MySQL keeps a routine's comment in its definition).
pub fn routine_comment(routine: &Routine) -> String {
    format!(
        "COMMENT ON {} {} IS {}",
        routine.kind.keyword(),
        routine.signature(Dialect::Postgres),
        comment_text(&routine.comment)
    )
}

/// `COMMENT ON TRIGGER` (PostgreSQL).
pub fn trigger_comment(trigger: &Trigger) -> String {
    format!(
        "COMMENT ON TRIGGER {} ON {} IS {}",
        quote_ident(Dialect::Postgres, &trigger.name),
        trigger.table.quoted(Dialect::Postgres),
        comment_text(&trigger.comment)
    )
}

fn comment_text(comment: &Option<String>) -> String {
    comment.as_ref().map_or_else(
        || "NULL".to_owned(),
        |c| quote_literal(Dialect::Postgres, c),
    )
}

/// `sql` with its terminator, as a script for `dialect` holds it. A MySQL routine, trigger or
/// event with a compound body has `;` inside it, which the mysql client (and dbwarden's
/// splitter, which reads scripts the same way) would take as its end: it is written between
/// `DELIMITER` commands.
pub fn terminated(dialect: Dialect, sql: &str) -> String {
    if dialect == Dialect::Mysql && sql.contains(';') && is_compound_create(sql) {
        let delimiter = if sql.contains("$$") { "//" } else { "$$" };
        format!("DELIMITER {delimiter}\n{sql}{delimiter}\nDELIMITER ;")
    } else {
        format!("{sql};")
    }
}

/// Whether `sql` creates a routine, trigger or event (whose body may be compound).
fn is_compound_create(sql: &str) -> bool {
    let words: Vec<String> = sql
        .split_whitespace()
        .take(6)
        .map(str::to_ascii_uppercase)
        .collect();
    words.first().is_some_and(|w| w == "CREATE")
        && words
            .iter()
            .any(|w| matches!(w.as_str(), "TRIGGER" | "PROCEDURE" | "FUNCTION" | "EVENT"))
}

/// Where a routine can be created in a schema's DDL: before the tables (the usual case, so
/// that column defaults, checks and index expressions can call it), or only once the tables
/// or views its argument or result types name exist (`RETURNS SETOF public.users`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RoutinePlace {
    /// Before every table.
    BeforeTables,
    /// After the tables, before the views.
    AfterTables,
    /// After the views.
    AfterViews,
}

/// See [`RoutinePlace`]. A name is looked for as PostgreSQL prints it (`public.users`,
/// `public."Users"`); a false match only moves the routine later.
pub fn routine_place(routine: &Routine, schema: &Schema) -> RoutinePlace {
    let signature = format!(
        "{} {}",
        routine.arguments,
        routine.returns.as_deref().unwrap_or("")
    );
    let named = |name: &QualifiedName| {
        let plain = name.to_string();
        let quoted = match &name.schema {
            Some(s) => format!("{s}.\"{}\"", name.name),
            None => format!("\"{}\"", name.name),
        };
        mentions(&signature, &plain) || signature.contains(&quoted)
    };
    if schema.views.iter().any(|v| named(&v.name)) {
        RoutinePlace::AfterViews
    } else if schema.tables.iter().any(|t| named(&t.name)) {
        RoutinePlace::AfterTables
    } else {
        RoutinePlace::BeforeTables
    }
}

/// Whether `text` holds `word` not as part of a longer identifier.
fn mentions(text: &str, word: &str) -> bool {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident) && before != Some('.')
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{RoutineKind, Table};

    fn routine(returns: &str) -> Routine {
        Routine {
            name: QualifiedName::new("public", "f"),
            kind: RoutineKind::Function,
            arguments: String::new(),
            returns: Some(returns.into()),
            language: "sql".into(),
            definition: "CREATE OR REPLACE FUNCTION public.f() ...".into(),
            comment: None,
        }
    }

    #[test]
    fn routines_returning_rows_of_a_table_come_after_it() {
        let mut schema = Schema::empty(Dialect::Postgres);
        schema
            .tables
            .push(Table::new(QualifiedName::new("public", "users")));
        assert_eq!(
            routine_place(&routine("SETOF public.users"), &schema),
            RoutinePlace::AfterTables
        );
        assert_eq!(
            routine_place(&routine("SETOF public.users_archive"), &schema),
            RoutinePlace::BeforeTables
        );
        assert_eq!(
            routine_place(&routine("trigger"), &schema),
            RoutinePlace::BeforeTables
        );
    }

    #[test]
    fn drops_name_the_overload_and_the_table() {
        let mut f = routine("integer");
        f.arguments = "a integer, b text".into();
        assert_eq!(
            drop_routine(&f, Dialect::Postgres),
            "DROP FUNCTION \"public\".\"f\"(a integer, b text)"
        );
        let trigger = Trigger {
            name: "t".into(),
            table: QualifiedName::new("public", "users"),
            definition: String::new(),
            function: None,
            state: None,
            comment: None,
        };
        assert_eq!(
            drop_trigger(&trigger, Dialect::Postgres),
            "DROP TRIGGER \"t\" ON \"public\".\"users\""
        );
        assert_eq!(
            drop_trigger(&trigger, Dialect::Sqlite),
            "DROP TRIGGER \"t\""
        );
    }
}
