//! Extensions, functions, procedures and triggers. Extensions pair by name, routines by name
//! and argument types (PostgreSQL overloads), triggers by table (after renames) and name; a
//! definition is compared as the engine printed it.

use super::pairing::Renames;
use super::{Change, CommentTarget, Phases};
use crate::render::programs::{RoutinePlace, routine_place};
use crate::{Policy, Routine, Schema, Trigger};
use std::collections::{HashMap, HashSet};

/// Adds the changes of extensions, routines and triggers to `phases`.
pub(crate) fn diff(from: &Schema, to: &Schema, renames: &Renames, phases: &mut Phases) {
    extensions(from, to, phases);
    routines(from, to, phases);
    triggers(from, to, renames, phases);
    policies(from, to, renames, phases);
    table_options(from, to, renames, phases);
}

/// Policies pair by table (after renames) and name; any difference is a replace (PostgreSQL's
/// `ALTER POLICY` cannot change the command or the kind, and one transaction makes drop and
/// create one step).
fn policies(from: &Schema, to: &Schema, renames: &Renames, phases: &mut Phases) {
    let old_policies: Vec<Policy> = from
        .policies
        .iter()
        .map(|p| Policy {
            table: renames.table(&p.table),
            ..p.clone()
        })
        .collect();
    let same = |a: &Policy, b: &Policy| a.table == b.table && a.name == b.name;
    for old in &old_policies {
        if !to.policies.iter().any(|new| same(old, new)) {
            phases.triggers_dropped.push(Change::DropPolicy {
                policy: old.clone(),
            });
        }
    }
    for new in &to.policies {
        match old_policies.iter().find(|old| same(old, new)) {
            None => phases
                .triggers_created_or_replaced
                .push(Change::CreatePolicy {
                    policy: new.clone(),
                }),
            Some(old) if old != new => {
                phases
                    .triggers_created_or_replaced
                    .push(Change::ReplacePolicy {
                        from: old.clone(),
                        to: new.clone(),
                    })
            }
            Some(_) => {}
        }
    }
}

/// Persistence (`UNLOGGED`) and row-level security of tables in both schemas (a created table
/// carries its own); row security after the policies it is to enforce exist.
fn table_options(from: &Schema, to: &Schema, renames: &Renames, phases: &mut Phases) {
    for old in &from.tables {
        let name = renames.table(&old.name);
        let Some(new) = to.table(&name) else {
            continue;
        };
        if old.unlogged != new.unlogged {
            phases.tables_altered.push(Change::SetLogged {
                table: name.clone(),
                unlogged: new.unlogged,
            });
        }
        if old.row_security != new.row_security {
            phases
                .triggers_created_or_replaced
                .push(Change::SetRowSecurity {
                    table: name,
                    from: old.row_security,
                    to: new.row_security,
                });
        }
    }
}

fn extensions(from: &Schema, to: &Schema, phases: &mut Phases) {
    for new in &to.extensions {
        match from.extensions.iter().find(|old| old.name == new.name) {
            None => phases.extensions_created.push(Change::CreateExtension {
                extension: new.clone(),
            }),
            Some(old) if old.schema != new.schema => {
                phases.extensions_dropped.push(Change::DropExtension {
                    extension: old.clone(),
                });
                phases.extensions_created.push(Change::CreateExtension {
                    extension: new.clone(),
                });
            }
            Some(old) if old.version != new.version => {
                phases.extensions_created.push(Change::UpdateExtension {
                    from: old.clone(),
                    to: new.clone(),
                });
            }
            Some(_) => {}
        }
    }
    for old in &from.extensions {
        if !to.extensions.iter().any(|new| new.name == old.name) {
            phases.extensions_dropped.push(Change::DropExtension {
                extension: old.clone(),
            });
        }
    }
}

fn routines(from: &Schema, to: &Schema, phases: &mut Phases) {
    let key = |r: &Routine| (r.name.clone(), r.arguments.clone());
    let old_by_key: HashMap<_, &Routine> = from.routines.iter().map(|r| (key(r), r)).collect();
    let new_keys: HashSet<_> = to.routines.iter().map(key).collect();
    for old in &from.routines {
        if !new_keys.contains(&key(old)) {
            let change = Change::DropRoutine {
                routine: old.clone(),
            };
            // One whose signature names a table goes before the table can.
            if routine_place(old, from) == RoutinePlace::BeforeTables {
                phases.routines_dropped.push(change);
            } else {
                phases.triggers_dropped.push(change);
            }
        }
    }
    for new in &to.routines {
        let old = old_by_key.get(&key(new)).copied();
        let change = match old {
            None => Some(Change::CreateRoutine {
                routine: new.clone(),
            }),
            Some(old) if old.definition != new.definition || old.kind != new.kind => {
                Some(Change::ReplaceRoutine {
                    from: old.clone(),
                    to: new.clone(),
                })
            }
            Some(_) => None,
        };
        if let Some(change) = change {
            if routine_place(new, to) == RoutinePlace::BeforeTables {
                phases.routines_created_or_replaced.push(change);
            } else {
                phases.late_routines_created_or_replaced.push(change);
            }
        }
        let old_comment = old.and_then(|o| o.comment.clone());
        if old_comment != new.comment {
            phases.comments.push(Change::SetComment {
                target: CommentTarget::Routine {
                    routine: Box::new(new.clone()),
                },
                from: old_comment,
                to: new.comment.clone(),
            });
        }
    }
}

fn triggers(from: &Schema, to: &Schema, renames: &Renames, phases: &mut Phases) {
    let old_triggers: Vec<Trigger> = from
        .triggers
        .iter()
        .map(|t| Trigger {
            table: renames.table(&t.table),
            ..t.clone()
        })
        .collect();
    let key = |t: &Trigger| (t.table.clone(), t.name.clone());
    let old_by_key: HashMap<_, &Trigger> = old_triggers.iter().map(|t| (key(t), t)).collect();
    let new_keys: HashSet<_> = to.triggers.iter().map(key).collect();
    for old in &old_triggers {
        if !new_keys.contains(&key(old)) {
            phases.triggers_dropped.push(Change::DropTrigger {
                trigger: old.clone(),
            });
        }
    }
    for new in &to.triggers {
        let old = old_by_key.get(&key(new)).copied();
        match old {
            None => phases
                .triggers_created_or_replaced
                .push(Change::CreateTrigger {
                    trigger: new.clone(),
                }),
            Some(old) if old.definition != new.definition => phases
                .triggers_created_or_replaced
                .push(Change::ReplaceTrigger {
                    from: old.clone(),
                    to: new.clone(),
                }),
            Some(old) if old.state != new.state => {
                phases
                    .triggers_created_or_replaced
                    .push(Change::SetTriggerState {
                        trigger: new.clone(),
                        from: old.state.clone(),
                    })
            }
            Some(_) => {}
        }
        let old_comment = old.and_then(|o| o.comment.clone());
        if old_comment != new.comment {
            phases.comments.push(Change::SetComment {
                target: CommentTarget::Trigger {
                    trigger: Box::new(new.clone()),
                },
                from: old_comment,
                to: new.comment.clone(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{RenameHints, diff};
    use super::*;
    use crate::{Dialect, Extension, QualifiedName, RoutineKind, Table};

    fn function(name: &str, body: &str) -> Routine {
        Routine {
            name: QualifiedName::new("public", name),
            kind: RoutineKind::Function,
            arguments: String::new(),
            returns: Some("trigger".into()),
            language: "plpgsql".into(),
            definition: format!("CREATE OR REPLACE FUNCTION public.{name}() {body}"),
            comment: None,
        }
    }

    fn trigger(name: &str, table: &str, definition: &str) -> Trigger {
        Trigger {
            name: name.into(),
            table: QualifiedName::new("public", table),
            definition: definition.into(),
            function: Some(QualifiedName::new("public", "touch")),
            state: None,
            comment: None,
        }
    }

    fn schema() -> Schema {
        let mut schema = Schema::empty(Dialect::Postgres);
        schema
            .tables
            .push(Table::new(QualifiedName::new("public", "users")));
        schema
    }

    fn summaries(from: &Schema, to: &Schema) -> Vec<String> {
        diff(from, to, &RenameHints::new())
            .changes
            .iter()
            .map(Change::summary)
            .collect()
    }

    #[test]
    fn functions_come_before_tables_and_triggers_after() {
        let from = Schema::empty(Dialect::Postgres);
        let mut to = schema();
        to.extensions.push(Extension {
            name: "citext".into(),
            schema: "public".into(),
            version: "1.6".into(),
        });
        to.routines.push(function("touch", "v1"));
        to.triggers
            .push(trigger("t", "users", "CREATE TRIGGER t ..."));
        assert_eq!(
            summaries(&from, &to),
            [
                "create extension citext",
                "create function public.touch()",
                "create table public.users (0 columns)",
                "create trigger t on public.users"
            ]
        );
        assert_eq!(
            summaries(&to, &from),
            [
                "drop trigger t on public.users",
                "drop table public.users",
                "drop function public.touch()",
                "drop extension citext"
            ]
        );
    }

    #[test]
    fn changed_bodies_and_states_are_replaced_or_toggled() {
        let mut from = schema();
        from.routines.push(function("touch", "v1"));
        from.triggers
            .push(trigger("t", "users", "CREATE TRIGGER t ..."));
        let mut to = from.clone();
        to.routines[0] = function("touch", "v2");
        to.triggers[0].state = Some("DISABLE".into());
        to.triggers[0].comment = Some("why".into());
        assert_eq!(
            summaries(&from, &to),
            [
                "replace function public.touch()",
                "disable trigger t on public.users",
                "set comment on trigger t on public.users"
            ]
        );
        assert!(summaries(&from, &from).is_empty());
    }
}
