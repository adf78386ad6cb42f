//! Safety rules of the runner that protect all-or-nothing migrations and half-applied state:
//! transaction control inside scripts, resuming after edits, down scripts that stop part-way,
//! and dry runs that must not reach the real database.

mod harness;

use dbwarden_testkit::{Server, test_db};
use harness::{Probe, Project};

/// A `COMMIT` inside a script that dbwarden runs in its own transaction would commit half a
/// migration: refused before anything runs (exit 2, line named); allowed with no-transaction.
async fn transaction_control_in_a_transactional_script(server: Server) {
    let db = test_db!(server);
    let mut probe = Probe::new(&db).await;
    let project = Project::new(&db);
    let up = "CREATE TABLE a (id INTEGER);\nBEGIN;\nCREATE TABLE b (id INTEGER);\nCOMMIT;\n";
    project.migration("0001_with_commit", up, "DROP TABLE b;\nDROP TABLE a;\n");
    if server == Server::Mysql {
        // MySQL runs every script statement by statement, under the author's control (the
        // lint still flags it, so it must be allowed).
        project
            .run(&["migrate", "up"])
            .assert_code(3)
            .assert_stderr_mentions(&["transaction-control-statement"]);
        project
            .run(&["migrate", "up", "--allow", "transaction-control-statement"])
            .assert_code(0);
        return;
    }
    project
        .run(&["migrate", "up"])
        .assert_code(2)
        .assert_stderr_mentions(&[
            "0001_with_commit.up.sql",
            "line 2",
            "BEGIN",
            "no-transaction",
        ]);
    project.run(&["migrate", "up", "--dry-run"]).assert_code(2);
    assert!(probe.user_tables().await.is_empty(), "nothing may run");
    assert!(probe.history().await.is_empty());

    project.migration(
        "0001_with_commit",
        &format!("-- dbwarden:no-transaction\n{up}"),
        "DROP TABLE b;\nDROP TABLE a;\n",
    );
    project.run(&["migrate", "up"]).assert_code(0);
    assert_eq!(probe.user_tables().await, ["a", "b"]);
}

on_every_engine!(transaction_control_in_a_transactional_script);

const THREE_STEPS: &str = "CREATE TABLE t1 (id INT);\nCREATE TABLE t2 (id INT);\nCREATE TABLE t3 (id INT REFERENCES missing_table (id));\n";
const THREE_STEPS_DOWN: &str = "DROP TABLE t3;\nDROP TABLE t2;\nDROP TABLE t1;\n";

/// After a MariaDB migration stops part-way, `--resume` refuses if a statement that already ran
/// was edited, and continues from the failed statement once only that one is fixed.
#[tokio::test(flavor = "multi_thread")]
async fn resume_refuses_edits_to_statements_that_already_ran() {
    let db = test_db!(Server::Mysql);
    let mut probe = Probe::new(&db).await;
    let project = Project::new(&db);
    project.migration("0001_three", THREE_STEPS, THREE_STEPS_DOWN);
    project
        .run(&["migrate", "up"])
        .assert_code(1)
        .assert_stderr_mentions(&["statements 1 to 2", "stay applied"]);
    assert_eq!(probe.user_tables().await, ["t1", "t2"]);

    // Edit statement 1 (already ran): refused, nothing runs.
    project.migration(
        "0001_three",
        &THREE_STEPS.replace("t1 (id INT)", "t1 (id BIGINT)"),
        THREE_STEPS_DOWN,
    );
    project
        .run(&["migrate", "up", "--resume"])
        .assert_code(3)
        .assert_stderr_mentions(&["cannot resume", "edited"]);
    assert_eq!(probe.user_tables().await, ["t1", "t2"]);

    // Fix only the failed statement: resume runs statement 3 alone.
    project.migration(
        "0001_three",
        &THREE_STEPS.replace(" REFERENCES missing_table (id)", ""),
        THREE_STEPS_DOWN,
    );
    project.run(&["migrate", "up", "--resume"]).assert_code(0);
    assert_eq!(probe.user_tables().await, ["t1", "t2", "t3"]);
    let history = probe.history().await;
    assert_eq!((history.len(), history[0].status.as_str()), (1, "applied"));
}

/// A MariaDB down script that fails part-way leaves a `rollback_failed` row: `up` refuses
/// (even with --resume), and `down` continues from the failed statement once it is fixed.
#[tokio::test(flavor = "multi_thread")]
async fn down_that_stops_part_way_is_finished_by_down() {
    let db = test_db!(Server::Mysql);
    let mut probe = Probe::new(&db).await;
    let project = Project::new(&db);
    let broken_down = "DROP TABLE t3;\nDROP TABLE no_such_table;\nDROP TABLE t1;\n";
    project.migration(
        "0001_three",
        "CREATE TABLE t1 (id INT);\nCREATE TABLE t2 (id INT);\nCREATE TABLE t3 (id INT);\n",
        broken_down,
    );
    project.run(&["migrate", "up"]).assert_code(0);
    project
        .run(&["migrate", "down"])
        .assert_code(1)
        .assert_stderr_mentions(&["0001_three.down.sql", "no_such_table"]);
    assert_eq!(probe.user_tables().await, ["t1", "t2"]);
    let status = project.run(&["--json", "migrate", "status"]);
    assert_eq!(
        status.json()["migrations"]["migrations"][0]["state"],
        "rollback_stopped",
        "{status}"
    );
    project
        .run(&["migrate", "up", "--resume"])
        .assert_code(3)
        .assert_stderr_mentions(&["down script stopped part-way", "migrate down"]);

    // Fix statement 2 only; statement 1 (already ran) keeps its text.
    project.migration(
        "0001_three",
        "CREATE TABLE t1 (id INT);\nCREATE TABLE t2 (id INT);\nCREATE TABLE t3 (id INT);\n",
        "DROP TABLE t3;\nDROP TABLE t2;\nDROP TABLE t1;\n",
    );
    project.run(&["migrate", "down"]).assert_code(0);
    assert!(probe.user_tables().await.is_empty());
    assert!(probe.history().await.is_empty());
}

/// A MariaDB dry run rehearses on a scratch copy; a script that names the real database or
/// switches to it is refused, so the rehearsal can never reach past the copy.
#[tokio::test(flavor = "multi_thread")]
async fn mariadb_dry_run_stays_on_the_scratch_copy() {
    let db = test_db!(Server::Mysql);
    let mut probe = Probe::new(&db).await;
    let project = Project::new(&db);
    project.migration(
        "0001_base",
        "CREATE TABLE base (id INT PRIMARY KEY);\nINSERT INTO base VALUES (1);\n",
        "DROP TABLE base;\n",
    );
    project.run(&["migrate", "up"]).assert_code(0);
    project.migration(
        "0002_more",
        "CREATE TABLE more_rows (id INT);\nALTER TABLE base ADD COLUMN note TEXT, ALGORITHM=INSTANT;\n",
        "DROP TABLE more_rows;\nALTER TABLE base DROP COLUMN note;\n",
    );

    let out = project.run(&["--json", "migrate", "up", "--dry-run"]);
    out.assert_code(0);
    let report = &out.json()["dry_run"];
    assert_eq!(report["mode"], "scratch_copy", "{out}");
    assert_eq!(
        report["tables_created"],
        serde_json::json!(["more_rows"]),
        "{out}"
    );
    assert_eq!(
        probe.user_tables().await,
        ["base"],
        "the real database is untouched"
    );
    assert_eq!(probe.history_versions().await, [1]);
    let scratch = probe.scalar("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'dbw\\_dryrun\\_%'").await;
    assert_eq!(scratch, 0, "the scratch database was dropped");

    project.migration(
        "0002_more",
        &format!("CREATE TABLE `{}`.more_rows (id INT);\n", db.name()),
        "DROP TABLE more_rows;\n",
    );
    project
        .run(&["migrate", "up", "--dry-run"])
        .assert_code(3)
        .assert_stderr_mentions(&["scratch copy", db.name()]);
    assert_eq!(probe.user_tables().await, ["base"]);
}

/// DDL reports no rows affected (SQLite used to repeat the previous statement's count).
#[tokio::test(flavor = "multi_thread")]
async fn rows_affected_counts_only_data_changes() {
    let db = test_db!(Server::Sqlite);
    let project = Project::new(&db);
    project.migration(
        "0001_rows",
        "CREATE TABLE r (id INTEGER);\nINSERT INTO r VALUES (1), (2), (3);\nCREATE INDEX r_id ON r (id);\nSELECT * FROM r;\n",
        "DROP TABLE r;\n",
    );
    let out = project.run(&["--json", "migrate", "up"]);
    out.assert_code(0);
    assert_eq!(out.json()["up"]["applied"][0]["rows_affected"], 3, "{out}");
}

const PARENT_AND_CHILDREN: &str = "CREATE TABLE parent (id INTEGER PRIMARY KEY);\n\
    CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent (id) ON DELETE CASCADE);\n\
    INSERT INTO parent (id) VALUES (1), (2), (3);\n\
    INSERT INTO child (id, parent_id) VALUES (1, 1), (2, 1), (3, 2), (4, 3), (5, 3);\n";

/// SQLite's documented table rebuild turns foreign keys off first; inside a transaction that
/// pragma is ignored, and `DROP TABLE parent` would then cascade into every child row. The
/// runner applies the pragma around the transaction, so no child row is lost, and refuses to
/// commit a rebuild that leaves dangling references.
#[tokio::test(flavor = "multi_thread")]
async fn sqlite_table_rebuild_keeps_child_rows() {
    let db = test_db!(Server::Sqlite);
    let mut probe = Probe::new(&db).await;
    let project = Project::new(&db);
    project.migration(
        "0001_parent_child",
        PARENT_AND_CHILDREN,
        "DROP TABLE child;\nDROP TABLE parent;\n",
    );
    project.run(&["migrate", "up"]).assert_code(0);

    // A rebuild that loses parent 3: its children would dangle. Refused and rolled back.
    let lossy = "PRAGMA foreign_keys = OFF;\n\
        CREATE TABLE new_parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT 'p');\n\
        INSERT INTO new_parent (id) SELECT id FROM parent WHERE id < 3;\n\
        -- dbwarden:allow drop-table rebuild: its rows were copied to new_parent\n\
        DROP TABLE parent;\n\
        ALTER TABLE new_parent RENAME TO parent;\n\
        PRAGMA foreign_keys = ON;\n";
    project.migration("0002_rebuild_parent", lossy, "SELECT 1;\n");
    // The rebuild drops the old table: it runs only with a verified backup of it.
    project
        .run(&["backup", "create", "--table", "parent", "-o", "parent.dbwb"])
        .assert_code(0);
    project
        .run(&["migrate", "up", "--backup", "parent.dbwb"])
        .assert_code(1)
        .assert_stderr_mentions(&["0002_rebuild_parent", "point at nothing", "rolled back"]);
    assert_eq!(probe.count("child").await, 5);
    assert_eq!(probe.count("parent").await, 3);
    assert_eq!(probe.history_versions().await, [1]);

    let rebuild = lossy.replace(" WHERE id < 3", "");
    project.migration("0002_rebuild_parent", &rebuild, "SELECT 1;\n");
    project
        .run(&["migrate", "up", "--backup", "parent.dbwb"])
        .assert_code(0);
    assert_eq!(
        probe.count("child").await,
        5,
        "no child row may be lost to a cascade"
    );
    assert_eq!(probe.count("parent").await, 3);
    assert_eq!(
        probe
            .scalar("SELECT count(*) FROM pragma_table_info('parent') WHERE name = 'name'")
            .await,
        1
    );
    // Enforcement is back on for the connection's later work.
    project.migration(
        "0003_bad_child",
        "INSERT INTO child (id, parent_id) VALUES (6, 99);\n",
        "DELETE FROM child WHERE id = 6;\n",
    );
    project
        .run(&["migrate", "up"])
        .assert_code(1)
        .assert_stderr_mentions(&["FOREIGN KEY"]);
}

/// A SQLite lock row whose holder still looks alive blocks runners (they time out naming it);
/// `migrate unlock` releases it for a runner that is known to be gone.
#[tokio::test(flavor = "multi_thread")]
async fn sqlite_lock_left_behind_is_released_by_unlock() {
    let db = test_db!(Server::Sqlite);
    let mut probe = Probe::new(&db).await;
    let project = Project::new(&db);
    project.migration(
        "0001_a",
        "CREATE TABLE a (id INTEGER);\n",
        "DROP TABLE a;\n",
    );
    project.run(&["migrate", "up"]).assert_code(0);
    // Process 1 always exists, so this row is never taken over as stale: as if another
    // container (same host name) crashed while holding it.
    let host = gethostname();
    probe
        .execute(&format!(
            "INSERT INTO dbwarden_lock (name, pid, host, acquired_at) VALUES ('dbwarden_migrate', 1, '{host}', '2026-01-01 00:00:00')"
        ))
        .await;
    project.migration(
        "0002_b",
        "CREATE TABLE b (id INTEGER);\n",
        "DROP TABLE b;\n",
    );
    project
        .run(&["migrate", "up", "--runner-lock-timeout", "1"])
        .assert_code(1)
        .assert_stderr_mentions(&["timed out", "process 1"]);
    assert!(!probe.has_table("b").await);
    project
        .run(&["migrate", "unlock"])
        .assert_code(0)
        .assert_stdout_mentions(&["released", "process 1"]);
    project.run(&["migrate", "up"]).assert_code(0);
    assert!(probe.has_table("b").await);
}

fn gethostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .unwrap_or_default()
}

/// A runner that finds the lock taken says who holds it while it waits, and gives up after
/// --runner-lock-timeout with nothing applied.
async fn waiting_runner_names_the_lock_holder(server: Server) {
    let db = test_db!(server);
    let mut probe = Probe::new(&db).await;
    let project = Project::new(&db);
    project.migration(
        "0001_a",
        "CREATE TABLE a (id INTEGER);\n",
        "DROP TABLE a;\n",
    );
    let mut holder = db.connect().await;
    assert!(holder.try_lock("dbwarden_migrate").await.expect("lock"));
    let out = project.run(&["migrate", "up", "--runner-lock-timeout", "2"]);
    let who = match server {
        Server::Postgres => "PostgreSQL backend pid",
        Server::Mysql => "connection",
        Server::Sqlite => "process",
    };
    out.assert_code(1).assert_stderr_mentions(&[
        "waiting for the migration lock held by",
        who,
        "timed out after 2 s",
    ]);
    assert!(!probe.has_table("a").await);
    holder.unlock("dbwarden_migrate").await.expect("unlock");
    project.run(&["migrate", "up"]).assert_code(0);
    assert!(probe.has_table("a").await);
}

on_every_engine!(waiting_runner_names_the_lock_holder);

/// `migrate up` lints pending migrations first: an unallowed error refuses the whole run
/// (nothing applied, exit 3); an in-file allow with a reason lets it run and is logged;
/// destructive statements need --allow-destructive and a verified backup of their tables.
#[tokio::test(flavor = "multi_thread")]
async fn up_refuses_unsafe_migrations_unless_allowed() {
    let db = test_db!(Server::Postgres);
    let mut probe = Probe::new(&db).await;
    let project = Project::new(&db);
    project.migration(
        "0001_items",
        "CREATE TABLE items (id bigint PRIMARY KEY, name text);\n",
        "DROP TABLE items;\n",
    );
    project.migration(
        "0002_index",
        "CREATE INDEX items_name ON items (name);\n",
        "DROP INDEX items_name;\n",
    );
    project
        .run(&["migrate", "up"])
        .assert_code(3)
        .assert_stderr_mentions(&[
            "0002_index.up.sql:1",
            "require-concurrent-index",
            "dbwarden:allow",
        ]);
    assert!(
        probe.history().await.is_empty(),
        "nothing may be applied, not even 0001"
    );

    project.migration(
        "0002_index",
        "-- dbwarden:allow require-concurrent-index the table is created empty in 0001\nCREATE INDEX items_name ON items (name);\n",
        "DROP INDEX items_name;\n",
    );
    project.run(&["migrate", "up"]).assert_code(0);
    let allowed = project
        .events()
        .into_iter()
        .find(|e| e["type"] == "LINT_ALLOWED")
        .expect("LINT_ALLOWED event");
    assert_eq!(allowed["payload"]["rule"], "require-concurrent-index");
    assert_eq!(
        allowed["payload"]["reason"],
        "the table is created empty in 0001"
    );

    project.migration(
        "0003_drop",
        "DROP TABLE items;\n",
        "CREATE TABLE items (id bigint PRIMARY KEY, name text);\n",
    );
    project
        .run(&["migrate", "up"])
        .assert_code(3)
        .assert_stderr_mentions(&["drop-table"]);
    assert!(probe.has_table("items").await);
    // Allowed, but still refused: no verified backup holds the table's rows.
    probe.execute("INSERT INTO items VALUES (1, 'kept')").await;
    project
        .run(&["migrate", "up", "--allow-destructive"])
        .assert_code(3)
        .assert_stderr_mentions(&[
            "0003_drop.up.sql:1",
            "no verified backup of items",
            "--backup",
        ]);
    assert!(probe.has_table("items").await);
    // A backup of another table does not cover it.
    probe.execute("CREATE TABLE other (id int)").await;
    project
        .run(&["backup", "create", "--table", "other", "-o", "other.dbwb"])
        .assert_code(0);
    project
        .run(&[
            "migrate",
            "up",
            "--allow-destructive",
            "--backup",
            "other.dbwb",
        ])
        .assert_code(3)
        .assert_stderr_mentions(&["no verified backup of items"]);
    assert!(probe.has_table("items").await);
    project
        .run(&["backup", "create", "--table", "items", "-o", "items.dbwb"])
        .assert_code(0);
    project
        .run(&[
            "migrate",
            "up",
            "--allow-destructive",
            "--backup",
            "items.dbwb",
        ])
        .assert_code(0);
    assert!(!probe.has_table("items").await);
    // The backup brings the rows back.
    project
        .run(&["backup", "restore", "items.dbwb"])
        .assert_code(0);
    assert_eq!(probe.count("items").await, 1);
}

/// A failed CREATE UNIQUE INDEX CONCURRENTLY leaves an INVALID index; `--resume` refuses until
/// it is dropped, and says how.
#[tokio::test(flavor = "multi_thread")]
async fn resume_refuses_while_an_invalid_index_remains() {
    let db = test_db!(Server::Postgres);
    let mut probe = Probe::new(&db).await;
    let project = Project::new(&db);
    project.migration("0001_t", "CREATE TABLE t (id bigint PRIMARY KEY, v text);\nINSERT INTO t VALUES (1, 'x'), (2, 'x');\n", "DROP TABLE t;\n");
    project.migration(
        "0002_unique_v",
        "-- dbwarden:no-transaction\nCREATE UNIQUE INDEX CONCURRENTLY t_v ON t (v);\n",
        "-- dbwarden:no-transaction\nDROP INDEX CONCURRENTLY t_v;\n",
    );
    project
        .run(&["migrate", "up"])
        .assert_code(1)
        .assert_stderr_mentions(&["0002_unique_v", "t_v"]);
    assert_eq!(
        probe
            .scalar("SELECT count(*) FROM pg_index WHERE NOT indisvalid")
            .await,
        1
    );
    project
        .run(&["migrate", "up", "--resume"])
        .assert_code(3)
        .assert_stderr_mentions(&[
            "INVALID",
            "public.t_v",
            "DROP INDEX CONCURRENTLY public.t_v;",
        ]);
    probe.execute("DROP INDEX CONCURRENTLY public.t_v").await;
    probe.execute("UPDATE t SET v = 'y' WHERE id = 2").await;
    project.run(&["migrate", "up", "--resume"]).assert_code(0);
    assert_eq!(
        probe
            .scalar("SELECT count(*) FROM pg_index WHERE NOT indisvalid")
            .await,
        0
    );
}
