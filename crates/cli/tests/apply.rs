//! `dbwarden apply` and the backup rule on the real servers: a destructive migration without a
//! verified backup is refused with nothing changed; with `apply` it runs behind a verified
//! backup, and a failure after the destructive step ends in a full restore whose fingerprints
//! (and independently counted rows) equal the state before; `--json` has the brief's fields.

mod harness;

use dbwarden::engine::Value;
use dbwarden_testkit::{Server, test_db};
use harness::{Probe, Project};

const ROWS: i64 = 500;

async fn seed(project: &Project, probe: &mut Probe) {
    project.migration(
        "0001_users",
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(100) NOT NULL, legacy VARCHAR(100));\n",
        "DROP TABLE users;\n",
    );
    project.run(&["migrate", "up"]).assert_code(0);
    for chunk in 0..(ROWS / 100) {
        let values: Vec<String> = (1..=100)
            .map(|i| {
                let id = chunk * 100 + i;
                format!("({id}, 'u{id}@example.com', 'legacy {id} é🎉')")
            })
            .collect();
        probe
            .execute(&format!(
                "INSERT INTO users (id, email, legacy) VALUES {}",
                values.join(", ")
            ))
            .await;
    }
}

/// The users table as the database prints it, for an independent comparison.
async fn users(probe: &mut Probe) -> Vec<Vec<Value>> {
    probe
        .query("SELECT id, email, legacy FROM users ORDER BY id")
        .await
}

/// `ALTER TABLE users ...`, with the online algorithm MariaDB's lint asks for.
fn alter(server: Server, change: &str) -> String {
    match server {
        Server::Mysql => format!("ALTER TABLE users {change}, ALGORITHM=INSTANT;\n"),
        _ => format!("ALTER TABLE users {change};\n"),
    }
}

fn drop_legacy(server: Server) -> String {
    alter(server, "DROP COLUMN legacy")
}

fn add_legacy(server: Server) -> String {
    alter(server, "ADD COLUMN legacy VARCHAR(100)")
}

/// Without a verified backup, `migrate up` refuses the destructive migration even when
/// destructive statements are allowed; nothing changes.
async fn destructive_without_backup_is_refused(server: Server) {
    let db = test_db!(server);
    let mut probe = Probe::new(&db).await;
    let project = Project::new(&db);
    seed(&project, &mut probe).await;
    let before = users(&mut probe).await;
    project.migration(
        "0002_drop_legacy",
        &drop_legacy(server),
        &add_legacy(server),
    );
    project
        .run(&["migrate", "up", "--allow-destructive"])
        .assert_code(3)
        .assert_stderr_mentions(&["no verified backup of users", "dbwarden apply"]);
    assert!(
        users(&mut probe).await == before,
        "the refused run changed rows"
    );
    assert_eq!(probe.history_versions().await, [1]);
}

/// A post-migration check fails after the column was dropped: apply rolls back (down script,
/// then the verified backup for the values) and the table equals its state before.
async fn failure_after_destructive_step_restores_everything(server: Server) {
    let db = test_db!(server);
    let mut probe = Probe::new(&db).await;
    let project = Project::new(&db);
    seed(&project, &mut probe).await;
    let before = users(&mut probe).await;
    project.migration(
        "0002_drop_legacy",
        &drop_legacy(server),
        &add_legacy(server),
    );
    project.write(
        "0002_drop_legacy.check.sql",
        "-- dbwarden:pre\nSELECT count(*) > 0 FROM users;\n-- dbwarden:post\nSELECT count(*) = 0 FROM users;\n",
    );
    // The rehearsal would catch the failing check on a copy; skip it to force the failure on
    // the target itself.
    let run = project.run(&[
        "--json",
        "apply",
        "--allow-destructive",
        "--rehearse",
        "never",
    ]);
    run.assert_code(1);
    let report = run.json();
    assert_eq!(report["status"], "rolled_back", "{run}");
    assert_eq!(report["backup"]["verified"], true);
    assert_eq!(
        report["validation"]["data_integrity"],
        "restored: fingerprints equal to before"
    );
    assert!(
        users(&mut probe).await == before,
        "rows differ after the rollback"
    );
    assert_eq!(
        probe.history_versions().await,
        [1],
        "0002 must not stay recorded"
    );
    let backup = report["backup"]["file"].as_str().unwrap_or_default();
    assert!(
        project.path().join(backup).is_file(),
        "backup kept: {backup}"
    );
}

/// A statement after the destructive one fails. PostgreSQL and SQLite roll the transaction
/// back; MariaDB has already committed the DROP COLUMN, so the backup brings the data back.
async fn failure_inside_the_migration_restores_everything(server: Server) {
    let db = test_db!(server);
    let mut probe = Probe::new(&db).await;
    let project = Project::new(&db);
    seed(&project, &mut probe).await;
    let before = users(&mut probe).await;
    project.migration(
        "0002_drop_legacy",
        &format!("{}UPDATE no_such_table SET x = 1;\n", drop_legacy(server)),
        &add_legacy(server),
    );
    let run = project.run(&[
        "--json",
        "apply",
        "--allow-destructive",
        "--rehearse",
        "never",
    ]);
    run.assert_code(1);
    let report = run.json();
    assert_eq!(report["status"], "rolled_back", "{run}");
    assert!(
        users(&mut probe).await == before,
        "rows differ after the rollback"
    );
    assert_eq!(probe.history_versions().await, [1]);
}

/// A successful run: the JSON report has the brief's fields, and its figures match what the
/// database shows, counted here independently.
async fn apply_json_reports_measured_figures(server: Server) {
    let db = test_db!(server);
    let mut probe = Probe::new(&db).await;
    let project = Project::new(&db);
    seed(&project, &mut probe).await;
    project.migration(
        "0002_backfill",
        &format!(
            "{}UPDATE users SET verified = 0 WHERE id > 0;\nINSERT INTO users (id, email) VALUES (100000, 'new@example.com');\n",
            alter(server, "ADD COLUMN verified INTEGER")
        ),
        &format!(
            "DELETE FROM users WHERE id = 100000;\n{}",
            alter(server, "DROP COLUMN verified")
        ),
    );
    let run = project.run(&[
        "--json",
        "apply",
        "--allow",
        "schema-change-with-backfill",
        "--allow",
        "missing-lock-timeout",
    ]);
    run.assert_code(0);
    let report = run.json();
    for field in [
        "status",
        "migration",
        "backup",
        "validation",
        "scripts",
        "performance",
    ] {
        assert!(!report[field].is_null(), "no {field}: {run}");
    }
    assert_eq!(report["status"], "success");
    assert_eq!(report["migration"]["version"], "0002_backfill");
    assert_eq!(report["backup"]["created"], false, "nothing destructive");
    let counted = probe.count("users").await;
    assert_eq!(counted, ROWS + 1);
    assert_eq!(report["validation"]["pre_migration_records"], ROWS);
    assert_eq!(report["validation"]["post_migration_records"], counted);
    assert_eq!(report["validation"]["data_integrity"], "verified");
    assert!(
        report["scripts"]["forward"]
            .as_str()
            .is_some_and(|f| f.ends_with("0002_backfill.up.sql"))
    );
    assert!(report["performance"]["duration_seconds"].as_f64().is_some());
    assert!(
        report["performance"]["max_write_blocked_ms"]
            .as_u64()
            .is_some()
    );
    let checklist = report["checklist"].as_str().unwrap_or_default();
    let text = std::fs::read_to_string(project.path().join(checklist))
        .unwrap_or_else(|e| panic!("checklist {checklist}: {e}"));
    assert!(
        text.contains("- [x] Lint") && text.contains("- [ ] Application code deployed"),
        "{text}"
    );
    assert!(
        project
            .events()
            .iter()
            .any(|e| e["type"] == "APPLY_COMPLETE")
    );
    assert_eq!(probe.history_versions().await, [1, 2]);
}

/// The rehearsal copies at most N rows per table and keeps foreign keys satisfied: children
/// whose parent was not sampled are left out, so the copy loads and the rehearsal passes.
async fn sampled_rehearsal_keeps_foreign_keys(server: Server) {
    let db = test_db!(server);
    let mut probe = Probe::new(&db).await;
    let project = Project::new(&db);
    project.migration(
        "0001_tree",
        "CREATE TABLE parent (id INTEGER PRIMARY KEY);\nCREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent (id));\n",
        "DROP TABLE child;\nDROP TABLE parent;\n",
    );
    project.run(&["migrate", "up"]).assert_code(0);
    let parents: Vec<String> = (1..=200).map(|i| format!("({i})")).collect();
    probe
        .execute(&format!(
            "INSERT INTO parent (id) VALUES {}",
            parents.join(", ")
        ))
        .await;
    // The first children point at the last parents, which a 10-row sample does not hold.
    let children: Vec<String> = (1..=200).map(|i| format!("({i}, {})", 201 - i)).collect();
    probe
        .execute(&format!(
            "INSERT INTO child (id, parent_id) VALUES {}",
            children.join(", ")
        ))
        .await;
    let change = match server {
        Server::Mysql => "ALTER TABLE child ADD COLUMN note VARCHAR(10), ALGORITHM=INSTANT;\n",
        _ => "ALTER TABLE child ADD COLUMN note VARCHAR(10);\n",
    };
    let undo = match server {
        Server::Mysql => "ALTER TABLE child DROP COLUMN note, ALGORITHM=INSTANT;\n",
        _ => "ALTER TABLE child DROP COLUMN note;\n",
    };
    project.migration("0002_note", change, undo);
    let run = project.run(&[
        "--json",
        "apply",
        "--rehearse",
        "always",
        "--rehearse-rows",
        "10",
        "--allow",
        "missing-lock-timeout",
    ]);
    run.assert_code(0);
    let report = run.json();
    assert_eq!(report["status"], "success", "{run}");
    assert_eq!(report["rehearsal"]["rows_copied"], 20, "{run}");
    assert_eq!(report["rehearsal"]["up_succeeded"], true);
    assert_eq!(report["rehearsal"]["data_came_back"], true, "{run}");
    assert_eq!(
        probe.count("child").await,
        200,
        "the target keeps every row"
    );
}

on_every_engine!(
    sampled_rehearsal_keeps_foreign_keys,
    destructive_without_backup_is_refused,
    failure_after_destructive_step_restores_everything,
    failure_inside_the_migration_restores_everything,
    apply_json_reports_measured_figures
);
