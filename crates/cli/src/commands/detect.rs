//! `dbwarden detect`: what the project uses, from its files and (when a URL is known) the server.

use crate::cli::GlobalArgs;
use crate::exit::{Exit, Failure};
use crate::output::{print_json, println_safe};
use dbwarden::config::{ConfigError, resolve_database_url};
use dbwarden::detect::{HistoryTable, history_tables};
use serde::Serialize;
use std::path::Path;

/// What the configured database URL leads to.
#[derive(Debug, Serialize)]
struct ServerDetection {
    /// The URL, redacted.
    url: Option<String>,
    /// Where the URL came from.
    from: Option<String>,
    /// Engine named by the URL.
    engine: Option<String>,
    /// Product and version the server reports.
    product: Option<String>,
    version: Option<String>,
    database: Option<String>,
    /// Migration history tables found in it.
    history_tables: Vec<HistoryTable>,
    /// Why the server could not be asked.
    error: Option<String>,
}

async fn detect_server(global: &GlobalArgs, dir: &Path) -> Option<ServerDetection> {
    let mut found = ServerDetection {
        url: None,
        from: None,
        engine: None,
        product: None,
        version: None,
        database: None,
        history_tables: Vec::new(),
        error: None,
    };
    let (url, source) = match resolve_database_url(global.database_url.as_deref(), dir) {
        Ok(resolved) => resolved,
        Err(ConfigError::NoUrl) => return None,
        Err(e) => {
            found.error = Some(e.to_string());
            return Some(found);
        }
    };
    found.url = Some(url.redacted());
    found.from = Some(source.to_string());
    found.engine = Some(url.dialect().name().into());
    let mut engine = match dbwarden::engine::connect(&url).await {
        Ok(engine) => engine,
        Err(e) => {
            found.error = Some(e.to_string());
            return Some(found);
        }
    };
    match engine.server_info().await {
        Ok(info) => {
            found.product = Some(info.product);
            found.version = Some(info.version);
            found.database = Some(info.database);
        }
        Err(e) => found.error = Some(e.to_string()),
    }
    match history_tables(engine.as_mut()).await {
        Ok(tables) => found.history_tables = tables,
        Err(e) => found.error = Some(e.to_string()),
    }
    Some(found)
}

pub async fn run(global: &GlobalArgs, dir: &Path) -> Result<Exit, Failure> {
    if !dir.is_dir() {
        return Err(Failure::new(
            Exit::Usage,
            "invalid_input",
            format!("{} is not a folder", dir.display()),
        ));
    }
    let project = dbwarden::detect::detect_project(dir);
    let server = detect_server(global, dir).await;
    if global.json {
        print_json(&serde_json::json!({"project": project, "server": server}));
        return Ok(Exit::Success);
    }
    match &server {
        None => println_safe("database: no URL configured (--database-url, DATABASE_URL or .env)"),
        Some(s) => {
            let url = s.url.as_deref().unwrap_or("");
            let from = s.from.as_deref().unwrap_or("");
            let engine = s.product.as_deref().or(s.engine.as_deref()).unwrap_or("?");
            match (&s.error, url.is_empty()) {
                (Some(err), true) => println_safe(&format!("database URL: {err}")),
                (Some(err), false) => println_safe(&format!(
                    "database: {url} (from {from}): {engine}, not reachable: {err}"
                )),
                (None, _) => println_safe(&format!(
                    "database: {url} (from {from}): {engine} {}",
                    s.version.as_deref().unwrap_or("")
                )),
            }
            for h in &s.history_tables {
                println_safe(&format!(
                    "  history table {}: migrations applied by {}",
                    h.table, h.tool
                ));
            }
        }
    }
    let lines = project.summary_lines();
    if lines.is_empty() {
        println_safe(&format!(
            "project: nothing found in {} that names a database or migration tool",
            dir.display()
        ));
    }
    for line in lines {
        println_safe(&line);
    }
    Ok(Exit::Success)
}
