//! Older servers than the defaults assume: what changes when the server's version is known.
//!
//! - PostgreSQL before 11 writes an added column's default into every row (manual, "ALTER
//!   TABLE", release 11 notes: "Allow ALTER TABLE to add a column with a non-null default
//!   without doing a table rewrite").
//! - MySQL adds a column at the end INSTANTly from 8.0.12, at any position and drops one from
//!   8.0.29; MariaDB from 10.3.2 and 10.4 respectively. Before, InnoDB rebuilds the table in
//!   place (`ALGORITHM=INPLACE`, concurrent DML still allowed).

use super::{Mechanics, MysqlAlgorithm, MysqlLock, PgLockMode};
use crate::diff::LockInfo;
use crate::diff::{Change, ColumnPosition};
use crate::version::{Engine, TargetVersion};

/// `mechanics` as they are on `version`, when that differs from the default assumption.
pub(super) fn on_version(
    change: &Change,
    mechanics: Mechanics,
    version: &TargetVersion,
) -> Mechanics {
    match (version.engine, change) {
        (Engine::Postgres, Change::AddColumn { column, .. })
            if !mechanics.rewrites_table
                && column.default.is_some()
                && version.is_before(Engine::Postgres, 11, 0, 0) =>
        {
            Mechanics::new(
                true,
                LockInfo::Postgres {
                    mode: Some(PgLockMode::AccessExclusive),
                },
                format!(
                    "before PostgreSQL 11 ADD COLUMN with a default writes it into every row, rewriting the table under ACCESS EXCLUSIVE (the server is {version})"
                ),
            )
        }
        (
            Engine::Mysql | Engine::Mariadb,
            Change::AddColumn {
                column, position, ..
            },
        ) if is_instant(&mechanics) && column.generated.is_none() => {
            let (mysql, mariadb) = match position {
                ColumnPosition::Last => ((8, 0, 12), (10, 3, 2)),
                _ => ((8, 0, 29), (10, 4, 0)),
            };
            if older_than(version, mysql, mariadb) {
                rebuilt_in_place(version, "ADD COLUMN")
            } else {
                mechanics
            }
        }
        (Engine::Mysql | Engine::Mariadb, Change::DropColumn { .. })
            if is_instant(&mechanics) && older_than(version, (8, 0, 29), (10, 4, 0)) =>
        {
            rebuilt_in_place(version, "DROP COLUMN")
        }
        _ => mechanics,
    }
}

fn is_instant(mechanics: &Mechanics) -> bool {
    matches!(
        mechanics.lock,
        LockInfo::Mysql {
            algorithm: Some(MysqlAlgorithm::Instant),
            ..
        }
    )
}

fn older_than(version: &TargetVersion, mysql: (u32, u32, u32), mariadb: (u32, u32, u32)) -> bool {
    version.is_before(Engine::Mysql, mysql.0, mysql.1, mysql.2)
        || version.is_before(Engine::Mariadb, mariadb.0, mariadb.1, mariadb.2)
}

fn rebuilt_in_place(version: &TargetVersion, what: &str) -> Mechanics {
    Mechanics::new(
        true,
        LockInfo::Mysql {
            algorithm: Some(MysqlAlgorithm::Inplace),
            lock: Some(MysqlLock::None),
        },
        format!(
            "{what} is not INSTANT on {version}: InnoDB rebuilds the table in place (reads and writes continue, but every row is copied)"
        ),
    )
}

#[cfg(test)]
mod tests {
    use crate::diff::{Change, ColumnPosition, classify_on};
    use crate::version::TargetVersion;
    use crate::{Column, Dialect, QualifiedName};

    fn add(default: Option<&str>, position: ColumnPosition) -> Change {
        let mut column = Column::new("flag", "integer");
        column.default = default.map(str::to_string);
        Change::AddColumn {
            table: QualifiedName::bare("t"),
            column,
            position,
        }
    }

    fn version(text: &str, dialect: Dialect) -> TargetVersion {
        TargetVersion::parse(text, dialect).expect("valid version")
    }

    #[test]
    fn a_default_rewrites_before_postgres_11_only() {
        let change = add(Some("0"), ColumnPosition::Last);
        let old = classify_on(
            &change,
            Dialect::Postgres,
            Some(&version("postgres:10", Dialect::Postgres)),
        );
        assert!(old.rewrites_table);
        assert!(old.reason.contains("PostgreSQL 10"), "{}", old.reason);
        let new = classify_on(
            &change,
            Dialect::Postgres,
            Some(&version("postgres:11", Dialect::Postgres)),
        );
        assert!(!new.rewrites_table);
        let unknown = classify_on(&change, Dialect::Postgres, None);
        assert!(!unknown.rewrites_table);
    }

    #[test]
    fn mysql_instant_add_and_drop_follow_the_release() {
        let last = add(None, ColumnPosition::Last);
        let first = add(None, ColumnPosition::First);
        let on = |change: &Change, v: &str| {
            classify_on(change, Dialect::Mysql, Some(&version(v, Dialect::Mysql))).rewrites_table
        };
        assert!(on(&last, "mysql:8.0.11"));
        assert!(!on(&last, "mysql:8.0.12"));
        assert!(on(&first, "mysql:8.0.28"));
        assert!(!on(&first, "mysql:8.0.29"));
        assert!(on(&first, "mariadb:10.3.30"));
        assert!(!on(&first, "mariadb:10.11"));
        let drop = Change::DropColumn {
            table: QualifiedName::bare("t"),
            column: Column::new("flag", "integer"),
            dependents: Vec::new(),
        };
        assert!(on(&drop, "mariadb:10.3"));
        assert!(!on(&drop, "mariadb:10.4"));
        let reason = classify_on(
            &drop,
            Dialect::Mysql,
            Some(&version("mysql:8.0.20", Dialect::Mysql)),
        )
        .reason;
        assert!(reason.contains("not INSTANT on MySQL 8.0.20"), "{reason}");
    }
}
