//! `dbwarden lint`: findings with why and fix, suppression with a reason, exit codes, formats.

use std::process::Command;

fn run(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_dbwarden"))
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap_or_else(|e| panic!("cannot run dbwarden: {e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn project(up: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    std::fs::create_dir(dir.path().join("migrations")).unwrap_or_else(|e| panic!("mkdir: {e}"));
    std::fs::write(dir.path().join("migrations/0001_change.up.sql"), up)
        .unwrap_or_else(|e| panic!("write: {e}"));
    // Down scripts drop on purpose and are not linted when a folder is given.
    std::fs::write(
        dir.path().join("migrations/0001_change.down.sql"),
        "DROP TABLE users;\n",
    )
    .unwrap_or_else(|e| panic!("write: {e}"));
    dir
}

#[test]
fn blocking_finding_exits_3_with_why_and_fix() {
    let dir = project("CREATE INDEX users_email ON users (email);\n");
    let (code, out, _) = run(dir.path(), &["lint", "--dialect", "postgres"]);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("require-concurrent-index"), "{out}");
    assert!(out.contains("migrations/0001_change.up.sql:1:1"), "{out}");
    assert!(
        out.contains("CREATE INDEX CONCURRENTLY users_email"),
        "{out}"
    );
    assert!(
        !out.contains("drop-table"),
        "down scripts are not linted: {out}"
    );
}

#[test]
fn allowed_findings_do_not_block() {
    let dir = project(
        "-- dbwarden:allow drop-column the column was unused since v2\nALTER TABLE users DROP COLUMN legacy;\n",
    );
    let (code, out, _) = run(
        dir.path(),
        &["lint", "--dialect", "postgres", "--format", "json"],
    );
    assert_eq!(code, 0, "{out}");
    let json: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    let drop = json["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["rule"] == "drop-column"))
        .cloned();
    assert_eq!(
        drop.map(|d| d["allowed"].clone()),
        Some(serde_json::json!("the column was unused since v2")),
        "{out}"
    );

    let dir = project("-- dbwarden:allow drop-column\nALTER TABLE users DROP COLUMN legacy;\n");
    let (code, out, _) = run(dir.path(), &["lint", "--dialect", "postgres"]);
    assert_eq!(code, 3, "an allow without a reason does not count: {out}");
    assert!(out.contains("allow-without-reason"), "{out}");

    let (code, out, _) = run(
        dir.path(),
        &[
            "lint",
            "--dialect",
            "postgres",
            "--allow",
            "drop-column",
            "--allow",
            "allow-without-reason",
        ],
    );
    assert_eq!(code, 0, "{out}");
}

#[test]
fn github_format_and_bad_input() {
    let dir = project("DELETE FROM users;\n");
    let (code, out, _) = run(
        dir.path(),
        &["lint", "--dialect", "mysql", "--format", "github"],
    );
    assert_eq!(code, 3);
    assert!(
        out.lines().any(
            |l| l.starts_with("::error file=migrations/0001_change.up.sql,line=1")
                && l.contains("delete-without-where")
        ),
        "{out}"
    );

    let (code, _, err) = run(dir.path(), &["lint"]);
    assert_eq!(code, 2);
    assert!(err.contains("--dialect"), "{err}");
    let (code, _, err) = run(
        dir.path(),
        &["lint", "--dialect", "postgres", "--allow", "no-such-rule"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("no-such-rule"), "{err}");
}

#[test]
fn sarif_output_is_a_sarif_log() {
    let dir = project(
        "-- dbwarden:allow truncate staging table, refilled nightly\nTRUNCATE staging;\nCREATE INDEX i ON users (email);\n",
    );
    let (code, out, _) = run(
        dir.path(),
        &["lint", "--dialect", "postgres", "--format", "sarif"],
    );
    assert_eq!(code, 3, "{out}");
    let log: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert!(
        run["tool"]["driver"]["rules"]
            .as_array()
            .is_some_and(|r| r.len() > 30)
    );
    let results = run["results"].as_array().cloned().unwrap_or_default();
    let index = results
        .iter()
        .find(|r| r["ruleId"] == "require-concurrent-index")
        .expect("index finding");
    assert_eq!(index["level"], "error");
    assert_eq!(
        index["locations"][0]["physicalLocation"]["region"]["startLine"],
        3
    );
    let truncate = results
        .iter()
        .find(|r| r["ruleId"] == "truncate")
        .expect("truncate finding");
    assert_eq!(
        truncate["suppressions"][0]["justification"],
        "staging table, refilled nightly"
    );
}

#[test]
fn project_config_file_tunes_the_rules() {
    let dir = project("CREATE INDEX i ON users (email);\n");
    std::fs::write(
        dir.path().join("dbwarden.toml"),
        "[lint]\ndisabled = [\"require-concurrent-index\"]\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (code, out, _) = run(dir.path(), &["lint", "--dialect", "postgres"]);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("require-concurrent-index"), "{out}");
    std::fs::write(
        dir.path().join("dbwarden.toml"),
        "[lint]\ndisabled = [\"requier-concurrent-index\"]\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (code, _, err) = run(dir.path(), &["lint", "--dialect", "postgres"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("requier-concurrent-index") && err.contains("dbwarden.toml"),
        "{err}"
    );
}
