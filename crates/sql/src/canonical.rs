//! A canonical form of a script, so a checksum survives reformatting and comment edits but not
//! a change to what the database runs.

use crate::error::SplitError;
use crate::scanner::{Token, TokenKind};
use crate::splitter::split_scanned;
use dbwarden_core::Dialect;

/// The statements of `source` with comments removed and every run of whitespace and comments
/// between tokens collapsed to one space, joined with `";\n"`.
///
/// Literals, quoted identifiers, dollar-quoted bodies and optimizer hints (`/*+ ... */`) are
/// kept byte for byte, and so is the case of keywords: two scripts that differ only in the
/// amount of whitespace and in comments give the same text; a change to any token gives a
/// different one. Where the source has no space between two tokens (`a+b`), none is added.
pub fn canonical_text(source: &str, dialect: Dialect) -> Result<String, SplitError> {
    let statements = split_scanned(source, dialect)?;
    let canonical: Vec<String> = statements
        .iter()
        .map(|scanned| canonical_statement(source, &scanned.tokens))
        .collect();
    Ok(canonical.join(";\n"))
}

fn canonical_statement(source: &str, tokens: &[Token]) -> String {
    let mut text = String::new();
    let mut separated = false;
    for token in tokens {
        match token.kind {
            TokenKind::Whitespace | TokenKind::Comment => separated = true,
            _ => {
                if separated && !text.is_empty() {
                    text.push(' ');
                }
                separated = false;
                text.push_str(&source[token.span.clone()]);
            }
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(source: &str, dialect: Dialect) -> String {
        canonical_text(source, dialect).expect("test source splits")
    }

    #[test]
    fn drops_comments_and_collapses_whitespace() {
        let source = "-- header\nCREATE  TABLE t (\n\tid int, -- key\n  name text /* x */\n);\n\n\
                      INSERT INTO t VALUES (1, 'a  b');";
        assert_eq!(
            canonical(source, Dialect::Postgres),
            "CREATE TABLE t ( id int, name text );\nINSERT INTO t VALUES (1, 'a  b')"
        );
    }

    #[test]
    fn keeps_literals_bodies_and_hints_verbatim() {
        let source = "SELECT /*+ SeqScan(t) */ $$ a  -- not a comment\n $$, \"Col  1\";";
        assert_eq!(
            canonical(source, Dialect::Postgres),
            "SELECT /*+ SeqScan(t) */ $$ a  -- not a comment\n $$, \"Col  1\""
        );
    }

    #[test]
    fn same_for_comment_and_whitespace_edits() {
        let original = "CREATE TABLE t (id int);\nINSERT INTO t VALUES (1);";
        let edited =
            "/* v2 */\r\nCREATE TABLE t (id int)  ;\r\n\r\n-- seed\nINSERT INTO t\n  VALUES (1)\n";
        assert_eq!(
            canonical(original, Dialect::Sqlite),
            canonical(edited, Dialect::Sqlite)
        );
    }

    #[test]
    fn differs_for_a_changed_literal_or_token() {
        let original = canonical("INSERT INTO t VALUES ('a b');", Dialect::Mysql);
        assert_ne!(
            original,
            canonical("INSERT INTO t VALUES ('a  b');", Dialect::Mysql)
        );
        assert_ne!(
            original,
            canonical("INSERT INTO t VALUES ('a c');", Dialect::Mysql)
        );
        assert_ne!(
            original,
            canonical("INSERT INTO u VALUES ('a b');", Dialect::Mysql)
        );
    }

    #[test]
    fn mysql_delimiter_lines_do_not_change_the_statements() {
        let with_delimiter =
            "DELIMITER $$\nCREATE PROCEDURE p() BEGIN SELECT 1; END$$\nDELIMITER ;\n";
        assert_eq!(
            canonical(with_delimiter, Dialect::Mysql),
            "CREATE PROCEDURE p() BEGIN SELECT 1; END"
        );
    }

    #[test]
    fn reports_split_errors() {
        assert_eq!(
            canonical_text("SELECT 'x", Dialect::Postgres),
            Err(SplitError::UnterminatedString { line: 1 })
        );
    }
}
