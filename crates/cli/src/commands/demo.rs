//! `dbwarden demo`: the whole runner on SQLite in one command.

use crate::cli::GlobalArgs;
use crate::exit::{Exit, Failure};
use crate::output::{Style, paint, print_json, println_safe, progress, table};
use dbwarden::demo::DemoError;
use std::path::Path;

pub async fn run(global: &GlobalArgs, dir: &Path, rows: u32) -> Result<Exit, Failure> {
    let json = global.json;
    let report = dbwarden::demo::run(dir, rows, |line| progress(json, &format!("▸ {line}")))
        .await
        .map_err(|e| match e {
            DemoError::Migrate(m) => Failure::from(m),
            DemoError::FolderInUse(_) => Failure::new(Exit::Usage, "invalid_input", e.to_string()),
            DemoError::Apply(a) => Failure::new(Exit::Failure, "apply", a.to_string()),
            other => Failure::new(Exit::Failure, "io", other.to_string()),
        })?;
    if json {
        print_json(&report);
    } else {
        let mut t = table(&["version", "name", "state", "applied at", "ms"]);
        for m in &report.final_status.migrations {
            t.add_row(vec![
                m.version.clone(),
                m.name.clone(),
                format!("{:?}", m.state).to_lowercase(),
                m.applied_at.clone().unwrap_or_default(),
                m.duration_ms.map(|d| d.to_string()).unwrap_or_default(),
            ]);
        }
        println_safe(&t.to_string());
        let v = &report.validation;
        let verdict = if v.data_integrity == "verified" {
            paint("verified", Style::Ok, false)
        } else {
            paint(&v.data_integrity, Style::Bad, false)
        };
        println_safe(&format!(
            "rows before rollback: {}, after re-apply: {}; data integrity: {verdict}",
            v.records_before_rollback, v.records_after_reapply
        ));
        println_safe(&format!("database: {}", report.database_url));
        println_safe(&format!("events:   {}", report.event_log.display()));
        if let Some(apply) = &report.apply
            && let (Some(r), Some(c)) = (&apply.report_file, &apply.checklist_file)
        {
            println_safe(&format!(
                "report:   {}\nchecklist: {}",
                r.display(),
                c.display()
            ));
        }
        // The binary that is running, so the lines work as printed (it may not be on PATH).
        let exe = std::env::current_exe()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| "dbwarden".into());
        let db = report.project.join("demo.db");
        let migrations = report.project.join("migrations");
        for command in ["migrate status", "inspect", "backup list"] {
            let extra = if command == "backup list" {
                format!(" {}", report.project.join("backups").display())
            } else {
                String::new()
            };
            println_safe(&format!(
                "try:      {exe} --database-url sqlite:{} --migrations-dir {} {command}{extra}",
                db.display(),
                migrations.display()
            ));
        }
    }
    Ok(if report.status == "success" {
        Exit::Success
    } else {
        Exit::Failure
    })
}
