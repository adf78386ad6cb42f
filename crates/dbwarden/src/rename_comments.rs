//! `-- dbwarden:renamed-from OLD` comments in desired-state SQL: the author says, next to the
//! new name, what the object was called before, so a rename is planned as a rename (keeping
//! the data) and never as a drop and an add.
//!
//! ```sql
//! -- dbwarden:renamed-from customers
//! CREATE TABLE clients (
//!     id bigint PRIMARY KEY,
//!     -- dbwarden:renamed-from name
//!     full_name text
//! );
//! ```
//!
//! The comment stands on its own line, directly above the `CREATE TABLE` line or the column
//! line it names. The result is written as `--rename` hints (`customers=clients`,
//! `clients.name=full_name`).

use thiserror::Error;

/// A `renamed-from` comment that names nothing.
#[derive(Debug, Error, PartialEq, Eq)]
#[error(
    "{file}:{line}: `-- dbwarden:renamed-from {old}` must stand directly above a CREATE TABLE line or a column line inside one"
)]
pub struct MisplacedRenameComment {
    /// The file.
    pub file: String,
    /// The comment's line.
    pub line: usize,
    /// The old name it gives.
    pub old: String,
}

/// The rename hints written as comments in `sql` (`file` names it in errors).
pub fn rename_hints(file: &str, sql: &str) -> Result<Vec<String>, MisplacedRenameComment> {
    let mut hints = Vec::new();
    let mut table: Option<String> = None;
    let mut depth: i64 = 0;
    let mut pending: Option<(usize, String)> = None;
    for (index, raw) in sql.lines().enumerate() {
        let line = raw.trim();
        if let Some(old) = directive(line) {
            pending = Some((index + 1, old));
            continue;
        }
        if line.is_empty() || line.starts_with("--") {
            continue;
        }
        let created = created_table(line);
        if let Some((comment_line, old)) = pending.take() {
            match (&created, &table) {
                (Some(new), _) => hints.push(table_hint(&old, new)),
                (None, Some(t)) if depth > 0 => match first_identifier(line) {
                    Some(column) => hints.push(format!("{t}.{old}={column}")),
                    None => {
                        return Err(MisplacedRenameComment {
                            file: file.into(),
                            line: comment_line,
                            old,
                        });
                    }
                },
                _ => {
                    return Err(MisplacedRenameComment {
                        file: file.into(),
                        line: comment_line,
                        old,
                    });
                }
            }
        }
        if let Some(new) = created {
            table = Some(new);
            depth = 0;
        }
        if table.is_some() {
            depth += paren_balance(line);
            if depth <= 0 && line.contains(')') {
                table = None;
                depth = 0;
            }
        }
    }
    match pending {
        Some((line, old)) => Err(MisplacedRenameComment {
            file: file.into(),
            line,
            old,
        }),
        None => Ok(hints),
    }
}

/// `old` may be bare while the new name is schema-qualified: the rename stays in that schema.
fn table_hint(old: &str, new: &str) -> String {
    match new.rsplit_once('.') {
        Some((schema, _)) if !old.contains('.') => format!("{schema}.{old}={new}"),
        _ => format!("{old}={new}"),
    }
}

fn directive(line: &str) -> Option<String> {
    let rest = line.strip_prefix("--")?.trim_start();
    let rest = rest.strip_prefix("dbwarden:renamed-from")?;
    let name = rest.split_whitespace().next()?;
    Some(unquote(name))
}

/// The table a `CREATE TABLE [IF NOT EXISTS] name` line creates, unquoted.
fn created_table(line: &str) -> Option<String> {
    let mut words = line.split_whitespace();
    if !words.next()?.eq_ignore_ascii_case("CREATE") {
        return None;
    }
    let mut word = words.next()?;
    for modifier in ["TEMP", "TEMPORARY", "UNLOGGED"] {
        if word.eq_ignore_ascii_case(modifier) {
            word = words.next()?;
        }
    }
    if !word.eq_ignore_ascii_case("TABLE") {
        return None;
    }
    let mut name = words.next()?;
    if name.eq_ignore_ascii_case("IF") {
        words.next()?; // NOT
        words.next()?; // EXISTS
        name = words.next()?;
    }
    let name = name.split('(').next()?;
    Some(name.split('.').map(unquote).collect::<Vec<_>>().join("."))
}

fn first_identifier(line: &str) -> Option<String> {
    let word = line
        .split(|c: char| c.is_whitespace() || c == ',')
        .find(|w| !w.is_empty())?;
    let upper = word.to_ascii_uppercase();
    // Table constraints, not columns.
    if [
        "CONSTRAINT",
        "PRIMARY",
        "UNIQUE",
        "CHECK",
        "FOREIGN",
        "KEY",
        "INDEX",
        ")",
    ]
    .contains(&upper.as_str())
    {
        return None;
    }
    Some(unquote(word))
}

fn unquote(name: &str) -> String {
    let trimmed = name.trim_end_matches([',', ';']);
    for (open, close) in [('"', '"'), ('`', '`'), ('[', ']')] {
        if let Some(inner) = trimmed
            .strip_prefix(open)
            .and_then(|s| s.strip_suffix(close))
        {
            return inner.to_owned();
        }
    }
    trimmed.to_owned()
}

fn paren_balance(line: &str) -> i64 {
    // Good enough for DDL layout: parentheses inside string literals on a column line balance
    // out in practice (defaults, checks).
    line.chars().filter(|&c| c == '(').count() as i64
        - line.chars().filter(|&c| c == ')').count() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_and_column_renames_are_read() {
        let sql = "-- dbwarden:renamed-from customers\nCREATE TABLE clients (\n    id bigint PRIMARY KEY,\n    -- dbwarden:renamed-from name\n    full_name text,\n    email text\n);\n\nCREATE TABLE \"public\".\"orders\" (\n  -- dbwarden:renamed-from \"total\"\n  \"total_cents\" bigint\n);\n";
        assert_eq!(
            rename_hints("schema.sql", sql),
            Ok(vec![
                "customers=clients".into(),
                "clients.name=full_name".into(),
                "public.orders.total=total_cents".into()
            ])
        );
    }

    #[test]
    fn qualified_new_table_keeps_its_schema() {
        let sql =
            "-- dbwarden:renamed-from old_t\nCREATE TABLE IF NOT EXISTS app.new_t (id int);\n";
        assert_eq!(
            rename_hints("s.sql", sql),
            Ok(vec!["app.old_t=app.new_t".into()])
        );
    }

    #[test]
    fn a_comment_that_names_nothing_is_an_error() {
        let sql =
            "CREATE TABLE t (id int);\n-- dbwarden:renamed-from x\nCREATE INDEX i ON t (id);\n";
        assert_eq!(
            rename_hints("s.sql", sql),
            Err(MisplacedRenameComment {
                file: "s.sql".into(),
                line: 2,
                old: "x".into()
            })
        );
        let dangling = "CREATE TABLE t (id int);\n-- dbwarden:renamed-from x\n";
        assert!(rename_hints("s.sql", dangling).is_err());
    }
}
