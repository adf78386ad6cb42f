//! One migration file, read: its statements and the facts rules ask about the file as a whole
//! (which tables it creates, whether it runs in a transaction).

use crate::analysis::{AnalyzedStatement, OpaqueForm, Parsed, analyze};
use crate::identifiers;
use crate::locks::TableLock;
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
    pub(crate) statements: Vec<AnalyzedStatement>,
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
        let statements: Vec<AnalyzedStatement> = statements
            .into_iter()
            .map(|statement| {
                let (_, column) = lines.locate(source, statement.span.start);
                analyze(statement, dialect, column)
            })
            .collect();
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
            created_tables,
            created_indexes,
            locks: OnceCell::new(),
            lines,
        }
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

    pub(crate) fn no_transaction(&self) -> bool {
        self.file.no_transaction
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
