//! Views, paired by name: dropped (dependent views first), created or replaced (each after
//! the views it reads).

use super::pairing::Renames;
use super::{Change, CommentTarget, Phases};
use crate::render::views_in_dependency_order;
use crate::{Schema, View};

/// Adds view changes to `phases`. A view's dependencies follow table renames, which the
/// database applies to the view; its body is compared as printed.
pub(crate) fn diff(from: &Schema, to: &Schema, renames: &Renames, phases: &mut Phases) {
    let old_views: Vec<View> = from
        .views
        .iter()
        .map(|view| View {
            depends_on: view.depends_on.iter().map(|d| renames.table(d)).collect(),
            ..view.clone()
        })
        .collect();
    let mut dropped: Vec<Change> = views_in_dependency_order(&old_views)
        .into_iter()
        .filter(|old| !to.views.iter().any(|new| new.name == old.name))
        .map(|old| Change::DropView { view: old.clone() })
        .collect();
    // Views that read others go first.
    dropped.reverse();
    phases.views_dropped.extend(dropped);

    for new in views_in_dependency_order(&to.views) {
        match old_views.iter().find(|old| old.name == new.name) {
            None => phases
                .views_created_or_replaced
                .push(Change::CreateView { view: new.clone() }),
            Some(old) => {
                if old.definition != new.definition || old.depends_on != new.depends_on {
                    phases.views_created_or_replaced.push(Change::ReplaceView {
                        from: old.clone(),
                        to: new.clone(),
                    });
                }
                if old.comment != new.comment {
                    phases.comments.push(Change::SetComment {
                        target: CommentTarget::View {
                            name: new.name.clone(),
                        },
                        from: old.comment.clone(),
                        to: new.comment.clone(),
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{RenameHints, diff};
    use super::*;
    use crate::{Dialect, QualifiedName};

    fn view(name: &str, definition: &str, depends_on: &[&str]) -> View {
        View {
            name: QualifiedName::new("public", name),
            definition: definition.into(),
            depends_on: depends_on
                .iter()
                .map(|d| QualifiedName::new("public", *d))
                .collect(),
            comment: None,
            grants: Vec::new(),
        }
    }

    fn with(views: Vec<View>) -> Schema {
        let mut schema = Schema::empty(Dialect::Postgres);
        schema.views = views;
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
    fn created_in_dependency_order_and_dropped_in_reverse() {
        let none = with(vec![]);
        let both = with(vec![
            view("a_top", "SELECT * FROM z_base", &["z_base"]),
            view("z_base", "SELECT 1", &[]),
        ]);
        assert_eq!(
            summaries(&none, &both),
            ["create view public.z_base", "create view public.a_top"]
        );
        assert_eq!(
            summaries(&both, &none),
            ["drop view public.a_top", "drop view public.z_base"]
        );
    }

    #[test]
    fn replaced_and_commented() {
        let from = with(vec![view("v", "SELECT 1", &[])]);
        let mut to = with(vec![view("v", "SELECT 2", &[])]);
        to.views[0].comment = Some("two".into());
        assert_eq!(
            summaries(&from, &to),
            ["replace view public.v", "set comment on view public.v"]
        );
    }
}
