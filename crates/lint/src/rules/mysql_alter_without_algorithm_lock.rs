//! `mysql-alter-without-algorithm-lock`: state `ALGORITHM` and `LOCK` so MySQL refuses a
//! blocking table copy instead of silently doing one.

use super::{RuleDoc, Violation, sql};
use crate::analysis::{MysqlTableChange, OpaqueForm};
use crate::file::StatementContext;
use crate::identifiers::{object_text, written_key};
use crate::version::Engine;
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
    if let Some(OpaqueForm::MysqlTableOptions {
        table,
        change,
        algorithm,
        lock,
    }) = cx.opaque()
    {
        return table_options(cx, table, *change, algorithm.as_deref(), lock.as_deref())
            .into_iter()
            .collect();
    }
    match cx.ast() {
        Some(ast::Statement::AlterTable(alter)) if !cx.is_new_table(&alter.name) => {
            check_alter(cx, alter).into_iter().collect()
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

/// `CONVERT TO CHARACTER SET` and `ENGINE = ...`, which the parser does not read: both rebuild
/// the table; a conversion always copies it.
fn table_options(
    cx: &StatementContext,
    table: &str,
    change: MysqlTableChange,
    algorithm: Option<&str>,
    lock: Option<&str>,
) -> Option<Violation> {
    if change == MysqlTableChange::DefaultCharset
        || cx.is_new_table_key(&written_key(table))
        || algorithm == Some("INSTANT")
        || (algorithm == Some("INPLACE") && lock == Some("NONE"))
    {
        return None;
    }
    let (message, why) = match change {
        MysqlTableChange::ConvertCharset => (
            format!("CONVERT TO CHARACTER SET copies `{table}` and blocks writes until it ends"),
            format!(
                "Converting the character set rewrites every text column, which MySQL does \
                 with ALGORITHM=COPY: `{table}` is rebuilt while every write to it waits. \
                 Stating ALGORITHM=INPLACE, LOCK=NONE makes MySQL refuse instead of blocking; \
                 to convert a large table online, use gh-ost or pt-online-schema-change."
            ),
        ),
        MysqlTableChange::Engine | MysqlTableChange::DefaultCharset => (
            format!(
                "ALTER TABLE `{table}` ENGINE=... rebuilds the table without ALGORITHM and LOCK"
            ),
            format!(
                "ENGINE=... rebuilds `{table}`. Without ALGORITHM=INPLACE, LOCK=NONE MySQL may \
                 rebuild it by copying, blocking every write until it ends; stated, MySQL \
                 rebuilds online or refuses."
            ),
        ),
    };
    let body = cx.sql().trim_end();
    Some(Violation::new(message, why).fix(format!("{body}, ALGORITHM=INPLACE, LOCK=NONE;")))
}

fn check_alter(cx: &StatementContext, alter: &AlterTable) -> Option<Violation> {
    let changes: Vec<&AlterTableOperation> = alter
        .operations
        .iter()
        .filter(|op| !is_metadata_only(op))
        .collect();
    if changes.is_empty() {
        return None;
    }
    let (algorithm, lock) = clauses(&alter.operations);
    let instant = changes.iter().all(|op| can_be_instant(cx, op));
    match (algorithm, lock) {
        (Some(AlterTableAlgorithm::Instant), _) if !instant => {
            let target = cx.file.target.map(|t| t.to_string()).unwrap_or_default();
            let table = object_text(&alter.name);
            return Some(
                Violation::new(
                    format!("{target} cannot make this change to `{table}` with ALGORITHM=INSTANT: the statement fails"),
                    format!(
                        "{target} refuses ALGORITHM=INSTANT for this change (instant ADD COLUMN \
                         needs MySQL 8.0.12, or 8.0.29 for a position other than last; instant \
                         DROP COLUMN needs MySQL 8.0.29; on MariaDB 10.3 and 10.4). Ask for \
                         ALGORITHM=INPLACE, LOCK=NONE, which rebuilds `{table}` online."
                    ),
                )
                .fix(sql(ast::Statement::AlterTable(with_online_clauses(
                    alter,
                    AlterTableAlgorithm::Inplace,
                )))),
            );
        }
        (Some(AlterTableAlgorithm::Instant), _)
        | (Some(AlterTableAlgorithm::Inplace), Some(AlterTableLock::None)) => return None,
        _ => {}
    }
    let wanted = if instant {
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

/// Changes the target server can make with ALGORITHM=INSTANT (MySQL 8.0.29+ and MariaDB
/// 10.4+ without a target version).
fn can_be_instant(cx: &StatementContext, op: &AlterTableOperation) -> bool {
    match op {
        AlterTableOperation::AddColumn {
            column_def,
            column_position,
            ..
        } => {
            let server = if column_position.is_some() {
                !cx.target_before(Engine::Mysql, 8, 0, 29)
                    && !cx.target_before(Engine::Mariadb, 10, 4, 0)
            } else {
                !cx.target_before(Engine::Mysql, 8, 0, 12)
                    && !cx.target_before(Engine::Mariadb, 10, 3, 2)
            };
            server
                && !column_def.options.iter().any(|option| {
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
        AlterTableOperation::DropColumn { .. } => {
            !cx.target_before(Engine::Mysql, 8, 0, 29)
                && !cx.target_before(Engine::Mariadb, 10, 4, 0)
        }
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
                "ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci;",
                "ALTER TABLE db.t CONVERT TO CHARSET utf8mb4, ALGORITHM=COPY;",
                "ALTER TABLE t ENGINE=InnoDB;",
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
                "ALTER TABLE t DEFAULT CHARACTER SET utf8mb4;",
                "ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4, ALGORITHM=INPLACE, LOCK=NONE;",
                "CREATE TABLE t (c text);\nALTER TABLE t CONVERT TO CHARACTER SET utf8mb4;",
            ],
        );
        assert_quiet(
            RULE,
            Dialect::Postgres,
            &["ALTER TABLE t ADD COLUMN c int;"],
        );
    }

    #[test]
    fn instant_depends_on_the_server_version() {
        use crate::rules::testing::findings_for;
        let drop = "ALTER TABLE t DROP COLUMN c, ALGORITHM=INSTANT;";
        assert!(findings_for(RULE, "mysql:8.0.29", drop).is_empty());
        assert!(findings_for(RULE, "mariadb:10.4", drop).is_empty());
        let old = findings_for(RULE, "mysql:8.0.28", drop);
        assert_eq!(old.len(), 1, "{old:#?}");
        assert!(
            old[0]
                .message
                .contains("MySQL 8.0.28 cannot make this change")
        );
        assert_eq!(
            old[0].fix.as_deref(),
            Some("ALTER TABLE t DROP COLUMN c, ALGORITHM = INPLACE, LOCK = NONE;")
        );
        let add = "ALTER TABLE t ADD COLUMN c int, ALGORITHM=INSTANT;";
        assert!(findings_for(RULE, "mysql:8.0.12", add).is_empty());
        assert_eq!(findings_for(RULE, "mysql:5.7", add).len(), 1);
        let first = "ALTER TABLE t ADD COLUMN c int FIRST, ALGORITHM=INSTANT;";
        assert_eq!(findings_for(RULE, "mysql:8.0.20", first).len(), 1);
        // The suggested algorithm follows the version too.
        let plain = findings_for(RULE, "mysql:8.0.20", "ALTER TABLE t DROP COLUMN c;");
        assert!(
            plain[0]
                .fix
                .as_deref()
                .is_some_and(|fix| fix.contains("INPLACE")),
            "{plain:#?}"
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
