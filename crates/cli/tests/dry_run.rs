//! `migrate up --dry-run` touches nothing live: by default it runs on a scratch copy of the
//! schema and a sample of the rows, so a concurrent reader and writer never wait for it;
//! `--dry-run=in-place` runs inside a transaction on the target and says that it takes the
//! real locks.

mod harness;

use dbwarden_testkit::{Server, TestDb, test_db};
use harness::{Probe, Project};
use std::time::{Duration, Instant};

async fn seed(db: &TestDb, project: &Project, slow: &str) {
    project.migration(
        "0001_items",
        "CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(20));\n",
        "DROP TABLE items;\n",
    );
    project.run(&["migrate", "up"]).assert_code(0);
    let values: Vec<String> = (1..=3000).map(|i| format!("({i}, 'n{i}')")).collect();
    Probe::new(db)
        .await
        .execute(&format!(
            "INSERT INTO items (id, name) VALUES {}",
            values.join(", ")
        ))
        .await;
    project.migration(
        "0002_note",
        &format!("ALTER TABLE items ADD COLUMN note VARCHAR(20);\n{slow};\n"),
        "ALTER TABLE items DROP COLUMN note;\n",
    );
}

/// A reader and a writer on the table, each returning its longest wait.
fn traffic(
    db: &TestDb,
    stop: &tokio::sync::watch::Receiver<bool>,
) -> Vec<tokio::task::JoinHandle<Duration>> {
    [
        "SELECT count(*) FROM items",
        "UPDATE items SET name = 'w' WHERE id = 7",
    ]
    .into_iter()
    .map(|sql| {
        let stopped = stop.clone();
        let db_url = db.url.clone();
        tokio::spawn(async move {
            let mut engine = dbwarden::engine::connect(&db_url)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let mut longest = Duration::ZERO;
            while !*stopped.borrow() {
                let started = Instant::now();
                engine
                    .execute(sql)
                    .await
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
                longest = longest.max(started.elapsed());
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            longest
        })
    })
    .collect()
}

async fn dry_run_blocks_nobody(server: Server, slow: &str) {
    let db = test_db!(server);
    let project = Project::new(&db);
    seed(&db, &project, slow).await;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let tasks = traffic(&db, &stopped);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let run = tokio::task::block_in_place(|| {
        project.run(&["--json", "migrate", "up", "--dry-run", "--no-lint"])
    });
    let _ = stop.send(true);
    run.assert_code(0);
    let report = &run.json()["dry_run"];
    assert_eq!(report["mode"], "scratch_copy", "{run}");
    for task in tasks {
        let longest = task.await.unwrap_or_else(|e| panic!("{e}"));
        assert!(
            longest < Duration::from_millis(250),
            "a reader or writer waited {longest:?} for a dry run: {run}"
        );
    }
    let mut probe = Probe::new(&db).await;
    assert_eq!(
        probe.history_versions().await,
        [1],
        "the dry run applied something"
    );
    assert_eq!(probe.count("items").await, 3000);
}

async fn in_place_says_it_takes_the_locks(server: Server) {
    let db = test_db!(server);
    let project = Project::new(&db);
    seed(&db, &project, "SELECT 1").await;
    let run = project.run(&["--json", "migrate", "up", "--dry-run=in-place", "--no-lint"]);
    run.assert_code(0);
    let report = &run.json()["dry_run"];
    assert_eq!(report["mode"], "rolled_back", "{run}");
    assert!(
        report["notes"].to_string().contains("took the real locks"),
        "{run}"
    );
    assert_eq!(Probe::new(&db).await.history_versions().await, [1]);
}

#[tokio::test(flavor = "multi_thread")]
async fn postgres_dry_run_blocks_nobody() {
    dry_run_blocks_nobody(Server::Postgres, "SELECT pg_sleep(1)").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sqlite_dry_run_blocks_nobody() {
    dry_run_blocks_nobody(
        Server::Sqlite,
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) SELECT count(*) FROM c",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn postgres_in_place_says_it_takes_the_locks() {
    in_place_says_it_takes_the_locks(Server::Postgres).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn mariadb_in_place_is_refused() {
    let db = test_db!(Server::Mysql);
    let project = Project::new(&db);
    seed(&db, &project, "SELECT 1").await;
    project
        .run(&["migrate", "up", "--dry-run=in-place", "--no-lint"])
        .assert_code(3)
        .assert_stderr_mentions(&["cannot be rolled back in place"]);
}
