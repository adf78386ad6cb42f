//! `dbwarden detect`: what the project uses, from its files and (when a URL is known) the server.

use crate::cli::GlobalArgs;
use crate::exit::{Exit, Failure};
use crate::output::{print_json, println_safe};
use dbwarden::config::resolve_database_url;
use serde_json::json;
use std::path::Path;

pub async fn run(global: &GlobalArgs, dir: &Path) -> Result<Exit, Failure> {
    if !dir.is_dir() {
        return Err(Failure::new(
            Exit::Usage,
            "invalid_input",
            format!("{} is not a folder", dir.display()),
        ));
    }
    let project = dbwarden::detect::detect_project(dir);
    // The server, when a URL is configured: its engine and version.
    let server = match resolve_database_url(global.database_url.as_deref(), dir) {
        Ok((url, source)) => match dbwarden::engine::connect(&url).await {
            Ok(mut engine) => match engine.server_info().await {
                Ok(info) => {
                    json!({"url": url.redacted(), "from": source.to_string(), "engine": info.dialect.name(), "product": info.product, "version": info.version, "database": info.database})
                }
                Err(e) => {
                    json!({"url": url.redacted(), "from": source.to_string(), "engine": url.dialect().name(), "error": e.to_string()})
                }
            },
            Err(e) => {
                json!({"url": url.redacted(), "from": source.to_string(), "engine": url.dialect().name(), "error": e.to_string()})
            }
        },
        Err(dbwarden::config::ConfigError::NoUrl) => serde_json::Value::Null,
        Err(e) => json!({"error": e.to_string()}),
    };
    if global.json {
        print_json(&json!({"project": project, "server": server}));
        return Ok(Exit::Success);
    }
    if let Some(obj) = server.as_object() {
        let engine = obj
            .get("product")
            .or_else(|| obj.get("engine"))
            .and_then(|v| v.as_str())
            .unwrap_or("?");
        let version = obj.get("version").and_then(|v| v.as_str()).unwrap_or("");
        let url = obj.get("url").and_then(|v| v.as_str()).unwrap_or("");
        let from = obj.get("from").and_then(|v| v.as_str()).unwrap_or("");
        match obj.get("error").and_then(|v| v.as_str()) {
            Some(err) if url.is_empty() => println_safe(&format!("database URL: {err}")),
            Some(err) => println_safe(&format!(
                "database: {url} (from {from}): {engine}, not reachable: {err}"
            )),
            None => println_safe(&format!(
                "database: {url} (from {from}): {engine} {version}"
            )),
        }
    } else {
        println_safe("database: no URL configured (--database-url, DATABASE_URL or .env)");
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
