//! The rules, one file each. A rule is a function from a statement (with its file) to
//! violations; it matches on the sqlparser AST, and on keywords only for the forms the parser
//! does not read ([`crate::analysis::OpaqueForm`]).

use crate::file::StatementContext;
use crate::rule::Rule;
use crate::suppression::Allow;
use sqlparser::tokenizer::Span;

mod add_check_without_not_valid;
pub(crate) mod add_column_identity_or_serial;
mod add_column_not_null_without_default;
pub(crate) mod add_column_volatile_default;
mod add_foreign_key_without_not_valid;
mod add_primary_key_to_existing_table;
mod add_unique_constraint_without_index;
mod allow_unknown_rule;
mod allow_without_reason;
pub(crate) mod alter_column_type;
mod cluster;
mod concurrent_index_in_transaction;
mod create_without_if_not_exists_in_no_transaction;
mod delete_without_where;
mod detach_partition_without_concurrently;
mod domain_constraint_scan;
mod drop_column;
mod drop_database;
mod drop_index_non_concurrent;
mod drop_not_null;
mod drop_schema;
mod drop_table;
mod duplicate_column_assignment;
mod enum_add_value_in_transaction;
mod enum_add_value_without_position;
mod identifier_too_long;
mod missing_lock_timeout;
mod missing_statement_timeout;
mod mysql_alter_without_algorithm_lock;
mod not_rerunnable_in_no_transaction;
mod prefer_bigint_pk;
mod prefer_jsonb;
mod prefer_text_over_char;
mod prefer_text_over_varchar;
mod prefer_timestamptz;
mod reindex_non_concurrent;
mod rename_column;
mod rename_table;
mod require_concurrent_index;
mod schema_change_with_backfill;
pub(crate) mod set_not_null;
mod sqlite_alter_needs_rebuild;
mod transaction_control_statement;
mod truncate;
mod update_without_where;
mod vacuum_full;
mod wide_non_unique_index;

/// One violation of a rule by a statement, before configuration and allows make it a
/// [`crate::Finding`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Violation {
    /// One line.
    pub(crate) message: String,
    /// The lock, the rewrite or the breakage, in a sentence or two.
    pub(crate) why: String,
    /// The safe alternative as SQL.
    pub(crate) fix: Option<String>,
    /// Where in the statement, when the parser knows.
    pub(crate) at: Option<Span>,
}

impl Violation {
    pub(crate) fn new(message: impl Into<String>, why: impl Into<String>) -> Self {
        Violation {
            message: message.into(),
            why: why.into(),
            fix: None,
            at: None,
        }
    }

    pub(crate) fn fix(mut self, sql: impl Into<String>) -> Self {
        self.fix = Some(sql.into());
        self
    }

    pub(crate) fn at(mut self, span: Span) -> Self {
        self.at = Some(span);
        self
    }
}

/// A rule's documentation, rendered to `docs/lint/<id>.md`. The examples are checked: `bad`
/// must trigger the rule and `good` must not, on the rule's first engine.
#[derive(Debug)]
pub(crate) struct RuleDoc {
    /// What the rule catches, one line.
    pub(crate) summary: &'static str,
    /// Why it is dangerous, in general.
    pub(crate) why: &'static str,
    /// A migration that triggers the rule.
    pub(crate) bad: &'static str,
    /// The safe alternative to `bad`.
    pub(crate) good: &'static str,
}

/// The violations of `rule` by the statement.
pub(crate) fn check(rule: Rule, cx: &StatementContext) -> Vec<Violation> {
    match rule {
        // Reported from the allow comments themselves, see `misused_allow`.
        Rule::AllowWithoutReason | Rule::AllowUnknownRule => Vec::new(),
        Rule::RequireConcurrentIndex => require_concurrent_index::check(cx),
        Rule::ConcurrentIndexInTransaction => concurrent_index_in_transaction::check(cx),
        Rule::DropIndexNonConcurrent => drop_index_non_concurrent::check(cx),
        Rule::DropTable => drop_table::check(cx),
        Rule::DropColumn => drop_column::check(cx),
        Rule::Truncate => truncate::check(cx),
        Rule::DeleteWithoutWhere => delete_without_where::check(cx),
        Rule::UpdateWithoutWhere => update_without_where::check(cx),
        Rule::DropDatabase => drop_database::check(cx),
        Rule::DropSchema => drop_schema::check(cx),
        Rule::RenameColumn => rename_column::check(cx),
        Rule::RenameTable => rename_table::check(cx),
        Rule::SetNotNull => set_not_null::check(cx),
        Rule::DropNotNull => drop_not_null::check(cx),
        Rule::AlterColumnType => alter_column_type::check(cx),
        Rule::AddForeignKeyWithoutNotValid => add_foreign_key_without_not_valid::check(cx),
        Rule::AddCheckWithoutNotValid => add_check_without_not_valid::check(cx),
        Rule::DomainConstraintScan => domain_constraint_scan::check(cx),
        Rule::AddUniqueConstraintWithoutIndex => add_unique_constraint_without_index::check(cx),
        Rule::AddPrimaryKeyToExistingTable => add_primary_key_to_existing_table::check(cx),
        Rule::AddColumnVolatileDefault => add_column_volatile_default::check(cx),
        Rule::AddColumnIdentityOrSerialToExistingTable => add_column_identity_or_serial::check(cx),
        Rule::AddColumnNotNullWithoutDefault => add_column_not_null_without_default::check(cx),
        Rule::MysqlAlterWithoutAlgorithmLock => mysql_alter_without_algorithm_lock::check(cx),
        Rule::SqliteAlterNeedsRebuild => sqlite_alter_needs_rebuild::check(cx),
        Rule::MissingLockTimeout => missing_lock_timeout::check(cx),
        Rule::MissingStatementTimeout => missing_statement_timeout::check(cx),
        Rule::SchemaChangeWithBackfill => schema_change_with_backfill::check(cx),
        Rule::VacuumFull => vacuum_full::check(cx),
        Rule::Cluster => cluster::check(cx),
        Rule::ReindexNonConcurrent => reindex_non_concurrent::check(cx),
        Rule::DetachPartitionWithoutConcurrently => {
            detach_partition_without_concurrently::check(cx)
        }
        Rule::PreferBigintPk => prefer_bigint_pk::check(cx),
        Rule::PreferTimestamptz => prefer_timestamptz::check(cx),
        Rule::PreferTextOverChar => prefer_text_over_char::check(cx),
        Rule::PreferTextOverVarchar => prefer_text_over_varchar::check(cx),
        Rule::PreferJsonb => prefer_jsonb::check(cx),
        Rule::CreateWithoutIfNotExistsInNoTransaction => {
            create_without_if_not_exists_in_no_transaction::check(cx)
        }
        Rule::NotRerunnableInNoTransaction => not_rerunnable_in_no_transaction::check(cx),
        Rule::IdentifierTooLong => identifier_too_long::check(cx),
        Rule::EnumAddValueWithoutPosition => enum_add_value_without_position::check(cx),
        Rule::EnumAddValueInTransaction => enum_add_value_in_transaction::check(cx),
        Rule::TransactionControlStatement => transaction_control_statement::check(cx),
        Rule::DuplicateColumnAssignment => duplicate_column_assignment::check(cx),
        Rule::WideNonUniqueIndex => wide_non_unique_index::check(cx),
    }
}

/// The documentation of `rule`.
pub(crate) fn doc(rule: Rule) -> &'static RuleDoc {
    match rule {
        Rule::AllowWithoutReason => &allow_without_reason::DOC,
        Rule::AllowUnknownRule => &allow_unknown_rule::DOC,
        Rule::RequireConcurrentIndex => &require_concurrent_index::DOC,
        Rule::ConcurrentIndexInTransaction => &concurrent_index_in_transaction::DOC,
        Rule::DropIndexNonConcurrent => &drop_index_non_concurrent::DOC,
        Rule::DropTable => &drop_table::DOC,
        Rule::DropColumn => &drop_column::DOC,
        Rule::Truncate => &truncate::DOC,
        Rule::DeleteWithoutWhere => &delete_without_where::DOC,
        Rule::UpdateWithoutWhere => &update_without_where::DOC,
        Rule::DropDatabase => &drop_database::DOC,
        Rule::DropSchema => &drop_schema::DOC,
        Rule::RenameColumn => &rename_column::DOC,
        Rule::RenameTable => &rename_table::DOC,
        Rule::SetNotNull => &set_not_null::DOC,
        Rule::DropNotNull => &drop_not_null::DOC,
        Rule::AlterColumnType => &alter_column_type::DOC,
        Rule::AddForeignKeyWithoutNotValid => &add_foreign_key_without_not_valid::DOC,
        Rule::AddCheckWithoutNotValid => &add_check_without_not_valid::DOC,
        Rule::DomainConstraintScan => &domain_constraint_scan::DOC,
        Rule::AddUniqueConstraintWithoutIndex => &add_unique_constraint_without_index::DOC,
        Rule::AddPrimaryKeyToExistingTable => &add_primary_key_to_existing_table::DOC,
        Rule::AddColumnVolatileDefault => &add_column_volatile_default::DOC,
        Rule::AddColumnIdentityOrSerialToExistingTable => &add_column_identity_or_serial::DOC,
        Rule::AddColumnNotNullWithoutDefault => &add_column_not_null_without_default::DOC,
        Rule::MysqlAlterWithoutAlgorithmLock => &mysql_alter_without_algorithm_lock::DOC,
        Rule::SqliteAlterNeedsRebuild => &sqlite_alter_needs_rebuild::DOC,
        Rule::MissingLockTimeout => &missing_lock_timeout::DOC,
        Rule::MissingStatementTimeout => &missing_statement_timeout::DOC,
        Rule::SchemaChangeWithBackfill => &schema_change_with_backfill::DOC,
        Rule::VacuumFull => &vacuum_full::DOC,
        Rule::Cluster => &cluster::DOC,
        Rule::ReindexNonConcurrent => &reindex_non_concurrent::DOC,
        Rule::DetachPartitionWithoutConcurrently => &detach_partition_without_concurrently::DOC,
        Rule::PreferBigintPk => &prefer_bigint_pk::DOC,
        Rule::PreferTimestamptz => &prefer_timestamptz::DOC,
        Rule::PreferTextOverChar => &prefer_text_over_char::DOC,
        Rule::PreferTextOverVarchar => &prefer_text_over_varchar::DOC,
        Rule::PreferJsonb => &prefer_jsonb::DOC,
        Rule::CreateWithoutIfNotExistsInNoTransaction => {
            &create_without_if_not_exists_in_no_transaction::DOC
        }
        Rule::NotRerunnableInNoTransaction => &not_rerunnable_in_no_transaction::DOC,
        Rule::IdentifierTooLong => &identifier_too_long::DOC,
        Rule::EnumAddValueWithoutPosition => &enum_add_value_without_position::DOC,
        Rule::EnumAddValueInTransaction => &enum_add_value_in_transaction::DOC,
        Rule::TransactionControlStatement => &transaction_control_statement::DOC,
        Rule::DuplicateColumnAssignment => &duplicate_column_assignment::DOC,
        Rule::WideNonUniqueIndex => &wide_non_unique_index::DOC,
    }
}

/// The server version a rule's documentation example is written for, when the rule only
/// applies to some versions.
pub(crate) fn example_target(rule: Rule) -> Option<&'static str> {
    match rule {
        Rule::EnumAddValueInTransaction => Some(enum_add_value_in_transaction::EXAMPLE_TARGET),
        _ => None,
    }
}

/// The finding an allow comment itself deserves: no reason, or a rule that does not exist.
pub(crate) fn misused_allow(allow: &Allow) -> Option<(Rule, Violation)> {
    match allow.rule() {
        None => Some((Rule::AllowUnknownRule, allow_unknown_rule::violation(allow))),
        Some(rule) if allow.reason.is_none() => Some((
            Rule::AllowWithoutReason,
            allow_without_reason::violation(allow, rule),
        )),
        Some(_) => None,
    }
}

/// The text of a statement with a terminator, for fixes.
pub(crate) fn sql(statement: impl std::fmt::Display) -> String {
    format!("{statement};")
}

/// A fix that must run as its own migration outside a transaction.
pub(crate) fn no_transaction_migration(cx: &StatementContext, statements: &str) -> String {
    if cx.no_transaction() {
        statements.to_string()
    } else {
        format!("-- dbwarden:no-transaction\n{statements}")
    }
}

/// Helpers for the rules' tests.
#[cfg(test)]
pub(crate) mod testing {
    use crate::{Finding, LintConfig, LintInput, Rule, lint};
    use dbwarden_core::Dialect;

    /// Every finding for `source`, default configuration.
    pub(crate) fn findings(dialect: Dialect, source: &str) -> Vec<Finding> {
        lint(
            &LintInput {
                path: "test.sql",
                source,
                dialect,
            },
            &LintConfig::default(),
        )
        .findings
    }

    /// The findings of `rule` for `source`.
    pub(crate) fn findings_of(rule: Rule, dialect: Dialect, source: &str) -> Vec<Finding> {
        findings(dialect, source)
            .into_iter()
            .filter(|finding| finding.rule == rule)
            .collect()
    }

    /// The findings of `rule` for `source` linted for `target` (`postgres:11`), on the
    /// target's engine.
    pub(crate) fn findings_for(rule: Rule, target: &str, source: &str) -> Vec<Finding> {
        let dialect = match target.split(':').next() {
            Some("mysql" | "mariadb") => Dialect::Mysql,
            Some("sqlite") => Dialect::Sqlite,
            _ => Dialect::Postgres,
        };
        let config = LintConfig {
            target_version: Some(
                crate::TargetVersion::parse(target, dialect).expect("a valid target version"),
            ),
            ..LintConfig::default()
        };
        lint(
            &LintInput {
                path: "test.sql",
                source,
                dialect,
            },
            &config,
        )
        .findings
        .into_iter()
        .filter(|finding| finding.rule == rule)
        .collect()
    }

    /// The one finding of `rule` for `source`.
    pub(crate) fn only(rule: Rule, dialect: Dialect, source: &str) -> Finding {
        let mut found = findings_of(rule, dialect, source);
        assert_eq!(found.len(), 1, "{rule} on {source:?}: {found:#?}");
        found.remove(0)
    }

    /// Asserts that `rule` fires on each source.
    pub(crate) fn assert_fires(rule: Rule, dialect: Dialect, sources: &[&str]) {
        for source in sources {
            assert!(
                !findings_of(rule, dialect, source).is_empty(),
                "{rule} should fire on {dialect}: {source}"
            );
        }
    }

    /// Asserts that `rule` stays quiet on each source.
    pub(crate) fn assert_quiet(rule: Rule, dialect: Dialect, sources: &[&str]) {
        for source in sources {
            let found = findings_of(rule, dialect, source);
            assert!(
                found.is_empty(),
                "{rule} should not fire on {dialect}: {source}\n{found:#?}"
            );
        }
    }
}
