//! `apply` when things go wrong around it: a table lock held by a long transaction (the lock
//! queue), a fingerprint that fails after the migrations ran, and two runs started at once.

mod harness;

use dbwarden_testkit::{Server, TestDb, test_db};
use harness::{Probe, Project};
use std::time::{Duration, Instant};

async fn seed(db: &TestDb, project: &Project) {
    project.migration(
        "0001_items",
        "CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);\n",
        "DROP TABLE items;\n",
    );
    project.run(&["migrate", "up"]).assert_code(0);
    let values: Vec<String> = (1..=200).map(|i| format!("({i}, 'n{i}')")).collect();
    Probe::new(db)
        .await
        .execute(&format!(
            "INSERT INTO items (id, name) VALUES {}",
            values.join(", ")
        ))
        .await;
}

fn add_column(server: Server) -> (&'static str, &'static str) {
    match server {
        Server::Mysql => (
            "ALTER TABLE items ADD COLUMN note VARCHAR(20), ALGORITHM=INSTANT;\n",
            "ALTER TABLE items DROP COLUMN note, ALGORITHM=INSTANT;\n",
        ),
        _ => (
            "ALTER TABLE items ADD COLUMN note VARCHAR(20);\n",
            "ALTER TABLE items DROP COLUMN note;\n",
        ),
    }
}

const LINT_ALLOW: [&str; 4] = [
    "--allow",
    "missing-lock-timeout",
    "--allow",
    "mysql-alter-without-algorithm-lock",
];

/// A transaction holds the table for seconds. dbwarden's ALTER waits at most the lock timeout
/// per try, so application writes queued behind it never wait much longer; it retries, names
/// the blocker in the events, and completes once the holder ends.
async fn lock_queue_never_blocks_writers_long(server: Server) {
    let db = test_db!(server);
    let project = Project::new(&db);
    seed(&db, &project).await;
    let (up, down) = add_column(server);
    project.migration("0002_note", up, down);
    // MariaDB's lock_wait_timeout counts whole seconds.
    let (wait, wait_ms) = match server {
        Server::Mysql => ("1s", 1000u64),
        _ => ("500ms", 500),
    };
    let mut holder = db.connect().await;
    let holder_id = holder
        .query(
            match server {
                Server::Mysql => "SELECT CONNECTION_ID()",
                _ => "SELECT pg_backend_pid()",
            },
            &[],
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .first()
        .and_then(|r| r.first())
        .and_then(dbwarden::engine::Value::as_i64)
        .unwrap_or(-1);
    holder.begin().await.unwrap_or_else(|e| panic!("{e}"));
    holder
        .query("SELECT name FROM items WHERE id = 1", &[])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut writer = db.connect().await;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let writes = tokio::spawn(async move {
        let mut longest = Duration::ZERO;
        let mut n = 0;
        while !*stopped.borrow() {
            n += 1;
            let started = Instant::now();
            writer
                .execute(&format!("UPDATE items SET name = 'w{n}' WHERE id = 2"))
                .await
                .unwrap_or_else(|e| panic!("application write failed: {e}"));
            longest = longest.max(started.elapsed());
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        (n, longest)
    });
    let mut args = vec![
        "--json",
        "apply",
        "--lock-timeout",
        wait,
        "--lock-retries",
        "100",
    ];
    args.extend(LINT_ALLOW);
    let child = project.spawn(&args);
    tokio::time::sleep(Duration::from_secs(5)).await;
    holder.commit().await.unwrap_or_else(|e| panic!("{e}"));
    let run =
        tokio::task::block_in_place(|| harness::wait_with_timeout(child, Duration::from_secs(120)));
    let _ = stop.send(true);
    let (n, longest) = writes.await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(run.json()["status"], "success", "{run}");
    eprintln!("longest application write while dbwarden waited (lock timeout {wait}): {longest:?}");
    assert!(n > 20, "the writer hardly wrote");
    assert!(
        // The holder keeps the table 5 s: unbounded, writers would wait that long. The margin
        // over the lock timeout absorbs a loaded CI machine (the figure is printed).
        longest <= Duration::from_millis(wait_ms + 1000),
        "an application write waited {longest:?} behind dbwarden's ALTER (lock timeout {wait})"
    );
    let timeouts: Vec<serde_json::Value> = project
        .events()
        .into_iter()
        .filter(|e| e["type"] == "LOCK_TIMEOUT")
        .collect();
    assert!(timeouts.len() >= 2, "no retries logged: {timeouts:?}");
    assert!(
        timeouts.iter().any(|e| e["payload"]["blockers"]
            .as_array()
            .is_some_and(|b| b.iter().any(|b| b["session"] == holder_id))),
        "no event names the blocking session: {timeouts:?}"
    );
}

/// The fingerprint after the migrations fails: the run still rolls back, writes its report
/// and says so (before, it returned early with the database changed).
async fn failed_post_fingerprint_rolls_back_with_a_report(server: Server) {
    let db = test_db!(server);
    let project = Project::new(&db);
    seed(&db, &project).await;
    let (up, down) = add_column(server);
    project.migration("0002_note", up, down);
    let mut args = vec!["--json", "apply"];
    args.extend(LINT_ALLOW);
    let output = project
        .command(&args)
        .env("DBWARDEN_FAULT", "post-fingerprint")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert_eq!(report["status"], "rolled_back", "{stdout}");
    assert!(
        report["checklist"].is_string(),
        "no report file written: {stdout}"
    );
    let mut probe = Probe::new(&db).await;
    assert_eq!(probe.history_versions().await, [1]);
    let columns = probe
        .engine
        .introspect()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .tables
        .into_iter()
        .find(|t| t.name.name == "items")
        .map(|t| t.columns.len());
    assert_eq!(columns, Some(2), "the added column stayed");
}

/// Two `apply` started together: one applies, the other waits for the runner's lock and then
/// finds nothing pending; neither fails, and only one report claims the migration.
async fn two_applies_at_once(server: Server) {
    let db = test_db!(server);
    let project = Project::new(&db);
    seed(&db, &project).await;
    let (up, down) = add_column(server);
    project.migration("0002_note", up, down);
    let mut args = vec!["--json", "apply", "--rehearse", "always"];
    args.extend(LINT_ALLOW);
    let first = project.spawn(&args);
    let second = project.spawn(&args);
    let (a, b) = tokio::task::block_in_place(|| {
        (
            harness::wait_with_timeout(first, Duration::from_secs(120)),
            harness::wait_with_timeout(second, Duration::from_secs(120)),
        )
    });
    a.assert_code(0);
    b.assert_code(0);
    let claimed: Vec<serde_json::Value> = [a.json(), b.json()]
        .into_iter()
        .filter(|r| r["migration"]["version"] == "0002_note")
        .collect();
    assert_eq!(claimed.len(), 1, "{a}\n{b}");
    assert_eq!(Probe::new(&db).await.history_versions().await, [1, 2]);
}

/// A refused run (here: a failing pre-check) still writes its report, with status `refused`,
/// and says where it is.
async fn refusal_keeps_its_report(server: Server) {
    let db = test_db!(server);
    let project = Project::new(&db);
    seed(&db, &project).await;
    let (up, down) = add_column(server);
    project.migration("0002_note", up, down);
    project.write(
        "0002_note.check.sql",
        "-- dbwarden:pre\nSELECT count(*) = 0 FROM items;\n",
    );
    let mut args = vec!["apply"];
    args.extend(LINT_ALLOW);
    let run = project.run(&args);
    run.assert_code(3).assert_stderr_mentions(&["report:"]);
    let reports = project.path().join(".dbwarden/reports");
    let written: Vec<serde_json::Value> = std::fs::read_dir(&reports)
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().ends_with(".json"))
                .filter_map(|e| std::fs::read_to_string(e.path()).ok())
                .filter_map(|t| serde_json::from_str(&t).ok())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(written.len(), 1, "{run}");
    assert_eq!(written[0]["status"], "refused", "{run}");
    assert_eq!(Probe::new(&db).await.history_versions().await, [1]);
}

on_every_engine!(
    failed_post_fingerprint_rolls_back_with_a_report,
    two_applies_at_once,
    refusal_keeps_its_report
);

/// `--kill-blockers-after`: a session that only read and holds the table is terminated and
/// the run completes; a session that has written is never terminated (its work would be
/// lost), so then the run gives up after its tries and the writer's work stays.
async fn kill_blockers_spares_writers(server: Server) {
    let db = test_db!(server);
    let project = Project::new(&db);
    seed(&db, &project).await;
    let (up, down) = add_column(server);
    project.migration("0002_note", up, down);
    let wait = match server {
        Server::Mysql => "1s",
        _ => "500ms",
    };
    // A writer holds the table: never terminated, so the run gives up.
    let mut writer = db.connect().await;
    writer.begin().await.unwrap_or_else(|e| panic!("{e}"));
    writer
        .execute("UPDATE items SET name = 'kept' WHERE id = 3")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut args = vec![
        "apply",
        "--lock-timeout",
        wait,
        "--lock-retries",
        "3",
        "--kill-blockers-after",
        "1s",
    ];
    args.extend(LINT_ALLOW);
    let run = tokio::task::block_in_place(|| project.run(&args));
    assert_ne!(run.code, 0, "the run went through a writer's lock: {run}");
    writer
        .commit()
        .await
        .unwrap_or_else(|e| panic!("the writer was terminated: {e}"));
    let kept = Probe::new(&db)
        .await
        .query("SELECT name FROM items WHERE id = 3")
        .await;
    assert_eq!(
        kept.first()
            .and_then(|r| r.first())
            .and_then(|v| v.as_string()),
        Some("kept".into())
    );
    // A reader holds the table: terminated after a second, and the run completes.
    let mut reader = db.connect().await;
    reader.begin().await.unwrap_or_else(|e| panic!("{e}"));
    reader
        .query("SELECT name FROM items WHERE id = 1", &[])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut args = vec![
        "--json",
        "apply",
        "--lock-timeout",
        wait,
        "--lock-retries",
        "50",
        "--kill-blockers-after",
        "1s",
    ];
    args.extend(LINT_ALLOW);
    let run = tokio::task::block_in_place(|| project.run(&args));
    assert_eq!(run.json()["status"], "success", "{run}");
    assert!(
        reader.query("SELECT 1", &[]).await.is_err(),
        "the idle reader was not terminated"
    );
    assert!(
        project.events().iter().any(|e| e["type"] == "LOCK_TIMEOUT"
            && e["payload"]["terminated"]
                .as_array()
                .is_some_and(|t| !t.is_empty())),
        "no event says who was terminated"
    );
}

mod kill_blockers_spares_writers {
    #[tokio::test(flavor = "multi_thread")]
    async fn postgres() {
        super::kill_blockers_spares_writers(dbwarden_testkit::Server::Postgres).await;
    }
    #[tokio::test(flavor = "multi_thread")]
    async fn mariadb() {
        super::kill_blockers_spares_writers(dbwarden_testkit::Server::Mysql).await;
    }
}

mod lock_queue {
    #[tokio::test(flavor = "multi_thread")]
    async fn postgres() {
        super::lock_queue_never_blocks_writers_long(dbwarden_testkit::Server::Postgres).await;
    }
    #[tokio::test(flavor = "multi_thread")]
    async fn mariadb() {
        super::lock_queue_never_blocks_writers_long(dbwarden_testkit::Server::Mysql).await;
    }
}
