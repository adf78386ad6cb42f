//! Indexes of a table in both schemas. An index is compared whole (name, keys, predicate,
//! method, comment): a changed index is dropped and created, as no engine alters one.

use super::{Change, missing_from};
use crate::Table;

/// The index changes of one table.
#[derive(Debug, Default)]
pub(crate) struct IndexChanges {
    /// Indexes dropped, in old name order.
    pub(crate) dropped: Vec<Change>,
    /// Indexes created, in new name order.
    pub(crate) added: Vec<Change>,
}

/// Compares the indexes of `old` (with renames applied) and `new`.
pub(crate) fn diff(old: &Table, new: &Table) -> IndexChanges {
    let table = &new.name;
    IndexChanges {
        dropped: missing_from(&old.indexes, &new.indexes)
            .into_iter()
            .map(|index| Change::DropIndex {
                table: table.clone(),
                index: index.clone(),
            })
            .collect(),
        added: missing_from(&new.indexes, &old.indexes)
            .into_iter()
            .map(|index| Change::CreateIndex {
                table: table.clone(),
                index: index.clone(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{column, schema, table};
    use super::super::{RenameHints, diff};
    use super::*;
    use crate::{Index, IndexKey, IndexPart, Schema};

    fn index(name: &str, column: &str) -> Index {
        Index {
            name: name.into(),
            unique: false,
            parts: vec![IndexPart {
                key: IndexKey::Column(column.into()),
                descending: false,
                prefix_length: None,
                operator_class: None,
                nulls_first: None,
            }],
            predicate: None,
            method: None,
            comment: None,
            include: Vec::new(),
            nulls_not_distinct: false,
            storage: Vec::new(),
        }
    }

    fn with_indexes(indexes: Vec<Index>) -> Schema {
        let mut users = table(
            "users",
            vec![column("id", "integer"), column("email", "text")],
        );
        users.indexes = indexes;
        schema(vec![users])
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
        let none = with_indexes(vec![]);
        let one = with_indexes(vec![index("users_email_idx", "email")]);
        assert_eq!(
            summaries(&none, &one),
            ["create index users_email_idx on public.users (email)"]
        );
        assert_eq!(
            summaries(&one, &none),
            ["drop index users_email_idx on public.users (email)"]
        );
    }

    #[test]
    fn any_difference_is_drop_then_create() {
        let plain = with_indexes(vec![index("users_email_idx", "email")]);
        let mut partial_index = index("users_email_idx", "email");
        partial_index.predicate = Some("(email IS NOT NULL)".into());
        partial_index.unique = true;
        let partial = with_indexes(vec![partial_index]);
        assert_eq!(
            summaries(&plain, &partial),
            [
                "drop index users_email_idx on public.users (email)",
                "create unique index users_email_idx on public.users (email)"
            ]
        );
    }

    #[test]
    fn renamed_column_keeps_its_index() {
        let from = with_indexes(vec![index("users_email_idx", "email")]);
        let mut to = with_indexes(vec![index("users_email_idx", "mail")]);
        to.tables[0].columns[1].name = "mail".into();
        let hints = RenameHints::parse(&["users.email=mail".into()]).expect("valid hints");
        let kinds: Vec<&str> = diff(&from, &to, &hints)
            .changes
            .iter()
            .map(Change::kind)
            .collect();
        assert_eq!(kinds, ["rename_column"]);
    }
}
