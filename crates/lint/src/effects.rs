//! What each statement does to a table that exists before the migration: the lock it takes,
//! whether that lock blocks reads or writes, and whether it rewrites or scans the table. Pure
//! facts from the SQL (reusing [`crate::locks`] and [`crate::table_work`]); sizes and durations
//! come from a live database, outside this crate (`dbwarden::impact`).

use crate::analysis::OpaqueForm;
use crate::file::{FileContext, StatementContext};
use crate::locks::{LockMode, strong_lock, takes_share_update_exclusive};
use crate::report::Finding;
use crate::table_work::{WorkKind, table_work};
use crate::{LintConfig, LintInput};
use dbwarden_core::Dialect;
use sqlparser::ast::{self, AlterTableOperation};

/// A table name read from the SQL, in the form the catalog stores it: unquoted parts folded to
/// lower case, quoted parts as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableName {
    /// The schema (PostgreSQL) or database (MySQL), when the statement names one.
    pub schema: Option<String>,
    /// The table's own name.
    pub name: String,
}

/// What one statement does to an existing table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementEffect {
    /// 1-based line and column where the statement starts.
    pub start: (usize, usize),
    /// 1-based line and column where the statement ends.
    pub end: (usize, usize),
    /// The first line of the statement.
    pub excerpt: String,
    /// The table as written in the statement (or a description such as "every table").
    pub table: String,
    /// The table as the catalog names it, when the statement names one table.
    pub table_name: Option<TableName>,
    /// The lock taken on the table, by its name in the engine's manual.
    pub lock: Option<&'static str>,
    /// Whether other sessions cannot read the table while the lock is held (or awaited).
    pub blocks_reads: bool,
    /// Whether other sessions cannot write the table while the lock is held (or awaited).
    pub blocks_writes: bool,
    /// Whether every row is written again (a table rewrite or copy).
    pub rewrites: bool,
    /// Whether every row is read (a check, a validation, an index build).
    pub scans: bool,
}

impl StatementEffect {
    /// Whether `finding` points inside this statement.
    pub fn covers(&self, finding: &Finding) -> bool {
        let at = (finding.line, finding.column);
        self.start <= at && at <= self.end
    }
}

/// The effect of every statement of the file that touches a table existing before it, in file
/// order. A file the splitter cannot cut has none.
pub fn statement_effects(input: &LintInput, config: &LintConfig) -> Vec<StatementEffect> {
    let Ok(statements) = dbwarden_sql::split(input.source, input.dialect) else {
        return Vec::new();
    };
    let file = FileContext::new(input.source, input.dialect, statements)
        .with_target(config.target_version);
    (0..file.statements.len())
        .filter_map(|index| effect(input.source, &StatementContext { file: &file, index }))
        .collect()
}

/// The effect of the statement `finding` points into (the innermost one, for a statement in a
/// `DO` block), if that statement touches an existing table.
pub fn effect_of<'a>(
    effects: &'a [StatementEffect],
    finding: &Finding,
) -> Option<&'a StatementEffect> {
    effects
        .iter()
        .filter(|effect| effect.covers(finding))
        .max_by_key(|effect| effect.start)
}

/// What a statement does, before its position is known.
struct Facts {
    table: String,
    lock: Option<&'static str>,
    blocks_reads: bool,
    blocks_writes: bool,
    rewrites: bool,
    scans: bool,
}

fn effect(source: &str, cx: &StatementContext) -> Option<StatementEffect> {
    let facts = match cx.dialect() {
        Dialect::Postgres | Dialect::Mysql => server_facts(cx),
        Dialect::Sqlite => sqlite_facts(cx),
    }?;
    let statement = &cx.analyzed().statement;
    let start = cx.file.line_and_column(source, statement.span.start);
    let end = cx
        .file
        .line_and_column(source, statement.span.end.saturating_sub(1));
    Some(StatementEffect {
        start,
        end: end.max(start),
        excerpt: statement
            .sql
            .lines()
            .next()
            .unwrap_or_default()
            .trim_end()
            .to_string(),
        table_name: parse_table_name(&facts.table),
        table: facts.table,
        lock: facts.lock,
        blocks_reads: facts.blocks_reads,
        blocks_writes: facts.blocks_writes,
        rewrites: facts.rewrites,
        scans: facts.scans,
    })
}

fn server_facts(cx: &StatementContext) -> Option<Facts> {
    let lock = strong_lock(cx);
    let work = table_work(cx);
    let mut facts = match (lock, &work) {
        (Some(lock), _) => Facts {
            table: lock.table.clone(),
            lock: Some(lock.mode.name()),
            blocks_reads: matches!(
                lock.mode,
                LockMode::AccessExclusive | LockMode::MysqlMetadata
            ),
            blocks_writes: true,
            rewrites: false,
            scans: false,
        },
        (None, Some(work)) => Facts {
            table: work.table.clone(),
            lock: None,
            blocks_reads: false,
            blocks_writes: false,
            rewrites: false,
            scans: false,
        },
        (None, None) => return weak_lock_facts(cx),
    };
    if let Some(work) = work {
        match work.kind {
            WorkKind::Rewrite => facts.rewrites = true,
            WorkKind::Scan | WorkKind::IndexBuild => facts.scans = true,
        }
    }
    if cx.dialect() == Dialect::Mysql {
        mysql_work(cx, &mut facts);
    }
    Some(facts)
}

/// Statements on an existing table under a lock that lets traffic go on (PostgreSQL's SHARE
/// UPDATE EXCLUSIVE): `CREATE INDEX CONCURRENTLY` and `VALIDATE CONSTRAINT`, which read every
/// row, and `DETACH PARTITION ... CONCURRENTLY`, which does not.
fn weak_lock_facts(cx: &StatementContext) -> Option<Facts> {
    if cx.dialect() != Dialect::Postgres {
        return None;
    }
    let (table, scans) = match cx.ast()? {
        ast::Statement::CreateIndex(create)
            if create.concurrently && !cx.is_new_table(&create.table_name) =>
        {
            (create.table_name.to_string(), true)
        }
        ast::Statement::AlterTable(alter)
            if !cx.is_new_table(&alter.name)
                && !alter.operations.is_empty()
                && alter.operations.iter().all(takes_share_update_exclusive) =>
        {
            let validates = alter
                .operations
                .iter()
                .any(|op| matches!(op, AlterTableOperation::ValidateConstraint { .. }));
            (alter.name.to_string(), validates)
        }
        _ => return None,
    };
    Some(Facts {
        table,
        lock: Some("SHARE UPDATE EXCLUSIVE"),
        blocks_reads: false,
        blocks_writes: false,
        rewrites: false,
        scans,
    })
}

/// MySQL: an index build reads every row; `ALGORITHM=COPY`, `CONVERT TO CHARACTER SET` and
/// `ENGINE=` copy the table. Other changes are taken as in place (the
/// `mysql-alter-without-algorithm-lock` rule asks for the clauses that make MySQL refuse a copy).
fn mysql_work(cx: &StatementContext, facts: &mut Facts) {
    if let Some(OpaqueForm::MysqlTableOptions { .. }) = cx.opaque() {
        facts.rewrites = true;
        return;
    }
    match cx.ast() {
        Some(ast::Statement::CreateIndex(_)) => facts.scans = true,
        Some(ast::Statement::AlterTable(alter)) => {
            for op in &alter.operations {
                match op {
                    AlterTableOperation::Algorithm { algorithm, .. }
                        if *algorithm == ast::AlterTableAlgorithm::Copy =>
                    {
                        facts.rewrites = true;
                    }
                    AlterTableOperation::AddConstraint { .. } => facts.scans = true,
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

/// SQLite: a schema change takes the database's write lock (other writers wait; readers go on
/// in WAL mode). `DROP COLUMN` rewrites the table; `CREATE INDEX` reads every row.
fn sqlite_facts(cx: &StatementContext) -> Option<Facts> {
    let (table, rewrites, scans) = match cx.ast()? {
        ast::Statement::AlterTable(alter) if !cx.is_new_table(&alter.name) => (
            alter.name.to_string(),
            alter
                .operations
                .iter()
                .any(|op| matches!(op, AlterTableOperation::DropColumn { .. })),
            false,
        ),
        ast::Statement::CreateIndex(create) if !cx.is_new_table(&create.table_name) => {
            (create.table_name.to_string(), false, true)
        }
        _ => return None,
    };
    Some(Facts {
        table,
        lock: Some("database write lock"),
        blocks_reads: false,
        blocks_writes: true,
        rewrites,
        scans,
    })
}

/// `public."Orders"` → schema `public`, name `Orders`. `None` for a description such as "every
/// table" or "the table of index i" (whitespace outside quotes).
fn parse_table_name(written: &str) -> Option<TableName> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut quote = '"';
    let mut was_quoted = false;
    let mut chars = written.trim().chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            if c == quote {
                if chars.peek() == Some(&quote) {
                    current.push(quote);
                    chars.next();
                } else {
                    quoted = false;
                }
            } else {
                current.push(c);
            }
        } else if c == '"' || c == '`' {
            quoted = true;
            was_quoted = true;
            quote = c;
        } else if c == '.' {
            parts.push(finish(&mut current, &mut was_quoted));
        } else if c.is_whitespace() {
            return None;
        } else {
            current.push(c);
        }
    }
    if quoted {
        return None;
    }
    parts.push(finish(&mut current, &mut was_quoted));
    if parts.iter().any(String::is_empty) {
        return None;
    }
    let name = parts.pop()?;
    let schema = parts.pop();
    Some(TableName { schema, name })
}

fn finish(current: &mut String, was_quoted: &mut bool) -> String {
    let part = std::mem::take(current);
    let part = if *was_quoted {
        part
    } else {
        part.to_lowercase()
    };
    *was_quoted = false;
    part
}

#[cfg(test)]
mod tests {
    use super::*;

    fn effects(dialect: Dialect, source: &str) -> Vec<StatementEffect> {
        statement_effects(
            &LintInput {
                path: "m.sql",
                source,
                dialect,
            },
            &LintConfig::default(),
        )
    }

    #[test]
    fn postgres_locks_and_work() {
        let found = effects(
            Dialect::Postgres,
            "CREATE INDEX i ON t (c);\nALTER TABLE public.\"T\" ALTER COLUMN c TYPE bigint;\n\
             CREATE INDEX CONCURRENTLY j ON t (d);\nSELECT 1;\n",
        );
        assert_eq!(found.len(), 3);
        let index = &found[0];
        assert_eq!(index.lock, Some("SHARE"));
        assert!(!index.blocks_reads && index.blocks_writes && index.scans && !index.rewrites);
        assert_eq!(index.start, (1, 1));
        let alter = &found[1];
        assert_eq!(alter.lock, Some("ACCESS EXCLUSIVE"));
        assert!(alter.blocks_reads && alter.blocks_writes && alter.rewrites);
        assert_eq!(
            alter.table_name,
            Some(TableName {
                schema: Some("public".into()),
                name: "T".into()
            })
        );
        let concurrent = &found[2];
        assert_eq!(concurrent.lock, Some("SHARE UPDATE EXCLUSIVE"));
        assert!(!concurrent.blocks_writes && concurrent.scans);
    }

    #[test]
    fn detaching_a_partition() {
        let found = effects(
            Dialect::Postgres,
            "ALTER TABLE m DETACH PARTITION m_1;
ALTER TABLE m DETACH PARTITION m_2 CONCURRENTLY;",
        );
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].lock, Some("ACCESS EXCLUSIVE"));
        assert!(found[0].blocks_reads && !found[0].scans);
        assert_eq!(found[1].lock, Some("SHARE UPDATE EXCLUSIVE"));
        assert!(!found[1].blocks_writes && !found[1].scans);
    }

    #[test]
    fn new_tables_have_no_effect() {
        assert!(
            effects(
                Dialect::Postgres,
                "CREATE TABLE t (c int);\nCREATE INDEX i ON t (c);"
            )
            .is_empty()
        );
    }

    #[test]
    fn sqlite_and_mysql() {
        let found = effects(
            Dialect::Sqlite,
            "ALTER TABLE t DROP COLUMN c;\nALTER TABLE t ADD COLUMN d int;\nCREATE INDEX i ON t (d);",
        );
        assert_eq!(found.len(), 3);
        assert!(found[0].rewrites && found[0].blocks_writes && !found[0].blocks_reads);
        assert!(!found[1].rewrites && !found[1].scans);
        assert!(found[2].scans);
        let found = effects(Dialect::Mysql, "CREATE INDEX i ON t (d);");
        assert_eq!(found[0].lock, Some("exclusive metadata"));
        assert!(found[0].blocks_reads && found[0].scans);
    }

    #[test]
    fn table_names_are_read_as_the_catalog_keeps_them() {
        assert_eq!(
            parse_table_name("Orders"),
            Some(TableName {
                schema: None,
                name: "orders".into()
            })
        );
        assert_eq!(
            parse_table_name("`app`.`Weird.Name`"),
            Some(TableName {
                schema: Some("app".into()),
                name: "Weird.Name".into()
            })
        );
        assert_eq!(parse_table_name("every table"), None);
        assert_eq!(parse_table_name("the table of index i"), None);
        assert_eq!(parse_table_name("\"open"), None);
    }
}
