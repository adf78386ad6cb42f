//! SQLite database files: `*.sqlite`, `*.sqlite3` and `*.db`, recognized by the 16-byte header
//! every SQLite database starts with ("SQLite format 3\0", see the SQLite file format manual,
//! section 1.3), because `.db` is used by many other formats.

use dbwarden_core::Dialect;
use std::path::PathBuf;

use super::tree::Tree;
use super::{Evidence, FindingKind, Strength};

/// The first 16 bytes of every SQLite 3 database file.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// The folders database files are looked for in, besides the project folder itself.
const DATABASE_FOLDERS: [&str; 6] = ["db", "database", "data", "prisma", "sql", "storage"];

pub(super) fn detect(tree: &Tree) -> Vec<Evidence> {
    let mut found = Vec::new();
    for folder in std::iter::once("").chain(DATABASE_FOLDERS) {
        let Some(listing) = tree.list(folder) else {
            continue;
        };
        for name in listing.files {
            let lower = name.to_ascii_lowercase();
            let sqlite_name = lower.ends_with(".sqlite") || lower.ends_with(".sqlite3");
            if !sqlite_name && !lower.ends_with(".db") {
                continue;
            }
            let path = PathBuf::from(folder).join(&name);
            let Some(head) = tree.read_head(&path, SQLITE_HEADER.len() as u64) else {
                continue;
            };
            let reason = if head.as_slice() == SQLITE_HEADER {
                format!(
                    "{} starts with the SQLite header \"SQLite format 3\\0\"",
                    path.display()
                )
            } else if head.is_empty() && sqlite_name {
                // SQLite opens a zero-length file as an empty database (file format manual,
                // section 1.3), and `touch app.sqlite3` is a common way to create one.
                format!(
                    "{} is empty, which SQLite opens as an empty database",
                    path.display()
                )
            } else {
                continue;
            };
            found.push(Evidence::new(
                FindingKind::SqliteFile,
                path,
                Some(Dialect::Sqlite),
                Strength::File,
                reason,
            ));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use crate::detect::{FindingKind, detect_project};
    use dbwarden_core::Dialect;
    use std::fs;

    #[test]
    fn reports_files_with_the_sqlite_header_only() {
        let dir = tempfile::tempdir().expect("temp dir");
        fs::create_dir_all(dir.path().join("db")).expect("mkdir");
        fs::write(dir.path().join("app.db"), b"SQLite format 3\0\x10\x00rest").expect("write");
        fs::write(dir.path().join("db/dev.sqlite3"), b"SQLite format 3\0").expect("write");
        fs::write(dir.path().join("cache.db"), b"BerkeleyDB or anything else").expect("write");
        fs::write(dir.path().join("empty.db"), b"").expect("write");
        fs::write(dir.path().join("short.sqlite"), b"SQLite").expect("write");
        fs::write(dir.path().join("fresh.sqlite3"), b"").expect("write");
        let d = detect_project(dir.path());
        let paths: Vec<String> = d
            .findings
            .iter()
            .map(|f| f.path.display().to_string())
            .collect();
        assert_eq!(paths, ["app.db", "db/dev.sqlite3", "fresh.sqlite3"]);
        assert!(
            d.findings
                .iter()
                .all(|f| f.kind == FindingKind::SqliteFile && f.dialect == Some(Dialect::Sqlite))
        );
        assert_eq!(
            d.findings[0].reason,
            "app.db starts with the SQLite header \"SQLite format 3\\0\""
        );
        assert_eq!(d.dialect, Some(Dialect::Sqlite));
        assert_eq!(d.database_url, None);
    }

    #[test]
    fn a_non_sqlite_db_file_is_ignored() {
        let dir = tempfile::tempdir().expect("temp dir");
        fs::write(dir.path().join("thumbs.db"), b"\xd0\xcf\x11\xe0 not sqlite").expect("write");
        assert!(detect_project(dir.path()).findings.is_empty());
    }
}
