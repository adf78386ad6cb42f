//! `dbwarden clean`: what killed runs left, listed and removed.

use crate::cli::GlobalArgs;
use crate::exit::{Exit, Failure};
use crate::output::{print_json, println_safe};
use serde_json::json;
use std::path::PathBuf;

pub async fn run(
    global: &GlobalArgs,
    dry_run: bool,
    all: bool,
    dirs: &[PathBuf],
) -> Result<Exit, Failure> {
    // Not `connect`: it sweeps dead scratch databases first, and a dry run must list them.
    let (url, _) = dbwarden::config::resolve_database_url(
        global.database_url.as_deref(),
        std::path::Path::new("."),
    )?;
    let mut engine = dbwarden::engine::connect(&url).await?;
    let found = dbwarden::clean::find(engine.as_mut(), dirs).await?;
    if dry_run {
        if global.json {
            print_json(&json!({"status": "success", "dry_run": true, "leftovers": found}));
        } else if found.is_empty() {
            println_safe("nothing left behind");
        } else {
            for leftover in &found {
                let mark = if leftover.removable(all) {
                    "would remove"
                } else {
                    "would keep"
                };
                println_safe(&format!("{mark}: {leftover}"));
            }
        }
        return Ok(Exit::Success);
    }
    let (removed, failed) = dbwarden::clean::remove(engine.as_mut(), &found, all).await;
    let kept: Vec<_> = found.iter().filter(|l| !l.removable(all)).collect();
    if global.json {
        print_json(&json!({
            "status": if failed.is_empty() { "success" } else { "failed" },
            "removed": removed,
            "kept": kept,
            "failed": failed.iter().map(|(l, e)| json!({"leftover": l, "error": e})).collect::<Vec<_>>(),
        }));
    } else {
        for l in &removed {
            println_safe(&format!("removed: {l}"));
        }
        for l in &kept {
            println_safe(&format!("kept: {l}"));
        }
        for (l, e) in &failed {
            eprintln!("could not remove {l}: {e}");
        }
        if found.is_empty() {
            println_safe("nothing left behind");
        }
    }
    Ok(if failed.is_empty() {
        Exit::Success
    } else {
        Exit::Failure
    })
}
