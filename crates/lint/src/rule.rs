//! The closed list of lint rules, with their stable ids, default severities and engines.

use dbwarden_core::Dialect;
use serde::{Deserialize, Serialize};
use std::fmt;

/// How bad a finding is. Errors stop `dbwarden migrate up` unless allowed; warnings are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The statement locks, rewrites, breaks or destroys something: refused unless allowed.
    Error,
    /// Worth a look, but not refused.
    Warning,
}

impl Severity {
    /// `error` or `warning`, as in reports.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What kind of harm a rule guards against; groups rules in documentation and lets the runner
/// treat destructive statements apart (`--allow-destructive`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Locks that block reads or writes, and table rewrites.
    Locking,
    /// Statements that delete data.
    Destructive,
    /// Changes that break code still running against the old schema.
    Breaking,
    /// Safety settings a migration should make before taking strong locks.
    Settings,
    /// Types and forms that work today but cause trouble later.
    Hygiene,
    /// Statements that fail or misbehave under dbwarden's runner.
    Robustness,
    /// Misused `-- dbwarden:allow` comments.
    Suppression,
}

impl Category {
    /// A short heading for documentation.
    pub fn title(self) -> &'static str {
        match self {
            Category::Locking => "locks and rewrites",
            Category::Destructive => "destructive",
            Category::Breaking => "breaking changes",
            Category::Settings => "missing safety settings",
            Category::Hygiene => "type hygiene",
            Category::Robustness => "robustness",
            Category::Suppression => "suppression",
        }
    }
}

const ALL_ENGINES: &[Dialect] = &[Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite];
const POSTGRES: &[Dialect] = &[Dialect::Postgres];
const MYSQL: &[Dialect] = &[Dialect::Mysql];
const SQLITE: &[Dialect] = &[Dialect::Sqlite];
const POSTGRES_MYSQL: &[Dialect] = &[Dialect::Postgres, Dialect::Mysql];
const POSTGRES_SQLITE: &[Dialect] = &[Dialect::Postgres, Dialect::Sqlite];

macro_rules! rules {
    ($( $(#[$doc:meta])* $variant:ident => $id:literal, $severity:ident, $category:ident, $engines:ident; )*) => {
        /// A lint rule. Closed on purpose: each rule has a stable kebab-case [`Rule::id`] used in
        /// reports, `-- dbwarden:allow` comments, `--allow` and the config file, and a page in
        /// `docs/lint/<id>.md`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule {
            $( $(#[$doc])* $variant, )*
        }

        impl Rule {
            const ALL: &'static [Rule] = &[$(Rule::$variant),*];

            /// The stable kebab-case id.
            pub fn id(self) -> &'static str {
                match self { $(Rule::$variant => $id,)* }
            }

            /// The severity of its findings unless the configuration overrides it.
            pub fn default_severity(self) -> Severity {
                match self { $(Rule::$variant => Severity::$severity,)* }
            }

            /// What kind of harm it guards against.
            pub fn category(self) -> Category {
                match self { $(Rule::$variant => Category::$category,)* }
            }

            /// The engines it checks.
            pub fn engines(self) -> &'static [Dialect] {
                match self { $(Rule::$variant => $engines,)* }
            }
        }
    };
}

rules! {
    /// A `-- dbwarden:allow` comment without a reason.
    AllowWithoutReason => "allow-without-reason", Error, Suppression, ALL_ENGINES;
    /// A `-- dbwarden:allow` comment naming a rule that does not exist.
    AllowUnknownRule => "allow-unknown-rule", Error, Suppression, ALL_ENGINES;

    /// `CREATE INDEX` without `CONCURRENTLY` on an existing table.
    RequireConcurrentIndex => "require-concurrent-index", Error, Locking, POSTGRES;
    /// `CREATE`/`DROP`/`REINDEX`/`DETACH PARTITION ... CONCURRENTLY` in a migration that runs in a
    /// transaction.
    ConcurrentIndexInTransaction => "concurrent-index-in-transaction", Error, Locking, POSTGRES;
    /// `DROP INDEX` without `CONCURRENTLY`.
    DropIndexNonConcurrent => "drop-index-non-concurrent", Error, Locking, POSTGRES;

    /// `DROP TABLE`.
    DropTable => "drop-table", Error, Destructive, ALL_ENGINES;
    /// `ALTER TABLE ... DROP COLUMN`.
    DropColumn => "drop-column", Error, Destructive, ALL_ENGINES;
    /// `TRUNCATE`, with or without `CASCADE`.
    Truncate => "truncate", Error, Destructive, POSTGRES_MYSQL;
    /// `DELETE` without `WHERE`.
    DeleteWithoutWhere => "delete-without-where", Error, Destructive, ALL_ENGINES;
    /// `UPDATE` without `WHERE`.
    UpdateWithoutWhere => "update-without-where", Error, Destructive, ALL_ENGINES;
    /// `DROP DATABASE`.
    DropDatabase => "drop-database", Error, Destructive, POSTGRES_MYSQL;
    /// `DROP SCHEMA`.
    DropSchema => "drop-schema", Error, Destructive, POSTGRES_MYSQL;

    /// `RENAME COLUMN`.
    RenameColumn => "rename-column", Error, Breaking, ALL_ENGINES;
    /// `ALTER TABLE ... RENAME TO` and MySQL `RENAME TABLE`.
    RenameTable => "rename-table", Error, Breaking, ALL_ENGINES;
    /// `SET NOT NULL` without a validated `CHECK (c IS NOT NULL)` earlier in the file.
    SetNotNull => "set-not-null", Error, Locking, POSTGRES;
    /// `DROP NOT NULL`.
    DropNotNull => "drop-not-null", Warning, Breaking, POSTGRES;
    /// `ALTER COLUMN ... TYPE` that rewrites the table or narrows the column.
    AlterColumnType => "alter-column-type", Error, Locking, POSTGRES;

    /// `ADD FOREIGN KEY` without `NOT VALID`.
    AddForeignKeyWithoutNotValid => "add-foreign-key-without-not-valid", Error, Locking, POSTGRES;
    /// `ADD CHECK` without `NOT VALID`.
    AddCheckWithoutNotValid => "add-check-without-not-valid", Error, Locking, POSTGRES;
    /// `ALTER DOMAIN ... ADD CHECK` without `NOT VALID`, or `SET NOT NULL`, on an existing domain.
    DomainConstraintScan => "domain-constraint-scan", Error, Locking, POSTGRES;
    /// `ADD UNIQUE` that builds its index under the table lock.
    AddUniqueConstraintWithoutIndex => "add-unique-constraint-without-index", Error, Locking, POSTGRES;
    /// `ADD PRIMARY KEY` on an existing table.
    AddPrimaryKeyToExistingTable => "add-primary-key-to-existing-table", Error, Locking, POSTGRES_MYSQL;

    /// `ADD COLUMN ... DEFAULT now()` and other volatile defaults.
    AddColumnVolatileDefault => "add-column-volatile-default", Error, Locking, POSTGRES;
    /// `ADD COLUMN` of a serial, identity or auto-increment column on an existing table.
    AddColumnIdentityOrSerialToExistingTable => "add-column-identity-or-serial-to-existing-table", Error, Locking, POSTGRES_MYSQL;
    /// `ADD COLUMN ... NOT NULL` without a default on an existing table.
    AddColumnNotNullWithoutDefault => "add-column-not-null-without-default", Error, Robustness, POSTGRES_SQLITE;
    /// MySQL `ALTER TABLE` without `ALGORITHM=INSTANT` or `ALGORITHM=INPLACE, LOCK=NONE`.
    MysqlAlterWithoutAlgorithmLock => "mysql-alter-without-algorithm-lock", Error, Locking, MYSQL;
    /// SQLite `ALTER TABLE` forms SQLite cannot run in place.
    SqliteAlterNeedsRebuild => "sqlite-alter-needs-rebuild", Error, Robustness, SQLITE;

    /// A strong lock without `lock_timeout` (`lock_wait_timeout` on MySQL) set before it.
    MissingLockTimeout => "missing-lock-timeout", Warning, Settings, POSTGRES_MYSQL;
    /// A rewrite, scan or index build of an existing table without `statement_timeout` set before it.
    MissingStatementTimeout => "missing-statement-timeout", Warning, Settings, POSTGRES;
    /// A schema change and a data backfill in one transaction.
    SchemaChangeWithBackfill => "schema-change-with-backfill", Warning, Locking, POSTGRES_SQLITE;
    /// `VACUUM FULL`.
    VacuumFull => "vacuum-full", Error, Locking, POSTGRES;
    /// `CLUSTER`.
    Cluster => "cluster", Error, Locking, POSTGRES;
    /// `REINDEX` without `CONCURRENTLY`.
    ReindexNonConcurrent => "reindex-non-concurrent", Error, Locking, POSTGRES;
    /// `ALTER TABLE ... DETACH PARTITION` without `CONCURRENTLY`.
    DetachPartitionWithoutConcurrently => "detach-partition-without-concurrently", Error, Locking, POSTGRES;

    /// An `int` or `serial` primary key.
    PreferBigintPk => "prefer-bigint-pk", Warning, Hygiene, POSTGRES_MYSQL;
    /// `timestamp` without time zone.
    PreferTimestamptz => "prefer-timestamptz", Warning, Hygiene, POSTGRES;
    /// `char(n)`.
    PreferTextOverChar => "prefer-text-over-char", Warning, Hygiene, POSTGRES;
    /// `varchar(n)`.
    PreferTextOverVarchar => "prefer-text-over-varchar", Warning, Hygiene, POSTGRES;
    /// `json` where `jsonb` fits.
    PreferJsonb => "prefer-jsonb", Warning, Hygiene, POSTGRES;
    /// `CREATE` without `IF NOT EXISTS` in a no-transaction migration.
    CreateWithoutIfNotExistsInNoTransaction => "create-without-if-not-exists-in-no-transaction", Warning, Robustness, ALL_ENGINES;
    /// `ADD COLUMN` without `IF NOT EXISTS`, or a `DROP` without `IF EXISTS`, in a no-transaction migration.
    NotRerunnableInNoTransaction => "not-rerunnable-in-no-transaction", Warning, Robustness, ALL_ENGINES;
    /// An identifier longer than the engine keeps.
    IdentifierTooLong => "identifier-too-long", Warning, Robustness, POSTGRES_MYSQL;
    /// `ALTER TYPE ... ADD VALUE` without `BEFORE` or `AFTER`.
    EnumAddValueWithoutPosition => "enum-add-value-without-position", Warning, Robustness, POSTGRES;
    /// `ALTER TYPE ... ADD VALUE` in a transaction, before PostgreSQL 12.
    EnumAddValueInTransaction => "enum-add-value-in-transaction", Error, Robustness, POSTGRES;
    /// `BEGIN`, `COMMIT` or `ROLLBACK` in a migration.
    TransactionControlStatement => "transaction-control-statement", Error, Robustness, ALL_ENGINES;
    /// The same column assigned twice in one `UPDATE` or `INSERT`.
    DuplicateColumnAssignment => "duplicate-column-assignment", Error, Robustness, ALL_ENGINES;
    /// A non-unique index of more than three columns.
    WideNonUniqueIndex => "wide-non-unique-index", Warning, Hygiene, ALL_ENGINES;
}

impl Rule {
    /// Every rule, in documentation order.
    pub fn all() -> &'static [Rule] {
        Self::ALL
    }

    /// The rule with this id (`require-concurrent-index`), case-insensitively.
    pub fn from_id(id: &str) -> Option<Rule> {
        Self::ALL
            .iter()
            .copied()
            .find(|rule| rule.id().eq_ignore_ascii_case(id))
    }

    /// Whether the rule checks migrations for `dialect`.
    pub fn applies_to(self, dialect: Dialect) -> bool {
        self.engines().contains(&dialect)
    }

    /// Whether its findings delete data (`--allow-destructive` territory).
    pub fn is_destructive(self) -> bool {
        self.category() == Category::Destructive
    }

    /// One line saying what the rule catches.
    pub fn summary(self) -> &'static str {
        crate::rules::doc(self).summary
    }

    /// The rule's documentation page in Markdown, as in `docs/lint/<id>.md`.
    pub fn documentation(self) -> String {
        crate::documentation::page(self)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A rule id that names no rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown lint rule `{0}`; `dbwarden lint --list-rules` shows the rule ids")]
pub struct UnknownRule(pub String);

impl std::str::FromStr for Rule {
    type Err = UnknownRule;

    fn from_str(id: &str) -> Result<Self, Self::Err> {
        Rule::from_id(id).ok_or_else(|| UnknownRule(id.to_string()))
    }
}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

impl<'de> Deserialize<'de> for Rule {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let id = String::deserialize(deserializer)?;
        id.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_kebab_case_and_round_trip() {
        let mut seen = HashSet::new();
        for &rule in Rule::all() {
            let id = rule.id();
            assert!(seen.insert(id), "duplicate id {id}");
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{id} is not kebab-case"
            );
            assert_eq!(Rule::from_id(id), Some(rule));
            assert_eq!(Rule::from_id(&id.to_uppercase()), Some(rule));
            assert!(!rule.engines().is_empty());
        }
        assert_eq!(Rule::from_id("no-such-rule"), None);
    }

    #[test]
    fn rules_serialize_as_their_id() {
        let json = serde_json::to_string(&Rule::RequireConcurrentIndex).expect("serializes");
        assert_eq!(json, "\"require-concurrent-index\"");
        let back: Rule = serde_json::from_str(&json).expect("deserializes");
        assert_eq!(back, Rule::RequireConcurrentIndex);
        let unknown = serde_json::from_str::<Rule>("\"nope\"").expect_err("unknown id");
        assert!(unknown.to_string().contains("unknown lint rule `nope`"));
    }

    #[test]
    fn engines_decide_where_a_rule_applies() {
        assert!(Rule::RequireConcurrentIndex.applies_to(Dialect::Postgres));
        assert!(!Rule::RequireConcurrentIndex.applies_to(Dialect::Mysql));
        assert!(Rule::SqliteAlterNeedsRebuild.applies_to(Dialect::Sqlite));
        assert!(Rule::DropTable.applies_to(Dialect::Mysql));
        assert!(Rule::DropTable.is_destructive());
        assert!(!Rule::RenameColumn.is_destructive());
    }
}
