//! Enum types (PostgreSQL), paired by name. Adding labels is done in place; removing or
//! reordering them means recreating the type.

use super::{Change, CommentTarget, Phases};
use crate::{EnumType, Schema};

/// Adds enum type changes to `phases`.
pub(crate) fn diff(from: &Schema, to: &Schema, phases: &mut Phases) {
    for new in &to.enums {
        let Some(old) = from.enums.iter().find(|old| old.name == new.name) else {
            phases.enums_created_or_changed.push(Change::CreateEnum {
                enum_type: new.clone(),
            });
            continue;
        };
        if old.values != new.values {
            phases
                .enums_created_or_changed
                .extend(value_changes(old, new));
        }
        if old.comment != new.comment {
            phases.comments.push(Change::SetComment {
                target: CommentTarget::Enum {
                    name: new.name.clone(),
                },
                from: old.comment.clone(),
                to: new.comment.clone(),
            });
        }
    }
    for old in &from.enums {
        if !to.enums.iter().any(|new| new.name == old.name) {
            phases.enums_dropped.push(Change::DropEnum {
                enum_type: old.clone(),
            });
        }
    }
}

/// `ADD VALUE` for each new label when the old labels keep their order (PostgreSQL can only
/// add labels: "ALTER TYPE ... ADD VALUE [ BEFORE | AFTER ]"); otherwise one recreate.
fn value_changes(old: &EnumType, new: &EnumType) -> Vec<Change> {
    let kept: Vec<&String> = new
        .values
        .iter()
        .filter(|v| old.values.contains(v))
        .collect();
    let only_added =
        kept.len() == old.values.len() && kept.iter().zip(&old.values).all(|(a, b)| *a == b);
    if !only_added {
        return vec![Change::RecreateEnum {
            from: old.clone(),
            to: new.clone(),
        }];
    }
    new.values
        .iter()
        .enumerate()
        .filter(|(_, value)| !old.values.contains(value))
        .map(|(at, value)| Change::AddEnumValue {
            enum_name: new.name.clone(),
            value: value.clone(),
            // The next old label after it; labels added in order land right before it.
            before: new.values[at + 1..]
                .iter()
                .find(|v| old.values.contains(v))
                .cloned(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::{RenameHints, diff};
    use super::*;
    use crate::{Dialect, QualifiedName};

    fn with(values: &[&str]) -> Schema {
        let mut schema = Schema::empty(Dialect::Postgres);
        schema.enums.push(EnumType {
            name: QualifiedName::new("public", "mood"),
            values: values.iter().map(|v| (*v).to_owned()).collect(),
            comment: None,
        });
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
    fn created_and_dropped() {
        let none = Schema::empty(Dialect::Postgres);
        let one = with(&["sad", "happy"]);
        assert_eq!(
            summaries(&none, &one),
            ["create enum public.mood ('sad', 'happy')"]
        );
        assert_eq!(summaries(&one, &none), ["drop enum public.mood"]);
    }

    #[test]
    fn added_values_keep_their_place() {
        let from = with(&["sad", "happy"]);
        let to = with(&["sad", "ok", "meh", "happy", "ecstatic"]);
        assert_eq!(
            summaries(&from, &to),
            [
                "add enum value public.mood 'ok' before 'happy'",
                "add enum value public.mood 'meh' before 'happy'",
                "add enum value public.mood 'ecstatic'",
            ]
        );
    }

    #[test]
    fn removed_or_reordered_values_recreate_the_type() {
        let from = with(&["sad", "happy"]);
        assert_eq!(
            summaries(&from, &with(&["sad"])),
            ["recreate enum public.mood ('sad', 'happy') -> ('sad')"]
        );
        assert_eq!(
            summaries(&from, &with(&["happy", "sad"])),
            ["recreate enum public.mood ('sad', 'happy') -> ('happy', 'sad')"]
        );
    }

    #[test]
    fn comment_change() {
        let from = with(&["a"]);
        let mut to = from.clone();
        to.enums[0].comment = Some("feelings".into());
        assert_eq!(summaries(&from, &to), ["set comment on enum public.mood"]);
    }
}
