//! `allow-without-reason`: a `-- dbwarden:allow` comment must say why.

use super::{RuleDoc, Violation};
use crate::rule::Rule;
use crate::suppression::Allow;

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "A `-- dbwarden:allow` comment that gives no reason; it allows nothing.",
    why: "An allow comment accepts a dangerous statement on someone's word. The reason is what \
          the reviewer reads and what the event log keeps when the migration runs, so dbwarden \
          requires one: an allow without a reason is void, and the finding it meant to allow \
          still stands.",
    bad: "-- dbwarden:allow drop-column\nALTER TABLE users DROP COLUMN legacy_flags;\n",
    good: "-- dbwarden:allow drop-column nothing reads legacy_flags since release 2024.06\n\
           ALTER TABLE users DROP COLUMN legacy_flags;\n",
};

/// The finding for an allow of `rule` that gives no reason.
pub(crate) fn violation(allow: &Allow, rule: Rule) -> Violation {
    Violation::new(
        format!("`-- dbwarden:allow {rule}` gives no reason, so it allows nothing"),
        format!(
            "An allow comment must say why the statement is safe here: the reason is shown to \
             reviewers and recorded when the migration runs. Until it has one, the {rule} \
             finding on this statement stands."
        ),
    )
    .fix(format!("{} <why this is safe here>", allow.text.trim_end()))
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet, only};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::AllowWithoutReason;

    #[test]
    fn fires_on_allows_without_reason_in_every_dialect() {
        for dialect in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
            assert_fires(
                RULE,
                dialect,
                &[
                    "-- dbwarden:allow drop-table\nDROP TABLE t;",
                    "DROP TABLE t; -- dbwarden:allow drop-table   ",
                    "DELETE FROM t\n-- dbwarden:allow delete-without-where\n;",
                ],
            );
        }
    }

    #[test]
    fn quiet_with_a_reason_or_without_allow() {
        for dialect in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
            assert_quiet(
                RULE,
                dialect,
                &[
                    "-- dbwarden:allow drop-table archived in s3://backups/t\nDROP TABLE t;",
                    "DROP TABLE t;",
                    "-- dbwarden allow drop-table\nDROP TABLE t;",
                ],
            );
        }
    }

    #[test]
    fn fix_asks_for_the_reason() {
        let finding = only(
            RULE,
            Dialect::Postgres,
            "-- dbwarden:allow drop-table\nDROP TABLE t;",
        );
        assert_eq!(
            finding.fix.as_deref(),
            Some("-- dbwarden:allow drop-table <why this is safe here>")
        );
    }
}
