//! PostgreSQL domains and composite types, paired by name. A domain whose default or checks
//! call a routine of the new schema is created after the routines; every other one with the
//! enum types, before anything that could use it.

use super::{Change, CommentTarget, Phases};
use crate::Schema;
use crate::render::programs::domain_calls_routines;

/// Adds domain and composite type changes to `phases`.
pub(crate) fn diff(from: &Schema, to: &Schema, phases: &mut Phases) {
    domains(from, to, phases);
    composites(from, to, phases);
}

fn domains(from: &Schema, to: &Schema, phases: &mut Phases) {
    for new in &to.domains {
        let old = from.domains.iter().find(|d| d.name == new.name);
        match old {
            None => {
                let change = Change::CreateDomain {
                    domain: new.clone(),
                };
                if domain_calls_routines(new, to) {
                    phases.routines_created_or_replaced.push(change);
                } else {
                    phases.enums_created_or_changed.push(change);
                }
            }
            Some(old) => {
                let uncommented = |d: &crate::Domain| crate::Domain {
                    comment: None,
                    ..d.clone()
                };
                if uncommented(old) != uncommented(new) {
                    phases.enums_created_or_changed.push(Change::AlterDomain {
                        from: old.clone(),
                        to: new.clone(),
                    });
                }
            }
        }
        comment(
            phases,
            CommentTarget::Domain {
                name: new.name.clone(),
            },
            old.and_then(|o| o.comment.clone()),
            new.comment.clone(),
        );
    }
    for old in &from.domains {
        if !to.domains.iter().any(|d| d.name == old.name) {
            phases.enums_dropped.push(Change::DropDomain {
                domain: old.clone(),
            });
        }
    }
}

fn composites(from: &Schema, to: &Schema, phases: &mut Phases) {
    for new in &to.composites {
        let old = from.composites.iter().find(|c| c.name == new.name);
        match old {
            None => phases
                .enums_created_or_changed
                .push(Change::CreateComposite {
                    composite: new.clone(),
                }),
            Some(old) if old.attributes != new.attributes => {
                phases
                    .enums_created_or_changed
                    .push(Change::AlterComposite {
                        from: old.clone(),
                        to: new.clone(),
                    })
            }
            Some(_) => {}
        }
        comment(
            phases,
            CommentTarget::Composite {
                name: new.name.clone(),
            },
            old.and_then(|o| o.comment.clone()),
            new.comment.clone(),
        );
    }
    for old in &from.composites {
        if !to.composites.iter().any(|c| c.name == old.name) {
            phases.enums_dropped.push(Change::DropComposite {
                composite: old.clone(),
            });
        }
    }
}

fn comment(phases: &mut Phases, target: CommentTarget, from: Option<String>, to: Option<String>) {
    if from != to {
        phases
            .comments
            .push(Change::SetComment { target, from, to });
    }
}
