//! Primary keys, unique constraints, foreign keys and checks of a table in both schemas.
//!
//! Constraints are compared whole (name included): a changed constraint is dropped and added,
//! since no engine alters one in place. Unnamed SQLite constraints pair by their content.

use super::{Change, missing_from};
use crate::Table;

/// The constraint changes of one table, by the step they belong to.
#[derive(Debug, Default)]
pub(crate) struct ConstraintChanges {
    /// Foreign keys dropped.
    pub(crate) foreign_keys_dropped: Vec<Change>,
    /// Checks, unique constraints and the primary key dropped, in that order.
    pub(crate) dropped: Vec<Change>,
    /// The primary key, unique constraints and checks added, in that order.
    pub(crate) added: Vec<Change>,
    /// Foreign keys added.
    pub(crate) foreign_keys_added: Vec<Change>,
}

/// Compares the constraints of `old` (with renames applied) and `new`.
pub(crate) fn diff(old: &Table, new: &Table) -> ConstraintChanges {
    let table = &new.name;
    let mut changes = ConstraintChanges::default();
    for foreign_key in missing_from(&old.foreign_keys, &new.foreign_keys) {
        changes.foreign_keys_dropped.push(Change::DropForeignKey {
            table: table.clone(),
            foreign_key: foreign_key.clone(),
        });
    }
    for check in missing_from(&old.checks, &new.checks) {
        changes.dropped.push(Change::DropCheck {
            table: table.clone(),
            check: check.clone(),
        });
    }
    for unique in missing_from(&old.uniques, &new.uniques) {
        changes.dropped.push(Change::DropUnique {
            table: table.clone(),
            unique: unique.clone(),
        });
    }
    if old.primary_key != new.primary_key {
        if let Some(primary_key) = &old.primary_key {
            changes.dropped.push(Change::DropPrimaryKey {
                table: table.clone(),
                primary_key: primary_key.clone(),
            });
        }
        if let Some(primary_key) = &new.primary_key {
            changes.added.push(Change::AddPrimaryKey {
                table: table.clone(),
                primary_key: primary_key.clone(),
            });
        }
    }
    for unique in missing_from(&new.uniques, &old.uniques) {
        changes.added.push(Change::AddUnique {
            table: table.clone(),
            unique: unique.clone(),
        });
    }
    for check in missing_from(&new.checks, &old.checks) {
        changes.added.push(Change::AddCheck {
            table: table.clone(),
            check: check.clone(),
        });
    }
    for foreign_key in missing_from(&new.foreign_keys, &old.foreign_keys) {
        changes.foreign_keys_added.push(Change::AddForeignKey {
            table: table.clone(),
            foreign_key: foreign_key.clone(),
        });
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{column, public, schema, table};
    use super::super::{RenameHints, diff};
    use crate::{
        CheckConstraint, ForeignKey, ForeignKeyAction, PrimaryKey, Schema, UniqueConstraint,
    };

    fn base() -> Schema {
        schema(vec![
            table(
                "orders",
                vec![column("id", "integer"), column("user_id", "integer")],
            ),
            table(
                "users",
                vec![column("id", "integer"), column("email", "text")],
            ),
        ])
    }

    fn kinds(from: &Schema, to: &Schema) -> Vec<String> {
        diff(from, to, &RenameHints::new())
            .changes
            .iter()
            .map(super::Change::summary)
            .collect()
    }

    fn fk(name: &str, on_delete: ForeignKeyAction) -> ForeignKey {
        ForeignKey {
            name: Some(name.into()),
            columns: vec!["user_id".into()],
            referenced_table: public("users"),
            referenced_columns: vec!["id".into()],
            on_delete,
            on_update: ForeignKeyAction::NoAction,
            match_full: false,
            deferrable: false,
            initially_deferred: false,
        }
    }

    #[test]
    fn primary_key_added_dropped_and_changed() {
        let from = base();
        let mut to = base();
        to.tables[1].primary_key = Some(PrimaryKey {
            name: Some("users_pkey".into()),
            columns: vec!["id".into()],
        });
        assert_eq!(kinds(&from, &to), ["add primary key public.users (id)"]);
        assert_eq!(kinds(&to, &from), ["drop primary key public.users (id)"]);
        let mut changed = to.clone();
        changed.tables[1].primary_key = Some(PrimaryKey {
            name: Some("users_pkey".into()),
            columns: vec!["id".into(), "email".into()],
        });
        assert_eq!(
            kinds(&to, &changed),
            [
                "drop primary key public.users (id)",
                "add primary key public.users (id, email)"
            ]
        );
    }

    #[test]
    fn unique_and_check_changes_are_drop_then_add() {
        let mut from = base();
        from.tables[1].uniques.push(UniqueConstraint {
            name: Some("users_email_key".into()),
            columns: vec!["email".into()],
        });
        from.tables[1].checks.push(CheckConstraint {
            name: Some("users_email_check".into()),
            expression: "(email <> ''::text)".into(),
        });
        let mut to = from.clone();
        to.tables[1].uniques[0].columns.push("id".into());
        to.tables[1].checks[0].expression = "(length(email) > 3)".into();
        assert_eq!(
            kinds(&from, &to),
            [
                "drop check public.users users_email_check ((email <> ''::text))",
                "drop unique public.users users_email_key (email)",
                "add unique public.users users_email_key (email, id)",
                "add check public.users users_email_check ((length(email) > 3))",
            ]
        );
    }

    #[test]
    fn foreign_keys_drop_first_and_add_last() {
        let mut from = base();
        from.tables[0]
            .foreign_keys
            .push(fk("orders_user_fk", ForeignKeyAction::NoAction));
        let mut to = from.clone();
        to.tables[0].foreign_keys[0].on_delete = ForeignKeyAction::Cascade;
        to.tables[1].columns.push(column("name", "text"));
        assert_eq!(
            kinds(&from, &to),
            [
                "drop foreign key public.orders orders_user_fk (user_id) -> public.users (id)",
                "add column public.users.name text NULL",
                "add foreign key public.orders orders_user_fk (user_id) -> public.users (id)",
            ]
        );
    }

    #[test]
    fn unnamed_constraints_pair_by_content() {
        let mut from = base();
        let unnamed = |expression: &str| CheckConstraint {
            name: None,
            expression: expression.into(),
        };
        from.tables[1].checks = vec![unnamed("a > 0"), unnamed("b > 0")];
        let mut to = from.clone();
        to.tables[1].checks = vec![unnamed("b > 0"), unnamed("c > 0")];
        assert_eq!(
            kinds(&from, &to),
            [
                "drop check public.users (a > 0)",
                "add check public.users (c > 0)"
            ]
        );
    }

    #[test]
    fn renamed_column_keeps_its_constraints() {
        let mut from = base();
        from.tables[1].uniques.push(UniqueConstraint {
            name: Some("users_email_key".into()),
            columns: vec!["email".into()],
        });
        let mut to = from.clone();
        to.tables[1].columns[1].name = "mail".into();
        to.tables[1].uniques[0].columns = vec!["mail".into()];
        let hints = RenameHints::parse(&["users.email=mail".into()]).expect("valid hints");
        let changes = diff(&from, &to, &hints).changes;
        assert_eq!(
            changes
                .iter()
                .map(super::Change::summary)
                .collect::<Vec<_>>(),
            ["rename column public.users.email to mail"]
        );
    }
}
