//! MySQL and MariaDB (InnoDB): the online DDL algorithm and lock each change allows at best
//! (MySQL manual, "Online DDL Operations"; MariaDB KB, "InnoDB Online DDL Overview"), and
//! whether the table is rebuilt.

use super::{Aspect, LockInfo, Mechanics, MysqlAlgorithm, MysqlLock, aspects, combine};
use crate::diff::types::{MysqlTypeChange, mysql_type_change, shape};
use crate::diff::{Change, ColumnPosition, CommentTarget};
use crate::{Column, Dialect};

fn online(algorithm: MysqlAlgorithm, lock: MysqlLock) -> LockInfo {
    LockInfo::Mysql {
        algorithm: Some(algorithm),
        lock: Some(lock),
    }
}

const METADATA_ONLY: LockInfo = LockInfo::Mysql {
    algorithm: None,
    lock: None,
};

const EXCLUSIVE_METADATA: LockInfo = LockInfo::Mysql {
    algorithm: None,
    lock: Some(MysqlLock::Exclusive),
};

/// The online DDL behaviour of `change` on MySQL/MariaDB.
pub(super) fn mechanics(change: &Change) -> Mechanics {
    use MysqlAlgorithm::{Copy, Inplace, Instant};
    use MysqlLock::{None as NoLock, Shared};
    let copy = |why: &str| Mechanics::new(true, online(Copy, Shared), why);
    let in_place = |why: &str| Mechanics::new(false, online(Inplace, NoLock), why);
    match change {
        Change::CreateNamespace { .. } | Change::DropNamespace { .. } => Mechanics::new(
            false,
            METADATA_ONLY,
            "MySQL has no namespaces inside a database",
        ),
        Change::CreateEnum { .. }
        | Change::DropEnum { .. }
        | Change::AddEnumValue { .. }
        | Change::RecreateEnum { .. } => Mechanics::new(
            false,
            METADATA_ONLY,
            "MySQL enums are column types, whose changes are column changes",
        ),
        Change::CreateSequence { .. }
        | Change::DropSequence { .. }
        | Change::AlterSequence { .. } => Mechanics::new(
            false,
            METADATA_ONLY,
            "sequences are not part of the MySQL model",
        ),
        Change::CreateTable { .. } => Mechanics::new(
            false,
            METADATA_ONLY,
            "CREATE TABLE locks no existing table beyond metadata",
        ),
        Change::DropTable { .. } => Mechanics::new(
            false,
            EXCLUSIVE_METADATA,
            "DROP TABLE waits for an exclusive metadata lock, so it queues behind open transactions on the table",
        ),
        Change::RenameTable { .. } => Mechanics::new(
            false,
            online(Instant, NoLock),
            "renaming a table only changes metadata (ALGORITHM=INSTANT)",
        ),
        Change::AddColumn {
            column, position, ..
        } => add_column(column, position),
        Change::DropColumn { .. } => Mechanics::new(
            false,
            online(Instant, NoLock),
            "DROP COLUMN is INSTANT since MySQL 8.0.29 and MariaDB 10.4 (older servers rebuild the table in place)",
        ),
        Change::RenameColumn { .. } => in_place(
            "renaming a column only changes metadata (INSTANT since MySQL 8.0.28), unless a foreign key of another table references it",
        ),
        Change::AlterColumn {
            from, to, changes, ..
        } => combine(
            aspects(changes)
                .into_iter()
                .map(|aspect| alter_column(aspect, from, to))
                .collect(),
            Mechanics::and,
        )
        .unwrap_or_else(|| Mechanics::new(false, METADATA_ONLY, "nothing changes")),
        Change::ReorderColumns { .. } => Mechanics::new(
            true,
            online(Inplace, NoLock),
            "reordering columns (MODIFY ... AFTER) rebuilds the table in place; writes go on",
        ),
        Change::AddPrimaryKey { .. } => Mechanics::new(
            true,
            online(Inplace, NoLock),
            "adding a primary key rebuilds the clustered index in place, an expensive rebuild during which writes go on",
        ),
        Change::DropPrimaryKey { .. } => {
            copy("dropping a primary key without adding another copies the table and blocks writes")
        }
        Change::AddUnique { .. } => {
            in_place("adding a secondary index builds it in place while writes go on")
        }
        Change::DropUnique { .. } | Change::DropIndex { .. } => {
            in_place("dropping an index only changes metadata")
        }
        Change::AddForeignKey { .. } => copy(
            "with foreign_key_checks on, adding a foreign key copies the table and blocks writes (INPLACE only with foreign_key_checks=0)",
        ),
        Change::DropForeignKey { .. } => in_place("dropping a foreign key only changes metadata"),
        Change::AddCheck { .. } => copy(
            "adding a CHECK constraint copies the table to validate every row, blocking writes",
        ),
        Change::DropCheck { .. } => in_place("dropping a CHECK constraint only changes metadata"),
        Change::CreateIndex { index, .. } => {
            match index
                .method
                .as_deref()
                .map(str::to_ascii_uppercase)
                .as_deref()
            {
                Some("FULLTEXT") => Mechanics::new(
                    true,
                    online(Inplace, Shared),
                    "a FULLTEXT index blocks writes while it builds, and the first one rebuilds the table to add FTS_DOC_ID",
                ),
                Some("SPATIAL") => Mechanics::new(
                    false,
                    online(Inplace, Shared),
                    "a SPATIAL index builds in place but blocks writes",
                ),
                _ => in_place("adding a secondary index builds it in place while writes go on"),
            }
        }
        Change::CreateView { .. } => Mechanics::new(
            false,
            METADATA_ONLY,
            "CREATE VIEW takes metadata locks only",
        ),
        Change::DropView { .. } | Change::ReplaceView { .. } => Mechanics::new(
            false,
            EXCLUSIVE_METADATA,
            "it takes an exclusive metadata lock on the view, briefly",
        ),
        Change::SetComment { target, .. } => match target {
            CommentTarget::Table { .. } => {
                in_place("a table comment (COMMENT=) only changes metadata")
            }
            CommentTarget::Namespace { .. }
            | CommentTarget::Enum { .. }
            | CommentTarget::Sequence { .. }
            | CommentTarget::View { .. }
            | CommentTarget::Routine { .. }
            | CommentTarget::Trigger { .. }
            | CommentTarget::Domain { .. }
            | CommentTarget::Composite { .. } => Mechanics::new(
                false,
                METADATA_ONLY,
                "MySQL keeps no comment on this kind of object",
            ),
        },
        crate::diff::postgres_only_change!() => Mechanics::new(
            false,
            METADATA_ONLY,
            "MySQL has no extensions, user types or row-level security",
        ),
        Change::CreateRoutine { .. }
        | Change::DropRoutine { .. }
        | Change::ReplaceRoutine { .. } => Mechanics::new(
            false,
            METADATA_ONLY,
            "a routine takes a metadata lock on itself only (a replace is a drop and a create)",
        ),
        Change::CreateTrigger { .. }
        | Change::DropTrigger { .. }
        | Change::ReplaceTrigger { .. }
        | Change::SetTriggerState { .. } => Mechanics::new(
            false,
            EXCLUSIVE_METADATA,
            "CREATE/DROP TRIGGER takes an exclusive metadata lock on the table, briefly",
        ),
    }
}

fn add_column(column: &Column, position: &ColumnPosition) -> Mechanics {
    if column.identity.is_some() {
        return Mechanics::new(
            true,
            online(MysqlAlgorithm::Inplace, MysqlLock::Shared),
            "adding an AUTO_INCREMENT column rebuilds the table and blocks writes",
        );
    }
    if column.generated.as_ref().is_some_and(|g| g.stored) {
        return Mechanics::new(
            true,
            online(MysqlAlgorithm::Copy, MysqlLock::Shared),
            "adding a STORED generated column copies the table and blocks writes",
        );
    }
    let why = match (position, &column.generated) {
        (_, Some(_)) => "adding a VIRTUAL generated column is INSTANT",
        (ColumnPosition::Last, None) => {
            "ADD COLUMN at the end is INSTANT (MySQL 8.0.12+, MariaDB 10.3+)"
        }
        _ => {
            "ADD COLUMN at any position is INSTANT since MySQL 8.0.29 and MariaDB 10.4 (older servers rebuild the table in place)"
        }
    };
    Mechanics::new(false, online(MysqlAlgorithm::Instant, MysqlLock::None), why)
}

fn alter_column(aspect: Aspect, from: &Column, to: &Column) -> Mechanics {
    use MysqlAlgorithm::{Copy, Inplace, Instant};
    use MysqlLock::{None as NoLock, Shared};
    match aspect {
        Aspect::Type => {
            let collation = to.collation.as_deref();
            let old = shape(Dialect::Mysql, &from.data_type, from.collation.as_deref());
            let new = shape(Dialect::Mysql, &to.data_type, collation);
            match mysql_type_change(&old, &new, collation) {
                MysqlTypeChange::Instant => Mechanics::new(
                    false,
                    online(Instant, NoLock),
                    "appending ENUM members is INSTANT while the storage size stays the same",
                ),
                MysqlTypeChange::InPlace => Mechanics::new(
                    false,
                    online(Inplace, NoLock),
                    format!(
                        "{} to {} keeps the number of VARCHAR length bytes (255 bytes or fewer: one; assumed utf8mb4 unless a collation says otherwise), so it only changes metadata",
                        from.data_type, to.data_type
                    ),
                ),
                MysqlTypeChange::Copy => Mechanics::new(
                    true,
                    online(Copy, Shared),
                    format!(
                        "changing {} to {} copies the table (ALGORITHM=COPY) and blocks writes",
                        from.data_type, to.data_type
                    ),
                ),
            }
        }
        Aspect::Nullability => Mechanics::new(
            true,
            online(Inplace, NoLock),
            "changing NULL/NOT NULL rebuilds the table in place while writes go on (NOT NULL needs strict SQL mode)",
        ),
        Aspect::Default => Mechanics::new(
            false,
            online(Instant, NoLock),
            "setting or dropping a default only changes metadata (INSTANT)",
        ),
        Aspect::Identity => Mechanics::new(
            true,
            online(Copy, Shared),
            "adding or removing AUTO_INCREMENT redefines the column, which copies the table and blocks writes",
        ),
        Aspect::Generated => Mechanics::new(
            true,
            online(Copy, Shared),
            "changing a generated column's expression or storage copies the table and blocks writes",
        ),
        Aspect::Collation => Mechanics::new(
            true,
            online(Copy, Shared),
            "changing a column's collation or character set copies the table and blocks writes",
        ),
        Aspect::Comment => Mechanics::new(
            false,
            online(Inplace, NoLock),
            "a column comment only changes metadata",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Classification, Safety, classify};
    use super::*;
    use crate::diff::ColumnChanges;
    use crate::{Generated, Identity, Index, QualifiedName, Table};

    fn table() -> QualifiedName {
        QualifiedName::bare("t")
    }

    fn my(change: &Change) -> Classification {
        classify(change, Dialect::Mysql)
    }

    fn alter(from: Column, to: Column) -> Change {
        Change::AlterColumn {
            table: table(),
            changes: ColumnChanges::between(&from, &to),
            from,
            to,
            dependents: vec![],
        }
    }

    fn retype(from: &str, to: &str) -> Change {
        alter(Column::new("c", from), Column::new("c", to))
    }

    fn algorithm_and_lock(change: &Change) -> (Option<MysqlAlgorithm>, Option<MysqlLock>) {
        match my(change).lock {
            LockInfo::Mysql { algorithm, lock } => (algorithm, lock),
            other => panic!("not a MySQL lock: {other:?}"),
        }
    }

    #[test]
    fn add_column() {
        let add = |column: Column, position: ColumnPosition| Change::AddColumn {
            table: table(),
            column,
            position,
        };
        let last = add(Column::new("c", "int"), ColumnPosition::Last);
        assert_eq!(
            algorithm_and_lock(&last),
            (Some(MysqlAlgorithm::Instant), Some(MysqlLock::None))
        );
        assert!(!my(&last).rewrites_table);
        assert!(
            my(&last)
                .reason
                .contains("INSTANT (MySQL 8.0.12+, MariaDB 10.3+)")
        );
        let middle = add(
            Column::new("c", "int"),
            ColumnPosition::After { column: "a".into() },
        );
        assert!(my(&middle).reason.contains("MySQL 8.0.29 and MariaDB 10.4"));
        let auto_increment = add(
            Column {
                identity: Some(Identity::AutoIncrement),
                nullable: false,
                ..Column::new("id", "bigint")
            },
            ColumnPosition::Last,
        );
        assert!(my(&auto_increment).rewrites_table);
        assert_eq!(
            algorithm_and_lock(&auto_increment).1,
            Some(MysqlLock::Shared)
        );
        let stored = add(
            Column {
                generated: Some(Generated {
                    expression: "(`a` * 2)".into(),
                    stored: true,
                }),
                ..Column::new("g", "int")
            },
            ColumnPosition::Last,
        );
        assert_eq!(
            algorithm_and_lock(&stored),
            (Some(MysqlAlgorithm::Copy), Some(MysqlLock::Shared))
        );
    }

    #[test]
    fn type_changes() {
        let cases = [
            // One length byte on both sides (utf8mb4: up to 63 characters): in place.
            (
                "varchar(20)",
                "varchar(60)",
                MysqlAlgorithm::Inplace,
                false,
                Safety::Safe,
            ),
            // Crossing 255 bytes: copy.
            (
                "varchar(20)",
                "varchar(100)",
                MysqlAlgorithm::Copy,
                true,
                Safety::Safe,
            ),
            (
                "varchar(100)",
                "varchar(500)",
                MysqlAlgorithm::Inplace,
                false,
                Safety::Safe,
            ),
            (
                "varchar(100)",
                "varchar(50)",
                MysqlAlgorithm::Copy,
                true,
                Safety::Destructive,
            ),
            ("int", "bigint", MysqlAlgorithm::Copy, true, Safety::Safe),
            (
                "bigint",
                "int",
                MysqlAlgorithm::Copy,
                true,
                Safety::Destructive,
            ),
            (
                "decimal(10,2)",
                "decimal(8,2)",
                MysqlAlgorithm::Copy,
                true,
                Safety::Destructive,
            ),
            (
                "varchar(100)",
                "text",
                MysqlAlgorithm::Copy,
                true,
                Safety::Safe,
            ),
            (
                "text",
                "varchar(100)",
                MysqlAlgorithm::Copy,
                true,
                Safety::Destructive,
            ),
            (
                "enum('a','b')",
                "enum('a','b','c')",
                MysqlAlgorithm::Instant,
                false,
                Safety::Safe,
            ),
            (
                "enum('a','b')",
                "enum('b','a')",
                MysqlAlgorithm::Copy,
                true,
                Safety::Breaking,
            ),
            // Outside strict mode 'abc' silently becomes 0.
            (
                "varchar(10)",
                "int(11)",
                MysqlAlgorithm::Copy,
                true,
                Safety::Destructive,
            ),
        ];
        for (from, to, algorithm, rewrites, safety) in cases {
            let change = retype(from, to);
            let classification = my(&change);
            assert_eq!(
                algorithm_and_lock(&change).0,
                Some(algorithm),
                "{from} -> {to}"
            );
            assert_eq!(classification.rewrites_table, rewrites, "{from} -> {to}");
            assert_eq!(classification.safety, safety, "{from} -> {to}");
        }
    }

    #[test]
    fn varchar_length_bytes_follow_the_collation() {
        let latin1 = |data_type: &str| Column {
            collation: Some("latin1_swedish_ci".into()),
            ..Column::new("c", data_type)
        };
        let within = alter(latin1("varchar(20)"), latin1("varchar(200)"));
        assert_eq!(algorithm_and_lock(&within).0, Some(MysqlAlgorithm::Inplace));
        let across = alter(latin1("varchar(200)"), latin1("varchar(300)"));
        assert_eq!(algorithm_and_lock(&across).0, Some(MysqlAlgorithm::Copy));
    }

    #[test]
    fn the_heaviest_part_sets_algorithm_and_reason() {
        let from = Column::new("c", "int");
        let to = Column {
            default: Some("0".into()),
            nullable: false,
            ..Column::new("c", "bigint")
        };
        let classification = my(&alter(from, to));
        assert_eq!(
            classification.lock,
            LockInfo::Mysql {
                algorithm: Some(MysqlAlgorithm::Copy),
                lock: Some(MysqlLock::Shared)
            }
        );
        assert!(classification.reason.contains("copies the table"));
        assert_eq!(classification.safety, Safety::Breaking);
    }

    #[test]
    fn constraints_and_indexes() {
        let index = Index {
            name: "i".into(),
            unique: false,
            parts: vec![],
            predicate: None,
            method: None,
            comment: None,
            include: Vec::new(),
            nulls_not_distinct: false,
            storage: Vec::new(),
        };
        let create = Change::CreateIndex {
            table: table(),
            index: index.clone(),
        };
        assert_eq!(
            algorithm_and_lock(&create),
            (Some(MysqlAlgorithm::Inplace), Some(MysqlLock::None))
        );
        let fulltext = Change::CreateIndex {
            table: table(),
            index: Index {
                method: Some("FULLTEXT".into()),
                ..index
            },
        };
        assert_eq!(algorithm_and_lock(&fulltext).1, Some(MysqlLock::Shared));
        let check = Change::AddCheck {
            table: table(),
            check: crate::CheckConstraint {
                name: Some("c".into()),
                expression: "(`a` > 0)".into(),
            },
        };
        assert_eq!(algorithm_and_lock(&check).0, Some(MysqlAlgorithm::Copy));
        let dropped = my(&Change::DropTable {
            table: Table::new(table()),
            dependents: vec![],
        });
        assert_eq!(dropped.lock.describe(), "exclusive metadata lock");
        assert_eq!(dropped.safety, Safety::Destructive);
    }
}
