//! Statements for extension, routine and trigger changes, the same on every engine but for a
//! few words (see [`crate::render::programs`]).

use super::{PlanError, Planner};
use crate::diff::{Change, CommentTarget};
use crate::render::programs as ddl;
use crate::{Dialect, Routine, Trigger};

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
        Change::CreatePolicy { policy } => p.push(ddl::create_policy(policy)),
        Change::DropPolicy { policy } => p.push(ddl::drop_policy(policy)),
        Change::ReplacePolicy { from, to } => {
            p.push(ddl::drop_policy(from));
            p.push(ddl::create_policy(to));
        }
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
