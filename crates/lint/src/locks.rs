//! The table lock a statement waits for before it runs. A strong lock queues behind every
//! running transaction on the table, and every later query queues behind it: a migration that
//! waits a minute for a lock stops all traffic to the table for that minute.
//!
//! PostgreSQL: "Explicit Locking" in the manual lists the lock each command takes. MySQL: every
//! DDL statement needs an exclusive metadata lock, at least briefly, even when the change itself
//! is online ("Online DDL Performance and Concurrency").

use crate::analysis::OpaqueForm;
use crate::file::StatementContext;
use crate::identifiers;
use dbwarden_core::Dialect;
use sqlparser::ast::{self, AlterTableOperation, ObjectType, TableConstraint};

/// A lock strong enough to block other sessions, on a table that exists before the migration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TableLock {
    /// The table, as written.
    pub(crate) table: String,
    pub(crate) mode: LockMode,
}

/// The lock modes that block reads or writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LockMode {
    /// PostgreSQL `ACCESS EXCLUSIVE`: blocks every read and write.
    AccessExclusive,
    /// PostgreSQL `SHARE ROW EXCLUSIVE`: blocks writes.
    ShareRowExclusive,
    /// PostgreSQL `SHARE`: blocks writes.
    Share,
    /// MySQL's exclusive metadata lock: blocks every query on the table while held or awaited.
    MysqlMetadata,
}

impl LockMode {
    /// The lock's name in the engine's manual.
    pub(crate) fn name(self) -> &'static str {
        match self {
            LockMode::AccessExclusive => "ACCESS EXCLUSIVE",
            LockMode::ShareRowExclusive => "SHARE ROW EXCLUSIVE",
            LockMode::Share => "SHARE",
            LockMode::MysqlMetadata => "exclusive metadata",
        }
    }

    /// What other sessions cannot do while it is held.
    pub(crate) fn blocks(self) -> &'static str {
        match self {
            LockMode::AccessExclusive | LockMode::MysqlMetadata => "every read and write",
            LockMode::ShareRowExclusive | LockMode::Share => "every write",
        }
    }
}

/// The strong lock the statement takes on a table that exists before this file, if any.
pub(crate) fn strong_lock<'a>(cx: &StatementContext<'a>) -> Option<&'a TableLock> {
    let file = cx.file;
    file.locks
        .get_or_init(|| {
            (0..file.statements.len())
                .map(|index| strong_table_lock(&StatementContext { file, index }))
                .collect()
        })
        .get(cx.index)?
        .as_ref()
}

fn strong_table_lock(cx: &StatementContext) -> Option<TableLock> {
    let dialect = cx.dialect();
    let lock = |table: String, postgres: LockMode| {
        let mode = match dialect {
            Dialect::Postgres => postgres,
            Dialect::Mysql => LockMode::MysqlMetadata,
            // SQLite locks the whole database file; there is no lock_timeout to set.
            Dialect::Sqlite => return None,
        };
        Some(TableLock { table, mode })
    };
    if let Some(form) = cx.opaque() {
        return match form {
            OpaqueForm::Vacuum { full: true, table } | OpaqueForm::Cluster { table }
                if !table
                    .as_deref()
                    .is_some_and(|table| cx.is_new_table_key(&identifiers::written_key(table))) =>
            {
                lock(
                    table.clone().unwrap_or_else(|| "every table".into()),
                    LockMode::AccessExclusive,
                )
            }
            OpaqueForm::Reindex {
                concurrently: false,
                name,
                target,
                ..
            } => lock(
                format!(
                    "{} {}",
                    target.to_lowercase(),
                    name.clone().unwrap_or_default()
                )
                .trim()
                .to_string(),
                LockMode::Share,
            ),
            OpaqueForm::Routine {
                trigger_table: Some(table),
                ..
            } if !cx.is_new_table_key(&identifiers::written_key(table)) => {
                lock(table.clone(), LockMode::ShareRowExclusive)
            }
            OpaqueForm::MysqlTableOptions { table, .. }
                if !cx.is_new_table_key(&identifiers::written_key(table)) =>
            {
                lock(table.clone(), LockMode::AccessExclusive)
            }
            OpaqueForm::DropIndexConcurrently { .. }
            | OpaqueForm::Reindex { .. }
            | OpaqueForm::Vacuum { .. }
            | OpaqueForm::Cluster { .. }
            | OpaqueForm::Pragma
            | OpaqueForm::DoBlock { .. }
            | OpaqueForm::Routine { .. }
            | OpaqueForm::AlterSequence { .. }
            | OpaqueForm::AlterDomain { .. }
            | OpaqueForm::Comment
            | OpaqueForm::MysqlTableOptions { .. } => None,
        };
    }
    match cx.ast()? {
        ast::Statement::AlterTable(alter) if !cx.is_new_table(&alter.name) => {
            let ops = &alter.operations;
            if ops.iter().all(takes_share_update_exclusive) {
                return None;
            }
            let only_foreign_keys = ops.iter().all(|op| {
                matches!(
                    op,
                    AlterTableOperation::AddConstraint {
                        constraint: TableConstraint::ForeignKey(_),
                        ..
                    }
                )
            });
            let mode = if only_foreign_keys {
                LockMode::ShareRowExclusive
            } else {
                LockMode::AccessExclusive
            };
            lock(alter.name.to_string(), mode)
        }
        ast::Statement::CreateIndex(create)
            if !create.concurrently && !cx.is_new_table(&create.table_name) =>
        {
            lock(create.table_name.to_string(), LockMode::Share)
        }
        ast::Statement::Drop {
            object_type: ObjectType::Table,
            names,
            ..
        } => {
            let existing = names.iter().find(|name| !cx.is_new_table(name))?;
            lock(existing.to_string(), LockMode::AccessExclusive)
        }
        ast::Statement::Drop {
            object_type: ObjectType::Index,
            names,
            table,
            ..
        } => {
            let existing = names
                .iter()
                .find(|name| !cx.is_new_index_key(&identifiers::object_key(name)))?;
            let table = match table {
                Some(table) => table.to_string(),
                None => format!("the table of index {existing}"),
            };
            lock(table, LockMode::AccessExclusive)
        }
        ast::Statement::Truncate(truncate) => {
            let existing = truncate
                .table_names
                .iter()
                .find(|target| !cx.is_new_table(&target.name))?;
            lock(existing.name.to_string(), LockMode::AccessExclusive)
        }
        ast::Statement::RenameTable(renames) => {
            let existing = renames
                .iter()
                .find(|rename| !cx.is_new_table(&rename.old_name))?;
            lock(existing.old_name.to_string(), LockMode::AccessExclusive)
        }
        ast::Statement::CreateTrigger(trigger) if !cx.is_new_table(&trigger.table_name) => {
            lock(trigger.table_name.to_string(), LockMode::ShareRowExclusive)
        }
        ast::Statement::Vacuum(vacuum) if vacuum.full => lock(
            vacuum
                .table_name
                .as_ref()
                .map_or_else(|| "every table".into(), ToString::to_string),
            LockMode::AccessExclusive,
        ),
        _ => None,
    }
}

/// Whether the `ALTER TABLE` operation takes only SHARE UPDATE EXCLUSIVE, which lets reads and
/// writes go on: `VALIDATE CONSTRAINT` and `DETACH PARTITION ... CONCURRENTLY` or `FINALIZE`.
pub(crate) fn takes_share_update_exclusive(op: &AlterTableOperation) -> bool {
    matches!(
        op,
        AlterTableOperation::ValidateConstraint { .. }
            | AlterTableOperation::DetachPartitionOf { mode: Some(_), .. }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::file::FileContext;

    fn lock_of_last(dialect: Dialect, source: &str) -> Option<TableLock> {
        let statements = dbwarden_sql::split(source, dialect).expect("splits");
        let file = FileContext::new(source, dialect, statements);
        let cx = StatementContext {
            file: &file,
            index: file.statements.len() - 1,
        };
        strong_table_lock(&cx)
    }

    fn mode(dialect: Dialect, source: &str) -> Option<LockMode> {
        lock_of_last(dialect, source).map(|lock| lock.mode)
    }

    #[test]
    fn postgres_lock_modes() {
        use LockMode::*;
        let pg = Dialect::Postgres;
        assert_eq!(
            mode(pg, "ALTER TABLE t ADD COLUMN c int"),
            Some(AccessExclusive)
        );
        assert_eq!(
            mode(
                pg,
                "ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES u (id) NOT VALID"
            ),
            Some(ShareRowExclusive)
        );
        assert_eq!(mode(pg, "ALTER TABLE t VALIDATE CONSTRAINT f"), None);
        assert_eq!(
            mode(pg, "ALTER TABLE t DETACH PARTITION t_2020"),
            Some(AccessExclusive)
        );
        assert_eq!(
            mode(pg, "ALTER TABLE t DETACH PARTITION t_2020 CONCURRENTLY"),
            None
        );
        assert_eq!(
            mode(pg, "ALTER TABLE t DETACH PARTITION t_2020 FINALIZE"),
            None
        );
        assert_eq!(mode(pg, "CREATE INDEX i ON t (c)"), Some(Share));
        assert_eq!(mode(pg, "CREATE INDEX CONCURRENTLY i ON t (c)"), None);
        assert_eq!(mode(pg, "DROP INDEX CONCURRENTLY i"), None);
        assert_eq!(mode(pg, "REINDEX TABLE t"), Some(Share));
        assert_eq!(mode(pg, "VACUUM (FULL) t"), Some(AccessExclusive));
        assert_eq!(mode(pg, "TRUNCATE t"), Some(AccessExclusive));
        assert_eq!(mode(pg, "SELECT 1"), None);
        assert_eq!(
            lock_of_last(pg, "DROP INDEX i").map(|lock| lock.table),
            Some("the table of index i".into())
        );
    }

    #[test]
    fn tables_created_in_the_file_are_not_contended() {
        let pg = Dialect::Postgres;
        assert_eq!(
            mode(pg, "CREATE TABLE t (c int);\nCREATE INDEX i ON t (c);"),
            None
        );
        assert_eq!(
            mode(
                pg,
                "CREATE TABLE t (c int);\nALTER TABLE t ADD COLUMN d int;"
            ),
            None
        );
        assert_eq!(mode(pg, "CREATE INDEX i ON t (c);\nDROP INDEX i;"), None);
    }

    #[test]
    fn mysql_ddl_takes_the_metadata_lock_and_sqlite_has_none() {
        assert_eq!(
            mode(
                Dialect::Mysql,
                "ALTER TABLE t ADD COLUMN c int, ALGORITHM=INSTANT"
            ),
            Some(LockMode::MysqlMetadata)
        );
        assert_eq!(
            mode(Dialect::Mysql, "RENAME TABLE a TO b"),
            Some(LockMode::MysqlMetadata)
        );
        assert_eq!(
            mode(Dialect::Sqlite, "ALTER TABLE t ADD COLUMN c int"),
            None
        );
    }
}
