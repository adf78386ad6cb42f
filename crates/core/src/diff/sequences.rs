//! Free-standing sequences, paired by name.

use super::pairing::Renames;
use super::{Change, CommentTarget, Phases};
use crate::{QualifiedName, Schema, Sequence};
use std::collections::{HashMap, HashSet};

/// Adds sequence changes to `phases`. The owning column follows table and column renames,
/// as the database keeps the ownership through them.
pub(crate) fn diff(from: &Schema, to: &Schema, renames: &Renames, phases: &mut Phases) {
    let old_by_name: HashMap<&QualifiedName, &Sequence> =
        from.sequences.iter().map(|old| (&old.name, old)).collect();
    for new in &to.sequences {
        let Some(old) = old_by_name.get(&new.name).copied() else {
            phases
                .sequences_created_or_altered
                .push(Change::CreateSequence {
                    sequence: new.clone(),
                });
            continue;
        };
        let old = renamed(old, renames);
        let uncommented = |s: &Sequence| Sequence {
            comment: None,
            ..s.clone()
        };
        if uncommented(&old) != uncommented(new) {
            phases
                .sequences_created_or_altered
                .push(Change::AlterSequence {
                    from: old.clone(),
                    to: new.clone(),
                });
        }
        if old.comment != new.comment {
            phases.comments.push(Change::SetComment {
                target: CommentTarget::Sequence {
                    name: new.name.clone(),
                },
                from: old.comment.clone(),
                to: new.comment.clone(),
            });
        }
    }
    let new_names: HashSet<&QualifiedName> = to.sequences.iter().map(|new| &new.name).collect();
    for old in &from.sequences {
        if !new_names.contains(&old.name) {
            phases.sequences_dropped.push(Change::DropSequence {
                sequence: old.clone(),
            });
        }
    }
}

fn renamed(sequence: &Sequence, renames: &Renames) -> Sequence {
    let mut sequence = sequence.clone();
    if let Some((table, column)) = &mut sequence.owned_by {
        *table = renames.table(table);
        *column = renames.column(table, column);
    }
    sequence
}

#[cfg(test)]
mod tests {
    use super::super::{RenameHints, diff};
    use super::*;
    use crate::{Dialect, QualifiedName};

    fn sequence(increment: i64) -> Sequence {
        Sequence {
            name: QualifiedName::new("public", "ids"),
            data_type: "bigint".into(),
            start: 1,
            increment,
            min_value: 1,
            max_value: i64::MAX,
            cache: 1,
            cycle: false,
            owned_by: None,
            comment: None,
        }
    }

    fn with(sequences: Vec<Sequence>) -> Schema {
        let mut schema = Schema::empty(Dialect::Postgres);
        schema.sequences = sequences;
        schema
    }

    fn kinds(from: &Schema, to: &Schema) -> Vec<&'static str> {
        diff(from, to, &RenameHints::new())
            .changes
            .iter()
            .map(Change::kind)
            .collect()
    }

    #[test]
    fn created_altered_commented_dropped() {
        let none = with(vec![]);
        let one = with(vec![sequence(1)]);
        assert_eq!(kinds(&none, &one), ["create_sequence"]);
        assert_eq!(kinds(&one, &none), ["drop_sequence"]);
        assert_eq!(kinds(&one, &with(vec![sequence(2)])), ["alter_sequence"]);
        let commented = with(vec![Sequence {
            comment: Some("ids".into()),
            ..sequence(1)
        }]);
        assert_eq!(kinds(&one, &commented), ["set_comment"]);
    }

    #[test]
    fn ownership_follows_renames() {
        let owned = |table: &str, column: &str| Sequence {
            owned_by: Some((QualifiedName::new("public", table), column.into())),
            ..sequence(1)
        };
        let users = |table: &str, column: &str| {
            let mut t = crate::Table::new(QualifiedName::new("public", table));
            t.columns.push(crate::Column::new(column, "bigint"));
            t
        };
        let mut from = with(vec![owned("users", "id")]);
        from.tables.push(users("users", "id"));
        let mut to = with(vec![owned("people", "key")]);
        to.tables.push(users("people", "key"));
        let hints = RenameHints::parse(&["users=people".into(), "people.id=key".into()])
            .expect("valid hints");
        let kinds: Vec<&str> = diff(&from, &to, &hints)
            .changes
            .iter()
            .map(Change::kind)
            .collect();
        assert_eq!(kinds, ["rename_table", "rename_column"]);
    }
}
