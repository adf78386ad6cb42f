//! A runner killed with SIGKILL in the middle of a transactional migration leaves no trace of
//! it (PostgreSQL and SQLite roll the transaction back; the history row is part of it), and the
//! next `up` applies it whole. And on PostgreSQL, `CREATE INDEX CONCURRENTLY` in a
//! `-- dbwarden:no-transaction` migration builds a valid index while the table keeps taking
//! writes.

mod harness;

use dbwarden_testkit::{Server, test_db};
use harness::{Probe, Project};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A statement that keeps SQLite busy for `rows` steps of a recursive CTE.
fn sqlite_slow_query(rows: u64) -> String {
    format!(
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {rows}) \
         SELECT count(*) FROM c"
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn killed_postgres_migration_leaves_nothing_behind() {
    let db = test_db!(Server::Postgres);
    killed_mid_migration(&db, "SELECT pg_sleep(3)").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn killed_sqlite_migration_leaves_nothing_behind() {
    let db = test_db!(Server::Sqlite);
    // Long enough (measured on this machine) that the kill lands inside the migration.
    let mut probe = Probe::new(&db).await;
    let mut rows = 5_000_000;
    let slow = loop {
        let query = sqlite_slow_query(rows);
        let started = Instant::now();
        probe.query(&query).await;
        let took = started.elapsed();
        if took > Duration::from_secs(1) {
            break query;
        }
        assert!(
            rows < 100_000_000,
            "{rows} rows took only {took:?}; cannot make SQLite slow enough"
        );
        rows *= 2;
    };
    drop(probe);
    killed_mid_migration(&db, &slow).await;
}

/// Kills `up` while it runs `slow` between creating table a and table b, then checks that
/// nothing of the migration remains and that a second `up` applies all of it.
async fn killed_mid_migration(db: &dbwarden_testkit::TestDb, slow: &str) {
    let mut probe = Probe::new(db).await;
    let project = Project::new(db);
    project.migration(
        "0001_a_then_b",
        &format!(
            "CREATE TABLE a (id INTEGER NOT NULL PRIMARY KEY);\n\
             INSERT INTO a (id) VALUES (1);\n\
             {slow};\n\
             CREATE TABLE b (id INTEGER NOT NULL PRIMARY KEY);\n"
        ),
        "DROP TABLE b;\nDROP TABLE a;\n",
    );

    let mut child = project.spawn(&["migrate", "up"]);
    project.wait_for_event("MIGRATION_STARTED", "0001", Duration::from_secs(20));
    std::thread::sleep(Duration::from_millis(300));
    let still_running = child
        .try_wait()
        .unwrap_or_else(|e| panic!("cannot poll dbwarden: {e}"))
        .is_none();
    assert!(
        still_running,
        "dbwarden finished before it could be killed: the slow statement is not slow enough"
    );
    child
        .kill()
        .unwrap_or_else(|e| panic!("cannot kill dbwarden: {e}"));
    child
        .wait()
        .unwrap_or_else(|e| panic!("cannot reap dbwarden: {e}"));
    assert!(!project.has_event("MIGRATION_COMPLETE", "0001"));

    assert!(!probe.has_table("a").await, "table a survived the kill");
    assert!(!probe.has_table("b").await, "table b exists after the kill");
    assert!(
        probe.history().await.iter().all(|h| h.version != 1),
        "the killed migration has a history row: {:?}",
        probe.history().await
    );

    // Same file, run again: the dead runner's lock is released (PostgreSQL: when its backend
    // notices the client is gone; SQLite: its lock row names a dead process) and the migration
    // applies whole.
    let rerun = tokio::task::spawn_blocking({
        let child = project.spawn(&["migrate", "up"]);
        move || harness::wait_with_timeout(child, Duration::from_secs(60))
    })
    .await
    .unwrap_or_else(|e| panic!("waiting for the second run failed: {e}"));
    rerun.assert_code(0);
    assert_eq!(probe.user_tables().await, ["a", "b"]);
    assert_eq!(probe.count("a").await, 1);
    let history = probe.history().await;
    assert_eq!(history.len(), 1, "{history:?}");
    assert_eq!(history[0].status, "applied");
}

/// `CREATE INDEX CONCURRENTLY` runs outside a transaction, finishes while another session keeps
/// inserting, and leaves a valid index.
#[tokio::test(flavor = "multi_thread")]
async fn concurrent_index_builds_while_the_table_takes_writes() {
    let db = test_db!(Server::Postgres);
    let mut probe = Probe::new(&db).await;
    probe
        .execute("CREATE TABLE t (id SERIAL PRIMARY KEY, v INTEGER NOT NULL)")
        .await;
    probe
        .execute("INSERT INTO t (v) SELECT g % 1000 FROM generate_series(1, 200000) AS g")
        .await;
    let project = Project::new(&db);
    project.migration(
        "0001_index_t_v",
        "-- dbwarden:no-transaction\nCREATE INDEX CONCURRENTLY idx ON t (v);\n",
        "-- dbwarden:no-transaction\nDROP INDEX CONCURRENTLY idx;\n",
    );

    let stop = Arc::new(AtomicBool::new(false));
    let inserted = Arc::new(AtomicU64::new(0));
    let mut writer = db.connect().await;
    let inserter = tokio::spawn({
        let stop = Arc::clone(&stop);
        let inserted = Arc::clone(&inserted);
        async move {
            let mut n: i64 = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                writer
                    .execute(&format!("INSERT INTO t (v) VALUES ({})", n % 1000))
                    .await
                    .map_err(|e| format!("insert {n} failed: {e}"))?;
                inserted.fetch_add(1, Ordering::Relaxed);
            }
            Ok::<i64, String>(n)
        }
    });
    let waiting_since = Instant::now();
    while inserted.load(Ordering::Relaxed) == 0 {
        assert!(
            waiting_since.elapsed() < Duration::from_secs(10),
            "the inserter never got going"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    let before = inserted.load(Ordering::Relaxed);
    let outcome = tokio::task::spawn_blocking({
        let child = project.spawn(&["migrate", "up"]);
        move || harness::wait_with_timeout(child, Duration::from_secs(60))
    })
    .await
    .unwrap_or_else(|e| panic!("waiting for dbwarden failed: {e}"));
    let during = inserted.load(Ordering::Relaxed) - before;
    stop.store(true, Ordering::Relaxed);
    let total = inserter
        .await
        .unwrap_or_else(|e| panic!("the inserter panicked: {e}"))
        .unwrap_or_else(|e| panic!("{e}"));

    outcome.assert_code(0);
    assert!(during > 0, "no row was inserted while the index was built");
    assert_eq!(
        probe
            .scalar("SELECT indisvalid::int FROM pg_index WHERE indexrelid = 'idx'::regclass")
            .await,
        1,
        "the index is not valid"
    );
    assert_eq!(probe.count("t").await, 200_000 + total);
    let history = probe.history().await;
    assert_eq!(
        history
            .iter()
            .map(|h| (h.version, h.status.as_str()))
            .collect::<Vec<_>>(),
        [(1, "applied")]
    );
}
