//! What the linter found in one migration file.

use crate::rule::{Rule, Severity};
use serde::Serialize;

/// One rule violated by one statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule violated.
    pub rule: Rule,
    /// The rule's severity after configuration.
    pub severity: Severity,
    /// The migration file, as given in [`crate::LintInput::path`].
    pub file: String,
    /// 1-based line of the offending part of the statement (the statement's first line when
    /// no finer position is known).
    pub line: usize,
    /// 1-based column, in characters, on [`Finding::line`].
    pub column: usize,
    /// The first line of the statement.
    pub excerpt: String,
    /// One line saying what is wrong.
    pub message: String,
    /// Why it is dangerous: the lock taken, the rewrite, the code that breaks.
    pub why: String,
    /// The safe alternative, as SQL for this statement, when there is one.
    pub fix: Option<String>,
    /// Why the finding is accepted, when it is: the reason of a `-- dbwarden:allow` comment,
    /// or a note that the configuration allows the rule.
    pub allowed: Option<String>,
}

impl Finding {
    /// Whether the finding stops a migration: an error nobody allowed.
    pub fn is_blocking(&self) -> bool {
        self.severity == Severity::Error && self.allowed.is_none()
    }
}

/// A statement the SQL parser could not read. Reported, never skipped silently: the rules that
/// need the parser did not check it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unparsed {
    /// The migration file.
    pub file: String,
    /// 1-based line of the statement's first line.
    pub line: usize,
    /// The first line of the statement.
    pub excerpt: String,
    /// The parser's message, with its position translated to the file's lines.
    pub message: String,
}

/// Everything the linter found in one file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LintReport {
    /// Findings in file order, allowed ones included.
    pub findings: Vec<Finding>,
    /// Statements the parser could not read.
    pub unparsed: Vec<Unparsed>,
}

impl LintReport {
    /// Whether any finding stops the migration (see [`Finding::is_blocking`]).
    pub fn has_blocking(&self) -> bool {
        self.findings.iter().any(Finding::is_blocking)
    }

    /// The findings that stop the migration.
    pub fn blocking(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|finding| finding.is_blocking())
    }

    /// The findings accepted by an allow comment or the configuration.
    pub fn allowed(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|finding| finding.allowed.is_some())
    }
}
