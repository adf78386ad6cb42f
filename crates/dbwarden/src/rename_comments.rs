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

use dbwarden_core::QualifiedName;
use dbwarden_core::diff::RenameHints;
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

/// The renames written as comments in `sql` (`file` names it in errors), added to `hints`.
/// Names are kept as parts, never re-parsed from text, so quoted names with dots, spaces or
/// quotes survive.
pub fn collect_renames(
    file: &str,
    sql: &str,
    hints: &mut RenameHints,
) -> Result<(), MisplacedRenameComment> {
    let mut table: Option<QualifiedName> = None;
    let mut depth: i64 = 0;
    let mut pending: Option<(usize, Vec<String>)> = None;
    let misplaced = |line: usize, old: &[String]| MisplacedRenameComment {
        file: file.into(),
        line,
        old: old.join("."),
    };
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
                (Some(new), _) => {
                    let old = match (old.as_slice(), &new.schema) {
                        // A bare old name stays in the new name's schema.
                        ([name], Some(schema)) => QualifiedName::new(schema.clone(), name.clone()),
                        ([name], None) => QualifiedName::bare(name.clone()),
                        ([schema, name], _) => QualifiedName::new(schema.clone(), name.clone()),
                        _ => return Err(misplaced(comment_line, &old)),
                    };
                    hints.tables.push(dbwarden_core::diff::TableRename {
                        from: old,
                        to: new.clone(),
                    });
                }
                (None, Some(t)) if depth > 0 => match (first_identifier(line), old.as_slice()) {
                    (Some(column), [old_column]) => {
                        hints.columns.push(dbwarden_core::diff::ColumnRename {
                            table: t.clone(),
                            from: old_column.clone(),
                            to: column,
                        })
                    }
                    _ => return Err(misplaced(comment_line, &old)),
                },
                _ => return Err(misplaced(comment_line, &old)),
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
        Some((line, old)) => Err(misplaced(line, &old)),
        None => Ok(()),
    }
}

fn directive(line: &str) -> Option<Vec<String>> {
    let rest = line.strip_prefix("--")?.trim_start();
    let rest = rest.strip_prefix("dbwarden:renamed-from")?.trim_start();
    let (parts, _) = read_name(rest)?;
    Some(parts)
}

/// The table a `CREATE [TEMP|UNLOGGED] TABLE [IF NOT EXISTS] name` line creates.
fn created_table(line: &str) -> Option<QualifiedName> {
    let mut rest = line;
    let word = |expected: &[&str], rest: &mut &str| -> bool {
        let trimmed = rest.trim_start();
        let end = trimmed
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(trimmed.len());
        let (w, after) = trimmed.split_at(end);
        if expected.iter().any(|e| w.eq_ignore_ascii_case(e)) {
            *rest = after;
            true
        } else {
            false
        }
    };
    if !word(&["CREATE"], &mut rest) {
        return None;
    }
    word(&["TEMP", "TEMPORARY", "UNLOGGED"], &mut rest);
    if !word(&["TABLE"], &mut rest) {
        return None;
    }
    if word(&["IF"], &mut rest) {
        word(&["NOT"], &mut rest);
        word(&["EXISTS"], &mut rest);
    }
    let (parts, _) = read_name(rest.trim_start())?;
    match parts.as_slice() {
        [name] => Some(QualifiedName::bare(name.clone())),
        [schema, name] => Some(QualifiedName::new(schema.clone(), name.clone())),
        _ => None,
    }
}

/// Reads a possibly qualified name (`a`, `s.a`, `"my table"`, `` `x` ``, `[y]`, `"a""b"`) from
/// the start of `text`; returns its parts and the rest.
fn read_name(text: &str) -> Option<(Vec<String>, &str)> {
    let mut parts = Vec::new();
    let mut rest = text;
    loop {
        let mut chars = rest.char_indices();
        let (_, first) = chars.next()?;
        let (part, after) = match first {
            '"' | '`' | '[' => {
                let close = if first == '[' { ']' } else { first };
                let mut part = String::new();
                let mut end = None;
                let mut iter = rest[1..].char_indices().peekable();
                while let Some((i, c)) = iter.next() {
                    if c == close {
                        if close != ']' && iter.peek().is_some_and(|&(_, n)| n == close) {
                            part.push(c);
                            iter.next();
                            continue;
                        }
                        end = Some(1 + i + c.len_utf8());
                        break;
                    }
                    part.push(c);
                }
                (part, &rest[end?..])
            }
            c if c.is_alphanumeric() || c == '_' => {
                let end = rest
                    .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                    .unwrap_or(rest.len());
                (rest[..end].to_owned(), &rest[end..])
            }
            _ => return None,
        };
        parts.push(part);
        match after.strip_prefix('.') {
            Some(next) => rest = next,
            None => return Some((parts, after)),
        }
    }
}

fn first_identifier(line: &str) -> Option<String> {
    let (parts, _) = read_name(line)?;
    let [name] = parts.as_slice() else {
        return None;
    };
    // Table constraints, not columns (a quoted name is always a column).
    let quoted = line.starts_with(['"', '`', '[']);
    let upper = name.to_ascii_uppercase();
    if !quoted
        && [
            "CONSTRAINT",
            "PRIMARY",
            "UNIQUE",
            "CHECK",
            "FOREIGN",
            "KEY",
            "INDEX",
        ]
        .contains(&upper.as_str())
    {
        return None;
    }
    Some(name.clone())
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

    fn renames(sql: &str) -> Result<RenameHints, MisplacedRenameComment> {
        let mut hints = RenameHints::default();
        collect_renames("schema.sql", sql, &mut hints).map(|()| hints)
    }

    #[test]
    fn table_and_column_renames_are_read() {
        let sql = "-- dbwarden:renamed-from customers\nCREATE TABLE clients (\n    id bigint PRIMARY KEY,\n    -- dbwarden:renamed-from name\n    full_name text,\n    email text\n);\n\nCREATE TABLE \"public\".\"orders\" (\n  -- dbwarden:renamed-from \"total\"\n  \"total cents\" bigint\n);\n";
        let hints = renames(sql).expect("valid");
        assert_eq!(hints.tables.len(), 1);
        assert_eq!(
            (
                hints.tables[0].from.name.as_str(),
                hints.tables[0].to.name.as_str()
            ),
            ("customers", "clients")
        );
        let columns: Vec<(String, String, String)> = hints
            .columns
            .iter()
            .map(|c| (c.table.to_string(), c.from.clone(), c.to.clone()))
            .collect();
        assert_eq!(
            columns,
            [
                ("clients".into(), "name".into(), "full_name".into()),
                ("public.orders".into(), "total".into(), "total cents".into())
            ]
        );
    }

    #[test]
    fn quoted_names_with_dots_and_spaces_stay_whole() {
        let sql = "-- dbwarden:renamed-from \"old.t\"\nCREATE TABLE IF NOT EXISTS app.\"new t\" (\n  -- dbwarden:renamed-from \"a.b\"\n  \"c\"\"d\" int\n);\n";
        let hints = renames(sql).expect("valid");
        assert_eq!(hints.tables[0].from, QualifiedName::new("app", "old.t"));
        assert_eq!(hints.tables[0].to, QualifiedName::new("app", "new t"));
        assert_eq!(
            (hints.columns[0].from.as_str(), hints.columns[0].to.as_str()),
            ("a.b", "c\"d")
        );
    }

    #[test]
    fn a_comment_that_names_nothing_is_an_error() {
        let sql =
            "CREATE TABLE t (id int);\n-- dbwarden:renamed-from x\nCREATE INDEX i ON t (id);\n";
        assert_eq!(
            renames(sql).err(),
            Some(MisplacedRenameComment {
                file: "schema.sql".into(),
                line: 2,
                old: "x".into()
            })
        );
        assert!(renames("CREATE TABLE t (id int);\n-- dbwarden:renamed-from x\n").is_err());
    }
}
