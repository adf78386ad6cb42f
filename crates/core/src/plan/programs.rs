//! Statements for changes of extensions, routines, triggers, domains, composite types,
//! policies and row-level security: the same on every engine that has them but for a few
//! words (see [`crate::render::programs`]).

use super::{PlanError, Planner};
use crate::MaterializedView;
use crate::diff::{Change, CommentTarget};
use crate::render::programs as ddl;
use crate::{CompositeType, Dialect, Domain, Routine, Trigger};

/// Writes `change` if it is one of this module's kinds; returns whether it was.
pub(super) fn render(p: &mut Planner<'_>, change: &Change) -> Result<bool, PlanError> {
    let dialect = p.dialect;
    match change {
        Change::CreateExtension { extension } => p.push(ddl::create_extension(extension)),
        Change::DropExtension { extension } => p.push(ddl::drop_extension(extension)),
        Change::UpdateExtension { to, .. } => p.push(ddl::update_extension(to)),
        Change::CreateRoutine { routine } => create_routine(p, routine),
        Change::DropRoutine { routine } => p.push(ddl::drop_routine(routine, dialect)),
        Change::ReplaceRoutine { from, to } => replace_routine(p, from, to),
        Change::CreateTrigger { trigger } => create_trigger(p, trigger),
        Change::DropTrigger { trigger } => p.push(ddl::drop_trigger(trigger, dialect)),
        Change::ReplaceTrigger { from, to } => match or_replace(p, &ddl::create_trigger(to)) {
            // In one statement: no write slips through between a drop and a create.
            Some(sql) => p.push(sql),
            None => {
                p.push(ddl::drop_trigger(from, dialect));
                create_trigger(p, to);
            }
        },
        Change::SetTriggerState { trigger, .. } => p.push(ddl::set_trigger_state(
            trigger,
            trigger.state.as_deref().unwrap_or("ENABLE"),
        )),
        Change::CreateMaterializedView { view } => {
            p.push_all(ddl::materialized_view_statements(view))
        }
        Change::DropMaterializedView { view } => p.push(format!(
            "DROP MATERIALIZED VIEW {}",
            view.name.quoted(dialect)
        )),
        Change::AlterMaterializedView { from, to } => alter_materialized_view(p, from, to),
        Change::CreateDomain { domain } => p.push(ddl::create_domain(domain)),
        Change::DropDomain { domain } => {
            p.push(format!("DROP DOMAIN {}", domain.name.quoted(dialect)))
        }
        Change::AlterDomain { from, to } => alter_domain(p, from, to)?,
        Change::CreateComposite { composite } => p.push(ddl::create_composite(composite)),
        Change::DropComposite { composite } => {
            p.push(format!("DROP TYPE {}", composite.name.quoted(dialect)))
        }
        Change::AlterComposite { from, to } => alter_composite(p, from, to)?,
        Change::CreatePolicy { policy } => p.push(ddl::create_policy(policy)),
        Change::DropPolicy { policy } => p.push(ddl::drop_policy(policy)),
        Change::ReplacePolicy { from, to } => {
            p.push(ddl::drop_policy(from));
            p.push(ddl::create_policy(to));
        }
        Change::SetLogged { table, unlogged } => p.push(format!(
            "ALTER TABLE {} SET {}",
            table.quoted(dialect),
            if *unlogged { "UNLOGGED" } else { "LOGGED" }
        )),
        Change::SetRowSecurity { table, from, to } => {
            p.push_all(ddl::row_security(table, *from, *to))
        }
        Change::SetComment {
            target: CommentTarget::Routine { routine },
            ..
        } => {
            if dialect != Dialect::Postgres {
                return Err(p.unsupported(
                    "a routine's comment is part of its definition here; change the definition",
                ));
            }
            p.push(ddl::routine_comment(routine));
        }
        Change::SetComment {
            target: CommentTarget::Trigger { trigger },
            ..
        } => {
            if dialect != Dialect::Postgres {
                return Err(p.unsupported("this engine keeps no comment on a trigger"));
            }
            p.push(ddl::trigger_comment(trigger));
        }
        _ => return Ok(false),
    }
    Ok(true)
}

/// Indexes dropped and created by name, and the comment, of a materialized view whose body
/// stays.
fn alter_materialized_view(p: &mut Planner<'_>, from: &MaterializedView, to: &MaterializedView) {
    let schema = to.name.schema.clone();
    for (name, definition) in &from.indexes {
        if !to.indexes.iter().any(|(n, d)| n == name && d == definition) {
            let index = crate::QualifiedName {
                schema: schema.clone(),
                name: name.clone(),
            };
            p.push(format!("DROP INDEX {}", index.quoted(Dialect::Postgres)));
        }
    }
    for (name, definition) in &to.indexes {
        if !from
            .indexes
            .iter()
            .any(|(n, d)| n == name && d == definition)
        {
            p.push(definition.clone());
        }
    }
    if from.comment != to.comment {
        p.push(ddl::materialized_view_comment(to));
    }
}

/// Default, NOT NULL and checks of a domain. A new check is added `NOT VALID` and validated
/// after a commit, so that the scan of every column using the domain does not hold the lock
/// of the statements before it.
fn alter_domain(p: &mut Planner<'_>, from: &Domain, to: &Domain) -> Result<(), PlanError> {
    if from.base_type != to.base_type {
        return Err(p.unsupported(
            "PostgreSQL cannot change a domain's base type: create a domain under a new name, move the columns to it, then drop the old one",
        ));
    }
    let alter = format!("ALTER DOMAIN {}", to.name.quoted(Dialect::Postgres));
    if from.default != to.default {
        p.push(match &to.default {
            Some(default) => format!("{alter} SET DEFAULT {default}"),
            None => format!("{alter} DROP DEFAULT"),
        });
    }
    for gone in from.checks.iter().filter(|c| !to.checks.contains(c)) {
        if let Some(name) = &gone.name {
            p.push(format!(
                "{alter} DROP CONSTRAINT {}",
                crate::quote_ident(Dialect::Postgres, name)
            ));
        }
    }
    if from.not_null != to.not_null {
        let verb = if to.not_null { "SET" } else { "DROP" };
        p.push(format!("{alter} {verb} NOT NULL"));
    }
    for added in to.checks.iter().filter(|c| !from.checks.contains(c)) {
        p.push(format!(
            "{alter} ADD {} NOT VALID",
            ddl::domain_check(added)
        ));
        if let Some(name) = &added.name {
            p.push_after_commit(format!(
                "{alter} VALIDATE CONSTRAINT {}",
                crate::quote_ident(Dialect::Postgres, name)
            ));
        }
    }
    Ok(())
}

/// Attributes added, dropped or retyped, in one `ALTER TYPE`. PostgreSQL cannot reorder them.
fn alter_composite(
    p: &mut Planner<'_>,
    from: &CompositeType,
    to: &CompositeType,
) -> Result<(), PlanError> {
    let kept = |of: &CompositeType, other: &CompositeType| -> Vec<String> {
        of.attributes
            .iter()
            .filter(|(n, _)| other.attributes.iter().any(|(m, _)| m == n))
            .map(|(n, _)| n.clone())
            .collect()
    };
    if kept(from, to) != kept(to, from) {
        return Err(p.unsupported(
            "PostgreSQL cannot reorder a composite type's attributes: keep their order, or create a new type",
        ));
    }
    let q = |n: &str| crate::quote_ident(Dialect::Postgres, n);
    let mut actions = Vec::new();
    for (name, _) in &from.attributes {
        if !to.attributes.iter().any(|(n, _)| n == name) {
            actions.push(format!("DROP ATTRIBUTE {}", q(name)));
        }
    }
    for (name, data_type) in &to.attributes {
        match from.attributes.iter().find(|(n, _)| n == name) {
            None => actions.push(format!("ADD ATTRIBUTE {} {data_type}", q(name))),
            Some((_, old_type)) if old_type != data_type => {
                if composite_in_use(p, &from.name) {
                    return Err(p.unsupported(format!(
                        "PostgreSQL cannot retype attribute {name} while a column stores the type: add an attribute under a new name instead"
                    )));
                }
                actions.push(format!("ALTER ATTRIBUTE {} TYPE {data_type}", q(name)))
            }
            Some(_) => {}
        }
    }
    p.push(format!(
        "ALTER TYPE {} {}",
        to.name.quoted(Dialect::Postgres),
        actions.join(", ")
    ));
    Ok(())
}

/// Whether a column of the old schema is of composite type `name`.
fn composite_in_use(p: &Planner<'_>, name: &crate::QualifiedName) -> bool {
    let Ok((from, _)) = p.schemas("a composite type's users") else {
        // Without the schemas, assume it is used: the statement would fail if so.
        return true;
    };
    let spellings = [name.to_string(), name.quoted(Dialect::Postgres)];
    from.tables.iter().flat_map(|t| &t.columns).any(|c| {
        spellings
            .iter()
            .any(|s| c.data_type.trim_end_matches("[]") == s)
    })
}

/// Bodies may name objects the plan creates later, as in a restore: PostgreSQL is told not to
/// check them until they run (once per plan).
fn defer_body_checks(p: &mut Planner<'_>) {
    if p.dialect == Dialect::Postgres
        && !p
            .steps
            .iter()
            .any(|s| s.sql == ddl::POSTGRES_DEFER_BODY_CHECKS)
    {
        p.push(ddl::POSTGRES_DEFER_BODY_CHECKS);
    }
}

fn create_routine(p: &mut Planner<'_>, routine: &Routine) {
    defer_body_checks(p);
    p.push(ddl::create_routine(routine));
}

/// `CREATE OR REPLACE` keeps the routine's grants and everything that uses it, but PostgreSQL
/// allows it only while the result type and kind stay; otherwise (and on MySQL, whose
/// `SHOW CREATE` text has no `OR REPLACE`) the routine is dropped and created, and its comment
/// set again.
fn replace_routine(p: &mut Planner<'_>, from: &Routine, to: &Routine) {
    if let Some(sql) = or_replace(p, &ddl::create_routine(to)) {
        p.push(sql);
        return;
    }
    let in_place =
        p.dialect == Dialect::Postgres && from.kind == to.kind && from.returns == to.returns;
    if !in_place {
        p.push(ddl::drop_routine(from, p.dialect));
    }
    create_routine(p, to);
    if !in_place && p.dialect == Dialect::Postgres && to.comment.is_some() {
        p.push(ddl::routine_comment(to));
    }
}

/// MariaDB (10.1.4+) replaces a trigger, procedure or function in one statement, `CREATE OR
/// REPLACE`, where MySQL needs a drop and a create (calls in between fail, writes in between
/// skip the trigger). The definition is `SHOW CREATE` text, which starts `CREATE `.
fn or_replace(p: &Planner<'_>, create: &str) -> Option<String> {
    let mariadb = p
        .version
        .is_some_and(|v| v.engine == crate::version::Engine::Mariadb);
    let rest = create.strip_prefix("CREATE ")?;
    (mariadb && !rest.starts_with("OR REPLACE")).then(|| format!("CREATE OR REPLACE {rest}"))
}

fn create_trigger(p: &mut Planner<'_>, trigger: &Trigger) {
    p.push(ddl::create_trigger(trigger));
    if let Some(sql) = ddl::trigger_state(trigger) {
        p.push(sql);
    }
}
