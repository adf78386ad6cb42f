//! `vacuum-full`: `VACUUM FULL` rewrites the table under an exclusive lock.

use super::{RuleDoc, Violation, no_transaction_migration};
use crate::analysis::OpaqueForm;
use crate::file::StatementContext;
use sqlparser::ast;

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "`VACUUM FULL`.",
    why: "VACUUM FULL copies the whole table into a new file and rebuilds its indexes under an \
          ACCESS EXCLUSIVE lock: no reads or writes until the copy ends, and it needs room for \
          a second copy of the table. A plain VACUUM makes dead space reusable while reads and \
          writes continue; to give space back to the operating system online, use pg_repack \
          outside migrations. VACUUM cannot run inside a transaction either.",
    bad: "VACUUM FULL orders;\n",
    good: "-- dbwarden:no-transaction\nVACUUM (ANALYZE) orders;\n",
};

pub(crate) fn check(cx: &StatementContext) -> Vec<Violation> {
    let table = match (cx.ast(), cx.opaque()) {
        (Some(ast::Statement::Vacuum(vacuum)), _) if vacuum.full => {
            vacuum.table_name.as_ref().map(ToString::to_string)
        }
        (_, Some(OpaqueForm::Vacuum { full: true, table })) => table.clone(),
        _ => return Vec::new(),
    };
    let (subject, target) = match &table {
        Some(table) => (format!("`{table}`"), format!(" {table}")),
        None => ("every table of the database".to_string(), String::new()),
    };
    vec![
        Violation::new(
            format!("VACUUM FULL rewrites {subject} under an exclusive lock"),
            format!(
                "VACUUM FULL copies {subject} into new files and rebuilds the indexes under an \
                 ACCESS EXCLUSIVE lock: no reads or writes until the copy ends. A plain VACUUM \
                 makes dead space reusable without blocking; pg_repack gives space back online."
            ),
        )
        .fix(no_transaction_migration(
            cx,
            &format!("VACUUM (ANALYZE){target};"),
        )),
    ]
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet, only};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::VacuumFull;

    #[test]
    fn fires_on_full_vacuums() {
        assert_fires(
            RULE,
            Dialect::Postgres,
            &[
                "VACUUM FULL t;",
                "VACUUM (FULL, ANALYZE) t;",
                "VACUUM FULL;",
                "VACUUM (VERBOSE, FULL true) t;",
            ],
        );
    }

    #[test]
    fn quiet_on_plain_vacuums() {
        assert_quiet(
            RULE,
            Dialect::Postgres,
            &[
                "VACUUM t;",
                "VACUUM (ANALYZE) t;",
                "VACUUM (FULL false) t;",
                "ANALYZE t;",
            ],
        );
    }

    #[test]
    fn fix_is_a_plain_vacuum_outside_a_transaction() {
        let finding = only(RULE, Dialect::Postgres, "VACUUM FULL orders;");
        assert_eq!(
            finding.fix.as_deref(),
            Some("-- dbwarden:no-transaction\nVACUUM (ANALYZE) orders;")
        );
    }
}
