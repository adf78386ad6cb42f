//! `apply` on a table that takes writes while it runs, as production does: a second connection
//! inserts, updates and deletes rows of `users` for the whole run and keeps its own ledger of
//! every write the database acknowledged. Each change must apply with status `success`, and
//! afterwards every acknowledged write must be in the table (the writer's ledger is the oracle,
//! not dbwarden's fingerprints). A migration that really loses rows under the same load must
//! still be caught and rolled back.

mod harness;

use dbwarden::engine::{Engine, Value};
use dbwarden_testkit::{Server, TestDb, test_db};
use harness::writer::{Ledger, Writer, assert_ledger_holds, table_rows};
use harness::{Probe, Project};
use std::time::Duration;

const ROWS: i64 = 3000;

async fn seed(db: &TestDb, project: &Project) {
    project.migration(
        "0001_users",
        "CREATE TABLE users (id BIGINT PRIMARY KEY, email VARCHAR(100) NOT NULL, score INTEGER, legacy VARCHAR(100));\n",
        "DROP TABLE users;\n",
    );
    project.run(&["migrate", "up"]).assert_code(0);
    let mut probe = Probe::new(db).await;
    for chunk in 0..(ROWS / 500) {
        let values: Vec<String> = (1..=500)
            .map(|i| {
                let id = chunk * 500 + i;
                format!("({id}, 'u{id}', {id}, 'old {id}')")
            })
            .collect();
        probe
            .execute(&format!(
                "INSERT INTO users (id, email, score, legacy) VALUES {}",
                values.join(", ")
            ))
            .await;
    }
}

/// Runs dbwarden with `args` in `project` while a writer writes, from `ledger` on; returns how
/// the run ended and the writer's ledger afterwards.
async fn run_under_writes(
    db: &TestDb,
    project: &Project,
    ledger: Ledger,
    args: &[&str],
) -> (harness::Outcome, Ledger) {
    let writer = Writer::start(db, ledger).await;
    // Let the writer get going before the migration starts.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let run = tokio::task::block_in_place(|| project.run(args));
    (run, writer.stop().await)
}

/// `(up, down, extra apply flags)` for each change, in the engine's dialect.
fn changes(server: Server) -> Vec<(&'static str, String, String, Vec<&'static str>)> {
    let rebuild = |decl: &str| {
        format!(
            "CREATE TABLE users_new (id BIGINT PRIMARY KEY, email VARCHAR(100) NOT NULL, score {decl}, legacy VARCHAR(100));\n\
             INSERT INTO users_new (id, email, score, legacy) SELECT id, email, score, legacy FROM users;\n\
             DROP TABLE users;\nALTER TABLE users_new RENAME TO users;\n"
        )
    };
    match server {
        Server::Postgres => vec![
            ("add_column", "ALTER TABLE users ADD COLUMN verified integer;\n".into(), "ALTER TABLE users DROP COLUMN verified;\n".into(), vec![]),
            ("add_index", "-- dbwarden:no-transaction\nCREATE INDEX CONCURRENTLY users_score ON users (score);\n".into(), "-- dbwarden:no-transaction\nDROP INDEX CONCURRENTLY users_score;\n".into(), vec![]),
            ("int_to_bigint", "ALTER TABLE users ALTER COLUMN score TYPE bigint;\n".into(), "ALTER TABLE users ALTER COLUMN score TYPE integer;\n".into(), vec!["--allow", "alter-column-type"]),
            ("add_foreign_key", "CREATE TABLE teams (id bigint PRIMARY KEY);\nALTER TABLE users ADD COLUMN team_id bigint;\nALTER TABLE users ADD CONSTRAINT users_team_fk FOREIGN KEY (team_id) REFERENCES teams (id) NOT VALID;\n-- dbwarden:commit\nALTER TABLE users VALIDATE CONSTRAINT users_team_fk;\n".into(), "ALTER TABLE users DROP COLUMN team_id;\nDROP TABLE teams;\n".into(), vec![]),
            // As `plan` writes it: each scan in a transaction of its own.
            ("set_not_null", "ALTER TABLE users ADD CONSTRAINT score_nn CHECK (score IS NOT NULL) NOT VALID;\n-- dbwarden:commit\nALTER TABLE users VALIDATE CONSTRAINT score_nn;\n-- dbwarden:commit\nALTER TABLE users ALTER COLUMN score SET NOT NULL;\nALTER TABLE users DROP CONSTRAINT score_nn;\n".into(), "ALTER TABLE users ALTER COLUMN score DROP NOT NULL;\n".into(), vec![]),
            ("drop_column", "ALTER TABLE users DROP COLUMN legacy;\n".into(), "ALTER TABLE users ADD COLUMN legacy varchar(100);\n".into(), vec!["--allow-destructive"]),
        ],
        Server::Mysql => vec![
            ("add_column", "ALTER TABLE users ADD COLUMN verified INT, ALGORITHM=INSTANT;\n".into(), "ALTER TABLE users DROP COLUMN verified, ALGORITHM=INSTANT;\n".into(), vec![]),
            ("add_index", "ALTER TABLE users ADD INDEX users_score (score), ALGORITHM=INPLACE, LOCK=NONE;\n".into(), "ALTER TABLE users DROP INDEX users_score, ALGORITHM=INPLACE, LOCK=NONE;\n".into(), vec![]),
            ("int_to_bigint", "ALTER TABLE users MODIFY score BIGINT, ALGORITHM=COPY, LOCK=SHARED;\n".into(), "ALTER TABLE users MODIFY score INT, ALGORITHM=COPY, LOCK=SHARED;\n".into(), vec!["--allow-destructive"]),
            ("add_foreign_key", "CREATE TABLE teams (id BIGINT PRIMARY KEY);\nALTER TABLE users ADD COLUMN team_id BIGINT, ADD CONSTRAINT users_team_fk FOREIGN KEY (team_id) REFERENCES teams (id), ALGORITHM=COPY, LOCK=SHARED;\n".into(), "ALTER TABLE users DROP FOREIGN KEY users_team_fk, DROP COLUMN team_id, ALGORITHM=COPY, LOCK=SHARED;\nDROP TABLE teams;\n".into(), vec![]),
            ("set_not_null", "ALTER TABLE users MODIFY score BIGINT NOT NULL, ALGORITHM=COPY, LOCK=SHARED;\n".into(), "ALTER TABLE users MODIFY score BIGINT NULL, ALGORITHM=COPY, LOCK=SHARED;\n".into(), vec![]),
            ("drop_column", "ALTER TABLE users DROP COLUMN legacy, ALGORITHM=INSTANT;\n".into(), "ALTER TABLE users ADD COLUMN legacy VARCHAR(100), ALGORITHM=INSTANT;\n".into(), vec!["--allow-destructive"]),
        ],
        Server::Sqlite => vec![
            ("add_column", "ALTER TABLE users ADD COLUMN verified INTEGER;\n".into(), "ALTER TABLE users DROP COLUMN verified;\n".into(), vec![]),
            ("add_index", "CREATE INDEX users_score ON users (score);\n".into(), "DROP INDEX users_score;\n".into(), vec![]),
            ("int_to_bigint", rebuild("BIGINT"), rebuild("INTEGER"), vec!["--allow-destructive"]),
            ("add_foreign_key", "CREATE TABLE teams (id INTEGER PRIMARY KEY);\nALTER TABLE users ADD COLUMN team_id INTEGER REFERENCES teams (id);\n".into(), rebuild("BIGINT"), vec!["--allow-destructive"]),
            ("set_not_null", rebuild("BIGINT NOT NULL"), rebuild("BIGINT"), vec!["--allow-destructive"]),
            ("drop_column", "ALTER TABLE users DROP COLUMN legacy;\n".into(), "ALTER TABLE users ADD COLUMN legacy VARCHAR(100);\n".into(), vec!["--allow-destructive"]),
        ],
    }
}

fn apply_args(extra: &[&'static str]) -> Vec<&'static str> {
    let mut args = vec![
        "--json",
        "apply",
        "--rehearse",
        "never",
        "--allow",
        "missing-lock-timeout",
        "--allow",
        "missing-statement-timeout",
        "--allow",
        "mysql-alter-without-algorithm-lock",
    ];
    args.extend_from_slice(extra);
    args
}

/// Each change, one after the other, applied while the writer writes.
async fn every_change_applies_under_writes(server: Server) {
    let db = test_db!(server);
    let project = Project::new(&db);
    seed(&db, &project).await;
    let mut ledger = Ledger::seeded(ROWS);
    for (i, (name, up, down, extra)) in changes(server).into_iter().enumerate() {
        let label = format!("{:04}_{name}", i + 2);
        project.migration(&label, &up, &down);
        ledger.acknowledged = 0;
        let args = apply_args(&extra);
        let (run, after) = run_under_writes(&db, &project, ledger, &args).await;
        ledger = after;
        let report = run.json();
        assert_eq!(report["status"], "success", "{name}: {run}");
        assert_eq!(
            report["validation"]["data_integrity"], "verified",
            "{name}: {run}"
        );
        let writes = report["concurrent_writes"]["users"]["writes"]
            .as_u64()
            .or_else(|| report["concurrent_writes"]["public.users"]["writes"].as_u64())
            .unwrap_or(0);
        // SQLite lets one writer in at a time, so the writer may not get a write in while a
        // short apply runs; the other engines always see some.
        assert!(
            writes > 0 || server == Server::Sqlite,
            "{name}: the report names no concurrent writes: {run}"
        );
        assert_eq!(
            ledger.refused, 0,
            "{name}: application writes failed during the run"
        );
        let mut engine = db.connect().await;
        let rows = table_rows(engine.as_mut()).await;
        assert_ledger_holds(&ledger, &rows, name);
        assert!(
            !leftover_capture(engine.as_mut(), server).await,
            "{name}: capture triggers left behind"
        );
    }
}

/// Whether any dbwarden capture trigger is still installed.
async fn leftover_capture(engine: &mut dyn Engine, server: Server) -> bool {
    let sql = match server {
        Server::Postgres => "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'dbwarden_cap%'",
        Server::Mysql => {
            "SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() AND TRIGGER_NAME LIKE 'dbwarden_cap%'"
        }
        Server::Sqlite => {
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'dbwarden_cap%'"
        }
    };
    let rows = engine
        .query(sql, &[])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    rows.first()
        .and_then(|r| r.first())
        .and_then(Value::as_i64)
        .unwrap_or(0)
        > 0
}

/// A copy-and-swap that silently drops one row in a hundred, run under the same load: caught
/// by post-validation and rolled back, the lost rows back in the table.
async fn lossy_migration_is_caught_under_writes(server: Server) {
    let db = test_db!(server);
    let project = Project::new(&db);
    seed(&db, &project).await;
    let swap = match server {
        Server::Mysql => "RENAME TABLE users_new TO users",
        _ => "ALTER TABLE users_new RENAME TO users",
    };
    project.migration(
        "0002_lossy_copy",
        &format!(
            "CREATE TABLE users_new (id BIGINT PRIMARY KEY, email VARCHAR(100) NOT NULL, score BIGINT, legacy VARCHAR(100));\n\
             INSERT INTO users_new (id, email, score, legacy) SELECT id, email, score, legacy FROM users WHERE id % 100 <> 0;\n\
             DROP TABLE users;\n{swap};\n"
        ),
        "-- no way back but the backup\nSELECT 1;\n",
    );
    let args = apply_args(&["--allow-destructive"]);
    let (run, _) = run_under_writes(&db, &project, Ledger::seeded(ROWS), &args).await;
    // A copy-and-swap without sync also loses the writes made while it copied (they went to
    // the old table); no rollback can bring those back without their row images, so only the
    // rows the migration itself dropped are checked here. `hidden_delete_...` checks the
    // writer's ledger where the table keeps its capture.
    if server == Server::Mysql {
        // MySQL renames outside a transaction: writes to the new table before dbwarden put its
        // capture back were not recorded, so the merge only puts missing rows back and cannot
        // prove the rest; the run says so and ends "failed", the lost rows back.
        assert_ne!(run.json()["status"], "success", "{run}");
        let rows = table_rows(db.connect().await.as_mut()).await;
        for id in (100..=ROWS).step_by(100) {
            assert!(rows.contains_key(&id), "row {id} is not back: {run}");
        }
        return;
    }
    assert_caught_and_put_back(&db, &run, None, "lossy copy").await;
}

/// The run failed in post-validation and rolled back; the rows the migration lost are back,
/// and every write the application made meanwhile is still there (the merge back kept them).
async fn assert_caught_and_put_back(
    db: &TestDb,
    run: &harness::Outcome,
    ledger: Option<&Ledger>,
    case: &str,
) {
    assert_ne!(run.code, 0, "{case}: {run}");
    let report = run.json();
    let post = report["steps"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["step"] == "post-validation"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(post["status"], "failed", "{case}: {run}");
    assert_eq!(report["status"], "rolled_back", "{case}: {run}");
    let mut engine = db.connect().await;
    let rows = table_rows(engine.as_mut()).await;
    for id in (100..=ROWS).step_by(100) {
        assert!(
            rows.contains_key(&id),
            "{case}: row {id} lost by the migration is not back: {run}"
        );
    }
    if let Some(ledger) = ledger {
        assert_ledger_holds(ledger, &rows, case);
    }
}

/// A delete the comparison cannot read from the statements (dynamic SQL) on a table that keeps
/// its capture: caught, and merged back without touching the application's rows.
async fn hidden_delete_is_caught_and_merged_back(server: Server) {
    let db = test_db!(server);
    let project = Project::new(&db);
    seed(&db, &project).await;
    // Only seeded rows: a row the application inserted and the migration then deleted is not
    // put back by the merge (it is in no backup, and the capture keeps no row images yet; see
    // docs/STATUS.md), and whether the writer got that far first is a matter of timing.
    let hidden = match server {
        Server::Postgres => format!(
            "DO $$ BEGIN EXECUTE 'DELETE FROM users WHERE id % 100 = 0 AND id <= {ROWS}'; END $$;\n"
        ),
        _ => format!(
            "PREPARE dbw_hidden FROM 'DELETE FROM users WHERE id % 100 = 0 AND id <= {ROWS}';\nEXECUTE dbw_hidden;\nDEALLOCATE PREPARE dbw_hidden;\n"
        ),
    };
    project.migration("0002_hidden_delete", &hidden, "SELECT 1;\n");
    let args = apply_args(&[]);
    let (run, ledger) = run_under_writes(&db, &project, Ledger::seeded(ROWS), &args).await;
    assert_caught_and_put_back(&db, &run, Some(&ledger), "hidden delete").await;
}

/// A dropped column whose migration then fails a check: the down script adds the column back
/// empty, and the merge refills it in every row, the ones the application wrote meanwhile too
/// (they could not have written a column that was gone).
async fn dropped_column_comes_back_in_every_row(server: Server) {
    let db = test_db!(server);
    let project = Project::new(&db);
    seed(&db, &project).await;
    let (drop, add) = match server {
        Server::Mysql => (
            "ALTER TABLE users DROP COLUMN legacy, ALGORITHM=INSTANT;\n",
            "ALTER TABLE users ADD COLUMN legacy VARCHAR(100), ALGORITHM=INSTANT;\n",
        ),
        _ => (
            "ALTER TABLE users DROP COLUMN legacy;\n",
            "ALTER TABLE users ADD COLUMN legacy VARCHAR(100);\n",
        ),
    };
    project.migration("0002_drop_legacy", drop, add);
    project.write(
        "0002_drop_legacy.check.sql",
        "-- dbwarden:post\nSELECT count(*) = 0 FROM users;\n",
    );
    let args = apply_args(&["--allow-destructive"]);
    let (run, ledger) = run_under_writes(&db, &project, Ledger::seeded(ROWS), &args).await;
    assert_eq!(run.json()["status"], "rolled_back", "{run}");
    let mut engine = db.connect().await;
    let rows = table_rows(engine.as_mut()).await;
    assert_ledger_holds(&ledger, &rows, "dropped column");
    let legacy = engine
        .query("SELECT id, legacy FROM users WHERE id <= 3000", &[])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    for row in legacy {
        let id = row.first().and_then(Value::as_i64).unwrap_or(-1);
        let value = row.get(1).and_then(Value::as_string);
        assert_eq!(
            value,
            Some(format!("old {id}")),
            "row {id}'s legacy value: {run}"
        );
    }
}

on_every_engine!(
    every_change_applies_under_writes,
    lossy_migration_is_caught_under_writes,
    dropped_column_comes_back_in_every_row
);

mod hidden_delete_is_caught_and_merged_back {
    #[tokio::test(flavor = "multi_thread")]
    async fn postgres() {
        super::hidden_delete_is_caught_and_merged_back(dbwarden_testkit::Server::Postgres).await;
    }
    #[tokio::test(flavor = "multi_thread")]
    async fn mariadb() {
        super::hidden_delete_is_caught_and_merged_back(dbwarden_testkit::Server::Mysql).await;
    }
}

/// A column rename planned by `plan` (expand + contract), each step applied while the writer
/// writes: the expand step's sync triggers and the capture's run side by side, the ledger
/// holds after both, and the renamed column keeps every value (checked row by row).
async fn planned_rename_applies_under_writes(server: Server) {
    let db = test_db!(server);
    let project = Project::new(&db);
    seed(&db, &project).await;
    project.write(
        "../desired.sql",
        "CREATE TABLE users (id BIGINT PRIMARY KEY, email VARCHAR(100) NOT NULL, score INTEGER, note VARCHAR(100));\n",
    );
    let url = db.url_string();
    project
        .run(&[
            "plan",
            "--to",
            "desired.sql",
            "--name",
            "rename_legacy",
            "--from",
            &url,
            "--dev-url",
            &url,
            "--rename",
            "users.legacy=note",
        ])
        .assert_code(0);
    let mut ledger = Ledger::seeded(ROWS);
    for (step, extra) in [
        ("expand", vec![]),
        ("contract", vec!["--contract", "--allow-destructive"]),
    ] {
        ledger.acknowledged = 0;
        let mut args = apply_args(&extra);
        args.extend(["--allow", "rename-column"]);
        let (run, after) = run_under_writes(&db, &project, ledger, &args).await;
        ledger = after;
        assert_eq!(run.json()["status"], "success", "{step}: {run}");
        let rows = table_rows(db.connect().await.as_mut()).await;
        assert_ledger_holds(&ledger, &rows, step);
        assert_eq!(ledger.refused, 0, "{step}: application writes failed");
    }
    let mut engine = db.connect().await;
    for row in engine
        .query("SELECT id, note FROM users WHERE id <= 3000", &[])
        .await
        .unwrap_or_else(|e| panic!("{e}"))
    {
        let id = row.first().and_then(Value::as_i64).unwrap_or(-1);
        assert_eq!(
            row.get(1).and_then(Value::as_string),
            Some(format!("old {id}")),
            "row {id} lost its renamed value"
        );
    }
}

mod planned_rename_applies_under_writes {
    #[tokio::test(flavor = "multi_thread")]
    async fn postgres() {
        super::planned_rename_applies_under_writes(dbwarden_testkit::Server::Postgres).await;
    }
    #[tokio::test(flavor = "multi_thread")]
    async fn mariadb() {
        super::planned_rename_applies_under_writes(dbwarden_testkit::Server::Mysql).await;
    }
    #[tokio::test(flavor = "multi_thread")]
    async fn sqlite() {
        super::planned_rename_applies_under_writes(dbwarden_testkit::Server::Sqlite).await;
    }
}
