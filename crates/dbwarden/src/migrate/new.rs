//! `migrate new NAME`: the next pair of empty scripts.

use super::{MigrateError, slug};
use std::path::{Path, PathBuf};

/// Creates `NNNN_name.up.sql` and `NNNN_name.down.sql` with the next version (one more than
/// the highest in the folder, four digits at least) and returns their paths.
pub fn create_migration(dir: &Path, name: &str) -> Result<(PathBuf, PathBuf), MigrateError> {
    let name = slug(name);
    if name.is_empty() {
        return Err(MigrateError::BadTarget(
            "the migration name needs at least one letter or digit, e.g. `dbwarden migrate new add_users`".into(),
        ));
    }
    std::fs::create_dir_all(dir).map_err(|e| MigrateError::Io {
        path: dir.to_path_buf(),
        message: e.to_string(),
    })?;
    let mut highest: u64 = 0;
    let mut width = 4;
    let entries = std::fs::read_dir(dir).map_err(|e| MigrateError::Io {
        path: dir.to_path_buf(),
        message: e.to_string(),
    })?;
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        // Only migration files count (`NNNN_name.up.sql` / `.down.sql`), not `2024-notes.md`.
        if !(file.ends_with(".up.sql") || file.ends_with(".down.sql")) {
            continue;
        }
        let digits: String = file.chars().take_while(char::is_ascii_digit).collect();
        if !file[digits.len()..].starts_with('_') {
            continue;
        }
        if let Ok(v) = digits.parse::<u64>()
            && v >= highest
        {
            highest = v;
            width = width.max(digits.len());
        }
    }
    let next = highest
        .checked_add(1)
        .filter(|n| i64::try_from(*n).is_ok())
        .ok_or_else(|| MigrateError::VersionTooLarge {
            version: highest.to_string(),
        })?;
    let version = format!("{next:0width$}");
    let up = dir.join(format!("{version}_{name}.up.sql"));
    let down = dir.join(format!("{version}_{name}.down.sql"));
    let write = |path: &Path, text: &str| {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()))
            .map_err(|e| MigrateError::Io {
                path: path.to_path_buf(),
                message: e.to_string(),
            })
    };
    write(&up, &format!("-- {version}_{name}: forward change.\n"))?;
    write(
        &down,
        &format!("-- {version}_{name}: undo the forward change.\n"),
    )?;
    Ok((up, down))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_the_highest_version() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (up, down) = create_migration(dir.path(), "Create users").expect("create");
        assert!(up.ends_with("0001_create_users.up.sql"));
        assert!(down.ends_with("0001_create_users.down.sql"));
        std::fs::write(dir.path().join("0041_x.up.sql"), "").expect("write");
        std::fs::write(dir.path().join("9999-notes.md"), "").expect("write");
        let (up, _) = create_migration(dir.path(), "next").expect("create");
        assert!(up.ends_with("0042_next.up.sql"), "{}", up.display());
        assert!(create_migration(dir.path(), "!!").is_err());
    }
}
