//! `-- dbwarden:` directives: comment lines at the top of a migration that change how dbwarden
//! runs it.
//!
//! ```sql
//! -- dbwarden:no-transaction
//! -- CREATE INDEX CONCURRENTLY cannot run inside a transaction block.
//! CREATE INDEX CONCURRENTLY users_email ON users (email);
//! ```

use serde::{Deserialize, Serialize};

/// How a migration asks to be run, from the `-- dbwarden:` lines at its top.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Directives {
    /// `-- dbwarden:no-transaction`: run the statements outside a transaction, for statements
    /// PostgreSQL refuses inside one (`CREATE INDEX CONCURRENTLY`, `ALTER TYPE ... ADD VALUE`
    /// before PostgreSQL 12, `VACUUM`).
    pub no_transaction: bool,
    /// `-- dbwarden:irreversible`: the migration has no down migration on purpose.
    pub irreversible: bool,
    /// `-- dbwarden:contract`: the contract half of an expand/contract change (it drops the
    /// old shape that running code may still use), applied only when asked (`migrate up
    /// --contract`).
    pub contract: bool,
}

/// A `-- dbwarden:` line that [`directives`] ignores, so a typo or a misplaced directive does
/// not silently change how a migration runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum DirectiveWarning {
    /// The directive name is not one dbwarden knows.
    Unknown {
        /// 1-based line of the directive.
        line: usize,
        /// The name as written after `dbwarden:`.
        name: String,
    },
    /// The directive comes after the first statement, where it has no effect.
    AfterFirstStatement {
        /// 1-based line of the directive.
        line: usize,
        /// The name as written after `dbwarden:`.
        name: String,
    },
}

impl std::fmt::Display for DirectiveWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unknown { line, name } => write!(
                f,
                "line {line}: unknown directive `dbwarden:{name}` is ignored; \
                 the directives are `dbwarden:no-transaction`, `dbwarden:irreversible` and \
                 `dbwarden:contract`"
            ),
            Self::AfterFirstStatement { line, name } => write!(
                f,
                "line {line}: directive `dbwarden:{name}` is ignored because it comes after the \
                 first statement; move it to the comment lines at the top of the file"
            ),
        }
    }
}

/// The directives in the leading comment lines of `source` (before its first statement).
///
/// A directive is a line comment `-- dbwarden:NAME`; case does not matter, spaces may follow
/// `--` and `:`, and text after the name is a free-form note. Directives after the first
/// statement are ignored (see [`directive_warnings`]).
pub fn directives(source: &str) -> Directives {
    let mut found = Directives::default();
    for directive in leading_directives(source) {
        match KnownDirective::parse(directive.name) {
            Some(KnownDirective::NoTransaction) => found.no_transaction = true,
            Some(KnownDirective::Irreversible) => found.irreversible = true,
            Some(KnownDirective::Contract) => found.contract = true,
            None => {}
        }
    }
    found
}

/// The `-- dbwarden:` lines of `source` that [`directives`] ignores: unknown names at the top,
/// and any directive after the first statement.
pub fn directive_warnings(source: &str) -> Vec<DirectiveWarning> {
    let leading: Vec<DirectiveLine<'_>> = leading_directives(source).collect();
    let last_leading_line = leading_region_end_line(source);
    let mut warnings: Vec<DirectiveWarning> = leading
        .iter()
        .filter(|directive| {
            KnownDirective::parse(directive.name).is_none()
                && !is_statement_directive(directive.name)
        })
        .map(|directive| DirectiveWarning::Unknown {
            line: directive.line,
            name: directive.name.to_string(),
        })
        .collect();
    warnings.extend(
        lines_of(source)
            .skip(last_leading_line)
            .filter_map(|(line, text)| {
                let comment = text.trim().strip_prefix("--")?;
                let name = directive_name(comment).filter(|n| !is_statement_directive(n))?;
                Some(DirectiveWarning::AfterFirstStatement {
                    line,
                    name: name.to_string(),
                })
            }),
    );
    warnings
}

/// `-- dbwarden:allow <rule> <reason>` belongs to the statement it precedes (the linter reads
/// it), and `-- dbwarden:commit` to the gap between two statements, so both may stand anywhere
/// in a file.
fn is_statement_directive(name: &str) -> bool {
    name.eq_ignore_ascii_case("allow") || name.eq_ignore_ascii_case("commit")
}

/// Whether `text` (the source between two statements) holds a `-- dbwarden:commit` line: the
/// runner commits what ran before it and starts a new transaction, so that a statement that
/// takes a strong lock briefly (`ADD CONSTRAINT ... NOT VALID`) does not keep that lock through
/// the long scan after it (`VALIDATE CONSTRAINT`).
pub fn has_commit_directive(text: &str) -> bool {
    text.lines().any(|line| {
        line.trim()
            .strip_prefix("--")
            .and_then(directive_name)
            .is_some_and(|name| name.eq_ignore_ascii_case("commit"))
    })
}

enum KnownDirective {
    NoTransaction,
    Irreversible,
    Contract,
}

impl KnownDirective {
    fn parse(name: &str) -> Option<Self> {
        if name.eq_ignore_ascii_case("no-transaction") {
            Some(Self::NoTransaction)
        } else if name.eq_ignore_ascii_case("irreversible") {
            Some(Self::Irreversible)
        } else if name.eq_ignore_ascii_case("contract") {
            Some(Self::Contract)
        } else {
            None
        }
    }
}

struct DirectiveLine<'a> {
    line: usize,
    name: &'a str,
}

/// 1-based line numbers and text of each line, without line ends or a leading byte order mark.
fn lines_of(source: &str) -> impl Iterator<Item = (usize, &str)> {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    source
        .lines()
        .enumerate()
        .map(|(index, text)| (index + 1, text))
}

/// How the top of a file reads, line by line: blank lines, `--` and `#` line comments and
/// `/* ... */` blocks belong to the leading comments; anything else starts the first statement.
enum LeadingLine<'a> {
    LineComment(&'a str),
    Other,
    FirstStatement,
}

/// Classifies the lines before the first statement, stopping at it.
fn leading_lines(source: &str) -> impl Iterator<Item = (usize, LeadingLine<'_>)> {
    let mut in_block_comment = false;
    lines_of(source)
        .map(move |(line, raw)| {
            let text = raw.trim();
            let kind = if in_block_comment {
                match text.split_once("*/") {
                    Some((_, after)) => {
                        in_block_comment = false;
                        if after.trim().is_empty() {
                            LeadingLine::Other
                        } else {
                            LeadingLine::FirstStatement
                        }
                    }
                    None => LeadingLine::Other,
                }
            } else if text.is_empty() || text.starts_with('#') {
                LeadingLine::Other
            } else if let Some(comment) = text.strip_prefix("--") {
                LeadingLine::LineComment(comment)
            } else if let Some(rest) = text.strip_prefix("/*") {
                match rest.split_once("*/") {
                    Some((_, after)) if after.trim().is_empty() => LeadingLine::Other,
                    Some(_) => LeadingLine::FirstStatement,
                    None => {
                        in_block_comment = true;
                        LeadingLine::Other
                    }
                }
            } else {
                LeadingLine::FirstStatement
            };
            (line, kind)
        })
        .take_while(|(_, kind)| !matches!(kind, LeadingLine::FirstStatement))
}

fn leading_directives(source: &str) -> impl Iterator<Item = DirectiveLine<'_>> {
    leading_lines(source).filter_map(|(line, kind)| match kind {
        LeadingLine::LineComment(comment) => Some(DirectiveLine {
            line,
            name: directive_name(comment)?,
        }),
        LeadingLine::Other | LeadingLine::FirstStatement => None,
    })
}

/// Number of lines before the first statement.
fn leading_region_end_line(source: &str) -> usize {
    leading_lines(source).count()
}

/// The name in a line comment's text (after `--`) if it is a `dbwarden:` directive.
fn directive_name(comment: &str) -> Option<&str> {
    const PREFIX: &str = "dbwarden:";
    let text = comment.trim_start();
    let prefix = text.get(..PREFIX.len())?;
    if !prefix.eq_ignore_ascii_case(PREFIX) {
        return None;
    }
    Some(
        text[PREFIX.len()..]
            .split_whitespace()
            .next()
            .unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_points_stand_between_statements() {
        assert!(has_commit_directive("\n-- dbwarden:commit\n"));
        assert!(has_commit_directive(
            "\n  --  DBWARDEN:Commit  the lock is released here\n"
        ));
        assert!(!has_commit_directive(
            "\n-- dbwarden:committed\n-- commit\n"
        ));
        let source =
            "ALTER TABLE t ADD c int;\n-- dbwarden:commit\nALTER TABLE t VALIDATE CONSTRAINT k;\n";
        assert!(directive_warnings(source).is_empty());
    }

    #[test]
    fn no_directives_by_default() {
        assert_eq!(directives(""), Directives::default());
        assert_eq!(directives("SELECT 1;"), Directives::default());
    }

    #[test]
    fn reads_every_directive_case_insensitively_with_spaces() {
        let source = "-- dbwarden:no-transaction\n--DBWARDEN:Irreversible\nSELECT 1;\n";
        assert_eq!(
            directives(source),
            Directives {
                no_transaction: true,
                irreversible: true,
                contract: false,
            }
        );
        let contract = "-- dbwarden:contract drops the old column\nALTER TABLE t DROP COLUMN c;";
        assert!(directives(contract).contract);
        assert!(directive_warnings(contract).is_empty());
        let spaced = "--    dbwarden:  no-transaction   because CONCURRENTLY\r\nSELECT 1;";
        assert!(directives(spaced).no_transaction);
    }

    #[test]
    fn skips_blank_lines_and_other_comments_before_the_first_statement() {
        let source = "\u{feff}\n-- Add the email index.\n/* A block\n   comment */\n\n\
                      # mysql comment\n-- dbwarden:no-transaction\nCREATE INDEX i ON t (c);";
        assert!(directives(source).no_transaction);
    }

    #[test]
    fn ignores_directives_after_the_first_statement() {
        let source = "SELECT 1;\n-- dbwarden:no-transaction\n";
        assert!(!directives(source).no_transaction);
        assert_eq!(
            directive_warnings(source),
            vec![DirectiveWarning::AfterFirstStatement {
                line: 2,
                name: "no-transaction".to_string()
            }]
        );
        let after_block = "/* c */ SELECT 1;\n-- dbwarden:irreversible\n";
        assert!(!directives(after_block).irreversible);
    }

    #[test]
    fn ignores_lookalikes() {
        assert_eq!(
            directives("-- see dbwarden:no-transaction\n-- dbwarden-no-transaction\n"),
            Directives::default()
        );
    }

    #[test]
    fn warns_about_unknown_directives() {
        let source = "-- dbwarden:no-transactions\n-- dbwarden:irreversible\nSELECT 1;";
        assert_eq!(
            directive_warnings(source),
            vec![DirectiveWarning::Unknown {
                line: 1,
                name: "no-transactions".to_string()
            }]
        );
        assert!(
            directive_warnings(source)[0]
                .to_string()
                .contains("line 1: unknown directive `dbwarden:no-transactions`")
        );
    }

    #[test]
    fn allow_comments_are_not_warned_about() {
        let source = "-- dbwarden:allow drop-table unused\nDROP TABLE a;\n-- dbwarden:allow drop-column gone\nALTER TABLE b DROP COLUMN c;\n";
        assert_eq!(directive_warnings(source), vec![]);
    }
}
