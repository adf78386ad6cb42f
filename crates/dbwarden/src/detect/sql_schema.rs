//! Schema files: `schema.sql` (dialect guessed from its syntax), Rails' `db/structure.sql`, and
//! `schema.mysql` (MySQL by its name).

use dbwarden_core::Dialect;
use std::path::PathBuf;

use super::tree::Tree;
use super::{Evidence, FindingKind, Strength};

/// The folders a schema file is looked for in, besides the project folder itself.
const SCHEMA_FOLDERS: [&str; 6] = ["db", "database", "data", "prisma", "schema", "sql"];

pub(super) fn detect(tree: &Tree) -> Vec<Evidence> {
    let mut found = Vec::new();
    for folder in std::iter::once("").chain(SCHEMA_FOLDERS) {
        let folder = PathBuf::from(folder);
        let sql = folder.join("schema.sql");
        if let Some(text) = tree.read_text(&sql) {
            found.push(sql_schema(sql, &text));
        }
        let mysql = folder.join("schema.mysql");
        if tree.is_file(&mysql) {
            let reason = format!("{} is named as a MySQL schema", mysql.display());
            found.push(Evidence::new(
                FindingKind::SchemaMysql,
                mysql,
                Some(Dialect::Mysql),
                Strength::File,
                reason,
            ));
        }
    }
    let structure = PathBuf::from("db/structure.sql");
    if let Some(text) = tree.read_text(&structure) {
        found.push(sql_schema(structure, &text));
    }
    found
}

fn sql_schema(path: PathBuf, text: &str) -> Evidence {
    let signals = dialect_signals(text);
    let (dialect, reason) = match decide(&signals) {
        Some(d) => (
            Some(d),
            format!(
                "{} uses {} syntax: {}",
                path.display(),
                d.name(),
                labels(&signals, d).join(", ")
            ),
        ),
        None if signals.is_empty() => (
            None,
            format!(
                "{} holds SQL with no dialect-specific syntax",
                path.display()
            ),
        ),
        None => {
            let mixed: Vec<String> = [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite]
                .into_iter()
                .filter(|d| signals.iter().any(|s| s.dialect == *d))
                .map(|d| format!("{} ({})", d.name(), labels(&signals, d).join(", ")))
                .collect();
            (
                None,
                format!(
                    "{} mixes syntax of several dialects: {}",
                    path.display(),
                    mixed.join("; ")
                ),
            )
        }
    };
    Evidence::new(
        FindingKind::SchemaSql,
        path,
        dialect,
        Strength::Guess,
        reason,
    )
}

/// A piece of syntax only one dialect accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Signal {
    pub dialect: Dialect,
    pub label: &'static str,
}

fn labels(signals: &[Signal], dialect: Dialect) -> Vec<&'static str> {
    signals
        .iter()
        .filter(|s| s.dialect == dialect)
        .map(|s| s.label)
        .collect()
}

/// The dialect with the most distinct signals, if one has strictly more than the others.
fn decide(signals: &[Signal]) -> Option<Dialect> {
    let count = |d: Dialect| signals.iter().filter(|s| s.dialect == d).count();
    let mut counts = [
        (count(Dialect::Postgres), Dialect::Postgres),
        (count(Dialect::Mysql), Dialect::Mysql),
        (count(Dialect::Sqlite), Dialect::Sqlite),
    ];
    counts.sort_by_key(|c| std::cmp::Reverse(c.0));
    (counts[0].0 > counts[1].0).then_some(counts[0].1)
}

/// The distinct dialect-specific syntax in `text`, in order of first appearance. Comments and
/// string literals are skipped, so `-- AUTO_INCREMENT` in a comment is not evidence.
pub(super) fn dialect_signals(text: &str) -> Vec<Signal> {
    let bytes = text.as_bytes();
    let mut signals: Vec<Signal> = Vec::new();
    let mut add = |dialect, label| {
        let signal = Signal { dialect, label };
        if !signals.contains(&signal) {
            signals.push(signal);
        }
    };
    let mut previous_word = String::new();
    let mut after_engine = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let next = bytes.get(i + 1).copied();
        match b {
            b'-' if next == Some(b'-') => {
                i = find_from(bytes, i, b"\n").unwrap_or(bytes.len());
                continue;
            }
            b'/' if next == Some(b'*') => {
                i = find_from(bytes, i + 2, b"*/").map_or(bytes.len(), |j| j + 2);
                continue;
            }
            b'\'' | b'"' => {
                i = skip_quoted(bytes, i);
                previous_word.clear();
                after_engine = false;
                continue;
            }
            b'`' => {
                add(Dialect::Mysql, "backtick-quoted identifiers");
                i = skip_quoted(bytes, i);
                previous_word.clear();
                continue;
            }
            b'$' => {
                if let Some(end) = dollar_tag_end(bytes, i) {
                    add(Dialect::Postgres, "dollar-quoted bodies");
                    let tag = &bytes[i..end];
                    i = find_from(bytes, end, tag).map_or(bytes.len(), |j| j + tag.len());
                    previous_word.clear();
                    continue;
                }
            }
            b':' if next == Some(b':') => {
                add(Dialect::Postgres, "`::` casts");
                i += 2;
                previous_word.clear();
                continue;
            }
            b'=' if after_engine => add(Dialect::Mysql, "ENGINE= table options"),
            _ => {}
        }
        if b.is_ascii_alphanumeric() || b == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            let word = text[start..i].to_ascii_uppercase();
            after_engine = word == "ENGINE";
            match (previous_word.as_str(), word.as_str()) {
                (_, "SERIAL" | "BIGSERIAL" | "SMALLSERIAL") => {
                    add(Dialect::Postgres, "SERIAL columns");
                }
                ("CREATE", "EXTENSION") => add(Dialect::Postgres, "CREATE EXTENSION"),
                (_, "JSONB") => add(Dialect::Postgres, "JSONB columns"),
                (_, "TIMESTAMPTZ") => add(Dialect::Postgres, "TIMESTAMPTZ columns"),
                (_, "BYTEA") => add(Dialect::Postgres, "BYTEA columns"),
                (_, "PLPGSQL") => add(Dialect::Postgres, "PL/pgSQL"),
                (_, "AUTO_INCREMENT") => add(Dialect::Mysql, "AUTO_INCREMENT"),
                (_, "AUTOINCREMENT") => add(Dialect::Sqlite, "AUTOINCREMENT"),
                ("WITHOUT", "ROWID") => add(Dialect::Sqlite, "WITHOUT ROWID tables"),
                (_, "PRAGMA") => add(Dialect::Sqlite, "PRAGMA statements"),
                _ => {}
            }
            previous_word = word;
            continue;
        }
        if !b.is_ascii_whitespace() {
            previous_word.clear();
            after_engine = false;
        }
        i += 1;
    }
    signals
}

/// The index just past a quoted string or identifier starting at `start`. A doubled quote is
/// an escaped quote; a backslash escapes the next byte (MySQL strings, PostgreSQL `E''`).
fn skip_quoted(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        if bytes[i] == b'\\' && quote == b'\'' {
            i += 2;
            continue;
        }
        if bytes[i] == quote {
            if bytes.get(i + 1) == Some(&quote) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    bytes.len()
}

/// The end of a PostgreSQL dollar-quote opening tag (`$$` or `$name$`) at `start`, if one is
/// there. A `$` inside an identifier (`a$b`) or a parameter (`$1`) is not one.
fn dollar_tag_end(bytes: &[u8], start: usize) -> Option<usize> {
    if start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_') {
        return None;
    }
    let mut i = start + 1;
    if bytes.get(i).is_some_and(|b| b.is_ascii_digit()) {
        return None;
    }
    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
        i += 1;
    }
    (bytes.get(i) == Some(&b'$')).then_some(i + 1)
}

fn find_from(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || from >= bytes.len() {
        return None;
    }
    bytes[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::detect_project;
    use std::fs;

    fn guess(sql: &str) -> Option<Dialect> {
        decide(&dialect_signals(sql))
    }

    #[test]
    fn recognizes_each_dialect() {
        assert_eq!(
            guess("CREATE TABLE t (id SERIAL PRIMARY KEY);"),
            Some(Dialect::Postgres)
        );
        assert_eq!(guess("SELECT '1'::int;"), Some(Dialect::Postgres));
        assert_eq!(
            guess("CREATE EXTENSION IF NOT EXISTS pgcrypto;"),
            Some(Dialect::Postgres)
        );
        assert_eq!(
            guess("CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1 $body$ LANGUAGE sql;"),
            Some(Dialect::Postgres)
        );
        assert_eq!(
            guess("CREATE TABLE t (id INT AUTO_INCREMENT);"),
            Some(Dialect::Mysql)
        );
        assert_eq!(
            guess("CREATE TABLE t (id INT) ENGINE = InnoDB;"),
            Some(Dialect::Mysql)
        );
        assert_eq!(guess("CREATE TABLE `t` (`id` INT);"), Some(Dialect::Mysql));
        assert_eq!(
            guess("CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT);"),
            Some(Dialect::Sqlite)
        );
        assert_eq!(
            guess("CREATE TABLE t (k TEXT PRIMARY KEY) WITHOUT ROWID;"),
            Some(Dialect::Sqlite)
        );
        assert_eq!(guess("CREATE TABLE t (id INTEGER PRIMARY KEY);"), None);
    }

    #[test]
    fn comments_and_strings_are_not_evidence() {
        assert_eq!(guess("-- id SERIAL\nCREATE TABLE t (id int);"), None);
        assert_eq!(guess("/* AUTO_INCREMENT `x` */ SELECT 1;"), None);
        assert_eq!(
            guess("INSERT INTO t VALUES ('a::b', 'ENGINE=x', 'it''s `q`');"),
            None
        );
        assert_eq!(guess("SELECT $1, a$b$ FROM t;"), None);
        assert_eq!(guess("SELECT 'time: 10:30';"), None);
    }

    #[test]
    fn dollar_bodies_are_skipped_whole() {
        let sql = "CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN NEW.x := `y`; END $$ LANGUAGE plpgsql;";
        let signals = dialect_signals(sql);
        assert!(
            signals.iter().all(|s| s.dialect == Dialect::Postgres),
            "{signals:?}"
        );
    }

    #[test]
    fn mixed_syntax_names_no_dialect() {
        assert_eq!(
            guess("CREATE TABLE t (id SERIAL, n INT AUTO_INCREMENT);"),
            None
        );
    }

    #[test]
    fn finds_schema_files_in_the_project_and_its_db_folder() {
        let dir = tempfile::tempdir().expect("temp dir");
        fs::create_dir_all(dir.path().join("db")).expect("mkdir");
        fs::write(
            dir.path().join("schema.sql"),
            "CREATE TABLE t (id BIGSERIAL);",
        )
        .expect("write");
        fs::write(
            dir.path().join("db/schema.mysql"),
            "CREATE TABLE t (id int);",
        )
        .expect("write");
        fs::write(
            dir.path().join("db/structure.sql"),
            "CREATE TABLE t (id int);",
        )
        .expect("write");
        let d = detect_project(dir.path());
        let seen: Vec<(String, FindingKind, Option<Dialect>)> = d
            .findings
            .iter()
            .map(|f| (f.path.display().to_string(), f.kind, f.dialect))
            .collect();
        assert_eq!(
            seen,
            [
                (
                    "db/schema.mysql".to_owned(),
                    FindingKind::SchemaMysql,
                    Some(Dialect::Mysql)
                ),
                ("db/structure.sql".to_owned(), FindingKind::SchemaSql, None),
                (
                    "schema.sql".to_owned(),
                    FindingKind::SchemaSql,
                    Some(Dialect::Postgres)
                ),
            ]
        );
        assert_eq!(
            d.findings[2].reason,
            "schema.sql uses postgresql syntax: SERIAL columns"
        );
        assert_eq!(
            d.findings[1].reason,
            "db/structure.sql holds SQL with no dialect-specific syntax"
        );
        // A file named for MySQL outranks a guess from syntax.
        assert_eq!(d.dialect, Some(Dialect::Mysql));
    }
}
