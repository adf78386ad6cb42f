//! `dbwarden demo`, the README's first command: the whole main job on SQLite, checked against
//! the demo database itself (sqlite_master and the rows), not only against the demo's report.

use std::process::Command;

#[test]
fn demo_runs_the_main_job_end_to_end() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let project = dir.path().join("demo");
    let out = Command::new(env!("CARGO_BIN_EXE_dbwarden"))
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .args(["--json", "--no-event-log", "demo", "--dir"])
        .arg(&project)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    assert_eq!(report["status"], "success", "{stdout}");
    let apply = &report["apply"];
    assert_eq!(apply["status"], "success", "{stdout}");
    assert!(apply["backup"]["file"].is_string(), "no backup: {stdout}");
    assert_eq!(apply["rehearsal"]["up_succeeded"], true, "{stdout}");
    for file in ["report_file", "checklist_file"] {
        let path = apply[file].as_str().unwrap_or_default();
        assert!(
            std::path::Path::new(path).is_file(),
            "{file} {path} missing"
        );
    }
    // The oracle: SQLite's own catalog text of the table, and the rows.
    let url = dbwarden::engine::ConnectionUrl::parse(&format!(
        "sqlite:{}",
        project.join("demo.db").display()
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    let runtime = tokio::runtime::Runtime::new().unwrap_or_else(|e| panic!("{e}"));
    let (sql, rows) = runtime.block_on(async {
        let mut engine = dbwarden::engine::connect(&url)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let text = |q: &'static str| async move { q };
        let sql = engine
            .query(
                text("SELECT sql FROM sqlite_master WHERE name = 'customers'").await,
                &[],
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let rows = engine
            .query("SELECT count(*), count(full_name) FROM customers", &[])
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        (sql, rows)
    });
    let sql = sql
        .first()
        .and_then(|r| r.first())
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    assert!(
        sql.contains("full_name"),
        "customers lacks full_name: {sql}"
    );
    assert!(
        !sql.contains("\"name\"") && !sql.contains(" name "),
        "the old column stayed: {sql}"
    );
    let counts: Vec<i64> = rows
        .first()
        .map(|r| r.iter().filter_map(|v| v.as_i64()).collect())
        .unwrap_or_default();
    assert_eq!(counts, [5000, 5000], "rows or renamed values lost");
}
