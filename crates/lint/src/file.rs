//! One migration file, read: its statements and the facts rules ask about the file as a whole
//! (which tables it creates, whether it runs in a transaction).

use crate::analysis::{AnalyzedStatement, Enclosing, OpaqueForm, Parsed, analyze};
use crate::identifiers;
use crate::locks::TableLock;
use crate::plpgsql;
use crate::version::{Engine, TargetVersion};
use dbwarden_core::Dialect;
use sqlparser::ast;
use std::cell::OnceCell;
use std::collections::HashMap;

/// A migration file, read statement by statement.
#[derive(Debug)]
pub(crate) struct FileContext {
    pub(crate) dialect: Dialect,
    /// `-- dbwarden:no-transaction`: each statement runs on its own.
    pub(crate) no_transaction: bool,
    /// The statements in file order; the statements of a `DO` block's body follow the block.
    pub(crate) statements: Vec<AnalyzedStatement>,
    /// The server version the migration is for, when known.
    pub(crate) target: Option<TargetVersion>,
    /// Tables (by [`identifiers::object_key`]) created in this file, with the index of the
    /// statement that creates them. A lock on a table nobody else can see yet harms no one.
    created_tables: HashMap<String, usize>,
    /// Indexes created in this file, likewise.
    created_indexes: HashMap<String, usize>,
    /// The strong lock each statement takes, computed on first use (see [`crate::locks`]).
    pub(crate) locks: OnceCell<Vec<Option<TableLock>>>,
    lines: Lines,
}

impl FileContext {
    pub(crate) fn new(
        source: &str,
        dialect: Dialect,
        statements: Vec<dbwarden_sql::Statement>,
    ) -> Self {
        let lines = Lines::new(source);
        let mut analyzed: Vec<AnalyzedStatement> = Vec::with_capacity(statements.len());
        for statement in statements {
            let (_, column) = lines.locate(source, statement.span.start);
            let mut read = analyze(statement, dialect, column);
            let body = match &read.parsed {
                Parsed::Opaque(OpaqueForm::DoBlock { body, body_offset }) if !body.is_empty() => {
                    Some((
                        plpgsql::statements(body),
                        read.statement.span.start + body_offset,
                    ))
                }
                _ => None,
            };
            let block = analyzed.len();
            let block_line = read.statement.line;
            match body {
                None => analyzed.push(read),
                Some((Err(reason), _)) => {
                    read.parsed = Parsed::Unreadable(format!(
                        "the body of the DO block cannot be read: {reason}"
                    ));
                    analyzed.push(read);
                }
                Some((Ok(inner), body_start)) => {
                    analyzed.push(read);
                    for found in inner {
                        let start = (body_start + found.offset).min(source.len());
                        let (line, column) = lines.locate(source, start);
                        let end = (start + found.sql.len()).min(source.len());
                        let statement = dbwarden_sql::Statement {
                            sql: found.sql,
                            span: start..end,
                            line,
                        };
                        let mut read = analyze(statement, dialect, column);
                        read.enclosing = Some(Enclosing {
                            block,
                            line: block_line,
                            report_unparsed: found.executed || !found.dml,
                        });
                        analyzed.push(read);
                    }
                }
            }
        }
        let statements = analyzed;
        let mut created_tables = HashMap::new();
        let mut created_indexes = HashMap::new();
        for (index, statement) in statements.iter().enumerate() {
            match &statement.parsed {
                Parsed::Ast(ast) => match ast.as_ref() {
                    ast::Statement::CreateTable(create) => {
                        created_tables
                            .entry(identifiers::object_key(&create.name))
                            .or_insert(index);
                    }
                    ast::Statement::CreateIndex(create) => {
                        if let Some(name) = &create.name {
                            created_indexes
                                .entry(identifiers::object_key(name))
                                .or_insert(index);
                        }
                    }
                    _ => {}
                },
                Parsed::Opaque(_) | Parsed::Unreadable(_) => {}
            }
        }
        FileContext {
            dialect,
            no_transaction: dbwarden_sql::directives(source).no_transaction,
            statements,
            target: None,
            created_tables,
            created_indexes,
            locks: OnceCell::new(),
            lines,
        }
    }

    /// The file, linted for `target`.
    pub(crate) fn with_target(mut self, target: Option<TargetVersion>) -> Self {
        self.target = target;
        self
    }

    /// 1-based line and column (in characters) of byte `offset` of `source`.
    pub(crate) fn line_and_column(&self, source: &str, offset: usize) -> (usize, usize) {
        self.lines.locate(source, offset)
    }

    /// Byte offset just past the end of the line holding byte `offset`.
    pub(crate) fn end_of_line(&self, offset: usize) -> usize {
        self.lines.end_of_line(offset)
    }
}

/// Where each line of a source starts, to turn byte offsets into lines and columns.
#[derive(Debug)]
struct Lines {
    starts: Vec<usize>,
    len: usize,
}

impl Lines {
    fn new(source: &str) -> Self {
        Lines {
            starts: std::iter::once(0)
                .chain(source.match_indices('\n').map(|(at, _)| at + 1))
                .collect(),
            len: source.len(),
        }
    }

    /// 1-based line and column (in characters) of byte `offset`.
    fn locate(&self, source: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.len);
        // `starts[0] == 0`, so at least one start is `<= offset`.
        let line = self.starts.partition_point(|&start| start <= offset);
        let start = self.starts[line - 1];
        let column = source
            .get(start..offset)
            .map_or(0, |text| text.chars().count());
        (line, column + 1)
    }

    fn end_of_line(&self, offset: usize) -> usize {
        let line = self.starts.partition_point(|&start| start <= offset);
        self.starts.get(line).copied().unwrap_or(self.len)
    }
}

/// One statement, seen by a rule together with its file.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StatementContext<'a> {
    pub(crate) file: &'a FileContext,
    pub(crate) index: usize,
}

impl<'a> StatementContext<'a> {
    pub(crate) fn dialect(&self) -> Dialect {
        self.file.dialect
    }

    /// Whether the statement runs outside a transaction: in a no-transaction migration and not
    /// inside a `DO` block (a block is always one transaction).
    pub(crate) fn no_transaction(&self) -> bool {
        self.file.no_transaction && self.analyzed().enclosing.is_none()
    }

    /// Whether the migration is for `engine` older than `major.minor.patch`. Without a target
    /// version the server is assumed current, so this is false.
    pub(crate) fn target_before(&self, engine: Engine, major: u32, minor: u32, patch: u32) -> bool {
        self.file
            .target
            .is_some_and(|target| target.is_before(engine, major, minor, patch))
    }

    /// Whether the migration is for `engine` at `major.minor.patch` or later. Only a target
    /// version says so: without one, a MySQL-dialect server may be MySQL or MariaDB.
    pub(crate) fn target_at_least(
        &self,
        engine: Engine,
        major: u32,
        minor: u32,
        patch: u32,
    ) -> bool {
        self.file.target.is_some_and(|target| {
            target.engine == engine && !target.is_before(engine, major, minor, patch)
        })
    }

    /// The `DO` block the statement was found in.
    pub(crate) fn enclosing(&self) -> Option<Enclosing> {
        self.analyzed().enclosing
    }

    /// The other statements that run in the same transaction as this one: the whole file, or
    /// in a no-transaction migration the statements of the same `DO` block.
    pub(crate) fn same_transaction(&self) -> impl Iterator<Item = StatementContext<'a>> + 'a {
        let block = match (self.file.no_transaction, self.enclosing()) {
            (false, _) => None,
            (true, Some(enclosing)) => Some(Some(enclosing.block)),
            (true, None) => Some(None),
        };
        let index = self.index;
        self.all().filter(move |other| {
            other.index != index
                && block.is_none_or(|block| {
                    block.is_some() && other.enclosing().map(|e| e.block) == block
                })
        })
    }

    pub(crate) fn analyzed(&self) -> &'a AnalyzedStatement {
        &self.file.statements[self.index]
    }

    /// The statement's text as written.
    pub(crate) fn sql(&self) -> &'a str {
        &self.analyzed().statement.sql
    }

    /// The parsed statement, when the parser read it.
    pub(crate) fn ast(&self) -> Option<&'a ast::Statement> {
        match &self.analyzed().parsed {
            Parsed::Ast(ast) => Some(ast),
            Parsed::Opaque(_) | Parsed::Unreadable(_) => None,
        }
    }

    /// The form recognised by keywords, when the parser did not read the statement.
    pub(crate) fn opaque(&self) -> Option<&'a OpaqueForm> {
        match &self.analyzed().parsed {
            Parsed::Opaque(form) => Some(form),
            Parsed::Ast(_) | Parsed::Unreadable(_) => None,
        }
    }

    /// The statements before this one.
    pub(crate) fn earlier(&self) -> impl DoubleEndedIterator<Item = StatementContext<'a>> + 'a {
        let file = self.file;
        (0..self.index).map(move |index| StatementContext { file, index })
    }

    /// Every statement of the file.
    pub(crate) fn all(&self) -> impl Iterator<Item = StatementContext<'a>> + 'a {
        let file = self.file;
        (0..file.statements.len()).map(move |index| StatementContext { file, index })
    }

    /// Whether an earlier statement of this file creates table `name`.
    pub(crate) fn is_new_table(&self, name: &ast::ObjectName) -> bool {
        self.is_new_table_key(&identifiers::object_key(name))
    }

    /// [`StatementContext::is_new_table`] for a key from [`identifiers`].
    pub(crate) fn is_new_table_key(&self, key: &str) -> bool {
        self.file
            .created_tables
            .get(key)
            .is_some_and(|&created| created < self.index)
    }

    /// Whether an earlier statement of this file creates index `name`.
    pub(crate) fn is_new_index_key(&self, key: &str) -> bool {
        self.file
            .created_indexes
            .get(key)
            .is_some_and(|&created| created < self.index)
    }

    /// The statement's `ALTER TABLE`, when it alters a table that exists before this file.
    pub(crate) fn alter_existing_table(&self) -> Option<&'a ast::AlterTable> {
        match self.ast()? {
            ast::Statement::AlterTable(alter) if !self.is_new_table(&alter.name) => Some(alter),
            _ => None,
        }
    }
}
