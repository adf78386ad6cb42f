//! `dbwarden backup create|verify|restore|list|prune`.

use super::connect;
use crate::cli::{BackupCommand, GlobalArgs};
use crate::exit::{Exit, Failure};
use crate::output::{Style, paint, print_json, println_safe, table};
use dbwarden::backup::{BackupOptions, BackupProgress, BackupReader, RestoreOptions, read_marker};
use dbwarden::config::resolve_database_url;
use dbwarden::units::human_bytes;
use serde_json::json;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

pub async fn run(global: &GlobalArgs, cmd: BackupCommand) -> Result<Exit, Failure> {
    match cmd {
        BackupCommand::Create {
            tables,
            output,
            verify,
        } => create(global, tables, output, verify).await,
        BackupCommand::Verify { file, dev_url } => verify(global, &file, dev_url).await,
        BackupCommand::Restore {
            file,
            tables,
            force,
        } => restore(global, &file, tables, force).await,
        BackupCommand::List { dir } => list(global, &dir),
        BackupCommand::Prune {
            dir,
            keep,
            older_than,
            dry_run,
        } => prune(global, &dir, keep, older_than, dry_run),
    }
}

/// `backups/YYYYMMDD_HHMMSS.dbwb`, with a suffix if that second is taken.
pub fn default_backup_path() -> PathBuf {
    let stamp = chrono::Utc::now().format("%Y%m%d_%H%M%S").to_string();
    let mut path = PathBuf::from(format!("backups/{stamp}.dbwb"));
    let mut n = 1;
    while path.exists() {
        n += 1;
        path = PathBuf::from(format!("backups/{stamp}_{n}.dbwb"));
    }
    path
}

/// A progress line on a terminal's stderr, redrawn at most a few times a second.
pub fn progress_bar(json: bool) -> Option<dbwarden::backup::ProgressFn> {
    if json || !std::io::stderr().is_terminal() {
        return None;
    }
    let started = Instant::now();
    let last = Mutex::new(Instant::now());
    Some(Arc::new(move |p: &BackupProgress| {
        let Ok(mut last) = last.lock() else { return };
        if last.elapsed().as_millis() < 250 {
            return;
        }
        *last = Instant::now();
        let seconds = started.elapsed().as_secs_f64().max(0.001);
        let rows = match (p.rows, p.estimated_rows) {
            (Some(done), Some(total)) if total > 0 => {
                let rate = done as f64 / seconds;
                let eta = if rate > 0.0 && total > done {
                    format!(", ETA {:.0}s", (total - done) as f64 / rate)
                } else {
                    String::new()
                };
                format!(", {done}/{total} rows, {:.0} rows/s{eta}", rate)
            }
            (Some(done), _) => format!(", {done} rows, {:.0} rows/s", done as f64 / seconds),
            (None, Some(total)) => format!(" (~{total} rows)"),
            (None, None) => String::new(),
        };
        eprint!(
            "\r\x1b[2K[{}/{}] {}: {} read, {}/s{rows}",
            p.index,
            p.tables,
            p.table,
            human_bytes(p.raw_bytes),
            human_bytes((p.raw_bytes as f64 / seconds) as u64),
        );
    }))
}

fn clear_progress(json: bool) {
    if !json && std::io::stderr().is_terminal() {
        eprint!("\r\x1b[2K");
    }
}

async fn create(
    global: &GlobalArgs,
    tables: Vec<String>,
    output: Option<PathBuf>,
    and_verify: bool,
) -> Result<Exit, Failure> {
    let (url, mut engine) = connect(global).await?;
    let file = output.unwrap_or_else(default_backup_path);
    let options = BackupOptions {
        file: file.clone(),
        tables: (!tables.is_empty()).then_some(tables),
        sample_rows: None,
    };
    let summary =
        dbwarden::backup::create(engine.as_mut(), &options, progress_bar(global.json)).await;
    clear_progress(global.json);
    let summary = summary?;
    let verified = if and_verify {
        Some(dbwarden::backup::verify(&file, &url).await?)
    } else {
        None
    };
    let manifest = &summary.manifest;
    if global.json {
        print_json(&json!({
            "status": "success",
            "backup": {
                "file": summary.file,
                "size_bytes": summary.size,
                "size": human_bytes(summary.size),
                "tables": manifest.tables.iter().map(|t| json!({
                    "name": t.name.to_string(), "rows": t.rows, "bytes": t.raw_bytes,
                })).collect::<Vec<_>>(),
                "rows": manifest.total_rows(),
                "duration_seconds": manifest.duration_seconds,
                "verified": verified.is_some(),
            }
        }));
    } else {
        let mut t = table(&["table", "rows", "data", "compressed"]);
        for entry in &manifest.tables {
            t.add_row(vec![
                entry.name.to_string(),
                entry.rows.to_string(),
                human_bytes(entry.raw_bytes),
                human_bytes(entry.compressed_bytes),
            ]);
        }
        println_safe(&t.to_string());
        println_safe(&format!(
            "{} {} ({}, {} rows in {} tables, {:.1}s){}",
            paint("backup written:", Style::Ok, false),
            summary.file.display(),
            human_bytes(summary.size),
            manifest.total_rows(),
            manifest.tables.len(),
            manifest.duration_seconds,
            if verified.is_some() { ", verified" } else { "" }
        ));
    }
    Ok(Exit::Success)
}

async fn verify(
    global: &GlobalArgs,
    file: &Path,
    dev_url: Option<String>,
) -> Result<Exit, Failure> {
    let url = match dev_url {
        Some(u) => dbwarden::engine::ConnectionUrl::parse(&u)
            .map_err(dbwarden::engine::EngineError::from)?,
        None => resolve_database_url(global.database_url.as_deref(), Path::new("."))?.0,
    };
    let report = dbwarden::backup::verify(file, &url).await?;
    if global.json {
        print_json(&json!({"status": "success", "verify": report}));
    } else {
        println_safe(&format!(
            "{} {}: {} tables, {} rows; checksums match, restored into a scratch database with equal fingerprints ({:.1}s)",
            paint("verified", Style::Ok, false),
            file.display(),
            report.tables,
            report.rows,
            report.seconds
        ));
    }
    Ok(Exit::Success)
}

async fn restore(
    global: &GlobalArgs,
    file: &Path,
    tables: Vec<String>,
    force: bool,
) -> Result<Exit, Failure> {
    let reader = Arc::new(BackupReader::open(file)?);
    let (_url, mut engine) = connect(global).await?;
    let options = RestoreOptions {
        force,
        tables: (!tables.is_empty()).then_some(tables),
    };
    let summary = dbwarden::backup::restore(engine.as_mut(), reader, &options).await?;
    if global.json {
        print_json(&json!({"status": "success", "restore": summary}));
    } else {
        let mut t = table(&["table", "rows", "action"]);
        for restored in &summary.tables {
            let action = if restored.created {
                "created".to_owned()
            } else if restored.replaced_rows > 0 {
                format!("replaced {} rows", restored.replaced_rows)
            } else {
                "loaded".to_owned()
            };
            t.add_row(vec![
                restored.name.clone(),
                restored.rows.to_string(),
                action,
            ]);
        }
        println_safe(&t.to_string());
        println_safe(&format!(
            "{} {} rows from {}; fingerprints equal the backup's",
            paint("restored", Style::Ok, false),
            summary.rows,
            file.display()
        ));
    }
    Ok(Exit::Success)
}

fn list(global: &GlobalArgs, dir: &Path) -> Result<Exit, Failure> {
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "dbwb"))
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => {
            return Err(Failure::new(
                Exit::Failure,
                "io",
                format!("cannot read {}: {e}", dir.display()),
            ));
        }
    };
    files.sort();
    let mut rows = Vec::new();
    // Unfinished files too: a killed or interrupted backup leaves one, and it takes space.
    if let Ok(entries) = std::fs::read_dir(dir) {
        let mut partial: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.to_string_lossy().ends_with(".partial"))
            .collect();
        partial.sort();
        for path in partial {
            rows.push(json!({"file": path, "problem": "unfinished (.partial): `dbwarden clean` removes it once no backup writes it"}));
        }
    }
    for path in files {
        match BackupReader::open(&path) {
            Ok(reader) => {
                let marker = read_marker(&reader);
                rows.push(json!({
                    "file": path,
                    "created_at": reader.manifest.created_at,
                    "database": reader.manifest.source.database,
                    "engine": reader.manifest.source.product,
                    "tables": reader.manifest.tables.len(),
                    "rows": reader.manifest.total_rows(),
                    "size_bytes": reader.size,
                    "verified": marker.as_ref().map(|m| m.verified_at.clone()),
                    "problem": null,
                }));
            }
            Err(e) => rows.push(json!({"file": path, "problem": e.to_string()})),
        }
    }
    if global.json {
        print_json(&json!({"status": "success", "backups": rows}));
        return Ok(Exit::Success);
    }
    if rows.is_empty() {
        println_safe(&format!("no backups in {}", dir.display()));
        return Ok(Exit::Success);
    }
    let mut t = table(&[
        "file", "created", "engine", "tables", "rows", "size", "verified",
    ]);
    for row in &rows {
        let s = |k: &str| row[k].as_str().unwrap_or("").to_owned();
        let n = |k: &str| row[k].as_u64().map(|v| v.to_string()).unwrap_or_default();
        if !row["problem"].is_null() {
            t.add_row(vec![
                row["file"].as_str().unwrap_or("").to_owned(),
                format!("unusable: {}", s("problem")),
            ]);
            continue;
        }
        t.add_row(vec![
            row["file"].as_str().unwrap_or("").to_owned(),
            s("created_at"),
            s("engine"),
            n("tables"),
            n("rows"),
            human_bytes(row["size_bytes"].as_u64().unwrap_or(0)),
            if row["verified"].is_null() {
                "no".to_owned()
            } else {
                s("verified")
            },
        ]);
    }
    println_safe(&t.to_string());
    Ok(Exit::Success)
}

fn prune(
    global: &GlobalArgs,
    dir: &Path,
    keep: usize,
    older_than: Option<std::time::Duration>,
    dry_run: bool,
) -> Result<Exit, Failure> {
    let seen = dbwarden::clean::prune_backups(dir, keep, older_than, dry_run).map_err(|e| {
        Failure::new(
            Exit::Failure,
            "io",
            format!("cannot prune {}: {e}", dir.display()),
        )
    })?;
    let removed: Vec<_> = seen.iter().filter(|b| b.removed).collect();
    if global.json {
        print_json(&json!({"status": "success", "dry_run": dry_run, "backups": seen}));
        return Ok(Exit::Success);
    }
    let verb = if dry_run { "would remove" } else { "removed" };
    for b in &removed {
        println_safe(&format!(
            "{verb} {} ({} h old)",
            b.path.display(),
            b.age_seconds / 3600
        ));
    }
    println_safe(&format!(
        "{} backup(s) in {}: {} kept, {} {verb}",
        seen.len(),
        dir.display(),
        seen.len() - removed.len(),
        removed.len()
    ));
    Ok(Exit::Success)
}
