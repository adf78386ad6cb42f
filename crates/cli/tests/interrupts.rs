//! SIGINT at random moments during `migrate up`, `apply` and `backup create`: exit 130 (or 0
//! when the work finished first), the database before or after each migration (never a later
//! migration started; on MariaDB, which commits DDL as it goes, the history row says exactly
//! which statements ran), and no scratch database or `.partial` file left.
//!
//! `DBWARDEN_INTERRUPT_TRIALS` sets the trials per scenario (default 3, so CI stays quick;
//! `DBWARDEN_INTERRUPT_TRIALS=10` is the longer run).

mod harness;

use dbwarden_testkit::{Server, TestDb, test_db};
use harness::{Probe, Project};
use std::time::Duration;

const MIGRATIONS: usize = 4;

fn trials() -> usize {
    std::env::var("DBWARDEN_INTERRUPT_TRIALS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(3)
}

/// A statement that takes a few hundred milliseconds.
fn slow(server: Server) -> &'static str {
    match server {
        Server::Postgres => "SELECT pg_sleep(0.3)",
        Server::Mysql => "SELECT SLEEP(0.3)",
        Server::Sqlite => {
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1500000) SELECT count(*) FROM c"
        }
    }
}

/// A pseudo-random delay from `seed`, between 50 ms and `max_ms`.
fn delay(seed: usize, max_ms: u64) -> Duration {
    let mut x = (seed as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ u64::from(std::process::id());
    x ^= x >> 29;
    Duration::from_millis(50 + x % max_ms.saturating_sub(50).max(1))
}

fn interrupt(child: &std::process::Child) {
    let _ = std::process::Command::new("kill")
        .arg("-INT")
        .arg(child.id().to_string())
        .status();
}

async fn scratch_left(db: &TestDb, pid: u32) -> Vec<String> {
    Probe::new(db).await.scratch_databases_of(pid).await
}

/// The migrations `migrate_up_interrupted` runs.
fn write_slow_migrations(project: &Project, server: Server) {
    for i in 1..=MIGRATIONS {
        project.migration(
            &format!("{i:04}_t{i}"),
            &format!("CREATE TABLE t{i} (id INTEGER);\n{};\n", slow(server)),
            &format!("DROP TABLE t{i};\n"),
        );
    }
}

/// How long `args` takes here uninterrupted, on a database `prepare` sets up, in
/// milliseconds: the signal of each trial lands inside that span.
async fn calibrate(server: Server, args: &[&str], prepare: impl AsyncFn(&TestDb, &Project)) -> u64 {
    let Some(db) = TestDb::create(server).await else {
        return 1000;
    };
    let project = Project::new(&db);
    prepare(&db, &project).await;
    let started = std::time::Instant::now();
    project.run(args).assert_code(0);
    u64::try_from(started.elapsed().as_millis()).unwrap_or(1000)
}

async fn migrate_up_interrupted(server: Server) {
    let full = calibrate(server, &["migrate", "up"], async |_, project| {
        write_slow_migrations(project, server);
    })
    .await;
    let mut interrupted = 0;
    for trial in 0..trials() {
        let db = test_db!(server);
        let project = Project::new(&db);
        write_slow_migrations(&project, server);
        let child = project.spawn(&["migrate", "up"]);
        std::thread::sleep(delay(trial, (full * 3 / 4).max(60)));
        interrupt(&child);
        let run = harness::wait_with_timeout(child, Duration::from_secs(60));
        assert!(run.code == 130 || run.code == 0, "trial {trial}: {run}");
        interrupted += usize::from(run.code == 130);
        if run.code == 130 {
            assert!(run.stderr.contains("interrupted"), "trial {trial}: {run}");
        }
        let mut probe = Probe::new(&db).await;
        let history = probe.history().await;
        let tables = probe.user_tables().await;
        // Applied migrations are a prefix; at most the last row stopped part-way (MariaDB).
        for (i, row) in history.iter().enumerate() {
            assert_eq!(row.version, i as i64 + 1, "trial {trial}: {history:?}");
            let last = i + 1 == history.len();
            match row.status.as_str() {
                "applied" => assert!(tables.contains(&format!("t{}", i + 1)), "trial {trial}"),
                "failed" if last && server == Server::Mysql => {
                    // Exactly what ran is recorded: the table exists iff its statement did.
                    assert_eq!(
                        tables.contains(&format!("t{}", i + 1)),
                        row.statements_done >= 1,
                        "trial {trial}: {row:?} vs {tables:?}"
                    );
                }
                other => panic!("trial {trial}: row {} is {other}: {run}", row.version),
            }
        }
        for i in history.len() + 1..=MIGRATIONS {
            assert!(
                !tables.contains(&format!("t{i}")),
                "trial {trial}: t{i} exists but migration {i} never started: {run}"
            );
        }
        if run.code == 0 {
            assert_eq!(history.len(), MIGRATIONS);
        }
    }
    assert!(
        interrupted > 0,
        "no trial was interrupted before the end: the test tested nothing"
    );
}

/// A table with two rows, and a pending migration that updates one and then runs slowly.
async fn prepare_apply(db: &TestDb, project: &Project, server: Server) {
    project.migration(
        "0001_items",
        "CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(20));\n",
        "DROP TABLE items;\n",
    );
    project.run(&["migrate", "up"]).assert_code(0);
    Probe::new(db)
        .await
        .execute("INSERT INTO items (id, name) VALUES (1, 'a'), (2, 'b')")
        .await;
    project.migration(
        "0002_slow",
        &format!(
            "UPDATE items SET name = 'c' WHERE id = 1;\n{0};\n{0};\n{0};\n",
            slow(server)
        ),
        "UPDATE items SET name = 'a' WHERE id = 1;\n",
    );
}

async fn apply_interrupted(server: Server) {
    let full = calibrate(
        server,
        &["apply", "--rehearse", "always"],
        async |db, project| {
            prepare_apply(db, project, server).await;
        },
    )
    .await;
    let mut interrupted = 0;
    for trial in 0..trials() {
        let db = test_db!(server);
        let project = Project::new(&db);
        prepare_apply(&db, &project, server).await;
        let child = project.spawn(&["apply", "--rehearse", "always"]);
        let pid = child.id();
        std::thread::sleep(delay(trial + 7, (full * 3 / 4).max(60)));
        interrupt(&child);
        let run = harness::wait_with_timeout(child, Duration::from_secs(60));
        assert!(run.code == 130 || run.code == 0, "trial {trial}: {run}");
        interrupted += usize::from(run.code == 130);
        let mut probe = Probe::new(&db).await;
        let history = probe.history().await;
        let name = probe.query("SELECT name FROM items WHERE id = 1").await;
        let changed = name
            .first()
            .and_then(|r| r.first())
            .and_then(|v| v.as_string())
            == Some("c".into());
        match history.get(1) {
            // MariaDB commits each statement: a migration stopped part-way records exactly
            // how far it got (here: whether its UPDATE ran).
            Some(row) if row.status == "failed" && server == Server::Mysql => {
                assert_eq!(
                    changed,
                    row.statements_done >= 1,
                    "trial {trial}: {row:?}\n{run}"
                );
            }
            // Elsewhere: before or after the migration, never in between.
            Some(row) => {
                assert_eq!(row.status, "applied", "trial {trial}: {history:?}\n{run}");
                assert!(changed, "trial {trial}: applied but not changed: {run}");
            }
            None => assert!(
                !changed,
                "trial {trial}: changed without a history row: {run}"
            ),
        }
        assert!(
            scratch_left(&db, pid).await.is_empty(),
            "trial {trial}: scratch databases left: {run}"
        );
    }
    assert!(
        interrupted > 0,
        "no trial was interrupted before the end: the test tested nothing"
    );
}

async fn backup_interrupted(server: Server) {
    let mut interrupted = 0;
    for trial in 0..trials() {
        let db = test_db!(server);
        let project = Project::new(&db);
        project.migration(
            "0001_rows",
            "CREATE TABLE rows_table (id INTEGER PRIMARY KEY, payload VARCHAR(200));\n",
            "DROP TABLE rows_table;\n",
        );
        project.run(&["migrate", "up"]).assert_code(0);
        let mut probe = Probe::new(&db).await;
        for chunk in 0..60 {
            let values: Vec<String> = (1..=1000)
                .map(|i| format!("({}, '{}')", chunk * 1000 + i, "x".repeat(150)))
                .collect();
            probe
                .execute(&format!(
                    "INSERT INTO rows_table (id, payload) VALUES {}",
                    values.join(", ")
                ))
                .await;
        }
        // How long an uninterrupted run takes here, so the signal lands inside the next one.
        let started = std::time::Instant::now();
        project
            .run(&["backup", "create", "-o", "calibrate.dbwb", "--verify"])
            .assert_code(0);
        let full = u64::try_from(started.elapsed().as_millis()).unwrap_or(400);
        let child = project.spawn(&["backup", "create", "-o", "b.dbwb", "--verify"]);
        let pid = child.id();
        std::thread::sleep(delay(trial + 3, (full * 3 / 4).max(60)));
        interrupt(&child);
        let run = harness::wait_with_timeout(child, Duration::from_secs(60));
        assert!(run.code == 130 || run.code == 0, "trial {trial}: {run}");
        interrupted += usize::from(run.code == 130);
        let partial: Vec<_> = std::fs::read_dir(project.path())
            .map(|d| {
                d.filter_map(Result::ok)
                    .filter(|e| e.file_name().to_string_lossy().ends_with(".partial"))
                    .collect()
            })
            .unwrap_or_default();
        assert!(
            partial.is_empty(),
            "trial {trial}: partial files left: {run}"
        );
        assert!(
            scratch_left(&db, pid).await.is_empty(),
            "trial {trial}: scratch databases left: {run}"
        );
    }
    assert!(
        interrupted > 0,
        "no trial was interrupted before the end: the test tested nothing"
    );
}

on_every_engine!(
    migrate_up_interrupted,
    apply_interrupted,
    backup_interrupted
);
