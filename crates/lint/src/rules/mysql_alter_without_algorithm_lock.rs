//! `mysql-alter-without-algorithm-lock`: state `ALGORITHM` and `LOCK` so MySQL refuses a
//! blocking table copy instead of silently doing one.

use super::{RuleDoc, Violation, sql};
use crate::file::StatementContext;
use crate::identifiers::object_text;
use sqlparser::ast::{
    self, AlterColumnOperation, AlterTable, AlterTableAlgorithm, AlterTableLock,
    AlterTableOperation, ColumnOption,
};

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "MySQL `ALTER TABLE` or `CREATE INDEX` on an existing table without \
              `ALGORITHM=INSTANT`, or `ALGORITHM=INPLACE, LOCK=NONE`.",
    why: "Without ALGORITHM and LOCK, MySQL silently picks the cheapest algorithm the change \
          supports — and for many changes (a column type change, a charset conversion, some \
          column additions on older servers) that is ALGORITHM=COPY, which rebuilds the table \
          while blocking every write to it. Stating ALGORITHM=INSTANT, or ALGORITHM=INPLACE \
          with LOCK=NONE, makes MySQL refuse the statement instead of blocking. If it refuses, \
          the change needs an online schema change tool such as gh-ost or \
          pt-online-schema-change.",
    bad: "ALTER TABLE orders MODIFY COLUMN note varchar(500) NOT NULL;\n",
    good: "ALTER TABLE orders MODIFY COLUMN note varchar(500) NOT NULL, ALGORITHM=INPLACE, LOCK=NONE;\n",
};

pub(crate) fn check(cx: &StatementContext) -> Vec<Violation> {
    match cx.ast() {
        Some(ast::Statement::AlterTable(alter)) if !cx.is_new_table(&alter.name) => {
            check_alter(alter).into_iter().collect()
        }
        Some(ast::Statement::CreateIndex(create)) if !cx.is_new_table(&create.table_name) => {
            let (algorithm, lock) = clauses(&create.alter_options);
            if algorithm == Some(AlterTableAlgorithm::Inplace) && lock == Some(AlterTableLock::None)
            {
                return Vec::new();
            }
            let mut online = create.clone();
            online.alter_options.retain(|op| {
                !matches!(
                    op,
                    AlterTableOperation::Algorithm { .. } | AlterTableOperation::Lock { .. }
                )
            });
            online
                .alter_options
                .extend(online_clauses(AlterTableAlgorithm::Inplace));
            let table = object_text(&create.table_name);
            vec![
                Violation::new(
                    format!("CREATE INDEX on `{table}` does not say ALGORITHM=INPLACE, LOCK=NONE"),
                    why(&table, algorithm),
                )
                .fix(sql(ast::Statement::CreateIndex(online))),
            ]
        }
        _ => Vec::new(),
    }
}

fn check_alter(alter: &AlterTable) -> Option<Violation> {
    let changes: Vec<&AlterTableOperation> = alter
        .operations
        .iter()
        .filter(|op| !is_metadata_only(op))
        .collect();
    if changes.is_empty() {
        return None;
    }
    let (algorithm, lock) = clauses(&alter.operations);
    match (algorithm, lock) {
        (Some(AlterTableAlgorithm::Instant), _)
        | (Some(AlterTableAlgorithm::Inplace), Some(AlterTableLock::None)) => return None,
        _ => {}
    }
    let wanted = if changes.iter().all(|op| can_be_instant(op)) {
        AlterTableAlgorithm::Instant
    } else {
        AlterTableAlgorithm::Inplace
    };
    let table = object_text(&alter.name);
    let message = match algorithm {
        Some(AlterTableAlgorithm::Copy) => {
            format!(
                "ALTER TABLE `{table}` asks for ALGORITHM=COPY, which blocks writes while the table is copied"
            )
        }
        Some(AlterTableAlgorithm::Inplace) => {
            format!(
                "ALTER TABLE `{table}` uses ALGORITHM=INPLACE without LOCK=NONE, so it may block writes"
            )
        }
        _ => format!(
            "ALTER TABLE `{table}` does not say ALGORITHM and LOCK, so MySQL may copy the table and block writes"
        ),
    };
    Some(
        Violation::new(message, why(&table, algorithm)).fix(sql(ast::Statement::AlterTable(
            with_online_clauses(alter, wanted),
        ))),
    )
}

fn why(table: &str, algorithm: Option<AlterTableAlgorithm>) -> String {
    let copy = if algorithm == Some(AlterTableAlgorithm::Copy) {
        format!("ALGORITHM=COPY rebuilds `{table}` while blocking every write to it. ")
    } else {
        format!(
            "Without ALGORITHM and LOCK, MySQL silently picks the cheapest algorithm the change \
             supports, which for some changes is a full copy of `{table}` that blocks every \
             write until it ends. "
        )
    };
    format!(
        "{copy}Stating ALGORITHM=INSTANT, or ALGORITHM=INPLACE with LOCK=NONE, makes MySQL refuse \
         the statement instead of blocking; if it refuses, use an online schema change tool \
         such as gh-ost or pt-online-schema-change."
    )
}

/// `alter` with its ALGORITHM and LOCK clauses replaced by the online ones for `algorithm`.
pub(crate) fn with_online_clauses(
    alter: &AlterTable,
    algorithm: AlterTableAlgorithm,
) -> AlterTable {
    let mut online = alter.clone();
    online.operations.retain(|op| {
        !matches!(
            op,
            AlterTableOperation::Algorithm { .. } | AlterTableOperation::Lock { .. }
        )
    });
    online.operations.extend(online_clauses(algorithm));
    online
}

fn online_clauses(algorithm: AlterTableAlgorithm) -> Vec<AlterTableOperation> {
    let mut clauses = vec![AlterTableOperation::Algorithm {
        equals: true,
        algorithm,
    }];
    // INSTANT takes no LOCK clause: it never copies and only needs the metadata lock.
    if algorithm != AlterTableAlgorithm::Instant {
        clauses.push(AlterTableOperation::Lock {
            equals: true,
            lock: AlterTableLock::None,
        });
    }
    clauses
}

fn clauses(ops: &[AlterTableOperation]) -> (Option<AlterTableAlgorithm>, Option<AlterTableLock>) {
    let algorithm = ops.iter().find_map(|op| match op {
        AlterTableOperation::Algorithm { algorithm, .. } => Some(*algorithm),
        _ => None,
    });
    let lock = ops.iter().find_map(|op| match op {
        AlterTableOperation::Lock { lock, .. } => Some(*lock),
        _ => None,
    });
    (algorithm, lock)
}

/// Changes that only edit the data dictionary on every supported MySQL version.
fn is_metadata_only(op: &AlterTableOperation) -> bool {
    matches!(
        op,
        AlterTableOperation::RenameTable { .. }
            | AlterTableOperation::RenameColumn { .. }
            | AlterTableOperation::RenameConstraint { .. }
            | AlterTableOperation::DropIndex { .. }
            | AlterTableOperation::DropForeignKey { .. }
            | AlterTableOperation::AutoIncrement { .. }
            | AlterTableOperation::Algorithm { .. }
            | AlterTableOperation::Lock { .. }
            | AlterTableOperation::AlterColumn {
                op: AlterColumnOperation::SetDefault { .. } | AlterColumnOperation::DropDefault,
                ..
            }
    )
}

/// Changes MySQL 8.0.29+ can make with ALGORITHM=INSTANT.
fn can_be_instant(op: &AlterTableOperation) -> bool {
    match op {
        AlterTableOperation::AddColumn { column_def, .. } => {
            !column_def.options.iter().any(|option| {
                matches!(
                    option.option,
                    ColumnOption::PrimaryKey(_)
                        | ColumnOption::Unique(_)
                        | ColumnOption::ForeignKey(_)
                        | ColumnOption::DialectSpecific(_)
                        | ColumnOption::Generated { .. }
                )
            })
        }
        AlterTableOperation::DropColumn { .. } => true,
        other => is_metadata_only(other),
    }
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet, only};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::MysqlAlterWithoutAlgorithmLock;

    #[test]
    fn fires_on_alters_that_may_copy() {
        assert_fires(
            RULE,
            Dialect::Mysql,
            &[
                "ALTER TABLE t MODIFY COLUMN c bigint NOT NULL;",
                "ALTER TABLE t ADD COLUMN c int;",
                "ALTER TABLE t ADD INDEX i (c), ALGORITHM=INPLACE;",
                "ALTER TABLE t ADD COLUMN c int, ALGORITHM=COPY;",
                "CREATE INDEX i ON t (c);",
            ],
        );
    }

    #[test]
    fn quiet_when_online_is_stated_metadata_only_or_new() {
        assert_quiet(
            RULE,
            Dialect::Mysql,
            &[
                "ALTER TABLE t ADD COLUMN c int, ALGORITHM=INSTANT;",
                "ALTER TABLE t ADD INDEX i (c), ALGORITHM=INPLACE, LOCK=NONE;",
                "ALTER TABLE t RENAME COLUMN a TO b;",
                "ALTER TABLE t ALTER COLUMN c SET DEFAULT 1;",
                "CREATE TABLE t (c int);\nALTER TABLE t ADD INDEX i (c);",
                "CREATE INDEX i ON t (c) ALGORITHM=INPLACE LOCK=NONE;",
            ],
        );
        assert_quiet(
            RULE,
            Dialect::Postgres,
            &["ALTER TABLE t ADD COLUMN c int;"],
        );
    }

    #[test]
    fn fix_states_the_online_algorithm() {
        let add = only(
            RULE,
            Dialect::Mysql,
            "ALTER TABLE t ADD COLUMN c int, DROP COLUMN d;",
        );
        assert_eq!(
            add.fix.as_deref(),
            Some("ALTER TABLE t ADD COLUMN c INT, DROP COLUMN d, ALGORITHM = INSTANT;")
        );
        let modify = only(
            RULE,
            Dialect::Mysql,
            "ALTER TABLE t MODIFY c bigint, ALGORITHM=COPY;",
        );
        assert_eq!(
            modify.fix.as_deref(),
            Some("ALTER TABLE t MODIFY COLUMN c BIGINT, ALGORITHM = INPLACE, LOCK = NONE;")
        );
        assert!(modify.message.contains("ALGORITHM=COPY"));
        let index = only(RULE, Dialect::Mysql, "CREATE INDEX i ON t (c);");
        assert_eq!(
            index.fix.as_deref(),
            Some("CREATE INDEX i ON t(c) ALGORITHM = INPLACE LOCK = NONE;")
        );
    }
}
