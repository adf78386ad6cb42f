//! Transactional scripts in parts: `-- dbwarden:commit` between two statements commits what ran
//! before it and starts a new transaction (so `ADD CONSTRAINT ... NOT VALID`'s lock is not held
//! through `VALIDATE`'s scan). A failure rolls back its own part only, the history row says how
//! far it got, and `up --resume` starts that part again.

mod harness;

use dbwarden_testkit::{Server, test_db};
use harness::{Probe, Project};

const PARTS: &str = "CREATE TABLE parts (id INTEGER PRIMARY KEY, n INTEGER);\n\
INSERT INTO parts (id, n) VALUES (1, 1);\n\
-- dbwarden:commit\n\
INSERT INTO parts (id, n) VALUES (2, 2);\n\
INSERT INTO no_such_table (id) VALUES (1);\n";

async fn a_failed_part_leaves_the_parts_before_it(server: Server) {
    let db = test_db!(server);
    let mut probe = Probe::new(&db).await;
    let project = Project::new(&db);
    project.migration("0001_parts", PARTS, "DROP TABLE parts;\n");
    project.run(&["migrate", "up"]).assert_code(1);
    // The first part committed, the second rolled back as a whole (row 2 is not there).
    assert_eq!(probe.count("parts").await, 1);
    let history = probe.history().await;
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].statements_done, 2, "{:?}", history[0].status);
    assert_eq!(history[0].status, "failed");
    // Fix the failed part; resume runs it again from its first statement.
    project.migration(
        "0001_parts",
        &PARTS.replace("INSERT INTO no_such_table (id) VALUES (1);\n", ""),
        "DROP TABLE parts;\n",
    );
    project.run(&["migrate", "up", "--resume"]).assert_code(0);
    assert_eq!(probe.count("parts").await, 2);
    let history = probe.history().await;
    assert_eq!(
        (history[0].status.as_str(), history[0].statements_done),
        ("applied", 3)
    );
    // And down, in one transaction, takes it all away.
    project.run(&["migrate", "down"]).assert_code(0);
    assert!(!probe.has_table("parts").await);
}

/// SQLite locks the whole file for any write, so parts would gain nothing: the script keeps
/// its one transaction and a failure leaves nothing of it.
#[tokio::test(flavor = "multi_thread")]
async fn sqlite_keeps_one_transaction() {
    let db = test_db!(Server::Sqlite);
    let mut probe = Probe::new(&db).await;
    let project = Project::new(&db);
    project.migration("0001_parts", PARTS, "DROP TABLE parts;\n");
    project.run(&["migrate", "up"]).assert_code(1);
    assert!(!probe.has_table("parts").await, "part of the script stayed");
    assert!(probe.history().await.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn postgres_failed_part_leaves_the_parts_before_it() {
    a_failed_part_leaves_the_parts_before_it(Server::Postgres).await;
}
