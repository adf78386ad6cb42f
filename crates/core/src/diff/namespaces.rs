//! Namespaces (PostgreSQL schemas), paired by name.

use super::{Change, CommentTarget, Phases};
use crate::Schema;

/// Adds namespace creations, drops and comment changes to `phases`.
pub(crate) fn diff(from: &Schema, to: &Schema, phases: &mut Phases) {
    for new in &to.namespaces {
        match from.namespaces.iter().find(|old| old.name == new.name) {
            None => phases.namespaces_created.push(Change::CreateNamespace {
                namespace: new.clone(),
            }),
            Some(old) if old.comment != new.comment => phases.comments.push(Change::SetComment {
                target: CommentTarget::Namespace {
                    name: new.name.clone(),
                },
                from: old.comment.clone(),
                to: new.comment.clone(),
            }),
            Some(_) => {}
        }
    }
    for old in &from.namespaces {
        if !to.namespaces.iter().any(|new| new.name == old.name) {
            phases.namespaces_dropped.push(Change::DropNamespace {
                namespace: old.clone(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{RenameHints, diff};
    use super::*;
    use crate::{Dialect, Namespace};

    fn with(namespaces: &[(&str, Option<&str>)]) -> Schema {
        let mut schema = Schema::empty(Dialect::Postgres);
        schema.namespaces = namespaces
            .iter()
            .map(|(name, comment)| Namespace {
                name: (*name).into(),
                comment: comment.map(Into::into),
            })
            .collect();
        schema
    }

    #[test]
    fn created_dropped_and_commented() {
        let from = with(&[("app", None), ("old", None)]);
        let to = with(&[("app", Some("the app")), ("new", None)]);
        let changes: Vec<String> = diff(&from, &to, &RenameHints::new())
            .changes
            .iter()
            .map(Change::summary)
            .collect();
        assert_eq!(
            changes,
            [
                "create schema new",
                "set comment on schema app",
                "drop schema old"
            ]
        );
    }
}
