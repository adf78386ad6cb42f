//! A throwaway project folder for the detection tests.

use super::{ProjectDetection, detect_project};
use std::fs;

/// Writes `files` (relative path, contents) into a fresh temporary folder and detects it.
pub(crate) fn detect(files: &[(&str, &str)]) -> ProjectDetection {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in files {
        let full = dir.path().join(path);
        if let Some(parent) = full.parent() {
            fs::create_dir_all(parent).expect("mkdir");
        }
        fs::write(full, text).expect("write");
    }
    detect_project(dir.path())
}
