//! `prefer-timestamptz`: `timestamp` without time zone loses the instant it records.

use super::{RuleDoc, Violation};
use crate::columns::type_hygiene;
use crate::file::StatementContext;
use sqlparser::ast::{DataType, TimezoneInfo};

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "A `timestamp` (without time zone) column.",
    why: "timestamp without time zone stores a wall-clock reading with no zone: the same value \
          means different instants depending on the session's TimeZone, comparisons across \
          daylight-saving changes go wrong, and converting later rewrites the table. timestamptz \
          stores an instant (as UTC) and costs nothing more.",
    bad: "CREATE TABLE events (id bigint PRIMARY KEY, happened_at timestamp NOT NULL);\n",
    good: "CREATE TABLE events (id bigint PRIMARY KEY, happened_at timestamptz NOT NULL);\n",
};

pub(crate) fn check(cx: &StatementContext) -> Vec<Violation> {
    let Some(statement) = cx.ast() else {
        return Vec::new();
    };
    type_hygiene(
        statement,
        |column| {
            matches!(
                column.data_type,
                DataType::Timestamp(_, TimezoneInfo::None | TimezoneInfo::WithoutTimeZone)
            )
        },
        |data_type| match data_type {
            DataType::Timestamp(precision, _) => DataType::Timestamp(*precision, TimezoneInfo::Tz),
            other => other.clone(),
        },
        |columns| format!("{columns} has no time zone; use timestamptz"),
        "timestamp without time zone stores a wall-clock reading: its meaning depends on each \
         session's TimeZone and breaks across daylight-saving changes, and converting later \
         rewrites the table. timestamptz stores the instant and costs nothing more.",
    )
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet, only};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::PreferTimestamptz;

    #[test]
    fn fires_on_timestamp_without_time_zone() {
        assert_fires(
            RULE,
            Dialect::Postgres,
            &[
                "CREATE TABLE t (at timestamp);",
                "CREATE TABLE t (at timestamp(3) without time zone);",
                "ALTER TABLE t ADD COLUMN at timestamp DEFAULT now();",
                "ALTER TABLE t ALTER COLUMN at TYPE timestamp;",
            ],
        );
    }

    #[test]
    fn quiet_on_timestamptz() {
        assert_quiet(
            RULE,
            Dialect::Postgres,
            &[
                "CREATE TABLE t (at timestamptz);",
                "CREATE TABLE t (at timestamp with time zone);",
                "ALTER TABLE t ADD COLUMN d date;",
            ],
        );
        assert_quiet(RULE, Dialect::Mysql, &["CREATE TABLE t (at timestamp);"]);
    }

    #[test]
    fn fix_uses_timestamptz() {
        let finding = only(
            RULE,
            Dialect::Postgres,
            "CREATE TABLE t (a timestamp(3), b timestamp);",
        );
        assert_eq!(
            finding.fix.as_deref(),
            Some("CREATE TABLE t (a TIMESTAMPTZ(3), b TIMESTAMPTZ);")
        );
    }
}
