//! PostgreSQL materialized views, paired by name. A changed body is a drop (with the views,
//! before tables change, so that nothing it reads is blocked) and a create (after the views);
//! other indexes or another comment only alter it.

use super::{Change, Phases};
use crate::{MaterializedView, Schema};

/// Adds materialized view changes to `phases`.
pub(crate) fn diff(from: &Schema, to: &Schema, phases: &mut Phases) {
    for old in &from.materialized_views {
        let new = to.materialized_views.iter().find(|v| v.name == old.name);
        if new.is_none_or(|new| new.definition != old.definition) {
            phases
                .views_dropped
                .push(Change::DropMaterializedView { view: old.clone() });
        }
    }
    for new in &to.materialized_views {
        match from.materialized_views.iter().find(|v| v.name == new.name) {
            Some(old) if old.definition == new.definition => {
                if !same_extras(old, new) {
                    phases
                        .late_routines_created_or_replaced
                        .push(Change::AlterMaterializedView {
                            from: old.clone(),
                            to: new.clone(),
                        });
                }
            }
            _ => phases
                .late_routines_created_or_replaced
                .push(Change::CreateMaterializedView { view: new.clone() }),
        }
    }
}

fn same_extras(a: &MaterializedView, b: &MaterializedView) -> bool {
    a.indexes == b.indexes && a.comment == b.comment
}
