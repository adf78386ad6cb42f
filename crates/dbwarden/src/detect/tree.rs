//! Reading the project folder without following symbolic links.
//!
//! Detection reads files a user pointed us at, inside a folder that may hold links to anywhere
//! (a home directory, `/etc`, a network mount). Every component of every path is checked with
//! `symlink_metadata`, and files are opened with `O_NOFOLLOW` where the platform has it, so a
//! link is never read through.

use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// The most bytes read from a configuration or schema file: enough for any real one, and a
/// bound on the work a huge file (a data dump named `schema.sql`) can cause.
pub(super) const TEXT_LIMIT: u64 = 1 << 20;

/// The most bytes of a migration read when looking for a tool's markers, which sit at the top.
pub(super) const MARKER_LIMIT: u64 = 64 << 10;

/// Folders never searched: dependencies, build output, virtual environments, VCS metadata and
/// other hidden folders.
pub(super) fn is_ignored_dir(name: &str) -> bool {
    matches!(
        name,
        "node_modules" | "target" | "__pycache__" | "venv" | "vendor" | "dist" | "build"
    ) || name.starts_with('.')
}

/// What a path inside the project is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EntryKind {
    File,
    Dir,
}

/// The names in a folder, sorted, without symbolic links or names that are not UTF-8.
#[derive(Debug, Default)]
pub(super) struct Listing {
    /// Regular files.
    pub files: Vec<String>,
    /// Folders.
    pub dirs: Vec<String>,
}

/// The project folder being read.
pub(super) struct Tree {
    root: PathBuf,
}

impl Tree {
    pub fn new(root: &Path) -> Self {
        Tree {
            root: root.to_path_buf(),
        }
    }

    /// What `rel` is, or `None` if it is missing, escapes the root, or passes through a link.
    fn kind(&self, rel: &Path) -> Option<EntryKind> {
        let mut path = self.root.clone();
        let mut kind = EntryKind::Dir;
        for component in rel.components() {
            match component {
                Component::Normal(name) if kind == EntryKind::Dir => path.push(name),
                Component::CurDir => continue,
                _ => return None,
            }
            let meta = fs::symlink_metadata(&path).ok()?;
            let file_type = meta.file_type();
            kind = if file_type.is_symlink() {
                return None;
            } else if file_type.is_dir() {
                EntryKind::Dir
            } else if file_type.is_file() {
                EntryKind::File
            } else {
                return None;
            };
        }
        Some(kind)
    }

    /// Whether `rel` is a regular file reached without links.
    pub fn is_file(&self, rel: impl AsRef<Path>) -> bool {
        self.kind(rel.as_ref()) == Some(EntryKind::File)
    }

    /// Whether `rel` is a folder reached without links (the root itself counts).
    pub fn is_dir(&self, rel: impl AsRef<Path>) -> bool {
        self.kind(rel.as_ref()) == Some(EntryKind::Dir)
    }

    /// Up to `limit` bytes from the start of a regular file.
    pub fn read_head(&self, rel: impl AsRef<Path>, limit: u64) -> Option<Vec<u8>> {
        let rel = rel.as_ref();
        if !self.is_file(rel) {
            return None;
        }
        let file = open_no_follow(&self.root.join(rel)).ok()?;
        let mut bytes = Vec::new();
        file.take(limit).read_to_end(&mut bytes).ok()?;
        Some(bytes)
    }

    /// A text file's first [`TEXT_LIMIT`] bytes, with invalid UTF-8 replaced.
    pub fn read_text(&self, rel: impl AsRef<Path>) -> Option<String> {
        self.read_text_limited(rel, TEXT_LIMIT)
    }

    /// A text file's first `limit` bytes, with invalid UTF-8 replaced.
    pub fn read_text_limited(&self, rel: impl AsRef<Path>, limit: u64) -> Option<String> {
        let bytes = self.read_head(rel, limit)?;
        Some(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// The folder's files and subfolders, or `None` when `rel` is not a folder.
    pub fn list(&self, rel: impl AsRef<Path>) -> Option<Listing> {
        let rel = rel.as_ref();
        if !self.is_dir(rel) {
            return None;
        }
        let mut listing = Listing::default();
        for entry in fs::read_dir(self.root.join(rel)).ok()?.flatten() {
            // `DirEntry::file_type` does not follow links, so a link is neither file nor dir.
            let Ok(file_type) = entry.file_type() else {
                continue;
            };
            let Ok(name) = entry.file_name().into_string() else {
                continue;
            };
            if file_type.is_file() {
                listing.files.push(name);
            } else if file_type.is_dir() {
                listing.dirs.push(name);
            }
        }
        listing.files.sort();
        listing.dirs.sort();
        Some(listing)
    }
}

#[cfg(unix)]
fn open_no_follow(path: &Path) -> std::io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
}

#[cfg(not(unix))]
fn open_no_follow(path: &Path) -> std::io::Result<fs::File> {
    fs::File::open(path)
}

/// A relative path written by a user in a configuration file, if it stays inside the project.
pub(super) fn relative_inside(written: &str) -> Option<PathBuf> {
    let path = Path::new(written.trim());
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::Normal(name) => out.push(name),
            Component::CurDir => {}
            _ => return None,
        }
    }
    (!out.as_os_str().is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_files_and_lists_folders_sorted() {
        let dir = tempfile::tempdir().expect("temp dir");
        fs::create_dir_all(dir.path().join("db/sub")).expect("mkdir");
        fs::write(dir.path().join("db/b.sql"), "b").expect("write");
        fs::write(dir.path().join("db/a.sql"), "abc").expect("write");
        let tree = Tree::new(dir.path());
        let listing = tree.list("db").expect("listing");
        assert_eq!(listing.files, ["a.sql", "b.sql"]);
        assert_eq!(listing.dirs, ["sub"]);
        assert_eq!(tree.read_text("db/a.sql").as_deref(), Some("abc"));
        assert_eq!(tree.read_head("db/a.sql", 2), Some(b"ab".to_vec()));
        assert!(tree.is_dir(""));
        assert!(tree.list("db/a.sql").is_none());
        assert!(tree.read_text("db").is_none());
        assert!(tree.read_text("missing").is_none());
    }

    #[test]
    fn refuses_paths_that_leave_the_root() {
        let dir = tempfile::tempdir().expect("temp dir");
        let tree = Tree::new(&dir.path().join("inner"));
        fs::create_dir_all(dir.path().join("inner")).expect("mkdir");
        fs::write(dir.path().join("secret"), "x").expect("write");
        assert!(tree.read_text("../secret").is_none());
        assert_eq!(
            relative_inside("./db/migrations"),
            Some(PathBuf::from("db/migrations"))
        );
        assert_eq!(relative_inside("../elsewhere"), None);
        assert_eq!(relative_inside("/etc"), None);
        assert_eq!(relative_inside("."), None);
    }

    #[cfg(unix)]
    #[test]
    fn never_follows_symbolic_links() {
        let dir = tempfile::tempdir().expect("temp dir");
        let outside = tempfile::tempdir().expect("temp dir");
        fs::write(outside.path().join("schema.sql"), "x").expect("write");
        std::os::unix::fs::symlink(outside.path(), dir.path().join("db")).expect("link");
        std::os::unix::fs::symlink(outside.path().join("schema.sql"), dir.path().join("s.sql"))
            .expect("link");
        let tree = Tree::new(dir.path());
        assert!(tree.read_text("db/schema.sql").is_none());
        assert!(tree.read_text("s.sql").is_none());
        assert!(tree.list("db").is_none());
        let listing = tree.list("").expect("root");
        assert!(listing.files.is_empty() && listing.dirs.is_empty());
    }

    #[test]
    fn ignores_dependency_and_hidden_folders() {
        for name in ["node_modules", "target", ".git", ".venv"] {
            assert!(is_ignored_dir(name), "{name}");
        }
        assert!(!is_ignored_dir("blog"));
    }
}
