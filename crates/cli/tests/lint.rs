//! `dbwarden lint`: findings with why and fix, suppression with a reason, exit codes, formats.

mod harness;

use dbwarden_testkit::{Server, test_db};
use harness::{Probe, Project};
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

/// The finding of `rule` in a `--format json` report.
fn finding<'a>(json: &'a serde_json::Value, rule: &str) -> &'a serde_json::Value {
    json["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["rule"] == rule))
        .unwrap_or_else(|| panic!("no {rule} finding in {json}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn impact_on_postgres_reports_size_lock_and_raises_large_rewrites() {
    let db = test_db!(Server::Postgres);
    let mut probe = Probe::new(&db).await;
    probe
        .execute("CREATE TABLE orders (id bigint PRIMARY KEY, total int NOT NULL, note text)")
        .await;
    probe
        .execute("INSERT INTO orders SELECT g, g, 'note' FROM generate_series(1, 500) g")
        .await;
    probe.execute("ANALYZE orders").await;

    // --database-url (passed by the harness) turns the assessment on.
    let project = Project::new(&db);
    project.write(
        "0001_orders.up.sql",
        "SET lock_timeout = '2s';\nSET statement_timeout = '10min';\n\
         CREATE INDEX orders_total ON orders (total);\n\
         ALTER TABLE orders ALTER COLUMN total TYPE bigint;\n",
    );
    let out = project.run(&["lint", "--format", "json"]);
    out.assert_code(3);
    let json = out.json();
    let index = &finding(&json, "require-concurrent-index")["impact"];
    assert_eq!(index["table"], "orders", "{json}");
    assert_eq!(index["rows"], 500, "{json}");
    assert!(index["bytes"].as_u64().is_some_and(|b| b > 0), "{json}");
    assert_eq!(index["lock"], "SHARE", "{json}");
    assert_eq!(index["blocks_writes"], true, "{json}");
    assert_eq!(index["blocks_reads"], false, "{json}");
    assert_eq!(index["scans"], true, "{json}");
    assert_eq!(index["rewrites"], false, "{json}");
    assert_eq!(index["duration"], "instant", "{json}");
    let alter = &finding(&json, "alter-column-type")["impact"];
    assert_eq!(alter["rows"], 500, "{json}");
    assert_eq!(alter["lock"], "ACCESS EXCLUSIVE", "{json}");
    assert_eq!(alter["blocks_reads"], true, "{json}");
    assert_eq!(alter["blocks_writes"], true, "{json}");
    assert_eq!(alter["rewrites"], true, "{json}");
    assert_eq!(
        json["statements"].as_array().map(Vec::len),
        Some(2),
        "{json}"
    );

    // Human output: an impact line under each finding.
    let out = project.run(&["lint"]);
    out.assert_stdout_mentions(&[
        "impact: orders: ~500 rows",
        "ACCESS EXCLUSIVE lock blocks reads and writes",
    ]);

    // A warning on a rewrite is raised to an error above the large-table threshold.
    let raised = Project::new(&db);
    raised.write(
        "0001_orders.up.sql",
        "SET lock_timeout = '2s';\nSET statement_timeout = '10min';\n\
         ALTER TABLE orders ALTER COLUMN total TYPE bigint;\n",
    );
    std::fs::write(
        raised.path().join("dbwarden.toml"),
        "[lint.severity]\nalter-column-type = \"warning\"\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = raised.run(&["lint", "--format", "json"]);
    out.assert_code(0);
    let json = out.json();
    assert_eq!(finding(&json, "alter-column-type")["severity"], "warning");
    assert_eq!(
        finding(&json, "alter-column-type")["impact"]["severity_raised"],
        false
    );
    let out = raised.run(&["lint", "--format", "json", "--large-table-rows", "10"]);
    out.assert_code(3);
    let json = out.json();
    let alter = finding(&json, "alter-column-type");
    assert_eq!(alter["severity"], "error", "{json}");
    assert_eq!(alter["impact"]["severity_raised"], true, "{json}");
    assert_eq!(alter["impact"]["large_table"], true, "{json}");
    // The same threshold from dbwarden.toml.
    std::fs::write(
        raised.path().join("dbwarden.toml"),
        "[lint]\nlarge_table_rows = 10\n[lint.severity]\nalter-column-type = \"warning\"\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    raised.run(&["lint"]).assert_code(3);
    // Without the database the same file passes.
    let (code, out, _) = run(raised.path(), &["lint", "--dialect", "postgres"]);
    assert_eq!(code, 0, "{out}");
}

#[tokio::test(flavor = "multi_thread")]
async fn impact_on_sqlite_counts_rows() {
    let db = test_db!(Server::Sqlite);
    let mut probe = Probe::new(&db).await;
    probe
        .execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, legacy TEXT)")
        .await;
    probe
        .execute("INSERT INTO items (name, legacy) VALUES ('a', 'x'), ('b', 'y'), ('c', 'z')")
        .await;
    let project = Project::new(&db);
    project.write(
        "0001_items.up.sql",
        "ALTER TABLE items DROP COLUMN legacy;\nCREATE INDEX items_name ON items (name);\n\
         CREATE TABLE fresh (id INTEGER);\nCREATE INDEX fresh_id ON fresh (id);\n",
    );
    let out = project.run(&["lint", "--format", "json"]);
    out.assert_code(3);
    let json = out.json();
    let drop = &finding(&json, "drop-column")["impact"];
    assert_eq!(drop["table"], "items", "{json}");
    assert_eq!(drop["rows"], 3, "{json}");
    assert_eq!(drop["rewrites"], true, "{json}");
    assert_eq!(drop["blocks_writes"], true, "{json}");
    assert_eq!(drop["blocks_reads"], false, "{json}");
    let statements = json["statements"].as_array().cloned().unwrap_or_default();
    assert_eq!(statements.len(), 2, "the new table is not assessed: {json}");
    assert_eq!(statements[1]["impact"]["scans"], true, "{json}");
    assert_eq!(statements[1]["line"], 2, "{json}");
}

#[test]
fn impact_without_a_database_is_a_usage_error() {
    let dir = project("CREATE INDEX i ON users (email);\n");
    let (code, _, err) = run(dir.path(), &["lint", "--dialect", "postgres", "--impact"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--impact") && err.contains("DATABASE_URL"),
        "{err}"
    );
}
