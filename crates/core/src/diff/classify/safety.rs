//! Safe, breaking or destructive: what a change does to running code and stored data. This
//! is the same on every engine except for type changes, which depend on how the engine
//! stores values.

use super::{Aspect, Safety, Verdict, aspects, combine};
use crate::diff::types::{TypeConversion, conversion, shape, sqlite_affinity};
use crate::diff::{Change, ColumnPosition};
use crate::{Column, Dialect, Identity, Sequence};

/// Safety of `change` on `dialect`, with the reason as a lowercase clause.
pub(super) fn verdict(change: &Change, dialect: Dialect) -> Verdict {
    use Safety::{Breaking, Destructive, Safe};
    match change {
        Change::CreateNamespace { .. } => Verdict::new(Safe, "creates an empty namespace"),
        Change::DropNamespace { .. } => Verdict::new(
            Breaking,
            "code naming the namespace fails (its objects are dropped by their own changes)",
        ),
        Change::CreateEnum { .. } => Verdict::new(Safe, "creates a new type"),
        Change::DropEnum { .. } => Verdict::new(
            Breaking,
            "code casting to the type fails (columns using it change by their own changes)",
        ),
        Change::AddEnumValue { .. } => {
            Verdict::new(Safe, "adds a label; stored values are untouched")
        }
        Change::RecreateEnum { from, to } => {
            let removed: Vec<&str> = from
                .values
                .iter()
                .filter(|v| !to.values.contains(v))
                .map(String::as_str)
                .collect();
            if removed.is_empty() {
                Verdict::new(
                    Breaking,
                    "the labels change order, so sorting and comparisons over the type change",
                )
            } else {
                Verdict::new(
                    Destructive,
                    format!(
                        "rows holding the removed label(s) {} cannot be converted",
                        removed.join(", ")
                    ),
                )
            }
        }
        Change::CreateSequence { .. } => Verdict::new(Safe, "creates a new sequence"),
        Change::DropSequence { .. } => Verdict::new(
            Destructive,
            "the sequence's current value is lost and defaults calling it fail",
        ),
        Change::AlterSequence { from, to } => sequence_verdict(from, to, dialect),
        Change::CreateTable { .. } => Verdict::new(Safe, "creates a new table"),
        Change::DropTable { .. } => {
            Verdict::new(Destructive, "deletes the table and every row in it")
        }
        Change::RenameTable { .. } => {
            Verdict::new(Breaking, "queries using the old table name fail")
        }
        Change::AddColumn {
            column, position, ..
        } => add_column_verdict(column, position),
        Change::DropColumn { .. } => Verdict::new(Destructive, "deletes the column and its data"),
        Change::RenameColumn { .. } => {
            Verdict::new(Breaking, "queries using the old column name fail")
        }
        Change::AlterColumn {
            from, to, changes, ..
        } => combine(
            aspects(changes)
                .into_iter()
                .map(|aspect| column_verdict(aspect, from, to, dialect))
                .collect(),
            Verdict::worst,
        )
        .unwrap_or_else(|| Verdict::new(Safe, "nothing changes")),
        Change::ReorderColumns { .. } => Verdict::new(
            Breaking,
            "SELECT * and INSERT without a column list see the columns in a new order",
        ),
        Change::AddPrimaryKey { .. } => Verdict::new(
            Safe,
            "running code is unaffected, but the change fails if existing rows hold duplicates or NULLs",
        ),
        Change::DropPrimaryKey { .. } | Change::DropUnique { .. } => Verdict::new(
            Safe,
            "only a guarantee goes (upserts naming this key stop matching it)",
        ),
        Change::AddUnique { .. } => Verdict::new(
            Safe,
            "running code is unaffected, but the change fails if existing rows hold duplicates",
        ),
        Change::AddForeignKey { .. } => Verdict::new(
            Safe,
            "running code is unaffected, but the change fails if existing rows reference missing keys",
        ),
        Change::DropForeignKey { .. } | Change::DropCheck { .. } => {
            Verdict::new(Safe, "only a guarantee goes")
        }
        Change::AddCheck { .. } => Verdict::new(
            Safe,
            "running code is unaffected, but the change fails if an existing row violates the check",
        ),
        Change::CreateIndex { .. } => Verdict::new(Safe, "an index changes no data"),
        Change::DropIndex { index, .. } if index.unique => Verdict::new(
            Safe,
            "only a guarantee goes (upserts naming this index stop matching it)",
        ),
        Change::DropIndex { .. } => Verdict::new(Safe, "queries may get slower, data is kept"),
        Change::CreateView { .. } => Verdict::new(Safe, "creates a new view"),
        Change::DropView { .. } => Verdict::new(Breaking, "queries reading the view fail"),
        Change::ReplaceView { .. } => Verdict::new(
            Safe,
            "readers see the new body at once (check that no column they read was removed)",
        ),
        Change::SetComment { .. } => Verdict::new(Safe, "a comment changes no behaviour"),
        Change::CreateExtension { .. } => {
            Verdict::new(Safe, "adds the extension's types and functions")
        }
        Change::UpdateExtension { .. } => Verdict::new(
            Safe,
            "the extension's own update script runs (read its release notes for changed behaviour)",
        ),
        Change::DropExtension { .. } => Verdict::new(
            Breaking,
            "code calling the extension's functions or types fails",
        ),
        Change::CreateRoutine { .. } => Verdict::new(Safe, "creates a new routine"),
        Change::DropRoutine { .. } => Verdict::new(Breaking, "code calling the routine fails"),
        Change::ReplaceRoutine { .. } => Verdict::new(
            Breaking,
            "every caller, trigger and default using the routine runs the new body at once",
        ),
        Change::CreateTrigger { .. } => Verdict::new(
            Breaking,
            "every write to the table now also runs the trigger",
        ),
        Change::DropTrigger { .. } => Verdict::new(
            Breaking,
            "writes to the table no longer run the trigger (what it kept up to date goes stale)",
        ),
        Change::CreateMaterializedView { .. } => Verdict::new(
            Safe,
            "creates and fills a new materialized view (its query runs once)",
        ),
        Change::DropMaterializedView { .. } => {
            Verdict::new(Breaking, "queries reading the materialized view fail")
        }
        Change::AlterMaterializedView { .. } => {
            Verdict::new(Safe, "only its indexes or comment change")
        }
        Change::CreateDomain { .. } | Change::CreateComposite { .. } => {
            Verdict::new(Safe, "creates a new type")
        }
        Change::DropDomain { .. } | Change::DropComposite { .. } => Verdict::new(
            Breaking,
            "code casting to the type fails (columns using it change by their own changes)",
        ),
        Change::AlterDomain { .. } => Verdict::new(
            Breaking,
            "writes to every column of the domain are checked by the new rules; a new check fails if existing values break it",
        ),
        Change::AlterComposite { .. } => Verdict::new(
            Breaking,
            "code building or reading values of the type sees other attributes",
        ),
        Change::CreatePolicy { .. } | Change::ReplacePolicy { .. } => Verdict::new(
            Breaking,
            "which rows each role sees and writes changes at once (where row-level security is on)",
        ),
        Change::DropPolicy { .. } => Verdict::new(
            Breaking,
            "rows this policy let through are hidden, or shown, once it goes (where row-level security is on)",
        ),
        Change::SetLogged { unlogged: true, .. } => Verdict::new(
            Breaking,
            "the table's rows stop going to the WAL: a crash empties it and replicas no longer see it",
        ),
        Change::SetLogged {
            unlogged: false, ..
        } => Verdict::new(Safe, "the table becomes crash-safe and replicated again"),
        Change::SetRowSecurity { to, .. } => Verdict::new(
            Breaking,
            if to.enabled {
                "queries see only the rows a policy lets through (none, without a policy)"
            } else {
                "every role with the table's privileges sees every row again"
            },
        ),
        Change::ReplaceTrigger { .. } | Change::SetTriggerState { .. } => Verdict::new(
            Breaking,
            "writes to the table run the trigger differently from now on",
        ),
    }
}

fn add_column_verdict(column: &Column, position: &ColumnPosition) -> Verdict {
    let filled =
        column.default.is_some() || column.identity.is_some() || column.generated.is_some();
    if !column.nullable && !filled {
        return Verdict::new(
            Safety::Breaking,
            "a NOT NULL column without a default fails on a table with rows, and inserts that do not name it fail",
        );
    }
    let why = if *position == ColumnPosition::Last {
        "existing rows get NULL or the default"
    } else {
        "existing rows get NULL or the default (INSERT without a column list sees the new column)"
    };
    Verdict::new(Safety::Safe, why)
}

fn sequence_verdict(from: &Sequence, to: &Sequence, dialect: Dialect) -> Verdict {
    let narrower_type = conversion(
        &shape(dialect, &from.data_type, None),
        &shape(dialect, &to.data_type, None),
    ) == TypeConversion::Narrowing;
    if narrower_type || to.max_value < from.max_value || to.min_value > from.min_value {
        Verdict::new(
            Safety::Breaking,
            "the sequence's range shrinks, so nextval can fail sooner",
        )
    } else {
        Verdict::new(Safety::Safe, "the sequence keeps its values")
    }
}

fn column_verdict(aspect: Aspect, from: &Column, to: &Column, dialect: Dialect) -> Verdict {
    use Safety::{Breaking, Destructive, Safe};
    match aspect {
        Aspect::Type => type_verdict(from, to, dialect),
        Aspect::Nullability if !to.nullable => Verdict::new(
            Breaking,
            "NOT NULL is added: it fails if a row holds NULL, and inserts leaving the column NULL fail",
        ),
        Aspect::Nullability => Verdict::new(Safe, "NULL becomes allowed"),
        Aspect::Default => Verdict::new(Safe, "a default only applies to future inserts"),
        Aspect::Identity => match (from.identity, to.identity) {
            (Some(_), None) => Verdict::new(
                Breaking,
                "the column stops numbering itself, so inserts that leave it out fail or get NULL",
            ),
            (_, Some(Identity::Always)) => Verdict::new(
                Breaking,
                "GENERATED ALWAYS refuses explicit values, so inserts that give one fail",
            ),
            _ => Verdict::new(Safe, "the column numbers new rows"),
        },
        Aspect::Generated => match (&from.generated, &to.generated) {
            (None, Some(_)) => Verdict::new(
                Destructive,
                "the column's stored values are replaced by the expression's, and writes to it fail",
            ),
            (Some(_), None) => Verdict::new(Safe, "the computed values stay as plain data"),
            _ => Verdict::new(Safe, "the values are recomputed from the new expression"),
        },
        Aspect::Collation => Verdict::new(
            Breaking,
            "comparisons, sorting and unique checks on the column follow the new collation",
        ),
        Aspect::Comment => Verdict::new(Safe, "a comment changes no behaviour"),
    }
}

fn type_verdict(from: &Column, to: &Column, dialect: Dialect) -> Verdict {
    let (old, new) = (&from.data_type, &to.data_type);
    if dialect == Dialect::Sqlite {
        // "Datatypes In SQLite": lengths are not enforced, and a value that cannot convert
        // losslessly to the column's affinity is stored as it is, so nothing is cut.
        let (a, b) = (sqlite_affinity(old), sqlite_affinity(new));
        return if a == b {
            Verdict::new(
                Safety::Safe,
                format!("SQLite enforces no sizes and the {a} affinity stays"),
            )
        } else {
            Verdict::new(
                Safety::Breaking,
                format!(
                    "the affinity changes from {a} to {b}, so comparisons and sorting of stored values change"
                ),
            )
        };
    }
    let collation = from.collation.as_deref();
    let change = conversion(
        &shape(dialect, old, collation),
        &shape(dialect, new, to.collation.as_deref()),
    );
    match change {
        TypeConversion::Same | TypeConversion::Widening => {
            Verdict::new(Safety::Safe, format!("every {old} value fits in {new}"))
        }
        // Without strict mode MySQL converts what it cannot (e.g. 'abc' to 0) with only a
        // warning, so an incompatible change can lose values silently there.
        TypeConversion::Incompatible
            if dialect == Dialect::Mysql && !(is_enum_or_set(old) && is_enum_or_set(new)) =>
        {
            Verdict::new(
                Safety::Destructive,
                format!(
                    "values must convert from {old} to {new}; MySQL outside strict mode replaces values it cannot convert (e.g. 'abc' becomes 0) with only a warning"
                ),
            )
        }
        TypeConversion::Incompatible => Verdict::new(
            Safety::Breaking,
            format!(
                "values must convert from {old} to {new}, which can fail, and code expecting {old} can break"
            ),
        ),
        TypeConversion::Narrowing => Verdict::new(
            Safety::Destructive,
            format!("{old} to {new} is narrower: values can be truncated, rounded or rejected"),
        ),
    }
}

/// MySQL ENUM and SET columns convert by label, so reordering labels keeps every value.
fn is_enum_or_set(data_type: &str) -> bool {
    let t = data_type.trim_start().to_ascii_lowercase();
    t.starts_with("enum(") || t.starts_with("set(")
}

#[cfg(test)]
mod tests {
    use super::super::classify;
    use super::*;
    use crate::diff::ColumnChanges;
    use crate::{EnumType, QualifiedName};

    fn alter(from: Column, to: Column) -> Change {
        Change::AlterColumn {
            table: QualifiedName::new("public", "t"),
            changes: ColumnChanges::between(&from, &to),
            from,
            to,
            dependents: vec![],
        }
    }

    fn retype(from: &str, to: &str) -> Change {
        alter(Column::new("c", from), Column::new("c", to))
    }

    fn safety(change: &Change, dialect: Dialect) -> Safety {
        classify(change, dialect).safety
    }

    #[test]
    fn type_changes_by_what_they_do_to_values() {
        let pg = Dialect::Postgres;
        let cases = [
            (
                "character varying(20)",
                "character varying(10)",
                Safety::Destructive,
            ),
            ("bigint", "integer", Safety::Destructive),
            ("numeric(12,2)", "numeric(10,2)", Safety::Destructive),
            ("text", "character varying(10)", Safety::Destructive),
            (
                "character varying(10)",
                "character varying(20)",
                Safety::Safe,
            ),
            ("character varying(10)", "text", Safety::Safe),
            ("integer", "bigint", Safety::Safe),
            ("integer", "text", Safety::Breaking),
            ("text", "integer", Safety::Breaking),
        ];
        for (from, to, expected) in cases {
            assert_eq!(safety(&retype(from, to), pg), expected, "{from} -> {to}");
        }
        assert_eq!(
            safety(&retype("varchar(20)", "varchar(10)"), Dialect::Mysql),
            Safety::Destructive
        );
        assert_eq!(
            safety(&retype("enum('a','b')", "enum('a')"), Dialect::Mysql),
            Safety::Destructive
        );
    }

    #[test]
    fn sqlite_type_changes_never_cut_values() {
        let sqlite = Dialect::Sqlite;
        assert_eq!(
            safety(&retype("VARCHAR(20)", "VARCHAR(10)"), sqlite),
            Safety::Safe
        );
        assert_eq!(safety(&retype("BIGINT", "INT"), sqlite), Safety::Safe);
        assert_eq!(safety(&retype("TEXT", "INTEGER"), sqlite), Safety::Breaking);
    }

    #[test]
    fn nullability_default_identity_generated_collation() {
        let pg = Dialect::Postgres;
        let plain = Column::new("c", "integer");
        let not_null = Column {
            nullable: false,
            ..plain.clone()
        };
        assert_eq!(
            safety(&alter(plain.clone(), not_null.clone()), pg),
            Safety::Breaking
        );
        assert_eq!(safety(&alter(not_null, plain.clone()), pg), Safety::Safe);
        let defaulted = Column {
            default: Some("0".into()),
            ..plain.clone()
        };
        assert_eq!(
            safety(&alter(defaulted.clone(), plain.clone()), pg),
            Safety::Safe
        );
        assert_eq!(safety(&alter(plain.clone(), defaulted), pg), Safety::Safe);
        let identity = Column {
            identity: Some(Identity::ByDefault),
            ..plain.clone()
        };
        assert_eq!(
            safety(&alter(identity.clone(), plain.clone()), pg),
            Safety::Breaking
        );
        assert_eq!(safety(&alter(plain.clone(), identity), pg), Safety::Safe);
        let generated = Column {
            generated: Some(crate::Generated {
                expression: "1".into(),
                stored: true,
            }),
            ..plain.clone()
        };
        assert_eq!(
            safety(&alter(plain.clone(), generated.clone()), pg),
            Safety::Destructive
        );
        assert_eq!(safety(&alter(generated, plain.clone()), pg), Safety::Safe);
        let collated = Column {
            collation: Some("\"C\"".into()),
            ..plain.clone()
        };
        assert_eq!(safety(&alter(plain, collated), pg), Safety::Breaking);
    }

    #[test]
    fn worst_part_wins() {
        let from = Column::new("c", "bigint");
        let to = Column {
            comment: Some("x".into()),
            nullable: false,
            ..Column::new("c", "integer")
        };
        let classification = classify(&alter(from, to), Dialect::Postgres);
        assert_eq!(classification.safety, Safety::Destructive);
        assert!(
            classification
                .reason
                .starts_with("Bigint to integer is narrower")
        );
    }

    #[test]
    fn table_and_column_lifecycle() {
        let table = crate::Table::new(QualifiedName::new("public", "t"));
        let name = table.name.clone();
        let column = Column::new("c", "text");
        let for_all = |change: &Change, expected: Safety| {
            for dialect in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
                assert_eq!(safety(change, dialect), expected, "{change:?} on {dialect}");
            }
        };
        for_all(
            &Change::DropTable {
                table: table.clone(),
                dependents: vec![],
            },
            Safety::Destructive,
        );
        for_all(&Change::CreateTable { table }, Safety::Safe);
        for_all(
            &Change::RenameTable {
                from: name.clone(),
                to: QualifiedName::new("public", "u"),
            },
            Safety::Breaking,
        );
        for_all(
            &Change::DropColumn {
                table: name.clone(),
                column: column.clone(),
                dependents: vec![],
            },
            Safety::Destructive,
        );
        for_all(
            &Change::RenameColumn {
                table: name.clone(),
                from: "c".into(),
                to: "d".into(),
            },
            Safety::Breaking,
        );
        for_all(
            &Change::AddColumn {
                table: name.clone(),
                column: column.clone(),
                position: ColumnPosition::Last,
            },
            Safety::Safe,
        );
        for_all(
            &Change::AddColumn {
                table: name,
                column: Column {
                    nullable: false,
                    ..column
                },
                position: ColumnPosition::Last,
            },
            Safety::Breaking,
        );
    }

    #[test]
    fn enum_value_removal_is_destructive_and_reorder_breaking() {
        let mood = |values: &[&str]| EnumType {
            name: QualifiedName::new("public", "mood"),
            values: values.iter().map(|v| (*v).to_owned()).collect(),
            comment: None,
        };
        let removed = Change::RecreateEnum {
            from: mood(&["a", "b"]),
            to: mood(&["a"]),
        };
        assert_eq!(safety(&removed, Dialect::Postgres), Safety::Destructive);
        let reordered = Change::RecreateEnum {
            from: mood(&["a", "b"]),
            to: mood(&["b", "a"]),
        };
        assert_eq!(safety(&reordered, Dialect::Postgres), Safety::Breaking);
        let added = Change::AddEnumValue {
            enum_name: QualifiedName::new("public", "mood"),
            value: "c".into(),
            before: None,
        };
        assert_eq!(safety(&added, Dialect::Postgres), Safety::Safe);
    }

    #[test]
    fn drops_of_guarantees_are_safe_drops_of_names_breaking() {
        let view = crate::View {
            name: QualifiedName::new("public", "v"),
            definition: "SELECT 1".into(),
            depends_on: vec![],
            comment: None,
            grants: Vec::new(),
        };
        assert_eq!(
            safety(&Change::DropView { view }, Dialect::Postgres),
            Safety::Breaking
        );
        let unique = Change::DropUnique {
            table: QualifiedName::new("public", "t"),
            unique: crate::UniqueConstraint {
                name: Some("u".into()),
                columns: vec!["c".into()],
            },
        };
        assert_eq!(safety(&unique, Dialect::Postgres), Safety::Safe);
    }
}
