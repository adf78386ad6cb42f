//! `add-primary-key-to-existing-table`: adding a primary key builds an index (and, on MySQL,
//! rebuilds the table) while blocking writes.

use super::mysql_alter_without_algorithm_lock::with_online_clauses;
use super::{RuleDoc, Violation, no_transaction_migration, sql};
use crate::file::StatementContext;
use crate::identifiers::{invent, object_text};
use dbwarden_core::Dialect;
use sqlparser::ast::{self, AlterTableOperation, ColumnOption, Spanned, TableConstraint};

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "`ADD PRIMARY KEY` on a table that exists before the migration.",
    why: "On PostgreSQL, ADD PRIMARY KEY builds a unique index under an ACCESS EXCLUSIVE lock, \
          and first scans the table to set its columns NOT NULL: no reads or writes until both \
          end. Build the index with CREATE UNIQUE INDEX CONCURRENTLY and attach it with ADD \
          CONSTRAINT ... PRIMARY KEY USING INDEX (make the columns NOT NULL first, see \
          set-not-null). On MySQL, adding a primary key rebuilds the whole table (InnoDB \
          clusters rows by it): state ALGORITHM=INPLACE, LOCK=NONE so MySQL refuses rather \
          than blocking writes, or use an online schema change tool.",
    bad: "ALTER TABLE audit_log ADD PRIMARY KEY (id);\n",
    good: "-- dbwarden:no-transaction\n\
           CREATE UNIQUE INDEX CONCURRENTLY audit_log_pkey ON audit_log (id);\n\
           ALTER TABLE audit_log ADD CONSTRAINT audit_log_pkey PRIMARY KEY USING INDEX audit_log_pkey;\n",
};

pub(crate) fn check(cx: &StatementContext) -> Vec<Violation> {
    let Some(alter) = cx.alter_existing_table() else {
        return Vec::new();
    };
    let table = object_text(&alter.name);
    alter
        .operations
        .iter()
        .filter_map(|op| {
            let columns: Option<Vec<String>> = match op {
                AlterTableOperation::AddConstraint {
                    constraint: TableConstraint::PrimaryKey(key),
                    ..
                } => Some(key.columns.iter().map(ToString::to_string).collect()),
                AlterTableOperation::AddColumn { column_def, .. }
                    if column_def
                        .options
                        .iter()
                        .any(|option| matches!(option.option, ColumnOption::PrimaryKey(_))) =>
                {
                    None
                }
                _ => return None,
            };
            let (why, fix) = match cx.dialect() {
                Dialect::Mysql => (
                    format!(
                        "InnoDB stores rows in primary key order, so adding one rebuilds all of \
                         `{table}`. Without ALGORITHM=INPLACE, LOCK=NONE MySQL may block writes \
                         for the whole rebuild; stated, MySQL refuses instead of blocking. For a \
                         large table use an online schema change tool (gh-ost, \
                         pt-online-schema-change)."
                    ),
                    Some(sql(ast::Statement::AlterTable(with_online_clauses(
                        alter,
                        ast::AlterTableAlgorithm::Inplace,
                    )))),
                ),
                Dialect::Postgres | Dialect::Sqlite => (
                    format!(
                        "ADD PRIMARY KEY builds a unique index on `{table}` under an ACCESS \
                         EXCLUSIVE lock, after scanning it to set the key columns NOT NULL: no \
                         reads or writes until both end. Build the index concurrently and attach \
                         it with PRIMARY KEY USING INDEX; make the columns NOT NULL first (see \
                         set-not-null)."
                    ),
                    columns.map(|columns| {
                        let name = invent(cx.dialect(), &[&table], "pkey");
                        no_transaction_migration(
                            cx,
                            &format!(
                                "CREATE UNIQUE INDEX CONCURRENTLY {name} ON {} ({});\n\
                                 ALTER TABLE {} ADD CONSTRAINT {name} PRIMARY KEY USING INDEX {name};",
                                alter.name,
                                columns.join(", "),
                                alter.name
                            ),
                        )
                    }),
                ),
            };
            Some(Violation {
                fix,
                ..Violation::new(
                    format!("adding a primary key to existing table `{table}` blocks writes while it builds"),
                    why,
                )
                .at(op.span())
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet, only};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::AddPrimaryKeyToExistingTable;

    #[test]
    fn fires_on_postgres_and_mysql() {
        for dialect in [Dialect::Postgres, Dialect::Mysql] {
            assert_fires(
                RULE,
                dialect,
                &[
                    "ALTER TABLE t ADD PRIMARY KEY (id);",
                    "ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY (a, b);",
                    "ALTER TABLE t ADD COLUMN id bigint PRIMARY KEY;",
                ],
            );
        }
    }

    #[test]
    fn quiet_on_new_tables_and_attached_indexes() {
        for dialect in [Dialect::Postgres, Dialect::Mysql] {
            assert_quiet(
                RULE,
                dialect,
                &[
                    "CREATE TABLE t (id int);\nALTER TABLE t ADD PRIMARY KEY (id);",
                    "CREATE TABLE t (id int PRIMARY KEY);",
                    "ALTER TABLE t ADD COLUMN c int;",
                ],
            );
        }
        assert_quiet(
            RULE,
            Dialect::Postgres,
            &["ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_pkey;"],
        );
    }

    #[test]
    fn fixes_per_engine() {
        let pg = only(
            RULE,
            Dialect::Postgres,
            "ALTER TABLE t ADD PRIMARY KEY (id);",
        );
        assert_eq!(
            pg.fix.as_deref(),
            Some(
                "-- dbwarden:no-transaction\nCREATE UNIQUE INDEX CONCURRENTLY t_pkey ON t (id);\n\
                 ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_pkey;"
            )
        );
        let mysql = only(RULE, Dialect::Mysql, "ALTER TABLE t ADD PRIMARY KEY (id);");
        assert_eq!(
            mysql.fix.as_deref(),
            Some("ALTER TABLE t ADD PRIMARY KEY (id), ALGORITHM = INPLACE, LOCK = NONE;")
        );
    }
}
